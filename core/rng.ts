// Seeded PRNG (mulberry32): every random choice of a run comes from here so that a
// run is reproducible from its spec and seed, as far as the target allows.

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Rng.pick from an empty list");
    return items[this.int(items.length)];
  }

  /** An independent stream, so that adding draws in one place does not shift another. */
  fork(): Rng {
    return new Rng(this.forkSeed());
  }

  /** The seed of the stream fork() would return, for one made elsewhere (another thread). */
  forkSeed(): number {
    return Math.floor(this.next() * 4294967296);
  }
}
