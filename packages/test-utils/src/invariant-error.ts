/**
 * The error every checker of test-utils throws: `NaiveAllocator.check()` and the `assert*` helpers.
 *
 * Invariant IDs (shared by both, cited in messages and tests):
 * - O1  a range list is sorted by start, every range is a non-empty range of integers, ranges are disjoint.
 * - M1  free neighbours never touch: `free[i].end < free[i + 1].start` (free space is fully coalesced).
 * - P1  busy ∪ free ∪ detached partition `[start, end)` exactly: no overlap, no gap, nothing outside.
 * - S1  `stats()` agrees with the lists (counts, sizes, largest free block) and `fits` sums to `allocs`.
 * - F1  a returned address is a valid fit: an integer, `align`-aligned, `[addr, addr + size)` inside
 *       `[vstart, vend)`.
 * - L1  two allocators have the same layout (same busy list, same free list).
 */

/** Identifies the broken invariant (see the table above). */
export type InvariantId = "O1" | "M1" | "P1" | "S1" | "F1" | "L1";

/** A broken invariant: `invariant` names it; the message says where and how. */
export class InvariantError extends Error {
  readonly invariant: InvariantId;

  constructor(invariant: InvariantId, message: string) {
    super(`${invariant}: ${message}`);
    this.name = "InvariantError";
    this.invariant = invariant;
  }
}
