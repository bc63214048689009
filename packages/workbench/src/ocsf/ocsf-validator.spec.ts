import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempDir } from '../e2e/cli-process.spec.helper.js';
import { loadCompactOcsfClass } from './compact-ocsf-class.js';
import { compactOcsfClass } from './ocsf-schema-compactor.js';
import { OcsfValidator } from './ocsf-validator.js';

/** A small but complete Vulnerability Finding, as the Qualys connector writes one. */
function finding(): Record<string, unknown> {
    return {
        class_uid: 2002,
        class_name: 'Vulnerability Finding',
        category_uid: 2,
        category_name: 'Findings',
        activity_id: 2,
        activity_name: 'Update',
        type_uid: 200202,
        type_name: 'Vulnerability Finding: Update',
        time: 1715640069000,
        severity_id: 4,
        severity: 'High',
        status_id: 99,
        status: 'Active',
        metadata: {
            version: '1.5.0',
            product: { name: 'Vulnerability Management', vendor_name: 'Qualys' },
            profiles: ['cloud'],
            labels: ['first_seen_after_last_seen']
        },
        finding_info: {
            uid: 'qvk_1',
            title: 'QID 38794',
            analytic: { uid: '38794', name: 'QID 38794', type_id: 1, type: 'Rule' },
            tags: [{ name: 'cisa_known_exploited', value: 'true' }],
            attacks: [
                { tactic: { uid: 'TA0008' }, technique: { uid: 'T1210', name: 'Exploitation of Remote Services' } }
            ]
        },
        device: {
            type_id: 0,
            type: 'Unknown',
            uid: '118220451',
            ip: '10.20.4.17',
            mac: 'aa:bb:cc:dd:ee:ff',
            network_interfaces: [{ ip: '54.1.2.3', type_id: 99, type: 'Public' }]
        },
        cloud: { provider: 'AWS', region: 'us-east-1', account: { uid: '123', type_id: 10, type: 'AWS Account' } },
        vulnerabilities: [{ title: 'QID 38794', cve: { uid: 'CVE-2011-3389', epss: { score: '0.1' } } }],
        unmapped: { qualys: { anything: [{ goes: true }] } }
    };
}

function messages(event: unknown): string[] {
    return new OcsfValidator(loadCompactOcsfClass()).validate(event).map(p => `${p.path} ${p.message}`);
}

describe('OcsfValidator on the committed OCSF 1.5.0 Vulnerability Finding', () => {
    it('is compiled from OCSF 1.5.0, class 2002 of the Findings category', () => {
        const schema = loadCompactOcsfClass();
        expect(schema.ocsfVersion).to.equal('1.5.0');
        expect(schema.class).to.include({ name: 'vulnerability_finding', uid: 2002, categoryUid: 2 });
        expect(schema.class.attributes.status_id.enum).to.deep.equal({
            0: 'Unknown',
            1: 'New',
            2: 'In Progress',
            3: 'Suppressed',
            4: 'Resolved',
            5: 'Archived',
            99: 'Other'
        });
        expect(schema.objects.vulnerability.constraints).to.deep.equal({ just_one: ['advisory', 'cve', 'cwe'] });
    });

    it('accepts a conforming finding, with anything under unmapped', () => {
        expect(messages(finding())).to.deep.equal([]);
    });

    it('reports missing required attributes, unknown attributes and wrong types', () => {
        const event = finding();
        delete event.severity_id;
        event.qds = 72;
        (event.device as Record<string, unknown>).uid = 118220451;
        (event.finding_info as Record<string, unknown>).first_seen_time = '2024-05-13';
        expect(messages(event)).to.have.members([
            '$.severity_id is required',
            '$.qds is not an attribute here',
            '$.device.uid must be a string (string_t)',
            '$.finding_info.first_seen_time must be an integer (timestamp_t)'
        ]);
    });

    it('reports unknown enum values, captions that differ from the enum and Other without a caption', () => {
        const event = finding();
        event.activity_id = 7;
        event.severity = 'Serious';
        event.status = undefined;
        expect(messages(event)).to.have.members([
            '$.activity_id 7 is not one of 0, 1, 2, 3, 99',
            '$.severity must be the caption of severity_id 4, "High", not "Serious"',
            '$.status_id is 99 (Other): status must say what it is'
        ]);
    });

    it('reports profile attributes without their profile, bad addresses and broken constraints', () => {
        const event = finding();
        (event.metadata as Record<string, unknown>).profiles = [];
        event.risk_score = 72;
        (event.device as Record<string, unknown>).ip = '10.20.4';
        const [vulnerability] = event.vulnerabilities as Record<string, unknown>[];
        vulnerability.advisory = { uid: 'QID-38794' };
        expect(messages(event)).to.have.members([
            '$.cloud belongs to the cloud profile, which metadata.profiles does not list',
            '$.risk_score belongs to the security_control profile, which metadata.profiles does not list',
            '$.device.ip is not a valid ip_t: "10.20.4"',
            '$.vulnerabilities[0] needs exactly one of advisory, cve, cwe'
        ]);
    });
});

describe('compactOcsfClass', () => {
    it('resolves extends, profiles (and their opt-out), enums, siblings, objects and types from a schema source', async () => {
        const dir = await tempDir('ocsf-source');
        try {
            const files: Record<string, unknown> = {
                'version.json': { version: '9.9.9' },
                'categories.json': { attributes: { findings: { uid: 2, caption: 'Findings' } } },
                'dictionary.json': {
                    attributes: {
                        activity_id: {
                            type: 'integer_t',
                            sibling: 'activity_name',
                            enum: { 0: { caption: 'Unknown' }, 99: { caption: 'Other' } }
                        },
                        activity_name: { type: 'string_t' },
                        class_uid: { type: 'integer_t', sibling: 'class_name' },
                        class_name: { type: 'string_t' },
                        category_uid: { type: 'integer_t' },
                        type_uid: { type: 'long_t' },
                        thing: { type: 'thing' },
                        name: { type: 'string_t' },
                        ip: { type: 'ip_t' },
                        score: { type: 'integer_t' },
                        level: { type: 'integer_t' }
                    },
                    types: {
                        attributes: {
                            ip_t: { type: 'string_t', regex: '^\\d+\\.\\d+\\.\\d+\\.\\d+$', max_len: 40 },
                            string_t: {},
                            integer_t: {},
                            long_t: {}
                        }
                    }
                },
                'events/base_event.json': {
                    name: 'base_event',
                    attributes: {
                        $include: ['profiles/scoring.json'],
                        activity_id: { requirement: 'required' },
                        class_uid: { requirement: 'required' },
                        category_uid: { requirement: 'required' },
                        type_uid: { requirement: 'required' }
                    }
                },
                'events/findings/widget_finding.json': {
                    name: 'widget_finding',
                    caption: 'Widget Finding',
                    extends: 'base_event',
                    category: 'findings',
                    uid: 7,
                    attributes: {
                        activity_id: { enum: { 1: { caption: 'Create' } } },
                        level: { requirement: 'optional', profile: null },
                        thing: { requirement: 'recommended' }
                    }
                },
                'profiles/scoring.json': {
                    name: 'scoring',
                    meta: 'profile',
                    attributes: { score: { requirement: 'optional' }, level: { requirement: 'optional' } }
                },
                'objects/_base.json': {
                    name: '_base',
                    attributes: { name: { requirement: 'recommended' } },
                    constraints: { at_least_one: ['name', 'ip'] }
                },
                'objects/thing.json': {
                    name: 'thing',
                    extends: '_base',
                    attributes: { ip: { requirement: 'required' } }
                }
            };
            for (const [path, content] of Object.entries(files)) {
                await mkdir(dirname(join(dir.path, path)), { recursive: true });
                await writeFile(join(dir.path, path), JSON.stringify(content));
            }
            const compact = await compactOcsfClass(dir.path, 'widget_finding');
            expect(compact.ocsfVersion).to.equal('9.9.9');
            expect(compact.class).to.include({ uid: 2007, categoryUid: 2, caption: 'Widget Finding' });
            const attributes = compact.class.attributes;
            expect(attributes.activity_id).to.deep.equal({
                type: 'integer_t',
                req: 'required',
                enum: { 0: 'Unknown', 1: 'Create', 99: 'Other' },
                sibling: 'activity_name'
            });
            expect(attributes.type_uid.enum).to.deep.equal({
                200700: 'Widget Finding: Unknown',
                200701: 'Widget Finding: Create',
                200799: 'Widget Finding: Other'
            });
            expect(attributes.score).to.deep.equal({ type: 'integer_t', profile: 'scoring' });
            expect(attributes.level, 'a class can take an attribute out of its profile').to.deep.equal({
                type: 'integer_t'
            });
            expect(compact.objects.thing).to.deep.equal({
                attributes: { ip: { type: 'ip_t', req: 'required' }, name: { type: 'string_t', req: 'recommended' } },
                constraints: { at_least_one: ['name', 'ip'] }
            });
            expect(compact.types.ip_t).to.deep.equal({
                base: 'string_t',
                regex: '^\\d+\\.\\d+\\.\\d+\\.\\d+$',
                maxLength: 40
            });
        } finally {
            await dir.remove();
        }
    });
});
