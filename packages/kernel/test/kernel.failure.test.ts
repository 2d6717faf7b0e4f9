import type { LegacyVmapStats } from "@kva/vmap-legacy";
import { describe, expect, it } from "vitest";
import type { Kernel } from "../src/index.js";
import { PAGE, STACKS, X86_START, at, tinyKernel } from "./helpers.js";

/** Fills a 64-page vmalloc range with 32 one-page vmallocs (two pages each with the guard). */
function full(allocator: (typeof STACKS)[number], lazy: "5.2" | "5.11" = "5.2") {
  const t = tinyKernel(64, { allocator, lazy });
  const areas = Array.from({ length: 32 }, (_, i) => t.kernel.vmalloc(PAGE, `fill+0x${i.toString(16)}/0x40`)!);
  expect(areas[31]).toBe(at(X86_START, 62));
  return { ...t, areas };
}

const VMAP_WARNING = `vmap allocation for size ${2 * PAGE} failed: use vmalloc=<size> to increase size`;
const VMALLOC_WARNING = `vmalloc: allocation failure: ${PAGE} bytes`;

describe.each(STACKS)("Kernel allocation failure (%s)", (allocator) => {
  it("purges lazily freed areas on failure and retries, without a warning", () => {
    const { kernel, warnings, areas } = full(allocator);
    kernel.vfree(areas[5]);
    const failuresBefore = kernel.allocator.stats().failures;
    expect(kernel.vmalloc(PAGE)).toBe(areas[5]);
    expect(kernel.allocator.stats().failures).toBe(failuresBefore + 1);
    expect(kernel.stats().lazy).toMatchObject({ pendingAreas: 0, retries: 1, notifierCalls: 0, purges: { failure: 1, threshold: 0 } });
    expect(warnings).toEqual([]);
    kernel.check();
  });

  it("calls the purge notifiers when the purge freed nothing, and gives up after them", () => {
    const { kernel, warnings } = full(allocator);
    let calls = 0;
    kernel.addPurgeNotifier(() => {
      calls++;
      return 0;
    });
    expect(kernel.vmalloc(PAGE)).toBeUndefined();
    expect(calls).toBe(1);
    expect(warnings).toEqual([VMAP_WARNING, VMALLOC_WARNING]);
    kernel.check();
  });

  it("retries after a notifier that freed something (purge allowed again)", () => {
    const { kernel, warnings, areas } = full(allocator);
    const unregister = kernel.addPurgeNotifier(() => {
      kernel.vfree(areas[9]);
      return 1;
    });
    expect(kernel.vmalloc(PAGE)).toBe(areas[9]);
    unregister();
    // pass, purge (nothing), pass, notifier (frees lazily), pass, purge (the freed area), pass: three retries
    // and one purge that returned something (purges count only those).
    expect(kernel.stats().lazy).toMatchObject({ notifierCalls: 1, notifierFreed: 1, retries: 3, purges: { failure: 1 } });
    expect(warnings).toEqual([]);
    kernel.check();
  });

  it("emits exactly the kernel's two messages and returns undefined when nothing can be freed", () => {
    const { kernel, warnings } = full(allocator);
    const before = kernel.vmallocinfo();
    expect(kernel.vmalloc(PAGE)).toBeUndefined();
    expect(warnings).toEqual([VMAP_WARNING, VMALLOC_WARNING]);
    expect(kernel.stats()).toMatchObject({ vmallocFailures: 1, warnings: 2, lazy: { purges: { failure: 0 }, retries: 1 } });
    expect(kernel.vmallocinfo()).toBe(before);
    kernel.check();
  });

  it("prints the size with its guard page in the vmap message and the caller's size in the vmalloc one", () => {
    const { kernel, warnings } = full(allocator);
    expect(kernel.vmalloc(3 * PAGE + 1)).toBeUndefined();
    expect(warnings).toEqual([`vmap allocation for size ${5 * PAGE} failed: use vmalloc=<size> to increase size`, `vmalloc: allocation failure: ${3 * PAGE + 1} bytes`]);
  });

  it("stays silent with __GFP_NOWARN", () => {
    const { kernel, warnings } = full(allocator);
    expect(kernel.vmallocNodeRange(PAGE, 1, undefined, undefined, { noWarn: true })).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(kernel.stats()).toMatchObject({ warnings: 0, vmallocFailures: 1 });
  });

  it("warns only about the vmap allocation for get_vm_area and vm_map_ram", () => {
    const { kernel, warnings } = full(allocator);
    expect(kernel.getVmArea(PAGE)).toBeUndefined();
    expect(kernel.vmMapRam(1)).toBeUndefined();
    expect(warnings).toEqual([VMAP_WARNING, `vmap allocation for size ${1024 * PAGE} failed: use vmalloc=<size> to increase size`]);
  });

  it("prints the v6.18 message in the 5.11 era", () => {
    const { kernel, warnings } = full(allocator, "5.11");
    expect(kernel.vmalloc(PAGE)).toBeUndefined();
    expect(warnings).toEqual([`vmalloc_node_range for size ${2 * PAGE} failed: Address range restricted to 0xffffc90000000000 - 0xffffc90000040000`, VMALLOC_WARNING]);
  });

  it("removes the half-built area when the pages array cannot be vmalloc'ed", () => {
    // 600 pages: the area takes 601 of the 604, its 2-page pages array (+ guard) no longer fits.
    const t = tinyKernel(603, { allocator });
    expect(t.kernel.vmalloc(600 * PAGE)).toBeUndefined();
    expect(t.warnings).toEqual([`vmap allocation for size ${3 * PAGE} failed: use vmalloc=<size> to increase size`, `vmalloc: allocation failure: ${600 * 8} bytes`]);
    expect(t.kernel.vmallocinfo()).toBe("0xffffc90000000000-0xffffc90000259000 2461696 unpurged vm_area\n");
    expect(t.kernel.stats()).toMatchObject({ vmAreas: 0, vmallocFailures: 2 });
    t.kernel.check();
  });

  it("retires fragmented vmap blocks before the failure purge (purge_vmap_area_lazy)", () => {
    // The whole 1024-page range is one vmap block; its only used page is unmapped again, so it is
    // fragmented (free + dirty = VMAP_BBMAP_BITS) and can never serve the vmalloc.
    const { kernel, warnings } = tinyKernel(1024, { allocator });
    const piece = kernel.vmMapRam(1)!;
    expect(piece).toBe(X86_START);
    kernel.vmUnmapRam(piece, 1);
    expect(kernel.stats().blocks).toMatchObject({ blocks: 1, purgedFragmented: 0 });
    expect(kernel.vmalloc(PAGE)).toBe(X86_START);
    expect(kernel.stats().blocks).toMatchObject({ blocks: 0, purgedFragmented: 1 });
    expect(kernel.stats().lazy).toMatchObject({ purges: { failure: 1, threshold: 0 }, flushes: { count: 1 }, batches: { totalAreas: 1 }, notifierCalls: 0 });
    expect(warnings).toEqual([]);
    kernel.check();
  });
});

describe("Kernel allocation failure on the legacy stack", () => {
  it("makes one alloc_vmap_area pass before the failure purge and one after, as the kernel does", () => {
    const { kernel, areas } = full("legacy");
    kernel.vfree(areas[3]);
    const passes = (k: Kernel) => (k.allocator.stats() as LegacyVmapStats).passes;
    const before = passes(kernel);
    expect(kernel.vmalloc(PAGE)).toBe(areas[3]);
    expect(passes(kernel) - before).toBe(2);
  });
});
