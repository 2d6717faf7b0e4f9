import { describe, einval, isCount, isPowerOfTwo } from "./validate.js";

/** The lazy backlog allowed per `fls(ncpus)` step: 32 MiB (`lazy_max_pages`, identical in v5.0, v5.2, v6.18). */
export const LAZY_MAX_BYTES = 32 * 1024 * 1024;

/** The smallest page size `lazyMaxPages` accepts (1 KiB; real kernels use 4, 16 or 64 KiB). */
export const MIN_PAGE_BYTES = 1024;

/**
 * `fls(n)`: the 1-based index of the highest set bit, ⌊log2 n⌋ + 1 for n ≥ 1 and 0 for n = 0 (not log2 n:
 * `fls(4) = 3`). Exact for every safe integer.
 *
 * @throws LazyPurgeError `EINVAL` unless `n` is a non-negative safe integer.
 * @see include/asm-generic/bitops/fls.h: fls
 */
export function fls(n: number): number {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw einval(`fls(${describe(n)}): pass a non-negative safe integer`);
  }
  if (n < 2 ** 31) return 32 - Math.clz32(n);
  let bits = 31;
  let rest = Math.floor(n / 2 ** 31);
  while (rest >= 1) {
    rest = Math.floor(rest / 2);
    bits++;
  }
  return bits;
}

/**
 * `lazy_max_pages()`: how many pages of lazily freed areas may wait before a purge,
 * `fls(cpus) × (32 MiB / pageBytes)`. More CPUs mean more TLBs to shoot down per flush, so the kernel
 * lets the backlog grow (logarithmically) to amortise each flush over more frees; the price is address
 * space that stays unusable until the purge.
 *
 *     lazyMaxPages(1)  = 8192     lazyMaxPages(4)  = 24576     lazyMaxPages(128, 65536) = 4096
 *
 * @param cpus online CPUs, a positive safe integer.
 * @param pageBytes page size in bytes (default 4096), a power of two in [1 KiB, 32 MiB].
 * @returns pages (units of `pageBytes`).
 * @throws LazyPurgeError `EINVAL` for a bad argument.
 * @see mm/vmalloc.c: lazy_max_pages
 */
export function lazyMaxPages(cpus: number, pageBytes = 4096): number {
  if (!isCount(cpus)) throw einval(`cpus ${describe(cpus)} is invalid: pass the number of online CPUs, a positive safe integer`);
  if (!isPowerOfTwo(pageBytes) || pageBytes < MIN_PAGE_BYTES || pageBytes > LAZY_MAX_BYTES) {
    throw einval(`pageBytes ${describe(pageBytes)} is invalid: pass a power of two between ${MIN_PAGE_BYTES} and ${LAZY_MAX_BYTES} (4096 for 4 KiB pages)`);
  }
  return fls(cpus) * (LAZY_MAX_BYTES / pageBytes);
}
