import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { SHARED_TRACES, kva } from "./helpers.js";

interface ReplayJson {
  schema: string;
  file: string;
  allocator: string;
  search: string | null;
  ops: number;
  allocs: number;
  allocFailures: number;
  frees: number;
  verified: number;
  mismatchCount: number;
  mismatches: { line: number; op: string; expected: number | null; got: number | null | string }[];
  fits: { FL: number; LE: number; RE: number; NE: number };
  freeMode: string;
  lazyMaxPages: number | null;
  timing: { ns: number; nsPerOp: number };
}

const HEADER = { type: "header", format: "kva-trace/1", start: 0, end: 1000, units: "pages", page_size: 4096, free_mode: "immediate" };

function writeTrace(lines: object[], name = "trace.jsonl", gzip = false): string {
  const file = join(mkdtempSync(join(tmpdir(), "kva-replay-")), name);
  const text = `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`;
  writeFileSync(file, gzip ? gzipSync(text) : text);
  return file;
}

/** Line 3 claims the second area lands at 99; the allocator puts it at 10. */
const BROKEN = [
  HEADER,
  { op: "alloc", size: 10, align: 1, vstart: 0, vend: 1000, ret: 0 },
  { op: "alloc", size: 5, align: 1, vstart: 0, vend: 1000, ret: 99 },
  { op: "free", addr: 0 },
  { op: "alloc", size: 4, align: 1, vstart: 0, vend: 1000, ret: 0 },
];

const traces = existsSync(SHARED_TRACES) ? readdirSync(SHARED_TRACES).filter((f) => /\.jsonl(\.gz)?$/.test(f)) : [];
if (traces.length === 0) console.warn(`kva replay: sample traces not found at ${SHARED_TRACES}; skipping the sample-trace tests`);

describe("kva replay", () => {
  describe.skipIf(traces.length === 0)(`the kernel's sample traces (${SHARED_TRACES})`, () => {
    it.each(traces)("replays %s with 0 mismatches and exit 0", (name) => {
      const r = kva(["replay", join(SHARED_TRACES, name)]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("mismatches: 0");
    });

    it("prints the kva-replay/1 object with --json", () => {
      const name = traces.find((t) => t.includes("v5.2")) ?? traces[0]!;
      const r = kva(["replay", join(SHARED_TRACES, name), "--json"]);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as ReplayJson;
      expect(out.schema).toBe("kva-replay/1");
      expect(out.ops).toBe(out.allocs + out.allocFailures + out.frees);
      expect(out.allocs).toBeGreaterThan(10_000);
      expect(out.frees).toBeGreaterThan(10_000);
      expect(out.mismatches).toEqual([]);
      expect(out.mismatchCount).toBe(0);
      expect(out.fits.FL + out.fits.LE + out.fits.RE + out.fits.NE).toBe(out.allocs);
      expect(out.timing.ns).toBeGreaterThan(0);
    });

    it("exits 1 replaying the 5.2 trace on the legacy allocator", () => {
      const name = traces.find((t) => t.includes("v5.2"));
      if (name === undefined) return;
      const r = kva(["replay", join(SHARED_TRACES, name), "--allocator", "legacy"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/mismatches: [\d,]+/);
      expect(r.stdout).toContain("--all prints every one");
    });
  });

  it("exits 1 and names the line of a deliberate mismatch", () => {
    const r = kva(["replay", writeTrace(BROKEN)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("mismatches: 1");
    expect(r.stdout).toContain("line 3");
    expect(r.stdout).toContain("alloc returned 10, trace has 99");
  });

  it("reads a gzipped trace the same way", () => {
    const r = kva(["replay", writeTrace(BROKEN, "trace.jsonl.gz", true), "--json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as ReplayJson;
    expect(out).toMatchObject({ ops: 4, allocs: 3, frees: 1, mismatchCount: 1 });
    expect(out.mismatches).toEqual([{ line: 3, op: "alloc", expected: 99, got: 10 }]);
  });

  it("honours the header's lazy free mode", () => {
    // Lazily freed, area [0, 10) stays busy until a purge: the next alloc lands at 10, not 0.
    const lazy = [{ ...HEADER, free_mode: "lazy", lazy_max_pages: 1000 }, { op: "alloc", size: 10, ret: 0 }, { op: "free", addr: 0 }, { op: "alloc", size: 10, ret: 10 }];
    const r = kva(["replay", writeTrace(lazy), "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as ReplayJson;
    expect(out.freeMode).toBe("lazy");
    expect(out.lazyMaxPages).toBe(1000);
    expect(out.mismatchCount).toBe(0);
    expect(kva(["replay", writeTrace(lazy), "--free-mode", "immediate"]).code).toBe(1);
  });

  it("prints the first 50 mismatches and a count, or all with --all", () => {
    const lines: object[] = [HEADER];
    for (let i = 0; i < 60; i++) lines.push({ op: "alloc", size: 1, ret: 500 + i });
    const file = writeTrace(lines);
    const some = kva(["replay", file]);
    expect(some.code).toBe(1);
    expect(some.stdout.match(/^ {2}line \d+:/gm)).toHaveLength(50);
    expect(some.stdout).toContain("10 more");
    const all = kva(["replay", file, "--all"]);
    expect(all.stdout.match(/^ {2}line \d+:/gm)).toHaveLength(60);
    expect(all.stdout).toContain("line 61:");
  });

  it("exits 2 naming the line of a malformed trace", () => {
    const file = join(mkdtempSync(join(tmpdir(), "kva-replay-")), "bad.jsonl");
    writeFileSync(file, `${JSON.stringify(HEADER)}\n{"op":"alloc","size":1}\n{oops\n`);
    const r = kva(["replay", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("line 3");
    expect(r.stderr).toContain(file);
  });

  it("exits 2 naming a missing trace file", () => {
    const r = kva(["replay", "/nonexistent/trace.jsonl.gz"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("/nonexistent/trace.jsonl.gz");
    expect(r.stderr).toContain("ENOENT");
  });

  it("exits 2 without a trace argument", () => {
    const r = kva(["replay"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("trace");
  });

  it("exits 2 for --search with the legacy allocator", () => {
    const r = kva(["replay", writeTrace(BROKEN), "--allocator", "legacy", "--search", "exact"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--search exact");
  });
});
