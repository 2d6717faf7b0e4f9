/**
 * `kva test-vmalloc [mode] [key=value ...]`: the kernel's `test_vmalloc.sh` on the simulated kernel, on the
 * default (pre-5.2) and patched (5.2) stacks, with the kernel's log lines and a side-by-side table beside
 * the seed's published figures. The default is performance mode with the `quick` preset, which finishes in
 * about a minute on two cores.
 */
import { writeFileSync } from "node:fs";
import type { ArchProfile, MachinePreset } from "@kva/arch";
import { getMachine } from "@kva/arch";
import {
  BenchError,
  DEFAULT_MACHINE,
  MODES,
  MODE_NAMES,
  type Era,
  type Mode,
  PARAM_DEFS,
  type Preset,
  QUICK_LOOP_COUNT,
  type ProgressEvent,
  type TestVmallocComparison,
  type TestVmallocRun,
  enabledTests,
  formatComparisonTable,
  formatKernelLog,
  formatParam,
  formatRunTable,
  formatTestVmallocJson,
  resolveParams,
  runBothStacks,
  runTestVmalloc,
} from "@kva/bench";
import { type Command, Option } from "commander";
import { EXIT_FAILED, UsageError, messageOf } from "../errors.js";
import { duration } from "../format.js";
import { intArg, machineArg, machineHelp, profileArg, profileHelp } from "../options.js";
import { type Ui, createUi } from "../ui.js";

type AllocatorChoice = "augmented" | "legacy" | "both";

interface TestVmallocCliOptions {
  profile?: ArchProfile;
  machine?: MachinePreset;
  cpus?: number;
  allocator: AllocatorChoice;
  era: Era;
  preset: Preset;
  seed: number;
  json?: string;
  log: boolean;
  markdown?: boolean;
}

/** The pseudo-mode for `test_vmalloc.sh key=value ...`: module defaults plus the given values only. */
const NO_MODE = "module";

/** Splits `[mode] [key=value ...]`; the mode defaults to performance. */
export function splitArgs(args: readonly string[]): { mode: Mode | undefined; params: string[] } {
  let mode: Mode | undefined = "performance";
  let rest = [...args];
  const first = rest[0];
  if (first !== undefined && !first.includes("=")) {
    if (first === NO_MODE) mode = undefined;
    else if ((MODE_NAMES as readonly string[]).includes(first)) mode = first as Mode;
    else {
      throw new UsageError(`${JSON.stringify(first)} is not a mode or a key=value parameter; use one of ${MODE_NAMES.join(", ")}, ${NO_MODE}, or key=value such as test_loop_count=1000`);
    }
    rest = rest.slice(1);
  }
  for (const arg of rest) {
    if (!arg.includes("=")) {
      throw new UsageError(`${JSON.stringify(arg)} is not key=value; the mode comes first, then parameters such as run_test_mask=7`);
    }
  }
  return { mode, params: rest };
}

function benchUsage(err: unknown): never {
  if (err instanceof BenchError) throw new UsageError(err.message);
  throw err;
}

/** Workers the module starts (KERNEL.md §7.3), for the progress total. */
function workerCount(era: Era, params: { single_cpu_test: boolean; nr_threads: number }, cpus: number): number {
  if (era === "5.2") return params.single_cpu_test ? 1 : cpus;
  return Math.min(Math.max(params.nr_threads, 1), 65535);
}

function header(ui: Ui, o: { era: Era; mode: Mode | undefined; preset: Preset; params: ReturnType<typeof resolveParams>; machine: string; cpus: number; profile: string; stacks: string[]; seed: number }): void {
  const { c } = ui;
  const p = o.params;
  const modeText = o.mode === undefined ? "module defaults (test_vmalloc.sh key=value)" : `${o.mode} mode (v${o.era} script): ${MODES[o.era][o.mode]}`;
  const notes: string[] = [];
  for (const name of p.names) {
    const source = p.sources[name];
    if (source === "preset") notes.push(`${formatParam(p.params, name)} (${o.preset} preset; pass test_loop_count=1000000 for the kernel default)`);
    else if (source === "user") notes.push(`${formatParam(p.params, name)} (given)`);
  }
  ui.print(c.bold(`test_vmalloc, ${modeText}`) + (notes.length ? `, ${notes.join(", ")}` : ""));
  ui.print(c.dim(`machine ${o.machine} (${o.cpus} CPUs), profile ${o.profile}, seed ${o.seed}; running ${o.stacks.join(", then ")}`));
  ui.print();
}

/**
 * Progress in loop iterations: each stack is expected to run workers × tests × repeats × loops of them
 * (setup loops make it a little more; the bar is clamped per stack).
 */
function progressFor(ui: Ui, stacks: number, perStack: number): { onProgress: (e: ProgressEvent) => void; stop: () => void } {
  const bar = ui.progress(stacks * perStack, "starting");
  let base = 0;
  let current: string | undefined;
  let steps = 0;
  return {
    onProgress(e) {
      if (e.stack !== current) {
        if (current !== undefined) base += perStack;
        current = e.stack;
        steps = 0;
      }
      if (e.kind === "tick") steps = e.steps;
      bar.update(base + Math.min(perStack, steps), `${e.stack} ${e.label} ${e.test}`);
    },
    stop: () => bar.stop(),
  };
}

function run(args: string[], options: TestVmallocCliOptions, command: Command): void {
  const toStdout = options.json === "-";
  const ui = createUi({ json: options.json !== undefined });
  const { c } = ui;
  const { mode, params } = splitArgs(args);
  const machineId = options.machine?.id ?? DEFAULT_MACHINE;
  const machine = getMachine(machineId);
  const cpus = options.cpus ?? machine.cpus;
  const profile = options.profile ?? machine.profile;
  let resolved;
  try {
    resolved = resolveParams({ era: options.era, mode, preset: options.preset, params, cpus });
  } catch (err) {
    benchUsage(err);
  }
  const stacks = options.allocator === "both" ? ["default", "patched"] : [options.allocator === "legacy" ? "default" : "patched"];
  const say = toStdout ? (): void => {} : (text = ""): void => ui.print(text);
  if (!toStdout) {
    header(ui, {
      era: options.era,
      mode,
      preset: options.preset,
      params: resolved,
      machine: machineId,
      cpus,
      profile: profile.id,
      stacks,
      seed: options.seed,
    });
  }
  const tests = enabledTests(options.era, resolved.params.run_test_mask).filter((t) => t.available).length;
  const perStack = Math.max(1, tests * workerCount(options.era, resolved.params, cpus) * Math.max(1, resolved.params.test_repeat_count) * resolved.params.test_loop_count);
  const progress = progressFor(ui, stacks.length, perStack);
  const common = {
    machine: machineId,
    kernelOptions: { profile, cpus },
    era: options.era,
    ...(mode === undefined ? {} : { mode }),
    preset: options.preset,
    params,
    seed: options.seed,
    onProgress: progress.onProgress,
  };
  const started = performance.now();
  let result: TestVmallocComparison | TestVmallocRun;
  try {
    result = options.allocator === "both" ? runBothStacks(common) : runTestVmalloc({ ...common, stack: options.allocator === "legacy" ? "default" : "patched" });
  } catch (err) {
    benchUsage(err);
  } finally {
    progress.stop();
  }
  const elapsed = performance.now() - started;
  const runs = "patched" in result && "default" in result ? [result.default, result.patched] : [result];

  if (options.log) {
    for (const r of runs) {
      say(c.bold(c.cyan(`${r.stack}: kernel log`)) + c.dim(` (${r.allocator} allocator)`));
      for (const line of formatKernelLog(r).trimEnd().split("\n")) say(line.startsWith("All test took") ? c.bold(line) : line);
      say();
    }
  }
  const table = runs.length === 2 ? formatComparisonTable(result as TestVmallocComparison, { markdown: options.markdown ?? false }) : formatRunTable(runs[0]!, { markdown: options.markdown ?? false });
  for (const line of table.trimEnd().split("\n")) say(/FAILED/.test(line) ? c.red(line) : line.startsWith("ratio =") || line.startsWith("seed:") ? c.dim(line) : line);
  say();

  const failures = runs.reduce((n, r) => n + r.totals.unexpectedFailures, 0);
  if (failures > 0) say(c.red(c.bold(`${failures} test run${failures === 1 ? "" : "s"} failed`)));
  say(c.dim(`finished in ${duration(elapsed)}`));

  if (options.json !== undefined) {
    const text = formatTestVmallocJson(result, { command: `kva ${command.name()} ${process.argv.slice(3).join(" ")}`.trim() });
    if (toStdout) process.stdout.write(text);
    else {
      try {
        writeFileSync(options.json, text);
      } catch (err) {
        throw new UsageError(`cannot write --json file ${JSON.stringify(options.json)} (${messageOf(err)}); pass a writable path or - for stdout`);
      }
      say(c.dim(`wrote ${options.json}`));
    }
  }
  if (failures > 0) process.exitCode = EXIT_FAILED;
}

export function registerTestVmalloc(program: Command): void {
  const modeLines = MODE_NAMES.map((m) => `  ${m.padEnd(12)} 5.2: ${MODES["5.2"][m]}\n  ${"".padEnd(12)} 6.18: ${MODES["6.18"][m]}`).join("\n");
  program
    .command("test-vmalloc")
    .description("run the kernel's test_vmalloc on the default (pre-5.2) and patched (5.2) allocators, beside the seed's figures")
    .argument("[mode-and-params...]", `[performance|stress|smoke|${NO_MODE}] then key=value module parameters`)
    .addOption(new Option("-a, --allocator <which>", "augmented (the patched 5.2 stack), legacy (the pre-5.2 \"default\" stack) or both side by side").choices(["augmented", "legacy", "both"]).default("both"))
    .option("-p, --profile <name|file>", profileHelp(), profileArg)
    .option("-m, --machine <id>", `${machineHelp()} (default ${DEFAULT_MACHINE})`, machineArg)
    .option("--cpus <n>", "online CPUs (default: the machine's)", intArg("--cpus", 1, 8192))
    .addOption(new Option("--era <era>", "module and script version: parameter names, defaults and modes").choices(["5.2", "6.18"]).default("5.2"))
    .addOption(new Option("--preset <name>", `quick caps test_loop_count at ${QUICK_LOOP_COUNT.toLocaleString("en-US")}; kernel keeps the module's 1,000,000`).choices(["quick", "kernel"]).default("quick"))
    .option("--seed <n>", "seed of every random choice (shuffles, sizes, scheduling)", intArg("--seed", 0), 1)
    .option("--json <file>", "write the kva-test-vmalloc/1 result to a file (- for stdout: then nothing else is printed there)")
    .option("--no-log", "do not print the kernel's Summary: / All test took lines")
    .option("--markdown", "print the table as markdown")
    .addHelpText(
      "after",
      `
Modes (test_vmalloc.sh; default performance):
${modeLines}
  ${NO_MODE.padEnd(12)} no mode: the module's defaults plus your key=value (test_vmalloc.sh key=value)

Parameters (key=value, each an integer > 0 as test_vmalloc.sh requires; bools take 1):
  5.2:  ${PARAM_DEFS["5.2"].map((d) => d.name).join(", ")}
  6.18: ${PARAM_DEFS["6.18"].map((d) => d.name).join(", ")}

The default (performance mode, quick preset, both stacks, machine ${DEFAULT_MACHINE}) finishes in about a
minute on two cores. Times are measured on this machine in JavaScript; compare the ratios with the seed's.
Exit codes: 0 all tests passed (align_shift_alloc_test is expected to fail), 1 a test failed, 2 bad arguments.

Examples:
  $ kva test-vmalloc                                       performance mode, both stacks
  $ kva test-vmalloc smoke test_loop_count=20 run_test_mask=1
  $ kva test-vmalloc performance test_loop_count=1000000   the kernel's full loop count (slow)
  $ kva test-vmalloc stress run_test_mask=4 --machine ci-2core --allocator augmented
  $ kva test-vmalloc --era 6.18 smoke nr_pages=4 --json result.json
  $ kva test-vmalloc smoke --json - | jq .ratio`,
    )
    .action((args: string[], options: TestVmallocCliOptions, command: Command) => run(args, options, command));
}
