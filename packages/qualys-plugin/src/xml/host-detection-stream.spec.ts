import { expect } from 'chai';
import { garbageCollector } from './garbage-collector.spec.helper.js';
import { HostDetectionParser } from './host-detection-parser.js';
import { tokenizeOnly } from './tokenize-only.js';
import { generatedHostDetections } from './xml-fixtures.spec.helper.js';

const HOSTS = 10_000;
const DETECTIONS_PER_HOST = 25;
const MB = 1024 * 1024;

describe('HostDetectionParser on a large stream', function () {
    this.timeout(300_000);

    it(`parses ${HOSTS} hosts x ${DETECTIONS_PER_HOST} detections in bounded memory`, async () => {
        const gc = garbageCollector();
        // Without a collector heapUsed includes garbage, so only a generous bound is meaningful.
        const bound = gc === undefined ? 200 * MB : 30 * MB;
        gc?.();
        const before = process.memoryUsage().heapUsed;
        const stats = { bytes: 0 };
        const parser = new HostDetectionParser(generatedHostDetections(HOSTS, DETECTIONS_PER_HOST, stats));
        let hosts = 0;
        let detections = 0;
        let lastId = 0;
        let midStream = 0;
        const started = performance.now();
        for await (const parsed of parser.hosts()) {
            hosts += 1;
            detections += parsed.detections.length;
            expect(parsed.host.id).to.be.greaterThan(lastId);
            lastId = parsed.host.id;
            if (hosts === HOSTS / 2) {
                gc?.();
                midStream = process.memoryUsage().heapUsed - before;
            }
        }
        const seconds = (performance.now() - started) / 1000;
        gc?.();
        const after = process.memoryUsage().heapUsed - before;

        expect(parser.trailer.hostCount).to.equal(HOSTS);
        expect(hosts).to.equal(HOSTS);
        expect(detections).to.equal(HOSTS * DETECTIONS_PER_HOST);
        expect(midStream, 'heap growth half-way').to.be.lessThan(bound);
        expect(after, 'heap growth after parsing').to.be.lessThan(bound);
        console.log(
            `      ${(stats.bytes / MB).toFixed(0)} MB in ${seconds.toFixed(1)} s: ` +
                `${(stats.bytes / MB / seconds).toFixed(1)} MB/s, ${Math.round(HOSTS / seconds)} hosts/s; ` +
                `heap delta ${(midStream / MB).toFixed(1)} MB half-way, ${(after / MB).toFixed(1)} MB after` +
                (gc === undefined ? ' (no gc)' : '')
        );
    });

    it('tokenizes the same stream with the same parser setup (the practical limit)', async () => {
        const stats = { bytes: 0 };
        const started = performance.now();
        const result = await tokenizeOnly(generatedHostDetections(HOSTS / 10, DETECTIONS_PER_HOST, stats));
        const seconds = (performance.now() - started) / 1000;
        expect(result.bytes).to.equal(stats.bytes);
        // Per host: HOST, 13 host elements, DETECTION_LIST, and 21 or 22 elements per detection.
        expect(result.elements).to.be.greaterThan((HOSTS / 10) * DETECTIONS_PER_HOST * 20);
        console.log(`      tokenize only: ${(stats.bytes / MB / seconds).toFixed(1)} MB/s`);
    });
});
