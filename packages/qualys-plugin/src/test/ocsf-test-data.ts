import type { ArtifactSource } from '@signal-connectors/connector-sdk';
import type { KbSummary, KbVuln, QualysDetection, QualysHost, QualysScan } from '../model/index.js';

/*
 * Hand-built inputs for the OCSF specs, shaped like the composed samples of the Qualys API notes (§2.6, §4,
 * §3.1). Each factory returns a fresh object with every modelled field set; `overrides` replace fields.
 */

/** The source every spec maps with. */
export const SOURCE: ArtifactSource = { connector: 'signal-client.qualys', instance: 'qualys-prod' };

/** RESULTS with tabs, newlines, a blank line and trailing spaces inside, which must survive byte for byte. */
export const TABULAR_RESULTS =
    'Package\tInstalled Version\tRequired Version\nopenssl\t3.0.2-0ubuntu1.14\t3.0.2-0ubuntu1.15\n\n' +
    '  indented line  \tend';

/** A host with every modelled field, plus elements the parser did not model. */
export function fullHost(overrides: Partial<QualysHost> = {}): QualysHost {
    return {
        id: 118220451,
        assetId: 28811763,
        ip: '10.20.4.17',
        ipv6: 'fd00:20:4::17',
        trackingMethod: 'AGENT',
        networkId: '1004',
        os: 'Windows Server 2019 Datacenter 64 bit Edition Version 1809',
        osCpe: 'cpe:/o:microsoft:windows_server_2019::datacenter',
        dns: 'app01.corp.example.com',
        dnsData: { hostname: 'app01', domain: 'corp.example.com', fqdn: 'app01.corp.example.com' },
        netbios: 'APP01',
        qgHostId: '4c1e0e55-2f70-4a34-9d8e-0a6b0c5f1b22',
        cloudProvider: 'AWS',
        cloudService: 'EC2',
        cloudResourceId: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc123def4567890',
        ec2InstanceId: 'i-0abc123def4567890',
        lastScanDatetime: '2024-05-13T22:41:09Z',
        lastVmScannedDate: '2024-05-13T22:38:55Z',
        lastVmScannedDuration: 1312,
        lastVmAuthScannedDate: '2024-05-13T22:38:55Z',
        lastVmAuthScannedDuration: 1300,
        lastPcScannedDate: '2024-05-12T10:00:00Z',
        tags: [
            { id: '31790044', name: 'Production', color: '#FFFFFF', backgroundColor: '#CC0000' },
            { id: '31790045', name: 'DC1' }
        ],
        unmapped: {
            METADATA: { EC2: { ATTRIBUTE: [{ NAME: 'region', VALUE: 'eu-west-1' }] } },
            CLOUD_PROVIDER_TAGS: { CLOUD_TAG: [{ NAME: 'team', VALUE: 'payments' }] }
        },
        ...overrides
    };
}

/** A detection with every modelled field, plus elements the parser did not model. */
export function fullDetection(overrides: Partial<QualysDetection> = {}): QualysDetection {
    return {
        uniqueVulnId: '7410022955',
        qid: 38794,
        type: 'Confirmed',
        severity: 4,
        port: 443,
        protocol: 'tcp',
        fqdn: 'www.example.com',
        ssl: true,
        instance: 'oracle19:1:ORCL',
        results: TABULAR_RESULTS,
        status: 'Re-Opened',
        firstFound: '2023-11-02T21:05:40Z',
        lastFound: '2024-05-13T22:38:55Z',
        qds: { score: 72, severity: 'HIGH' },
        qdsFactors: { CVSS: '7.8', CVSS_version: 'v3.x', epss: '0.00118', RTI: 'Easy_Exploit' },
        timesFound: 19,
        lastTest: '2024-05-13T22:38:55Z',
        lastUpdate: '2024-05-13T22:41:09Z',
        lastFixed: '2024-02-20T21:59:01Z',
        firstReopened: '2024-03-05T22:01:44Z',
        lastReopened: '2024-03-05T22:01:44Z',
        timesReopened: 1,
        service: 'Web Server',
        isIgnored: false,
        isDisabled: false,
        affectRunningKernel: '0',
        affectRunningService: '1',
        affectExploitableConfig: '1',
        lastProcessed: '2024-05-13T22:41:10Z',
        assetCve: 'CVE-2011-3389',
        unmapped: { FUTURE_ELEMENT: 'kept', NESTED_FUTURE: { ITEM: ['a', 'b'] } },
        ...overrides
    };
}

/** A full KnowledgeBase entry (long texts included) for the detection's QID. */
export function fullKbVuln(overrides: Partial<KbVuln> = {}): KbVuln {
    return {
        qid: 38794,
        vulnType: 'Vulnerability',
        severityLevel: 3,
        title: 'Secure Sockets Layer/Transport Layer Security (SSL/TLS) Deprecated TLSv1.1 Protocol Detected',
        category: 'General remote services',
        lastServiceModified: '2024-03-02T12:01:15Z',
        published: '2020-03-31T20:48:19Z',
        patchable: false,
        cves: ['CVE-2011-3389', 'CVE-2015-0204', 'CVE-2014-3566'],
        cvss: { base: 4.3, temporal: 3.7, vector: 'CVSS:2.0/AV:N/AC:M/Au:N/C:P/I:N/A:N/E:U/RL:W/RC:C' },
        cvssV3: {
            base: 5.9,
            temporal: 5.3,
            vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N/E:U/RL:W/RC:C',
            version: '3.1'
        },
        pciFlag: true,
        threatIntel: ['Exploit_Public', 'No_Patch'],
        vendorReferences: ['RFC 8996'],
        software: [{ product: 'None', vendor: 'multi-vendor' }],
        diagnosis: 'The remote service accepts connections encrypted using TLS 1.1.<P>TLS 1.1 is deprecated.',
        consequence: 'An attacker may be able to exploit weaknesses in the protocol.',
        solution: 'Disable TLS 1.1 and enable TLS 1.2 or later.',
        unmapped: { DISCOVERY: { REMOTE: '1' } },
        ...overrides
    };
}

/** The cached summary of {@link fullKbVuln}. */
export function fullKbSummary(overrides: Partial<KbSummary> = {}): KbSummary {
    const {
        diagnosis: _diagnosis,
        consequence: _consequence,
        solution: _solution,
        unmapped: _unmapped,
        ...summary
    } = fullKbVuln();
    return { ...summary, ...overrides };
}

/** A scan list entry with every modelled field. */
export function fullScan(overrides: Partial<QualysScan> = {}): QualysScan {
    return {
        ref: 'scan/1715637600.41277',
        id: '41277',
        scanType: 'Scanner',
        type: 'Scheduled',
        title: 'Weekly Internal - DC1',
        userLogin: 'acme_ab12',
        launchDatetime: '2024-05-13T22:00:00Z',
        duration: '01:41:09',
        processingPriority: '0 - No Priority',
        processed: true,
        state: 'Finished',
        target: '10.20.0.0-10.20.15.255',
        assetGroups: ['DC1 Servers'],
        optionProfile: { title: 'Authenticated Full Scan', isDefault: false },
        unmapped: { CLIENT: { ID: '7', NAME: 'Acme' } },
        ...overrides
    };
}

/** Paths of every undefined value reachable from `value` (an empty list means clean JSON-able output). */
export function undefinedPaths(value: unknown, path = '$'): string[] {
    if (value === undefined) return [path];
    if (value === null || typeof value !== 'object') return [];
    return Object.entries(value).flatMap(([key, item]) => undefinedPaths(item, `${path}.${key}`));
}
