import { secretFieldPaths, type JsonSchema } from '@signal-connectors/connector-sdk';

/**
 * The settings that hold secrets, as top-level-or-nested dotted paths (`password`, `proxy.password`). A secret
 * inside an array (`accounts[].apiKey`) makes the whole array secret: it is sealed as one value.
 */
export function secretSettingPaths(schema: JsonSchema): string[] {
    return [...new Set(secretFieldPaths(schema).map(path => path.split('[]')[0]))];
}

/** The value at a dotted path, or undefined. */
export function getPath(value: Record<string, unknown>, path: string): unknown {
    let node: unknown = value;
    for (const part of path.split('.')) {
        if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
        node = (node as Record<string, unknown>)[part];
    }
    return node;
}

/** Sets the value at a dotted path, creating the objects on the way. */
export function setPath(value: Record<string, unknown>, path: string, item: unknown): void {
    const parts = path.split('.');
    let node = value;
    for (const part of parts.slice(0, -1)) {
        const next = node[part];
        if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
        node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = item;
}

/** Removes the value at a dotted path (and objects left empty by that). */
export function deletePath(value: Record<string, unknown>, path: string): void {
    const [head, ...rest] = path.split('.');
    if (rest.length === 0) {
        delete value[head];
        return;
    }
    const next = value[head];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) return;
    deletePath(next as Record<string, unknown>, rest.join('.'));
    if (Object.keys(next).length === 0) delete value[head];
}

/** Splits settings into what may be stored in clear and the secrets, by the schema's secret paths. */
export function splitSecrets(
    settings: Record<string, unknown>,
    secretPaths: readonly string[]
): { plain: Record<string, unknown>; secrets: Record<string, unknown> } {
    const plain = structuredClone(settings);
    const secrets: Record<string, unknown> = {};
    for (const path of secretPaths) {
        const value = getPath(plain, path);
        if (value === undefined) continue;
        secrets[path] = value;
        deletePath(plain, path);
    }
    return { plain, secrets };
}

/** The settings with the secrets put back in place. */
export function joinSecrets(plain: Record<string, unknown>, secrets: Record<string, unknown>): Record<string, unknown> {
    const settings = structuredClone(plain);
    for (const [path, value] of Object.entries(secrets)) setPath(settings, path, value);
    return settings;
}

/**
 * The settings that say which account or subscription an instance reads: the schema's required fields that are
 * not secret (Qualys: `host` and `username`). When one of them changes, the old checkpoint belongs to another
 * subscription and is dropped; any other change keeps it.
 */
export function subscriptionPaths(schema: JsonSchema): string[] {
    const secrets = new Set(secretSettingPaths(schema));
    const required = Array.isArray(schema.required) ? schema.required.filter(r => typeof r === 'string') : [];
    return required.filter(name => !secrets.has(name));
}
