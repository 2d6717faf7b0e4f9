import { describe, expect, it } from "vitest";
import type { AllocatorLike, Range } from "../src/allocator-like.js";
import { lowestFit } from "../src/fit.js";
import { InvariantError } from "../src/invariant-error.js";
import {
  assertFreeNeverTouch,
  assertPartition,
  assertStatsConsistent,
  assertValidFit,
  snapshot,
} from "../src/invariants.js";
import { NaiveAllocator } from "../src/naive-allocator.js";
import { NaiveAllocatorError } from "../src/naive-allocator-error.js";
import { Prng } from "../src/prng.js";
import { applyOp, randomOps } from "../src/workloads.js";

const ranges = (...pairs: [number, number][]): Range[] => pairs.map(([start, end]) => ({ start, end }));

/** A space `[start, end)` whose free blocks are exactly `free`; everything else is reserved. */
function withFree(start: number, end: number, free: [number, number][]): NaiveAllocator {
  const a = new NaiveAllocator({ start, end });
  let cursor = start;
  for (const [s, e] of [...free, [end, end] as [number, number]]) {
    if (s > cursor) expect(a.reserve(cursor, s - cursor)).toBe(true);
    cursor = e;
  }
  expect(a.freeAreas()).toEqual(ranges(...free));
  return a;
}

/** Internals reached through a cast, to corrupt the state for check() tests. */
interface Internals {
  freeList: { start: number; end: number }[];
  busyList: { start: number; end: number }[];
  detachedList: { start: number; end: number }[];
  allocs: number;
  failures: number;
  fits: { FL: number; LE: number; RE: number; NE: number };
}
const internals = (a: NaiveAllocator): Internals => a as unknown as Internals;

/** A test-title rendering that tells -0, "4", 4n and [4] apart. */
function label(v: unknown): string {
  if (Object.is(v, -0)) return "-0";
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.join(", ")}]`;
  if (typeof v === "object" && v !== null) return "{}";
  return String(v);
}

function expectError(call: () => unknown, code: "EINVAL" | "ENOENT"): void {
  let caught: unknown;
  try {
    call();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(NaiveAllocatorError);
  expect((caught as NaiveAllocatorError).code).toBe(code);
}

describe("NaiveAllocator", () => {
  describe("constructor", () => {
    it("starts with the whole space as one free block and zero counters", () => {
      const a = new NaiveAllocator({ start: 10, end: 50 });
      expect(a.start).toBe(10);
      expect(a.end).toBe(50);
      expect(a.pageSize).toBe(1);
      expect(a.freeAreas()).toEqual(ranges([10, 50]));
      expect(a.busyAreas()).toEqual([]);
      expect(a.stats()).toEqual({
        busyCount: 0,
        busySize: 0,
        freeCount: 1,
        freeSize: 40,
        largestFree: 40,
        detachedCount: 0,
        detachedSize: 0,
        allocs: 0,
        failures: 0,
        frees: 0,
        fits: { FL: 0, LE: 0, RE: 0, NE: 0 },
      });
      a.check();
    });

    it("records the page size", () => {
      expect(new NaiveAllocator({ start: 0, end: 1 << 20, pageSize: 4096 }).pageSize).toBe(4096);
    });

    it("accepts the largest space [0, 2^53)", () => {
      const a = new NaiveAllocator({ start: 0, end: 2 ** 53 });
      expect(a.alloc(2 ** 52, 2 ** 52)).toBe(0);
      expect(a.alloc(2 ** 52 - 1, 1)).toBe(2 ** 52);
      expect(a.freeAreas()).toEqual(ranges([2 ** 53 - 1, 2 ** 53]));
      a.check();
    });

    it("satisfies the allocator contract structurally", () => {
      const a: AllocatorLike = new NaiveAllocator({ start: 0, end: 8 });
      expect(a.alloc(8)).toBe(0);
    });

    it.each([
      ["no options", undefined],
      ["null options", null],
      ["a negative start", { start: -1, end: 10 }],
      ["start -0", { start: -0, end: 10 }],
      ["a fractional start", { start: 0.5, end: 10 }],
      ["a string start", { start: "0", end: 10 }],
      ["end equal to start", { start: 5, end: 5 }],
      ["end below start", { start: 5, end: 4 }],
      ["end past 2^53", { start: 0, end: 2 ** 53 + 2 }],
      ["an infinite end", { start: 0, end: Infinity }],
      ["a NaN end", { start: 0, end: NaN }],
      ["pageSize 0", { start: 0, end: 10, pageSize: 0 }],
      ["pageSize 3", { start: 0, end: 10, pageSize: 3 }],
      ["pageSize -0", { start: 0, end: 10, pageSize: -0 }],
    ])("throws EINVAL for %s", (_name, options) => {
      expectError(() => new NaiveAllocator(options as never), "EINVAL");
    });
  });

  describe("alloc()", () => {
    // free blocks [4, 10) [16, 32) [40, 64) in [0, 64)
    it.each([
      // size, align, vstart, vend, address, fit type
      [4, 1, 0, 64, 4, "LE"],
      [6, 1, 0, 64, 4, "FL"],
      [7, 1, 0, 64, 16, "LE"],
      [4, 8, 0, 64, 16, "LE"],
      [2, 8, 0, 64, 8, "RE"],
      [1, 8, 0, 64, 8, "NE"],
      [16, 16, 0, 64, 16, "FL"],
      [17, 1, 0, 64, 40, "LE"],
      [24, 1, 0, 64, 40, "FL"],
      [4, 1, 5, 64, 5, "NE"],
      [5, 1, 5, 64, 5, "RE"],
      [10, 1, 20, 30, 20, "NE"],
      [6, 1, 0, 12, 4, "FL"],
      [4, 4, 41, 64, 44, "NE"],
      [4, 1, 60, 64, 60, "RE"],
      [8, 8, 10, 40, 16, "LE"],
    ] as const)("places size %d align %d in [%d, %d) at %d as an %s fit", (size, align, vstart, vend, addr, fit) => {
      const a = withFree(0, 64, [
        [4, 10],
        [16, 32],
        [40, 64],
      ]);
      const before = a.stats();
      expect(a.alloc(size, align, vstart, vend)).toBe(addr);
      const after = a.stats();
      expect(after.fits).toEqual({ ...before.fits, [fit]: before.fits[fit] + 1 });
      expect(after.allocs).toBe(before.allocs + 1);
      expect(a.find(addr)).toEqual({ start: addr, end: addr + size });
      a.check();
    });

    it.each([
      ["a size larger than every block", 25, 1, 0, 64],
      ["an alignment no block can meet", 8, 32, 0, 64],
      ["an alignment beyond the space", 1, 64, 0, 64],
      ["a window between blocks", 1, 1, 10, 16],
      ["a window too small for the size", 11, 1, 20, 30],
      ["a window cutting every block short", 6, 1, 0, 9],
    ])("returns undefined for %s and counts a failure", (_name, size, align, vstart, vend) => {
      const a = withFree(0, 64, [
        [4, 10],
        [16, 32],
        [40, 64],
      ]);
      const before = snapshot(a);
      expect(a.alloc(size, align, vstart, vend)).toBeUndefined();
      const after = snapshot(a);
      expect(after.stats.failures).toBe(before.stats.failures + 1);
      expect({ ...after, stats: { ...after.stats, failures: before.stats.failures } }).toEqual(before);
    });

    it("aligns absolute addresses, not offsets from the start of the space", () => {
      const a = new NaiveAllocator({ start: 3, end: 40 });
      expect(a.alloc(4, 8)).toBe(8);
      expect(a.stats().fits.NE).toBe(1);
      expect(a.freeAreas()).toEqual(ranges([3, 8], [12, 40]));
    });

    it("uses the whole space as the default window", () => {
      const a = new NaiveAllocator({ start: 5, end: 20 });
      const b = new NaiveAllocator({ start: 5, end: 20 });
      expect(a.alloc(3)).toBe(b.alloc(3, 1, 5, 20));
      expect(a.alloc(3, undefined, undefined, undefined)).toBe(8);
    });

    it("fills the space and then returns undefined", () => {
      const a = new NaiveAllocator({ start: 0, end: 10 });
      for (let i = 0; i < 5; i++) expect(a.alloc(2)).toBe(2 * i);
      expect(a.alloc(1)).toBeUndefined();
      expect(a.stats()).toMatchObject({ busyCount: 5, freeCount: 0, largestFree: 0, allocs: 5, failures: 1 });
      expect(a.stats().fits).toEqual({ FL: 1, LE: 4, RE: 0, NE: 0 });
      a.check();
    });
  });

  describe("free()", () => {
    /** Four 10-unit areas A B C D fill [0, 40). */
    function full(): NaiveAllocator {
      const a = new NaiveAllocator({ start: 0, end: 40 });
      for (let i = 0; i < 4; i++) a.alloc(10);
      return a;
    }

    it.each([
      ["merges with no neighbour", [10], [[10, 20]]],
      ["merges with the previous block", [10, 20], [[10, 30]]],
      ["merges with the next block", [20, 10], [[10, 30]]],
      ["merges with both neighbours", [10, 30, 20], [[10, 40]]],
      ["frees the first area at the start of the space", [0], [[0, 10]]],
      ["frees the last area at the end of the space", [30], [[30, 40]]],
      ["keeps two separated blocks apart", [0, 20], [[0, 10], [20, 30]]],
      ["frees everything back into one block", [0, 20, 10, 30], [[0, 40]]],
    ] as const)("%s", (_name, frees, free) => {
      const a = full();
      for (const addr of frees) expect(a.free(addr)).toBe(10);
      expect(a.freeAreas()).toEqual(ranges(...(free as unknown as [number, number][])));
      expect(a.stats().frees).toBe(frees.length);
      assertFreeNeverTouch(a.freeAreas());
      a.check();
    });

    it("returns the size and removes the area from find()", () => {
      const a = new NaiveAllocator({ start: 0, end: 100 });
      const addr = a.alloc(7, 4, 10)!;
      expect(a.find(addr + 3)).toEqual({ start: 12, end: 19 });
      expect(a.free(addr)).toBe(7);
      expect(a.find(addr + 3)).toBeUndefined();
    });

    it.each([
      ["a double free", (a: NaiveAllocator) => (a.free(10), a.free(10))],
      ["the middle of an area", (a: NaiveAllocator) => a.free(15)],
      ["an address in free space", (a: NaiveAllocator) => (a.free(10), a.free(12))],
      ["an address outside the space", (a: NaiveAllocator) => a.free(1000)],
      ["a detached area", (a: NaiveAllocator) => (a.detach(10), a.free(10))],
    ])("throws ENOENT for %s", (_name, call) => {
      expectError(() => call(full()), "ENOENT");
    });
  });

  describe("reserve()", () => {
    // busy [8, 16) in [0, 32); free [0, 8) [16, 32)
    function space(): NaiveAllocator {
      const a = new NaiveAllocator({ start: 0, end: 32 });
      expect(a.reserve(8, 8)).toBe(true);
      return a;
    }

    it.each([
      ["the whole first block", 0, 8, true, [[16, 32]]],
      ["the start of a block", 16, 4, true, [[0, 8], [20, 32]]],
      ["the end of a block", 28, 4, true, [[0, 8], [16, 28]]],
      ["the middle of a block", 20, 4, true, [[0, 8], [16, 20], [24, 32]]],
      ["a range overlapping a busy area", 4, 8, false, [[0, 8], [16, 32]]],
      ["a range inside a busy area", 8, 1, false, [[0, 8], [16, 32]]],
      ["a range spanning a busy area", 0, 32, false, [[0, 8], [16, 32]]],
    ] as const)("claims %s: reserve(%d, %d) is %s", (_name, addr, size, ok, free) => {
      const a = space();
      expect(a.reserve(addr, size)).toBe(ok);
      expect(a.freeAreas()).toEqual(ranges(...(free as unknown as [number, number][])));
      if (ok) expect(a.find(addr)).toEqual({ start: addr, end: addr + size });
      a.check();
    });

    it("refuses a detached range", () => {
      const a = space();
      a.detach(8);
      expect(a.reserve(8, 8)).toBe(false);
      expect(a.reserve(10, 1)).toBe(false);
    });

    it("counts in neither allocs nor fits, and is freed like an allocation", () => {
      const a = space();
      expect(a.stats()).toMatchObject({ busyCount: 1, busySize: 8, allocs: 0, fits: { FL: 0, LE: 0, RE: 0, NE: 0 } });
      expect(a.free(8)).toBe(8);
      expect(a.freeAreas()).toEqual(ranges([0, 32]));
    });
  });

  describe("find()", () => {
    it.each([
      [10, { start: 10, end: 14 }],
      [13, { start: 10, end: 14 }],
      [14, undefined],
      [9, undefined],
      [0, undefined],
      [1000, undefined],
      [20, undefined],
    ])("finds the busy area containing %d: %o", (addr, expected) => {
      const a = new NaiveAllocator({ start: 0, end: 30 });
      a.reserve(10, 4);
      a.reserve(20, 4);
      a.detach(20);
      expect(a.find(addr)).toEqual(expected);
    });
  });

  describe("detach() and release()", () => {
    /** Areas at 0, 10, 20, 30 (10 units each) in [0, 50); free [40, 50). */
    function four(): NaiveAllocator {
      const a = new NaiveAllocator({ start: 0, end: 50 });
      for (let i = 0; i < 4; i++) a.alloc(10);
      return a;
    }

    it("unlinks the area from the busy list but keeps its range unavailable", () => {
      const a = four();
      expect(a.detach(10)).toBe(10);
      expect(a.busyAreas()).toEqual(ranges([0, 10], [20, 30], [30, 40]));
      expect(a.freeAreas()).toEqual(ranges([40, 50]));
      expect(a.detachedAreas()).toEqual(ranges([10, 20]));
      expect(a.stats()).toMatchObject({ busyCount: 3, detachedCount: 1, detachedSize: 10, frees: 0 });
      expect(a.find(15)).toBeUndefined();
      expect(a.alloc(10, 1, 0, 40)).toBeUndefined();
      assertPartition(a);
      a.check();
    });

    it("releases one detached area into free space, merging with free neighbours", () => {
      const a = four();
      a.detach(30);
      a.release(30, 10);
      expect(a.freeAreas()).toEqual(ranges([30, 50]));
      expect(a.stats()).toMatchObject({ detachedCount: 0, detachedSize: 0, frees: 1 });
      a.check();
    });

    it("releases adjacent detached areas together and counts each as a free", () => {
      const a = four();
      a.detach(10);
      a.detach(20);
      a.free(30);
      a.release(10, 20);
      expect(a.freeAreas()).toEqual(ranges([10, 50]));
      expect(a.stats()).toMatchObject({ detachedCount: 0, frees: 3 });
      a.check();
    });

    it("releases one of two adjacent detached areas alone", () => {
      const a = four();
      a.detach(10);
      a.detach(20);
      a.release(20, 10);
      expect(a.detachedAreas()).toEqual(ranges([10, 20]));
      expect(a.freeAreas()).toEqual(ranges([20, 30], [40, 50]));
      a.check();
    });

    it.each([
      ["a start that is not a detached area's", (a: NaiveAllocator) => a.release(0, 10)],
      ["a start inside a detached area", (a: NaiveAllocator) => a.release(15, 5)],
      ["a range ending inside a detached area", (a: NaiveAllocator) => a.release(10, 15)],
      ["a range running past the last detached area", (a: NaiveAllocator) => a.release(10, 30)],
      ["a range spanning a busy area", (a: NaiveAllocator) => (a.alloc(10), a.detach(40), a.release(20, 30))],
      ["a range spanning free space", (a: NaiveAllocator) => (a.detach(30), a.release(20, 10), a.release(10, 30))],
      ["a range in free space", (a: NaiveAllocator) => a.release(40, 10)],
      ["a range past the end of the space", (a: NaiveAllocator) => a.release(10, 2 ** 52)],
      ["a second release", (a: NaiveAllocator) => (a.release(10, 20), a.release(10, 20))],
    ])("throws ENOENT for %s", (_name, call) => {
      const a = four();
      a.detach(10);
      a.detach(20);
      expectError(() => call(a), "ENOENT");
    });

    it.each([
      ["a busy area's start", (a: NaiveAllocator) => a.detach(5)],
      ["an already detached area", (a: NaiveAllocator) => (a.detach(10), a.detach(10))],
      ["free space", (a: NaiveAllocator) => a.detach(45)],
    ])("throws ENOENT when detaching %s", (_name, call) => {
      expectError(() => call(four()), "ENOENT");
    });
  });

  describe("stats(), busyAreas(), freeAreas()", () => {
    it("returns frozen snapshots that later calls do not change", () => {
      const a = new NaiveAllocator({ start: 0, end: 10 });
      const s = a.stats();
      a.alloc(4);
      expect(Object.isFrozen(s) && Object.isFrozen(s.fits)).toBe(true);
      expect(s.busyCount).toBe(0);
      expect(a.stats().busyCount).toBe(1);
    });

    it("returns fresh objects that do not alias the allocator's state", () => {
      const a = new NaiveAllocator({ start: 0, end: 10 });
      a.alloc(4);
      const busy = a.busyAreas() as { start: number; end: number }[];
      const free = a.freeAreas() as { start: number; end: number }[];
      busy[0]!.end = 99;
      free[0]!.start = 0;
      expect(a.busyAreas()).toEqual(ranges([0, 4]));
      expect(a.freeAreas()).toEqual(ranges([4, 10]));
      a.check();
    });

    it("reports the largest free block", () => {
      const a = withFree(0, 100, [
        [0, 5],
        [10, 40],
        [50, 60],
      ]);
      expect(a.stats()).toMatchObject({ freeCount: 3, freeSize: 45, largestFree: 30, busyCount: 3, busySize: 55 });
    });

    it("dumps every range in address order", () => {
      const a = new NaiveAllocator({ start: 0, end: 10 });
      a.alloc(2);
      a.alloc(2);
      a.detach(2);
      expect(a.dump()).toBe("busy [0, 2)\ndetached [2, 4)\nfree [4, 10)");
    });
  });

  describe("bad input", () => {
    /** A non-trivial state: busy, free, detached areas and non-zero counters. */
    function busySpace(): NaiveAllocator {
      const a = new NaiveAllocator({ start: 0, end: 64 });
      a.alloc(8);
      a.alloc(8, 16);
      a.alloc(4);
      a.detach(8);
      a.alloc(64);
      return a;
    }

    const BAD_NUMBERS = [NaN, Infinity, -Infinity, 1.5, -0, "4", null, 4n, {}, [4]] as const;
    type Call = (a: NaiveAllocator) => unknown;

    const cases: [string, Call, "EINVAL" | "ENOENT"][] = [
      ...BAD_NUMBERS.map((v): [string, Call, "EINVAL"] => [`alloc size ${label(v)}`, (a) => a.alloc(v as never), "EINVAL"]),
      ["alloc size 0", (a) => a.alloc(0), "EINVAL"],
      ["alloc size -1", (a) => a.alloc(-1), "EINVAL"],
      ["alloc size 2^53", (a) => a.alloc(2 ** 53), "EINVAL"],
      ["alloc size undefined", (a) => a.alloc(undefined as never), "EINVAL"],
      ...BAD_NUMBERS.map((v): [string, Call, "EINVAL"] => [`alloc align ${label(v)}`, (a) => a.alloc(1, v as never), "EINVAL"]),
      ...[0, 3, 6, 12, -2, 2 ** 53].map((v): [string, Call, "EINVAL"] => [`alloc align ${v}`, (a) => a.alloc(1, v), "EINVAL"]),
      ...BAD_NUMBERS.map((v): [string, Call, "EINVAL"] => [`alloc vstart ${label(v)}`, (a) => a.alloc(1, 1, v as never), "EINVAL"]),
      ["alloc vstart below the space", (a) => a.alloc(1, 1, -1), "EINVAL"],
      ["alloc vstart at the end", (a) => a.alloc(1, 1, 64), "EINVAL"],
      ...BAD_NUMBERS.map((v): [string, Call, "EINVAL"] => [`alloc vend ${label(v)}`, (a) => a.alloc(1, 1, 0, v as never), "EINVAL"]),
      ["alloc vend equal to vstart (empty window)", (a) => a.alloc(1, 1, 10, 10), "EINVAL"],
      ["alloc vend below vstart", (a) => a.alloc(1, 1, 10, 5), "EINVAL"],
      ["alloc vend past the space", (a) => a.alloc(1, 1, 0, 65), "EINVAL"],
      ...BAD_NUMBERS.map((v): [string, Call, "EINVAL"] => [`free ${label(v)}`, (a) => a.free(v as never), "EINVAL"]),
      ["free 2^53", (a) => a.free(2 ** 53), "EINVAL"],
      ["free of a negative address", (a) => a.free(-8), "EINVAL"],
      ["find of a negative address", (a) => a.find(-1), "EINVAL"],
      ["detach of a negative address", (a) => a.detach(-8), "EINVAL"],
      ["release of a negative start", (a) => a.release(-8, 8), "EINVAL"],
      ["free of the middle of an area", (a) => a.free(20), "ENOENT"],
      ["free of free space", (a) => a.free(60), "ENOENT"],
      ["free of a wild address", (a) => a.free(12345), "ENOENT"],
      ["free of a detached area", (a) => a.free(8), "ENOENT"],
      ...BAD_NUMBERS.map((v): [string, Call, "EINVAL"] => [`reserve addr ${label(v)}`, (a) => a.reserve(v as never, 1), "EINVAL"]),
      ...BAD_NUMBERS.map((v): [string, Call, "EINVAL"] => [`reserve size ${label(v)}`, (a) => a.reserve(40, v as never), "EINVAL"]),
      ["reserve below the space", (a) => a.reserve(-1, 1), "EINVAL"],
      ["reserve at the end of the space", (a) => a.reserve(64, 1), "EINVAL"],
      ["reserve running past the end", (a) => a.reserve(60, 5), "EINVAL"],
      ["reserve size 0", (a) => a.reserve(40, 0), "EINVAL"],
      ...BAD_NUMBERS.map((v): [string, Call, "EINVAL"] => [`find ${label(v)}`, (a) => a.find(v as never), "EINVAL"]),
      ...BAD_NUMBERS.map((v): [string, Call, "EINVAL"] => [`detach ${label(v)}`, (a) => a.detach(v as never), "EINVAL"]),
      ["detach of the middle of an area", (a) => a.detach(20), "ENOENT"],
      ["detach of a detached area", (a) => a.detach(8), "ENOENT"],
      ...BAD_NUMBERS.map((v): [string, Call, "EINVAL"] => [`release start ${label(v)}`, (a) => a.release(v as never, 8), "EINVAL"]),
      ...BAD_NUMBERS.map((v): [string, Call, "EINVAL"] => [`release size ${label(v)}`, (a) => a.release(8, v as never), "EINVAL"]),
      ["release size 0", (a) => a.release(8, 0), "EINVAL"],
      ["release of a busy area", (a) => a.release(0, 8), "ENOENT"],
      ["release of part of a detached area", (a) => a.release(8, 2), "ENOENT"],
      ["release beyond a detached area", (a) => a.release(8, 12), "ENOENT"],
    ];

    it.each(cases.map(([name, call, code]) => [name, code, call] as const))("%s throws %s and changes nothing", (_name, code, call) => {
      const a = busySpace();
      const before = snapshot(a);
      const detachedBefore = a.detachedAreas();
      expectError(() => call(a), code);
      expect(snapshot(a)).toEqual(before);
      expect(a.detachedAreas()).toEqual(detachedBefore);
      a.check();
    });
  });

  describe("check()", () => {
    function sample(): NaiveAllocator {
      const a = new NaiveAllocator({ start: 0, end: 100 });
      a.alloc(10); // [0, 10)
      a.alloc(10); // [10, 20)
      a.alloc(10); // [20, 30)
      a.free(10); // free [10, 20) [30, 100)
      a.detach(20); // detached [20, 30)
      a.check();
      return a;
    }

    it.each([
      ["an unsorted free list", "O1", (s: Internals) => s.freeList.reverse()],
      ["an empty free range", "O1", (s: Internals) => (s.freeList[0]!.end = s.freeList[0]!.start)],
      ["a fractional bound", "O1", (s: Internals) => (s.busyList[0]!.end = 9.5)],
      ["overlapping busy areas", "O1", (s: Internals) => s.busyList.push({ start: 5, end: 15 })],
      ["touching free blocks", "M1", (s: Internals) => s.freeList.splice(1, 1, { start: 30, end: 60 }, { start: 60, end: 100 })],
      ["a lost busy area (gap)", "P1", (s: Internals) => s.busyList.splice(0, 1)],
      ["a lost detached area (gap)", "P1", (s: Internals) => s.detachedList.splice(0, 1)],
      ["busy overlapping free", "P1", (s: Internals) => (s.busyList[0]!.end = 12)],
      ["a free block past the end", "P1", (s: Internals) => (s.freeList[1]!.end = 101)],
      ["a free block short of the end", "P1", (s: Internals) => (s.freeList[1]!.end = 99)],
      ["a busy area before the start", "P1", (s: Internals) => s.busyList.unshift({ start: -5, end: 0 })],
      ["fit counts that do not sum to allocs", "S1", (s: Internals) => s.allocs++],
      ["a negative counter", "S1", (s: Internals) => (s.failures = -1)],
    ])("catches %s as %s", (_name, id, corrupt) => {
      const a = sample();
      corrupt(internals(a));
      let caught: unknown;
      try {
        a.check();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvariantError);
      expect((caught as InvariantError).invariant).toBe(id);
    });
  });

  describe("a seeded random run of 20,000 operations", () => {
    it("keeps every invariant and always answers the lowest aligned fit", () => {
      const prng = new Prng(0x5eed);
      const space = { start: 1000, end: 1000 + 4096 };
      const a = new NaiveAllocator(space);
      const live: number[] = [];
      const detached: Range[] = [];
      const ops = randomOps(prng.fork(), { count: 20_000, space, maxSize: 96, alignMax: 64, windowProb: 0.3, freeProb: 0.45 });
      let step = 0;
      let allocated = 0;
      let failed = 0;
      for (const op of ops) {
        step++;
        if (op.op === "alloc") {
          const expected = lowestFit(a.freeAreas(), op.size, op.align, op.vstart, op.vend);
          const result = applyOp(a, op, live);
          expect(result).toEqual({ op: "alloc", addr: expected });
          if (expected === undefined) failed++;
          else {
            allocated++;
            assertValidFit(expected, op.size, op.align, op.vstart, op.vend);
          }
        } else if (prng.bool(0.2) && live.length > 0) {
          // Detach instead of free; release later, sometimes several adjacent areas at once.
          const i = op.pick % live.length;
          const addr = live[i]!;
          live[i] = live[live.length - 1]!;
          live.pop();
          const size = a.detach(addr);
          detached.push({ start: addr, end: addr + size });
        } else {
          applyOp(a, op, live);
        }
        if (detached.length > 8 && prng.bool(0.3)) {
          detached.sort((x, y) => x.start - y.start);
          const first = detached.shift()!;
          let end = first.end;
          while (detached.length > 0 && detached[0]!.start === end) end = detached.shift()!.end;
          a.release(first.start, end - first.start);
        }
        if (prng.bool(0.02)) {
          const addr = prng.int(space.start, space.end - 1);
          const size = prng.int(1, Math.min(32, space.end - addr));
          const wasFree = a.freeAreas().some((r) => r.start <= addr && addr + size <= r.end);
          expect(a.reserve(addr, size)).toBe(wasFree);
          if (wasFree) live.push(addr);
        }
        a.check();
        if (step % 250 === 0) {
          assertPartition(a);
          assertStatsConsistent(a);
          assertFreeNeverTouch(a.freeAreas());
          expect(a.stats()).toMatchObject({ busyCount: live.length, detachedCount: detached.length });
        }
      }
      expect(step).toBe(20_000);
      expect(allocated).toBeGreaterThan(5000);
      expect(failed).toBeGreaterThan(100);
      const fits = a.stats().fits;
      for (const type of ["FL", "LE", "RE", "NE"] as const) expect(fits[type]).toBeGreaterThan(50);
    });
  });
});
