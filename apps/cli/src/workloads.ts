/**
 * Simulated kernel states for `kva info` and `kva map`: a handful of typical areas after boot, a
 * fragmented space, and test_vmalloc's long busy list. Each is deterministic (seeded).
 */
import type { ArchProfile, MachinePreset } from "@kva/arch";
import { type AllocatorKind, type Kernel, VM_MAP, createKernel } from "@kva/kernel";

export interface WorkloadOptions {
  readonly profile?: ArchProfile | undefined;
  readonly machine?: MachinePreset | undefined;
  readonly cpus?: number | undefined;
  readonly allocator?: AllocatorKind | undefined;
  readonly seed?: number | undefined;
}

export interface Workload {
  readonly name: string;
  readonly description: string;
  readonly run: (kernel: Kernel, seed: number) => void;
}

/** mulberry32: a small seeded PRNG, enough for picking sizes. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function boot(kernel: Kernel): void {
  const page = kernel.pageSize;
  const { profile } = kernel;
  // Large boot-time hashes and tables.
  kernel.vmalloc(64 * page, "alloc_large_system_hash+0x1a4/0x270");
  kernel.vmalloc(16 * page, "alloc_large_system_hash+0x1a4/0x270");
  // Firmware and device registers.
  const x86 = profile.arch === "x86_64" || profile.arch === "i386";
  kernel.ioremap(0xfed00000n, 0x400, x86 ? "hpet_enable+0x2f/0x2a0" : "of_iomap+0x34/0x50");
  kernel.ioremap(0xfebf0000n, 0x4000, x86 ? "pci_iomap_range+0x5b/0x80" : "devm_ioremap+0x48/0x90");
  // Kernel stacks of the first tasks (CONFIG_VMAP_STACK): THREAD_SIZE bytes aligned to THREAD_ALIGN, which
  // is THREAD_SIZE except on arm64 (2 × THREAD_SIZE).
  const threadSize = profile.arch === "arm64" ? profile.threadAlign / 2 : profile.threadAlign;
  for (let i = 0; i < 4; i++) {
    kernel.vmallocNodeRange(threadSize, profile.threadAlign, undefined, undefined, { caller: "dup_task_struct+0x5b/0x1b0" });
  }
  // A module's core, in the modules range.
  kernel.vmallocNodeRange(12 * page, 1, profile.modulesStart, profile.modulesEnd, { caller: "module_alloc+0x79/0xc0" });
  // A driver mapping pages with vmap, and a small vm_map_ram (served from a per-CPU vmap block).
  kernel.vmap(8, VM_MAP, "i915_gem_object_pin_map+0x169/0x1f0 [i915]");
  kernel.vmMapRam(4);
  // Something freed lazily: it stays until the next purge (an `unpurged vm_area`).
  const scratch = kernel.vmalloc(32 * page, "load_module+0x1b0/0x2c0");
  kernel.vmalloc(2 * page, "bpf_prog_alloc_no_stats+0x4c/0x170");
  kernel.vfree(scratch);
}

function fragmented(kernel: Kernel, seed: number): void {
  const random = rng(seed);
  const page = kernel.pageSize;
  const live: bigint[] = [];
  for (let i = 0; i < 400; i++) {
    const pages = 1 + Math.floor(random() * 64);
    const addr = kernel.vmalloc(pages * page, "random_size_alloc_test+0x3d/0x70 [test_vmalloc]");
    if (addr !== undefined) live.push(addr);
  }
  // Free about half, at random: holes of every size between the survivors.
  for (let i = live.length - 1; i >= 0; i--) {
    if (random() < 0.5) {
      kernel.vfree(live[i]);
      live.splice(i, 1);
    }
  }
  kernel.vmUnmapAliases();
  // Then some more churn that stays lazily freed.
  for (let i = 0; i < 20; i++) {
    const addr = kernel.vmalloc((1 + Math.floor(random() * 16)) * page, "vfree_churn+0x1c/0x40");
    if (addr !== undefined && random() < 0.6) kernel.vfree(addr);
  }
}

function longBusyList(kernel: Kernel): void {
  const page = kernel.pageSize;
  const caller = "long_busy_list_alloc_test+0x52/0x150 [test_vmalloc]";
  kernel.vmalloc(8 * 15000, caller);
  for (let i = 0; i < 15000; i++) kernel.vmalloc(page, caller);
  for (let i = 0; i < 50; i++) {
    const p1 = kernel.vmalloc(100 * page, caller);
    const p2 = kernel.vmalloc(page, caller);
    kernel.vfree(p1);
    kernel.vfree(p2);
  }
}

export const WORKLOADS: readonly Workload[] = [
  { name: "boot", description: "a handful of typical areas: vmalloc'ed hashes, ioremaps, kernel stacks, a module, a vmap, a vm_map_ram block, a lazily freed area", run: boot },
  { name: "fragmented", description: "400 random-size vmallocs, half freed and purged, then lazily freed churn", run: fragmented },
  { name: "long-busy-list", description: "test_vmalloc's long_busy_list_alloc_test setup: 15000 one-page areas, then 50 loops of 100+1 pages", run: longBusyList },
  { name: "empty", description: "nothing allocated", run: () => {} },
];

export function workloadNames(): string[] {
  return WORKLOADS.map((w) => w.name);
}

export function findWorkload(name: string): Workload | undefined {
  return WORKLOADS.find((w) => w.name === name);
}

/** Builds a kernel for the options and runs the workload on it. */
export function simulate(workload: Workload, options: WorkloadOptions = {}): Kernel {
  const kernel = createKernel({
    ...(options.machine ? { machine: options.machine } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.cpus !== undefined ? { cpus: options.cpus } : {}),
    allocator: options.allocator ?? "augmented",
  });
  workload.run(kernel, options.seed ?? 1);
  return kernel;
}
