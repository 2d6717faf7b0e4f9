import { describe, expect, it } from "vitest";
import { assertValidFit } from "../src/invariants.js";
import { NaiveAllocator } from "../src/naive-allocator.js";
import { Prng } from "../src/prng.js";
import { applyOp, randomOps, type RandomOpsOptions, type WorkloadOp } from "../src/workloads.js";

const SPACE = { start: 100, end: 1124 };
const take = (seed: number, options: RandomOpsOptions): WorkloadOp[] => [...randomOps(new Prng(seed), options)];

describe("randomOps()", () => {
  it("yields the same operations for the same seed and options", () => {
    const options = { count: 500, space: SPACE, maxSize: 32, alignMax: 16, windowProb: 0.5 };
    expect(take(1, options)).toEqual(take(1, options));
    expect(take(1, options)).not.toEqual(take(2, options));
  });

  it("draws sizes, alignments and windows inside their bounds", () => {
    const ops = take(3, { count: 5000, space: SPACE, maxSize: 32, alignMax: 16, windowProb: 0.5 });
    const allocs = ops.filter((op) => op.op === "alloc");
    const aligns = new Set(allocs.map((op) => op.align));
    expect([...aligns].sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 16]);
    const bad = allocs.filter(
      (op) => op.size < 1 || op.size > 32 || op.vstart < SPACE.start || op.vend > SPACE.end || op.vstart >= op.vend,
    );
    expect(bad).toEqual([]);
    expect(allocs.some((op) => op.size === 32) && allocs.some((op) => op.size === 1)).toBe(true);
    expect(allocs.some((op) => op.vstart !== SPACE.start || op.vend !== SPACE.end)).toBe(true);
    expect(ops.length - allocs.length).toBeGreaterThan(2000);
  });

  it("uses the whole space and align 1 by default", () => {
    const ops = take(4, { count: 1000, space: SPACE, maxSize: 8, freeProb: 0 });
    expect(ops.every((op) => op.op === "alloc" && op.align === 1 && op.vstart === SPACE.start && op.vend === SPACE.end)).toBe(true);
  });

  it("yields only frees with 32-bit picks when freeProb is 1", () => {
    const ops = take(5, { count: 100, space: SPACE, maxSize: 8, freeProb: 1 });
    expect(ops.every((op) => op.op === "free" && Number.isInteger(op.pick) && op.pick >= 0 && op.pick < 2 ** 32)).toBe(true);
  });

  it.each([
    ["a negative count", { count: -1 }],
    ["an empty space", { space: { start: 5, end: 5 } }],
    ["maxSize 0", { maxSize: 0 }],
    ["alignMax 3", { alignMax: 3 }],
    ["windowProb 2", { windowProb: 2 }],
    ["freeProb NaN", { freeProb: NaN }],
  ])("rejects %s with a RangeError", (_name, bad) => {
    const options = { count: 1, space: SPACE, maxSize: 8, ...bad };
    expect(() => take(1, options)).toThrow(RangeError);
  });
});

describe("applyOp()", () => {
  it("runs a workload on an allocator and keeps the live addresses", () => {
    const a = new NaiveAllocator(SPACE);
    const live: number[] = [];
    for (const op of randomOps(new Prng(6), { count: 3000, space: SPACE, maxSize: 40, alignMax: 8, windowProb: 0.2 })) {
      const result = applyOp(a, op, live);
      if (result.op === "alloc" && result.addr !== undefined && op.op === "alloc") {
        assertValidFit(result.addr, op.size, op.align, op.vstart, op.vend);
      }
    }
    expect([...live].sort((x, y) => x - y)).toEqual(a.busyAreas().map((r) => r.start));
    a.check();
  });

  it("frees live[pick % live.length] by moving the last address into its slot", () => {
    const a = new NaiveAllocator({ start: 0, end: 100 });
    const live = [a.alloc(10)!, a.alloc(10)!, a.alloc(10)!];
    expect(applyOp(a, { op: "free", pick: 4 }, live)).toEqual({ op: "free", addr: 10, size: 10 });
    expect(live).toEqual([0, 20]);
  });

  it("skips a free when nothing is live", () => {
    const a = new NaiveAllocator({ start: 0, end: 100 });
    expect(applyOp(a, { op: "free", pick: 0 }, [])).toEqual({ op: "skip" });
  });

  it("reports a failed alloc without touching the live list", () => {
    const a = new NaiveAllocator({ start: 0, end: 10 });
    const live: number[] = [];
    expect(applyOp(a, { op: "alloc", size: 11, align: 1, vstart: 0, vend: 10 }, live)).toEqual({ op: "alloc", addr: undefined });
    expect(live).toEqual([]);
  });
});
