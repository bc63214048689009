import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tokenizeOnly } from '@signal-connectors/qualys-plugin/xml';
import { parseStringPromise } from 'xml2js';

/** The baselines: a whole-document xml2js parse (what most peers do), and the streaming parser's tokenizer alone. */
export type ReplayMode = 'xml2js' | 'tokenize';

/** One replay of a set of page files. */
export interface ReplayTask {
    mode: ReplayMode;
    files: string[];
}

/** What one replay measured. */
export interface ReplayResult {
    mode: ReplayMode;
    pages: number;
    bytes: number;
    /** Time spent parsing (see {@link replayPages} for what is counted). */
    ms: number;
    /** CPU time (user + system) over the same spans: less sensitive than wall time to other work on the machine. */
    cpuMs: number;
    maxRssBytes: number;
}

/**
 * Parses every page once and times it.
 * - `tokenize`: the page streamed from its file (64 KiB chunks) through `tokenizeOnly`: decoding, the clean-up
 *   of forbidden characters and the plugin's XML tokenizer with empty handlers; reading the file (page cache) is included.
 * - `xml2js`: the page read into a string first (not timed, as a peer would have buffered the body while it
 *   arrived), then `parseStringPromise(text)` with xml2js' defaults, timed.
 */
export async function replayPages(task: ReplayTask): Promise<ReplayResult> {
    let bytes = 0;
    let ms = 0;
    let cpuMs = 0;
    const cpuSince = (before: NodeJS.CpuUsage): number => {
        const used = process.cpuUsage(before);
        return (used.user + used.system) / 1000;
    };
    for (const file of task.files) {
        if (task.mode === 'tokenize') {
            const [started, cpu] = [performance.now(), process.cpuUsage()];
            const result = await tokenizeOnly(createReadStream(file, { highWaterMark: 64 * 1024 }));
            ms += performance.now() - started;
            cpuMs += cpuSince(cpu);
            bytes += result.bytes;
        } else {
            const text = await readFile(file, 'utf8');
            const [started, cpu] = [performance.now(), process.cpuUsage()];
            const document: unknown = await parseStringPromise(text);
            ms += performance.now() - started;
            cpuMs += cpuSince(cpu);
            if (typeof document !== 'object' || document === null) throw new Error(`${file}: xml2js returned nothing`);
            bytes += (await stat(file)).size;
        }
    }
    return {
        mode: task.mode,
        pages: task.files.length,
        bytes,
        ms,
        cpuMs,
        maxRssBytes: process.resourceUsage().maxRSS * 1024
    };
}
