import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GotHttpClientFactory, SystemClock } from '@signal-connectors/connector-sdk';
import { createTestContext, RecordingMetrics } from '@signal-connectors/connector-sdk/testing';
import {
    QualysConnector,
    type QualysConfig,
    SubscriptionLimiterRegistry,
    validateQualysConfig
} from '@signal-connectors/qualys-plugin';
import { JsonlSink, PollRunner, SqliteStateStore } from '@signal-connectors/host-runtime';
import { ByteCountingHttpFactory } from './byte-counting-http.js';
import { MemoryPeaks } from './memory-peaks.js';

/** Where the sandbox listens and how to log in. */
export interface SandboxEndpoint {
    url: string;
    username: string;
    password: string;
}

/** One end-to-end measurement. */
export interface PipelineTask {
    sandbox: SandboxEndpoint;
    truncationLimit: number;
    /** Empty directory for the state database and the sink's files. */
    workDir: string;
    /** Stops the poll (at a batch boundary) after this long: used for profiles, which need no full run. */
    stopAfterMs?: number;
}

/** What one end-to-end poll did and cost. */
export interface PipelineResult {
    truncationLimit: number;
    /** The poll runner's result: `success` for a measured run. */
    outcome: string;
    error?: string;
    wallMs: number;
    hosts: number;
    detections: number;
    artifacts: number;
    batches: number;
    /** Host detection response bytes the connector read. */
    hldBytes: number;
    /** Response bytes of every endpoint, by endpoint. */
    responseBytes: Record<string, number>;
    /** Bytes of JSONL the sink wrote. */
    outputBytes: number;
    apiCalls: Record<string, number>;
    /** `process.resourceUsage().maxRSS`, in bytes. */
    maxRssBytes: number;
    /** maxRSS just before the poll (modules loaded, state opened): the part no batch size changes. */
    rssBeforePollBytes: number;
    /** CPU time (user + system) of the pipeline process during the poll. */
    cpuMs: number;
    /** Peaks of `process.memoryUsage()` sampled during the poll, in bytes. */
    peakHeapUsedBytes: number;
    peakExternalBytes: number;
    nodeVersion: string;
}

const CONNECTOR_ID = 'signal-client.qualys';
const INSTANCE_ID = 'bench';

/** The connector configuration every benchmark run uses: defaults (KB enrichment and scans on) but the page size. */
export function benchConnectorConfig(sandbox: SandboxEndpoint, truncationLimit: number): QualysConfig {
    const validation = validateQualysConfig({
        host: sandbox.url,
        username: sandbox.username,
        password: sandbox.password,
        truncationLimit
    });
    if (!validation.ok) throw new Error(`invalid connector config: ${JSON.stringify(validation.problems)}`);
    return validation.config;
}

/**
 * One poll driven the way the runtime drives it: the real `PollRunner` with the real `SqliteStateStore` and
 * `JsonlSink` (fsync per batch), so every batch goes connector.poll -> sink.write -> state.commitCheckpoint.
 * The context is the SDK testing kit's, with the runtime's real HTTP client factory and the state's key-value
 * namespaces (the KnowledgeBase cache lives there).
 */
export async function runPipeline(task: PipelineTask, progress: (text: string) => void): Promise<PipelineResult> {
    const clock = new SystemClock();
    const state = new SqliteStateStore({ dataDir: join(task.workDir, 'state') });
    const sink = new JsonlSink({ path: join(task.workDir, 'sink') });
    try {
        const connector = new QualysConnector(new SubscriptionLimiterRegistry(clock));
        const settings = benchConnectorConfig(task.sandbox, task.truncationLimit);
        const http = new ByteCountingHttpFactory(new GotHttpClientFactory({ clock }));
        const metrics = new RecordingMetrics();
        const context = createTestContext({
            connectorId: CONNECTOR_ID,
            instanceId: INSTANCE_ID,
            clock,
            http,
            metrics,
            store: state.keyValueStore(`instance:${INSTANCE_ID}`),
            pluginStore: state.keyValueStore(`plugin:${CONNECTOR_ID}`)
        });
        const runner = new PollRunner({ state, sink, clock });
        const signal = task.stopAfterMs === undefined ? undefined : AbortSignal.timeout(task.stopAfterMs);
        let counters: Readonly<Record<string, number>> = {};
        let lastReport = performance.now();
        const rssBeforePollBytes = process.resourceUsage().maxRSS * 1024;
        const memory = new MemoryPeaks();
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        const outcome = await runner.run(
            { id: INSTANCE_ID, connectorId: CONNECTOR_ID, connector, settings, context },
            {
                signal,
                onEvent: event => {
                    if (event.type !== 'batch') return;
                    counters = event.progress ?? counters;
                    if (performance.now() - lastReport < 10_000) return;
                    lastReport = performance.now();
                    progress(`${counters.hosts ?? 0} hosts, ${counters.detections ?? 0} detections`);
                }
            }
        );
        const wallMs = performance.now() - started;
        const cpu = process.cpuUsage(cpuBefore);
        memory.stop();
        const apiCalls: Record<string, number> = {};
        for (const record of metrics.records) {
            if (record.name !== 'api_calls_total') continue;
            const endpoint = record.labels.endpoint ?? 'unknown';
            apiCalls[endpoint] = (apiCalls[endpoint] ?? 0) + record.value;
        }
        return {
            truncationLimit: task.truncationLimit,
            outcome: outcome.result,
            ...(outcome.error === undefined ? {} : { error: `${outcome.error.kind}: ${outcome.error.message}` }),
            wallMs,
            hosts: counters.hosts ?? 0,
            detections: counters.detections ?? 0,
            artifacts: outcome.artifacts,
            batches: outcome.batches,
            hldBytes: http.total('host_detection'),
            responseBytes: Object.fromEntries(http.bytes),
            outputBytes: await directorySize(join(task.workDir, 'sink')),
            apiCalls,
            maxRssBytes: process.resourceUsage().maxRSS * 1024,
            rssBeforePollBytes,
            cpuMs: (cpu.user + cpu.system) / 1000,
            peakHeapUsedBytes: memory.peak.heapUsed,
            peakExternalBytes: memory.peak.external,
            nodeVersion: process.version
        };
    } finally {
        await sink.close();
        state.close();
    }
}

/** Total size of the files under `dir`. */
async function directorySize(dir: string): Promise<number> {
    let total = 0;
    for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
        if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
    }
    return total;
}
