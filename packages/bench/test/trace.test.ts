import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { LazyPurge } from "@kva/lazy-purge";
import { VmapSpace } from "@kva/vmap";
import { describe, expect, it } from "vitest";
import { BenchError, TraceRecorder, decodeTrace, formatReplaySummary, isGzip, parseTrace, readTraceFile, recordAllocator, replayTrace } from "../src/index.js";

const TRACES = fileURLToPath(new URL("../../../../shared/traces/", import.meta.url));
const have = existsSync(TRACES) && readdirSync(TRACES).some((f) => f.endsWith(".jsonl.gz"));
const onTraces = have ? it : it.skip;
if (!have) console.warn(`shared traces not found at ${TRACES}: the replay tests on them are skipped`);

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BenchError);
    return [(error as BenchError).code, (error as BenchError).line];
  }
  return "no error";
}

describe("replayTrace() on the kernel's traces", () => {
  onTraces("reproduces every ret of the 5.2 trace with the augmented allocator, padded search", () => {
    const r = replayTrace(readFileSync(`${TRACES}dev-random-mix.v5.2.jsonl.gz`), { allocator: "augmented", search: "padded" });
    expect(r.mismatchCount).toBe(0);
    expect(r.verified).toBe(15001);
    expect(r.allocs + r.allocFailures).toBe(15001);
    expect(r.allocFailures).toBe(358);
    expect(r.frees).toBe(14641);
    expect(r.fits).toEqual({ FL: 402, LE: 8241, RE: 26, NE: 5974 });
  });

  onTraces("reproduces every ret of the 6.18 trace with the adaptive search (inferred from the header)", () => {
    const r = replayTrace(readTraceFile(`${TRACES}dev-random-mix.v6.18.jsonl.gz`));
    expect(r).toMatchObject({ allocator: "augmented", search: "adaptive", inferred: true, mismatchCount: 0, allocFailures: 370, frees: 14629 });
    expect(r.fits).toEqual({ FL: 585, LE: 8051, RE: 29, NE: 5966 });
  });

  onTraces("reproduces every ret of the 5.0 trace with the legacy allocator", () => {
    const r = replayTrace(readFileSync(`${TRACES}dev-random-mix.v5.0.jsonl.gz`), { allocator: "legacy" });
    expect(r.mismatchCount).toBe(0);
    expect(r.listSteps).toBeGreaterThan(0);
    expect(r.allocFailures).toBe(365);
  });

  onTraces("reports the known divergences of the wrong allocator with their lines", () => {
    // A naive lowest fit fails the 5.2 file at line 88; the legacy allocator (no padding) differs early too.
    const r = replayTrace(readFileSync(`${TRACES}dev-random-mix.v5.2.jsonl.gz`), { allocator: "augmented", search: "exact" });
    expect(r.mismatchCount).toBeGreaterThan(0);
    expect(r.mismatches[0]!.line).toBe(88);
    expect(formatReplaySummary(r)).toContain("line 88: alloc expected");
  });

  onTraces("reports every altered ret with its line number", () => {
    const altered = decodeTrace(readFileSync(`${TRACES}dev-random-mix.v5.2.jsonl.gz`)).split("\n");
    const targets: number[] = [];
    for (let i = 1; i < altered.length && targets.length < 3; i += 997) {
      const o = JSON.parse(altered[i]!) as { op: string; ret?: number | null };
      if (o.op !== "alloc" || typeof o.ret !== "number") continue;
      o.ret += 4096;
      altered[i] = JSON.stringify(o);
      targets.push(i + 1);
    }
    expect(targets).toHaveLength(3);
    const r = replayTrace(altered.join("\n"), { allocator: "augmented", search: "padded" });
    expect(r.mismatchCount).toBe(targets.length);
    expect(r.mismatches.map((m) => m.line)).toEqual(targets);
    expect(r.mismatches.every((m) => m.op === "alloc" && typeof m.got === "number" && m.expected === m.got + 4096)).toBe(true);
    expect(r.skippedFrees).toBe(0);
  });
});

describe("parseTrace()", () => {
  const text = [
    JSON.stringify({ type: "header", format: "kva-trace/1", start: 0, end: 1024, units: "pages", page_size: 4096 }),
    JSON.stringify({ op: "alloc", size: 4, align: 1, vstart: 0, vend: 1024, ret: 0 }),
    "",
    JSON.stringify({ op: "alloc", size: 8, ret: 4 }),
    JSON.stringify({ op: "free", addr: 0 }),
  ].join("\n");

  it("reads plain and gzipped text alike, with defaults and line numbers", () => {
    const a = parseTrace(text);
    const b = parseTrace(gzipSync(text));
    expect(isGzip(gzipSync(text))).toBe(true);
    expect(isGzip(new TextEncoder().encode(text))).toBe(false);
    expect(b).toEqual(a);
    expect(a.ops).toEqual([
      { op: "alloc", line: 2, size: 4, align: 1, vstart: 0, vend: 1024, ret: 0 },
      { op: "alloc", line: 4, size: 8, align: 1, vstart: 0, vend: 1024, ret: 4 },
      { op: "free", line: 5, addr: 0 },
    ]);
  });

  it.each([
    ["{not json", 1],
    [JSON.stringify({ type: "header", format: "kva-trace/2", start: 0, end: 1, units: "pages" }), 1],
    [JSON.stringify({ type: "header", format: "kva-trace/1", start: 5, end: 5, units: "pages" }), 1],
    [JSON.stringify({ type: "header", format: "kva-trace/1", start: 0, end: 9, units: "furlongs" }), 1],
    [`${JSON.stringify({ type: "header", format: "kva-trace/1", start: 0, end: 9, units: "pages" })}\n{"op":"alloc","size":-1}`, 2],
    [`${JSON.stringify({ type: "header", format: "kva-trace/1", start: 0, end: 9, units: "pages" })}\n\n{"op":"move"}`, 3],
    ["", 1],
  ])("rejects a bad trace with ETRACE and the line (%#)", (input, line) => {
    expect(codeOf(() => parseTrace(input))).toEqual(["ETRACE", line]);
  });
});

describe("replayTrace()", () => {
  it("honours free_mode lazy and lazy_max_pages from the header", () => {
    const header = { type: "header", format: "kva-trace/1", start: 0, end: 100, units: "pages", page_size: 4096, free_mode: "lazy", lazy_max_pages: 3 };
    const lines = [JSON.stringify(header)];
    // Three 2-page areas; freeing two (4 pages) crosses the threshold of 3 and purges; the next alloc reuses 0.
    lines.push(JSON.stringify({ op: "alloc", size: 2, ret: 0 }), JSON.stringify({ op: "alloc", size: 2, ret: 2 }), JSON.stringify({ op: "alloc", size: 2, ret: 4 }));
    lines.push(JSON.stringify({ op: "free", addr: 0 }), JSON.stringify({ op: "alloc", size: 2, ret: 6 }));
    lines.push(JSON.stringify({ op: "free", addr: 2 }), JSON.stringify({ op: "alloc", size: 2, ret: 0 }));
    const r = replayTrace(lines.join("\n"));
    expect(r).toMatchObject({ freeMode: "lazy", lazyMaxPages: 3, mismatchCount: 0, purges: 1 });
    const immediate = replayTrace(lines.join("\n"), { freeMode: "immediate" });
    expect(immediate.mismatches.map((m) => m.line)).toEqual([6, 8]);
  });

  it("reports refused frees and keeps going", () => {
    const lines = [JSON.stringify({ type: "header", format: "kva-trace/1", start: 0, end: 100, units: "pages" }), JSON.stringify({ op: "free", addr: 7 }), JSON.stringify({ op: "alloc", size: 1, ret: 0 })];
    const r = replayTrace(lines.join("\n"));
    expect(r.mismatches).toEqual([{ line: 2, op: "free", expected: 7, got: "ENOENT" }]);
    expect(r.allocs).toBe(1);
  });
});

describe("TraceRecorder / recordAllocator()", () => {
  it("records an allocator session that replays without mismatches", () => {
    const { allocator, recorder } = recordAllocator(new VmapSpace({ start: 0, end: 1 << 20, alignShift: 12 }));
    const lazy = new LazyPurge(allocator, { lazyMaxPages: 0 });
    const a = lazy.alloc(3, 8192)!;
    const b = lazy.alloc(5, 1)!;
    lazy.free(a);
    lazy.alloc(2, 4096);
    lazy.free(b);
    expect(recorder.ops).toBe(5);
    const bytes = recorder.toBytes({ gzip: true });
    expect(isGzip(bytes)).toBe(true);
    const trace = parseTrace(bytes);
    expect(trace.header).toMatchObject({ units: "pages", page_size: 4096, align_shift: 12, start: 0, end: 1 << 20 });
    const r = replayTrace(trace);
    expect(r).toMatchObject({ mismatchCount: 0, allocs: 3, frees: 2 });
  });

  it("writes a header line and one line per operation", () => {
    const rec = new TraceRecorder({ start: 4096, end: 8192 * 4096, units: "bytes", page_size: 4096 });
    rec.alloc(8192, 4096, 4096, 8192 * 4096, undefined);
    rec.free(4096);
    const lines = rec.toString().trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: "header", format: "kva-trace/1" });
    expect(JSON.parse(lines[1]!)).toEqual({ op: "alloc", size: 8192, align: 4096, vstart: 4096, vend: 8192 * 4096, ret: null });
  });
});
