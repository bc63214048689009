import assert from 'node:assert/strict';
import { isStreamStatus, type PollBatch, type PollItem } from '../connector.js';
import { createConfigValidator } from '../manifest/config-schema-validator.js';
import { validateManifest } from '../manifest/manifest-validator.js';
import { checkSdkCompatibility } from '../manifest/sdk-compatibility.js';
import { secretValues } from '../manifest/secret-fields.js';
import type { BadConfigCase, ConnectorContractOptions } from './connector-contract-options.js';
import { checkPollItems, DeadlineExceededError, within } from './contract-checks.js';
import { ContractHarness } from './contract-harness.js';

/**
 * The standard suite every plugin runs (mocha; call it at the top level of a spec file). It checks the manifest
 * (valid, compatible with this SDK), `validateConfig` (accepts the good config and lists its secrets, rejects
 * each bad one with problems at the expected paths, never throws), `testConnection` (ok with good credentials,
 * `auth` with a hint for bad ones, never throws), `poll` (well-formed batches and artifacts of declared streams,
 * JSON checkpoints, one status per stream after its batches and none failed, resuming from the checkpoints
 * committed up to the first batch with artifacts leaves no gap, stops promptly once aborted) and that no secret
 * appears in anything logged, thrown, reported or emitted.
 */
export function describeConnectorContract<Config = unknown>(options: ConnectorContractOptions<Config>): void {
    const h = new ContractHarness(options);
    const { pollTimeoutMs, abortWithinMs } = h;
    const goodConfig = (): Config => h.validConfig(options.goodConfig(), 'goodConfig');

    describe(`${options.name}: connector contract`, function () {
        before(async function () {
            this.timeout(pollTimeoutMs + 10_000);
            await h.load();
        });

        after(async function () {
            this.timeout(pollTimeoutMs + 10_000);
            await options.teardown?.();
        });

        it('has a valid manifest', () => {
            const result = validateManifest(h.manifest);
            assert.ok(result.ok, `manifest problems: ${result.ok ? '' : JSON.stringify(result.problems, null, 2)}`);
        });

        it('is built for a range that includes this SDK', () => {
            const result = checkSdkCompatibility(h.manifest.sdk);
            assert.ok(result.ok, result.ok ? '' : result.reason);
        });

        it('validateConfig accepts the good config and lists its secrets', () => {
            const raw = options.goodConfig();
            const result = h.validate(raw, 'goodConfig');
            assert.ok(result.ok, `goodConfig rejected: ${result.ok ? '' : JSON.stringify(result.problems)}`);
            assert.ok(
                Array.isArray(result.secrets) && result.secrets.every(s => typeof s === 'string'),
                'secrets must be strings'
            );
            for (const secret of secretValues(h.manifest.configSchema, raw)) {
                assert.ok(result.secrets.includes(secret), 'a writeOnly value of goodConfig is missing from secrets');
            }
            const schemaProblems = createConfigValidator(h.manifest.configSchema)(raw);
            assert.deepEqual(schemaProblems, [], "goodConfig must satisfy the manifest's configSchema");
        });

        it('validateConfig rejects what is not a config object, without throwing', () => {
            for (const raw of [undefined, null, 42, 'settings', []]) {
                const result = h.validate(raw, String(JSON.stringify(raw)));
                assert.ok(!result.ok && result.problems.length > 0, `${JSON.stringify(raw)} should be rejected`);
            }
        });

        for (const bad of options.badConfigs) {
            it(`validateConfig rejects a bad config (${bad.name}) at ${bad.expectedPaths.join(', ')}`, () => {
                checkBadConfig(h, bad);
            });
        }

        it('testConnection succeeds with good credentials', async function () {
            this.timeout(pollTimeoutMs + 5_000);
            const config = goodConfig();
            const report = await h.testConnection(config);
            h.keep('the good testConnection report', report);
            assert.equal(report.ok, true, `testConnection failed: ${report.message} (${report.hint ?? 'no hint'})`);
            assert.ok(typeof report.latencyMs === 'number' && report.latencyMs >= 0, 'latencyMs must be milliseconds');
            assert.ok(typeof report.message === 'string' && report.message !== '', 'message must say what was checked');
        });

        it('testConnection reports bad credentials as an auth failure with a hint', async function () {
            this.timeout(pollTimeoutMs + 5_000);
            const config = h.validConfig(options.badCredentials(), 'badCredentials');
            const report = await h.testConnection(config);
            h.keep('the bad-credentials testConnection report', report);
            assert.equal(report.ok, false, 'bad credentials were accepted');
            assert.equal(report.errorKind, 'auth');
            assert.ok(typeof report.hint === 'string' && report.hint !== '', 'a failed report needs a hint');
        });

        it('polls from no checkpoint: well-formed batches of declared streams, with JSON checkpoints', async function () {
            this.timeout(pollTimeoutMs + 5_000);
            const items = await h.fullPollOfGoodConfig();
            assert.ok(batchesOf(items).length > 0, 'the poll yielded no batch');
            const source = { connector: h.manifest.id, instance: h.instanceId };
            checkPollItems(items, source, h.streams);
        });

        it('ends every stream it runs with a status, none failed against a working server', async function () {
            this.timeout(pollTimeoutMs + 5_000);
            const items = await h.fullPollOfGoodConfig();
            const statuses = items.filter(isStreamStatus);
            const ran = new Set(batchesOf(items).map(batch => batch.stream));
            for (const stream of ran) {
                assert.ok(
                    statuses.some(status => status.stream === stream),
                    `stream '${stream}' yielded batches but no status: end it with { stream, status: 'complete' } (runStreams does)`
                );
            }
            const failed = statuses.flatMap(status =>
                status.status === 'failed' ? [`${status.stream}: ${status.error.kind}: ${status.error.message}`] : []
            );
            assert.deepEqual(failed, [], 'streams failed against the good config');
        });

        it('resumes from what it committed up to its first artifacts, without a gap', async function () {
            this.timeout(3 * pollTimeoutMs + 5_000);
            const full = batchesOf(await h.fullPollOfGoodConfig());
            if (options.expectSeveralBatches !== false) {
                assert.ok(
                    full.length > 1,
                    'goodConfig yields one batch: configure a small page size so it yields several'
                );
            }
            const config = goodConfig();
            // Stop right after the first batch that carries artifacts (a stream may start with an empty one).
            const iterator = h.connector.poll(config, {}, h.context())[Symbol.asyncIterator]();
            const delivered: PollBatch[] = [];
            while (delivered.at(-1) === undefined || delivered.at(-1)?.artifacts.length === 0) {
                const batch = await h.guarded('poll', () =>
                    within(firstBatch(iterator), pollTimeoutMs, 'the first batch with artifacts')
                );
                delivered.push(batch);
            }
            await h.guarded('poll', () =>
                within(Promise.resolve(iterator.return?.()), pollTimeoutMs, 'closing the poll')
            );
            // The host commits each stream's checkpoint and hands back what it reads as JSON: resume from that.
            const committed = Object.fromEntries(delivered.map(batch => [batch.stream, batch.checkpoint]));
            const checkpoints = JSON.parse(JSON.stringify(committed)) as Record<string, unknown>;
            const resumed = batchesOf(await h.pollAll(config, checkpoints, 'the resumed poll'));
            const seen = new Set([...delivered, ...resumed].flatMap(b => b.artifacts).map(a => a.id));
            const missing = full.flatMap(b => b.artifacts.map(a => a.id)).filter(id => !seen.has(id));
            assert.deepEqual(
                missing.slice(0, 10),
                [],
                `${missing.length} artifact(s) of a full poll were lost by resuming`
            );
        });

        it(`stops within ${abortWithinMs} ms when its signal aborts`, async function () {
            this.timeout(pollTimeoutMs + abortWithinMs + 5_000);
            const controller = new AbortController();
            const iterator = h.connector.poll(goodConfig(), {}, h.context(controller))[Symbol.asyncIterator]();
            await h.guarded('poll', () =>
                within(firstBatch(iterator), pollTimeoutMs, 'the first batch', () => controller.abort())
            );
            controller.abort();
            const deadline = performance.now() + abortWithinMs;
            try {
                for (;;) {
                    const next = await h.guarded('the aborted poll', () =>
                        within(iterator.next(), deadline - performance.now(), 'the aborted poll')
                    );
                    if (next.done === true) break;
                }
            } catch (error) {
                // Ending with an error is a fine way to stop; running on is not.
                if (error instanceof DeadlineExceededError) {
                    assert.fail(
                        `the poll ran on for over ${abortWithinMs} ms after its signal aborted: check ctx.signal`
                    );
                }
            }
        });

        it('never logs, throws, reports or emits a secret', () => {
            const leak = h.findLeak();
            assert.equal(leak, undefined, leak);
        });
    });
}

/** The batches among a poll's items. */
function batchesOf(items: readonly PollItem[]): PollBatch[] {
    return items.filter((item): item is PollBatch => !isStreamStatus(item));
}

/** Reads a poll up to its next batch (skipping the statuses of streams that delivered nothing). */
async function firstBatch(iterator: AsyncIterator<PollItem>): Promise<PollBatch> {
    for (;;) {
        const next = await iterator.next();
        assert.ok(!next.done, 'the poll ended without a batch that carries artifacts');
        if (!isStreamStatus(next.value)) return next.value;
    }
}

/** Asserts that a bad config is rejected, without throwing, with well-formed problems at the expected paths. */
function checkBadConfig<Config>(h: ContractHarness<Config>, bad: BadConfigCase): void {
    const raw = typeof bad.raw === 'function' ? (bad.raw as () => unknown)() : bad.raw;
    const result = h.validate(raw, `bad config '${bad.name}'`);
    assert.ok(!result.ok, 'the config was accepted');
    h.keep(`the problems of bad config '${bad.name}'`, result.problems);
    for (const problem of result.problems) {
        const wellFormed =
            typeof problem.path === 'string' && typeof problem.message === 'string' && problem.message !== '';
        assert.ok(wellFormed, `malformed problem ${JSON.stringify(problem)}`);
    }
    const paths = [...new Set(result.problems.map(p => p.path))].sort();
    const expected = [...new Set(bad.expectedPaths)].sort();
    if ((bad.match ?? 'exact') === 'exact') {
        assert.deepEqual(paths, expected, `problems at ${JSON.stringify(paths)}, expected ${JSON.stringify(expected)}`);
    } else {
        for (const path of expected)
            assert.ok(paths.includes(path), `no problem at '${path}' in ${JSON.stringify(paths)}`);
    }
}
