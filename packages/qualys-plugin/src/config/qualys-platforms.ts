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

/** The shared platforms, as listed in Qualys' platform-identification table. Private clouds are not listed. */
export const QUALYS_PLATFORMS: readonly QualysPlatform[] = [
    platform('US1', 'qualysapi.qualys.com', 'qualysguard.qualys.com', 'gateway.qg1.apps.qualys.com'),
    platform('US2', 'qualysapi.qg2.apps.qualys.com', 'qualysguard.qg2.apps.qualys.com', 'gateway.qg2.apps.qualys.com'),
    platform('US3', 'qualysapi.qg3.apps.qualys.com', 'qualysguard.qg3.apps.qualys.com', 'gateway.qg3.apps.qualys.com'),
    platform('US4', 'qualysapi.qg4.apps.qualys.com', 'qualysguard.qg4.apps.qualys.com', 'gateway.qg4.apps.qualys.com'),
    platform('EU1', 'qualysapi.qualys.eu', 'qualysguard.qualys.eu', 'gateway.qg1.apps.qualys.eu'),
    platform('EU2', 'qualysapi.qg2.apps.qualys.eu', 'qualysguard.qg2.apps.qualys.eu', 'gateway.qg2.apps.qualys.eu'),
    platform('EU3', 'qualysapi.qg3.apps.qualys.it', 'qualysguard.qg3.apps.qualys.it', 'gateway.qg3.apps.qualys.it'),
    platform('IN1', 'qualysapi.qg1.apps.qualys.in', 'qualysguard.qg1.apps.qualys.in', 'gateway.qg1.apps.qualys.in'),
    platform('CA1', 'qualysapi.qg1.apps.qualys.ca', 'qualysguard.qg1.apps.qualys.ca', 'gateway.qg1.apps.qualys.ca'),
    platform('AE1', 'qualysapi.qg1.apps.qualys.ae', 'qualysguard.qg1.apps.qualys.ae', 'gateway.qg1.apps.qualys.ae'),
    platform(
        'UK1',
        'qualysapi.qg1.apps.qualys.co.uk',
        'qualysguard.qg1.apps.qualys.co.uk',
        'gateway.qg1.apps.qualys.co.uk'
    ),
    platform(
        'AU1',
        'qualysapi.qg1.apps.qualys.com.au',
        'qualysguard.qg1.apps.qualys.com.au',
        'gateway.qg1.apps.qualys.com.au'
    ),
    platform(
        'KSA1',
        'qualysapi.qg1.apps.qualysksa.com',
        'qualysguard.qg1.apps.qualysksa.com',
        'gateway.qg1.apps.qualysksa.com'
    )
];

function platform(id: string, apiHost: string, consoleHost: string, gatewayHost: string): QualysPlatform {
    return Object.freeze({ id, apiHost, consoleHost, gatewayHost });
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
