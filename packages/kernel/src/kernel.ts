import {
  type ArchProfile,
  DEFAULT_PROFILE_ID,
  type MachinePreset,
  formatAddress,
  getMachine,
  getProfile,
  pageLimit,
  toPages,
  vmallocRangePages,
} from "@kva/arch";
import { LazyPurge, type PurgeNotifier } from "@kva/lazy-purge";
import { type KvaAllocator, VmapSpace } from "@kva/vmap";
import { LegacyVmapSpace } from "@kva/vmap-legacy";
import { KernelError } from "./errors.js";
import { VM_ALLOC, VM_IOREMAP, VM_MAP, VM_NO_GUARD, VM_USERMAP } from "./flags.js";
import type { AllocatorKind, KernelOptions, KernelStats, LazyEra, VmArea, VmallocRangeOptions } from "./types.js";
import { type VmallocInfoEntry, formatVmallocInfo } from "./vmallocinfo.js";
import { VmapBlocks, vmapBlockGeometry } from "./vmap-blocks.js";

/** `NUMA_NO_NODE`: allocate on the current CPU's node. */
export const NUMA_NO_NODE = -1;

const DEFAULT_TOTAL_RAM = 16 * 2 ** 30;

type Bytes = number | bigint;

interface AreaRecord extends VmArea {
  /** Start page. */
  readonly page: number;
  /** Pages including the guard page. */
  readonly pages: number;
  /** Start page of the vmalloc'ed pages array, when `vpages`. */
  readonly pagesArray: number | undefined;
}

function isBytes(value: unknown): value is Bytes {
  return (typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && !Object.is(value, -0)) || (typeof value === "bigint" && value >= 0n);
}

function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
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
  private currentCpu = 0;
  private vmallocs = 0;
  private vmallocFailures = 0;
  private vfrees = 0;
  private warnings = 0;

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
    this.profile = profile;
    this.machine = machine;
    this.cpus = cpus;
    this.numaNodes = numaNodes;
    this.allocatorKind = allocatorKind;
    this.lazyEra = lazyEra;
    this.pageSize = profile.pageSize;
    this.pageBig = BigInt(profile.pageSize);
    this.vmallocPages = vmallocRangePages(profile);
    this.totalRamPages = Math.floor(totalRam / profile.pageSize);
    this.ptrBytes = profile.bits / 8;
    this.shmlba = profile.arch === "arm" ? 4 * profile.pageSize : profile.pageSize;
    this.cpuNode = machine && machine.cpus === cpus && machine.numaNodes === numaNodes
      ? machine.cpuNode
      : Array.from({ length: cpus }, (_, cpu) => Math.floor((cpu * numaNodes) / cpus));
    this.configNuma = profile.bits === 64;
    this.onWarn = options.onWarn;

    // The free tree starts as [1, ULONG_MAX) minus early areas; in pages [0, 2^bits / PAGE_SIZE).
    const early = options.earlyAreas === false ? [] : profile.earlyAreas.map((a) => ({ start: toPages(profile, a.start), end: toPages(profile, a.end) }));
    const spaceOptions = { start: 0, end: pageLimit(profile), pageSize: 1, alignShift: profile.pageShift, early };
    this.allocator = allocatorKind === "legacy" ? new LegacyVmapSpace(spaceOptions) : new VmapSpace({ ...spaceOptions, search: options.search ?? "padded" });
    this.lazy = new LazyPurge(this.allocator, {
      era: lazyEra,
      cpus,
      pageBytes: profile.pageSize,
      pageSize: 1,
      ...(options.lazyMaxPages === undefined ? {} : { lazyMaxPages: options.lazyMaxPages }),
      onWarn: (message) => this.warn(message),
    });
    for (const a of profile.earlyAreas) {
      const page = toPages(profile, a.start);
      const pages = toPages(profile, a.end) - page;
      this.areas.set(page, this.record(page, pages, VM_MAP, a.name, 0, undefined, [], undefined));
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

  /** `vmalloc(size)`: `size` bytes rounded up to pages, plus a guard page, anywhere in the vmalloc range. */
  vmalloc(size: Bytes, caller?: string): bigint | undefined {
    return this.vmallocNodeRange(size, 1, undefined, undefined, { caller });
  }

  /** `vzalloc(size)`: as `vmalloc`, zeroed. */
  vzalloc(size: Bytes, caller?: string): bigint | undefined {
    return this.vmallocNodeRange(size, 1, undefined, undefined, { caller, zero: true });
  }

  /** `vmalloc_user(size)`: zeroed, aligned to `SHMLBA`, flagged `VM_USERMAP`. */
  vmallocUser(size: Bytes, caller?: string): bigint | undefined {
    return this.vmallocNodeRange(size, this.shmlba, undefined, undefined, { caller, zero: true, flags: VM_USERMAP });
  }

  /** `vmalloc_node(size, node)`: pages from NUMA node `node`. */
  vmallocNode(size: Bytes, node: number, caller?: string): bigint | undefined {
    return this.vmallocNodeRange(size, 1, undefined, undefined, { caller, node });
  }

  /**
   * `__vmalloc_node_range(size, align, start, end, gfp, prot, vm_flags, node, caller)`: `size` bytes
   * (rounded up to pages; more than total RAM fails) with a guard page unless `VM_NO_GUARD`, aligned to
   * `align` bytes, inside `[start, end)` (default the vmalloc range). Returns the address or `undefined`
   * after the kernel's failure path (purge, retry, notifiers, warnings).
   *
   * @throws KernelError `EINVAL` for a size or alignment that is not a non-negative integer / power of two,
   *   or a window outside the address space.
   * @see mm/vmalloc.c: __vmalloc_node_range, __vmalloc_area_node
   */
  vmallocNodeRange(size: Bytes, align: Bytes, start: bigint | undefined, end: bigint | undefined, options: VmallocRangeOptions = {}): bigint | undefined {
    const pages = this.pageAlign(size, "size");
    const alignBytes = this.requireAlign(align);
    const window = this.window(start, end);
    const node = this.requireNode(options.node);
    if (pages === 0 || pages > this.totalRamPages) {
      this.vmallocFailures++;
      if (!options.noWarn) this.warn(`vmalloc: allocation failure: ${String(size)} bytes`);
      return undefined;
    }
    const flags = (options.flags ?? 0) | VM_ALLOC;
    const page = this.getVmAreaNode(pages, alignBytes, flags, window.start, window.end, options.caller, options.noWarn ?? false);
    if (page === undefined) {
      this.vmallocFailures++;
      if (!options.noWarn) this.warn(`vmalloc: allocation failure: ${String(size)} bytes`);
      return undefined;
    }
    // __vmalloc_area_node: the pages array is vmalloc'ed itself when it needs more than a page.
    const area = this.areas.get(page)!;
    const nrPages = area.pages - (flags & VM_NO_GUARD ? 0 : 1);
    const arrayBytes = nrPages * this.ptrBytes;
    let pagesArray: number | undefined;
    if (arrayBytes > this.pageSize) {
      const nested = this.vmallocNodeRange(arrayBytes, 1, undefined, undefined, { caller: options.caller, node: options.node, noWarn: options.noWarn });
      if (nested === undefined) {
        this.removeArea(page);
        return undefined;
      }
      pagesArray = this.toPage(nested);
    }
    const numa = new Array<number>(this.numaNodes).fill(0);
    numa[node === NUMA_NO_NODE ? this.cpuNode[this.currentCpu]! : node] = nrPages;
    this.areas.set(page, this.record(page, area.pages, area.flags, area.caller, nrPages, undefined, numa, pagesArray));
    this.vmallocs++;
    return this.toAddr(page);
  }

  /**
   * `vfree(addr)`: lazily frees the area (then its vmalloc'ed pages array, as `__vunmap` does).
   * `vfree(undefined)` does nothing.
   *
   * @throws KernelError `ENOENT` for an address that is not the start of a vm area (the kernel WARNs
   *   "Trying to vfree() nonexistent vm area"); `EINVAL` for one that is not page aligned.
   */
  vfree(addr: bigint | undefined): void {
    if (addr === undefined) return;
    const page = this.areaStart(addr, "vfree");
    const area = this.areas.get(page)!;
    this.removeArea(page);
    this.vfrees++;
    if (area.pagesArray !== undefined) this.vfree(this.toAddr(area.pagesArray));
  }

  /**
   * `get_vm_area(size, flags)`: reserves `size` bytes (plus a guard page unless `VM_NO_GUARD`) in the vmalloc
   * range without pages. `VM_IOREMAP` requests get the size-order alignment.
   * @see mm/vmalloc.c: get_vm_area, get_vm_area_caller, __get_vm_area_node
   */
  getVmArea(size: Bytes, flags = 0, caller?: string): VmArea | undefined {
    return this.getVmAreaRange(size, flags, undefined, undefined, caller);
  }

  /** `__get_vm_area(size, flags, start, end)`. */
  getVmAreaRange(size: Bytes, flags: number, start: bigint | undefined, end: bigint | undefined, caller?: string): VmArea | undefined {
    const pages = this.pageAlign(size, "size");
    this.requireFlags(flags);
    const window = this.window(start, end);
    if (pages === 0) return undefined;
    const page = this.getVmAreaNode(pages, 1, flags, window.start, window.end, caller, false);
    return page === undefined ? undefined : this.areas.get(page);
  }

  /** `find_vm_area(addr)`: the vm area starting at `addr`'s page, if any. */
  findVmArea(addr: bigint): VmArea | undefined {
    if (typeof addr !== "bigint" || addr < 0n) return undefined;
    return this.areas.get(Number(addr / this.pageBig));
  }

  /** Every live vm area in address order. */
  vmAreas(): VmArea[] {
    return [...this.areas.values()].sort((a, b) => a.page - b.page);
  }

  /** `remove_vm_area(addr)`: unmaps and lazily frees the area; returns it, or `undefined` if none. */
  removeVmArea(addr: bigint): VmArea | undefined {
    if (typeof addr !== "bigint" || addr < 0n || addr % this.pageBig !== 0n) return undefined;
    const page = Number(addr / this.pageBig);
    const area = this.areas.get(page);
    if (!area) return undefined;
    this.removeArea(page);
    return area;
  }

  /** `free_vm_area(area)`: `remove_vm_area` of an area that must exist. */
  freeVmArea(area: VmArea): void {
    if (this.removeVmArea(area.addr) === undefined) {
      throw new KernelError("ENOENT", `free_vm_area: no vm area at ${formatAddress(area.addr, this.profile.bits)}; free each area once`);
    }
  }

  /** `vmap(pages, count, VM_MAP, prot)`: maps `count` pages in the vmalloc range (guard page added). */
  vmap(count: number, flags = VM_MAP, caller?: string): bigint | undefined {
    if (!Number.isSafeInteger(count) || count < 1) throw new KernelError("EINVAL", `count ${show(count)} is invalid: pass a positive number of pages`);
    this.requireFlags(flags);
    if (count > this.totalRamPages) return undefined;
    const page = this.getVmAreaNode(count, 1, flags, this.vmallocPages.start, this.vmallocPages.end, caller, false);
    return page === undefined ? undefined : this.toAddr(page);
  }

  /** `vunmap(addr)`: unmaps a vmap'ed area (lazily freed; pages are not freed). */
  vunmap(addr: bigint): void {
    const page = this.areaStart(addr, "vunmap");
    this.removeArea(page);
  }

  /**
   * `ioremap(phys, size)`: maps `size` bytes of physical address `phys`; the area is aligned to
   * `2^clamp(count_order(size), PAGE_SHIFT, IOREMAP_MAX_ORDER)`. Returns the virtual address of `phys`.
   */
  ioremap(phys: bigint, size: Bytes, caller?: string): bigint | undefined {
    if (typeof phys !== "bigint" || phys < 0n) throw new KernelError("EINVAL", `phys ${show(phys)} is invalid: pass a non-negative bigint`);
    if (!isBytes(size) || BigInt(size) === 0n) throw new KernelError("EINVAL", `size ${show(size)} is invalid: pass a positive byte count`);
    const offset = phys % this.pageBig;
    const base = phys - offset;
    const last = phys + BigInt(size) - 1n;
    const pages = Number((last + 1n - base + this.pageBig - 1n) / this.pageBig);
    const page = this.getVmAreaNode(pages, 1, VM_IOREMAP, this.vmallocPages.start, this.vmallocPages.end, caller, false, base);
    return page === undefined ? undefined : this.toAddr(page) + offset;
  }

  /** `iounmap(addr)`. */
  iounmap(addr: bigint): void {
    if (typeof addr !== "bigint") throw new KernelError("EINVAL", `addr ${show(addr)} is invalid: pass the bigint ioremap returned`);
    this.vunmap(addr - (addr % this.pageBig));
  }

  /**
   * `vm_map_ram(pages, count, node)`: up to `VMAP_MAX_ALLOC` pages come from the current CPU's vmap blocks
   * (rounded up to a power of two, no guard page); larger counts get their own area aligned to a page.
   */
  vmMapRam(count: number): bigint | undefined {
    if (!Number.isSafeInteger(count) || count < 1) throw new KernelError("EINVAL", `count ${show(count)} is invalid: pass a positive number of pages`);
    if (count <= this.blocks.geometry.maxAlloc) {
      const page = this.blocks.alloc(this.currentCpu, count);
      return page === undefined ? undefined : this.toAddr(page);
    }
    const page = this.allocVmapArea(count, this.pageSize, this.vmallocPages.start, this.vmallocPages.end, false);
    if (page === undefined) return undefined;
    this.ramAreas.set(page, count);
    return this.toAddr(page);
  }

  /** `vm_unmap_ram(addr, count)`. */
  vmUnmapRam(addr: bigint, count: number): void {
    if (!Number.isSafeInteger(count) || count < 1) throw new KernelError("EINVAL", `count ${show(count)} is invalid: pass the count given to vm_map_ram`);
    const page = this.pageOf(addr, "vm_unmap_ram");
    if (count <= this.blocks.geometry.maxAlloc) {
      this.blocks.free(page, count);
      return;
    }
    if (this.ramAreas.get(page) !== count) {
      throw new KernelError("ENOENT", `vm_unmap_ram: no ${count}-page vm_map_ram area at ${formatAddress(addr, this.profile.bits)}; pass what vm_map_ram returned`);
    }
    this.ramAreas.delete(page);
    this.lazy.free(page);
  }

  /**
   * `vm_unmap_aliases()`: retires fragmented vmap blocks and purges every lazily freed area, flushing the
   * dirty pages of vmap blocks too.
   */
  vmUnmapAliases(): void {
    const dirty = this.blocks.dirtyRange();
    this.blocks.purgeFragmented();
    this.lazy.purge(dirty);
  }

  /** `register_vmap_purge_notifier`: returns the unregister function. */
  addPurgeNotifier(notifier: PurgeNotifier): () => void {
    return this.lazy.addPurgeNotifier(notifier);
  }

  // ------------------------------------------------------------------ introspection

  /** `/proc/vmallocinfo` as the kernel prints it (addresses unhashed, as with kptr_restrict and CAP_SYSLOG). */
  vmallocinfo(): string {
    return formatVmallocInfo(this.vmallocinfoEntries(), this.profile.bits);
  }

  /** The entries behind `vmallocinfo()`. */
  vmallocinfoEntries(): VmallocInfoEntry[] {
    const entries: VmallocInfoEntry[] = [];
    const lazy = this.lazy.lazyAreas();
    const lazyStarts = new Set(lazy.map((r) => r.start));
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
        entries.push({ start, end, size, flags: 0, kind: lazyStarts.has(r.start) ? "unpurged vm_area" : "vm_map_ram" });
      }
    }
    if (this.lazyEra === "5.11") {
      for (const r of lazy) {
        entries.push({ start: this.toAddr(r.start), end: this.toAddr(r.end), size: (r.end - r.start) * this.pageSize, flags: 0, kind: "unpurged vm_area" });
      }
    }
    return entries;
  }

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

  /** Verifies the allocator's, the lazy layer's and the blocks' invariants, then K1 and K2. */
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
  }

  // ------------------------------------------------------------------ internals

  /**
   * `__get_vm_area_node`: ioremap alignment, guard page, `alloc_vmap_area`, and the vm_struct record.
   * `pages` excludes the guard page. Returns the start page.
   */
  private getVmAreaNode(pages: number, align: number, flags: number, vstart: number, vend: number, caller: string | undefined, noWarn: boolean, phys?: bigint): number | undefined {
    if (flags & VM_IOREMAP) {
      const order = Math.min(Math.max(countOrder(BigInt(pages) * this.pageBig), this.profile.pageShift), this.profile.ioremapMaxOrder);
      align = 2 ** order;
    }
    const total = flags & VM_NO_GUARD ? pages : pages + 1;
    const page = this.allocVmapArea(total, align, vstart, vend, noWarn);
    if (page === undefined) return undefined;
    this.areas.set(page, this.record(page, total, flags, caller, 0, phys, [], undefined));
    return page;
  }

  /** `alloc_vmap_area` through the lazy layer (which purges, retries, calls notifiers and warns). */
  private allocVmapArea(pages: number, alignBytes: number, vstart: number, vend: number, noWarn: boolean): number | undefined {
    if (noWarn) {
      const before = this.warnings;
      const page = this.lazy.alloc(pages, alignBytes, vstart, vend);
      this.warnings = before;
      return page;
    }
    return this.lazy.alloc(pages, alignBytes, vstart, vend);
  }

  private removeArea(page: number): void {
    this.areas.delete(page);
    this.lazy.free(page);
  }

  private record(page: number, pages: number, flags: number, caller: string | undefined, nrPages: number, phys: bigint | undefined, numa: readonly number[], pagesArray: number | undefined): AreaRecord {
    return Object.freeze({
      addr: this.toAddr(page),
      size: pages * this.pageSize,
      flags,
      caller,
      nrPages,
      physAddr: phys,
      numa: Object.freeze([...numa]),
      vpages: pagesArray !== undefined,
      page,
      pages,
      pagesArray,
    });
  }

  private warn(message: string): void {
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
    const big = BigInt(size);
    const pages = (big + this.pageBig - 1n) / this.pageBig;
    if (pages > BigInt(pageLimit(this.profile))) throw new KernelError("EINVAL", `${what} ${show(size)} is larger than the address space`);
    return Number(pages);
  }

  private requireAlign(align: unknown): number {
    const value = typeof align === "bigint" ? Number(align) : align;
    if (typeof value !== "number" || !(value >= 1) || value !== 2 ** Math.round(Math.log2(value)) || value > 2 ** this.profile.bits) {
      throw new KernelError("EINVAL", `align ${show(align)} is invalid: pass a power of two no larger than 2^${this.profile.bits} (bytes)`);
    }
    return value;
  }

  private requireFlags(flags: unknown): void {
    if (typeof flags !== "number" || !Number.isSafeInteger(flags) || flags < 0) throw new KernelError("EINVAL", `flags ${show(flags)} are invalid: pass VM_* bits`);
  }

  private requireNode(node: unknown): number {
    const n = node ?? NUMA_NO_NODE;
    if (n !== NUMA_NO_NODE && (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0 || n >= this.numaNodes)) {
      throw new KernelError("EINVAL", `node ${show(node)} is invalid: pass NUMA_NO_NODE (-1) or a node in [0, ${this.numaNodes - 1}]`);
    }
    return n as number;
  }

  /** A byte window `[start, end)` as pages (start rounded up, end down); default the vmalloc range. */
  private window(start: bigint | undefined, end: bigint | undefined): { start: number; end: number } {
    const limit = BigInt(pageLimit(this.profile)) * this.pageBig;
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
    if (typeof addr !== "bigint" || addr < 0n) throw new KernelError("EINVAL", `${what}: address ${show(addr)} is invalid: pass the bigint the allocation returned`);
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
 */
export function createKernel(options: KernelOptions = {}): Kernel {
  return new Kernel(options);
}
