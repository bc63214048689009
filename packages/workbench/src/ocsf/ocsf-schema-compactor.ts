import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CompactAttribute, CompactObject, CompactOcsfClass, CompactType } from './compact-ocsf-class.js';

/** One definition file of the schema source (a class, an object or a profile). */
interface SourceDefinition {
    name: string;
    caption?: string;
    extends?: string;
    category?: string;
    uid?: number;
    attributes?: Record<string, SourceAttribute | string[]>;
    constraints?: Record<string, string[]>;
    profiles?: string[];
}

/** An attribute as a class, object or profile file states it (over the dictionary's definition). */
interface SourceAttribute {
    requirement?: string;
    type?: string;
    is_array?: boolean;
    enum?: Record<string, { caption: string }>;
    sibling?: string;
    /** Set by inclusion of a profile; `null` in a class takes an attribute out of its profile. */
    profile?: string | null;
}

interface Dictionary {
    attributes: Record<string, SourceAttribute & { caption?: string }>;
    types: {
        attributes: Record<
            string,
            { type?: string; regex?: string; max_len?: number; range?: number[]; values?: unknown[] }
        >;
    };
}

/** The schema source: every definition by kind and name, and the dictionary. */
interface SchemaSource {
    dir: string;
    version: string;
    dictionary: Dictionary;
    categories: Record<string, { uid: number; caption: string }>;
    events: Map<string, SourceDefinition>;
    objects: Map<string, SourceDefinition>;
}

/**
 * Reads the OCSF schema source (the layout of the public ocsf-schema repository: `dictionary.json`,
 * `categories.json`, `version.json`, `events/`, `objects/`, `profiles/`) and compiles one event class into the
 * compact form the validator uses: the class's attributes after `extends`, `$include` and profiles are resolved,
 * every object reachable from it the same way, and the data types. Descriptions are dropped; types, arrays,
 * requirements, profiles, enums with captions, caption siblings and object constraints are kept.
 */
export async function compactOcsfClass(sourceDir: string, className: string): Promise<CompactOcsfClass> {
    const source = await readSource(sourceDir);
    const definition = source.events.get(className);
    if (definition === undefined) throw new Error(`${className} is not an event class of the schema in ${sourceDir}`);
    const chain = extendsChain(source.events, definition);
    const categoryName = [...chain].reverse().find(level => level.category !== undefined)?.category;
    const category = categoryName === undefined ? undefined : source.categories[categoryName];
    if (category === undefined || definition.uid === undefined) {
        throw new Error(`${className} has no category or uid in ${sourceDir}`);
    }
    const uid = category.uid * 1000 + definition.uid;
    const caption = definition.caption ?? className;
    const attributes = await resolveAttributes(source, chain);
    const compactAttributes = compactAll(source, attributes);
    // class_uid, category_uid and type_uid enumerate this class only, as the schema server shows them.
    compactAttributes.class_uid = { ...compactAttributes.class_uid, enum: { [uid]: caption } };
    compactAttributes.category_uid = { ...compactAttributes.category_uid, enum: { [category.uid]: category.caption } };
    const activities = compactAttributes.activity_id?.enum ?? {};
    compactAttributes.type_uid = {
        ...compactAttributes.type_uid,
        enum: Object.fromEntries(
            Object.entries(activities).map(([id, activity]) => [
                String(uid * 100 + Number(id)),
                `${caption}: ${activity}`
            ])
        )
    };

    const objects: Record<string, CompactObject> = {};
    const pending = referencedObjects(compactAttributes);
    while (pending.length > 0) {
        const name = pending.pop()!;
        if (objects[name] !== undefined) continue;
        const object = source.objects.get(name);
        if (object === undefined) throw new Error(`object ${name} is referenced but not defined in ${sourceDir}`);
        const objectChain = extendsChain(source.objects, object);
        const objectAttributes = compactAll(source, await resolveAttributes(source, objectChain));
        const constraints = [...objectChain].reverse().find(level => level.constraints !== undefined)?.constraints;
        objects[name] = { attributes: objectAttributes, ...(constraints === undefined ? {} : { constraints }) };
        pending.push(...referencedObjects(objectAttributes));
    }
    const sortedObjects = Object.fromEntries(Object.entries(objects).sort(([a], [b]) => a.localeCompare(b)));

    return {
        ocsfVersion: source.version,
        class: { name: className, caption, uid, categoryUid: category.uid, attributes: compactAttributes },
        objects: sortedObjects,
        types: compactTypes(source.dictionary)
    };
}

async function readSource(dir: string): Promise<SchemaSource> {
    const json = async <T>(path: string): Promise<T> => JSON.parse(await readFile(join(dir, path), 'utf8')) as T;
    const definitions = async (subdir: string): Promise<Map<string, SourceDefinition>> => {
        const map = new Map<string, SourceDefinition>();
        for (const entry of await readdir(join(dir, subdir), { withFileTypes: true, recursive: true })) {
            if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
            const definition = await json<SourceDefinition>(relative(dir, join(entry.parentPath, entry.name)));
            map.set(definition.name, definition);
        }
        return map;
    };
    return {
        dir,
        version: (await json<{ version: string }>('version.json')).version,
        dictionary: await json<Dictionary>('dictionary.json'),
        categories: (await json<{ attributes: SchemaSource['categories'] }>('categories.json')).attributes,
        events: await definitions('events'),
        objects: await definitions('objects')
    };
}

/** The definition and its ancestors, root first (`object` and classes without a parent end the chain). */
function extendsChain(definitions: Map<string, SourceDefinition>, definition: SourceDefinition): SourceDefinition[] {
    const chain = [definition];
    for (let parent = definition.extends; parent !== undefined;) {
        const next = definitions.get(parent);
        if (next === undefined) break;
        chain.unshift(next);
        parent = next.extends;
    }
    return chain;
}

/**
 * The attributes of a chain of definitions: each level's `$include`d profiles (marked with the profile's name) and
 * files, then its own attributes, merged over the levels above it.
 */
async function resolveAttributes(
    source: SchemaSource,
    chain: SourceDefinition[]
): Promise<Record<string, SourceAttribute>> {
    let merged: Record<string, SourceAttribute> = {};
    for (const level of chain) {
        const own = level.attributes ?? {};
        const includes = (own.$include as string[] | undefined) ?? [];
        const levelAttributes: Record<string, SourceAttribute> = {};
        for (const include of includes) {
            const included = JSON.parse(await readFile(join(source.dir, include), 'utf8')) as SourceDefinition & {
                meta?: string;
            };
            const profile = included.meta === 'profile' ? included.name : undefined;
            for (const [name, attribute] of Object.entries(included.attributes ?? {})) {
                if (name === '$include') continue;
                const spec = attribute as SourceAttribute;
                levelAttributes[name] = mergeAttribute(
                    levelAttributes[name],
                    profile === undefined ? spec : { profile, ...spec }
                );
            }
        }
        for (const [name, attribute] of Object.entries(own)) {
            if (name === '$include') continue;
            levelAttributes[name] = mergeAttribute(levelAttributes[name], attribute as SourceAttribute);
        }
        for (const [name, attribute] of Object.entries(levelAttributes)) {
            merged = { ...merged, [name]: mergeAttribute(merged[name], attribute) };
        }
    }
    return merged;
}

/** `over` on top of `base`; enums merge value by value. */
function mergeAttribute(base: SourceAttribute | undefined, over: SourceAttribute): SourceAttribute {
    if (base === undefined) return { ...over };
    const merged: SourceAttribute = { ...base, ...over };
    if (base.enum !== undefined && over.enum !== undefined) merged.enum = { ...base.enum, ...over.enum };
    return merged;
}

function compactAll(
    source: SchemaSource,
    attributes: Record<string, SourceAttribute>
): Record<string, CompactAttribute> {
    const out: Record<string, CompactAttribute> = {};
    for (const name of Object.keys(attributes).sort()) out[name] = compactAttribute(source, name, attributes[name]);
    return out;
}

/**
 * An attribute over its dictionary definition. A stated enum keeps the dictionary's Unknown (0) and Other (99)
 * values, as the schema server lists them; without one, the dictionary's enum applies.
 */
function compactAttribute(source: SchemaSource, name: string, spec: SourceAttribute): CompactAttribute {
    const dictionary = source.dictionary.attributes[name];
    if (dictionary === undefined) throw new Error(`attribute ${name} is not in the dictionary of ${source.dir}`);
    const type = spec.type ?? dictionary.type;
    if (type === undefined) throw new Error(`attribute ${name} has no type in ${source.dir}`);
    const out: CompactAttribute = { type };
    if (spec.is_array ?? dictionary.is_array) out.array = true;
    if (spec.requirement === 'required' || spec.requirement === 'recommended') out.req = spec.requirement;
    if (spec.profile) out.profile = spec.profile;
    let values = spec.enum;
    if (values !== undefined) {
        for (const fixed of ['0', '99']) {
            const kept = dictionary.enum?.[fixed];
            if (kept !== undefined && values[fixed] === undefined) values = { ...values, [fixed]: kept };
        }
    } else {
        values = dictionary.enum;
    }
    if (values !== undefined && Object.keys(values).length > 0) {
        out.enum = Object.fromEntries(
            Object.entries(values)
                .sort(([a], [b]) => Number(a) - Number(b))
                .map(([id, value]) => [id, value.caption])
        );
    }
    const sibling = spec.sibling ?? dictionary.sibling;
    if (sibling) out.sibling = sibling;
    return out;
}

function referencedObjects(attributes: Record<string, CompactAttribute>): string[] {
    return Object.values(attributes)
        .map(attribute => attribute.type)
        .filter(type => !type.endsWith('_t'));
}

function compactTypes(dictionary: Dictionary): Record<string, CompactType> {
    const out: Record<string, CompactType> = {};
    for (const [name, type] of Object.entries(dictionary.types.attributes)) {
        const compact: CompactType = {};
        if (type.type) compact.base = type.type;
        if (type.regex) compact.regex = type.regex;
        if (type.max_len !== undefined) compact.maxLength = type.max_len;
        if (type.range !== undefined) compact.range = [type.range[0], type.range[1]];
        out[name] = compact;
    }
    return out;
}
