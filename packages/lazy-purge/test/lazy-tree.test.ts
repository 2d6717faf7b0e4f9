import { createPrng } from "@kva/test-utils";
import { describe, expect, it } from "vitest";
import { LazyTree } from "../src/debug.js";

function tree(...ranges: [number, number][]): LazyTree {
  const t = new LazyTree();
  for (const [start, end] of ranges) t.insert(start, end);
  return t;
}

describe("LazyTree", () => {
  describe("insert()", () => {
    it.each<[string, [number, number][], [number, number], { start: number; end: number }[]]>([
      ["adds into an empty tree", [], [4, 8], [{ start: 4, end: 8 }]],
      ["adds below without touching", [[8, 12]], [0, 4], [{ start: 0, end: 4 }, { start: 8, end: 12 }]],
      ["adds above without touching", [[0, 4]], [8, 12], [{ start: 0, end: 4 }, { start: 8, end: 12 }]],
      ["adds between two ranges", [[0, 4], [12, 16]], [6, 8], [{ start: 0, end: 4 }, { start: 6, end: 8 }, { start: 12, end: 16 }]],
      ["merges with the next range", [[8, 12]], [4, 8], [{ start: 4, end: 12 }]],
      ["merges with the previous range", [[0, 4]], [4, 8], [{ start: 0, end: 8 }]],
      ["merges with both neighbours", [[0, 4], [8, 12], [20, 24]], [4, 8], [{ start: 0, end: 12 }, { start: 20, end: 24 }]],
    ])("%s", (_what, before, [start, end], after) => {
      const t = tree(...before);
      t.insert(start, end);
      expect(t.ranges()).toEqual(after);
      expect(t.count).toBe(after.length);
    });

    it("ends up with the merged union of random disjoint inserts, in address order", () => {
      const prng = createPrng(42);
      const cells = prng.shuffle(Array.from({ length: 200 }, (_, i) => i)).slice(0, 120);
      const t = new LazyTree();
      for (const c of cells) t.insert(c * 4, c * 4 + 4);
      const taken = new Set(cells);
      const expected: { start: number; end: number }[] = [];
      for (let c = 0; c < 200; c++) {
        if (!taken.has(c)) continue;
        const last = expected.at(-1);
        if (last !== undefined && last.end === c * 4) last.end += 4;
        else expected.push({ start: c * 4, end: c * 4 + 4 });
      }
      expect(t.ranges()).toEqual(expected);
    });
  });

  describe("lookups", () => {
    const t = tree([0, 4], [8, 12]);
    it.each([
      [0, 0],
      [3, 0],
      [4, -1],
      [8, 1],
      [11, 1],
      [12, -1],
    ])("indexContaining(%d) is %d", (addr, index) => {
      expect(t.indexContaining(addr)).toBe(index);
    });

    it.each<[number, number, boolean]>([
      [4, 8, false],
      [3, 5, true],
      [6, 9, true],
      [12, 16, false],
      [0, 20, true],
    ])("overlaps(%d, %d) is %s", (start, end, expected) => {
      expect(t.overlaps(start, end)).toBe(expected);
    });
  });

  it("drain() hands over every range and leaves the tree empty", () => {
    const t = tree([0, 4], [8, 12]);
    expect(t.drain()).toEqual({ starts: [0, 8], ends: [4, 12] });
    expect(t.count).toBe(0);
    expect(t.ranges()).toEqual([]);
  });
});
