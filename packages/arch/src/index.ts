/**
 * @kva/arch — architecture profiles with the Linux kernel's real vmalloc/modules address layouts, machine
 * presets (CPUs, NUMA nodes, per-cpu groups), byte ↔ page conversions and kernel-style formatting.
 * Public: the profile and machine types and tables, custom profiles from JSON, the conversions, the
 * formatters and the error class. Dumps live in `@kva/arch/debug`.
 */
export { ArchError, type ArchErrorCode } from "./errors.js";
export type { AddressRange, ArchName, ArchProfile, EarlyArea } from "./profile.js";
export { DEFAULT_PROFILE_ID, getProfile, listProfiles } from "./profiles.js";
export { getMachine, listMachines, type MachinePreset, type PcpuLayout } from "./machines.js";
export { parseProfile, profileToJSON, type EarlyAreaJSON, type ProfileJSON } from "./parse-profile.js";
export {
  addressLimit,
  isVmallocAddress,
  modulesRangePages,
  pageLimit,
  toBytes,
  toPages,
  vmallocRangePages,
  vmallocSize,
  type PageRange,
  type PageRounding,
  type ToPagesOptions,
} from "./pages.js";
export { formatAddress, parseAddress, type AddressBits } from "./address.js";
export { formatSize, parseSize } from "./size.js";
