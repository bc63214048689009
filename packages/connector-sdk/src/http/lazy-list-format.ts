/*
 * got's type checker, `@sindresorhus/is`, builds two `Intl.ListFormat`s when it is imported, only to word the
 * errors of its assertions. The first `Intl` object a process builds maps about 10 MB of ICU locale data, which
 * stays resident (about 5 MB of a large poll's peak), for text that nothing in a poll or the service prints.
 */

type ListFormatConstructor = typeof Intl.ListFormat;
type ListFormatArgs = ConstructorParameters<ListFormatConstructor>;

/**
 * Runs `load` (an import) while `Intl.ListFormat` builds formatters that create the real one on first use, and puts
 * the real constructor back as soon as `load` settles. Meant for the import of a module that builds formatters at
 * its top level and rarely uses them; everything imported or built afterwards sees the real `Intl.ListFormat`.
 */
export async function withLazyListFormat<T>(load: () => Promise<T>): Promise<T> {
    const descriptor = Object.getOwnPropertyDescriptor(Intl, 'ListFormat');
    if (descriptor === undefined) return load();
    const eager = descriptor.value as ListFormatConstructor;
    Object.defineProperty(Intl, 'ListFormat', { ...descriptor, value: lazyListFormat(eager) });
    try {
        return await load();
    } finally {
        Object.defineProperty(Intl, 'ListFormat', descriptor);
    }
}

/** A stand-in for `eager` whose instances create their `eager` formatter on first use, with the same arguments. */
function lazyListFormat(eager: ListFormatConstructor): ListFormatConstructor {
    class LazyListFormat {
        static supportedLocalesOf = eager.supportedLocalesOf.bind(eager);
        private real?: Intl.ListFormat;
        private readonly args: ListFormatArgs;

        constructor(...args: ListFormatArgs) {
            this.args = args;
        }

        format(list: Iterable<string>): string {
            return this.formatter().format(list);
        }

        formatToParts(list: Iterable<string>): { type: 'element' | 'literal'; value: string }[] {
            return this.formatter().formatToParts(list);
        }

        resolvedOptions(): Intl.ResolvedListFormatOptions {
            return this.formatter().resolvedOptions();
        }

        private formatter(): Intl.ListFormat {
            this.real ??= new eager(...this.args);
            return this.real;
        }
    }
    return LazyListFormat as unknown as ListFormatConstructor;
}
