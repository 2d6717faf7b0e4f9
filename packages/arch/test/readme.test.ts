import { readPackageReadme, usageExample } from "@kva/test-utils";
import { describe, expect, it } from "vitest";
import { formatProfileTable } from "../src/debug.js";
import {
  formatAddress,
  formatSize,
  getMachine,
  getProfile,
  parseProfile,
  toBytes,
  toPages,
  vmallocRangePages,
  vmallocSize,
} from "../src/index.js";

const README = readPackageReadme(import.meta.url);


describe("README", () => {
  it("runs the usage example", () => {
    // usage: begin
    const x86 = getProfile("x86_64-4level");
    expect(formatAddress(x86.vmallocStart)).toBe("0xffffc90000000000");
    expect(formatSize(vmallocSize(x86))).toBe("32.0 TiB"); // VMALLOC_END is START + 32 TiB − 1

    // The allocator works in page numbers; the last page below VMALLOC_END is never usable.
    const window = vmallocRangePages(x86);
    expect(window.end - window.start).toBe(2 ** 33 - 1);
    expect(formatAddress(toBytes(x86, window.end))).toBe("0xffffe8fffffff000");
    expect(toPages(x86, 0x3000n)).toBe(3);

    // The seed's arm64 board: fix_align_alloc_test aligns to THREAD_ALIGN << 1.
    const hikey = getMachine("hikey960");
    expect(hikey.cpus).toBe(8);
    expect(hikey.profile.threadAlign * 2).toBe(64 * 1024);

    // A custom profile from JSON (the CLI reads the file and calls parseProfile).
    const board = parseProfile({ id: "my-board", bits: 32, pageSize: 4096, vmallocStart: "0xe0000000", vmallocEnd: "0xff000000" });
    expect(formatSize(vmallocSize(board))).toBe("496 MiB");
    // usage: end
  });

  it("shows the usage example verbatim", () => {
    expect(README).toContain(usageExample(import.meta.url));
  });

  it("shows a custom profile JSON example that parseProfile accepts", () => {
    const json = /```json\n([\s\S]*?)```/.exec(README)?.[1];
    expect(json).toBeDefined();
    const p = parseProfile(JSON.parse(json!));
    expect(p.earlyAreas).toHaveLength(1);
    expect(p.threadAlign).toBe(32 * 1024);
  });

  it("shows the profile table that formatProfileTable() prints", () => {
    expect(README).toContain(formatProfileTable());
  });
});
