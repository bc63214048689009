#!/usr/bin/env node
/**
 * `npm run bench:parser [-- hosts pageHosts ...]`: peak RSS and speed of the streaming host detection parser
 * alone over one response of `pageHosts` hosts (default: a 10,000-host page, then a single 100,000-host
 * response), 25 detections per host, the sandbox serving from its own process. Each measurement runs in a
 * fresh child process so its peak RSS is its own.
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { HostDetectionParser } from '@signal-connectors/qualys-plugin/xml';
import { startSandboxProcess } from './sandbox-process.js';

interface ParserMeasurement {
    hosts: number;
    detections: number;
    megabytes: number;
    seconds: number;
    megabytesPerSecond: number;
    peakRssMb: number;
}

/** Streams one host detection response of `pageHosts` hosts through the parser, counting what it yields. */
async function measure(url: string, username: string, password: string, pageHosts: number): Promise<ParserMeasurement> {
    const started = performance.now();
    let bytes = 0;
    let hosts = 0;
    let detections = 0;
    const form = `action=list&truncation_limit=${pageHosts}&show_results=1&show_qds=1&show_qds_factors=1&show_tags=1`;
    await new Promise<void>((resolve, reject) => {
        const request = http.request(
            `${url}/api/5.0/fo/asset/host/vm/detection/`,
            {
                method: 'POST',
                auth: `${username}:${password}`,
                headers: { 'X-Requested-With': 'parser-memory', 'Content-Type': 'application/x-www-form-urlencoded' }
            },
            response => {
                const counted = (async function* () {
                    for await (const chunk of response as AsyncIterable<Buffer>) {
                        bytes += chunk.length;
                        yield chunk;
                    }
                })();
                void (async () => {
                    for await (const parsed of new HostDetectionParser(counted).hosts()) {
                        hosts += 1;
                        detections += parsed.detections.length;
                    }
                })().then(resolve, reject);
            }
        );
        request.on('error', reject);
        request.end(form);
    });
    const seconds = (performance.now() - started) / 1000;
    return {
        hosts,
        detections,
        megabytes: bytes / 1e6,
        seconds,
        megabytesPerSecond: bytes / 1e6 / seconds,
        peakRssMb: process.resourceUsage().maxRSS / 1024
    };
}

async function child(pageHosts: number): Promise<void> {
    const sandbox = await startSandboxProcess({ hosts: pageHosts, detectionsPerHost: 25, resultsSize: 300, seed: 1 });
    try {
        console.log(JSON.stringify(await measure(sandbox.url, sandbox.username, sandbox.password, pageHosts)));
    } finally {
        sandbox.stop();
    }
}

function parent(sizes: number[]): void {
    console.log('| response | detections | XML | time | MB/s | peak RSS |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const size of sizes) {
        const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(size)], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'inherit']
        });
        if (run.status !== 0) throw new Error(`the ${size}-host measurement failed (exit ${run.status})`);
        const m = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as ParserMeasurement;
        console.log(
            `| ${m.hosts.toLocaleString('en')} hosts | ${m.detections.toLocaleString('en')} | ` +
                `${m.megabytes.toFixed(0)} MB | ${m.seconds.toFixed(1)} s | ${m.megabytesPerSecond.toFixed(1)} | ` +
                `${m.peakRssMb.toFixed(0)} MB |`
        );
    }
}

const args = process.argv.slice(2);
if (args[0] === '--child') await child(Number(args[1]));
else parent(args.length > 0 ? args.map(Number) : [10_000, 100_000]);
