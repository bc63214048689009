import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SECRET_KEY_PATTERN, type ConfigProblem } from '@signal-connectors/connector-sdk';

/** Where references are read from. */
export interface SecretReferenceOptions {
    /** Directory a relative `${file:...}` path is resolved against (the config file's directory). */
    baseDir: string;
    env: Readonly<Record<string, string | undefined>>;
}

/** A value with its references replaced, the secret values met on the way, and what could not be resolved. */
export interface ResolvedReferences {
    value: unknown;
    secrets: string[];
    problems: ConfigProblem[];
}

/**
 * `${env:NAME}`, `${file:PATH}`, or the escape `$${...}` (which stands for a literal `${...}`). The escape is
 * matched first so that `$${env:X}` is never read as `$` followed by a reference.
 */
const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Largest secret file read: far above any password, key or token, far below what could stall start-up. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

/**
 * Replaces `${env:NAME}` and `${file:PATH}` references in every string of `value` (objects and arrays are
 * walked), whole or embedded (`Bearer ${env:TOKEN}`). A file must be a regular file (a FIFO or a device such as
 * `/dev/zero` would hang start-up) of at most {@link MAX_SECRET_FILE_BYTES}; its content loses one trailing
 * newline, as secret files usually end with one. `$${...}` yields a literal `${...}`.
 *
 * A missing variable or unreadable file is a problem at the field's path, naming the variable or file but
 * never a value. Every value substituted is returned in `secrets`, for log redaction.
 */
export async function resolveSecretReferences(
    value: unknown,
    path: string,
    options: SecretReferenceOptions
): Promise<ResolvedReferences> {
    const result: ResolvedReferences = { value: undefined, secrets: [], problems: [] };
    result.value = await walk(value, path, options, result);
    return result;
}

/**
 * The string values of the fields whose name looks secret (`password`, `token`, `apiKey`, `secret`...) at any
 * depth of `value`, inline or not: they are redacted from logs even when written in the config file itself.
 */
export function secretLookingValues(
    value: unknown,
    isSecretName = (name: string) => SECRET_KEY_PATTERN.test(name)
): string[] {
    const found: string[] = [];
    const visit = (node: unknown, secret: boolean): void => {
        if (typeof node === 'string' || typeof node === 'number') {
            if (secret && String(node) !== '') found.push(String(node));
        } else if (Array.isArray(node)) {
            for (const item of node) visit(item, secret);
        } else if (node !== null && typeof node === 'object') {
            for (const [key, child] of Object.entries(node)) visit(child, secret || isSecretName(key));
        }
    };
    visit(value, false);
    return found;
}

/** Whether a string holds a reference (not counting escaped ones), e.g. to refuse one where none is resolved. */
export function containsSecretReference(text: string): boolean {
    return [...text.matchAll(REFERENCE)].some(([, escape]) => escape === '');
}

async function walk(
    value: unknown,
    path: string,
    options: SecretReferenceOptions,
    result: ResolvedReferences
): Promise<unknown> {
    if (typeof value === 'string') return resolveString(value, path, options, result);
    if (Array.isArray(value)) {
        const items: unknown[] = [];
        for (const [index, item] of value.entries()) items.push(await walk(item, `${path}[${index}]`, options, result));
        return items;
    }
    if (value !== null && typeof value === 'object') {
        const copy: Record<string, unknown> = {};
        for (const [key, child] of Object.entries(value))
            copy[key] = await walk(child, `${path}.${key}`, options, result);
        return copy;
    }
    return value;
}

async function resolveString(
    text: string,
    path: string,
    options: SecretReferenceOptions,
    result: ResolvedReferences
): Promise<string> {
    if (!text.includes('${')) return text;
    let resolved = '';
    let last = 0;
    for (const match of text.matchAll(REFERENCE)) {
        const [whole, escape, inner] = match;
        resolved += text.slice(last, match.index);
        last = match.index + whole.length;
        if (escape === '$') {
            resolved += whole.slice(1);
            continue;
        }
        const value = await resolveReference(inner, path, options, result.problems);
        if (value === undefined) continue;
        if (value !== '') result.secrets.push(value);
        resolved += value;
    }
    return resolved + text.slice(last);
}

async function resolveReference(
    inner: string,
    path: string,
    options: SecretReferenceOptions,
    problems: ConfigProblem[]
): Promise<string | undefined> {
    if (inner.startsWith('env:')) {
        const name = inner.slice(4);
        if (!ENV_NAME.test(name)) {
            problems.push({
                path,
                message: `'${name}' is not an environment variable name`,
                hint: 'e.g. ${env:QUALYS_PASSWORD}'
            });
            return undefined;
        }
        const value = options.env[name];
        if (value === undefined) {
            problems.push({
                path,
                message: `environment variable ${name} is not set`,
                hint: `set ${name} in the service's environment`
            });
        }
        return value;
    }
    if (inner.startsWith('file:') && inner.length > 5) {
        const file = resolve(options.baseDir, inner.slice(5));
        const read = await readSecretFile(file);
        if (typeof read === 'string') return read.replace(/\r?\n$/, '');
        problems.push({ path, message: `cannot read secret file ${file}: ${read.problem}` });
        return undefined;
    }
    // Echo only the reference type: the text between the braces might be part of an inline secret.
    const scheme = /^([A-Za-z]{1,10}):/.exec(inner)?.[1];
    problems.push({
        path,
        message:
            scheme === undefined
                ? "contains '${' that is not a secret reference"
                : `unknown reference type '${scheme}:'`,
        hint: 'use ${env:NAME} or ${file:PATH}; write $${ for a literal ${'
    });
    return undefined;
}

/**
 * The text of a secret file, or why it cannot be used. Opened without blocking (a FIFO with no writer would wait
 * forever), checked to be a regular file, and read up to one byte past the bound, so nothing larger is ever read.
 */
async function readSecretFile(file: string): Promise<string | { problem: string }> {
    let handle;
    try {
        handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (error) {
        return { problem: fileProblem((error as NodeJS.ErrnoException).code) };
    }
    try {
        const info = await handle.stat();
        if (info.isDirectory()) return { problem: fileProblem('EISDIR') };
        if (!info.isFile()) {
            const kind = info.isFIFO() ? 'a FIFO' : info.isSocket() ? 'a socket' : 'a device';
            return { problem: `it is ${kind}, not a regular file; put the secret in a file` };
        }
        const tooLarge = {
            problem: `it is larger than ${MAX_SECRET_FILE_BYTES / 1024} KiB, far more than a secret; check the path`
        };
        if (info.size > MAX_SECRET_FILE_BYTES) return tooLarge;
        const buffer = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        if (bytesRead > MAX_SECRET_FILE_BYTES) return tooLarge;
        return buffer.subarray(0, bytesRead).toString('utf8');
    } catch (error) {
        return { problem: fileProblem((error as NodeJS.ErrnoException).code) };
    } finally {
        await handle.close().catch(() => undefined);
    }
}

function fileProblem(code: string | undefined): string {
    switch (code) {
        case 'ENOENT':
            return 'it does not exist; create it or fix the path';
        case 'EACCES':
        case 'EPERM':
            return 'permission denied; make it readable by the user running signal-client';
        case 'EISDIR':
            return 'it is a directory; name the file inside it';
        default:
            return `${code ?? 'unknown error'}; check the path`;
    }
}
