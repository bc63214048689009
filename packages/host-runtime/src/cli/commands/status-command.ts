import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatCount } from '@signal-connectors/connector-sdk';
import { CliError, EXIT_OK } from '../cli-error.js';
import { addConfigOption, type CliContext, type GlobalOptions } from '../cli-context.js';
import type { CliIo } from '../cli-io.js';
import { setUpLogging } from '../cli-logging.js';
import { readInstanceStatus, type InstanceStatusRow, type StatusSnapshot } from '../instance-status-source.js';
import { formatWhen } from '../output-format.js';
import { loadConfigOrFail } from '../../service/runtime-session.js';
import { streamLines } from '../stream-status-lines.js';

/** Options of `signal-client status`. */
export interface StatusOptions extends GlobalOptions {
    config: string;
    json?: boolean;
}

/** Adds `status [INSTANCE] [--config FILE] [--json]`. */
export function addStatusCommand(program: Command, context: CliContext): void {
    addConfigOption(
        program
            .command('status')
            .summary('show the last run, last error and next run of each instance, and the status of its streams')
            .argument('[instance]', 'only this instance')
            .description(
                'show each instance: enabled, last run (time, result, artifacts), last error, next run, consecutive ' +
                    "failures; then each of its streams: last status, artifacts of the last run, its checkpoint's " +
                    'age and its last error. Works while the service runs (it then asks its admin API).'
            )
            .option('--json', 'print the status as JSON')
    ).action(async (instance: string | undefined, _options: unknown, command: Command) =>
        context.done(await statusCommand(context.io, instance, command.optsWithGlobals<StatusOptions>()))
    );
}

/** Prints the status of the configured instances (or of one). */
export async function statusCommand(
    io: CliIo,
    instanceId: string | undefined,
    options: StatusOptions
): Promise<number> {
    const logging = setUpLogging(io, options, 'warn');
    const config = await loadConfigOrFail(resolve(io.cwd, options.config), io.env);
    for (const secret of config.secrets) logging.loggerFactory.registerSecret(secret);
    if (instanceId !== undefined && !config.instances.some(instance => instance.id === instanceId)) {
        const known = config.instances.map(instance => instance.id);
        throw new CliError(`unknown instance '${instanceId}'`, {
            details: [
                known.length === 0 ? 'the config configures no instances' : `known instances: ${known.join(', ')}`
            ]
        });
    }
    const snapshot = await readInstanceStatus(config, logging.loggerFactory.create({ component: 'cli' }));
    const rows = snapshot.rows.filter(row => instanceId === undefined || row.id === instanceId);
    // Recorded errors were scrubbed when recorded; scrubbing again costs nothing and guards older records.
    const redact = (text: string): string => logging.loggerFactory.redact(text);
    if (options.json === true) {
        io.stdout.write(
            `${redact(JSON.stringify({ source: snapshot.source, from: snapshot.from, instances: rows }, null, 2))}\n`
        );
    } else {
        io.stdout.write(redact(formatStatus({ ...snapshot, rows }, Date.now())));
    }
    return EXIT_OK;
}

/** A table of the instances, then the last error of each instance that has one, then the streams of each. */
export function formatStatus(snapshot: StatusSnapshot, now: number): string {
    const source =
        snapshot.source === 'service'
            ? `live, from the running service at ${snapshot.from}`
            : snapshot.source === 'state'
              ? `from ${snapshot.from}`
              : `no poll recorded yet (${snapshot.from} does not exist)`;
    const lines = [`Status ${source}`, ''];
    const header = ['INSTANCE', 'CONNECTOR', 'ENABLED', 'LAST RUN', 'RESULT', 'ARTIFACTS', 'NEXT RUN', 'FAILURES'];
    const cells = snapshot.rows.map(row => [
        row.id,
        row.connector,
        row.enabled ? 'yes' : 'no',
        row.lastRun === undefined ? 'never' : formatWhen(row.lastRun.finishedAt ?? row.lastRun.startedAt, now),
        row.running === true ? 'running' : (row.lastRun?.result ?? (row.lastRun === undefined ? '-' : 'unfinished')),
        row.lastRun === undefined ? '-' : formatCount(row.lastRun.artifacts),
        row.nextRunAt === undefined ? '-' : formatWhen(row.nextRunAt, now),
        String(row.consecutiveFailures)
    ]);
    const widths = header.map((title, i) => Math.max(title.length, ...cells.map(cell => cell[i].length)));
    for (const cell of [header, ...cells])
        lines.push(
            cell
                .map((text, i) => text.padEnd(widths[i]))
                .join('  ')
                .trimEnd()
        );
    for (const row of snapshot.rows) lines.push(...errorLines(row, now));
    for (const row of snapshot.rows) lines.push(...streamLines(row.id, row.streams, now));
    return `${lines.join('\n')}\n`;
}

function errorLines(row: InstanceStatusRow, now: number): string[] {
    const lines: string[] = [];
    if (row.lastError !== undefined) {
        const at = row.lastError.at === undefined ? '' : ` at ${formatWhen(row.lastError.at, now)}`;
        lines.push('', `${row.id}: last error${at}: ${row.lastError.kind}: ${row.lastError.message}`);
        if (row.lastError.hint !== undefined) lines.push(`  hint: ${row.lastError.hint}`);
    }
    if (row.failedReason?.kind === 'protocol') {
        lines.push(
            `  ${row.id} is marked failed (protocol): its polls kept getting bad or truncated responses, so it is ` +
                'no longer retried quickly; it is tried again on its normal schedule'
        );
    } else if (row.failedReason !== undefined) {
        lines.push(
            `  ${row.id} is marked failed (${row.failedReason.kind}): retrying will not help until its config or ` +
                'account is fixed; it is tried again on its normal schedule'
        );
    }
    return lines;
}
