import {
  NaiveAllocator,
  Prng,
  assertPartition,
  assertSameLayout,
  assertStatsConsistent,
  assertValidFit,
  classifyFit,
  lowestFit,
} from "@kva/test-utils";
import { describe, expect, it } from "vitest";
import { lastAlloc, lowestGapFit } from "../src/debug.js";
import { type LegacyVmapStats, LegacyVmapSpace } from "../src/index.js";

/*
 * Differential runs against the naive model. The naive allocator always answers the lowest aligned fit;
 * the old allocator must give the same answer except when its cache misleads it, and then only while the
 * cache was kept with `size == cached_hole_size` (KERNEL.md §8): its answer is then a valid fit above the
 * lowest one, or a failure although a fit exists. Both models are kept in the same layout (a missed fit
 * is mirrored into the naive model with `reserve`), and `check()` runs after every operation.
 */

interface RunResult {
  allocs: number;
  equal: number;
  /** Answers above the lowest fit. */
  higher: number;
  /** Failures although a fit existed. */
  failedWithFit: number;
  stats: LegacyVmapStats;
}

const ALIGNS = [1, 1, 1, 1, 2, 4, 8, 16, 64];

function runOracle(seed: number, ops: number, end: number, maxSize: number): RunResult {
  const prng = new Prng(seed);
  const legacy = new LegacyVmapSpace({ start: 0, end });
  const naive = new NaiveAllocator({ start: 0, end });
  const live: number[] = [];
  const detached: number[] = [];
  const result: RunResult = { allocs: 0, equal: 0, higher: 0, failedWithFit: 0, stats: legacy.stats() };
  // The fit type each allocation should count: its free block (a gap of the busy list) split FL/LE/RE/NE.
  const fits = { FL: 0, LE: 0, RE: 0, NE: 0 };
  const takeRandom = (arr: number[]): number => {
    const i = prng.int(0, arr.length - 1);
    const v = arr[i]!;
    arr[i] = arr[arr.length - 1]!;
    arr.pop();
    return v;
  };
  for (let i = 0; i < ops; i++) {
    const r = prng.next();
    if (r < 0.5 || live.length === 0) {
      const size = prng.int(1, maxSize);
      const align = prng.pick(ALIGNS);
      let vstart = 0;
      let vend = end;
      if (prng.bool(0.15)) {
        vstart = prng.int(0, end - 1);
        vend = prng.int(vstart + 1, end);
      }
      const free = naive.freeAreas();
      const low = lowestFit(free, size, align, vstart, vend);
      expect(lowestGapFit(legacy, size, align, vstart, vend)).toBe(low);
      const got = legacy.alloc(size, align, vstart, vend);
      result.allocs++;
      if (got !== undefined) fits[classifyFit(free.find((b) => b.start <= got && got < b.end)!, got, size)!]++;
      if (got === low) {
        result.equal++;
        expect(naive.alloc(size, align, vstart, vend)).toBe(low);
      } else {
        // A stale-cache case: every pass that answered kept the cache with size == cached_hole_size.
        for (const pass of lastAlloc(legacy)) {
          expect(pass).toMatchObject({ fromCache: true, holeAtTest: size });
        }
        expect(low).toBeDefined();
        if (got === undefined) {
          result.failedWithFit++;
        } else {
          assertValidFit(got, size, align, vstart, vend);
          expect(got).toBeGreaterThan(low!);
          expect(naive.reserve(got, size)).toBe(true);
          result.higher++;
        }
      }
      if (got !== undefined) live.push(got);
    } else if (r < 0.85) {
      const addr = takeRandom(live);
      expect(legacy.free(addr)).toBe(naive.free(addr));
    } else if (r < 0.92) {
      const addr = takeRandom(live);
      expect(legacy.detach(addr)).toBe(naive.detach(addr));
      detached.push(addr);
    } else if (r < 0.98) {
      if (detached.length > 0) {
        // One detached area, or it and the detached area right after it together.
        const addr = takeRandom(detached);
        const areas = [...legacy.detachedAreas()];
        let end = areas.find((d) => d.start === addr)!.end;
        const next = detached.indexOf(end);
        if (next >= 0 && prng.bool()) {
          detached.splice(next, 1);
          end = areas.find((d) => d.start === end)!.end;
        }
        legacy.release(addr, end - addr);
        naive.release(addr, end - addr);
      }
    } else {
      const addr = prng.int(0, end - 1);
      const size = prng.int(1, Math.min(maxSize, end - addr));
      const ok = legacy.reserve(addr, size);
      expect(naive.reserve(addr, size)).toBe(ok);
    }
    legacy.check();
    assertSameLayout(legacy, naive);
    if (i % 64 === 0) {
      assertPartition(legacy);
      assertStatsConsistent(legacy);
    }
  }
  result.stats = legacy.stats();
  expect(result.stats.fits).toEqual(fits);
  return result;
}

describe("LegacyVmapSpace vs NaiveAllocator", () => {
  const SEEDS = [1, 2, 3, 4, 5];
  const results = new Map<number, RunResult>();

  it.each(SEEDS)("answers like the lowest fit except in stale-cache cases (seed %i)", (seed) => {
    const result = runOracle(seed, 2000, 1024, 24);
    results.set(seed, result);
    expect(result.equal + result.higher + result.failedWithFit).toBe(result.allocs);
    expect(result.stats.allocs + result.stats.failures).toBe(result.allocs);
  });

  it("hits the stale-cache case in the runs, rarely", () => {
    const all = [...results.values()];
    expect(all.length).toBe(SEEDS.length);
    const allocs = all.reduce((n, r) => n + r.allocs, 0);
    const misses = all.reduce((n, r) => n + r.higher + r.failedWithFit, 0);
    expect(misses).toBeGreaterThan(0);
    expect(all.reduce((n, r) => n + r.higher, 0)).toBeGreaterThan(0);
    expect(misses / allocs).toBeLessThan(0.05);
  });

  it("exercises every reset cause and the free-side updates in the runs", () => {
    const total = (pick: (s: LegacyVmapStats) => number): number => [...results.values()].reduce((n, r) => n + pick(r.stats), 0);
    expect(total((s) => s.cacheResets.noCache)).toBeGreaterThan(0);
    expect(total((s) => s.cacheResets.sizeBelowHole)).toBeGreaterThan(0);
    expect(total((s) => s.cacheResets.lowerVstart)).toBeGreaterThan(0);
    expect(total((s) => s.cacheResets.smallerAlign)).toBeGreaterThan(0);
    expect(total((s) => s.cacheResets.vstartAboveCache)).toBeGreaterThan(0);
    expect(total((s) => s.cacheHits)).toBeGreaterThan(0);
    expect(total((s) => s.cacheOnFree.dropped)).toBeGreaterThan(0);
    expect(total((s) => s.cacheOnFree.movedDown)).toBeGreaterThan(0);
  });
});
