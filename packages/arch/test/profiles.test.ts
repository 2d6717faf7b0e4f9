import { describe, expect, it } from "vitest";
import {
  type ArchProfile,
  DEFAULT_PROFILE_ID,
  formatSize,
  getProfile,
  listProfiles,
  vmallocSize,
} from "../src/index.js";
import { expectArchError } from "./expect-arch-error.js";

const KiB = 1n << 10n;
const MiB = 1n << 20n;
const GiB = 1n << 30n;
const TiB = 1n << 40n;
const PiB = 1n << 50n;
const TOP = 1n << 64n;
/** −x as an unsigned 64-bit value, the kernel's way of counting down from the top. */
const neg = (x: bigint): bigint => TOP - x;

/**
 * KERNEL.md §9, row by row: start and end as printed there (`VMALLOC_END`; for RISC-V the table prints the
 * inclusive last byte, so the test adds 1), the size as KERNEL.md states it (exact where it is exact), and
 * the `formatSize` rendering of `VMALLOC_END − VMALLOC_START`.
 */
const KERNEL_MD_9: ReadonlyArray<readonly [id: string, start: bigint, end: bigint, size: bigint | undefined, shown: string]> = [
  // §9.1 x86-64: END = START + (SIZE_TB << 40) − 1
  ["x86_64-4level", 0xffffc90000000000n, 0xffffe8ffffffffffn, 32n * TiB - 1n, "32.0 TiB"],
  ["x86_64-5level", 0xffa0000000000000n, 0xffd1ffffffffffffn, 12800n * TiB - 1n, "12.5 PiB"],
  // §9.2 i386, typical boot log: vmalloc : 0xf7ffe000 - 0xff7fe000 (120 MB)
  ["i386-3g", 0xf7ffe000n, 0xff7fe000n, 120n * MiB, "120 MiB"],
  // §9.3 arm64 v6.18 table
  ["arm64-4k-48", 0xffff800080000000n, 0xfffffdffbf800000n, undefined, "126.0 TiB"],
  ["arm64-4k-52-lpa2", 0xffff800080000000n, 0xffffc1ffbf800000n, undefined, "66.0 TiB"],
  ["arm64-4k-39", 0xffffffc080000000n, 0xfffffffebf800000n, undefined, "249.0 GiB"],
  ["arm64-16k-47", 0xffffc00080000000n, 0xffffffbfbf800000n, undefined, "63.7 TiB"],
  ["arm64-64k-42", 0xfffffe0080000000n, 0xffffffff3f800000n, undefined, "2.0 TiB"],
  ["arm64-64k-48", 0xffff800080000000n, 0xffffffdfbf800000n, undefined, "127.9 TiB"],
  // §9.3 arm64 v5.2 layout
  ["arm64-4k-48-v5.2", 0xffff000010000000n, 0xffff7dffbfff0000n, undefined, "126.0 TiB"],
  ["arm64-4k-39-v5.2", 0xffffff8010000000n, 0xffffffbebfff0000n, undefined, "250.7 GiB"],
  // §9.4 32-bit ARM, default 240 MiB
  ["arm-3g", 0xf0800000n, 0xff800000n, 240n * MiB, "240 MiB"],
  // §9.5 RISC-V 64: inclusive ends in the table
  ["riscv64-sv39", 0xffffffc600000000n, 0xffffffd5ffffffffn + 1n, 64n * GiB, "64 GiB"],
  ["riscv64-sv48", 0xffff8f8000000000n, 0xffffaf7fffffffffn + 1n, 32n * TiB, "32 TiB"],
  ["riscv64-sv57", 0xff20000000000000n, 0xff5fffffffffffffn + 1n, 16n * PiB, "16 PiB"],
];

describe("built-in profiles", () => {
  describe("KERNEL.md §9 values", () => {
    it.each(KERNEL_MD_9)("%s has VMALLOC_START, VMALLOC_END and size as in KERNEL.md", (id, start, end, size, shown) => {
      const p = getProfile(id);
      expect(p.vmallocStart).toBe(start);
      expect(p.vmallocEnd).toBe(end);
      expect(vmallocSize(p)).toBe(end - start);
      if (size !== undefined) expect(vmallocSize(p)).toBe(size);
      expect(formatSize(vmallocSize(p))).toBe(shown);
    });

    it("covers every built-in profile exactly once", () => {
      expect(KERNEL_MD_9.map(([id]) => id).sort()).toEqual(listProfiles().map((p) => p.id).sort());
    });
  });

  describe("arm64 v6.18 formulas (§9.3)", () => {
    const cases = [
      ["arm64-4k-48", 12, 48],
      ["arm64-4k-39", 12, 39],
      ["arm64-16k-47", 14, 47],
      ["arm64-64k-42", 16, 42],
      ["arm64-64k-48", 16, 48],
    ] as const;
    it.each(cases)("%s follows MODULES_VADDR = _PAGE_END(VA_BITS), VMALLOC_END = VMEMMAP_START − 8 MiB", (id, shift, va) => {
      const p = getProfile(id);
      const pageOffset = neg(1n << BigInt(va));
      const pageEnd = neg(1n << BigInt(va - 1));
      const vmemmapSize = ((pageEnd - pageOffset) >> BigInt(shift)) * 64n;
      const vmemmapStart = neg(GiB) - vmemmapSize;
      expect(p.pageShift).toBe(shift);
      expect(p.vaBits).toBe(va);
      expect(p.modulesStart).toBe(pageEnd);
      expect(p.modulesEnd).toBe(pageEnd + 2n * GiB);
      expect(p.vmallocStart).toBe(p.modulesEnd);
      expect(p.vmallocEnd).toBe(vmemmapStart - 8n * MiB);
    });

    it("a 52-bit kernel on 48-bit hardware has the 48-bit VMALLOC_END; on LPA2 hardware the vmemmap grows", () => {
      const pageOffset52 = neg(1n << 52n);
      const pageEnd48 = neg(1n << 47n);
      const vmemmapStart = neg(GiB) - ((pageEnd48 - pageOffset52) >> 12n) * 64n;
      const unused48 = (neg(1n << 48n) - pageOffset52) >> 12n;
      expect(vmemmapStart + unused48 * 64n - 8n * MiB).toBe(getProfile("arm64-4k-48").vmallocEnd);
      expect(vmemmapStart - 8n * MiB).toBe(getProfile("arm64-4k-52-lpa2").vmallocEnd);
    });
  });

  describe("arm64 v5.2 formulas (§9.3)", () => {
    it.each([
      ["arm64-4k-48-v5.2", 48],
      ["arm64-4k-39-v5.2", 39],
    ] as const)("%s puts 128 MiB of BPF JIT and 128 MiB of modules below VMALLOC_START", (id, va) => {
      const p = getProfile(id);
      const vaStart = neg(1n << BigInt(va));
      const pageOffset = neg(1n << BigInt(va - 1));
      const vmemmapSize = 1n << BigInt(va - 12 - 1 + 6);
      expect(p.modulesStart).toBe(vaStart + 128n * MiB);
      expect(p.modulesEnd).toBe(vaStart + 256n * MiB);
      expect(p.vmallocStart).toBe(p.modulesEnd);
      expect(p.vmallocEnd).toBe(pageOffset - GiB - vmemmapSize - 64n * KiB);
    });
  });

  describe("modules ranges", () => {
    it.each([
      ["x86_64-4level", 0xffffffffc0000000n, 0xffffffffff000000n],
      ["x86_64-5level", 0xffffffffc0000000n, 0xffffffffff000000n],
      ["i386-3g", 0xf7ffe000n, 0xff7fe000n],
      ["arm64-4k-48", 0xffff800000000000n, 0xffff800080000000n],
      ["arm-3g", 0xbf000000n, 0xc0000000n],
      ["riscv64-sv39", 0xffffffff00000000n, 0xffffffff80000000n],
    ] as const)("%s has modules [%s, %s)", (id, start, end) => {
      const p = getProfile(id);
      expect(p.modulesStart).toBe(start);
      expect(p.modulesEnd).toBe(end);
    });

    it("x86-64 modules span 1008 MiB with KASLR's 1 GiB kernel image", () => {
      const p = getProfile("x86_64-4level");
      expect(p.modulesEnd - p.modulesStart).toBe(1008n * MiB);
    });
  });

  describe("THREAD_ALIGN and IOREMAP_MAX_ORDER", () => {
    it("gives fix_align_alloc_test 32 KiB on x86-64 and 64 KiB on arm64 (KERNEL.md §7.2)", () => {
      expect(getProfile("x86_64-4level").threadAlign * 2).toBe(32 * 1024);
      expect(getProfile("arm64-4k-48").threadAlign * 2).toBe(64 * 1024);
      expect(getProfile("arm64-4k-48-v5.2").threadAlign * 2).toBe(64 * 1024);
    });

    it.each([
      ["x86_64-4level", 16384, 30],
      ["i386-3g", 8192, 22],
      ["arm64-16k-47", 32768, 25],
      ["arm64-64k-42", 131072, 29],
      ["arm-3g", 16384, 19],
      ["riscv64-sv39", 32768, 30],
    ] as const)("%s has THREAD_ALIGN %i and IOREMAP_MAX_ORDER %i", (id, align, order) => {
      const p = getProfile(id);
      expect(p.threadAlign).toBe(align);
      expect(p.ioremapMaxOrder).toBe(order);
    });
  });

  describe("invariants P1–P5", () => {
    it.each(listProfiles().map((p) => [p.id, p] as const))("%s keeps P1–P5", (_id, p: ArchProfile) => {
      const page = BigInt(p.pageSize);
      const limit = 1n << BigInt(p.bits);
      // P2
      expect(2 ** p.pageShift).toBe(p.pageSize);
      expect(p.pageSize).toBeGreaterThanOrEqual(1024);
      expect(p.bits - p.pageShift).toBeLessThanOrEqual(53);
      for (const [start, end] of [
        [p.vmallocStart, p.vmallocEnd],
        [p.modulesStart, p.modulesEnd],
      ] as const) {
        // P1, P3, P4
        expect(end).toBeLessThan(limit);
        expect(start % page).toBe(0n);
        expect(end % page === 0n || (end + 1n) % page === 0n).toBe(true);
        expect(start).toBeLessThan(end);
      }
      expect(p.threadAlign & (p.threadAlign - 1)).toBe(0);
      expect(p.ioremapMaxOrder).toBeGreaterThanOrEqual(p.pageShift);
      expect(p.source.length).toBeGreaterThan(0);
      expect(p.notes.length).toBeGreaterThan(0);
      expect(p.earlyAreas).toEqual([]);
      // P5
      expect(Object.isFrozen(p)).toBe(true);
      expect(Object.isFrozen(p.source)).toBe(true);
      expect(Object.isFrozen(p.earlyAreas)).toBe(true);
    });

    it("has unique ids and a frozen list", () => {
      const ids = listProfiles().map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(Object.isFrozen(listProfiles())).toBe(true);
    });
  });

  describe("getProfile()", () => {
    it("returns the default x86-64 4-level profile for DEFAULT_PROFILE_ID", () => {
      expect(DEFAULT_PROFILE_ID).toBe("x86_64-4level");
      expect(getProfile(DEFAULT_PROFILE_ID).name).toBe("x86-64, 4-level paging");
    });

    it("returns the same frozen object every time", () => {
      expect(getProfile("arm64-4k-48")).toBe(getProfile("arm64-4k-48"));
    });

    it("throws ENOENT for an unknown id", () => {
      expectArchError(() => getProfile("x86_64"), "ENOENT");
      expectArchError(() => getProfile(""), "ENOENT");
    });

    it("throws EINVAL for a non-string id", () => {
      expectArchError(() => getProfile(42 as unknown as string), "EINVAL");
    });
  });
});
