import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildCatalog, formatCatalog } from '../../discovery/catalog.js';
import { EXIT_OK } from '../cli-error.js';
import type { CliContext, GlobalOptions } from '../cli-context.js';
import type { CliIo } from '../cli-io.js';
import { setUpLogging } from '../cli-logging.js';
import { discover, loadConfigOrFail } from '../../service/runtime-session.js';

/** Options of `signal-client catalog`. */
export interface CatalogOptions extends GlobalOptions {
    json?: boolean;
    config?: string;
}

/** Adds `catalog [--json] [--config FILE]`. */
export function addCatalogCommand(program: Command, context: CliContext): void {
    program
        .command('catalog')
        .summary('list the installed connectors and their settings')
        .description(
            'list the installed connectors: settings (secret ones marked), auth, default polling interval, docs. ' +
                'Needs no config file, and runs no plugin code.'
        )
        .option('--json', 'print the catalog as JSON (the document the admin API serves at /api/catalog)')
        .option('-c, --config <file>', "also look for plugins in this config's pluginDirs")
        .action(async (_options: unknown, command: Command) =>
            context.done(await catalogCommand(context.io, command.optsWithGlobals<CatalogOptions>()))
        );
}

/** Discovers the plugins (installed with the runtime, in pluginDirs) and lists them, from their manifests alone. */
export async function catalogCommand(io: CliIo, options: CatalogOptions): Promise<number> {
    // Only problems are logged: the listing is the output.
    const logging = setUpLogging(io, options, 'warn');
    const logger = logging.loggerFactory.create({ component: 'cli' });
    const pluginDirs =
        options.config === undefined
            ? []
            : (await loadConfigOrFail(resolve(io.cwd, options.config), io.env)).pluginDirs;
    const { plugins } = await discover(pluginDirs, logger);
    const entries = buildCatalog(plugins);
    if (options.json === true) io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    else io.stdout.write(formatCatalog(entries, { width: Math.min(120, io.stdout.columns || 100) }));
    return EXIT_OK;
}
