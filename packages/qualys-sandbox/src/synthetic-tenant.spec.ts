import { expect } from 'chai';
import { compileFilter } from './detection-filter.js';
import { type ExpectedDetection, SyntheticTenant } from './synthetic-tenant.js';

const keyOf = (k: ExpectedDetection): string =>
    `${k.hostId}|${k.qid}|${k.port ?? ''}|${k.protocol ?? ''}|${k.ssl}|${k.fqdn ?? ''}`;

describe('SyntheticTenant', () => {
    it('is deterministic for a seed and differs across seeds', () => {
        const a = [...new SyntheticTenant({ hosts: 30, seed: 5 }).expectedDetections({ includeIgs: true })];
        const b = [...new SyntheticTenant({ hosts: 30, seed: 5 }).expectedDetections({ includeIgs: true })];
        const c = [...new SyntheticTenant({ hosts: 30, seed: 6 }).expectedDetections({ includeIgs: true })];
        expect(a).to.deep.equal(b);
        expect(a).not.to.deep.equal(c);
    });

    it('has ascending host ids and unique detection keys and unique vuln ids', () => {
        const tenant = new SyntheticTenant({ hosts: 200, detectionsPerHost: 25, firstHostId: 1000 });
        for (let i = 1; i < tenant.hostCount; i++) expect(tenant.hostIdAt(i)).to.be.greaterThan(tenant.hostIdAt(i - 1));
        const all = [...tenant.expectedDetections({ includeIgs: true, includeIgnored: true, includeDisabled: true })];
        expect(new Set(all.map(keyOf)).size).to.equal(all.length);
        expect(new Set(all.map(k => k.uniqueVulnId)).size).to.equal(all.length);
        expect(all.length).to.be.greaterThan(200 * 25);
        // Undefined: information-gathered detections rendered without status and dates.
        expect(new Set(all.map(k => k.status))).to.deep.equal(
            new Set(['New', 'Active', 'Fixed', 'Re-Opened', undefined])
        );
        const visible = [...tenant.expectedDetections({})];
        expect(visible.length).to.be.lessThan(all.length);
    });

    it('produces varied host attributes', () => {
        const tenant = new SyntheticTenant({ hosts: 300 });
        const hosts = Array.from({ length: tenant.hostCount }, (_, i) => tenant.host(i));
        expect(new Set(hosts.map(h => h.trackingMethod))).to.include.members(['IP', 'DNS', 'AGENT', 'EC2']);
        expect(hosts.some(h => h.ipv6)).to.equal(true);
        expect(hosts.filter(h => h.trackingMethod === 'AGENT').every(h => h.qgHostId)).to.equal(true);
        expect(new Set(hosts.map(h => h.tags.length))).to.include.members([0, 1, 2]);
        expect(hosts.every(h => h.lastScanDatetime < tenant.nowSec())).to.equal(true);
    });

    it('advances the clock and changes only the re-scanned hosts', () => {
        const tenant = new SyntheticTenant({ hosts: 400, detectionsPerHost: 12, seed: 3 });
        const start = tenant.now();
        const before = new Map([...tenant.expectedDetections({ includeIgs: true })].map(k => [keyOf(k), k]));
        const result = tenant.advance({ hours: 2, rescanFraction: 0.25 });
        expect(result.now.getTime() - start.getTime()).to.equal(2 * 3600 * 1000);
        expect(tenant.now()).to.deep.equal(result.now);
        expect(result.rescannedHosts).to.be.within(60, 140);
        const changedHosts = new Set(
            [...tenant.expectedDetections({ vmProcessedAfter: start, includeIgs: true })].map(k => k.hostId)
        );
        expect(changedHosts.size).to.equal(result.rescannedHosts);
        const after = [...tenant.expectedDetections({ includeIgs: true })];
        const transitions = new Set<string>();
        let added = 0;
        for (const key of after) {
            const old = before.get(keyOf(key));
            if (!changedHosts.has(key.hostId)) {
                expect(key).to.deep.equal(old);
                continue;
            }
            if (key.lastUpdate === undefined) continue; // a dateless information-gathered detection
            expect(key.lastUpdate).to.equal(result.now.toISOString().replace(/\.\d{3}Z$/, 'Z'));
            if (!old) {
                added++;
                expect(key.status).to.equal('New');
            } else if (old.status !== key.status) {
                transitions.add(`${old.status}->${key.status}`);
            }
        }
        expect(added).to.be.greaterThan(0);
        expect(transitions).to.include.members(['Active->Fixed', 'Fixed->Re-Opened', 'New->Active']);
    });

    it('re-scans requested hosts and replays the same history for the same advances', () => {
        const make = (): SyntheticTenant => new SyntheticTenant({ hosts: 50, seed: 9 });
        const a = make();
        const b = make();
        const target = a.hostIdAt(17);
        for (const tenant of [a, b]) {
            tenant.advance({ rescanFraction: 0, rescanHostIds: [target] });
            tenant.advance({ seconds: 600 });
        }
        expect([...a.expectedDetections({ includeIgs: true })]).to.deep.equal([
            ...b.expectedDetections({ includeIgs: true })
        ]);
        const first = [...a.expectedDetections({ vmProcessedAfter: a.startTime })];
        expect(first.some(k => k.hostId === target)).to.equal(true);
        expect(a.host(17).events.length).to.be.at.least(2);
        expect(a.state()).to.include({ advances: 2, hosts: 50 });
    });

    it('filters by ids, id window and processing window', () => {
        const tenant = new SyntheticTenant({ hosts: 40 });
        const ids = [tenant.hostIdAt(2), tenant.hostIdAt(5)];
        const hosts = [...tenant.hostIndexes(compileFilter({ ids: [ids[0], { min: ids[1], max: ids[1] + 1 }] }))];
        expect(hosts).to.deep.equal([2, 5]);
        const window = [
            ...tenant.hostIndexes(compileFilter({ idMin: tenant.hostIdAt(10), idMax: tenant.hostIdAt(12) }))
        ];
        expect(window).to.deep.equal([10, 11, 12]);
        expect([...tenant.expectedDetections({ vmProcessedBefore: '2000-01-01' })]).to.deep.equal([]);
    });

    it('keeps large tenants cheap: 20,000 hosts build quickly with a few typed arrays', () => {
        const started = Date.now();
        const tenant = new SyntheticTenant({ hosts: 20_000, detectionsPerHost: 25 });
        tenant.advance();
        expect(Date.now() - started).to.be.lessThan(2000);
        expect(
            tenant.matchingDetections(19_999, compileFilter({ includeIgnored: true, includeDisabled: true })).length
        ).to.be.at.least(25);
    });
});

describe('SyntheticTenant on the wall clock', () => {
    it('starts a minute back and advances to just before now', () => {
        const before = Date.now();
        const tenant = new SyntheticTenant({ hosts: 20, detectionsPerHost: 3, wallClock: true });
        expect(tenant.now().getTime()).to.be.within(before - 62_000, Date.now() - 59_000);
        const result = tenant.advance({ rescanFraction: 0.5 });
        expect(result.now.getTime()).to.be.below(Date.now());
        expect(result.now.getTime()).to.be.above(result.previous.getTime());
        const rescanned = [...tenant.expectedDetections({ vmProcessedAfter: result.previous })];
        expect(rescanned.length).to.be.greaterThan(0);
    });

    it('moves to an explicit time but never backwards', () => {
        const tenant = new SyntheticTenant({ hosts: 5, startTime: new Date('2025-01-01T00:00:00Z') });
        expect(tenant.advance({ to: new Date('2025-01-02T00:00:00Z') }).now.toISOString()).to.equal(
            '2025-01-02T00:00:00.000Z'
        );
        expect(tenant.advance({ to: new Date('2024-01-01T00:00:00Z') }).now.toISOString()).to.equal(
            '2025-01-02T00:00:01.000Z'
        );
    });
});
