/**
 * The @kva/rbtree benchmark (not a test): insert, ordered search (lower-bound lookups and an in-order
 * walk) and erase of N random distinct keys, for our tree and its npm peers, plus the record-vs-arrays
 * layout comparison. Every (subject, repetition) runs in a fresh Node process (bench/worker.ts); the
 * table reports the median of the repetitions, in process CPU time (user + system) per phase, which stays
 * meaningful on a shared machine where wall time also counts waiting for a core. Wall times are in the JSON.
 *
 *     pnpm bench                       # N = 10^6, 3 repetitions
 *     pnpm bench -- --n=100000 --reps=5 --only=kva-caller,js-sdsl
 *
 * Writes bench/results/latest.json (machine, Node, date, command, raw runs, medians).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SUBJECTS } from "./subjects.js";
import type { WorkerResult } from "./worker.js";

type Phase = "insert" | "search" | "walk" | "erase";
const PHASES: readonly Phase[] = ["insert", "search", "walk", "erase"];
const HERE = dirname(fileURLToPath(import.meta.url));

const ARGS = process.argv.slice(2).filter((a) => a !== "--");

function option(name: string, fallback: string): string {
  const hit = ARGS.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : hit.slice(name.length + 3);
}

const N = Number(option("n", "1000000"));
const REPS = Number(option("reps", "3"));
const SEED = Number(option("seed", "20190402"));
const ONLY = option("only", "");
const subjects = ONLY === "" ? SUBJECTS : SUBJECTS.filter((s) => ONLY.split(",").includes(s.id));
if (!Number.isSafeInteger(N) || N < 1 || !Number.isSafeInteger(REPS) || REPS < 1 || subjects.length === 0) {
  throw new Error(`bad options: --n=${N} --reps=${REPS} --only=${ONLY}; ids: ${SUBJECTS.map((s) => s.id).join(", ")}`);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const loadBefore = loadavg()[0]!;

// Repetitions interleave subjects, so that slow drift of the machine spreads over all of them.
const runs: WorkerResult[] = [];
for (let rep = 1; rep <= REPS; rep++) {
  for (const s of subjects) {
    const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", join(HERE, "worker.ts"), s.id, String(N), String(SEED)], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    const result = JSON.parse(out.trim().split("\n").pop()!) as WorkerResult;
    runs.push(result);
    const phases = PHASES.map((p) => `${p} ${result.ms[p]?.toFixed(0) ?? "-"} (${result.wallMs[p]?.toFixed(0) ?? "-"})`);
    process.stderr.write(`rep ${rep}/${REPS} ${s.id}: CPU (wall) ms: ${phases.join(", ")}\n`);
  }
}

interface Summary {
  readonly id: string;
  readonly label: string;
  readonly peer: boolean;
  readonly layout: boolean;
  /** Median CPU milliseconds per phase over the repetitions. */
  readonly ms: Partial<Record<Phase, number>>;
  /** Median wall milliseconds per phase over the repetitions. */
  readonly wallMs: Partial<Record<Phase, number>>;
  readonly bytesPerNode: number | undefined;
  readonly storageBytesPerNode: number | undefined;
}

const summaries: Summary[] = subjects.map((s) => {
  const mine = runs.filter((r) => r.subject === s.id);
  const ms: Partial<Record<Phase, number>> = {};
  const wallMs: Partial<Record<Phase, number>> = {};
  for (const p of PHASES) {
    const xs = mine.map((r) => r.ms[p]).filter((x): x is number => x !== undefined);
    if (xs.length > 0) ms[p] = median(xs);
    const ws = mine.map((r) => r.wallMs[p]).filter((x): x is number => x !== undefined);
    if (ws.length > 0) wallMs[p] = median(ws);
  }
  const bytes = mine.map((r) => r.bytesPerNode).filter((x): x is number => x !== undefined);
  return {
    id: s.id,
    label: s.label,
    peer: s.peer,
    layout: s.layout,
    ms,
    wallMs,
    bytesPerNode: bytes.length > 0 ? median(bytes) : undefined,
    storageBytesPerNode: mine[0]?.storageBytesPerNode,
  };
});

// Every subject must give the same answers.
for (const key of ["search", "walk"] as const) {
  const values = new Set(runs.map((r) => r.checksums[key]).filter((x) => x !== undefined));
  if (values.size > 1) throw new Error(`subjects disagree on the ${key} checksum: ${[...values].join(", ")}`);
}

const nsPerOp = (ms: number | undefined): string => (ms === undefined ? "–" : ((ms * 1e6) / N).toFixed(0));
const bytes = (b: number | undefined): string => (b === undefined ? "–" : b.toFixed(1));
const lines: string[] = [];
lines.push(
  `N = ${N.toLocaleString("en-US")} random distinct keys, median of ${REPS} fresh processes; CPU ns per operation (lower is better).`,
);
lines.push("");
lines.push("| structure | insert | lower bound | in-order walk (per key) | erase | heap+buffers B/node | typed storage B/node |");
lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const s of summaries.filter((x) => !x.layout || x.id === "kva-caller")) {
  lines.push(`| ${s.label} | ${nsPerOp(s.ms.insert)} | ${nsPerOp(s.ms.search)} | ${nsPerOp(s.ms.walk)} | ${nsPerOp(s.ms.erase)} | ${bytes(s.bytesPerNode)} | ${bytes(s.storageBytesPerNode)} |`);
}

const ours = summaries.filter((s) => !s.peer && (s.id === "kva-caller" || s.id === "kva-keyed"));
const peers = summaries.filter((s) => s.peer);
if (ours.length > 0 && peers.length > 0) {
  lines.push("");
  lines.push("Speed-up of @kva/rbtree over each peer (peer time / our time; > 1 = we are faster):");
  lines.push("");
  lines.push(`| ours vs peer | ${PHASES.join(" | ")} |`);
  lines.push(`| --- |${PHASES.map(() => " ---: |").join("")}`);
  for (const o of ours) {
    for (const p of peers) {
      const cells = PHASES.map((ph) => {
        const a = o.ms[ph];
        const b = p.ms[ph];
        return a === undefined || b === undefined ? "–" : `${(b / a).toFixed(2)}×`;
      });
      lines.push(`| ${o.id} vs ${p.id} | ${cells.join(" | ")} |`);
    }
  }
}

const layout = summaries.filter((s) => s.layout);
if (layout.length > 1) {
  const base = layout.find((s) => s.id === "soa");
  lines.push("");
  lines.push("Layout: the same caller-driven insert + lower-bound path, one-buffer records vs one typed array per field:");
  lines.push("");
  lines.push("| layout | insert | lower bound | insert + search vs arrays | typed storage B/node |");
  lines.push("| --- | ---: | ---: | ---: | ---: |");
  for (const s of layout) {
    const total = (s.ms.insert ?? 0) + (s.ms.search ?? 0);
    const baseTotal = base ? (base.ms.insert ?? 0) + (base.ms.search ?? 0) : undefined;
    const ratio = baseTotal === undefined ? "–" : `${(baseTotal / total).toFixed(2)}×`;
    lines.push(`| ${s.label} | ${nsPerOp(s.ms.insert)} | ${nsPerOp(s.ms.search)} | ${ratio} | ${bytes(s.storageBytesPerNode)} |`);
  }
}

const machine = {
  node: process.version,
  v8: process.versions.v8,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  platform: `${process.platform} ${process.arch}`,
  /** 1-minute load average before and after the run: other processes on a shared machine skew timings. */
  loadAverage: [Number(loadBefore.toFixed(2)), Number(loadavg()[0]!.toFixed(2))],
};
const command = `pnpm bench${ARGS.length > 0 ? ` -- ${ARGS.join(" ")}` : ""}`;
lines.push("");
lines.push(
  `Machine: ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), ${machine.platform}; Node ${machine.node}; ` +
    `${new Date().toISOString().slice(0, 10)}; load average ${machine.loadAverage.join(" → ")}; \`${command}\`.`,
);
const table = lines.join("\n");
process.stdout.write(`${table}\n`);

mkdirSync(join(HERE, "results"), { recursive: true });
writeFileSync(
  join(HERE, "results", "latest.json"),
  `${JSON.stringify({ date: new Date().toISOString(), command, machine, n: N, reps: REPS, seed: SEED, summaries, runs, table }, null, 2)}\n`,
);
