import { MemPool } from "@thi.ng/malloc";
import { VmapSpace } from "@kva/vmap";
import { LegacyVmapSpace } from "@kva/vmap-legacy";
import { type Environment, type ResultHeader, collectEnvironment, resultHeader } from "./environment.js";
import { BenchError, describe } from "./errors.js";
import { BenchRandom } from "./random.js";
import { type Timer, clockFor } from "./scheduler.js";

/**
 * The scaling sweep behind `kva bench`: how the cost of one alloc+free pair grows with the number N of
 * live areas, for the free-tree allocator, the pre-5.2 busy-list allocator and an npm peer.
 *
 * Workload per point (N, align mode), the same operation list for every implementation:
 * 1. fill: N allocations (sizes uniform in 1…256 units, aligns per mode), all kept live;
 * 2. warm-up pairs (untimed), then timed pairs, until `pairs` are done or the point's time budget is
 *    spent (at least `minPairs`): a pair allocates one area and frees a live area chosen uniformly among
 *    the N + 1 (the new one included), so N stays constant.
 * Align modes: `align1` (every align 1) and `aligned` (2^k units, k uniform in 0…10). Space `[0, 2^40)`.
 *
 * Implementations and their default limits (larger N are reported `skipped (O(N))`: the point would take
 * minutes, the trend is already visible):
 * - `vmap`: `VmapSpace` (@kva/vmap, padded search), O(log N), all N;
 * - `vmap-legacy`: `LegacyVmapSpace` (@kva/vmap-legacy), O(N) walks: align1 to 10^5, aligned to 10^4
 *   (its fill alone is O(N²) when aligns vary: every smaller align resets the cache);
 * - `thi.ng-malloc`: `MemPool` of @thi.ng/malloc (first fit over an address-ordered free list; `free`
 *   walks the used list): O(N), align1 only (no per-request alignment), to 10^5; one unit = 8 bytes.
 */

export type SweepImplId = "vmap" | "vmap-legacy" | "thi.ng-malloc";
export type AlignMode = "align1" | "aligned";

export const SWEEP_IMPLS: readonly SweepImplId[] = ["vmap", "vmap-legacy", "thi.ng-malloc"];
export const ALIGN_MODES: readonly AlignMode[] = ["align1", "aligned"];

export interface SweepImplInfo {
  readonly id: SweepImplId;
  readonly name: string;
  readonly complexity: string;
  readonly alignModes: readonly AlignMode[];
  /** Default largest N per align mode. */
  readonly maxN: Readonly<Partial<Record<AlignMode, number>>>;
  readonly notes: string;
}

export const SWEEP_IMPL_INFO: Readonly<Record<SweepImplId, SweepImplInfo>> = {
  vmap: {
    id: "vmap",
    name: "VmapSpace (@kva/vmap)",
    complexity: "O(log N)",
    alignModes: ["align1", "aligned"],
    maxN: { align1: 1e6, aligned: 1e6 },
    notes: "the 5.2 free tree, padded search",
  },
  "vmap-legacy": {
    id: "vmap-legacy",
    name: "LegacyVmapSpace (@kva/vmap-legacy)",
    complexity: "O(N)",
    alignModes: ["align1", "aligned"],
    maxN: { align1: 1e5, aligned: 1e4 },
    notes: "the pre-5.2 busy list with its one-entry cache",
  },
  "thi.ng-malloc": {
    id: "thi.ng-malloc",
    name: "@thi.ng/malloc MemPool",
    complexity: "O(N)",
    alignModes: ["align1"],
    maxN: { align1: 1e5 },
    notes: "first fit, address-ordered free list; no per-request alignment; 1 unit = 8 bytes",
  },
};

export const SWEEP_SCHEMA = "kva-sweep/1";
export const SWEEP_SPACE_END = 2 ** 40;
export const SWEEP_MAX_SIZE = 256;
export const SWEEP_MAX_ALIGN_LOG2 = 10;
export const PEER_UNIT_BYTES = 8;
const JIT_WARMUP_PAIRS = 10_000;

export interface SweepOptions {
  /** Live-area counts. Default `[1e3, 1e4, 1e5, 1e6]`. */
  readonly ns?: readonly number[];
  /** Drop counts above this. Default none. */
  readonly maxN?: number;
  /** Timed pairs per point (upper bound). Default 20,000. */
  readonly pairs?: number;
  /** Timed pairs per point at least, whatever the budget. Default 200. */
  readonly minPairs?: number;
  /** Untimed warm-up pairs per point. Default 2,000 (fewer if the budget runs out). */
  readonly warmup?: number;
  /**
   * Before the first point, run every implementation once untimed (N = min(1000, smallest N), 10,000
   * pairs) so that the first measured point is not paying for JIT compilation. Default true.
   */
  readonly jitWarmup?: boolean;
  /** Time budget of the timed pairs of one point, ms. Default 2,000. */
  readonly timeBudgetMs?: number;
  /** Default both. */
  readonly alignModes?: readonly AlignMode[];
  /** Default all. */
  readonly implementations?: readonly SweepImplId[];
  /** Per implementation, the largest N (both align modes). Default {@link SWEEP_IMPL_INFO} `maxN`. */
  readonly limits?: Readonly<Partial<Record<SweepImplId, number>>>;
  /** Default 20190521. */
  readonly seed?: number;
  /** What blocks of pairs are timed with. Default `'cpu'` (the process's CPU time; see `runTestVmalloc`). */
  readonly timer?: Timer;
  /** A nanosecond clock overriding `timer`. */
  readonly clock?: () => bigint;
  readonly command?: string;
  readonly environment?: Environment;
  readonly onProgress?: (event: { readonly impl: SweepImplId; readonly alignMode: AlignMode; readonly n: number; readonly status: "start" | "done" | "skipped" }) => void;
}

export interface SweepPoint {
  readonly impl: SweepImplId;
  readonly alignMode: AlignMode;
  readonly n: number;
  readonly status: "ok" | "skipped" | "failed";
  /** Why skipped or failed. */
  readonly reason?: string;
  /** Timed pairs run. */
  readonly pairs?: number;
  /** ns per alloc+free pair: the median over the timed blocks of 100 pairs (robust to preemption). */
  readonly nsPerPair?: number;
  /** ns per pair over all timed pairs. */
  readonly meanNsPerPair?: number;
  /** Time of the fill phase. */
  readonly fillNs?: number;
  /** Free blocks after the run (vmap), busy-list steps per timed pair (legacy). */
  readonly detail?: Readonly<Record<string, number>>;
}

/** `kva-sweep/1`. Stable: fields are only ever added. */
export interface SweepResult extends ResultHeader {
  readonly schema: typeof SWEEP_SCHEMA;
  readonly seed: number;
  readonly timer: Timer | "custom";
  readonly workload: {
    readonly space: readonly [number, number];
    readonly sizes: readonly [number, number];
    readonly aligns: Readonly<Record<AlignMode, string>>;
    readonly pairs: number;
    readonly minPairs: number;
    readonly warmup: number;
    readonly timeBudgetMs: number;
    readonly peerUnitBytes: number;
  };
  readonly ns: readonly number[];
  readonly implementations: readonly SweepImplInfo[];
  readonly points: readonly SweepPoint[];
}

interface Ops {
  readonly fill: Uint32Array;
  readonly allocs: Uint32Array;
  readonly frees: Uint32Array;
}

/** One alloc is a word `size | log2(align) << 16`. */
function makeOps(n: number, m: number, mode: AlignMode, seed: number): Ops {
  const random = new BenchRandom(seed ^ n ^ (mode === "aligned" ? 0x5a5a : 0));
  const word = (): number => random.int(1, SWEEP_MAX_SIZE) | ((mode === "aligned" ? random.int(0, SWEEP_MAX_ALIGN_LOG2) : 0) << 16);
  const fill = new Uint32Array(n);
  for (let i = 0; i < n; i++) fill[i] = word();
  const allocs = new Uint32Array(m);
  const frees = new Uint32Array(m);
  for (let j = 0; j < m; j++) {
    allocs[j] = word();
    frees[j] = random.int(0, n);
  }
  return { fill, allocs, frees };
}

/** What an implementation runner does with the shared op list. */
interface Runner {
  fill(): void;
  /** Runs pairs `[from, to)`. */
  pairs(from: number, to: number): void;
  detail(timedPairs: number): Record<string, number>;
}

function fail(impl: string, what: string): never {
  throw new BenchError("EINVAL", `${impl}: ${what} (the sweep's space is too small for this N)`);
}

function vmapRunner(ops: Ops, n: number): Runner {
  const s = new VmapSpace({ start: 0, end: SWEEP_SPACE_END });
  const live = new Float64Array(n + 1);
  return {
    fill() {
      for (let i = 0; i < n; i++) {
        const w = ops.fill[i]!;
        const a = s.alloc(w & 0xffff, 1 << (w >>> 16));
        if (a === undefined) fail("vmap", `fill ${i} found no space`);
        live[i] = a;
      }
    },
    pairs(from, to) {
      const { allocs, frees } = ops;
      for (let j = from; j < to; j++) {
        const w = allocs[j]!;
        const a = s.alloc(w & 0xffff, 1 << (w >>> 16));
        if (a === undefined) fail("vmap", `pair ${j} found no space`);
        live[n] = a;
        const k = frees[j]!;
        s.free(live[k]!);
        live[k] = live[n]!;
      }
    },
    detail() {
      return { freeBlocks: s.stats().freeCount };
    },
  };
}

function legacyRunner(ops: Ops, n: number): Runner {
  const s = new LegacyVmapSpace({ start: 0, end: SWEEP_SPACE_END });
  const live = new Float64Array(n + 1);
  let stepsBefore = 0;
  return {
    fill() {
      for (let i = 0; i < n; i++) {
        const w = ops.fill[i]!;
        const a = s.alloc(w & 0xffff, 1 << (w >>> 16));
        if (a === undefined) fail("vmap-legacy", `fill ${i} found no space`);
        live[i] = a;
      }
    },
    pairs(from, to) {
      if (from === 0) stepsBefore = s.stats().listSteps;
      const { allocs, frees } = ops;
      for (let j = from; j < to; j++) {
        const w = allocs[j]!;
        const a = s.alloc(w & 0xffff, 1 << (w >>> 16));
        if (a === undefined) fail("vmap-legacy", `pair ${j} found no space`);
        live[n] = a;
        const k = frees[j]!;
        s.free(live[k]!);
        live[k] = live[n]!;
      }
    },
    detail(timed) {
      const st = s.stats();
      return { listStepsPerPair: timed > 0 ? (st.listSteps - stepsBefore) / timed : 0, freeBlocks: st.freeCount };
    },
  };
}

function thingRunner(ops: Ops, n: number): Runner {
  // Room for N areas of the largest size plus headers, so the first fit never runs out.
  const bufBytes = Math.max(1 << 16, Math.ceil((n + 1) * (SWEEP_MAX_SIZE * PEER_UNIT_BYTES + 16) * 0.75) + (1 << 20));
  const s = new MemPool({ size: bufBytes });
  const live = new Float64Array(n + 1);
  return {
    fill() {
      for (let i = 0; i < n; i++) {
        const a = s.malloc((ops.fill[i]! & 0xffff) * PEER_UNIT_BYTES);
        if (a === 0) fail("thi.ng-malloc", `fill ${i} found no space in ${bufBytes} bytes`);
        live[i] = a;
      }
    },
    pairs(from, to) {
      const { allocs, frees } = ops;
      for (let j = from; j < to; j++) {
        const a = s.malloc((allocs[j]! & 0xffff) * PEER_UNIT_BYTES);
        if (a === 0) fail("thi.ng-malloc", `pair ${j} found no space in ${bufBytes} bytes`);
        live[n] = a;
        const k = frees[j]!;
        s.free(live[k]!);
        live[k] = live[n]!;
      }
    },
    detail() {
      return { bufferBytes: bufBytes };
    },
  };
}

const RUNNERS: Readonly<Record<SweepImplId, (ops: Ops, n: number) => Runner>> = {
  vmap: vmapRunner,
  "vmap-legacy": legacyRunner,
  "thi.ng-malloc": thingRunner,
};

function requireCount(name: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) throw new BenchError("EINVAL", `${name} ${describe(v)} is invalid: pass an integer ≥ ${min}`);
  return v;
}

/**
 * Runs the sweep (see the module comment). Synchronous; a full default sweep takes about a minute.
 * @throws BenchError `EINVAL` for bad options.
 */
export function runSweep(options: SweepOptions = {}): SweepResult {
  const seed = options.seed ?? 20190521;
  if (!Number.isSafeInteger(seed)) throw new BenchError("EINVAL", `seed ${describe(seed)} is invalid: pass a safe integer`);
  const allNs: readonly number[] = options.ns ?? [1e3, 1e4, 1e5, 1e6];
  if (typeof allNs !== "object" || allNs === null || allNs.length === 0) throw new BenchError("EINVAL", `ns ${describe(allNs)} is invalid: pass live-area counts such as [1000, 10000]`);
  allNs.forEach((n) => requireCount("N", n, 1));
  const maxN = options.maxN ?? Infinity;
  const ns = [...allNs].filter((n) => n <= maxN).sort((a, b) => a - b);
  const pairs = requireCount("pairs", options.pairs ?? 20_000, 1);
  const minPairs = Math.min(requireCount("minPairs", options.minPairs ?? 200, 1), pairs);
  const warmup = requireCount("warmup", options.warmup ?? 2_000, 0);
  const budgetMs = options.timeBudgetMs ?? 2_000;
  if (typeof budgetMs !== "number" || !(budgetMs > 0)) throw new BenchError("EINVAL", `timeBudgetMs ${describe(budgetMs)} is invalid: pass a positive number of milliseconds`);
  const impls = options.implementations ?? SWEEP_IMPLS;
  for (const id of impls) if (!SWEEP_IMPLS.includes(id)) throw new BenchError("ENOENT", `implementation ${describe(id)} is unknown: use ${SWEEP_IMPLS.join(", ")}`);
  const modes = options.alignModes ?? ALIGN_MODES;
  for (const m of modes) if (!ALIGN_MODES.includes(m)) throw new BenchError("EINVAL", `align mode ${describe(m)} is unknown: use align1 or aligned`);
  const timer = options.timer ?? "cpu";
  if (timer !== "cpu" && timer !== "wall") throw new BenchError("EINVAL", `timer ${describe(timer)} is invalid: use 'cpu' or 'wall'`);
  const clock = options.clock ?? clockFor(timer);
  const budgetNs = budgetMs * 1e6;
  const points: SweepPoint[] = [];
  const block = 100;

  if (options.jitWarmup ?? true) {
    for (const id of impls) {
      const mode = SWEEP_IMPL_INFO[id].alignModes.find((m) => modes.includes(m));
      if (mode === undefined) continue;
      const n = Math.min(1000, ns[0] ?? 1000);
      const runner = RUNNERS[id](makeOps(n, JIT_WARMUP_PAIRS, mode, seed + 1), n);
      runner.fill();
      runner.pairs(0, JIT_WARMUP_PAIRS);
    }
  }

  for (const mode of modes) {
    for (const n of ns) {
      let ops: Ops | undefined;
      for (const id of impls) {
        const info = SWEEP_IMPL_INFO[id];
        const progress = (status: "start" | "done" | "skipped"): void => options.onProgress?.({ impl: id, alignMode: mode, n, status });
        if (!info.alignModes.includes(mode)) {
          points.push({ impl: id, alignMode: mode, n, status: "skipped", reason: "no per-request alignment" });
          progress("skipped");
          continue;
        }
        const limit = options.limits?.[id] ?? info.maxN[mode] ?? Infinity;
        if (n > limit) {
          points.push({ impl: id, alignMode: mode, n, status: "skipped", reason: `skipped (${info.complexity}): N above ${limit}` });
          progress("skipped");
          continue;
        }
        progress("start");
        ops ??= makeOps(n, warmup + pairs, mode, seed);
        const runner = RUNNERS[id](ops, n);
        try {
          const f0 = clock();
          runner.fill();
          const fillNs = Number(clock() - f0);
          // Warm-up, itself bounded by the budget.
          let j = 0;
          const w0 = clock();
          while (j < warmup && Number(clock() - w0) < budgetNs / 4) {
            const to = Math.min(warmup, j + block);
            runner.pairs(j, to);
            j = to;
          }
          const startTimed = j;
          const timedEnd = startTimed + pairs;
          let elapsed = 0;
          const perBlock: number[] = [];
          while (j < timedEnd) {
            const to = Math.min(timedEnd, j + block);
            const t0 = clock();
            runner.pairs(j, to);
            const ns = Number(clock() - t0);
            elapsed += ns;
            perBlock.push(ns / (to - j));
            j = to;
            if (elapsed > budgetNs && j - startTimed >= minPairs) break;
          }
          const timed = j - startTimed;
          perBlock.sort((a, b) => a - b);
          const nsPerPair = perBlock[perBlock.length >> 1]!;
          points.push({ impl: id, alignMode: mode, n, status: "ok", pairs: timed, nsPerPair, meanNsPerPair: elapsed / timed, fillNs, detail: runner.detail(timed) });
          progress("done");
        } catch (error) {
          if (!(error instanceof BenchError)) throw error;
          points.push({ impl: id, alignMode: mode, n, status: "failed", reason: error.message });
          progress("done");
        }
      }
    }
  }
  const env = options.environment ?? collectEnvironment();
  return {
    schema: SWEEP_SCHEMA,
    ...resultHeader(env, options.command),
    seed,
    timer: options.clock !== undefined ? "custom" : timer,
    workload: {
      space: [0, SWEEP_SPACE_END],
      sizes: [1, SWEEP_MAX_SIZE],
      aligns: { align1: "1", aligned: `2^k units, k uniform in 0…${SWEEP_MAX_ALIGN_LOG2}` },
      pairs,
      minPairs,
      warmup,
      timeBudgetMs: budgetMs,
      peerUnitBytes: PEER_UNIT_BYTES,
    },
    ns,
    implementations: impls.map((id) => SWEEP_IMPL_INFO[id]),
    points,
  };
}
