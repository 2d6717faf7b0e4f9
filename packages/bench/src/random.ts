/**
 * The harness's seeded random source: **xoshiro128\*\*** (Blackman and Vigna, 2018) with its 128-bit state
 * filled by four outputs of **splitmix32** — the same generator, seeding and word order as the repo's
 * test PRNG, so a sequence can be checked against it. Not cryptographic.
 *
 * It stands in for the kernel's `get_random_bytes()`: one 32-bit read is one `u32()`, a 64-bit read
 * (`unsigned long rnd` in `random_size_align_alloc_test`) is two words, high then low. Same seed, same
 * sequence on every platform: all arithmetic is 32-bit (`Math.imul`, shifts).
 *
 * @see https://prng.di.unimi.it/xoshiro128starstar.c
 */
const GOLDEN_GAMMA = 0x9e3779b9;
const TWO_POW_32 = 0x1_0000_0000;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function mix32(x: number): number {
  let z = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** Folds a safe-integer seed to 32 bits: `[0, 2^32)` as is, others `lo ^ (hi · 0x9e3779b9)`. */
function foldSeed(seed: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  return hi === 0 ? lo : (lo ^ Math.imul(hi, GOLDEN_GAMMA)) >>> 0;
}

/** A seeded xoshiro128** generator. `seed` MUST be a safe integer (checked by the callers' option parsing). */
export class BenchRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = foldSeed(seed);
    const w: number[] = [];
    for (let i = 0; i < 4; i++) {
      x = (x + GOLDEN_GAMMA) | 0;
      w.push(mix32(x));
    }
    this.s0 = w[0]! | 0;
    this.s1 = w[1]! | 0;
    this.s2 = w[2]! | 0;
    this.s3 = w[3]! | 0;
  }

  /** One 32-bit word in `[0, 2^32)`: `get_random_bytes(&u32, 4)`. */
  u32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * `rnd % m` of one 64-bit word `rnd = hi · 2^32 + lo` (two `u32()` reads, high first), computed exactly
   * without BigInt: `((hi mod m) · (2^32 mod m) + lo mod m) mod m`. `m` MUST be an integer in [1, 2^20].
   */
  u64Mod(m: number): number {
    const hi = this.u32();
    const lo = this.u32();
    return (((hi % m) * (TWO_POW_32 % m)) + (lo % m)) % m;
  }

  /** A uniform integer in `[lo, hi]` (`hi − lo < 2^32`), by rejection on one word per attempt: unbiased. */
  int(lo: number, hi: number): number {
    const n = hi - lo + 1;
    if (n === TWO_POW_32) return lo + this.u32();
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.u32();
    while (x >= limit) x = this.u32();
    return lo + (x % n);
  }

  /** A float in `[0, 1)` from one word (32 bits of resolution; enough for scheduling and workloads). */
  float(): number {
    return this.u32() / TWO_POW_32;
  }

  /** An independent generator seeded from one word of this one (workers, the scheduler). */
  fork(): BenchRandom {
    return new BenchRandom(this.u32());
  }
}
