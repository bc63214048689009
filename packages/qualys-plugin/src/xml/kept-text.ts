/**
 * The text a scan hands out: ranges of its input, kept as positions and joined once at the end. Almost always the
 * ranges touch and the result is one slice of the input, so no string is built per token.
 */
export class KeptText {
    private readonly parts: string[] = [];
    private from = 0;
    private to = 0;
    /** Characters kept so far. */
    length = 0;

    constructor(private readonly input: string) {}

    /** Keeps `input[from, to)`, which must start at or after the end of the range kept before. */
    keep(from: number, to: number): void {
        if (to <= from) return;
        this.length += to - from;
        if (from === this.to) {
            if (this.to === this.from) this.from = from;
            this.to = to;
            return;
        }
        this.flush();
        this.from = from;
        this.to = to;
    }

    text(): string {
        this.flush();
        if (this.parts.length === 1) return this.parts[0];
        return this.parts.join('');
    }

    private flush(): void {
        if (this.to > this.from) {
            const { input, from, to } = this;
            this.parts.push(from === 0 && to === input.length ? input : input.slice(from, to));
        }
        this.from = this.to = 0;
    }
}
