/**
 * Debugging aids for @kva/vmap (published as `@kva/vmap/debug`): the fit arithmetic, the search length a
 * policy uses, the kernel's linear lowest-match check, and dumps of a space and of its free tree. They
 * only read a space; none of them is needed to use the allocator.
 */
import { formatTree } from "@kva/rbtree/debug";
import type { Range } from "./allocator.js";
import type { FreeSpace } from "./free-space.js";
import { END, MAX, S64, START } from "./layout.js";
import type { VmapSpace } from "./vmap-space.js";

export { alignUp, classifyFit } from "./free-space.js";

/**
 * The length `find_vmap_lowest_match` prunes subtrees with for this request under `space.search`
 * (KERNEL.md §3.1), in the space's units: `size` (`'exact'`; `'adaptive'` when `align` is at most one page
 * or the window is exactly `size`), otherwise the padded `size + align − 1` counted in bytes, i.e.
 * `size + ceil((align − 1) / 2^alignShift)` units. A free block shorter than this is found only if it lies
 * on the search path. Arguments are not validated.
 *
 * @see mm/vmalloc.c: find_vmap_lowest_match, __alloc_vmap_area (adjust_search_size)
 */
export function searchLength(space: VmapSpace, size: number, align = 1, vstart = space.start, vend = space.end): number {
  const scale = 2 ** space.alignShift;
  const padded = size + (align > 1 ? Math.ceil((align - 1) / scale) : 0);
  switch (space.search) {
    case "padded":
      return padded;
    case "exact":
      return size;
    case "adaptive":
      return align > space.pageSize * scale && vend - vstart !== size ? padded : size;
  }
}

/**
 * The `DEBUG_AUGMENT_LOWEST_MATCH_CHECK` reference (KERNEL.md §2.3): a linear scan of the free list in
 * address order returning the first block for which `is_within_this_va(block, size, align, vstart)`
 * holds, or `undefined`. `align` is in the space's alignment unit (bytes when `alignShift` is 12). The
 * tree search returns this block under `'exact'`, and under every policy when `align = 1`. O(N).
 *
 * @see mm/vmalloc.c: find_vmap_lowest_linear_match, is_within_this_va
 */
export function linearLowestMatch(space: VmapSpace, size: number, align = 1, vstart = space.start): Range | undefined {
  const scale = 2 ** space.alignShift;
  const units = align > scale ? align / scale : 1;
  for (const block of space.freeAreas()) {
    const from = block.start > vstart ? block.start : vstart;
    const nva = Math.ceil(from / units) * units;
    if (nva <= block.end - size) return block;
  }
  return undefined;
}

/**
 * One line per area in address order: `busy [0, 8)`, `free [8, 12)`, and `detached [12, 16)` for space
 * that is neither (adjacent detached areas show as one range).
 */
export function dumpSpace(space: VmapSpace): string {
  const areas = [
    ...Array.from(space.busyAreas(), (r) => ({ kind: "busy", r })),
    ...Array.from(space.freeAreas(), (r) => ({ kind: "free", r })),
  ].sort((x, y) => x.r.start - y.r.start);
  const lines: string[] = [];
  let cursor = space.start;
  for (const { kind, r } of areas) {
    if (r.start > cursor) lines.push(`detached [${cursor}, ${r.start})`);
    lines.push(`${kind} [${r.start}, ${r.end})`);
    cursor = r.end;
  }
  if (cursor < space.end) lines.push(`detached [${cursor}, ${space.end})`);
  return lines.join("\n");
}

/**
 * The free tree's shape in the kernel's drawing notation (`B` black, `r` red, children in parentheses,
 * `-` for nil), each node labelled `[start,end):subtree_max_size`. Example: `B[32,64):32(r[8,12):4,-)`.
 * Under the padded policies the answer to an aligned request depends on this shape (KERNEL.md §3.1).
 */
export function formatFreeTree(space: VmapSpace): string {
  // Reads the space's private free tree: this module ships with the class and follows its layout.
  const free = (space as unknown as { space: FreeSpace }).space;
  const f = free.pool.f64;
  return formatTree(free.tree, (n) => `[${f[n * S64 + START]},${f[n * S64 + END]}):${f[n * S64 + MAX]}`);
}
