import { readFile } from 'node:fs/promises';
import { ConnectorError } from '@signal-connectors/connector-sdk';
import type { ParsedHost } from '../model/index.js';
import { HostDetectionParser } from './host-detection-parser.js';

/** Test support for the xml specs (named `*.spec.*` so it is left out of the published package). */

/** Reads `test-fixtures/<name>` (relative to the package root, from `dist/xml`). */
export async function readFixture(name: string): Promise<string> {
    return readFile(new URL(`../../test-fixtures/${name}`, import.meta.url), 'utf8');
}

/** Yields `text` as UTF-8 buffers of `size` bytes, reporting each read to `onRead`. */
export async function* chunked(
    text: string | Buffer,
    size = 64,
    onRead?: (index: number) => void
): AsyncGenerator<Buffer> {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    for (let offset = 0, index = 0; offset < bytes.length; offset += size, index += 1) {
        onRead?.(index);
        yield bytes.subarray(offset, offset + size);
    }
}

/** Parses a whole body; returns the hosts, the trailer and the error that ended the parse, if any. */
export async function parseAll(
    body: AsyncIterable<Buffer | string>
): Promise<{ hosts: ParsedHost[]; trailer: HostDetectionParser['trailer']; error?: ConnectorError }> {
    const parser = new HostDetectionParser(body);
    const hosts: ParsedHost[] = [];
    try {
        for await (const host of parser.hosts()) hosts.push(host);
    } catch (error) {
        if (!ConnectorError.is(error)) throw error;
        return { hosts, trailer: parser.trailer, error };
    }
    return { hosts, trailer: parser.trailer };
}

/** The ConnectorError a promise rejects with; fails when it resolves or rejects with something else. */
export async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
    try {
        await promise;
    } catch (error) {
        if (ConnectorError.is(error)) return error;
        throw error;
    }
    throw new Error('expected a ConnectorError, but the promise resolved');
}

/** One generated detection; every fifth carries a multi-line RESULTS table, like a typical page. */
function generatedDetection(host: number, index: number): string {
    const results =
        index % 5 === 0
            ? '<RESULTS><![CDATA[Package\tInstalled Version\tRequired Version\n' +
              `openssl\t3.0.2-0ubuntu1.${index}\t3.0.2-0ubuntu1.${index + 1}]]></RESULTS>`
            : '';
    return (
        `<DETECTION><UNIQUE_VULN_ID>${host * 100 + index}</UNIQUE_VULN_ID><QID>${90000 + index}</QID>` +
        `<TYPE>Confirmed</TYPE><SEVERITY>${1 + (index % 5)}</SEVERITY><PORT>443</PORT><PROTOCOL>tcp</PROTOCOL>` +
        `<SSL>1</SSL>${results}<STATUS>Active</STATUS>` +
        '<FIRST_FOUND_DATETIME>2024-04-10T22:37:12Z</FIRST_FOUND_DATETIME>' +
        '<LAST_FOUND_DATETIME>2024-05-13T22:38:55Z</LAST_FOUND_DATETIME><QDS severity="HIGH">72</QDS>' +
        '<QDS_FACTORS><QDS_FACTOR name="epss"><![CDATA[0.00118]]></QDS_FACTOR></QDS_FACTORS>' +
        '<TIMES_FOUND>34</TIMES_FOUND><LAST_TEST_DATETIME>2024-05-13T22:38:55Z</LAST_TEST_DATETIME>' +
        '<LAST_UPDATE_DATETIME>2024-05-13T22:41:09Z</LAST_UPDATE_DATETIME><IS_IGNORED>0</IS_IGNORED>' +
        '<IS_DISABLED>0</IS_DISABLED>' +
        '<LAST_PROCESSED_DATETIME>2024-05-13T22:41:09Z</LAST_PROCESSED_DATETIME></DETECTION>\n'
    );
}

/** One generated host with `detections` detections. */
function generatedHost(host: number, detections: number): string {
    let xml =
        `<HOST>\n  <ID>${1_000_000 + host}</ID><ASSET_ID>${2_000_000 + host}</ASSET_ID>` +
        `<IP>10.${(host >> 16) & 255}.${(host >> 8) & 255}.${host & 255}</IP><TRACKING_METHOD>IP</TRACKING_METHOD>\n` +
        '  <OS><![CDATA[Windows Server 2019 Datacenter 64 bit Edition Version 1809]]></OS>' +
        `<DNS><![CDATA[host${host}.corp.example.com]]></DNS>\n` +
        `  <DNS_DATA><HOSTNAME><![CDATA[host${host}]]></HOSTNAME><DOMAIN><![CDATA[corp.example.com]]></DOMAIN>` +
        `<FQDN><![CDATA[host${host}.corp.example.com]]></FQDN></DNS_DATA>\n` +
        '  <LAST_SCAN_DATETIME>2024-05-13T22:41:09Z</LAST_SCAN_DATETIME>' +
        '<LAST_VM_SCANNED_DURATION>1312</LAST_VM_SCANNED_DURATION>' +
        '<TAGS><TAG><TAG_ID>31790044</TAG_ID><NAME><![CDATA[Production]]></NAME></TAG></TAGS>\n  <DETECTION_LIST>\n';
    for (let index = 0; index < detections; index += 1) xml += generatedDetection(host, index);
    return `${xml}  </DETECTION_LIST>\n</HOST>\n`;
}

/**
 * A host detection body of `hosts` hosts, produced chunk by chunk (about 64 KB each) and never held whole;
 * `stats.bytes` counts what was produced.
 */
export async function* generatedHostDetections(
    hosts: number,
    detectionsPerHost: number,
    stats: { bytes: number } = { bytes: 0 }
): AsyncGenerator<Buffer> {
    let pending =
        '<?xml version="1.0" encoding="UTF-8" ?>\n<HOST_LIST_VM_DETECTION_OUTPUT>\n<RESPONSE>\n' +
        '<DATETIME>2024-05-14T08:12:03Z</DATETIME>\n<HOST_LIST>\n';
    for (let host = 0; host < hosts; host += 1) {
        pending += generatedHost(host, detectionsPerHost);
        if (pending.length >= 64 * 1024) {
            const chunk = Buffer.from(pending, 'utf8');
            stats.bytes += chunk.length;
            pending = '';
            yield chunk;
        }
    }
    const last = Buffer.from(`${pending}</HOST_LIST>\n</RESPONSE>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n`, 'utf8');
    stats.bytes += last.length;
    yield last;
}
