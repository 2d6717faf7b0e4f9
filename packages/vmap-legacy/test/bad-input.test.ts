import { snapshot } from "@kva/test-utils";
import { VmapError } from "@kva/vmap";
import { describe, expect, it } from "vitest";
import { busyList, cacheState } from "../src/debug.js";
import { LegacyVmapSpace, type LegacyVmapSpaceOptions } from "../src/index.js";

/** A space with state worth protecting: busy and detached areas, a reserved one, a cache and a hole. */
function populated(): LegacyVmapSpace {
  const s = new LegacyVmapSpace({ start: 0, end: 100, pageSize: 2 });
  s.alloc(4); // [0,4)
  s.alloc(4); // [4,8)
  s.alloc(6); // [8,14)
  s.alloc(2); // [14,16)
  s.free(8); // the cache moves to [4,8)
  s.alloc(8); // walks past the 6-unit hole at 8 to [16,24): cached_hole_size = 6
  s.detach(4);
  s.reserve(40, 2);
  return s;
}

type Call = (s: LegacyVmapSpace) => unknown;
const x = (v: unknown): number => v as number;

const CALLS: readonly (readonly [name: string, call: Call, code: "EINVAL" | "ENOENT"])[] = [
  ["alloc: size 0", (s) => s.alloc(0), "EINVAL"],
  ["alloc: negative size", (s) => s.alloc(-2), "EINVAL"],
  ["alloc: size not a multiple of pageSize", (s) => s.alloc(3), "EINVAL"],
  ["alloc: fractional size", (s) => s.alloc(2.5), "EINVAL"],
  ["alloc: NaN size", (s) => s.alloc(Number.NaN), "EINVAL"],
  ["alloc: infinite size", (s) => s.alloc(Number.POSITIVE_INFINITY), "EINVAL"],
  ["alloc: size -0", (s) => s.alloc(-0), "EINVAL"],
  ["alloc: size beyond 2^53", (s) => s.alloc(2 ** 54), "EINVAL"],
  ["alloc: size as a string", (s) => s.alloc(x("2")), "EINVAL"],
  ["alloc: size undefined", (s) => s.alloc(x(undefined)), "EINVAL"],
  ["alloc: align 0", (s) => s.alloc(2, 0), "EINVAL"],
  ["alloc: align 3", (s) => s.alloc(2, 3), "EINVAL"],
  ["alloc: negative align", (s) => s.alloc(2, -4), "EINVAL"],
  ["alloc: align 2^53", (s) => s.alloc(2, 2 ** 53), "EINVAL"],
  ["alloc: fractional align", (s) => s.alloc(2, 0.5), "EINVAL"],
  ["alloc: NaN align", (s) => s.alloc(2, Number.NaN), "EINVAL"],
  ["alloc: align -0", (s) => s.alloc(2, -0), "EINVAL"],
  ["alloc: align as a bigint", (s) => s.alloc(2, x(4n)), "EINVAL"],
  ["alloc: vstart below the space", (s) => s.alloc(2, 1, -1), "EINVAL"],
  ["alloc: vstart at the end", (s) => s.alloc(2, 1, 100), "EINVAL"],
  ["alloc: vend past the end", (s) => s.alloc(2, 1, 0, 101), "EINVAL"],
  ["alloc: empty window", (s) => s.alloc(2, 1, 50, 50), "EINVAL"],
  ["alloc: reversed window", (s) => s.alloc(2, 1, 60, 50), "EINVAL"],
  ["alloc: fractional vstart", (s) => s.alloc(2, 1, 1.5), "EINVAL"],
  ["alloc: NaN vend", (s) => s.alloc(2, 1, 0, Number.NaN), "EINVAL"],
  ["alloc: vstart null", (s) => s.alloc(2, 1, x(null)), "EINVAL"],
  ["attempt: align 3", (s) => s.attempt(2, 3), "EINVAL"],
  ["free: the middle of an area", (s) => s.free(2), "ENOENT"],
  ["free: a detached area", (s) => s.free(4), "ENOENT"],
  ["free: a wild address", (s) => s.free(60), "ENOENT"],
  ["free: a negative address", (s) => s.free(-1), "EINVAL"],
  ["free: NaN", (s) => s.free(Number.NaN), "EINVAL"],
  ["free: a fraction", (s) => s.free(0.5), "EINVAL"],
  ["detach: an area detached already", (s) => s.detach(4), "ENOENT"],
  ["detach: the middle of an area", (s) => s.detach(2), "ENOENT"],
  ["release: a busy area", (s) => s.release(0, 4), "ENOENT"],
  ["release: part of a detached area", (s) => s.release(4, 2), "ENOENT"],
  ["release: past the detached area into a busy one", (s) => s.release(4, 8), "ENOENT"],
  ["release: the middle of a detached area", (s) => s.release(6, 2), "ENOENT"],
  ["release: a size not a multiple of pageSize", (s) => s.release(4, 3), "EINVAL"],
  ["release: size 0", (s) => s.release(4, 0), "EINVAL"],
  ["release: a negative start", (s) => s.release(-4, 4), "EINVAL"],
  ["reserve: past the end of the space", (s) => s.reserve(98, 4), "EINVAL"],
  ["reserve: a negative address", (s) => s.reserve(-2, 2), "EINVAL"],
  ["reserve: a size not a multiple of pageSize", (s) => s.reserve(10, 3), "EINVAL"],
  ["reserve: size 0", (s) => s.reserve(10, 0), "EINVAL"],
  ["reserve: a fractional address", (s) => s.reserve(1.5, 2), "EINVAL"],
  ["setPcpuHole: without pcpuRange", (s) => s.setPcpuHole(10), "EINVAL"],
];

const OPTIONS: readonly (readonly [name: string, options: unknown])[] = [
  ["null options", null],
  ["a string", "0-100"],
  ["a negative start", { start: -1, end: 10 }],
  ["an empty space", { start: 5, end: 5 }],
  ["an end beyond 2^53", { start: 0, end: 2 ** 53 + 2 }],
  ["a fractional end", { start: 0, end: 10.5 }],
  ["pageSize 3", { start: 0, end: 10, pageSize: 3 }],
  ["pageSize 0", { start: 0, end: 10, pageSize: 0 }],
  ["pageSize 2^31", { start: 0, end: 10, pageSize: 2 ** 31 }],
  ["alignShift -1", { start: 0, end: 10, alignShift: -1 }],
  ["alignShift 53", { start: 0, end: 10, alignShift: 53 }],
  ["alignShift 1.5", { start: 0, end: 10, alignShift: 1.5 }],
  ["overlapping early areas", { start: 0, end: 10, early: [{ start: 0, end: 4 }, { start: 3, end: 5 }] }],
  ["unsorted early areas", { start: 0, end: 10, early: [{ start: 5, end: 6 }, { start: 0, end: 1 }] }],
  ["an early area outside the space", { start: 0, end: 10, early: [{ start: 8, end: 12 }] }],
  ["an empty early area", { start: 0, end: 10, early: [{ start: 4, end: 4 }] }],
  ["an early area that is not an object", { start: 0, end: 10, early: [7] }],
  ["initialCapacity 1", { start: 0, end: 10, initialCapacity: 1 }],
  ["a fractional initialCapacity", { start: 0, end: 10, initialCapacity: 2.5 }],
  ["an empty pcpuRange", { start: 0, end: 10, pcpuRange: { start: 5, end: 5 } }],
  ["a pcpuRange that is not an object", { start: 0, end: 10, pcpuRange: 5 }],
];

describe("LegacyVmapSpace misuse", () => {
  it("starts each case from a space with a cache, a recorded hole and a detached area", () => {
    const s = populated();
    expect(cacheState(s)).toEqual({ area: { start: 16, end: 24 }, cachedHoleSize: 6, cachedVstart: 0, cachedAlign: 1 });
    expect(s.stats().detachedCount).toBe(1);
  });

  it.each(CALLS)("rejects %s with VmapError and changes nothing", (_name, call, code) => {
    const s = populated();
    const before = { state: snapshot(s), cache: cacheState(s), list: busyList(s) };
    let error: unknown;
    try {
      call(s);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VmapError);
    expect((error as VmapError).code).toBe(code);
    expect({ state: snapshot(s), cache: cacheState(s), list: busyList(s) }).toEqual(before);
    s.check();
  });

  it("rejects a double free with ENOENT after the first free succeeded", () => {
    const s = populated();
    expect(s.free(0)).toBe(4);
    const before = { state: snapshot(s), cache: cacheState(s) };
    expect(() => s.free(0)).toThrow(expect.objectContaining({ name: "VmapError", code: "ENOENT" }));
    expect({ state: snapshot(s), cache: cacheState(s) }).toEqual(before);
  });

  it.each(OPTIONS)("rejects construction with %s (EINVAL)", (_name, options) => {
    expect(() => new LegacyVmapSpace(options as LegacyVmapSpaceOptions)).toThrow(expect.objectContaining({ name: "VmapError", code: "EINVAL" }));
  });

  it("has the same error class as @kva/vmap", () => {
    expect(() => new LegacyVmapSpace({ start: 0, end: 10 }).free(3)).toThrow(VmapError);
  });
});
