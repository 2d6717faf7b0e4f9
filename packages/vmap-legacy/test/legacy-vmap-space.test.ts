import { assertPartition, assertStatsConsistent } from "@kva/test-utils";
import { describe, expect, it } from "vitest";
import { busyList, cacheState, lastAlloc } from "../src/debug.js";
import { LegacyVmapSpace, type LegacyVmapStats } from "../src/index.js";
import { INSPECT } from "../src/internal.js";
import { END, S64, START } from "../src/layout.js";

const plain = (s: LegacyVmapSpace): { start: number; end: number }[] => [...s.busyAreas()];

describe("LegacyVmapSpace", () => {
  describe("constructor", () => {
    it("starts with an empty busy list and no cache", () => {
      const s = new LegacyVmapSpace({ start: 10, end: 110 });
      expect(plain(s)).toEqual([]);
      expect([...s.freeAreas()]).toEqual([{ start: 10, end: 110 }]);
      expect(cacheState(s)).toEqual({ area: undefined, cachedHoleSize: 0, cachedVstart: 0, cachedAlign: 0 });
      expect(s.pcpuHole).toBeUndefined();
      s.check();
    });

    it("puts early areas on the busy list without touching the cache", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 100, early: [{ start: 0, end: 4 }, { start: 10, end: 12 }] });
      expect(plain(s)).toEqual([{ start: 0, end: 4 }, { start: 10, end: 12 }]);
      expect([...s.freeAreas()]).toEqual([{ start: 4, end: 10 }, { start: 12, end: 100 }]);
      expect(cacheState(s).area).toBeUndefined();
      expect(s.alloc(6)).toBe(4);
      expect(s.alloc(1)).toBe(12);
      s.check();
    });
  });

  describe("alloc()", () => {
    it("returns the lowest fit of an empty space at vstart", () => {
      const s = new LegacyVmapSpace({ start: 5, end: 100 });
      expect(s.alloc(3)).toBe(5);
      expect(s.alloc(3)).toBe(8);
      expect(s.alloc(3, 1, 50)).toBe(50);
    });

    it("aligns absolute addresses, not offsets from the space start", () => {
      const s = new LegacyVmapSpace({ start: 3, end: 100 });
      expect(s.alloc(2, 4)).toBe(4);
      expect(s.alloc(2, 16)).toBe(16);
    });

    it("treats vend as exclusive", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 100 });
      expect(s.alloc(10, 1, 90, 100)).toBe(90);
      expect(s.alloc(1, 1, 90, 100)).toBeUndefined();
      expect(s.alloc(5, 1, 0, 5)).toBe(0);
    });

    it("returns undefined when nothing fits and counts one failure", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 10 });
      expect(s.alloc(8)).toBe(0);
      expect(s.alloc(4)).toBeUndefined();
      expect(s.stats()).toMatchObject({ allocs: 1, failures: 1, passes: 3 });
    });

    it("makes the kernel's retry pass after an overflow, which never changes the answer", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 10 });
      s.alloc(8);
      s.alloc(4);
      expect(lastAlloc(s).map((p) => [p.pass, p.addr])).toEqual([
        [1, undefined],
        [2, undefined],
      ]);
    });

    it("converts byte alignments with alignShift: max(1, align / 2^alignShift) units", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 1000, alignShift: 12 });
      expect(s.alloc(1, 64)).toBe(0);
      expect(s.alloc(1, 4096)).toBe(1);
      expect(s.alloc(1, 32768)).toBe(8);
      expect(s.alloc(1, 2 ** 52)).toBeUndefined(); // 2^40 units: past the space, as the kernel's ALIGN would be
    });

    it("checks sizes against pageSize", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 1 << 20, pageSize: 4096 });
      expect(s.alloc(8192, 4096)).toBe(0);
      expect(s.alloc(4096, 1 << 16)).toBe(1 << 16);
    });

    it.each([
      ["LE: the area starts at the gap's start", [[0, 1], [6, 10]], 2, 1, 1, "LE"],
      ["FL: the area fills the gap", [[0, 1], [3, 10]], 2, 1, 1, "FL"],
      ["RE: the aligned area ends at the gap's end", [[0, 1], [6, 10]], 2, 4, 4, "RE"],
      ["NE: the aligned area touches neither edge", [[0, 1], [6, 10]], 2, 2, 2, "NE"],
    ] as const)("classifies each allocation against its gap as if it were a free block — %s", (_n, early, size, align, addr, fit) => {
      const s = new LegacyVmapSpace({ start: 0, end: 10, early: early.map(([start, end]) => ({ start, end })) });
      expect(s.alloc(size, align)).toBe(addr);
      expect(s.stats().fits).toEqual({ FL: 0, LE: 0, RE: 0, NE: 0, [fit]: 1 });
    });

    it("counts list steps per pass and the longest walk", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 100 });
      for (let i = 0; i < 10; i++) s.alloc(1);
      expect(s.stats().listSteps).toBe(9); // each cached pass steps over the cached area once
      s.alloc(1, 1, 0); // cache kept (same vstart): one step
      s.alloc(1, 2); // hit: one step
      s.alloc(1, 1); // smaller align: walks the 11 packed areas from vstart to the hole at 11
      expect(lastAlloc(s)[0]!.steps).toBe(11);
      expect(s.stats()).toMatchObject({ listSteps: 22, maxWalk: 11 });
    });
  });

  describe("free()", () => {
    it("returns the size and makes the range allocatable again", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 100 });
      s.alloc(4);
      s.alloc(4);
      expect(s.free(0)).toBe(4);
      expect([...s.freeAreas()]).toEqual([{ start: 0, end: 4 }, { start: 8, end: 100 }]);
      expect(s.alloc(4)).toBe(0); // the cache moved to NULL (no predecessor)
      s.check();
    });
  });

  describe("reserve()", () => {
    it("claims a range that no busy or detached area overlaps, touching ones included", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 100 });
      s.alloc(4);
      s.alloc(4);
      s.detach(4);
      expect(s.reserve(8, 2)).toBe(true);
      expect(s.reserve(7, 2)).toBe(false); // overlaps the detached [4,8)
      expect(s.reserve(9, 1)).toBe(false);
      expect(s.reserve(10, 90)).toBe(true);
      expect(plain(s)).toEqual([{ start: 0, end: 4 }, { start: 8, end: 10 }, { start: 10, end: 100 }]);
      s.check();
    });

    it("leaves the cache alone and counts in neither allocs nor fits", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 100 });
      s.alloc(2);
      const cache = cacheState(s);
      s.reserve(2, 2);
      expect(cacheState(s)).toEqual(cache);
      expect(s.stats()).toMatchObject({ allocs: 1, busyCount: 2, fits: { FL: 0, LE: 1, RE: 0, NE: 0 } });
      expect(s.alloc(2)).toBe(4); // the walk from the cache steps over the reserved area
    });
  });

  describe("find()", () => {
    it.each([
      [10, { start: 10, end: 14 }],
      [13, { start: 10, end: 14 }],
      [14, undefined],
      [9, undefined],
      [20, undefined], // detached
      [-1, undefined],
      [Number.NaN, undefined],
    ])("find(%s) returns the busy area containing it", (addr, want) => {
      const s = new LegacyVmapSpace({ start: 0, end: 100, early: [{ start: 10, end: 14 }] });
      s.reserve(20, 2);
      s.detach(20);
      expect(s.find(addr)).toEqual(want);
    });
  });

  describe("detach() and release()", () => {
    it("keeps a detached area on the busy list: it blocks allocation until released", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 100 });
      s.alloc(4);
      s.alloc(4);
      expect(s.detach(0)).toBe(4);
      expect(plain(s)).toEqual([{ start: 4, end: 8 }]);
      expect([...s.detachedAreas()]).toEqual([{ start: 0, end: 4 }]);
      expect([...s.freeAreas()]).toEqual([{ start: 8, end: 100 }]);
      expect(s.alloc(4, 1, 0)).toBe(8);
      expect(busyList(s).map((e) => e.detached)).toEqual([true, false, false]);
      assertPartition(s);
      s.check();
    });

    it("releases adjacent detached areas together, in address order", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 100 });
      for (let i = 0; i < 4; i++) s.alloc(2);
      s.detach(2);
      s.detach(4);
      s.release(2, 4);
      expect(plain(s)).toEqual([{ start: 0, end: 2 }, { start: 6, end: 8 }]);
      expect(s.stats()).toMatchObject({ frees: 2, detachedCount: 0, detachedSize: 0 });
      // [2,4) freed first moves the cache from [6,8) to [0,2); [4,6) then starts above it.
      expect(s.stats().cacheOnFree).toEqual({ dropped: 0, movedDown: 1 });
      expect(cacheState(s).area).toEqual({ start: 0, end: 2 });
      s.check();
    });
  });

  describe("stats()", () => {
    it("reports every field after a short sequence", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 100 });
      s.alloc(2); // 0: no cache, LE
      s.alloc(3, 4); // 4: cache hit, one step, NE in the gap [2,100)
      s.alloc(5, 1, 50); // 50: smaller align, NE
      s.alloc(1, 1, 10); // 10: lower vstart, NE in [7,50)
      s.free(0); // ends below cached_vstart 10: drops the cache
      s.detach(4);
      s.alloc(2); // 0: no cache, LE in [0,4)
      const want: LegacyVmapStats = {
        busyCount: 3,
        busySize: 8,
        freeCount: 4,
        freeSize: 89,
        largestFree: 45,
        detachedCount: 1,
        detachedSize: 3,
        allocs: 5,
        failures: 0,
        frees: 1,
        fits: { FL: 0, LE: 2, RE: 0, NE: 3 },
        passes: 5,
        listSteps: 1,
        maxWalk: 1,
        cacheHits: 1,
        cacheResets: { noCache: 2, sizeBelowHole: 0, lowerVstart: 1, smallerAlign: 1, vstartAboveCache: 0 },
        cacheOnFree: { dropped: 1, movedDown: 0 },
        nodes: { capacity: 64, live: 4, bytes: 64 * 48 },
      };
      expect(s.stats()).toEqual(want);
      expect([...s.freeAreas()]).toEqual([
        { start: 2, end: 4 },
        { start: 7, end: 10 },
        { start: 11, end: 50 },
        { start: 55, end: 100 },
      ]);
      assertStatsConsistent(s);
      assertPartition(s);
    });
  });

  describe("pcpuHole", () => {
    it("starts at the range end and rises to the end of every freed area inside (start, end]", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 100, pcpuRange: { start: 10, end: 60 } });
      expect(s.pcpuHole).toBe(60);
      s.setPcpuHole(20);
      s.alloc(10); // [0,10)
      s.alloc(10); // [10,20)
      s.alloc(10, 1, 60); // [60,70)
      s.alloc(30, 1, 20); // [20,50)
      s.free(0); // ends at 10 = start: outside (start, end]
      expect(s.pcpuHole).toBe(20);
      s.free(60); // ends at 70: outside
      expect(s.pcpuHole).toBe(20);
      s.free(20);
      expect(s.pcpuHole).toBe(50);
      s.free(10); // 20 < 50: no change
      expect(s.pcpuHole).toBe(50);
    });
  });

  describe("check()", () => {
    const corrupt = (mutate: (s: LegacyVmapSpace) => void): (() => void) => {
      const s = new LegacyVmapSpace({ start: 0, end: 100 });
      s.alloc(4);
      s.alloc(4);
      s.alloc(4);
      mutate(s);
      return () => s.check();
    };
    const f64 = (s: LegacyVmapSpace): Float64Array => s[INSPECT]().pool.f64;
    const root = (s: LegacyVmapSpace): number => s[INSPECT]().tree.root;

    it.each([
      ["B2: an area grown into its neighbour", (s: LegacyVmapSpace) => void (f64(s)[root(s) * S64 + END] = 9), /B2 broken/],
      ["B1 (the tree's O1): an area moved out of order", (s: LegacyVmapSpace) => void (f64(s)[root(s) * S64 + START] = 50), /O1 broken/],
      ["B2: an area past the end of the space", (s: LegacyVmapSpace) => void (f64(s)[s[INSPECT]().tail * S64 + END] = 101), /B2 broken/],
      ["C1: the cache on a released record", (s: LegacyVmapSpace) => void ((s as unknown as { cache: number }).cache = 40), /C1 broken/],
      ["S1: a stale busy size", (s: LegacyVmapSpace) => void ((s as unknown as { busySize: number }).busySize = 1), /S1 broken/],
      ["K1: a pass with no recorded outcome", (s: LegacyVmapSpace) => void ((s as unknown as { passes: number }).passes = 7), /K1 broken/],
    ])("throws naming %s", (_name, mutate, id) => {
      expect(corrupt(mutate)).toThrow(id);
    });

    it("passes on a consistent space", () => {
      expect(corrupt(() => undefined)).not.toThrow();
    });
  });
});
