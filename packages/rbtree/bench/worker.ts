/**
 * Runs every workload on one subject in this (fresh) process and prints one JSON line. Started by
 * bench/run.ts as `node --expose-gc --import tsx bench/worker.ts <subject> <n> <seed>`.
 */
import { Prng } from "@kva/test-utils";
import { SUBJECTS } from "./subjects.js";

export interface Phases {
  insert: number;
  search: number;
  walk?: number;
  erase?: number;
}

export interface WorkerResult {
  readonly subject: string;
  readonly n: number;
  /** Process CPU time (user + system, all threads) per phase in milliseconds; absent phases were not run. */
  readonly ms: Phases;
  /** Wall-clock time per phase in milliseconds. */
  readonly wallMs: Phases;
  readonly checksums: { search: number; walk?: number };
  /** Growth of heapUsed + arrayBuffers over the insert phase, after gc, per key. */
  readonly bytesPerNode: number | undefined;
  /** The subject's own typed storage per key (pool or arrays), when it has any. */
  readonly storageBytesPerNode: number | undefined;
}

/** Distinct keys 0..n-1 in a random insertion order, another random erase order, and n queries q/2 for q in [0, 2n]. */
export function workload(n: number, seed: number): { insert: Float64Array; erase: Float64Array; queries: Float64Array } {
  const prng = new Prng(seed);
  const order = prng.shuffle(Array.from({ length: n }, (_, i) => i));
  const insert = Float64Array.from(order);
  const erase = Float64Array.from(prng.shuffle(order));
  const queries = new Float64Array(n);
  for (let i = 0; i < n; i++) queries[i] = prng.int(0, 2 * n) / 2;
  return { insert, erase, queries };
}

function memory(): number | undefined {
  const gc = globalThis.gc;
  if (!gc) return undefined;
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Runs `fn`, recording its CPU time (what the table reports: unlike wall time, it does not count the time
 *  this process waited for a core on a shared machine) and its wall time under `phase`. */
function measure(ms: Partial<Phases>, wallMs: Partial<Phases>, phase: keyof Phases, fn: () => void): void {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  wallMs[phase] = performance.now() - t;
  const d = process.cpuUsage(c);
  ms[phase] = (d.user + d.system) / 1000;
}

function main(): void {
  const [id, nArg, seedArg] = process.argv.slice(2);
  const info = SUBJECTS.find((s) => s.id === id);
  if (!info || nArg === undefined || seedArg === undefined) {
    throw new Error(`usage: worker.ts <${SUBJECTS.map((s) => s.id).join("|")}> <n> <seed>`);
  }
  const n = Number(nArg);
  const w = workload(n, Number(seedArg));
  const before = memory();
  const subject = info.create();
  const ms: Partial<Phases> = {};
  const wallMs: Partial<Phases> = {};
  measure(ms, wallMs, "insert", () => subject.insert(w.insert));
  if (subject.size() !== n) throw new Error(`${id}: holds ${subject.size()} keys after inserting ${n}`);
  const after = memory();
  const bytesPerNode = before === undefined || after === undefined ? undefined : (after - before) / n;
  const storageBytesPerNode = subject.storageBytes ? subject.storageBytes() / n : undefined;
  let search = 0;
  measure(ms, wallMs, "search", () => {
    search = subject.search(w.queries);
  });
  const checksums: { search: number; walk?: number } = { search };
  if (subject.walk) {
    let walk = 0;
    measure(ms, wallMs, "walk", () => {
      walk = subject.walk!();
    });
    checksums.walk = walk;
  }
  if (subject.erase) {
    memory();
    measure(ms, wallMs, "erase", () => subject.erase!(w.erase));
    if (subject.size() !== 0) throw new Error(`${id}: holds ${subject.size()} keys after erasing all`);
  }
  const result: WorkerResult = { subject: id!, n, ms: ms as Phases, wallMs: wallMs as Phases, checksums, bytesPerNode, storageBytesPerNode };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
