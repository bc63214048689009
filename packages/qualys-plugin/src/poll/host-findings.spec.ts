import { type Artifact, artifactJson } from '@signal-connectors/connector-sdk';
import { expect } from 'chai';
import type { KbSummary, ParsedHost } from '../model/index.js';
import { VulnerabilityFindingMapper } from '../ocsf/index.js';
import { fullDetection, fullHost, fullKbSummary, SOURCE } from '../test/ocsf-test-data.js';
import { type HostFindingsContext, hostKeeper, mapHostFindings } from './host-findings.js';
import { DeliveredHosts } from './host-ledger.js';

const POLL_START = '2024-05-14T10:00:00Z';
const RESPONSE_TIME = '2024-05-14T09:00:00Z';

/** A host never scanned, with a detection that has no date: its finding is timed by the page's DATETIME. */
function parsedHost(): ParsedHost {
    const host = fullHost({ lastScanDatetime: undefined, lastVmScannedDate: undefined });
    const undated = fullDetection({
        qid: 90043,
        lastUpdate: undefined,
        lastProcessed: undefined,
        lastFound: undefined,
        firstFound: undefined
    });
    return { host, detections: [fullDetection({ qid: 38794 }), undated] };
}

function context(): HostFindingsContext {
    return {
        mapper: new VulnerabilityFindingMapper(SOURCE),
        source: SOURCE,
        fallbackTime: POLL_START,
        ledgerSeen: POLL_START
    };
}

/** The findings' texts and times, as they are delivered. */
function delivered(artifacts: readonly Artifact[]): { json: string | undefined; time: string }[] {
    return artifacts.map(artifact => ({ json: artifactJson(artifact), time: artifact.time }));
}

const SUMMARIES = new Map<number, KbSummary>([[38794, fullKbSummary({ qid: 38794, title: 'OpenSSH flaw' })]]);

describe('hostKeeper', () => {
    it('maps a host as it is read when its summaries are at hand, as it would be mapped later', () => {
        const atHand = { summariesAtHand: (qids: Iterable<number>) => ([...qids].length > 0 ? SUMMARIES : undefined) };
        const kept = hostKeeper(atHand, context())(parsedHost(), RESPONSE_TIME);

        const later: Artifact[] = [];
        const ledger = new DeliveredHosts(POLL_START);
        mapHostFindings(parsedHost(), SUMMARIES, RESPONSE_TIME, context(), later, ledger);
        expect(kept.parsed).to.equal(undefined);
        expect(kept.findings?.hostId).to.equal(118220451);
        expect(delivered(kept.findings!.artifacts)).to.deep.equal(delivered(later));
        // The first finding is titled from the KnowledgeBase; the undated one is timed by the page's DATETIME.
        expect(later.map(artifact => artifact.type)).to.deep.equal([
            'ocsf.vulnerability_finding',
            'ocsf.vulnerability_finding'
        ]);
        expect(artifactJson(later[0])).to.contain('"title":"OpenSSH flaw"');
        expect(later[1].time).to.equal('2024-05-14T09:00:00.000Z');
        expect([...kept.findings!.delivered!.hosts]).to.deep.equal([...ledger.hosts]);
    });

    it('keeps the host as parsed while a QID waits for a lookup', () => {
        const host = parsedHost();
        const kept = hostKeeper({ summariesAtHand: () => undefined }, context())(host, RESPONSE_TIME);
        expect(kept.findings).to.equal(undefined);
        expect(kept.parsed).to.equal(host);
    });

    it('maps every host at once without KnowledgeBase enrichment', () => {
        const kept = hostKeeper(undefined, { ...context(), ledgerSeen: undefined })(parsedHost(), undefined);
        expect(kept.findings?.artifacts).to.have.length(2);
        expect(kept.findings?.delivered).to.equal(undefined);
        // No DATETIME on the page: the poll's start times the undated detection.
        expect(kept.findings?.artifacts[1].time).to.equal('2024-05-14T10:00:00.000Z');
    });

    it('keeps a host whose mapping fails as parsed, for the failure to surface where the chunk is delivered', () => {
        const host = parsedHost();
        const mapper = {
            host: () => {
                throw new Error('unmappable host');
            }
        } as unknown as VulnerabilityFindingMapper;
        const failing = { ...context(), mapper };
        const kept = hostKeeper(undefined, failing)(host, RESPONSE_TIME);
        expect(kept.parsed).to.equal(host);
    });
});

describe('DeliveredHosts.absorb', () => {
    it('adds the hosts of another gathering, joining the open findings of a host both hold', () => {
        const artifacts: Artifact[] = [];
        const first = new DeliveredHosts(POLL_START);
        const second = new DeliveredHosts(POLL_START);
        mapHostFindings(parsedHost(), SUMMARIES, RESPONSE_TIME, context(), artifacts, first);
        mapHostFindings(parsedHost(), SUMMARIES, RESPONSE_TIME, context(), artifacts, second);
        const joined = new DeliveredHosts(POLL_START);
        joined.absorb(first);
        expect([...joined.hosts.keys()]).to.deep.equal(['118220451']);
        joined.absorb(second);
        expect(joined.hosts.get('118220451')?.open).to.have.length(4);
    });
});
