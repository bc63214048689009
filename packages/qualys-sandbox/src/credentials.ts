import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a presented secret with the expected one in constant time, whatever their lengths. */
export function sameSecret(given: string, expected: string): boolean {
    // Hash first so the comparison is constant-time regardless of the lengths involved.
    const a = createHash('sha256').update(given).digest();
    const b = createHash('sha256').update(expected).digest();
    return timingSafeEqual(a, b);
}
