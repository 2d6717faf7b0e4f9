import { parseProfile } from "@kva/arch";
import { describe, expect, it } from "vitest";
import { type Kernel, type KernelOptions, VM_ALLOC, VM_IOREMAP, createKernel, parseVmallocInfo } from "../src/index.js";
import { ERAS, PAGE, STACKS, X86_START, at, expectMisuse, tinyKernel, withoutAddresses } from "./helpers.js";

/** A state with one of everything vmallocinfo prints. */
function simulate(options: KernelOptions): Kernel {
  const k = createKernel({ cpus: 4, numaNodes: 2, ...options });
  const a = k.vmalloc(3 * PAGE, "load_module+0x1b0/0x2c0 [kvm]");
  k.vmallocUser(PAGE, "bpf_prog_alloc+0x4c/0x1c0");
  k.cpu = 3;
  const big = k.vmalloc(600 * PAGE, "alloc_large_system_hash+0x16f/0x24d");
  k.ioremap(0xfed00123n, 0x400, "hpet_enable+0x36/0x2c0");
  k.vmap(5);
  k.getVmArea(2 * PAGE, 0, "pci_mmcfg_arch_map+0x20/0x80");
  k.vmMapRam(3);
  k.vmMapRam(100);
  const gone = k.vmMapRam(70)!;
  k.vmUnmapRam(gone, 70);
  k.vfree(a);
  k.vfree(k.vmalloc(PAGE));
  expect(k.findVmArea(big!)?.vpages).toBe(true);
  return k;
}

describe("Kernel.loadVmallocInfo()", () => {
  describe.each(ERAS)("era %s", (lazy) => {
    it.each(STACKS)("round-trips a simulated state with real addresses (%s)", (allocator) => {
      const original = simulate({ allocator, lazy });
      const text = original.vmallocinfo();
      const fresh = createKernel({ allocator, lazy, cpus: 4, numaNodes: 2 });
      const result = fresh.loadVmallocInfo(text);
      expect(result).toMatchObject({ mode: "addresses", failed: [] });
      expect(fresh.vmallocinfo()).toBe(text);
      fresh.check();
      // The loaded state behaves like the original: same next address. (Not for vm_map_ram: a vmap
      // block's free and dirty counts are not in the file, so it comes back as a plain vm_map_ram area.)
      expect(fresh.vmalloc(PAGE)).toBe(original.vmalloc(PAGE));
      fresh.check();
    });
  });

  it("loads parsed entries as well as text, and links a vpages area to its pages array", () => {
    const original = simulate({});
    const fresh = createKernel({ cpus: 4, numaNodes: 2 });
    fresh.loadVmallocInfo(parseVmallocInfo(original.vmallocinfo()), { mode: "addresses" });
    const big = fresh.vmAreas().find((a) => a.vpages)!;
    const lazyBefore = fresh.stats().lazy.pendingAreas;
    fresh.vfree(big.addr);
    expect(fresh.stats().lazy.pendingAreas).toBe(lazyBefore + 2);
    expect(fresh.vmallocinfo()).not.toContain("alloc_large_system_hash");
    fresh.check();
  });

  it("turns loaded lines back into working areas: vfree, vm_unmap_ram and purges", () => {
    const k = createKernel();
    k.loadVmallocInfo(
      "0xffffc90000000000-0xffffc90000002000    8192 f+0x1/0x2 pages=1 vmalloc N0=1\n" +
        "0xffffc90000002000-0xffffc90000004000    8192 unpurged vm_area\n" +
        "0xffffc90000004000-0xffffc90000045000  266240 vm_map_ram\n",
    );
    expect(k.stats().lazy.pendingAreas).toBe(1);
    k.vfree(X86_START);
    k.vmUnmapRam(at(X86_START, 4), 65);
    k.vmUnmapAliases();
    expect(k.vmallocinfo()).toBe("");
    expect(k.vmalloc(PAGE)).toBe(X86_START);
    k.check();
  });

  /** An x86-64 file read without CAP_SYSLOG: hashed pointers, so only sizes, callers and flags count. */
  const HASHED = `0x00000000c9ab5b9e-0x000000003e8b0f2a    8192 acpi_os_map_iomem+0x1ac/0x1e0 phys=0x00000000bffde000 ioremap
0x000000001a2b3c4d-0x000000005e6f7a8b   12288 hpet_enable+0x36/0x2c0 phys=0x00000000fed00000 ioremap
0x00000000d0c1b2a3-0x0000000094857667   20480 load_module+0x1b0/0x2c0 pages=4 vmalloc N0=4
0x00000000aabbccdd-0x00000000eeff0011   12288 unpurged vm_area
0x0000000012121212-0x0000000034343434 4194304 vm_map_ram
0x0000000098989898-0x0000000076767676   16384 n_tty_open+0x19/0xa0 pages=3 vmalloc N0=3
`;

  it.each(STACKS)("re-allocates a hashed file in file order from VMALLOC_START (%s)", (allocator) => {
    const k = createKernel({ allocator });
    const result = k.loadVmallocInfo(HASHED);
    expect(result).toEqual({ mode: "reallocate", areas: 4, lazy: 1, ram: 1, existing: 0, failed: [] });
    expect(withoutAddresses(k.vmallocinfo())).toEqual(withoutAddresses(HASHED));
    const areas = k.vmAreas();
    expect(areas[0]).toMatchObject({ addr: X86_START, size: 8192, flags: VM_IOREMAP, physAddr: 0xbffde000n });
    // The second ioremap keeps its size-order alignment (two pages without its guard), the vmap block its
    // 4 MiB one; the lines after it stay after it.
    expect(areas[1]!.addr).toBe(at(X86_START, 2));
    expect(areas[2]).toMatchObject({ addr: at(X86_START, 5), caller: "load_module+0x1b0/0x2c0", nrPages: 4, flags: VM_ALLOC, numa: [4] });
    expect(k.vmallocinfo().split("\n")[4]).toBe("0xffffc90000400000-0xffffc90000800000 4194304 vm_map_ram");
    expect(areas[3]!.addr).toBe(X86_START + 0x800000n);
    expect(k.stats().lazy).toMatchObject({ pendingAreas: 1, pendingPages: 3 });
    k.check();
  });

  it("re-allocates a file with zeroed addresses (kptr_restrict 2) in auto mode", () => {
    const original = simulate({});
    const zeroed = original.vmallocinfo().replace(/^0x[0-9a-f]+-0x[0-9a-f]+/gm, "0x0000000000000000-0x0000000000000000");
    const k = createKernel({ cpus: 4, numaNodes: 2 });
    expect(k.loadVmallocInfo(zeroed).mode).toBe("reallocate");
    expect(withoutAddresses(k.vmallocinfo())).toEqual(withoutAddresses(original.vmallocinfo()));
    k.check();
  });

  it("refuses mode 'addresses' for hashed addresses and changes nothing", () => {
    const k = createKernel();
    k.vmalloc(PAGE);
    expectMisuse(k, "EINVAL", () => k.loadVmallocInfo(HASHED, { mode: "addresses" }));
  });

  it("re-allocates when the addresses overlap what is already busy", () => {
    const k = createKernel();
    k.vmalloc(PAGE);
    const line = "0xffffc90000000000-0xffffc90000003000   12288 f+0x1/0x2 pages=2 vmalloc N0=2\n";
    expectMisuse(k, "EINVAL", () => k.loadVmallocInfo(line, { mode: "addresses" }));
    expect(k.loadVmallocInfo(line)).toMatchObject({ mode: "reallocate", areas: 1 });
    expect(k.findVmArea(at(X86_START, 2))?.caller).toBe("f+0x1/0x2");
  });

  it("refuses overlapping lines and lines outside the vmalloc and modules ranges for mode 'addresses'", () => {
    const k = createKernel();
    const overlap = "0xffffc90000000000-0xffffc90000002000    8192 vmalloc\n0xffffc90000001000-0xffffc90000003000    8192 vmalloc\n";
    expectMisuse(k, "EINVAL", () => k.loadVmallocInfo(overlap, { mode: "addresses" }));
    expectMisuse(k, "EINVAL", () => k.loadVmallocInfo("0x0000000000100000-0x0000000000102000    8192 vmalloc\n", { mode: "addresses" }));
    expect(k.loadVmallocInfo("0xffffffffc0000000-0xffffffffc0005000   20480 load_module+0x1b0/0x2c0 pages=4 vmalloc N0=4\n").mode).toBe("addresses");
  });

  it("keeps early areas: a file line equal to one updates it instead of adding an area", () => {
    const profile = parseProfile({
      id: "arm64-boot",
      arch: "arm64",
      bits: 64,
      pageSize: 4096,
      vmallocStart: "0xffff800080000000",
      vmallocEnd: "0xfffffdffbf800000",
      earlyAreas: [{ start: "0xffff800080000000", end: "0xffff800081a11000", name: "kernel image" }],
    });
    const original = createKernel({ profile });
    original.vmalloc(PAGE, "f+0x1/0x2");
    const text = original.vmallocinfo().replace("kernel image vmap", "paging_init+0x11c/0x5e0 phys=0x0000000040210000 vmap");
    const fresh = createKernel({ profile });
    expect(fresh.loadVmallocInfo(text)).toMatchObject({ mode: "addresses", areas: 1, existing: 1 });
    expect(fresh.vmallocinfo()).toBe(text);
    expect(fresh.vmAreas()[0]).toMatchObject({ caller: "paging_init+0x11c/0x5e0", physAddr: 0x40210000n });
    fresh.check();
  });

  it("returns the lines that found no room when re-allocating", () => {
    const { kernel, warnings } = tinyKernel(8);
    const result = kernel.loadVmallocInfo(
      "0x0-0x0   16384 a+0x0/0x1 pages=3 vmalloc\n0x0-0x0   16384 b+0x0/0x1 pages=3 vmalloc\n0x0-0x0   16384 c+0x0/0x1 pages=3 vmalloc\n",
    );
    expect(result).toMatchObject({ mode: "reallocate", areas: 2 });
    expect(result.failed.map((e) => e.caller)).toEqual(["c+0x0/0x1"]);
    expect(warnings).toEqual([]);
    kernel.check();
  });
});
