/**
 * What the harness needs from a simulated kernel, named method by method so that `@kva/kernel`'s `Kernel`
 * satisfies it structurally and tests can pass a cheap recording fake (`@kva/bench/debug`).
 */

/** The profile fields the tests read (`@kva/arch` `ArchProfile` has them all). */
export interface KernelProfileLike {
  /** `BITS_PER_LONG` (align_shift_alloc_test's loop bound, pointer size of the tests' arrays). */
  readonly bits: 32 | 64;
  /** `PAGE_SIZE` in bytes. */
  readonly pageSize: number;
  /** `VMALLOC_START`, inclusive (bytes). */
  readonly vmallocStart: bigint;
  /** `VMALLOC_END`, exclusive (bytes). */
  readonly vmallocEnd: bigint;
  /** `THREAD_ALIGN` in bytes (fix_align_alloc_test aligns to twice it). */
  readonly threadAlign: number;
}

/** Fit counts as the allocators report them (KERNEL.md §3.2). */
export interface FitCountsLike {
  readonly FL: number;
  readonly LE: number;
  readonly RE: number;
  readonly NE: number;
}

/**
 * The `stats()` fields the harness reads. `allocator` is open: the legacy allocator adds `listSteps`,
 * `maxWalk`, `cacheHits` and `cacheResets` (read when present).
 */
export interface KernelStatsLike {
  readonly allocator: { readonly fits: FitCountsLike; readonly allocs: number; readonly failures: number; readonly [key: string]: unknown };
  readonly lazy: { readonly purges: { readonly threshold: number; readonly failure: number; readonly explicit: number } };
  readonly vmallocs: number;
  readonly vmallocFailures: number;
  readonly vfrees: number;
}

/** Extra arguments of `vmallocNodeRange` the tests pass. */
export interface VmallocRangeOptionsLike {
  readonly caller?: string;
  readonly zero?: boolean;
}

/**
 * The kernel surface the `test_vmalloc` workloads use. Addresses are bigint bytes; `undefined` is the
 * kernel's NULL.
 * @see lib/test_vmalloc.c
 */
export interface KernelLike {
  readonly profile: KernelProfileLike;
  /** Online CPUs. */
  readonly cpus: number;
  /** The CPU the caller runs on; the scheduler sets it before every slice of a worker. */
  cpu: number;
  vmalloc(size: number, caller?: string): bigint | undefined;
  vmallocNodeRange(size: number, align: number | bigint, start: bigint | undefined, end: bigint | undefined, options?: VmallocRangeOptionsLike): bigint | undefined;
  vfree(addr: bigint | undefined): void;
  vmMapRam(count: number): bigint | undefined;
  vmUnmapRam(addr: bigint, count: number): void;
  stats(): KernelStatsLike;
}

/** What `kva map` needs from a kernel. */
export interface MapKernelLike {
  readonly profile: KernelProfileLike;
  /** `/proc/vmallocinfo` text. */
  vmallocinfo(): string;
}

/** The counters the harness reports per test, worker and stack: deltas of {@link KernelStatsLike}. */
export interface TestCounters {
  /** vmalloc-family calls that returned an address / that failed. */
  readonly vmallocs: number;
  readonly vmallocFailures: number;
  readonly vfrees: number;
  /** Successful KVA allocations by fit type (the legacy allocator counts the equivalent split case). */
  readonly fits: FitCountsLike;
  /** Lazy purges that returned at least one area, all triggers. */
  readonly purges: number;
  readonly purgesByTrigger: { readonly threshold: number; readonly failure: number; readonly explicit: number };
  /** Legacy allocator only (else null): busy-list steps walked. */
  readonly listSteps: number | null;
  /** Legacy allocator only (else null): cache resets, all causes (KERNEL.md §8 step 2–3). */
  readonly cacheResets: number | null;
}

/** A snapshot reduced to plain numbers (cheap to subtract). */
export type CounterSnapshot = Float64Array;

const N = 14;

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** Reads the counters of a stats snapshot into a fresh vector (index layout private to this module). */
export function snapshotCounters(stats: KernelStatsLike): CounterSnapshot {
  const a = stats.allocator;
  const s = new Float64Array(N);
  s[0] = stats.vmallocs;
  s[1] = stats.vmallocFailures;
  s[2] = stats.vfrees;
  s[3] = a.fits.FL;
  s[4] = a.fits.LE;
  s[5] = a.fits.RE;
  s[6] = a.fits.NE;
  s[7] = stats.lazy.purges.threshold;
  s[8] = stats.lazy.purges.failure;
  s[9] = stats.lazy.purges.explicit;
  const legacy = typeof a.listSteps === "number";
  s[10] = legacy ? 1 : 0;
  s[11] = num(a.listSteps);
  let resets = 0;
  if (typeof a.cacheResets === "object" && a.cacheResets !== null) {
    for (const v of Object.values(a.cacheResets as Record<string, unknown>)) resets += num(v);
  }
  s[12] = resets;
  return s;
}

/** An accumulator of counter deltas. */
export function zeroCounters(): CounterSnapshot {
  return new Float64Array(N);
}

/** `acc += after − before`; the legacy marker is or-ed. */
export function addDelta(acc: CounterSnapshot, before: CounterSnapshot, after: CounterSnapshot): void {
  for (let i = 0; i < N; i++) if (i !== 10) acc[i] = acc[i]! + after[i]! - before[i]!;
  if (after[10] === 1) acc[10] = 1;
}

/** `acc += other`. */
export function addCounters(acc: CounterSnapshot, other: CounterSnapshot): void {
  for (let i = 0; i < N; i++) if (i !== 10) acc[i] = acc[i]! + other[i]!;
  if (other[10] === 1) acc[10] = 1;
}

/** The public view of an accumulator. */
export function toTestCounters(c: CounterSnapshot): TestCounters {
  const legacy = c[10] === 1;
  return {
    vmallocs: c[0]!,
    vmallocFailures: c[1]!,
    vfrees: c[2]!,
    fits: { FL: c[3]!, LE: c[4]!, RE: c[5]!, NE: c[6]! },
    purges: c[7]! + c[8]! + c[9]!,
    purgesByTrigger: { threshold: c[7]!, failure: c[8]!, explicit: c[9]! },
    listSteps: legacy ? c[11]! : null,
    cacheResets: legacy ? c[12]! : null,
  };
}
