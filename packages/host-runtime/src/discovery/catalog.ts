import {
    compareCodePoints,
    declaredStreams,
    secretFieldPaths,
    type ConnectorManifest,
    type JsonSchema,
    type StreamDeclaration
} from '@signal-connectors/connector-sdk';

/** One configuration field of a connector, as listed in the catalog. */
export interface CatalogField {
    /** Dotted path inside an instance's `settings`, e.g. `host` or `apiVersion.hostDetection`. */
    name: string;
    /** JSON Schema type(s), e.g. `string`, `integer`, `string[]`, `string|null`. */
    type: string;
    title?: string;
    description?: string;
    required: boolean;
    /** Never present for a secret field. */
    default?: unknown;
    /** The only allowed values. Never present for a secret field. */
    enum?: unknown[];
    /** Example or well-known values (`examples`, titled `const` alternatives). Never present for a secret field. */
    suggestions?: unknown[];
    /** Marked `writeOnly` in the schema: redacted everywhere, set it from a secret reference. */
    secret: boolean;
}

/** One connector of the catalog, built from its manifest alone. */
export interface CatalogEntry {
    id: string;
    displayName: string;
    description: string;
    vendor: string;
    category: string;
    /** The default authentication method. */
    authMethod: string;
    /** Other methods an instance may choose; empty when there are none. */
    authAlternatives: string[];
    defaultPollingInterval: string;
    multiInstance: boolean;
    capabilities: string[];
    /** The streams the connector delivers (the single `default` when its manifest declares none). */
    streams: StreamDeclaration[];
    docsUrl: string;
    packageName?: string;
    packageVersion?: string;
    fields: CatalogField[];
}

/** What the catalog needs of a plugin: its manifest and, when known, its package. `DiscoveredPlugin` fits. */
export interface CatalogSource {
    manifest: ConnectorManifest;
    packageName?: string;
    packageVersion?: string;
}

/** Builds the catalog (sorted by id) from manifests alone: no plugin code runs, secret defaults are never listed. */
export function buildCatalog(plugins: readonly CatalogSource[]): CatalogEntry[] {
    return plugins.map(plugin => toEntry(plugin)).sort((a, b) => compareCodePoints(a.id, b.id));
}

function toEntry({ manifest, packageName, packageVersion }: CatalogSource): CatalogEntry {
    return {
        id: manifest.id,
        displayName: manifest.displayName,
        description: manifest.description,
        vendor: manifest.vendor,
        category: manifest.category,
        authMethod: manifest.auth.method,
        authAlternatives: [...(manifest.auth.alternatives ?? [])],
        defaultPollingInterval: manifest.defaults.pollingInterval,
        multiInstance: manifest.multiInstance,
        capabilities: [...manifest.capabilities],
        streams: declaredStreams(manifest).map(stream => ({ ...stream })),
        docsUrl: manifest.docsUrl,
        ...(packageName === undefined ? {} : { packageName }),
        ...(packageVersion === undefined ? {} : { packageVersion }),
        fields: configFields(manifest.configSchema)
    };
}

/**
 * The fields of a config schema, nested objects flattened into dotted names (an object with properties is listed
 * through its leaves, not as a field of its own). A field is secret when the SDK's `secretFieldPaths` says so,
 * which also catches `writeOnly` set through `allOf` or a `$ref`.
 */
export function configFields(schema: JsonSchema): CatalogField[] {
    const secrets = new Set(secretFieldPaths(schema));
    const fields: CatalogField[] = [];
    const walk = (node: Record<string, unknown>, prefix: string, depth: number): void => {
        const properties = isRecord(node.properties) ? node.properties : {};
        const required = Array.isArray(node.required) ? node.required.filter(r => typeof r === 'string') : [];
        for (const [key, value] of Object.entries(properties)) {
            const field = resolveRef(schema, value);
            const name = prefix === '' ? key : `${prefix}.${key}`;
            // Depth-bounded so that a recursive schema cannot loop.
            if (isRecord(field.properties) && depth < 5) {
                walk(field, name, depth + 1);
                continue;
            }
            fields.push(toField(field, name, required.includes(key), secrets.has(name) || field.writeOnly === true));
        }
    };
    walk(resolveRef(schema, schema), '', 0);
    return fields;
}

function toField(field: Record<string, unknown>, name: string, required: boolean, secret: boolean): CatalogField {
    const result: CatalogField = { name, type: typeName(field), required, secret };
    if (typeof field.title === 'string') result.title = field.title;
    if (typeof field.description === 'string') result.description = field.description;
    // A secret's default or examples would be a credential printed in a listing: never copy them.
    if (secret) return result;
    if (field.default !== undefined) result.default = field.default;
    const allowed = enumOf(field) ?? (isRecord(field.items) ? enumOf(field.items) : undefined);
    if (allowed !== undefined) result.enum = allowed;
    const suggestions = suggestionsOf(field);
    if (suggestions.length > 0) result.suggestions = suggestions;
    return result;
}

function typeName(field: Record<string, unknown>): string {
    const type = Array.isArray(field.type)
        ? field.type.join('|')
        : typeof field.type === 'string'
          ? field.type
          : undefined;
    if (type === 'array' && isRecord(field.items) && typeof field.items.type === 'string')
        return `${field.items.type}[]`;
    if (type !== undefined) return type;
    if (Array.isArray(field.enum) || field.const !== undefined) return 'enum';
    return 'any';
}

function enumOf(field: Record<string, unknown>): unknown[] | undefined {
    return Array.isArray(field.enum) ? [...field.enum] : undefined;
}

/** `examples`, then the `const` values of `anyOf`/`oneOf` alternatives (how a schema names well-known choices). */
function suggestionsOf(field: Record<string, unknown>): unknown[] {
    const values: unknown[] = Array.isArray(field.examples) ? [...field.examples] : [];
    for (const key of ['anyOf', 'oneOf']) {
        const branches = field[key];
        if (!Array.isArray(branches)) continue;
        for (const branch of branches) {
            if (isRecord(branch) && branch.const !== undefined) values.push(branch.const);
        }
    }
    return [...new Set(values.map(value => JSON.stringify(value)))].map(text => JSON.parse(text) as unknown);
}

/** Follows a local `$ref` (`#/$defs/x`, `#/definitions/x`) once; anything else is returned as is. */
function resolveRef(root: JsonSchema, node: unknown): Record<string, unknown> {
    if (!isRecord(node)) return {};
    if (typeof node.$ref !== 'string' || !node.$ref.startsWith('#/')) return node;
    let target: unknown = root;
    for (const segment of node.$ref.slice(2).split('/')) target = isRecord(target) ? target[segment] : undefined;
    return isRecord(target) ? { ...target, ...node } : node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export { formatCatalog, type CatalogFormatOptions } from './catalog-formatter.js';
