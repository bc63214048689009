import { expect } from 'chai';
import { MB } from './bench-stats.js';
import type { PollRun } from './poll-run.js';
import { parseScaleOptions } from './scale-options.js';
import { renderScaleReport, serviceChecks, serviceFigures, tenantChecks, type ScaleReport } from './scale-report.js';
import { ServiceProgress } from './service-progress.js';
import { serviceConfig, serviceInstanceIds, type ServiceRun } from './service-run.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A JSON log line of the service, as `LOG_FORMAT=json` writes it. */
function line(secondsAfterStart: number, instance: string, message: string, extra: object = {}): string {
    return JSON.stringify({
        time: new Date(T0 + secondsAfterStart * 1000).toISOString(),
        level: 'info',
        message,
        instance,
        ...extra
    });
}

function poll(hosts: number, rssMB: number, truncationLimit = 1000): PollRun {
    return {
        code: 0,
        wallMs: 10_000,
        cpuMs: 9000,
        maxRssBytes: rssMB * MB,
        stdout: '',
        stderr: '',
        truncationLimit,
        hosts,
        detections: hosts * 5,
        artifacts: hosts * 5,
        outputBytes: 0,
        apiCalls: { host_detection: hosts / 1000 },
        throttled: 0
    };
}

describe('scale benchmark helpers', () => {
    it('reads its options, with defaults, one scenario at a time, and names a bad option', () => {
        const options = parseScaleOptions([], '/repo/bench/SCALE.md')!;
        expect(options.tenant).to.deep.equal({
            smallHosts: 10_000,
            largeHosts: 100_000,
            detectionsPerHost: 5,
            truncationLimits: [1000, 10_000]
        });
        expect(parseScaleOptions(['--truncation', '500, 2000'])?.tenant?.truncationLimits).to.deep.equal([500, 2000]);
        expect(() => parseScaleOptions(['--truncation', '1000,'])).to.throw(/--truncation must be integers separated/);
        expect(() => parseScaleOptions(['--truncation', '0'])).to.throw(/--truncation must be an integer >= 1/);
        expect(options.service).to.deep.include({
            subscriptions: 5,
            instancesPerSubscription: 10,
            hostsPerSubscription: 720,
            detectionsPerHost: 25,
            pollingInterval: '2m',
            pollingIntervalMs: 120_000,
            deadlineMs: 300_000,
            maxConcurrentPolls: undefined
        });
        expect(options.resultsFile).to.equal('/repo/bench/SCALE.md');
        const service = parseScaleOptions([
            '--only',
            'service',
            '--deadline',
            '90s',
            '--max-concurrent-polls',
            '4',
            '--results',
            '-'
        ])!;
        expect(service.tenant).to.equal(undefined);
        expect(service.service).to.include({ deadlineMs: 90_000, maxConcurrentPolls: 4 });
        expect(service.resultsFile).to.equal(undefined);
        expect(parseScaleOptions(['--only', 'tenant'])?.service).to.equal(undefined);
        expect(parseScaleOptions(['-h'])).to.equal(undefined);
        expect(() => parseScaleOptions(['--only', 'both'])).to.throw(/--only must be "tenant" or "service"/);
        expect(() => parseScaleOptions(['--max-concurrent-polls', '65'])).to.throw(/from 1 to 64/);
        expect(() => parseScaleOptions(['--interval', 'soon'])).to.throw(/--interval must be a duration/);
        expect(() => parseScaleOptions(['--large-hosts', '1.5'])).to.throw(/--large-hosts must be an integer >= 1/);
    });

    it('writes a service config with an instance per subscription slot and no password in it', () => {
        expect(serviceInstanceIds(2, 2)).to.deep.equal(['sub1-1', 'sub1-2', 'sub2-1', 'sub2-2']);
        const sandboxes = [
            { url: 'http://127.0.0.1:1001', username: 'u1', password: 'secret-1' },
            { url: 'http://127.0.0.1:1002', username: 'u2', password: 'secret-2' }
        ];
        const options = parseScaleOptions(['--instances', '2', '--max-concurrent-polls', '3'])!.service!;
        const config = serviceConfig(sandboxes, options);
        expect(config).to.contain('maxConcurrentPolls: 3');
        expect(config.match(/connector: signal-client\.qualys/g)).to.have.length(4);
        expect(config).to.contain('  - id: sub2-2\n    connector: signal-client.qualys\n    pollingInterval: 2m');
        expect(config).to.contain(
            'host: http://127.0.0.1:1002\n      username: u2\n      password: ${env:BENCH_SUB2_PASSWORD}'
        );
        expect(config).not.to.contain('secret-');
        expect(serviceConfig(sandboxes, parseScaleOptions([])!.service!)).not.to.contain('maxConcurrentPolls');
    });

    it("follows each instance's first successful poll and its detections through the log lines", () => {
        const progress = new ServiceProgress(['a', 'b', 'c']);
        progress.take('signal-client: starting');
        progress.take(line(1, 'a', 'Poll started'));
        progress.take(line(2, 'a', 'qualys: fetched host detections', { detections: 100 }));
        progress.take(line(3, 'a', 'Poll succeeded: 120 artifacts in 2 batches, 2s'));
        progress.take(line(4, 'b', 'Poll started'));
        progress.take(line(5, 'b', 'Poll failed (transient): socket hang up'));
        progress.take(line(6, 'b', 'Poll started'));
        progress.take(line(7, 'b', 'qualys: fetched host detections', { detections: 40 }));
        progress.take(line(8, 'b', 'Poll succeeded: 50 artifacts in 1 batches, 2s'));
        progress.take(line(9, 'a', 'Poll started'));
        progress.take(line(10, 'a', 'qualys: fetched host detections', { detections: 7 }));
        progress.take(line(11, 'a', 'Poll succeeded: 8 artifacts in 1 batches, 2s'));
        progress.take(line(12, 'other', 'Poll succeeded: 1 artifacts'));
        expect(progress.of('a')).to.deep.include({
            firstStartedAt: T0 + 1000,
            firstSuccessAt: T0 + 3000,
            firstDetections: 100
        });
        expect(progress.of('a')).to.include({ succeeded: 2, detections: 107 });
        expect(progress.of('b')).to.deep.include({ firstSuccessAt: T0 + 8000, firstDetections: 40, failed: 1 });
        expect(progress.of('other')).to.equal(undefined);
        expect(progress.otherLines).to.deep.equal(['signal-client: starting']);
        expect(progress.allPolled).to.equal(false);

        const run: ServiceRun = {
            instances: 3,
            progress,
            startedAt: T0,
            ranMs: 200_000,
            deadlineReached: true,
            peakRssBytes: 250 * MB,
            cpuSeconds: 150,
            exitCode: 0
        };
        const figures = serviceFigures(run);
        expect(figures).to.deep.include({
            polled: 2,
            firstPollMs: { first: 3000, median: 5500, last: 8000 },
            firstPollDetections: 140,
            detections: 147,
            succeededPolls: 3,
            failedPolls: 1,
            lastError: 'Poll failed (transient): socket hang up'
        });
        // Two of three within the time still misses: every instance must have been polled.
        expect(serviceChecks(figures).map(check => check.met)).to.deep.equal([false, true]);
        progress.take(line(170, 'c', 'Poll succeeded: 5 artifacts'));
        expect(progress.allPolled).to.equal(true);
        expect(serviceChecks(serviceFigures(run)).map(check => check.met)).to.deep.equal([true, true]);
        const late = new ServiceProgress(['c']);
        late.take(line(181, 'c', 'Poll succeeded: 5 artifacts'));
        expect(
            serviceChecks(serviceFigures({ ...run, instances: 1, progress: late, peakRssBytes: 300 * MB })).map(
                c => c.met
            )
        ).to.deep.equal([false, false]);
    });

    it('judges memory against tenant size: each peak within 150 MB and the large within 10% of the small', () => {
        expect(tenantChecks(poll(10_000, 120), poll(100_000, 131), 1000).map(check => check.met)).to.deep.equal([
            true,
            true,
            true
        ]);
        expect(tenantChecks(poll(10_000, 120), poll(100_000, 133), 1000).map(check => check.met)).to.deep.equal([
            true,
            true,
            false
        ]);
        expect(tenantChecks(poll(10_000, 140), poll(100_000, 151), 1000).map(check => check.met)).to.deep.equal([
            true,
            false,
            true
        ]);
        expect(tenantChecks(poll(10_000, 140), poll(100_000, 100), 10_000)[2]).to.include({
            what: 'peak RSS, large tenant against small, truncationLimit 10,000 (memory must not grow with the tenant)',
            met: false,
            measured: '0.71x (−29%)'
        });
    });

    it('renders the report with the tables and the verdicts', () => {
        const progress = new ServiceProgress(['a']);
        progress.take(line(1, 'a', 'Poll started'));
        progress.take(line(2, 'a', 'qualys: fetched host detections', { detections: 18_000 }));
        progress.take(line(95, 'a', 'Poll succeeded: 18100 artifacts'));
        const report: ScaleReport = {
            date: new Date(T0),
            durationMs: 600_000,
            options: parseScaleOptions([])!,
            machine: { cpuModel: 'cpu', cpuCount: 2, memoryBytes: 4e9, os: 'os', node: 'v24', loadAverage: 3 },
            loadAtEnd: 4,
            code: 'commit abc',
            tenant: [
                { truncationLimit: 1000, small: poll(10_000, 140), large: poll(100_000, 145) },
                { truncationLimit: 10_000, small: poll(10_000, 141, 10_000), large: poll(100_000, 160, 10_000) }
            ],
            service: serviceFigures({
                instances: 1,
                progress,
                startedAt: T0,
                ranMs: 96_000,
                deadlineReached: false,
                peakRssBytes: 320 * MB,
                cpuSeconds: 80,
                exitCode: 0
            })
        };
        const markdown = renderScaleReport(report);
        expect(markdown).to.contain('| **peak RSS** | **140 MB** | **145 MB** |');
        expect(markdown).to.contain('Peak RSS, large over small: **1.04x** for 10.00x the hosts.');
        expect(markdown).to.contain('## Memory against tenant size: 5 detections per host, truncationLimit 10,000');
        expect(markdown).to.contain('| **peak RSS** | **141 MB** | **160 MB** |');
        expect(markdown).to.contain(
            '| poll peak RSS, 100,000 hosts, truncationLimit 10,000 | <= 150 MB | 160 MB | **missed** |'
        );
        expect(markdown).to.contain('| **first poll finished, last instance** | **95.0 s** |');
        expect(markdown).to.contain('maxConcurrentPolls not set (the default, 2)');
        expect(markdown).to.contain('12.0 s at 2m');
        expect(markdown).to.contain('| peak RSS of the signal-client run process | < 300 MB | 320 MB | **missed** |');
        expect(markdown).to.contain('5 of 8 target checks met.');
    });
});
