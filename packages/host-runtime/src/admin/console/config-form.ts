import type { JsonSchema } from '@signal-connectors/connector-sdk';
import { secretSettingPaths, setPath } from '../../service/settings-paths.js';

/** One input of a settings form, drawn from the manifest's `configSchema`. */
export interface FormField {
    /** Dotted path inside `settings`; the input is named `settings.<path>`. */
    path: string;
    /** The schema's title (the label), or the path. */
    title: string;
    description?: string;
    required: boolean;
    /** `writeOnly`: a password input that never shows the stored value. */
    secret: boolean;
    kind: 'text' | 'password' | 'number' | 'checkbox' | 'select' | 'choices';
    /** `select` and `choices`: the values to pick from (a `select` with `custom` also takes a typed value). */
    options: { value: string; label: string }[];
    /**
     * A `select` whose schema also allows a free value (`anyOf` of `const`s next to a plain branch, like a list of
     * known platforms plus "private platform or custom URL"): the dropdown gets an extra choice that reveals a text
     * input labelled `label`.
     */
    custom?: { choice: string; label: string; examples: string[] };
    integer: boolean;
    default?: unknown;
    examples: string[];
}

/** Form inputs of the schema's properties, nested objects flattened (`apiVersion.hostDetection`). */
export function formFields(schema: JsonSchema): FormField[] {
    const secrets = new Set(secretSettingPaths(schema));
    const fields: FormField[] = [];
    const walk = (node: JsonSchema, prefix: string, titlePrefix: string, depth: number): void => {
        const properties = isRecord(node.properties) ? node.properties : {};
        const required = Array.isArray(node.required) ? node.required : [];
        for (const [name, raw] of Object.entries(properties)) {
            if (!isRecord(raw)) continue;
            const path = prefix === '' ? name : `${prefix}.${name}`;
            const title = `${titlePrefix}${typeof raw.title === 'string' ? raw.title : name}`;
            if (isRecord(raw.properties) && depth < 3) {
                walk(raw, path, `${title} › `, depth + 1);
                continue;
            }
            fields.push(toField(raw, path, title, required.includes(name), secrets.has(path)));
        }
    };
    walk(schema, '', '', 0);
    return fields;
}

function toField(field: JsonSchema, path: string, title: string, required: boolean, secret: boolean): FormField {
    const base = {
        path,
        title,
        ...(typeof field.description === 'string' ? { description: field.description } : {}),
        required,
        secret,
        integer: field.type === 'integer',
        ...(field.default === undefined || secret ? {} : { default: field.default }),
        examples: secret || !Array.isArray(field.examples) ? [] : field.examples.map(String)
    };
    if (secret) return { ...base, kind: 'password', options: [] };
    if (field.type === 'boolean') return { ...base, kind: 'checkbox', options: [] };
    if (field.type === 'integer' || field.type === 'number') return { ...base, kind: 'number', options: [] };
    if (field.type === 'array' && isRecord(field.items) && Array.isArray(field.items.enum)) {
        return { ...base, kind: 'choices', options: field.items.enum.map(value => ({ value: String(value), label: String(value) })) };
    }
    if (Array.isArray(field.enum)) {
        return { ...base, kind: 'select', options: field.enum.map(value => ({ value: String(value), label: String(value) })) };
    }
    const branches = [...(Array.isArray(field.anyOf) ? field.anyOf : []), ...(Array.isArray(field.oneOf) ? field.oneOf : [])];
    const consts = branches.filter(isRecord).filter(branch => branch.const !== undefined);
    if (consts.length > 0) {
        const options = consts.map(branch => ({
            value: String(branch.const),
            label: typeof branch.title === 'string' ? branch.title : String(branch.const)
        }));
        // A free-form branch next to the well-known values: pick from the list, or choose it and type a value.
        const free = branches.filter(isRecord).find(branch => branch.const === undefined);
        if (free === undefined) return { ...base, kind: 'select', options };
        const freeTitle = typeof free.title === 'string' ? free.title : 'another value';
        const custom = {
            choice: freeTitle,
            label: `${title} (${freeTitle.charAt(0).toLowerCase()}${freeTitle.slice(1)})`,
            examples: Array.isArray(free.examples) ? free.examples.map(String) : []
        };
        return { ...base, kind: 'select', options, custom };
    }
    return { ...base, kind: 'text', options: [] };
}

/** A submitted form, as `@fastify/formbody` parses it. */
export type FormBody = Record<string, string | string[] | undefined>;

/**
 * The settings a submitted form stands for: empty inputs are left out (so defaults apply and stored secrets are
 * kept), numbers are converted (a non-number is kept as typed, for the validator to report), an unchecked box is
 * `false`, checked choices become an array.
 */
export function settingsFromForm(fields: readonly FormField[], body: FormBody): Record<string, unknown> {
    const settings: Record<string, unknown> = {};
    for (const field of fields) {
        const raw = body[`settings.${field.path}`];
        if (field.kind === 'checkbox') {
            setPath(settings, field.path, raw !== undefined);
            continue;
        }
        if (field.kind === 'choices') {
            setPath(settings, field.path, raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]);
            continue;
        }
        let text = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
        if (field.custom !== undefined && (text === CUSTOM_CHOICE || text === '')) {
            // The typed value, when "other" is chosen (or typed without choosing it: the page works without script).
            text = first(body[`custom.${field.path}`]).trim();
        }
        if (text === '' || text === CUSTOM_CHOICE) continue;
        if (field.kind === 'number') {
            const value = Number(text);
            setPath(settings, field.path, Number.isFinite(value) ? value : text);
        } else setPath(settings, field.path, field.secret ? (Array.isArray(raw) ? raw[0] : raw) : text);
    }
    return settings;
}

/** The dropdown value that stands for "type another value" in a `select` with `custom`. */
export const CUSTOM_CHOICE = '__custom__';

function first(value: string | string[] | undefined): string {
    return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** The secret fields whose "clear" box was ticked. */
export function clearedSecrets(fields: readonly FormField[], body: FormBody): string[] {
    return fields.filter(field => field.secret && body[`clear.${field.path}`] !== undefined).map(field => field.path);
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
