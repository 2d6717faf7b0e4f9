import { Prng } from "@kva/test-utils";
import { describe, expect, it } from "vitest";
import { alignUp, classifyFit, dumpSpace, formatFreeTree, linearLowestMatch, searchLength } from "../src/debug.js";
import { LE_FIT_TYPE, VmapSpace } from "../src/index.js";

describe("@kva/vmap/debug", () => {
  describe("searchLength()", () => {
    // [policy, options, size, align, vstart, vend, length]
    it.each([
      ["padded", {}, 4, 1, 0, 64, 4],
      ["padded", {}, 4, 8, 0, 64, 11],
      ["padded", {}, 4, 8, 8, 12, 11],
      ["exact", {}, 4, 8, 0, 64, 4],
      ["adaptive", {}, 4, 8, 0, 64, 11],
      ["adaptive", {}, 4, 8, 8, 12, 4], // window == size
      ["adaptive", { pageSize: 4 }, 4, 4, 0, 64, 4], // align <= one page
      ["adaptive", { pageSize: 4 }, 4, 8, 0, 64, 11],
      ["padded", { alignShift: 12 }, 4, 2048, 0, 64, 5],
      ["padded", { alignShift: 12 }, 4, 4096, 0, 64, 5],
      ["padded", { alignShift: 12 }, 4, 32768, 0, 64, 12],
      ["adaptive", { alignShift: 12 }, 4, 4096, 0, 64, 4],
      ["adaptive", { alignShift: 12 }, 4, 8192, 0, 64, 6],
    ] as const)("%s %j: alloc(%i, %i, %i, %i) searches with length %i", (search, options, size, align, vstart, vend, length) => {
      const space = new VmapSpace({ start: 0, end: 64, search, ...options });
      expect(searchLength(space, size, align, vstart, vend)).toBe(length);
    });
  });

  describe("linearLowestMatch()", () => {
    it("returns the first block in address order that holds the aligned request", () => {
      const space = new VmapSpace({ start: 0, end: 64 });
      space.alloc(8);
      space.alloc(3, 1, 9);
      space.alloc(10, 1, 20);
      // free [8, 9), [12, 20), [30, 64)
      expect(linearLowestMatch(space, 4)).toEqual({ start: 12, end: 20 });
      expect(linearLowestMatch(space, 8, 8)).toEqual({ start: 30, end: 64 });
      expect(linearLowestMatch(space, 4, 1, 17)).toEqual({ start: 30, end: 64 });
      expect(linearLowestMatch(space, 64)).toBeUndefined();
    });

    it("is the block the 'exact' search returns (DEBUG_AUGMENT_LOWEST_MATCH_CHECK)", () => {
      const space = new VmapSpace({ start: 0, end: 4096, search: "exact" });
      const rng = new Prng(3);
      for (let i = 0; i < 600; i++) space.alloc(rng.int(1, 16), 1, rng.int(0, 4000));
      for (let i = 0; i < 300; i++) {
        const size = rng.int(1, 24);
        const align = 2 ** rng.int(0, 5);
        const vstart = rng.int(0, 4095);
        const block = linearLowestMatch(space, size, align, vstart);
        const before = [...space.freeAreas()];
        const got = space.alloc(size, align, vstart);
        if (block === undefined) expect(got).toBeUndefined();
        else {
          expect(got).toBe(alignUp(Math.max(block.start, vstart), align));
          expect(before).toContainEqual(block);
        }
      }
      space.check();
    });

    it("takes byte alignments on a space with alignShift", () => {
      const space = new VmapSpace({ start: 1, end: 64, alignShift: 12 });
      expect(linearLowestMatch(space, 4, 32768)).toEqual({ start: 1, end: 64 });
      expect(linearLowestMatch(space, 60, 32768)).toBeUndefined();
      expect(linearLowestMatch(space, 60, 2048)).toEqual({ start: 1, end: 64 });
    });
  });

  describe("dumpSpace()", () => {
    it("lists busy, free and detached space in address order", () => {
      const space = new VmapSpace({ start: 0, end: 32 });
      space.alloc(8);
      space.alloc(8);
      space.alloc(8);
      space.detach(8);
      space.detach(16);
      expect(dumpSpace(space)).toBe("busy [0, 8)\ndetached [8, 24)\nfree [24, 32)");
      space.alloc(8);
      space.detach(24);
      expect(dumpSpace(space)).toBe("busy [0, 8)\ndetached [8, 32)");
    });
  });

  describe("formatFreeTree()", () => {
    it("prints the free tree with subtree_max_size, in the kernel's notation", () => {
      const space = new VmapSpace({ start: 0, end: 64 });
      expect(formatFreeTree(space)).toBe("B[0,64):64");
      space.alloc(4, 1, 8);
      expect(formatFreeTree(space)).toBe("B[12,64):52(r[0,8):8,-)");
      space.alloc(52, 1, 12);
      expect(formatFreeTree(space)).toBe("B[0,8):8");
      space.alloc(8);
      expect(formatFreeTree(space)).toBe("-");
    });
  });

  it("re-exports the fit arithmetic", () => {
    expect(alignUp(9, 8)).toBe(16);
    expect(classifyFit(0, 8, 0, 4)).toBe(LE_FIT_TYPE);
  });
});
