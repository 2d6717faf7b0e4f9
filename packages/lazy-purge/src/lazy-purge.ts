import type { KvaAllocator, KvaStats, Range } from "@kva/vmap";
import { LazyPurgeError, LazyPurgeInvariantError } from "./errors.js";
import { lazyMaxPages as lazyMaxPagesFor } from "./lazy-max-pages.js";
import { LazyTree } from "./lazy-tree.js";
import { describe, einval, isAddress, isCount, isPowerOfTwo, requireAddress } from "./validate.js";

/**
 * Lazy freeing with batched purges over any `KvaAllocator` (KERNEL.md §5).
 *
 * A freed kernel area keeps stale TLB entries until a flush, so the kernel does not return it to the free
 * space at once: `free()` queues it and counts its pages in `vmap_lazy_nr`; when the count exceeds
 * `lazy_max_pages` the whole queue is purged with ONE flush over [lowest start, highest end) of the batch,
 * then every area goes back to the allocator. Two eras:
 *
 *     era '5.2'   free ──► LIFO list (area stays BUSY in the allocator) ──purge──► allocator.free(addr),
 *                          newest first; flush range found by scanning the list
 *     era '5.11'  free ──► allocator.detach(addr) ──► sorted lazy tree, merge-or-add
 *                          ──purge──► allocator.release(start, size) per merged range, address order;
 *                          flush range = first.start … last.end in O(1)
 *
 * Units: sizes and addresses are the allocator's units; `pageSize` units make one page, and the lazy
 * count is kept in pages as the kernel keeps it (sizes include guard pages).
 *
 * Invariants (`check()`, after the allocator's own):
 * - Z1 pending count: `pendingPages × pageSize` equals the sum of the queued sizes; `pendingAreas` equals
 *      the number of queued areas (5.2), or is at least the number of lazy ranges and zero iff there are
 *      none (5.11: several areas merge into one range).
 * - Z2 queued ranges are non-empty, inside `[start, end)` and pairwise disjoint.
 * - Z3 (5.11) the lazy tree is sorted by start and merged: neighbours never touch (`end < next.start`).
 * - Z4 ownership: (5.2) every queued area is exactly a busy area of the allocator; (5.11) no queued range
 *      overlaps a busy or free area of the allocator (it is detached space), and the allocator's detached
 *      size covers the pending size.
 * - Z5 accounting: every lazy free is pending or was purged in a batch (`lazyFrees = pendingAreas +
 *      batches.totalAreas`), and the purges by trigger sum to the batch count.
 *
 * @see mm/vmalloc.c: free_vmap_area_noflush, __purge_vmap_area_lazy, alloc_vmap_area
 */

/** The kernel era of the lazy queue: `'5.2'` (llist, areas stay busy) or `'5.11'` (sorted merging lazy tree; 5.11 through 6.18). */
export type LazyEra = "5.2" | "5.11";

/** What started a purge: the lazy count crossing `lazyMaxPages`, an allocation failure, or an explicit `purge()`. */
export type PurgeTrigger = "threshold" | "failure" | "explicit";

/** One TLB flush (`flush_tlb_kernel_range`), reported to `onFlush`. */
export interface FlushEvent {
  readonly trigger: PurgeTrigger;
  /** First unit flushed. */
  readonly start: number;
  /** End of the flushed span (exclusive); gaps between the batch's areas are flushed too. */
  readonly end: number;
  /** Lazily freed areas in the batch (0 for the flush of an explicit range with nothing queued). */
  readonly areas: number;
  /** Pages of those areas. */
  readonly pages: number;
}

/** What a purge did. */
export interface PurgeResult {
  /** Lazily freed areas returned to the allocator. */
  readonly areas: number;
  /** Ranges handed to the allocator: `areas` in era 5.2, merged ranges (≤ `areas`) in era 5.11. */
  readonly ranges: number;
  /** Pages returned. */
  readonly pages: number;
  /** The flushed span, or `undefined` when nothing was flushed. */
  readonly flush: Range | undefined;
}

/** A completed purge of at least one area, reported to `onPurge` after the areas are back in the allocator. */
export interface PurgeEvent extends PurgeResult {
  readonly trigger: PurgeTrigger;
}

/**
 * A purge notifier (`register_vmap_purge_notifier`): called when an allocation still fails after a purge;
 * returns how much it freed (pages or areas; only `> 0` matters). A positive answer makes `alloc()` purge
 * and retry again, so a notifier MUST return 0 once it has nothing left to free.
 */
export type PurgeNotifier = () => number;

/** Options of {@link LazyPurge}. */
export interface LazyPurgeOptions {
  /** Kernel era of the queue. Default `'5.2'` (the seed's kernel). */
  readonly era?: LazyEra;
  /** Online CPUs for `lazy_max_pages`. MUST be a positive safe integer. Default 1. */
  readonly cpus?: number;
  /** Page size in bytes for `lazy_max_pages`. MUST be a power of two in [1 KiB, 32 MiB]. Default 4096. */
  readonly pageBytes?: number;
  /**
   * One page in allocator units (1 when the allocator counts pages, 4096 when it counts bytes). Default
   * and MUST equal: `allocator.pageSize`.
   */
  readonly pageSize?: number;
  /**
   * The purge threshold in pages, overriding `lazyMaxPages(cpus, pageBytes)`. MUST be a non-negative safe
   * integer; 0 purges on every free (immediate freeing with one flush per area).
   */
  readonly lazyMaxPages?: number;
  /**
   * Bytes per allocator unit, used only to print sizes and addresses in warnings. Default
   * `pageBytes / pageSize`; MUST be a positive safe integer.
   */
  readonly unitBytes?: number;
  /**
   * Safety stop absent in the kernel: the notifier chain runs at most this many times per `alloc()` call
   * (a notifier that always claims progress would otherwise loop forever). MUST be a non-negative safe
   * integer; default 16.
   */
  readonly maxNotifierRounds?: number;
  /** Called once per TLB flush, before the batch's areas go back to the allocator (the kernel's order). */
  readonly onFlush?: (event: FlushEvent) => void;
  /** Called once per purge that returned at least one area, after they are back in the allocator. */
  readonly onPurge?: (event: PurgeEvent) => void;
  /** Called with the kernel's warning line when `alloc()` gives up (not rate-limited). */
  readonly onWarn?: (message: string) => void;
  /**
   * Called with the purge lock held at the start of every failure or explicit purge, before the queue is
   * taken: `purge_vmap_area_lazy` and `_vm_unmap_aliases` first run `purge_fragmented_blocks_allcpus()`.
   * Areas it frees lazily (the simulated kernel retires fragmented vmap blocks here) join this purge's
   * batch; a threshold purge they would trigger is skipped, as the kernel's trylock would skip it.
   */
  readonly beforePurge?: (trigger: "failure" | "explicit") => void;
}

/** Purges by trigger (purges that returned at least one area). */
export interface PurgeCounts {
  readonly threshold: number;
  readonly failure: number;
  readonly explicit: number;
}

/** The lazy layer's own counters, a readonly snapshot. */
export interface LazyStats {
  readonly era: LazyEra;
  /** The purge threshold in pages. */
  readonly lazyMaxPages: number;
  /** Lazily freed areas waiting for a purge. */
  readonly pendingAreas: number;
  /** Their pages (`vmap_lazy_nr` without the `setNonLazy` bump). */
  readonly pendingPages: number;
  /** Queue entries: `pendingAreas` in era 5.2, merged lazy ranges in era 5.11. */
  readonly pendingRanges: number;
  /** Whether `setNonLazy()` is armed (the next free purges). */
  readonly nonLazy: boolean;
  /** `free()` calls that queued an area. */
  readonly lazyFrees: number;
  readonly purges: PurgeCounts;
  /** TLB flushes; spans in allocator units (`end − start`, gaps included). */
  readonly flushes: { readonly count: number; readonly totalSpan: number; readonly largestSpan: number };
  /** Purged batches: areas per batch (total and largest), pages, and ranges handed to the allocator. */
  readonly batches: {
    readonly count: number;
    readonly totalAreas: number;
    readonly largestAreas: number;
    readonly totalPages: number;
    readonly totalRanges: number;
  };
  /** Allocation attempts repeated after a failure purge or a notifier round. */
  readonly retries: number;
  /** Runs of the notifier chain. */
  readonly notifierCalls: number;
  /** Sum of what notifiers reported freeing. */
  readonly notifierFreed: number;
  /** `alloc()` calls that gave up with a warning. */
  readonly warnings: number;
}

/**
 * The allocator's stats seen through the lazy layer, plus the `lazy` section. In era 5.2 the allocator
 * still counts queued areas as busy; the snapshot moves them to `detachedCount`/`detachedSize` so that
 * both eras report the same view (queued space is neither busy nor free). `allocator.stats()` has the raw
 * numbers.
 */
export type LazyPurgeStats<S extends KvaStats = KvaStats> = S & { readonly lazy: LazyStats };

const NOTHING: PurgeResult = Object.freeze({ areas: 0, ranges: 0, pages: 0, flush: undefined });

const ALLOCATOR_METHODS = ["alloc", "free", "reserve", "find", "busyAreas", "freeAreas", "stats", "check", "detach", "release"] as const;

function codeOf(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
}

function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/**
 * Lazy freeing with batched purges over `allocator`, itself a `KvaAllocator` so that layers above can
 * stack on it. `alloc()` purges and retries on failure, then asks the purge notifiers, then returns
 * `undefined` with the kernel's warning.
 *
 * Single-threaded model of the kernel's locking: the threshold purge in `free()` is the kernel's trylock
 * variant, and since nothing else runs concurrently it always runs, except when `free()` is called from a
 * purge callback (`onFlush`/`onPurge`), where the "lock" is held: then it is skipped, as a trylock would be,
 * and so is any other purge started from a callback. Era 5.11's threshold purge (an asynchronous work item
 * from v6.9) runs synchronously here.
 *
 * @see mm/vmalloc.c: free_vmap_area_noflush, try_purge_vmap_area_lazy, purge_vmap_area_lazy
 */
export class LazyPurge<A extends KvaAllocator = KvaAllocator> implements KvaAllocator {
  /** The allocator underneath (its own `stats()` show queued areas as the kernel sees them). */
  readonly allocator: A;
  readonly start: number;
  readonly end: number;
  readonly pageSize: number;
  readonly era: LazyEra;
  readonly cpus: number;
  readonly pageBytes: number;
  readonly unitBytes: number;
  /** The purge threshold in pages (`lazy_max_pages()`). */
  readonly lazyMaxPages: number;
  readonly maxNotifierRounds: number;

  private readonly listMode: boolean;
  /** `lazyMaxPages × pageSize`: the count is kept in units, compared as the kernel compares pages. */
  private readonly thresholdUnits: number;
  private readonly onFlush: ((event: FlushEvent) => void) | undefined;
  private readonly onPurge: ((event: PurgeEvent) => void) | undefined;
  private readonly onWarn: ((message: string) => void) | undefined;
  private readonly beforePurge: ((trigger: "failure" | "explicit") => void) | undefined;

  // Era 5.2: `vmap_purge_list`, newest last in the arrays; `queued` holds the starts of listed areas and
  // `inFlight` those of the batch a purge has detached but not yet returned.
  private listStarts: number[] = [];
  private listEnds: number[] = [];
  private queued = new Set<number>();
  private inFlight: Set<number> | undefined;
  // Era 5.11: `purge_vmap_area_root`/`purge_vmap_area_list`.
  private readonly tree = new LazyTree();

  /** `vmap_lazy_nr × pageSize`. */
  private lazyUnits = 0;
  private pendingAreas = 0;
  private nonLazy = false;
  private purging = false;
  private readonly notifiers: PurgeNotifier[] = [];

  private lazyFrees = 0;
  private readonly purges = { threshold: 0, failure: 0, explicit: 0 };
  private flushCount = 0;
  private flushTotalSpan = 0;
  private flushLargestSpan = 0;
  private batchCount = 0;
  private batchTotalAreas = 0;
  private batchLargestAreas = 0;
  private batchTotalUnits = 0;
  private batchTotalRanges = 0;
  private retries = 0;
  private notifierCalls = 0;
  private notifierFreed = 0;
  private warnings = 0;

  /**
   * @throws LazyPurgeError `EINVAL` when `allocator` lacks a contract method or an option breaks its
   *   MUST-constraint (see {@link LazyPurgeOptions}).
   */
  constructor(allocator: A, options: LazyPurgeOptions = {}) {
    if (typeof allocator !== "object" || allocator === null) {
      throw einval(`allocator ${describe(allocator)} is invalid: pass a KvaAllocator such as new VmapSpace({ start, end })`);
    }
    for (const name of ALLOCATOR_METHODS) {
      if (typeof allocator[name] !== "function") {
        throw einval(`allocator has no ${name}() method: pass a KvaAllocator (VmapSpace, LegacyVmapSpace) that implements detach/release`);
      }
    }
    if (typeof options !== "object" || options === null) {
      throw einval(`options ${describe(options)} are invalid: pass an object such as { cpus: 4 }`);
    }
    const era = options.era ?? "5.2";
    if (era !== "5.2" && era !== "5.11") throw einval(`era ${describe(era)} is invalid: pass '5.2' or '5.11'`);
    const cpus = options.cpus ?? 1;
    const pageBytes = options.pageBytes ?? 4096;
    // Validates cpus and pageBytes even when the threshold is overridden.
    const computed = lazyMaxPagesFor(cpus, pageBytes);
    const pageSize = options.pageSize ?? allocator.pageSize;
    if (!isPowerOfTwo(pageSize) || pageSize > 2 ** 30) {
      throw einval(`pageSize ${describe(pageSize)} is invalid: pass a power of two (1 for page units, 4096 for bytes)`);
    }
    if (pageSize !== allocator.pageSize) {
      throw einval(`pageSize ${pageSize} differs from the allocator's pageSize ${describe(allocator.pageSize)}: omit it or pass the same value`);
    }
    const threshold = options.lazyMaxPages ?? computed;
    if (!isAddress(threshold) || !Number.isSafeInteger(threshold * pageSize)) {
      throw einval(`lazyMaxPages ${describe(threshold)} is invalid: pass a non-negative safe integer number of pages (0 purges on every free)`);
    }
    const unitBytes = options.unitBytes ?? pageBytes / pageSize;
    if (!isCount(unitBytes)) {
      throw einval(
        options.unitBytes === undefined
          ? `pageSize ${pageSize} exceeds pageBytes ${pageBytes}, so a unit would be smaller than a byte: pass pageBytes or unitBytes`
          : `unitBytes ${describe(unitBytes)} is invalid: pass a positive safe integer (bytes per allocator unit)`,
      );
    }
    const rounds = options.maxNotifierRounds ?? 16;
    if (!isAddress(rounds)) throw einval(`maxNotifierRounds ${describe(rounds)} is invalid: pass a non-negative safe integer`);
    for (const name of ["onFlush", "onPurge", "onWarn"] as const) {
      if (options[name] !== undefined && typeof options[name] !== "function") {
        throw einval(`${name} ${describe(options[name])} is invalid: pass a function or leave it out`);
      }
    }
    this.allocator = allocator;
    this.start = allocator.start;
    this.end = allocator.end;
    this.pageSize = pageSize;
    this.era = era;
    this.cpus = cpus;
    this.pageBytes = pageBytes;
    this.unitBytes = unitBytes;
    this.lazyMaxPages = threshold;
    this.maxNotifierRounds = rounds;
    this.listMode = era === "5.2";
    this.thresholdUnits = threshold * pageSize;
    this.onFlush = options.onFlush;
    this.onPurge = options.onPurge;
    this.onWarn = options.onWarn;
    if (options.beforePurge !== undefined && typeof options.beforePurge !== "function") {
      throw einval(`beforePurge ${describe(options.beforePurge)} is invalid: pass a function or nothing`);
    }
    this.beforePurge = options.beforePurge;
  }

  // ------------------------------------------------------------------ allocation

  /**
   * Allocates through the allocator; on failure purges the lazy queue once and retries; then runs the
   * purge notifiers and, if any reports progress, starts over (purge allowed again); then emits the
   * kernel's warning and returns `undefined`.
   *
   * @throws whatever the allocator throws for bad arguments (`VmapError` `EINVAL` from @kva/vmap), before
   *   anything is purged.
   * @see mm/vmalloc.c: alloc_vmap_area (the overflow path)
   */
  alloc(size: number, align = 1, vstart = this.start, vend = this.end): number | undefined {
    let purged = false;
    let rounds = 0;
    for (;;) {
      const addr = this.allocator.alloc(size, align, vstart, vend);
      if (addr !== undefined) return addr;
      if (!purged) {
        this.purgeLazy("failure", Infinity, -Infinity);
        purged = true;
        this.retries++;
        continue;
      }
      if (rounds < this.maxNotifierRounds) {
        rounds++;
        if (this.callNotifiers() > 0) {
          purged = false;
          this.retries++;
          continue;
        }
      }
      this.warn(size, vstart, vend);
      return undefined;
    }
  }

  /**
   * Registers a purge notifier; returns a function that unregisters it (idempotent).
   *
   * @throws LazyPurgeError `EINVAL` unless `notifier` is a function.
   * @see mm/vmalloc.c: register_vmap_purge_notifier, unregister_vmap_purge_notifier
   */
  addPurgeNotifier(notifier: PurgeNotifier): () => void {
    if (typeof notifier !== "function") throw einval(`notifier ${describe(notifier)} is invalid: pass a function returning how much it freed`);
    const entry: PurgeNotifier = () => notifier();
    this.notifiers.push(entry);
    return () => {
      const i = this.notifiers.indexOf(entry);
      if (i >= 0) this.notifiers.splice(i, 1);
    };
  }

  /** `blocking_notifier_call_chain(&vmap_notify_list, 0, &freed)`: non-positive and NaN answers count 0. */
  private callNotifiers(): number {
    this.notifierCalls++;
    let freed = 0;
    for (const notifier of [...this.notifiers]) {
      const n = notifier();
      if (n > 0) freed += n;
    }
    this.notifierFreed += freed;
    return freed;
  }

  private warn(size: number, vstart: number, vend: number): void {
    this.warnings++;
    if (this.onWarn === undefined) return;
    const unit = BigInt(this.unitBytes);
    const bytes = BigInt(size) * unit;
    this.onWarn(
      this.listMode
        ? `vmap allocation for size ${bytes} failed: use vmalloc=<size> to increase size`
        : `vmalloc_node_range for size ${bytes} failed: Address range restricted to ${hex(BigInt(vstart) * unit)} - ${hex(BigInt(vend) * unit)}`,
    );
  }

  // ------------------------------------------------------------------ lazy free

  /**
   * Frees the busy area starting at `addr` lazily: queues it and adds its pages to the lazy count; if the
   * count now exceeds `lazyMaxPages` (or `setNonLazy()` is armed) purges the whole queue. Returns the size.
   * The area is not reusable until the purge. O(1) in era 5.2 plus the allocator's lookup; O(log N) in
   * era 5.11 plus the allocator's `detach`.
   *
   * @throws LazyPurgeError `EINVAL` for an addr that is not a non-negative safe integer; `ENOENT` when it is
   *   not the start of a busy area (double free, lazily freed already, wild or middle address).
   * @see mm/vmalloc.c: free_vmap_area_noflush
   */
  free(addr: number): number {
    requireAddress(addr, "addr");
    return this.listMode ? this.freeToList(addr) : this.freeToTree(addr);
  }

  /** Era 5.2: push on the llist; the area stays busy in the allocator. */
  private freeToList(addr: number): number {
    if (this.queued.has(addr) || this.inFlight?.has(addr)) throw this.doubleFree(addr);
    const area = this.allocator.find(addr);
    if (area === undefined || area.start !== addr) {
      throw new LazyPurgeError("ENOENT", `free(${addr}): no busy area starts at ${addr}; pass the address alloc() returned, once`);
    }
    this.listStarts.push(addr);
    this.listEnds.push(area.end);
    this.queued.add(addr);
    return this.account(area.end - addr);
  }

  /** Era 5.11: unlink from the busy tree, merge-or-add into the lazy tree. */
  private freeToTree(addr: number): number {
    if (this.tree.indexContaining(addr) >= 0) throw this.doubleFree(addr);
    let size: number;
    try {
      size = this.allocator.detach(addr);
    } catch (error) {
      if (codeOf(error) !== "ENOENT") throw error;
      throw new LazyPurgeError("ENOENT", `free(${addr}): no busy area starts at ${addr}; pass the address alloc() returned, once`, { cause: error });
    }
    this.tree.insert(addr, addr + size);
    return this.account(size);
  }

  private doubleFree(addr: number): LazyPurgeError {
    return new LazyPurgeError("ENOENT", `free(${addr}): the area at ${addr} is already lazily freed (double free); free each area once`);
  }

  /** `vmap_lazy_nr += pages; if (vmap_lazy_nr > lazy_max_pages()) purge`. */
  private account(size: number): number {
    this.lazyUnits += size;
    this.pendingAreas++;
    this.lazyFrees++;
    if (this.nonLazy || this.lazyUnits > this.thresholdUnits) this.purgeLazy("threshold", Infinity, -Infinity);
    return size;
  }

  /**
   * The `set_iounmap_nonlazy()` switch: the next `free()` purges whatever the count. Kernel 5.2 sets
   * `vmap_lazy_nr = lazy_max_pages + 1`, and the purge then subtracts only the real pages, leaving the
   * counter over-counted by `lazy_max_pages + 1 − (pages pending when armed)`, which makes later frees purge
   * early. Here the switch is a flag consumed by the next purge that returns areas (whatever its trigger):
   * `pendingPages` always shows the real pending pages and never drifts or goes negative.
   *
   * @see mm/vmalloc.c: set_iounmap_nonlazy (v5.2; removed in later kernels)
   */
  setNonLazy(): void {
    this.nonLazy = true;
  }

  // ------------------------------------------------------------------ purging

  /**
   * Purges everything queued now (the `purge_vmap_area_lazy` / `vm_unmap_aliases` analogue): one flush
   * over the batch's span, widened to include `range` if given; if nothing was queued and a `range` is
   * given, that range alone is still flushed (`_vm_unmap_aliases` flushing dirty vmap-block pages).
   * Called from a purge callback it does nothing (the purge lock is held). O(N).
   *
   * @throws LazyPurgeError `EINVAL` unless `range` is `{ start, end }` with safe integers `0 ≤ start < end`.
   * @see mm/vmalloc.c: purge_vmap_area_lazy, _vm_unmap_aliases, __purge_vmap_area_lazy
   */
  purge(range?: Range): PurgeResult {
    let lo = Infinity;
    let hi = -Infinity;
    if (range !== undefined) {
      if (typeof range !== "object" || range === null || !isAddress(range.start) || !isAddress(range.end) || range.start >= range.end) {
        const shown = typeof range === "object" && range !== null ? `{ start: ${describe(range.start)}, end: ${describe(range.end)} }` : describe(range);
        throw einval(`purge range ${shown} is invalid: pass { start, end } with safe integers 0 <= start < end, or nothing`);
      }
      lo = range.start;
      hi = range.end;
    }
    return this.purgeLazy("explicit", lo, hi);
  }

  /** `__purge_vmap_area_lazy(lo, hi)` under `vmap_purge_lock` (a no-op when the lock is already held). */
  private purgeLazy(trigger: PurgeTrigger, lo: number, hi: number): PurgeResult {
    if (this.purging) return NOTHING;
    this.purging = true;
    try {
      if (trigger !== "threshold") this.beforePurge?.(trigger);
      return this.listMode ? this.purgeList(trigger, lo, hi) : this.purgeTree(trigger, lo, hi);
    } finally {
      this.purging = false;
      this.inFlight = undefined;
    }
  }

  /** Era 5.2: detach the llist; flush range by a full scan; `allocator.free` newest first. */
  private purgeList(trigger: PurgeTrigger, lo: number, hi: number): PurgeResult {
    const starts = this.listStarts;
    const ends = this.listEnds;
    const n = starts.length;
    if (n === 0) return this.flushOnly(trigger, lo, hi);
    this.listStarts = [];
    this.listEnds = [];
    this.inFlight = this.queued;
    this.queued = new Set();
    let start = lo;
    let end = hi;
    for (let i = 0; i < n; i++) {
      if (starts[i]! < start) start = starts[i]!;
      if (ends[i]! > end) end = ends[i]!;
    }
    const pages = this.takeBatch(trigger, n);
    try {
      this.flush(trigger, start, end, n, pages);
    } finally {
      for (let i = n - 1; i >= 0; i--) this.allocator.free(starts[i]!);
      this.inFlight = undefined;
    }
    return this.finish(trigger, n, n, pages, start, end);
  }

  /** Era 5.11: detach the lazy tree; flush first.start … last.end; `allocator.release` in address order. */
  private purgeTree(trigger: PurgeTrigger, lo: number, hi: number): PurgeResult {
    const n = this.tree.count;
    if (n === 0) return this.flushOnly(trigger, lo, hi);
    const { starts, ends } = this.tree.drain();
    const start = Math.min(lo, starts[0]!);
    const end = Math.max(hi, ends[n - 1]!);
    const areas = this.pendingAreas;
    const pages = this.takeBatch(trigger, n);
    try {
      this.flush(trigger, start, end, areas, pages);
    } finally {
      for (let i = 0; i < n; i++) this.allocator.release(starts[i]!, ends[i]! - starts[i]!);
    }
    return this.finish(trigger, areas, n, pages, start, end);
  }

  /**
   * Takes the whole pending count off the queue (it is all in the batch) and counts the batch; returns its
   * pages. Done before the flush so that callbacks see consistent counters (Z1, Z5).
   */
  private takeBatch(trigger: PurgeTrigger, ranges: number): number {
    const areas = this.pendingAreas;
    const pages = this.lazyUnits / this.pageSize;
    this.batchCount++;
    this.batchTotalAreas += areas;
    if (areas > this.batchLargestAreas) this.batchLargestAreas = areas;
    this.batchTotalUnits += this.lazyUnits;
    this.batchTotalRanges += ranges;
    this.purges[trigger]++;
    this.lazyUnits = 0;
    this.pendingAreas = 0;
    this.nonLazy = false;
    return pages;
  }

  private flushOnly(trigger: PurgeTrigger, lo: number, hi: number): PurgeResult {
    if (!(lo < hi)) return NOTHING;
    this.flush(trigger, lo, hi, 0, 0);
    return { areas: 0, ranges: 0, pages: 0, flush: { start: lo, end: hi } };
  }

  /** `flush_tlb_kernel_range(start, end)`. */
  private flush(trigger: PurgeTrigger, start: number, end: number, areas: number, pages: number): void {
    const span = end - start;
    this.flushCount++;
    this.flushTotalSpan += span;
    if (span > this.flushLargestSpan) this.flushLargestSpan = span;
    this.onFlush?.({ trigger, start, end, areas, pages });
  }

  private finish(trigger: PurgeTrigger, areas: number, ranges: number, pages: number, start: number, end: number): PurgeResult {
    const result: PurgeResult = { areas, ranges, pages, flush: { start, end } };
    this.onPurge?.({ trigger, ...result });
    return result;
  }

  // ------------------------------------------------------------------ the rest of the contract

  /** Delegates to the allocator (queued space is neither free nor reservable). */
  reserve(addr: number, size: number): boolean {
    return this.allocator.reserve(addr, size);
  }

  /**
   * The busy area containing `addr`, or `undefined`. A lazily freed area is not busy from the caller's
   * view (era 5.2's allocator still holds it as busy; it is filtered out).
   */
  find(addr: number): Range | undefined {
    const area = this.allocator.find(addr);
    return area !== undefined && this.listMode && this.queued.has(area.start) ? undefined : area;
  }

  /** Busy areas in address order: the allocator's, minus queued areas (era 5.2). */
  busyAreas(): Iterable<Range> {
    if (!this.listMode || this.queued.size === 0) return this.allocator.busyAreas();
    return this.busyUnqueued();
  }

  private *busyUnqueued(): IterableIterator<Range> {
    for (const area of this.allocator.busyAreas()) if (!this.queued.has(area.start)) yield area;
  }

  /** The allocator's free blocks in address order; lazily freed space is not free until purged. */
  freeAreas(): Iterable<Range> {
    return this.allocator.freeAreas();
  }

  /**
   * The queue: era 5.2 the listed areas newest first (the order a purge frees them); era 5.11 the merged
   * lazy ranges in address order. Fresh objects. O(N).
   */
  lazyAreas(): Range[] {
    if (!this.listMode) return this.tree.ranges();
    const out: Range[] = [];
    for (let i = this.listStarts.length - 1; i >= 0; i--) out.push({ start: this.listStarts[i]!, end: this.listEnds[i]! });
    return out;
  }

  /**
   * Delegates to the allocator's `detach` (for a layer above that manages its own lazy state); a queued
   * area cannot be detached.
   *
   * @throws LazyPurgeError `ENOENT` for a queued area; otherwise what the allocator throws.
   */
  detach(addr: number): number {
    if (this.listMode && (this.queued.has(addr) || this.inFlight?.has(addr))) throw this.doubleFree(addr);
    return this.allocator.detach(addr);
  }

  /**
   * Delegates to the allocator's `release` for space detached through {@link detach}; the lazy queue's own
   * ranges cannot be released this way (use `purge()`).
   *
   * @throws LazyPurgeError `ENOENT` when the range overlaps the lazy tree; otherwise what the allocator throws.
   */
  release(start: number, size: number): void {
    if (!this.listMode && isAddress(start) && isCount(size) && this.tree.overlaps(start, start + size)) {
      throw new LazyPurgeError("ENOENT", `release(${start}, ${size}) overlaps lazily freed space: purge() returns it`);
    }
    this.allocator.release(start, size);
  }

  /** The allocator's stats through the lazy layer's view, plus `lazy`. O(1) plus the allocator's `stats()`. */
  stats(): LazyPurgeStats<ReturnType<A["stats"]>> {
    const base = this.allocator.stats() as ReturnType<A["stats"]>;
    const lazy: LazyStats = {
      era: this.era,
      lazyMaxPages: this.lazyMaxPages,
      pendingAreas: this.pendingAreas,
      pendingPages: this.lazyUnits / this.pageSize,
      pendingRanges: this.listMode ? this.listStarts.length : this.tree.count,
      nonLazy: this.nonLazy,
      lazyFrees: this.lazyFrees,
      purges: { ...this.purges },
      flushes: { count: this.flushCount, totalSpan: this.flushTotalSpan, largestSpan: this.flushLargestSpan },
      batches: {
        count: this.batchCount,
        totalAreas: this.batchTotalAreas,
        largestAreas: this.batchLargestAreas,
        totalPages: this.batchTotalUnits / this.pageSize,
        totalRanges: this.batchTotalRanges,
      },
      retries: this.retries,
      notifierCalls: this.notifierCalls,
      notifierFreed: this.notifierFreed,
      warnings: this.warnings,
    };
    if (!this.listMode) return { ...base, lazy };
    const count = this.queued.size;
    return {
      ...base,
      busyCount: base.busyCount - count,
      busySize: base.busySize - this.lazyUnits,
      detachedCount: base.detachedCount + count,
      detachedSize: base.detachedSize + this.lazyUnits,
      lazy,
    };
  }

  /**
   * Verifies the allocator (its `check()`), then Z1–Z5; throws the allocator's error or a
   * `LazyPurgeInvariantError` naming the first broken invariant. O(N log N).
   */
  check(): void {
    this.allocator.check();
    const queue = this.listMode ? this.lazyAreas() : this.tree.ranges();
    let units = 0;
    for (const r of queue) units += r.end - r.start;
    if (units !== this.lazyUnits) {
      throw new LazyPurgeInvariantError("Z1", `pendingPages × pageSize is ${this.lazyUnits} but the queued sizes sum to ${units}`);
    }
    if (this.listMode) {
      if (this.pendingAreas !== queue.length || this.queued.size !== queue.length) {
        throw new LazyPurgeInvariantError("Z1", `pendingAreas is ${this.pendingAreas}, the list holds ${queue.length} areas and the queued set ${this.queued.size}`);
      }
    } else if (this.pendingAreas < queue.length || (this.pendingAreas === 0) !== (queue.length === 0)) {
      throw new LazyPurgeInvariantError("Z1", `pendingAreas is ${this.pendingAreas} for ${queue.length} lazy ranges`);
    }
    const sorted = this.listMode ? [...queue].sort((x, y) => x.start - y.start) : queue;
    for (let i = 0; i < sorted.length; i++) {
      const r = sorted[i]!;
      if (!(r.start < r.end) || r.start < this.start || r.end > this.end) {
        throw new LazyPurgeInvariantError("Z2", `queued range [${r.start}, ${r.end}) is empty or outside [${this.start}, ${this.end})`);
      }
      const prev = sorted[i - 1];
      if (prev !== undefined && r.start < prev.end) {
        throw new LazyPurgeInvariantError("Z2", `queued range [${r.start}, ${r.end}) overlaps [${prev.start}, ${prev.end})`);
      }
    }
    if (!this.listMode) {
      for (let i = 1; i < queue.length; i++) {
        const prev = queue[i - 1]!;
        const r = queue[i]!;
        if (!(prev.end < r.start)) {
          throw new LazyPurgeInvariantError("Z3", `lazy range ${i - 1} [${prev.start}, ${prev.end}) and ${i} [${r.start}, ${r.end}) are unsorted or touch (not merged)`);
        }
      }
    }
    this.checkOwnership(queue);
    const purges = this.purges.threshold + this.purges.failure + this.purges.explicit;
    if (this.lazyFrees !== this.pendingAreas + this.batchTotalAreas || purges !== this.batchCount) {
      throw new LazyPurgeInvariantError(
        "Z5",
        `${this.lazyFrees} lazy frees, ${this.pendingAreas} pending, ${this.batchTotalAreas} purged; ${purges} purges by trigger, ${this.batchCount} batches`,
      );
    }
  }

  /** Z4: 5.2 queued areas are busy in the allocator; 5.11 lazy ranges lie in detached space. */
  private checkOwnership(queue: readonly Range[]): void {
    if (this.listMode) {
      for (const r of queue) {
        const area = this.allocator.find(r.start);
        if (area === undefined || area.start !== r.start || area.end !== r.end) {
          throw new LazyPurgeInvariantError("Z4", `queued area [${r.start}, ${r.end}) is not a busy area of the allocator`);
        }
      }
      return;
    }
    // Busy and free areas each come in address order; in each list the last area starting before r.end is
    // the only one that can overlap r (the areas of a list are disjoint).
    for (const list of [[...this.allocator.busyAreas()], [...this.allocator.freeAreas()]]) {
      for (const r of queue) {
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (list[mid]!.start < r.end) lo = mid + 1;
          else hi = mid;
        }
        const t = list[lo - 1];
        if (t !== undefined && t.end > r.start) {
          throw new LazyPurgeInvariantError("Z4", `lazy range [${r.start}, ${r.end}) overlaps the allocator's busy or free area [${t.start}, ${t.end})`);
        }
      }
    }
    const detached = this.allocator.stats().detachedSize;
    if (detached < this.lazyUnits) {
      throw new LazyPurgeInvariantError("Z4", `the allocator holds ${detached} detached units, fewer than the ${this.lazyUnits} pending`);
    }
  }
}

