import { createKernel } from "@kva/kernel";
import { describe, expect, it } from "vitest";
import {
  formatComparisonTable,
  formatKernelLog,
  fragmentation,
  layoutFromKernel,
  renderMapTerminal,
  runBothStacks,
  runTestVmalloc,
  type KernelLike,
} from "../src/index.js";

describe("the harness on @kva/kernel", () => {
  it("runs smoke-ish parameters on both stacks: everything passes, the legacy stack walks its list", () => {
    const cmp = runBothStacks({ machine: "ci-2core", params: { test_loop_count: 50, run_test_mask: 1 | 4 | 8 | 16 | 32, single_cpu_test: true } });
    for (const run of [cmp.default, cmp.patched]) {
      expect(run.workers).toHaveLength(1);
      expect(run.totals).toMatchObject({ failed: 0, unexpectedFailures: 0, passed: 5 });
      const lb = run.workers[0]!.tests.find((t) => t.name === "long_busy_list_alloc_test")!;
      expect(lb.counters.vmallocs).toBe(1 + 15000 + 100);
    }
    expect(cmp.default.counters.listSteps).toBeGreaterThan(0);
    expect(cmp.patched.counters.listSteps).toBeNull();
    expect(cmp.patched.counters.fits.NE).toBeGreaterThan(0);
    expect(formatKernelLog(cmp.default)).toMatch(/^Summary: fix_size_alloc_test passed: 1 failed: 0 repeat: 1 loops: 50 avg: \d+ usec$/m);
    expect(formatComparisonTable(cmp)).toContain("long_busy_list_alloc_test");
  });

  it("accepts the real kernel as a KernelLike and maps it", () => {
    const kernel: KernelLike & { vmallocinfo(): string } = createKernel({ machine: "ci-2core" });
    const run = runTestVmalloc({ kernel, era: "6.18", params: { test_loop_count: 20, run_test_mask: 1 | 64 | 256 | 1024, nr_threads: 2 } });
    expect(run.totals).toMatchObject({ failed: 0, unexpectedFailures: 0, xfailed: 2 });
    const a = kernel.vmalloc(4096 * 3);
    const f = fragmentation(layoutFromKernel(kernel));
    expect(f.busyCount).toBeGreaterThan(0);
    expect(renderMapTerminal(layoutFromKernel(kernel), { width: 32, rows: 2 })).toContain("0xffffc9");
    kernel.vfree(a);
  });
});
