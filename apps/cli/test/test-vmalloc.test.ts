import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kva } from "./helpers.js";

interface TestVmallocJson {
  schema: string;
  tool: { name: string; version: string };
  node: string;
  date: string;
  command: string | null;
  era: string;
  mode: string | null;
  preset: string;
  seed: number;
  machine: { id: string | null; cpus: number };
  params: Record<string, number | boolean>;
  paramSources: Record<string, string>;
  stacks: Record<string, { allocator: string; workers: { label: string; tests: { name: string; passed: number; failed: number; loops: number; repeat: number; avgUs: number }[] }[]; totals: { ns: number; cycles: number; unexpectedFailures: number } }>;
  ratio: { total: number | null; cycles: number | null; tests: Record<string, number> };
  published: { figure: { default: number; patched: number } | null };
}

const TINY = ["smoke", "test_loop_count=20", "run_test_mask=1", "test_repeat_count=2"];

describe("kva test-vmalloc", () => {
  it("runs both stacks and prints the kernel's lines and the side-by-side table", () => {
    const r = kva(["test-vmalloc", ...TINY]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("smoke mode (v5.2 script)");
    expect(r.stdout.match(/Summary: fix_size_alloc_test passed: 2 failed: 0 repeat: 2 loops: 20 avg: \d+ usec/g)).toHaveLength(2);
    expect(r.stdout.match(/All test took CPU0=\d+ cycles/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/fix_size_alloc_test +[\d,.]+ +[\d,.]+ +[\d.]+×/);
    expect(r.stdout).toContain("ratio = default / patched");
  });

  it("prints the seed's figures beside ours in performance mode", () => {
    const r = kva(["test-vmalloc", "performance", "test_loop_count=10", "run_test_mask=1", "test_repeat_count=1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("646,919,905,370");
    expect(r.stdout).toContain("193,290,498,550");
    expect(r.stdout).toContain("3.35×");
  });

  it("writes the kva-test-vmalloc/1 document to stdout with --json -", () => {
    const r = kva(["test-vmalloc", ...TINY, "--seed", "7", "--json", "-"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as TestVmallocJson;
    expect(doc.schema).toBe("kva-test-vmalloc/1");
    expect(doc.era).toBe("5.2");
    expect(doc.mode).toBe("smoke");
    expect(doc.seed).toBe(7);
    expect(doc.machine.id).toBe("i5-3320m");
    expect(doc.params).toMatchObject({ test_loop_count: 20, run_test_mask: 1, test_repeat_count: 2, single_cpu_test: true });
    expect(doc.paramSources.test_loop_count).toBe("user");
    expect(Object.keys(doc.stacks).sort()).toEqual(["default", "patched"]);
    expect(doc.stacks.default!.allocator).toBe("legacy");
    expect(doc.stacks.patched!.allocator).toBe("augmented");
    const test = doc.stacks.patched!.workers[0]!.tests[0]!;
    expect(test).toMatchObject({ name: "fix_size_alloc_test", passed: 2, failed: 0, loops: 20, repeat: 2 });
    expect(doc.ratio.total).toBeGreaterThan(0);
    expect(doc.command).toContain("test-vmalloc");
    expect(typeof doc.node).toBe("string");
    expect(doc.published.figure).toBeNull();
  });

  it("writes --json FILE and still prints the table", () => {
    const file = join(mkdtempSync(join(tmpdir(), "kva-tv-")), "out.json");
    const r = kva(["test-vmalloc", ...TINY, "--allocator", "augmented", "--json", file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${file}`);
    const doc = JSON.parse(readFileSync(file, "utf8")) as TestVmallocJson;
    expect(Object.keys(doc.stacks)).toEqual(["patched"]);
    expect(doc.ratio.total).toBeNull();
  });

  it("runs one stack with --allocator legacy", () => {
    const r = kva(["test-vmalloc", ...TINY, "--allocator", "legacy", "--no-log"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("on default");
    expect(r.stdout).not.toContain("Summary:");
  });

  it("takes the 6.18 module's parameters with --era 6.18", () => {
    const r = kva(["test-vmalloc", "--era", "6.18", "smoke", "run_test_mask=1024", "nr_pages=2", "test_loop_count=10", "test_repeat_count=1", "--allocator", "augmented"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Summary: vm_map_ram_test passed: 1 failed: 0 xfailed: 0 repeat: 1 loops: 10 avg: \d+ usec/);
    expect(r.stdout).toMatch(/All test took worker0=\d+ cycles/);
  });

  it("exits 1 when a test fails (a 4 MiB vmalloc range cannot hold the long busy list)", () => {
    const dir = mkdtempSync(join(tmpdir(), "kva-tv-"));
    const profile = join(dir, "tiny.json");
    writeFileSync(profile, JSON.stringify({ id: "tiny-32", bits: 32, pageSize: 4096, vmallocStart: "0xf0000000", vmallocEnd: "0xf0400000" }));
    const r = kva(["test-vmalloc", "smoke", "run_test_mask=4", "test_loop_count=5", "test_repeat_count=1", "--allocator", "augmented", "--profile", profile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/long_busy_list_alloc_test passed: 0 failed: 1/);
    expect(r.stdout).toContain("1 test run failed");
  });

  it.each([
    [["bogus_param=1"], "bogus_param"],
    [["smoke", "test_loop_count=0"], "test_loop_count 0"],
    [["smoke", "test_loop_count=ten"], "test_loop_count ten"],
    [["fast"], '"fast"'],
    [["smoke", "nr_threads=2"], "nr_threads"],
    [["smoke", "loops"], '"loops"'],
  ])("exits 2 naming the bad argument in %j", (args, named) => {
    const r = kva(["test-vmalloc", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(named);
    expect(r.stderr).toContain("--help");
    expect(r.stdout).toBe("");
  });

  it.each([
    [["--allocator", "buddy"], "buddy"],
    [["--seed", "-1"], "-1"],
    [["--era", "4.19"], "4.19"],
    [["--machine", "pdp11"], "pdp11"],
    [["--profile", "/nonexistent/profile.json"], "/nonexistent/profile.json"],
  ])("exits 2 naming the bad option value in %j", (args, named) => {
    const r = kva(["test-vmalloc", ...TINY, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(named);
  });
});
