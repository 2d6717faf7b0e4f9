/**
 * `kva replay TRACE`: runs a `kva-trace/1` file (JSON Lines, gzipped or not) on a chosen allocator and
 * search policy, verifies every recorded `ret`, and reports each mismatch with its line. Exit 1 when
 * anything mismatched.
 */
import { BenchError, type ReplayResult, parseTrace, replayTrace } from "@kva/bench";
import { type Command, Option } from "commander";
import { EXIT_FAILED, UsageError, readInputFile } from "../errors.js";
import { commas, duration } from "../format.js";
import { intArg } from "../options.js";
import { type Ui, createUi } from "../ui.js";

interface ReplayCliOptions {
  allocator?: "augmented" | "legacy";
  search?: "padded" | "exact" | "adaptive";
  lazyEra?: "5.2" | "5.11";
  lazyMaxPages?: number;
  freeMode?: "immediate" | "lazy";
  all?: boolean;
  limit: number;
  json?: boolean;
}

/** The mismatches shown without `--all`. */
export const DEFAULT_MISMATCH_LIMIT = 50;

function printResult(ui: Ui, file: string, r: ReplayResult, limit: number): void {
  const { c } = ui;
  const h = r.header;
  const how = r.allocator === "legacy" ? "legacy (pre-5.2 busy list)" : `augmented (5.2 free tree), search ${r.search}`;
  ui.print(`${c.bold("trace")}    ${file}: ${h.format}${typeof h.kernel === "string" ? `, kernel ${h.kernel}` : ""}${typeof h.workload === "string" ? `, workload ${h.workload}` : ""}`);
  ui.print(`${c.bold("space")}    [${h.start}, ${h.end}) in ${h.units}${h.units === "bytes" ? ` (page ${r.pageSize})` : ""}`);
  ui.print(`${c.bold("ran on")}   ${how}${r.inferred ? c.dim(" (chosen from the header's kernel)") : ""}`);
  ui.print(`${c.bold("frees")}    ${r.freeMode}${r.lazyMaxPages !== null ? `, lazy_max_pages ${commas(r.lazyMaxPages)}, ${commas(r.purges ?? 0)} purges` : ""}`);
  ui.print(
    `${c.bold("ops")}      ${commas(r.ops)}: ${commas(r.allocs)} allocs (+${commas(r.allocFailures)} failed), ${commas(r.frees)} frees; ${commas(r.verified)} answers verified`,
  );
  ui.print(`${c.bold("fits")}     FL ${commas(r.fits.FL)}, LE ${commas(r.fits.LE)}, RE ${commas(r.fits.RE)}, NE ${commas(r.fits.NE)}${r.listSteps !== null ? `; busy-list steps ${commas(r.listSteps)}` : ""}`);
  ui.print(`${c.bold("final")}    ${commas(r.final.busyCount)} busy, ${commas(r.final.freeCount)} free blocks, largest free ${commas(r.final.largestFree)} ${r.units}`);
  ui.print(`${c.bold("time")}     ${duration(r.timing.ns / 1e6)} (${r.timing.nsPerOp.toFixed(0)} ns per op)`);
  if (r.mismatchCount === 0) {
    ui.print(c.green(`mismatches: 0 — every recorded ret reproduced`));
    return;
  }
  const skipped = r.skippedFrees ? ` (${commas(r.skippedFrees)} frees of areas never allocated here were skipped)` : "";
  ui.print(c.red(c.bold(`mismatches: ${commas(r.mismatchCount)}`)) + skipped);
  const show = r.mismatches.slice(0, limit);
  for (const m of show) {
    const verb = m.op === "alloc" ? "alloc returned" : "free of";
    const got = m.op === "alloc" ? `${m.got === null ? "null" : m.got}, trace has ${m.expected === null ? "null" : m.expected}` : `${m.expected} refused (${String(m.got)})`;
    ui.print(`  ${c.yellow(`line ${m.line}`)}: ${verb} ${got}`);
  }
  if (r.mismatchCount > show.length) ui.print(c.dim(`  … ${commas(r.mismatchCount - show.length)} more (--all prints every one)`));
}

function run(file: string, options: ReplayCliOptions): void {
  const ui = createUi({ json: options.json ?? false });
  if (options.search !== undefined && options.allocator === "legacy") {
    throw new UsageError(`--search ${options.search} applies to the augmented allocator only; drop it or use --allocator augmented`);
  }
  const bytes = readInputFile(file, "trace");
  let trace;
  try {
    trace = parseTrace(bytes);
  } catch (err) {
    if (err instanceof BenchError) throw new UsageError(`trace ${JSON.stringify(file)} is not a valid kva-trace/1 file: ${err.message}`);
    throw err;
  }
  const limit = options.all ? Number.POSITIVE_INFINITY : options.limit;
  const progress = ui.progress(trace.ops.length, `replaying ${commas(trace.ops.length)} ops`);
  let result: ReplayResult;
  try {
    result = replayTrace(trace, {
      ...(options.allocator === undefined ? {} : { allocator: options.allocator }),
      ...(options.search === undefined ? {} : { search: options.search }),
      ...(options.lazyEra === undefined ? {} : { lazyEra: options.lazyEra }),
      ...(options.lazyMaxPages === undefined ? {} : { lazyMaxPages: options.lazyMaxPages }),
      ...(options.freeMode === undefined ? {} : { freeMode: options.freeMode }),
      maxMismatches: options.json || options.all ? Number.POSITIVE_INFINITY : limit,
      onProgress: (done) => progress.update(done),
    });
  } catch (err) {
    if (err instanceof BenchError && err.code !== "ETRACE") throw new UsageError(err.message);
    if (err instanceof BenchError) throw new UsageError(`trace ${JSON.stringify(file)}: ${err.message}`);
    throw err;
  } finally {
    progress.stop();
  }
  if (options.json) ui.print(JSON.stringify({ file, ...result }, null, 2));
  else printResult(ui, file, result, limit);
  if (result.mismatchCount > 0) process.exitCode = EXIT_FAILED;
}

export function registerReplay(program: Command): void {
  program
    .command("replay")
    .description("replay a kva-trace/1 file (.jsonl or .jsonl.gz) and verify every recorded answer")
    .argument("<trace>", "trace file: JSON Lines, gzipped or not (detected by its bytes)")
    .addOption(new Option("-a, --allocator <kind>", "augmented (5.2 free tree) or legacy (pre-5.2 busy list); default: from the header's kernel, else augmented").choices(["augmented", "legacy"]))
    .addOption(new Option("-s, --search <policy>", "augmented search policy: padded (5.2-5.15), exact (5.16-5.17), adaptive (5.18+); default: from the header's kernel, else padded").choices(["padded", "exact", "adaptive"]))
    .addOption(new Option("--lazy-era <era>", "lazy-queue era for lazy traces: 5.2 (list) or 5.11 (merging tree)").choices(["5.2", "5.11"]))
    .option("--lazy-max-pages <n>", "override the header's lazy_max_pages (lazy traces)", intArg("--lazy-max-pages", 1))
    .addOption(new Option("--free-mode <mode>", "override the header's free_mode").choices(["immediate", "lazy"]))
    .option("--limit <n>", "mismatches to print", intArg("--limit", 0), DEFAULT_MISMATCH_LIMIT)
    .option("--all", "print every mismatch")
    .option("--json", "print the kva-replay/1 result as JSON (ops, allocs, frees, mismatches, fits, timing...)")
    .addHelpText(
      "after",
      `
The header's free_mode "lazy" routes frees through the lazy-purge layer with its lazy_max_pages.
Exit codes: 0 every recorded ret reproduced, 1 any mismatch, 2 bad arguments or an unreadable or malformed
trace (the message names the line).

Examples:
  $ kva replay ../shared/traces/dev-random-mix.v5.2.jsonl.gz
  $ kva replay dev-random-mix.v5.0.jsonl.gz --allocator legacy
  $ kva replay dev-random-mix.v6.18.jsonl.gz --search adaptive --json | jq .mismatchCount
  $ kva replay mine.jsonl --all                print every mismatch, not only the first ${DEFAULT_MISMATCH_LIMIT}`,
    )
    .action((file: string, options: ReplayCliOptions) => run(file, options));
}
