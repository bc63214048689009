import { Writable } from 'node:stream';
import type { CliStream } from './cli-io.js';

/** Carriage return and "erase the whole line": the cursor goes back to column 0 of an empty line. */
const ERASE_LINE = '\r\x1b[2K';

/**
 * A single line at the bottom of a terminal that is rewritten in place (poll progress). Log lines share the
 * terminal: they are written through {@link logStream}, which erases the status line, writes the log line and
 * draws the status line again below it, so the two never mangle each other.
 */
export class StatusLine {
    /** Where log lines go while a status line may be shown. */
    readonly logStream: Writable;
    private text = '';
    private shown = false;

    constructor(private readonly terminal: CliStream) {
        this.logStream = new Writable({
            write: (chunk: Buffer | string, _encoding, callback) => {
                this.hide();
                terminal.write(chunk);
                this.draw();
                callback();
            }
        });
    }

    /** Shows `text` (cut to the terminal's width, since a wrapped line could not be erased). */
    set(text: string): void {
        // A pseudo-terminal without a size reports 0 columns.
        const width = Math.max(20, (this.terminal.columns || 100) - 1);
        this.text = text.length > width ? `${text.slice(0, width - 1)}…` : text;
        this.draw();
    }

    /** Erases the status line, e.g. before printing a summary below it. */
    clear(): void {
        this.hide();
        this.text = '';
    }

    private draw(): void {
        if (this.text === '') return;
        this.terminal.write(`${ERASE_LINE}${this.text}`);
        this.shown = true;
    }

    private hide(): void {
        if (!this.shown) return;
        this.terminal.write(ERASE_LINE);
        this.shown = false;
    }
}
