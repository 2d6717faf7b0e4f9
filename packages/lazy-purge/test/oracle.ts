/**
 * The seeded random-run machinery shared by the oracle tests: run an operation sequence through a lazy
 * layer with `check()` after every operation, record everything observable, compare traces.
 */
import { type Prng, applyOp, assertPartition, assertStatsConsistent, randomOps, type WorkloadOp } from "@kva/test-utils";
import type { KvaAllocator } from "@kva/vmap";
import { expect } from "vitest";
import { type FlushEvent, type LazyEra, LazyPurge, type LazyStats, type PurgeEvent } from "../src/index.js";

export const SPACE = { start: 0, end: 1024 };

export interface Trace {
  readonly answers: (number | string | undefined)[];
  readonly lazy: LazyStats[];
  readonly flushes: FlushEvent[];
  readonly purges: PurgeEvent[];
  readonly warnings: string[];
}

/**
 * Runs `ops` through a lazy layer over `allocator`, with explicit purges, ranged purges and the non-lazy
 * switch sprinkled in (decided by the free ops' `pick`, so every run sees the same ones); checks every
 * invariant after every operation.
 */
export function run(era: LazyEra, allocator: KvaAllocator, ops: Iterable<WorkloadOp>, lazyMaxPages: number): Trace {
  const trace: Trace = { answers: [], lazy: [], flushes: [], purges: [], warnings: [] };
  const lazy = new LazyPurge(allocator, {
    era,
    lazyMaxPages,
    onFlush: (e) => trace.flushes.push(e),
    onPurge: (e) => trace.purges.push(e),
    onWarn: (m) => trace.warnings.push(m),
  });
  let budget = 0;
  lazy.addPurgeNotifier(() => (budget > 0 ? budget-- : 0));
  const live: number[] = [];
  for (const op of ops) {
    const r = applyOp(lazy, op, live);
    trace.answers.push(r.op === "alloc" ? r.addr : r.op === "free" ? `free ${r.addr}` : "skip");
    if (op.op === "free") {
      if (op.pick % 53 === 0) lazy.purge();
      if (op.pick % 59 === 0) lazy.purge({ start: op.pick % 1000, end: (op.pick % 1000) + 8 });
      if (op.pick % 97 === 0) lazy.setNonLazy();
      if (op.pick % 31 === 0) budget = 1;
    }
    lazy.check();
    trace.lazy.push(lazy.stats().lazy);
  }
  assertPartition(lazy);
  assertStatsConsistent(lazy);
  return trace;
}

/** `randomOps` with every alloc size multiplied by `scale` (maxSize 1 → one size). */
export function scaled(prng: Prng, count: number, maxSize: number, scale: number, freeProb = 0.45): WorkloadOp[] {
  return [...randomOps(prng, { count, space: SPACE, maxSize, freeProb })].map((op) => (op.op === "alloc" ? { ...op, size: op.size * scale } : op));
}

export function expectSameTraces(traces: readonly Trace[]): void {
  const [first, ...others] = traces;
  for (const other of others) {
    expect(other.answers).toEqual(first!.answers);
    expect(other.lazy).toEqual(first!.lazy);
    expect(other.flushes).toEqual(first!.flushes);
    expect(other.purges).toEqual(first!.purges);
    expect(other.warnings).toEqual(first!.warnings);
  }
}
