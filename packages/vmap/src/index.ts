/**
 * @kva/vmap — the free-tree KVA allocator of Linux 5.2 ("mm/vmap: keep track of free blocks for vmap
 * allocation"). Public: `VmapSpace`, its options and stats, the search policies, `VmapError`, and the
 * `KvaAllocator` contract shared with @kva/vmap-legacy and the layers above.
 */
export { VmapSpace, type SearchPolicy, type VmapSpaceOptions, type VmapStats } from "./vmap-space.js";
export { VmapError, type VmapErrorCode } from "./errors.js";
export type { FitCounts, KvaAllocator, KvaStats, Range } from "./allocator.js";
export { FL_FIT_TYPE, LE_FIT_TYPE, NE_FIT_TYPE, NOTHING_FIT, RE_FIT_TYPE, classifyFit, type FitType } from "./free-space.js";
/** Argument validation of the allocator contract, shared with the sister allocators so they reject exactly the same calls. */
export { describe as describeValue, isAddress, isPowerOfTwo, requireAddress, requireAlign, requireSize, requireWindow } from "./validate.js";
