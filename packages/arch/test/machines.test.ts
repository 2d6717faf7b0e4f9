import { describe, expect, it } from "vitest";
import { getMachine, getProfile, listMachines, toPages } from "../src/index.js";
import { expectArchError } from "./expect-arch-error.js";

const MiB = 1n << 20n;
const GiB = 1n << 30n;

describe("machine presets", () => {
  it.each([
    ["i5-3320m", "x86_64-4level", 4, 1],
    ["hikey960", "arm64-4k-48-v5.2", 8, 1],
    ["ci-2core", "x86_64-4level", 2, 1],
    ["numa-2socket", "x86_64-4level", 32, 2],
  ] as const)("%s runs %s with %i CPUs on %i node(s)", (id, profileId, cpus, nodes) => {
    const m = getMachine(id);
    expect(m.profile).toBe(getProfile(profileId));
    expect(m.cpus).toBe(cpus);
    expect(m.numaNodes).toBe(nodes);
    expect(m.cpuNode).toHaveLength(cpus);
  });

  it("gives the NUMA server one per-cpu group per node, 512 GiB apart", () => {
    const { pcpu } = getMachine("numa-2socket");
    expect(pcpu.atomSize).toBe(2n * MiB);
    expect(pcpu.groupOffsets).toEqual([0n, 512n * GiB]);
    expect(pcpu.groupSizes).toEqual([4n * MiB, 4n * MiB]);
    expect(pcpu.groupCpus.map((cpus) => cpus.length)).toEqual([16, 16]);
  });

  it("rounds a group up to whole 2 MiB atoms on x86-64 (8 units of 256 KiB)", () => {
    expect(getMachine("i5-3320m").pcpu.groupSizes).toEqual([2n * MiB]);
    expect(getMachine("ci-2core").pcpu.groupSizes).toEqual([2n * MiB]);
  });

  it("uses page-sized atoms on arm64", () => {
    const { pcpu, profile } = getMachine("hikey960");
    expect(pcpu.atomSize).toBe(BigInt(profile.pageSize));
    expect(pcpu.groupSizes).toEqual([8n * pcpu.unitSize]);
  });

  it.each(listMachines().map((m) => [m.id, m] as const))("%s keeps the pcpu_get_vm_areas contract", (_id, m) => {
    const { atomSize, groupOffsets, groupSizes, groupCpus } = m.pcpu;
    expect(groupOffsets[0]).toBe(0n);
    expect(groupOffsets).toHaveLength(m.numaNodes);
    expect(groupSizes).toHaveLength(m.numaNodes);
    groupOffsets.forEach((offset, i) => {
      const size = groupSizes[i]!;
      expect(offset % atomSize).toBe(0n);
      expect(size % atomSize).toBe(0n);
      expect(size).toBeGreaterThanOrEqual(BigInt(groupCpus[i]!.length) * m.pcpu.unitSize);
      if (i > 0) expect(offset).toBeGreaterThanOrEqual(groupOffsets[i - 1]! + groupSizes[i - 1]!);
      // every value converts to pages exactly for the per-cpu layer
      expect(Number.isSafeInteger(toPages(m.profile, offset))).toBe(true);
      expect(Number.isSafeInteger(toPages(m.profile, size))).toBe(true);
    });
    expect(groupCpus.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: m.cpus }, (_, c) => c));
    groupCpus.forEach((cpus, node) => cpus.forEach((cpu) => expect(m.cpuNode[cpu]).toBe(node)));
    const span = groupOffsets[groupOffsets.length - 1]! + groupSizes[groupSizes.length - 1]!;
    expect(span * 4n).toBeLessThan((m.profile.vmallocEnd - m.profile.vmallocStart) * 3n);
  });

  it("are frozen and have unique ids", () => {
    const ids = listMachines().map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of listMachines()) {
      expect(Object.isFrozen(m)).toBe(true);
      expect(Object.isFrozen(m.pcpu)).toBe(true);
      expect(Object.isFrozen(m.pcpu.groupOffsets)).toBe(true);
      expect(Object.isFrozen(m.cpuNode)).toBe(true);
    }
  });

  describe("getMachine()", () => {
    it("throws ENOENT for an unknown id and EINVAL for a non-string", () => {
      expectArchError(() => getMachine("pdp-11"), "ENOENT");
      expectArchError(() => getMachine(undefined as unknown as string), "EINVAL");
    });
  });
});
