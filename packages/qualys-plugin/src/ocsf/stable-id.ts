import { hash } from 'node:crypto';

/**
 * A short, URL-safe identifier derived from `parts`: `prefix` + the first 32 hex digits (128 bits) of the
 * SHA-256 of the parts as a JSON array. JSON keeps the parts unambiguous (no separator can be forged by a
 * value), and 128 bits keep collisions out of reach for any tenant size while the id stays short. The one-shot
 * `crypto.hash` is used because it is several times cheaper than a `createHash` object for inputs this small,
 * and two ids are computed per detection.
 */
export function stableId(prefix: string, parts: readonly unknown[]): string {
    return prefix + hash('sha256', JSON.stringify(parts), 'hex').slice(0, 32);
}
