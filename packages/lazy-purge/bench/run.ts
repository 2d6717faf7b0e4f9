/**
 * The @kva/lazy-purge benchmark (not a test): the cost of the lazy layer over VmapSpace on a
 * `fix_size_alloc_test`-like loop (alloc 4 pages / free), with the thresholds of 1, 4 and 64 CPUs, era 5.2
 * vs 5.11, beside VmapSpace freeing immediately. Every (subject, repetition) runs in a fresh Node process
 * (bench/worker.ts); the table reports the median ns per alloc/free pair.
 *
 *     pnpm bench                          # 10^6 pairs, 3 repetitions
 *     pnpm bench -- --pairs=200000 --reps=5
 *
 * Writes bench/results/latest.json (machine, Node, date, command, load, raw runs, medians).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { WorkerResult } from "./worker.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ARGS = process.argv.slice(2).filter((a) => a !== "--");

function option(name: string, fallback: string): string {
  const hit = ARGS.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : hit.slice(name.length + 3);
}

const PAIRS = Number(option("pairs", "1000000"));
const REPS = Number(option("reps", "3"));
if (!Number.isSafeInteger(PAIRS) || PAIRS < 1 || !Number.isSafeInteger(REPS) || REPS < 1) {
  throw new Error(`bad options: --pairs=${PAIRS} --reps=${REPS}; pass positive integers`);
}
const SUBJECTS = ["immediate", "5.2:1", "5.11:1", "5.2:4", "5.11:4", "5.2:64", "5.11:64"];

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * One worker run. A worker that fails to start (a workspace dependency's `dist/` being rebuilt at that
 * moment) is retried after a pause, up to 3 attempts.
 */
function measure(subject: string): WorkerResult {
  for (let attempt = 1; ; attempt++) {
    try {
      const out = execFileSync(process.execPath, ["--import", "tsx", join(HERE, "worker.ts"), subject, String(PAIRS)], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      return JSON.parse(out.trim().split("\n").pop()!) as WorkerResult;
    } catch (error) {
      if (attempt === 3) throw error;
      process.stderr.write(`${subject}: worker failed (attempt ${attempt}), retrying\n`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
    }
  }
}

const loadBefore = loadavg();
// Repetitions interleave subjects, so that slow drift of the machine spreads over all of them.
const runs: WorkerResult[] = [];
for (let rep = 1; rep <= REPS; rep++) {
  for (const subject of SUBJECTS) {
    const result = measure(subject);
    runs.push(result);
    process.stderr.write(`rep ${rep}/${REPS} ${subject}: ${result.nsPerPair.toFixed(1)} ns/pair\n`);
  }
}

const baseline = median(runs.filter((r) => r.subject === "immediate").map((r) => r.nsPerPair));
const summary = SUBJECTS.map((subject) => {
  const mine = runs.filter((r) => r.subject === subject);
  const first = mine[0]!;
  const ns = median(mine.map((r) => r.nsPerPair));
  return {
    subject,
    era: first.era,
    cpus: first.cpus,
    lazyMaxPages: first.lazyMaxPages,
    nsPerPair: ns,
    overheadNs: ns - baseline,
    ratio: ns / baseline,
    purges: first.purges,
    avgBatch: first.avgBatch,
  };
});

const command = process.env.npm_lifecycle_event === undefined ? `tsx bench/run.ts ${ARGS.join(" ")}`.trim() : `pnpm ${process.env.npm_lifecycle_event} ${ARGS.join(" ")}`.trim();
const report = {
  package: "@kva/lazy-purge",
  workload: "fix_size: alloc(4 pages, align 1, x86-64 vmalloc range) then free, repeated",
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memoryBytes: totalmem(),
  loadAverage: { before: loadBefore, after: loadavg() },
  command,
  pairs: PAIRS,
  reps: REPS,
  summary,
  runs,
};
mkdirSync(join(HERE, "results"), { recursive: true });
writeFileSync(join(HERE, "results", "latest.json"), `${JSON.stringify(report, null, 2)}\n`);

const fmt = (x: number | null, digits = 1): string => (x === null ? "–" : x.toFixed(digits));
const lines = [
  `fix_size loop, ${PAIRS} pairs, median of ${REPS}; ${report.cpu}, Node ${report.node}, ${report.date.slice(0, 10)}`,
  "",
  "| stack | era | CPUs | lazy_max_pages | ns/pair | overhead ns | × immediate | purges | avg batch (areas) |",
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ...summary.map((s) =>
    s.subject === "immediate"
      ? `| VmapSpace, immediate free | – | – | – | ${fmt(s.nsPerPair)} | – | 1.00 | – | – |`
      : `| LazyPurge(VmapSpace) | ${s.era} | ${s.cpus} | ${s.lazyMaxPages} | ${fmt(s.nsPerPair)} | ${fmt(s.overheadNs)} | ${fmt(s.ratio, 2)} | ${s.purges} | ${fmt(s.avgBatch)} |`,
  ),
];
process.stdout.write(`${lines.join("\n")}\n`);
