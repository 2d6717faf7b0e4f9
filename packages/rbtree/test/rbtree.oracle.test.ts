import { Prng } from "@kva/test-utils";
import { describe, expect, it } from "vitest";
import { NIL, findBy, lowerBound } from "../src/index.js";
import { formatTree } from "../src/debug.js";
import { Fixture } from "./helpers.js";

/**
 * Seeded random runs against a naive model: a sorted array of distinct keys and a map of sizes. The
 * augmented tree (MaxAugment over `size`) and a plain tree receive the same operations from pools that
 * allocate the same records, so their shapes must stay identical: callbacks never change the structure.
 */

interface RunOptions {
  readonly seed: number;
  readonly ops: number;
  /** Keys are drawn from [0, keySpace). */
  readonly keySpace: number;
  /** The live-node count hovers below this. */
  readonly maxLive: number;
  /** `check()` (R1–R5, S1, S2, A1, O1) every this many operations; 1 = after every operation. */
  readonly checkEvery: number;
  /** Full comparison (in-order walk, every subtree max by brute force, shapes) every this many operations. */
  readonly deepEvery: number;
}

interface RunStats {
  inserts: number;
  erases: number;
  finds: number;
  bounds: number;
  resizes: number;
  peak: number;
}

/** A cheap assertion for the hot loop (vitest's `expect` costs microseconds per call). */
function assert(ok: boolean, what: () => string): asserts ok {
  if (!ok) throw new Error(what());
}

/** The index of the first element >= key in a sorted array. */
function lowerIndex(keys: readonly number[], key: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function oracleRun(o: RunOptions): RunStats {
  const prng = new Prng(o.seed);
  const aug = new Fixture(true, false);
  const plain = new Fixture(false);
  const keys: number[] = [];
  const sizes = new Map<number, number>();
  const stats: RunStats = { inserts: 0, erases: 0, finds: 0, bounds: 0, resizes: 0, peak: 0 };
  const probe = (f: Fixture, key: number) => (n: number) => key - f.key(n);

  /** The max size among model keys [keys[from], keys[to]] (inclusive), by a linear scan. */
  const bruteMax = (from: number, to: number): number => {
    let max = -Infinity;
    for (let i = from; i <= to; i++) max = Math.max(max, sizes.get(keys[i]!)!);
    return max;
  };

  const deepCompare = (): void => {
    const walked: number[] = [];
    for (let n = aug.tree.first(); n !== NIL; n = aug.tree.next(n)) walked.push(aug.key(n));
    expect(walked).toEqual(keys);
    const back: number[] = [];
    for (let n = aug.tree.last(); n !== NIL; n = aug.tree.prev(n)) back.push(aug.key(n));
    expect(back.reverse()).toEqual(keys);
    // Every node's stored max equals the brute-force max over the key range its subtree spans.
    for (let n = aug.tree.first(); n !== NIL; n = aug.tree.next(n)) {
      let lo = n;
      while (aug.tree.left(lo) !== NIL) lo = aug.tree.left(lo);
      let hi = n;
      while (aug.tree.right(hi) !== NIL) hi = aug.tree.right(hi);
      const want = bruteMax(lowerIndex(keys, aug.key(lo)), lowerIndex(keys, aug.key(hi)));
      if (aug.max(n) !== want) throw new Error(`subtree max of key ${aug.key(n)} is ${aug.max(n)}, brute force ${want}`);
    }
    expect(formatTree(plain.tree)).toBe(formatTree(aug.tree));
    plain.tree.check(plain.compare);
  };

  for (let op = 1; op <= o.ops; op++) {
    const live = keys.length;
    const r = prng.int(0, 99);
    // Grow to 90 % of maxLive, then hover there.
    const insertShare = live < o.maxLive * 0.9 ? 45 : live < o.maxLive ? 30 : 0;
    if (r < insertShare) {
      const key = prng.int(0, o.keySpace - 1);
      const at = lowerIndex(keys, key);
      if (keys[at] === key) {
        const n = findBy(aug.tree, probe(aug, key));
        assert(n !== NIL && aug.key(n) === key, () => `op ${op}: findBy(${key}) missed a present key`);
      } else {
        const size = prng.int(0, 1_000_000);
        const n = aug.add(key, size);
        assert(plain.add(key, size) === n, () => `op ${op}: the two pools diverged`);
        keys.splice(at, 0, key);
        sizes.set(key, size);
        stats.inserts++;
      }
    } else if (r < 60) {
      if (live === 0) continue;
      const key = keys[prng.int(0, live - 1)]!;
      const n = findBy(aug.tree, probe(aug, key));
      const m = findBy(plain.tree, probe(plain, key));
      assert(n !== NIL && m === n, () => `op ${op}: findBy(${key}) gave ${n} and ${m}`);
      aug.tree.eraseAugmented(n);
      aug.pool.release(n);
      plain.tree.erase(m);
      plain.pool.release(m);
      keys.splice(lowerIndex(keys, key), 1);
      sizes.delete(key);
      stats.erases++;
    } else if (r < 75) {
      const key = prng.int(0, o.keySpace - 1);
      const n = findBy(aug.tree, probe(aug, key));
      const present = keys[lowerIndex(keys, key)] === key;
      assert(present ? n !== NIL && aug.key(n) === key : n === NIL, () => `op ${op}: findBy(${key}) gave ${n}, model has it: ${present}`);
      stats.finds++;
    } else if (r < 90) {
      const key = prng.int(-1, o.keySpace);
      const n = lowerBound(aug.tree, probe(aug, key));
      const want = keys[lowerIndex(keys, key)];
      const got = n === NIL ? undefined : aug.key(n);
      assert(got === want, () => `op ${op}: lowerBound(${key}) gave ${got}, model ${want}`);
      stats.bounds++;
    } else {
      // Resize a node in place and propagate, as the allocator does when it shrinks or grows a block.
      if (live === 0) continue;
      const key = keys[prng.int(0, live - 1)]!;
      const size = prng.int(0, 1_000_000);
      const n = findBy(aug.tree, probe(aug, key));
      aug.setSize(n, size);
      aug.tree.augment!.propagate(n, NIL);
      sizes.set(key, size);
      stats.resizes++;
    }
    stats.peak = Math.max(stats.peak, keys.length);
    assert(aug.tree.size === keys.length, () => `op ${op}: size ${aug.tree.size}, model ${keys.length}`);
    if (op % o.checkEvery === 0) {
      aug.tree.check(aug.compare);
      const root = aug.tree.root;
      const want = keys.length === 0 ? undefined : bruteMax(0, keys.length - 1);
      const got = root === NIL ? undefined : aug.max(root);
      assert(got === want, () => `op ${op}: root max ${got}, brute force ${want}`);
    }
    if (op % o.deepEvery === 0) deepCompare();
  }
  deepCompare();
  aug.tree.check(aug.compare);
  expect(aug.pool.live).toBe(keys.length);
  return stats;
}

describe("RbTree (oracle)", () => {
  // check() is O(n), so this run keeps at most 128 live nodes (trees of height up to ~9, every case many
  // times over); the next run covers large trees.
  it("matches a sorted-array model over 10^5 operations with check() after every one", { timeout: 30_000 }, () => {
    const stats = oracleRun({ seed: 20190402, ops: 100_000, keySpace: 512, maxLive: 128, checkEvery: 1, deepEvery: 500 });
    expect(stats.peak).toBeLessThanOrEqual(128);
    expect(stats.peak).toBeGreaterThanOrEqual(0.9 * 128);
    expect(Math.min(stats.inserts, stats.erases, stats.finds, stats.bounds, stats.resizes)).toBeGreaterThan(5000);
  });

  it("matches the model on a larger tree with check() every 1000 operations", { timeout: 30_000 }, () => {
    const stats = oracleRun({ seed: 52, ops: 200_000, keySpace: 1_000_000, maxLive: 8192, checkEvery: 1000, deepEvery: 50_000 });
    expect(stats.peak).toBeLessThanOrEqual(8192);
    expect(stats.peak).toBeGreaterThanOrEqual(0.9 * 8192);
  });
});
