import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

/** Marks the format of a sealed value, so that a later format can be told apart. */
const FORMAT = 'v1';
/** Fixed: the key material is a long random secret, so the salt only separates this use from any other. */
const SALT = 'signal-client/console-instance-secrets/v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Thrown when a sealed value cannot be opened: another key, or altered bytes. */
export class SecretBoxError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'SecretBoxError';
    }
}

/**
 * Encrypts the secret settings of console-made instances with AES-256-GCM (authenticated: a wrong key or an
 * altered byte fails instead of yielding garbage). The 256-bit key is derived with scrypt from `admin.secretKey`.
 * Each value is bound to its instance id (additional authenticated data), so a sealed value copied onto another
 * instance does not open.
 */
export class SecretBox {
    private readonly key: Buffer;

    constructor(secretKey: string) {
        this.key = scryptSync(secretKey, SALT, 32);
    }

    /** `v1:<base64 of iv | tag | ciphertext>`. */
    seal(instanceId: string, secrets: Record<string, unknown>): string {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', this.key, iv);
        cipher.setAAD(Buffer.from(instanceId, 'utf8'));
        const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
        return `${FORMAT}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    }

    /** The secrets sealed for this instance; throws a {@link SecretBoxError} with another key or altered bytes. */
    open(instanceId: string, sealed: string): Record<string, unknown> {
        const [format, payload] = sealed.split(':', 2);
        if (format !== FORMAT || payload === undefined)
            throw new SecretBoxError(`the stored secrets of '${instanceId}' are in an unknown format`);
        const bytes = Buffer.from(payload, 'base64');
        try {
            if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('truncated');
            const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES), {
                authTagLength: TAG_BYTES
            });
            decipher.setAAD(Buffer.from(instanceId, 'utf8'));
            decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
            const text = Buffer.concat([
                decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
                decipher.final()
            ]).toString('utf8');
            return JSON.parse(text) as Record<string, unknown>;
        } catch {
            throw new SecretBoxError(
                `the stored secrets of '${instanceId}' cannot be decrypted: admin.secretKey is not the key they ` +
                    'were saved with (set the original key, or enter the secrets again)'
            );
        }
    }
}
