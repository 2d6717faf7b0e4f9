import { Prng } from "@kva/test-utils";
import { describe, expect, it } from "vitest";
import { BenchRandom } from "../src/index.js";

describe("BenchRandom", () => {
  it("produces the same words as the test PRNG for the same seed", () => {
    for (const seed of [0, 1, 42, 2 ** 40 + 7, -5]) {
      const a = new BenchRandom(seed);
      const b = new Prng(seed);
      for (let i = 0; i < 100; i++) expect(a.u32()).toBe(b.nextU32());
    }
  });

  it("reduces a 64-bit word exactly", () => {
    const a = new BenchRandom(9);
    const b = new Prng(9);
    for (let i = 0; i < 1000; i++) {
      const hi = BigInt(b.nextU32());
      const lo = BigInt(b.nextU32());
      expect(a.u64Mod(230)).toBe(Number(((hi << 32n) | lo) % 230n));
    }
  });

  it("draws integers inside the inclusive range", () => {
    const r = new BenchRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(1, 100);
      expect(v).toBeGreaterThanOrEqual(1);
      expect(v).toBeLessThanOrEqual(100);
      seen.add(v);
    }
    expect(seen.size).toBe(100);
  });

  it("forks independent, reproducible generators", () => {
    const a = new BenchRandom(5).fork();
    const b = new BenchRandom(5).fork();
    expect([a.u32(), a.u32()]).toEqual([b.u32(), b.u32()]);
  });
});
