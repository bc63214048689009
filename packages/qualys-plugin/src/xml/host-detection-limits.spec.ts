import { expect } from 'chai';
import { HostDetectionParser } from './host-detection-parser.js';
import { HOST_DETECTION_LIMITS, type XmlLimits } from './xml-limits.js';
import { chunked, parseAll } from './xml-fixtures.spec.helper.js';

const PROLOG = '<?xml version="1.0" encoding="UTF-8" ?>\n';
const OPEN = '<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2024-05-14T08:12:03Z</DATETIME>';
const CLOSE = '</RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>\n';

/** A HOST with one detection; `extra` goes inside the HOST, `results` inside the DETECTION. */
function host(id: number, extra = '', results = ''): string {
    return (
        `<HOST><ID>${id}</ID><IP>10.0.0.${id}</IP>${extra}<DETECTION_LIST><DETECTION><QID>9${id}</QID>` +
        `<TYPE>Confirmed</TYPE>${results}<STATUS>Active</STATUS></DETECTION></DETECTION_LIST></HOST>`
    );
}

/** A page of hosts 1 and 2, with `between` between RESPONSE's DATETIME and the host list. */
function page(options: { doctype?: string; between?: string; first?: string } = {}): string {
    return (
        PROLOG +
        (options.doctype ?? '') +
        OPEN +
        (options.between ?? '') +
        `<HOST_LIST>${options.first ?? host(1)}${host(2)}</HOST_LIST>` +
        CLOSE
    );
}

/** `text` with `count` copies of `filler` in place of each `@`, produced 64 KB at a time and never held whole. */
async function* inflated(text: string, filler: string, count: number): AsyncGenerator<Buffer> {
    const block = filler.repeat(Math.ceil(65_536 / filler.length));
    const perBlock = block.length / filler.length;
    const [first, ...rest] = text.split('@');
    yield Buffer.from(first);
    for (const part of rest) {
        for (let left = count; left > 0; left -= perBlock) {
            yield Buffer.from(left >= perBlock ? block : filler.repeat(left));
        }
        yield Buffer.from(part);
    }
}

/** Smaller bounds, so that each one is reached with a few KB of input. */
const SMALL: XmlLimits = {
    ...HOST_DETECTION_LIMITS,
    maxDepth: 16,
    maxValueChars: 100,
    maxCutValueChars: 400,
    maxRecordChars: 4000,
    maxRecordElements: 60,
    maxMarkupChars: 300
};

describe('HostDetectionParser bounds', () => {
    describe('documents that declare entities', () => {
        it('refuses an internal DTD subset (a "billion laughs" chain) before any host is taken', async () => {
            const doctype =
                '<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT [\n<!ENTITY lol "lol">\n' +
                '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n';
            const xml = page({ doctype, first: host(1, '<OS>&lol2;</OS>') });
            const { hosts, error } = await parseAll(chunked(xml, 17));
            expect(hosts).to.deep.equal([]);
            expect(error).to.include({ kind: 'protocol' });
            expect(error?.message).to.match(/^refused a host detection response at line 2, column \d+ after 0 hosts: /);
            expect(error?.message).to.contain('declares its own DTD');
            expect(error?.hint).to.contain('retries from the last host it read');
        });

        it('refuses an external entity pointing at a local file', async () => {
            const doctype = '<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n';
            const { hosts, error } = await parseAll(chunked(page({ doctype, first: host(1, '<OS>&xxe;</OS>') })));
            expect(hosts).to.deep.equal([]);
            expect(error?.message).to.contain('declares its own DTD');
        });

        it('refuses a markup declaration outside any DTD', async () => {
            const { error } = await parseAll(chunked(page({ between: '<!ENTITY x "y">' })));
            expect(error?.message).to.contain('a markup declaration (such as <!ENTITY) outside any DTD');
        });

        it('reads a DOCTYPE that only names an external DTD, without fetching it', async () => {
            const doctype = '<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "file:///etc/passwd">\n';
            const { hosts, error } = await parseAll(chunked(page({ doctype })));
            expect(error).to.equal(undefined);
            expect(hosts.map(parsed => parsed.host.id)).to.deep.equal([1, 2]);
        });
    });

    describe('deep nesting', () => {
        it('refuses elements nested past the bound inside a host, after the hosts before it', async () => {
            const xml = page().replace(host(2), host(2, '<X>'.repeat(100_000) + '</X>'.repeat(100_000)));
            const { hosts, error } = await parseAll(chunked(xml, 65_536));
            expect(hosts.map(parsed => parsed.host.id)).to.deep.equal([1]);
            expect(error?.kind).to.equal('protocol');
            expect(error?.message).to.match(/after 1 hosts: elements nested deeper than 64 levels$/);
        });

        it('refuses them in skipped content too', async () => {
            const { error } = await parseAll(chunked(page({ between: '<REQUEST>' + '<P>'.repeat(70) }), 1024));
            expect(error?.message).to.contain('elements nested deeper than 64 levels');
        });

        it('reads nesting up to the bound', async () => {
            const deep = '<X>'.repeat(SMALL.maxDepth - 4) + 'deep' + '</X>'.repeat(SMALL.maxDepth - 4);
            const parser = new HostDetectionParser(chunked(page({ first: host(1, deep) })), SMALL);
            const hosts = [];
            for await (const parsed of parser.hosts()) hosts.push(parsed);
            let value = hosts[0].host.unmapped.X;
            for (let level = 1; level < SMALL.maxDepth - 4; level += 1) value = (value as { X: unknown }).X;
            expect(value).to.equal('deep');
        });
    });

    describe('large values', () => {
        it('cuts a RESULTS far longer than the bound, says so, and reads on', async () => {
            const results = '<RESULTS><![CDATA[@]]></RESULTS>';
            const xml = page({ first: host(1, '', results) });
            const { hosts, error } = await parseAll(inflated(xml, 'Package 1.0\n', 800_000));
            expect(error).to.equal(undefined);
            expect(hosts.map(parsed => parsed.host.id)).to.deep.equal([1, 2]);
            const [detection] = hosts[0].detections;
            expect(detection.results).to.have.length(HOST_DETECTION_LIMITS.maxCutValueChars);
            expect(detection.results?.startsWith('Package 1.0\nPackage 1.0\n')).to.equal(true);
            expect(detection.resultsCut).to.deep.equal({ originalLength: 800_000 * 12 });
            expect(detection.status).to.equal('Active');
            expect(hosts[1].detections[0].resultsCut).to.equal(undefined);
        });

        it('cuts a RESULTS made of many short pieces the same way', async () => {
            const results = `<RESULTS>${'<![CDATA[line & more\n]]>'.repeat(40)}</RESULTS>`;
            const parser = new HostDetectionParser(chunked(page({ first: host(1, '', results) }), 7), SMALL);
            const hosts = [];
            for await (const parsed of parser.hosts()) hosts.push(parsed);
            expect(hosts[0].detections[0].results).to.have.length(SMALL.maxCutValueChars);
            expect(hosts[0].detections[0].resultsCut).to.deep.equal({ originalLength: 40 * 12 });
        });

        it('marks a RESULTS cut on its way in even when its decoded text would fit', async () => {
            // 640 characters as sent, 480 once `&amp;` is decoded: past the bound as sent, so it is cut there.
            const results = `<RESULTS>${'line &amp; more\n'.repeat(40)}</RESULTS>`;
            const parser = new HostDetectionParser(chunked(page({ first: host(1, '', results) }), 7), SMALL);
            const hosts = [];
            for await (const parsed of parser.hosts()) hosts.push(parsed);
            expect(hosts[0].detections[0].results?.length).to.be.at.most(SMALL.maxCutValueChars);
            expect(hosts[0].detections[0].resultsCut).to.deep.equal({ originalLength: 640 });
        });

        it('keeps a RESULTS at the bound whole', async () => {
            const text = 'r'.repeat(SMALL.maxCutValueChars);
            const parser = new HostDetectionParser(
                chunked(page({ first: host(1, '', `<RESULTS>${text}</RESULTS>`) })),
                SMALL
            );
            const hosts = [];
            for await (const parsed of parser.hosts()) hosts.push(parsed);
            expect(hosts[0].detections[0]).to.include({ results: text });
            expect(hosts[0].detections[0].resultsCut).to.equal(undefined);
        });

        it('refuses any other value past its bound, naming the field', async () => {
            const xml = page({ first: host(1, '<OS>@</OS>') });
            const { hosts, error } = await parseAll(inflated(xml, 'Windows ', 2_000_000));
            expect(hosts).to.deep.equal([]);
            expect(error?.kind).to.equal('protocol');
            expect(error?.message).to.match(/after 0 hosts: the value of HOST\/OS is longer than 65536 characters$/);
        });

        it('refuses a host record past its bound', async () => {
            const detections = '<DETECTION><QID>1</QID><RESULTS>' + 'x'.repeat(90) + '</RESULTS></DETECTION>';
            const xml = page({ first: host(1, `<DETECTION_LIST>${detections.repeat(50)}</DETECTION_LIST>`) });
            const { error } = await parseHostsWith(xml, SMALL);
            expect(error).to.match(/a HOST record (larger than 4000 characters|of more than 60 elements)/);
        });

        it('refuses a host of too many elements', async () => {
            const xml = page({ first: host(1, '<T/>'.repeat(100)) });
            const { error } = await parseHostsWith(xml, SMALL);
            expect(error).to.contain('a HOST record of more than 60 elements');
        });
    });

    describe('skipped content', () => {
        it('skips a huge element outside the host list and reads every host', async () => {
            const xml = page({ between: '<REQUEST><PARAM_LIST><![CDATA[@]]></PARAM_LIST><ECHO>@</ECHO></REQUEST>' });
            const { hosts, error } = await parseAll(inflated(xml, 'padding ', 1_000_000));
            expect(error).to.equal(undefined);
            expect(hosts.map(parsed => parsed.host.id)).to.deep.equal([1, 2]);
        });

        it('reads comments of any length (cut), and refuses a tag or processing instruction past the bound', async () => {
            const comment = await parseHostsWith(page({ between: `<!--${'-x'.repeat(400)}-->` }), SMALL);
            expect(comment.error).to.equal(undefined);
            expect(comment.ids).to.deep.equal([1, 2]);
            const tag = await parseHostsWith(page({ between: `<UNKNOWN a="${'v'.repeat(400)}"/>` }), SMALL);
            expect(tag.error).to.contain('a tag longer than 300 characters');
            const pi = await parseHostsWith(page({ between: `<?pi ${'v'.repeat(400)}?>` }), SMALL);
            expect(pi.error).to.contain('a processing instruction longer than 300 characters');
        });
    });
});

/** Parses `xml` in 13-byte chunks with `limits`; the host ids read and the error message, if any. */
async function parseHostsWith(xml: string, limits: XmlLimits): Promise<{ ids: number[]; error?: string }> {
    const parser = new HostDetectionParser(chunked(xml, 13), limits);
    const ids: number[] = [];
    try {
        for await (const parsed of parser.hosts()) ids.push(parsed.host.id);
    } catch (error) {
        return { ids, error: (error as Error).message };
    }
    return { ids };
}
