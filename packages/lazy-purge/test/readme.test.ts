import { readPackageReadme, usageExample } from "@kva/test-utils";
import { VmapSpace } from "@kva/vmap";
import { describe, expect, it } from "vitest";
import { LazyPurge, lazyMaxPages } from "../src/index.js";

const README = readPackageReadme(import.meta.url);


describe("README", () => {
  it("runs the usage example", () => {
    // usage: begin
    const space = new VmapSpace({ start: 0, end: 2 ** 20 }); // page numbers
    const flushes: string[] = [];
    const lazy = new LazyPurge(space, {
      era: "5.11",
      cpus: 4, // lazy_max_pages = fls(4) × 32 MiB / 4 KiB = 24576 pages
      onFlush: (e) => flushes.push(`[${e.start}, ${e.end}) ${e.areas} areas`),
    });
    expect(lazy.lazyMaxPages).toBe(lazyMaxPages(4));

    const a = lazy.alloc(4)!; // 3 pages + guard page
    expect(lazy.free(a)).toBe(4); // queued: not reusable until a purge
    expect(lazy.alloc(4)).toBe(4); // so the next area lands above it
    lazy.free(4); // merges with [0, 4) in the lazy tree
    expect(lazy.purge()).toEqual({ areas: 2, ranges: 1, pages: 8, flush: { start: 0, end: 8 } });
    expect(flushes).toEqual(["[0, 8) 2 areas"]);
    expect(lazy.alloc(4)).toBe(0); // reusable after the flush
    expect(lazy.stats().lazy.purges).toEqual({ threshold: 0, failure: 0, explicit: 1 });
    // usage: end
  });

  it("shows the usage example verbatim", () => {
    expect(README).toContain(usageExample(import.meta.url));
  });

  it("shows the lazy_max_pages table as lazyMaxPages() computes it", () => {
    const rows = [...README.matchAll(/^\| (\d+)(?:–(\d+))? \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|/gm)];
    expect(rows.length).toBe(8);
    for (const [, lo, hi, fls, p4, p16, p64] of rows) {
      for (const cpus of [Number(lo), Number(hi ?? lo)]) {
        expect([Math.floor(Math.log2(cpus)) + 1, lazyMaxPages(cpus), lazyMaxPages(cpus, 16384), lazyMaxPages(cpus, 65536)]).toEqual(
          [fls, p4, p16, p64].map(Number),
        );
      }
    }
  });
});
