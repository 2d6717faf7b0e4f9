import { describe, expect, it } from "vitest";
import {
  VM_ALLOC,
  VM_DMA_COHERENT,
  VM_IOREMAP,
  VM_MAP,
  VM_USERMAP,
  VmallocInfoParseError,
  type VmallocInfoEntry,
  formatVmallocInfo,
  formatVmallocInfoLine,
  parseVmallocInfo,
} from "../src/index.js";

const S = 0xffffc90000000000n;

/** Entries and the lines the kernel prints for them (hand-written from s_show's format, KERNEL.md §10). */
const LINES: readonly (readonly [string, VmallocInfoEntry, string])[] = [
  ["a vmalloc with caller, pages and NUMA counts", { start: S, end: S + 0x5000n, size: 20480, caller: "load_module+0x1b0/0x2c0", pages: 4, flags: VM_ALLOC, numa: [[0, 4]] }, "0xffffc90000000000-0xffffc90000005000   20480 load_module+0x1b0/0x2c0 pages=4 vmalloc N0=4"],
  ["a caller in a module", { start: S, end: S + 0x2000n, size: 8192, caller: "fix_size_alloc_test+0x2c/0x60 [test_vmalloc]", pages: 1, flags: VM_ALLOC }, "0xffffc90000000000-0xffffc90000002000    8192 fix_size_alloc_test+0x2c/0x60 [test_vmalloc] pages=1 vmalloc"],
  ["a size wider than seven digits", { start: S, end: S + 0x1001000n, size: 16781312, flags: VM_ALLOC, pages: 4096 }, "0xffffc90000000000-0xffffc90001001000 16781312 pages=4096 vmalloc"],
  ["an ioremap with its physical address", { start: S, end: S + 0x2000n, size: 8192, caller: "hpet_enable+0x36/0x2c0", phys: 0xfed00000n, flags: VM_IOREMAP }, "0xffffc90000000000-0xffffc90000002000    8192 hpet_enable+0x36/0x2c0 phys=0x00000000fed00000 ioremap"],
  ["every flag word in the kernel's order", { start: S, end: S + 0x2000n, size: 8192, flags: VM_DMA_COHERENT | VM_USERMAP | VM_MAP | VM_ALLOC | VM_IOREMAP }, "0xffffc90000000000-0xffffc90000002000    8192 ioremap vmalloc vmap user dma-coherent"],
  ["vpages after the flags, NUMA nodes last, empty nodes skipped", { start: S, end: S + 0x202000n, size: 2105344, pages: 513, flags: VM_ALLOC, vpages: true, numa: [[0, 500], [1, 0], [2, 13]] }, "0xffffc90000000000-0xffffc90000202000 2105344 pages=513 vmalloc vpages N0=500 N2=13"],
  ["a lazily freed area", { start: S, end: S + 0x3000n, size: 12288, flags: 0, kind: "unpurged vm_area" }, "0xffffc90000000000-0xffffc90000003000   12288 unpurged vm_area"],
  ["a vmap block", { start: S, end: S + 0x400000n, size: 4194304, flags: 0, kind: "vm_map_ram" }, "0xffffc90000000000-0xffffc90000400000 4194304 vm_map_ram"],
  ["hashed addresses print as given", { start: 0x3a1b2c4dn, end: 0xf0e1d2c3n, size: 8192, flags: VM_ALLOC, pages: 1 }, "0x000000003a1b2c4d-0x00000000f0e1d2c3    8192 pages=1 vmalloc"],
];

describe("formatVmallocInfoLine()", () => {
  it.each(LINES)("prints %s", (_name, entry, line) => {
    expect(formatVmallocInfoLine(entry)).toBe(line);
  });

  it("prints 8 hex digits on 32-bit, and 16 for a 64-bit phys_addr_t (LPAE)", () => {
    const e: VmallocInfoEntry = { start: 0xf0800000n, end: 0xf0802000n, size: 8192, phys: 0x1c000000n, flags: VM_IOREMAP };
    expect(formatVmallocInfoLine(e, 32)).toBe("0xf0800000-0xf0802000    8192 phys=0x1c000000 ioremap");
    expect(formatVmallocInfoLine(e, 32, 64)).toBe("0xf0800000-0xf0802000    8192 phys=0x000000001c000000 ioremap");
  });
});

describe("formatVmallocInfo()", () => {
  it("ends every line with a newline and prints nothing for no entries", () => {
    expect(formatVmallocInfo([])).toBe("");
    expect(formatVmallocInfo(LINES.slice(0, 2).map(([, e]) => e))).toBe(`${LINES[0]![2]}\n${LINES[1]![2]}\n`);
  });
});

/** An excerpt of a real x86-64 file read without CAP_SYSLOG (kptr_restrict 0: hashed pointers). */
const HASHED = `0x00000000c9ab5b9e-0x000000003e8b0f2a    8192 acpi_os_map_iomem+0x1ac/0x1e0 phys=0x00000000bffde000 ioremap
0x000000001a2b3c4d-0x000000005e6f7a8b   12288 hpet_enable+0x36/0x2c0 phys=0x00000000fed00000 ioremap
0x00000000d0c1b2a3-0x0000000094857667   20480 load_module+0x1b0/0x2c0 pages=4 vmalloc N0=4
0x0000000011223344-0x0000000055667788   16384 n_tty_open+0x19/0xa0 pages=3 vmalloc N0=2 N1=1
0x00000000aabbccdd-0x00000000eeff0011   12288 unpurged vm_area
0x0000000012121212-0x0000000034343434 4194304 vm_map_ram
0x0000000098989898-0x0000000076767676 2105344 alloc_large_system_hash+0x16f/0x24d pages=513 vmalloc vpages N0=513
0x0000000056565656-0x0000000078787878   36864 drm_gem_shmem_vmap+0xe4/0x1a0 [drm_shmem_helper] vmap
0x0000000019191919-0x0000000028282828    8192 bpf_prog_alloc_no_stats+0x4c/0x1c0 pages=1 vmalloc user N0=1
`;

describe("parseVmallocInfo()", () => {
  it("reads hashed addresses, callers with modules, fields, flags and NUMA counts", () => {
    const entries = parseVmallocInfo(HASHED);
    expect(entries).toHaveLength(9);
    expect(entries[0]).toEqual({
      start: 0xc9ab5b9en,
      end: 0x3e8b0f2an,
      size: 8192,
      caller: "acpi_os_map_iomem+0x1ac/0x1e0",
      pages: undefined,
      phys: 0xbffde000n,
      flags: VM_IOREMAP,
      vpages: undefined,
      numa: undefined,
    });
    expect(entries[3]).toMatchObject({ caller: "n_tty_open+0x19/0xa0", pages: 3, flags: VM_ALLOC, numa: [[0, 2], [1, 1]] });
    expect(entries[4]).toEqual({ start: 0xaabbccddn, end: 0xeeff0011n, size: 12288, flags: 0, kind: "unpurged vm_area" });
    expect(entries[5]).toMatchObject({ size: 4194304, kind: "vm_map_ram" });
    expect(entries[6]).toMatchObject({ pages: 513, vpages: true });
    expect(entries[7]).toMatchObject({ caller: "drm_gem_shmem_vmap+0xe4/0x1a0 [drm_shmem_helper]", flags: VM_MAP });
    expect(entries[8]).toMatchObject({ flags: VM_ALLOC | VM_USERMAP });
  });

  it("formats its result back to the same text", () => {
    expect(formatVmallocInfo(parseVmallocInfo(HASHED))).toBe(HASHED);
  });

  it.each(LINES)("round-trips %s", (_name, entry, line) => {
    expect(formatVmallocInfoLine(parseVmallocInfo(line)[0]!)).toBe(line);
  });

  it("keeps a caller with spaces (an early area's name) whole", () => {
    const [e] = parseVmallocInfo("0xffff800081a11000-0xffff800082011000 6291456 kernel rodata vmap\n");
    expect(e).toMatchObject({ caller: "kernel rodata", flags: VM_MAP });
  });

  it("reads zeroed addresses (kptr_restrict 2), CRLF line ends and blank lines", () => {
    const entries = parseVmallocInfo("\r\n0x0000000000000000-0x0000000000000000    8192 pages=1 vmalloc\r\n\n");
    expect(entries).toEqual([{ start: 0n, end: 0n, size: 8192, caller: undefined, pages: 1, phys: undefined, flags: VM_ALLOC, vpages: undefined, numa: undefined }]);
  });

  it("ignores words of later kernels after the fields", () => {
    const [e] = parseVmallocInfo("0xffffc90000000000-0xffffc90000002000    8192 f+0x1/0x2 pages=1 sparse vmalloc N0=1\n");
    expect(e).toMatchObject({ caller: "f+0x1/0x2", pages: 1, flags: VM_ALLOC, numa: [[0, 1]] });
  });

  it.each([
    ["a line without an address range", "hello world", 1],
    ["a missing size", "0x1000-0x2000", 1],
    ["a malformed pages= field", "0x1000-0x3000    8192 pages=x vmalloc", 1],
    ["a malformed phys= field", "0x1000-0x3000    8192 phys=12 ioremap", 1],
    ["a bad second line", "0x1000-0x3000    8192 vmalloc\n0x1000", 2],
  ])("throws VmallocInfoParseError EINVAL naming the line for %s", (_name, text, line) => {
    let error: unknown;
    try {
      parseVmallocInfo(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VmallocInfoParseError);
    expect(error).toMatchObject({ code: "EINVAL", line });
  });
});
