/**
 * Structural types for the allocators under test. They mirror the `KvaAllocator` contract of `@kva/vmap`
 * (DESIGN.md "The allocator contract") field for field, without importing it: test-utils imports no @kva
 * package, so any allocator of the repo (and the naive model here) can be passed to the helpers as is.
 */

/** A half-open interval `[start, end)` of safe integers. */
export interface Range {
  readonly start: number;
  readonly end: number;
}

/** The four ways a free block can be split by an allocation (KERNEL.md §3.2). */
export type FitType = "FL" | "LE" | "RE" | "NE";

/** Counts of each fit type. */
export interface FitCounts {
  /** Full fit: the area equals the free block, which disappears. */
  FL: number;
  /** Left edge: the area starts at the block's start. */
  LE: number;
  /** Right edge: the area ends at the block's end. */
  RE: number;
  /** No edge: the block is split in two around the area. */
  NE: number;
}

/** An allocator's stats snapshot (the shape of `KvaStats`). */
export interface AllocatorStats {
  readonly busyCount: number;
  readonly busySize: number;
  readonly freeCount: number;
  readonly freeSize: number;
  /** Size of the largest free block, 0 when none. */
  readonly largestFree: number;
  readonly detachedCount: number;
  readonly detachedSize: number;
  /** Successful `alloc` calls. */
  readonly allocs: number;
  /** `alloc` calls that returned `undefined`. */
  readonly failures: number;
  /** `free` calls plus detached areas released. */
  readonly frees: number;
  /** Fit types of successful `alloc` calls; they sum to `allocs`. */
  readonly fits: Readonly<FitCounts>;
}

/** The full allocator contract (the shape of `KvaAllocator`). */
export interface AllocatorLike {
  readonly start: number;
  readonly end: number;
  readonly pageSize: number;
  alloc(size: number, align?: number, vstart?: number, vend?: number): number | undefined;
  free(addr: number): number;
  reserve(addr: number, size: number): boolean;
  find(addr: number): Range | undefined;
  busyAreas(): Iterable<Range>;
  freeAreas(): Iterable<Range>;
  stats(): AllocatorStats;
  check(): void;
  detach(addr: number): number;
  release(start: number, size: number): void;
}

/** The read-only part of the contract that the invariant helpers inspect. */
export type AllocatorView = Pick<AllocatorLike, "start" | "end" | "busyAreas" | "freeAreas" | "stats">;
