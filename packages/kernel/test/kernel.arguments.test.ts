import { describe, expect, it } from "vitest";
import { type Kernel, KernelError, type KernelErrorCode, createKernel } from "../src/index.js";
import { PAGE, STACKS, X86_START, at, expectMisuse } from "./helpers.js";

/** A kernel with some state to keep: a live area, a lazily freed one, a vm_map_ram piece. */
function busyKernel(allocator: (typeof STACKS)[number]): { kernel: Kernel; live: bigint; ram: bigint } {
  const kernel = createKernel({ allocator, cpus: 4, numaNodes: 2 });
  const live = kernel.vmalloc(2 * PAGE, "live+0x0/0x10")!;
  kernel.vfree(kernel.vmalloc(PAGE));
  const ram = kernel.vmMapRam(2)!;
  return { kernel, live, ram };
}

const U = undefined;
type Call = (k: Kernel, live: bigint, ram: bigint) => unknown;

const MISUSES: readonly (readonly [string, KernelErrorCode, Call])[] = [
  ["a negative size", "EINVAL", (k) => k.vmalloc(-1)],
  ["a fractional size", "EINVAL", (k) => k.vmalloc(1.5)],
  ["a NaN size", "EINVAL", (k) => k.vmalloc(Number.NaN)],
  ["a string size", "EINVAL", (k) => k.vmalloc("4096" as unknown as number)],
  ["a negative bigint size", "EINVAL", (k) => k.vzalloc(-1n)],
  ["a size beyond the address space", "EINVAL", (k) => k.vmalloc(1n << 65n)],
  ["an alignment that is not a power of two", "EINVAL", (k) => k.vmallocNodeRange(PAGE, 3, U, U)],
  ["a zero alignment", "EINVAL", (k) => k.vmallocNodeRange(PAGE, 0, U, U)],
  ["an alignment of 2^64", "EINVAL", (k) => k.vmallocNodeRange(PAGE, 1n << 64n, U, U)],
  ["an empty window", "EINVAL", (k) => k.vmallocNodeRange(PAGE, 1, X86_START, X86_START)],
  ["a reversed window", "EINVAL", (k) => k.vmallocNodeRange(PAGE, 1, at(X86_START, 1), X86_START)],
  ["a window past 2^64", "EINVAL", (k) => k.vmallocNodeRange(PAGE, 1, X86_START, 1n << 65n)],
  ["a window without a whole page", "EINVAL", (k) => k.vmallocNodeRange(PAGE, 1, X86_START + 1n, X86_START + 4095n)],
  ["a number window", "EINVAL", (k) => k.vmallocNodeRange(PAGE, 1, 0 as unknown as bigint, U)],
  ["a node past the last one", "EINVAL", (k) => k.vmallocNode(PAGE, 2)],
  ["a node below NUMA_NO_NODE", "EINVAL", (k) => k.vmallocNodeRange(PAGE, 1, U, U, { node: -2 })],
  ["negative flags", "EINVAL", (k) => k.vmallocNodeRange(PAGE, 1, U, U, { flags: -1 })],
  ["fractional flags", "EINVAL", (k) => k.getVmArea(PAGE, 0.5)],
  ["a non-string caller", "EINVAL", (k) => k.vmallocNodeRange(PAGE, 1, U, U, { caller: 42 as unknown as string })],
  ["a cpu past the last one", "EINVAL", (k) => (k.cpu = 4)],
  ["a negative cpu", "EINVAL", (k) => (k.cpu = -1)],
  ["a vmap of zero pages", "EINVAL", (k) => k.vmap(0)],
  ["a vm_map_ram of zero pages", "EINVAL", (k) => k.vmMapRam(0)],
  ["an ioremap of zero bytes", "EINVAL", (k) => k.ioremap(0xfed00000n, 0)],
  ["an ioremap of a negative physical address", "EINVAL", (k) => k.ioremap(-1n, PAGE)],
  ["a vfree of an unaligned address", "EINVAL", (k, live) => k.vfree(live + 1n)],
  ["a vfree of a number", "EINVAL", (k) => k.vfree(4096 as unknown as bigint)],
  ["a vfree inside an area", "ENOENT", (k, live) => k.vfree(at(live, 1))],
  ["a vfree of a lazily freed area", "ENOENT", (k) => k.vfree(at(X86_START, 3))],
  ["a vfree of a vm_map_ram address", "ENOENT", (k, _live, ram) => k.vfree(ram)],
  ["a vunmap of nothing", "ENOENT", (k) => k.vunmap(at(X86_START, 100))],
  ["a vm_unmap_ram of a page no block holds", "ENOENT", (k) => k.vmUnmapRam(at(X86_START, 100), 1)],
  ["a vm_unmap_ram of pages the block did not map", "ENOENT", (k, _live, ram) => k.vmUnmapRam(at(ram, 8), 1)],
  ["a vm_unmap_ram of a large area that is not there", "ENOENT", (k, live) => k.vmUnmapRam(live, 100)],
  ["a vm_unmap_ram outside the vmalloc range", "EINVAL", (k) => k.vmUnmapRam(0x1000n, 1)],
  ["a vm_unmap_ram of zero pages", "EINVAL", (k, _live, ram) => k.vmUnmapRam(ram, 0)],
  ["a free_vm_area of something else", "ENOENT", (k) => k.freeVmArea({ addr: X86_START } as never)],
  ["loadVmallocInfo of malformed entries", "EINVAL", (k) => k.loadVmallocInfo([{ start: 0, end: 0, size: 1, flags: 0 } as never])],
  ["loadVmallocInfo with an unknown mode", "EINVAL", (k) => k.loadVmallocInfo("", { mode: "fast" as never })],
];

describe.each(STACKS)("Kernel argument checks (%s)", (allocator) => {
  it.each(MISUSES)("throws KernelError for %s and changes nothing", (_name, code, call) => {
    const { kernel, live, ram } = busyKernel(allocator);
    expectMisuse(kernel, code, () => call(kernel, live, ram));
  });
});

describe("Kernel options", () => {
  it.each([
    ["cpus 0", { cpus: 0 }],
    ["fractional cpus", { cpus: 1.5 }],
    ["more NUMA nodes than CPUs", { cpus: 2, numaNodes: 3 }],
    ["an unknown allocator", { allocator: "buddy" as never }],
    ["an unknown lazy era", { lazy: "6.9" as never }],
    ["total RAM below a page", { totalRamBytes: 100 }],
    ["an onWarn that is not a function", { onWarn: "log" as never }],
  ])("rejects %s with KernelError EINVAL", (_name, options) => {
    expect(() => createKernel(options)).toThrow(KernelError);
    try {
      createKernel(options);
    } catch (error) {
      expect((error as KernelError).code).toBe("EINVAL");
    }
  });

  it("refuses alignments the legacy allocator cannot take instead of failing later", () => {
    const k = createKernel({ allocator: "legacy" });
    expectMisuse(k, "EINVAL", () => k.vmallocNodeRange(PAGE, 2 ** 53, U, U));
    expect(createKernel().vmallocNodeRange(PAGE, 2 ** 53, U, U)).toBeUndefined();
  });
});
