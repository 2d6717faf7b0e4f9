import { readPackageReadme, usageExample } from "@kva/test-utils";
import { describe, expect, it } from "vitest";
import { dumpSpace, formatFreeTree, linearLowestMatch, searchLength } from "../src/debug.js";
import { VmapError, VmapSpace } from "../src/index.js";

const README = readPackageReadme(import.meta.url);


describe("README", () => {
  it("runs the usage example", () => {
    // usage: begin
    // 2^20 pages searched like Linux 5.2 (the default policy, 'padded'); units are pages.
    const space = new VmapSpace({ start: 1, end: 1 + 2 ** 20 });
    expect(space.alloc(4)).toBe(1); // the lowest fit, cut from the left edge of the block (LE)
    expect(space.alloc(8, 8)).toBe(8); // aligned to 8 pages: splits the block, [5, 8) stays free (NE)
    expect(space.alloc(2, 1, 1024, 2048)).toBe(1024); // inside the window [1024, 2048) (NE)
    expect(space.free(1)).toBe(4); // returns the size; [1, 5) merges with [5, 8)
    expect([...space.freeAreas()]).toEqual([
      { start: 1, end: 8 },
      { start: 16, end: 1024 },
      { start: 1026, end: 1 + 2 ** 20 },
    ]);
    expect(space.alloc(2 ** 21)).toBeUndefined(); // nothing fits: not an error
    expect(() => space.free(1)).toThrow(VmapError); // double free: code 'ENOENT', nothing changes
    expect(space.stats()).toMatchObject({ busyCount: 2, freeCount: 3, allocs: 3, failures: 1, fits: { LE: 1, NE: 2 } });
    space.check(); // throws naming a broken invariant (F1 A1 L1 M1 B1 P1 N1 S1)

    // Linux 6.18 in bytes: 'adaptive' pads the search only for alignments above one page.
    const bytes = new VmapSpace({ start: 4096, end: 2 ** 40, search: "adaptive", pageSize: 4096 });
    expect(bytes.alloc(3 * 4096, 65536)).toBe(65536);
    // usage: end
  });

  it("shows the usage example verbatim", () => {
    expect(README).toContain(usageExample(import.meta.url));
  });

  it("has one API heading per public method", () => {
    const methods = Object.getOwnPropertyNames(VmapSpace.prototype).filter((m) => m !== "constructor" && !m.startsWith("_"));
    const privates = ["initFreeSpace", "addFree", "rangeOf", "insertBusy", "findBusyStart"];
    for (const m of methods.filter((x) => !privates.includes(x))) expect(README, m).toContain(`### \`${m}(`);
    expect(README).toContain("### `new VmapSpace(options)`");
  });

  it("draws the free tree that formatFreeTree() prints for the model's example", () => {
    const space = new VmapSpace({ start: 0, end: 64, early: [{ start: 0, end: 8 }, { start: 16, end: 24 }, { start: 40, end: 48 }] });
    expect(formatFreeTree(space)).toBe("B[24,40):16(r[8,16):8,r[48,64):16)");
    expect(README).toContain("B[24,40):16(r[8,16):8,r[48,64):16)");
  });

  it("shows the debug output of the debugging section", () => {
    const space = new VmapSpace({ start: 0, end: 64 });
    space.alloc(12);
    space.alloc(20);
    space.free(0);
    space.alloc(8);
    space.detach(12);
    expect(README).toContain(dumpSpace(space));
    expect(README).toContain(formatFreeTree(space));
    expect(searchLength(space, 4, 4)).toBe(7);
    expect(linearLowestMatch(space, 4, 4)).toEqual({ start: 8, end: 12 });
    expect(space.alloc(4, 4)).toBe(32);
  });
});
