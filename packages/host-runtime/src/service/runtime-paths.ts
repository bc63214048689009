import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The config file `run` and `npm start` use when none is given. */
export const DEFAULT_CONFIG_FILE = 'signal-client.yaml';

/**
 * The directory of the host runtime package (this file is `dist/cli/runtime-paths.js` in it). Plugins installed
 * with the runtime are found from here, whatever the working directory.
 */
export const RUNTIME_PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** The runtime package's version, for `--version`. */
export function runtimeVersion(): string {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
}
