import { describe, expect, it } from "vitest";
import {
  VMALLOCINFO_FLAG_WORDS,
  VM_ALLOC,
  VM_DMA_COHERENT,
  VM_FLUSH_RESET_PERMS,
  VM_IOREMAP,
  VM_KASAN,
  VM_MAP,
  VM_NO_GUARD,
  VM_UNINITIALIZED,
  VM_USERMAP,
} from "../src/index.js";

describe("flags", () => {
  it("has the values of include/linux/vmalloc.h", () => {
    expect({ VM_IOREMAP, VM_ALLOC, VM_MAP, VM_USERMAP, VM_DMA_COHERENT, VM_UNINITIALIZED, VM_NO_GUARD, VM_KASAN, VM_FLUSH_RESET_PERMS }).toEqual({
      VM_IOREMAP: 0x1,
      VM_ALLOC: 0x2,
      VM_MAP: 0x4,
      VM_USERMAP: 0x8,
      VM_DMA_COHERENT: 0x10,
      VM_UNINITIALIZED: 0x20,
      VM_NO_GUARD: 0x40,
      VM_KASAN: 0x80,
      VM_FLUSH_RESET_PERMS: 0x100,
    });
  });

  it("lists the vmallocinfo words in the order s_show prints them", () => {
    expect(VMALLOCINFO_FLAG_WORDS.map(([, word]) => word)).toEqual(["ioremap", "vmalloc", "vmap", "user", "dma-coherent"]);
    expect(VMALLOCINFO_FLAG_WORDS.map(([bit]) => bit)).toEqual([VM_IOREMAP, VM_ALLOC, VM_MAP, VM_USERMAP, VM_DMA_COHERENT]);
  });
});
