/**
 * Seeded random runs with alignments and windows: the 'exact' VmapSpace returns the lowest aligned fit in
 * the window, as the naive model does, so the lazy layer over both behaves identically; over
 * LegacyVmapSpace (whose cache may skip the lowest fit) every invariant holds after every operation.
 */
import { NaiveAllocator, createPrng, randomOps } from "@kva/test-utils";
import { VmapSpace } from "@kva/vmap";
import { LegacyVmapSpace } from "@kva/vmap-legacy";
import { describe, expect, it } from "vitest";
import { ERAS } from "./helpers.js";
import { SPACE, expectSameTraces, run } from "./oracle.js";

describe.each(ERAS)("LazyPurge era %s (random runs with alignments and windows)", (era) => {
  it.each([6, 7])("matches the naive lowest fit with alignments and windows over the 'exact' VmapSpace (seed %d)", (seed) => {
    const ops = [...randomOps(createPrng(seed), { count: 500, space: SPACE, maxSize: 16, alignMax: 16, windowProb: 0.3, freeProb: 0.45 })];
    expectSameTraces([run(era, new VmapSpace({ ...SPACE, search: "exact" }), ops, 40), run(era, new NaiveAllocator(SPACE), ops, 40)]);
  });

  it("keeps every invariant over LegacyVmapSpace with mixed sizes, alignments and windows", () => {
    const ops = [...randomOps(createPrng(8), { count: 600, space: SPACE, maxSize: 24, alignMax: 8, windowProb: 0.2, freeProb: 0.45 })];
    const last = run(era, new LegacyVmapSpace(SPACE), ops, 48).lazy.at(-1)!;
    expect(last.lazyFrees).toBe(last.pendingAreas + last.batches.totalAreas);
  });
});
