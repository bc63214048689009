import type { ConnectorManifest, JsonSchema } from '@signal-connectors/connector-sdk';
import { QUALYS_MANIFEST } from './qualys-manifest.js';

/** One Qualys shared platform (POD): where its API lives and where its users log in. */
export interface QualysPlatform {
    /** Short id Qualys uses on its platform-identification page, e.g. `US2`. */
    readonly id: string;
    /** Host name of the API server (FO/v2 APIs), e.g. `qualysapi.qg2.apps.qualys.com`. */
    readonly apiHost: string;
    /** Host name of the web console users log in to, e.g. `qualysguard.qg2.apps.qualys.com`. */
    readonly consoleHost: string;
    /** Host name of the gateway (JWT APIs); the connector does not call it, but users paste it. */
    readonly gatewayHost: string;
}

/** Where users can look up their platform; also shown under Help -> About in the Qualys UI. */
export const QUALYS_PLATFORM_IDENTIFICATION_URL = 'https://www.qualys.com/platform-identification/';

/**
 * The shared platforms, as listed in Qualys' platform-identification table; private clouds are not listed. Read
 * from the manifest's titled choices of `host` (`"US2 — qualysapi.qg2.apps.qualys.com"`), the one copy of the
 * list, which the catalog and forms show without running plugin code.
 */
export const QUALYS_PLATFORMS: readonly QualysPlatform[] = Object.freeze(platformsOf(QUALYS_MANIFEST));

function platformsOf(manifest: ConnectorManifest): QualysPlatform[] {
    const host = (manifest.configSchema.properties as Record<string, JsonSchema> | undefined)?.host;
    const choices = Array.isArray(host?.anyOf) ? (host.anyOf as JsonSchema[]) : [];
    return choices.flatMap(choice => {
        const id = typeof choice.title === 'string' ? /^(\S+) — /.exec(choice.title)?.[1] : undefined;
        return typeof choice.const === 'string' && id !== undefined ? [platform(id, choice.const)] : [];
    });
}

/**
 * A platform from its API server: the web console swaps `qualysapi.` for `qualysguard.`, the gateway for
 * `gateway.`, under `qg1.apps.` for the two platforms older than that naming (US1, EU1).
 */
function platform(id: string, apiHost: string): QualysPlatform {
    const domain = apiHost.replace(/^qualysapi\./, '');
    const gatewayDomain = /^qg\d+\.apps\./.test(domain) ? domain : `qg1.apps.${domain}`;
    return Object.freeze({
        id,
        apiHost,
        consoleHost: `qualysguard.${domain}`,
        gatewayHost: `gateway.${gatewayDomain}`
    });
}

/** The shared platform whose API server is `host` (a host name or URL), if any. */
export function findPlatformByApiHost(host: string): QualysPlatform | undefined {
    const name = hostNameOf(host);
    return QUALYS_PLATFORMS.find(p => p.apiHost === name);
}

/** The shared platform whose web console is `host` (a host name or URL), if any. */
export function findPlatformByConsoleHost(host: string): QualysPlatform | undefined {
    const name = hostNameOf(host);
    return QUALYS_PLATFORMS.find(p => p.consoleHost === name);
}

/**
 * The API server a user most likely meant when they typed `host`: the shared platform's API server for its
 * console or gateway host, and `qualysapi.<rest>` for a private-cloud `qualysguard.<rest>` or `gateway.<rest>`.
 * Undefined when `host` already is an API server or does not look like a Qualys host at all.
 */
export function suggestApiHost(host: string): string | undefined {
    const name = hostNameOf(host);
    const known = QUALYS_PLATFORMS.find(p => p.consoleHost === name || p.gatewayHost === name);
    if (known) return known.apiHost;
    // Private clouds follow the same naming, so the swap of the first label is a safe guess.
    const match = /^(qualysguard|gateway)\.(.+)$/.exec(name);
    return match ? `qualysapi.${match[2]}` : undefined;
}

/**
 * A hint for a host that did not answer like a Qualys API server: names the likely right API server when
 * one can be guessed, and always points to the platform table.
 */
export function platformHint(host: string): string {
    const name = hostNameOf(host);
    const known = findPlatformByApiHost(name);
    if (known) {
        // The right kind of host: either the account lives on another platform, or the API path is retired.
        return (
            `'${name}' is the API server of platform ${known.id}: if your account is on another platform, use that ` +
            `platform's API server (Help > About in the Qualys UI, or ${QUALYS_PLATFORM_IDENTIFICATION_URL}); ` +
            'otherwise check the apiVersion setting.'
        );
    }
    const suggestion = suggestApiHost(name);
    const lead = suggestion
        ? `'${name}' is not the API server; use '${suggestion}'.`
        : `'${name}' does not look like your platform's Qualys API server (qualysapi.*).`;
    const examples = QUALYS_PLATFORMS.slice(0, 3)
        .map(p => `${p.id}: ${p.apiHost}`)
        .join(', ');
    return (
        `${lead} Find the API server of your platform under Help > About in the Qualys UI or at ` +
        `${QUALYS_PLATFORM_IDENTIFICATION_URL} (e.g. ${examples}).`
    );
}

/** Lower-cased host name of a bare host name or a URL; the input itself when it cannot be parsed. */
function hostNameOf(host: string): string {
    const trimmed = host.trim().toLowerCase();
    if (!trimmed.includes('://')) return trimmed.replace(/[:/].*$/, '').replace(/\.$/, '');
    try {
        return new URL(trimmed).hostname.replace(/\.$/, '');
    } catch {
        return trimmed;
    }
}
