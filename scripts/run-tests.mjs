#!/usr/bin/env node
// Runs every package's compiled mocha specs and prints one closing line totalled over
// all packages: `N passed, N failed`. A package whose mocha run crashes before reporting
// counts as one failure, so a broken suite can never look green.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The pinned Node 24 (the `node` devDependency), even when this script was started by an older system `node`.
const pinnedNode = join(root, 'node_modules', 'node', 'bin', 'node');
const nodeBinary = existsSync(pinnedNode) ? pinnedNode : process.execPath;
const packages = ['connector-sdk', 'qualys-sandbox', 'qualys-plugin', 'host-runtime', 'workbench'];
const only = process.argv.slice(2);
const resultsDir = join(root, '.test-results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

let passed = 0;
let failed = 0;
let pending = 0;
for (const name of packages) {
    if (only.length > 0 && !only.includes(name)) continue;
    const dir = join(root, 'packages', name);
    const summaryFile = join(resultsDir, `${name}.json`);
    console.log(`\n=== ${name} ===`);
    const result = spawnSync(
        nodeBinary,
        [
            '--enable-source-maps',
            join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'),
            '--config',
            join(root, '.mocharc.json'),
            '--reporter',
            join(root, 'scripts', 'mocha-summary-reporter.cjs'),
            '--reporter-option',
            `summaryFile=${summaryFile}`,
            'dist/**/*.spec.js'
        ],
        { cwd: dir, stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } }
    );
    if (existsSync(summaryFile)) {
        const stats = JSON.parse(readFileSync(summaryFile, 'utf8'));
        passed += stats.passes;
        failed += stats.failures;
        pending += stats.pending;
        if (stats.failures === 0 && result.status !== 0) failed += 1;
    } else {
        console.error(`${name}: mocha exited with ${result.status ?? result.signal} before reporting`);
        failed += 1;
    }
}
console.log('');
console.log(`${passed} passed, ${failed} failed${pending > 0 ? `, ${pending} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
