import { describe, expect, it } from "vitest";
import { BLACK, COLOR, LEFT, NIL, NodePool, PARENT, RED, RIGHT, RbTree, RbTreeError } from "../src/index.js";
import { Fixture, MAX, type Step } from "./helpers.js";

/**
 * Every expected shape below was derived by hand from the case drawings in src/rbtree.ts (which follow
 * lib/rbtree.c), in the kernel's notation: `B` = black, `r` = red, `-` = nil, nodes labelled by key.
 * "left" rows have the parent (insert) or the doubly-black node (erase) on the left; "mirror" rows are
 * the same situation reflected (key k ↦ M − k), which runs the other half of each fix-up loop.
 */

const asc = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const desc = (from: number, to: number): number[] => asc(to, from).reverse();

type Row = readonly [name: string, build: readonly Step[], key: number, before: string, after: string];

const INSERT_CASES: readonly Row[] = [
  ["colours the first node black: it is the root", [], 1, "-", "B1"],
  ["stops at a black parent (left)", [2], 1, "B2", "B2(r1,-)"],
  ["stops at a black parent (mirror)", [2], 3, "B2", "B2(-,r3)"],
  // Case 1 up to the root: g turns red, then the root rule turns it black again.
  ["case 1: recolours and moves up two levels to the root (left)", [2, 1, 3], 0, "B2(r1,r3)", "B2(B1(r0,-),B3)"],
  ["case 1: recolours and moves up two levels to the root (mirror)", [2, 1, 3], 4, "B2(r1,r3)", "B2(B1,B3(-,r4))"],
  // Case 1 that stops at a black great-grandparent: g stays red.
  ["case 1: leaves the grandparent red under a black node (left)", [50, 90, 10, 110, 70], 80, "B50(B10,B90(r70,r110))", "B50(B10,r90(B70(-,r80),B110))"],
  ["case 1: leaves the grandparent red under a black node (mirror)", [80, 40, 120, 20, 60], 50, "B80(B40(r20,r60),B120)", "B80(r40(B20,B60(r50,-)),B120)"],
  ["case 3: rotates at the grandparent for an outer child (left)", [3, 2], 1, "B3(r2,-)", "B2(r1,r3)"],
  ["case 3: rotates at the grandparent for an outer child (mirror)", [1, 2], 3, "B1(-,r2)", "B2(r1,r3)"],
  ["case 2: rotates an inner child up at the parent, then case 3 (left)", [3, 1], 2, "B3(r1,-)", "B2(r1,r3)"],
  ["case 2: rotates an inner child up at the parent, then case 3 (mirror)", [1, 3], 2, "B1(-,r3)", "B2(r1,r3)"],
  // Case 1 at 1, then case 3 at 8 moves 4's right subtree (6) under 8.
  ["case 1 then case 3 two levels up, moving a subtree across (left)", [8, 4, 12, 2, 6, 1, 3], 0, "B8(r4(B2(r1,r3),B6),B12)", "B4(r2(B1(r0,-),B3),r8(B6,B12))"],
  ["case 1 then case 3 two levels up, moving a subtree across (mirror)", [4, 8, 0, 10, 6, 11, 9], 12, "B4(B0,r8(B6,B10(r9,r11)))", "B8(r4(B0,B6),r10(B9,B11(-,r12)))"],
  // Case 1 at 70 (mirror side), then cases 2 and 3 at 60/40/80: 50 moves under 40, 70 under 80.
  ["case 1 then cases 2 and 3 two levels up (left parent above)", [80, 40, 120, 20, 60, 50, 70], 75, "B80(r40(B20,B60(r50,r70)),B120)", "B60(r40(B20,B50),r80(B70(-,r75),B120))"],
  ["case 1 then cases 2 and 3 two levels up (mirror parent above)", [50, 90, 10, 110, 70, 80, 60], 55, "B50(B10,r90(B70(r60,r80),B110))", "B70(r50(B10,B60(r55,-)),r90(B80,B110))"],
];

const ERASE_CASES: readonly Row[] = [
  // __rb_erase_augmented case 1: at most one child.
  ["erase case 1: unlinks a red leaf without fix-up", [2, 1, 3], 3, "B2(r1,r3)", "B2(r1,-)"],
  ["erase case 1: unlinks the only node", [1], 1, "B1", "-"],
  ["erase case 1: the red right child takes the place and colour of a node with no left child", [2, 1, 3, 4], 3, "B2(B1,B3(-,r4))", "B2(B1,B4)"],
  ["erase case 1: the red left child takes the place and colour of a node with only a left child", [2, 1, 3, 0], 1, "B2(B1(r0,-),B3)", "B2(B0,B3)"],
  ["erase case 1: the only child of the root becomes a black root", [1, 2], 1, "B1(-,r2)", "B2"],
  // Case 2: two children, the successor is the right child.
  ["erase case 2: the red right child succeeds and takes the black colour", [2, 1, 3], 2, "B2(r1,r3)", "B3(r1,-)"],
  ["erase case 2: the successor's red right child turns black in its place", [2, 1, 3, 4], 2, "B2(B1,B3(-,r4))", "B3(B1,B4)"],
  ["erase case 2: a black successor leaves a black deficit fixed at the successor", [2, 1, 3, 4, "-4"], 2, "B2(B1,B3)", "B3(r1,-)"],
  // Case 3: two children, the successor is the leftmost node under the right child.
  ["erase case 3: the leftmost node of the right subtree succeeds", [4, 2, 6, 5], 4, "B4(B2,B6(r5,-))", "B5(B2,B6)"],
  ["erase case 3: the successor's right child takes the successor's old place", [4, 2, 8, 6, 10, 7], 4, "B4(B2,r8(B6(-,r7),B10))", "B6(B2,r8(B7,B10))"],
  ["erase case 3: a black successor leaves a deficit fixed at its old parent", [...asc(1, 8), "-8"], 4, "B4(r2(B1,B3),r6(B5,B7))", "B5(r2(B1,B3),B6(-,r7))"],
  // ____rb_erase_color.
  ["colour case 2: flips the sibling red and blackens a red parent (left)", [4, 2, 8, 6, 10, 7, "-7"], 6, "B4(B2,r8(B6,B10))", "B4(B2,B8(-,r10))"],
  ["colour case 2: flips the sibling red and blackens a red parent (mirror)", [4, 2, 8, 6, 10, 7, "-7"], 10, "B4(B2,r8(B6,B10))", "B4(B2,B8(r6,-))"],
  ["colour case 2: continues up at a black parent to the root (left)", [2, 1, 3, 4, "-4"], 1, "B2(B1,B3)", "B2(-,r3)"],
  ["colour case 2: continues up at a black parent to the root (mirror)", [2, 1, 3, 4, "-4"], 3, "B2(B1,B3)", "B2(r1,-)"],
  ["colour case 2 continues up, then case 4 at the grandparent (left)", asc(1, 10), 1, "B4(B2(B1,B3),B6(B5,r8(B7,B9(-,r10))))", "B6(B4(B2(-,r3),B5),B8(B7,B9(-,r10)))"],
  ["colour case 2 continues up, then case 4 at the grandparent (mirror)", desc(10, 1), 10, "B7(B5(r3(B2(r1,-),B4),B6),B9(B8,B10))", "B5(B3(B2(r1,-),B4),B7(B6,B9(r8,-)))"],
  [
    "colour case 2 continues up, then case 1 and case 2 at a red parent (left)",
    asc(1, 14),
    1,
    "B4(B2(B1,B3),r8(B6(B5,B7),B10(B9,r12(B11,B13(-,r14)))))",
    "B8(B4(B2(-,r3),r6(B5,B7)),B10(B9,r12(B11,B13(-,r14))))",
  ],
  [
    "colour case 2 continues up, then case 1 and case 2 at a red parent (mirror)",
    desc(14, 1),
    14,
    "B11(r7(B5(r3(B2(r1,-),B4),B6),B9(B8,B10)),B13(B12,B14))",
    "B7(B5(r3(B2(r1,-),B4),B6),B11(r9(B8,B10),B13(r12,-)))",
  ],
  ["colour case 1: rotates a red sibling up, then case 2 at the now red parent (left)", [...asc(1, 6), "-6"], 1, "B2(B1,r4(B3,B5))", "B4(B2(-,r3),B5)"],
  ["colour case 1: rotates a red sibling up, then case 2 at the now red parent (mirror)", [...desc(5, 0), "-0"], 5, "B4(r2(B1,B3),B5)", "B2(B1,B4(r3,-))"],
  ["colour case 1, then case 4 on the new sibling (left)", [2, 1, 6, 4, 7, 3, 5], 1, "B2(B1,r6(B4(r3,r5),B7))", "B6(r4(B2(-,r3),B5),B7)"],
  ["colour case 1, then case 4 on the new sibling (mirror)", [6, 7, 2, 4, 1, 5, 3], 7, "B6(r2(B1,B4(r3,r5)),B7)", "B2(B1,r4(B3,B6(r5,-)))"],
  ["colour case 1, then cases 3 and 4 on the new sibling (left)", [2, 1, 6, 4, 7, 3], 1, "B2(B1,r6(B4(r3,-),B7))", "B6(r3(B2,B4),B7)"],
  ["colour case 1, then cases 3 and 4 on the new sibling (mirror)", [6, 7, 2, 4, 1, 5], 7, "B6(r2(B1,B4(-,r5)),B7)", "B2(B1,r5(B4,B6))"],
  ["colour case 3: rotates a red near nephew up at the sibling, then case 4 (left)", [2, 1, 4, 3], 1, "B2(B1,B4(r3,-))", "B3(B2,B4)"],
  ["colour case 3: rotates a red near nephew up at the sibling, then case 4 (mirror)", [3, 4, 1, 2], 4, "B3(B1(-,r2),B4)", "B2(B1,B3)"],
  ["colour case 4: rotates at the parent and blackens the red far nephew (left)", [2, 1, 3, 4], 1, "B2(B1,B3(-,r4))", "B3(B2,B4)"],
  ["colour case 4: rotates at the parent and blackens the red far nephew (mirror)", [2, 1, 3, 0], 3, "B2(B1(r0,-),B3)", "B1(B0,B2)"],
  ["colour case 4: hands a red near nephew to the old parent (left)", asc(1, 5), 1, "B2(B1,B4(r3,r5))", "B4(B2(-,r3),B5)"],
  ["colour case 4: hands a red near nephew to the old parent (mirror)", desc(5, 1), 5, "B4(B2(r1,r3),B5)", "B2(B1,B4(r3,-))"],
];

describe("RbTree", () => {
  describe.each([
    ["a plain tree (insertColor / erase)", false],
    ["an augmented tree (insertAugmented / eraseAugmented)", true],
  ])("on %s", (_, augmented) => {
    describe("insertColor()", () => {
      it.each(INSERT_CASES)("%s", (_name, build, key, before, after) => {
        const f = new Fixture(augmented).run(build);
        expect(f.fmt()).toBe(before);
        f.run([key]);
        expect(f.fmt()).toBe(after);
      });

      it("matches the kernel step by step on ascending keys 1..8", () => {
        const f = new Fixture(augmented);
        const shapes = asc(1, 8).map((k) => f.run([k]).fmt());
        expect(shapes).toEqual([
          "B1",
          "B1(-,r2)", // black parent
          "B2(r1,r3)", // case 3 (mirror)
          "B2(B1,B3(-,r4))", // case 1 (mirror) to the root
          "B2(B1,B4(r3,r5))", // case 3 (mirror) at 3
          "B2(B1,r4(B3,B5(-,r6)))", // case 1 (mirror), 4 stays red
          "B2(B1,r4(B3,B6(r5,r7)))", // case 3 (mirror) at 5
          "B4(r2(B1,B3),r6(B5,B7(-,r8)))", // case 1 at 7, then case 3 (mirror) at the root, 3 moves under 2
        ]);
      });
    });

    describe("erase()", () => {
      it.each(ERASE_CASES)("%s", (_name, build, key, before, after) => {
        const f = new Fixture(augmented).run(build);
        expect(f.fmt()).toBe(before);
        f.run([`-${key}`]);
        expect(f.fmt()).toBe(after);
        expect(f.tree.size).toBe(f.pool.live);
      });
    });
  });

  describe("link()", () => {
    it("hangs a red leaf in the given slot and counts it, without rebalancing", () => {
      const f = new Fixture(false).run([2]);
      const n = f.linkOnly(1);
      expect(f.fmt()).toBe("B2(r1,-)");
      expect(f.tree.parent(n)).toBe(f.node(2));
      expect(f.tree.size).toBe(2);
      const m = f.linkOnly(0);
      expect(f.fmt()).toBe("B2(r1(r0,-),-)");
      expect(() => f.tree.check()).toThrow(/R4/);
      f.tree.insertColor(m);
      expect(f.fmt()).toBe("B1(r0,r2)");
      f.tree.check(f.compare);
    });

    it("makes a node linked under nil the root", () => {
      const f = new Fixture(false);
      const n = f.linkOnly(5);
      expect(f.tree.root).toBe(n);
      f.tree.insertColor(n);
      expect(f.fmt()).toBe("B5");
    });
  });

  describe("insertAugmented() / eraseAugmented()", () => {
    it("throws EINVAL on a tree without an augmentation", () => {
      const f = new Fixture(false).run([1]);
      const n = f.linkOnly(2);
      expect(() => f.tree.insertAugmented(n)).toThrow(RbTreeError);
      expect(() => f.tree.eraseAugmented(n)).toThrow(expect.objectContaining({ code: "EINVAL" }));
    });
  });

  describe("navigation", () => {
    it("returns nil from first(), last() and root on an empty tree", () => {
      const tree = new RbTree(new NodePool());
      expect([tree.first(), tree.last(), tree.root, tree.size]).toEqual([NIL, NIL, NIL, 0]);
    });

    it("walks in key order with first()/next() and backwards with last()/prev()", () => {
      const f = new Fixture(false).run([5, 3, 8, 1, 4, 7, 9, 2, 6]);
      const fwd: number[] = [];
      for (let n = f.tree.first(); n !== NIL; n = f.tree.next(n)) fwd.push(f.key(n));
      const back: number[] = [];
      for (let n = f.tree.last(); n !== NIL; n = f.tree.prev(n)) back.push(f.key(n));
      expect(fwd).toEqual(asc(1, 9));
      expect(back).toEqual(desc(9, 1));
    });

    it("reads parent, left and right links and colours", () => {
      const f = new Fixture(false).run([2, 1, 3, 4]); // B2(B1,B3(-,r4))
      const [n1, n2, n3, n4] = [1, 2, 3, 4].map((k) => f.node(k)) as [number, number, number, number];
      expect([f.tree.root, f.tree.parent(n2), f.tree.left(n2), f.tree.right(n2)]).toEqual([n2, NIL, n1, n3]);
      expect([f.tree.parent(n4), f.tree.left(n3), f.tree.right(n3)]).toEqual([n3, NIL, n4]);
      expect([f.tree.isRed(n4), f.tree.isBlack(n3), f.tree.isBlack(NIL), f.tree.isRed(NIL)]).toEqual([true, true, true, false]);
      expect(f.tree.leftmost(n2)).toBe(n1);
    });
  });

  describe("replace()", () => {
    it("puts a new record in a linked node's place with its links and colour", () => {
      const f = new Fixture(false).run([2, 1, 3, 4]);
      const old = f.node(3);
      const fresh = f.make(3.5);
      f.tree.replace(old, fresh);
      expect(f.fmt()).toBe("B2(B1,B3.5(-,r4))");
      expect(f.tree.parent(f.node(4))).toBe(fresh);
      expect([f.tree.parent(old), f.tree.left(old), f.tree.right(old)]).toEqual([NIL, NIL, NIL]);
      f.tree.check(f.compare);
    });

    it("replaces the root", () => {
      const f = new Fixture(false).run([2, 1, 3]);
      const fresh = f.make(2.5);
      f.tree.replace(f.node(2), fresh);
      expect(f.tree.root).toBe(fresh);
      expect(f.fmt()).toBe("B2.5(r1,r3)");
    });
  });

  describe("clear()", () => {
    it("forgets every node without releasing them", () => {
      const f = new Fixture(false).run([1, 2, 3]);
      f.tree.clear();
      expect([f.tree.root, f.tree.size, f.pool.live]).toEqual([NIL, 0, 3]);
    });
  });

  describe("check()", () => {
    /** B4(B2(B1,B3),B6(B5,r8(B7,B9(-,r10)))), augmented. */
    const sample = (): Fixture => new Fixture(true).run(asc(1, 10));
    const word = (f: Fixture, key: number, at: number): number => f.node(key) * f.pool.stride32 + at;

    it("passes on a valid tree, with and without a comparator", () => {
      const f = sample();
      expect(() => f.tree.check()).not.toThrow();
      expect(() => f.tree.check(f.compare)).not.toThrow();
    });

    it.each([
      ["R1", "a colour that is neither red nor black", (f: Fixture) => void (f.pool.i32[word(f, 7, COLOR)] = 7)],
      ["R1", "a node released while still linked", (f: Fixture) => f.pool.release(f.node(9))],
      ["R2", "a red root", (f: Fixture) => void (f.pool.i32[word(f, 4, COLOR)] = RED)],
      ["R4", "a red node with a red child", (f: Fixture) => void (f.pool.i32[word(f, 9, COLOR)] = RED)],
      ["R5", "unequal black heights", (f: Fixture) => void (f.pool.i32[word(f, 1, COLOR)] = RED)],
      ["S1", "a child whose parent link points elsewhere", (f: Fixture) => void (f.pool.i32[word(f, 5, PARENT)] = f.node(2))],
      ["S1", "a root with a parent", (f: Fixture) => void (f.pool.i32[word(f, 4, PARENT)] = f.node(2))],
      ["S2", "a size larger than the reachable nodes", (f: Fixture) => void f.tree.size++],
      ["S2", "a size smaller than the reachable nodes", (f: Fixture) => void f.tree.size--],
      ["A1", "a stale augmented value", (f: Fixture) => void (f.pool.f64[f.node(6) * f.pool.stride64 + MAX] = 6)],
    ])("throws %s on %s", (id, _what, corrupt) => {
      const f = sample();
      corrupt(f);
      expect(() => f.tree.check()).toThrow(new RegExp(`^${id} `));
    });

    it("stops on a cycle instead of looping", () => {
      const f = sample();
      f.pool.i32[word(f, 10, LEFT)] = f.node(6);
      expect(() => f.tree.check()).toThrow(/^S[12] /);
    });

    it("throws R1 on a root released while still linked", () => {
      const f = new Fixture(false).run([1]);
      f.pool.release(f.tree.root);
      expect(() => f.tree.check()).toThrow(/^R1 /);
    });

    it("throws O1 when in-order neighbours are out of key order", () => {
      const f = sample();
      const s = f.pool.stride64;
      const [a, b] = [f.node(3), f.node(4)];
      const ka = f.pool.f64[a * s + 2]!;
      f.pool.f64[a * s + 2] = f.pool.f64[b * s + 2]!;
      f.pool.f64[b * s + 2] = ka;
      expect(() => f.tree.check()).not.toThrow();
      expect(() => f.tree.check(f.compare)).toThrow(/^O1 /);
    });

    it("names the node in the message", () => {
      const f = sample();
      f.pool.i32[word(f, 9, COLOR)] = RED;
      expect(() => f.tree.check()).toThrow(new RegExp(`node ${f.node(8)}\\b`));
    });

    it("starts these corruptions from the expected sample", () => {
      const f = sample();
      expect(f.fmt()).toBe("B4(B2(B1,B3),B6(B5,r8(B7,B9(-,r10))))");
      expect([f.pool.i32[word(f, 8, COLOR)], f.pool.i32[word(f, 6, COLOR)], f.pool.i32[word(f, 6, RIGHT)]]).toEqual([RED, BLACK, f.node(8)]);
    });
  });
});
