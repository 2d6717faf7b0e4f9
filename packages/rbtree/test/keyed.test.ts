import { describe, expect, it } from "vitest";
import { NIL, findBy, insertBy, lowerBound } from "../src/index.js";
import { Fixture } from "./helpers.js";

describe("insertBy()", () => {
  it("links at the comparator's empty slot and rebalances like insertColor", () => {
    const f = new Fixture(false);
    for (const k of [3, 1]) f.add(k);
    f.add(2); // case 2 then 3
    expect(f.fmt()).toBe("B2(r1,r3)");
  });

  it("sends equal keys to the right, so they come out in insertion order", () => {
    const f = new Fixture(false);
    const a = f.add(5);
    const b = f.add(5);
    const c = f.add(5);
    expect(f.fmt()).toBe("B5(r5,r5)");
    const order: number[] = [];
    for (let n = f.tree.first(); n !== NIL; n = f.tree.next(n)) order.push(n);
    expect(order).toEqual([a, b, c]);
  });

  it("makes the path to the new node valid before rebalancing an augmented tree", () => {
    const f = new Fixture(true);
    f.add(1, 10);
    f.add(2, 30);
    f.add(3, 20); // case 3 (mirror): rotate(1,2) must see valid values
    expect(f.max(f.tree.root)).toBe(30);
    f.tree.check(f.compare);
  });

  it("propagates past a new leaf whose reused record already holds the leaf's value", () => {
    const f = new Fixture(true);
    f.add(5, 5);
    f.del(f.key(f.add(10, 10))); // the record keeps max = 10 on the free list
    const again = f.add(10, 10); // the same record: its stale max equals its new value
    expect(again).toBe(2);
    expect(f.max(f.tree.root)).toBe(10);
    f.tree.check(f.compare);
  });

  it("propagates past a fresh record whose zeroed slot equals the leaf's value", () => {
    const f = new Fixture(true);
    f.add(5, -5);
    f.add(6, 0); // a fresh record's max slot is 0 already
    expect(f.max(f.tree.root)).toBe(0);
    f.tree.check(f.compare);
  });
});

describe("findBy()", () => {
  it("returns the node whose probe is 0, or nil", () => {
    const f = new Fixture(false).run([4, 2, 6, 1, 3, 5, 7]);
    expect(f.key(findBy(f.tree, (n) => 5 - f.key(n)))).toBe(5);
    expect(findBy(f.tree, (n) => 4.5 - f.key(n))).toBe(NIL);
    expect(findBy(new Fixture(false).tree, () => 0)).toBe(NIL);
  });
});

describe("lowerBound()", () => {
  it.each([
    [0, 10],
    [10, 10],
    [11, 20],
    [40, 40],
    [41, undefined],
  ])("finds the first key >= %d", (key, expected) => {
    const f = new Fixture(false).run([30, 10, 40, 20]);
    const n = lowerBound(f.tree, (m) => key - f.key(m));
    expect(n === NIL ? undefined : f.key(n)).toBe(expected);
  });

  it("returns the first of several equal keys", () => {
    const f = new Fixture(false);
    const first = f.add(7);
    f.add(7);
    f.add(7);
    f.add(1);
    expect(lowerBound(f.tree, (m) => 7 - f.key(m))).toBe(first);
  });
});

describe("insertBy() with a plain comparator", () => {
  it("keeps every invariant over a mixed build", () => {
    const f = new Fixture(true);
    for (const k of [50, 20, 80, 10, 30, 70, 90, 25, 27, 26]) {
      insertBy(f.tree, f.make(k), f.compare);
      f.tree.check(f.compare);
    }
    expect(f.tree.size).toBe(10);
  });
});
