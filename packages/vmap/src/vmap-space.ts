import { LEFT, NIL, NodePool, RIGHT, RbTree } from "@kva/rbtree";
import type { FitCounts, KvaAllocator, KvaStats, Range } from "./allocator.js";
import { VmapError } from "./errors.js";
import { type ClipCounters, FreeSpace, NOTHING_FIT, alignUp, findVaLinks } from "./free-space.js";
import { END, MAX, RECORD_BYTES, S32, S64, START } from "./layout.js";
import { describe, isAddress, requireAddress, requireAlign, requireSize, requireWindow } from "./validate.js";

/**
 * Record offsets (layout.ts, @kva/rbtree) as file-local const enums, inlined as literals on the hot paths
 * (see free-space.ts); node 0 is nil. Checked against the exported constants when the module loads.
 */
const enum W {
  LEFT = 1,
  RIGHT = 2,
  STRIDE = 12,
}
const enum D {
  START = 3,
  END = 4,
  STRIDE = 6,
}
if ([LEFT, RIGHT, S32, START, END, S64, NIL].join() !== [W.LEFT, W.RIGHT, W.STRIDE, D.START, D.END, D.STRIDE, 0].join()) {
  throw new Error("vmap-space.ts: the record offsets disagree with layout.ts / @kva/rbtree");
}

/**
 * Search policies, one per kernel era (KERNEL.md §3.1):
 * - `'padded'` (5.2–5.15, the default): prune with the length `size + align − 1` for every `align > 1`.
 * - `'exact'` (5.16–5.17): prune with `size`; backtracking into a right subtree moves `vstart` past it.
 * - `'adaptive'` (5.18+): padded only when `align` exceeds one page and the window is not exactly `size`.
 */
export type SearchPolicy = "padded" | "exact" | "adaptive";

const POLICIES: readonly SearchPolicy[] = ["padded", "exact", "adaptive"];
const PADDED = 0;
const EXACT = 1;
const ADAPTIVE = 2;

/** Options of {@link VmapSpace}. */
export interface VmapSpaceOptions {
  /** First unit managed. MUST be a safe integer ≥ 0. */
  readonly start: number;
  /** End of the space (exclusive). MUST be a safe integer > `start`. */
  readonly end: number;
  /** Search policy (kernel era). Default `'padded'` (Linux 5.2). */
  readonly search?: SearchPolicy;
  /**
   * One page in allocator units: 1 when the space counts pages (default), 4096 when it counts bytes.
   * Sizes MUST be multiples of it (the kernel's `offset_in_page(size)` check); `'adaptive'` pads only
   * alignments above one page.
   */
  readonly pageSize?: number;
  /**
   * How many low bits of an alignment lie below one unit (default 0: alignments are in units). A space
   * in page units with 4 KiB pages sets 12 and passes alignments in bytes, so the padded search length
   * is computed in bytes as the kernel does: `size + ceil((align − 1) / 2^alignShift)` units.
   */
  readonly alignShift?: number;
  /**
   * Busy areas that exist before the allocator starts (`vm_area_add_early`), sorted and disjoint. The
   * free space is then built from the gaps between them in address order, as `vmap_init_free_space` does.
   */
  readonly early?: Iterable<Range>;
  /** Node records to allocate up front (the pool doubles when full). Default 64. */
  readonly initialCapacity?: number;
}

/** {@link KvaStats} plus the free-tree allocator's own counters. */
export interface VmapStats extends KvaStats {
  /** NE remainder nodes taken from released pool records (the kmem_cache reuse analogue); NE splits by `reserve()` included. */
  readonly neReused: number;
  /** NE remainder nodes that needed a never-used pool record; NE splits by `reserve()` included. */
  readonly neFresh: number;
  /** Successful `reserve()` calls (their splits are not counted in `fits`). */
  readonly reserves: number;
  /** Node records in the pool, live records, and pool bytes. */
  readonly nodes: { readonly capacity: number; readonly live: number; readonly bytes: number };
}

/**
 * The free-tree KVA allocator of Linux 5.2 (`mm/vmalloc.c`, "mm/vmap: keep track of free blocks for vmap
 * allocation"): O(log N) lowest-address placement with alignment and a `[vstart, vend)` window, FL/LE/RE/NE
 * splitting, merging on free. For the same operation sequence every address equals the kernel's under the
 * chosen policy, aligned requests included.
 *
 * Invariants (`check()`): F1, A1, L1, M1 of the free space (see free-space.ts), and
 * - B1 the busy tree is a valid red-black tree sorted by start; busy areas never overlap.
 * - P1 busy areas, free blocks and detached areas exactly partition `[start, end)`.
 * - N1 the nil record's `subtree_max_size` slot is 0 (searches read it for a missing child).
 *
 * @see mm/vmalloc.c: alloc_vmap_area, __alloc_vmap_area, free_vmap_area
 */
export class VmapSpace implements KvaAllocator {
  readonly start: number;
  readonly end: number;
  readonly pageSize: number;
  readonly search: SearchPolicy;
  readonly alignShift: number;
  private readonly policy: number;
  /** One page expressed in alignment units (`pageSize · 2^alignShift`). */
  private readonly pageAlign: number;
  private readonly alignScale: number;
  /** `1 / alignScale` and `pageSize − 1`, for the hot path (exact: powers of two). */
  private readonly invAlignScale: number;
  private readonly pageMask: number;
  private readonly pool: NodePool;
  private readonly space: FreeSpace;
  private readonly busy: RbTree;
  private readonly detached = new Map<number, number>();
  private busySize = 0;
  private detachedSize = 0;
  private allocs = 0;
  private failures = 0;
  private frees = 0;
  private readonly counters: ClipCounters = { FL: 0, LE: 0, RE: 0, NE: 0, neReused: 0, neFresh: 0 };
  /** Splits made by `reserve()`: not allocations, so they stay out of `fits` (which sums to `allocs`). */
  private readonly reserveCounters: ClipCounters = { FL: 0, LE: 0, RE: 0, NE: 0, neReused: 0, neFresh: 0 };

  constructor(options: VmapSpaceOptions) {
    if (typeof options !== "object" || options === null) {
      throw new VmapError("EINVAL", `options ${describe(options)} are invalid: pass { start, end }`);
    }
    const { start, end } = options;
    const search = options.search ?? "padded";
    const pageSize = options.pageSize ?? 1;
    const alignShift = options.alignShift ?? 0;
    if (!isAddress(start) || !isAddress(end) || start >= end) {
      throw new VmapError("EINVAL", `space [${describe(start)}, ${describe(end)}) is invalid: pass safe integers with 0 <= start < end`);
    }
    if (!POLICIES.includes(search)) {
      throw new VmapError("EINVAL", `search ${describe(search)} is invalid: use one of ${POLICIES.join(", ")}`);
    }
    if (!isAddress(pageSize) || pageSize === 0 || (pageSize & (pageSize - 1)) !== 0 || pageSize > 2 ** 30) {
      throw new VmapError("EINVAL", `pageSize ${describe(pageSize)} is invalid: pass a power of two (1 for page units, 4096 for bytes)`);
    }
    if (!Number.isInteger(alignShift) || alignShift < 0 || alignShift > 52 || Object.is(alignShift, -0)) {
      throw new VmapError("EINVAL", `alignShift ${describe(alignShift)} is invalid: pass an integer in [0, 52] (12 for page units with byte alignments)`);
    }
    const initialCapacity = options.initialCapacity ?? 64;
    if (!Number.isSafeInteger(initialCapacity) || initialCapacity < 2 || initialCapacity > 2 ** 26) {
      throw new VmapError("EINVAL", `initialCapacity ${describe(initialCapacity)} is invalid: pass an integer in [2, 2^26]`);
    }
    const early = options.early ?? [];
    if (typeof early !== "object" || early === null || typeof early[Symbol.iterator] !== "function") {
      throw new VmapError("EINVAL", `early ${describe(early)} is invalid: pass an iterable of { start, end } areas`);
    }
    this.start = start;
    this.end = end;
    this.pageSize = pageSize;
    this.search = search;
    this.alignShift = alignShift;
    this.policy = POLICIES.indexOf(search);
    this.alignScale = 2 ** alignShift;
    this.pageAlign = pageSize * this.alignScale;
    this.invAlignScale = 1 / this.alignScale;
    this.pageMask = pageSize - 1;
    this.pool = new NodePool({ recordBytes: RECORD_BYTES, initialCapacity });
    this.space = new FreeSpace(this.pool);
    this.busy = new RbTree(this.pool);
    this.initFreeSpace(early);
  }

  /** `vmap_init_free_space`: early busy areas first, then every gap in address order. */
  private initFreeSpace(early: Iterable<Range>): void {
    const areas = [...early];
    let cursor = this.start;
    for (const area of areas) {
      if (typeof area !== "object" || area === null || !isAddress(area.start) || !isAddress(area.end) || area.start >= area.end) {
        throw new VmapError("EINVAL", `early area ${JSON.stringify(area)} is invalid: pass { start, end } with start < end`);
      }
      if (area.start < cursor || area.end > this.end) {
        throw new VmapError("EINVAL", `early area [${area.start}, ${area.end}) overlaps another or lies outside [${this.start}, ${this.end}): pass sorted, disjoint areas inside the space`);
      }
      cursor = area.end;
    }
    cursor = this.start;
    for (const area of areas) {
      this.insertBusy(area.start, area.end);
      if (area.start !== cursor) this.addFree(cursor, area.start);
      cursor = area.end;
    }
    if (cursor !== this.end) this.addFree(cursor, this.end);
  }

  private addFree(start: number, end: number): void {
    const node = this.pool.alloc();
    const f = this.pool.f64;
    f[node * S64 + START] = start;
    f[node * S64 + END] = end;
    this.space.insert(node, NIL);
  }

  // ------------------------------------------------------------------ the contract

  /**
   * Allocates `size` units aligned to `align` inside `[vstart, vend)`: the lowest match under the search
   * policy, or `undefined` when nothing fits. O(log N).
   *
   * @throws VmapError `EINVAL` for a size that is not a positive safe integer multiple of `pageSize`, an
   *   align that is not a power of two, or a window that is empty or outside the space.
   * @see mm/vmalloc.c: alloc_vmap_area, __alloc_vmap_area
   */
  alloc(size: number, align = 1, vstart = this.start, vend = this.end): number | undefined {
    // Fast paths accept only arguments the full checks accept (sizes and alignments below 2^31, the
    // default window); anything else goes through the full checks, which throw or accept it.
    if (!(typeof size === "number" && size >= 1 && size <= 0x7fffffff && size === (size | 0) && (size & this.pageMask) === 0)) {
      requireSize(size, this.pageSize);
    }
    if (!(typeof align === "number" && align >= 1 && align <= 0x40000000 && align === (align | 0) && (align & (align - 1)) === 0)) {
      requireAlign(align, this.alignShift);
    }
    if (!(vstart === this.start && vend === this.end && !Object.is(vstart, -0))) requireWindow(vstart, vend, this.start, this.end);
    // Scaling by the power of two 2^-alignShift is exact, so these equal the divisions by alignScale.
    const alignUnits = align > this.alignScale ? align * this.invAlignScale : 1;
    const pad = align > 1 ? Math.ceil((align - 1) * this.invAlignScale) : 0;
    let length = size;
    let shift = true;
    if (this.policy === PADDED) {
      length = size + pad;
      shift = false;
    } else if (this.policy === ADAPTIVE && align > this.pageAlign && vend - vstart !== size) {
      length = size + pad;
    } else if (this.policy === EXACT || this.policy === ADAPTIVE) {
      length = size;
    }
    if (length > Number.MAX_SAFE_INTEGER) length = Infinity;

    const node = this.space.findLowestMatch(size, alignUnits, length, vstart, shift);
    if (node === 0) {
      this.failures++;
      return undefined;
    }
    const f = this.pool.f64;
    const blockStart = f[node * D.STRIDE + D.START]!;
    const nva = alignUp(blockStart > vstart ? blockStart : vstart, alignUnits);
    // The "vend" restriction: the lowest match is the lowest address, so no other block is tried.
    if (nva > vend - size || this.space.clip(node, nva, size, this.counters) === NOTHING_FIT) {
      this.failures++;
      return undefined;
    }
    this.insertBusy(nva, nva + size);
    this.allocs++;
    return nva;
  }

  /**
   * Frees the busy area starting at `addr` and merges it into free space; returns its size. O(log N).
   *
   * @throws VmapError `ENOENT` when `addr` is not the start of a busy area (double free, wild free, middle
   *   of an area); `EINVAL` when it is not a non-negative safe integer.
   * @see mm/vmalloc.c: free_vmap_area, __free_vmap_area, merge_or_add_vmap_area
   */
  free(addr: number): number {
    const node = this.findBusyStart(addr, "free");
    const f = this.pool.f64;
    const size = f[node * D.STRIDE + D.END]! - f[node * D.STRIDE + D.START]!;
    this.busy.erase(node);
    this.busySize -= size;
    this.space.merge(node);
    this.frees++;
    return size;
  }

  /**
   * Claims exactly `[addr, addr + size)` if it lies wholly inside one free block (clipping it out with the
   * FL/LE/RE/NE logic); returns whether it did. O(log N).
   *
   * @throws VmapError `EINVAL` for a bad size or a range outside the space.
   */
  reserve(addr: number, size: number): boolean {
    requireAddress(addr);
    requireSize(size, this.pageSize);
    if (addr < this.start || addr > this.end - size) {
      throw new VmapError("EINVAL", `range [${addr}, ${addr + size}) is outside the space [${this.start}, ${this.end}): reserve inside it`);
    }
    const node = this.space.containing(addr);
    if (node === NIL || this.space.clip(node, addr, size, this.reserveCounters) === NOTHING_FIT) return false;
    this.insertBusy(addr, addr + size);
    return true;
  }

  /** The busy area containing `addr`, or `undefined`. O(log N). @see mm/vmalloc.c: __find_vmap_area */
  find(addr: number): Range | undefined {
    if (!isAddress(addr)) return undefined;
    const a = this.pool.i32;
    const f = this.pool.f64;
    let cur = this.busy.root;
    while (cur !== NIL) {
      const b = cur * S64;
      if (addr < f[b + START]!) cur = a[cur * S32 + LEFT]!;
      else if (addr >= f[b + END]!) cur = a[cur * S32 + RIGHT]!;
      else return { start: f[b + START]!, end: f[b + END]! };
    }
    return undefined;
  }

  /** Busy areas in address order. */
  *busyAreas(): IterableIterator<Range> {
    const f = this.pool.f64;
    for (let n = this.busy.first(); n !== NIL; n = this.busy.next(n)) {
      yield { start: f[n * S64 + START]!, end: f[n * S64 + END]! };
    }
  }

  /** Free blocks in address order. */
  *freeAreas(): IterableIterator<Range> {
    const a = this.pool.i32;
    const f = this.pool.f64;
    for (let n = this.space.head; n !== NIL; n = a[n * S32 + 5]!) {
      yield { start: f[n * S64 + START]!, end: f[n * S64 + END]! };
    }
  }

  /** A readonly snapshot of the counters. O(1). */
  stats(): VmapStats {
    const c = this.counters;
    const pool = this.pool.stats();
    const fits: FitCounts = { FL: c.FL, LE: c.LE, RE: c.RE, NE: c.NE };
    return {
      busyCount: this.busy.size,
      busySize: this.busySize,
      freeCount: this.space.count,
      freeSize: this.space.size,
      largestFree: this.space.largest,
      detachedCount: this.detached.size,
      detachedSize: this.detachedSize,
      allocs: this.allocs,
      failures: this.failures,
      frees: this.frees,
      fits,
      neReused: c.neReused + this.reserveCounters.neReused,
      neFresh: c.neFresh + this.reserveCounters.neFresh,
      reserves: this.reserveCounters.FL + this.reserveCounters.LE + this.reserveCounters.RE + this.reserveCounters.NE,
      nodes: { capacity: pool.capacity, live: pool.live, bytes: pool.bytes },
    };
  }

  /**
   * Removes the busy area at `addr` from the busy tree while its range stays unavailable (the 5.4+ lazy
   * free state: unlinked from the busy tree, not yet in the free tree). Returns its size.
   */
  detach(addr: number): number {
    const node = this.findBusyStart(addr, "detach");
    const f = this.pool.f64;
    const size = f[node * S64 + END]! - f[node * S64 + START]!;
    this.busy.erase(node);
    this.busySize -= size;
    this.detached.set(addr, node);
    this.detachedSize += size;
    return size;
  }

  /**
   * Merges detached space `[start, start + size)` into free space as one block; it must be covered
   * exactly by detached areas (adjacent ones are released together, as the 5.11+ merging lazy tree does).
   */
  release(start: number, size: number): void {
    requireAddress(start, "start");
    requireSize(size, this.pageSize);
    const f = this.pool.f64;
    const nodes: number[] = [];
    let cursor = start;
    const end = start + size;
    while (cursor < end) {
      const node = this.detached.get(cursor);
      if (node === undefined) {
        throw new VmapError("ENOENT", `no detached area starts at ${cursor}: release exactly the ranges detach() returned, adjacent ones together`);
      }
      nodes.push(node);
      cursor = f[node * S64 + END]!;
    }
    if (cursor !== end) {
      throw new VmapError("ENOENT", `detached areas from ${start} end at ${cursor}, not at ${end}: release whole detached areas`);
    }
    for (const node of nodes) this.detached.delete(f[node * S64 + START]!);
    const first = nodes[0]!;
    for (let i = 1; i < nodes.length; i++) this.pool.release(nodes[i]!);
    f[first * S64 + START] = start;
    f[first * S64 + END] = end;
    this.detachedSize -= size;
    this.space.merge(first);
    this.frees += nodes.length;
  }

  // ------------------------------------------------------------------ low-level operations (per-cpu layer)

  /**
   * `pvm_find_va_enclose_addr`: the free block containing `addr` (end inclusive) or else the highest free
   * block starting at or below it; `undefined` if none. O(log N).
   */
  freeBlockEnclosing(addr: number): Range | undefined {
    const node = this.space.enclosing(requireAddress(addr));
    return node === NIL ? undefined : this.rangeOf(node);
  }

  /** The free block just below the free block that starts at `start` (walking the free list downwards). */
  freeBlockBefore(start: number): Range | undefined {
    const node = this.space.containing(requireAddress(start, "start"));
    if (node === NIL || this.pool.f64[node * S64 + START] !== start) return undefined;
    const prev = this.pool.i32[node * S32 + 4]!;
    return prev === NIL ? undefined : this.rangeOf(prev);
  }

  /** Free blocks from the one enclosing `from` (default: the top of the space) downwards. */
  *freeAreasDescending(from = this.end): IterableIterator<Range> {
    let node = from >= this.end ? this.space.tail : this.space.enclosing(from);
    const a = this.pool.i32;
    while (node !== NIL) {
      yield this.rangeOf(node);
      node = a[node * S32 + 4]!;
    }
  }

  // ------------------------------------------------------------------ checking

  /** Verifies F1, A1, L1, M1, B1, P1, N1; throws an Error naming the first broken invariant. O(N log N). */
  check(): void {
    const f = this.pool.f64;
    if (f[MAX] !== 0) throw new Error(`N1 broken: the nil record's subtree_max_size is ${f[MAX]}`);
    this.space.check();
    this.busy.check((x, y) => f[x * S64 + START]! - f[y * S64 + START]!);
    const pieces: [number, number, string][] = [];
    let busySize = 0;
    for (const r of this.busyAreas()) {
      pieces.push([r.start, r.end, "busy"]);
      busySize += r.end - r.start;
    }
    if (busySize !== this.busySize) throw new Error(`S1 broken: busy size cached as ${this.busySize}, recomputed ${busySize}`);
    for (const r of this.freeAreas()) pieces.push([r.start, r.end, "free"]);
    let detachedSize = 0;
    for (const node of this.detached.values()) {
      pieces.push([f[node * S64 + START]!, f[node * S64 + END]!, "detached"]);
      detachedSize += f[node * S64 + END]! - f[node * S64 + START]!;
    }
    if (detachedSize !== this.detachedSize) throw new Error(`S1 broken: detached size cached as ${this.detachedSize}, recomputed ${detachedSize}`);
    pieces.sort((x, y) => x[0] - y[0]);
    let cursor = this.start;
    for (const [s, e, kind] of pieces) {
      if (s < cursor) throw new Error(`${kind === "busy" ? "B1" : "P1"} broken: ${kind} area [${s}, ${e}) overlaps the area ending at ${cursor}`);
      if (s > cursor) throw new Error(`P1 broken: [${cursor}, ${s}) is neither busy, free nor detached`);
      cursor = e;
    }
    if (cursor !== this.end) throw new Error(`P1 broken: [${cursor}, ${this.end}) is neither busy, free nor detached`);
    const live = this.busy.size + this.space.count + this.detached.size;
    if (live !== this.pool.live) throw new Error(`N1 broken: ${this.pool.live} live records, ${live} areas (leak)`);
  }

  // ------------------------------------------------------------------ internals

  private rangeOf(node: number): Range {
    const f = this.pool.f64;
    return { start: f[node * S64 + START]!, end: f[node * S64 + END]! };
  }

  /** `insert_vmap_area` into the busy tree (plain rbtree, sorted by start). */
  private insertBusy(start: number, end: number): void {
    const node = this.pool.alloc();
    const f = this.pool.f64;
    f[node * D.STRIDE + D.START] = start;
    f[node * D.STRIDE + D.END] = end;
    const link = findVaLinks(this.pool, this.busy.root, end);
    this.busy.link(node, link >> 1, link & 1 ? RIGHT : LEFT);
    this.busy.insertColor(node);
    this.busySize += end - start;
  }

  /** The busy node starting exactly at `addr`, or throws ENOENT. */
  private findBusyStart(addr: number, what: string): number {
    requireAddress(addr);
    const a = this.pool.i32;
    const f = this.pool.f64;
    let cur = this.busy.root;
    while (cur !== 0) {
      const s = f[cur * D.STRIDE + D.START]!;
      if (addr < s) cur = a[cur * W.STRIDE + W.LEFT]!;
      else if (addr > s) cur = a[cur * W.STRIDE + W.RIGHT]!;
      else return cur;
    }
    throw new VmapError("ENOENT", `${what}(${addr}): no busy area starts at ${addr}; pass the address alloc() returned, once`);
  }
}
