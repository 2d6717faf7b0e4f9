import { describe, expect, it } from "vitest";
import { scheduleDump } from "../src/debug.js";
import { BenchError, runScheduled, type Schedulable, type Slice } from "../src/index.js";

function workers(lengths: number[], cpus: number[], log: string[]): Schedulable[] {
  return lengths.map((len, i) => {
    let left = len;
    let charged = 0;
    return {
      cpu: cpus[i]!,
      get done() {
        return left === 0;
      },
      run(max: number) {
        const k = Math.min(max, left);
        left -= k;
        log.push(`w${i}:${k}`);
        return k;
      },
      charge(ns: number) {
        charged += ns;
        expect(charged).toBeGreaterThan(0);
      },
    };
  });
}

describe("runScheduled()", () => {
  it("gives the same interleaving for the same seed", () => {
    expect(scheduleDump(42, [1000, 700, 1300, 500])).toEqual(scheduleDump(42, [1000, 700, 1300, 500]));
  });

  it("gives a different interleaving for a different seed", () => {
    expect(scheduleDump(42, [1000, 700, 1300, 500])).not.toEqual(scheduleDump(43, [1000, 700, 1300, 500]));
  });

  it("runs every worker to completion in bursts within the bounds", () => {
    const slices = scheduleDump(7, [1000, 333, 1], { min: 32, max: 64 });
    const total = [0, 0, 0];
    for (const [w, k] of slices) {
      total[w]! += k;
      expect(k).toBeLessThanOrEqual(64);
    }
    expect(total).toEqual([1000, 333, 1]);
    // Interleaved: worker 0 does not run all its slices first.
    const firstOf1 = slices.findIndex(([w]) => w === 1);
    const lastOf0 = slices.map(([w]) => w).lastIndexOf(0);
    expect(firstOf1).toBeLessThan(lastOf0);
  });

  it("sets kernel.cpu to the running worker's CPU before each slice", () => {
    const kernel = { cpu: 0 };
    const log: string[] = [];
    const seen: number[] = [];
    let t = 0n;
    runScheduled(kernel, workers([100, 100], [2, 3], log), {
      seed: 1,
      burst: 10,
      clock: () => (t += 5n),
      beforeSlice: (w) => seen.push(w === 0 ? (kernel.cpu === 2 ? 1 : 0) : kernel.cpu === 3 ? 1 : 0),
    });
    expect(seen.every((ok) => ok === 1)).toBe(true);
    expect(seen).toHaveLength(20);
  });

  it("charges each slice the time between its two clock reads", () => {
    const slices: Slice[] = [];
    let t = 0n;
    const summary = runScheduled({ cpu: 0 }, workers([64], [0], []), { seed: 1, burst: 16, clock: () => (t += 10n), onSlice: (s) => slices.push(s) });
    expect(slices.map((s) => s.ns)).toEqual([10, 10, 10, 10]);
    expect(summary).toMatchObject({ slices: 4, steps: 64 });
  });

  it("rejects a bad burst or seed", () => {
    expect(() => runScheduled({ cpu: 0 }, [], { seed: 1, burst: 0 })).toThrow(BenchError);
    expect(() => runScheduled({ cpu: 0 }, [], { seed: 1, burst: { min: 8, max: 4 } })).toThrow(BenchError);
    expect(() => runScheduled({ cpu: 0 }, [], { seed: 0.5 })).toThrow(BenchError);
  });
});
