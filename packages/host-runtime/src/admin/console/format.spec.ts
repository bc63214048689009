import { expect } from 'chai';
import { countOf, describeKind, describeValue, formatRunDuration, formatTime, humanizeKey, relativeTime } from './format.js';

const NOW = Date.parse('2026-05-14T08:00:00.000Z');
const at = (offsetMs: number): string => new Date(NOW + offsetMs).toISOString();

describe('console formatting', () => {
    it('says how long ago or how soon, coarsely', () => {
        expect(relativeTime(at(-400), NOW)).to.equal('just now');
        expect(relativeTime(at(-42_000), NOW)).to.equal('42s ago');
        expect(relativeTime(at(59 * 60_000 + 58_000), NOW)).to.equal('in 59m');
        expect(relativeTime(at(-(80 * 60_000)), NOW)).to.equal('1h 20m ago');
        expect(relativeTime(at(2 * 3_600_000), NOW)).to.equal('in 2h');
        expect(relativeTime(at(-(76 * 3_600_000)), NOW)).to.equal('3d 4h ago');
        expect(relativeTime(undefined, NOW)).to.equal('');
    });

    it('writes times in UTC without milliseconds, and run durations by their size', () => {
        expect(formatTime('2026-05-14T08:00:03.123Z')).to.equal('2026-05-14 08:00:03 UTC');
        expect(formatRunDuration(at(0), at(906))).to.equal('906ms');
        expect(formatRunDuration(at(0), at(1_500))).to.equal('1.5s');
        expect(formatRunDuration(at(0), undefined)).to.equal('—');
    });

    it('names error kinds in words, keeping the kind', () => {
        expect(describeKind('auth')).to.equal('authentication failed (auth)');
        expect(describeKind('rate_limited')).to.equal('rate limited (rate_limited)');
        expect(describeKind('something_new')).to.equal('something_new');
    });

    it('turns keys into labels and report values into words', () => {
        expect(humanizeKey('rateLimit')).to.equal('Rate limit');
        expect(humanizeKey('apiServer')).to.equal('API server');
        expect(humanizeKey('caFile')).to.equal('CA file');
        expect(humanizeKey('truncation_limit')).to.equal('Truncation limit');
        expect(describeValue({ limit: 300, remaining: 298, windowSec: 3600, toWaitSec: undefined })).to.equal(
            'limit 300, remaining 298, window 3,600 s'
        );
        expect(describeValue({ latencyMs: 12, ok: true })).to.equal('latency 12 ms, ok yes');
        expect(describeValue(['a', 'b'])).to.equal('a, b');
    });

    it('counts with the right noun', () => {
        expect(countOf(1, 'artifact')).to.equal('1 artifact');
        expect(countOf(3600, 'artifact')).to.equal('3,600 artifacts');
        expect(countOf(2, 'batch', 'batches')).to.equal('2 batches');
    });
});
