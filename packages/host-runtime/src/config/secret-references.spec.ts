import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
    containsSecretReference,
    MAX_SECRET_FILE_BYTES,
    resolveSecretReferences,
    secretLookingValues
} from './secret-references.js';

describe('resolveSecretReferences', () => {
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), 'secret-refs-'));
        writeFileSync(join(dir, 'qualys'), 'file-secret-value\n');
        writeFileSync(join(dir, 'two-lines'), 'line1\nline2\n\n');
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const env = { QUALYS_PASSWORD: 'env-secret-value', EMPTY: '' };

    it('replaces whole and embedded env and file references anywhere in the value', async () => {
        const resolved = await resolveSecretReferences(
            {
                password: '${env:QUALYS_PASSWORD}',
                nested: {
                    header: 'Bearer ${file:qualys}',
                    list: ['${file:' + join(dir, 'two-lines') + '}', 42, true, null]
                },
                plain: 'no references here',
                empty: '${env:EMPTY}'
            },
            'instances[0].settings',
            { baseDir: dir, env }
        );
        expect(resolved.problems).to.deep.equal([]);
        expect(resolved.value).to.deep.equal({
            password: 'env-secret-value',
            nested: { header: 'Bearer file-secret-value', list: ['line1\nline2\n', 42, true, null] },
            plain: 'no references here',
            empty: ''
        });
        expect(resolved.secrets).to.have.members(['env-secret-value', 'file-secret-value', 'line1\nline2\n']);
    });

    it('turns $${...} into a literal ${...}', async () => {
        const resolved = await resolveSecretReferences({ a: 'cost: $${env:QUALYS_PASSWORD}', b: '$$ stays' }, 's', {
            baseDir: dir,
            env
        });
        expect(resolved.value).to.deep.equal({ a: 'cost: ${env:QUALYS_PASSWORD}', b: '$$ stays' });
        expect(resolved.secrets).to.deep.equal([]);
        expect(containsSecretReference('$${env:X}')).to.equal(false);
        expect(containsSecretReference('a ${env:X}')).to.equal(true);
    });

    it('reports a missing variable or file at its path, naming it but never a value', async () => {
        const resolved = await resolveSecretReferences(
            { password: '${env:NOT_SET}', key: '${file:missing.pem}', odd: 'pa${ENV:X}ss', bad: 'x${oops}y' },
            'instances[1].settings',
            { baseDir: dir, env }
        );
        const byPath = Object.fromEntries(resolved.problems.map(problem => [problem.path, problem.message]));
        expect(byPath['instances[1].settings.password']).to.equal('environment variable NOT_SET is not set');
        expect(byPath['instances[1].settings.key']).to.contain(join(dir, 'missing.pem')).and.contain('does not exist');
        expect(byPath['instances[1].settings.odd']).to.equal("unknown reference type 'ENV:'");
        expect(byPath['instances[1].settings.bad']).to.contain('not a secret reference').and.not.contain('oops');
    });
});

describe('resolveSecretReferences: ${file:} bounds', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'secret-files-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const resolveFile = async (path: string): Promise<string | undefined> => {
        const resolved = await resolveSecretReferences({ password: `\${file:${path}}` }, 's', {
            baseDir: dir,
            env: {}
        });
        return resolved.problems[0]?.message;
    };

    it('refuses a FIFO at once instead of waiting for a writer, and devices such as /dev/zero', async () => {
        const fifo = join(dir, 'fifo');
        execFileSync('mkfifo', [fifo]);
        expect(await resolveFile(fifo)).to.equal(
            `cannot read secret file ${fifo}: it is a FIFO, not a regular file; put the secret in a file`
        );
        expect(await resolveFile('/dev/zero')).to.contain('it is a device, not a regular file');
        expect(await resolveFile(dir)).to.contain('it is a directory');
    });

    it('reads a file of up to 64 KiB and refuses a larger one without reading it', async () => {
        writeFileSync(join(dir, 'largest'), 'k'.repeat(MAX_SECRET_FILE_BYTES));
        const largest = await resolveSecretReferences({ key: '${file:largest}' }, 's', { baseDir: dir, env: {} });
        expect(largest.problems).to.deep.equal([]);
        expect((largest.value as { key: string }).key).to.have.length(MAX_SECRET_FILE_BYTES);
        writeFileSync(join(dir, 'larger'), 'k'.repeat(MAX_SECRET_FILE_BYTES + 1));
        expect(await resolveFile('larger')).to.equal(
            `cannot read secret file ${join(dir, 'larger')}: it is larger than 64 KiB, far more than a secret; check the path`
        );
    });

    it('follows a symbolic link to a regular file', async () => {
        writeFileSync(join(dir, 'target'), 'linked-secret\n');
        symlinkSync(join(dir, 'target'), join(dir, 'link'));
        const resolved = await resolveSecretReferences({ key: '${file:link}' }, 's', { baseDir: dir, env: {} });
        expect(resolved.value).to.deep.equal({ key: 'linked-secret' });
    });
});

describe('secretLookingValues', () => {
    it('finds the values of fields named like secrets, at any depth', () => {
        const values = secretLookingValues({
            host: 'qualysapi.qualys.com',
            username: 'acme_ab12',
            password: 'inline-password',
            proxy: { url: 'http://proxy:3128', apiKey: 'key-1234' },
            tokens: ['t-one', 't-two'],
            clientSecret: 12345678
        });
        expect(values).to.have.members(['inline-password', 'key-1234', 't-one', 't-two', '12345678']);
    });
});
