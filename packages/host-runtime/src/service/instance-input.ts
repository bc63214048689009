import { parseDuration, type ConfigProblem } from '@signal-connectors/connector-sdk';
import { INSTANCE_ID_PATTERN } from '../config/runtime-config-schema.js';
import type { CatalogEntry } from '../discovery/catalog.js';
import type { LiveInstance } from './live-instances.js';

/** What a person (or an API client) asks to save. */
export interface InstanceInput {
    id: string;
    connector: string;
    enabled: boolean;
    pollingInterval: string;
    /** Entered settings. A secret field left out or empty keeps the stored value. */
    settings: Record<string, unknown>;
    /** Secret fields to remove. */
    clearSecrets?: string[];
}

/** Shortest polling interval the console accepts. */
const MIN_POLLING_INTERVAL_MS = 1000;

/** The problems of a new instance's name and connector: a valid, free name; a known connector with room for it. */
export function checkNewInstance(
    input: Pick<InstanceInput, 'id' | 'connector'>,
    existing: readonly LiveInstance[],
    catalog: readonly CatalogEntry[]
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    if (!new RegExp(INSTANCE_ID_PATTERN).test(input.id) || input.id.length > 64) {
        problems.push({
            path: 'id',
            message: `'${input.id}' is not a valid name`,
            hint: 'use lower-case letters, digits, - and _, starting with a letter or digit, e.g. qualys-prod'
        });
    } else if (existing.some(live => live.id === input.id)) {
        problems.push({ path: 'id', message: `an instance named '${input.id}' already exists`, hint: 'pick another name' });
    }
    const entry = catalog.find(connector => connector.id === input.connector);
    if (entry === undefined) {
        problems.push({ path: 'connector', message: `unknown connector '${input.connector}'` });
    } else if (!entry.multiInstance && existing.some(live => live.connector === entry.id)) {
        problems.push({ path: 'connector', message: `connector '${entry.id}' allows only one instance` });
    }
    return problems;
}

/** The problem of a polling interval that is not a duration of at least a second, if any. */
export function checkPollingInterval(text: string): ConfigProblem[] {
    const ms = parseDuration(text.trim());
    if (ms !== undefined && ms >= MIN_POLLING_INTERVAL_MS) return [];
    return [
        { path: 'pollingInterval', message: `'${text}' is not a polling interval`, hint: "write e.g. '30m' (recommended), '1h' or '4h'" }
    ];
}

/** Why each secret cannot be saved without an encryption key, and how to set one. */
export function noKeyProblems(secretPaths: readonly string[]): ConfigProblem[] {
    return secretPaths.map(path => ({
        path: `settings.${path}`,
        message: 'cannot be stored: secrets are kept only encrypted, and no encryption key is set',
        hint:
            'set admin.secretKey in the config file to a secret reference such as ${env:SIGNAL_SECRET_KEY} ' +
            '(a random value of 16 characters or more, e.g. from openssl rand -base64 32), then restart'
    }));
}
