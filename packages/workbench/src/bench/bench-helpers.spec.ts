import { expect } from 'chai';
import { parseBenchOptions } from './bench-options.js';
import { elapsedClock, formatMB, formatNumber, MB, median } from './bench-stats.js';
import { codeArea, type CpuProfile, summariseCpuProfile } from './cpu-profile-summary.js';
import type { ReplayResult } from './page-replay.js';
import type { PipelineResult } from './pipeline-run.js';
import { checkTargets, markdownTable } from './results-table.js';

function pipelineRun(mbPerSecond: number, rssMB: number): PipelineResult {
    return {
        truncationLimit: 1000,
        outcome: 'success',
        wallMs: 1000,
        hosts: 1,
        detections: 1,
        artifacts: 1,
        batches: 1,
        hldBytes: mbPerSecond * MB,
        responseBytes: {},
        outputBytes: 0,
        apiCalls: {},
        maxRssBytes: rssMB * MB,
        rssBeforePollBytes: 0,
        cpuMs: 0,
        peakHeapUsedBytes: 0,
        peakExternalBytes: 0,
        nodeVersion: 'v24'
    };
}

function replayRun(mode: ReplayResult['mode'], mbPerSecond: number): ReplayResult {
    return { mode, pages: 1, bytes: mbPerSecond * MB, ms: 1000, cpuMs: 1000, maxRssBytes: 0 };
}

describe('ingestion benchmark helpers', () => {
    it('takes medians of odd and even counts, without reordering the input', () => {
        const values = [5, 1, 3];
        expect(median(values)).to.equal(3);
        expect(values).to.deep.equal([5, 1, 3]);
        expect(median([4, 1, 3, 2])).to.equal(2.5);
        expect(median([])).to.be.NaN;
    });

    it('formats numbers, decimal megabytes and elapsed time', () => {
        expect(formatNumber(12345.678, 1)).to.equal('12,345.7');
        expect(formatNumber(Infinity)).to.equal('n/a');
        expect(formatMB(1_500_000)).to.equal('1.5 MB');
        expect(elapsedClock(0, 125_000)).to.equal('2:05');
    });

    it('checks each target against the medians of the runs', () => {
        const configs = [
            {
                truncationLimit: 1000,
                pipeline: [pipelineRun(60, 140), pipelineRun(10, 400), pipelineRun(50, 120)],
                tokenize: [replayRun('tokenize', 100)]
            }
        ];
        const checks = checkTargets(configs, [replayRun('xml2js', 10)]);
        expect(checks.map(check => [check.value, check.met])).to.deep.equal([
            ['50%', true],
            ['5.00x', true],
            ['140 MB', true]
        ]);
        const slow = checkTargets([{ ...configs[0], pipeline: [pipelineRun(20, 151)] }], [replayRun('xml2js', 10)]);
        expect(slow.map(check => check.met)).to.deep.equal([false, false, false]);
    });

    it('renders a markdown table', () => {
        expect(markdownTable(['a', 'b'], [['1', '2']])).to.equal('| a | b |\n| --- | --- |\n| 1 | 2 |');
    });

    it('reads options from flags, then the environment, then defaults', () => {
        expect(parseBenchOptions([], {})).to.include({ hosts: 20_000, detections: 25, runs: 3, quick: false });
        expect(parseBenchOptions(['--quick'], {})).to.include({ hosts: 2000, resultsFile: undefined });
        expect(parseBenchOptions(['--hosts', '500'], { BENCH_HOSTS: '900', BENCH_RUNS: '5' })).to.include({
            hosts: 500,
            runs: 5
        });
        expect(parseBenchOptions(['--truncation', '100,100,50'], {})?.truncationLimits).to.deep.equal([100, 50]);
        expect(parseBenchOptions(['--help'], {})).to.equal(undefined);
        expect(() => parseBenchOptions(['--runs', '0'], {})).to.throw('--runs must be an integer >= 1');
    });

    it('sums self time per function and area from a CPU profile, idle apart', () => {
        const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
        const profile: CpuProfile = {
            nodes: [
                { id: 1, callFrame: frame('(idle)', '') },
                { id: 2, callFrame: frame('write', 'file:///repo/node_modules/saxes/saxes.js') },
                { id: 3, callFrame: frame('mapDetection', 'file:///repo/packages/qualys-plugin/dist/ocsf/m.js') }
            ],
            samples: [2, 2, 3, 1, 2],
            timeDeltas: [0, 1000, 1000, 3000, 3000]
        };
        const summary = summariseCpuProfile(profile, 10, '/repo');
        expect(summary).to.include({ totalMs: 8, idleMs: 3, busyMs: 5 });
        expect(summary.functions[0]).to.include({
            name: 'mapDetection',
            location: 'packages/qualys-plugin/dist/ocsf/m.js:10'
        });
        expect(summary.functions[0].share).to.be.closeTo(0.6, 1e-9);
        expect(summary.areas.map(area => area.name)).to.deep.equal(['qualys-plugin/ocsf', 'npm: saxes']);
        expect(codeArea('node:internal/streams/readable', 'read')).to.equal('Node.js internals (streams, fs, http)');
        expect(codeArea('', '(garbage collector)')).to.equal('V8: garbage collection');
    });
});
