/**
 * The allocator contract shared by every kva address-space allocator (`VmapSpace`, `LegacyVmapSpace`) and
 * by the layers above them (lazy purge, per-cpu, the simulated kernel). Units are the caller's: pages for
 * the simulated kernel, bytes or any other integer unit elsewhere. Every value is a safe integer.
 */

/** A half-open interval `[start, end)`. */
export interface Range {
  readonly start: number;
  readonly end: number;
}

/** Counts of the four ways a free block can be split (KERNEL.md §3.2). */
export interface FitCounts {
  /** Full fit: the free block is consumed exactly and removed. */
  FL: number;
  /** Left edge: the area is cut from the start of the block. */
  LE: number;
  /** Right edge: the area is cut from the end of the block. */
  RE: number;
  /** No edge: the block is split in two around the area (one extra node). */
  NE: number;
}

/** A readonly snapshot of an allocator's state. */
export interface KvaStats {
  /** Busy areas (allocated or reserved; detached areas are not counted). */
  readonly busyCount: number;
  /** Sum of busy area sizes. */
  readonly busySize: number;
  /** Free blocks. */
  readonly freeCount: number;
  /** Sum of free block sizes. */
  readonly freeSize: number;
  /** Size of the largest free block, 0 when none. */
  readonly largestFree: number;
  /** Detached areas (unlinked from the busy index, not yet released; the lazy-free state). */
  readonly detachedCount: number;
  /** Sum of detached area sizes. */
  readonly detachedSize: number;
  /** Successful allocations since construction. */
  readonly allocs: number;
  /** Allocation requests that found nothing (returned `undefined`). */
  readonly failures: number;
  /** Frees since construction (`free` plus released detached areas). */
  readonly frees: number;
  /** Fit types of successful allocations (allocators without a free structure count the equivalent case). */
  readonly fits: Readonly<FitCounts>;
}

/**
 * The allocator contract (DESIGN.md "The allocator contract").
 *
 * - `alloc` returns the lowest match under the allocator's policy, or `undefined` when nothing fits.
 *   `vend` is exclusive. Bad arguments throw a typed error with `code: 'EINVAL'`.
 * - `free` of anything but the start of a busy area throws with `code: 'ENOENT'`.
 * - A call that throws changes nothing.
 */
export interface KvaAllocator {
  /** First unit managed (inclusive). */
  readonly start: number;
  /** End of the managed space (exclusive). */
  readonly end: number;
  /** One page in allocator units (1 when the allocator counts pages, 4096 when it counts bytes). */
  readonly pageSize: number;

  alloc(size: number, align?: number, vstart?: number, vend?: number): number | undefined;
  /** Frees the busy area starting at `addr`; returns its size. */
  free(addr: number): number;
  /** Claims exactly `[addr, addr + size)` if it is wholly free; returns whether it did. */
  reserve(addr: number, size: number): boolean;
  /** The busy area containing `addr`, if any. */
  find(addr: number): Range | undefined;
  busyAreas(): Iterable<Range>;
  freeAreas(): Iterable<Range>;
  stats(): KvaStats;
  /** Verifies every invariant; throws naming the first broken one. */
  check(): void;

  /**
   * Lazy-free support (the 5.4+ kernel unlinks a lazily freed area from the busy tree at free time):
   * removes the busy area starting at `addr` from the busy index while its range stays unavailable for
   * allocation. Returns its size. Throws `ENOENT` like `free`.
   */
  detach(addr: number): number;
  /**
   * Returns detached space to the free space: `[start, start + size)` must be exactly covered by detached
   * areas (adjacent detached areas may be released together, as the 5.11+ merging lazy tree does).
   * Throws `ENOENT` otherwise.
   */
  release(start: number, size: number): void;
}
