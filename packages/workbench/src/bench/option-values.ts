/*
 * Readers of the benchmark commands' option values: each throws an Error that names the option and the value given.
 */

/** An integer from `min` to `max`; `fallback` when the value is absent or empty. */
export function integerOption(
    name: string,
    value: string | undefined,
    fallback: number,
    min: number,
    max = Infinity
): number {
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) {
        const range = max === Infinity ? `>= ${min}` : `from ${min} to ${max}`;
        throw new Error(`--${name} must be an integer ${range}, got "${value}"`);
    }
    return n;
}

/** A comma-separated list of integers, each as {@link integerOption} reads it; `fallback` when absent or empty. */
export function integerListOption(name: string, value: string | undefined, fallback: number[], min: number): number[] {
    if (value === undefined || value.trim() === '') return fallback;
    return value.split(',').map(part => {
        if (part.trim() === '') throw new Error(`--${name} must be integers separated by commas, got "${value}"`);
        return integerOption(name, part.trim(), NaN, min);
    });
}
