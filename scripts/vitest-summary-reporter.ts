import type { Reporter, TestModule } from "vitest/node";

/** Prints `Tests: N passed, N failed[, N skipped]` as the very last line of a vitest run (CI reads it). */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      if (mod.state() === "failed" && mod.children.size === 0) failed++; // the file failed to load
    }
    const tail = skipped > 0 ? `, ${skipped} skipped` : "";
    process.stdout.write(`Tests: ${passed} passed, ${failed} failed${tail}\n`);
  }
}
