import { describe, expect, it } from "vitest";
import { MaxAugment, NIL, NodePool } from "../src/index.js";
import { Fixture, MAX, SIZE, type Step } from "./helpers.js";

/** Builds an augmented fixture, clears the callback log, then runs `step` and returns the log. */
function logOf(build: readonly Step[], step: (f: Fixture) => void): { f: Fixture; log: string[] } {
  const f = new Fixture(true).run(build);
  const log = f.recorder!.log;
  log.length = 0;
  step(f);
  f.tree.check(f.compare);
  return { f, log: [...log] };
}

/** The caller-driven insertion of the kernel: link, then `insertAugmented` (values on the path were already valid). */
const insertLinked = (key: number) => (f: Fixture) => {
  const n = f.linkOnly(key, 0);
  f.tree.insertAugmented(n);
};
const eraseKey = (key: number) => (f: Fixture) => {
  const n = f.node(key);
  f.tree.eraseAugmented(n);
  f.pool.release(n);
};

describe("RbTree", () => {
  describe("insertAugmented()", () => {
    it.each([
      ["makes no call for a black parent", [2], 1, []],
      ["makes no call for case 1 (colour flips only)", [2, 1, 3], 0, []],
      ["calls rotate(gparent, parent) for case 3", [3, 2], 1, ["rotate(3,2)"]],
      ["calls rotate(gparent, parent) for case 3 (mirror)", [1, 2], 3, ["rotate(1,2)"]],
      ["calls rotate(parent, node) for case 2, then rotate(gparent, node) for case 3", [3, 1], 2, ["rotate(1,2)", "rotate(3,2)"]],
      ["calls rotate(parent, node) for case 2, then rotate(gparent, node) for case 3 (mirror)", [1, 3], 2, ["rotate(3,2)", "rotate(1,2)"]],
      ["calls rotate only for the rotations after case 1 moved up", [80, 40, 120, 20, 60, 50, 70], 75, ["rotate(40,60)", "rotate(80,60)"]],
    ] as const)("%s", (_name, build, key, expected) => {
      expect(logOf(build, insertLinked(key)).log).toEqual(expected);
    });
  });

  describe("eraseAugmented()", () => {
    it.each([
      ["case 1: propagates from the parent of an unlinked leaf", [2, 1, 3], 3, ["propagate(2,-)"]],
      ["case 1: propagates from the parent of a node with one child", [2, 1, 3, 4], 3, ["propagate(2,-)"]],
      ["case 1: calls propagate(nil, nil) when the only node goes", [1], 1, ["propagate(-,-)"]],
      ["case 2: copies to the successor, then propagates from it", [2, 1, 3], 2, ["copy(2,3)", "propagate(3,-)"]],
      [
        "case 3: copies to the successor, propagates from its old parent up to it, then from it",
        [4, 2, 6, 5],
        4,
        ["copy(4,5)", "propagate(6,5)", "propagate(5,-)"],
      ],
      [
        "case 3 with a black successor: then rebalances at the successor's old parent",
        [...[1, 2, 3, 4, 5, 6, 7, 8], "-8"],
        4,
        ["copy(4,5)", "propagate(6,5)", "propagate(5,-)"],
      ],
      ["colour case 1 then 2: propagates first, then rotate(parent, sibling)", [1, 2, 3, 4, 5, 6, "-6"], 1, ["propagate(2,-)", "rotate(2,4)"]],
      ["colour cases 3 then 4: rotate(sibling, nephew), then rotate(parent, nephew)", [2, 1, 4, 3], 1, ["propagate(2,-)", "rotate(4,3)", "rotate(2,3)"]],
      ["colour cases 3 then 4 (mirror)", [3, 4, 1, 2], 4, ["propagate(3,-)", "rotate(1,2)", "rotate(3,2)"]],
      ["colour case 4: rotate(parent, sibling)", [2, 1, 3, 4], 1, ["propagate(2,-)", "rotate(2,3)"]],
      ["colour cases 1, 3 and 4: three rotations", [2, 1, 6, 4, 7, 3], 1, ["propagate(2,-)", "rotate(2,6)", "rotate(4,3)", "rotate(2,3)"]],
      ["colour case 2 continuing up: no rotation", [2, 1, 3, 4, "-4"], 1, ["propagate(2,-)"]],
    ] as const)("%s", (_name, build, key, expected) => {
      expect(logOf(build, eraseKey(key)).log).toEqual(expected);
    });
  });
});

describe("MaxAugment", () => {
  describe("propagate()", () => {
    // The kernel's comment example (KERNEL.md §2.2): a parent `4--8` (own size 4, subtree max 8) over
    // children `2--2` and `8--8`.
    const example = (): { f: Fixture; low: number; mid: number; high: number } => {
      const f = new Fixture(true);
      const mid = f.add(20, 4);
      const low = f.add(10, 2);
      const high = f.add(30, 8);
      expect([f.max(low), f.max(mid), f.max(high)]).toEqual([2, 8, 8]);
      return { f, low, mid, high };
    };

    it("stops at the changed node when its value is unchanged (shrinking 4 to 2 changes nothing above)", () => {
      const { f, mid } = example();
      f.setSize(mid, 2);
      f.sizeCalls = 0;
      f.tree.augment!.propagate(mid, NIL);
      expect(f.sizeCalls).toBe(1);
      expect(f.max(mid)).toBe(8);
      f.tree.check();
    });

    it("walks up while values change (shrinking the 8-leaf to 6 makes the parent 4--6)", () => {
      const { f, mid, high } = example();
      f.setSize(high, 6);
      f.sizeCalls = 0;
      f.tree.augment!.propagate(high, NIL);
      expect(f.sizeCalls).toBe(2);
      expect([f.max(high), f.max(mid)]).toEqual([6, 6]);
      f.tree.check();
    });

    it("stops at the first unchanged ancestor of a deep node", () => {
      // B4(B2(B1,B3),B6(B5,r8(B7,B9(-,r10)))) with size = key: every max is the subtree's largest key.
      const f = new Fixture(true).run([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const n7 = f.node(7);
      f.setSize(n7, 9.5); // 7's max becomes 9.5, 8's stays 10: stop at 8
      f.sizeCalls = 0;
      f.tree.augment!.propagate(n7, NIL);
      expect(f.sizeCalls).toBe(2);
      f.setSize(n7, 11); // 7, 8, 6, 4 all become 11
      f.sizeCalls = 0;
      f.tree.augment!.propagate(n7, NIL);
      expect(f.sizeCalls).toBe(4);
      expect(f.max(f.tree.root)).toBe(11);
      f.tree.check();
    });

    it("stops before `stop`", () => {
      const f = new Fixture(true).run([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const n7 = f.node(7);
      f.setSize(n7, 11);
      f.sizeCalls = 0;
      f.tree.augment!.propagate(n7, f.node(6));
      expect(f.sizeCalls).toBe(2); // 7 and 8
      expect([f.max(f.node(8)), f.max(f.node(6))]).toEqual([11, 10]);
    });
  });

  describe("rotate()", () => {
    it("gives the new subtree root the old value and recomputes the old root from its children", () => {
      const pool = new NodePool({ recordBytes: 32 });
      const aug = new MaxAugment(pool, 3, (n) => pool.f64[n * pool.stride64 + 2]!);
      const [a, b] = [pool.alloc(), pool.alloc()]; // unlinked: nil children
      pool.f64[a * pool.stride64 + 2] = 5;
      pool.f64[b * pool.stride64 + 2] = 7;
      pool.f64[a * pool.stride64 + 3] = 9;
      aug.rotate(a, b);
      expect([aug.value(b), aug.value(a)]).toEqual([9, 5]);
    });
  });

  describe("copy()", () => {
    it("copies the value only", () => {
      const f = new Fixture(true);
      const [a, b] = [f.make(1, 3), f.make(2, 4)];
      f.pool.f64[a * f.pool.stride64 + MAX] = 42;
      f.tree.augment!.copy(a, b);
      expect([f.max(b), f.pool.f64[b * f.pool.stride64 + SIZE]]).toEqual([42, 4]);
    });
  });

  describe("compute()", () => {
    it("takes the max of the node's scalar and its children's stored values, nil counting nothing", () => {
      const f = new Fixture(true).run([2, 1, 3]);
      const root = f.tree.root;
      f.setSize(root, -5);
      f.pool.f64[f.node(1) * f.pool.stride64 + MAX] = -7;
      f.pool.f64[f.node(3) * f.pool.stride64 + MAX] = -6;
      expect(f.tree.augment!.compute(root)).toBe(-5);
      const lone = new Fixture(true).run([1]);
      lone.setSize(lone.tree.root, -1);
      expect(lone.tree.augment!.compute(lone.tree.root)).toBe(-1);
    });
  });
});
