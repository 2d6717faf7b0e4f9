import { BenchError, describe } from "./errors.js";
import { BenchRandom } from "./random.js";

/**
 * A seeded interleaving of W workers on one shared kernel: the stand-in for W CPUs running
 * `test_vmalloc` at once (KERNEL.md §7.3). Each step picks a runnable worker uniformly at random, sets
 * `kernel.cpu` to that worker's CPU and advances it one burst of iterations (a random length in
 * `[burst.min, burst.max]`), timing the burst with the clock (by default the process's CPU time). Same seed and same workers → the same
 * sequence of slices, hence the same sequence of requests reaching the allocator.
 *
 *     seed ─► BenchRandom ─► pick worker w (among runnable) ─► kernel.cpu = cpu(w)
 *                         └► burst k ∈ [min, max]          ─► t0 = clock(); w.run(k); t1 = clock()
 *                                                             charge t1 − t0 to w's current test
 *
 * Invariants: S1 a burst never crosses a test boundary (a worker's `run` stops when its current test
 * returns), so each timed slice belongs to exactly one (worker, test); S2 the interleaving depends only
 * on the seed and the workers' step counts, never on the clock.
 *
 * Timing: one pair of clock reads per burst, so with bursts of 32–256 iterations the timer overhead is
 * well below 1 % of a slice.
 */

/** A worker as the scheduler sees it. */
export interface Schedulable {
  /** The simulated CPU it runs on. */
  readonly cpu: number;
  /** True once the worker has finished all its tests. */
  readonly done: boolean;
  /**
   * Advances by at most `maxSteps` iterations, stopping early at the end of a test (S1). Returns the
   * iterations done (≥ 1 unless already done; a test that returns without yielding counts as one).
   */
  run(maxSteps: number): number;
  /** Charges `ns` of measured time to the slice just run (called right after `run`). */
  charge(ns: number): void;
}

/** Burst lengths in iterations. A number means a fixed length. */
export type BurstOption = number | { readonly min: number; readonly max: number };

export interface SchedulerOptions {
  readonly seed: number;
  /** Default `{ min: 32, max: 256 }`. */
  readonly burst?: BurstOption;
  /** Nanosecond clock. Default {@link cpuClock}. */
  readonly clock?: () => bigint;
  /** Called before each slice, after `kernel.cpu` is set (the harness snapshots counters here). */
  readonly beforeSlice?: (worker: number) => void;
  /** Called after each slice with what ran. */
  readonly onSlice?: (slice: Slice) => void;
}

/** One scheduling step. */
export interface Slice {
  readonly worker: number;
  readonly cpu: number;
  readonly steps: number;
  readonly ns: number;
}

/** What a whole run did. */
export interface ScheduleSummary {
  readonly slices: number;
  readonly steps: number;
  /** Elapsed time of the whole interleaved run on the scheduler's clock (all workers, serialized). */
  readonly elapsedNs: number;
}

export const DEFAULT_BURST = { min: 32, max: 256 } as const;

function requireBurst(burst: BurstOption): { min: number; max: number } {
  const b = typeof burst === "number" ? { min: burst, max: burst } : burst;
  if (typeof b !== "object" || b === null || !Number.isSafeInteger(b.min) || !Number.isSafeInteger(b.max) || b.min < 1 || b.max < b.min || b.max > 1_000_000) {
    throw new BenchError("EINVAL", `burst ${describe(burst)} is invalid: pass an integer ≥ 1 or { min, max } with 1 ≤ min ≤ max ≤ 1000000`);
  }
  return b;
}

/** Wall-clock nanoseconds: `process.hrtime.bigint`. */
export function hrtimeClock(): bigint {
  return process.hrtime.bigint();
}

/**
 * CPU-time nanoseconds of this process (`process.cpuUsage()`, user + system, µs resolution): time the
 * process actually ran, so other load on the machine does not inflate a measurement. It counts every
 * thread of the process (V8's background compiler and GC threads included).
 */
export function cpuClock(): bigint {
  const u = process.cpuUsage();
  return BigInt(u.user + u.system) * 1000n;
}

/** What a harness measures with: the process's CPU time (default) or the wall clock. */
export type Timer = "cpu" | "wall";

/** The clock of a timer. */
export function clockFor(timer: Timer): () => bigint {
  return timer === "wall" ? hrtimeClock : cpuClock;
}

/**
 * Runs `workers` to completion on `kernel`, interleaved as described above.
 * @throws BenchError `EINVAL` for a bad seed or burst; whatever a worker throws.
 */
export function runScheduled(kernel: { cpu: number }, workers: readonly Schedulable[], options: SchedulerOptions): ScheduleSummary {
  if (!Number.isSafeInteger(options.seed)) throw new BenchError("EINVAL", `seed ${describe(options.seed)} is invalid: pass a safe integer`);
  const burst = requireBurst(options.burst ?? DEFAULT_BURST);
  const clock = options.clock ?? cpuClock;
  const random = new BenchRandom(options.seed);
  const runnable = workers.map((_, i) => i).filter((i) => !workers[i]!.done);
  let slices = 0;
  let steps = 0;
  const start = clock();
  while (runnable.length > 0) {
    const pick = runnable.length === 1 ? 0 : random.int(0, runnable.length - 1);
    const w = runnable[pick]!;
    const worker = workers[w]!;
    const k = burst.min === burst.max ? burst.min : random.int(burst.min, burst.max);
    if (kernel.cpu !== worker.cpu) kernel.cpu = worker.cpu;
    options.beforeSlice?.(w);
    const t0 = clock();
    const done = worker.run(k);
    const ns = Number(clock() - t0);
    worker.charge(ns);
    slices++;
    steps += done;
    options.onSlice?.({ worker: w, cpu: worker.cpu, steps: done, ns });
    if (worker.done) runnable.splice(pick, 1);
  }
  return { slices, steps, elapsedNs: Number(clock() - start) };
}
