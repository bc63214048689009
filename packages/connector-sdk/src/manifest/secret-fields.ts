import type { JsonSchema } from './connector-manifest.js';

/**
 * Paths of the secret fields of a config schema: every property marked `writeOnly: true`, nested objects
 * included (`proxy.password`), array items marked `[]` (`accounts[].apiKey`). Properties reached through
 * `allOf`/`anyOf`/`oneOf`, `if`/`then`/`else` and local `$ref`s (`#/$defs/...`, `#/definitions/...`) count too.
 *
 * The host uses it to redact instance configs before logging or showing them, the catalog to mark secret
 * fields; plugins use {@link secretValues} to fill `ConfigValidation.secrets`.
 */
export function secretFieldPaths(configSchema: JsonSchema): string[] {
    const paths = new Set<string>();
    walk(configSchema, configSchema, '', new Set(), (path, schema) => {
        if (schema.writeOnly === true && path !== '') paths.add(path);
    });
    return [...paths];
}

/**
 * The values of the secret fields of a config (strings only, non-empty, deduplicated), found through the
 * schema's `writeOnly` properties. Returns what a plugin's `validateConfig` reports as `secrets`, so the host
 * registers them for redaction before anything is logged.
 */
export function secretValues(configSchema: JsonSchema, config: unknown): string[] {
    const values = new Set<string>();
    for (const path of secretFieldPaths(configSchema)) {
        for (const value of valuesAt(config, path.split('.'))) {
            if (typeof value === 'string' && value !== '') values.add(value);
        }
    }
    return [...values];
}

type Visit = (path: string, schema: Record<string, unknown>) => void;

function walk(root: JsonSchema, schema: unknown, path: string, seen: Set<unknown>, visit: Visit): void {
    if (!isObject(schema) || seen.has(schema)) return;
    // A `$ref` cycle (a recursive schema) would otherwise never end; each schema object is visited once per path.
    const nextSeen = new Set(seen).add(schema);
    visit(path, schema);
    if (isObject(schema.properties)) {
        for (const [name, child] of Object.entries(schema.properties)) {
            walk(root, child, path === '' ? name : `${path}.${name}`, nextSeen, visit);
        }
    }
    if (schema.items !== undefined) walk(root, schema.items, `${path}[]`, nextSeen, visit);
    for (const key of ['allOf', 'anyOf', 'oneOf']) {
        if (Array.isArray(schema[key])) for (const branch of schema[key]) walk(root, branch, path, nextSeen, visit);
    }
    for (const key of ['if', 'then', 'else']) walk(root, schema[key], path, nextSeen, visit);
    if (typeof schema.$ref === 'string') walk(root, resolveLocalRef(root, schema.$ref), path, nextSeen, visit);
}

function resolveLocalRef(root: JsonSchema, ref: string): unknown {
    if (!ref.startsWith('#/')) return undefined;
    let node: unknown = root;
    for (const segment of ref.slice(2).split('/')) {
        node = isObject(node) ? node[segment.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    }
    return node;
}

/** The values at a secret path; a segment ending in `[]` fans out over the array's items. */
function valuesAt(value: unknown, segments: string[]): unknown[] {
    if (segments.length === 0) return [value];
    const [head, ...rest] = segments;
    const fanOut = head.endsWith('[]');
    const name = head.replace(/(\[\])+$/, '');
    let current: unknown[] = [name === '' ? value : isObject(value) ? value[name] : undefined];
    // `items[][]` (arrays of arrays) fans out once per `[]`.
    for (let depth = (head.match(/\[\]/g) ?? []).length; fanOut && depth > 0; depth--) {
        current = current.flatMap(item => (Array.isArray(item) ? item : []));
    }
    return current.flatMap(item => valuesAt(item, rest));
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
