import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { ConnectorError } from '../connector-error.js';

/**
 * The CAs to trust when `caFile` is given: Node's default roots plus the PEM certificates in the file, read
 * once. Adding rather than replacing keeps public endpoints working next to a private or corporate CA.
 */
export function loadCaBundle(caFile: string): string[] {
    let pem: string;
    try {
        pem = readFileSync(caFile, 'utf8');
    } catch (error) {
        const code = (error as { code?: string }).code;
        throw new ConnectorError(
            'config',
            `The CA file '${caFile}' cannot be read${code === undefined ? '' : ` (${code})`}`,
            {
                code,
                hint: 'Set caFile to the path of a readable PEM file holding the CA certificates to trust, or remove it'
            }
        );
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
        throw new ConnectorError('config', `The CA file '${caFile}' holds no PEM certificate`, {
            hint: "Give a PEM bundle: one or more blocks starting with '-----BEGIN CERTIFICATE-----'"
        });
    }
    return [...rootCertificates, pem];
}
