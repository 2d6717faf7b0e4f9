/**
 * @kva/arch/debug — human-readable dumps of profiles and machines, for `kva info`, the docs and the
 * README's profile table (a test keeps that table equal to `formatProfileTable()`).
 */
import { formatAddress } from "./address.js";
import type { MachinePreset } from "./machines.js";
import { vmallocRangePages, vmallocSize } from "./pages.js";
import type { ArchProfile } from "./profile.js";
import { listProfiles } from "./profiles.js";
import { formatSize } from "./size.js";

/**
 * A Markdown table of profiles: id, `VMALLOC_START`, `VMALLOC_END` (the kernel's literal value), size
 * (`VMALLOC_END − VMALLOC_START` in `formatSize` units), page size, `THREAD_ALIGN`, `IOREMAP_MAX_ORDER`.
 * Defaults to every built-in profile. O(profiles).
 */
export function formatProfileTable(profiles: readonly ArchProfile[] = listProfiles()): string {
  const rows = [
    "| id | VMALLOC_START | VMALLOC_END | size | page | THREAD_ALIGN | IOREMAP_MAX_ORDER |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const p of profiles) {
    rows.push(
      `| \`${p.id}\` | \`${formatAddress(p.vmallocStart, p.bits)}\` | \`${formatAddress(p.vmallocEnd, p.bits)}\` | ` +
        `${formatSize(vmallocSize(p))} | ${formatSize(p.pageSize)} | ${formatSize(p.threadAlign)} | ${p.ioremapMaxOrder} |`,
    );
  }
  return rows.join("\n");
}

/** A multi-line description of one profile: every field, the page window and the notes. O(fields). */
export function describeProfile(profile: ArchProfile): string {
  const p = profile;
  const addr = (v: bigint): string => formatAddress(v, p.bits);
  const window = vmallocRangePages(p);
  const lines = [
    `${p.id}: ${p.name}`,
    `  arch ${p.arch}, ${p.bits}-bit, ${p.vaBits}-bit VA, page ${formatSize(p.pageSize)} (PAGE_SHIFT ${p.pageShift})`,
    `  vmalloc ${addr(p.vmallocStart)} - ${addr(p.vmallocEnd)} (${formatSize(vmallocSize(p))}); ` +
      `pages [${window.start}, ${window.end}) = ${window.end - window.start} pages`,
    `  modules ${addr(p.modulesStart)} - ${addr(p.modulesEnd)} (${formatSize(p.modulesEnd - p.modulesStart)})`,
    `  THREAD_ALIGN ${formatSize(p.threadAlign)} (fix_align_alloc_test aligns to ${formatSize(p.threadAlign * 2)}), ` +
      `IOREMAP_MAX_ORDER ${p.ioremapMaxOrder} (${formatSize(2 ** p.ioremapMaxOrder)})`,
    `  kernel ${p.kernelVersion}`,
    `  source ${p.source.length > 0 ? p.source.join(", ") : "(none)"}`,
  ];
  if (p.earlyAreas.length === 0) lines.push("  early areas: none");
  for (const a of p.earlyAreas) lines.push(`  early area ${addr(a.start)} - ${addr(a.end)} ${a.name}`);
  if (p.notes !== "") lines.push(`  notes: ${p.notes}`);
  return lines.join("\n");
}

/** A multi-line description of a machine preset: CPUs, nodes and the per-cpu groups. O(CPUs). */
export function describeMachine(machine: MachinePreset): string {
  const m = machine;
  const lines = [
    `${m.id}: ${m.name}`,
    `  profile ${m.profile.id}, ${m.cpus} CPUs, ${m.numaNodes} NUMA node${m.numaNodes === 1 ? "" : "s"}, kernel ${m.kernelVersion}`,
    `  pcpu atom ${formatSize(m.pcpu.atomSize)}, unit ${formatSize(m.pcpu.unitSize)}`,
  ];
  m.pcpu.groupOffsets.forEach((offset, i) => {
    const cpus = m.pcpu.groupCpus[i] ?? [];
    const size = m.pcpu.groupSizes[i] ?? 0n;
    lines.push(`  group ${i}: offset ${formatSize(offset)}, size ${formatSize(size)}, CPUs ${cpus.join(" ")}`);
  });
  if (m.notes !== "") lines.push(`  notes: ${m.notes}`);
  return lines.join("\n");
}
