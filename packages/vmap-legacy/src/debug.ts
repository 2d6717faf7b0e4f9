/**
 * Debugging aids for @kva/vmap-legacy (published as `@kva/vmap-legacy/debug`): the cache state, a record of
 * how the last allocation searched, a dump and a drawing of the busy list, and an obviously correct linear
 * lowest-fit scan to compare answers with (the old kernel had no such checker; the 5.2 rework added one).
 */
import type { Range } from "@kva/vmap";
import { NIL } from "@kva/rbtree";
import {
  INSPECT,
  LOWER_VSTART,
  type LegacyInternals,
  NO_CACHE,
  SIZE_BELOW_HOLE,
  SMALLER_ALIGN,
  VSTART_ABOVE_CACHE,
} from "./internal.js";
import { END, FLAGS, FLAG_DETACHED, NEXT, S32, S64, START } from "./layout.js";
import { type LegacyVmapSpace, alignUp } from "./legacy-vmap-space.js";

export { alignUp };

/** Why a pass dropped the cache (`undefined` when it kept and used it). */
export type ResetCause = "noCache" | "sizeBelowHole" | "lowerVstart" | "smallerAlign" | "vstartAboveCache";

const CAUSES: Readonly<Record<number, ResetCause>> = {
  [NO_CACHE]: "noCache",
  [SIZE_BELOW_HOLE]: "sizeBelowHole",
  [LOWER_VSTART]: "lowerVstart",
  [SMALLER_ALIGN]: "smallerAlign",
  [VSTART_ABOVE_CACHE]: "vstartAboveCache",
};

/** The one-entry search cache. */
export interface CacheState {
  /** The area `free_vmap_cache` points at (it may be detached), or `undefined` (NULL). */
  readonly area: Range | undefined;
  readonly cachedHoleSize: number;
  readonly cachedVstart: number;
  /** As given by the caller (bytes for a page-unit space with `alignShift` 12). */
  readonly cachedAlign: number;
}

/** How one pass of the last `alloc()`/`attempt()` searched. */
export interface PassTrace {
  /** 1, or 2 for the retry after an overflow. */
  readonly pass: number;
  readonly size: number;
  readonly align: number;
  readonly vstart: number;
  readonly vend: number;
  /** `cached_hole_size` when the validity test ran. */
  readonly holeAtTest: number;
  /** Why the cache was dropped, or `undefined` if the walk started at it. */
  readonly reset: ResetCause | undefined;
  /** Whether the walk started at the cached area. */
  readonly fromCache: boolean;
  /** Busy-list steps walked. */
  readonly steps: number;
  /** The address found, or `undefined` (overflow). */
  readonly addr: number | undefined;
}

/** One entry of the busy list. */
export interface ListEntry extends Range {
  readonly detached: boolean;
  /** Whether `free_vmap_cache` points at it. */
  readonly cached: boolean;
}

function inspect(space: LegacyVmapSpace): LegacyInternals {
  return space[INSPECT]();
}

/** The cache: `free_vmap_cache`, `cached_hole_size`, `cached_vstart`, `cached_align`. */
export function cacheState(space: LegacyVmapSpace): CacheState {
  const s = inspect(space);
  const f = s.pool.f64;
  return {
    area: s.cache === NIL ? undefined : { start: f[s.cache * S64 + START]!, end: f[s.cache * S64 + END]! },
    cachedHoleSize: s.cachedHoleSize,
    cachedVstart: s.cachedVstart,
    cachedAlign: s.cachedAlign,
  };
}

/** The passes of the last `alloc()`/`attempt()` call, first pass first (empty before the first call). */
export function lastAlloc(space: LegacyVmapSpace): PassTrace[] {
  return inspect(space).lastPasses.map((p) => ({
    pass: p.pass,
    size: p.size,
    align: p.align,
    vstart: p.vstart,
    vend: p.vend,
    holeAtTest: p.holeAtTest,
    reset: CAUSES[p.reset],
    fromCache: p.fromCache,
    steps: p.steps,
    addr: p.addr < 0 ? undefined : p.addr,
  }));
}

/** Every area on the busy list (detached ones included), in address order. */
export function busyList(space: LegacyVmapSpace): ListEntry[] {
  const s = inspect(space);
  const a = s.pool.i32;
  const f = s.pool.f64;
  const out: ListEntry[] = [];
  for (let n = s.head; n !== NIL; n = a[n * S32 + NEXT]!) {
    out.push({
      start: f[n * S64 + START]!,
      end: f[n * S64 + END]!,
      detached: (a[n * S32 + FLAGS]! & FLAG_DETACHED) !== 0,
      cached: n === s.cache,
    });
  }
  return out;
}

/**
 * A one-line drawing of the busy list and the cache: busy areas as `[s,e)`, detached ones as `{s,e}`,
 * the cached area marked with `^`, gaps as `..n..` (their length), then the cache fields. Example:
 * `[0,2) ..3.. [5,8)^ ..92.. | hole=3 vstart=0 align=1`.
 */
export function formatBusyList(space: LegacyVmapSpace): string {
  const parts: string[] = [];
  let cursor = space.start;
  for (const e of busyList(space)) {
    if (e.start > cursor) parts.push(`..${e.start - cursor}..`);
    parts.push(`${e.detached ? "{" : "["}${e.start},${e.end}${e.detached ? "}" : ")"}${e.cached ? "^" : ""}`);
    cursor = e.end;
  }
  if (cursor < space.end) parts.push(`..${space.end - cursor}..`);
  const c = cacheState(space);
  return `${parts.join(" ")} | hole=${c.cachedHoleSize} vstart=${c.cachedVstart} align=${c.cachedAlign}`;
}

/**
 * The lowest aligned fit among the gaps of the busy list (detached areas block), by a plain linear scan:
 * what the allocator returns whenever its cache does not mislead it. `align` is in the caller's units
 * (scaled by the space's `alignShift`). Not validated. O(N).
 */
export function lowestGapFit(space: LegacyVmapSpace, size: number, align: number, vstart: number, vend: number): number | undefined {
  const units = Math.max(1, align / 2 ** space.alignShift);
  let cursor = space.start;
  const gaps: Range[] = [];
  for (const e of busyList(space)) {
    if (e.start > cursor) gaps.push({ start: cursor, end: e.start });
    cursor = Math.max(cursor, e.end);
  }
  if (cursor < space.end) gaps.push({ start: cursor, end: space.end });
  for (const g of gaps) {
    const addr = alignUp(Math.max(g.start, vstart), units);
    if (size <= Math.min(g.end, vend) - addr) return addr;
  }
  return undefined;
}
