import { describe, expect, it } from "vitest";
import type { AllocatorStats, AllocatorView, Range } from "../src/allocator-like.js";
import { InvariantError, type InvariantId } from "../src/invariant-error.js";
import {
  assertFreeNeverTouch,
  assertPartition,
  assertSameLayout,
  assertSortedDisjoint,
  assertStatsConsistent,
  assertValidFit,
  snapshot,
} from "../src/invariants.js";
import { NaiveAllocator } from "../src/naive-allocator.js";

const ranges = (...pairs: [number, number][]): Range[] => pairs.map(([start, end]) => ({ start, end }));

function expectInvariant(call: () => unknown, id: InvariantId): void {
  let caught: unknown;
  try {
    call();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvariantError);
  expect((caught as InvariantError).invariant).toBe(id);
}

/** A hand-made allocator view over [0, 100) whose stats are computed from the lists, then overridden. */
function view(busy: Range[], free: Range[], overrides: Partial<AllocatorStats> = {}, detached: Range[] = []): AllocatorView {
  const sum = (rs: Range[]): number => rs.reduce((t, r) => t + r.end - r.start, 0);
  const stats: AllocatorStats = {
    busyCount: busy.length,
    busySize: sum(busy),
    freeCount: free.length,
    freeSize: sum(free),
    largestFree: Math.max(0, ...free.map((r) => r.end - r.start)),
    detachedCount: detached.length,
    detachedSize: sum(detached),
    allocs: busy.length,
    failures: 0,
    frees: 0,
    fits: { FL: 0, LE: busy.length, RE: 0, NE: 0 },
    ...overrides,
  };
  return { start: 0, end: 100, busyAreas: () => busy, freeAreas: () => free, stats: () => stats };
}

/** A real allocator with busy, free and detached areas. */
function live(): NaiveAllocator {
  const a = new NaiveAllocator({ start: 0, end: 100 });
  a.alloc(10);
  a.alloc(10, 16);
  a.alloc(5);
  a.alloc(7);
  a.detach(10);
  a.free(0);
  return a;
}

describe("assertSortedDisjoint()", () => {
  it("accepts sorted disjoint ranges, touching ones included, and any iterable", () => {
    assertSortedDisjoint(ranges([0, 5], [5, 9], [20, 21]), "busy");
    assertSortedDisjoint([], "busy");
    assertSortedDisjoint(new Set(ranges([1, 2])), "busy");
  });

  it.each([
    ["unsorted ranges", ranges([10, 20], [0, 5])],
    ["overlapping ranges", ranges([0, 10], [5, 15])],
    ["an empty range", ranges([0, 0])],
    ["a reversed range", ranges([5, 3])],
    ["a fractional bound", ranges([0, 2.5])],
    ["a NaN bound", ranges([NaN, 3])],
  ])("detects %s (O1)", (_name, list) => {
    expectInvariant(() => assertSortedDisjoint(list, "busy"), "O1");
  });
});

describe("assertFreeNeverTouch()", () => {
  it("accepts a coalesced free list", () => {
    assertFreeNeverTouch(ranges([0, 5], [6, 9]));
  });

  it("detects touching neighbours (M1)", () => {
    expectInvariant(() => assertFreeNeverTouch(ranges([0, 5], [5, 9])), "M1");
  });

  it("detects an unsorted free list first (O1)", () => {
    expectInvariant(() => assertFreeNeverTouch(ranges([6, 9], [0, 5])), "O1");
  });

  it("reads a one-shot generator only once", () => {
    function* gen(): Generator<Range> {
      yield { start: 0, end: 5 };
      yield { start: 5, end: 9 };
    }
    expectInvariant(() => assertFreeNeverTouch(gen()), "M1");
  });
});

describe("assertPartition()", () => {
  it("accepts a real allocator with detached areas", () => {
    const a = live();
    expect(a.stats().detachedSize).toBeGreaterThan(0);
    assertPartition(a);
  });

  it("accepts a view whose gaps are exactly the detached areas", () => {
    assertPartition(view(ranges([0, 10]), ranges([30, 100]), {}, ranges([10, 20], [20, 30])));
  });

  it.each([
    ["a gap with nothing detached", view(ranges([0, 10]), ranges([20, 100]))],
    ["a gap larger than the detached size", view(ranges([0, 10]), ranges([30, 100]), {}, ranges([10, 20]))],
    ["detached size without a gap", view(ranges([0, 10]), ranges([10, 100]), { detachedSize: 5, detachedCount: 1 })],
    ["no detached area for a gap", view(ranges([0, 10]), ranges([20, 100]), { detachedSize: 10, detachedCount: 0 })],
    ["busy overlapping free", view(ranges([0, 10]), ranges([5, 100]))],
    ["a range before the start", view(ranges([-5, 10]), ranges([10, 100]))],
    ["a range past the end", view(ranges([0, 10]), ranges([10, 101]))],
    ["a range wholly past the end", view(ranges([0, 100]), ranges([120, 130]))],
  ])("detects %s (P1)", (_name, v) => {
    expectInvariant(() => assertPartition(v), "P1");
  });

  it("detects an unsorted busy list (O1)", () => {
    expectInvariant(() => assertPartition(view(ranges([10, 20], [0, 10]), ranges([20, 100]))), "O1");
  });
});

describe("assertStatsConsistent()", () => {
  it("accepts a real allocator", () => {
    assertStatsConsistent(live());
  });

  it.each([
    ["busyCount", { busyCount: 3 }],
    ["busySize", { busySize: 11 }],
    ["freeCount", { freeCount: 0 }],
    ["freeSize", { freeSize: 1 }],
    ["largestFree", { largestFree: 90 }],
    ["fits that do not sum to allocs", { allocs: 5 }],
    ["a negative counter", { failures: -1 }],
    ["a fractional counter", { frees: 0.5 }],
    ["a missing fit count", { fits: { FL: 0, LE: 2, RE: 0 } as never }],
  ])("detects a wrong %s (S1)", (_name, overrides) => {
    const v = view(ranges([0, 5], [20, 30]), ranges([5, 20], [30, 100]), overrides);
    expectInvariant(() => assertStatsConsistent(v), "S1");
  });
});

describe("assertValidFit()", () => {
  it("accepts an aligned address inside the window and narrows its type", () => {
    const addr: number | undefined = 16;
    assertValidFit(addr, 8, 8, 10, 24);
    const narrowed: number = addr;
    expect(narrowed).toBe(16);
  });

  it.each([
    ["undefined", undefined, 4, 1, 0, 100],
    ["a fraction", 1.5, 4, 1, 0, 100],
    ["a misaligned address", 12, 4, 8, 0, 100],
    ["an address before vstart", 8, 4, 8, 10, 100],
    ["an area past vend", 96, 8, 8, 0, 100],
  ])("detects %s (F1)", (_name, addr, size, align, vstart, vend) => {
    expectInvariant(() => assertValidFit(addr, size, align, vstart, vend), "F1");
  });
});

describe("assertSameLayout()", () => {
  it("accepts two allocators driven identically", () => {
    const a = live();
    const b = live();
    assertSameLayout(a, b);
  });

  it.each([
    ["a different busy area", view(ranges([0, 5]), ranges([5, 100])), view(ranges([0, 6]), ranges([6, 100]))],
    ["an extra busy area", view(ranges([0, 5]), ranges([5, 100])), view(ranges([0, 5], [5, 6]), ranges([6, 100]))],
    ["a different free block", view([], ranges([0, 100])), view([], ranges([0, 99]))],
    ["a missing free block", view([], ranges([0, 10], [20, 100])), view([], ranges([0, 10]))],
  ])("detects %s (L1)", (_name, a, b) => {
    expectInvariant(() => assertSameLayout(a, b), "L1");
  });
});

describe("snapshot()", () => {
  it("copies busy, free and stats deeply", () => {
    const a = live();
    const snap = snapshot(a);
    expect(snap).toEqual({ busy: a.busyAreas(), free: a.freeAreas(), stats: a.stats() });
    a.alloc(3);
    expect(snap).not.toEqual(snapshot(a));
    expect(Object.isFrozen(snap.stats)).toBe(false);
  });

  it("is equal for an allocator that did not change", () => {
    const a = live();
    expect(snapshot(a)).toEqual(snapshot(a));
  });

  it("keeps extra stats fields and reads getter-based stats", () => {
    class GetterStats {
      get busyCount(): number {
        return 0;
      }
      busySize = 0;
      freeCount = 1;
      freeSize = 100;
      largestFree = 100;
      detachedCount = 0;
      detachedSize = 0;
      allocs = 0;
      failures = 0;
      frees = 0;
      fits = { FL: 0, LE: 0, RE: 0, NE: 0 };
      nodes = { used: 1, pooled: [4, 2] };
    }
    const stats = new GetterStats();
    const snap = snapshot({ start: 0, end: 100, busyAreas: () => [], freeAreas: () => ranges([0, 100]), stats: () => stats });
    expect(snap.stats).toMatchObject({ busyCount: 0, freeSize: 100, nodes: { used: 1, pooled: [4, 2] } });
    stats.nodes.pooled.push(9);
    expect((snap.stats as unknown as { nodes: { pooled: number[] } }).nodes.pooled).toEqual([4, 2]);
  });
});
