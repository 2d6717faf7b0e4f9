/**
 * Fit arithmetic: aligning an address, classifying a split, and the two reference placements that
 * allocator tests compare against. Addresses are absolute: `align` applies to the address itself, not to
 * its offset from the start of a space or block.
 *
 * Precision: `alignUp(x, a) = ceil(x / a) · a` is exact for a power-of-two `a` and `0 ≤ x ≤ 2^53`
 * (DESIGN.md "Numbers"); fits are tested as `size ≤ limit − addr`, never by computing `addr + size`
 * past the end of a space.
 */
import type { FitType, Range } from "./allocator-like.js";
import { describeValue, einval, isAddress, requireAlign, requireSize } from "./validate.js";

/**
 * The lowest multiple of `align` that is ≥ `x`. `align` MUST be a power of two and `x` an integer in
 * `[0, 2^53]` (not checked).
 */
export function alignUp(x: number, align: number): number {
  return Math.ceil(x / align) * align;
}

/**
 * How `[addr, addr + size)` splits the free block `block` (KERNEL.md §3.2 `classify_va_fit_type`):
 * `FL` if the area equals the block, `LE` if it starts at the block's start, `RE` if it ends at the
 * block's end, else `NE`; `undefined` (NOTHING_FIT) if it is not inside the block.
 *
 * @see mm/vmalloc.c: classify_va_fit_type
 */
export function classifyFit(block: Range, addr: number, size: number): FitType | undefined {
  if (addr < block.start || size > block.end - addr) return undefined;
  const leftEdge = addr === block.start;
  const rightEdge = size === block.end - addr;
  if (leftEdge) return rightEdge ? "FL" : "LE";
  return rightEdge ? "RE" : "NE";
}

/**
 * The unchecked scan behind `lowestFit`: the index of the first block of `blocks` (in the given order)
 * that holds an aligned fit inside the window, with its address. For a list in address order (as a free
 * list is) the first fit is also the lowest.
 */
export function firstFitIn(
  blocks: readonly Range[],
  size: number,
  align: number,
  vstart: number,
  vend: number,
): { index: number; addr: number } | undefined {
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index]!;
    const addr = alignUp(Math.max(block.start, vstart), align);
    const limit = Math.min(block.end, vend);
    if (size <= limit - addr) return { index, addr };
  }
  return undefined;
}

function requireSearch(op: string, size: unknown, align: unknown, vstart: unknown, vend: unknown): void {
  requireSize(op, size);
  requireAlign(op, align);
  if (!isAddress(vstart)) {
    throw einval(`${op}: vstart must be an integer in [0, 2^53], got ${describeValue(vstart)}; pass the window's first address`);
  }
  if (!isAddress(vend) || vend <= vstart) {
    throw einval(`${op}: vend must be an integer in (${vstart}, 2^53], got ${describeValue(vend)}; pass the window's exclusive end`);
  }
}

/**
 * The lowest aligned fit: the smallest address `addr` such that, for some free range `[s, e)`,
 * `addr = ceil(max(s, vstart) / align) · align` and `addr + size ≤ min(e, vend)`; `undefined` if no
 * range has one. Equivalently: the lowest multiple of `align` in `[vstart, vend − size]` whose
 * `[addr, addr + size)` lies inside a single free range. This is what every allocator returns for
 * `align = 1`, what the `'exact'` policy always returns, and what `NaiveAllocator.alloc` returns.
 *
 * `freeRanges` may come in any order; each range is its own block (a fit never spans two ranges, even
 * touching ones). Ranges must be non-empty with integer bounds in `[0, 2^53]` (not checked).
 *
 * Throws `NaiveAllocatorError` `EINVAL` unless `size` is a positive safe integer, `align` a power of two
 * ≤ 2^52 and `vstart < vend` integers in `[0, 2^53]`. O(N).
 *
 * @see mm/vmalloc.c: is_within_this_va
 */
export function lowestFit(
  freeRanges: Iterable<Range>,
  size: number,
  align: number,
  vstart: number,
  vend: number,
): number | undefined {
  requireSearch("lowestFit", size, align, vstart, vend);
  let best: number | undefined;
  for (const block of freeRanges) {
    const addr = alignUp(Math.max(block.start, vstart), align);
    if (size <= Math.min(block.end, vend) - addr && (best === undefined || addr < best)) best = addr;
  }
  return best;
}

/**
 * The padded-block placement: take the free range with the lowest start among those whose part inside
 * the window is at least `size + align − 1` long, i.e. `min(e, vend) − max(s, vstart) ≥ size + align − 1`,
 * and return its aligned candidate `ceil(max(s, vstart) / align) · align` (which always fits, since
 * aligning moves the start by at most `align − 1`); `undefined` if no range qualifies.
 *
 * This is the answer of a search that only accepts blocks long enough to fit whatever their alignment
 * (the kernel's padded search length, `size + align − 1`, KERNEL.md §3.1) and picks the lowest of them;
 * vmap tests use it as an upper bound for the `'padded'` policy's address. It equals `lowestFit` when
 * `align = 1`. This module computes the value as defined; it does not prove the bound.
 *
 * Same input rules, errors and cost as `lowestFit`; `size + align − 1` is never formed (the test is
 * `length − size ≥ align − 1`), so it stays exact near 2^53.
 *
 * @see mm/vmalloc.c: find_vmap_lowest_match
 */
export function lowestPaddedBlockFit(
  freeRanges: Iterable<Range>,
  size: number,
  align: number,
  vstart: number,
  vend: number,
): number | undefined {
  requireSearch("lowestPaddedBlockFit", size, align, vstart, vend);
  let bestStart: number | undefined;
  let bestAddr: number | undefined;
  for (const block of freeRanges) {
    const from = Math.max(block.start, vstart);
    const usable = Math.min(block.end, vend) - from;
    if (usable >= size && usable - size >= align - 1 && (bestStart === undefined || block.start < bestStart)) {
      bestStart = block.start;
      bestAddr = alignUp(from, align);
    }
  }
  return bestAddr;
}
