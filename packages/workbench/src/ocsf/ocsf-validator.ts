import type { CompactAttribute, CompactOcsfClass } from './compact-ocsf-class.js';

/** One way an event departs from the schema, at a JSON path such as `$.device.network_interfaces[1].type`. */
export interface OcsfProblem {
    path: string;
    message: string;
}

/** An object type whose content is not checked: `unmapped` and any other generic `object`. */
const OPEN_OBJECT = 'object';

/**
 * Checks events against one compiled OCSF class (see `compact-ocsf-class.ts`): required attributes present,
 * every attribute defined by the class or its object (anything under a generic `object`, such as `unmapped`, is
 * free), values of the right type (arrays, integers, timestamps, IPs and MACs by the schema's patterns),
 * enum values known, `*_id` captions equal to their sibling (except for 99 Other, where the sibling must say what
 * the value is), object constraints (`at_least_one`, `just_one`), and profile attributes used only with their
 * profile in `metadata.profiles`.
 */
export class OcsfValidator {
    private readonly regexes = new Map<string, RegExp>();

    constructor(readonly schema: CompactOcsfClass) {
        for (const [name, type] of Object.entries(schema.types)) {
            if (type.regex !== undefined) this.regexes.set(name, new RegExp(type.regex));
        }
    }

    /** Every problem of `event`; empty when it conforms. */
    validate(event: unknown): OcsfProblem[] {
        const problems: OcsfProblem[] = [];
        if (!isRecord(event)) return [{ path: '$', message: 'is not an object' }];
        const metadata = event.metadata;
        const profiles = isRecord(metadata) && Array.isArray(metadata.profiles) ? metadata.profiles.map(String) : [];
        this.checkObject(event, this.schema.class.attributes, undefined, '$', profiles, problems);
        return problems;
    }

    private checkObject(
        value: Record<string, unknown>,
        attributes: Record<string, CompactAttribute>,
        constraints: Record<string, string[]> | undefined,
        path: string,
        profiles: readonly string[],
        problems: OcsfProblem[]
    ): void {
        for (const [name, item] of Object.entries(value)) {
            // An undefined property does not exist in JSON: it is absent, not wrong.
            if (item === undefined) continue;
            const attribute = attributes[name];
            const at = `${path}.${name}`;
            if (attribute === undefined) {
                problems.push({ path: at, message: 'is not an attribute here' });
                continue;
            }
            if (attribute.profile !== undefined && !profiles.includes(attribute.profile)) {
                problems.push({
                    path: at,
                    message: `belongs to the ${attribute.profile} profile, which metadata.profiles does not list`
                });
            }
            if (attribute.array) {
                if (!Array.isArray(item)) problems.push({ path: at, message: 'must be an array' });
                else
                    item.forEach((element, index) =>
                        this.checkValue(element, attribute, `${at}[${index}]`, profiles, problems)
                    );
            } else {
                this.checkValue(item, attribute, at, profiles, problems);
            }
            if (attribute.enum !== undefined && !attribute.array) this.checkEnum(value, name, attribute, at, problems);
        }
        for (const [name, attribute] of Object.entries(attributes)) {
            const applies = attribute.profile === undefined || profiles.includes(attribute.profile);
            if (attribute.req === 'required' && applies && value[name] === undefined) {
                problems.push({ path: `${path}.${name}`, message: 'is required' });
            }
        }
        const present = (names: string[]): string[] => names.filter(name => value[name] !== undefined);
        if (constraints?.at_least_one !== undefined && present(constraints.at_least_one).length === 0) {
            problems.push({ path, message: `needs at least one of ${constraints.at_least_one.join(', ')}` });
        }
        if (constraints?.just_one !== undefined && present(constraints.just_one).length !== 1) {
            problems.push({ path, message: `needs exactly one of ${constraints.just_one.join(', ')}` });
        }
    }

    private checkValue(
        value: unknown,
        attribute: CompactAttribute,
        path: string,
        profiles: readonly string[],
        problems: OcsfProblem[]
    ): void {
        const type = attribute.type;
        if (!type.endsWith('_t')) {
            if (!isRecord(value)) {
                problems.push({ path, message: `must be a ${type} object` });
                return;
            }
            if (type === OPEN_OBJECT) return;
            const object = this.schema.objects[type];
            if (object === undefined) {
                problems.push({ path, message: `has type ${type}, which the compact schema does not define` });
                return;
            }
            this.checkObject(value, object.attributes, object.constraints, path, profiles, problems);
            return;
        }
        const message = this.typeProblem(value, type);
        if (message !== undefined) problems.push({ path, message });
    }

    /** Why `value` is not of the data type `type`, or undefined when it is. */
    private typeProblem(value: unknown, type: string): string | undefined {
        const definition = this.schema.types[type];
        const base = baseType(type, this.schema);
        switch (base) {
            case 'json_t':
                return undefined;
            case 'boolean_t':
                return typeof value === 'boolean' ? undefined : `must be a boolean (${type})`;
            case 'integer_t':
            case 'long_t':
                if (typeof value !== 'number' || !Number.isInteger(value)) return `must be an integer (${type})`;
                if (definition?.range && (value < definition.range[0] || value > definition.range[1])) {
                    return `must be within ${definition.range[0]}-${definition.range[1]} (${type})`;
                }
                return undefined;
            case 'float_t':
                return typeof value === 'number' && Number.isFinite(value) ? undefined : `must be a number (${type})`;
            case 'string_t': {
                if (typeof value !== 'string') return `must be a string (${type})`;
                if (definition?.maxLength !== undefined && value.length > definition.maxLength) {
                    return `is longer than ${definition.maxLength} characters (${type})`;
                }
                const regex = this.regexes.get(type);
                return regex === undefined || regex.test(value)
                    ? undefined
                    : `is not a valid ${type}: ${JSON.stringify(value)}`;
            }
            default:
                return `has the unknown data type ${type}`;
        }
    }

    private checkEnum(
        object: Record<string, unknown>,
        name: string,
        attribute: CompactAttribute,
        path: string,
        problems: OcsfProblem[]
    ): void {
        const value = object[name];
        const caption = attribute.enum?.[String(value)];
        if (caption === undefined) {
            problems.push({
                path,
                message: `${JSON.stringify(value)} is not one of ${Object.keys(attribute.enum ?? {}).join(', ')}`
            });
            return;
        }
        if (attribute.sibling === undefined) return;
        const sibling = object[attribute.sibling];
        if (value === 99 || value === '99') {
            if (typeof sibling !== 'string' || sibling === '') {
                problems.push({ path, message: `is 99 (Other): ${attribute.sibling} must say what it is` });
            }
        } else if (sibling !== undefined && sibling !== caption) {
            problems.push({
                path: path.replace(/[^.]+$/, attribute.sibling),
                message: `must be the caption of ${name} ${String(value)}, "${caption}", not ${JSON.stringify(sibling)}`
            });
        }
    }
}

/** The primitive type a data type rests on (`timestamp_t` -> `long_t`, `ip_t` -> `string_t`). */
function baseType(type: string, schema: CompactOcsfClass): string {
    let current = type;
    for (let depth = 0; depth < 5; depth++) {
        const next = schema.types[current]?.base;
        if (next === undefined) return current;
        current = next;
    }
    return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
