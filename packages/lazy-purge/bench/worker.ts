/**
 * One benchmark measurement in a fresh process (spawned by bench/run.ts): a `fix_size_alloc_test`-like
 * loop — allocate 4 pages (3 pages plus the guard page, `align = 1`, the x86-64 vmalloc range) and free
 * them — over VmapSpace, either with immediate frees (`immediate`) or through LazyPurge with the given era
 * and CPU count. Prints one JSON line.
 *
 *     node --import tsx bench/worker.ts <subject> <pairs>     subject: immediate | <era>:<cpus>
 */
import { VmapSpace } from "@kva/vmap";
import { type LazyEra, LazyPurge } from "../src/index.js";

export interface WorkerResult {
  readonly subject: string;
  readonly era: LazyEra | null;
  readonly cpus: number | null;
  readonly lazyMaxPages: number | null;
  readonly pairs: number;
  readonly ms: number;
  readonly nsPerPair: number;
  readonly purges: number;
  readonly avgBatch: number | null;
  readonly flushes: number;
}

/** x86-64 `[VMALLOC_START, VMALLOC_END]` (4-level paging) as 4 KiB page numbers, end exclusive. */
const VMALLOC_START = 0xffffc90000000000n >> 12n;
const VMALLOC_END = (0xffffe8ffffffffffn + 1n) >> 12n;
const SIZE = 4;

interface Pair {
  alloc(size: number): number | undefined;
  free(addr: number): number;
}

function loop(target: Pair, pairs: number): void {
  for (let i = 0; i < pairs; i++) {
    const addr = target.alloc(SIZE);
    if (addr === undefined) throw new Error(`alloc failed at pair ${i}`);
    target.free(addr);
  }
}

function main(): void {
  const [subject = "immediate", pairsArg = "1000000"] = process.argv.slice(2);
  const pairs = Number(pairsArg);
  const space = new VmapSpace({ start: Number(VMALLOC_START), end: Number(VMALLOC_END) });
  let lazy: LazyPurge | undefined;
  if (subject !== "immediate") {
    const [era, cpus] = subject.split(":");
    lazy = new LazyPurge(space, { era: era as LazyEra, cpus: Number(cpus) });
  }
  const target: Pair = lazy ?? space;
  // Warm-up: a tenth of the loop, then the counters are read as deltas.
  loop(target, Math.ceil(pairs / 10));
  const before = lazy?.stats().lazy;
  const t0 = process.hrtime.bigint();
  loop(target, pairs);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const after = lazy?.stats().lazy;
  const purges = before && after ? after.batches.count - before.batches.count : 0;
  const areas = before && after ? after.batches.totalAreas - before.batches.totalAreas : 0;
  const result: WorkerResult = {
    subject,
    era: lazy?.era ?? null,
    cpus: lazy?.cpus ?? null,
    lazyMaxPages: lazy?.lazyMaxPages ?? null,
    pairs,
    ms,
    nsPerPair: (ms * 1e6) / pairs,
    purges,
    avgBatch: purges > 0 ? areas / purges : null,
    flushes: before && after ? after.flushes.count - before.flushes.count : 0,
  };
  lazy?.check();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
