import { readFileSync } from 'node:fs';
import type { ConnectorManifest } from '@signal-connectors/connector-sdk';

/**
 * The plugin's manifest. Read from the package root rather than imported: `connector.json` lies outside
 * `src/`, and `src/config` and `dist/config` are the same distance from it. It is the one source of the config
 * schema and of the list of Qualys platforms (the titled choices of `host`).
 */
export const QUALYS_MANIFEST: ConnectorManifest = JSON.parse(
    readFileSync(new URL('../../connector.json', import.meta.url), 'utf8')
) as ConnectorManifest;
