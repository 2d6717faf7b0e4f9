import { readPackageReadme, usageExample } from "@kva/test-utils";
import { describe, expect, it } from "vitest";
import { formatWorkloadShape, workloadShape } from "../src/debug.js";
import { TraceRecorder, formatComparisonTable, formatKernelLog, replayTrace, runBothStacks } from "../src/index.js";

const README = readPackageReadme(import.meta.url);


describe("README", () => {
  it("runs the usage example", () => {
    // usage: begin
    // test_vmalloc on both stacks: default (pre-5.2 busy list) and patched (5.2 free tree), same seed.
    const cmp = runBothStacks({ machine: "ci-2core", params: ["test_loop_count=20", "run_test_mask=5", "single_cpu_test=1"] });
    expect(cmp.patched.totals.unexpectedFailures).toBe(0);
    expect(cmp.default.counters.listSteps).toBeGreaterThan(0); // the old allocator walks its busy list
    expect(formatKernelLog(cmp.patched)).toMatch(/^Summary: fix_size_alloc_test passed: 1 failed: 0 repeat: 1 loops: 20 avg: \d+ usec$/m);
    expect(formatComparisonTable(cmp)).toContain("long_busy_list_alloc_test");

    // Replay a kva-trace/1 trace (text, or gzipped bytes) and verify every recorded answer.
    const trace = new TraceRecorder({ start: 0, end: 1024, units: "pages" });
    trace.alloc(4, 1, 0, 1024, 0);
    trace.alloc(2, 4, 0, 1024, 4);
    trace.free(0);
    trace.alloc(4, 1, 0, 1024, 0);
    const replay = replayTrace(trace.toBytes({ gzip: true }), { allocator: "augmented", search: "padded" });
    expect(replay).toMatchObject({ ops: 4, allocs: 3, frees: 1, mismatchCount: 0 });
    // usage: end
  });

  it("shows the usage example verbatim", () => {
    expect(README).toContain(usageExample(import.meta.url));
  });

  it("shows the workload dump that workloadShape() prints", () => {
    const dump = formatWorkloadShape(workloadShape("full_fit_alloc_test"));
    expect(README).toContain(dump.trimEnd().split("\n").map((l) => `    ${l}`).join("\n"));
  });
});
