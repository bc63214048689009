import { expect } from 'chai';
import { kbArtifactId, mapKbVuln, toKbSummary } from './knowledge-base-artifact.js';
import { fullKbSummary, fullKbVuln, SOURCE, undefinedPaths } from '../test/ocsf-test-data.js';

describe('mapKbVuln', () => {
    it('delivers the full entry, long texts included, timed at its last service modification', () => {
        const artifact = mapKbVuln(fullKbVuln(), SOURCE);
        expect(artifact.type).to.equal('qualys.knowledge_base_vuln');
        expect(artifact.id).to.match(/^qkb_[0-9a-f]{32}$/);
        expect(artifact.time).to.equal('2024-03-02T12:01:15.000Z');
        expect(artifact.source).to.deep.equal(SOURCE);
        expect(artifact.data).to.deep.equal(fullKbVuln());
    });

    it('falls back to the publication time, then to the epoch', () => {
        expect(mapKbVuln(fullKbVuln({ lastServiceModified: undefined }), SOURCE).time).to.equal(
            '2020-03-31T20:48:19.000Z'
        );
        const bare = mapKbVuln(fullKbVuln({ lastServiceModified: undefined, published: undefined }), SOURCE);
        expect(bare.time).to.equal('1970-01-01T00:00:00.000Z');
        expect(undefinedPaths(bare)).to.deep.equal([]);
    });

    it('has one id per QID version and instance', () => {
        const id = mapKbVuln(fullKbVuln(), SOURCE).id;
        expect(mapKbVuln(fullKbVuln({ solution: 'Reworded.' }), SOURCE).id).to.equal(id);
        expect(kbArtifactId(fullKbSummary(), SOURCE)).to.equal(id);
        for (const other of [
            mapKbVuln(fullKbVuln({ lastServiceModified: '2024-06-01T00:00:00Z' }), SOURCE).id,
            mapKbVuln(fullKbVuln({ qid: 38795 }), SOURCE).id,
            mapKbVuln(fullKbVuln(), { ...SOURCE, instance: 'qualys-eu' }).id
        ]) {
            expect(other).to.not.equal(id);
        }
    });
});

describe('toKbSummary', () => {
    it('drops the long texts and unmodelled elements and keeps the rest', () => {
        const summary = toKbSummary(fullKbVuln());
        expect(summary).to.deep.equal(fullKbSummary());
        expect(summary).to.not.have.any.keys('diagnosis', 'consequence', 'solution', 'unmapped');
    });

    it('leaves no undefined values for the cache', () => {
        const summary = toKbSummary(fullKbVuln({ title: undefined, cvss: undefined, category: undefined }));
        expect(undefinedPaths(summary)).to.deep.equal([]);
        expect(summary).to.not.have.any.keys('title', 'cvss', 'category');
    });
});
