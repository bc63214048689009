import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ConfigProblem } from '../connector.js';

/** The Ajv instance {@link compileSchema} compiles with, made on first use. */
let sharedAjv: Ajv | undefined;
/** Validators by the JSON text of their schema: the manifest's and the plugin's copy of a schema compile once. */
const compiledSchemas = new Map<string, ValidateFunction>();

/**
 * Compiles `schema` with the SDK's settings (see {@link createSchemaAjv}), once per distinct schema in a process:
 * compiling costs milliseconds and memory, and the host and its plugins check the same schemas. Throws for an
 * invalid schema, as `Ajv.compile` does.
 */
export function compileSchema(schema: object): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = compiledSchemas.get(key);
    if (validate === undefined) {
        sharedAjv ??= createSchemaAjv();
        validate = sharedAjv.compile(schema);
        compiledSchemas.set(key, validate);
    }
    return validate;
}

/**
 * A fresh Ajv instance set up the way the SDK validates schemas: every error at once, the failing schema and
 * data attached (for readable messages), and strict schemas so that a typo in a keyword or an unknown format
 * in a plugin's schema is an error instead of a rule that silently never applies.
 */
export function createSchemaAjv(): Ajv {
    const ajv = new Ajv({
        allErrors: true,
        verbose: true,
        strict: true,
        // These strict checks reject valid, common schemas (e.g. `required` outside `properties`); only typos matter.
        strictTypes: false,
        strictTuples: false,
        strictRequired: false,
        allowUnionTypes: true,
        logger: false
    });
    // The few formats config schemas actually use, without pulling in ajv-formats.
    ajv.addFormat('uri', (text: string) => isUrl(text));
    ajv.addFormat(
        'hostname',
        /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i
    );
    ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
    ajv.addFormat(
        'date-time',
        (text: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(text) && !Number.isNaN(Date.parse(text))
    );
    // An annotation (OpenAPI's "mask this input"), not a constraint.
    ajv.addFormat('password', true);
    return ajv;
}

/** True for an absolute URL with a scheme and a host, e.g. `https://example.com/docs`. */
export function isUrl(text: string): boolean {
    try {
        const url = new URL(text);
        return url.host.length > 0 || url.protocol === 'file:';
    } catch {
        return false;
    }
}

/** Turns Ajv's JSON pointer (`/settings/hosts/0`) into the SDK's dotted path (`settings.hosts[0]`). */
export function pointerToPath(pointer: string, child?: string): string {
    const segments =
        pointer === ''
            ? []
            : pointer
                  .slice(1)
                  .split('/')
                  .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (child !== undefined) segments.push(child);
    let path = '';
    for (const segment of segments) {
        if (/^\d+$/.test(segment)) path += `[${segment}]`;
        else path += path === '' ? segment : `.${segment}`;
    }
    return path;
}

/**
 * Maps Ajv errors to {@link ConfigProblem}s a person can act on: the path names the field itself (not its
 * parent), and the message says what is wrong with it. Duplicates (same path and message) are dropped.
 */
export function ajvErrorsToProblems(errors: readonly ErrorObject[] | null | undefined): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const seen = new Set<string>();
    for (const error of errors ?? []) {
        const problem = toProblem(error);
        if (problem === undefined) continue;
        const key = `${problem.path}\u0000${problem.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        problems.push(problem);
    }
    return problems;
}

function toProblem(error: ErrorObject): ConfigProblem | undefined {
    const params = error.params as Record<string, unknown>;
    const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
    const at = pointerToPath(error.instancePath);
    switch (error.keyword) {
        case 'required':
            return { path: pointerToPath(error.instancePath, String(params.missingProperty)), message: 'is required' };
        case 'additionalProperties':
        case 'unevaluatedProperties': {
            const field = String(params.additionalProperty ?? params.unevaluatedProperty);
            const closest = closestName(field, Object.keys((parent.properties ?? {}) as object));
            return {
                path: pointerToPath(error.instancePath, field),
                message: 'unknown field; remove it or check its spelling',
                ...(closest === undefined ? {} : { hint: `did you mean '${closest}'?` })
            };
        }
        case 'enum':
            return { path: at, message: `must be one of ${(params.allowedValues as unknown[]).map(show).join(', ')}` };
        case 'const':
            return { path: at, message: `must be ${show(params.allowedValue)}` };
        case 'type':
            return {
                path: at,
                message: `must be ${expectedType(String(params.type))}, not ${describeValue(error.data)}`
            };
        case 'pattern': {
            const example = Array.isArray(parent.examples) ? parent.examples[0] : undefined;
            return {
                path: at,
                message: `does not have the expected form (pattern ${String(params.pattern)})`,
                ...(example === undefined ? {} : { hint: `e.g. ${show(example)}` })
            };
        }
        case 'format':
            return { path: at, message: `must be a valid ${String(params.format)}` };
        case 'minLength':
            return {
                path: at,
                message:
                    params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} characters`
            };
        case 'uniqueItems':
            return { path: at, message: `must not repeat an item (items ${pair(params)} are the same)` };
        case 'if':
            // The failing `then`/`else` branch reports its own, more precise errors.
            return undefined;
        case 'anyOf':
        case 'oneOf':
            return { path: at, message: 'does not match any of the allowed forms' };
        default:
            // Ajv's own wording is clear for limits (`must be <= 100`, `must NOT have more than 3 items`).
            return { path: at, message: (error.message ?? 'is invalid').replace(/\bNOT\b/g, 'not') };
    }
}

function pair(params: Record<string, unknown>): string {
    const [first, second] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
    return `${first} and ${second}`;
}

function show(value: unknown): string {
    return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function expectedType(types: string): string {
    const names = types
        .split(',')
        .map(type => (type === 'integer' || type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`));
    return names.map(name => name.replace(/^a null$/, 'null')).join(' or ');
}

/** A short description of the JSON type of a value, for "must be a string, not a number". */
function describeValue(value: unknown): string {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
    return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The known name closest to a misspelt one (a case-only difference, or a few edits for longer names), if any. */
function closestName(name: string, known: readonly string[]): string | undefined {
    // One edit in a short name already makes a different word (`extra` is not a misspelt `entry`).
    let bestDistance = Math.min(2, Math.floor(name.length / 3)) + 1;
    let best: string | undefined;
    for (const candidate of known) {
        const distance = candidate.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, candidate);
        if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
    }
    return best;
}

/** Edit distance where swapping two neighbouring letters (`hots` for `host`) counts as one edit. */
function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}
