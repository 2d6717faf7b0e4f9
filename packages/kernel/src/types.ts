import type { ArchProfile, MachinePreset } from "@kva/arch";
import type { LazyStats } from "@kva/lazy-purge";
import type { KvaStats, SearchPolicy } from "@kva/vmap";
import type { VmallocInfoEntry } from "./vmallocinfo.js";
import type { VmapBlockStats } from "./vmap-blocks.js";

/** Which KVA allocator the kernel runs: the 5.2 free tree ("patched") or the pre-5.2 busy list ("default"). */
export type AllocatorKind = "augmented" | "legacy";
/** Lazy-purge era: 5.2 (LIFO list, areas stay busy until purged) or 5.11+ (merging address-sorted tree). */
export type LazyEra = "5.2" | "5.11";

/** Options of {@link createKernel}. Every field is optional. */
export interface KernelOptions {
  /** Architecture profile or its id (see @kva/arch). Default `x86_64-4level`, or the machine's profile. */
  readonly profile?: string | ArchProfile;
  /** Machine preset or its id: sets profile, CPUs and NUMA nodes unless given separately. */
  readonly machine?: string | MachinePreset;
  /** Online CPUs (`num_online_cpus()`): lazy_max_pages and vmap block queues. Default 4 (or the machine's). */
  readonly cpus?: number;
  /** NUMA nodes (pages of an area are counted per node in vmallocinfo). Default 1 (or the machine's). */
  readonly numaNodes?: number;
  /** Default `'augmented'`. */
  readonly allocator?: AllocatorKind;
  /** Search policy of the augmented allocator. Default `'padded'` (5.2). Ignored by `'legacy'`. */
  readonly search?: SearchPolicy;
  /** Default `'5.2'`. */
  readonly lazy?: LazyEra;
  /** Overrides `lazy_max_pages()` (pages). */
  readonly lazyMaxPages?: number;
  /** `totalram_pages()` in bytes: vmalloc of more fails. Default 16 GiB. */
  readonly totalRamBytes?: number;
  /** Compile-time `NR_CPUS` (vmap block size). Default 64 on 64-bit, 8 on 32-bit profiles. */
  readonly nrCpusConfig?: number;
  /** Register the profile's early areas (`vm_area_add_early`) before init. Default true. */
  readonly earlyAreas?: boolean;
  /** Called with each kernel warning (allocation failure messages), as `pr_warn` would print it. */
  readonly onWarn?: (message: string) => void;
}

/** A `struct vm_struct`: one busy area made by `get_vm_area`/`vmalloc`/`vmap`/`ioremap`. */
export interface VmArea {
  /** Start address (bytes). */
  readonly addr: bigint;
  /** Size in bytes, including the guard page unless `VM_NO_GUARD`. */
  readonly size: number;
  readonly flags: number;
  /** Caller tag, printed as `%pS` in vmallocinfo (e.g. `fix_size_alloc_test+0x2c/0x60 [test_vmalloc]`). */
  readonly caller: string | undefined;
  /** Backing pages (vmalloc/vmap); 0 for get_vm_area and ioremap. */
  readonly nrPages: number;
  /** Physical address of an ioremap. */
  readonly physAddr: bigint | undefined;
  /** Pages per NUMA node. */
  readonly numa: readonly number[];
  /** The pages array is itself vmalloc'ed (` vpages`): more than one page of pointers. */
  readonly vpages: boolean;
}

/** Extra arguments of `__vmalloc_node_range` / `__get_vm_area_node`. */
export interface VmallocRangeOptions {
  /** `vm_struct` flags, e.g. `VM_NO_GUARD`, `VM_USERMAP`. Default 0 (vmalloc adds `VM_ALLOC`). */
  readonly flags?: number;
  /** NUMA node for the pages (`NUMA_NO_NODE` = -1: the current CPU's node). */
  readonly node?: number;
  readonly caller?: string;
  /** `__GFP_NOWARN`: no warning on failure. */
  readonly noWarn?: boolean;
  /** Zero the pages (`__GFP_ZERO`); recorded only. */
  readonly zero?: boolean;
}

/** A snapshot of everything the simulated kernel counts. */
export interface KernelStats {
  /** The KVA allocator's own stats (fits, list steps for legacy, ...). */
  readonly allocator: KvaStats & Record<string, unknown>;
  readonly lazy: LazyStats;
  readonly blocks: VmapBlockStats;
  /** vmalloc-family calls that returned an address / failed. */
  readonly vmallocs: number;
  readonly vmallocFailures: number;
  readonly vfrees: number;
  /** Live vm areas (vm_structs). */
  readonly vmAreas: number;
  /** Warnings emitted. */
  readonly warnings: number;
}

/** How {@link Kernel.loadVmallocInfo} places the lines of a vmallocinfo file. */
export type LoadMode = "auto" | "addresses" | "reallocate";

/** Options of `loadVmallocInfo`. */
export interface LoadVmallocInfoOptions {
  /**
   * `'addresses'`: place every line at its address (throws when they cannot be used); `'reallocate'`:
   * allocate the lines again in file order (for hashed or zeroed addresses); `'auto'` (default): addresses
   * when usable, else reallocate.
   */
  readonly mode?: LoadMode;
}

/** What `loadVmallocInfo` did. */
export interface LoadVmallocInfoResult {
  /** How the lines were placed. */
  readonly mode: "addresses" | "reallocate";
  /** vm areas created (lines with a caller, flags, pages...). */
  readonly areas: number;
  /** `unpurged vm_area` lines, now lazily freed areas. */
  readonly lazy: number;
  /** `vm_map_ram` lines, now large vm_map_ram areas. */
  readonly ram: number;
  /** Lines equal to a vm area that already existed (an early area), whose record they updated. */
  readonly existing: number;
  /** Lines that found no room when reallocated (nothing else fails). */
  readonly failed: readonly VmallocInfoEntry[];
}
