import type { ConfigProblem } from '../connector.js';
import type { JsonSchema } from './connector-manifest.js';
import { ajvErrorsToProblems, compileSchema } from './ajv-problems.js';

/** Checks a raw config against a schema; returns every problem (empty when the config is valid). Never throws. */
export type ConfigValidator = (raw: unknown) => ConfigProblem[];

/** Options of {@link createConfigValidator}. */
export interface ConfigValidatorOptions {
    /** Prefix put before every problem path, e.g. `settings` to report `settings.host` instead of `host`. */
    pathPrefix?: string;
}

/**
 * Compiles a JSON Schema (typically a manifest's `configSchema`) into a reusable validator, so a plugin's
 * `validateConfig` and the host check configs with the same rules and the same messages:
 * - an unknown field is reported at its own path: "unknown field; remove it or check its spelling" (with a
 *   "did you mean" hint when a known field is close);
 * - a missing required field at its own path: "is required";
 * - a wrong type names the expected and the actual type; an enum lists the allowed values;
 * - a pattern mismatch gives the schema's first `examples` entry as a hint.
 *
 * Compile once and reuse the validator. Throws when the schema itself is invalid (unknown keywords or formats
 * included); `validateManifest` reports that for a manifest's `configSchema` before any plugin code runs.
 */
export function createConfigValidator(schema: JsonSchema, options: ConfigValidatorOptions = {}): ConfigValidator {
    const validate = compileSchema(schema);
    const prefix = options.pathPrefix ?? '';
    return (raw: unknown): ConfigProblem[] => {
        if (validate(raw)) return [];
        const problems = ajvErrorsToProblems(validate.errors);
        if (prefix === '') return problems;
        return problems.map(problem => ({ ...problem, path: joinPath(prefix, problem.path) }));
    };
}

function joinPath(prefix: string, path: string): string {
    if (path === '') return prefix;
    return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}
