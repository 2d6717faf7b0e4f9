/**
 * The @kva/vmap benchmark: steady state at N live areas and the long_busy_list pattern, VmapSpace side by
 * side with a native C build of the same algorithm (bench/native/vmap.c), the naive model and the npm
 * allocators a user would pick instead.
 *
 *   pnpm bench             full run (N = 10^3 … 10^6), about 3 minutes on 2 cores
 *   pnpm bench --quick     N up to 10^5, fewer pairs (a smoke run, well under a minute)
 *
 * Every contestant replays the same operation list (bench/workload.ts), or a prefix of it. The C build
 * must return exactly VmapSpace's addresses (a checksum over all of them), which proves it runs the same
 * algorithm. Timed blocks are interleaved: for each repetition the C block runs, then each TypeScript
 * contestant's block, so that all of them see the same machine load; a result is the median over blocks.
 *
 * Writes bench/results/latest.{md,json} (`--quick`: quick.{md,json}, and a run restricted with `--n=` or
 * `--mode=`: partial.{md,json}, so that neither overwrites the published numbers).
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Contestant,
  type LblParams,
  type Limits,
  UNIT_BYTES,
  lblCodemix,
  lblNaive,
  lblThing,
  lblVmap,
  steadyCodemix,
  steadyNaive,
  steadyThing,
  steadyVmap,
} from "./impls.js";
import { type BlockTime, type NativeBuild, type NativeSummary, NativeRun, buildNative } from "./native.js";
import { type AlignMode, MAX_ALIGN_LOG2, MAX_SIZE, steadyOps, writeOps } from "./workload.js";

const here = dirname(fileURLToPath(import.meta.url));
const work = join(here, ".work");
const resultsDir = join(here, "results");
const quick = process.argv.includes("--quick");
/**
 * The clock the tables report: wall-clock time by default; `--cpu` reports CPU time instead (C: the
 * thread's; Node: the process's, which also counts V8's helper threads). Both are in latest.json.
 */
const CLOCK: keyof BlockTime = process.argv.includes("--cpu") ? "cpu" : "wall";

const SEED = 20190521; // the day "mm/vmap: keep track of free blocks for vmap allocation" reached mainline
const SPACE_END = 2 ** 40;
const RECORD_BYTES = 48;
const PEERS = ["naive", "@thi.ng/malloc", "malloc"] as const;
type Peer = (typeof PEERS)[number];

interface Config {
  readonly ns: readonly number[];
  /** Pairs per timed block, and timed blocks per N. */
  readonly pairs: number;
  readonly reps: number;
  /** Untimed warm-up pairs: max(N, warmMin), so the free tree reaches its steady shape first. */
  readonly warmMin: number;
  readonly lbl: LblParams & { readonly reps: number };
  /** The O(N)-per-operation contestants (naive, @thi.ng/malloc): largest N, and ms per (N, workload). */
  readonly linearMaxN: number;
  readonly linearBudgetMs: number;
  /** The O(log N) npm peer (malloc): ms per (N, workload); it is slow to warm up at large N. */
  readonly peerBudgetMs: number;
}

/**
 * `--n=1e5,1e6`, `--mode=aligned` and `--peers=malloc` (or `--peers=none`) restrict a run to some cells and
 * contestants, for investigating one of them.
 */
function argList(name: string): string[] | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3).split(",");
}

const BASE_CONFIG: Config = quick
  ? {
      ns: [1e3, 1e4, 1e5],
      pairs: 25_000,
      reps: 5,
      warmMin: 25_000,
      lbl: { busy: 15_000, loops: 25_000, reps: 5 },
      linearMaxN: 1e4,
      linearBudgetMs: 600,
      peerBudgetMs: 2_000,
    }
  : {
      ns: [1e3, 1e4, 1e5, 1e6],
      pairs: 100_000,
      reps: 9,
      warmMin: 100_000,
      lbl: { busy: 15_000, loops: 100_000, reps: 9 },
      linearMaxN: 1e4,
      linearBudgetMs: 4_000,
      peerBudgetMs: 12_000,
    };

const CONFIG: Config = { ...BASE_CONFIG, ns: argList("n")?.map(Number) ?? BASE_CONFIG.ns };
const MODES: readonly AlignMode[] = (argList("mode") as AlignMode[] | undefined) ?? ["align1", "aligned"];

// ------------------------------------------------------------------ helpers

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function pow10(n: number): string {
  return `10^${Math.round(Math.log10(n))}`;
}

/** ns with thousands separators; "n/a" for null. */
function fmtNs(ns: number | null | undefined): string {
  if (ns === null || ns === undefined) return "n/a";
  return Math.round(ns).toLocaleString("en");
}

function ratio(a: number | null | undefined, b: number | null | undefined): string {
  return a && b ? `${(a / b).toFixed(2)}×` : "–";
}

function fmtRatio(x: number | null): string {
  return x === null ? "–" : `${x.toFixed(2)}×`;
}

/**
 * The median over r of ts[r] / c[r] by the reported clock: blocks r of both ran back to back, so a change
 * of machine load between repetitions cancels out of each ratio.
 */
function pairedRatio(ts: readonly BlockTime[], c: readonly BlockTime[]): number {
  return median(ts.map((t, r) => t[CLOCK] / c[r]![CLOCK]));
}

/** A byte-based peer's buffer: twice the expected live bytes (area + header), at least 1 MiB, capped. */
function peerBuffer(n: number, cap: number): number {
  const want = Math.max(1 << 20, Math.ceil(n * ((MAX_SIZE + 1) / 2 * UNIT_BYTES + 16) * 2));
  return Math.min(cap, want) & ~7;
}

// ------------------------------------------------------------------ steady state

/**
 * One contestant's result at one N. `ns` is the median ns per pair by the reported clock (`nsWall`,
 * `nsCpu` by each), null when not run (see `note`); `wallNs` / `cpuNs` are the block times.
 */
interface Cell {
  readonly ns: number | null;
  readonly nsWall?: number;
  readonly nsCpu?: number;
  readonly perBlock?: number;
  readonly warm?: number;
  readonly wallNs?: number[];
  readonly cpuNs?: number[];
  readonly note?: string;
}

function cellOf(times: readonly BlockTime[], perBlock: number, warm: number): Cell {
  const wallNs = times.map((t) => t.wall);
  const cpuNs = times.map((t) => t.cpu);
  const nsWall = median(wallNs) / perBlock;
  const nsCpu = median(cpuNs) / perBlock;
  return { ns: CLOCK === "wall" ? nsWall : nsCpu, nsWall, nsCpu, perBlock, warm, wallNs, cpuNs };
}

interface SteadyRow {
  /** TS / C: the median over the interleaved block pairs of (VmapSpace block time / C block time). */
  readonly tsOverC: number | null;
  readonly mode: AlignMode;
  readonly n: number;
  readonly warm: number;
  readonly pairs: number;
  readonly reps: number;
  readonly vmap: Cell & { readonly checksum: number; readonly state: Record<string, unknown> };
  readonly native: (Cell & { readonly summary?: NativeSummary }) | null;
  readonly checksumMatch: boolean | null;
  readonly peers: Record<Peer, Cell>;
}

function makePeer(peer: Peer, ops: ReturnType<typeof steadyOps>): Contestant | string {
  if (ops.alignMode !== "align1" && peer !== "naive") return "no per-request alignment";
  const linear = peer !== "malloc";
  if (linear && ops.n > CONFIG.linearMaxN) return `O(N) per operation: not run above N = ${pow10(CONFIG.linearMaxN)}`;
  const limits: Limits = { budgetMs: linear ? CONFIG.linearBudgetMs : CONFIG.peerBudgetMs };
  try {
    if (peer === "naive") return steadyNaive(ops, limits);
    if (peer === "@thi.ng/malloc") return steadyThing(ops, peerBuffer(ops.n, 2 ** 32 - 8), limits);
    return steadyCodemix(ops, peerBuffer(ops.n, 2 ** 31 - 8), limits);
  } catch (e) {
    return (e as Error).message;
  }
}

async function runSteady(mode: AlignMode, n: number, binary: string | undefined): Promise<SteadyRow> {
  const warm = Math.max(n, CONFIG.warmMin);
  const ops = steadyOps(n, warm, CONFIG.pairs, CONFIG.reps, mode, SPACE_END, SEED + n + (mode === "aligned" ? 1 : 0));
  let native: NativeRun | undefined;
  if (binary) {
    const file = join(work, `ops-${mode}-${n}.bin`);
    writeOps(file, ops);
    native = new NativeRun(binary, ["steady", file]);
    await native.ready(); // its fill and warm-up do not overlap the TypeScript setup
  }
  const vmap = steadyVmap(ops);
  const contestants: Contestant[] = [vmap];
  const notes = {} as Record<Peer, string>;
  for (const peer of PEERS) {
    const only = argList("peers");
    const c = only && !only.includes(peer) ? "not selected (--peers)" : makePeer(peer, ops);
    if (typeof c === "string") notes[peer] = c;
    else contestants.push(c);
  }
  const cNs: BlockTime[] = [];
  const tNs: BlockTime[][] = contestants.map(() => []);
  for (let r = 0; r < CONFIG.reps; r++) {
    if (native) cNs.push(await native.block());
    contestants.forEach((c, i) => tNs[i]!.push(c.block()));
  }
  const summary = native ? await native.finish() : undefined;
  const cell = (i: number): Cell => cellOf(tNs[i]!, contestants[i]!.perBlock, contestants[i]!.warm);
  const peers = {} as Record<Peer, Cell>;
  for (const peer of PEERS) {
    const i = contestants.findIndex((c) => c.impl === peer);
    peers[peer] = i < 0 ? { ns: null, note: notes[peer] } : cell(i);
  }
  const checksum = vmap.checksum();
  const checksumMatch = summary ? summary.checksum === checksum : null;
  if (summary && !checksumMatch) {
    throw new Error(`${mode} N=${n}: the native C checksum ${summary.checksum} differs from VmapSpace's ${checksum}: not the same algorithm`);
  }
  const row: SteadyRow = {
    tsOverC: native ? pairedRatio(tNs[0]!, cNs) : null,
    mode,
    n,
    warm,
    pairs: CONFIG.pairs,
    reps: CONFIG.reps,
    vmap: { ...cell(0), checksum, state: vmap.extra() },
    native: summary ? { ...cellOf(cNs, CONFIG.pairs, warm), summary } : null,
    checksumMatch,
    peers,
  };
  const c = row.native ? `, C ${fmtNs(row.native.ns)} (TS/C ${fmtRatio(row.tsOverC)}, checksums equal)` : "";
  log(`  ${mode} N=${pow10(n)}: VmapSpace ${fmtNs(row.vmap.ns)} ns/pair${c}; ${PEERS.map((p) => `${p} ${fmtNs(peers[p].ns)}`).join(", ")}`);
  return row;
}

// ------------------------------------------------------------------ long_busy_list

interface LblRow extends Cell {
  readonly impl: string;
  readonly loops: number;
}

async function runLbl(binary: string | undefined): Promise<{ rows: LblRow[]; checksumMatch: boolean | null }> {
  const p = CONFIG.lbl;
  let native: NativeRun | undefined;
  if (binary) {
    native = new NativeRun(binary, ["lbl", String(p.busy), String(p.loops)]);
    await native.ready();
  }
  const budget = { ms: CONFIG.linearBudgetMs, blocks: p.reps + 1 };
  const contestants = [lblVmap(p), lblNaive(p, budget), lblThing(p, budget), lblCodemix(p)];
  const cNs: BlockTime[] = [];
  const tNs: BlockTime[][] = contestants.map(() => []);
  // One more block than reported: the first is the warm-up.
  for (let r = 0; r <= p.reps; r++) {
    if (native) cNs.push(await native.block());
    contestants.forEach((c, i) => tNs[i]!.push(c.block()));
  }
  const summary = native ? await native.finish() : undefined;
  const checksumMatch = summary ? summary.checksum === contestants[0]!.checksum() : null;
  if (summary && !checksumMatch) {
    throw new Error(`long_busy_list: the native C checksum ${summary.checksum} differs from VmapSpace's ${contestants[0]!.checksum()}`);
  }
  const rows: LblRow[] = contestants.map((c, i) => ({ impl: c.impl, loops: c.perBlock, ...cellOf(tNs[i]!.slice(1), c.perBlock, 0) }));
  if (summary) rows.splice(1, 0, { impl: "native C", loops: p.loops, ...cellOf(cNs.slice(1), p.loops, 0) });
  log(`  long_busy_list: ${rows.map((r) => `${r.impl} ${fmtNs(r.ns)}`).join(", ")} ns/loop`);
  return { rows, checksumMatch };
}

// ------------------------------------------------------------------ report

function steadyTable(mode: AlignMode, rows: readonly SteadyRow[]): string {
  const head = ["N", "VmapSpace", "native C", "TS / C ¹", ...PEERS];
  const lines = [`| ${head.join(" | ")} |`, `| --- |${head.slice(1).map(() => " ---: |").join("")}`];
  for (const r of rows) {
    const cells = [pow10(r.n), fmtNs(r.vmap.ns), r.native ? fmtNs(r.native.ns) : "skipped", fmtRatio(r.tsOverC), ...PEERS.map((p) => fmtNs(r.peers[p].ns))];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  const title = mode === "align1" ? "align 1" : `align 2^k units, k uniform in 0…${MAX_ALIGN_LOG2}`;
  return [`**Steady state, ${title}** (${CLOCK === "wall" ? "wall-clock" : "CPU"} ns per alloc+free pair, median of ${CONFIG.reps} interleaved blocks)`, "", ...lines].join("\n");
}

function memoryTable(rows: readonly SteadyRow[]): string {
  const lines = [
    "| workload | N | busy areas | free blocks | live records | pool capacity | pool bytes | live records × 48 B / busy area | pool bytes / busy area |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    const x = r.vmap.state as { busy: number; freeBlocks: number; nodes: { capacity: number; live: number; bytes: number } };
    const cells = [
      r.mode === "align1" ? "align 1" : "aligned",
      pow10(r.n),
      x.busy.toLocaleString("en"),
      x.freeBlocks.toLocaleString("en"),
      x.nodes.live.toLocaleString("en"),
      x.nodes.capacity.toLocaleString("en"),
      x.nodes.bytes.toLocaleString("en"),
      `${((x.nodes.live * RECORD_BYTES) / x.busy).toFixed(1)} B`,
      `${(x.nodes.bytes / x.busy).toFixed(1)} B`,
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

function lblTable(rows: readonly LblRow[]): string {
  const c = rows.find((r) => r.impl === "native C")?.ns;
  const lines = ["| implementation | ns per loop | loops per block | vs native C |", "| --- | ---: | ---: | ---: |"];
  for (const r of rows) lines.push(`| ${r.impl} | ${fmtNs(r.ns)} | ${r.loops.toLocaleString("en")} | ${ratio(r.ns, c)} |`);
  return lines.join("\n");
}

function growth(rows: readonly SteadyRow[], pick: (r: SteadyRow) => number | null | undefined): number | null {
  const a = rows[0] ? pick(rows[0]) : null;
  const b = rows.length > 1 ? pick(rows[rows.length - 1]!) : null;
  return a && b ? b / a : null;
}

function peerNotes(rows: readonly SteadyRow[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    for (const p of PEERS) {
      const cell = r.peers[p];
      if (cell.ns !== null && cell.perBlock !== undefined && (cell.perBlock < r.pairs || (cell.warm ?? r.warm) < r.warm)) {
        out.push(`${p} at ${r.mode} N=${pow10(r.n)}: ${cell.perBlock.toLocaleString("en")} pairs per block after ${(cell.warm ?? 0).toLocaleString("en")} warm-up pairs (time budget)`);
      }
    }
  }
  return out;
}

function report(steady: Record<AlignMode, SteadyRow[]>, lbl: { rows: LblRow[] }, native: NativeBuild, meta: Record<string, string>): string {
  const g = (mode: AlignMode, pick: (r: SteadyRow) => number | null | undefined): string => {
    const x = growth(steady[mode], pick);
    return x === null ? "–" : `${x.toFixed(2)}×`;
  };
  const first = pow10(CONFIG.ns[0]!);
  const last = pow10(CONFIG.ns[CONFIG.ns.length - 1]!);
  return [
    `# @kva/vmap benchmark${quick ? " (quick)" : ""}`,
    "",
    `- command: \`${meta.command}\` (in packages/vmap; \`pnpm bench${quick ? " --quick" : ""}\`)`,
    `- machine: ${meta.machine}; Node ${process.version}; ${meta.date}; run took ${meta.seconds} s; load average ${meta.load}`,
    `- native C: ${native.note}`,
    CLOCK === "wall"
      ? "- clock: wall-clock time (CLOCK_MONOTONIC in C, process.hrtime in Node); CPU times are in the JSON (`--cpu` reports them)"
      : "- clock: CPU time (C: the thread's CLOCK_THREAD_CPUTIME_ID; Node: process.cpuUsage(), which also counts V8's helper threads); wall-clock times are in the JSON",
    `- workload: space [0, 2^40) units; fill to N live areas; max(N, ${CONFIG.warmMin.toLocaleString("en")}) untimed warm-up pairs; then ${CONFIG.reps} timed blocks of ${CONFIG.pairs.toLocaleString("en")} pairs. A pair allocates 1…${MAX_SIZE} units (align 1, or 2^k with k uniform in 0…${MAX_ALIGN_LOG2}) and frees a uniformly chosen live area. Seed ${SEED}.`,
    "- same algorithm: the native C build returned exactly VmapSpace's addresses in every run below (checksum over all of them).",
    `- peers: naive = \`NaiveAllocator\` of @kva/test-utils (sorted arrays, O(N) per operation); @thi.ng/malloc = \`MemPool\` (first fit on an address-ordered free list; \`free\` walks the used list: O(N)); malloc = codemix \`malloc\` (best fit, free blocks in a skip list by size). The two O(N) ones run up to N = ${pow10(CONFIG.linearMaxN)}. Peers run within a time budget per cell (${(CONFIG.linearBudgetMs / 1000).toFixed(1)} s for the O(N) ones, ${(CONFIG.peerBudgetMs / 1000).toFixed(1)} s for malloc), so they may get fewer warm-up pairs and pairs per block (listed under the tables). The byte allocators take 1 unit = ${UNIT_BYTES} bytes and have no per-request alignment, so they run the align-1 workload only.`,
    "",
    steadyTable("align1", steady.align1),
    "",
    steadyTable("aligned", steady.aligned),
    "",
    "¹ TS / C is the median, over the interleaved repetitions, of the VmapSpace block's time divided by the C block's that ran just before it.",
    "",
    `Growth of the cost per pair from N = ${first} to ${last}: VmapSpace ${g("align1", (r) => r.vmap.ns)} (align 1), ${g("aligned", (r) => r.vmap.ns)} (aligned); native C ${g("align1", (r) => r.native?.ns)} / ${g("aligned", (r) => r.native?.ns)}.`,
    ...peerNotes([...steady.align1, ...steady.aligned]).map((l) => `- ${l}`),
    "",
    "**VmapSpace memory** (after the timed blocks): one 48-byte record per busy area or free block, in one pool that doubles when full",
    "",
    memoryTable([...steady.align1, ...steady.aligned]),
    "",
    `**long_busy_list** (${CONFIG.lbl.busy.toLocaleString("en")} long-lived 2-unit areas, then loops of: allocate 101 units, allocate 2 units, free both; ${CLOCK === "wall" ? "wall-clock" : "CPU"} ns per loop, median of ${CONFIG.lbl.reps} interleaved blocks after one warm-up block)`,
    "",
    lblTable(lbl.rows),
    "",
  ].join("\n");
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const started = Date.now();
  const load0 = loadavg()[0]!;
  const command = ["node", ...process.execArgv, ...process.argv.slice(1).map((a) => a.replace(`${dirname(here)}/`, ""))].join(" ");
  const gcOn = typeof (globalThis as { gc?: unknown }).gc === "function";
  if (!gcOn) log("note: run with node --expose-gc (the package script does) so that each timed block starts after a full GC");
  const native = buildNative(here, work);
  log(native.binary ? `native C: ${native.note}` : native.note);

  const steady: Record<AlignMode, SteadyRow[]> = { align1: [], aligned: [] };
  for (const mode of MODES) {
    for (const n of CONFIG.ns) steady[mode].push(await runSteady(mode, n, native.binary));
  }
  const lbl = await runLbl(native.binary);

  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const meta = {
    command,
    machine: `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    date: new Date().toISOString(),
    seconds: ((Date.now() - started) / 1000).toFixed(0),
    load: `${load0.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end`,
  };
  const md = report(steady, lbl, native, meta);
  const targets = MODES.map((mode) => ({
    mode,
    tsOverC: steady[mode].filter((r) => r.native).map((r) => ({ n: r.n, pairedRatio: r.tsOverC, ratioOfMedians: r.vmap.ns! / r.native!.ns! })),
    growthVmap: growth(steady[mode], (r) => r.vmap.ns),
    growthNative: growth(steady[mode], (r) => r.native?.ns),
  }));
  const json = {
    benchmark: "@kva/vmap",
    quick,
    clock: CLOCK,
    command,
    cwd: "packages/vmap",
    node: process.version,
    v8: process.versions.v8,
    cpu,
    cores: cpus().length,
    memoryBytes: totalmem(),
    date: meta.date,
    seconds: Number(meta.seconds),
    loadavg: { start: load0, end: loadavg()[0] },
    gc: gcOn,
    seed: SEED,
    spaceEnd: SPACE_END,
    recordBytes: RECORD_BYTES,
    unitBytesForBytePeers: UNIT_BYTES,
    config: CONFIG,
    native: { compiler: native.compiler ?? null, note: native.note },
    steady,
    longBusyList: lbl,
    targets,
  };
  mkdirSync(resultsDir, { recursive: true });
  const base = quick ? "quick" : argList("n") || argList("mode") || argList("peers") ? "partial" : "latest";
  writeFileSync(join(resultsDir, `${base}.md`), md);
  writeFileSync(join(resultsDir, `${base}.json`), `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`${md}\n`);
  log(`wrote bench/results/${base}.md and bench/results/${base}.json`);
}

await main();
