/**
 * Lines and columns for the messages of a tokenizer that reads a document chunk by chunk and forgets what it read:
 * only line feeds are counted, a chunk at a time (by the caller, when it counted them on the bytes already), and a
 * column is worked out only when a message needs one.
 */
export class LineCounter {
    /** Line feeds in the current buffer; -1 when not counted. */
    private newlines = 0;
    /** Lines before the current buffer. */
    private linesBefore = 0;
    /** Where the line the buffer starts in began, relative to the buffer (<= 0). */
    private lineStart = 0;

    /**
     * The tokenizer goes on from `buffer`, read up to `resume`, to its rest followed by a text of `newlines` line
     * feeds (-1: not counted).
     */
    next(buffer: string, resume: number, newlines: number): void {
        const held = resume < buffer.length ? countNewlines(buffer, resume, buffer.length) : 0;
        if (resume > 0) {
            const consumed = this.newlines >= 0 ? this.newlines - held : countNewlines(buffer, 0, resume);
            this.passed(buffer, resume, consumed);
        }
        this.newlines = newlines < 0 ? -1 : held + newlines;
    }

    /**
     * The tokenizer goes on from `buffer`, read whole, which ended with the first `overlap` characters of its next
     * buffer, of `newlines` line feeds (-1: not counted).
     */
    continueInto(buffer: string, overlap: number, newlines: number): void {
        const before = buffer.length - overlap;
        this.passed(buffer, before, countNewlines(buffer, 0, before));
        this.newlines = newlines;
    }

    /** `line 83, column 29` for position `at` in `buffer`: one column per character. */
    position(buffer: string, at: number): string {
        let line = this.linesBefore + 1;
        let start = this.lineStart;
        for (
            let newline = buffer.indexOf('\n');
            newline !== -1 && newline < at;
            newline = buffer.indexOf('\n', newline + 1)
        ) {
            line += 1;
            start = newline + 1;
        }
        let column = at - start;
        // A surrogate pair is one character.
        for (let index = Math.max(start, 0); index < at; index += 1) {
            const code = buffer.charCodeAt(index);
            if (code >= 0xdc00 && code <= 0xdfff) column -= 1;
        }
        return `line ${line}, column ${column}`;
    }

    /** `buffer[0, end)`, holding `newlines` line feeds, lies behind. */
    private passed(buffer: string, end: number, newlines: number): void {
        this.linesBefore += newlines;
        const last = newlines === 0 ? -1 : buffer.lastIndexOf('\n', end - 1);
        this.lineStart = last === -1 ? this.lineStart - end : last + 1 - end;
    }
}

/** Line feeds in `text[from, to)`. */
export function countNewlines(text: string, from: number, to: number): number {
    let count = 0;
    for (
        let newline = text.indexOf('\n', from);
        newline !== -1 && newline < to;
        newline = text.indexOf('\n', newline + 1)
    ) {
        count += 1;
    }
    return count;
}
