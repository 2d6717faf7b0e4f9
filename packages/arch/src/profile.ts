/**
 * The shape of an architecture profile, and the one constructor every profile goes through (built-in or
 * parsed from JSON).
 *
 * Conventions held by every profile (checked for custom profiles by `parseProfile`, for the built-ins by
 * the tests):
 * - P1 byte addresses are bigint and lie below 2^bits; page counts are numbers (safe integers).
 * - P2 `pageSize` is a power of two ≥ 1024 and 2^bits / pageSize ≤ 2^53, so every page number of the
 *   address space is an exact number (DESIGN.md "Numbers").
 * - P3 range starts are page-aligned; range ends are page-aligned or one byte below a page boundary
 *   (the kernel's x86-64 `VMALLOC_END` is `START + SIZE − 1` and is still used as an exclusive bound).
 * - P4 `start < end` for every range; `earlyAreas` are page-aligned, sorted and do not overlap.
 * - P5 profiles are frozen, arrays included.
 */

/** Architecture family names used by the built-in profiles; custom profiles may use any string. */
export type ArchName = "x86_64" | "i386" | "arm64" | "arm" | "riscv64" | (string & {});

/** A half-open byte range `[start, end)`. */
export interface AddressRange {
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * A range registered before `vmalloc_init()` (`vm_area_add_early` / `vm_area_register_early`): busy from
 * the first allocation on, so the free tree starts with a hole there.
 * @see mm/vmalloc.c: vm_area_add_early, vmalloc_init
 */
export interface EarlyArea extends AddressRange {
  /** What the area holds, e.g. `"kernel text"`. */
  readonly name: string;
}

/**
 * One architecture, page size and paging mode, with the kernel's address layout for it.
 *
 * `vmallocEnd` keeps the kernel's literal `VMALLOC_END`. The allocator uses it as an exclusive bound
 * (`va_end <= vend`), so when it is one byte below a page boundary (x86-64) the last page under it can
 * never be allocated; `vmallocRangePages` rounds it down to a page for exactly that reason.
 * @see include/linux/vmalloc.h: VMALLOC_TOTAL; mm/vmalloc.c: is_vmalloc_addr
 */
export interface ArchProfile {
  /** Stable id, e.g. `"x86_64-4level"`, `"arm64-4k-48-v5.2"`. */
  readonly id: string;
  /** Human name, e.g. `"x86-64, 4-level paging"`. */
  readonly name: string;
  readonly arch: ArchName;
  /** Word size: `BITS_PER_LONG`. Every address of the profile is below 2^bits. */
  readonly bits: 32 | 64;
  /** Virtual-address bits of the paging mode (informative: 48, 39, 57...). */
  readonly vaBits: number;
  /** `PAGE_SIZE` in bytes. */
  readonly pageSize: number;
  /** `PAGE_SHIFT`: log2(pageSize). */
  readonly pageShift: number;
  /** `VMALLOC_START`, inclusive. */
  readonly vmallocStart: bigint;
  /** `VMALLOC_END`, the kernel's literal value, used as an exclusive bound. */
  readonly vmallocEnd: bigint;
  /** `MODULES_VADDR`, inclusive. */
  readonly modulesStart: bigint;
  /** `MODULES_END`, exclusive. */
  readonly modulesEnd: bigint;
  /** `THREAD_ALIGN` in bytes; `lib/test_vmalloc.c` fix_align_alloc_test aligns to `THREAD_ALIGN << 1`. */
  readonly threadAlign: number;
  /** `IOREMAP_MAX_ORDER`: the largest alignment shift `__get_vm_area_node` gives a `VM_IOREMAP` area. */
  readonly ioremapMaxOrder: number;
  /** Which kernels the layout is taken from, e.g. `"v6.18"`. */
  readonly kernelVersion: string;
  /** Kernel source files the values come from. */
  readonly source: readonly string[];
  /** Configuration assumed and what varies (KASLR, KASAN, HIGHMEM...). */
  readonly notes: string;
  /** Ranges registered before `vmalloc_init()`; empty for every built-in profile. */
  readonly earlyAreas: readonly EarlyArea[];
}

/** Input of `defineProfile`: a profile without the derived `pageShift`. */
export type ProfileSpec = Omit<ArchProfile, "pageShift">;

/**
 * Builds a frozen profile (P5) and derives `pageShift`. Does not validate: built-ins are checked by the
 * tests, custom profiles by `parseProfile` before they get here.
 */
export function defineProfile(spec: ProfileSpec): ArchProfile {
  const earlyAreas = Object.freeze(spec.earlyAreas.map((a) => Object.freeze({ start: a.start, end: a.end, name: a.name })));
  return Object.freeze({
    id: spec.id,
    name: spec.name,
    arch: spec.arch,
    bits: spec.bits,
    vaBits: spec.vaBits,
    pageSize: spec.pageSize,
    pageShift: Math.log2(spec.pageSize),
    vmallocStart: spec.vmallocStart,
    vmallocEnd: spec.vmallocEnd,
    modulesStart: spec.modulesStart,
    modulesEnd: spec.modulesEnd,
    threadAlign: spec.threadAlign,
    ioremapMaxOrder: spec.ioremapMaxOrder,
    kernelVersion: spec.kernelVersion,
    source: Object.freeze([...spec.source]),
    notes: spec.notes,
    earlyAreas,
  });
}
