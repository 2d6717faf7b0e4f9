import { getProfile, parseProfile } from "@kva/arch";
import { describe, expect, it } from "vitest";
import { type Kernel, KernelError, NUMA_NO_NODE, VM_IOREMAP, VM_MAP, VM_NO_GUARD, createKernel } from "../src/index.js";
import { ERAS, PAGE, STACKS, X86_START, at } from "./helpers.js";

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** One call on a fresh x86-64 kernel and the vmallocinfo line it produces at VMALLOC_START. */
const FIRST_CALLS: readonly (readonly [string, (k: Kernel) => unknown, string])[] = [
  ["vmalloc(1) rounds up to a page and adds a guard page", (k) => k.vmalloc(1), "0xffffc90000000000-0xffffc90000002000    8192 pages=1 vmalloc N0=1"],
  ["vmalloc(PAGE_SIZE) takes two pages", (k) => k.vmalloc(PAGE), "0xffffc90000000000-0xffffc90000002000    8192 pages=1 vmalloc N0=1"],
  ["vmalloc(PAGE_SIZE + 1) takes three", (k) => k.vmalloc(PAGE + 1), "0xffffc90000000000-0xffffc90000003000   12288 pages=2 vmalloc N0=1".replace("N0=1", "N0=2")],
  ["vmalloc takes a bigint size", (k) => k.vmalloc(8192n), "0xffffc90000000000-0xffffc90000003000   12288 pages=2 vmalloc N0=2"],
  ["vzalloc is vmalloc", (k) => k.vzalloc(3 * PAGE), "0xffffc90000000000-0xffffc90000004000   16384 pages=3 vmalloc N0=3"],
  ["vmalloc_user adds VM_USERMAP", (k) => k.vmallocUser(PAGE), "0xffffc90000000000-0xffffc90000002000    8192 pages=1 vmalloc user N0=1"],
  [
    "__vmalloc_node_range with VM_NO_GUARD adds no guard page",
    (k) => k.vmallocNodeRange(PAGE, 1, undefined, undefined, { flags: VM_NO_GUARD }),
    "0xffffc90000000000-0xffffc90000001000    4096 pages=1 vmalloc N0=1",
  ],
  ["the caller tag prints after the size", (k) => k.vmalloc(PAGE, "fix_size_alloc_test+0x2c/0x60 [test_vmalloc]"), "0xffffc90000000000-0xffffc90000002000    8192 fix_size_alloc_test+0x2c/0x60 [test_vmalloc] pages=1 vmalloc N0=1"],
  ["get_vm_area reserves size + guard without pages or flags", (k) => k.getVmArea(PAGE), "0xffffc90000000000-0xffffc90000002000    8192"],
  ["get_vm_area with VM_NO_GUARD", (k) => k.getVmArea(PAGE, VM_NO_GUARD, "caller+0x0/0x4"), "0xffffc90000000000-0xffffc90000001000    4096 caller+0x0/0x4"],
  ["vmap maps count pages plus a guard page and prints no pages= (v5.2)", (k) => k.vmap(3), "0xffffc90000000000-0xffffc90000004000   16384 vmap"],
  ["ioremap records the page-aligned physical base", (k) => k.ioremap(0xfed00000n, PAGE), "0xffffc90000000000-0xffffc90000002000    8192 phys=0x00000000fed00000 ioremap"],
  ["vm_map_ram of a few pages takes a whole vmap block", (k) => k.vmMapRam(3), "0xffffc90000000000-0xffffc90000400000 4194304 vm_map_ram"],
  ["vm_map_ram above VMAP_MAX_ALLOC takes its own area, no guard page", (k) => k.vmMapRam(65), "0xffffc90000000000-0xffffc90000041000  266240 vm_map_ram"],
];

describe("Kernel", () => {
  describe("size and guard rules", () => {
    it.each(FIRST_CALLS)("%s", (_name, call, line) => {
      const k = createKernel();
      call(k);
      expect(k.vmallocinfo()).toBe(`${line}\n`);
      k.check();
    });

    it("places consecutive vmallocs back to back, guard pages included", () => {
      const k = createKernel();
      expect(k.vmalloc(PAGE)).toBe(X86_START);
      expect(k.vmalloc(3 * PAGE)).toBe(at(X86_START, 2));
      expect(k.vmalloc(1)).toBe(at(X86_START, 6));
      expect(k.stats()).toMatchObject({ vmallocs: 3, vmAreas: 3, vmallocFailures: 0 });
      k.check();
    });

    it("fails vmalloc(0) and vmalloc above total RAM with the kernel's warn_alloc text", () => {
      const warnings: string[] = [];
      const k = createKernel({ totalRamBytes: 16 * PAGE, onWarn: (m) => warnings.push(m) });
      expect(k.vmalloc(0)).toBeUndefined();
      expect(k.vmalloc(17 * PAGE)).toBeUndefined();
      expect(k.vmalloc(16 * PAGE)).toBe(X86_START);
      expect(warnings).toEqual(["vmalloc: allocation failure: 0 bytes", `vmalloc: allocation failure: ${17 * PAGE} bytes`]);
      expect(k.stats()).toMatchObject({ vmallocs: 1, vmallocFailures: 2, warnings: 2 });
    });

    it("fails vmap of more pages than total RAM silently", () => {
      const warnings: string[] = [];
      const k = createKernel({ totalRamBytes: 16 * PAGE, onWarn: (m) => warnings.push(m) });
      expect(k.vmap(17)).toBeUndefined();
      expect(warnings).toEqual([]);
      expect(k.vmallocinfo()).toBe("");
    });

    it("returns undefined for get_vm_area(0) (PAGE_ALIGN(0) is 0)", () => {
      const k = createKernel();
      expect(k.getVmArea(0)).toBeUndefined();
      expect(k.stats().vmAreas).toBe(0);
    });

    it("keeps the pages array in a kmalloc up to one page of pointers, and vmallocs it beyond (vpages)", () => {
      const k = createKernel();
      const small = k.vmalloc(512 * PAGE, "alloc_large_system_hash+0x10/0x20");
      expect(k.findVmArea(small!)).toMatchObject({ nrPages: 512, vpages: false });
      const big = k.vmalloc(513 * PAGE, "alloc_large_system_hash+0x10/0x20");
      expect(big).toBe(at(X86_START, 513));
      // 513 pointers of 8 bytes = 4104 bytes > PAGE_SIZE: a nested vmalloc of 2 pages (+ guard) right after the area.
      expect(k.vmallocinfo().split("\n").slice(1, 3)).toEqual([
        "0xffffc90000201000-0xffffc90000403000 2105344 alloc_large_system_hash+0x10/0x20 pages=513 vmalloc vpages N0=513",
        "0xffffc90000403000-0xffffc90000406000   12288 alloc_large_system_hash+0x10/0x20 pages=2 vmalloc N0=2",
      ]);
      k.check();
    });

    it("counts a 32-bit profile's pointers as 4 bytes and prints no NUMA counts there", () => {
      const k = createKernel({ profile: "i386-3g" });
      const a = k.vmalloc(1024 * PAGE);
      expect(k.findVmArea(a!)).toMatchObject({ nrPages: 1024, vpages: false });
      expect(k.vmallocinfo()).toBe("0xf7ffe000-0xf83ff000 4198400 pages=1024 vmalloc\n");
    });
  });

  describe("alignment rules", () => {
    it("aligns __vmalloc_node_range to align bytes (fix_align_alloc_test: THREAD_ALIGN << 1)", () => {
      const k = createKernel();
      k.vmalloc(PAGE);
      const align = getProfile("x86_64-4level").threadAlign * 2;
      expect(k.vmallocNodeRange(5 * PAGE, align, undefined, undefined, { zero: true })).toBe(at(X86_START, 8));
      k.check();
    });

    it.each([
      ["one page: the area itself", PAGE, 2, 2],
      ["three pages: 16 KiB", 3 * PAGE, 4, 4],
      ["eight pages: 32 KiB", 8 * PAGE, 8, 8],
    ])("aligns ioremap to the size order (%s)", (_name, size, alignPages, expected) => {
      const k = createKernel();
      k.vmalloc(PAGE);
      const addr = k.ioremap(0x80000000n, size);
      expect(addr).toBe(at(X86_START, expected));
      expect((addr! - X86_START) % BigInt(alignPages * PAGE)).toBe(0n);
      k.check();
    });

    it("clamps the ioremap alignment at IOREMAP_MAX_ORDER", () => {
      const k = createKernel();
      k.vmalloc(PAGE);
      // 2 GiB has order 31; x86-64 clamps at PUD_SHIFT = 30, so the area lands 1 GiB up, not 2 GiB.
      expect(k.ioremap(0x100000000n, 2 * GiB)).toBe(X86_START + BigInt(GiB));
    });

    it("gives get_vm_area(VM_IOREMAP) the same size-order alignment", () => {
      const k = createKernel();
      k.vmalloc(PAGE);
      expect(k.getVmArea(3 * PAGE, VM_IOREMAP)?.addr).toBe(at(X86_START, 4));
    });

    it("returns the virtual address of an unaligned physical address and unmaps by it", () => {
      const k = createKernel();
      const v = k.ioremap(0xfed00123n, 0x20, "hpet_enable+0x36/0x2c0");
      expect(v).toBe(X86_START + 0x123n);
      expect(k.findVmArea(X86_START)).toMatchObject({ physAddr: 0xfed00000n, size: 2 * PAGE, flags: VM_IOREMAP });
      // The range [phys, phys + size) crossing a page boundary maps both pages.
      expect(k.ioremap(0xfed00ff0n, 0x20)).toBe(at(X86_START, 2) + 0xff0n);
      expect(k.findVmArea(at(X86_START, 2))?.size).toBe(3 * PAGE);
      k.iounmap(v!);
      expect(k.findVmArea(X86_START)).toBeUndefined();
      k.check();
    });

    it("aligns vmalloc_user to SHMLBA: one page (a padded search) on x86-64, four pages on 32-bit ARM", () => {
      const x86 = createKernel();
      x86.vmalloc(PAGE);
      expect(x86.vmallocUser(PAGE)).toBe(at(X86_START, 2));
      const arm = createKernel({ profile: "arm-3g" });
      arm.vmalloc(PAGE);
      expect(arm.vmallocUser(PAGE)).toBe(0xf0800000n + BigInt(4 * PAGE));
    });

    it("aligns a new vmap block to VMAP_BLOCK_SIZE", () => {
      const k = createKernel();
      k.vmalloc(PAGE);
      expect(k.vmMapRam(1)).toBe(X86_START + BigInt(4 * MiB));
      expect(k.vmMapRam(1)).toBe(X86_START + BigInt(4 * MiB + PAGE));
      k.check();
    });

    /**
     * A hole of `holePages` free pages at page 2, and a 100-page hole at 69 + (holePages − 65):
     *
     *     VMALLOC_START
     *     | X |   hole (holePages)   | Y |  hole (100)  | Z | free ...
     *     0   2                      ^ vm_map_ram(65) wants 65 pages, align PAGE_SIZE
     */
    function twoHoles(options: Parameters<typeof createKernel>[0], holePages: number): Kernel {
      const k = createKernel(options);
      k.vmalloc(PAGE);
      const a = k.vmalloc((holePages - 1) * PAGE);
      k.vmalloc(PAGE);
      const h = k.vmalloc(99 * PAGE);
      k.vmalloc(PAGE);
      k.vfree(a);
      k.vfree(h);
      k.vmUnmapAliases();
      return k;
    }

    it.each([
      ["the padded 5.2 search skips a 65-page hole (it looks for 65 + 1 pages)", {}, 65, 69],
      ["a 66-page hole is enough under the padded search", {}, 66, 2],
      ["the exact search (5.16) takes the 65-page hole", { search: "exact" as const }, 65, 2],
      ["the legacy allocator does not pad", { allocator: "legacy" as const }, 65, 2],
    ])("gives vm_map_ram above VMAP_MAX_ALLOC align PAGE_SIZE: %s", (_name, options, holePages, expected) => {
      const k = twoHoles(options, holePages);
      expect(k.vmMapRam(65)).toBe(at(X86_START, expected));
      k.check();
    });

    it("fits vmalloc of the same 65 pages (align 1) in the 65-page hole under the padded search", () => {
      const k = twoHoles({}, 65);
      expect(k.vmalloc(64 * PAGE)).toBe(at(X86_START, 2));
    });

    it("allocates inside a window such as the modules range", () => {
      const k = createKernel();
      const p = getProfile("x86_64-4level");
      expect(k.vmallocNodeRange(PAGE, 1, p.modulesStart, p.modulesEnd, { caller: "module_alloc+0x5c/0xb0" })).toBe(p.modulesStart);
      expect(k.vmalloc(PAGE)).toBe(X86_START);
      k.check();
    });
  });

  describe("NUMA", () => {
    it("counts the pages on the current CPU's node, or on the node asked for", () => {
      const k = createKernel({ cpus: 4, numaNodes: 2 });
      k.cpu = 3;
      k.vmalloc(2 * PAGE);
      k.vmallocNode(PAGE, 0);
      k.vmallocNodeRange(PAGE, 1, undefined, undefined, { node: NUMA_NO_NODE });
      expect(k.vmallocinfo().split("\n").map((l) => l.slice(l.lastIndexOf(" ") + 1))).toEqual(["N1=2", "N0=1", "N1=1", ""]);
    });

    it("takes the CPU-to-node map of a machine preset", () => {
      const k = createKernel({ machine: "numa-2socket" });
      k.cpu = 16;
      k.vmalloc(PAGE);
      expect(k.vmallocinfo()).toContain(" N1=1\n");
    });
  });

  describe("vfree() and lazy freeing", () => {
    it("keeps a freed area busy as 'unpurged vm_area' (5.2) until a purge", () => {
      const k = createKernel();
      const a = k.vmalloc(PAGE);
      const b = k.vmalloc(PAGE);
      k.vfree(a);
      expect(k.vmallocinfo()).toBe(
        "0xffffc90000000000-0xffffc90000002000    8192 unpurged vm_area\n" + "0xffffc90000002000-0xffffc90000004000    8192 pages=1 vmalloc N0=1\n",
      );
      expect(k.vmalloc(PAGE)).toBe(at(X86_START, 4));
      k.vmUnmapAliases();
      expect(k.vmalloc(PAGE)).toBe(a);
      expect(k.stats()).toMatchObject({ vfrees: 1, vmallocs: 4, lazy: { pendingAreas: 0, purges: { explicit: 1 } } });
      k.vfree(b);
      k.check();
    });

    it("prints lazily freed areas after the busy ones, merged, in the 5.11 era", () => {
      const k = createKernel({ lazy: "5.11" });
      const [a, b, c] = [k.vmalloc(PAGE), k.vmalloc(PAGE), k.vmalloc(PAGE)];
      k.vfree(b);
      k.vfree(a);
      expect(k.vmallocinfo()).toBe(
        "0xffffc90000004000-0xffffc90000006000    8192 pages=1 vmalloc N0=1\n" + "0xffffc90000000000-0xffffc90000004000   16384 unpurged vm_area\n",
      );
      k.vfree(c);
      k.check();
    });

    it("frees the area first and then its vmalloc'ed pages array, as __vunmap does", () => {
      const k = createKernel();
      const big = k.vmalloc(513 * PAGE);
      k.vfree(big);
      // The 5.2 purge list is LIFO: the pages array, freed second, is at its head.
      expect(k.lazy.lazyAreas()).toEqual([
        { start: Number(at(X86_START, 514) / BigInt(PAGE)), end: Number(at(X86_START, 517) / BigInt(PAGE)) },
        { start: Number(X86_START / BigInt(PAGE)), end: Number(at(X86_START, 514) / BigInt(PAGE)) },
      ]);
      expect(k.stats()).toMatchObject({ vfrees: 2, vmAreas: 0 });
      k.check();
    });

    it("prints a lazily freed vm_map_ram area as 'vm_map_ram' in 5.2 (only remove_vm_area sets VM_LAZY_FREE)", () => {
      const k = createKernel();
      const m = k.vmMapRam(100);
      const v = k.vmalloc(PAGE);
      k.vmUnmapRam(m!, 100);
      k.vfree(v);
      expect(k.vmallocinfo()).toBe(
        "0xffffc90000000000-0xffffc90000064000  409600 vm_map_ram\n" + "0xffffc90000064000-0xffffc90000066000    8192 unpurged vm_area\n",
      );
      expect(k.stats().lazy.pendingAreas).toBe(2);
      k.check();
    });

    it("forgets VM_LAZY_FREE when the area is purged and its start handed out again", () => {
      const k = createKernel();
      const v = k.vmalloc(PAGE);
      k.vfree(v);
      k.vmUnmapAliases();
      const m = k.vmMapRam(1);
      expect(m).toBe(X86_START);
      k.vmUnmapRam(m!, 1);
      k.vmUnmapAliases();
      k.check();
    });

    it("purges on its own when the lazy count exceeds lazy_max_pages", () => {
      const k = createKernel({ lazyMaxPages: 4 });
      const areas = [k.vmalloc(PAGE), k.vmalloc(PAGE), k.vmalloc(PAGE)];
      k.vfree(areas[0]);
      k.vfree(areas[1]);
      expect(k.stats().lazy).toMatchObject({ pendingPages: 4, purges: { threshold: 0 } });
      k.vfree(areas[2]);
      expect(k.stats().lazy).toMatchObject({ pendingPages: 0, purges: { threshold: 1 } });
      expect(k.vmallocinfo()).toBe("");
      k.check();
    });

    it("removes and frees vm areas (remove_vm_area, free_vm_area) and vunmaps vmaps", () => {
      const k = createKernel();
      const area = k.getVmArea(2 * PAGE, 0, "caller+0x1/0x2");
      const mapped = k.vmap(2);
      expect(k.removeVmArea(X86_START + 1n)).toBeUndefined();
      k.freeVmArea(area!);
      k.vunmap(mapped);
      k.vunmap(undefined);
      k.vfree(undefined);
      expect(k.stats().vmAreas).toBe(0);
      expect(() => k.freeVmArea(area!)).toThrow(KernelError);
      k.check();
    });

    it("refuses free_vm_area of a stale record whose address was reused", () => {
      const k = createKernel({ lazyMaxPages: 0 });
      const area = k.getVmArea(PAGE)!;
      k.freeVmArea(area);
      const again = k.getVmArea(PAGE)!;
      expect(again.addr).toBe(area.addr);
      expect(() => k.freeVmArea(area)).toThrow(KernelError);
      expect(k.findVmArea(again.addr)).toBe(again);
    });
  });

  describe("vmUnmapAliases()", () => {
    it("retires fragmented vmap blocks and flushes their dirty pages with the lazy batch", () => {
      const k = createKernel();
      const pieces = Array.from({ length: 16 }, () => k.vmMapRam(64)!);
      expect(k.stats().blocks).toMatchObject({ blocks: 1, created: 1 });
      // 16 × 64 = 1024 pages: the block is full and left the queue; unmapping all of it frees it.
      for (const p of pieces.slice(0, 15)) k.vmUnmapRam(p, 64);
      expect(k.stats().blocks.blocks).toBe(1);
      k.vmUnmapRam(pieces[15]!, 64);
      expect(k.stats().blocks).toMatchObject({ blocks: 0, freedFull: 1 });
      // A block with free pages left and every used page dirty is fragmented: vm_unmap_aliases retires it.
      const p = k.vmMapRam(8)!;
      k.vmUnmapRam(p, 8);
      expect(k.stats().blocks.blocks).toBe(1);
      k.vmUnmapAliases();
      expect(k.stats().blocks).toMatchObject({ blocks: 0, purgedFragmented: 1 });
      expect(k.stats().lazy).toMatchObject({ pendingAreas: 0, batches: { totalAreas: 2 } });
      expect(k.vmallocinfo()).toBe("");
      k.check();
    });

    it("puts retired blocks into its own batch: they cannot start a threshold purge under the purge lock", () => {
      const k = createKernel({ lazyMaxPages: 1000 });
      const p = k.vmMapRam(1)!;
      k.vmUnmapRam(p, 1);
      k.vmUnmapAliases(); // the retired 1024-page block exceeds lazy_max_pages inside the purge
      expect(k.stats().lazy).toMatchObject({ purges: { threshold: 0, explicit: 1 }, flushes: { count: 1, totalSpan: 1024 } });
      expect(k.stats().blocks).toMatchObject({ blocks: 0, purgedFragmented: 1 });
      k.check();
    });

    it("flushes the dirty range of queued vmap blocks even with nothing lazily freed", () => {
      const k = createKernel();
      const a = k.vmMapRam(2)!;
      k.vmMapRam(2);
      k.vmUnmapRam(a, 2);
      k.vmUnmapAliases();
      expect(k.stats().lazy).toMatchObject({ flushes: { count: 1, totalSpan: 2 }, batches: { count: 0 } });
      expect(k.stats().blocks.blocks).toBe(1);
      k.check();
    });
  });

  describe("early areas (vm_area_add_early)", () => {
    // An arm64-like boot: the kernel image segments registered at the bottom of the vmalloc range.
    const ARM64_BOOT = parseProfile({
      id: "arm64-4k-48-boot",
      arch: "arm64",
      bits: 64,
      pageSize: 4096,
      vmallocStart: "0xffff800080000000",
      vmallocEnd: "0xfffffdffbf800000",
      modulesStart: "0xffff800000000000",
      modulesEnd: "0xffff800080000000",
      earlyAreas: [
        { start: "0xffff800080000000", end: "0xffff800081a11000", name: "paging_init+0x11c/0x5e0" },
        { start: "0xffff800081a11000", end: "0xffff800082011000", name: "kernel rodata" },
      ],
    });

    it.each(STACKS)("start busy, so the first vmalloc lands above them (%s)", (allocator) => {
      const k = createKernel({ profile: ARM64_BOOT, allocator });
      expect(k.vmalloc(PAGE)).toBe(0xffff800082011000n);
      expect(k.vmallocinfo()).toBe(
        "0xffff800080000000-0xffff800081a11000 27332608 paging_init+0x11c/0x5e0 vmap\n" +
          "0xffff800081a11000-0xffff800082011000 6291456 kernel rodata vmap\n" +
          "0xffff800082011000-0xffff800082013000    8192 pages=1 vmalloc N0=1\n",
      );
      expect(k.vmAreas()[0]).toMatchObject({ addr: 0xffff800080000000n, flags: VM_MAP, caller: "paging_init+0x11c/0x5e0" });
      k.check();
    });

    it("are left out with earlyAreas: false", () => {
      const k = createKernel({ profile: ARM64_BOOT, earlyAreas: false });
      expect(k.vmalloc(PAGE)).toBe(0xffff800080000000n);
    });

    it("let allocations use the gaps around them", () => {
      const profile = parseProfile({
        id: "gap",
        bits: 64,
        pageSize: 4096,
        vmallocStart: "0xffffc90000000000",
        vmallocEnd: "0xffffc90000100000",
        earlyAreas: [{ start: "0xffffc90000002000", end: "0xffffc90000003000", name: "fixed" }],
      });
      for (const allocator of STACKS) {
        const k = createKernel({ profile, allocator });
        expect(k.vmalloc(PAGE)).toBe(X86_START);
        expect(k.vmalloc(PAGE)).toBe(at(X86_START, 3));
        k.check();
      }
    });
  });

  describe.each(ERAS)("era %s", (lazy) => {
    it.each(STACKS)("runs every call on the %s stack and passes check()", (allocator) => {
      const k = createKernel({ allocator, lazy, lazyMaxPages: 64 });
      const live: bigint[] = [];
      for (let i = 0; i < 40; i++) {
        live.push(k.vmalloc((1 + (i % 7)) * PAGE)!);
        if (i % 3 === 0) k.vfree(live.shift());
        if (i % 5 === 0) k.vmUnmapRam(k.vmMapRam(1 + (i % 9))!, 1 + (i % 9));
        if (i % 11 === 0) k.vunmap(k.vmap(2));
        if (i % 13 === 0) k.iounmap(k.ioremap(0x80000000n + BigInt(i * PAGE), 3 * PAGE)!);
        k.check();
      }
      k.vmUnmapAliases();
      for (const a of live) k.vfree(a);
      k.check();
      expect(k.stats().vmAreas).toBe(0);
    });
  });

  it("takes a machine preset's profile and CPUs (HiKey960: arm64 v5.2 layout, 8 CPUs)", () => {
    const k = createKernel({ machine: "hikey960" });
    expect(k.profile.id).toBe("arm64-4k-48-v5.2");
    expect(k.cpus).toBe(8);
    expect(k.lazy.lazyMaxPages).toBe(32768);
    expect(k.vmalloc(PAGE)).toBe(0xffff000010000000n);
    expect(k.vmallocUser(PAGE)).toBe(0xffff000010002000n);
  });
});
