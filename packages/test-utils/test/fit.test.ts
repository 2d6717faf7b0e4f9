import { describe, expect, it } from "vitest";
import type { Range } from "../src/allocator-like.js";
import { alignUp, classifyFit, lowestFit, lowestPaddedBlockFit } from "../src/fit.js";
import { NaiveAllocatorError } from "../src/naive-allocator-error.js";

const ranges = (...pairs: [number, number][]): Range[] => pairs.map(([start, end]) => ({ start, end }));

describe("alignUp()", () => {
  it.each([
    [0, 8, 0],
    [1, 8, 8],
    [8, 8, 8],
    [9, 1, 9],
    [2 ** 53 - 1, 2 ** 52, 2 ** 53],
    [2 ** 52 + 1, 2, 2 ** 52 + 2],
  ])("rounds %d up to a multiple of %d: %d", (x, align, expected) => {
    expect(alignUp(x, align)).toBe(expected);
  });
});

describe("classifyFit()", () => {
  const block = { start: 10, end: 20 };
  it.each([
    [10, 10, "FL"],
    [10, 4, "LE"],
    [16, 4, "RE"],
    [12, 4, "NE"],
    [9, 2, undefined],
    [18, 4, undefined],
    [20, 1, undefined],
  ] as const)("classifies [%d, +%d) in [10, 20) as %s", (addr, size, expected) => {
    expect(classifyFit(block, addr, size)).toBe(expected);
  });
});

describe("lowestFit()", () => {
  const free = ranges([4, 10], [16, 32], [40, 64]);

  it.each([
    // size, align, vstart, vend, expected
    [4, 1, 0, 64, 4],
    [6, 1, 0, 64, 4],
    [7, 1, 0, 64, 16],
    [4, 8, 0, 64, 16],
    [2, 8, 0, 64, 8],
    [16, 16, 0, 64, 16],
    [24, 1, 0, 64, 40],
    [25, 1, 0, 64, undefined],
    [8, 32, 0, 64, undefined],
    [4, 1, 5, 64, 5],
    [10, 1, 20, 30, 20],
    [11, 1, 20, 30, undefined],
    [6, 1, 0, 9, undefined],
    [4, 4, 41, 64, 44],
    [4, 1, 60, 64, 60],
    [1, 1, 10, 16, undefined],
  ])("places size %d align %d in [%d, %d) at %s", (size, align, vstart, vend, expected) => {
    expect(lowestFit(free, size, align, vstart, vend)).toBe(expected);
  });

  it("does not depend on the order of the ranges", () => {
    expect(lowestFit(ranges([40, 64], [16, 32], [4, 10]), 7, 1, 0, 64)).toBe(16);
  });

  it("never spans two touching ranges", () => {
    expect(lowestFit(ranges([0, 4], [4, 8]), 5, 1, 0, 8)).toBeUndefined();
  });

  it("accepts any iterable", () => {
    function* gen(): Generator<Range> {
      yield { start: 3, end: 9 };
    }
    expect(lowestFit(gen(), 2, 4, 0, 100)).toBe(4);
  });

  it("stays exact near 2^53", () => {
    const top = ranges([2 ** 53 - 16, 2 ** 53]);
    expect(lowestFit(top, 16, 16, 0, 2 ** 53)).toBe(2 ** 53 - 16);
    expect(lowestFit(top, 17, 1, 0, 2 ** 53)).toBeUndefined();
    expect(lowestFit(top, 1, 2 ** 52, 0, 2 ** 53)).toBeUndefined();
  });

  it.each([
    ["size 0", 0, 1, 0, 10],
    ["size 1.5", 1.5, 1, 0, 10],
    ["size -0", -0, 1, 0, 10],
    ["size NaN", NaN, 1, 0, 10],
    ["align 3", 1, 3, 0, 10],
    ["align 0", 1, 0, 0, 10],
    ["align 2^53", 1, 2 ** 53, 0, 10],
    ["a negative vstart", 1, 1, -1, 10],
    ["vstart -0", 1, 1, -0, 10],
    ["an empty window", 1, 1, 5, 5],
    ["vend past 2^53", 1, 1, 0, 2 ** 53 + 2],
    ["a string vend", 1, 1, 0, "10"],
  ])("throws EINVAL for %s", (_name, size, align, vstart, vend) => {
    const call = (): unknown => lowestFit(free, size, align, vstart, vend as number);
    expect(call).toThrow(NaiveAllocatorError);
    expect(call).toThrow(expect.objectContaining({ code: "EINVAL" }));
    expect(() => lowestPaddedBlockFit(free, size, align, vstart, vend as number)).toThrow(expect.objectContaining({ code: "EINVAL" }));
  });
});

describe("lowestPaddedBlockFit()", () => {
  const free = ranges([4, 10], [16, 32], [40, 64]);

  it.each([
    // size, align, vstart, vend, expected, why
    [2, 8, 0, 64, 16, "skips [4, 10): 6 units < 2 + 8 - 1 although 8 would fit"],
    [2, 4, 0, 64, 4, "takes [4, 10): 6 units >= 2 + 4 - 1, aligned start 4"],
    [4, 4, 0, 64, 16, "skips [4, 10): 6 units < 4 + 4 - 1 although 4 would fit"],
    [2, 8, 20, 64, 24, "clips [16, 32) to [20, 32): 12 units >= 9, aligned start 24"],
    [2, 8, 26, 64, 40, "clips [16, 32) to [26, 32): 6 units < 9"],
    [16, 16, 0, 64, undefined, "finds no block of 16 + 16 - 1 units although 16 and 48 would fit"],
    [7, 1, 0, 64, 16, "equals lowestFit for align 1"],
    [8, 4, 44, 56, 44, "clips [40, 64) to [44, 56): 12 units >= 11"],
    [9, 4, 44, 56, 44, "clips [40, 64) to [44, 56): 12 units >= 9 + 4 - 1"],
    [10, 4, 44, 56, undefined, "clips [40, 64) to [44, 56): 12 units < 10 + 4 - 1"],
  ])("answers size %d align %d in [%d, %d) with %s (%s)", (size, align, vstart, vend, expected, _why) => {
    expect(lowestPaddedBlockFit(free, size, align, vstart, vend)).toBe(expected);
  });

  it("picks the block with the lowest start whatever the input order", () => {
    expect(lowestPaddedBlockFit(ranges([40, 64], [16, 32], [4, 10]), 2, 4, 0, 64)).toBe(4);
  });
});

/**
 * Exhaustive cross-check against a brute force over single units: every free set of an 8-unit space at
 * an odd base (so alignment is absolute, not relative), every size, alignment and window.
 */
describe("lowestFit() and lowestPaddedBlockFit() against a brute-force scan", () => {
  const BASE = 3;
  const UNITS = 8;

  function runsOf(mask: number): Range[] {
    const out: Range[] = [];
    for (let i = 0; i < UNITS; i++) {
      if ((mask >> i) & 1 && !((mask >> (i - 1)) & 1 && i > 0)) {
        let j = i;
        while (j < UNITS && (mask >> j) & 1) j++;
        out.push({ start: BASE + i, end: BASE + j });
      }
    }
    return out;
  }

  const isFree = (mask: number, addr: number): boolean => addr >= BASE && addr < BASE + UNITS && ((mask >> (addr - BASE)) & 1) === 1;

  function bruteLowest(mask: number, size: number, align: number, vstart: number, vend: number): number | undefined {
    for (let addr = vstart; addr + size <= vend; addr++) {
      if (addr % align !== 0) continue;
      let ok = true;
      for (let u = addr; u < addr + size; u++) ok &&= isFree(mask, u);
      if (ok) return addr;
    }
    return undefined;
  }

  function brutePadded(mask: number, size: number, align: number, vstart: number, vend: number): number | undefined {
    for (const run of runsOf(mask)) {
      let usable = 0;
      for (let u = run.start; u < run.end; u++) if (u >= vstart && u < vend) usable++;
      if (usable >= size + align - 1) {
        let addr = Math.max(run.start, vstart);
        while (addr % align !== 0) addr++;
        return addr;
      }
    }
    return undefined;
  }

  it("agrees on every free set, size, alignment and window of a tiny space", () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (let mask = 0; mask < 1 << UNITS; mask++) {
      const free = runsOf(mask);
      for (let size = 1; size <= UNITS; size++) {
        for (const align of [1, 2, 4, 8]) {
          for (let vstart = 0; vstart < BASE + UNITS + 2; vstart++) {
            for (let vend = vstart + 1; vend <= BASE + UNITS + 2; vend++) {
              checked++;
              const got = lowestFit(free, size, align, vstart, vend);
              const want = bruteLowest(mask, size, align, vstart, vend);
              if (got !== want) mismatches.push(`lowestFit mask=${mask} ${size}/${align} [${vstart},${vend}): ${got} vs ${want}`);
              const gotPadded = lowestPaddedBlockFit(free, size, align, vstart, vend);
              const wantPadded = brutePadded(mask, size, align, vstart, vend);
              if (gotPadded !== wantPadded) {
                mismatches.push(`padded mask=${mask} ${size}/${align} [${vstart},${vend}): ${gotPadded} vs ${wantPadded}`);
              }
              if (wantPadded !== undefined && (want === undefined || wantPadded < want)) {
                mismatches.push(`padded below lowest: mask=${mask} ${size}/${align} [${vstart},${vend})`);
              }
            }
          }
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(400_000);
  });
});
