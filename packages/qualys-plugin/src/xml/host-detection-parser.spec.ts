import { expect } from 'chai';
import { PassThrough, Readable } from 'node:stream';
import { HostDetectionParser } from './host-detection-parser.js';
import { chunked, parseAll, readFixture } from './xml-fixtures.spec.helper.js';

async function parseFixture(name: string, chunkSize = 97) {
    return parseAll(chunked(await readFixture(name), chunkSize));
}

describe('HostDetectionParser', () => {
    describe('documents', () => {
        it('maps a page with a pagination WARNING', async () => {
            const { hosts, trailer, error } = await parseFixture('hld-page-with-warning.xml');
            expect(error).to.equal(undefined);
            expect(hosts.map(parsed => parsed.host.id)).to.deep.equal([118220451, 118220466]);
            expect(hosts[0].host).to.deep.equal({
                id: 118220451,
                assetId: 28811763,
                ip: '10.20.4.17',
                trackingMethod: 'IP',
                networkId: '0',
                os: 'Windows Server 2019 Datacenter 64 bit Edition Version 1809',
                dns: 'app01.corp.example.com',
                dnsData: { hostname: 'app01', domain: 'corp.example.com', fqdn: 'app01.corp.example.com' },
                netbios: 'APP01',
                lastScanDatetime: '2024-05-13T22:41:09Z',
                lastVmScannedDate: '2024-05-13T22:38:55Z',
                lastVmScannedDuration: 1312,
                lastVmAuthScannedDate: '2024-05-13T22:38:55Z',
                lastVmAuthScannedDuration: 1312,
                tags: [{ id: '31790044', name: 'Production' }],
                unmapped: {}
            });
            expect(hosts[0].detections[0]).to.deep.equal({
                uniqueVulnId: '7410022931',
                qid: 91847,
                type: 'Confirmed',
                severity: 4,
                ssl: false,
                results: '%windir%\\System32\\win32k.sys  Version is 10.0.17763.4252',
                status: 'Active',
                firstFound: '2024-04-10T22:37:12Z',
                lastFound: '2024-05-13T22:38:55Z',
                qds: { score: 72, severity: 'HIGH' },
                qdsFactors: { CVSS: '7.8', CVSS_version: 'v3.x', epss: '0.00118' },
                timesFound: 34,
                lastTest: '2024-05-13T22:38:55Z',
                lastUpdate: '2024-05-13T22:41:09Z',
                isIgnored: false,
                isDisabled: false,
                lastProcessed: '2024-05-13T22:41:09Z',
                unmapped: {}
            });
            expect(hosts[0].detections[1]).to.deep.include({
                port: 443,
                protocol: 'tcp',
                ssl: true,
                status: 'Re-Opened',
                lastFixed: '2024-02-20T21:59:01Z',
                firstReopened: '2024-03-05T22:01:44Z',
                lastReopened: '2024-03-05T22:01:44Z',
                timesReopened: 1
            });
            expect(hosts[1].host).to.deep.include({ qgHostId: '4c1e0e55-2f70-4a34-9d8e-0a6b0c5f1b22', tags: [] });
            expect(hosts[1].detections[0].results).to.equal(
                'Package\tInstalled Version\tRequired Version\nopenssl\t3.0.2-0ubuntu1.14\t3.0.2-0ubuntu1.15'
            );
            expect(trailer).to.deep.equal({
                hostCount: 2,
                responseDatetime: '2024-05-14T08:12:03Z',
                warning: {
                    code: '1980',
                    text: '2 record limit exceeded. Use URL to get next batch of results.',
                    url:
                        'https://qualysapi.qg2.apps.qualys.com/api/2.0/fo/asset/host/vm/detection/?action=list' +
                        '&show_tags=1&show_qds=1&show_qds_factors=1&show_asset_id=1&show_reopened_info=1' +
                        '&status=New,Active,Re-Opened,Fixed' +
                        '&vm_processed_after=2024-05-13T00:00:00Z&truncation_limit=2&id_min=118220467'
                },
                nextIdMin: 118220467
            });
        });

        it('maps the final page: no WARNING, no nextIdMin', async () => {
            const { hosts, trailer } = await parseFixture('hld-final-page.xml');
            expect(hosts).to.have.length(1);
            expect(hosts[0].host).to.deep.include({ id: 118220502, ipv6: 'fd00:20:7::5', trackingMethod: 'DNS' });
            expect(hosts[0].detections[0]).to.deep.include({ qid: 11827, status: 'Fixed', ssl: true });
            expect(trailer).to.deep.equal({ hostCount: 1, responseDatetime: '2024-05-14T08:12:09Z' });
        });

        it('reads an absent HOST_LIST and an empty one as no hosts', async () => {
            for (const name of ['hld-empty-result.xml', 'hld-empty-host-list.xml']) {
                const { hosts, trailer, error } = await parseFixture(name);
                expect(error, name).to.equal(undefined);
                expect(hosts, name).to.deep.equal([]);
                expect(trailer.hostCount, name).to.equal(0);
                expect(trailer.responseDatetime, name).to.be.a('string');
            }
        });

        it('maps one host with one tag and one detection the same way as many', async () => {
            const { hosts } = await parseFixture('hld-one-host.xml');
            expect(hosts).to.have.length(1);
            expect(hosts[0].host.tags).to.deep.equal([{ id: '9001', name: 'Only Tag' }]);
            expect(hosts[0].detections).to.have.length(1);
            expect(hosts[0].detections[0]).to.deep.include({ qid: 90043, qds: { score: 25, severity: 'LOW' } });
            expect(hosts[0].detections[0].qdsFactors).to.deep.equal({ CVSS: '5.0' });
        });
    });

    describe('quirks', () => {
        it('tolerates comments, REQUEST echo, CDATA on its own line and empty elements', async () => {
            const { hosts, trailer, error } = await parseFixture('hld-format-quirks.xml', 13);
            expect(error).to.equal(undefined);
            expect(hosts).to.have.length(2);
            const { host, detections } = hosts[0];
            expect(host.os).to.equal('Red Hat Enterprise Linux 8.9');
            expect(host.dns).to.equal('db01.corp.example.com');
            expect(host.dnsData).to.deep.equal({ hostname: 'db01', fqdn: 'db01.corp.example.com' });
            expect(host.netbios).to.equal('DB01 & <friends> été');
            expect(host.tags.map(tag => tag.name)).to.deep.equal(['Production', 'Databases', 'PCI']);
            expect(host.tags[0]).to.deep.equal({
                id: '1',
                name: 'Production',
                color: '#FFFFFF',
                backgroundColor: '#D32F2F'
            });
            expect(host.unmapped).to.deep.equal({});
            expect(detections.map(detection => detection.qid)).to.deep.equal([105000, 38794]);
            expect(detections[0].qdsFactors).to.deep.equal({
                RTI: 'Exploit_Public,Remote_Code_Execution',
                epss: '0.97'
            });
            expect(detections[0]).to.deep.include({ isIgnored: false, isDisabled: true, ssl: true });
            expect(detections[1].results).to.equal(undefined);
            expect(trailer.responseDatetime).to.equal('2024-05-14T08:12:03Z');
        });

        it('keeps RESULTS verbatim: tabs, newlines, a split ]]> and CDATA entities', async () => {
            const { hosts } = await parseFixture('hld-format-quirks.xml', 5);
            expect(hosts[0].detections[0].results).to.equal(
                'Package\tInstalled Version\tRequired Version\npostgresql\t13.10\t13.14\n  indented\tline\n' +
                    'The marker ]]> is split here; entities stay as sent: &quot;x&quot; &gt; 1'
            );
            expect(hosts[1].detections[0].results).to.equal('text & more + cdata tail');
        });

        it('reads a WARNING without CODE whose URL sits in CDATA across lines with &amp;', async () => {
            const { trailer } = await parseFixture('hld-format-quirks.xml');
            expect(trailer.warning).to.deep.equal({
                text: '2 record limit exceeded. Use URL to get next batch of results.',
                url:
                    'https://qualysapi.qg2.apps.qualys.com/api/2.0/fo/asset/host/vm/detection/' +
                    '?action=list&truncation_limit=2&id_min=2004'
            });
            expect(trailer.nextIdMin).to.equal(2004);
        });

        it('keeps unknown elements of hosts and detections under unmapped', async () => {
            const { hosts } = await parseFixture('hld-unmapped-elements.xml');
            const { host, detections } = hosts[0];
            expect(host).to.deep.include({ cloudProvider: 'AWS', cloudService: 'EC2', ec2InstanceId: 'i-0abc123' });
            expect(host.lastVmScannedDuration).to.equal(undefined);
            expect(host.dnsData).to.deep.equal({ hostname: 'ip-172-31-5-9' });
            expect(host.tags).to.deep.equal([{ id: '7', name: 'Cloud' }]);
            const attribute = {
                name: 'latest/meta-data/instance-id',
                lastStatus: 'Success',
                value: 'i-0abc123',
                lastSuccessDate: '2024-05-13T10:00:00Z'
            };
            expect(host.cloudMetadata).to.deep.equal([
                {
                    source: 'EC2',
                    attributes: [
                        attribute,
                        { ...attribute, name: 'latest/meta-data/placement/region', value: 'us-east-1' }
                    ]
                }
            ]);
            expect(host.cloudTags).to.deep.equal([
                { name: 'env', value: 'prod', lastSuccessDate: '2024-05-13T10:00:00Z' }
            ]);
            // Empty elements (`<LAST_ERROR_DATE />`, `<ASSET_GROUP_LIST />`) say nothing and are dropped.
            expect(host.unmapped).to.deep.equal({
                LAST_VM_SCANNED_DURATION: 'null',
                CRITICALITY_SCORE: '3',
                DNS_DATA: { PTR_RECORD: 'ip-172-31-5-9.ec2.internal' },
                TAGS: { TAG: { TAG_ID: '7', CRITICALITY: '5' } },
                METADATA: { AZURE: { ATTRIBUTE: { LAST_STATUS: 'Error' } } }
            });
            expect(detections[0].port).to.equal(undefined);
            expect(detections[0].qdsFactors).to.deep.equal({ trending: '2' });
            expect(detections[0].unmapped).to.deep.equal({
                PORT: 'N/A',
                DETECTION_SOURCE: 'Cloud Agent',
                VENDOR_INFO: { $: { priority: 'high' }, VENDOR: 'acme', NOTE: ['first', 'second'] },
                QDS_FACTORS: { QDS_FACTOR: 'nameless' }
            });
        });

        it('reads cloud metadata, cloud tags, the network name and the API 5.0 detection fields', async () => {
            const { hosts, error } = await parseFixture('hld-cloud-and-v5-fields.xml');
            expect(error).to.equal(undefined);
            const { host, detections } = hosts[0];
            expect(host.networkName).to.equal('GCP Production');
            expect(host.cloudMetadata?.map(block => block.source)).to.deep.equal(['GOOGLE']);
            expect(host.cloudMetadata?.[0].attributes[0]).to.deep.equal({
                name: 'latest/meta-data/instance-id',
                lastStatus: 'Success',
                value: '1234567898765432123',
                lastSuccessDate: '2024-09-02T13:09:01Z'
            });
            expect(host.cloudMetadata?.[0].attributes.map(attribute => attribute.name)).to.have.length(7);
            expect(host.cloudTags).to.deep.equal([
                { name: 'division', value: 'IT', lastSuccessDate: '2024-09-02T13:09:01Z' }
            ]);
            expect(host.unmapped, 'empty ASSET_GROUP_LIST dropped').to.deep.equal({});
            expect(detections[0]).to.deep.include({
                cves: ['CVE-2024-6387', 'CVE-2006-5051'],
                detectionSources: ['Cloud Agent', 'Internal Scanner'],
                latestDetectionSource: 'Cloud Agent',
                mitreTactics: [
                    { id: 'TA0008', name: 'lateral-movement' },
                    { id: 'TA0004', name: 'privilege-escalation' }
                ],
                mitreTechniques: [
                    { id: 'T1210', name: 'Exploitation of Remote Services' },
                    { id: 'T1068', name: 'Exploitation for Privilege Escalation' }
                ],
                truriskEliminationStatus: 'OPEN'
            });
            expect(detections[0].unmapped).to.deep.equal({});
            expect(detections[1]).to.include({ qid: 70028, type: 'Info' });
            expect(detections[1]).not.to.have.any.keys('firstFound', 'lastFound', 'lastUpdate', 'status');
        });

        it('strips unprintable control characters, literal or as character references', async () => {
            const xml = (await readFixture('hld-one-host.xml')).replace(
                '<STATUS>New</STATUS>',
                '<STATUS>New</STATUS><RESULTS><![CDATA[a\u0001b\u000Bc\td]]>\ne&#1;f&#x1F;g</RESULTS>'
            );
            const { hosts, error } = await parseAll(chunked(xml, 50));
            expect(error).to.equal(undefined);
            expect(hosts[0].detections[0].results).to.equal('abc\td\nefg');
        });

        it('refuses a document that declares entities, and never expands one', async () => {
            const xml = (await readFixture('hld-one-host.xml'))
                .replace(
                    /<!DOCTYPE[^>]*>/,
                    '<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                )
                .replace('<IP>192.168.10.4</IP>', '<IP>192.168.10.4</IP><OS>&xxe;</OS>');
            const { hosts, error } = await parseAll(chunked(xml, 4096));
            expect(hosts).to.deep.equal([]);
            expect(error?.kind).to.equal('protocol');
            expect(error?.message).to.contain('declares its own DTD');
        });

        it('decodes multi-byte characters split across chunks', async () => {
            const xml = (await readFixture('hld-one-host.xml')).replace('Only Tag', 'Ünïcødé 🚀 Tag');
            const { hosts } = await parseAll(chunked(xml, 1));
            expect(hosts[0].host.tags[0].name).to.equal('Ünïcødé 🚀 Tag');
        });

        it('ignores whatever follows a complete document, even a second document', async () => {
            const page = await readFixture('hld-final-page.xml');
            const xml = `${page}\n<!-- trailer -->\n${page.slice(page.indexOf('<HOST_LIST_VM'))}\nstray bytes`;
            const { hosts, error } = await parseAll(chunked(xml, 128));
            expect(error).to.equal(undefined);
            expect(hosts).to.have.length(1);
        });
    });

    describe('streaming', () => {
        it('yields the first host before the last chunk is read, and reads only when asked', async () => {
            const xml = await readFixture('hld-page-with-warning.xml');
            const total = Math.ceil(Buffer.byteLength(xml) / 64);
            let reads = 0;
            const parser = new HostDetectionParser(chunked(xml, 64, () => (reads += 1)));
            const iterator = parser.hosts();
            const first = await iterator.next();
            expect(first.value?.host.id).to.equal(118220451);
            expect(reads).to.be.lessThan(total);
            const readsAtFirstHost = reads;
            await new Promise(resolve => setTimeout(resolve, 20));
            expect(reads, 'no read while the consumer holds').to.equal(readsAtFirstHost);
            const rest = [];
            for (let next = await iterator.next(); next.done !== true; next = await iterator.next())
                rest.push(next.value);
            expect(rest).to.have.length(1);
            expect(reads).to.equal(total);
        });

        it('hands over a large single chunk in slices rather than all hosts at once', async () => {
            const xml = await readFixture('hld-final-page.xml');
            const start = xml.indexOf('<HOST>');
            const end = xml.indexOf('</HOST_LIST>');
            const many = xml.slice(0, start) + xml.slice(start, end).repeat(500) + xml.slice(end);
            async function* single(): AsyncGenerator<string> {
                yield many;
            }
            const parser = new HostDetectionParser(single());
            let countAtFirst: number | undefined;
            let count = 0;
            for await (const _ of parser.hosts()) {
                countAtFirst ??= parser.trailer.hostCount;
                count += 1;
            }
            expect(count).to.equal(500);
            expect(countAtFirst).to.be.lessThan(100);
        });

        it('releases the body when the consumer stops early', async () => {
            let released = false;
            async function* body(): AsyncGenerator<Buffer> {
                try {
                    yield* chunked(await readFixture('hld-page-with-warning.xml'), 256);
                } finally {
                    released = true;
                }
            }
            const parser = new HostDetectionParser(body());
            for await (const _ of parser.hosts()) break;
            expect(released).to.equal(true);
        });

        it('reads a Node readable stream and reports its destruction as a lost connection', async () => {
            const xml = await readFixture('hld-page-with-warning.xml');
            const complete = await parseAll(Readable.from(chunked(xml, 512)));
            expect(complete.hosts).to.have.length(2);
            expect(complete.trailer.nextIdMin).to.equal(118220467);

            const socket = new PassThrough();
            socket.write(xml.slice(0, xml.indexOf('<ID>118220466')));
            const parsed = parseAll(socket);
            setImmediate(() => socket.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
            const { hosts, error } = await parsed;
            expect(hosts).to.have.length(1);
            expect(error).to.include({
                kind: 'transient',
                message: 'connection lost after 1 hosts (ECONNRESET: aborted)'
            });
        });

        it('can be iterated only once', async () => {
            const parser = new HostDetectionParser(chunked(await readFixture('hld-empty-result.xml')));
            for await (const _ of parser.hosts()) expect.fail('no hosts expected');
            let thrown: unknown;
            try {
                await parser.hosts().next();
            } catch (error) {
                thrown = error;
            }
            expect(thrown).to.be.instanceOf(Error);
        });
    });
});
