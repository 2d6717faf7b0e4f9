import { describe, expect, it } from "vitest";
import { drawTree, formatTree, heightOf, shapeOf } from "../src/debug.js";
import { Fixture } from "./helpers.js";

describe("debug", () => {
  // B2(B1,B3(-,r4)) with keys = record indices.
  const sample = (): Fixture => new Fixture(false).run([2, 1, 3, 4]);

  describe("formatTree()", () => {
    it("writes black as B, red as r, nil as - and omits a leaf's children", () => {
      expect(formatTree(sample().tree)).toBe("B1(B2,B3(-,r4))");
      const f = sample();
      expect(formatTree(f.tree, f.label)).toBe("B2(B1,B3(-,r4))");
    });

    it("writes - for an empty tree and formats a subtree", () => {
      expect(formatTree(new Fixture(false).tree)).toBe("-");
      const f = sample();
      expect(formatTree(f.tree, f.label, f.node(3))).toBe("B3(-,r4)");
    });
  });

  describe("drawTree()", () => {
    it("draws the right subtree on top, black uppercase and red lowercase", () => {
      const f = new Fixture(false);
      const names = ["", "a", "b", "c", "d"];
      for (const k of [2, 1, 3, 4]) f.add(k); // B2(B1,B3(-,r4))
      expect(drawTree(f.tree, (n) => names[f.key(n)]!)).toBe(["        d", "    C", "B", "    A"].join("\n"));
    });
  });

  describe("shapeOf()", () => {
    it("returns nested nodes with colours", () => {
      const f = sample();
      expect(shapeOf(f.tree)).toEqual({
        node: f.node(2),
        color: "black",
        left: { node: f.node(1), color: "black", left: null, right: null },
        right: { node: f.node(3), color: "black", left: null, right: { node: f.node(4), color: "red", left: null, right: null } },
      });
      expect(shapeOf(new Fixture(false).tree)).toBeNull();
    });
  });

  describe("heightOf()", () => {
    it("counts nodes on the longest path", () => {
      expect(heightOf(sample().tree)).toBe(3);
      expect(heightOf(new Fixture(false).tree)).toBe(0);
    });
  });
});
