import { ArchError } from "./errors.js";
import { type ArchProfile, defineProfile } from "./profile.js";

const KiB = 1024;

/**
 * x86-64 with 4-level paging: vmalloc `0xffffc90000000000 – 0xffffe8ffffffffff` (32 TiB).
 * @see arch/x86/include/asm/pgtable_64_types.h: __VMALLOC_BASE_L4, VMALLOC_SIZE_TB_L4, VMALLOC_END, MODULES_VADDR
 */
const X86_64_4LEVEL = defineProfile({
  id: "x86_64-4level",
  name: "x86-64, 4-level paging",
  arch: "x86_64",
  bits: 64,
  vaBits: 48,
  pageSize: 4 * KiB,
  vmallocStart: 0xffffc90000000000n,
  vmallocEnd: 0xffffe8ffffffffffn,
  modulesStart: 0xffffffffc0000000n,
  modulesEnd: 0xffffffffff000000n,
  threadAlign: 16 * KiB,
  ioremapMaxOrder: 30,
  kernelVersion: "v5.2 and v6.18 (identical constants)",
  source: [
    "arch/x86/include/asm/pgtable_64_types.h",
    "arch/x86/include/asm/page_64_types.h",
    "arch/x86/include/asm/page_types.h",
    "Documentation/arch/x86/x86_64/mm.rst",
  ],
  notes:
    "VMALLOC_END = START + (32 << 40) - 1 is one byte below a page boundary and is used as an exclusive bound, " +
    "so the last page under it is never allocated. Assumes no KASLR: with CONFIG_RANDOMIZE_MEMORY, VMALLOC_START " +
    "moves at boot in 1 GiB steps and the size stays 32 TiB. Modules with CONFIG_RANDOMIZE_BASE (KERNEL_IMAGE_SIZE 1 GiB); " +
    "without it MODULES_VADDR is 0xffffffffa0000000. THREAD_ALIGN = THREAD_SIZE = 16 KiB (32 KiB with KASAN). " +
    "IOREMAP_MAX_ORDER = PUD_SHIFT.",
  earlyAreas: [],
});

/**
 * x86-64 with 5-level paging (LA57): vmalloc `0xffa0000000000000 – 0xffd1ffffffffffff` (12.5 PiB).
 * @see arch/x86/include/asm/pgtable_64_types.h: __VMALLOC_BASE_L5, VMALLOC_SIZE_TB_L5
 */
const X86_64_5LEVEL = defineProfile({
  id: "x86_64-5level",
  name: "x86-64, 5-level paging",
  arch: "x86_64",
  bits: 64,
  vaBits: 57,
  pageSize: 4 * KiB,
  vmallocStart: 0xffa0000000000000n,
  vmallocEnd: 0xffd1ffffffffffffn,
  modulesStart: 0xffffffffc0000000n,
  modulesEnd: 0xffffffffff000000n,
  threadAlign: 16 * KiB,
  ioremapMaxOrder: 30,
  kernelVersion: "v5.2 and v6.18 (identical constants)",
  source: [
    "arch/x86/include/asm/pgtable_64_types.h",
    "arch/x86/include/asm/page_64_types.h",
    "arch/x86/include/asm/page_types.h",
    "Documentation/arch/x86/x86_64/mm.rst",
  ],
  notes:
    "VMALLOC_END = START + (12800 << 40) - 1, one byte below a page boundary, used as an exclusive bound. " +
    "Assumes no KASLR (CONFIG_RANDOMIZE_MEMORY moves the base in 1 GiB steps). Modules, THREAD_ALIGN and " +
    "IOREMAP_MAX_ORDER as with 4-level paging.",
  earlyAreas: [],
});

/**
 * i386 with the default 3G/1G split and the typical ≈ 120 MiB vmalloc area of a machine with enough RAM.
 * @see arch/x86/include/asm/pgtable_32_areas.h: VMALLOC_OFFSET, VMALLOC_START, VMALLOC_END
 */
const I386_3G = defineProfile({
  id: "i386-3g",
  name: "i386, 3G/1G split (typical 120 MiB vmalloc)",
  arch: "i386",
  bits: 32,
  vaBits: 32,
  pageSize: 4 * KiB,
  vmallocStart: 0xf7ffe000n,
  vmallocEnd: 0xff7fe000n,
  modulesStart: 0xf7ffe000n,
  modulesEnd: 0xff7fe000n,
  threadAlign: 8 * KiB,
  ioremapMaxOrder: 22,
  kernelVersion: "typical boot log (layout rules unchanged v5.2 to v6.18)",
  source: [
    "arch/x86/include/asm/pgtable_32_areas.h",
    "arch/x86/include/asm/page_32_types.h",
    "arch/x86/mm/pgtable_32.c",
    "arch/x86/include/asm/page_types.h",
  ],
  notes:
    "Typical, varies with config: VMALLOC_START = high_memory + 8 MiB and VMALLOC_END = PKMAP_BASE (or " +
    "LDT_BASE_ADDR) - 2 pages depend on RAM size, HIGHMEM, NR_CPUS and the fixmap. The values are those of a " +
    "typical boot log (lowmem 0xc0000000 - 0xf77fe000) with the default __VMALLOC_RESERVE of 128 MiB. " +
    "Modules share the vmalloc range. THREAD_SIZE = 8 KiB. IOREMAP_MAX_ORDER = PMD_SHIFT = 22 without PAE " +
    "(21 with PAE).",
  earlyAreas: [],
});

const ARM64_SOURCES = ["arch/arm64/include/asm/memory.h", "arch/arm64/include/asm/pgtable.h", "arch/arm64/Kconfig"];
const ARM64_IMAGE_NOTE =
  "The kernel image (KIMAGE_VADDR = MODULES_END) sits at the bottom of the vmalloc range as early vm areas; " +
  "their size is build-specific and KASLR moves them, so none are listed (add them with parseProfile to model " +
  "a specific boot).";

/**
 * arm64, 4 KiB pages, 48-bit VA, v6.18: vmalloc `0xffff800080000000 – 0xfffffdffbf800000` (≈ 126.0 TiB).
 * @see arch/arm64/include/asm/pgtable.h: VMALLOC_START, VMALLOC_END
 * @see arch/arm64/include/asm/memory.h: MODULES_VADDR, VMEMMAP_START, THREAD_ALIGN, IOREMAP_MAX_ORDER
 */
const ARM64_4K_48 = defineProfile({
  id: "arm64-4k-48",
  name: "arm64, 4K pages, 48-bit VA (v6.18)",
  arch: "arm64",
  bits: 64,
  vaBits: 48,
  pageSize: 4 * KiB,
  vmallocStart: 0xffff800080000000n,
  vmallocEnd: 0xfffffdffbf800000n,
  modulesStart: 0xffff800000000000n,
  modulesEnd: 0xffff800080000000n,
  threadAlign: 32 * KiB,
  ioremapMaxOrder: 30,
  kernelVersion: "v6.18",
  source: ARM64_SOURCES,
  notes:
    "Also the layout of a 52-bit-configured kernel (the v6.18 Kconfig default) on 48-bit hardware. " +
    "VMALLOC_END = VMEMMAP_START - 8 MiB with VMEMMAP_END = -1 GiB. VMAP_STACK: THREAD_ALIGN = " +
    "2 * THREAD_SIZE (16 KiB). IOREMAP_MAX_ORDER = PUD_SHIFT with 4K pages. " +
    ARM64_IMAGE_NOTE,
  earlyAreas: [],
});

/**
 * arm64, 4 KiB pages, 52-bit VA on LPA2 hardware, v6.18: vmalloc `0xffff800080000000 – 0xffffc1ffbf800000`.
 * @see arch/arm64/include/asm/pgtable.h: VMEMMAP_UNUSED_NPAGES, VMALLOC_END
 */
const ARM64_4K_52_LPA2 = defineProfile({
  id: "arm64-4k-52-lpa2",
  name: "arm64, 4K pages, 52-bit VA on LPA2 hardware (v6.18)",
  arch: "arm64",
  bits: 64,
  vaBits: 52,
  pageSize: 4 * KiB,
  vmallocStart: 0xffff800080000000n,
  vmallocEnd: 0xffffc1ffbf800000n,
  modulesStart: 0xffff800000000000n,
  modulesEnd: 0xffff800080000000n,
  threadAlign: 32 * KiB,
  ioremapMaxOrder: 30,
  kernelVersion: "v6.18",
  source: ARM64_SOURCES,
  notes:
    "vabits_actual = 52: the vmemmap grows to cover the 52-bit linear map (about 62 TiB) and VMALLOC_END " +
    "drops accordingly; modules stay at _PAGE_END(VA_BITS_MIN = 48). THREAD_ALIGN and IOREMAP_MAX_ORDER as " +
    "4K/48. " +
    ARM64_IMAGE_NOTE,
  earlyAreas: [],
});

/**
 * arm64, 4 KiB pages, 39-bit VA (3 levels), v6.18: vmalloc `0xffffffc080000000 – 0xfffffffebf800000`.
 * @see arch/arm64/include/asm/pgtable.h: VMALLOC_END
 */
const ARM64_4K_39 = defineProfile({
  id: "arm64-4k-39",
  name: "arm64, 4K pages, 39-bit VA (v6.18)",
  arch: "arm64",
  bits: 64,
  vaBits: 39,
  pageSize: 4 * KiB,
  vmallocStart: 0xffffffc080000000n,
  vmallocEnd: 0xfffffffebf800000n,
  modulesStart: 0xffffffc000000000n,
  modulesEnd: 0xffffffc080000000n,
  threadAlign: 32 * KiB,
  ioremapMaxOrder: 30,
  kernelVersion: "v6.18",
  source: ARM64_SOURCES,
  notes:
    "Three-level tables (PUD folded, PUD_SHIFT = 30 still). THREAD_ALIGN and IOREMAP_MAX_ORDER as 4K/48. " +
    ARM64_IMAGE_NOTE,
  earlyAreas: [],
});

/**
 * arm64, 16 KiB pages, 47-bit VA, v6.18: vmalloc `0xffffc00080000000 – 0xffffffbfbf800000`.
 * @see arch/arm64/include/asm/pgtable.h: VMALLOC_END
 */
const ARM64_16K_47 = defineProfile({
  id: "arm64-16k-47",
  name: "arm64, 16K pages, 47-bit VA (v6.18)",
  arch: "arm64",
  bits: 64,
  vaBits: 47,
  pageSize: 16 * KiB,
  vmallocStart: 0xffffc00080000000n,
  vmallocEnd: 0xffffffbfbf800000n,
  modulesStart: 0xffffc00000000000n,
  modulesEnd: 0xffffc00080000000n,
  threadAlign: 32 * KiB,
  ioremapMaxOrder: 25,
  kernelVersion: "v6.18",
  source: ARM64_SOURCES,
  notes:
    "THREAD_SHIFT = 14 = PAGE_SHIFT, THREAD_ALIGN = 2 * 16 KiB with VMAP_STACK. IOREMAP_MAX_ORDER = PMD_SHIFT " +
    "= 25 with 16K pages. " +
    ARM64_IMAGE_NOTE,
  earlyAreas: [],
});

/**
 * arm64, 64 KiB pages, 42-bit VA (2 levels), v6.18: vmalloc `0xfffffe0080000000 – 0xffffffff3f800000`.
 * @see arch/arm64/include/asm/pgtable.h: VMALLOC_END
 */
const ARM64_64K_42 = defineProfile({
  id: "arm64-64k-42",
  name: "arm64, 64K pages, 42-bit VA (v6.18)",
  arch: "arm64",
  bits: 64,
  vaBits: 42,
  pageSize: 64 * KiB,
  vmallocStart: 0xfffffe0080000000n,
  vmallocEnd: 0xffffffff3f800000n,
  modulesStart: 0xfffffe0000000000n,
  modulesEnd: 0xfffffe0080000000n,
  threadAlign: 128 * KiB,
  ioremapMaxOrder: 29,
  kernelVersion: "v6.18",
  source: ARM64_SOURCES,
  notes:
    "VMAP_STACK raises THREAD_SHIFT to PAGE_SHIFT (64 KiB stacks), THREAD_ALIGN = 128 KiB. IOREMAP_MAX_ORDER = " +
    "PMD_SHIFT = 29 with 64K pages (PMD folded into the PGD at 2 levels). " +
    ARM64_IMAGE_NOTE,
  earlyAreas: [],
});

/**
 * arm64, 64 KiB pages, 48-bit VA, v6.18: vmalloc `0xffff800080000000 – 0xffffffdfbf800000`.
 * @see arch/arm64/include/asm/pgtable.h: VMALLOC_END
 */
const ARM64_64K_48 = defineProfile({
  id: "arm64-64k-48",
  name: "arm64, 64K pages, 48-bit VA (v6.18)",
  arch: "arm64",
  bits: 64,
  vaBits: 48,
  pageSize: 64 * KiB,
  vmallocStart: 0xffff800080000000n,
  vmallocEnd: 0xffffffdfbf800000n,
  modulesStart: 0xffff800000000000n,
  modulesEnd: 0xffff800080000000n,
  threadAlign: 128 * KiB,
  ioremapMaxOrder: 29,
  kernelVersion: "v6.18",
  source: ARM64_SOURCES,
  notes: "THREAD_ALIGN and IOREMAP_MAX_ORDER as 64K/42. " + ARM64_IMAGE_NOTE,
  earlyAreas: [],
});

const ARM64_V52_NOTE =
  "Pre-5.4 layout, linear map in the upper half: VA_START = -2^VA_BITS, a 128 MiB BPF JIT region at VA_START " +
  "(no KASAN), 128 MiB of modules above it, VMALLOC_START = MODULES_END, VMALLOC_END = PAGE_OFFSET - PUD_SIZE " +
  "- VMEMMAP_SIZE - 64 KiB. Valid v5.0 to v5.3; v4.15 (the seed's HiKey960 kernel) had no BPF JIT region, so " +
  "its modules start at VA_START and VMALLOC_START is 128 MiB lower. THREAD_ALIGN = 2 * 16 KiB (VMAP_STACK), " +
  "IOREMAP_MAX_ORDER = PUD_SHIFT. The kernel image (KIMAGE_VADDR = MODULES_END) is at the bottom of the vmalloc " +
  "range; not listed as early areas (size is build-specific, KASLR moves it).";

/**
 * arm64, 4 KiB pages, 48-bit VA, v5.2 layout: vmalloc `0xffff000010000000 – 0xffff7dffbfff0000` (≈ 126 TiB).
 * @see arch/arm64/include/asm/memory.h (v5.2): VA_START, BPF_JIT_REGION_START, MODULES_VADDR, VMEMMAP_SIZE
 * @see arch/arm64/include/asm/pgtable.h (v5.2): VMALLOC_START, VMALLOC_END
 */
const ARM64_4K_48_V52 = defineProfile({
  id: "arm64-4k-48-v5.2",
  name: "arm64, 4K pages, 48-bit VA (v5.2 layout)",
  arch: "arm64",
  bits: 64,
  vaBits: 48,
  pageSize: 4 * KiB,
  vmallocStart: 0xffff000010000000n,
  vmallocEnd: 0xffff7dffbfff0000n,
  modulesStart: 0xffff000008000000n,
  modulesEnd: 0xffff000010000000n,
  threadAlign: 32 * KiB,
  ioremapMaxOrder: 30,
  kernelVersion: "v5.2 (layout of v5.0 to v5.3)",
  source: ["arch/arm64/include/asm/memory.h", "arch/arm64/include/asm/pgtable.h"],
  notes: ARM64_V52_NOTE,
  earlyAreas: [],
});

/**
 * arm64, 4 KiB pages, 39-bit VA, v5.2 layout: vmalloc `0xffffff8010000000 – 0xffffffbebfff0000` (≈ 250.7 GiB).
 * @see arch/arm64/include/asm/pgtable.h (v5.2): VMALLOC_END
 */
const ARM64_4K_39_V52 = defineProfile({
  id: "arm64-4k-39-v5.2",
  name: "arm64, 4K pages, 39-bit VA (v5.2 layout)",
  arch: "arm64",
  bits: 64,
  vaBits: 39,
  pageSize: 4 * KiB,
  vmallocStart: 0xffffff8010000000n,
  vmallocEnd: 0xffffffbebfff0000n,
  modulesStart: 0xffffff8008000000n,
  modulesEnd: 0xffffff8010000000n,
  threadAlign: 32 * KiB,
  ioremapMaxOrder: 30,
  kernelVersion: "v5.2 (layout of v5.0 to v5.3)",
  source: ["arch/arm64/include/asm/memory.h", "arch/arm64/include/asm/pgtable.h"],
  notes: ARM64_V52_NOTE,
  earlyAreas: [],
});

/**
 * 32-bit ARM, 3G/1G split, the default 240 MiB vmalloc area: `0xf0800000 – 0xff800000`.
 * @see arch/arm/include/asm/pgtable.h: VMALLOC_OFFSET, VMALLOC_START, VMALLOC_END
 * @see arch/arm/mm/mmu.c: vmalloc_size (v6.18; vmalloc_min in v5.2), 240 MiB by default
 */
const ARM_3G = defineProfile({
  id: "arm-3g",
  name: "32-bit ARM, 3G/1G split, default 240 MiB vmalloc",
  arch: "arm",
  bits: 32,
  vaBits: 32,
  pageSize: 4 * KiB,
  vmallocStart: 0xf0800000n,
  vmallocEnd: 0xff800000n,
  modulesStart: 0xbf000000n,
  modulesEnd: 0xc0000000n,
  threadAlign: 16 * KiB,
  ioremapMaxOrder: 19,
  kernelVersion: "v6.18 (same vmalloc and modules layout in v5.2)",
  source: [
    "arch/arm/include/asm/pgtable.h",
    "arch/arm/include/asm/memory.h",
    "arch/arm/mm/mmu.c",
    "arch/arm/include/asm/thread_info.h",
  ],
  notes:
    "Board with at least 768 MiB of RAM: lowmem is capped at VMALLOC_END - 240 MiB - 8 MiB, VMALLOC_START = " +
    "(high_memory + 8 MiB) rounded down to 8 MiB; vmalloc= overrides (16 MiB minimum). Modules 16 MiB below " +
    "PAGE_OFFSET (8 MiB for Thumb-2 kernels), MODULES_END = 0xbfe00000 with HIGHMEM. THREAD_ALIGN = " +
    "2 * THREAD_SIZE (8 KiB) with VMAP_STACK (default y since v5.17), 8 KiB without it (and in v5.2). " +
    "IOREMAP_MAX_ORDER is 24 only for !SMP && !ARM_LPAE builds; SMP builds use the generic PAGE_SHIFT + 7 = 19.",
  earlyAreas: [],
});

const RISCV_SOURCES = [
  "arch/riscv/include/asm/pgtable.h",
  "arch/riscv/include/asm/page.h",
  "arch/riscv/include/asm/thread_info.h",
  "arch/riscv/include/asm/vmalloc.h",
  "Documentation/arch/riscv/vm-layout.rst",
];
const RISCV_NOTE =
  "VMALLOC_END = PAGE_OFFSET, kept as the exclusive bound (vm-layout.rst prints the inclusive last byte). " +
  "VMALLOC_SIZE = KERN_VIRT_SIZE / 2. Modules and BPF live in [PFN_ALIGN(_end) - 2 GiB, PFN_ALIGN(_start)) below " +
  "the kernel image at 0xffffffff80000000; the documented 0xffffffff00000000 - 0xffffffff80000000 is listed " +
  "(the real start is higher by the image size). THREAD_SIZE = 16 KiB (CONFIG_THREAD_SIZE_ORDER 2), " +
  "THREAD_ALIGN = 2 * THREAD_SIZE with VMAP_STACK. IOREMAP_MAX_ORDER = PUD_SHIFT (HAVE_ARCH_HUGE_VMAP).";

/**
 * RISC-V 64, Sv39: vmalloc `0xffffffc600000000 – 0xffffffd600000000` (64 GiB).
 * @see arch/riscv/include/asm/pgtable.h: KERN_VIRT_SIZE, VMALLOC_SIZE, VMALLOC_END, VMALLOC_START
 * @see arch/riscv/include/asm/page.h: PAGE_OFFSET_L3
 */
const RISCV64_SV39 = defineProfile({
  id: "riscv64-sv39",
  name: "RISC-V 64, Sv39 (v6.18)",
  arch: "riscv64",
  bits: 64,
  vaBits: 39,
  pageSize: 4 * KiB,
  vmallocStart: 0xffffffc600000000n,
  vmallocEnd: 0xffffffd600000000n,
  modulesStart: 0xffffffff00000000n,
  modulesEnd: 0xffffffff80000000n,
  threadAlign: 32 * KiB,
  ioremapMaxOrder: 30,
  kernelVersion: "v6.18",
  source: RISCV_SOURCES,
  notes: RISCV_NOTE,
  earlyAreas: [],
});

/**
 * RISC-V 64, Sv48: vmalloc `0xffff8f8000000000 – 0xffffaf8000000000` (32 TiB).
 * @see arch/riscv/include/asm/page.h: PAGE_OFFSET_L4
 */
const RISCV64_SV48 = defineProfile({
  id: "riscv64-sv48",
  name: "RISC-V 64, Sv48 (v6.18)",
  arch: "riscv64",
  bits: 64,
  vaBits: 48,
  pageSize: 4 * KiB,
  vmallocStart: 0xffff8f8000000000n,
  vmallocEnd: 0xffffaf8000000000n,
  modulesStart: 0xffffffff00000000n,
  modulesEnd: 0xffffffff80000000n,
  threadAlign: 32 * KiB,
  ioremapMaxOrder: 30,
  kernelVersion: "v6.18",
  source: RISCV_SOURCES,
  notes: RISCV_NOTE,
  earlyAreas: [],
});

/**
 * RISC-V 64, Sv57: vmalloc `0xff20000000000000 – 0xff60000000000000` (16 PiB).
 * @see arch/riscv/include/asm/page.h: PAGE_OFFSET_L5
 */
const RISCV64_SV57 = defineProfile({
  id: "riscv64-sv57",
  name: "RISC-V 64, Sv57 (v6.18)",
  arch: "riscv64",
  bits: 64,
  vaBits: 57,
  pageSize: 4 * KiB,
  vmallocStart: 0xff20000000000000n,
  vmallocEnd: 0xff60000000000000n,
  modulesStart: 0xffffffff00000000n,
  modulesEnd: 0xffffffff80000000n,
  threadAlign: 32 * KiB,
  ioremapMaxOrder: 30,
  kernelVersion: "v6.18",
  source: RISCV_SOURCES,
  notes: RISCV_NOTE,
  earlyAreas: [],
});

const PROFILES: readonly ArchProfile[] = Object.freeze([
  X86_64_4LEVEL,
  X86_64_5LEVEL,
  I386_3G,
  ARM64_4K_48,
  ARM64_4K_52_LPA2,
  ARM64_4K_39,
  ARM64_16K_47,
  ARM64_64K_42,
  ARM64_64K_48,
  ARM64_4K_48_V52,
  ARM64_4K_39_V52,
  ARM_3G,
  RISCV64_SV39,
  RISCV64_SV48,
  RISCV64_SV57,
]);

const BY_ID: ReadonlyMap<string, ArchProfile> = new Map(PROFILES.map((p) => [p.id, p]));

/**
 * The profile the simulated kernel uses when none is named: x86-64, 4-level paging (the seed's i5-3320M).
 * @see arch/x86/include/asm/pgtable_64_types.h
 */
export const DEFAULT_PROFILE_ID = "x86_64-4level";

/**
 * Every built-in profile, in a fixed order (x86, arm64 v6.18, arm64 v5.2, arm, riscv). The array and the
 * profiles are frozen. O(1).
 * @see KERNEL.md §9 for the values; each profile's `source` names its kernel files
 */
export function listProfiles(): readonly ArchProfile[] {
  return PROFILES;
}

/**
 * The built-in profile with this id. Throws `ArchError` `ENOENT` for an unknown id (the message lists the
 * known ones), `EINVAL` for a non-string. O(1).
 * @see KERNEL.md §9; each profile's `source` names its kernel files
 */
export function getProfile(id: string): ArchProfile {
  if (typeof id !== "string") throw new ArchError("EINVAL", `getProfile takes a string id, got ${typeof id}`);
  const profile = BY_ID.get(id);
  if (profile === undefined) {
    throw new ArchError("ENOENT", `no profile ${JSON.stringify(id)}; known profiles: ${[...BY_ID.keys()].join(", ")}`);
  }
  return profile;
}
