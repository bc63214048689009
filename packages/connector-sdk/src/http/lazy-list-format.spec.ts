import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { withLazyListFormat } from './lazy-list-format.js';

/** Replaces `Intl.ListFormat` with a subclass that counts the formatters built, for the duration of `run`. */
async function countingFormatters(run: (built: () => number) => Promise<void>): Promise<void> {
    const descriptor = Object.getOwnPropertyDescriptor(Intl, 'ListFormat')!;
    const Real = descriptor.value as typeof Intl.ListFormat;
    let built = 0;
    class Counting extends Real {
        constructor(...args: ConstructorParameters<typeof Intl.ListFormat>) {
            super(...args);
            built++;
        }
    }
    Object.defineProperty(Intl, 'ListFormat', { ...descriptor, value: Counting });
    try {
        await run(() => built);
    } finally {
        Object.defineProperty(Intl, 'ListFormat', descriptor);
    }
}

/** How many list formatters a fresh node process builds while it imports `url`. */
function formattersBuiltImporting(url: string): number {
    const script =
        `const d = Object.getOwnPropertyDescriptor(Intl, 'ListFormat'); let built = 0;` +
        `Object.defineProperty(Intl, 'ListFormat', { ...d, value: class extends d.value {` +
        ` constructor(...a) { super(...a); built++; } } });` +
        `await import(${JSON.stringify(url)}); process.stdout.write(String(built));`;
    return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe('withLazyListFormat', () => {
    it('builds a real formatter only when one is first used, with the arguments given', async () => {
        await countingFormatters(async built => {
            const formatter = await withLazyListFormat(async () => new Intl.ListFormat('en', { type: 'disjunction' }));
            expect(built()).to.equal(0);
            expect(formatter.format(['a', 'b', 'c'])).to.equal('a, b, or c');
            expect(formatter.formatToParts(['a', 'b']).map(part => part.value)).to.deep.equal(['a', ' or ', 'b']);
            expect(formatter.resolvedOptions()).to.include({ locale: 'en', type: 'disjunction' });
            expect(built()).to.equal(1);
        });
    });

    it('puts the real constructor back once the load settles, whether it resolves or rejects', async () => {
        const before = Object.getOwnPropertyDescriptor(Intl, 'ListFormat');
        let during: unknown;
        await withLazyListFormat(async () => {
            during = Intl.ListFormat;
        });
        expect(during).not.to.equal(before?.value);
        expect(Object.getOwnPropertyDescriptor(Intl, 'ListFormat')).to.deep.equal(before);
        const failure = await withLazyListFormat(() => Promise.reject(new Error('import failed'))).then(
            () => undefined,
            (error: unknown) => error
        );
        expect(failure).to.be.an('error').with.property('message', 'import failed');
        expect(Object.getOwnPropertyDescriptor(Intl, 'ListFormat')).to.deep.equal(before);
    });

    it('keeps the SDK from building any list formatter as it loads, though got alone builds two', function () {
        this.timeout(20_000);
        expect(formattersBuiltImporting(new URL('../index.js', import.meta.url).href)).to.equal(0);
        // If this fails, got's dependencies no longer build formatters at import, and withLazyListFormat can go.
        expect(formattersBuiltImporting(import.meta.resolve('got'))).to.equal(2);
    });
});
