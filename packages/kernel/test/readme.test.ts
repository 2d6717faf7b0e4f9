import { readPackageReadme, usageExample } from "@kva/test-utils";
import { describe, expect, it } from "vitest";
import { createKernel } from "../src/index.js";

const README = readPackageReadme(import.meta.url);


describe("README", () => {
  it("runs the usage example", () => {
    // usage: begin
    // What does vmalloc do on arm64 with 8 CPUs? (v6.18 layout, 4 KiB pages, 48-bit VA; the 5.2 allocator)
    const kernel = createKernel({ profile: "arm64-4k-48", cpus: 8 });
    expect(kernel.lazy.lazyMaxPages).toBe(32768); // fls(8) × 32 MiB of pages wait for one purge

    const a = kernel.vmalloc(4096, "my_probe+0x40/0x120 [my_driver]");
    expect(a).toBe(0xffff800080000000n); // VMALLOC_START: one page plus a guard page
    const b = kernel.vmalloc(3 * 4096 + 1); // rounded up to 4 pages, plus the guard page
    expect(b).toBe(0xffff800080002000n);
    kernel.vfree(a); // lazily freed: not reusable before a purge
    expect(kernel.vmalloc(4096)).toBe(0xffff800080007000n);
    expect(kernel.vmallocinfo()).toBe(
      "0xffff800080000000-0xffff800080002000    8192 unpurged vm_area\n" +
        "0xffff800080002000-0xffff800080007000   20480 pages=4 vmalloc N0=4\n" +
        "0xffff800080007000-0xffff800080009000    8192 pages=1 vmalloc N0=1\n",
    );

    kernel.vmUnmapAliases(); // one purge, one TLB flush: the first two pages are free again
    expect(kernel.vmalloc(4096)).toBe(0xffff800080000000n);
    kernel.check(); // every invariant of the allocator, the lazy layer and the kernel
    // usage: end
  });

  it("shows the usage example verbatim", () => {
    expect(README).toContain(usageExample(import.meta.url));
  });
});
