import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { RuntimeConfig } from '../../config/runtime-config.js';
import { EXIT_FAILURE, EXIT_OK, formatProblem, plural } from '../cli-error.js';
import { addConfigOption, type CliContext, type GlobalOptions } from '../cli-context.js';
import { writeLine, type CliIo } from '../cli-io.js';
import { setUpLogging } from '../cli-logging.js';
import { checkConfigFile } from '../config-check.js';
import { describeDestination } from '../output-format.js';

/** Options of `signal-client validate`. */
export interface ValidateOptions extends GlobalOptions {
    config: string;
}

/** Adds `validate [--config FILE]`. */
export function addValidateCommand(program: Command, context: CliContext): void {
    addConfigOption(
        program
            .command('validate')
            .summary('check a config file and report every problem')
            .description(
                "check a config file: the runtime's settings and each instance's connector settings, every problem " +
                    'at once. Connects to nothing.'
            )
    ).action(async (_options: unknown, command: Command) =>
        context.done(await validateCommand(context.io, command.optsWithGlobals<ValidateOptions>()))
    );
}

/** Prints `OK ...` and returns 0, or prints every problem (`path: message (hint)`) and returns 1. */
export async function validateCommand(io: CliIo, options: ValidateOptions): Promise<number> {
    const logging = setUpLogging(io, options, 'warn');
    const logger = logging.loggerFactory.create({ component: 'cli' });
    const check = await checkConfigFile(resolve(io.cwd, options.config), io.env, logger);
    if (check.problems.length === 0 && check.config !== undefined) {
        writeLine(io.stdout, `OK ${check.path}: ${summary(check.config)}`);
        return EXIT_OK;
    }
    writeLine(io.stdout, `${check.path}: ${plural(check.problems.length, 'problem')}`);
    for (const problem of check.problems) writeLine(io.stdout, `  ${formatProblem(problem)}`);
    return EXIT_FAILURE;
}

/** One line: the instances, the sink, the data directory and the admin API. */
function summary(config: RuntimeConfig): string {
    const instances = config.instances.map(
        instance => `${instance.id} (${instance.connector}${instance.enabled ? '' : ', disabled'})`
    );
    const admin = config.admin.enabled ? `admin API on ${config.admin.listen}` : 'admin API off';
    return [
        `${plural(config.instances.length, 'instance')}${instances.length === 0 ? '' : `: ${instances.join(', ')}`}`,
        `sink ${config.sink.type}: ${describeDestination(config.sink)}`,
        `state in ${config.dataDir}`,
        admin
    ].join('; ');
}
