/**
 * @kva/kernel — the simulated kernel: the vmalloc family, vm areas, vmap blocks and /proc/vmallocinfo over
 * a chosen KVA allocator, lazy purge and architecture profile. Public: `createKernel` and the `Kernel` it
 * returns, its options and stats, the `VM_*` flags, the vmallocinfo formatter and parser, errors.
 */
export { Kernel, NUMA_NO_NODE, createKernel } from "./kernel.js";
export type {
  AllocatorKind,
  KernelOptions,
  KernelStats,
  LazyEra,
  LoadMode,
  LoadVmallocInfoOptions,
  LoadVmallocInfoResult,
  VmArea,
  VmallocRangeOptions,
} from "./types.js";
export * from "./flags.js";
export { KernelError, type KernelErrorCode } from "./errors.js";
export { VmallocInfoParseError, formatVmallocInfo, formatVmallocInfoLine, parseVmallocInfo, type VmallocInfoEntry } from "./vmallocinfo.js";
export { VmapBlockError, pageOrder, vmapBlockGeometry, type VmapBlockGeometry, type VmapBlockStats } from "./vmap-blocks.js";
