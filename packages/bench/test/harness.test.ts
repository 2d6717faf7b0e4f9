import { describe, expect, it } from "vitest";
import { RecordingKernel } from "../src/debug.js";
import { BenchError, runBothStacks, runTestVmalloc, type KernelFactory, type ProgressEvent, type TestVmallocOptions } from "../src/index.js";

/** A clock that advances 1000 ns per read: slice times become deterministic. */
function fakeClock(): () => bigint {
  let t = 0n;
  return () => (t += 1000n);
}

const fake: KernelFactory = (options) => new RecordingKernel({ cpus: options.cpus ?? 4, record: false });

function run(options: TestVmallocOptions) {
  return runTestVmalloc({ createKernel: fake, clock: fakeClock(), ...options });
}

describe("runTestVmalloc()", () => {
  it("runs one worker on CPU0 in 5.2 performance mode, tests in index order", () => {
    const r = run({ mode: "performance", params: { test_loop_count: 5 } });
    expect(r.workers).toHaveLength(1);
    expect(r.workers[0]).toMatchObject({ cpu: 0, label: "CPU0" });
    expect(r.workers[0]!.order.slice(0, 3)).toEqual(["fix_size_alloc_test", "full_fit_alloc_test", "long_busy_list_alloc_test"]);
    expect(r.workers[0]!.tests.map((t) => t.name)).toEqual([
      "fix_size_alloc_test",
      "full_fit_alloc_test",
      "long_busy_list_alloc_test",
      "random_size_alloc_test",
      "fix_align_alloc_test",
      "random_size_align_alloc_test",
      "align_shift_alloc_test",
    ]);
    expect(r.unavailable).toEqual([{ name: "pcpu_alloc_test", reason: expect.stringContaining("not available") as unknown }]);
    for (const t of r.workers[0]!.tests) expect(t).toMatchObject({ repeat: 3, loops: 5 });
  });

  it("counts align_shift as failed in 5.2 and xfailed in 6.18; everything else passes", () => {
    const a = run({ mode: "performance", params: { test_loop_count: 3, run_test_mask: 1 | 8 | 64 } });
    const shiftA = a.workers[0]!.tests.find((t) => t.name === "align_shift_alloc_test")!;
    expect(shiftA).toMatchObject({ passed: 0, failed: 3, xfailed: 0, expectedToFail: true });
    expect(a.totals).toMatchObject({ failed: 3, unexpectedFailures: 0 });
    const b = run({ era: "6.18", mode: "performance", params: { test_loop_count: 3, run_test_mask: 1 | 8 | 64 | 128 | 256 | 512 | 1024 } });
    const shiftB = b.workers[0]!.tests.find((t) => t.name === "align_shift_alloc_test")!;
    expect(shiftB).toMatchObject({ passed: 0, failed: 0, xfailed: 3 });
    expect(b.totals).toMatchObject({ failed: 0, xfailed: 3, unexpectedFailures: 0 });
    expect(b.workers[0]!.tests.map((t) => t.name)).toContain("vm_map_ram_test");
  });

  it("starts one shuffled worker per CPU in 5.2 stress mode, on a shared kernel", () => {
    const kernel = new RecordingKernel({ cpus: 4, record: true });
    const r = runTestVmalloc({ kernel, clock: fakeClock(), mode: "stress", params: { test_loop_count: 2, test_repeat_count: 1, run_test_mask: 1 | 8 | 16 | 32 } });
    expect(r.workers.map((w) => [w.cpu, w.label])).toEqual([
      [0, "CPU0"],
      [1, "CPU1"],
      [2, "CPU2"],
      [3, "CPU3"],
    ]);
    const orders = r.workers.map((w) => w.order.join());
    expect(new Set(orders).size).toBeGreaterThan(1);
    // The kernel saw requests from every CPU, interleaved.
    const cpus = kernel.calls.map((c) => c.cpu);
    expect(new Set(cpus)).toEqual(new Set([0, 1, 2, 3]));
    expect(r.stack).toBe("custom");
  });

  it("starts nr_threads workers in 6.18, worker<i> on CPU i mod cpus", () => {
    const r = run({ era: "6.18", params: { nr_threads: 6, test_loop_count: 2, run_test_mask: 1 } });
    expect(r.workers.map((w) => [w.label, w.cpu])).toEqual([
      ["worker0", 0],
      ["worker1", 1],
      ["worker2", 2],
      ["worker3", 3],
      ["worker4", 0],
      ["worker5", 1],
    ]);
    expect(run({ era: "6.18", params: { test_loop_count: 2, run_test_mask: 1 } }).workers).toHaveLength(1);
  });

  it("is reproducible: same seed, same orders, steps and counters", () => {
    const opts = { mode: "stress" as const, params: { test_loop_count: 20, test_repeat_count: 1, run_test_mask: 8 | 32 }, seed: 99 };
    const a = run(opts);
    const b = run(opts);
    expect(a.workers.map((w) => [w.order, w.tests.map((t) => [t.steps, t.counters])])).toEqual(b.workers.map((w) => [w.order, w.tests.map((t) => [t.steps, t.counters])]));
    const c = run({ ...opts, seed: 100 });
    expect(c.workers.map((w) => w.order)).not.toEqual(a.workers.map((w) => w.order));
  });

  it("attributes counters to the (worker, test) that ran", () => {
    const r = run({ mode: "stress", params: { test_loop_count: 10, test_repeat_count: 2, run_test_mask: 1 | 8 } });
    for (const w of r.workers) {
      const fix = w.tests.find((t) => t.name === "fix_size_alloc_test")!;
      expect(fix.counters.vmallocs).toBe(20);
      expect(fix.counters.vfrees).toBe(20);
      expect(fix.counters.listSteps).toBeNull();
    }
    expect(r.counters.vmallocs).toBe(4 * 40);
  });

  it("averages the measured time over the repeats and estimates cycles at the machine's rate", () => {
    const r = run({ mode: "performance", params: { test_loop_count: 64, run_test_mask: 1 }, burst: 32 });
    const t = r.workers[0]!.tests[0]!;
    // 3 repeats × 64 loops, bursts of 32 that stop at the test's end: each burst read the clock twice (1000 ns).
    expect(t.steps).toBe(3 * (64 + 1)); // 64 yields and the final return, per repeat
    expect(t.elapsedNs).toBeGreaterThan(0);
    expect(t.avgUs).toBeCloseTo(t.elapsedNs / 1000 / 3);
    expect(r.clock.hz).toBe(2.6e9);
    expect(r.workers[0]!.cycles).toBe(Math.round(r.workers[0]!.ns * 2.6));
  });

  it("measures CPU time by default and the wall clock on request", () => {
    const base = { createKernel: fake, mode: "performance" as const, params: { test_loop_count: 200, run_test_mask: 1 } };
    const cpu = runTestVmalloc(base);
    const wall = runTestVmalloc({ ...base, timer: "wall" });
    expect([cpu.timer, wall.timer]).toEqual(["cpu", "wall"]);
    expect(wall.totals.ns).toBeGreaterThan(0);
    expect(wall.totals.wallNs).toBeGreaterThanOrEqual(wall.totals.ns);
  });

  it("reports progress", () => {
    const events: ProgressEvent[] = [];
    run({ mode: "performance", params: { test_loop_count: 2, run_test_mask: 1 | 2 }, onProgress: (e) => events.push(e) });
    expect(events.filter((e) => e.kind !== "tick").map((e) => `${e.kind} ${e.test}`)).toEqual([
      "test-start fix_size_alloc_test",
      "test-end fix_size_alloc_test",
      "test-start full_fit_alloc_test",
      "test-end full_fit_alloc_test",
    ]);
  });

  it("builds both stacks with the same seed and parameters", () => {
    const seen: unknown[] = [];
    const cmp = runBothStacks({
      createKernel: (o) => {
        seen.push([o.allocator, o.lazy, o.search, o.machine]);
        return new RecordingKernel({ record: false });
      },
      clock: fakeClock(),
      mode: "performance",
      params: { test_loop_count: 3, run_test_mask: 1 },
    });
    expect(seen).toEqual([
      ["legacy", "5.2", undefined, "i5-3320m"],
      ["augmented", "5.2", "padded", "i5-3320m"],
    ]);
    expect(cmp.default.stack).toBe("default");
    expect(cmp.patched.stack).toBe("patched");
    expect(cmp.ratio).toBeGreaterThan(0);
    expect(Object.keys(cmp.testRatios)).toEqual(["fix_size_alloc_test"]);
  });

  it("rejects bad options with BenchError", () => {
    expect(() => run({ seed: 1.5 })).toThrow(BenchError);
    expect(() => run({ stack: "other" as never })).toThrow(BenchError);
    expect(() => run({ rcuGracePeriod: -1 })).toThrow(BenchError);
    expect(() => run({ params: ["bogus=1"] })).toThrow(BenchError);
    expect(() => runTestVmalloc({ createKernel: fake, timer: "sundial" as never })).toThrow(BenchError);
  });
});
