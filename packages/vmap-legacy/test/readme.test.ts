import { readPackageReadme, usageExample } from "@kva/test-utils";
import { VmapError } from "@kva/vmap";
import { describe, expect, it } from "vitest";
import { cacheState, lastAlloc } from "../src/debug.js";
import { LegacyVmapSpace } from "../src/index.js";

const README = readPackageReadme(import.meta.url);


describe("README", () => {
  it("runs the usage example", () => {
    // usage: begin
    // Pages [0, 100); alloc(size, align = 1, vstart = start, vend = end).
    const space = new LegacyVmapSpace({ start: 0, end: 100 });
    expect([space.alloc(2), space.alloc(2), space.alloc(2)]).toEqual([0, 2, 4]);

    // Freeing below the cached area moves the cache to the freed area's predecessor.
    space.free(2);
    expect(cacheState(space).area).toEqual({ start: 0, end: 2 });

    // A 3-page request walks past the 2-page hole, notes it in cached_hole_size, lands at 6.
    expect(space.alloc(3)).toBe(6);
    expect(cacheState(space).cachedHoleSize).toBe(2);

    // The stale cache: 2 is not < cached_hole_size 2, so the walk starts after [6, 9).
    expect(space.alloc(2)).toBe(9);
    expect(lastAlloc(space)[0]).toMatchObject({ fromCache: true, holeAtTest: 2 });
    expect(space.alloc(1)).toBe(2); // 1 < 2: the cache is dropped, the walk starts at vstart

    expect(space.stats().cacheResets).toMatchObject({ noCache: 1, sizeBelowHole: 1 });
    expect(() => space.free(3)).toThrow(VmapError); // ENOENT: not the start of a busy area
    space.check();
    // usage: end
  });

  it("shows the usage example verbatim", () => {
    expect(README).toContain(usageExample(import.meta.url));
  });
});
