import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SHARED_TRACES, kva } from "./helpers.js";

interface MapJson {
  source: string;
  window: { start: number; end: number; unitBytes: number };
  fragmentation: { busyCount: number; lazyCount: number; freeBlocks: number; freeSize: number; largestFree: number; external: number };
  svg: string | null;
}

describe("kva map", () => {
  it("draws the fragmented workload with a legend and fragmentation figures", () => {
    const r = kva(["map", "--width", "40", "--rows", "4"]);
    expect(r.code).toBe(0);
    const grid = r.stdout.split("\n").filter((l) => l.startsWith("0xffffc9"));
    expect(grid).toHaveLength(4);
    expect(grid[0]!.split(" ")[1]).toHaveLength(40);
    expect(r.stdout).toContain("█ busy");
    expect(r.stdout).toContain("lazily freed");
    expect(r.stdout).toMatch(/external fragmentation \d+\.\d+ %/);
  });

  it("writes an SVG file", () => {
    const file = join(mkdtempSync(join(tmpdir(), "kva-map-")), "boot.svg");
    const r = kva(["map", "--workload", "boot", "--svg", file]);
    expect(r.code).toBe(0);
    const svg = readFileSync(file, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("lazily freed");
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  });

  it("prints fragmentation as JSON", () => {
    const r = kva(["map", "--workload", "boot", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as MapJson;
    expect(out.window.unitBytes).toBe(4096);
    expect(out.fragmentation.busyCount).toBeGreaterThan(5);
    expect(out.fragmentation.lazyCount).toBe(1);
    expect(out.fragmentation.external).toBeGreaterThanOrEqual(0);
    expect(out.fragmentation.external).toBeLessThan(1);
  });

  it("draws a real vmallocinfo copy", () => {
    const file = join(mkdtempSync(join(tmpdir(), "kva-map-")), "vmallocinfo");
    writeFileSync(file, "0xffffc90000000000-0xffffc90000002000    8192 hpet_enable+0x3d/0x2d0 phys=0x00000000fed00000 ioremap\n0xffffc90000004000-0xffffc90000009000   20480 unpurged vm_area\n");
    const r = kva(["map", "--vmallocinfo", file, "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as MapJson;
    expect(out.fragmentation).toMatchObject({ busyCount: 1, lazyCount: 1 });
  });

  it.skipIf(!existsSync(join(SHARED_TRACES, "dev-random-mix.v5.2.jsonl.gz")))("draws a trace's state after --ops operations", () => {
    const r = kva(["map", "--trace", join(SHARED_TRACES, "dev-random-mix.v5.2.jsonl.gz"), "--ops", "1000", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as MapJson;
    expect(out.source).toContain("after 1,000 of");
    expect(out.fragmentation.busyCount).toBeGreaterThan(50);
  });

  it.each([
    [["--workload", "boot", "--trace", "x.jsonl"], "only one"],
    [["--window", "lots"], "'lots'"],
    [["--workload", "nope"], '"nope"'],
    [["--trace", "/nonexistent/t.jsonl"], "/nonexistent/t.jsonl"],
    [["--width", "0"], "--width"],
  ])("exits 2 for %j", (args, named) => {
    const r = kva(["map", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(named);
  });
});
