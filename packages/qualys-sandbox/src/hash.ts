/**
 * Tiny deterministic hashing and pseudo-random helpers. The synthetic tenant derives every field of every host
 * and detection from these instead of storing them, so the same seed always yields byte-identical output.
 */

/** Murmur3 32-bit finalizer: spreads every input bit over the whole word so neighbouring ids look unrelated. */
export function mix32(value: number): number {
    let h = value >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
}

/**
 * Hashes up to five integers into an unsigned 32-bit value. Fixed arity (rather than rest parameters) keeps it
 * allocation-free, which matters because it runs several times per detection on every response.
 */
export function hash(a: number, b = 0, c = 0, d = 0, e = 0): number {
    let h = mix32(a ^ 0x9e3779b9);
    h = mix32((h ^ Math.imul(b | 0, 0x27d4eb2f)) + 0x165667b1);
    h = mix32((h ^ Math.imul(c | 0, 0x85ebca77)) + 0x27d4eb2f);
    h = mix32((h ^ Math.imul(d | 0, 0xc2b2ae3d)) + 0x61c88647);
    h = mix32((h ^ Math.imul(e | 0, 0x9e3779b1)) + 0x7f4a7c15);
    return h;
}

/** Maps an unsigned 32-bit hash onto [0, 1). */
export function unit(h: number): number {
    return h / 4294967296;
}

/** Hashes a string (FNV-1a), used to turn textual seeds and salts into numbers. */
export function hashString(text: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return mix32(h);
}

/** Small seeded generator (mulberry32); reseedable so hot loops can reuse one instance. */
export class Rng {
    private state: number;

    /** Creates a generator whose sequence is fully determined by `seed`. */
    constructor(seed: number) {
        this.state = seed >>> 0;
    }

    /** Restarts the sequence from a new seed. */
    reseed(seed: number): this {
        this.state = seed >>> 0;
        return this;
    }

    /** Next unsigned 32-bit value. */
    next(): number {
        let t = (this.state = (this.state + 0x6d2b79f5) | 0);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return (t ^ (t >>> 14)) >>> 0;
    }

    /** Next float in [0, 1). */
    float(): number {
        return this.next() / 4294967296;
    }

    /** Next integer in [0, n). */
    int(n: number): number {
        return Math.floor(this.float() * n);
    }

    /** Next integer in [min, max] (both inclusive). */
    range(min: number, max: number): number {
        return min + this.int(max - min + 1);
    }

    /** True with probability `p`. */
    chance(p: number): boolean {
        return this.float() < p;
    }

    /** One element of a non-empty list. */
    pick<T>(items: readonly T[]): T {
        return items[this.int(items.length)];
    }
}
