/**
 * @kva/vmap-legacy — the busy-list KVA allocator of Linux ≤ 5.1 with its one-entry search cache, the O(N)
 * "default" of the seed's tables. Public: `LegacyVmapSpace`, its options and stats; errors are
 * `@kva/vmap`'s `VmapError` (re-exported here), and the space implements `@kva/vmap`'s `KvaAllocator`.
 */
export {
  LegacyVmapSpace,
  type CacheOnFree,
  type CacheResets,
  type LegacyVmapSpaceOptions,
  type LegacyVmapStats,
} from "./legacy-vmap-space.js";
export { VmapError, type VmapErrorCode } from "@kva/vmap";
