import { expect } from 'chai';
import { formatStatus } from './commands/status-command.js';
import type { InstanceStatusRow } from './instance-status-source.js';
import { streamLines } from './stream-status-lines.js';

const NOW = Date.parse('2025-05-14T10:00:00.000Z');

describe('status: streams', () => {
    const streams: InstanceStatusRow['streams'] = [
        {
            stream: 'host_detections',
            status: 'complete',
            statusAt: '2025-05-14T09:58:00.000Z',
            checkpointAt: '2025-05-14T09:57:30.000Z',
            runId: 'r2',
            runArtifacts: 3612,
            totalArtifacts: 9000
        },
        {
            stream: 'scans',
            status: 'failed',
            statusAt: '2025-05-14T09:59:00.000Z',
            error: { kind: 'transient', message: 'Qualys answered HTTP 500', hint: 'retried on the next poll' },
            checkpointAt: '2025-05-11T06:00:00.000Z',
            runId: 'r2',
            runArtifacts: 0,
            totalArtifacts: 12
        },
        { stream: 'knowledge_base', runArtifacts: 1, totalArtifacts: 1 }
    ];

    it("shows each stream's status, its age, the last run's artifacts, the checkpoint's age and the error", () => {
        expect(streamLines('qualys-prod', streams, NOW)).to.deep.equal([
            '',
            'qualys-prod streams:',
            '  STREAM           STATUS       SINCE   LAST RUN         CHECKPOINT AGE',
            '  host_detections  complete     2m ago  3,612 artifacts  2m30s',
            '  scans            failed       1m ago  0 artifacts      3d4h',
            '  knowledge_base   never ended  -       1 artifact       none',
            '  scans failed (transient): Qualys answered HTTP 500',
            '    hint: retried on the next poll'
        ]);
        expect(streamLines('qualys-prod', [], NOW)).to.deep.equal([]);
    });

    it('follows the instance table in the status output', () => {
        const row: InstanceStatusRow = {
            id: 'qualys-prod',
            connector: 'signal-client.qualys',
            enabled: true,
            consecutiveFailures: 1,
            totalArtifacts: 9012,
            streams
        };
        const text = formatStatus({ source: 'state', from: '/data/state.db', rows: [row] }, NOW);
        expect(text).to.match(/^Status from \/data\/state\.db\n\nINSTANCE +CONNECTOR/);
        expect(text).to.contain('\nqualys-prod streams:\n  STREAM ').and.to.contain('scans failed (transient)');
    });
});
