import { describe, expect, it } from "vitest";
import { BenchRandom, kernelShuffle } from "../src/index.js";

describe("kernelShuffle()", () => {
  it("never swaps an element with itself (j = rnd % i < i)", () => {
    const swaps: [number, number][] = [];
    for (let seed = 0; seed < 50; seed++) kernelShuffle([...Array(11).keys()], new BenchRandom(seed), (i, j) => swaps.push([i, j]));
    expect(swaps.length).toBe(50 * 10);
    for (const [i, j] of swaps) {
      expect(j).toBeGreaterThanOrEqual(0);
      expect(j).toBeLessThan(i);
    }
  });

  it("returns a permutation", () => {
    for (let seed = 0; seed < 20; seed++) {
      const out = kernelShuffle([...Array(11).keys()], new BenchRandom(seed));
      expect([...out].sort((a, b) => a - b)).toEqual([...Array(11).keys()]);
    }
  });

  it("moves every element (Sattolo: one cycle, no fixed point)", () => {
    for (let seed = 0; seed < 20; seed++) {
      const out = kernelShuffle([...Array(8).keys()], new BenchRandom(seed));
      out.forEach((v, i) => expect(v).not.toBe(i));
      let steps = 0;
      let k = 0;
      do {
        k = out[k]!;
        steps++;
      } while (k !== 0);
      expect(steps).toBe(8);
    }
  });

  it("is reproducible for a seed and differs across seeds", () => {
    const a = kernelShuffle([...Array(11).keys()], new BenchRandom(7));
    const b = kernelShuffle([...Array(11).keys()], new BenchRandom(7));
    const c = kernelShuffle([...Array(11).keys()], new BenchRandom(8));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("leaves arrays of 0 and 1 elements alone", () => {
    expect(kernelShuffle([], new BenchRandom(1))).toEqual([]);
    expect(kernelShuffle(["x"], new BenchRandom(1))).toEqual(["x"]);
  });
});
