import type { NodePool, RbTree } from "@kva/rbtree";

/**
 * The door `debug.ts` uses to read a space's private state. Not exported from the package entry; the
 * symbol is shared between the entry and `./debug` through tsup's common chunk.
 */
export const INSPECT: unique symbol = Symbol("@kva/vmap-legacy.inspect");

/** Why the validity test (or the cached start) dropped the one-entry cache; `NONE` = it was kept. */
export const NONE = 0;
export const NO_CACHE = 1;
export const SIZE_BELOW_HOLE = 2;
export const LOWER_VSTART = 3;
export const SMALLER_ALIGN = 4;
export const VSTART_ABOVE_CACHE = 5;

/** What one pass of `alloc_vmap_area` (from its `retry:` label to `found`/`overflow`) did. */
export interface PassRecord {
  /** The request of this pass, alignment as given by the caller. */
  size: number;
  align: number;
  vstart: number;
  vend: number;
  /** `cached_hole_size` when the validity test ran (before any reset). */
  holeAtTest: number;
  /** Reset cause (`NO_CACHE` … `VSTART_ABOVE_CACHE`) or `NONE`. */
  reset: number;
  /** Whether the walk started at the cached area. */
  fromCache: boolean;
  /** Busy-list steps walked. */
  steps: number;
  /** The address found, or -1 on overflow. */
  addr: number;
  /** 1 or 2: the pass number within its `alloc()` call (2 = the retry after an overflow). */
  pass: number;
}

/** The private state of a `LegacyVmapSpace`, as `debug.ts` sees it. */
export interface LegacyInternals {
  readonly pool: NodePool;
  readonly tree: RbTree;
  readonly head: number;
  readonly tail: number;
  readonly cache: number;
  readonly cachedHoleSize: number;
  readonly cachedVstart: number;
  readonly cachedAlign: number;
  /** The passes of the last `alloc()` call, first pass first. */
  readonly lastPasses: readonly PassRecord[];
}
