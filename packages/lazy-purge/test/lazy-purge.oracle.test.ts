/**
 * Seeded random runs of the lazy layer: `check()` after every operation, and differential runs in which
 * the same operation sequence through `LazyPurge` over different allocators gives the same answers,
 * pending counts, purge counts and flush ranges.
 *
 * Which allocators agree on which workloads: VmapSpace and the naive model both return the lowest fit for
 * align-1 requests over the whole space (and the 'exact' VmapSpace for every request). LegacyVmapSpace
 * reproduces the pre-5.2 one-entry cache, which misses a hole of exactly the size that an earlier walk
 * passed over; with one request size that cannot happen, so the three-way comparison uses one size.
 */
import { NaiveAllocator, createPrng } from "@kva/test-utils";
import { VmapSpace } from "@kva/vmap";
import { describe, expect, it } from "vitest";
import { ALLOCATORS, ERAS } from "./helpers.js";
import { SPACE, expectSameTraces, run, scaled } from "./oracle.js";

describe.each(ERAS)("LazyPurge era %s (random runs)", (era) => {
  it.each([1, 2])("behaves the same over VmapSpace, LegacyVmapSpace and NaiveAllocator with one request size (seed %d)", (seed) => {
    const ops = scaled(createPrng(seed), 500, 1, 8, 0.35);
    const traces = ALLOCATORS.map(([, make]) => run(era, make(SPACE.start, SPACE.end), ops, 48));
    expectSameTraces(traces);
    const last = traces[0]!.lazy.at(-1)!;
    expect(last.purges.threshold).toBeGreaterThan(0);
    expect(last.purges.failure).toBeGreaterThan(0);
    expect(last.purges.explicit).toBeGreaterThan(0);
    expect(last.flushes.count).toBeGreaterThanOrEqual(last.batches.count);
  });

  it.each([4, 5])("behaves the same over VmapSpace and NaiveAllocator with mixed sizes (seed %d)", (seed) => {
    const ops = scaled(createPrng(seed), 600, 24, 1, 0.4);
    const traces = [run(era, new VmapSpace(SPACE), ops, 48), run(era, new NaiveAllocator(SPACE), ops, 48)];
    expectSameTraces(traces);
    const last = traces[0]!.lazy.at(-1)!;
    expect(last.warnings).toBeGreaterThan(0);
    expect(last.notifierFreed).toBeGreaterThan(0);
    if (era === "5.11") expect(last.batches.totalRanges).toBeLessThan(last.batches.totalAreas);
    else expect(last.batches.totalRanges).toBe(last.batches.totalAreas);
  });

});
