import { LazyPurge } from "@kva/lazy-purge";
import { VmapSpace } from "@kva/vmap";
import { describe, expect, it } from "vitest";
import { BenchError, fragmentation, layoutFromAllocator, layoutFromKernel, layoutFromVmallocinfo, renderMapSvg, renderMapTerminal, type MapLayout } from "../src/index.js";

/** [0, 64): busy [0,8), lazy [8,12), free [12,20), busy [20,24), free [24,64). */
function sample(): { space: VmapSpace; lazy: LazyPurge } {
  const space = new VmapSpace({ start: 0, end: 64 });
  const lazy = new LazyPurge(space, { lazyMaxPages: 100 });
  const a = lazy.alloc(8)!;
  const b = lazy.alloc(4)!;
  const c = lazy.alloc(8)!;
  lazy.alloc(4);
  lazy.free(b);
  space.free(c);
  expect([a, b, c]).toEqual([0, 8, 12]);
  return { space, lazy };
}

describe("layoutFromAllocator()", () => {
  it("partitions the space into busy, lazily freed and free ranges", () => {
    const layout = layoutFromAllocator(sample().lazy);
    expect(layout.ranges).toEqual([
      { start: 0, end: 8, kind: "busy" },
      { start: 8, end: 12, kind: "lazy" },
      { start: 12, end: 20, kind: "free" },
      { start: 20, end: 24, kind: "busy" },
      { start: 24, end: 64, kind: "free" },
    ]);
    expect(fragmentation(layout)).toEqual({ busyCount: 2, busySize: 12, lazyCount: 1, lazySize: 4, freeBlocks: 2, freeSize: 48, largestFree: 40, external: 1 - 40 / 48 });
  });

  it("clips to a window; 'auto' spans the used areas plus an eighth", () => {
    const { lazy } = sample();
    expect(layoutFromAllocator(lazy, { window: { start: 10, end: 22 } }).ranges).toEqual([
      { start: 10, end: 12, kind: "lazy" },
      { start: 12, end: 20, kind: "free" },
      { start: 20, end: 22, kind: "busy" },
    ]);
    const auto = layoutFromAllocator(lazy, { window: "auto" });
    expect([auto.start, auto.end]).toEqual([0, 27]);
    expect(() => layoutFromAllocator(lazy, { window: { start: 5, end: 5 } })).toThrow(BenchError);
  });
});

describe("renderMapTerminal()", () => {
  it("draws one glyph per cell with the fragmentation below", () => {
    const out = renderMapTerminal(layoutFromAllocator(sample().lazy), { width: 16, rows: 1 });
    const lines = out.split("\n");
    expect(lines[0]).toBe("0 ██▒··█··········");
    expect(out).toContain("external fragmentation 16.67 %");
    expect(out).not.toContain("\u001b[");
  });

  it("colours cells only when asked", () => {
    expect(renderMapTerminal(layoutFromAllocator(sample().lazy), { width: 8, rows: 2, color: true })).toContain("\u001b[");
  });

  it("marks partly covered cells as mostly busy or mostly free", () => {
    const layout: MapLayout = { start: 0, end: 4, unitBytes: 1, ranges: [{ start: 0, end: 3, kind: "busy" }, { start: 3, end: 4, kind: "free" }] };
    expect(renderMapTerminal(layout, { width: 2, rows: 1 }).split("\n")[0]).toBe("0 █▓");
    expect(renderMapTerminal({ ...layout, ranges: [{ start: 0, end: 1, kind: "busy" }, { start: 1, end: 4, kind: "free" }] }, { width: 1, rows: 1 }).split("\n")[0]).toBe("0 ░");
  });
});

describe("renderMapSvg()", () => {
  it("is a well-formed SVG with rects for the cells and the stats", () => {
    const svg = renderMapSvg(layoutFromAllocator(sample().lazy), { columns: 16, rows: 2 });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain('class="busy"');
    expect(svg).toContain('class="lazy"');
    expect(svg).toContain("external fragmentation");
    const open = (svg.match(/<(?!\/)[a-z]+[^>]*[^/]>/g) ?? []).length;
    const close = (svg.match(/<\/[a-z]+>/g) ?? []).length;
    expect(open).toBe(close);
  });
});

describe("layoutFromVmallocinfo()", () => {
  const text = [
    "0xffffc90000000000-0xffffc90000002000    8192 fix_size_alloc_test [test_vmalloc] pages=1 vmalloc N0=1",
    "0xffffc90000004000-0xffffc90000006000    8192 unpurged vm_area",
    "0xffffc90000006000-0xffffc9000000a000   16384 vm_map_ram",
  ].join("\n");

  it("reads busy and unpurged areas in pages", () => {
    const layout = layoutFromVmallocinfo(text, { space: { start: 0xffffc90000000000n, end: 0xffffe8ffffffffffn }, window: "auto" });
    const base = Number(0xffffc90000000000n / 4096n);
    expect(layout.ranges.map((r) => [r.start - base, r.end - base, r.kind])).toEqual([
      [0, 2, "busy"],
      [2, 4, "free"],
      [4, 6, "lazy"],
      [6, 10, "busy"],
      [10, 12, "free"],
    ]);
    expect(renderMapTerminal(layout, { width: 12, rows: 1 }).split("\n")[0]).toBe("0xffffc90000000000 ██··▒▒████··");
  });

  it("reads a kernel through its vmallocinfo()", () => {
    const kernel = { profile: { bits: 64 as const, pageSize: 4096, vmallocStart: 0xffffc90000000000n, vmallocEnd: 0xffffe8ffffffffffn, threadAlign: 16384 }, vmallocinfo: () => text };
    expect(fragmentation(layoutFromKernel(kernel))).toMatchObject({ busyCount: 2, lazyCount: 1, freeBlocks: 2 });
    expect(fragmentation(layoutFromKernel(kernel, { window: "full" })).freeSize).toBe(2 ** 33 - 1 - 8);
  });

  it("names a line it cannot read", () => {
    expect(() => layoutFromVmallocinfo("garbage")).toThrow(BenchError);
  });
});
