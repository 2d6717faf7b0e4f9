import { describe, expect, it } from "vitest";
import { RecordingKernel } from "../src/debug.js";
import {
  TEST_VMALLOC_SCHEMA,
  formatComparisonTable,
  formatKernelLog,
  formatRunTable,
  formatTestVmallocJson,
  runBothStacks,
  runTestVmalloc,
  toTestVmallocJson,
  type Environment,
} from "../src/index.js";

function clock(step: bigint): () => bigint {
  let t = 0n;
  return () => (t += step);
}

const env: Environment = { node: "v20.0.0", platform: "linux", arch: "x64", cpu: "Test CPU", cpus: 2, memoryBytes: 1024, date: "2026-01-01T00:00:00.000Z" };

describe("formatKernelLog()", () => {
  it("prints the 5.2 Summary and All test took lines", () => {
    const run = runTestVmalloc({ kernel: new RecordingKernel({ record: false }), machine: "i5-3320m", clock: clock(1_000_000n), mode: "performance", params: { test_loop_count: 10, run_test_mask: 1 | 64 } });
    const lines = formatKernelLog(run).trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^Summary: fix_size_alloc_test passed: 3 failed: 0 repeat: 3 loops: 10 avg: \d+ usec$/);
    expect(lines[1]).toMatch(/^Summary: align_shift_alloc_test passed: 0 failed: 3 repeat: 3 loops: 10 avg: \d+ usec$/);
    expect(lines[2]).toMatch(/^All test took CPU0=\d+ cycles$/);
    const fix = run.workers[0]!.tests[0]!;
    expect(lines[0]).toContain(`avg: ${Math.floor(Math.floor(fix.elapsedNs / 1000) / 3)} usec`);
    expect(lines[2]).toBe(`All test took CPU0=${Math.round(run.workers[0]!.ns * 2.6)} cycles`);
  });

  it("prints the 6.18 variant with xfailed and worker<i>", () => {
    const run = runTestVmalloc({ kernel: new RecordingKernel({ record: false }), clock: clock(1000n), era: "6.18", params: { test_loop_count: 2, run_test_mask: 1 | 64, nr_threads: 2 } });
    const lines = formatKernelLog(run).trimEnd().split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^Summary: align_shift_alloc_test passed: 0 failed: 0 xfailed: 1 repeat: 1 loops: 2 avg: \d+ usec$/);
    expect(lines[2]).toMatch(/^All test took worker0=\d+ cycles$/);
    expect(lines[5]).toMatch(/^All test took worker1=\d+ cycles$/);
  });
});

describe("formatComparisonTable()", () => {
  const both = (options: object) => runBothStacks({ createKernel: () => new RecordingKernel({ record: false }), clock: clock(1000n), mode: "performance", ...options });
  const cmp = both({ params: { test_loop_count: 3, run_test_mask: 1 | 4 | 64 | 128 } });

  it("states every parameter and its source, and sets the seed's figures beside ours", () => {
    const text = formatComparisonTable(cmp);
    expect(text).toContain("test_loop_count=3 (given)");
    expect(text).toContain("test_repeat_count=3 (mode performance)");
    expect(text).toContain("run_test_mask=197 (given)");
    expect(text).toMatch(/long_busy_list_alloc_test .* 3\.73× \(RFC v1/);
    expect(text).toContain("3.35× (i5-3320m: 646,919,905,370 vs 193,290,498,550)");
    expect(text).toContain("pcpu_alloc_test: not available");
    expect(text).toMatch(/align_shift_alloc_test .*\(xfail\)/);
    expect(text).toMatch(/^All test took \(est\. cycles\) +CPU0=[\d,]+ +CPU0=[\d,]+ +[\d.]+×/m);
  });

  it("names the preset and the kernel default it replaced", () => {
    const quick = both({ preset: "quick", params: { run_test_mask: 64 } });
    expect(formatComparisonTable(quick)).toContain("test_loop_count=50000 (preset quick; kernel default 1000000)");
  });

  it("renders a markdown table on request", () => {
    const text = formatComparisonTable(cmp, { markdown: true, seed: false });
    expect(text).toContain("| test | default avg µs | patched avg µs | ratio |");
    expect(text).toContain("| --- | ---: | ---: | ---: |");
    expect(text).not.toContain("646,919,905,370");
  });

  it("formats a single run's table with counters", () => {
    expect(formatRunTable(cmp.patched)).toMatch(/CPU0 +fix_size_alloc_test +3 +0 +0 +[\d.,]+ +9 +0\/9\/0\/0 +0 +—/);
  });
});

describe("toTestVmallocJson()", () => {
  const cmp = runBothStacks({ createKernel: () => new RecordingKernel({ record: false }), clock: clock(1000n), mode: "performance", params: { test_loop_count: 4, run_test_mask: 1 | 8 } });

  it("has the documented kva-test-vmalloc/1 fields", () => {
    const doc = toTestVmallocJson(cmp, { command: "kva test-vmalloc", environment: env });
    expect(doc.schema).toBe(TEST_VMALLOC_SCHEMA);
    expect(Object.keys(doc)).toEqual([
      "schema", "tool", "node", "cpu", "date", "host", "command", "era", "mode", "preset", "seed", "machine", "timer", "params",
      "paramSources", "rcuGracePeriod", "stacks", "ratio", "published", "unavailable",
    ]);
    expect(doc).toMatchObject({ tool: { name: "@kva/bench" }, node: "v20.0.0", cpu: "Test CPU", date: env.date, command: "kva test-vmalloc", era: "5.2", mode: "performance", seed: 1 });
    expect(doc.machine).toEqual({ id: "i5-3320m", cpus: 4, clockHz: 2.6e9, clockSource: expect.any(String) as unknown });
    expect(doc.timer).toBe("custom");
    expect(doc.params).toEqual({ run_test_mask: 9, test_repeat_count: 3, test_loop_count: 4, sequential_test_order: true, single_cpu_test: true });
    expect(Object.keys(doc.stacks)).toEqual(["default", "patched"]);
    const test = doc.stacks.patched!.workers[0]!.tests[0]!;
    expect(Object.keys(test)).toEqual(["name", "index", "bit", "passed", "failed", "xfailed", "expectedToFail", "repeat", "loops", "avgUs", "elapsedNs", "steps", "counters"]);
    expect(Object.keys(test.counters)).toEqual(["vmallocs", "vmallocFailures", "vfrees", "fits", "purges", "purgesByTrigger", "listSteps", "cacheResets"]);
    expect(doc.ratio.total).toBeCloseTo(cmp.ratio);
    expect(doc.published.figure?.id).toBe("i5-3320m-performance");
  });

  it("serialises to JSON text that parses back", () => {
    const text = formatTestVmallocJson(cmp.patched, { environment: env });
    const doc = JSON.parse(text) as { stacks: Record<string, unknown>; ratio: { total: unknown } };
    expect(Object.keys(doc.stacks)).toEqual(["patched"]);
    expect(doc.ratio.total).toBeNull();
  });
});
