import { describe, expect, it } from "vitest";
import { describeMachine, describeProfile, formatProfileTable } from "../src/debug.js";
import { getMachine, getProfile, listProfiles, parseProfile } from "../src/index.js";

describe("formatProfileTable()", () => {
  it("has a header, a rule and one row per built-in profile", () => {
    const lines = formatProfileTable().split("\n");
    expect(lines).toHaveLength(2 + listProfiles().length);
    expect(lines[2]).toBe(
      "| `x86_64-4level` | `0xffffc90000000000` | `0xffffe8ffffffffff` | 32.0 TiB | 4 KiB | 16 KiB | 30 |",
    );
  });

  it("prints 32-bit addresses with 8 digits", () => {
    expect(formatProfileTable([getProfile("i386-3g")]).split("\n")[2]).toBe(
      "| `i386-3g` | `0xf7ffe000` | `0xff7fe000` | 120 MiB | 4 KiB | 8 KiB | 22 |",
    );
  });
});

describe("describeProfile()", () => {
  it("lists the ranges, the page window and the alignment of fix_align_alloc_test", () => {
    const text = describeProfile(getProfile("arm64-4k-48"));
    expect(text).toContain("vmalloc 0xffff800080000000 - 0xfffffdffbf800000 (126.0 TiB)");
    expect(text).toContain("modules 0xffff800000000000 - 0xffff800080000000 (2 GiB)");
    expect(text).toContain("fix_align_alloc_test aligns to 64 KiB");
    expect(text).toContain("early areas: none");
  });

  it("lists early areas of a custom profile", () => {
    const p = parseProfile({
      id: "with-image",
      bits: 64,
      pageSize: 4096,
      vmallocStart: "0xffff800080000000",
      vmallocEnd: "0xfffffdffbf800000",
      earlyAreas: [{ start: "0xffff800080000000", end: "0xffff800082000000", name: "kernel text" }],
    });
    expect(describeProfile(p)).toContain("early area 0xffff800080000000 - 0xffff800082000000 kernel text");
  });
});

describe("describeMachine()", () => {
  it("lists each per-cpu group with its offset, size and CPUs", () => {
    const text = describeMachine(getMachine("numa-2socket"));
    expect(text).toContain("32 CPUs, 2 NUMA nodes");
    expect(text).toContain("group 1: offset 512 GiB, size 4 MiB, CPUs 16 17");
  });
});
