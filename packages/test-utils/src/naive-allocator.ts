/**
 * `NaiveAllocator`: the reference model every kva allocator is tested against. It keeps the space as
 * three sorted arrays of ranges and answers every request by a plain linear scan, so that it is obviously
 * correct rather than fast (O(N) per call). It satisfies the `KvaAllocator` contract of `@kva/vmap`
 * structurally (`AllocatorLike`).
 *
 *     start                                                                        end
 *     |  busy  |   free   | detached |  busy  | busy |    free    | detached | busy |
 *
 * `alloc` returns the **lowest aligned fit** in the window (`lowestFit`): the answer of every policy for
 * `align = 1` and of the `'exact'` policy always; under the `'padded'` policy an allocator may return a
 * higher address (`lowestPaddedBlockFit` bounds it).
 *
 * Invariants (IDs from `invariant-error.ts`, verified by `check()`):
 * - O1  `freeList`, `busyList` and `detachedList` are each sorted by start; every range is a non-empty
 *       range of integers; the ranges of one list are pairwise disjoint.
 * - M1  free neighbours never touch: `freeList[i].end < freeList[i + 1].start`. Every operation that adds
 *       free space (`free`, `release`) merges it with the free blocks on both sides.
 * - P1  busy ∪ free ∪ detached partition `[start, end)` exactly.
 * - S1  `fits.FL + fits.LE + fits.RE + fits.NE = allocs`; all counters are non-negative integers.
 *
 * Accounting choices: `reserve` claims space but is not an allocation (it counts in neither `allocs`
 * nor `fits`); `detach` is not a free (the area counts in `detachedCount`); `release` counts one free per
 * detached area it returns; an `alloc` that returns `undefined` counts one failure; a call that throws
 * counts nothing.
 */
import type { AllocatorLike, AllocatorStats, FitCounts, FitType, Range } from "./allocator-like.js";
import { classifyFit, firstFitIn } from "./fit.js";
import { InvariantError } from "./invariant-error.js";
import { NaiveAllocatorError } from "./naive-allocator-error.js";
import {
  describeValue,
  einval,
  isAddress,
  isInteger,
  isPowerOfTwo,
  isSafeInt,
  requireAddressArg,
  requireAlign,
  requireSize,
  requireWindow,
} from "./validate.js";

/** Options of `new NaiveAllocator(options)`. */
export interface NaiveAllocatorOptions {
  /** First unit of the space (inclusive). MUST be a safe integer ≥ 0. */
  readonly start: number;
  /** End of the space (exclusive). MUST be an integer with `start < end ≤ 2^53`. */
  readonly end: number;
  /**
   * One page in allocator units; default 1. MUST be a power of two (≤ 2^52). Recorded and reported only:
   * the lowest-fit answer does not depend on it.
   */
  readonly pageSize?: number;
}

interface Span {
  start: number;
  end: number;
}

type ListName = "free" | "busy" | "detached";

/** The number of spans whose start is ≤ `addr` (binary search; `list` sorted by start). */
function upperBound(list: readonly Span[], addr: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.start <= addr) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the span containing `addr`, or -1. */
function indexContaining(list: readonly Span[], addr: number): number {
  const i = upperBound(list, addr) - 1;
  return i >= 0 && addr < list[i]!.end ? i : -1;
}

/** Index of the span starting at `addr`, or -1. */
function indexStartingAt(list: readonly Span[], addr: number): number {
  const i = upperBound(list, addr) - 1;
  return i >= 0 && list[i]!.start === addr ? i : -1;
}

function insertSorted(list: Span[], span: Span): void {
  list.splice(upperBound(list, span.start), 0, span);
}

function copyAll(list: readonly Span[]): Range[] {
  return list.map((s) => ({ start: s.start, end: s.end }));
}

function fmt(span: Range): string {
  return `[${describeValue(span.start)}, ${describeValue(span.end)})`;
}

function enoent(message: string): NaiveAllocatorError {
  return new NaiveAllocatorError("ENOENT", message);
}

/**
 * The naive reference allocator over `[start, end)`: sorted free ranges, sorted busy areas, sorted
 * detached areas. Bad arguments throw `NaiveAllocatorError` (`EINVAL`; `ENOENT` for an address that
 * names no area); exhaustion returns `undefined`; a throwing call changes nothing.
 */
export class NaiveAllocator implements AllocatorLike {
  /** First unit managed (inclusive). */
  readonly start: number;
  /** End of the managed space (exclusive). */
  readonly end: number;
  /** One page in allocator units. */
  readonly pageSize: number;

  private readonly freeList: Span[];
  private readonly busyList: Span[] = [];
  private readonly detachedList: Span[] = [];
  private allocs = 0;
  private failures = 0;
  private frees = 0;
  private readonly fits: FitCounts = { FL: 0, LE: 0, RE: 0, NE: 0 };

  /** The whole space starts as one free block. Throws `EINVAL` on bad options. */
  constructor(options: NaiveAllocatorOptions) {
    if (typeof options !== "object" || options === null) {
      throw einval(`NaiveAllocator: options must be an object { start, end, pageSize? }, got ${describeValue(options)}`);
    }
    const { start, end, pageSize = 1 } = options;
    if (!isSafeInt(start) || start < 0) {
      throw einval(`NaiveAllocator: start must be a safe integer >= 0, got ${describeValue(start)}; pass the first unit of the space`);
    }
    if (!isAddress(end) || end <= start) {
      throw einval(
        `NaiveAllocator: end must be an integer in (${start}, 2^53], got ${describeValue(end)}; pass the exclusive end of the space`,
      );
    }
    if (!isPowerOfTwo(pageSize)) {
      throw einval(
        `NaiveAllocator: pageSize must be a power of two between 1 and 2^52, got ${describeValue(pageSize)}; pass 1 for a space counted in pages, 4096 for bytes`,
      );
    }
    this.start = start;
    this.end = end;
    this.pageSize = pageSize;
    this.freeList = [{ start, end }];
  }

  /**
   * Allocates `size` units at the lowest address `addr` that is a multiple of `align`, with
   * `[addr, addr + size)` inside `[vstart, vend)` and inside one free block; `undefined` if there is none.
   * Throws `EINVAL` unless `size` is a positive safe integer, `align` a power of two ≤ 2^52, and
   * `start ≤ vstart < vend ≤ end` integers. O(N).
   *
   * @see mm/vmalloc.c: __alloc_vmap_area
   */
  alloc(size: number, align = 1, vstart: number = this.start, vend: number = this.end): number | undefined {
    requireSize("alloc", size);
    requireAlign("alloc", align);
    requireWindow("alloc", vstart, vend, this.start, this.end);
    const fit = firstFitIn(this.freeList, size, align, vstart, vend);
    if (fit === undefined) {
      this.failures++;
      return undefined;
    }
    this.fits[this.claim(fit.index, fit.addr, size)]++;
    this.allocs++;
    return fit.addr;
  }

  /**
   * Frees the busy area starting at `addr`, merging it with the free blocks on both sides (M1); returns
   * its size. Throws `EINVAL` unless `addr` is a non-negative safe integer, `ENOENT` unless a busy area
   * starts there (double free, wild address, middle of an area, detached area). O(N).
   *
   * @see mm/vmalloc.c: merge_or_add_vmap_area
   */
  free(addr: number): number {
    const i = this.busyIndexOf("free", addr);
    const [area] = this.busyList.splice(i, 1) as [Span];
    this.insertFree(area.start, area.end);
    this.frees++;
    return area.end - area.start;
  }

  /**
   * Claims exactly `[addr, addr + size)` if it lies wholly inside one free block; returns whether it did.
   * Throws `EINVAL` unless `addr` is an integer in `[start, end)` and `size` a positive safe integer
   * with `addr + size ≤ end`. O(N).
   */
  reserve(addr: number, size: number): boolean {
    if (!isSafeInt(addr) || addr < this.start || addr >= this.end) {
      throw einval(
        `reserve: addr must be an integer in [${this.start}, ${this.end}), got ${describeValue(addr)}; pass an address inside the space`,
      );
    }
    requireSize("reserve", size);
    if (size > this.end - addr) {
      throw einval(`reserve: [${addr}, ${addr} + ${size}) runs past the end of the space ${this.end}; pass a size of at most ${this.end - addr}`);
    }
    const i = indexContaining(this.freeList, addr);
    if (i < 0 || size > this.freeList[i]!.end - addr) return false;
    this.claim(i, addr, size);
    return true;
  }

  /**
   * The busy area containing `addr` (a fresh object), or `undefined` (also for detached areas and
   * addresses outside the space). Throws `EINVAL` unless `addr` is a non-negative safe integer. O(log N).
   *
   * @see mm/vmalloc.c: find_vmap_area
   */
  find(addr: number): Range | undefined {
    requireAddressArg("find", "addr", addr);
    const i = indexContaining(this.busyList, addr);
    if (i < 0) return undefined;
    const area = this.busyList[i]!;
    return { start: area.start, end: area.end };
  }

  /** Busy areas in address order, as fresh objects. */
  busyAreas(): Range[] {
    return copyAll(this.busyList);
  }

  /** Free blocks in address order, as fresh objects. */
  freeAreas(): Range[] {
    return copyAll(this.freeList);
  }

  /** Detached areas in address order, as fresh objects (not part of the allocator contract). */
  detachedAreas(): Range[] {
    return copyAll(this.detachedList);
  }

  /** A frozen snapshot of the counts, recomputed from the lists. O(N). */
  stats(): AllocatorStats {
    let busySize = 0;
    for (const s of this.busyList) busySize += s.end - s.start;
    let freeSize = 0;
    let largestFree = 0;
    for (const s of this.freeList) {
      freeSize += s.end - s.start;
      largestFree = Math.max(largestFree, s.end - s.start);
    }
    let detachedSize = 0;
    for (const s of this.detachedList) detachedSize += s.end - s.start;
    return Object.freeze({
      busyCount: this.busyList.length,
      busySize,
      freeCount: this.freeList.length,
      freeSize,
      largestFree,
      detachedCount: this.detachedList.length,
      detachedSize,
      allocs: this.allocs,
      failures: this.failures,
      frees: this.frees,
      fits: Object.freeze({ ...this.fits }),
    });
  }

  /**
   * Verifies O1, M1, P1 and S1 (in that order); throws `InvariantError` naming the first broken one
   * and the range at fault. O(N log N).
   */
  check(): void {
    const lists: [ListName, readonly Span[]][] = [
      ["free", this.freeList],
      ["busy", this.busyList],
      ["detached", this.detachedList],
    ];
    for (const [name, list] of lists) {
      list.forEach((span, i) => {
        if (!isInteger(span.start) || !isInteger(span.end) || span.start >= span.end) {
          throw new InvariantError("O1", `${name}[${i}] = ${fmt(span)} is not a non-empty range of integers`);
        }
        const prev = list[i - 1];
        if (prev !== undefined && span.start < prev.end) {
          throw new InvariantError("O1", `${name}[${i}] = ${fmt(span)} starts before ${name}[${i - 1}] = ${fmt(prev)} ends`);
        }
      });
    }
    for (let i = 1; i < this.freeList.length; i++) {
      const prev = this.freeList[i - 1]!;
      const span = this.freeList[i]!;
      if (prev.end === span.start) {
        throw new InvariantError("M1", `free[${i - 1}] = ${fmt(prev)} touches free[${i}] = ${fmt(span)}; they should be one block`);
      }
    }
    const all = lists.flatMap(([name, list]) => list.map((span) => ({ name, span })));
    all.sort((a, b) => a.span.start - b.span.start);
    let cursor = this.start;
    let prev: { name: ListName; span: Span } | undefined;
    for (const entry of all) {
      if (entry.span.start > cursor) {
        throw new InvariantError("P1", `[${cursor}, ${entry.span.start}) is in no list (neither busy, free nor detached)`);
      }
      if (entry.span.start < cursor) {
        const where = prev === undefined ? `before the space start ${this.start}` : `inside ${prev.name} ${fmt(prev.span)}`;
        throw new InvariantError("P1", `${entry.name} ${fmt(entry.span)} starts ${where}`);
      }
      cursor = entry.span.end;
      prev = entry;
    }
    if (cursor !== this.end) {
      throw new InvariantError(
        "P1",
        cursor < this.end ? `[${cursor}, ${this.end}) is in no list` : `${prev?.name} ${fmt(prev!.span)} runs past the space end ${this.end}`,
      );
    }
    const counters = { allocs: this.allocs, failures: this.failures, frees: this.frees, ...this.fits };
    for (const [name, value] of Object.entries(counters)) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new InvariantError("S1", `counter ${name} = ${describeValue(value)} is not a non-negative integer`);
      }
    }
    const fitSum = this.fits.FL + this.fits.LE + this.fits.RE + this.fits.NE;
    if (fitSum !== this.allocs) {
      throw new InvariantError("S1", `fits sum to ${fitSum} but allocs = ${this.allocs}`);
    }
  }

  /**
   * Unlinks the busy area starting at `addr` from the busy list; its range stays unavailable (detached)
   * until `release`. Returns its size. Throws like `free`. O(N).
   */
  detach(addr: number): number {
    const i = this.busyIndexOf("detach", addr);
    const [area] = this.busyList.splice(i, 1) as [Span];
    insertSorted(this.detachedList, area);
    return area.end - area.start;
  }

  /**
   * Returns `[start, start + size)` to free space (merged with free neighbours, M1). The range must be
   * exactly covered by detached areas: one, or several adjacent ones released together. Throws `EINVAL`
   * unless `start` is a non-negative safe integer and `size` a positive safe integer, `ENOENT` unless the range is
   * exactly covered (it starts or ends inside a detached area, or covers anything else). O(N).
   *
   * @see mm/vmalloc.c: __purge_vmap_area_lazy
   */
  release(start: number, size: number): void {
    requireAddressArg("release", "start", start);
    requireSize("release", size);
    const first = indexStartingAt(this.detachedList, start);
    if (first < 0) {
      const inside = indexContaining(this.detachedList, start);
      throw enoent(
        inside < 0
          ? `release: no detached area starts at ${start}; pass the start of a detached area`
          : `release: ${start} is inside the detached area ${fmt(this.detachedList[inside]!)}; pass its start`,
      );
    }
    let last = first;
    let cursor = this.detachedList[first]!.end;
    while (size > cursor - start) {
      const next = this.detachedList[last + 1];
      if (next === undefined || next.start !== cursor) {
        throw enoent(`release: [${start}, ${start} + ${size}) is not covered by detached areas: none starts at ${cursor}`);
      }
      last++;
      cursor = next.end;
    }
    if (cursor - start !== size) {
      throw enoent(
        `release: [${start}, ${start} + ${size}) ends inside the detached area ${fmt(this.detachedList[last]!)}; pass size ${cursor - start}`,
      );
    }
    this.detachedList.splice(first, last - first + 1);
    this.insertFree(start, cursor);
    this.frees += last - first + 1;
  }

  /** One line per range in address order (`busy [0, 4)`...), for failure messages. */
  dump(): string {
    const lists: [ListName, readonly Span[]][] = [
      ["free", this.freeList],
      ["busy", this.busyList],
      ["detached", this.detachedList],
    ];
    return lists
      .flatMap(([name, list]) => list.map((span) => ({ name, span })))
      .sort((a, b) => a.span.start - b.span.start)
      .map(({ name, span }) => `${name} ${fmt(span)}`)
      .join("\n");
  }

  /** Index in `busyList` of the area starting at `addr`; throws `EINVAL`/`ENOENT` for `op`. */
  private busyIndexOf(op: "free" | "detach", addr: number): number {
    requireAddressArg(op, "addr", addr);
    const i = indexStartingAt(this.busyList, addr);
    if (i >= 0) return i;
    const inside = indexContaining(this.busyList, addr);
    if (inside >= 0) {
      const area = this.busyList[inside]!;
      throw enoent(`${op}: ${addr} is inside the busy area ${fmt(area)}, not its start; pass ${area.start}`);
    }
    if (indexStartingAt(this.detachedList, addr) >= 0) {
      throw enoent(`${op}: the area at ${addr} is detached, not busy; release() it instead`);
    }
    throw enoent(`${op}: no busy area starts at ${addr} (double free or wild address); pass an address alloc() or reserve() returned`);
  }

  /**
   * Moves `[addr, addr + size)` out of the free block at `index` (which must contain it) into the busy
   * list; the block keeps its left and right remainders. Returns the fit type.
   *
   *     FL  [=========area=========)       LE  [==area==)-----rest----)
   *     RE  [----rest----[==area===)       NE  [-left-[==area==)-right-)
   */
  private claim(index: number, addr: number, size: number): FitType {
    const block = this.freeList[index]!;
    const type = classifyFit(block, addr, size)!;
    const end = addr + size;
    const remainders: Span[] = [];
    if (block.start < addr) remainders.push({ start: block.start, end: addr });
    if (end < block.end) remainders.push({ start: end, end: block.end });
    this.freeList.splice(index, 1, ...remainders);
    insertSorted(this.busyList, { start: addr, end });
    return type;
  }

  /** Adds `[start, end)` (not overlapping any free block) to the free list, merging with touching neighbours. */
  private insertFree(start: number, end: number): void {
    const i = upperBound(this.freeList, start);
    const prev = this.freeList[i - 1];
    const next = this.freeList[i];
    const mergePrev = prev !== undefined && prev.end === start;
    const mergeNext = next !== undefined && next.start === end;
    if (mergePrev && mergeNext) {
      prev.end = next.end;
      this.freeList.splice(i, 1);
    } else if (mergePrev) {
      prev.end = end;
    } else if (mergeNext) {
      next.start = start;
    } else {
      this.freeList.splice(i, 0, { start, end });
    }
  }
}
