/**
 * `kva map`: a picture of an address space — busy, free and lazily freed areas — with its fragmentation,
 * in the terminal and as an SVG file. The state comes from a simulated workload, a real
 * `/proc/vmallocinfo` copy, or a trace replayed to its end (or to `--ops N`).
 */
import { writeFileSync } from "node:fs";
import { type ArchProfile, type MachinePreset, getProfile, parseAddress } from "@kva/arch";
import {
  BenchError,
  type MapLayout,
  type ParsedTrace,
  fragmentation,
  layoutFromAllocator,
  layoutFromKernel,
  layoutFromVmallocinfo,
  parseTrace,
  renderMapSvg,
  renderMapTerminal,
} from "@kva/bench";
import type { AllocatorKind } from "@kva/kernel";
import { LazyPurge } from "@kva/lazy-purge";
import { type KvaAllocator, type SearchPolicy, VmapSpace } from "@kva/vmap";
import { LegacyVmapSpace } from "@kva/vmap-legacy";
import { type Command, InvalidArgumentError, Option } from "commander";
import { UsageError, messageOf, readInputFile } from "../errors.js";
import { commas } from "../format.js";
import { intArg, machineArg, machineHelp, profileArg, profileHelp } from "../options.js";
import { createUi } from "../ui.js";
import { describeLoad, loadIntoKernel, readVmallocInfoFile } from "../vmallocinfo.js";
import { WORKLOADS, findWorkload, simulate, workloadNames } from "../workloads.js";

type Window = "auto" | "full" | { start: bigint; end: bigint };

interface MapCliOptions {
  profile?: ArchProfile;
  machine?: MachinePreset;
  cpus?: number;
  allocator: AllocatorKind;
  search?: SearchPolicy;
  workload?: string;
  vmallocinfo?: string;
  trace?: string;
  ops?: number;
  window: Window;
  svg?: string;
  width?: number;
  rows: number;
  json?: boolean;
}

/** `auto`, `full`, or `START-END` (hex or decimal; bytes, or trace units with --trace). */
export function windowArg(value: string): Window {
  if (value === "auto" || value === "full") return value;
  const parts = value.split("-");
  if (parts.length === 2) {
    try {
      const start = parseAddress(parts[0]!, "window start");
      const end = parseAddress(parts[1]!, "window end");
      if (start < end) return { start, end };
    } catch {
      // fall through to the message below
    }
  }
  throw new InvalidArgumentError(`use auto, full, or START-END with START < END, e.g. 0xffffc90000000000-0xffffc90001000000.`);
}

/** Replays a trace's operations (without verifying answers) and returns the allocator's final state. */
function replayState(trace: ParsedTrace, allocator: AllocatorKind, search: SearchPolicy | undefined, ops: number): { target: KvaAllocator; skipped: number; done: number } {
  const h = trace.header;
  const pageBytes = h.page_size ?? 4096;
  const pageSize = h.units === "bytes" ? pageBytes : 1;
  const alignShift = h.units === "pages" ? (h.align_shift ?? 0) : 0;
  const base = { start: h.start, end: h.end, pageSize, alignShift };
  const kernelMajorMinor = typeof h.kernel === "string" ? /^(\d+)\.(\d+)/.exec(h.kernel) : null;
  const v = kernelMajorMinor ? Number(kernelMajorMinor[1]) * 100 + Number(kernelMajorMinor[2]) : undefined;
  const policy: SearchPolicy = search ?? (v === undefined || v < 516 ? "padded" : v < 518 ? "exact" : "adaptive");
  const space: KvaAllocator = allocator === "legacy" ? new LegacyVmapSpace(base) : new VmapSpace({ ...base, search: policy });
  const target: KvaAllocator =
    h.free_mode === "lazy"
      ? new LazyPurge(space, { cpus: h.ncpus ?? 1, pageBytes, pageSize, ...(h.lazy_max_pages === undefined ? {} : { lazyMaxPages: h.lazy_max_pages }) })
      : space;
  // Kernel address → ours, when our answer differs, so later frees free the right area.
  const renamed = new Map<number, number>();
  let skipped = 0;
  const n = Math.min(ops, trace.ops.length);
  for (let i = 0; i < n; i++) {
    const op = trace.ops[i]!;
    if (op.op === "alloc") {
      const got = target.alloc(op.size, op.align, op.vstart, op.vend);
      if (op.ret !== undefined && op.ret !== null && got !== undefined && got !== op.ret) renamed.set(op.ret, got);
    } else {
      const addr = renamed.get(op.addr) ?? op.addr;
      renamed.delete(op.addr);
      try {
        target.free(addr);
      } catch {
        skipped++;
      }
    }
  }
  return { target, skipped, done: n };
}

/**
 * `auto` for a kernel: the span of the areas inside the vmalloc range plus an eighth above (areas in the
 * modules range would otherwise stretch the window over the whole 32 TiB).
 */
function kernelWindow(window: Window, kernel: { profile: ArchProfile; vmallocinfoEntries(): { start: bigint; end: bigint }[] }): Window {
  if (window !== "auto") return window;
  const { vmallocStart, vmallocEnd, pageSize } = kernel.profile;
  const inside = kernel.vmallocinfoEntries().filter((e) => e.start >= vmallocStart && e.end <= vmallocEnd);
  if (inside.length === 0) return "full";
  let lo = inside[0]!.start;
  let hi = inside[0]!.end;
  for (const e of inside) {
    if (e.start < lo) lo = e.start;
    if (e.end > hi) hi = e.end;
  }
  const page = BigInt(pageSize);
  const pad = ((hi - lo) / 8n / page + 1n) * page;
  return { start: lo, end: hi + pad > vmallocEnd ? vmallocEnd : hi + pad };
}

/**
 * Shrinks a `columns × rows` grid so that no cell is smaller than one unit: kernel page numbers lie near
 * 2^52, where a fraction of a page is below the precision of a number and sub-page cells would be drawn
 * wrong.
 */
export function fitGrid(units: number, columns: number, rows: number): { columns: number; rows: number } {
  if (units >= columns * rows) return { columns, rows };
  if (units >= columns) return { columns, rows: Math.max(1, Math.floor(units / columns)) };
  return { columns: Math.max(1, units), rows: 1 };
}

function toUnits(window: Window): "auto" | "full" | { start: number; end: number } {
  if (typeof window === "string") return window;
  return { start: Number(window.start), end: Number(window.end) };
}

function run(options: MapCliOptions): void {
  const ui = createUi({ json: options.json ?? false });
  const { c } = ui;
  const sources = [options.workload !== undefined, options.vmallocinfo !== undefined, options.trace !== undefined].filter(Boolean).length;
  if (sources > 1) throw new UsageError("--workload, --vmallocinfo and --trace each give the state to draw; pass only one of them");
  if (options.ops !== undefined && options.trace === undefined) throw new UsageError("--ops applies to --trace only");
  const profile = options.profile ?? options.machine?.profile ?? getProfile("x86_64-4level");
  let layout: MapLayout;
  let source: string;
  try {
    if (options.trace !== undefined) {
      let trace: ParsedTrace;
      try {
        trace = parseTrace(readInputFile(options.trace, "--trace file"));
      } catch (err) {
        if (err instanceof BenchError) throw new UsageError(`--trace file ${JSON.stringify(options.trace)} is not a valid kva-trace/1 file: ${err.message}`);
        throw err;
      }
      const state = replayState(trace, options.allocator, options.search, options.ops ?? Number.POSITIVE_INFINITY);
      const h = trace.header;
      const unitBytes = h.units === "bytes" ? 1 : (h.page_size ?? 4096);
      layout = layoutFromAllocator(state.target, { window: options.window === "auto" ? "auto" : toUnits(options.window), unitBytes, bits: 64 });
      source = `trace ${options.trace} after ${commas(state.done)} of ${commas(trace.ops.length)} ops on ${options.allocator}${state.skipped ? ` (${state.skipped} frees skipped)` : ""}`;
    } else if (options.vmallocinfo !== undefined) {
      const file = readVmallocInfoFile(options.vmallocinfo);
      const kernel = simulate(findWorkload("empty")!, { profile, machine: options.machine, cpus: options.cpus, allocator: options.allocator });
      const loaded = loadIntoKernel(kernel, file.text);
      if (loaded !== undefined) {
        layout = layoutFromKernel(kernel, { window: kernelWindow(options.window, kernel) });
      } else {
        layout = layoutFromVmallocinfo(file.text, { pageSize: profile.pageSize, bits: profile.bits, window: options.window });
      }
      source = `vmallocinfo ${options.vmallocinfo} (${commas(file.entries.length)} areas${loaded ? `; ${describeLoad(loaded)}` : ""})`;
    } else {
      const name = options.workload ?? "fragmented";
      const workload = findWorkload(name);
      if (workload === undefined) throw new UsageError(`--workload ${JSON.stringify(name)} is unknown; use one of ${workloadNames().join(", ")}`);
      const kernel = simulate(workload, { profile, machine: options.machine, cpus: options.cpus, allocator: options.allocator });
      layout = layoutFromKernel(kernel, { window: kernelWindow(options.window, kernel) });
      source = `workload ${name} on ${profile.id}, ${kernel.allocatorKind} allocator, ${kernel.cpus} CPUs`;
    }
  } catch (err) {
    if (err instanceof BenchError) throw new UsageError(err.message);
    throw err;
  }

  const termWidth = process.stdout.isTTY && process.stdout.columns ? Math.max(16, Math.min(128, process.stdout.columns - 21)) : 64;
  const units = layout.end - layout.start;
  const term = fitGrid(units, options.width ?? termWidth, options.rows);
  const f = fragmentation(layout);
  if (options.svg !== undefined) {
    const svg = renderMapSvg(layout, { title: `kva map: ${source}`, cell: 12, ...fitGrid(units, 80, 16) });
    try {
      writeFileSync(options.svg, svg);
    } catch (err) {
      throw new UsageError(`cannot write --svg file ${JSON.stringify(options.svg)} (${messageOf(err)}); pass a writable path`);
    }
  }
  if (options.json) {
    const bytes = (units: number): number => units * layout.unitBytes;
    ui.print(
      JSON.stringify(
        {
          source,
          window: { start: layout.start, end: layout.end, unitBytes: layout.unitBytes },
          ranges: layout.ranges.length,
          fragmentation: f,
          bytes: { busy: bytes(f.busySize), lazy: bytes(f.lazySize), free: bytes(f.freeSize), largestFree: bytes(f.largestFree) },
          svg: options.svg ?? null,
        },
        null,
        2,
      ),
    );
    return;
  }
  ui.print(c.bold(c.cyan(`kva map`)) + c.dim(` — ${source}`));
  ui.print(renderMapTerminal(layout, { width: term.columns, rows: term.rows, color: ui.color }).trimEnd());
  if (options.svg !== undefined) ui.print(c.dim(`wrote ${options.svg}`));
}

export function registerMap(program: Command): void {
  program
    .command("map")
    .description("draw the address space: busy, free and lazily freed areas and fragmentation (terminal and SVG)")
    .option("-p, --profile <name|file>", profileHelp(), profileArg)
    .option("-m, --machine <id>", machineHelp(), machineArg)
    .option("--cpus <n>", "online CPUs of the simulated kernel", intArg("--cpus", 1, 8192))
    .addOption(new Option("-a, --allocator <kind>", "allocator of the simulated kernel or the trace replay").choices(["augmented", "legacy"]).default("augmented"))
    .addOption(new Option("-s, --search <policy>", "augmented search policy for --trace (default: from the header's kernel)").choices(["padded", "exact", "adaptive"]))
    .addOption(new Option("-w, --workload <name>", `simulated state (default fragmented): ${WORKLOADS.map((w) => w.name).join(", ")}`))
    .option("--vmallocinfo <file>", "draw a real /proc/vmallocinfo copy")
    .option("--trace <file>", "draw the state after replaying a kva-trace/1 file (.jsonl or .jsonl.gz)")
    .option("--ops <n>", "with --trace: replay only the first N operations", intArg("--ops", 0))
    .option("--window <range>", "auto (the used span), full (the whole range) or START-END (bytes; trace units with --trace)", windowArg, "auto")
    .option("--svg <file>", "also write the map as an SVG file")
    .option("--width <n>", "terminal cells per row (default: fits the terminal, 64 when piped)", intArg("--width", 1, 1024))
    .option("--rows <n>", "terminal rows", intArg("--rows", 1, 256), 8)
    .option("--json", "print the fragmentation figures as JSON instead of the picture")
    .addHelpText(
      "after",
      `
Cells: █ busy, ▓ mostly busy, ▒ lazily freed (waiting for a purge), ░ mostly free, · free.
External fragmentation = 1 − largest free block / total free space, inside the window.

Examples:
  $ kva map                                          the fragmented workload, terminal view
  $ kva map --workload boot --svg boot.svg
  $ kva map --trace dev-random-mix.v5.2.jsonl.gz --ops 5000 --width 100
  $ kva map --vmallocinfo vmallocinfo.txt --window full
  $ kva map --json | jq .fragmentation.external`,
    )
    .action((options: MapCliOptions) => run(options));
}
