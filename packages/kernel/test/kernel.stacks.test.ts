import { listProfiles, toBytes, vmallocRangePages } from "@kva/arch";
import { createPrng } from "@kva/test-utils";
import { describe, expect, it } from "vitest";
import { type AllocatorKind, createKernel } from "../src/index.js";
import { ERAS, PAGE, STACKS, X86_START, at } from "./helpers.js";

describe.each(STACKS)("Kernel on every built-in profile (%s)", (allocator) => {
  it.each(listProfiles().map((p) => [p.id, p] as const))("runs vmalloc/vfree on %s from VMALLOC_START", (_id, profile) => {
    const k = createKernel({ profile, allocator });
    const start = toBytes(profile, vmallocRangePages(profile).start);
    const page = BigInt(profile.pageSize);
    expect(start).toBe(profile.vmallocStart);
    const a = k.vmalloc(1);
    expect(a).toBe(start);
    const b = k.vmalloc(3 * profile.pageSize + 1);
    expect(b).toBe(start + 2n * page);
    k.check();
    k.vfree(a);
    const c = k.vmalloc(profile.pageSize);
    expect(c).toBe(start + 7n * page);
    k.vmUnmapAliases();
    expect(k.vmalloc(profile.pageSize)).toBe(start);
    const m = k.vmMapRam(2);
    expect(m).toBeDefined();
    k.vmUnmapRam(m!, 2);
    k.vfree(b);
    k.vfree(c);
    k.check();
  });
});

/**
 * A seeded align-1 workload: vmallocs whose sizes never shrink (1 page, then 2, ... up to `maxPages`)
 * mixed with vfrees of random live areas, with lazy purges. With sizes that never shrink, no request can
 * equal a hole the old allocator skipped earlier (skipped holes were smaller than an earlier, not larger,
 * request), so its cache never misleads it.
 */
function workload(allocator: AllocatorKind, lazy: "5.2" | "5.11", seed: number): bigint[] {
  const k = createKernel({ allocator, lazy, lazyMaxPages: 64 });
  const rng = createPrng(seed);
  const live: bigint[] = [];
  const addresses: bigint[] = [];
  const n = 800;
  const maxPages = 12;
  for (let i = 0; i < n; i++) {
    if (live.length > 0 && rng.bool(0.45)) {
      k.vfree(live.splice(rng.int(0, live.length - 1), 1)[0]);
    } else {
      const addr = k.vmalloc((1 + Math.floor((i * maxPages) / n)) * PAGE)!;
      live.push(addr);
      addresses.push(addr);
    }
  }
  k.check();
  return addresses;
}

describe("Kernel on both stacks", () => {
  it.each(ERAS.flatMap((era) => [1, 2].map((seed) => [era, seed] as const)))(
    "gives identical addresses for an align-1 sequence (era %s, seed %i)",
    (era, seed) => {
      const augmented = workload("augmented", era, seed);
      expect(workload("legacy", era, seed)).toEqual(augmented);
      expect(augmented.length).toBeGreaterThan(400);
    },
  );

  /**
   * KERNEL.md §8: the old allocator keeps its cache when `size == cached_hole_size`, so a hole of exactly
   * the request's size below the cached area is skipped.
   *
   *     pages  0   2         5   7          11         14
   *            | a |  hole 3 | c |    d     |    e     |      (b freed and purged: the hole)
   *                                          ^ free_vmap_cache after d; cached_hole_size = 3
   *
   * 1. a, b (3 pages with the guard), c; vfree(b) and a purge: the hole [2, 5). Freeing b, which starts
   *    below the cached area c, moves the cache down to a (b's predecessor).
   * 2. d needs 4 pages: the walk from a passes the 3-page hole (recording cached_hole_size = 3) and lands
   *    after c, at 7. The cache is now d.
   * 3. e needs 3 pages: 3 < cached_hole_size (3) is false, so the cache is kept and the walk starts after
   *    d: e lands at 11. The free-tree allocator returns the lowest fit, the hole at 2.
   */
  it("differs where the old allocator's cache misleads it: a hole of exactly the request's size", () => {
    const run = (allocator: AllocatorKind) => {
      const k = createKernel({ allocator });
      const a = k.vmalloc(PAGE);
      const b = k.vmalloc(2 * PAGE);
      const c = k.vmalloc(PAGE);
      k.vfree(b);
      k.vmUnmapAliases();
      const d = k.vmalloc(3 * PAGE);
      const e = k.vmalloc(2 * PAGE);
      k.check();
      return [a, b, c, d, e];
    };
    const augmented = run("augmented");
    const legacy = run("legacy");
    expect(augmented).toEqual([X86_START, at(X86_START, 2), at(X86_START, 5), at(X86_START, 7), at(X86_START, 2)]);
    expect(legacy).toEqual([X86_START, at(X86_START, 2), at(X86_START, 5), at(X86_START, 7), at(X86_START, 11)]);
    expect(legacy[4]! > augmented[4]!).toBe(true);
  });
});
