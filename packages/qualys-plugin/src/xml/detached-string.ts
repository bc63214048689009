/*
 * V8 cuts a slice of 13 characters or more as a view into the string it came from (a sliced string), and the view
 * keeps that whole string alive. The tokenizer cuts values out of decoded chunks of up to 128 KB: a date or a RESULTS
 * text kept in a record, a cache or a batch would keep its chunk too, and a poll would hold and copy megabytes of XML
 * for the few values it kept.
 */

/** Shorter slices are copies already (V8's `SlicedString::kMinLength`). */
const MIN_SLICED_LENGTH = 13;

/** The characters of `value` in a string of their own, never a view into a larger string. */
export function detachedString(value: string): string {
    if (value.length < MIN_SLICED_LENGTH) return value;
    // Slicing a concatenation flattens it into a new string first, so the slice views that copy alone.
    return (' ' + value).slice(1);
}
