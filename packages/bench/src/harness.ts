import { type KernelOptions, createKernel } from "@kva/kernel";
import { type CycleClock, cycleClockFor, nsToCycles } from "./clock.js";
import { BenchError, describe } from "./errors.js";
import {
  type CounterSnapshot,
  type KernelLike,
  type TestCounters,
  addCounters,
  addDelta,
  snapshotCounters,
  toTestCounters,
  zeroCounters,
} from "./kernel-like.js";
import {
  type Era,
  type Mode,
  type ParamName,
  type ParamSource,
  type Preset,
  type TestVmallocParams,
  requireEra,
  resolveParams,
} from "./params.js";
import { BenchRandom } from "./random.js";
import { type BurstOption, type Schedulable, type Timer, clockFor, hrtimeClock, runScheduled } from "./scheduler.js";
import { kernelShuffle } from "./shuffle.js";
import { type TestCase, type TestEnv, type TestName, type TestRun, enabledTests, testCasesFor } from "./tests.js";

/**
 * The `test_vmalloc` harness: resolves the module parameters, builds the workers the module would start,
 * runs them on one simulated kernel through the seeded scheduler, and collects per worker and test what
 * the kernel reports (passed/failed/xfailed, repeat, loops, average µs per repeat) plus counter deltas
 * from `kernel.stats()` and the estimated cycles of `All test took`.
 *
 * Workers (KERNEL.md §7.3): era 5.2 starts one worker per online CPU, pinned, labelled `CPU<n>`
 * (`single_cpu_test` → CPU0 only); era 6.18 starts `nr_threads` (0 → 1, max 65535) unpinned workers
 * labelled `worker<i>`, placed here on CPU `i mod cpus`. Each worker shuffles the whole test index array
 * with the kernel's shuffle unless `sequential_test_order`, then runs each enabled test
 * `test_repeat_count` times. A worker's time is the sum of its own slices: on the real machine the CPUs
 * run in parallel, here they take turns on one thread.
 *
 * Counters are exact per (worker, test): the harness snapshots `kernel.stats()` whenever the running
 * (worker, test) changes and charges the delta to the one that ran. (With several workers that is nearly
 * every slice; the legacy allocator's `stats()` is O(N), which slows stress runs but not their timings:
 * snapshots are taken outside the timed slices.)
 *
 * @see lib/test_vmalloc.c: test_func, init_test_configurtion, do_concurrent_test
 */

/** The two kernels of the seed's tables. */
export type StackName = "default" | "patched";

export interface StackSpec {
  readonly name: StackName;
  readonly allocator: "legacy" | "augmented";
  readonly lazy: "5.2";
  readonly search: "padded" | undefined;
  readonly description: string;
}

/** default = the pre-5.2 busy-list allocator + 5.2 lazy purge; patched = the 5.2 free tree + 5.2 lazy purge. */
export const STACKS: Readonly<Record<StackName, StackSpec>> = {
  default: {
    name: "default",
    allocator: "legacy",
    lazy: "5.2",
    search: undefined,
    description: "pre-5.2 busy-list allocator with its one-entry cache (@kva/vmap-legacy) + 5.2 lazy purge",
  },
  patched: {
    name: "patched",
    allocator: "augmented",
    lazy: "5.2",
    search: "padded",
    description: "5.2 free-tree allocator, padded search (@kva/vmap) + 5.2 lazy purge",
  },
};

/** Builds a kernel for a stack. Default: `@kva/kernel` `createKernel`. */
export type KernelFactory = (options: KernelOptions) => KernelLike;

/** Default machine preset: the seed's x86-64 laptop (4 CPUs, 2.6 GHz TSC). */
export const DEFAULT_MACHINE = "i5-3320m";

/** Default kvfree_rcu grace period, in loop iterations (see `TestEnv.rcuGracePeriod`). */
export const DEFAULT_RCU_GRACE_PERIOD = 1000;

export interface TestVmallocOptions {
  /** Which kernel to build. Default `'patched'`. Ignored when `kernel` is given. */
  readonly stack?: StackName;
  /** Run on this kernel (fresh, not shared with another run) instead of building one. */
  readonly kernel?: KernelLike;
  /** Builds the kernel. Default `createKernel` of @kva/kernel. */
  readonly createKernel?: KernelFactory;
  /**
   * Machine preset id (CPUs, profile, cycle counter). Default `'i5-3320m'`; `null` for none (the
   * kernel's own defaults, 1 GHz nominal cycles).
   */
  readonly machine?: string | null;
  /** More kernel options (profile, cpus, lazyMaxPages...); `allocator`, `lazy` and `search` come from the stack. */
  readonly kernelOptions?: Omit<KernelOptions, "allocator" | "lazy" | "search" | "machine">;
  /** Module and script era. Default `'5.2'`. */
  readonly era?: Era;
  /** `test_vmalloc.sh` mode; undefined = module defaults only (`test_vmalloc.sh key=value ...`). */
  readonly mode?: Mode;
  /** Scale preset. Default `'kernel'` (none). */
  readonly preset?: Preset;
  /** User parameters: `key=value` strings or an object; applied last. */
  readonly params?: Partial<TestVmallocParams> | readonly string[];
  /** Seed of every random choice (shuffles, random sizes, scheduling). Default 1. */
  readonly seed?: number;
  /** Scheduler burst lengths. Default `{ min: 32, max: 256 }`. */
  readonly burst?: BurstOption;
  /** kvfree_rcu grace period in loop iterations. Default 1000. */
  readonly rcuGracePeriod?: number;
  /**
   * What the slices are timed with. Default `'cpu'`: the process's CPU time, the analogue of a test
   * kthread's time on its own CPU (a dedicated CPU's ktime), and immune to other load on the machine.
   * `'wall'`: the wall clock, like the kernel's ktime on a machine that is busy with nothing else.
   */
  readonly timer?: Timer;
  /** A nanosecond clock overriding `timer` (tests inject a fake). */
  readonly clock?: () => bigint;
  /** Progress: test start/end per worker, and a tick about every half second of measured time. */
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  readonly kind: "test-start" | "test-end" | "tick";
  readonly stack: string;
  readonly worker: number;
  readonly label: string;
  /** The test starting, ending, or running (tick). */
  readonly test: TestName;
  /** Loop iterations done by all workers so far (tick), or by this worker in this test (test-end). */
  readonly steps: number;
  /** Measured ns of this stack so far. */
  readonly elapsedNs: number;
  /** test-end: the counts. */
  readonly passed?: number;
  readonly failed?: number;
  readonly xfailed?: number;
}

/** One test's result on one worker. */
export interface TestResult {
  readonly name: TestName;
  readonly index: number;
  readonly bit: number;
  /** Runs that returned 0. */
  readonly passed: number;
  /** Runs that returned nonzero (5.2 counts align_shift here). */
  readonly failed: number;
  /** (6.18) Expected failures. */
  readonly xfailed: number;
  /** The test is expected to fail (align_shift); failures of it are not regressions in any era. */
  readonly expectedToFail: boolean;
  readonly repeat: number;
  /** `test_loop_count` as the kernel prints it. */
  readonly loops: number;
  /** Measured time of all repeats. */
  readonly elapsedNs: number;
  /** `elapsed / test_repeat_count` in µs (the kernel prints it truncated to an integer). */
  readonly avgUs: number;
  /** Loop iterations (yields) of all repeats, setup and cleanup loops included. */
  readonly steps: number;
  readonly counters: TestCounters;
}

export interface WorkerResult {
  readonly index: number;
  readonly cpu: number;
  /** `CPU<n>` (5.2) or `worker<i>` (6.18): the name in `All test took`. */
  readonly label: string;
  /** The worker's test order (after its shuffle; the whole index array, enabled or not). */
  readonly order: readonly TestName[];
  /** Enabled, available tests in index order (the kernel's Summary order). */
  readonly tests: readonly TestResult[];
  /** The worker's own measured time. */
  readonly ns: number;
  /** Estimated `stop − start` cycles (see `clock`). */
  readonly cycles: number;
}

export interface RunTotals {
  /** Sum of the workers' own time. */
  readonly ns: number;
  /** Wall-clock time of the whole run (all workers, counter snapshots included). */
  readonly wallNs: number;
  /** The longest worker: what a wall clock would show were the CPUs really parallel. */
  readonly maxWorkerNs: number;
  /** Sum of the workers' estimated cycles. */
  readonly cycles: number;
  readonly passed: number;
  readonly failed: number;
  readonly xfailed: number;
  /** Failures of tests that are not expected to fail. */
  readonly unexpectedFailures: number;
}

/** One `test_vmalloc` run on one kernel. */
export interface TestVmallocRun {
  readonly stack: StackName | "custom";
  readonly allocator: string;
  readonly stackDescription: string;
  readonly era: Era;
  readonly mode: Mode | undefined;
  readonly preset: Preset;
  readonly seed: number;
  readonly params: TestVmallocParams;
  readonly paramSources: Readonly<Record<ParamName, ParamSource>>;
  /** The era's parameter names in `modinfo` order. */
  readonly paramNames: readonly ParamName[];
  readonly machine: string | undefined;
  readonly cpus: number;
  readonly clock: CycleClock;
  /** What the times were measured with (`'custom'` for an injected clock). */
  readonly timer: Timer | "custom";
  readonly rcuGracePeriod: number;
  readonly workers: readonly WorkerResult[];
  /** Enabled tests that cannot run here (pcpu_alloc_test), with the reason. */
  readonly unavailable: readonly { readonly name: TestName; readonly reason: string }[];
  readonly totals: RunTotals;
  /** Counter deltas of the whole run. */
  readonly counters: TestCounters;
  /** Scheduler slices and iterations. */
  readonly slices: number;
  readonly steps: number;
}

interface Slot {
  passed: number;
  failed: number;
  xfailed: number;
  ns: number;
  steps: number;
  readonly counters: CounterSnapshot;
}

class Worker implements Schedulable {
  done = false;
  ns = 0;
  private pos = 0;
  private repeat = 0;
  private gen: TestRun | undefined;
  private slotAtStart = -1;
  readonly slots = new Map<number, Slot>();

  constructor(
    readonly index: number,
    readonly cpu: number,
    readonly label: string,
    readonly order: readonly TestCase[],
    private readonly runList: readonly TestCase[],
    private readonly repeats: number,
    private readonly env: TestEnv,
    private readonly events: {
      start(w: Worker, t: TestCase): void;
      end(w: Worker, t: TestCase, slot: Slot): void;
    },
  ) {
    for (const t of runList) this.slots.set(t.index, { passed: 0, failed: 0, xfailed: 0, ns: 0, steps: 0, counters: zeroCounters() });
    this.done = runList.length === 0;
  }

  /** The test the next slice runs (index), or −1 when done. */
  currentSlot(): number {
    return this.done ? -1 : this.runList[this.pos]!.index;
  }

  run(maxSteps: number): number {
    if (this.done) return 0;
    const test = this.runList[this.pos]!;
    const slot = this.slots.get(test.index)!;
    this.slotAtStart = test.index;
    let steps = 0;
    while (steps < maxSteps) {
      if (this.gen === undefined) {
        if (this.repeat === 0) this.events.start(this, test);
        this.gen = test.run!(this.env);
      }
      const r = this.gen.next();
      steps++;
      if (!r.done) continue;
      this.gen = undefined;
      if (r.value === 0) slot.passed++;
      else if (test.xfail && this.env.era === "6.18") slot.xfailed++;
      else slot.failed++;
      if (++this.repeat === this.repeats) {
        this.repeat = 0;
        this.pos++;
        if (this.pos === this.runList.length) this.done = true;
        slot.steps += steps;
        this.events.end(this, test, slot);
        return steps;
      }
    }
    slot.steps += steps;
    return steps;
  }

  charge(ns: number): void {
    this.ns += ns;
    this.slots.get(this.slotAtStart)!.ns += ns;
  }
}

function requireSeed(seed: unknown): number {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) throw new BenchError("EINVAL", `seed ${describe(seed)} is invalid: pass a safe integer such as 1`);
  return seed;
}

/**
 * Runs `test_vmalloc` once on one kernel (see the module comment).
 * @throws BenchError `EINVAL`/`ENOENT` for bad options or parameters; the kernel's errors for misuse.
 */
export function runTestVmalloc(options: TestVmallocOptions = {}): TestVmallocRun {
  const era = options.era ?? "5.2";
  requireEra(era);
  const seed = requireSeed(options.seed ?? 1);
  const rcuGracePeriod = options.rcuGracePeriod ?? DEFAULT_RCU_GRACE_PERIOD;
  if (!Number.isSafeInteger(rcuGracePeriod) || rcuGracePeriod < 0) {
    throw new BenchError("EINVAL", `rcuGracePeriod ${describe(rcuGracePeriod)} is invalid: pass a non-negative integer number of loop iterations`);
  }
  const stackName = options.stack ?? "patched";
  const spec = STACKS[stackName];
  if (spec === undefined) throw new BenchError("EINVAL", `stack ${describe(stackName)} is unknown: use 'default' or 'patched'`);
  const machine = options.machine === null ? undefined : (options.machine ?? DEFAULT_MACHINE);
  const kernel =
    options.kernel ??
    (options.createKernel ?? createKernel)({
      ...options.kernelOptions,
      ...(machine === undefined ? {} : { machine }),
      allocator: spec.allocator,
      lazy: spec.lazy,
      ...(spec.search === undefined ? {} : { search: spec.search }),
    });
  const cpus = kernel.cpus;
  const resolved = resolveParams({ era, mode: options.mode, preset: options.preset, params: options.params, cpus });
  const params = resolved.params;
  const timer = options.timer ?? "cpu";
  if (timer !== "cpu" && timer !== "wall") throw new BenchError("EINVAL", `timer ${describe(timer)} is invalid: use 'cpu' or 'wall'`);
  const clock = options.clock ?? clockFor(timer);
  const cycleClock = cycleClockFor(machine);
  const wallStart = hrtimeClock();
  const stackLabel = options.kernel === undefined ? stackName : "custom";

  // Workers as the module starts them.
  const root = new BenchRandom(seed);
  const cases = testCasesFor(era);
  const enabled = enabledTests(era, params.run_test_mask);
  const repeats = Math.max(params.test_repeat_count, 1);
  const loopsParams = { ...params, test_loop_count: Math.max(params.test_loop_count, 1) };
  let placements: { cpu: number; label: string }[];
  if (era === "5.2") {
    placements = params.single_cpu_test ? [{ cpu: 0, label: "CPU0" }] : Array.from({ length: cpus }, (_, c) => ({ cpu: c, label: `CPU${c}` }));
  } else {
    const n = Math.min(Math.max(params.nr_threads, 1), 65535);
    placements = Array.from({ length: n }, (_, i) => ({ cpu: i % cpus, label: `worker${i}` }));
  }

  let measured = 0;
  let lastTick = 0;
  let totalSteps = 0;
  const emit = options.onProgress;
  const events = {
    start(w: Worker, t: TestCase): void {
      emit?.({ kind: "test-start", stack: stackLabel, worker: w.index, label: w.label, test: t.name, steps: 0, elapsedNs: measured });
    },
    end(w: Worker, t: TestCase, slot: Slot): void {
      emit?.({
        kind: "test-end", stack: stackLabel, worker: w.index, label: w.label, test: t.name, steps: slot.steps, elapsedNs: measured,
        passed: slot.passed, failed: slot.failed, xfailed: slot.xfailed,
      });
    },
  };
  const workers = placements.map((p, i) => {
    const random = root.fork();
    const order = [...cases];
    if (!params.sequential_test_order) kernelShuffle(order, random);
    const runList = order.filter((t) => enabled.includes(t) && t.available);
    const env: TestEnv = { kernel, params: loopsParams, era, random, rcuGracePeriod };
    return new Worker(i, p.cpu, p.label, order, runList, repeats, env, events);
  });

  // Counter attribution: snapshot whenever the running (worker, test) changes.
  let lastWorker = -1;
  let lastSlot = -1;
  let lastSnap: CounterSnapshot | undefined;
  const flush = (): void => {
    const snap = snapshotCounters(kernel.stats());
    if (lastSnap !== undefined && lastWorker >= 0) {
      const slot = workers[lastWorker]!.slots.get(lastSlot);
      if (slot !== undefined) addDelta(slot.counters, lastSnap, snap);
    }
    lastSnap = snap;
  };
  const summary = runScheduled(kernel, workers, {
    seed: root.u32(),
    ...(options.burst === undefined ? {} : { burst: options.burst }),
    clock,
    beforeSlice(w) {
      const slot = workers[w]!.currentSlot();
      if (w !== lastWorker || slot !== lastSlot) {
        flush();
        lastWorker = w;
        lastSlot = slot;
      }
    },
    onSlice(slice) {
      measured += slice.ns;
      totalSteps += slice.steps;
      if (emit !== undefined && measured - lastTick >= 5e8) {
        lastTick = measured;
        const w = workers[slice.worker]!;
        const test = w.done ? w.order[w.order.length - 1]! : cases.find((c) => c.index === w.currentSlot())!;
        emit({ kind: "tick", stack: stackLabel, worker: w.index, label: w.label, test: test.name, steps: totalSteps, elapsedNs: measured });
      }
    },
  });
  if (lastSnap !== undefined) flush();
  const wallNs = Number(hrtimeClock() - wallStart);

  const all = zeroCounters();
  const workerResults: WorkerResult[] = workers.map((w) => {
    const tests: TestResult[] = [];
    for (const t of enabled) {
      const slot = w.slots.get(t.index);
      if (slot === undefined) continue;
      addCounters(all, slot.counters);
      tests.push({
        name: t.name,
        index: t.index,
        bit: t.bit,
        passed: slot.passed,
        failed: slot.failed,
        xfailed: slot.xfailed,
        expectedToFail: t.xfail,
        repeat: repeats,
        loops: params.test_loop_count,
        elapsedNs: slot.ns,
        avgUs: slot.ns / 1000 / repeats,
        steps: slot.steps,
        counters: toTestCounters(slot.counters),
      });
    }
    return { index: w.index, cpu: w.cpu, label: w.label, order: w.order.map((t) => t.name), tests, ns: w.ns, cycles: nsToCycles(w.ns, cycleClock) };
  });
  let passed = 0;
  let failed = 0;
  let xfailed = 0;
  let unexpected = 0;
  for (const w of workerResults) {
    for (const t of w.tests) {
      passed += t.passed;
      failed += t.failed;
      xfailed += t.xfailed;
      if (!t.expectedToFail) unexpected += t.failed;
    }
  }
  const ns = workerResults.reduce((s, w) => s + w.ns, 0);
  const kernelKind = (kernel as { allocatorKind?: unknown }).allocatorKind;
  return {
    stack: stackLabel,
    allocator: options.kernel === undefined ? spec.allocator : typeof kernelKind === "string" ? kernelKind : "unknown",
    stackDescription: options.kernel === undefined ? spec.description : "a kernel passed by the caller",
    era,
    mode: options.mode,
    preset: options.preset ?? "kernel",
    seed,
    params,
    paramSources: resolved.sources,
    paramNames: resolved.names,
    machine,
    cpus,
    clock: cycleClock,
    timer: options.clock !== undefined ? "custom" : timer,
    rcuGracePeriod,
    workers: workerResults,
    unavailable: enabled.filter((t) => !t.available).map((t) => ({ name: t.name, reason: t.unavailableReason ?? "not available" })),
    totals: {
      ns,
      wallNs,
      maxWorkerNs: workerResults.reduce((m, w) => Math.max(m, w.ns), 0),
      cycles: workerResults.reduce((s, w) => s + w.cycles, 0),
      passed,
      failed,
      xfailed,
      unexpectedFailures: unexpected,
    },
    counters: toTestCounters(all),
    slices: summary.slices,
    steps: summary.steps,
  };
}

/** Both stacks of the seed's tables, run with the same seed and parameters. */
export interface TestVmallocComparison {
  readonly default: TestVmallocRun;
  readonly patched: TestVmallocRun;
  /** default / patched of the total measured time (sum over workers). */
  readonly ratio: number;
  /** Per test: default / patched of the avg µs summed over workers. */
  readonly testRatios: Readonly<Partial<Record<TestName, number>>>;
}

export type BothStacksOptions = Omit<TestVmallocOptions, "stack" | "kernel">;

/**
 * Runs the default stack, then the patched stack, each on a fresh kernel with the same seed, parameters
 * and machine, and computes the ratios (default / patched: > 1 means the patch is faster).
 */
export function runBothStacks(options: BothStacksOptions = {}): TestVmallocComparison {
  const def = runTestVmalloc({ ...options, stack: "default" });
  const pat = runTestVmalloc({ ...options, stack: "patched" });
  return { default: def, patched: pat, ratio: pat.totals.ns > 0 ? def.totals.ns / pat.totals.ns : NaN, testRatios: testRatios(def, pat) };
}

/** Sum over workers of a test's avg µs. */
export function testAvgUs(run: TestVmallocRun, name: TestName): number | undefined {
  let sum = 0;
  let found = false;
  for (const w of run.workers) {
    for (const t of w.tests) {
      if (t.name === name) {
        sum += t.avgUs;
        found = true;
      }
    }
  }
  return found ? sum : undefined;
}

function testRatios(def: TestVmallocRun, pat: TestVmallocRun): Partial<Record<TestName, number>> {
  const out: Partial<Record<TestName, number>> = {};
  for (const t of enabledTests(def.era, def.params.run_test_mask)) {
    const a = testAvgUs(def, t.name);
    const b = testAvgUs(pat, t.name);
    if (a !== undefined && b !== undefined && b > 0) out[t.name] = a / b;
  }
  return out;
}
