import { describe, expect, it } from "vitest";
import { createPrng, Prng } from "../src/prng.js";

/**
 * An independent transcription of the published algorithms in BigInt arithmetic (no Math.imul, no
 * 32-bit coercions), used to cross-check the production code.
 */
const MASK = 0xffff_ffffn;
const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & MASK;

function referenceSplitmix32(seed: bigint): () => bigint {
  let x = seed & MASK;
  return () => {
    x = (x + 0x9e3779b9n) & MASK;
    let z = x;
    z = ((z ^ (z >> 16n)) * 0x21f0aaadn) & MASK;
    z = ((z ^ (z >> 15n)) * 0x735a2d97n) & MASK;
    return z ^ (z >> 15n);
  };
}

function referenceXoshiro128ss(state: bigint[]): () => number {
  const s = [...state];
  return () => {
    const result = (rotl((s[1]! * 5n) & MASK, 7n) * 9n) & MASK;
    const t = (s[1]! << 9n) & MASK;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2];
    s[0] = s[0]! ^ s[3];
    s[2] = s[2] ^ t;
    s[3] = rotl(s[3], 11n);
    return Number(result);
  };
}

/** The seed folding documented in prng.ts, restated with BigInt two's complement. */
function referenceSeeded(seed: number): () => number {
  const wide = BigInt.asUintN(64, BigInt(seed));
  const lo = wide & MASK;
  const hi = wide >> 32n;
  const folded = hi === 0n ? lo : lo ^ ((hi * 0x9e3779b9n) & MASK);
  const sm = referenceSplitmix32(folded);
  return referenceXoshiro128ss([sm(), sm(), sm(), sm()]);
}

const draws = (prng: Prng, n: number): number[] => Array.from({ length: n }, () => prng.nextU32());

describe("Prng", () => {
  describe("known vectors", () => {
    it("reproduces the reference xoshiro128** output from the state [1, 2, 3, 4]", () => {
      // The reference C code (prng.di.unimi.it/xoshiro128starstar.c, scrambler on s[1]). By hand:
      // rotl(2·5, 7)·9 = 11520; the next s[1] is 0, giving 0; then s[1] = 1029: rotl(5145, 7)·9 = 5927040.
      expect(draws(Prng.fromState([1, 2, 3, 4]), 10)).toEqual([
        11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
      ]);
    });

    it("seeds the state with the first four splitmix32 outputs", () => {
      expect(new Prng(0).state).toEqual([1684164658, 3653269916, 2939563536, 2141751570]);
      expect(new Prng(42).state).toEqual([551831576, 144025891, 322543647, 3034809370]);
    });

    it("produces the recorded first outputs for seed 42", () => {
      expect(draws(new Prng(42), 6)).toEqual([660444221, 3652823732, 77672526, 910233633, 2297337756, 3786072677]);
    });

    it.each([0, 1, 42, 0x7fff_ffff, 0xffff_ffff, 2 ** 32, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER, -1, -42, Number.MIN_SAFE_INTEGER])(
      "agrees with an independent BigInt implementation for seed %d over 2,000 outputs",
      (seed) => {
        const reference = referenceSeeded(seed);
        const prng = new Prng(seed);
        for (let i = 0; i < 2000; i++) expect(prng.nextU32()).toBe(reference());
      },
    );

    it("agrees with the BigInt implementation from an arbitrary raw state", () => {
      const state = [0xdeadbeef, 0x12345678, 0x9abcdef0, 0x0badf00d] as const;
      const reference = referenceXoshiro128ss(state.map((w) => BigInt(w)));
      const prng = Prng.fromState(state);
      for (let i = 0; i < 2000; i++) expect(prng.nextU32()).toBe(reference());
    });
  });

  describe("determinism and state", () => {
    it("gives the same sequence for the same seed", () => {
      expect(draws(new Prng(7), 1000)).toEqual(draws(new Prng(7), 1000));
    });

    it("gives different sequences for different seeds, including seeds that differ above bit 31", () => {
      expect(draws(new Prng(7), 8)).not.toEqual(draws(new Prng(8), 8));
      expect(draws(new Prng(5), 8)).not.toEqual(draws(new Prng(5 + 2 ** 32), 8));
    });

    it("creates the same generator with createPrng as with new Prng", () => {
      expect(draws(createPrng(99), 50)).toEqual(draws(new Prng(99), 50));
    });

    it("continues the sequence from a saved state", () => {
      const a = new Prng(3);
      draws(a, 17);
      const b = Prng.fromState(a.state);
      expect(draws(b, 100)).toEqual(draws(a, 100));
    });

    it("returns a fresh state tuple of unsigned words", () => {
      const a = new Prng(3);
      const state = a.state;
      expect(state).not.toBe(a.state);
      for (const w of state) expect(w >>> 0).toBe(w);
    });

    it("clones into an independent generator at the same point", () => {
      const a = new Prng(11);
      draws(a, 5);
      const b = a.clone();
      expect(draws(b, 20)).toEqual(draws(a, 20));
      b.nextU32();
      expect(b.state).not.toEqual(a.state);
    });

    it("forks a deterministic child by consuming exactly one word", () => {
      const a = new Prng(5);
      const witness = a.clone();
      const child = a.fork();
      expect(child.state).toEqual(new Prng(witness.nextU32()).state);
      expect(a.state).toEqual(witness.state);
      expect(draws(child, 8)).not.toEqual(draws(a.clone(), 8));
    });

    it.each([
      ["all zero", [0, 0, 0, 0]],
      ["a negative word", [1, -1, 0, 0]],
      ["a word of 2^32", [2 ** 32, 0, 0, 0]],
      ["a fraction", [1.5, 0, 0, 0]],
      ["three words", [1, 2, 3]],
    ])("rejects a state with %s", (_name, state) => {
      expect(() => Prng.fromState(state as unknown as [number, number, number, number])).toThrow(RangeError);
    });

    it.each([NaN, Infinity, 1.5, -0, 2 ** 53, "1", 1n, undefined])("rejects the seed %s", (seed) => {
      expect(() => new Prng(seed as number)).toThrow(RangeError);
    });
  });

  describe("word budget", () => {
    it.each([
      ["next()", (p: Prng) => p.next(), 2],
      ["bool()", (p: Prng) => p.bool(), 2],
      ["int(0, 9)", (p: Prng) => p.int(0, 9), 1],
      ["int(0, 2^32 - 1)", (p: Prng) => p.int(0, 2 ** 32 - 1), 1],
      ["int(0, 2^53 - 1)", (p: Prng) => p.int(0, 2 ** 53 - 1), 2],
      ["fork()", (p: Prng) => p.fork(), 1],
    ] as const)("consumes the documented number of words for %s", (_name, call, words) => {
      // Seed 1's first draws are not rejected by int() for these ranges (checked by the equality).
      const a = new Prng(1);
      const b = a.clone();
      call(a);
      draws(b, words);
      expect(a.state).toEqual(b.state);
    });
  });

  describe("next()", () => {
    it("stays in [0, 1) with a mean near 1/2", () => {
      const prng = new Prng(21);
      let sum = 0;
      let outside = 0;
      for (let i = 0; i < 100_000; i++) {
        const x = prng.next();
        if (!(x >= 0 && x < 1)) outside++;
        sum += x;
      }
      expect(outside).toBe(0);
      expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.01);
    });
  });

  describe("int()", () => {
    it.each([
      [0, 0],
      [-5, 5],
      [7, 8],
      [0, 2 ** 32 - 1],
      [0, 2 ** 32],
      [1, 2 ** 32 + 1],
      [0, 2 ** 53 - 1],
      [-(2 ** 53) + 1, 0],
      [2 ** 53 - 10, 2 ** 53 - 1],
      [-(2 ** 52), 2 ** 52 - 1],
    ])("draws integers inside [%d, %d]", (lo, hi) => {
      const prng = new Prng(lo ^ hi);
      const bad: number[] = [];
      for (let i = 0; i < 5000; i++) {
        const x = prng.int(lo, hi);
        if (!(Number.isSafeInteger(x) && x >= lo && x <= hi)) bad.push(x);
      }
      expect(bad).toEqual([]);
    });

    it("hits both ends of a small range", () => {
      const prng = new Prng(4);
      const seen = new Set<number>();
      for (let i = 0; i < 1000; i++) seen.add(prng.int(-3, 3));
      expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    });

    it("is roughly uniform over ten values (chi-square below the 0.1% critical value)", () => {
      const prng = new Prng(2024);
      const n = 100_000;
      const counts = new Array<number>(10).fill(0);
      for (let i = 0; i < n; i++) counts[prng.int(0, 9)]!++;
      const expected = n / 10;
      const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
      expect(chi2).toBeLessThan(27.88); // df = 9, p = 0.001
    });

    it("is roughly uniform across a range wider than 2^32 (the two-word path)", () => {
      const prng = new Prng(77);
      const n = 30_000;
      const counts = [0, 0, 0];
      for (let i = 0; i < n; i++) counts[Math.floor(prng.int(0, 3 * 2 ** 32 - 1) / 2 ** 32)]!++;
      for (const c of counts) expect(Math.abs(c / n - 1 / 3)).toBeLessThan(0.02);
    });

    it("sets the top bit of a 53-bit draw about half the time", () => {
      const prng = new Prng(78);
      let high = 0;
      for (let i = 0; i < 20_000; i++) if (prng.int(0, 2 ** 53 - 1) >= 2 ** 52) high++;
      expect(Math.abs(high / 20_000 - 0.5)).toBeLessThan(0.02);
    });

    it.each([
      [1, 0],
      [0.5, 2],
      [0, NaN],
      [-Infinity, 0],
      [-0, 1],
      [0, 2 ** 53],
      [-(2 ** 52), 2 ** 52],
    ])("rejects the bounds [%d, %d]", (lo, hi) => {
      expect(() => new Prng(1).int(lo, hi)).toThrow(RangeError);
    });
  });

  describe("bool()", () => {
    it("never returns true for p = 0 and always for p = 1", () => {
      const prng = new Prng(8);
      for (let i = 0; i < 1000; i++) {
        expect(prng.bool(0)).toBe(false);
        expect(prng.bool(1)).toBe(true);
      }
    });

    it("returns true about a quarter of the time for p = 0.25", () => {
      const prng = new Prng(9);
      let hits = 0;
      for (let i = 0; i < 40_000; i++) if (prng.bool(0.25)) hits++;
      expect(Math.abs(hits / 40_000 - 0.25)).toBeLessThan(0.01);
    });

    it.each([-0.1, 1.1, NaN])("rejects p = %d", (p) => {
      expect(() => new Prng(1).bool(p)).toThrow(RangeError);
    });
  });

  describe("pick()", () => {
    it("returns every element of the array over many draws", () => {
      const prng = new Prng(10);
      const seen = new Set<string>();
      for (let i = 0; i < 200; i++) seen.add(prng.pick(["a", "b", "c"]));
      expect([...seen].sort()).toEqual(["a", "b", "c"]);
    });

    it("rejects an empty array", () => {
      expect(() => new Prng(1).pick([])).toThrow(RangeError);
    });
  });

  describe("shuffle()", () => {
    it("permutes the array in place and returns it", () => {
      const arr = Array.from({ length: 100 }, (_, i) => i);
      const out = new Prng(12).shuffle(arr);
      expect(out).toBe(arr);
      expect([...arr].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(arr).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    });

    it("is deterministic for a seed", () => {
      const a = new Prng(13).shuffle(Array.from({ length: 50 }, (_, i) => i));
      const b = new Prng(13).shuffle(Array.from({ length: 50 }, (_, i) => i));
      expect(a).toEqual(b);
    });

    it("leaves empty and one-element arrays alone without drawing", () => {
      const prng = new Prng(14);
      const before = prng.state;
      expect(prng.shuffle([])).toEqual([]);
      expect(prng.shuffle([1])).toEqual([1]);
      expect(prng.state).toEqual(before);
    });

    it("produces each of the six orders of three elements about equally often", () => {
      const prng = new Prng(15);
      const counts = new Map<string, number>();
      for (let i = 0; i < 12_000; i++) {
        const key = prng.shuffle([1, 2, 3]).join("");
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      expect(counts.size).toBe(6);
      for (const c of counts.values()) expect(Math.abs(c - 2000)).toBeLessThan(200);
    });
  });
});
