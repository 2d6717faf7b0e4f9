import {
  type ArchProfile,
  DEFAULT_PROFILE_ID,
  type MachinePreset,
  formatAddress,
  getMachine,
  getProfile,
  modulesRangePages,
  pageLimit,
  toPages,
  vmallocRangePages,
} from "@kva/arch";
import { LazyPurge, type PurgeNotifier } from "@kva/lazy-purge";
import { type KvaAllocator, type Range, VmapSpace } from "@kva/vmap";
import { LegacyVmapSpace } from "@kva/vmap-legacy";
import { KernelError } from "./errors.js";
import { VM_ALLOC, VM_IOREMAP, VM_MAP, VM_NO_GUARD, VM_USERMAP } from "./flags.js";
import type {
  AllocatorKind,
  KernelOptions,
  KernelStats,
  LazyEra,
  LoadVmallocInfoOptions,
  LoadVmallocInfoResult,
  VmArea,
  VmallocRangeOptions,
} from "./types.js";
import { type VmallocInfoEntry, formatVmallocInfo, parseVmallocInfo } from "./vmallocinfo.js";
import { VmapBlockError, VmapBlocks, vmapBlockGeometry } from "./vmap-blocks.js";

/** `NUMA_NO_NODE`: allocate on the current CPU's node. */
export const NUMA_NO_NODE = -1;

const DEFAULT_TOTAL_RAM = 16 * 2 ** 30;
/** The legacy allocator takes alignments (here in bytes) up to 2^52. */
const LEGACY_MAX_ALIGN = 2 ** 52;

type Bytes = number | bigint;

interface AreaRecord extends VmArea {
  /** Start page. */
  readonly page: number;
  /** Pages including the guard page. */
  readonly pages: number;
  /** Start page of the vmalloc'ed pages array, when `vpages` and it is known. */
  readonly pagesArray: number | undefined;
}

/** Everything a vm area record holds besides its place. */
interface AreaInfo {
  readonly flags: number;
  readonly caller: string | undefined;
  readonly nrPages: number;
  readonly phys: bigint | undefined;
  readonly numa: readonly number[];
  readonly vpages: boolean;
  readonly pagesArray: number | undefined;
}

const NO_INFO: AreaInfo = Object.freeze({ flags: 0, caller: undefined, nrPages: 0, phys: undefined, numa: [], vpages: false, pagesArray: undefined });

function isBytes(value: unknown): value is Bytes {
  return (typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && !Object.is(value, -0)) || (typeof value === "bigint" && value >= 0n);
}

function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  return value === null ? "null" : typeof value;
}

/** `get_count_order`: the smallest `k` with `2^k >= n` (n ≥ 1). */
function countOrder(n: bigint): number {
  let k = 0;
  while (1n << BigInt(k) < n) k++;
  return k;
}


/**
 * The simulated kernel: the vmalloc family over a chosen KVA allocator, lazy purge and architecture
 * profile, in page numbers inside and bytes at the API (bigint addresses, since kernel addresses exceed
 * 2^53). Build it with {@link createKernel}.
 *
 * Invariants (`check()`): the allocator's and the lazy layer's own (P1, M1, Z1–Z5 ...), the vmap blocks'
 * V1–V3, and
 * - K1 every vm area is exactly one busy area of the allocator;
 * - K2 every busy area of the allocator is a vm area, a vmap block, a large vm_map_ram area, or (era 5.2) a
 *   lazily freed area waiting for a purge.
 * - K3 (era 5.2) an area marked `VM_LAZY_FREE` (freed through `remove_vm_area`, printed as
 *   `unpurged vm_area`) is a lazily freed area waiting for a purge.
 *
 * @see mm/vmalloc.c: __vmalloc_node_range, __get_vm_area_node, __vunmap, vm_map_ram, s_show
 */
export class Kernel {
  readonly profile: ArchProfile;
  readonly machine: MachinePreset | undefined;
  readonly cpus: number;
  readonly numaNodes: number;
  readonly allocatorKind: AllocatorKind;
  readonly lazyEra: LazyEra;
  /** The KVA allocator in page units (alignments in bytes: `alignShift = PAGE_SHIFT`). */
  readonly allocator: KvaAllocator;
  /** The lazy-purge layer every allocation and free goes through. */
  readonly lazy: LazyPurge;
  readonly blocks: VmapBlocks;
  /** `PAGE_SIZE` in bytes. */
  readonly pageSize: number;
  /** Pages in the whole address space (`2^bits / PAGE_SIZE`), as a number and a bigint, and its byte size. */
  private readonly pageCount: number;
  private readonly pageCountBig: bigint;
  private readonly byteLimit: bigint;
  private readonly pageBig: bigint;
  /** `[VMALLOC_START, VMALLOC_END)` in pages (the end rounded down to a page). */
  readonly vmallocPages: { readonly start: number; readonly end: number };
  private readonly totalRamPages: number;
  private readonly ptrBytes: number;
  private readonly shmlba: number;
  private readonly cpuNode: readonly number[];
  private readonly configNuma: boolean;
  private readonly onWarn: ((message: string) => void) | undefined;
  private readonly areas = new Map<number, AreaRecord>();
  /** Large `vm_map_ram` areas (no vm_struct), start page → pages. */
  private readonly ramAreas = new Map<number, number>();
  /**
   * Start pages of lazily freed areas that went through `remove_vm_area` (`VM_LAZY_FREE` in v5.2; v5.2's
   * `s_show` prints them as `unpurged vm_area`, other lazily freed vmap areas as `vm_map_ram`).
   */
  private readonly lazyVmAreas = new Set<number>();
  private currentCpu = 0;
  private vmallocs = 0;
  private vmallocFailures = 0;
  private vfrees = 0;
  private warnings = 0;
  /** Depth of `__GFP_NOWARN` calls in progress: warnings are neither counted nor reported. */
  private quiet = 0;

  constructor(options: KernelOptions = {}) {
    if (typeof options !== "object" || options === null) throw new KernelError("EINVAL", `options ${show(options)} are invalid: pass an object`);
    const machine = typeof options.machine === "string" ? getMachine(options.machine) : options.machine;
    const profile = typeof options.profile === "string" ? getProfile(options.profile) : (options.profile ?? machine?.profile ?? getProfile(DEFAULT_PROFILE_ID));
    const cpus = options.cpus ?? machine?.cpus ?? 4;
    if (!Number.isSafeInteger(cpus) || cpus < 1 || cpus > 8192) throw new KernelError("EINVAL", `cpus ${show(cpus)} is invalid: pass an integer in [1, 8192]`);
    const numaNodes = options.numaNodes ?? machine?.numaNodes ?? 1;
    if (!Number.isSafeInteger(numaNodes) || numaNodes < 1 || numaNodes > cpus) {
      throw new KernelError("EINVAL", `numaNodes ${show(numaNodes)} is invalid: pass an integer in [1, cpus]`);
    }
    const allocatorKind = options.allocator ?? "augmented";
    if (allocatorKind !== "augmented" && allocatorKind !== "legacy") {
      throw new KernelError("EINVAL", `allocator ${show(allocatorKind)} is invalid: use 'augmented' (5.2 free tree) or 'legacy' (pre-5.2 busy list)`);
    }
    const lazyEra = options.lazy ?? "5.2";
    if (lazyEra !== "5.2" && lazyEra !== "5.11") throw new KernelError("EINVAL", `lazy ${show(lazyEra)} is invalid: use '5.2' or '5.11'`);
    const totalRam = options.totalRamBytes ?? DEFAULT_TOTAL_RAM;
    if (!Number.isSafeInteger(totalRam) || totalRam < profile.pageSize) {
      throw new KernelError("EINVAL", `totalRamBytes ${show(totalRam)} is invalid: pass a safe integer of at least one page`);
    }
    if (options.onWarn !== undefined && typeof options.onWarn !== "function") {
      throw new KernelError("EINVAL", `onWarn ${show(options.onWarn)} is invalid: pass a function or leave it out`);
    }
    this.profile = profile;
    this.machine = machine;
    this.cpus = cpus;
    this.numaNodes = numaNodes;
    this.allocatorKind = allocatorKind;
    this.lazyEra = lazyEra;
    this.pageSize = profile.pageSize;
    this.pageBig = BigInt(profile.pageSize);
    this.pageCount = pageLimit(profile);
    this.pageCountBig = BigInt(this.pageCount);
    this.byteLimit = this.pageCountBig * this.pageBig;
    this.vmallocPages = vmallocRangePages(profile);
    this.totalRamPages = Math.floor(totalRam / profile.pageSize);
    this.ptrBytes = profile.bits / 8;
    // SHMLBA: 4 pages on 32-bit ARM (arch/arm/include/asm/shmparam.h), PAGE_SIZE elsewhere
    // (x86, and asm-generic for arm64 and riscv).
    this.shmlba = profile.arch === "arm" ? 4 * profile.pageSize : profile.pageSize;
    this.cpuNode = machine && machine.cpus === cpus && machine.numaNodes === numaNodes
      ? machine.cpuNode
      : Array.from({ length: cpus }, (_, cpu) => Math.floor((cpu * numaNodes) / cpus));
    this.configNuma = profile.bits === 64;
    this.onWarn = options.onWarn;

    // vmalloc_init: the free space starts as [1, ULONG_MAX) minus the early areas (vm_area_add_early),
    // in pages [0, 2^bits / PAGE_SIZE); the allocators build it from the gaps in address order.
    const earlyAreas = options.earlyAreas === false ? [] : profile.earlyAreas;
    const early = earlyAreas.map((a) => ({ start: toPages(profile, a.start), end: toPages(profile, a.end) }));
    const spaceOptions = { start: 0, end: pageLimit(profile), pageSize: 1, alignShift: profile.pageShift, early };
    // The legacy allocator makes one pass per alloc(): the lazy layer owns the kernel's purge-and-retry.
    this.allocator =
      allocatorKind === "legacy"
        ? new LegacyVmapSpace({ ...spaceOptions, retryPass: false })
        : new VmapSpace({ ...spaceOptions, search: options.search ?? "padded" });
    this.lazy = new LazyPurge(this.allocator, {
      era: lazyEra,
      cpus,
      pageBytes: profile.pageSize,
      pageSize: 1,
      ...(options.lazyMaxPages === undefined ? {} : { lazyMaxPages: options.lazyMaxPages }),
      onWarn: (message) => this.warn(message),
      onPurge: () => this.forgetPurged(),
      // purge_vmap_area_lazy and _vm_unmap_aliases retire fragmented vmap blocks under vmap_purge_lock before
      // __purge_vmap_area_lazy: the retired blocks join that batch, and cannot start a threshold purge.
      beforePurge: () => {
        this.blocks.purgeFragmented();
      },
    });
    // Early vm_structs: flags VM_MAP as arm64's map_kernel_segment sets them; the name is the caller tag.
    for (let i = 0; i < earlyAreas.length; i++) {
      const a = earlyAreas[i]!;
      const range = early[i]!;
      this.areas.set(range.start, this.record(range.start, range.end - range.start, { ...NO_INFO, flags: VM_MAP, caller: a.name }));
    }
    const geometry = vmapBlockGeometry(profile.bits, profile.pageShift, options.nrCpusConfig ?? (profile.bits === 64 ? 64 : 8));
    this.blocks = new VmapBlocks(geometry, cpus, {
      allocArea: (pages) => this.allocVmapArea(pages, pages * this.pageSize, this.vmallocPages.start, this.vmallocPages.end, false),
      freeArea: (start) => {
        this.lazy.free(start);
      },
    });
  }

  /** The CPU the caller runs on (vm_map_ram queues, NUMA node of new pages). */
  get cpu(): number {
    return this.currentCpu;
  }
  set cpu(cpu: number) {
    if (!Number.isSafeInteger(cpu) || cpu < 0 || cpu >= this.cpus) throw new KernelError("EINVAL", `cpu ${show(cpu)} is invalid: pass an integer in [0, ${this.cpus - 1}]`);
    this.currentCpu = cpu;
  }

  // ------------------------------------------------------------------ vmalloc family

  /**
   * `vmalloc(size)`: `size` bytes rounded up to pages, plus a guard page, anywhere in the vmalloc range.
   * @see mm/vmalloc.c: vmalloc
   */
  vmalloc(size: Bytes, caller?: string): bigint | undefined {
    return this.vmallocNodeRange(size, 1, undefined, undefined, { caller });
  }

  /** `vzalloc(size)`: as `vmalloc`, zeroed. @see mm/vmalloc.c: vzalloc */
  vzalloc(size: Bytes, caller?: string): bigint | undefined {
    return this.vmallocNodeRange(size, 1, undefined, undefined, { caller, zero: true });
  }

  /**
   * `vmalloc_user(size)`: zeroed, aligned to `SHMLBA` (PAGE_SIZE, 4 pages on 32-bit ARM), flagged
   * `VM_USERMAP` (printed ` user`). An alignment of one page is still an `align > 1`: the padded 5.2 search
   * looks for one page more than `vmalloc` of the same size does.
   * @see mm/vmalloc.c: vmalloc_user
   */
  vmallocUser(size: Bytes, caller?: string): bigint | undefined {
    return this.vmallocNodeRange(size, this.shmlba, undefined, undefined, { caller, zero: true, flags: VM_USERMAP });
  }

  /** `vmalloc_node(size, node)`: pages from NUMA node `node`. @see mm/vmalloc.c: vmalloc_node */
  vmallocNode(size: Bytes, node: number, caller?: string): bigint | undefined {
    return this.vmallocNodeRange(size, 1, undefined, undefined, { caller, node });
  }

  /**
   * `__vmalloc_node_range(size, align, start, end, gfp, prot, vm_flags, node, caller)`: `size` bytes
   * (rounded up to pages; 0 or more than total RAM fails) with a guard page unless `VM_NO_GUARD`, aligned
   * to `align` bytes, inside `[start, end)` (default the vmalloc range). Returns the address or `undefined`
   * after the kernel's failure path (retire fragmented vmap blocks and purge, retry, notifiers, then the warnings
   * `vmap allocation for size <bytes> failed: ...` and `vmalloc: allocation failure: <size> bytes`).
   * The pages array (`nr_pages` pointers) is itself vmalloc'ed, right after the area, when it needs more
   * than one page (` vpages`).
   *
   * @throws KernelError `EINVAL` for a size or alignment that is not a non-negative integer / power of two
   *   below 2^bits, a window outside the address space, a bad node or flags.
   * @see mm/vmalloc.c: __vmalloc_node_range, __vmalloc_area_node
   */
  vmallocNodeRange(size: Bytes, align: Bytes, start?: bigint, end?: bigint, options: VmallocRangeOptions = {}): bigint | undefined {
    const pages = this.pageAlign(size, "size");
    const alignBytes = this.requireAlign(align);
    const window = this.window(start, end);
    if (typeof options !== "object" || options === null) throw new KernelError("EINVAL", `options ${show(options)} are invalid: pass an object or leave it out`);
    const node = this.requireNode(options.node);
    const vmFlags = options.flags ?? 0;
    this.requireFlags(vmFlags);
    if (options.caller !== undefined && typeof options.caller !== "string") {
      throw new KernelError("EINVAL", `caller ${show(options.caller)} is invalid: pass a string such as "load_module+0x1b0/0x2c0"`);
    }
    const noWarn = options.noWarn === true;
    if (pages === 0 || pages > this.totalRamPages) return this.vmallocFailed(size, noWarn);
    const flags = vmFlags | VM_ALLOC;
    const page = this.getVmAreaNode(pages, alignBytes, flags, window.start, window.end, options.caller, noWarn);
    if (page === undefined) return this.vmallocFailed(size, noWarn);
    // __vmalloc_area_node: the pages array is vmalloc'ed itself when it needs more than a page.
    const area = this.areas.get(page)!;
    const nrPages = area.pages - (flags & VM_NO_GUARD ? 0 : 1);
    const arrayBytes = nrPages * this.ptrBytes;
    let pagesArray: number | undefined;
    if (arrayBytes > this.pageSize) {
      const nested = this.vmallocNodeRange(arrayBytes, 1, undefined, undefined, { caller: options.caller, node: options.node, noWarn });
      if (nested === undefined) {
        // remove_vm_area of the half-built area; the nested failure has already warned.
        this.removeArea(page);
        this.vmallocFailures++;
        return undefined;
      }
      pagesArray = this.toPage(nested);
    }
    const numa = new Array<number>(this.numaNodes).fill(0);
    numa[node === NUMA_NO_NODE ? this.cpuNode[this.currentCpu]! : node] = nrPages;
    this.areas.set(page, this.record(page, area.pages, { flags: area.flags, caller: area.caller, nrPages, phys: undefined, numa, vpages: pagesArray !== undefined, pagesArray }));
    this.vmallocs++;
    return this.toAddr(page);
  }

  /**
   * `vfree(addr)`: lazily frees the area first, then its vmalloc'ed pages array, in the order `__vunmap`
   * does (`remove_vm_area`, then `kvfree(pages)`). `vfree(undefined)` does nothing, like `vfree(NULL)`.
   *
   * @throws KernelError `ENOENT` for an address that is not the start of a vm area (the kernel WARNs
   *   "Trying to vfree() nonexistent vm area"); `EINVAL` for one that is not page aligned.
   * @see mm/vmalloc.c: vfree, __vunmap
   */
  vfree(addr: bigint | undefined): void {
    if (addr === undefined) return;
    const page = this.areaStart(addr, "vfree");
    const area = this.areas.get(page)!;
    this.removeArea(page);
    this.vfrees++;
    if (area.pagesArray !== undefined && this.areas.has(area.pagesArray)) this.vfree(this.toAddr(area.pagesArray));
  }

  /**
   * `get_vm_area(size, flags)`: reserves `size` bytes (plus a guard page unless `VM_NO_GUARD`) in the vmalloc
   * range without pages. `VM_IOREMAP` requests get the size-order alignment. Returns the vm area (a frozen
   * record; pass it to `freeVmArea`) or `undefined`.
   * @throws KernelError `EINVAL` for a bad size or flags.
   * @see mm/vmalloc.c: get_vm_area, get_vm_area_caller, __get_vm_area_node
   */
  getVmArea(size: Bytes, flags = 0, caller?: string): VmArea | undefined {
    return this.getVmAreaRange(size, flags, undefined, undefined, caller);
  }

  /**
   * `__get_vm_area(size, flags, start, end)`: as `getVmArea` inside `[start, end)` (bytes).
   * @see mm/vmalloc.c: __get_vm_area, __get_vm_area_caller
   */
  getVmAreaRange(size: Bytes, flags: number, start?: bigint, end?: bigint, caller?: string): VmArea | undefined {
    const pages = this.pageAlign(size, "size");
    this.requireFlags(flags);
    const window = this.window(start, end);
    if (pages === 0) return undefined;
    const page = this.getVmAreaNode(pages, 1, flags, window.start, window.end, caller, false);
    return page === undefined ? undefined : this.areas.get(page);
  }

  /** `find_vm_area(addr)`: the vm area starting at `addr`'s page, if any. @see mm/vmalloc.c: find_vm_area */
  findVmArea(addr: bigint): VmArea | undefined {
    if (typeof addr !== "bigint" || addr < 0n) return undefined;
    return this.areas.get(Number(addr / this.pageBig));
  }

  /** Every live vm area in address order. */
  vmAreas(): VmArea[] {
    return [...this.areas.values()].sort((a, b) => a.page - b.page);
  }

  /**
   * `remove_vm_area(addr)`: unmaps and lazily frees the area (v5.2 marks it `VM_LAZY_FREE`); returns it,
   * or `undefined` if there is none.
   * @see mm/vmalloc.c: remove_vm_area
   */
  removeVmArea(addr: bigint): VmArea | undefined {
    if (typeof addr !== "bigint" || addr < 0n || addr % this.pageBig !== 0n) return undefined;
    const page = Number(addr / this.pageBig);
    const area = this.areas.get(page);
    if (!area) return undefined;
    this.removeArea(page);
    return area;
  }

  /**
   * `free_vm_area(area)`: `remove_vm_area` of exactly this area (the kernel BUGs when `remove_vm_area`
   * finds another one).
   * @throws KernelError `ENOENT` when `area` is not a live vm area (freed already, or another area now
   *   starts there).
   * @see mm/vmalloc.c: free_vm_area
   */
  freeVmArea(area: VmArea): void {
    const live = typeof area === "object" && area !== null && typeof area.addr === "bigint" ? this.findVmArea(area.addr) : undefined;
    if (live === undefined || live !== area) {
      const where = typeof area === "object" && area !== null && typeof area.addr === "bigint" ? formatAddress(area.addr, this.profile.bits) : show(area);
      throw new KernelError("ENOENT", `free_vm_area: ${where} is not a live vm area; free each area getVmArea returned once`);
    }
    this.removeVmArea(area.addr);
  }

  /**
   * `vmap(pages, count, flags, prot)`: maps `count` pages in the vmalloc range (guard page added, size-order
   * alignment with `VM_IOREMAP`). v5.2's vmap does not record the pages, so vmallocinfo prints no `pages=`.
   * More pages than total RAM returns `undefined` without a warning.
   * @throws KernelError `EINVAL` for a count that is not a positive integer, or bad flags.
   * @see mm/vmalloc.c: vmap
   */
  vmap(count: number, flags = VM_MAP, caller?: string): bigint | undefined {
    if (!Number.isSafeInteger(count) || count < 1 || count > this.pageCount) {
      throw new KernelError("EINVAL", `count ${show(count)} is invalid: pass a positive number of pages`);
    }
    this.requireFlags(flags);
    if (count > this.totalRamPages) return undefined;
    const page = this.getVmAreaNode(count, 1, flags, this.vmallocPages.start, this.vmallocPages.end, caller, false);
    return page === undefined ? undefined : this.toAddr(page);
  }

  /**
   * `vunmap(addr)`: unmaps a vmap'ed area (lazily freed; pages are not freed). `vunmap(undefined)` does
   * nothing.
   * @throws KernelError as `vfree`.
   * @see mm/vmalloc.c: vunmap, __vunmap
   */
  vunmap(addr: bigint | undefined): void {
    if (addr === undefined) return;
    const page = this.areaStart(addr, "vunmap");
    this.removeArea(page);
  }

  /**
   * `ioremap(phys, size)`: maps `size` bytes of physical address `phys`. The area covers the whole pages
   * of `[phys, phys + size)` (`PAGE_ALIGN(last + 1) − (phys & PAGE_MASK)`), is aligned to
   * `2^clamp(count_order(that size), PAGE_SHIFT, IOREMAP_MAX_ORDER)` and records the page-aligned
   * physical base (`phys=`). Returns the virtual address of `phys` itself (area start + offset in page).
   * @throws KernelError `EINVAL` for a negative or non-bigint `phys` or a size that is not positive.
   * @see arch/x86/mm/ioremap.c: __ioremap_caller; arch/arm64/mm/ioremap.c: __ioremap_caller
   */
  ioremap(phys: bigint, size: Bytes, caller?: string): bigint | undefined {
    if (typeof phys !== "bigint" || phys < 0n) throw new KernelError("EINVAL", `phys ${show(phys)} is invalid: pass a non-negative bigint`);
    if (!isBytes(size) || BigInt(size) === 0n) throw new KernelError("EINVAL", `size ${show(size)} is invalid: pass a positive byte count`);
    const offset = phys % this.pageBig;
    const base = phys - offset;
    const last = phys + BigInt(size) - 1n;
    const pagesBig = (last + 1n - base + this.pageBig - 1n) / this.pageBig;
    if (pagesBig > this.pageCountBig) throw new KernelError("EINVAL", `size ${show(size)} is larger than the address space`);
    const page = this.getVmAreaNode(Number(pagesBig), 1, VM_IOREMAP, this.vmallocPages.start, this.vmallocPages.end, caller, false, base);
    return page === undefined ? undefined : this.toAddr(page) + offset;
  }

  /** `iounmap(addr)`: `vunmap` of the page holding `addr`. @see arch/x86/mm/ioremap.c: iounmap */
  iounmap(addr: bigint): void {
    if (typeof addr !== "bigint" || addr < 0n) throw new KernelError("EINVAL", `addr ${show(addr)} is invalid: pass the bigint ioremap returned`);
    this.vunmap(addr - (addr % this.pageBig));
  }

  /**
   * `vm_map_ram(pages, count, node)`: up to `VMAP_MAX_ALLOC` pages come from the current CPU's vmap blocks
   * (rounded up to a power of two, no guard page); larger counts get their own area, no guard page,
   * aligned to `PAGE_SIZE`, which the padded 5.2 search treats as `align > 1` (it needs one free page more
   * than `count`).
   * @throws KernelError `EINVAL` for a count that is not a positive integer.
   * @see mm/vmalloc.c: vm_map_ram, vb_alloc, new_vmap_block
   */
  vmMapRam(count: number): bigint | undefined {
    if (!Number.isSafeInteger(count) || count < 1 || count > this.pageCount) {
      throw new KernelError("EINVAL", `count ${show(count)} is invalid: pass a positive number of pages`);
    }
    if (count <= this.blocks.geometry.maxAlloc) {
      const page = this.blocks.alloc(this.currentCpu, count);
      return page === undefined ? undefined : this.toAddr(page);
    }
    const page = this.allocVmapArea(count, this.pageSize, this.vmallocPages.start, this.vmallocPages.end, false);
    if (page === undefined) return undefined;
    this.ramAreas.set(page, count);
    return this.toAddr(page);
  }

  /**
   * `vm_unmap_ram(addr, count)`: `count` up to `VMAP_MAX_ALLOC` marks the pages dirty in their vmap block
   * (the block is lazily freed when all its pages are dirty); a larger count lazily frees the area.
   * @throws KernelError `EINVAL` for a bad count or an address that is not a page in the vmalloc range;
   *   `ENOENT` when `vm_map_ram` did not return `addr` with this `count`.
   * @see mm/vmalloc.c: vm_unmap_ram, vb_free
   */
  vmUnmapRam(addr: bigint, count: number): void {
    if (!Number.isSafeInteger(count) || count < 1) throw new KernelError("EINVAL", `count ${show(count)} is invalid: pass the count given to vm_map_ram`);
    const page = this.pageOf(addr, "vm_unmap_ram");
    if (page < this.vmallocPages.start || page >= this.vmallocPages.end) {
      throw new KernelError("EINVAL", `vm_unmap_ram: ${formatAddress(addr, this.profile.bits)} is outside the vmalloc range; pass what vm_map_ram returned`);
    }
    // Areas loaded from a vm_map_ram line are whole areas whatever their size.
    if (this.ramAreas.get(page) === count) {
      this.ramAreas.delete(page);
      this.lazy.free(page);
      return;
    }
    if (count <= this.blocks.geometry.maxAlloc) {
      try {
        this.blocks.free(page, count);
      } catch (error) {
        if (error instanceof VmapBlockError) throw new KernelError("ENOENT", error.message, { cause: error });
        throw error;
      }
      return;
    }
    throw new KernelError("ENOENT", `vm_unmap_ram: no ${count}-page vm_map_ram area at ${formatAddress(addr, this.profile.bits)}; pass what vm_map_ram returned`);
  }

  /**
   * `vm_unmap_aliases()`: takes the flush range of the dirty pages of the vmap blocks on the per-CPU free
   * queues, then (under the purge lock) retires fragmented vmap blocks and purges every lazily freed area,
   * the retired blocks included, with one flush over the batch widened to that range (or flushes that range
   * alone when nothing was queued). O(blocks + batch).
   * @see mm/vmalloc.c: vm_unmap_aliases, _vm_unmap_aliases, purge_fragmented_blocks_allcpus
   */
  vmUnmapAliases(): void {
    this.lazy.purge(this.blocks.dirtyRange());
  }

  /**
   * `register_vmap_purge_notifier`: called when an allocation still fails after a purge; returns how much
   * it freed. Returns the unregister function.
   * @see mm/vmalloc.c: register_vmap_purge_notifier
   */
  addPurgeNotifier(notifier: PurgeNotifier): () => void {
    return this.lazy.addPurgeNotifier(notifier);
  }

  // ------------------------------------------------------------------ /proc/vmallocinfo

  /**
   * `/proc/vmallocinfo` as the kernel prints it (addresses unhashed, as with kptr_restrict and CAP_SYSLOG).
   * @see mm/vmalloc.c: s_show, show_numa_info (v5.2); show_purge_info (5.11 era)
   */
  vmallocinfo(): string {
    return formatVmallocInfo(this.vmallocinfoEntries(), this.profile.bits);
  }

  /**
   * The entries behind `vmallocinfo()`: busy areas in address order; a vmap area without a vm_struct prints
   * as `unpurged vm_area` when era 5.2 has it lazily freed through `remove_vm_area` (`VM_LAZY_FREE`) and as
   * `vm_map_ram` otherwise (vmap blocks and large vm_map_ram areas, lazily freed or not). Era 5.11 keeps
   * lazily freed areas out of the busy tree and prints its merged lazy ranges at the end as
   * `unpurged vm_area`.
   */
  vmallocinfoEntries(): VmallocInfoEntry[] {
    const entries: VmallocInfoEntry[] = [];
    for (const r of this.allocator.busyAreas()) {
      const area = this.areas.get(r.start);
      const start = this.toAddr(r.start);
      const end = this.toAddr(r.end);
      const size = (r.end - r.start) * this.pageSize;
      if (area) {
        entries.push({
          start,
          end,
          size,
          caller: area.caller,
          pages: area.nrPages,
          phys: area.physAddr,
          flags: area.flags,
          vpages: area.vpages,
          numa: this.configNuma && area.nrPages > 0 ? area.numa.map((count, node) => [node, count] as const) : undefined,
        });
      } else {
        entries.push({ start, end, size, flags: 0, kind: this.lazyVmAreas.has(r.start) ? "unpurged vm_area" : "vm_map_ram" });
      }
    }
    if (this.lazyEra === "5.11") {
      for (const r of this.lazy.lazyAreas()) {
        entries.push({ start: this.toAddr(r.start), end: this.toAddr(r.end), size: (r.end - r.start) * this.pageSize, flags: 0, kind: "unpurged vm_area" });
      }
    }
    return entries;
  }

  /**
   * Loads a machine's `/proc/vmallocinfo` (text, or entries from `parseVmallocInfo`) on top of the current
   * state, in one of two ways (`mode`, default `'auto'`):
   * - `'addresses'`: every line is placed at its own address with `reserve` (allowed when every line is
   *   whole pages, `end − start == size`, lies in the profile's vmalloc or modules range, overlaps no other
   *   line and nothing busy or lazily freed here; a line equal to an existing vm area, such as an early area,
   *   updates that area);
   * - `'reallocate'`: hashed or zeroed addresses carry no layout, so the lines are allocated again in the
   *   vmalloc range in file order (each at the lowest fit at or above the end of the line before, so the
   *   file's order is kept), `size / PAGE_SIZE` pages each (the printed size already holds the guard page,
   *   so none is added), `align = 1` except the ioremap size-order alignment for `ioremap` lines;
   * - `'auto'`: `'addresses'` when the addresses allow it, else `'reallocate'`.
   *
   * Each vm area line becomes a vm area with its caller, flags, `pages=`, `phys=` and NUMA counts; a
   * ` vpages` line is linked to the first later line that can be its pages array (same caller, `vmalloc`,
   * the right number of pages), which `vfree` then frees with it. An `unpurged vm_area` line becomes a
   * lazily freed area (placed, then freed lazily, so the lazy count and threshold apply). A `vm_map_ram`
   * line becomes a large vm_map_ram area of its size (`vmUnmapRam(addr, pages)` frees it); when
   * reallocated, one of exactly `VMAP_BBMAP_BITS` pages gets the vmap block alignment, others `PAGE_SIZE`.
   * Reallocation uses the allocation failure path without warnings; lines that found no room are returned
   * in `failed`.
   *
   * @throws VmallocInfoParseError `EINVAL` for text that does not parse; KernelError `EINVAL` for malformed
   *   entries, an unknown mode, or `'addresses'` when the addresses cannot be used. Nothing changes then.
   */
  loadVmallocInfo(input: string | readonly VmallocInfoEntry[], options: LoadVmallocInfoOptions = {}): LoadVmallocInfoResult {
    if (typeof options !== "object" || options === null) throw new KernelError("EINVAL", `options ${show(options)} are invalid: pass { mode }`);
    const mode = options.mode ?? "auto";
    if (mode !== "auto" && mode !== "addresses" && mode !== "reallocate") {
      throw new KernelError("EINVAL", `mode ${show(mode)} is invalid: use 'auto', 'addresses' or 'reallocate'`);
    }
    let entries: readonly VmallocInfoEntry[];
    if (typeof input === "string") entries = parseVmallocInfo(input);
    else if (Array.isArray(input)) entries = input;
    else throw new KernelError("EINVAL", `input ${show(input)} is invalid: pass /proc/vmallocinfo text or parseVmallocInfo entries`);
    entries.forEach((e, i) => this.requireEntry(e, i));
    let problem: string | undefined;
    if (mode !== "reallocate") {
      problem = this.addressProblem(entries);
      if (problem !== undefined && mode === "addresses") {
        throw new KernelError("EINVAL", `loadVmallocInfo: the addresses cannot be used (${problem}); load with { mode: 'reallocate' }`);
      }
    }
    const placeAtAddress = mode !== "reallocate" && problem === undefined;
    const counts = { areas: 0, lazy: 0, ram: 0, existing: 0 };
    const failed: VmallocInfoEntry[] = [];
    const placed: (number | undefined)[] = [];
    // Re-allocated lines keep the file's order: each is placed at or above the end of the one before.
    let floor = this.vmallocPages.start;
    for (const e of entries) {
      const pages = Math.ceil(e.size / this.pageSize);
      let page: number | undefined;
      if (placeAtAddress) {
        page = Number(e.start / this.pageBig);
        const existing = e.kind === undefined ? this.areas.get(page) : undefined;
        if (existing !== undefined && existing.pages === pages) {
          this.areas.set(page, this.record(page, pages, this.entryInfo(e)));
          counts.existing++;
          placed.push(page);
          continue;
        }
        if (!this.lazy.reserve(page, pages)) throw new Error(`loadVmallocInfo: reserve(${page}, ${pages}) failed after the check`);
        this.lazyVmAreas.delete(page);
      } else {
        page = floor < this.vmallocPages.end ? this.allocVmapArea(pages, this.reallocAlign(e, pages), floor, this.vmallocPages.end, true) : undefined;
        if (page === undefined) {
          failed.push(e);
          placed.push(undefined);
          continue;
        }
        floor = page + pages;
      }
      placed.push(page);
      if (e.kind === "unpurged vm_area") {
        this.markLazyVmArea(page);
        this.lazy.free(page);
        counts.lazy++;
      } else if (e.kind === "vm_map_ram") {
        this.ramAreas.set(page, pages);
        counts.ram++;
      } else {
        this.areas.set(page, this.record(page, pages, this.entryInfo(e)));
        counts.areas++;
      }
    }
    this.linkPagesArrays(entries, placed);
    return { mode: placeAtAddress ? "addresses" : "reallocate", ...counts, failed };
  }

  // ------------------------------------------------------------------ introspection

  /** A snapshot of everything the simulated kernel counts. */
  stats(): KernelStats {
    const s = this.lazy.stats();
    return {
      allocator: this.allocator.stats() as KernelStats["allocator"],
      lazy: s.lazy,
      blocks: this.blocks.stats(),
      vmallocs: this.vmallocs,
      vmallocFailures: this.vmallocFailures,
      vfrees: this.vfrees,
      vmAreas: this.areas.size,
      warnings: this.warnings,
    };
  }

  /** Verifies the allocator's, the lazy layer's and the blocks' invariants, then K1–K3. */
  check(): void {
    this.lazy.check();
    this.blocks.check();
    for (const area of this.areas.values()) {
      const busy = this.allocator.find(area.page);
      if (!busy || busy.start !== area.page || busy.end !== area.page + area.pages) {
        throw new Error(`K1 broken: vm area at page ${area.page} (+${area.pages}) is not one busy area of the allocator`);
      }
    }
    const lazyStarts = new Set(this.lazy.lazyAreas().map((r) => r.start));
    const blockStarts = new Set(this.blocks.blocks().map((b) => b.start));
    for (const r of this.allocator.busyAreas()) {
      if (!this.areas.has(r.start) && !blockStarts.has(r.start) && !this.ramAreas.has(r.start) && !lazyStarts.has(r.start)) {
        throw new Error(`K2 broken: busy area [${r.start}, ${r.end}) (pages) belongs to nothing`);
      }
    }
    if (this.lazyEra === "5.2") {
      for (const page of this.lazyVmAreas) {
        if (!lazyStarts.has(page)) throw new Error(`K3 broken: page ${page} is marked VM_LAZY_FREE but is not waiting for a purge`);
      }
    }
  }

  // ------------------------------------------------------------------ internals

  /**
   * `__get_vm_area_node`: ioremap alignment, guard page, `alloc_vmap_area`, and the vm_struct record.
   * `pages` excludes the guard page. Returns the start page.
   */
  private getVmAreaNode(pages: number, align: number, flags: number, vstart: number, vend: number, caller: string | undefined, noWarn: boolean, phys?: bigint): number | undefined {
    if (flags & VM_IOREMAP) align = this.ioremapAlign(pages);
    const total = flags & VM_NO_GUARD ? pages : pages + 1;
    const page = this.allocVmapArea(total, align, vstart, vend, noWarn);
    if (page === undefined) return undefined;
    this.areas.set(page, this.record(page, total, { ...NO_INFO, flags, caller, phys }));
    return page;
  }

  /** `1 << clamp(get_count_order(size), PAGE_SHIFT, IOREMAP_MAX_ORDER)` in bytes, for `pages` without guard. */
  private ioremapAlign(pages: number): number {
    return 2 ** Math.min(Math.max(countOrder(BigInt(pages) * this.pageBig), this.profile.pageShift), this.profile.ioremapMaxOrder);
  }

  /** `alloc_vmap_area` through the lazy layer (which purges, retries, calls notifiers and warns). */
  private allocVmapArea(pages: number, alignBytes: number, vstart: number, vend: number, noWarn: boolean): number | undefined {
    if (noWarn) this.quiet++;
    let page: number | undefined;
    try {
      page = this.lazy.alloc(pages, alignBytes, vstart, vend);
    } finally {
      if (noWarn) this.quiet--;
    }
    // A start page handed out again is no longer the lazily freed area that was there.
    if (page !== undefined) this.lazyVmAreas.delete(page);
    return page;
  }

  /** `__vmalloc_node_range`'s `fail:` label: `warn_alloc(... "vmalloc: allocation failure: %lu bytes")`. */
  private vmallocFailed(size: Bytes, noWarn: boolean): undefined {
    this.vmallocFailures++;
    if (!noWarn) this.warn(`vmalloc: allocation failure: ${String(size)} bytes`);
    return undefined;
  }

  /** `remove_vm_area`: forget the vm_struct, mark the area `VM_LAZY_FREE`, lazily free it. */
  private removeArea(page: number): void {
    this.areas.delete(page);
    this.markLazyVmArea(page);
    this.lazy.free(page);
  }

  /**
   * Era 5.2: remember, before it is queued, that the lazily freed area at `page` came from `remove_vm_area`
   * (`VM_LAZY_FREE`); if the free's own threshold purge returns it at once, `forgetPurged` drops the mark.
   */
  private markLazyVmArea(page: number): void {
    if (this.lazyEra === "5.2") this.lazyVmAreas.add(page);
  }

  /** After a purge: drop `VM_LAZY_FREE` marks of areas that went back to the free space. */
  private forgetPurged(): void {
    if (this.lazyVmAreas.size === 0) return;
    const queued = new Set(this.lazy.lazyAreas().map((r) => r.start));
    for (const page of this.lazyVmAreas) if (!queued.has(page)) this.lazyVmAreas.delete(page);
  }

  private record(page: number, pages: number, info: AreaInfo): AreaRecord {
    return Object.freeze({
      addr: this.toAddr(page),
      size: pages * this.pageSize,
      flags: info.flags,
      caller: info.caller,
      nrPages: info.nrPages,
      physAddr: info.phys,
      // Callers build a fresh array (or pass the frozen empty one): freezing it in place saves a copy.
      numa: Object.isFrozen(info.numa) ? info.numa : Object.freeze(info.numa as number[]),
      vpages: info.vpages,
      page,
      pages,
      pagesArray: info.pagesArray,
    });
  }

  /** The vm area fields of a vmallocinfo line (NUMA counts as an array indexed by node). */
  private entryInfo(e: VmallocInfoEntry): AreaInfo {
    const numa = new Array<number>(this.numaNodes).fill(0);
    for (const [node, count] of e.numa ?? []) {
      while (numa.length <= node) numa.push(0);
      numa[node] = count;
    }
    return { flags: e.flags, caller: e.caller, nrPages: e.pages ?? 0, phys: e.phys, numa, vpages: e.vpages === true, pagesArray: undefined };
  }

  /** Alignment for re-allocating a vmallocinfo line: the ioremap size order, a vmap block's, or none. */
  private reallocAlign(e: VmallocInfoEntry, pages: number): number {
    if (e.kind === "vm_map_ram") return pages === this.blocks.geometry.bits ? pages * this.pageSize : this.pageSize;
    if (e.kind === undefined && e.flags & VM_IOREMAP) return this.ioremapAlign(Math.max(1, pages - 1));
    return 1;
  }

  /** Links each loaded ` vpages` area to the first later loaded area that can be its pages array. */
  private linkPagesArrays(entries: readonly VmallocInfoEntry[], placed: readonly (number | undefined)[]): void {
    const taken = new Set<number>();
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const page = placed[i];
      if (page === undefined || e.kind !== undefined || e.vpages !== true || !e.pages) continue;
      const arrayPages = Math.ceil((e.pages * this.ptrBytes) / this.pageSize);
      for (let j = i + 1; j < entries.length; j++) {
        const a = entries[j]!;
        const at = placed[j];
        if (at === undefined || taken.has(j) || a.kind !== undefined || !(a.flags & VM_ALLOC) || a.caller !== e.caller || a.pages !== arrayPages) continue;
        const area = this.areas.get(page)!;
        this.areas.set(page, this.record(page, area.pages, { flags: area.flags, caller: area.caller, nrPages: area.nrPages, phys: area.physAddr, numa: area.numa, vpages: true, pagesArray: at }));
        taken.add(j);
        break;
      }
    }
  }

  /** Why the entries cannot be placed at their addresses, or `undefined` when they can. */
  private addressProblem(entries: readonly VmallocInfoEntry[]): string | undefined {
    const windows: Range[] = [this.vmallocPages, modulesRangePages(this.profile)];
    const ranges: { start: number; end: number; line: number }[] = [];
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const line = `entry ${i} (${formatAddress(e.start % (1n << BigInt(this.profile.bits)), this.profile.bits)}, ${e.size} bytes)`;
      if (e.start % this.pageBig !== 0n || e.size % this.pageSize !== 0 || e.end - e.start !== BigInt(e.size)) {
        return `${line} is not whole pages with end - start == size`;
      }
      if (e.end > this.byteLimit) return `${line} lies outside the ${this.profile.bits}-bit address space`;
      const start = Number(e.start / this.pageBig);
      const end = start + e.size / this.pageSize;
      const existing = e.kind === undefined ? this.areas.get(start) : undefined;
      if (existing !== undefined && existing.pages === end - start) continue;
      if (!windows.some((w) => start >= w.start && end <= w.end)) return `${line} lies outside the vmalloc and modules ranges of ${this.profile.id}`;
      ranges.push({ start, end, line: i });
    }
    ranges.sort((a, b) => a.start - b.start);
    for (let i = 1; i < ranges.length; i++) {
      if (ranges[i]!.start < ranges[i - 1]!.end) return `entries ${ranges[i - 1]!.line} and ${ranges[i]!.line} overlap`;
    }
    // Every range must lie inside one free block of the current state.
    const free = [...this.allocator.freeAreas()];
    let f = 0;
    for (const r of ranges) {
      while (f < free.length && free[f]!.end <= r.start) f++;
      const block = free[f];
      if (block === undefined || block.start > r.start || block.end < r.end) return `entry ${r.line} overlaps space that is busy or lazily freed here`;
    }
    return undefined;
  }

  private requireEntry(e: unknown, i: number): asserts e is VmallocInfoEntry {
    const v = e as Partial<VmallocInfoEntry> | null;
    const ok =
      typeof v === "object" &&
      v !== null &&
      typeof v.start === "bigint" &&
      typeof v.end === "bigint" &&
      v.start >= 0n &&
      v.end >= 0n &&
      typeof v.size === "number" &&
      Number.isSafeInteger(v.size) &&
      v.size > 0 &&
      Math.ceil(v.size / this.pageSize) <= this.pageCount &&
      typeof v.flags === "number" &&
      Number.isSafeInteger(v.flags) &&
      v.flags >= 0 &&
      (v.kind === undefined || v.kind === "unpurged vm_area" || v.kind === "vm_map_ram") &&
      (v.caller === undefined || typeof v.caller === "string") &&
      (v.pages === undefined || (Number.isSafeInteger(v.pages) && v.pages >= 0)) &&
      (v.phys === undefined || (typeof v.phys === "bigint" && v.phys >= 0n)) &&
      (v.numa === undefined || (Array.isArray(v.numa) && v.numa.every((p) => Array.isArray(p) && Number.isSafeInteger(p[0]) && p[0] >= 0 && p[0] < 4096 && Number.isSafeInteger(p[1]) && p[1] >= 0)));
    if (!ok) throw new KernelError("EINVAL", `entry ${i} is not a vmallocinfo entry { start, end: bigint; size > 0; flags; ... }: pass what parseVmallocInfo returns`);
  }

  private warn(message: string): void {
    if (this.quiet > 0) return;
    this.warnings++;
    this.onWarn?.(message);
  }

  private toAddr(page: number): bigint {
    return BigInt(page) * this.pageBig;
  }

  private toPage(addr: bigint): number {
    return Number(addr / this.pageBig);
  }

  /** `PAGE_ALIGN(size) >> PAGE_SHIFT`. */
  private pageAlign(size: unknown, what: string): number {
    if (!isBytes(size)) throw new KernelError("EINVAL", `${what} ${show(size)} is invalid: pass a non-negative integer byte count (number or bigint)`);
    if (typeof size === "number") {
      // Exact: a safe integer divided by a power of two, rounded up.
      const pages = Math.ceil(size / this.pageSize);
      if (pages > this.pageCount) throw new KernelError("EINVAL", `${what} ${show(size)} is larger than the address space`);
      return pages;
    }
    const big = BigInt(size);
    const pages = (big + this.pageBig - 1n) / this.pageBig;
    if (pages > this.pageCountBig) throw new KernelError("EINVAL", `${what} ${show(size)} is larger than the address space`);
    return Number(pages);
  }

  private requireAlign(align: unknown): number {
    const value = typeof align === "bigint" ? Number(align) : align;
    if (typeof value !== "number" || !(value >= 1) || value !== 2 ** Math.round(Math.log2(value)) || value >= 2 ** this.profile.bits) {
      throw new KernelError("EINVAL", `align ${show(align)} is invalid: pass a power of two below 2^${this.profile.bits} (bytes)`);
    }
    if (this.allocatorKind === "legacy" && value > LEGACY_MAX_ALIGN) {
      throw new KernelError("EINVAL", `align ${show(align)} is beyond what the legacy allocator takes (2^52 bytes); use the augmented allocator for larger alignments`);
    }
    return value;
  }

  private requireFlags(flags: unknown): void {
    if (typeof flags !== "number" || !Number.isSafeInteger(flags) || flags < 0) throw new KernelError("EINVAL", `flags ${show(flags)} are invalid: pass VM_* bits`);
  }

  private requireNode(node: unknown): number {
    if (node === undefined || node === null || node === NUMA_NO_NODE) return NUMA_NO_NODE;
    if (typeof node !== "number" || !Number.isSafeInteger(node) || node < 0 || node >= this.numaNodes) {
      throw new KernelError("EINVAL", `node ${show(node)} is invalid: pass NUMA_NO_NODE (-1) or a node in [0, ${this.numaNodes - 1}]`);
    }
    return node;
  }

  /** A byte window `[start, end)` as pages (start rounded up, end down); default the vmalloc range. */
  private window(start: bigint | undefined, end: bigint | undefined): { start: number; end: number } {
    if (start === undefined && end === undefined) return this.vmallocPages;
    const limit = this.byteLimit;
    const s = start ?? this.profile.vmallocStart;
    const e = end ?? this.profile.vmallocEnd;
    if (typeof s !== "bigint" || typeof e !== "bigint" || s < 0n || e > limit || s >= e) {
      throw new KernelError("EINVAL", `window [${show(start)}, ${show(end)}) is invalid: pass bigint byte addresses with start < end inside the address space`);
    }
    const ps = Number((s + this.pageBig - 1n) / this.pageBig);
    const pe = Number(e / this.pageBig);
    if (ps >= pe) throw new KernelError("EINVAL", `window [${formatAddress(s, this.profile.bits)}, ${formatAddress(e, this.profile.bits)}) holds no whole page`);
    return { start: ps, end: pe };
  }

  private pageOf(addr: unknown, what: string): number {
    if (typeof addr !== "bigint" || addr < 0n || addr >= this.byteLimit) {
      throw new KernelError("EINVAL", `${what}: address ${show(addr)} is invalid: pass the bigint the allocation returned`);
    }
    if (addr % this.pageBig !== 0n) throw new KernelError("EINVAL", `${what}: address ${formatAddress(addr, this.profile.bits)} is not page aligned`);
    return Number(addr / this.pageBig);
  }

  private areaStart(addr: unknown, what: string): number {
    const page = this.pageOf(addr, what);
    if (!this.areas.has(page)) {
      throw new KernelError("ENOENT", `Trying to ${what}() nonexistent vm area (${formatAddress(addr as bigint, this.profile.bits)}): pass an address the allocation returned, once`);
    }
    return page;
  }
}

/**
 * Builds a simulated kernel. Defaults: x86-64 4-level paging, 4 CPUs, the augmented (5.2) allocator with
 * the padded search, 5.2 lazy purge.
 * @throws KernelError `EINVAL` for a bad option (ArchError `ENOENT` for an unknown profile or machine id).
 */
export function createKernel(options: KernelOptions = {}): Kernel {
  return new Kernel(options);
}
