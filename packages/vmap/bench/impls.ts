/**
 * The TypeScript-side contestants, each set up (fill, warm-up) and then driven one timed block at a time,
 * so that bench/run.ts can interleave them with each other and with the native C build.
 *
 * Each contestant has its own pair loop (not one generic loop over an interface), so every call site stays
 * monomorphic and no contestant pays for another's type feedback.
 *
 * Byte-based peers (the npm allocators) get 1 unit = 8 bytes: sizes 1…256 units become 8…2048 bytes.
 * They have no per-request alignment, so they run the `align1` workloads only.
 */
import { MemPool } from "@thi.ng/malloc";
import { NaiveAllocator } from "@kva/test-utils";
import CodemixAllocator from "malloc";
import { VmapSpace } from "../src/index.js";
import type { BlockTime } from "./native.js";
import { HASH_SEED, hashAddr, type SteadyOps } from "./workload.js";

/** Bytes per allocator unit for the byte-based peers. */
export const UNIT_BYTES = 8;

/** A contestant after its untimed setup. */
export interface Contestant {
  readonly impl: string;
  /** Pairs (or loops) per timed block. */
  readonly perBlock: number;
  /** Untimed warm-up pairs (or loops) run during setup. */
  readonly warm: number;
  /** Runs the next timed block; returns its wall-clock and CPU nanoseconds. */
  block(): BlockTime;
  /** Hash of every address returned so far (fill, warm-up, blocks), in order (bench/workload.ts hashAddr). */
  checksum(): number;
  /** Final state worth reporting. */
  extra(): Record<string, unknown>;
}

export interface Limits {
  /** Pairs per timed block (default the list's): blocks then cover a prefix of the list's timed pairs. */
  readonly perBlock?: number;
  /** Warm-up pairs (default the list's). */
  readonly warm?: number;
  /**
   * For the O(N)-per-operation contestants: a time budget in ms for warm-up plus all timed blocks. The first
   * pairs of the warm-up are timed to estimate the cost per pair; warm-up (40 %) and block size (60 %) are
   * then cut to fit, never above the list's.
   */
  readonly budgetMs?: number;
}

/** First warm-up chunk under a budget (pairs). */
const PROBE = 256;

const gc: () => void = (globalThis as { gc?: () => void }).gc ?? ((): void => {});

function now(): number {
  return Number(process.hrtime.bigint());
}

/**
 * CPU time in ns. Node 20 has no per-thread CPU clock, so this is the process's (user + system): it also
 * counts V8's helper threads (concurrent sweeping after the `gc()` before each block, compilation).
 */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** Times `run` by the wall clock and by the process's CPU time. */
function timed(run: () => void): BlockTime {
  const c0 = cpuNs();
  const t0 = now();
  run();
  const wall = now() - t0;
  return { wall, cpu: cpuNs() - c0 };
}

function fail(impl: string, what: string): never {
  throw new Error(`${impl}: ${what}`);
}

type PairLoop<S> = (s: S, ops: SteadyOps, live: Float64Array, from: number, to: number, h: number) => number;

/** Warm-up and timed blocks over a pair loop; blocks cover a prefix of the list's timed pairs. */
function stepper<S>(
  impl: string,
  s: S,
  ops: SteadyOps,
  limits: Limits,
  live: Float64Array,
  h: number,
  loop: PairLoop<S>,
  extra: () => Record<string, unknown>,
): Contestant {
  let warm = Math.min(limits.warm ?? ops.warm, ops.warm);
  let perBlock = Math.min(limits.perBlock ?? ops.pairs, ops.pairs);
  let done = 0;
  if (limits.budgetMs !== undefined) {
    // Warm up in growing chunks until 40 % of the budget is spent (or the list's warm-up is done); the last
    // chunk's cost per pair (the most fragmented state so far) sizes the blocks to the other 60 %.
    const warmNs = 0.4 * limits.budgetMs * 1e6;
    let spent = 0;
    let chunk = PROBE;
    let nsPerPair = 0;
    while (done < warm && spent < warmNs) {
      const to = Math.min(warm, done + chunk);
      const t0 = now();
      h = loop(s, ops, live, done, to, h);
      const dt = now() - t0;
      nsPerPair = dt / (to - done);
      spent += dt;
      done = to;
      chunk = Math.max(PROBE, Math.min(chunk * 2, Math.floor((warmNs - spent) / nsPerPair)));
    }
    warm = done;
    perBlock = Math.max(100, Math.min(perBlock, Math.floor((1.5 * warmNs) / ops.reps / nsPerPair)));
  }
  h = loop(s, ops, live, done, warm, h);
  let r = 0;
  return {
    impl,
    perBlock,
    warm,
    block(): BlockTime {
      if (r >= ops.reps) fail(impl, `only ${ops.reps} timed blocks in the list`);
      const from = ops.warm + r++ * perBlock;
      gc();
      return timed(() => {
        h = loop(s, ops, live, from, from + perBlock, h);
      });
    },
    checksum: () => h >>> 0,
    extra,
  };
}

// ------------------------------------------------------------------ VmapSpace

function pairsVmap(s: VmapSpace, ops: SteadyOps, live: Float64Array, from: number, to: number, h: number): number {
  const allocs = ops.allocs;
  const frees = ops.frees;
  const n = ops.n;
  for (let j = from; j < to; j++) {
    const w = allocs[j]!;
    const a = s.alloc(w & 0xffff, 1 << (w >>> 16));
    if (a === undefined) fail("VmapSpace", `pair ${j} found no space`);
    h = hashAddr(h, a);
    live[n] = a;
    const k = frees[j]!;
    s.free(live[k]!);
    live[k] = live[n]!;
  }
  return h;
}

export function steadyVmap(ops: SteadyOps, limits: Limits = {}): Contestant {
  const s = new VmapSpace({ start: 0, end: ops.spaceEnd });
  const live = new Float64Array(ops.n + 1);
  let h = HASH_SEED;
  for (let i = 0; i < ops.n; i++) {
    const w = ops.fill[i]!;
    const a = s.alloc(w & 0xffff, 1 << (w >>> 16));
    if (a === undefined) fail("VmapSpace", `fill ${i} found no space`);
    h = hashAddr(h, a);
    live[i] = a;
  }
  return stepper("VmapSpace", s, ops, limits, live, h, pairsVmap, () => {
    const st = s.stats();
    return { busy: st.busyCount, freeBlocks: st.freeCount, freeSize: st.freeSize, largestFree: st.largestFree, fits: st.fits, nodes: st.nodes };
  });
}

// ------------------------------------------------------------------ the naive model (O(N) sorted arrays)

function pairsNaive(s: NaiveAllocator, ops: SteadyOps, live: Float64Array, from: number, to: number, h: number): number {
  const allocs = ops.allocs;
  const frees = ops.frees;
  const n = ops.n;
  for (let j = from; j < to; j++) {
    const w = allocs[j]!;
    const a = s.alloc(w & 0xffff, 1 << (w >>> 16));
    if (a === undefined) fail("naive", `pair ${j} found no space`);
    h = hashAddr(h, a);
    live[n] = a;
    const k = frees[j]!;
    s.free(live[k]!);
    live[k] = live[n]!;
  }
  return h;
}

export function steadyNaive(ops: SteadyOps, limits: Limits = {}): Contestant {
  const s = new NaiveAllocator({ start: 0, end: ops.spaceEnd });
  const live = new Float64Array(ops.n + 1);
  let h = HASH_SEED;
  for (let i = 0; i < ops.n; i++) {
    const w = ops.fill[i]!;
    const a = s.alloc(w & 0xffff, 1 << (w >>> 16));
    if (a === undefined) fail("naive", `fill ${i} found no space`);
    h = hashAddr(h, a);
    live[i] = a;
  }
  return stepper("naive", s, ops, limits, live, h, pairsNaive, () => ({ freeBlocks: s.stats().freeCount }));
}

// ------------------------------------------------------------------ @thi.ng/malloc MemPool (first-fit free list)

function pairsThing(s: MemPool, ops: SteadyOps, live: Float64Array, from: number, to: number, h: number): number {
  const allocs = ops.allocs;
  const frees = ops.frees;
  const n = ops.n;
  for (let j = from; j < to; j++) {
    const a = s.malloc((allocs[j]! & 0xffff) * UNIT_BYTES);
    if (a === 0) fail("@thi.ng/malloc", `pair ${j} found no space`);
    h = hashAddr(h, a);
    live[n] = a;
    const k = frees[j]!;
    s.free(live[k]!);
    live[k] = live[n]!;
  }
  return h;
}

export function steadyThing(ops: SteadyOps, bufBytes: number, limits: Limits = {}): Contestant {
  const s = new MemPool({ size: bufBytes });
  const live = new Float64Array(ops.n + 1);
  let h = HASH_SEED;
  for (let i = 0; i < ops.n; i++) {
    const a = s.malloc((ops.fill[i]! & 0xffff) * UNIT_BYTES);
    if (a === 0) fail("@thi.ng/malloc", `fill ${i} found no space in ${bufBytes} bytes`);
    h = hashAddr(h, a);
    live[i] = a;
  }
  return stepper("@thi.ng/malloc", s, ops, limits, live, h, pairsThing, () => ({ bufBytes, stats: s.stats() }));
}

// ------------------------------------------------------------------ malloc (codemix: best fit, skip list by size)

function pairsCodemix(s: CodemixAllocator, ops: SteadyOps, live: Float64Array, from: number, to: number, h: number): number {
  const allocs = ops.allocs;
  const frees = ops.frees;
  const n = ops.n;
  for (let j = from; j < to; j++) {
    const a = s.alloc((allocs[j]! & 0xffff) * UNIT_BYTES);
    if (a === 0) fail("malloc", `pair ${j} found no space`);
    h = hashAddr(h, a);
    live[n] = a;
    const k = frees[j]!;
    s.free(live[k]!);
    live[k] = live[n]!;
  }
  return h;
}

export function steadyCodemix(ops: SteadyOps, bufBytes: number, limits: Limits = {}): Contestant {
  const s = new CodemixAllocator(new ArrayBuffer(bufBytes));
  const live = new Float64Array(ops.n + 1);
  let h = HASH_SEED;
  for (let i = 0; i < ops.n; i++) {
    const a = s.alloc((ops.fill[i]! & 0xffff) * UNIT_BYTES);
    if (a === 0) fail("malloc", `fill ${i} found no space in ${bufBytes} bytes`);
    h = hashAddr(h, a);
    live[i] = a;
  }
  return stepper("malloc", s, ops, limits, live, h, pairsCodemix, () => ({ bufBytes }));
}

// ------------------------------------------------------------------ long_busy_list (test_vmalloc.c bit 4)

/** long_busy_list: `busy` long-lived 2-unit areas, then per loop alloc 101 and 2 units and free both. */
export interface LblParams {
  readonly busy: number;
  readonly loops: number;
}

/**
 * Block runner over `loops` loops of a per-implementation loop function. With `budgetMs` (the O(N)
 * contestants) a few loops are timed first and the loops per block cut so that `blocks` blocks fit.
 */
function lblStepper(impl: string, loops: number, run: (loops: number, h: number) => number, h: number, budget?: { ms: number; blocks: number }): Contestant {
  if (budget) {
    const t0 = now();
    h = run(16, h);
    const nsPerLoop = (now() - t0) / 16;
    loops = Math.max(16, Math.min(loops, Math.floor((budget.ms * 1e6) / budget.blocks / nsPerLoop)));
  }
  return {
    impl,
    perBlock: loops,
    warm: 0,
    block(): BlockTime {
      gc();
      return timed(() => {
        h = run(loops, h);
      });
    },
    checksum: () => h >>> 0,
    extra: () => ({}),
  };
}

/** A time budget for the O(N) contestants' long_busy_list blocks. */
export interface LblBudget {
  readonly ms: number;
  readonly blocks: number;
}

export function lblVmap(p: LblParams): Contestant {
  const s = new VmapSpace({ start: 0, end: 2 ** 40 });
  let h = HASH_SEED;
  for (let i = 0; i < p.busy; i++) h = hashAddr(h, s.alloc(2) ?? fail("VmapSpace", "long_busy_list found no space"));
  return lblStepper(
    "VmapSpace",
    p.loops,
    (count, h) => {
      for (let i = 0; i < count; i++) {
        const p1 = s.alloc(101);
        const p2 = s.alloc(2);
        if (p1 === undefined || p2 === undefined) fail("VmapSpace", "long_busy_list found no space");
        h = hashAddr(hashAddr(h, p1), p2);
        s.free(p1);
        s.free(p2);
      }
      return h;
    },
    h,
  );
}

export function lblNaive(p: LblParams, budget?: LblBudget): Contestant {
  const s = new NaiveAllocator({ start: 0, end: 2 ** 40 });
  let h = HASH_SEED;
  for (let i = 0; i < p.busy; i++) h = hashAddr(h, s.alloc(2) ?? fail("naive", "long_busy_list found no space"));
  return lblStepper(
    "naive",
    p.loops,
    (count, h) => {
      for (let i = 0; i < count; i++) {
        const p1 = s.alloc(101);
        const p2 = s.alloc(2);
        if (p1 === undefined || p2 === undefined) fail("naive", "long_busy_list found no space");
        h = hashAddr(hashAddr(h, p1), p2);
        s.free(p1);
        s.free(p2);
      }
      return h;
    },
    h,
    budget,
  );
}

export function lblThing(p: LblParams, budget?: LblBudget): Contestant {
  const s = new MemPool({ size: 64 << 20 });
  let h = HASH_SEED;
  for (let i = 0; i < p.busy; i++) h = hashAddr(h, s.malloc(2 * UNIT_BYTES) || fail("@thi.ng/malloc", "long_busy_list found no space"));
  return lblStepper(
    "@thi.ng/malloc",
    p.loops,
    (count, h) => {
      for (let i = 0; i < count; i++) {
        const p1 = s.malloc(101 * UNIT_BYTES);
        const p2 = s.malloc(2 * UNIT_BYTES);
        if (p1 === 0 || p2 === 0) fail("@thi.ng/malloc", "long_busy_list found no space");
        h = hashAddr(hashAddr(h, p1), p2);
        s.free(p1);
        s.free(p2);
      }
      return h;
    },
    h,
    budget,
  );
}

export function lblCodemix(p: LblParams, budget?: LblBudget): Contestant {
  const s = new CodemixAllocator(new ArrayBuffer(64 << 20));
  let h = HASH_SEED;
  for (let i = 0; i < p.busy; i++) h = hashAddr(h, s.alloc(2 * UNIT_BYTES) || fail("malloc", "long_busy_list found no space"));
  return lblStepper(
    "malloc",
    p.loops,
    (count, h) => {
      for (let i = 0; i < count; i++) {
        const p1 = s.alloc(101 * UNIT_BYTES);
        const p2 = s.alloc(2 * UNIT_BYTES);
        if (p1 === 0 || p2 === 0) fail("malloc", "long_busy_list found no space");
        h = hashAddr(hashAddr(h, p1), p2);
        s.free(p1);
        s.free(p2);
      }
      return h;
    },
    h,
    budget,
  );
}
