import { ArchError } from "./errors.js";
import type { ArchProfile } from "./profile.js";
import { getProfile } from "./profiles.js";

/**
 * The first-chunk geometry the per-cpu allocator hands to `pcpu_get_vm_areas(offsets, sizes, nr_groups,
 * atom_size)` for every new chunk: one group per NUMA node, each `nr_units × unitSize` bytes, at fixed
 * distances from the chunk base. All values are bytes (bigint; convert with `toPages`).
 *
 * Invariants: every offset and size is a multiple of `atomSize` (the kernel BUGs otherwise); groups do not
 * overlap; `groupOffsets[0] = 0`.
 * @see mm/percpu.c: pcpu_build_alloc_info, pcpu_embed_first_chunk, pcpu_setup_first_chunk
 * @see mm/percpu-vm.c: pcpu_create_chunk
 */
export interface PcpuLayout {
  /** `pcpu_atom_size`: the alignment of every chunk (PMD_SIZE = 2 MiB on x86-64, PAGE_SIZE on arm64). */
  readonly atomSize: bigint;
  /** `pcpu_unit_size`: bytes of one CPU's unit in a chunk. */
  readonly unitSize: bigint;
  /** `pcpu_group_offsets[]`: where each group starts, relative to the chunk base. */
  readonly groupOffsets: readonly bigint[];
  /** `pcpu_group_sizes[]`: `nr_units × unitSize` per group (units rounded up to a whole atom). */
  readonly groupSizes: readonly bigint[];
  /** The CPUs whose units each group holds. */
  readonly groupCpus: readonly (readonly number[])[];
}

/** A machine: an architecture profile plus CPUs, NUMA nodes and per-cpu geometry. */
export interface MachinePreset {
  /** Stable id, e.g. `"i5-3320m"`. */
  readonly id: string;
  readonly name: string;
  readonly profile: ArchProfile;
  /** Possible CPUs (`nr_cpu_ids`); the simulated kernel runs one worker per CPU in stress mode. */
  readonly cpus: number;
  readonly numaNodes: number;
  /** NUMA node of each CPU, indexed by CPU number (`cpu_to_node`). */
  readonly cpuNode: readonly number[];
  readonly pcpu: PcpuLayout;
  /** Kernel the machine ran when it was measured, where that matters. */
  readonly kernelVersion: string;
  /** What is real and what is typical. */
  readonly notes: string;
}

interface MachineSpec {
  readonly id: string;
  readonly name: string;
  readonly profileId: string;
  readonly cpuNode: readonly number[];
  readonly atomSize: bigint;
  readonly unitSize: bigint;
  /** Offset of each node's group from node 0's. */
  readonly nodeOffsets: readonly bigint[];
  readonly kernelVersion: string;
  readonly notes: string;
}

/** Builds the frozen preset: one group per node, units per group rounded up to whole atoms as the kernel does. */
function defineMachine(spec: MachineSpec): MachinePreset {
  const numaNodes = spec.nodeOffsets.length;
  const unitsPerAtom = spec.atomSize > spec.unitSize ? spec.atomSize / spec.unitSize : 1n;
  const groupCpus = spec.nodeOffsets.map((_, node) =>
    Object.freeze(spec.cpuNode.flatMap((n, cpu) => (n === node ? [cpu] : []))),
  );
  const groupSizes = groupCpus.map((cpus) => {
    const units = ((BigInt(cpus.length) + unitsPerAtom - 1n) / unitsPerAtom) * unitsPerAtom;
    return units * spec.unitSize;
  });
  return Object.freeze({
    id: spec.id,
    name: spec.name,
    profile: getProfile(spec.profileId),
    cpus: spec.cpuNode.length,
    numaNodes,
    cpuNode: Object.freeze([...spec.cpuNode]),
    pcpu: Object.freeze({
      atomSize: spec.atomSize,
      unitSize: spec.unitSize,
      groupOffsets: Object.freeze([...spec.nodeOffsets]),
      groupSizes: Object.freeze(groupSizes),
      groupCpus: Object.freeze(groupCpus),
    }),
    kernelVersion: spec.kernelVersion,
    notes: spec.notes,
  });
}

const KiB = 1024n;
const MiB = 1024n * KiB;
const GiB = 1024n * MiB;

const X86_PCPU_NOTE =
  "Per-cpu: embedded first chunk with atom PMD_SIZE (2 MiB); the 256 KiB unit is typical of distribution " +
  "kernels (boot log `pcpu-alloc: ... u262144 alloc=1*2097152`), so 8 units share one atom and a group's size " +
  "is rounded up to whole atoms.";

/**
 * The seed's x86-64 machine. @see seed/vmap-v2-cover-letter.txt ("i5-3320M CPU @ 2.60GHz", 4.20 kernel)
 */
const I5_3320M = defineMachine({
  id: "i5-3320m",
  name: "Intel Core i5-3320M (x86-64, 4 CPUs)",
  profileId: "x86_64-4level",
  cpuNode: [0, 0, 0, 0],
  atomSize: 2n * MiB,
  unitSize: 256n * KiB,
  nodeOffsets: [0n],
  kernelVersion: "v4.20 (the seed's measurements)",
  notes:
    "Ivy Bridge laptop CPU, 2 cores x 2 threads at 2.60 GHz, one NUMA node; the seed's x86-64 figures. " +
    X86_PCPU_NOTE,
});

/**
 * The seed's arm64 board. @see seed/vmap-v2-cover-letter.txt ("HiKey960(arm64)", 8 CPUs, 4.15 kernel)
 */
const HIKEY960 = defineMachine({
  id: "hikey960",
  name: "HiKey960 (arm64, 8 CPUs)",
  profileId: "arm64-4k-48-v5.2",
  cpuNode: [0, 0, 0, 0, 0, 0, 0, 0],
  atomSize: 4n * KiB,
  unitSize: 120n * KiB,
  nodeOffsets: [0n],
  kernelVersion: "v4.15 (the seed's measurements)",
  notes:
    "HiSilicon Kirin 960: 4 x Cortex-A73 + 4 x Cortex-A53, 4K pages, 48-bit VA, one NUMA node. The seed ran " +
    "v4.15, whose vmalloc range starts 128 MiB lower (no BPF JIT region yet); the v5.2-era layout is used, as " +
    "for the patched kernel. Per-cpu: arm64 embeds the first chunk with atom PAGE_SIZE; the 120 KiB (30-page) " +
    "unit is typical and varies with config.",
});

/** This machine's kind: the 2-CPU x86-64 VM that CI and the checkout run on. */
const CI_2CORE = defineMachine({
  id: "ci-2core",
  name: "CI runner (x86-64, 2 CPUs)",
  profileId: "x86_64-4level",
  cpuNode: [0, 0],
  atomSize: 2n * MiB,
  unitSize: 256n * KiB,
  nodeOffsets: [0n],
  kernelVersion: "any (a modern x86-64 VM)",
  notes: "Two CPUs, one NUMA node, x86-64 with 4-level paging. " + X86_PCPU_NOTE,
});

/**
 * A typical 2-socket NUMA server: one per-cpu group per node, 512 GiB apart.
 * @see mm/percpu.c: pcpu_embed_first_chunk (one group per node, base_offset = node memory - lowest)
 */
const NUMA_2SOCKET = defineMachine({
  id: "numa-2socket",
  name: "2-socket NUMA server (x86-64, 32 CPUs)",
  profileId: "x86_64-4level",
  cpuNode: Array.from({ length: 32 }, (_, cpu) => (cpu < 16 ? 0 : 1)),
  atomSize: 2n * MiB,
  unitSize: 256n * KiB,
  nodeOffsets: [0n, 512n * GiB],
  kernelVersion: "any",
  notes:
    "Typical, varies with the memory map: 16 CPUs and 512 GiB of RAM per node, so node 1's memory, and with it " +
    "its per-cpu group, lies 512 GiB above node 0's in the linear map. pcpu_get_vm_areas gets offsets " +
    "[0, 512 GiB] and sizes [4 MiB, 4 MiB] for every chunk; only each group's own range must be free (the span " +
    "is 1.6 % of VMALLOC_TOTAL; the kernel warns above 75 %). CPUs 0-15 are on node 0 and 16-31 on node 1 (real " +
    "firmware often interleaves the hyperthreads; only the grouping matters here). " +
    X86_PCPU_NOTE,
});

const MACHINES: readonly MachinePreset[] = Object.freeze([I5_3320M, HIKEY960, CI_2CORE, NUMA_2SOCKET]);
const BY_ID: ReadonlyMap<string, MachinePreset> = new Map(MACHINES.map((m) => [m.id, m]));

/**
 * Every machine preset: the seed's two machines, the CI kind, the NUMA server. Frozen. O(1).
 * @see seed/vmap-v2-cover-letter.txt (the seed's machines), mm/percpu.c (the per-cpu geometry)
 */
export function listMachines(): readonly MachinePreset[] {
  return MACHINES;
}

/**
 * The machine preset with this id. Throws `ArchError` `ENOENT` for an unknown id (the message lists the
 * known ones), `EINVAL` for a non-string. O(1).
 * @see seed/vmap-v2-cover-letter.txt, mm/percpu.c: pcpu_embed_first_chunk
 */
export function getMachine(id: string): MachinePreset {
  if (typeof id !== "string") throw new ArchError("EINVAL", `getMachine takes a string id, got ${typeof id}`);
  const machine = BY_ID.get(id);
  if (machine === undefined) {
    throw new ArchError("ENOENT", `no machine ${JSON.stringify(id)}; known machines: ${[...BY_ID.keys()].join(", ")}`);
  }
  return machine;
}
