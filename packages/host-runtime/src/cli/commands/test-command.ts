import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ConnectionReport } from '@signal-connectors/connector-sdk';
import { EXIT_FAILURE, EXIT_OK } from '../cli-error.js';
import { addConfigOption, type CliContext, type GlobalOptions } from '../cli-context.js';
import type { CliIo } from '../cli-io.js';
import { applyConfigLogging, setUpLogging } from '../cli-logging.js';
import { counterLabel, formatElapsed } from '../output-format.js';
import { RuntimeSession } from '../../service/runtime-session.js';

/** Options of `signal-client test`. */
export interface TestOptions extends GlobalOptions {
    config: string;
    json?: boolean;
}

/** Adds `test INSTANCE [--config FILE] [--json]`. */
export function addTestCommand(program: Command, context: CliContext): void {
    addConfigOption(
        program
            .command('test')
            .summary("test an instance's connection and credentials")
            .argument('<instance>', 'id of the configured instance')
            .description(
                "check an instance's connection, credentials and permissions with one cheap, read-only call; " +
                    'exit 1 when it fails'
            )
            .option('--json', 'print the connection report as JSON')
    ).action(async (instance: string, _options: unknown, command: Command) =>
        context.done(await testCommand(context.io, instance, command.optsWithGlobals<TestOptions>()))
    );
}

/**
 * Runs the instance's `testConnection` and prints its report. The state database is not opened (a test must
 * work next to a running service), and the report is scrubbed of secrets by the host.
 */
export async function testCommand(io: CliIo, instanceId: string, options: TestOptions): Promise<number> {
    const logging = setUpLogging(io, options, 'warn');
    const session = await RuntimeSession.open({
        config: { path: resolve(io.cwd, options.config) },
        loggerFactory: logging.loggerFactory,
        onConfig: config => applyConfigLogging(logging, config.log),
        env: io.env,
        mode: 'transient'
    });
    try {
        const instance = session.instance(instanceId);
        const report = await session.host.testConnection(instance.id);
        io.stdout.write(
            options.json === true
                ? `${JSON.stringify({ instance: instance.id, connector: instance.connectorId, ...report }, null, 2)}\n`
                : formatConnectionReport(instance.id, instance.connectorId, report)
        );
        return report.ok ? EXIT_OK : EXIT_FAILURE;
    } finally {
        await session.close();
    }
}

/**
 * A connection report for a person: the verdict with kind and latency, the connector's message, the hint on
 * failure, and the details (rate limits, platform...) one per line.
 */
export function formatConnectionReport(instanceId: string, connectorId: string, report: ConnectionReport): string {
    const facts = [
        ...(report.ok ? [] : [report.errorKind ?? 'error']),
        ...(report.latencyMs === undefined ? [] : [formatElapsed(report.latencyMs)])
    ];
    const verdict = report.ok ? 'connection OK' : 'connection FAILED';
    const lines = [`${instanceId} (${connectorId}): ${verdict}${facts.length === 0 ? '' : ` (${facts.join(', ')})`}`];
    lines.push(`  ${report.message}`);
    if (report.hint !== undefined) lines.push(`  hint: ${report.hint}`);
    for (const [name, value] of Object.entries(report.details ?? {})) {
        if (value === undefined) continue;
        lines.push(`  ${counterLabel(name)}: ${formatDetail(value)}`);
    }
    return `${lines.join('\n')}\n`;
}

/** `limit 300, remaining 299, window sec 3600` for an object; the value itself otherwise. */
function formatDetail(value: unknown): string {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const parts = Object.entries(value)
            .filter(([, inner]) => inner !== undefined)
            .map(
                ([name, inner]) => `${counterLabel(name)} ${typeof inner === 'string' ? inner : JSON.stringify(inner)}`
            );
        return parts.length === 0 ? 'unknown' : parts.join(', ');
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
}
