import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VULNERABILITY_FINDING_1_5_0 } from './compact-ocsf-class.js';
import { compactOcsfClass } from './ocsf-schema-compactor.js';

/** The OCSF schema source beside the repository (`../shared/ocsf-schema-1.5.0`), when no path is given. */
const DEFAULT_SOURCE = fileURLToPath(new URL('../../../../../shared/ocsf-schema-1.5.0', import.meta.url));

/**
 * Regenerates the committed compact form of Vulnerability Finding from the OCSF schema source:
 * `npm run ocsf:compact [-- <schema source dir> [<output file>]]`. Run it after updating the schema source.
 */
async function main(): Promise<void> {
    const [sourceArg, outArg] = process.argv.slice(2);
    const source = resolve(sourceArg ?? DEFAULT_SOURCE);
    const out = outArg === undefined ? fileURLToPath(VULNERABILITY_FINDING_1_5_0) : resolve(outArg);
    const compact = await compactOcsfClass(source, 'vulnerability_finding');
    await writeFile(out, `${JSON.stringify(compact)}\n`);
    const objects = Object.keys(compact.objects).length;
    console.log(
        `wrote ${out}: ${compact.class.caption} (${compact.class.uid}), OCSF ${compact.ocsfVersion}, ${objects} objects`
    );
}

main().catch((error: unknown) => {
    console.error(`ocsf:compact: ${error instanceof Error ? error.message : String(error)}`);
    console.error('Give the OCSF schema source directory: npm run ocsf:compact -- <dir> [<output file>]');
    process.exit(1);
});
