/**
 * `12,345`: a count as people read it, digits grouped by threes, rounded to a whole number. Written out rather than
 * `toLocaleString('en-US')`, whose first call in a process maps about 10 MB of ICU locale data that a poll or the
 * service otherwise never needs.
 */
export function formatCount(value: number): string {
    if (!Number.isFinite(value)) return String(value);
    const rounded = Math.round(value);
    const grouped = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+$)/g, ',');
    return rounded < 0 ? `-${grouped}` : grouped;
}
