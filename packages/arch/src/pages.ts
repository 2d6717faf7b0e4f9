import { ArchError } from "./errors.js";
import type { ArchProfile } from "./profile.js";

/**
 * How `toPages` treats a byte value that is not a multiple of the page size: `"exact"` throws,
 * `"down"` truncates (`addr >> PAGE_SHIFT`), `"up"` rounds up (`PAGE_ALIGN(size) >> PAGE_SHIFT`).
 */
export type PageRounding = "exact" | "down" | "up";

export interface ToPagesOptions {
  /** Default `"exact"`. */
  readonly round?: PageRounding;
}

/** A half-open range of page numbers `[start, end)`, as the allocator takes it. */
export interface PageRange {
  readonly start: number;
  readonly end: number;
}

/**
 * 2^bits as a bigint: one past the last byte address of the profile (`ULONG_MAX + 1`). O(1).
 * @see include/uapi/asm-generic/bitsperlong.h: BITS_PER_LONG
 */
export function addressLimit(profile: ArchProfile): bigint {
  return 1n << BigInt(profile.bits);
}

/**
 * 2^(bits − pageShift): the number of pages in the address space (a safe integer by P2). O(1).
 * @see include/asm-generic/page.h: PAGE_SHIFT
 */
export function pageLimit(profile: ArchProfile): number {
  return 2 ** (profile.bits - profile.pageShift);
}

/**
 * Byte value → page number (or byte size → page count), exactly. `bytes` may be anything in
 * `[0, 2^bits]` (the upper end included, so an exclusive end of the whole space converts too).
 * Throws `ArchError` `EINVAL` for a non-bigint or, with `round: "exact"` (the default), a value that is
 * not a multiple of the page size; `ERANGE` outside `[0, 2^bits]`. O(1).
 * @see include/linux/mm.h: PAGE_ALIGN; include/linux/pfn.h: PHYS_PFN
 */
export function toPages(profile: ArchProfile, bytes: bigint, options: ToPagesOptions = {}): number {
  if (typeof bytes !== "bigint") {
    throw new ArchError("EINVAL", `toPages takes a bigint byte value, got ${typeof bytes} ${String(bytes)}; write e.g. 4096n or BigInt(x)`);
  }
  const round = options.round ?? "exact";
  if (round !== "exact" && round !== "down" && round !== "up") {
    throw new ArchError("EINVAL", `toPages: round ${JSON.stringify(round)} is not one of "exact", "down", "up"`);
  }
  const limit = addressLimit(profile);
  if (bytes < 0n || bytes > limit) {
    throw new ArchError("ERANGE", `toPages: ${bytes} is outside [0, 2^${profile.bits}] for profile ${profile.id}`);
  }
  const size = BigInt(profile.pageSize);
  const rest = bytes % size;
  if (rest !== 0n && round === "exact") {
    throw new ArchError(
      "EINVAL",
      `toPages: 0x${bytes.toString(16)} is not a multiple of the ${profile.pageSize}-byte page of ${profile.id}; align it or pass { round: "down" } or { round: "up" }`,
    );
  }
  const pages = bytes / size + (rest !== 0n && round === "up" ? 1n : 0n);
  return Number(pages);
}

/**
 * Page number (or page count) → bytes. Throws `ArchError` `EINVAL` for a value that is not an integer
 * number (NaN, fractions, non-numbers), `ERANGE` outside `[0, 2^(bits − pageShift)]`. O(1).
 * @see include/linux/pfn.h: PFN_PHYS
 */
export function toBytes(profile: ArchProfile, pages: number): bigint {
  if (typeof pages !== "number" || !Number.isInteger(pages)) {
    throw new ArchError("EINVAL", `toBytes takes an integer page number, got ${typeof pages} ${String(pages)}`);
  }
  if (pages < 0 || pages > pageLimit(profile)) {
    throw new ArchError("ERANGE", `toBytes: page ${pages} is outside [0, 2^${profile.bits - profile.pageShift}] for profile ${profile.id}`);
  }
  return BigInt(pages) << BigInt(profile.pageShift);
}

/**
 * `[VMALLOC_START, VMALLOC_END)` in page numbers, the window a `vmalloc` request passes to the allocator.
 * The end is rounded down: with page-granular sizes nothing can end above the last whole page below
 * `VMALLOC_END` (x86-64 loses its last page this way, exactly like the kernel). O(1).
 * @see mm/vmalloc.c: __vmalloc_node_range (vstart = VMALLOC_START, vend = VMALLOC_END)
 */
export function vmallocRangePages(profile: ArchProfile): PageRange {
  return Object.freeze({
    start: toPages(profile, profile.vmallocStart, { round: "up" }),
    end: toPages(profile, profile.vmallocEnd, { round: "down" }),
  });
}

/**
 * `[MODULES_VADDR, MODULES_END)` in page numbers, start rounded up and end down. O(1).
 * @see mm/execmem.c (v6.18; arch module_alloc in v5.2): allocations in [MODULES_VADDR, MODULES_END)
 */
export function modulesRangePages(profile: ArchProfile): PageRange {
  return Object.freeze({
    start: toPages(profile, profile.modulesStart, { round: "up" }),
    end: toPages(profile, profile.modulesEnd, { round: "down" }),
  });
}

/**
 * `VMALLOC_TOTAL = VMALLOC_END − VMALLOC_START` in bytes (32 TiB − 1 on x86-64: the kernel's own
 * figure). The allocatable part is `vmallocRangePages` times the page size. O(1).
 * @see include/linux/vmalloc.h: VMALLOC_TOTAL
 */
export function vmallocSize(profile: ArchProfile): bigint {
  return profile.vmallocEnd - profile.vmallocStart;
}

/**
 * `VMALLOC_START ≤ addr < VMALLOC_END`. O(1).
 * @see mm/vmalloc.c: is_vmalloc_addr
 */
export function isVmallocAddress(profile: ArchProfile, addr: bigint): boolean {
  return addr >= profile.vmallocStart && addr < profile.vmallocEnd;
}
