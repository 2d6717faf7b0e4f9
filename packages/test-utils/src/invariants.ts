/**
 * Assertion helpers that any allocator test calls on any `AllocatorLike` (the naive model, `VmapSpace`,
 * `LegacyVmapSpace`, the layers above them). Each throws `InvariantError` naming the invariant
 * (O1, M1, P1, S1, F1, L1; see `invariant-error.ts`) and the first offending range or field. They read
 * the allocator only through its public iterables and `stats()`, and materialise each iterable once, so
 * a generator-based `busyAreas()` is fine.
 */
import type { AllocatorStats, AllocatorView, Range } from "./allocator-like.js";
import { InvariantError } from "./invariant-error.js";
import { describeValue, isInteger } from "./validate.js";

/** A deep, plain copy of an allocator's observable state, for "a throwing call changes nothing" checks. */
export interface AllocatorSnapshot {
  readonly busy: Range[];
  readonly free: Range[];
  readonly stats: AllocatorStats;
}

function fmt(r: Range): string {
  return `[${describeValue(r.start)}, ${describeValue(r.end)})`;
}

function copyRanges(ranges: Iterable<Range>): Range[] {
  return Array.from(ranges, (r) => ({ start: r.start, end: r.end }));
}

function sortedDisjoint(ranges: readonly Range[], label: string): void {
  ranges.forEach((r, i) => {
    if (!isInteger(r.start) || !isInteger(r.end) || r.start >= r.end) {
      throw new InvariantError("O1", `${label}[${i}] = ${fmt(r)} is not a non-empty range of integers`);
    }
    const prev = ranges[i - 1];
    if (prev !== undefined && r.start < prev.end) {
      throw new InvariantError("O1", `${label}[${i}] = ${fmt(r)} starts before ${label}[${i - 1}] = ${fmt(prev)} ends (unsorted or overlapping)`);
    }
  });
}

/** O1: `ranges` is sorted by start, each range is non-empty with integer bounds, no two overlap. */
export function assertSortedDisjoint(ranges: Iterable<Range>, label: string): void {
  sortedDisjoint(copyRanges(ranges), label);
}

/** O1 then M1: a free list is sorted and disjoint, and no two neighbours touch (fully coalesced). */
export function assertFreeNeverTouch(freeRanges: Iterable<Range>): void {
  const free = copyRanges(freeRanges);
  sortedDisjoint(free, "free");
  for (let i = 1; i < free.length; i++) {
    if (free[i - 1]!.end === free[i]!.start) {
      throw new InvariantError("M1", `free[${i - 1}] = ${fmt(free[i - 1]!)} touches free[${i}] = ${fmt(free[i]!)}; they should be one block`);
    }
  }
}

/**
 * O1 for both lists, then P1: busy and free areas lie inside `[start, end)` without overlapping each
 * other, and what they leave uncovered is exactly the detached space: the gaps sum to
 * `stats().detachedSize` (so no gaps when nothing is detached), and there are at least as many detached
 * areas as gaps and at most `detachedSize` of them.
 */
export function assertPartition(allocator: AllocatorView): void {
  const busy = copyRanges(allocator.busyAreas());
  const free = copyRanges(allocator.freeAreas());
  sortedDisjoint(busy, "busy");
  sortedDisjoint(free, "free");
  const { start, end } = allocator;
  const all = [...busy.map((r) => ({ kind: "busy", r })), ...free.map((r) => ({ kind: "free", r }))];
  all.sort((a, b) => a.r.start - b.r.start);
  let cursor = start;
  let gapSize = 0;
  let gapCount = 0;
  let prev: { kind: string; r: Range } | undefined;
  for (const entry of all) {
    if (entry.r.start < cursor) {
      const where = prev === undefined ? `before the space start ${start}` : `inside ${prev.kind} ${fmt(prev.r)}`;
      throw new InvariantError("P1", `${entry.kind} ${fmt(entry.r)} starts ${where}`);
    }
    if (entry.r.start > cursor) {
      gapSize += entry.r.start - cursor;
      gapCount++;
    }
    cursor = entry.r.end;
    prev = entry;
  }
  if (cursor > end) {
    throw new InvariantError("P1", `${prev!.kind} ${fmt(prev!.r)} runs past the space end ${end}`);
  }
  if (cursor < end) {
    gapSize += end - cursor;
    gapCount++;
  }
  const { detachedSize, detachedCount } = allocator.stats();
  if (gapSize !== detachedSize) {
    throw new InvariantError(
      "P1",
      `busy and free areas leave ${gapSize} units in ${gapCount} gap(s) uncovered, but stats().detachedSize = ${describeValue(detachedSize)}`,
    );
  }
  if (detachedCount < gapCount || detachedCount > detachedSize) {
    throw new InvariantError(
      "P1",
      `stats().detachedCount = ${describeValue(detachedCount)} cannot fill ${gapCount} gap(s) totalling ${detachedSize} units`,
    );
  }
}

/**
 * S1: `busyCount`, `busySize`, `freeCount`, `freeSize` and `largestFree` of `stats()` equal the values
 * recomputed from `busyAreas()` and `freeAreas()`; every counter is a non-negative integer; `fits` sums
 * to `allocs`.
 */
export function assertStatsConsistent(allocator: AllocatorView): void {
  const busy = copyRanges(allocator.busyAreas());
  const free = copyRanges(allocator.freeAreas());
  const stats = allocator.stats();
  const expected: Record<string, number> = {
    busyCount: busy.length,
    busySize: busy.reduce((sum, r) => sum + (r.end - r.start), 0),
    freeCount: free.length,
    freeSize: free.reduce((sum, r) => sum + (r.end - r.start), 0),
    largestFree: free.reduce((max, r) => Math.max(max, r.end - r.start), 0),
  };
  for (const [name, value] of Object.entries(expected)) {
    const actual = (stats as unknown as Record<string, unknown>)[name];
    if (actual !== value) {
      throw new InvariantError("S1", `stats().${name} = ${describeValue(actual)}, but the lists give ${value}`);
    }
  }
  const { fits } = stats;
  const counters: Record<string, unknown> = {
    detachedCount: stats.detachedCount,
    detachedSize: stats.detachedSize,
    allocs: stats.allocs,
    failures: stats.failures,
    frees: stats.frees,
    "fits.FL": fits.FL,
    "fits.LE": fits.LE,
    "fits.RE": fits.RE,
    "fits.NE": fits.NE,
  };
  for (const [name, value] of Object.entries(counters)) {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      throw new InvariantError("S1", `stats().${name} = ${describeValue(value)} is not a non-negative integer`);
    }
  }
  const fitSum = fits.FL + fits.LE + fits.RE + fits.NE;
  if (fitSum !== stats.allocs) {
    throw new InvariantError("S1", `stats().fits sum to ${fitSum} but stats().allocs = ${stats.allocs}`);
  }
}

/**
 * F1: `addr` is an integer multiple of `align` and `[addr, addr + size)` lies inside `[vstart, vend)`.
 * Narrows `addr` to `number` (an `undefined` answer fails).
 */
export function assertValidFit(addr: number | undefined, size: number, align: number, vstart: number, vend: number): asserts addr is number {
  const request = `alloc(${size}, ${align}, ${vstart}, ${vend})`;
  if (!isInteger(addr)) {
    throw new InvariantError("F1", `${request} returned ${describeValue(addr)}, not an integer address`);
  }
  if (addr % align !== 0) {
    throw new InvariantError("F1", `${request} returned ${addr}, which is not a multiple of ${align}`);
  }
  if (addr < vstart || size > vend - addr) {
    throw new InvariantError("F1", `${request} returned ${addr}: [${addr}, ${addr} + ${size}) is not inside [${vstart}, ${vend})`);
  }
}

function sameList(label: string, a: readonly Range[], b: readonly Range[]): void {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || x.start !== y.start || x.end !== y.end) {
      const show = (r: Range | undefined): string => (r === undefined ? "nothing" : fmt(r));
      throw new InvariantError("L1", `${label}[${i}] differs: ${show(x)} vs ${show(y)} (lengths ${a.length} vs ${b.length})`);
    }
  }
}

/** L1: `a` and `b` have the same busy areas and the same free blocks, in the same order. */
export function assertSameLayout(a: Pick<AllocatorView, "busyAreas" | "freeAreas">, b: Pick<AllocatorView, "busyAreas" | "freeAreas">): void {
  sameList("busy", copyRanges(a.busyAreas()), copyRanges(b.busyAreas()));
  sameList("free", copyRanges(a.freeAreas()), copyRanges(b.freeAreas()));
}

function plainCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainCopy);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plainCopy(v);
    return out;
  }
  return value;
}

/**
 * A deep plain copy of `{ busy, free, stats }`: compare two snapshots with `toEqual` to assert that a
 * call changed nothing. Every own enumerable field of `stats()` is copied (extra allocator-specific
 * fields included), and the contract's fields are read explicitly, so getter-based stats work too.
 */
export function snapshot(allocator: AllocatorView): AllocatorSnapshot {
  const stats = allocator.stats();
  const fits = stats.fits;
  return {
    busy: copyRanges(allocator.busyAreas()),
    free: copyRanges(allocator.freeAreas()),
    stats: {
      ...(plainCopy(stats) as object),
      busyCount: stats.busyCount,
      busySize: stats.busySize,
      freeCount: stats.freeCount,
      freeSize: stats.freeSize,
      largestFree: stats.largestFree,
      detachedCount: stats.detachedCount,
      detachedSize: stats.detachedSize,
      allocs: stats.allocs,
      failures: stats.failures,
      frees: stats.frees,
      fits: { ...(plainCopy(fits) as object), FL: fits.FL, LE: fits.LE, RE: fits.RE, NE: fits.NE },
    },
  };
}
