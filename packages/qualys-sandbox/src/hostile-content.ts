import type { ResponseStream } from './response-stream.js';

/**
 * Responses no Qualys server sends, but a broken proxy or an attacker in between might: what a client must survive
 * without losing data or memory.
 * - `entity-declarations`: a DOCTYPE with an internal subset declaring a "billion laughs" chain of entities, used in
 *   the document; a host detection page carries one host and no WARNING, so a client that accepts it would take it
 *   for the last page of the window
 * - `external-entity`: the same with an external entity pointing at `file:///etc/passwd`
 * - `deep-nesting`: `depth` (default 100,000) nested elements inside the first record
 * - `huge-text`: a text node of `sizeMb` MB (default 256): the RESULTS of the first detection (host detection only)
 * - `huge-skipped`: an unknown element of `sizeMb` MB (default 256) in RESPONSE, before the records
 */
export type HostileFault =
    | { type: 'entity-declarations' }
    | { type: 'external-entity' }
    | { type: 'deep-nesting'; depth?: number }
    | { type: 'huge-text'; sizeMb?: number }
    | { type: 'huge-skipped'; sizeMb?: number };

/** The hostile fault type names. */
export const HOSTILE_FAULT_TYPES: readonly HostileFault['type'][] = [
    'entity-declarations',
    'external-entity',
    'deep-nesting',
    'huge-text',
    'huge-skipped'
];

/** The text every declared entity expands to in the end: it must never reach a client's output. */
export const ENTITY_PAYLOAD = 'ENTITY-PAYLOAD-lol';

/** The name of the entity the hostile documents reference. */
const TOP_ENTITY = 'lol9';

/** Whether a fault is one of the {@link HostileFault}s. */
export function isHostileFault(fault: { type: string }): fault is HostileFault {
    return (HOSTILE_FAULT_TYPES as readonly string[]).includes(fault.type);
}

/** Whether the fault declares entities (and so ends a host detection page after one host). */
export function declaresEntities(fault: HostileFault | undefined): boolean {
    return fault?.type === 'entity-declarations' || fault?.type === 'external-entity';
}

/**
 * The DOCTYPE of a document under `fault`: an internal subset for the entity faults, else `standard` (the external
 * DTD Qualys names).
 */
export function hostileDoctype(fault: HostileFault | undefined, root: string, standard: string): string {
    if (fault?.type === 'entity-declarations') {
        let subset = `  <!ENTITY lol0 "${ENTITY_PAYLOAD}">\n`;
        for (let level = 1; level <= 9; level++) {
            subset += `  <!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">\n`;
        }
        return `<!DOCTYPE ${root} [\n${subset}]>\n`;
    }
    if (fault?.type === 'external-entity') {
        return `<!DOCTYPE ${root} [\n  <!ENTITY ${TOP_ENTITY} SYSTEM "file:///etc/passwd">\n]>\n`;
    }
    return standard;
}

/** An element that references the declared entity, for the entity faults (empty for the others). */
export function entityReference(fault: HostileFault | undefined, indent: string): string {
    return declaresEntities(fault) ? `${indent}<COMMENT>&${TOP_ENTITY};</COMMENT>\n` : '';
}

/** `depth` nested elements, for `deep-nesting` (empty for the other faults). */
export function deepNesting(fault: HostileFault | undefined): string {
    if (fault?.type !== 'deep-nesting') return '';
    const depth = Math.max(1, Math.floor(fault.depth ?? 100_000));
    return `<NESTED>${'<N>'.repeat(depth)}deep${'</N>'.repeat(depth)}</NESTED>\n`;
}

/** Characters a `huge-*` fault writes. */
export function hugeSize(fault: { sizeMb?: number }): number {
    return Math.max(1, Math.round((fault.sizeMb ?? 256) * 1024 * 1024));
}

/**
 * Writes `chars` characters of scanner-like text (no markup, so one text node), a block at a time, waiting for the
 * socket as it goes: the sandbox never holds more than a block of it. Resolves false when the client went away.
 */
export async function writeFiller(out: ResponseStream, chars: number): Promise<boolean> {
    const line = 'pkg-hostile 1.0.0-0ubuntu0.1 installed (scanner output that never ends)\n';
    const block = line.repeat(Math.ceil((64 * 1024) / line.length));
    for (let left = chars; left > 0; left -= block.length) {
        out.write(left >= block.length ? block : block.slice(0, left));
        await out.flush();
        if (out.stopped) return false;
    }
    return true;
}

/** For `huge-skipped`: an unknown element of `sizeMb` MB under RESPONSE. Resolves false when the client went away. */
export async function writeHugeSkipped(out: ResponseStream, fault: HostileFault | undefined): Promise<boolean> {
    if (fault?.type !== 'huge-skipped') return true;
    out.write('    <UNKNOWN_BLOCK>');
    if (!(await writeFiller(out, hugeSize(fault)))) return false;
    out.write('</UNKNOWN_BLOCK>\n');
    return true;
}
