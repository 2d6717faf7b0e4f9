/**
 * `vm_struct` flags (`include/linux/vmalloc.h`). The values are those of v5.2 and v6.18;
 * `VM_DMA_COHERENT` (0x10) exists from v5.7 on (bit 0x10 is unused in v5.2), and v5.2 has no
 * `VM_SPARSE` or huge-vmap flags (not modelled).
 * @see include/linux/vmalloc.h
 */
export const VM_IOREMAP = 0x1;
export const VM_ALLOC = 0x2;
export const VM_MAP = 0x4;
export const VM_USERMAP = 0x8;
export const VM_DMA_COHERENT = 0x10;
export const VM_UNINITIALIZED = 0x20;
export const VM_NO_GUARD = 0x40;
export const VM_KASAN = 0x80;
export const VM_FLUSH_RESET_PERMS = 0x100;

/** Flag names in the order `/proc/vmallocinfo` prints them (KERNEL.md §10). */
export const VMALLOCINFO_FLAG_WORDS: readonly (readonly [number, string])[] = [
  [VM_IOREMAP, "ioremap"],
  [VM_ALLOC, "vmalloc"],
  [VM_MAP, "vmap"],
  [VM_USERMAP, "user"],
  [VM_DMA_COHERENT, "dma-coherent"],
];
