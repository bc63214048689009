import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateManifest } from './manifest/manifest-validator.js';

/** This package's README (this file is `dist/readme-snippets.spec.js`). */
const README = fileURLToPath(new URL('../README.md', import.meta.url));
/** The repository's installed packages, this SDK (built) among them. */
const REPO_MODULES = fileURLToPath(new URL('../../../node_modules', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** A fenced code block: its language, text, and the README line its text starts on. */
interface CodeBlock {
    lang: string;
    text: string;
    line: number;
}

function codeBlocks(markdown: string): CodeBlock[] {
    const blocks: CodeBlock[] = [];
    const lines = markdown.split('\n');
    for (let i = 0; i < lines.length; i++) {
        const open = /^```(\w+)\s*$/.exec(lines[i]);
        if (open === null) continue;
        const end = lines.indexOf('```', i + 1);
        blocks.push({ lang: open[1], text: lines.slice(i + 1, end).join('\n'), line: i + 2 });
        i = end;
    }
    return blocks;
}

describe('connector-sdk README', () => {
    const blocks = codeBlocks(readFileSync(README, 'utf8'));

    it('has TypeScript snippets that all compile against the built SDK', function () {
        this.timeout(120_000);
        const snippets = blocks.filter(block => block.lang === 'ts');
        expect(snippets.length).to.be.at.least(8);
        const project = mkdtempSync(join(tmpdir(), 'sdk-readme-'));
        try {
            symlinkSync(REPO_MODULES, join(project, 'node_modules'));
            // ESM, as a plugin is: `import.meta` and top-level await must type-check.
            writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
            writeFileSync(
                join(project, 'tsconfig.json'),
                JSON.stringify({
                    compilerOptions: {
                        target: 'es2023',
                        lib: ['es2023'],
                        module: 'nodenext',
                        moduleResolution: 'nodenext',
                        strict: true,
                        experimentalDecorators: true,
                        emitDecoratorMetadata: true,
                        useDefineForClassFields: false,
                        skipLibCheck: true,
                        noEmit: true,
                        types: ['node', 'mocha']
                    },
                    include: ['**/*.ts']
                })
            );
            for (const snippet of snippets) {
                // A block whose first line is `// src/x.ts` is that file of the example plugin; the others stand alone.
                const named = /^\/\/ (src\/[\w./-]+\.ts)$/.exec(snippet.text.split('\n')[0]);
                const path = named?.[1] ?? `snippets/readme-line-${snippet.line}.ts`;
                const isModule = /^(import|export) /m.test(snippet.text);
                mkdirSync(dirname(join(project, path)), { recursive: true });
                writeFileSync(join(project, path), isModule ? snippet.text : `${snippet.text}\nexport {};\n`);
            }
            const tsc = spawnSync(process.execPath, [TSC, '-p', project], { cwd: project, encoding: 'utf8' });
            expect(tsc.status, `README snippets do not compile:\n${tsc.stdout}${tsc.stderr}`).to.equal(0);
        } finally {
            rmSync(project, { recursive: true, force: true });
        }
    });

    it("shows a plugin package.json whose manifest is valid and whose peers are the SDK's", () => {
        const packages = blocks
            .filter(block => block.lang === 'json' && block.text.includes('"signalConnector"'))
            .map(block => JSON.parse(block.text) as { signalConnector: unknown; peerDependencies: object });
        expect(packages).to.have.length(1);
        const result = validateManifest(packages[0].signalConnector);
        expect(result.ok, JSON.stringify(result)).to.equal(true);
        expect(Object.keys(packages[0].peerDependencies)).to.have.members([
            '@signal-connectors/connector-sdk',
            'inversify',
            'reflect-metadata'
        ]);
    });
});
