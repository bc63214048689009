import { expect } from 'chai';
import { detectionArtifactId, detectionKey, detectionVersion } from './detection-identity.js';
import { fullDetection, fullHost, SOURCE } from '../test/ocsf-test-data.js';

const INSTANCE = SOURCE.instance;

describe('detectionKey', () => {
    it('is short, URL-safe and the same for the same detection', () => {
        const key = detectionKey(INSTANCE, fullHost(), fullDetection());
        expect(key).to.match(/^qvk_[0-9a-f]{32}$/);
        expect(detectionKey(INSTANCE, fullHost(), fullDetection())).to.equal(key);
    });

    it('does not change when the detection is updated', () => {
        const key = detectionKey(INSTANCE, fullHost(), fullDetection());
        const updated = fullDetection({
            lastUpdate: '2024-06-01T00:00:00Z',
            lastFound: '2024-06-01T00:00:00Z',
            status: 'Fixed',
            severity: 5,
            results: 'other',
            timesFound: 20,
            uniqueVulnId: '1'
        });
        expect(detectionKey(INSTANCE, fullHost({ ip: '10.0.0.9', os: 'Other' }), updated)).to.equal(key);
    });

    it('differs for every part of the identity', () => {
        const base = detectionKey(INSTANCE, fullHost(), fullDetection());
        const variants: Record<string, string> = {
            instanceId: detectionKey('qualys-test', fullHost(), fullDetection()),
            host: detectionKey(INSTANCE, fullHost({ id: 118220452 }), fullDetection()),
            qid: detectionKey(INSTANCE, fullHost(), fullDetection({ qid: 38795 })),
            port: detectionKey(INSTANCE, fullHost(), fullDetection({ port: 8443 })),
            noPort: detectionKey(INSTANCE, fullHost(), fullDetection({ port: undefined })),
            protocol: detectionKey(INSTANCE, fullHost(), fullDetection({ protocol: 'udp' })),
            ssl: detectionKey(INSTANCE, fullHost(), fullDetection({ ssl: false })),
            fqdn: detectionKey(INSTANCE, fullHost(), fullDetection({ fqdn: 'api.example.com' })),
            noFqdn: detectionKey(INSTANCE, fullHost(), fullDetection({ fqdn: undefined })),
            qualysInstance: detectionKey(INSTANCE, fullHost(), fullDetection({ instance: 'oracle19:1:TEST' }))
        };
        for (const [name, key] of Object.entries(variants)) expect(key, name).to.not.equal(base);
        expect(new Set(Object.values(variants)).size).to.equal(Object.keys(variants).length);
    });

    it('treats empty text as absent and ignores case in protocol and FQDN', () => {
        const host = fullHost();
        const absent = detectionKey(INSTANCE, host, fullDetection({ fqdn: undefined, instance: undefined }));
        expect(detectionKey(INSTANCE, host, fullDetection({ fqdn: '', instance: '' }))).to.equal(absent);
        expect(detectionKey(INSTANCE, host, fullDetection({ protocol: 'TCP', fqdn: 'WWW.Example.com' }))).to.equal(
            detectionKey(INSTANCE, host, fullDetection())
        );
    });

    it('cannot be forged by separators inside values', () => {
        const a = detectionKey(INSTANCE, fullHost(), fullDetection({ fqdn: 'a","b', instance: 'c' }));
        const b = detectionKey(INSTANCE, fullHost(), fullDetection({ fqdn: 'a', instance: 'b","c' }));
        expect(a).to.not.equal(b);
    });
});

describe('detectionArtifactId', () => {
    it('is the same for a redelivered detection', () => {
        const id = detectionArtifactId(INSTANCE, fullHost(), fullDetection());
        expect(id).to.match(/^qvd_[0-9a-f]{32}$/);
        expect(detectionArtifactId(INSTANCE, fullHost(), fullDetection())).to.equal(id);
    });

    it('changes when the last update time changes', () => {
        const id = detectionArtifactId(INSTANCE, fullHost(), fullDetection());
        const updated = fullDetection({ lastUpdate: '2024-05-20T10:00:00Z' });
        expect(detectionArtifactId(INSTANCE, fullHost(), updated)).to.not.equal(id);
    });

    it('changes with the identity, the status and the ignored/disabled flags', () => {
        const id = detectionArtifactId(INSTANCE, fullHost(), fullDetection());
        for (const changed of [
            fullDetection({ port: 80 }),
            fullDetection({ status: 'Active' }),
            fullDetection({ isIgnored: true }),
            fullDetection({ isDisabled: true })
        ]) {
            expect(detectionArtifactId(INSTANCE, fullHost(), changed)).to.not.equal(id);
        }
    });

    it('differs from the key, so an id is never mistaken for a finding uid', () => {
        const key = detectionKey(INSTANCE, fullHost(), fullDetection());
        expect(detectionArtifactId(INSTANCE, fullHost(), fullDetection()).slice(4)).to.not.equal(key.slice(4));
    });
});

describe('detectionVersion', () => {
    it('falls back from last update to last processed to last found', () => {
        expect(detectionVersion(fullDetection())).to.equal('2024-05-13T22:41:09Z');
        expect(detectionVersion(fullDetection({ lastUpdate: undefined }))).to.equal('2024-05-13T22:41:10Z');
        expect(detectionVersion(fullDetection({ lastUpdate: undefined, lastProcessed: undefined }))).to.equal(
            '2024-05-13T22:38:55Z'
        );
        expect(
            detectionVersion(fullDetection({ lastUpdate: undefined, lastProcessed: undefined, lastFound: undefined }))
        ).to.equal('');
    });
});
