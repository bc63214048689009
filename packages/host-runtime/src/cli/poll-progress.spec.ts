import { expect } from 'chai';
import { Writable } from 'node:stream';
import { CapturedLogger } from '@signal-connectors/connector-sdk/testing';
import type { PollEvent } from '../scheduler/poll-events.js';
import { PollProgressDisplay } from './poll-progress.js';
import { StatusLine } from './status-line.js';

/** A fake terminal that keeps what was written. */
function terminal(): Writable & { isTTY: boolean; columns: number; text: () => string } {
    let text = '';
    const stream = new Writable({
        write: (chunk: Buffer, _encoding, callback) => {
            text += chunk.toString();
            callback();
        }
    });
    return Object.assign(stream, { isTTY: true, columns: 200, text: () => text });
}

const ids = { runId: 'run-1', instanceId: 'qualys-a', connectorId: 'signal-client.qualys' };
const started: PollEvent = { type: 'started', ...ids, startedAt: 1000 };
const batch = (n: number, pages: number, total: number): PollEvent => ({
    type: 'batch',
    ...ids,
    stream: 'host_detections',
    batch: n,
    artifacts: 10,
    totalArtifacts: total,
    progress: { pages, hosts: pages * 100, detections: pages * 1200, rateLimitWaits: 0 }
});

describe('PollProgressDisplay', () => {
    it('on a terminal keeps one line updated in place and erases it when the poll ends', () => {
        const out = terminal();
        const statusLine = new StatusLine(out);
        const display = new PollProgressDisplay({ statusLine, logger: new CapturedLogger(), now: () => 4200 });

        display.onPollEvent(started);
        display.onPollEvent(batch(2, 1, 1210));
        expect(out.text()).to.contain(
            '\r\x1b[2K⠹ qualys-a: 1 page · 100 hosts · 1,200 detections · 0 rate-limit waits · 1,210 artifacts · 3.2s'
        );
        expect(out.text()).to.not.contain('\n');

        display.onPollEvent({ type: 'finished', ...ids, outcome: {} as never });
        expect(out.text().endsWith('\r\x1b[2K')).to.equal(true);
        display.dispose();
    });

    it('keeps log lines readable: the status line is erased before a line and drawn again after it', () => {
        const out = terminal();
        const statusLine = new StatusLine(out);
        statusLine.set('working');

        statusLine.logStream.write('a log line\n');

        expect(out.text()).to.equal('\r\x1b[2Kworking\r\x1b[2Ka log line\n\r\x1b[2Kworking');
    });

    it('without a terminal logs one line per page', () => {
        const logger = new CapturedLogger();
        const display = new PollProgressDisplay({ logger });

        display.onPollEvent(started);
        display.onPollEvent(batch(1, 0, 5));
        display.onPollEvent(batch(2, 1, 1210));
        display.onPollEvent(batch(3, 1, 1220));
        display.onPollEvent(batch(4, 2, 2430));

        expect(logger.messages('info')).to.deep.equal([
            'Poll progress of qualys-a: 1 page · 100 hosts · 1,200 detections · 0 rate-limit waits · 1,210 artifacts',
            'Poll progress of qualys-a: 2 pages · 200 hosts · 2,400 detections · 0 rate-limit waits · 2,430 artifacts'
        ]);
    });
});
