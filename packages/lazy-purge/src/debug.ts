/** Debugging aids for @kva/lazy-purge (published as `@kva/lazy-purge/debug`). */
import type { KvaAllocator } from "@kva/vmap";
import type { LazyInvariantId } from "./errors.js";
import type { LazyPurge } from "./lazy-purge.js";

export { LazyTree } from "./lazy-tree.js";

/** What each invariant of `LazyPurge.check()` states. */
export const LAZY_INVARIANTS: Readonly<Record<LazyInvariantId, string>> = Object.freeze({
  Z1: "pendingPages × pageSize equals the sum of queued sizes; pendingAreas matches the queue",
  Z2: "queued ranges are non-empty, inside the space and pairwise disjoint",
  Z3: "(5.11) the lazy tree is sorted and merged: neighbours never touch",
  Z4: "(5.2) queued areas are busy in the allocator; (5.11) lazy ranges are detached space",
  Z5: "lazyFrees = pendingAreas + batches.totalAreas; purges by trigger sum to batches.count",
});

/**
 * A text dump of the lazy layer: one header line with the counters, then one line per queue entry
 * (`lazy [start, end) pages`; era 5.2 newest first, era 5.11 in address order).
 */
export function dumpLazy(lazy: LazyPurge<KvaAllocator>): string {
  const s = lazy.stats().lazy;
  const head =
    `era ${s.era}: ${s.pendingAreas} areas / ${s.pendingPages} pages pending of ${s.lazyMaxPages}` +
    `${s.nonLazy ? " (non-lazy armed)" : ""}; purges threshold ${s.purges.threshold}, failure ${s.purges.failure}, explicit ${s.purges.explicit}`;
  const lines = lazy.lazyAreas().map((r) => `lazy [${r.start}, ${r.end}) ${(r.end - r.start) / lazy.pageSize}`);
  return [head, ...lines].join("\n");
}
