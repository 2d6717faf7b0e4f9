import { type Environment, type ResultHeader, collectEnvironment, resultHeader } from "./environment.js";
import { alignColumns, formatDuration, formatRatio, formatUs, groupDigits, markdownTable } from "./format.js";
import type { TestVmallocComparison, TestVmallocRun, RunTotals, StackName, TestResult, WorkerResult } from "./harness.js";
import type { TestCounters } from "./kernel-like.js";
import { type ParamSource, defaultParams, formatParam } from "./params.js";
import { SEED_TEST_RATIOS, type SeedFigure, seedFigureFor } from "./seed-figures.js";
import { type TestName, enabledTests } from "./tests.js";

/**
 * Reporters: pure functions from results to strings (the CLI prints them).
 * - {@link formatKernelLog}: the module's own `pr_info` lines, exactly (KERNEL.md §7.3);
 * - {@link formatComparisonTable}: default vs patched side by side, with the ratio and the seed's figures;
 * - {@link toTestVmallocJson} / {@link formatTestVmallocJson}: the `kva-test-vmalloc/1` document.
 */

/** The kernel's integer `avg`: `ktime_us_delta` truncates the total to µs, `do_div` by the repeat count. */
export function kernelAvgUs(t: TestResult): number {
  return Math.floor(Math.floor(t.elapsedNs / 1000) / t.repeat);
}

/**
 * The module's report, one worker after another, tests in index order:
 *
 *     Summary: fix_size_alloc_test passed: 3 failed: 0 repeat: 3 loops: 1000000 avg: 470582 usec      (5.2)
 *     All test took CPU0=646919905370 cycles
 *     Summary: fix_size_alloc_test passed: 3 failed: 0 xfailed: 0 repeat: 3 loops: 1000000 avg: 470582 usec  (6.18)
 *     All test took worker0=646919905370 cycles
 *
 * Cycles are estimated from measured time (see `run.clock`). Tests that cannot run here
 * (pcpu_alloc_test) print no line. Ends with a newline.
 * @see lib/test_vmalloc.c: do_concurrent_test
 */
export function formatKernelLog(run: TestVmallocRun): string {
  const lines: string[] = [];
  const v618 = run.era === "6.18";
  for (const w of run.workers) {
    for (const t of w.tests) {
      const x = v618 ? ` xfailed: ${t.xfailed}` : "";
      lines.push(`Summary: ${t.name} passed: ${t.passed} failed: ${t.failed}${x} repeat: ${t.repeat} loops: ${t.loops} avg: ${kernelAvgUs(t)} usec`);
    }
    lines.push(`All test took ${v618 ? `worker${w.index}` : `CPU${w.cpu}`}=${w.cycles} cycles`);
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

const TIMER_TEXT: Record<TestVmallocRun["timer"], string> = {
  cpu: "times are CPU time of this process",
  wall: "times are wall-clock time",
  custom: "times from a custom clock",
};

const SOURCE_TEXT: Record<ParamSource, string> = { default: "module default", mode: "mode", preset: "preset", user: "given" };

/** `name=value (source)` for each of the era's parameters; a preset names the kernel default it replaced. */
export function formatParamLine(run: TestVmallocRun): string {
  const defaults = defaultParams(run.era);
  return run.paramNames
    .map((name) => {
      const source = run.paramSources[name];
      let note = source === "mode" && run.mode !== undefined ? `mode ${run.mode}` : SOURCE_TEXT[source];
      if (source === "preset") note = `preset ${run.preset}; kernel default ${formatParam(defaults, name).split("=")[1]}`;
      return `${formatParam(run.params, name)} (${note})`;
    })
    .join(" ");
}

function meanAvgUs(run: TestVmallocRun, name: TestName): number | undefined {
  let sum = 0;
  let n = 0;
  for (const w of run.workers) {
    for (const t of w.tests) {
      if (t.name === name) {
        sum += t.avgUs;
        n++;
      }
    }
  }
  return n === 0 ? undefined : sum / n;
}

function outcome(run: TestVmallocRun, name: TestName): string {
  let passed = 0;
  let failed = 0;
  let xfailed = 0;
  let xfail = false;
  for (const w of run.workers) {
    for (const t of w.tests) {
      if (t.name !== name) continue;
      passed += t.passed;
      failed += t.failed;
      xfailed += t.xfailed;
      xfail = t.expectedToFail;
    }
  }
  if (xfail) return failed + xfailed > 0 ? " (xfail)" : " (passed, expected to fail)";
  return failed > 0 ? ` FAILED ${failed}/${passed + failed}` : "";
}

function cyclesCell(run: TestVmallocRun): string {
  return run.workers.length === 1 ? `${run.workers[0]!.label}=${groupDigits(run.workers[0]!.cycles)}` : groupDigits(run.totals.cycles);
}

export interface TableOptions {
  /** Markdown table instead of aligned text. Default false. */
  readonly markdown?: boolean;
  /** Print the seed's figures beside ours. Default true. */
  readonly seed?: boolean;
}

/**
 * The side-by-side table: per test the average µs per repeat on each stack (the mean over workers when
 * there are several), the ratio default / patched, and the seed's ratio where one is published; then the
 * totals (measured time and estimated cycles) with the seed's totals beside them. The header states the
 * era, mode, preset, seed, machine and every parameter with where its value came from.
 */
export function formatComparisonTable(cmp: TestVmallocComparison, options: TableOptions = {}): string {
  const def = cmp.default;
  const pat = cmp.patched;
  const showSeed = options.seed ?? true;
  const figure = showSeed ? seedFigureFor(def.mode, def.machine) : undefined;
  const lines: string[] = [];
  const w = def.workers.length;
  lines.push(`test_vmalloc (era ${def.era}${def.mode ? `, ${def.mode} mode` : ""}${def.preset !== "kernel" ? `, preset ${def.preset}` : ""}), seed ${def.seed}`);
  lines.push(`machine: ${def.machine ?? "none"} (${def.cpus} CPUs); ${w} worker${w === 1 ? "" : "s"}; ${TIMER_TEXT[def.timer]}; cycles estimated: ${def.clock.source}`);
  lines.push(`parameters: ${formatParamLine(def)}`);
  lines.push(`default: ${def.stackDescription}`);
  lines.push(`patched: ${pat.stackDescription}`);
  lines.push("");
  const avgHead = w === 1 ? "avg µs" : `avg µs (mean of ${w} workers)`;
  const header = ["test", `default ${avgHead}`, `patched ${avgHead}`, "ratio", ...(showSeed ? ["seed ratio"] : [])];
  const body: string[][] = [];
  for (const t of enabledTests(def.era, def.params.run_test_mask)) {
    if (!t.available) {
      body.push([t.name, "not available", "not available", "—", ...(showSeed ? [""] : [])]);
      continue;
    }
    const a = meanAvgUs(def, t.name);
    const b = meanAvgUs(pat, t.name);
    const seedRatio = SEED_TEST_RATIOS[t.name];
    body.push([
      t.name,
      a === undefined ? "—" : `${formatUs(a)}${outcome(def, t.name)}`,
      b === undefined ? "—" : `${formatUs(b)}${outcome(pat, t.name)}`,
      formatRatio(cmp.testRatios[t.name]),
      ...(showSeed ? [seedRatio ? `${formatRatio(seedRatio.ratio)} (${seedRatio.text})` : ""] : []),
    ]);
  }
  body.push(["total time (sum of workers)", formatDuration(def.totals.ns), formatDuration(pat.totals.ns), formatRatio(cmp.ratio), ...(showSeed ? [figure?.unit === "seconds" ? seedCell(figure) : ""] : [])]);
  body.push([
    "All test took (est. cycles)",
    cyclesCell(def),
    cyclesCell(pat),
    formatRatio(def.totals.cycles / pat.totals.cycles),
    ...(showSeed ? [figure?.unit === "cycles" ? seedCell(figure) : ""] : []),
  ]);
  const align: ("l" | "r")[] = ["l", "r", "r", "r", "l"];
  if (options.markdown) lines.push(...markdownTable(header, body, align.slice(0, header.length)));
  else {
    const rows = alignColumns([header, ...body], align.slice(0, header.length));
    lines.push(rows[0]!, "-".repeat(Math.max(...rows.map((r) => [...r].length))), ...rows.slice(1));
  }
  for (const u of def.unavailable) lines.push(`${u.name}: ${u.reason}`);
  if (figure !== undefined) {
    const note = figure.machine === def.machine ? "" : ` (the seed's figure for ${figure.machine}; this run models ${def.machine ?? "no machine preset"})`;
    lines.push(`seed: ${figure.text}${note}`);
  }
  lines.push("ratio = default / patched (> 1: the patched allocator is faster). We time a model in JavaScript: compare ratios, not absolute times.");
  return `${lines.join("\n")}\n`;
}

function seedCell(f: SeedFigure): string {
  const v = (n: number): string => (f.unit === "cycles" ? groupDigits(n) : formatDuration(n * 1e9));
  return `${formatRatio(f.ratio)} (${f.machine}: ${v(f.default)} vs ${v(f.patched)})`;
}

/** A single run as a table of its own (one stack; e.g. `kva test-vmalloc --stack patched`). */
export function formatRunTable(run: TestVmallocRun, options: { readonly markdown?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(`test_vmalloc (era ${run.era}${run.mode ? `, ${run.mode} mode` : ""}${run.preset !== "kernel" ? `, preset ${run.preset}` : ""}) on ${run.stack}: ${run.stackDescription}; seed ${run.seed}`);
  lines.push(`parameters: ${formatParamLine(run)}`);
  lines.push("");
  const header = ["worker", "test", "passed", "failed", "xfailed", "avg µs", "vmallocs", "FL/LE/RE/NE", "purges", "list steps"];
  const body: string[][] = [];
  for (const w of run.workers) {
    for (const t of w.tests) {
      const c = t.counters;
      body.push([
        w.label, t.name, String(t.passed), String(t.failed), String(t.xfailed), formatUs(t.avgUs), groupDigits(c.vmallocs),
        `${c.fits.FL}/${c.fits.LE}/${c.fits.RE}/${c.fits.NE}`, String(c.purges), c.listSteps === null ? "—" : groupDigits(c.listSteps),
      ]);
    }
  }
  const align: ("l" | "r")[] = ["l", "l", "r", "r", "r", "r", "r", "r", "r", "r"];
  if (options.markdown) lines.push(...markdownTable(header, body, align));
  else {
    const rows = alignColumns([header, ...body], align);
    lines.push(rows[0]!, "-".repeat(Math.max(...rows.map((r) => [...r].length))), ...rows.slice(1));
  }
  lines.push(`total: ${formatDuration(run.totals.ns)} measured (${TIMER_TEXT[run.timer]}), ${groupDigits(run.totals.cycles)} estimated cycles (${run.clock.source})`);
  for (const u of run.unavailable) lines.push(`${u.name}: ${u.reason}`);
  return `${lines.join("\n")}\n`;
}

// ------------------------------------------------------------------ JSON

/** The schema id of {@link TestVmallocJson}. */
export const TEST_VMALLOC_SCHEMA = "kva-test-vmalloc/1";

/** One test of one worker in the JSON document. */
export interface TestJson {
  readonly name: TestName;
  readonly index: number;
  readonly bit: number;
  readonly passed: number;
  readonly failed: number;
  readonly xfailed: number;
  readonly expectedToFail: boolean;
  readonly repeat: number;
  readonly loops: number;
  readonly avgUs: number;
  readonly elapsedNs: number;
  readonly steps: number;
  readonly counters: TestCounters;
}

export interface WorkerJson {
  readonly index: number;
  readonly cpu: number;
  readonly label: string;
  readonly order: readonly TestName[];
  readonly ns: number;
  readonly cycles: number;
  readonly tests: readonly TestJson[];
}

export interface StackJson {
  readonly allocator: string;
  readonly description: string;
  readonly workers: readonly WorkerJson[];
  readonly totals: RunTotals;
  readonly counters: TestCounters;
  readonly slices: number;
  readonly steps: number;
}

/**
 * `kva-test-vmalloc/1`. Stable: fields are only ever added. Times are measured nanoseconds/microseconds of
 * the JavaScript model; `cycles` are estimated (`machine.clockHz`).
 */
export interface TestVmallocJson extends ResultHeader {
  readonly schema: typeof TEST_VMALLOC_SCHEMA;
  readonly era: string;
  readonly mode: string | null;
  readonly preset: string;
  readonly seed: number;
  readonly machine: { readonly id: string | null; readonly cpus: number; readonly clockHz: number; readonly clockSource: string };
  /** What times were measured with: the process's CPU time, the wall clock, or a custom clock. */
  readonly timer: "cpu" | "wall" | "custom";
  /** The era's parameters, kernel names, bools as booleans. */
  readonly params: Readonly<Record<string, number | boolean>>;
  readonly paramSources: Readonly<Record<string, ParamSource>>;
  readonly rcuGracePeriod: number;
  /** `default` and `patched` for a comparison; the run's own stack name otherwise. */
  readonly stacks: Readonly<Partial<Record<StackName | "custom", StackJson>>>;
  /** default / patched (null unless both stacks ran). */
  readonly ratio: { readonly total: number | null; readonly cycles: number | null; readonly tests: Readonly<Partial<Record<TestName, number>>> };
  /** The seed's published figure for this mode and machine, and its per-test ratios. */
  readonly published: { readonly figure: SeedFigure | null; readonly tests: Readonly<Record<string, { readonly ratio: number; readonly text: string }>> };
  readonly unavailable: readonly { readonly name: string; readonly reason: string }[];
}

export interface JsonMeta {
  readonly command?: string;
  /** Default: measured now. */
  readonly environment?: Environment;
}

function stackJson(run: TestVmallocRun): StackJson {
  return {
    allocator: run.allocator,
    description: run.stackDescription,
    workers: run.workers.map((w: WorkerResult) => ({
      index: w.index,
      cpu: w.cpu,
      label: w.label,
      order: w.order,
      ns: w.ns,
      cycles: w.cycles,
      tests: w.tests.map((t) => ({
        name: t.name, index: t.index, bit: t.bit, passed: t.passed, failed: t.failed, xfailed: t.xfailed, expectedToFail: t.expectedToFail,
        repeat: t.repeat, loops: t.loops, avgUs: t.avgUs, elapsedNs: t.elapsedNs, steps: t.steps, counters: t.counters,
      })),
    })),
    totals: run.totals,
    counters: run.counters,
    slices: run.slices,
    steps: run.steps,
  };
}

function isComparison(x: TestVmallocComparison | TestVmallocRun): x is TestVmallocComparison {
  return "patched" in x && "default" in x && typeof (x).ratio === "number";
}

/** The `kva-test-vmalloc/1` document of a comparison or a single run. */
export function toTestVmallocJson(result: TestVmallocComparison | TestVmallocRun, meta: JsonMeta = {}): TestVmallocJson {
  const env = meta.environment ?? collectEnvironment();
  const cmp = isComparison(result) ? result : undefined;
  const run = cmp ? cmp.default : (result as TestVmallocRun);
  const stacks: Partial<Record<StackName | "custom", StackJson>> = cmp ? { default: stackJson(cmp.default), patched: stackJson(cmp.patched) } : { [run.stack]: stackJson(run) };
  const figure = seedFigureFor(run.mode, run.machine);
  return {
    schema: TEST_VMALLOC_SCHEMA,
    ...resultHeader(env, meta.command),
    era: run.era,
    mode: run.mode ?? null,
    preset: run.preset,
    seed: run.seed,
    machine: { id: run.machine ?? null, cpus: run.cpus, clockHz: run.clock.hz, clockSource: run.clock.source },
    timer: run.timer,
    params: Object.fromEntries(run.paramNames.map((n) => [n, run.params[n]])),
    paramSources: Object.fromEntries(run.paramNames.map((n) => [n, run.paramSources[n]])),
    rcuGracePeriod: run.rcuGracePeriod,
    stacks,
    ratio: cmp
      ? { total: cmp.ratio, cycles: cmp.patched.totals.cycles > 0 ? cmp.default.totals.cycles / cmp.patched.totals.cycles : null, tests: cmp.testRatios }
      : { total: null, cycles: null, tests: {} },
    published: { figure: figure ?? null, tests: SEED_TEST_RATIOS },
    unavailable: run.unavailable,
  };
}

/** {@link toTestVmallocJson} as indented JSON text ending in a newline. */
export function formatTestVmallocJson(result: TestVmallocComparison | TestVmallocRun, meta: JsonMeta = {}): string {
  return `${JSON.stringify(toTestVmallocJson(result, meta), null, 2)}\n`;
}
