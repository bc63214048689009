import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseBenchOptions } from './bench-options.js';
import { cpuBound, paceBound, renderReport } from './bench-report.js';
import { DEFAULT_SETTINGS, PEER_DETAIL } from './poll-variants.js';
import { checkTargets, scenarioFigures, type ScenarioRuns } from './scenario-figures.js';
import { elapsedClock, formatMB, formatNumber, MB, median } from './bench-stats.js';
import { measureProcess } from './measured-process.js';
import { type PeerRun, parsePeerOutput, peerProblem } from './peer-run.js';
import type { PollRun } from './poll-run.js';

function poll(seconds: number, rssMB: number): PollRun {
    return {
        code: 0,
        wallMs: seconds * 1000,
        cpuMs: seconds * 1000,
        maxRssBytes: rssMB * MB,
        stdout: '',
        stderr: '',
        truncationLimit: 1000,
        hosts: 100,
        detections: 10_000,
        artifacts: 10_010,
        outputBytes: 30_000_000,
        apiCalls: { host_detection: 3 },
        throttled: 0
    };
}

function peer(seconds: number): PeerRun {
    return {
        code: 0,
        wallMs: seconds * 1000,
        cpuMs: seconds * 900,
        maxRssBytes: 25 * MB,
        stdout: '',
        stderr: '',
        truncationLimit: 1000,
        detections: 10_000,
        hosts: 100,
        pages: 1,
        selfReportedPerSecond: 0
    };
}

describe('ingestion benchmark helpers', () => {
    it('reads options from flags, then BENCH_* variables, then defaults', () => {
        const options = parseBenchOptions(['--truncation', '500, 500,2000', '--runs', '5'], { BENCH_HOSTS: '300' });
        expect(options).to.include({ hosts: 300, detections: 25, runs: 5, quick: false });
        expect(options?.truncationLimits).to.deep.equal([500, 2000]);
        expect(options?.slow).to.deep.equal({
            hosts: 10_000,
            detections: 10,
            bytesPerSec: 4_000_000,
            concurrencyLimit: 2,
            truncationLimit: 1000
        });
        expect(parseBenchOptions(['--quick'])).to.include({ hosts: 2000, runs: 1, resultsFile: undefined });
        expect(parseBenchOptions(['--slow-hosts', '0'])?.slow).to.equal(undefined);
        expect(parseBenchOptions(['--help'])).to.equal(undefined);
        expect(() => parseBenchOptions(['--hosts', '0'])).to.throw(/--hosts must be an integer >= 1/);
    });

    it('computes medians and formats figures', () => {
        expect(median([3, 1, 2])).to.equal(2);
        expect(median([4, 1, 3, 2])).to.equal(2.5);
        expect(formatNumber(12_345.678, 1)).to.equal('12,345.7');
        expect(formatMB(1_500_000)).to.equal('1.5 MB');
        expect(elapsedClock(0, 125_000)).to.equal('2:05');
    });

    it('reduces rounds to medians, with the ratio to the peer per round', () => {
        const runs: ScenarioRuns = {
            truncationLimit: 1000,
            variant: DEFAULT_SETTINGS,
            polls: [poll(2, 140), poll(4, 160), poll(5, 150)],
            peers: [peer(4), peer(4), peer(5)],
            refusals: [0, 0, 0],
            peakHostDetectionCalls: [2, 2, 1],
            hostDetectionBytes: [8e6, 8e6, 8e6],
            peerHostDetectionBytes: [4e6, 4e6, 4e6]
        };
        const figures = scenarioFigures(runs);
        expect(figures.perSecond).to.equal(2500);
        expect(figures.ratio).to.equal(1);
        expect(figures.ratioRange).to.deep.equal([1, 2]);
        expect(figures.maxRssBytes).to.equal(150 * MB);
        expect(figures.cpuSecondsPerMillion).to.equal(400);
        expect(figures.bytesPerFinding).to.equal(3000);
        expect(figures.peakHostDetectionCalls).to.equal(2);
        const checks = checkTargets([figures], []);
        expect(checks.map(check => check.met)).to.deep.equal([false, true]);
        const report = renderReport({
            date: new Date('2026-01-01T00:00:00Z'),
            durationMs: 60_000,
            options: parseBenchOptions(['--slow-hosts', '0'])!,
            machine: { cpuModel: 'cpu', cpuCount: 2, memoryBytes: 4e9, os: 'os', node: 'v24', loadAverage: 1.5 },
            loadAtEnd: 2,
            fast: [runs],
            slow: []
        });
        expect(report).to.contain('**1.00x** (1.00x–2.00x)');
        expect(report).to.contain('1 of 2 target checks met.');
        expect(report).to.contain('| host detection calls at once, at most | 2 |');
        expect(report).to.contain('| host detection answer bytes per detection, our poll / peer | 800 / 400 |');
        // 8 MB at 2 x 4 MB/s takes 1 s at least; the peer took 4 s: the pace allows 4x, no more.
        expect(paceBound(figures, 4e6, 2).join(' ')).to.match(/takes at least 1\.0 s .* at most \*\*4\.00x\*\*/);
        // 400 CPU seconds per million over 2 CPUs is 200 s at best; the peer took 400 s per million: 2x, no more.
        expect(cpuBound(figures, 2).join(' ')).to.match(
            /at least 200\.0 s .* peer took 400\.0 s\. .* at most \*\*2\.00x\*\*/
        );
        expect(cpuBound(figures, 2).join(' ')).to.contain('1.5x needs at most 533.3 CPU seconds per million');
        expect(report).to.contain('The CPU allows our poll at most **2.00x**');
        expect(cpuBound({ ...figures, peerPerSecond: NaN }, 2)).to.deep.equal([]);
    });

    it('reports each variant of our poll on the slow server against the same peer runs', () => {
        const slowRuns = (variant: ScenarioRuns['variant'], seconds: number, bytes: number): ScenarioRuns => ({
            truncationLimit: 1000,
            variant,
            polls: [poll(seconds, 140)],
            peers: [peer(4)],
            refusals: [0],
            peakHostDetectionCalls: [2],
            hostDetectionBytes: [bytes],
            peerHostDetectionBytes: [4e6]
        });
        const slow = [slowRuns(DEFAULT_SETTINGS, 4, 8e6), slowRuns(PEER_DETAIL, 2, 4e6)];
        const checks = checkTargets([], slow.map(scenarioFigures));
        expect(checks.map(check => [check.what, check.measured, check.met])).to.deep.equal([
            ['slow server, default settings: full sync against the sequential peer', '1.00x', false],
            ['slow server, default settings: concurrency refusals (409 1960) caused by the poll', '0', true],
            ["slow server, the peer's detail: full sync against the sequential peer", '2.00x', true],
            ["slow server, the peer's detail: concurrency refusals (409 1960) caused by the poll", '0', true]
        ]);
        const report = renderReport({
            date: new Date('2026-01-01T00:00:00Z'),
            durationMs: 60_000,
            options: parseBenchOptions([])!,
            machine: { cpuModel: 'cpu', cpuCount: 2, memoryBytes: 4e9, os: 'os', node: 'v24', loadAverage: 1.5 },
            loadAtEnd: 2,
            fast: [],
            slow
        });
        expect(report).to.contain(
            "|  | truncationLimit 1,000, default settings | truncationLimit 1,000, the peer's detail |"
        );
        expect(report).to.contain('`qds: false, cloudMetadata: false, apiVersion: { hostDetection: "2.0" }`');
        // The peer's detail: 4 MB at 2 x 4 MB/s takes 0.5 s at least against the peer's 4 s.
        expect(report).to.match(/With the peer's detail: .* takes at least 0\.5 s .* at most \*\*8\.00x\*\*/);
        expect(report).to.contain('3 of 4 target checks met.');
    });

    it("reads the peer's JSON line and says when its script is absent", () => {
        const line = '{"detections": 120, "hosts": 10, "pages": 1, "seconds": 1.5, "detections_per_s": 80.0}';
        expect(parsePeerOutput(`retrying after x\n${line}\n`)).to.deep.equal({
            detections: 120,
            hosts: 10,
            pages: 1,
            perSecond: 80
        });
        expect(peerProblem('/nonexistent/py_iterparse_baseline.py')).to.match(/peer script is absent/);
    });

    it("measures a real child's CPU time and peak RSS from the kernel's accounting", async () => {
        const dir = mkdtempSync(join(tmpdir(), 'measure-'));
        try {
            // 64 MB held and touched, and some CPU spent: both must show in the child's own figures.
            const script =
                'const b = Buffer.alloc(64 * 1024 * 1024, 1); let x = 0; ' +
                'for (let i = 0; i < 3e7; i++) x += i % 7; console.log(b.length + x);';
            const measured = await measureProcess(process.execPath, ['-e', script], { cwd: dir, timeoutMs: 60_000 });
            expect(measured.code).to.equal(0);
            expect(measured.maxRssBytes).to.be.greaterThan(64 * MB);
            expect(measured.cpuMs).to.be.greaterThan(0);
            expect(measured.stdout.trim()).to.match(/^\d+$/);
            const failed = await measureProcess(process.execPath, ['-e', 'process.exit(3)'], {
                cwd: dir,
                timeoutMs: 60_000
            });
            expect(failed.code).to.equal(3);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
