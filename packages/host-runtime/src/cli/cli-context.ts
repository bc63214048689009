import { Option, type Command } from 'commander';
import { LOG_LEVELS, LOG_LINE_FORMATS } from '@signal-connectors/connector-sdk';
import type { CliIo } from './cli-io.js';
import type { LoggingOptions } from './cli-logging.js';
import { DEFAULT_CONFIG_FILE } from '../service/runtime-paths.js';

/** What every command's action gets: the I/O, and where to put its exit code. */
export interface CliContext {
    io: CliIo;
    /** Records the command's exit code (commander's actions return nothing). */
    done: (exitCode: number) => void;
}

/** The options every command accepts, wherever they appear on the command line. */
export type GlobalOptions = LoggingOptions;

/** Adds `--log-level` and `--log-format` to a command. */
export function addLoggingOptions(command: Command): Command {
    return command
        .addOption(
            new Option('--log-level <level>', 'lowest level logged to stderr (default: LOG_LEVEL, else info)').choices(
                LOG_LEVELS
            )
        )
        .addOption(
            new Option(
                '--log-format <format>',
                'log line format: json, pretty (colour, for a terminal) or text (plain, for docker logs and files); ' +
                    'default: LOG_FORMAT, else the config file, else pretty on a terminal and JSON lines otherwise'
            ).choices(LOG_LINE_FORMATS)
        );
}

/** Adds `-c, --config <file>` with its default, `./signal-client.yaml`. */
export function addConfigOption(command: Command): Command {
    return command.option('-c, --config <file>', 'the signal-client config file', DEFAULT_CONFIG_FILE);
}
