import { basename, dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { pluginNames } from '../../scaffold/plugin-names.js';
import { ScaffoldError, scaffoldPlugin } from '../../scaffold/plugin-scaffold.js';
import { CliError, EXIT_OK } from '../cli-error.js';
import type { CliContext, GlobalOptions } from '../cli-context.js';
import { writeLine, type CliIo } from '../cli-io.js';

/** Options of `signal-client scaffold`. */
export interface ScaffoldOptions extends GlobalOptions {
    id: string;
    name?: string;
    displayName?: string;
}

/** Adds `scaffold <dir> --id <vendor.product> [--name PACKAGE] [--display-name TEXT]`. */
export function addScaffoldCommand(program: Command, context: CliContext): void {
    program
        .command('scaffold')
        .summary('write a new connector plugin package to start from')
        .description(
            'write a buildable TypeScript connector plugin into a new directory: its manifest, a connector that polls ' +
                'a paged JSON API with a checkpoint, the SDK contract suite against a loopback stand-in of that API, ' +
                'and a README with the next steps.'
        )
        .argument('<dir>', 'the new directory (it must not exist, or be empty)')
        .requiredOption('--id <vendor.product>', 'the connector id, e.g. acme.widgets')
        .option('--name <package>', 'the npm package name (default: signal-connector-<vendor>-<product>)')
        .option('--display-name <text>', 'the name the catalog shows (default: from the id, e.g. Acme Widgets)')
        .action(async (dir: string, _options: unknown, command: Command) =>
            context.done(await scaffoldCommand(context.io, dir, command.optsWithGlobals<ScaffoldOptions>()))
        );
}

/** Writes the plugin and prints its files and what to do next. */
export async function scaffoldCommand(io: CliIo, dir: string, options: ScaffoldOptions): Promise<number> {
    const names = pluginNames(options.id, { packageName: options.name, displayName: options.displayName });
    if ('problem' in names) throw new CliError(`cannot scaffold a plugin: ${names.problem}`);
    const target = resolve(io.cwd, dir);
    let files: string[];
    try {
        ({ files } = await scaffoldPlugin(target, names));
    } catch (error) {
        if (error instanceof ScaffoldError) throw new CliError(error.message);
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== undefined) throw new CliError(`cannot write the plugin into ${target} (${code})`);
        throw error;
    }
    const shown = relative(io.cwd, target) || '.';
    writeLine(io.stdout, `Created ${names.packageName}, connector ${names.id}, in ${shown}:`);
    for (const file of files) writeLine(io.stdout, `  ${file}`);
    writeLine(io.stdout, '');
    writeLine(io.stdout, 'Next:');
    writeLine(io.stdout, `  cd ${shown}`);
    writeLine(io.stdout, '  npm install              # the SDK, inversify and reflect-metadata are peer dependencies');
    writeLine(io.stdout, '  npm run build && npm test  # the SDK contract suite against a loopback stand-in of the API');
    writeLine(
        io.stdout,
        `Then list its parent folder (${relative(io.cwd, dirname(target)) || '.'}) in pluginDirs of a ` +
            `signal-client.yaml and run signal-client catalog --config signal-client.yaml: ${basename(target)}/README.md says more.`
    );
    return EXIT_OK;
}
