/**
 * Seeded oracle runs (the slow suite of @kva/vmap: about 10 s): VmapSpace against test-utils' NaiveAllocator, mirrored operation by operation.
 *
 * The rules per answer (DESIGN.md "The allocator contract", KERNEL.md §3.1):
 * - align 1, the `'exact'` policy, and `'adaptive'` when it does not pad (align ≤ pageSize, or the window
 *   is exactly the size): the answer is the lowest fit (`lowestFit`), `undefined` exactly when none exists.
 * - otherwise (the padded length `size + align − 1`): a valid fit no lower than the lowest fit and no
 *   higher than the lowest block whose usable part is at least `size + align − 1` long
 *   (`lowestPaddedBlockFit`); `undefined` only when no such block exists.
 * The model is kept in the same state: a lowest-fit answer is mirrored with `alloc`, any other address
 * with `reserve(addr, size)`; frees, detaches and releases are mirrored as they are.
 */
import {
  NaiveAllocator,
  Prng,
  assertPartition,
  assertSameLayout,
  assertStatsConsistent,
  assertValidFit,
  classifyFit,
  lowestFit,
  lowestPaddedBlockFit,
} from "@kva/test-utils";
import { describe, expect, it } from "vitest";
import { type SearchPolicy, VmapSpace } from "../src/index.js";

interface Run {
  readonly search: SearchPolicy;
  readonly seed: number;
  readonly ops: number;
  readonly start: number;
  readonly end: number;
  readonly pageSize: number;
  /** Sizes are 1..maxPages pages. */
  readonly maxPages: number;
}

interface Tally {
  allocs: number;
  failures: number;
  /** Padded answers above the lowest fit. */
  higher: number;
  /** Padded failures although a fit existed. */
  missed: number;
  /** Answers that had to be the lowest fit. */
  lowest: number;
  frees: number;
  releases: number;
}

/** `check()` after every operation up to here, then every `CHECK_EVERY` (the layout comparison every 10). */
const FULL_CHECKS = 2000;
const CHECK_EVERY = 100;
/** Per-test timeout: a run takes about 3 s alone, more on a loaded CI machine. */
const SLOW = 60_000;

// vitest's expect() costs tens of microseconds a call; the hot loop calls it only to report a failure.
function same(actual: unknown, expected: unknown, label: string): void {
  if (!Object.is(actual, expected)) expect(actual, label).toBe(expected);
}
function holds(ok: boolean, label: string): void {
  if (!ok) expect.fail(label);
}

function oracleRun(run: Run): Tally {
  const { search, start, end, pageSize } = run;
  const space = new VmapSpace({ start, end, search, pageSize });
  const model = new NaiveAllocator({ start, end, pageSize });
  const rng = new Prng(run.seed);
  const live: number[] = [];
  const detached: number[] = [];
  const tally: Tally = { allocs: 0, failures: 0, higher: 0, missed: 0, lowest: 0, frees: 0, releases: 0 };
  const aligns = [2, 4, 8, 16, 64, 256, 4096];
  const span = end - start;

  for (let i = 0; i < run.ops; i++) {
    // Phases as in the kernel traces' workload: alloc-heavy, then free-heavy.
    const allocProb = Math.floor(i / 2500) % 2 === 0 ? 0.56 : 0.44;
    const r = rng.next();
    if (r < allocProb || live.length === 0) {
      const size = rng.int(1, run.maxPages) * pageSize;
      const a = rng.next();
      const align = a < 0.4 ? 1 : a < 0.7 ? rng.pick(aligns) : a < 0.99 ? 2 ** rng.int(0, 12) : 2 ** rng.int(30, 52);
      let vstart = start;
      let vend = end;
      const w = rng.next();
      if (w < 0.1) {
        vend = Math.min(end, start + size + rng.int(0, Math.floor(span / 8)));
      } else if (w < 0.15) {
        vstart = rng.int(start, end - 1);
        vend = rng.int(vstart + 1, end);
      } else if (w < 0.2 && span > size) {
        // an exact window (the KASAN shape), aligned when the space allows it
        const at = rng.int(start, end - size);
        vstart = Math.max(start, Math.floor(at / align) * align);
        vend = vstart + size;
      }
      const label = (): string => `op ${i}: ${search} alloc(${size}, ${align}, ${vstart}, ${vend})`;
      const free = model.freeAreas();
      const lowest = lowestFit(free, size, align, vstart, vend);
      const bound = lowestPaddedBlockFit(free, size, align, vstart, vend);
      const fitsBefore = space.stats().fits;
      const got = space.alloc(size, align, vstart, vend);
      const mustBeLowest =
        align === 1 || search === "exact" || (search === "adaptive" && (align <= pageSize || vend - vstart === size));
      if (mustBeLowest) {
        same(got, lowest, label());
        tally.lowest++;
      } else if (got === undefined) {
        holds(bound === undefined, `${label()} failed, but the block at the padded bound ${bound} fits`);
        if (lowest !== undefined) tally.missed++;
      } else {
        assertValidFit(got, size, align, vstart, vend);
        holds(got >= lowest!, `${label()} = ${got} is below the lowest fit ${lowest}`);
        holds(bound === undefined || got <= bound, `${label()} = ${got} is above the padded bound ${bound}`);
        if (got > lowest!) tally.higher++;
      }
      if (got === undefined) {
        tally.failures++;
      } else {
        // The fit counter that moved is the split of the block that held the answer.
        const block = free.find((b) => b.start <= got && got < b.end)!;
        const type = classifyFit(block, got, size)!;
        same(space.stats().fits[type], fitsBefore[type] + 1, `${label()}: fits.${type}`);
        if (got === lowest) same(model.alloc(size, align, vstart, vend), got, label());
        else same(model.reserve(got, size), true, label());
        live.push(got);
        tally.allocs++;
      }
    } else if (r < 0.94 || live.length === 0) {
      const addr = live.splice(rng.int(0, live.length - 1), 1)[0]!;
      same(space.free(addr), model.free(addr), `op ${i}: free(${addr})`);
      tally.frees++;
    } else if (r < 0.97) {
      const addr = live.splice(rng.int(0, live.length - 1), 1)[0]!;
      same(space.detach(addr), model.detach(addr), `op ${i}: detach(${addr})`);
      detached.push(addr);
    } else if (detached.length > 0) {
      // Release one detached area, together with the detached areas that directly follow it.
      const sorted = model.detachedAreas();
      const k = rng.int(0, sorted.length - 1);
      let j = k;
      while (j + 1 < sorted.length && sorted[j + 1]!.start === sorted[j]!.end && rng.bool(0.7)) j++;
      const from = sorted[k]!.start;
      const size = sorted[j]!.end - from;
      space.release(from, size);
      model.release(from, size);
      for (let x = k; x <= j; x++) detached.splice(detached.indexOf(sorted[x]!.start), 1);
      tally.releases++;
    }

    if (i < FULL_CHECKS || i % CHECK_EVERY === 0) {
      space.check();
      if (i % 10 === 0) assertSameLayout(space, model);
      if (i % CHECK_EVERY === 0) {
        model.check();
        assertPartition(space);
        assertStatsConsistent(space);
        const s = space.stats();
        const m = model.stats();
        expect([s.detachedCount, s.detachedSize, s.frees, s.allocs, s.failures]).toEqual([
          m.detachedCount,
          m.detachedSize,
          m.frees,
          tally.allocs,
          tally.failures,
        ]);
      }
    }
  }
  space.check();
  assertSameLayout(space, model);
  assertStatsConsistent(space);
  return tally;
}

describe("VmapSpace oracle runs", () => {
  // A kernel-like space: start 1, 2^14 pages, sizes of 1..48 pages, random alignments (a few impossible
  // ones), low, random and exact windows. 'adaptive' runs in units of 4 per page so that alignments of
  // 2 and 4 are at most one page and searched without padding.
  it.each([
    ["padded", 0xd5, 1],
    ["exact", 0x516, 1],
    ["adaptive", 0x518, 4],
  ] as const)("%s: agrees with the naive model over 20,000 seeded operations", (search, seed, pageSize) => {
    const tally = oracleRun({ search, seed, ops: 20_000, start: pageSize, end: pageSize * (1 + 2 ** 14), pageSize, maxPages: 48 });
    expect(tally.allocs).toBeGreaterThan(8000);
    expect(tally.failures).toBeGreaterThan(50);
    expect(tally.frees).toBeGreaterThan(5000);
    expect(tally.releases).toBeGreaterThan(200);
    if (search === "exact") {
      expect(tally.lowest).toBe(tally.allocs + tally.failures);
    } else {
      // The padded length really does move answers up and miss fits (KERNEL.md §3.1's measurements).
      expect(tally.higher).toBeGreaterThan(100);
      expect(tally.missed).toBeGreaterThan(0);
    }
  }, SLOW);

  // Addresses just below 2^53: alignment and fit arithmetic must stay exact.
  it.each(["padded", "exact", "adaptive"] as const)("%s: agrees with the naive model just below 2^53", (search) => {
    const end = Number.MAX_SAFE_INTEGER;
    const tally = oracleRun({ search, seed: 53, ops: 1000, start: end - 2 ** 24, end, pageSize: 1, maxPages: 2 ** 12 });
    expect(tally.allocs).toBeGreaterThan(400);
  }, SLOW);
});
