/**
 * `kva info`: the architecture profile, every built-in profile and machine preset, and a vmallocinfo of a
 * simulated state (`--workload`) or of a real `/proc/vmallocinfo` copy (`--vmallocinfo FILE`).
 */
import { type ArchProfile, type MachinePreset, formatAddress, listMachines, listProfiles, profileToJSON, vmallocSize } from "@kva/arch";
import { type AllocatorKind, formatVmallocInfo } from "@kva/kernel";
import { type Command, Option } from "commander";
import { UsageError } from "../errors.js";
import { commas, size } from "../format.js";
import { intArg, machineArg, machineHelp, profileArg, profileHelp } from "../options.js";
import { type Ui, createUi } from "../ui.js";
import { type VmallocInfoSummary, describeLoad, loadIntoKernel, readVmallocInfoFile, summarize } from "../vmallocinfo.js";
import { WORKLOADS, findWorkload, simulate, workloadNames } from "../workloads.js";

interface InfoOptions {
  profile?: ArchProfile;
  machine?: MachinePreset;
  cpus?: number;
  allocator: AllocatorKind;
  workload: string;
  vmallocinfo?: string;
  lines?: number;
  json?: boolean;
}

/** The profile's fields as label/value rows. */
export function profileRows(p: ArchProfile): [string, string][] {
  const addr = (v: bigint): string => formatAddress(v, p.bits);
  return [
    ["id", p.id],
    ["name", p.name],
    ["arch", `${p.arch} (${p.bits}-bit, ${p.vaBits}-bit VA)`],
    ["page size", `${size(p.pageSize)} (PAGE_SHIFT ${p.pageShift})`],
    ["VMALLOC_START", addr(p.vmallocStart)],
    ["VMALLOC_END", addr(p.vmallocEnd)],
    ["vmalloc size", size(vmallocSize(p))],
    ["modules", `${addr(p.modulesStart)}-${addr(p.modulesEnd)} (${size(p.modulesEnd - p.modulesStart)})`],
    ["THREAD_ALIGN", size(p.threadAlign)],
    ["IOREMAP_MAX_ORDER", String(p.ioremapMaxOrder)],
    ["kernel", p.kernelVersion],
    ["source", p.source.join("\n")],
  ];
}

function printSummary(ui: Ui, summary: VmallocInfoSummary, top = 12): void {
  const { c } = ui;
  ui.print(`${c.bold("areas")} ${commas(summary.count)}, ${c.bold("total")} ${size(summary.totalSize)} (guard pages included)`);
  ui.print(
    ui.table({
      head: ["kind", "areas", "size"],
      rows: summary.byKind.map((g) => [g.name, commas(g.count), size(g.size)]),
      align: ["l", "r", "r"],
    }),
  );
  const callers = summary.byCaller.slice(0, top);
  if (callers.length > 0) {
    const more = summary.byCaller.length - callers.length;
    ui.print(
      ui.table({
        head: [`caller${more > 0 ? ` (top ${top} of ${summary.byCaller.length})` : ""}`, "areas", "size"],
        rows: callers.map((g) => [g.name, commas(g.count), size(g.size)]),
        align: ["l", "r", "r"],
      }),
    );
  }
}

function run(options: InfoOptions): void {
  const ui = createUi({ json: options.json ?? false });
  const { c } = ui;
  if (options.profile && options.machine && options.profile.id !== options.machine.profile.id) {
    ui.note(c.yellow(`note: --profile ${options.profile.id} overrides machine ${options.machine.id}'s profile ${options.machine.profile.id}`));
  }
  const profile = options.profile ?? options.machine?.profile ?? listProfiles().find((p) => p.id === "x86_64-4level")!;
  const workload = findWorkload(options.workload);
  if (workload === undefined) {
    throw new UsageError(`--workload ${JSON.stringify(options.workload)} is unknown; use one of ${workloadNames().join(", ")}`);
  }
  const kernel = simulate(options.vmallocinfo ? findWorkload("empty")! : workload, {
    profile,
    machine: options.machine,
    cpus: options.cpus,
    allocator: options.allocator,
  });
  let source: string;
  let text: string;
  let entries;
  if (options.vmallocinfo !== undefined) {
    const file = readVmallocInfoFile(options.vmallocinfo);
    const loaded = loadIntoKernel(kernel, file.text);
    source = `file ${options.vmallocinfo}${loaded ? `, loaded into the simulated kernel: ${describeLoad(loaded)}` : ""}`;
    text = loaded ? kernel.vmallocinfo() : file.text;
    entries = loaded ? kernel.vmallocinfoEntries() : file.entries;
  } else {
    source = `simulated: workload ${workload.name}, ${kernel.allocatorKind} allocator, ${kernel.cpus} CPUs`;
    entries = kernel.vmallocinfoEntries();
    text = formatVmallocInfo(entries, profile.bits);
  }
  const summary = summarize(entries);
  const lines = text.split("\n").filter((l) => l !== "");

  if (options.json) {
    const out = {
      profile: profileToJSON(profile),
      profiles: listProfiles().map((p) => p.id),
      machines: listMachines().map((m) => ({ id: m.id, name: m.name, profile: m.profile.id, cpus: m.cpus, numaNodes: m.numaNodes })),
      vmallocinfo: { source, lines, summary },
    };
    ui.print(JSON.stringify(out, null, 2));
    return;
  }

  ui.print(c.bold(c.cyan(`Profile ${profile.id}`)) + c.dim(` — ${profile.name}`));
  ui.print(ui.table({ head: ["field", "value"], rows: profileRows(profile) }));
  ui.print(c.dim(profile.notes));
  ui.print();
  ui.print(c.bold(c.cyan("Built-in profiles")) + c.dim(" (--profile ID, or a JSON file)"));
  ui.print(
    ui.table({
      head: ["id", "arch", "page", "VMALLOC_START", "VMALLOC_END", "size", "THREAD_ALIGN", "IOREMAP order"],
      rows: listProfiles().map((p) => [
        p.id === profile.id ? c.green(`${p.id} *`) : p.id,
        p.arch,
        size(p.pageSize),
        formatAddress(p.vmallocStart, p.bits),
        formatAddress(p.vmallocEnd, p.bits),
        size(vmallocSize(p)),
        size(p.threadAlign),
        String(p.ioremapMaxOrder),
      ]),
      align: ["l", "l", "r", "l", "l", "r", "r", "r"],
    }),
  );
  ui.print();
  ui.print(c.bold(c.cyan("Machines")) + c.dim(" (--machine ID)"));
  ui.print(
    ui.table({
      head: ["id", "name", "profile", "CPUs", "NUMA nodes", "per-cpu atom/unit"],
      rows: listMachines().map((m) => [
        m.id === options.machine?.id ? c.green(`${m.id} *`) : m.id,
        m.name,
        m.profile.id,
        String(m.cpus),
        String(m.numaNodes),
        `${size(m.pcpu.atomSize)} / ${size(m.pcpu.unitSize)}`,
      ]),
      align: ["l", "l", "l", "r", "r", "r"],
    }),
  );
  ui.print();
  ui.print(c.bold(c.cyan("/proc/vmallocinfo")) + c.dim(` (${source})`));
  const limit = options.lines ?? 40;
  for (const line of lines.slice(0, limit)) ui.print(line);
  if (lines.length > limit) ui.print(c.dim(`… ${commas(lines.length - limit)} more lines (--lines N to show more)`));
  ui.print();
  printSummary(ui, summary);
}

export function registerInfo(program: Command): void {
  program
    .command("info")
    .description("show an architecture profile, the machine presets and a vmallocinfo of a simulated or real state")
    .option("-p, --profile <name|file>", profileHelp(), profileArg)
    .option("-m, --machine <id>", machineHelp(), machineArg)
    .option("--cpus <n>", "online CPUs of the simulated kernel (lazy_max_pages, vmap blocks)", intArg("--cpus", 1, 8192))
    .addOption(new Option("--allocator <kind>", "KVA allocator of the simulated kernel").choices(["augmented", "legacy"]).default("augmented"))
    .addOption(new Option("-w, --workload <name>", `simulated state: ${WORKLOADS.map((w) => w.name).join(", ")}`).default("boot"))
    .option("--vmallocinfo <file>", "show a real /proc/vmallocinfo copy instead of a simulated state")
    .option("--lines <n>", "vmallocinfo lines to print (default 40)", intArg("--lines", 0))
    .option("--json", "print one JSON object instead of tables")
    .addHelpText(
      "after",
      `
Workloads:
${WORKLOADS.map((w) => `  ${w.name.padEnd(15)} ${w.description}`).join("\n")}

Examples:
  $ kva info                                  x86-64 4-level, the boot workload
  $ kva info --profile arm64-4k-48 --workload fragmented
  $ kva info --profile ./my-board.json        a custom profile (see @kva/arch parseProfile)
  $ sudo cat /proc/vmallocinfo > vi.txt && kva info --vmallocinfo vi.txt
  $ kva info --json | jq .vmallocinfo.summary`,
    )
    .action((options: InfoOptions) => run(options));
}
