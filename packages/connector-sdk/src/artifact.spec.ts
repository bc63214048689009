import { expect } from 'chai';
import { type Artifact, ARTIFACT_JSON, artifactJson, keepTextOnly, withArtifactJson } from './artifact.js';

function finding(): Artifact<{ qid: number }> {
    return {
        id: 'a1',
        type: 'ocsf.vulnerability_finding',
        time: '2025-01-01T00:00:00.000Z',
        source: { connector: 'c', instance: 'i' },
        data: { qid: 1 }
    };
}

describe('artifactJson', () => {
    it('serialises an artifact without pre-rendered text with JSON.stringify', () => {
        expect(artifactJson(finding())).to.equal(JSON.stringify(finding()));
    });

    it('returns the text a connector attached, which JSON.stringify, keys and copies never see', () => {
        const artifact = withArtifactJson(finding(), '{"rendered":true}');
        expect(artifactJson(artifact)).to.equal('{"rendered":true}');
        expect(JSON.stringify(artifact)).to.equal(JSON.stringify(finding()));
        expect(Object.keys(artifact)).to.deep.equal(['id', 'type', 'time', 'source', 'data']);
        expect(artifactJson({ ...artifact })).to.equal(JSON.stringify(finding()));
        expect(artifact[ARTIFACT_JSON]).to.equal('{"rendered":true}');
    });

    it('throws a TypeError for an artifact that is not JSON', () => {
        const broken = { ...finding(), data: { qid: 1n } } as unknown as Artifact;
        expect(() => artifactJson(broken)).to.throw(TypeError);
    });
});

describe('keepTextOnly', () => {
    it('keeps the envelope and the text, and reads data back from the text', () => {
        const rendered = withArtifactJson(finding(), JSON.stringify({ ...finding(), data: { qid: 2 } }));
        const lean = keepTextOnly(rendered);
        expect(lean).to.not.equal(rendered);
        expect(artifactJson(lean)).to.equal(rendered[ARTIFACT_JSON]);
        expect(lean.data).to.deep.equal({ qid: 2 });
        expect(lean.data).to.equal(lean.data);
        expect(Object.keys(lean)).to.deep.equal(['id', 'type', 'time', 'source', 'data']);
        expect({ ...lean }).to.deep.equal({ ...finding(), data: { qid: 2 } });
        expect(JSON.stringify(lean)).to.equal(rendered[ARTIFACT_JSON]);
    });

    it('returns plain objects that share one data getter, so a batch of them stays small', () => {
        const first = keepTextOnly(withArtifactJson(finding(), '{"data":1}'));
        const second = keepTextOnly(withArtifactJson(finding(), '{"data":2}'));
        expect(Object.getPrototypeOf(first)).to.equal(Object.prototype);
        const getter = (artifact: Artifact): unknown => Object.getOwnPropertyDescriptor(artifact, 'data')?.get;
        expect(getter(first)).to.be.a('function').and.equal(getter(second));
        expect([first.data, second.data]).to.deep.equal([1, 2]);
    });

    it('returns an artifact without rendered text as it is', () => {
        const plain = finding();
        expect(keepTextOnly(plain)).to.equal(plain);
    });
});
