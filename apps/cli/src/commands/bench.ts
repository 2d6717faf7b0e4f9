/**
 * `kva bench`: the scaling sweep (ns per alloc+free pair against the number of live areas) for the
 * free-tree allocator, the pre-5.2 busy list and an npm peer, as a table, a JSON file and an SVG chart.
 */
import { writeFileSync } from "node:fs";
import {
  ALIGN_MODES,
  type AlignMode,
  BenchError,
  SWEEP_IMPLS,
  SWEEP_IMPL_INFO,
  type SweepImplId,
  type SweepResult,
  renderSweepSvg,
  runSweep,
} from "@kva/bench";
import { type Command, InvalidArgumentError } from "commander";
import { UsageError, messageOf } from "../errors.js";
import { commas, duration, ratio } from "../format.js";
import { intArg } from "../options.js";
import { type Ui, createUi } from "../ui.js";

interface BenchCliOptions {
  maxN?: number;
  n?: number[];
  impl?: SweepImplId[];
  align?: AlignMode[];
  pairs?: number;
  budgetMs?: number;
  seed?: number;
  json?: string;
  svg?: string;
}

function parseCount(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(?:e(\d+))?$/i.exec(text.trim());
  const n = m ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${JSON.stringify(text)} is not a count ≥ 1; write e.g. 1000 or 1e5.`);
  return n;
}

function listArg<T extends string>(what: string, allowed: readonly T[]): (value: string) => T[] {
  return (value) => {
    const items = value.split(",").map((s) => s.trim());
    for (const item of items) {
      if (!(allowed as readonly string[]).includes(item)) throw new InvalidArgumentError(`${what} ${JSON.stringify(item)} is unknown; use a comma-separated list of ${allowed.join(", ")}.`);
    }
    return items as T[];
  };
}

function countsArg(value: string): number[] {
  return value.split(",").map(parseCount);
}

function nsCell(ns: number | undefined): string {
  if (ns === undefined) return "–";
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e4 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`;
}

function printTable(ui: Ui, r: SweepResult): void {
  const { c } = ui;
  const impls = r.implementations.map((i) => i.id);
  const modes = [...new Set(r.points.map((p) => p.alignMode))];
  const rows: string[][] = [];
  for (const mode of modes) {
    for (const n of r.ns) {
      const cell = (id: SweepImplId): string => {
        const p = r.points.find((q) => q.impl === id && q.alignMode === mode && q.n === n);
        if (p === undefined) return "";
        if (p.status === "ok") return nsCell(p.nsPerPair);
        return c.dim(p.status === "skipped" ? (p.reason?.startsWith("no per-request") ? "n/a" : "skipped") : "failed");
      };
      const v = r.points.find((q) => q.impl === "vmap" && q.alignMode === mode && q.n === n && q.status === "ok");
      const l = r.points.find((q) => q.impl === "vmap-legacy" && q.alignMode === mode && q.n === n && q.status === "ok");
      const speedup = v?.nsPerPair && l?.nsPerPair ? ratio(l.nsPerPair / v.nsPerPair) : "";
      rows.push([mode === "align1" ? "1" : "2^k", commas(n), ...impls.map(cell), ...(impls.includes("vmap") && impls.includes("vmap-legacy") ? [speedup] : [])]);
    }
  }
  ui.print(
    ui.table({
      head: ["align", "live areas N", ...impls.map((id) => `${id} ${SWEEP_IMPL_INFO[id].complexity}`), ...(impls.includes("vmap") && impls.includes("vmap-legacy") ? ["legacy / vmap"] : [])],
      rows,
      align: ["l", "r", ...impls.map(() => "r" as const), "r"],
    }),
  );
  ui.print(c.dim("ns per alloc+free pair, mean over the timed pairs; skipped = O(N) point above the implementation's limit (see --help)."));
  for (const p of r.points.filter((q) => q.status === "failed")) ui.print(c.red(`${p.impl} ${p.alignMode} N=${commas(p.n)} failed: ${p.reason ?? ""}`));
}

function run(options: BenchCliOptions, command: Command): void {
  const ui = createUi({ json: options.json !== undefined });
  const { c } = ui;
  const toStdout = options.json === "-";
  const say = toStdout ? (): void => {} : (text = ""): void => ui.print(text);
  const ns = options.n ?? [1e3, 1e4, 1e5, 1e6];
  const impls = options.impl ?? SWEEP_IMPLS;
  const modes = options.align ?? ALIGN_MODES;
  const kept = ns.filter((n) => n <= (options.maxN ?? Infinity));
  if (kept.length === 0) throw new UsageError(`--max-n ${options.maxN} leaves no point of ${ns.join(", ")}; raise it or pass smaller --n`);
  say(c.bold(`kva sweep: ${impls.join(", ")}; N = ${kept.map(commas).join(", ")}; aligns ${modes.join(", ")}`));
  const bar = ui.progress(modes.length * kept.length * impls.length, "starting");
  let done = 0;
  const started = performance.now();
  let result: SweepResult;
  try {
    result = runSweep({
      ns,
      ...(options.maxN === undefined ? {} : { maxN: options.maxN }),
      implementations: impls,
      alignModes: modes,
      ...(options.pairs === undefined ? {} : { pairs: options.pairs, minPairs: Math.min(200, options.pairs) }),
      ...(options.budgetMs === undefined ? {} : { timeBudgetMs: options.budgetMs }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      command: `kva ${command.name()} ${process.argv.slice(3).join(" ")}`.trim(),
      onProgress: (e) => {
        if (e.status !== "start") done++;
        bar.update(done, `${e.impl} ${e.alignMode} N=${commas(e.n)}`);
      },
    });
  } catch (err) {
    if (err instanceof BenchError) throw new UsageError(err.message);
    throw err;
  } finally {
    bar.stop();
  }
  const elapsed = performance.now() - started;
  if (!toStdout) {
    printTable(ui, result);
    say(c.dim(`${result.node}, ${result.cpu}, ${result.date}; finished in ${duration(elapsed)}`));
  }
  const write = (path: string, text: string, what: string): void => {
    try {
      writeFileSync(path, text);
    } catch (err) {
      throw new UsageError(`cannot write ${what} ${JSON.stringify(path)} (${messageOf(err)}); pass a writable path`);
    }
    say(c.dim(`wrote ${path}`));
  };
  if (options.svg !== undefined) write(options.svg, renderSweepSvg(result, { title: `kva bench: ns per alloc+free pair vs live areas (Node ${result.node})` }), "--svg file");
  if (options.json !== undefined) {
    const text = `${JSON.stringify(result, null, 2)}\n`;
    if (toStdout) process.stdout.write(text);
    else write(options.json, text, "--json file");
  }
}

export function registerBench(program: Command): void {
  const limits = SWEEP_IMPLS.map((id) => {
    const info = SWEEP_IMPL_INFO[id];
    return `  ${id.padEnd(14)} ${info.complexity.padEnd(9)} ${info.name}; up to ${Object.entries(info.maxN)
      .map(([m, n]) => `N=${commas(n)} (${m})`)
      .join(", ")}`;
  }).join("\n");
  program
    .command("bench")
    .description("the scaling sweep: cost of an alloc+free pair against the number of live areas, with an SVG chart")
    .option("--max-n <n>", "drop points above this N (e.g. 1e5 for a quicker run)", parseCount)
    .option("--n <list>", "live-area counts, comma-separated (default 1e3,1e4,1e5,1e6)", countsArg)
    .option("--impl <list>", `implementations, comma-separated (default ${SWEEP_IMPLS.join(",")})`, listArg("implementation", SWEEP_IMPLS))
    .option("--align <list>", `align modes, comma-separated (default ${ALIGN_MODES.join(",")})`, listArg("align mode", ALIGN_MODES))
    .option("--pairs <n>", "timed alloc+free pairs per point, at most (default 20000)", intArg("--pairs", 1))
    .option("--budget-ms <ms>", "time budget of one point's timed pairs (default 2000)", intArg("--budget-ms", 1))
    .option("--seed <n>", "seed of the operation lists (default 20190521)", intArg("--seed", 0))
    .option("--json <file>", "write the kva-sweep/1 result (- for stdout)")
    .option("--svg <file>", "write the log-log chart as SVG")
    .addHelpText(
      "after",
      `
Implementations (points above the limit are reported skipped: the O(N) trend is visible already):
${limits}

The default sweep takes about a minute. Exit codes: 0 ok, 1 the sweep failed, 2 bad arguments.

Examples:
  $ kva bench                                   the full sweep, table only
  $ kva bench --max-n 1e5 --svg sweep.svg       a quicker sweep and its chart
  $ kva bench --impl vmap,vmap-legacy --align align1 --json sweep.json
  $ kva bench --n 1000,10000 --pairs 500 --budget-ms 100`,
    )
    .action((options: BenchCliOptions, command: Command) => run(options, command));
}
