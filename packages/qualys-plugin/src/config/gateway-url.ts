import { isLoopback, normaliseApiServer } from './api-server-url.js';
import { findPlatformByApiHost, QUALYS_PLATFORM_IDENTIFICATION_URL, QUALYS_PLATFORMS } from './qualys-platforms.js';

/** The gateway of an instance using token authentication, or what is wrong and how to fix it. */
export type GatewayCheck = { ok: true; gatewayUrl: string } | { ok: false; message: string; hint?: string };

/**
 * The Qualys gateway that issues tokens for the API server at `baseUrl`: `configured` when given (checked like
 * the API server: https, or http on loopback, no path), else the gateway of the shared platform, else
 * `gateway.<rest>` for a private cloud's `qualysapi.<rest>`, else, for a loopback test server, that server
 * itself. Anything else needs `gatewayUrl` set.
 */
export function gatewayFor(baseUrl: string, configured: string | undefined): GatewayCheck {
    if (configured !== undefined) {
        const checked = normaliseApiServer(configured, { checkRole: false });
        if (!checked.ok) return checked;
        const host = new URL(checked.baseUrl).hostname;
        const gateway = gatewayHostFor(host);
        if (/^(qualysapi|qualysguard)\./.test(host) && gateway !== undefined) {
            return {
                ok: false,
                message: `'${host}' is not a gateway: tokens come from the gateway of your platform`,
                hint: `Use 'https://${gateway}' (see ${QUALYS_PLATFORM_IDENTIFICATION_URL})`
            };
        }
        return { ok: true, gatewayUrl: checked.baseUrl };
    }
    const api = new URL(baseUrl);
    const gateway = gatewayHostFor(api.hostname);
    if (gateway !== undefined) return { ok: true, gatewayUrl: `https://${gateway}` };
    if (isLoopback(api.hostname)) return { ok: true, gatewayUrl: api.origin };
    return {
        ok: false,
        message: `is required for token authentication with the API server '${api.host}'`,
        hint: `Write the gateway of your platform, e.g. 'https://gateway.qg2.apps.qualys.com' (see ${QUALYS_PLATFORM_IDENTIFICATION_URL})`
    };
}

/** The gateway host of a platform's API server or web console host; `gateway.<rest>` for a private cloud. */
function gatewayHostFor(host: string): string | undefined {
    const platform = findPlatformByApiHost(host) ?? QUALYS_PLATFORMS.find(candidate => candidate.consoleHost === host);
    if (platform !== undefined) return platform.gatewayHost;
    const match = /^(?:qualysapi|qualysguard)\.(.+)$/.exec(host);
    return match === null ? undefined : `gateway.${match[1]}`;
}
