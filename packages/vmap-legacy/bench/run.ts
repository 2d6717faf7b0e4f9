/**
 * Side-by-side benchmark: LegacyVmapSpace (the ≤ 5.1 busy-list allocator, the seed's "default") against
 * VmapSpace (the 5.2 free tree, "patched"), in one process, on the same request streams.
 *
 *   pnpm bench                     (= tsx bench/run.ts; writes bench/results/latest.json)
 *   pnpm bench --quick             (smaller time budget per cell, for a smoke run)
 *
 * Workloads, in page units over the x86-64 4-level vmalloc range with byte alignments (alignShift 12):
 * 1. steady state: N live areas (sizes 1–256 pages, packed from the bottom), then alloc+free pairs
 *    (alloc a 1–256-page area, free a random live one) with align 1 or a random power of two from 1 B to
 *    4 MiB (test_vmalloc's random_size_align_alloc_test); µs per pair and list steps per allocation.
 * 2. long_busy_list (lib/test_vmalloc.c bit 4, KERNEL.md §7.2 / §8): the 31-page pointer array, 15000 live
 *    2-page areas, then loops of alloc 101 + alloc 2 + free both; with and without one stray 2-page area
 *    37 or 5001 pages above the block (KERNEL.md §8 [model]), with immediate frees and with the kernel's lazy purge (lazy_max_pages for 4 CPUs,
 *    purge newest first) emulated here with detach/release.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { Prng } from "@kva/test-utils";
import { type KvaAllocator, type Range, VmapSpace } from "@kva/vmap";
import { LegacyVmapSpace, type LegacyVmapStats } from "../src/index.js";

const QUICK = process.argv.includes("--quick");
const CELL_MS = QUICK ? 150 : 700;
const START = 0xffffc90000000000n >> 12n; // VMALLOC_START, in pages
const END = 0xffffe8ffffffffffn >> 12n; // VMALLOC_END (the last, partial page is unusable, as in the kernel)
const SPACE = { start: Number(START), end: Number(END), alignShift: 12 };
/**
 * Offsets (pages) of the stray long-lived area above the 15000-area block: one the 101-page request has to
 * skip at every iteration even with immediate frees, and one that only the lazily freed areas reach.
 */
const NEAR_STRAY = 37;
const STRAY = 5001;

type Kind = "legacy" | "vmap";

function make(kind: Kind, early: Range[]): KvaAllocator {
  return kind === "legacy" ? new LegacyVmapSpace({ ...SPACE, early, initialCapacity: early.length * 2 + 64 }) : new VmapSpace({ ...SPACE, early, initialCapacity: early.length * 3 + 64 });
}

/**
 * N areas of 1–256 pages packed from VMALLOC_START, as a lowest-fit allocator leaves a long-running
 * system; the pairs then keep a few holes open at random places. (With many holes in the initial layout
 * the walks stay short until the low holes fill, which takes far more pairs than a cell runs.)
 */
function layout(n: number, seed: number): Range[] {
  const prng = new Prng(seed);
  const out: Range[] = [];
  let cursor = SPACE.start;
  for (let i = 0; i < n; i++) {
    const size = prng.int(1, 256);
    out.push({ start: cursor, end: cursor + size });
    cursor += size;
  }
  return out;
}

interface Request {
  size: number;
  align: number;
  pick: number;
}

function requests(count: number, seed: number, randomAlign: boolean): Request[] {
  const prng = new Prng(seed);
  return Array.from({ length: count }, () => ({
    size: prng.int(1, 256),
    align: randomAlign ? 2 ** prng.int(0, 22) : 1,
    pick: prng.nextU32(),
  }));
}

interface PairResult {
  pairs: number;
  usPerPair: number;
  stepsPerAlloc: number | undefined;
  resetsPerAlloc: number | undefined;
  failures: number;
}

/** alloc one area, free a random live one: N stays constant. Runs warm-up pairs, then for CELL_MS. */
function steady(kind: Kind, early: Range[], reqs: readonly Request[]): PairResult {
  const s = make(kind, early);
  const live = early.map((r) => r.start);
  let i = 0;
  const pair = (): void => {
    const r = reqs[i++ % reqs.length]!;
    const addr = s.alloc(r.size, r.align);
    if (addr !== undefined) live.push(addr);
    const j = r.pick % live.length;
    const victim = live[j]!;
    live[j] = live[live.length - 1]!;
    live.pop();
    s.free(victim);
  };
  for (let w = 0; w < 200 && (kind === "vmap" || w < 20); w++) pair();
  const legacy = kind === "legacy" ? (s as LegacyVmapSpace) : undefined;
  const before = legacy?.stats();
  const failuresBefore = s.stats().failures;
  const t0 = performance.now();
  let pairs = 0;
  let elapsed: number;
  do {
    for (let k = 0; k < 16; k++) pair();
    pairs += 16;
    elapsed = performance.now() - t0;
  } while (elapsed < CELL_MS);
  const after = legacy?.stats();
  const allocs = after && before ? after.passes - before.passes : 0;
  return {
    pairs,
    usPerPair: (elapsed * 1000) / pairs,
    stepsPerAlloc: after && before ? (after.listSteps - before.listSteps) / allocs : undefined,
    resetsPerAlloc: after && before ? (totalResets(after) - totalResets(before)) / allocs : undefined,
    failures: s.stats().failures - failuresBefore,
  };
}

interface LongBusyResult {
  variant: string;
  kind: Kind;
  iterations: number;
  usPerIteration: number;
  stepsPerAlloc: number | undefined;
  maxWalk: number | undefined;
  resets: number | undefined;
  sizeBelowHole: number | undefined;
  purges: number;
}

/**
 * long_busy_list_alloc_test: vmalloc(8·15000) (30 pages + guard), 15000 × vmalloc(1 page) (2 pages with the
 * guard) kept, then per iteration p1 = vmalloc(100 pages) (101), p2 = vmalloc(1 page) (2), vfree both.
 * `stray` places one long-lived 2-page area that many pages above the 15000 block; `lazyMax` turns vfree
 * into the kernel's lazy free (detach; purge everything, newest first, once more than lazyMax pages wait).
 */
function longBusyList(kind: Kind, iterations: number, stray: number | undefined, lazyMax: number | undefined): LongBusyResult {
  const s = make(kind, []);
  s.alloc(31);
  for (let i = 0; i < 15000; i++) s.alloc(2);
  const blockEnd = SPACE.start + 31 + 30000;
  if (stray !== undefined) s.reserve(blockEnd + stray, 2);
  const lazy: { addr: number; size: number }[] = [];
  let lazyNr = 0;
  let purges = 0;
  const vfree = (addr: number): void => {
    if (lazyMax === undefined) {
      s.free(addr);
      return;
    }
    const size = s.detach(addr);
    lazy.push({ addr, size });
    lazyNr += size;
    if (lazyNr > lazyMax) {
      for (let k = lazy.length - 1; k >= 0; k--) s.release(lazy[k]!.addr, lazy[k]!.size);
      lazy.length = 0;
      lazyNr = 0;
      purges++;
    }
  };
  const legacy = kind === "legacy" ? (s as LegacyVmapSpace) : undefined;
  const before = legacy?.stats();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    const p1 = s.alloc(101)!;
    const p2 = s.alloc(2)!;
    vfree(p1);
    vfree(p2);
  }
  const elapsed = performance.now() - t0;
  const after = legacy?.stats();
  return {
    variant: `${stray === undefined ? "regular" : `stray +${stray}`}, ${lazyMax === undefined ? "immediate free" : `lazy, purge > ${lazyMax} pages (${lazyMax === 8192 ? "1 CPU" : `${lazyMax / 8192 === 3 ? "4–7" : "?"} CPUs`})`}`,
    kind,
    iterations,
    usPerIteration: (elapsed * 1000) / iterations,
    stepsPerAlloc: after && before ? (after.listSteps - before.listSteps) / (after.passes - before.passes) : undefined,
    maxWalk: after?.maxWalk,
    resets: after && before ? totalResets(after) - totalResets(before) : undefined,
    sizeBelowHole: after && before ? after.cacheResets.sizeBelowHole - before.cacheResets.sizeBelowHole : undefined,
    purges,
  };
}

function totalResets(s: LegacyVmapStats): number {
  const r = s.cacheResets;
  return r.noCache + r.sizeBelowHole + r.lowerVstart + r.smallerAlign + r.vstartAboveCache;
}

const fmt = (x: number | undefined, digits = 2): string => (x === undefined ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(digits));

function main(): void {
  const started = performance.now();
  const steadyRows: Record<string, unknown>[] = [];
  const lines: string[] = [];
  const emit = (line: string): void => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  emit("### Steady state: alloc + free pairs with N live areas packed from VMALLOC_START (page units)");
  emit("");
  emit("| N | align | legacy µs/pair | vmap µs/pair | ratio | legacy list steps/alloc | legacy cache resets/alloc |");
  emit("| ---: | :--- | ---: | ---: | ---: | ---: | ---: |");
  // Warm-up: both allocators' hot paths compiled before the first measured cell.
  for (const kind of ["vmap", "legacy"] as const) steady(kind, layout(1000, 7), requests(4096, 8, true));
  for (const n of [1e3, 1e4, 1e5, 1e6]) {
    const early = layout(n, n);
    for (const randomAlign of [false, true]) {
      const reqs = requests(65536, n + 1, randomAlign);
      const vmap = steady("vmap", early, reqs);
      const legacy = steady("legacy", early, reqs);
      const align = randomAlign ? "2^0…2^22 B" : "1";
      steadyRows.push({ n, align, legacy, vmap, ratio: legacy.usPerPair / vmap.usPerPair });
      emit(
        `| ${n.toExponential(0).replace("e+", "e")} | ${align} | ${fmt(legacy.usPerPair)} | ${fmt(vmap.usPerPair)} | ${fmt(legacy.usPerPair / vmap.usPerPair, 1)}× | ${fmt(legacy.stepsPerAlloc, 1)} | ${fmt(legacy.resetsPerAlloc)} |`,
      );
    }
  }
  const iterations = QUICK ? 2000 : 20000;
  const longRows: LongBusyResult[] = [];
  emit("");
  emit(`### long_busy_list: 15000 live 2-page areas, ${iterations} × (alloc 101 + alloc 2 + free both)`);
  emit("");
  emit("| layout, frees | legacy µs/iter | vmap µs/iter | ratio | legacy steps/alloc | max walk | cache resets (size < hole) | purges |");
  emit("| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [stray, lazyMax] of [
    [undefined, undefined],
    [NEAR_STRAY, undefined],
    [undefined, 24576],
    [STRAY, 24576],
    [STRAY, 8192],
  ] as const) {
    const legacy = longBusyList("legacy", iterations, stray, lazyMax);
    const vmap = longBusyList("vmap", iterations, stray, lazyMax);
    longRows.push(legacy, vmap);
    emit(
      `| ${legacy.variant} | ${fmt(legacy.usPerIteration)} | ${fmt(vmap.usPerIteration)} | ${fmt(legacy.usPerIteration / vmap.usPerIteration, 1)}× | ${fmt(legacy.stepsPerAlloc, 1)} | ${legacy.maxWalk} | ${legacy.resets} (${legacy.sizeBelowHole}) | ${legacy.purges} |`,
    );
  }
  const cpu = cpus()[0]?.model ?? "unknown";
  const command = `pnpm bench${QUICK ? " --quick" : ""} (tsx bench/run.ts) in packages/vmap-legacy`;
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    // not a git checkout
  }
  const meta = { command, node: process.version, cpu, cores: cpus().length, date: new Date().toISOString(), commit, cellMs: CELL_MS, seconds: (performance.now() - started) / 1000 };
  emit("");
  emit(`${meta.date.slice(0, 10)}, ${cpu} (${meta.cores} cores), Node ${meta.node}, \`${command}\`, ${meta.seconds.toFixed(0)} s.`);
  const dir = new URL("./results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("latest.json", dir), `${JSON.stringify({ ...meta, steady: steadyRows, longBusyList: longRows, markdown: lines.join("\n") }, null, 2)}\n`);
}

main();
