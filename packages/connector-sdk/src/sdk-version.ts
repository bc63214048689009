import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The version of this SDK, which plugin manifests' `sdk` ranges are checked against. */
export const SDK_VERSION: string = (require('../package.json') as { version: string }).version;
