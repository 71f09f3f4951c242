// Seeded, bounded fuzzing for the hardening tests (test/*/fuzz*.test.ts): a small deterministic
// PRNG, and how many cases to run. `npm test` runs a few seconds' worth per fuzzer; a longer
// campaign is `TBSCOPE_FUZZ=<multiplier> npx mocha test/<area>/<fuzzer>.test.ts` (and
// TBSCOPE_FUZZ_SEED=<n> to explore other seeds). A failure names its seed and case number,
// which is all it takes to replay it.

/** Multiplier of every fuzzer's case count (1 in `npm test`). */
export const FUZZ_SCALE = Math.max(1, Number(process.env.TBSCOPE_FUZZ ?? 1) || 1);
/** Base seed; each fuzzer derives its own from it. */
export const FUZZ_SEED = Number(process.env.TBSCOPE_FUZZ_SEED ?? 1) >>> 0;

/** Cases to run for a fuzzer whose default is `n`. */
export const fuzzCases = (n: number): number => Math.round(n * FUZZ_SCALE);

/** xorshift32 with helpers; deterministic for a seed. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = (seed >>> 0) || 0x9e3779b9; }
  /** Uniform 32-bit unsigned. */
  u32(): number {
    let x = this.s;
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }
  /** Integer in [0, n). */
  int(n: number): number { return Math.floor((this.u32() / 4294967296) * n); }
  /** A 64-bit value. */
  u64(): bigint { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  chance(p: number): boolean { return this.u32() / 4294967296 < p; }
}
