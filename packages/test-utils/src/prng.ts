/**
 * A seeded pseudo-random number generator for reproducible tests: **xoshiro128\*\*** (David Blackman and
 * Sebastiano Vigna, 2018, https://prng.di.unimi.it/xoshiro128starstar.c) with its 128-bit state filled by
 * four outputs of **splitmix32**. Not cryptographic; fast, small, with a period of 2^128 − 1.
 *
 * splitmix32 as used here (the 32-bit analogue of Steele, Lea and Flood's SplitMix64): a Weyl sequence
 * `x += 0x9e3779b9`, each value passed through the bijective mixer
 * `z = x; z = (z ^ z >>> 16) * 0x21f0aaad; z = (z ^ z >>> 15) * 0x735a2d97; z ^= z >>> 15` (all mod 2^32;
 * the mixer constants are Chris Wellons' hash-prospector ones). The mixer is a bijection and the four Weyl
 * values are distinct, so at most one of the four state words is zero: the seeded state is never the
 * forbidden all-zero state.
 *
 * Same seed, same sequence, on every platform and run: all arithmetic is 32-bit integer (`Math.imul`,
 * shifts), and every derived draw (`int`, `next`, `shuffle`, ...) consumes a documented number of words.
 */

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 2 ** 53;
const GOLDEN_GAMMA = 0x9e3779b9;

/** The 128-bit generator state as four unsigned 32-bit words `[s0, s1, s2, s3]`, never all zero. */
export type PrngState = readonly [number, number, number, number];

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32's output mixer (a bijection on 32-bit words). */
function mix32(x: number): number {
  let z = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

function describe(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  return value === null ? "null" : typeof value;
}

/**
 * Folds a safe-integer seed to the 32-bit splitmix32 state: seeds in [0, 2^32) are used as they are;
 * other safe integers (negative, or 2^32 and above) fold as `lo ^ (hi * 0x9e3779b9)` of their 64-bit
 * two's-complement words.
 */
function foldSeed(seed: number): number {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed) || Object.is(seed, -0)) {
    throw new RangeError(`Prng: seed must be a safe integer, got ${describe(seed)}; pass a fixed integer such as 42`);
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  return hi === 0 ? lo : (lo ^ Math.imul(hi, GOLDEN_GAMMA)) >>> 0;
}

/**
 * xoshiro128** seeded through splitmix32.
 *
 * Word budget (so that a change of call order is visible, and reproductions can be reasoned about):
 * `nextU32` 1; `next` 2; `int` 1 per attempt when `hi − lo < 2^32`, else 2 per attempt (rejection
 * sampling, attempts ≥ 1, expected < 2); `bool` 2; `pick` as `int`; `shuffle` as `n − 1` calls of `int`;
 * `fork` 1; `clone` and `state` none.
 *
 * @see https://prng.di.unimi.it/ (xoshiro128**, the reference C code)
 */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds the state with four splitmix32 outputs; `seed` MUST be a safe integer. */
  constructor(seed: number) {
    let x = foldSeed(seed);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      x = (x + GOLDEN_GAMMA) | 0;
      words.push(mix32(x));
    }
    this.s0 = words[0]! | 0;
    this.s1 = words[1]! | 0;
    this.s2 = words[2]! | 0;
    this.s3 = words[3]! | 0;
  }

  /**
   * A generator with exactly the given state (no seeding step), e.g. to replay from a logged `state`, or
   * to compare with the reference C code. Throws `RangeError` unless the state is four unsigned 32-bit
   * integers, not all zero.
   */
  static fromState(state: PrngState): Prng {
    const ok =
      Array.isArray(state) &&
      state.length === 4 &&
      state.every((w) => typeof w === "number" && Number.isInteger(w) && w >= 0 && w < TWO_POW_32 && !Object.is(w, -0));
    if (!ok || state.every((w) => w === 0)) {
      throw new RangeError("Prng.fromState: state must be four unsigned 32-bit integers, not all zero; pass a value read from `prng.state`");
    }
    const prng = new Prng(0);
    prng.s0 = state[0] | 0;
    prng.s1 = state[1] | 0;
    prng.s2 = state[2] | 0;
    prng.s3 = state[3] | 0;
    return prng;
  }

  /** The current state, a fresh tuple of unsigned words; `Prng.fromState(p.state)` continues `p`'s sequence. */
  get state(): PrngState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** The next 32-bit output, an integer in [0, 2^32): one step of xoshiro128**. */
  nextU32(): number {
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

  /** A float in [0, 1) with 53 random bits: `((a >>> 5) · 2^26 + (b >>> 6)) / 2^53` from two words. */
  next(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /**
   * A uniform integer in `[lo, hi]` (both inclusive). `lo` and `hi` MUST be safe integers with
   * `lo ≤ hi` and `hi − lo < 2^53` (at most 2^53 outcomes). Exactly uniform: rejection sampling on one
   * 32-bit word when there are at most 2^32 outcomes, otherwise on a 53-bit value built from two words.
   */
  int(lo: number, hi: number): number {
    if (
      typeof lo !== "number" ||
      typeof hi !== "number" ||
      !Number.isSafeInteger(lo) ||
      !Number.isSafeInteger(hi) ||
      Object.is(lo, -0) ||
      Object.is(hi, -0) ||
      lo > hi ||
      hi - lo >= TWO_POW_53
    ) {
      throw new RangeError(
        `Prng.int: bounds must be safe integers with lo <= hi and hi - lo < 2^53, got [${describe(lo)}, ${describe(hi)}]; both bounds are inclusive`,
      );
    }
    const n = hi - lo + 1;
    if (n <= TWO_POW_32) {
      const limit = Math.floor(TWO_POW_32 / n) * n;
      let x = this.nextU32();
      while (x >= limit) x = this.nextU32();
      return lo + (x % n);
    }
    const limit = Math.floor(TWO_POW_53 / n) * n;
    let x = (this.nextU32() >>> 11) * TWO_POW_32 + this.nextU32();
    while (x >= limit) x = (this.nextU32() >>> 11) * TWO_POW_32 + this.nextU32();
    return lo + (x % n);
  }

  /** `true` with probability `p` (default 0.5): `next() < p`. `p` MUST be in [0, 1]. */
  bool(p = 0.5): boolean {
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new RangeError(`Prng.bool: p must be a probability in [0, 1], got ${describe(p)}`);
    }
    return this.next() < p;
  }

  /** A uniformly chosen element of a non-empty array; throws `RangeError` on an empty one. */
  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new RangeError("Prng.pick: the array is empty; pass at least one element");
    return arr[this.int(0, arr.length - 1)]!;
  }

  /** Shuffles `arr` in place (Fisher–Yates, from the last index down) and returns it. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = tmp;
    }
    return arr;
  }

  /**
   * A new generator seeded (through splitmix32) with this generator's next 32-bit word: consumes one word
   * here, then the two sequences run independently. Use it to give each sub-task its own stream, so that
   * adding draws to one does not shift the others.
   */
  fork(): Prng {
    return new Prng(this.nextU32());
  }

  /** An independent copy at the same state: both produce the same sequence from here on. */
  clone(): Prng {
    return Prng.fromState(this.state);
  }
}

/** `new Prng(seed)`. */
export function createPrng(seed: number): Prng {
  return new Prng(seed);
}
