#!/usr/bin/env node
/**
 * `npm run bench:scale`: memory against tenant size (`signal-client poll` on a small and a large tenant) and the
 * service at scale (one `signal-client run` over many instances and subscriptions). See {@link SCALE_USAGE}.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { elapsedClock, formatMB, formatNumber } from './bench-stats.js';
import { describeCode, describeMachine } from './machine-info.js';
import { runPoll, type PollRun } from './poll-run.js';
import { parseScaleOptions, SCALE_USAGE, type ScaleOptions } from './scale-options.js';
import { renderScaleReport, serviceFigures, type ScaleReport } from './scale-report.js';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process.js';
import { runService } from './service-run.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const POLL_TIMEOUT_MS = 60 * 60_000;
const PROGRESS_EVERY_MS = 15_000;

async function tenantPoll(
    options: ScaleOptions,
    hosts: number,
    truncationLimit: number,
    workDir: string
): Promise<PollRun> {
    const tenant = options.tenant!;
    const sandbox = await startSandboxProcess({
        hosts,
        detectionsPerHost: tenant.detectionsPerHost,
        resultsSize: options.resultsSize,
        seed: options.seed
    });
    try {
        console.error(
            `tenant: signal-client poll of ${formatNumber(hosts)} hosts × ${tenant.detectionsPerHost} detections, ` +
                `truncationLimit ${formatNumber(truncationLimit)}`
        );
        const run = await runPoll(sandbox, truncationLimit, workDir, POLL_TIMEOUT_MS);
        console.error(
            `tenant: ${formatNumber(run.detections)} detections in ${formatNumber(run.wallMs / 1000, 1)} s, ` +
                `peak RSS ${formatMB(run.maxRssBytes, 0)}`
        );
        return run;
    } finally {
        sandbox.stop();
        // The JSONL output is gigabytes at the large size; it is not needed once counted.
        if (!options.keepTemp) await rm(workDir, { recursive: true, force: true });
    }
}

async function serviceScenario(options: ScaleOptions, workDir: string): Promise<ScaleReport['service']> {
    const service = options.service!;
    const sandboxes: SandboxProcess[] = [];
    try {
        for (let s = 0; s < service.subscriptions; s++) {
            sandboxes.push(
                await startSandboxProcess({
                    hosts: service.hostsPerSubscription,
                    detectionsPerHost: service.detectionsPerHost,
                    resultsSize: options.resultsSize,
                    // Each subscription a tenant of its own.
                    seed: options.seed + s
                })
            );
        }
        const instances = service.subscriptions * service.instancesPerSubscription;
        console.error(`service: signal-client run with ${instances} instances over ${service.subscriptions} sandboxes`);
        let lastShown = 0;
        const run = await runService(sandboxes, service, workDir, (progress, elapsed) => {
            if (elapsed - lastShown < PROGRESS_EVERY_MS) return;
            lastShown = elapsed;
            const polled = progress.all().filter(entry => entry.progress.firstSuccessAt !== undefined).length;
            const started = progress.all().filter(entry => entry.progress.firstStartedAt !== undefined).length;
            console.error(
                `service ${elapsedClock(0, elapsed)}: ${polled} of ${instances} instances polled, ${started} started`
            );
        });
        const figures = serviceFigures(run);
        console.error(
            `service: ${figures.polled} of ${instances} polled, stopped after ${formatNumber(run.ranMs / 1000, 1)} s, ` +
                `peak RSS ${formatMB(run.peakRssBytes, 0)}`
        );
        return figures;
    } finally {
        for (const sandbox of sandboxes) sandbox.stop();
    }
}

async function main(): Promise<number> {
    let options: ScaleOptions | undefined;
    try {
        options = parseScaleOptions(process.argv.slice(2), join(REPO_ROOT, 'bench', 'SCALE.md'));
    } catch (error) {
        console.error(`${(error as Error).message}\n\n${SCALE_USAGE}`);
        return 2;
    }
    if (options === undefined) {
        console.log(SCALE_USAGE);
        return 0;
    }
    const started = Date.now();
    const machine = describeMachine();
    const code = describeCode(REPO_ROOT);
    const temp = await mkdtemp(join(tmpdir(), 'scale-bench-'));
    const report: ScaleReport = {
        date: new Date(started),
        durationMs: 0,
        options,
        machine,
        loadAtEnd: NaN,
        ...(code === undefined ? {} : { code })
    };
    try {
        if (options.tenant !== undefined) {
            const { smallHosts, largeHosts, truncationLimits } = options.tenant;
            report.tenant = [];
            for (const truncationLimit of truncationLimits) {
                const small = await tenantPoll(options, smallHosts, truncationLimit, join(temp, 'small'));
                const large = await tenantPoll(options, largeHosts, truncationLimit, join(temp, 'large'));
                report.tenant.push({ truncationLimit, small, large });
            }
        }
        if (options.service !== undefined) report.service = await serviceScenario(options, join(temp, 'service'));
    } finally {
        if (options.keepTemp) console.error(`kept ${temp}`);
        else await rm(temp, { recursive: true, force: true });
    }
    report.durationMs = Date.now() - started;
    report.loadAtEnd = loadavg()[0];
    const markdown = renderScaleReport(report);
    console.log(`\n${markdown}`);
    if (options.resultsFile !== undefined) {
        const path = resolve(options.resultsFile);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, markdown);
        console.error(`wrote ${path}`);
    }
    return 0;
}

// Exits explicitly: a sandbox's pipes could otherwise keep the event loop alive.
main().then(
    code => process.exit(code),
    (error: unknown) => {
        console.error(`bench:scale failed: ${(error as Error).message}`);
        process.exit(1);
    }
);
