import { describe, expect, it } from "vitest";
import { VmapBlocks } from "../src/debug.js";
import { VmapBlockError, pageOrder, vmapBlockGeometry } from "../src/index.js";

/** Blocks over a fake KVA allocator handing out block-aligned areas from page 0 and recording lazy frees. */
function setup(cpus = 2, bits = 1024) {
  const freed: number[] = [];
  let next = 0;
  let room = Infinity;
  const blocks = new VmapBlocks({ maxAlloc: 64, bits }, cpus, {
    allocArea: (pages) => {
      if (room < pages) return undefined;
      room -= pages;
      const start = next;
      next += pages;
      return start;
    },
    freeArea: (start) => {
      freed.push(start);
    },
  });
  return { blocks, freed, limit: (pages: number) => (room = pages) };
}

describe("vmapBlockGeometry()", () => {
  it.each([
    ["64-bit, NR_CPUS 64: 1024-page (4 MiB) blocks", 64, 12, 64, { maxAlloc: 64, bits: 1024 }],
    ["64-bit, NR_CPUS 2048 still 1024", 64, 12, 2048, { maxAlloc: 64, bits: 1024 }],
    ["64-bit, NR_CPUS 8192: 256", 64, 12, 8192, { maxAlloc: 64, bits: 256 }],
    ["64-bit, NR_CPUS 5 rounds up to 8", 64, 12, 5, { maxAlloc: 64, bits: 1024 }],
    ["64-bit, 64 KiB pages, NR_CPUS 4096: 128 (2 × VMAP_MAX_ALLOC)", 64, 16, 4096, { maxAlloc: 64, bits: 128 }],
    ["32-bit, NR_CPUS 8: 256-page (1 MiB) blocks", 32, 12, 8, { maxAlloc: 32, bits: 256 }],
    ["32-bit, NR_CPUS 64: the floor 2 × VMAP_MAX_ALLOC", 32, 12, 64, { maxAlloc: 32, bits: 64 }],
  ] as const)("computes %s", (_name, bits, pageShift, nrCpus, expected) => {
    expect(vmapBlockGeometry(bits, pageShift, nrCpus)).toEqual(expected);
  });
});

describe("pageOrder()", () => {
  it.each([
    [1, 0],
    [2, 1],
    [3, 2],
    [4, 2],
    [5, 3],
    [33, 6],
    [64, 6],
  ])("rounds %i pages up to order %i", (pages, order) => {
    expect(pageOrder(pages)).toBe(order);
  });
});

describe("VmapBlocks", () => {
  describe("alloc()", () => {
    it("bump-allocates power-of-two pieces from the CPU's block", () => {
      const { blocks } = setup();
      expect(blocks.alloc(0, 1)).toBe(0);
      expect(blocks.alloc(0, 3)).toBe(1); // 4 pages at offset 1: no alignment inside the block
      expect(blocks.alloc(0, 2)).toBe(5);
      expect(blocks.blocks()).toEqual([{ start: 0, cpu: 0, free: 1024 - 7, dirty: 0, dirtyMin: 1024, dirtyMax: 0, queued: true }]);
      expect(blocks.stats()).toEqual({ blocks: 1, created: 1, freedFull: 0, purgedFragmented: 0, allocs: 3, frees: 0 });
      blocks.check();
    });

    it("gives each CPU its own blocks", () => {
      const { blocks } = setup();
      expect(blocks.alloc(0, 1)).toBe(0);
      expect(blocks.alloc(1, 1)).toBe(1024);
      expect(blocks.alloc(0, 1)).toBe(1);
      blocks.check();
    });

    it("takes the first queued block with room, and a new block when none has", () => {
      const { blocks } = setup(1, 128);
      expect(blocks.alloc(0, 64)).toBe(0);
      expect(blocks.alloc(0, 40)).toBe(64); // 64 pages: the block is full and leaves the queue
      expect(blocks.blocks()[0]).toMatchObject({ free: 0, queued: false });
      expect(blocks.alloc(0, 32)).toBe(128);
      expect(blocks.alloc(0, 64)).toBe(160); // 96 pages left: the bump pointer is at 32
      expect(blocks.alloc(0, 64)).toBe(256); // 32 left: a third block
      expect(blocks.stats()).toMatchObject({ blocks: 3, created: 3 });
      blocks.check();
    });

    it("returns undefined when no new block can be had", () => {
      const { blocks, limit } = setup(1, 128);
      limit(128);
      expect(blocks.alloc(0, 64)).toBe(0);
      expect(blocks.alloc(0, 64)).toBe(64);
      expect(blocks.alloc(0, 1)).toBeUndefined();
      expect(blocks.stats()).toMatchObject({ blocks: 1, created: 1, allocs: 2 });
    });
  });

  describe("free()", () => {
    it("counts freed pieces dirty, widens the dirty range and never reuses them", () => {
      const { blocks } = setup();
      const a = blocks.alloc(0, 1)!;
      const b = blocks.alloc(0, 4)!;
      blocks.free(b, 3);
      blocks.free(a, 1);
      expect(blocks.blocks()[0]).toMatchObject({ free: 1019, dirty: 5, dirtyMin: 0, dirtyMax: 5 });
      expect(blocks.dirtyRange()).toEqual({ start: 0, end: 5 });
      expect(blocks.alloc(0, 1)).toBe(5);
      blocks.check();
    });

    it("lazily frees a block whose pages are all dirty", () => {
      const { blocks, freed } = setup(1, 128);
      const a = blocks.alloc(0, 64)!;
      const b = blocks.alloc(0, 64)!;
      blocks.free(a, 64);
      expect(freed).toEqual([]);
      blocks.free(b, 64);
      expect(freed).toEqual([0]);
      expect(blocks.stats()).toMatchObject({ blocks: 0, freedFull: 1, frees: 2 });
      expect(blocks.owns(0)).toBe(false);
      blocks.check();
    });

    it("throws VmapBlockError ENOENT for pages no block mapped", () => {
      const { blocks } = setup();
      blocks.alloc(0, 2);
      expect(() => blocks.free(4096, 1)).toThrow(VmapBlockError);
      expect(() => blocks.free(2, 1)).toThrow(VmapBlockError);
      expect(() => blocks.free(0, 4)).toThrow(VmapBlockError);
      expect(blocks.stats().frees).toBe(0);
    });
  });

  describe("purgeFragmented()", () => {
    it("retires queued blocks whose used pages are all dirty, and only those", () => {
      const { blocks, freed } = setup(2, 128);
      const a = blocks.alloc(0, 8)!; // block 0 (cpu 0): fragmented once a is freed
      blocks.alloc(1, 8); // block 128 (cpu 1): still in use
      const c = blocks.alloc(0, 64)!; // block 0 again
      blocks.free(a, 8);
      expect(blocks.purgeFragmented()).toBe(0);
      blocks.free(c, 64);
      expect(blocks.dirtyRange()).toEqual({ start: 0, end: 72 });
      expect(blocks.purgeFragmented()).toBe(1);
      expect(freed).toEqual([0]);
      expect(blocks.blocks().map((b) => b.start)).toEqual([128]);
      expect(blocks.stats()).toMatchObject({ purgedFragmented: 1, blocks: 1 });
      expect(blocks.dirtyRange()).toBeUndefined();
      blocks.check();
    });

    it("leaves a full block off the queue alone (it frees itself when all dirty)", () => {
      const { blocks, freed } = setup(1, 128);
      const a = blocks.alloc(0, 64)!;
      blocks.alloc(0, 64);
      blocks.free(a, 64);
      expect(blocks.purgeFragmented()).toBe(0);
      expect(blocks.dirtyRange()).toBeUndefined();
      expect(freed).toEqual([]);
    });
  });
});
