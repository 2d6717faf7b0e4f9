import type { Range } from "@kva/vmap";

/**
 * The address-sorted, merging lazy structure of the ≈v5.11+ kernel (`purge_vmap_area_root` /
 * `purge_vmap_area_list`; per-node `lazy` trees from v6.9): lazily freed ranges kept in address order and
 * merged with touching neighbours on arrival, so that a purge finds its flush range at the two ends in
 * O(1) and hands fewer, larger blocks to the free tree.
 *
 * Stored as two parallel sorted arrays (starts, ends) searched by bisection: the set of ranges, and so
 * every answer, is the kernel's; only the container differs (a splice instead of an rbtree link).
 *
 * Invariants (`LazyPurge.check()` Z2, Z3):
 * - T1 ranges are non-empty and sorted by start;
 * - T2 neighbours never touch: `end[i] < start[i + 1]` (touching ranges were merged).
 *
 *     before insert [8, 12):   [0, 4)        [8 ... (gap)     [12, 20)
 *     after:                   [0, 4)        [8, 20)                      (merged with next)
 *
 * @see mm/vmalloc.c: merge_or_add_vmap_area (the non-augmented variant used for the lazy tree)
 */
export class LazyTree {
  private starts: number[] = [];
  private ends: number[] = [];

  /** Number of (merged) ranges. */
  get count(): number {
    return this.starts.length;
  }

  /** Start of range `i` (address order). */
  startAt(i: number): number {
    return this.starts[i]!;
  }

  /** End of range `i` (exclusive). */
  endAt(i: number): number {
    return this.ends[i]!;
  }

  /** The number of ranges starting at or below `addr`. O(log N). */
  private upperBound(addr: number): number {
    const s = this.starts;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the range containing `addr`, or -1. O(log N). */
  indexContaining(addr: number): number {
    const i = this.upperBound(addr) - 1;
    return i >= 0 && addr < this.ends[i]! ? i : -1;
  }

  /** Whether `[start, end)` overlaps any range. O(log N). */
  overlaps(start: number, end: number): boolean {
    const i = this.upperBound(end - 1) - 1;
    return i >= 0 && this.ends[i]! > start;
  }

  /**
   * Merge-or-add `[start, end)`, which MUST NOT overlap a range (the caller took it from the busy tree).
   * Merges with the next range first, then with the previous one, in the kernel's order; the resulting
   * set is the same either way. O(log N) plus the splice when no merge happens.
   */
  insert(start: number, end: number): void {
    const i = this.upperBound(start);
    const s = this.starts;
    const e = this.ends;
    const mergeNext = i < s.length && s[i] === end;
    const mergePrev = i > 0 && e[i - 1] === start;
    if (mergeNext && mergePrev) {
      e[i - 1] = e[i]!;
      s.splice(i, 1);
      e.splice(i, 1);
    } else if (mergeNext) {
      s[i] = start;
    } else if (mergePrev) {
      e[i - 1] = end;
    } else if (i === s.length) {
      s.push(start);
      e.push(end);
    } else {
      s.splice(i, 0, start);
      e.splice(i, 0, end);
    }
  }

  /** Detaches every range at once (the tree root reset to empty); returns them in address order. */
  drain(): { starts: number[]; ends: number[] } {
    const out = { starts: this.starts, ends: this.ends };
    this.starts = [];
    this.ends = [];
    return out;
  }

  /** The ranges in address order, as fresh objects. */
  ranges(): Range[] {
    return this.starts.map((start, i) => ({ start, end: this.ends[i]! }));
  }
}
