import { NIL, NodePool } from "@kva/rbtree";
import { formatTree } from "@kva/rbtree/debug";
import { Prng, lowestFit, lowestPaddedBlockFit } from "@kva/test-utils";
import { describe, expect, it } from "vitest";
import {
  type ClipCounters,
  FL_FIT_TYPE,
  FreeSpace,
  LE_FIT_TYPE,
  NE_FIT_TYPE,
  NOTHING_FIT,
  RE_FIT_TYPE,
  alignUp,
  classifyFit,
} from "../src/free-space.js";
import { END, MAX, NEXT, RECORD_BYTES, S32, S64, START } from "../src/layout.js";

/** A free space over a fresh pool, with helpers to add blocks and read them back. */
class Fixture {
  readonly pool = new NodePool({ recordBytes: RECORD_BYTES, initialCapacity: 4 });
  readonly space = new FreeSpace(this.pool);
  readonly counters: ClipCounters = { FL: 0, LE: 0, RE: 0, NE: 0, neReused: 0, neFresh: 0 };

  /** A record holding `[start, end)`, linked nowhere. */
  record(start: number, end: number): number {
    const node = this.pool.alloc();
    this.pool.f64[node * S64 + START] = start;
    this.pool.f64[node * S64 + END] = end;
    return node;
  }

  /** Inserts free blocks in the given order (each from the root). */
  insert(...blocks: [number, number][]): number[] {
    return blocks.map(([s, e]) => {
      const node = this.record(s, e);
      this.space.insert(node, NIL);
      return node;
    });
  }

  range(node: number): [number, number] {
    return [this.pool.f64[node * S64 + START]!, this.pool.f64[node * S64 + END]!];
  }

  blocks(): [number, number][] {
    const out: [number, number][] = [];
    for (let n = this.space.tree.first(); n !== NIL; n = this.space.tree.next(n)) out.push(this.range(n));
    return out;
  }

  /** The tree in kernel notation, nodes labelled `start-end:max`. */
  shape(): string {
    const f = this.pool.f64;
    return formatTree(this.space.tree, (n) => `${f[n * S64 + START]}-${f[n * S64 + END]}:${f[n * S64 + MAX]}`);
  }

  find(size: number, align: number, length: number, vstart: number, shift: boolean): [number, number] | undefined {
    const node = this.space.findLowestMatch(size, align, length, vstart, shift);
    return node === NIL ? undefined : this.range(node);
  }
}

describe("alignUp()", () => {
  it.each([
    [0, 8, 0],
    [1, 8, 8],
    [8, 8, 8],
    [9, 1, 9],
    [2 ** 53 - 1, 2 ** 52, 2 ** 53],
    [1, 2 ** 52, 2 ** 52],
    [2 ** 52 + 1, 2 ** 51, 2 ** 52 + 2 ** 51],
  ])("rounds %i up to a multiple of %i exactly", (x, a, want) => {
    expect(alignUp(x, a)).toBe(want);
  });
});

describe("classifyFit()", () => {
  // classify_va_fit_type for [nva, nva + size) in the block [8, 24).
  it.each([
    [8, 16, FL_FIT_TYPE],
    [8, 4, LE_FIT_TYPE],
    [20, 4, RE_FIT_TYPE],
    [12, 4, NE_FIT_TYPE],
    [4, 8, NOTHING_FIT],
    [20, 8, NOTHING_FIT],
    [24, 1, NOTHING_FIT],
  ])("classifies [%i, +%i) in [8, 24) as type %i", (nva, size, type) => {
    expect(classifyFit(8, 24, nva, size)).toBe(type);
  });
});

describe("FreeSpace", () => {
  describe("insert()", () => {
    it("keeps tree, list and subtree_max_size consistent (A1, L1)", () => {
      const fx = new Fixture();
      fx.insert([40, 48], [0, 4], [20, 30], [60, 64], [10, 12]);
      fx.space.check();
      expect(fx.blocks()).toEqual([[0, 4], [10, 12], [20, 30], [40, 48], [60, 64]]);
      expect(fx.space.largest).toBe(10);
      expect(fx.space.size).toBe(28);
      expect(fx.space.count).toBe(5);
      // [20, 30) arrives as an inner grandchild: rotate at [0, 4), then at the root (insert cases 2 and 3);
      // [60, 64) recolours (case 1).
      expect(fx.shape()).toBe("B20-30:10(B0-4:4(-,r10-12:2),B40-48:8(-,r60-64:4))");
    });
  });

  describe("augment_tree_propagate_from", () => {
    // KERNEL.md §2.2's example: a node 4--8 (own size 4, subtree max 8) over children 2--2 and 8--8.
    function example(): { fx: Fixture; parent: number; big: number } {
      const fx = new Fixture();
      const [parent, , big] = fx.insert([10, 14], [0, 2], [20, 28]);
      expect(fx.shape()).toBe("B10-14:8(r0-2:2,r20-28:8)");
      return { fx, parent: parent!, big: big! };
    }

    it("changes nothing above when a node shrinks below its subtree max", () => {
      const { fx, parent } = example();
      fx.pool.f64[parent * S64 + END] = 12;
      fx.space.augment.propagate(parent, NIL);
      expect(fx.shape()).toBe("B10-12:8(r0-2:2,r20-28:8)");
      fx.space.size -= 2;
      fx.space.check();
    });

    it("updates the path when the largest leaf shrinks", () => {
      const { fx, big } = example();
      fx.pool.f64[big * S64 + END] = 26;
      fx.space.augment.propagate(big, NIL);
      expect(fx.shape()).toBe("B10-14:6(r0-2:2,r20-26:6)");
      fx.space.size -= 2;
      fx.space.check();
    });

    it("stops at the first node whose value is unchanged", () => {
      const { fx, parent, big } = example();
      fx.pool.f64[parent * S64 + MAX] = 99; // a stale value above
      fx.pool.f64[big * S64 + END] = 27;
      fx.pool.f64[big * S64 + MAX] = 7; // already up to date: propagation stops here
      fx.space.augment.propagate(big, NIL);
      expect(fx.pool.f64[parent * S64 + MAX]).toBe(99);
    });
  });

  describe("merge()", () => {
    // Free lower = [0, 8) and upper = [24, 32); an area comes back between or beside them
    // (merge_or_add_vmap_area). The result is held by the area's own record or by the neighbour it merged
    // into; every absorbed record goes back to the pool.
    it.each([
      ["links a lone area", [12, 16], [[0, 8], [12, 16], [24, 32]], "self"],
      ["merges into the previous block", [8, 12], [[0, 12], [24, 32]], "lower"],
      ["merges into the next block", [20, 24], [[0, 8], [20, 32]], "upper"],
      ["merges both neighbours into the previous block", [8, 24], [[0, 32]], "lower"],
      ["links an area above every block", [40, 48], [[0, 8], [24, 32], [40, 48]], "self"],
      ["merges an area above every block into the last one", [32, 40], [[0, 8], [24, 40]], "upper"],
    ] as const)("%s", (_what, [s, e], after, holder) => {
      const fx = new Fixture();
      const [lower, upper] = fx.insert([0, 8], [24, 32]);
      const node = fx.record(s, e);
      const got = fx.space.merge(node);
      fx.space.check();
      expect(fx.blocks()).toEqual(after);
      expect(got).toBe({ self: node, lower, upper }[holder]);
      expect(fx.pool.live).toBe(after.length);
      expect(fx.space.size).toBe(after.reduce((sum, [a, b]) => sum + b - a, 0));
    });

    it("links the first block of an empty space", () => {
      const fx = new Fixture();
      const node = fx.record(4, 8);
      expect(fx.space.merge(node)).toBe(node);
      expect(fx.blocks()).toEqual([[4, 8]]);
      fx.space.check();
    });
  });

  describe("clip()", () => {
    it.each([
      ["FL", 8, 16, FL_FIT_TYPE, []],
      ["LE", 8, 4, LE_FIT_TYPE, [[12, 24]]],
      ["RE", 20, 4, RE_FIT_TYPE, [[8, 20]]],
      ["NE", 12, 4, NE_FIT_TYPE, [[8, 12], [16, 24]]],
    ] as const)("cuts a %s fit out of the block", (name, nva, size, type, after) => {
      const fx = new Fixture();
      const [, block] = fx.insert([0, 4], [8, 24], [40, 48]);
      expect(fx.space.clip(block!, nva, size, fx.counters)).toBe(type);
      fx.space.check();
      expect(fx.blocks()).toEqual([[0, 4], ...after, [40, 48]]);
      expect(fx.counters).toEqual({ FL: 0, LE: 0, RE: 0, NE: 0, [name]: 1, neReused: 0, neFresh: name === "NE" ? 1 : 0 });
      expect(fx.pool.live).toBe(2 + after.length);
    });

    it("inserts the NE remainder into the split node's left subtree and reuses a released record", () => {
      const fx = new Fixture();
      const [a, block] = fx.insert([0, 4], [8, 24]);
      fx.space.unlink(a!);
      fx.pool.release(a!);
      expect(fx.space.clip(block!, 12, 4, fx.counters)).toBe(NE_FIT_TYPE);
      fx.space.check();
      expect(fx.shape()).toBe("B16-24:8(r8-12:4,-)");
      expect(fx.counters.neReused).toBe(1);
    });

    it.each([
      [4, 8],
      [20, 8],
      [24, 4],
    ])("returns NOTHING_FIT and changes nothing for [%i, +%i)", (nva, size) => {
      const fx = new Fixture();
      const [, block] = fx.insert([0, 4], [8, 24]);
      const before = fx.shape();
      expect(fx.space.clip(block!, nva, size, fx.counters)).toBe(NOTHING_FIT);
      expect(fx.shape()).toBe(before);
      expect(fx.counters).toEqual({ FL: 0, LE: 0, RE: 0, NE: 0, neReused: 0, neFresh: 0 });
      fx.space.check();
    });
  });

  describe("enclosing() and containing()", () => {
    it.each([
      [3, undefined, undefined],
      [4, [4, 8], [4, 8]],
      [8, [4, 8], undefined],
      [10, [4, 8], undefined],
      [12, [12, 20], [12, 20]],
      [19, [12, 20], [12, 20]],
      [20, [12, 20], undefined],
      [99, [30, 40], undefined],
    ] as const)("at %i: enclosing %j, containing %j", (addr, enclosing, containing) => {
      const fx = new Fixture();
      fx.insert([12, 20], [4, 8], [30, 40]);
      const e = fx.space.enclosing(addr);
      const c = fx.space.containing(addr);
      expect(e === NIL ? undefined : fx.range(e)).toEqual(enclosing);
      expect(c === NIL ? undefined : fx.range(c)).toEqual(containing);
    });
  });

  describe("findLowestMatch()", () => {
    // [32, 64) is the root, [8, 12) its left child.
    function twoBlocks(): Fixture {
      const fx = new Fixture();
      fx.insert([32, 64], [8, 12]);
      expect(fx.shape()).toBe("B32-64:32(r8-12:4,-)");
      return fx;
    }

    it("prunes a left subtree whose max is below the length and tests the node instead", () => {
      expect(twoBlocks().find(4, 4, 7, 0, false)).toEqual([32, 64]);
    });

    it("descends into a left subtree whose max reaches the length", () => {
      expect(twoBlocks().find(4, 4, 4, 0, true)).toEqual([8, 12]);
    });

    it("does not go left when vstart is at or past the node's start", () => {
      expect(twoBlocks().find(4, 1, 4, 32, true)).toEqual([32, 64]);
      expect(twoBlocks().find(4, 1, 4, 9, true)).toEqual([32, 64]);
    });

    it("returns NIL when no block qualifies", () => {
      expect(twoBlocks().find(40, 1, 40, 0, true)).toBeUndefined();
      expect(twoBlocks().find(4, 64, 4, 0, true)).toBeUndefined();
    });

    it("backtracks out of a failing left subtree to the first ancestor that fits", () => {
      // 3-unit blocks starting at 1 mod 4 below the root [40, 64): none holds 2 units aligned to 4, so
      // every path below the root fails and the search climbs back to it; aligned to 2, [1, 4) holds them.
      const fx = new Fixture();
      fx.insert([40, 64], [1, 4], [13, 16], [5, 8], [9, 12], [17, 20]);
      fx.space.check();
      expect(fx.find(2, 4, 2, 0, true)).toEqual([40, 64]);
      expect(fx.find(2, 2, 2, 0, true)).toEqual([1, 4]);
    });

    // Seeded trees of random disjoint blocks inserted in random order. With length = size and the
    // vstart shift (5.16+) the search equals a linear scan of the list (the kernel's
    // DEBUG_AUGMENT_LOWEST_MATCH_CHECK); with the padded length and no shift (5.2) it returns a block
    // no lower than that and no higher than the lowest block of length ≥ size + align − 1.
    it("agrees with a linear scan (exact) and stays within the padded bounds (padded)", () => {
      const rng = new Prng(2019);
      for (let round = 0; round < 100; round++) {
        const fx = new Fixture();
        const blocks: [number, number][] = [];
        for (let at = rng.int(0, 8); at < 2000; at += rng.int(1, 40)) {
          const end = at + rng.int(1, 40);
          blocks.push([at, end]);
          at = end;
        }
        fx.insert(...rng.shuffle(blocks.slice()));
        fx.space.check();
        const ranges = blocks.map(([start, end]) => ({ start, end }));
        for (let q = 0; q < 30; q++) {
          const size = rng.int(1, 48);
          const align = 2 ** rng.int(0, 6);
          const vstart = rng.bool(0.5) ? 0 : rng.int(0, 2000);
          const lowest = lowestFit(ranges, size, align, vstart, 2 ** 40);
          const exact = fx.find(size, align, size, vstart, true);
          expect(exact === undefined ? undefined : alignUp(Math.max(exact[0], vstart), align)).toBe(lowest);
          const padded = fx.find(size, align, size + align - 1, vstart, false);
          const bound = lowestPaddedBlockFit(ranges, size, align, vstart, 2 ** 40);
          if (padded === undefined) {
            expect(bound).toBeUndefined();
          } else {
            const addr = alignUp(Math.max(padded[0], vstart), align);
            expect(addr).toBeGreaterThanOrEqual(lowest!);
            if (bound !== undefined) expect(addr).toBeLessThanOrEqual(bound);
          }
        }
      }
    });
  });

  describe("check()", () => {
    it("names L1 when the list and the tree disagree", () => {
      const fx = new Fixture();
      const [a] = fx.insert([0, 4], [8, 12]);
      fx.space.head = fx.pool.i32[a! * S32 + NEXT]!;
      expect(() => fx.space.check()).toThrow(/^L1 broken/);
    });

    it("names S1 when the cached size is wrong", () => {
      const fx = new Fixture();
      fx.insert([0, 4], [8, 12]);
      fx.space.size++;
      expect(() => fx.space.check()).toThrow(/^S1 broken/);
    });
  });
});
