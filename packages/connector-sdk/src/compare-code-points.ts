/**
 * Orders two strings by their character codes, as `Array.prototype.sort` does by default: for identifiers and type
 * names, which are ASCII. Unlike `localeCompare`, it does not load ICU's collation data (several MB that stay
 * resident).
 */
export function compareCodePoints(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
