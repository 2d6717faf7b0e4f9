/**
 * @kva/lazy-purge — lazy freeing with batched purges over any KVA allocator, as Linux does it (KERNEL.md
 * §5). Public: `LazyPurge` with its options, stats and events, `lazyMaxPages` and `fls`, the error classes.
 */
export {
  LazyPurge,
  type FlushEvent,
  type LazyEra,
  type LazyPurgeOptions,
  type LazyPurgeStats,
  type LazyStats,
  type PurgeCounts,
  type PurgeEvent,
  type PurgeNotifier,
  type PurgeResult,
  type PurgeTrigger,
} from "./lazy-purge.js";
export { LAZY_MAX_BYTES, MIN_PAGE_BYTES, fls, lazyMaxPages } from "./lazy-max-pages.js";
export { LazyPurgeError, LazyPurgeInvariantError, type LazyInvariantId, type LazyPurgeErrorCode } from "./errors.js";
