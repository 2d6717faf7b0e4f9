import { LEFT, NIL, NodePool, RIGHT, RbTree } from "@kva/rbtree";
import { type FitCounts, type KvaAllocator, type KvaStats, type Range, VmapError } from "@kva/vmap";
import {
  INSPECT,
  LOWER_VSTART,
  type LegacyInternals,
  NONE,
  NO_CACHE,
  type PassRecord,
  SIZE_BELOW_HOLE,
  SMALLER_ALIGN,
  VSTART_ABOVE_CACHE,
} from "./internal.js";
import { END, FLAGS, FLAG_DETACHED, NEXT, PREV, RECORD_BYTES, S32, S64, START } from "./layout.js";
import { describeValue as describe, isAddress, requireAddress, requireAlign, requireSize, requireWindow } from "@kva/vmap";

/** Options of {@link LegacyVmapSpace}. */
export interface LegacyVmapSpaceOptions {
  /** First unit managed. MUST be a safe integer ≥ 0. Bounds validation and the default window only. */
  readonly start: number;
  /** End of the space (exclusive). MUST be a safe integer > `start`. */
  readonly end: number;
  /**
   * One page in allocator units: 1 when the space counts pages (default), 4096 when it counts bytes.
   * Sizes MUST be multiples of it (the kernel's `offset_in_page(size)` check).
   */
  readonly pageSize?: number;
  /**
   * How many low bits of an alignment lie below one unit (default 0: alignments are in units). A space
   * in page units with 4 KiB pages sets 12 and passes alignments in bytes: the effective alignment is
   * `max(1, align / 2^alignShift)` units, while `cached_align` keeps and compares the value as given.
   */
  readonly alignShift?: number;
  /**
   * Whether `alloc()` makes the kernel's second pass after an overflow itself (default true: standalone,
   * the purge before `goto retry` has nothing to free). Set false when a lazy-purge layer purges and
   * retries (the simulated kernel does), so each kernel pass is made exactly once.
   */
  readonly retryPass?: boolean;
  /** Busy areas that exist before the allocator starts (`vm_area_add_early`), sorted and disjoint. */
  readonly early?: Iterable<Range>;
  /** Node records to allocate up front (the pool doubles when full). Default 64. */
  readonly initialCapacity?: number;
  /**
   * The vmalloc range `[VMALLOC_START, VMALLOC_END]` for `vmap_area_pcpu_hole` tracking (for the per-cpu
   * layer): when given, `pcpuHole` starts at `end` and every freed area whose end lies in
   * `(start, end]` raises it to that end, as `__free_vmap_area` does. Omit it and `pcpuHole` is undefined.
   */
  readonly pcpuRange?: Range;
}

/** Cache resets by cause, counted per pass of the allocation (KERNEL.md §8 step 2 and step 3). */
export interface CacheResets {
  /** `free_vmap_cache` was NULL (first allocation, or a free dropped it or moved it before the first area). */
  readonly noCache: number;
  /** `size < cached_hole_size`: a hole seen below the cache might hold this request. */
  readonly sizeBelowHole: number;
  /** `vstart < cached_vstart`: the window reaches lower than the previous request's. */
  readonly lowerVstart: number;
  /** `align < cached_align`: a less aligned request may fit where the previous one could not. */
  readonly smallerAlign: number;
  /** The cache was kept but `ALIGN(cache.va_end, align) < vstart`: `goto nocache`. */
  readonly vstartAboveCache: number;
}

/** What `__free_vmap_area` did to the cache, counted per freed area. */
export interface CacheOnFree {
  /** The freed area ended below `cached_vstart`: the cache was dropped. */
  readonly dropped: number;
  /** The freed area started at or below the cached area: the cache moved to its predecessor. */
  readonly movedDown: number;
}

/** {@link KvaStats} plus the counters that show why the busy-list allocator is slow. */
export interface LegacyVmapStats extends KvaStats {
  /** Passes through `alloc_vmap_area`'s `retry:` label (one per `alloc()`, two when it overflowed). */
  readonly passes: number;
  /** Busy-list steps walked in all passes (one per area the walk moved past). */
  readonly listSteps: number;
  /** The longest walk of a single pass. */
  readonly maxWalk: number;
  /** Passes whose walk started at the cached area. */
  readonly cacheHits: number;
  readonly cacheResets: CacheResets;
  readonly cacheOnFree: CacheOnFree;
  /** Node records in the pool, live records, and pool bytes. */
  readonly nodes: { readonly capacity: number; readonly live: number; readonly bytes: number };
}

function newPass(): PassRecord {
  return { size: 0, align: 0, vstart: 0, vend: 0, holeAtTest: 0, reset: NONE, fromCache: false, steps: 0, addr: -1, pass: 0 };
}

/**
 * The busy-list KVA allocator of Linux ≤ 5.1 (`mm/vmalloc.c` before "mm/vmap: keep track of free blocks
 * for vmap allocation"): busy areas in a red-black tree plus an address-ordered list, no free structure,
 * and a one-entry search cache. For the same operation sequence every address equals the kernel's,
 * including the cases where the cache makes it miss the lowest fit. O(N) per allocation in the worst
 * case (KERNEL.md §8).
 *
 *     busy list (address order; detached areas stay in it and still block allocation)
 *
 *     start                                                                                end
 *     |[A)  hole  [B)[C)    hole    [D)[E)      [F)                                          |
 *                                    ^ free_vmap_cache = E: the last area allocated
 *     cached_hole_size = largest aligned hole a walk passed since the last reset (here C–D's)
 *     cached_vstart, cached_align = vstart, align of the previous request
 *
 * Invariants (`check()` throws naming the first broken one):
 * - B1 the busy tree is a valid red-black tree (R1–R5, S1, S2 of @kva/rbtree) sorted by `va_start`.
 * - B2 areas are non-empty, inside `[start, end)` and pairwise disjoint (they may touch).
 * - L1 the busy list holds exactly the tree's nodes in in-order sequence, with consistent prev/next,
 *      head and tail.
 * - C1 `free_vmap_cache` is NIL or an area on the busy list; `cached_hole_size`, `cached_vstart` and
 *      `cached_align` are non-negative safe integers.
 * - S1 cached counts and sizes (busy, detached) equal their recomputation; every live pool record is an
 *      area (no leak); `fits` sum to `allocs`.
 * - K1 every pass either reset the cache (one cause) or kept it, and a kept cache either started the walk
 *      (a hit) or was dropped for `vstart` (`vstartAboveCache`): `passes = noCache + sizeBelowHole +
 *      lowerVstart + smallerAlign + cacheHits + vstartAboveCache`.
 * - H1 `pcpuHole`, when tracked, is a safe integer.
 *
 * Units and numbers: the space `[start, end)` only bounds the arguments; as in the kernel the busy list
 * alone defines free space. Where the kernel's `ALIGN()` or `addr + size` would wrap past 2^64, the value
 * here lies past `vend` and the pass overflows (fails), as DESIGN.md "Numbers" prescribes. With no wrap
 * possible, the v5.1 `addr < vstart` check at `found` can never fire, so 5.0 and 5.1 behave identically
 * here and there is no era option.
 *
 * @see mm/vmalloc.c (v5.0): alloc_vmap_area, __free_vmap_area, __insert_vmap_area, free_vmap_cache
 */
export class LegacyVmapSpace implements KvaAllocator {
  readonly start: number;
  readonly end: number;
  readonly pageSize: number;
  readonly alignShift: number;
  /** See {@link LegacyVmapSpaceOptions.retryPass}. */
  readonly retryPass: boolean;
  private readonly alignScale: number;
  private readonly pool: NodePool;
  private readonly tree: RbTree;
  private head = NIL;
  private tail = NIL;

  // The one-entry search cache (all four are globals in the kernel, initially NULL / 0).
  private cache = NIL;
  private cachedHoleSize = 0;
  private cachedVstart = 0;
  private cachedAlign = 0;

  private readonly pcpuLow: number;
  private readonly pcpuHigh: number;
  private pcpuHoleValue: number | undefined;

  private busyCount = 0;
  private busySize = 0;
  private detachedCount = 0;
  private detachedSize = 0;
  private allocs = 0;
  private failures = 0;
  private frees = 0;
  private readonly fits: FitCounts = { FL: 0, LE: 0, RE: 0, NE: 0 };
  private passes = 0;
  private listSteps = 0;
  private maxWalk = 0;
  private cacheHits = 0;
  private readonly resets = [0, 0, 0, 0, 0, 0];
  private freeDropped = 0;
  private freeMoved = 0;
  /** The passes of the last `alloc()` (reused records: the hot path allocates no objects). */
  private readonly passRecords: [PassRecord, PassRecord] = [newPass(), newPass()];
  private passCount = 0;

  constructor(options: LegacyVmapSpaceOptions) {
    if (typeof options !== "object" || options === null) {
      throw new VmapError("EINVAL", `options ${describe(options)} are invalid: pass { start, end }`);
    }
    const { start, end } = options;
    const pageSize = options.pageSize ?? 1;
    const alignShift = options.alignShift ?? 0;
    const retryPass = options.retryPass ?? true;
    if (typeof retryPass !== "boolean") throw new VmapError("EINVAL", `retryPass ${describe(retryPass)} is invalid: pass true or false`);
    if (!isAddress(start) || !isAddress(end) || start >= end) {
      throw new VmapError("EINVAL", `space [${describe(start)}, ${describe(end)}) is invalid: pass safe integers with 0 <= start < end`);
    }
    if (!isAddress(pageSize) || pageSize === 0 || (pageSize & (pageSize - 1)) !== 0 || pageSize > 2 ** 30) {
      throw new VmapError("EINVAL", `pageSize ${describe(pageSize)} is invalid: pass a power of two (1 for page units, 4096 for bytes)`);
    }
    if (!Number.isInteger(alignShift) || alignShift < 0 || alignShift > 52 || Object.is(alignShift, -0)) {
      throw new VmapError("EINVAL", `alignShift ${describe(alignShift)} is invalid: pass an integer in [0, 52] (12 for page units with byte alignments)`);
    }
    const capacity = options.initialCapacity ?? 64;
    if (!Number.isSafeInteger(capacity) || capacity < 2 || capacity > 2 ** 26) {
      throw new VmapError("EINVAL", `initialCapacity ${describe(capacity)} is invalid: pass an integer in [2, 2^26]`);
    }
    const range = options.pcpuRange;
    if (range !== undefined) {
      if (typeof range !== "object" || range === null || !isAddress(range.start) || !isAddress(range.end) || range.start >= range.end) {
        throw new VmapError("EINVAL", `pcpuRange ${describe(range)} is invalid: pass { start: VMALLOC_START, end: VMALLOC_END } with start < end`);
      }
    }
    this.start = start;
    this.end = end;
    this.pageSize = pageSize;
    this.alignShift = alignShift;
    this.retryPass = retryPass;
    this.alignScale = 2 ** alignShift;
    this.pcpuLow = range?.start ?? 0;
    this.pcpuHigh = range?.end ?? 0;
    this.pcpuHoleValue = range?.end;
    this.pool = new NodePool({ recordBytes: RECORD_BYTES, initialCapacity: capacity });
    this.tree = new RbTree(this.pool);
    const early = [...(options.early ?? [])];
    let cursor = start;
    for (const area of early) {
      if (typeof area !== "object" || area === null || !isAddress(area.start) || !isAddress(area.end) || area.start >= area.end) {
        throw new VmapError("EINVAL", `early area ${JSON.stringify(area)} is invalid: pass { start, end } with start < end`);
      }
      if (area.start < cursor || area.end > end) {
        throw new VmapError("EINVAL", `early area [${area.start}, ${area.end}) overlaps another or lies outside [${start}, ${end}): pass sorted, disjoint areas inside the space`);
      }
      cursor = area.end;
    }
    for (const area of early) {
      this.insertArea(area.start, area.end);
      this.busyCount++;
      this.busySize += area.end - area.start;
    }
  }

  // ------------------------------------------------------------------ the contract

  /**
   * Allocates `size` units aligned to `align` inside `[vstart, vend)` exactly as Linux 5.0/5.1's
   * `alloc_vmap_area` does with nothing to purge: one pass from the cache or from `vstart`, and on overflow
   * the retry pass the kernel makes after its (here empty) purge. Returns the address, or `undefined` when
   * both passes overflow. The answer is the lowest aligned fit except where the cache misleads the
   * search (a hole exactly `size` long below the cached area is skipped). O(N) list steps worst case.
   *
   * A lazy-free layer that owns a purge list should call {@link attempt}, purge, and `attempt` again: that
   * is the kernel's exact sequence (`alloc` would add a pass before the purge).
   *
   * @throws VmapError `EINVAL` for a size that is not a positive safe integer multiple of `pageSize`, an
   *   align that is not a power of two ≤ 2^52, or a window that is empty or outside the space.
   * @see mm/vmalloc.c (v5.0): alloc_vmap_area
   */
  alloc(size: number, align = 1, vstart = this.start, vend = this.end): number | undefined {
    requireSize(size, this.pageSize);
    requireAlign(align, this.alignShift);
    requireWindow(vstart, vend, this.start, this.end);
    this.passCount = 0;
    let addr = this.pass(size, align, vstart, vend);
    if (addr < 0 && this.retryPass) addr = this.pass(size, align, vstart, vend);
    if (addr < 0) {
      this.failures++;
      return undefined;
    }
    return addr;
  }

  /**
   * One pass of `alloc_vmap_area`, from its `retry:` label to `found` or `overflow`, without the retry.
   * Same arguments, result and errors as {@link alloc}.
   */
  attempt(size: number, align = 1, vstart = this.start, vend = this.end): number | undefined {
    requireSize(size, this.pageSize);
    requireAlign(align, this.alignShift);
    requireWindow(vstart, vend, this.start, this.end);
    this.passCount = 0;
    const addr = this.pass(size, align, vstart, vend);
    if (addr < 0) {
      this.failures++;
      return undefined;
    }
    return addr;
  }

  /**
   * Frees the busy area starting at `addr` at once (`free_vmap_area` → `__free_vmap_area`, with its cache
   * updates); returns its size. O(log N).
   *
   * @throws VmapError `ENOENT` when `addr` is not the start of a busy area (double free, wild free, middle
   *   of an area, a detached area); `EINVAL` when it is not a non-negative safe integer.
   * @see mm/vmalloc.c (v5.0): free_vmap_area, __free_vmap_area
   */
  free(addr: number): number {
    const node = this.findBusyStart(addr, "free");
    const f = this.pool.f64;
    const size = f[node * S64 + END]! - f[node * S64 + START]!;
    this.busyCount--;
    this.busySize -= size;
    this.freeVmapArea(node);
    this.frees++;
    return size;
  }

  /**
   * Claims exactly `[addr, addr + size)` if no busy or detached area overlaps it; returns whether it did.
   * The kernel has no such call (early areas are its nearest relative): the area joins the tree and list
   * like an allocation but the cache is left alone, and it counts in neither `allocs` nor `fits`. O(log N).
   *
   * @throws VmapError `EINVAL` for a bad size or a range outside the space.
   */
  reserve(addr: number, size: number): boolean {
    requireAddress(addr);
    requireSize(size, this.pageSize);
    if (addr < this.start || addr > this.end - size) {
      throw new VmapError("EINVAL", `range [${addr}, ${addr + size}) is outside the space [${this.start}, ${this.end}): reserve inside it`);
    }
    const first = this.firstEndingAfter(addr);
    if (first !== NIL && this.pool.f64[first * S64 + START]! < addr + size) return false;
    this.insertArea(addr, addr + size);
    this.busyCount++;
    this.busySize += size;
    return true;
  }

  /** The busy area containing `addr`, or `undefined` (also for a detached area). O(log N). @see mm/vmalloc.c: __find_vmap_area */
  find(addr: number): Range | undefined {
    if (!isAddress(addr)) return undefined;
    const node = this.firstEndingAfter(addr);
    if (node === NIL) return undefined;
    const f = this.pool.f64;
    const s = f[node * S64 + START]!;
    if (s > addr || (this.pool.i32[node * S32 + FLAGS]! & FLAG_DETACHED) !== 0) return undefined;
    return { start: s, end: f[node * S64 + END]! };
  }

  /** Busy areas in address order (detached areas excluded). */
  *busyAreas(): IterableIterator<Range> {
    const a = this.pool.i32;
    const f = this.pool.f64;
    for (let n = this.head; n !== NIL; n = a[n * S32 + NEXT]!) {
      if ((a[n * S32 + FLAGS]! & FLAG_DETACHED) === 0) yield { start: f[n * S64 + START]!, end: f[n * S64 + END]! };
    }
  }

  /** Detached (lazily freed, not yet released) areas in address order. */
  *detachedAreas(): IterableIterator<Range> {
    const a = this.pool.i32;
    const f = this.pool.f64;
    for (let n = this.head; n !== NIL; n = a[n * S32 + NEXT]!) {
      if ((a[n * S32 + FLAGS]! & FLAG_DETACHED) !== 0) yield { start: f[n * S64 + START]!, end: f[n * S64 + END]! };
    }
  }

  /** Free space in address order: the gaps between busy-or-detached areas inside `[start, end)`. */
  *freeAreas(): IterableIterator<Range> {
    const a = this.pool.i32;
    const f = this.pool.f64;
    let cursor = this.start;
    for (let n = this.head; n !== NIL; n = a[n * S32 + NEXT]!) {
      const s = f[n * S64 + START]!;
      if (s > cursor) yield { start: cursor, end: s };
      cursor = f[n * S64 + END]!;
    }
    if (cursor < this.end) yield { start: cursor, end: this.end };
  }

  /**
   * A readonly snapshot of the counters. O(N): the old allocator keeps no free structure, so `freeCount`
   * and `largestFree` are recomputed from the busy list (everything else is O(1)).
   */
  stats(): LegacyVmapStats {
    let freeCount = 0;
    let largestFree = 0;
    for (const gap of this.freeAreas()) {
      freeCount++;
      if (gap.end - gap.start > largestFree) largestFree = gap.end - gap.start;
    }
    const r = this.resets;
    const pool = this.pool.stats();
    return {
      busyCount: this.busyCount,
      busySize: this.busySize,
      freeCount,
      freeSize: this.end - this.start - this.busySize - this.detachedSize,
      largestFree,
      detachedCount: this.detachedCount,
      detachedSize: this.detachedSize,
      allocs: this.allocs,
      failures: this.failures,
      frees: this.frees,
      fits: { ...this.fits },
      passes: this.passes,
      listSteps: this.listSteps,
      maxWalk: this.maxWalk,
      cacheHits: this.cacheHits,
      cacheResets: {
        noCache: r[NO_CACHE]!,
        sizeBelowHole: r[SIZE_BELOW_HOLE]!,
        lowerVstart: r[LOWER_VSTART]!,
        smallerAlign: r[SMALLER_ALIGN]!,
        vstartAboveCache: r[VSTART_ABOVE_CACHE]!,
      },
      cacheOnFree: { dropped: this.freeDropped, movedDown: this.freeMoved },
      nodes: { capacity: pool.capacity, live: pool.live, bytes: pool.bytes },
    };
  }

  /**
   * Marks the busy area starting at `addr` detached: the old kernel's lazily freed state. Unlike 5.4+, the
   * area stays in the busy tree and list until purged, so it still blocks allocation and allocations walk
   * over it; it leaves `busyAreas()`/`find()` and counts in `detachedCount/Size`. The cache is untouched
   * (`free_vmap_area_noflush` does not touch it). Returns its size. O(log N).
   *
   * @throws VmapError `ENOENT` like `free`.
   */
  detach(addr: number): number {
    const node = this.findBusyStart(addr, "detach");
    const f = this.pool.f64;
    const size = f[node * S64 + END]! - f[node * S64 + START]!;
    this.pool.i32[node * S32 + FLAGS] = FLAG_DETACHED;
    this.busyCount--;
    this.busySize -= size;
    this.detachedCount++;
    this.detachedSize += size;
    return size;
  }

  /**
   * Purges detached space: `[start, start + size)` must be covered exactly by detached areas (adjacent
   * ones may be released together); each is then freed with `__free_vmap_area` semantics (cache updates
   * included), in address order. To reproduce the kernel's newest-first purge order, release one area
   * at a time in that order. O(k log N) for k areas.
   *
   * @throws VmapError `ENOENT` when the range is not exactly covered by detached areas; `EINVAL` for a bad
   *   start or size. Nothing changes when it throws.
   * @see mm/vmalloc.c (v5.0): __purge_vmap_area_lazy
   */
  release(start: number, size: number): void {
    requireAddress(start, "start");
    requireSize(size, this.pageSize);
    const a = this.pool.i32;
    const f = this.pool.f64;
    const end = start + size;
    let node = this.findStart(start);
    const nodes: number[] = [];
    let cursor = start;
    while (cursor < end) {
      if (node === NIL || f[node * S64 + START] !== cursor || (a[node * S32 + FLAGS]! & FLAG_DETACHED) === 0) {
        throw new VmapError("ENOENT", `no detached area starts at ${cursor}: release exactly the ranges detach() returned, adjacent ones together`);
      }
      nodes.push(node);
      cursor = f[node * S64 + END]!;
      node = a[node * S32 + NEXT]!;
    }
    if (cursor !== end) {
      throw new VmapError("ENOENT", `detached areas from ${start} end at ${cursor}, not at ${end}: release whole detached areas`);
    }
    for (const n of nodes) {
      this.detachedCount--;
      this.detachedSize -= f[n * S64 + END]! - f[n * S64 + START]!;
      this.freeVmapArea(n);
      this.frees++;
    }
  }

  // ------------------------------------------------------------------ per-cpu support

  /**
   * `vmap_area_pcpu_hole`: the highest candidate end for the old `pcpu_get_vm_areas` scan, or `undefined`
   * when the space was built without `pcpuRange`. Starts at `pcpuRange.end`; frees raise it.
   */
  get pcpuHole(): number | undefined {
    return this.pcpuHoleValue;
  }

  /**
   * Sets `vmap_area_pcpu_hole` (the old `pcpu_get_vm_areas` lowers it to `base + offsets[last_area]` after
   * each success). @throws VmapError `EINVAL` without `pcpuRange` or for a bad address.
   */
  setPcpuHole(addr: number): void {
    if (this.pcpuHoleValue === undefined) {
      throw new VmapError("EINVAL", "pcpuHole is not tracked: construct the space with pcpuRange { start, end }");
    }
    this.pcpuHoleValue = requireAddress(addr);
  }

  // ------------------------------------------------------------------ checking

  /** Verifies B1, B2, L1, C1, S1, K1, H1; throws an Error naming the first broken invariant. O(N log N). */
  check(): void {
    const a = this.pool.i32;
    const f = this.pool.f64;
    this.tree.check((x, y) => f[x * S64 + START]! - f[y * S64 + START]!);
    let inorder = this.tree.first();
    let prev = NIL;
    let listed = 0;
    let cacheListed = this.cache === NIL;
    let busyCount = 0;
    let busySize = 0;
    let detachedCount = 0;
    let detachedSize = 0;
    for (let n = this.head; n !== NIL; n = a[n * S32 + NEXT]!) {
      if (n !== inorder) throw new Error(`L1 broken: busy list holds node ${n} where the tree's in-order walk has ${inorder}`);
      if (a[n * S32 + PREV] !== prev) throw new Error(`L1 broken: node ${n} has prev ${a[n * S32 + PREV]}, expected ${prev}`);
      if (++listed > this.tree.size) throw new Error(`L1 broken: the busy list is longer than the tree's ${this.tree.size} nodes (cycle?)`);
      const s = f[n * S64 + START]!;
      const e = f[n * S64 + END]!;
      if (!(s < e) || s < this.start || e > this.end) throw new Error(`B2 broken: area ${n} [${s}, ${e}) is empty or outside [${this.start}, ${this.end})`);
      if (prev !== NIL && f[prev * S64 + END]! > s) {
        throw new Error(`B2 broken: areas [${f[prev * S64 + START]}, ${f[prev * S64 + END]}) and [${s}, ${e}) overlap`);
      }
      if ((a[n * S32 + FLAGS]! & FLAG_DETACHED) !== 0) {
        detachedCount++;
        detachedSize += e - s;
      } else {
        busyCount++;
        busySize += e - s;
      }
      if (n === this.cache) cacheListed = true;
      prev = n;
      inorder = this.tree.next(inorder);
    }
    if (inorder !== NIL) throw new Error(`L1 broken: tree node ${inorder} is missing from the busy list`);
    if (prev !== this.tail) throw new Error(`L1 broken: list tail is ${this.tail}, the last listed node is ${prev}`);
    if (this.head !== this.tree.first()) throw new Error(`L1 broken: list head is ${this.head}, the tree's first node is ${this.tree.first()}`);
    if (!cacheListed) throw new Error(`C1 broken: free_vmap_cache is node ${this.cache}, which is not on the busy list`);
    for (const [name, value] of [
      ["cached_hole_size", this.cachedHoleSize],
      ["cached_vstart", this.cachedVstart],
      ["cached_align", this.cachedAlign],
    ] as const) {
      if (!isAddress(value)) throw new Error(`C1 broken: ${name} is ${describe(value)}`);
    }
    if (busyCount !== this.busyCount || busySize !== this.busySize) {
      throw new Error(`S1 broken: busy ${this.busyCount}/${this.busySize} cached, ${busyCount}/${busySize} recomputed`);
    }
    if (detachedCount !== this.detachedCount || detachedSize !== this.detachedSize) {
      throw new Error(`S1 broken: detached ${this.detachedCount}/${this.detachedSize} cached, ${detachedCount}/${detachedSize} recomputed`);
    }
    if (this.pool.live !== this.tree.size) throw new Error(`S1 broken: ${this.pool.live} live records, ${this.tree.size} areas (leak)`);
    const fitSum = this.fits.FL + this.fits.LE + this.fits.RE + this.fits.NE;
    if (fitSum !== this.allocs) throw new Error(`S1 broken: fits sum to ${fitSum}, allocs is ${this.allocs}`);
    const r = this.resets;
    const accounted = r[NO_CACHE]! + r[SIZE_BELOW_HOLE]! + r[LOWER_VSTART]! + r[SMALLER_ALIGN]! + this.cacheHits + r[VSTART_ABOVE_CACHE]!;
    if (accounted !== this.passes) throw new Error(`K1 broken: ${this.passes} passes, ${accounted} accounted for by resets and hits`);
    if (this.pcpuHoleValue !== undefined && !isAddress(this.pcpuHoleValue)) throw new Error(`H1 broken: pcpuHole is ${describe(this.pcpuHoleValue)}`);
  }

  /** @internal Read-only view of the private state for `@kva/vmap-legacy/debug`. */
  [INSPECT](): LegacyInternals {
    return {
      pool: this.pool,
      tree: this.tree,
      head: this.head,
      tail: this.tail,
      cache: this.cache,
      cachedHoleSize: this.cachedHoleSize,
      cachedVstart: this.cachedVstart,
      cachedAlign: this.cachedAlign,
      lastPasses: this.passRecords.slice(0, this.passCount).map((p) => ({ ...p })),
    };
  }

  // ------------------------------------------------------------------ the algorithm

  /**
   * One pass of `alloc_vmap_area` from `retry:`. Returns the address, or -1 for `overflow`.
   *
   *  1. Validity test: drop the cache (`free_vmap_cache = NULL`, `cached_hole_size = 0`) when there is
   *     none, or `size < cached_hole_size`, or `vstart < cached_vstart`, or `align < cached_align`;
   *     then record `cached_vstart = vstart`, `cached_align = align`.
   *  2. Start: from the cache, `addr = ALIGN(cache.va_end)` (below `vstart` → drop the cache and start
   *     uncached); uncached, `addr = ALIGN(vstart)` and `first` = the lowest area with `va_end ≥ addr`
   *     found by a tree descent that stops early at an area containing `addr`; none → found.
   *  3. Walk: while `[addr, addr + size)` runs into `first` and stays below `vend`: note the hole
   *     `first.va_start − addr` in `cached_hole_size` if larger; `addr = ALIGN(first.va_end)`; stop
   *     (found) after the last area, else `first = next`.
   *  4. found: overflow if `addr + size > vend` (or `addr < vstart`, which needs a wrap); otherwise insert
   *     `[addr, addr + size)` and cache it.
   */
  private pass(size: number, align: number, vstart: number, vend: number): number {
    const rec = this.passRecords[this.passCount]!;
    this.passCount++;
    this.passes++;
    rec.pass = this.passCount;
    rec.size = size;
    rec.align = align;
    rec.vstart = vstart;
    rec.vend = vend;
    rec.holeAtTest = this.cachedHoleSize;
    rec.reset = NONE;
    rec.fromCache = false;
    rec.steps = 0;
    rec.addr = -1;
    const units = align > this.alignScale ? align / this.alignScale : 1;
    const a = this.pool.i32;
    const f = this.pool.f64;

    // 1. Validity test ("more permissive parameters" invalidate the cache).
    let cause = NONE;
    if (this.cache === NIL) cause = NO_CACHE;
    else if (size < this.cachedHoleSize) cause = SIZE_BELOW_HOLE;
    else if (vstart < this.cachedVstart) cause = LOWER_VSTART;
    else if (align < this.cachedAlign) cause = SMALLER_ALIGN;
    if (cause !== NONE) {
      this.cachedHoleSize = 0;
      this.cache = NIL;
      this.resets[cause]!++;
      rec.reset = cause;
    }
    this.cachedVstart = vstart;
    this.cachedAlign = align;

    // 2. Starting point.
    let first = NIL;
    let addr = 0;
    if (this.cache !== NIL) {
      first = this.cache;
      addr = alignUp(f[first * S64 + END]!, units);
      if (addr < vstart) {
        // goto nocache
        this.cachedHoleSize = 0;
        this.cache = NIL;
        this.resets[VSTART_ABOVE_CACHE]!++;
        rec.reset = VSTART_ABOVE_CACHE;
      } else {
        this.cacheHits++;
        rec.fromCache = true;
      }
    }
    if (this.cache === NIL) {
      addr = alignUp(vstart, units);
      first = NIL;
      let n = this.tree.root;
      while (n !== NIL) {
        if (f[n * S64 + END]! >= addr) {
          first = n;
          if (f[n * S64 + START]! <= addr) break;
          n = a[n * S32 + LEFT]!;
        } else {
          n = a[n * S32 + RIGHT]!;
        }
      }
    }

    // 3. Walk the busy list until a hole holds the request (`addr + size` is never formed: it could pass 2^53).
    let steps = 0;
    if (first !== NIL) {
      for (;;) {
        const gap = f[first * S64 + START]! - addr;
        if (!(size > gap && size <= vend - addr)) break;
        steps++;
        if (gap > this.cachedHoleSize) this.cachedHoleSize = gap;
        addr = alignUp(f[first * S64 + END]!, units);
        const next = a[first * S32 + NEXT]!;
        if (next === NIL) break; // list_is_last: found
        first = next;
      }
    }
    this.listSteps += steps;
    if (steps > this.maxWalk) this.maxWalk = steps;
    rec.steps = steps;

    // 4. found / overflow.
    if (size > vend - addr || addr < vstart) return -1;
    const node = this.insertArea(addr, addr + size);
    this.cache = node;
    this.classify(node, addr, size);
    this.busyCount++;
    this.busySize += size;
    this.allocs++;
    rec.addr = addr;
    return addr;
  }

  /** Counts the fit type the area would have had in a free-block allocator: its gap is split FL/LE/RE/NE. */
  private classify(node: number, addr: number, size: number): void {
    const a = this.pool.i32;
    const f = this.pool.f64;
    const prev = a[node * S32 + PREV]!;
    const next = a[node * S32 + NEXT]!;
    const gapStart = prev === NIL ? this.start : f[prev * S64 + END]!;
    const gapEnd = next === NIL ? this.end : f[next * S64 + START]!;
    const left = addr === gapStart;
    const right = addr + size === gapEnd;
    if (left) {
      if (right) this.fits.FL++;
      else this.fits.LE++;
    } else if (right) this.fits.RE++;
    else this.fits.NE++;
  }

  /**
   * `__free_vmap_area`: the cache updates, then unlink from tree and list, then `vmap_area_pcpu_hole`.
   *
   *     freed area ends below cached_vstart           → free_vmap_cache = NULL
   *     else freed area starts at or below the cache  → free_vmap_cache = rb_prev(freed area) (may be NULL)
   *     else                                          → unchanged
   *
   * `cached_hole_size` and `cached_align` are deliberately left alone, as in the kernel.
   */
  private freeVmapArea(node: number): void {
    const a = this.pool.i32;
    const f = this.pool.f64;
    const s = f[node * S64 + START]!;
    const e = f[node * S64 + END]!;
    if (this.cache !== NIL) {
      if (e < this.cachedVstart) {
        this.cache = NIL;
        this.freeDropped++;
      } else if (s <= f[this.cache * S64 + START]!) {
        this.cache = this.tree.prev(node);
        this.freeMoved++;
      }
    }
    this.tree.erase(node);
    const prev = a[node * S32 + PREV]!;
    const next = a[node * S32 + NEXT]!;
    if (prev === NIL) this.head = next;
    else a[prev * S32 + NEXT] = next;
    if (next === NIL) this.tail = prev;
    else a[next * S32 + PREV] = prev;
    if (this.pcpuHoleValue !== undefined && e > this.pcpuLow && e <= this.pcpuHigh && e > this.pcpuHoleValue) {
      this.pcpuHoleValue = e;
    }
    this.pool.release(node);
  }

  /**
   * `__insert_vmap_area`: descend (left when the new area starts below the node's end, right when it ends
   * above the node's start), link, rebalance, then put it on the list after its in-order predecessor.
   * The caller guarantees no overlap. Returns the node.
   */
  private insertArea(start: number, end: number): number {
    const node = this.pool.alloc();
    const a = this.pool.i32;
    const f = this.pool.f64;
    f[node * S64 + START] = start;
    f[node * S64 + END] = end;
    a[node * S32 + FLAGS] = 0;
    let parent = NIL;
    let side: typeof LEFT | typeof RIGHT = LEFT;
    let cur = this.tree.root;
    while (cur !== NIL) {
      parent = cur;
      if (start < f[cur * S64 + END]!) {
        side = LEFT;
        cur = a[cur * S32 + LEFT]!;
      } else {
        side = RIGHT;
        cur = a[cur * S32 + RIGHT]!;
      }
    }
    this.tree.link(node, parent, side);
    this.tree.insertColor(node);
    // The in-order predecessor: the parent for a right slot, the parent's predecessor for a left slot.
    const prev = parent === NIL ? NIL : side === RIGHT ? parent : a[parent * S32 + PREV]!;
    const next = prev === NIL ? this.head : a[prev * S32 + NEXT]!;
    a[node * S32 + PREV] = prev;
    a[node * S32 + NEXT] = next;
    if (prev === NIL) this.head = node;
    else a[prev * S32 + NEXT] = node;
    if (next === NIL) this.tail = node;
    else a[next * S32 + PREV] = node;
    return node;
  }

  /** The lowest area ending after `addr` (the only one that can contain it), or `NIL`. */
  private firstEndingAfter(addr: number): number {
    const a = this.pool.i32;
    const f = this.pool.f64;
    let best = NIL;
    let n = this.tree.root;
    while (n !== NIL) {
      if (f[n * S64 + END]! > addr) {
        best = n;
        n = a[n * S32 + LEFT]!;
      } else {
        n = a[n * S32 + RIGHT]!;
      }
    }
    return best;
  }

  /** The area (busy or detached) starting exactly at `addr`, or `NIL`. */
  private findStart(addr: number): number {
    const a = this.pool.i32;
    const f = this.pool.f64;
    let cur = this.tree.root;
    while (cur !== NIL) {
      const s = f[cur * S64 + START]!;
      if (addr < s) cur = a[cur * S32 + LEFT]!;
      else if (addr > s) cur = a[cur * S32 + RIGHT]!;
      else return cur;
    }
    return NIL;
  }

  /** The busy (not detached) node starting exactly at `addr`, or throws ENOENT. */
  private findBusyStart(addr: number, what: string): number {
    requireAddress(addr);
    const node = this.findStart(addr);
    if (node === NIL || (this.pool.i32[node * S32 + FLAGS]! & FLAG_DETACHED) !== 0) {
      throw new VmapError("ENOENT", `${what}(${addr}): no busy area starts at ${addr}; pass the address alloc() returned, once`);
    }
    return node;
  }
}

/** `ALIGN(x, a)` for a power-of-two `a`: exact for safe integers (never forms `x + a − 1`). */
export function alignUp(x: number, a: number): number {
  return a === 1 ? x : Math.ceil(x / a) * a;
}
