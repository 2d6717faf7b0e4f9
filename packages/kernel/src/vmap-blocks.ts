/**
 * Per-CPU vmap blocks: the small-mapping allocator behind `vm_map_ram` (KERNEL.md §6.2), in page units.
 *
 * A block is one `VMAP_BLOCK_SIZE` area taken from the KVA allocator with alignment `VMAP_BLOCK_SIZE` and no
 * guard page. Allocation inside a block is a bump pointer of `2^order` pages; freed pieces are only counted
 * as dirty and never reused; a block whose pages are all dirty is lazily freed whole.
 *
 * Invariants (checked by `check()`):
 * - V1 for every block `0 <= free`, `0 <= dirty`, `free + dirty <= bits`.
 * - V2 a block is on its CPU's free queue iff `free > 0` (and it has not been retired).
 * - V3 `dirtyMin <= dirtyMax` whenever `dirty > 0`.
 *
 * @see mm/vmalloc.c: vb_alloc, vb_free, new_vmap_block, free_vmap_block, purge_fragmented_blocks,
 *   _vm_unmap_aliases
 */

/** `VMAP_MAX_ALLOC` and `VMAP_BBMAP_BITS` for an architecture (KERNEL.md §6.2). */
export interface VmapBlockGeometry {
  /** Largest `vm_map_ram` served from blocks, in pages (`BITS_PER_LONG`). */
  readonly maxAlloc: number;
  /** Pages per block (`VMAP_BBMAP_BITS`); `VMAP_BLOCK_SIZE = bits * PAGE_SIZE`. */
  readonly bits: number;
}

function roundupPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}

/**
 * `VMAP_BBMAP_BITS = min(1024, max(2 * VMAP_MAX_ALLOC, VMALLOC_PAGES / roundup_pow_of_two(NR_CPUS) / 16))`
 * with `VMALLOC_SPACE` = 128 MiB on 32-bit and 128 GiB on 64-bit (a guess the kernel makes, not the real
 * range). `nrCpusConfig` is the compile-time `NR_CPUS`.
 */
export function vmapBlockGeometry(addressBits: 32 | 64, pageShift: number, nrCpusConfig: number): VmapBlockGeometry {
  const maxAlloc = addressBits;
  const vmallocSpace = addressBits === 32 ? 128 * 2 ** 20 : 128 * 2 ** 30;
  const vmallocPages = vmallocSpace / 2 ** pageShift;
  const bits = Math.min(1024, Math.max(2 * maxAlloc, Math.floor(vmallocPages / roundupPowerOfTwo(nrCpusConfig) / 16)));
  return { maxAlloc, bits };
}

/** `get_order` for a page count: the smallest `order` with `2^order >= pages`. */
export function pageOrder(pages: number): number {
  return Math.ceil(Math.log2(pages));
}

/** One vmap block (`struct vmap_block`). */
export interface VmapBlock {
  /** First page of the block's area. */
  readonly start: number;
  readonly cpu: number;
  free: number;
  dirty: number;
  dirtyMin: number;
  dirtyMax: number;
  /** On its CPU's free queue. */
  queued: boolean;
}

/** What the blocks need from the kernel: a fresh aligned area and a lazy free of a whole block. */
export interface VmapBlockHooks {
  /** `alloc_vmap_area(size, align = size, VMALLOC_START, VMALLOC_END)`; page number or undefined. */
  allocArea(pages: number): number | undefined;
  /** `free_vmap_area_noflush` of a block's area (lazy). */
  freeArea(start: number): void;
}

export interface VmapBlockStats {
  readonly blocks: number;
  readonly created: number;
  readonly freedFull: number;
  readonly purgedFragmented: number;
  readonly allocs: number;
  readonly frees: number;
}

/** Thrown when `vm_unmap_ram` is given an address that no block served. */
export class VmapBlockError extends Error {
  readonly code = "ENOENT" as const;
  constructor(message: string) {
    super(message);
    this.name = "VmapBlockError";
  }
}

export class VmapBlocks {
  readonly geometry: VmapBlockGeometry;
  private readonly hooks: VmapBlockHooks;
  /** Per-CPU free queues in insertion order (`vmap_block_queue.free`). */
  private readonly queues: VmapBlock[][];
  /** Every live block by start page (the kernel's radix tree / xarray). */
  private readonly byStart = new Map<number, VmapBlock>();
  private created = 0;
  private freedFull = 0;
  private purgedFragmented = 0;
  private allocs = 0;
  private frees = 0;

  constructor(geometry: VmapBlockGeometry, cpus: number, hooks: VmapBlockHooks) {
    this.geometry = geometry;
    this.hooks = hooks;
    this.queues = Array.from({ length: cpus }, () => []);
  }

  /** `vb_alloc`: `pages` (≤ maxAlloc) rounded up to a power of two, from `cpu`'s blocks or a new one. */
  alloc(cpu: number, pages: number): number | undefined {
    const order = pageOrder(pages);
    const want = 2 ** order;
    const queue = this.queues[cpu]!;
    for (let i = 0; i < queue.length; i++) {
      const vb = queue[i]!;
      if (vb.free < want) continue;
      const offset = this.geometry.bits - vb.free;
      vb.free -= want;
      if (vb.free === 0) {
        queue.splice(i, 1);
        vb.queued = false;
      }
      this.allocs++;
      return vb.start + offset;
    }
    // new_vmap_block
    const start = this.hooks.allocArea(this.geometry.bits);
    if (start === undefined) return undefined;
    const vb: VmapBlock = { start, cpu, free: this.geometry.bits - want, dirty: 0, dirtyMin: this.geometry.bits, dirtyMax: 0, queued: true };
    this.byStart.set(start, vb);
    queue.push(vb);
    this.created++;
    this.allocs++;
    return start;
  }

  /** Whether `page` lies in a live block. */
  owns(page: number): boolean {
    return this.byStart.has(page - (page % this.geometry.bits));
  }

  /** `vb_free`: marks `pages` (rounded to a power of two) at `page` dirty; frees the block when all are. */
  free(page: number, pages: number): void {
    const bits = this.geometry.bits;
    const start = page - (page % bits);
    const vb = this.byStart.get(start);
    if (!vb) throw new VmapBlockError(`vm_unmap_ram: no vmap block holds page ${page}; pass an address vm_map_ram returned`);
    const want = 2 ** pageOrder(pages);
    const offset = page - start;
    if (offset + want > bits - vb.free || vb.dirty + want > bits) {
      throw new VmapBlockError(`vm_unmap_ram: ${pages} pages at page ${page} were not mapped by this block; unmap what vm_map_ram returned, once`);
    }
    vb.dirtyMin = Math.min(vb.dirtyMin, offset);
    vb.dirtyMax = Math.max(vb.dirtyMax, offset + want);
    vb.dirty += want;
    this.frees++;
    if (vb.dirty === bits) {
      this.freedFull++;
      this.retire(vb);
    }
  }

  /**
   * `purge_fragmented_blocks_allcpus`: a queued block with `free + dirty == bits` but not all dirty can never
   * serve again; retire it (its area is lazily freed). Returns the number retired.
   */
  purgeFragmented(): number {
    const bits = this.geometry.bits;
    let purged = 0;
    for (const queue of this.queues) {
      const victims = queue.filter((vb) => vb.free + vb.dirty === bits && vb.dirty !== bits);
      for (const vb of victims) {
        vb.free = 0;
        vb.dirty = bits;
        vb.dirtyMin = 0;
        vb.dirtyMax = bits;
        queue.splice(queue.indexOf(vb), 1);
        vb.queued = false;
      }
      for (const vb of victims) this.retire(vb);
      purged += victims.length;
    }
    this.purgedFragmented += purged;
    return purged;
  }

  /**
   * The range `_vm_unmap_aliases` must flush for dirty pages of queued blocks, in pages, or undefined when no
   * queued block is dirty.
   */
  dirtyRange(): { start: number; end: number } | undefined {
    let start = Infinity;
    let end = -Infinity;
    for (const queue of this.queues) {
      for (const vb of queue) {
        if (vb.dirty === 0) continue;
        start = Math.min(start, vb.start + vb.dirtyMin);
        end = Math.max(end, vb.start + vb.dirtyMax);
      }
    }
    return start === Infinity ? undefined : { start, end };
  }

  /** Live blocks in address order. */
  blocks(): VmapBlock[] {
    return [...this.byStart.values()].sort((a, b) => a.start - b.start);
  }

  stats(): VmapBlockStats {
    return {
      blocks: this.byStart.size,
      created: this.created,
      freedFull: this.freedFull,
      purgedFragmented: this.purgedFragmented,
      allocs: this.allocs,
      frees: this.frees,
    };
  }

  /** Verifies V1–V3. */
  check(): void {
    const bits = this.geometry.bits;
    const queued = new Set<VmapBlock>();
    for (const queue of this.queues) for (const vb of queue) queued.add(vb);
    for (const vb of this.byStart.values()) {
      if (vb.free < 0 || vb.dirty < 0 || vb.free + vb.dirty > bits) throw new Error(`V1 broken: block at page ${vb.start} has free ${vb.free}, dirty ${vb.dirty}`);
      if ((vb.free > 0) !== queued.has(vb) || vb.queued !== queued.has(vb)) throw new Error(`V2 broken: block at page ${vb.start} (free ${vb.free}) queue membership is wrong`);
      if (vb.dirty > 0 && vb.dirtyMin > vb.dirtyMax) throw new Error(`V3 broken: block at page ${vb.start} has dirty range ${vb.dirtyMin}..${vb.dirtyMax}`);
    }
    for (const vb of queued) if (!this.byStart.has(vb.start)) throw new Error(`V2 broken: a retired block at page ${vb.start} is still queued`);
  }

  /** `free_vmap_block`: forget the block and lazily free its area. */
  private retire(vb: VmapBlock): void {
    this.byStart.delete(vb.start);
    this.hooks.freeArea(vb.start);
  }
}
