import { describe, expect, it } from "vitest";
import { cacheState, formatBusyList, lastAlloc, lowestGapFit } from "../src/debug.js";
import { type CacheResets, LegacyVmapSpace } from "../src/index.js";
import { NO_RESETS, type Step, resetDelta, run, space, step } from "./helpers.js";

/*
 * The one-entry cache of Linux ≤ 5.1's alloc_vmap_area (KERNEL.md §8), rule by rule. Every space is
 * `[0, 100)` in page units; see helpers.ts for the step notation ("a2@4>50" = alloc(2, align 4, vstart 50)).
 * Every expected value was worked out by hand from the kernel's steps; the comments show the walk.
 */

type Cause = keyof CacheResets | "hit";

const INVALIDATION: readonly (readonly [name: string, setup: readonly Step[], request: Step, addr: number, cause: Cause])[] = [
  ["no cache: the first allocation walks from vstart", [], "a2", 0, "noCache"],
  // a2>50 jumps to 50 (vstartAboveCache); f0 ends below cached_vstart 50 and drops the cache.
  ["no cache: a free dropped it, so the walk starts at vstart again", ["a2", "a2>50", "f0"], "a2>50", 52, "noCache"],
  // f2 moves the cache to [0,2); a3 walks [0,2) [4,6), notes the 2-page hole, lands at 6.
  ["size below the hole: a smaller request drops the cache and fills the hole", ["a2", "a2", "a2", "f2", "a3"], "a1", 2, "sizeBelowHole"],
  ["lower vstart: the window reaches below the previous one, the walk starts at vstart", ["a2>10"], "a2", 0, "lowerVstart"],
  // a2@4 continues from [0,1) at ALIGN(1, 4) = 4; an align-1 request may fit in [1,4).
  ["smaller align: a less aligned request drops the cache and finds the hole below it", ["a1", "a2@4"], "a3", 1, "smallerAlign"],
  ["vstart above the cache: ALIGN(cache end) < vstart jumps to nocache", ["a2"], "a2>50", 50, "vstartAboveCache"],
  ["hit: an equally permissive request continues after the cached area", ["a2", "a2"], "a2", 4, "hit"],
  ["hit: a larger align continues from the cache at ALIGN(cache end)", ["a2"], "a2@8", 8, "hit"],
  ["hit: a higher vstart at or below ALIGN(cache end) keeps the cache", ["a2", "a2"], "a2>3", 4, "hit"],
];

const FREE_SIDE: readonly (readonly [
  name: string,
  setup: readonly Step[],
  free: Step,
  dropped: number,
  movedDown: number,
  cache: readonly [number, number] | undefined,
  next: Step,
  nextAddr: number,
])[] = [
  ["drops the cache when the freed area ends below cached_vstart", ["a2", "a2>50"], "f0", 1, 0, undefined, "a2>50", 52],
  // cached_vstart is 4; the freed [2,4) ends at 4, not below it: the strict test moves the cache instead.
  ["moves (does not drop) the cache when the freed area ends exactly at cached_vstart", ["a2", "a2", "a2>4"], "f2", 0, 1, [0, 2], "a2>4", 6],
  ["moves the cache to the freed area's predecessor when it lies below the cached area", ["a2", "a2", "a2"], "f2", 0, 1, [0, 2], "a2", 2],
  ["moves the cache to its predecessor when the cached area itself is freed", ["a2", "a2", "a2"], "f4", 0, 1, [2, 4], "a2", 4],
  ["moves the cache to NULL when the freed area has no predecessor", ["a2", "a2"], "f0", 0, 1, undefined, "a2", 0],
  ["leaves the cache alone when the freed area starts above the cached area", ["a2", "r10+2"], "f10", 0, 0, [0, 2], "a2", 2],
  ["does nothing without a cache", ["a2", "a2", "f0"], "f2", 0, 0, undefined, "a2", 0],
];

describe("LegacyVmapSpace cache", () => {
  describe("alloc(): validity test and starting point", () => {
    it.each(INVALIDATION)("%s", (_name, setup, request, addr, cause) => {
      const s = space();
      run(s, setup);
      const before = s.stats();
      expect(step(s, request)).toBe(addr);
      const after = s.stats();
      const expected = cause === "hit" ? NO_RESETS : { ...NO_RESETS, [cause]: 1 };
      expect(resetDelta(before.cacheResets, after.cacheResets)).toEqual(expected);
      expect(after.cacheHits - before.cacheHits).toBe(cause === "hit" ? 1 : 0);
      const [pass] = lastAlloc(s);
      expect(pass!.reset).toBe(cause === "hit" ? undefined : cause);
      expect(pass!.fromCache).toBe(cause === "hit");
      // Whatever the cause, the new area is cached and the request's vstart/align are recorded.
      expect(cacheState(s).area).toEqual(s.find(addr));
      expect(cacheState(s).cachedVstart).toBe(pass!.vstart);
      expect(cacheState(s).cachedAlign).toBe(pass!.align);
      s.check();
    });

    it("records the largest hole a walk passes below the new cached area", () => {
      const s = space();
      run(s, ["a2", "a2", "a2", "a2", "f2", "f4"]); // [0,2) [6,8), cache moved to [0,2)
      expect(cacheState(s).cachedHoleSize).toBe(0);
      expect(step(s, "a5")).toBe(8); // walks [0,2) then [6,8): the hole [2,6) is 4 pages
      expect(cacheState(s)).toEqual({ area: { start: 8, end: 13 }, cachedHoleSize: 4, cachedVstart: 0, cachedAlign: 1 });
      expect(lastAlloc(s)[0]!.steps).toBe(2);
    });

    it("measures a hole from the aligned address, as the walk sees it", () => {
      const s = space();
      run(s, ["a1", "a1", "a1", "f1"]); // [0,1) [2,3), cache moved to [0,1)
      expect(step(s, "a2@2")).toBe(4); // ALIGN(1, 2) = 2 is busy at once: the hole [1,2) counts 0
      expect(cacheState(s).cachedHoleSize).toBe(0);
    });

    it("resets cached_hole_size to 0 when it drops the cache", () => {
      const s = space();
      run(s, ["a2", "a2", "a2", "f2", "a3"]);
      expect(cacheState(s).cachedHoleSize).toBe(2);
      step(s, "a1");
      expect(lastAlloc(s)[0]!.reset).toBe("sizeBelowHole");
      expect(cacheState(s).cachedHoleSize).toBe(0);
    });

    it("compares cached_align in the caller's units, below one unit too (alignShift 12)", () => {
      const s = new LegacyVmapSpace({ start: 0, end: 100, alignShift: 12 });
      expect(s.alloc(1, 4096)).toBe(0);
      expect(s.alloc(1, 2048)).toBe(1); // 2048 < 4096 drops the cache, although both are one unit
      expect(s.stats().cacheResets.smallerAlign).toBe(1);
      expect(s.alloc(1, 8192)).toBe(2); // 2 units
      expect(s.alloc(1, 1)).toBe(3);
      expect(cacheState(s).cachedAlign).toBe(1);
    });
  });

  describe("free(): __free_vmap_area's cache updates", () => {
    it.each(FREE_SIDE)("%s", (_name, setup, free, dropped, movedDown, cache, next, nextAddr) => {
      const s = space();
      run(s, setup);
      const before = s.stats().cacheOnFree;
      step(s, free);
      const after = s.stats().cacheOnFree;
      expect({ dropped: after.dropped - before.dropped, movedDown: after.movedDown - before.movedDown }).toEqual({ dropped, movedDown });
      expect(cacheState(s).area).toEqual(cache === undefined ? undefined : { start: cache[0], end: cache[1] });
      expect(step(s, next)).toBe(nextAddr);
      s.check();
    });

    it("leaves cached_hole_size, cached_vstart and cached_align alone", () => {
      const s = space();
      run(s, ["a2", "a2", "a2", "f2", "a3"]); // cache [6,9), hole 2
      const before = cacheState(s);
      step(s, "f6");
      expect(cacheState(s)).toEqual({ ...before, area: { start: 4, end: 6 } });
    });

    it("applies the same rules when a detached area is released", () => {
      const s = space();
      run(s, ["a2", "a2", "a2", "d2"]);
      expect(cacheState(s).area).toEqual({ start: 4, end: 6 }); // detach does not touch the cache
      s.release(2, 2);
      expect(s.stats().cacheOnFree.movedDown).toBe(1);
      expect(cacheState(s).area).toEqual({ start: 0, end: 2 });
      expect(step(s, "a2")).toBe(2);
    });
  });

  describe("the stale cache", () => {
    /*
     * Worked example (KERNEL.md §8, "consequence of step 2's strict test"):
     *
     *     a2 a2 a2        [0,2)[2,4)[4,6)                          cache [4,6)
     *     free(2)         [0,2) .. [4,6)                           cache moves to [0,2)
     *     a3              walks [0,2), [4,6): the 2-page hole is too small for 3;
     *                     cached_hole_size = 2, lands at 6         cache [6,9)
     *
     *         0   2   4   6       9                                100
     *         |AA |.. |CC |DDD    |............................... |
     *                          ^ cache          cached_hole_size = 2
     *
     *     a2              size 2 is not < cached_hole_size 2: the cache is kept and the walk starts
     *                     after [6,9), so it returns 9 although [2,4) fits exactly.
     */
    it("skips a hole whose size equals the request: the cache is kept when size == cached_hole_size", () => {
      const s = space();
      expect(run(s, ["a2", "a2", "a2", "f2", "a3"])).toEqual([0, 2, 4, 2, 6]);
      expect(formatBusyList(s)).toBe("[0,2) ..2.. [4,6) [6,9)^ ..91.. | hole=2 vstart=0 align=1");
      expect(lowestGapFit(s, 2, 1, 0, 100)).toBe(2);
      expect(s.alloc(2)).toBe(9);
      const [pass] = lastAlloc(s);
      expect(pass).toMatchObject({ holeAtTest: 2, size: 2, fromCache: true, reset: undefined, addr: 9 });
      // One page less is strictly below the hole: the cache drops and the hole is found.
      expect(s.alloc(1)).toBe(2);
      expect(lastAlloc(s)[0]!.reset).toBe("sizeBelowHole");
      s.check();
    });

    it("fails a request that has a fit, when the only fit is the skipped hole", () => {
      const s = space();
      run(s, ["a2", "a2", "a2", "f2", "a3"]);
      expect(lowestGapFit(s, 2, 1, 0, 10)).toBe(2);
      expect(s.alloc(2, 1, 0, 10)).toBeUndefined();
      // Both passes (the retry after the empty purge included) kept the cache and overflowed.
      expect(lastAlloc(s).map((p) => [p.fromCache, p.addr])).toEqual([
        [true, undefined],
        [true, undefined],
      ]);
      expect(s.stats().failures).toBe(1);
      s.check();
    });

    it("walks over detached areas: they stay on the busy list until released", () => {
      const s = space();
      run(s, ["a2", "a2", "a2", "d2", "d0"]);
      expect([...s.busyAreas()]).toEqual([{ start: 4, end: 6 }]);
      expect(s.alloc(2, 1, 0)).toBe(6); // the cached walk would anyway; now force a walk from vstart:
      expect(s.alloc(1, 1, 0, 100)).toBe(8);
      run(s, ["a2>10", "a1"]); // a lower vstart resets the cache
      expect(lastAlloc(s)[0]!.reset).toBe("lowerVstart");
      expect(lastAlloc(s)[0]!.steps).toBe(5); // [0,2) [2,4) [4,6) [6,8) [8,9)
      expect(s.find(9)).toEqual({ start: 9, end: 10 });
    });
  });
});
