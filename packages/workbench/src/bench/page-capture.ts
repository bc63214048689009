import { createWriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { GotHttpClientFactory, SystemClock } from '@signal-connectors/connector-sdk';
import { CapturedLogger } from '@signal-connectors/connector-sdk/testing';
import { hostDetectionParams, QualysApiClient, type QualysConfig } from '@signal-connectors/qualys-plugin';

/** Host detection pages saved to files. */
export interface CapturedPages {
    truncationLimit: number;
    /** One file per page, in order. */
    files: string[];
    /** Bytes of every page together. */
    bytes: number;
}

/** How far from the end of a page its pagination WARNING can be. */
const TAIL_BYTES = 8192;

/**
 * Downloads every host detection page of `config`'s tenant into `dir`, with the request parameters the poller
 * sends on a first poll (`hostDetectionParams`, `vm_processed_before` now, then `id_min` from each WARNING URL),
 * so the replayed baselines read the very bytes the end-to-end runs receive.
 */
export async function captureHostDetectionPages(config: QualysConfig, dir: string): Promise<CapturedPages> {
    await mkdir(dir, { recursive: true });
    const client = new QualysApiClient(config, {
        http: new GotHttpClientFactory({ clock: new SystemClock() }),
        logger: new CapturedLogger()
    });
    const base = { ...hostDetectionParams(config), vm_processed_before: qualysTime(Date.now()) };
    const files: string[] = [];
    let bytes = 0;
    for (let idMin: number | undefined; ;) {
        const file = join(dir, `page-${String(files.length + 1).padStart(4, '0')}.xml`);
        const params = idMin === undefined ? base : { ...base, id_min: String(idMin) };
        await pipeline(await client.streamHostDetections(params), createWriteStream(file));
        files.push(file);
        const { size, next } = await readPageEnd(file);
        bytes += size;
        if (next === undefined) return { truncationLimit: config.truncationLimit, files, bytes };
        if (idMin !== undefined && next <= idMin) throw new Error(`pagination did not advance at id_min ${idMin}`);
        idMin = next;
    }
}

/** The page's size and the `id_min` of its WARNING URL, if it has one (the last page has none). */
async function readPageEnd(file: string): Promise<{ size: number; next: number | undefined }> {
    const handle = await open(file, 'r');
    try {
        const { size } = await handle.stat();
        const length = Math.min(size, TAIL_BYTES);
        const tail = Buffer.alloc(length);
        await handle.read(tail, 0, length, size - length);
        const text = tail.toString('utf8');
        const warning = /<WARNING>[\s\S]*<\/WARNING>/.exec(text)?.[0];
        const idMin = warning === undefined ? undefined : /[?&]id_min=(\d+)/.exec(warning)?.[1];
        return { size, next: idMin === undefined ? undefined : Number(idMin) };
    } finally {
        await handle.close();
    }
}

/** The poller's time format, `YYYY-MM-DDTHH:MM:SSZ`. */
function qualysTime(ms: number): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
