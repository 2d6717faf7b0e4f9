/** Debugging aids for @kva/rbtree: shape dumps and a structural snapshot for tests. */
import { BLACK, COLOR, LEFT, NIL, RIGHT } from "./pool.js";
import type { RbTree } from "./rbtree.js";

/** A tree's shape as nested plain objects: `{ node, color, left, right }` (nil children are `null`). */
export interface ShapeNode {
  readonly node: number;
  readonly color: "red" | "black";
  readonly left: ShapeNode | null;
  readonly right: ShapeNode | null;
}

/** The shape of the subtree rooted at `node` (default the root), labelling nodes with `label(node)`. */
export function shapeOf(tree: RbTree, node = tree.root): ShapeNode | null {
  if (node === NIL) return null;
  const a = tree.pool.i32;
  const s = tree.pool.stride32;
  return {
    node,
    color: a[node * s + COLOR] === BLACK ? "black" : "red",
    left: shapeOf(tree, a[node * s + LEFT]),
    right: shapeOf(tree, a[node * s + RIGHT]),
  };
}

/**
 * A one-line parenthesised form in the kernel's drawing notation (UPPERCASE/`B` = black, lowercase/`r` =
 * red): `label(node)` for each node, children in parentheses, `-` for nil. Example: `B2(r1,r3)`.
 */
export function formatTree(tree: RbTree, label: (node: number) => string = String, node = tree.root): string {
  if (node === NIL) return "-";
  const a = tree.pool.i32;
  const s = tree.pool.stride32;
  const c = a[node * s + COLOR] === BLACK ? "B" : "r";
  const l = a[node * s + LEFT]!;
  const r = a[node * s + RIGHT]!;
  const head = `${c}${label(node)}`;
  if (l === NIL && r === NIL) return head;
  return `${head}(${formatTree(tree, label, l)},${formatTree(tree, label, r)})`;
}

/** A multi-line drawing of the tree, right subtree on top (rotate the page 90° clockwise to read it). */
export function drawTree(tree: RbTree, label: (node: number) => string = String): string {
  const lines: string[] = [];
  const a = tree.pool.i32;
  const s = tree.pool.stride32;
  const walk = (node: number, depth: number): void => {
    if (node === NIL) return;
    walk(a[node * s + RIGHT]!, depth + 1);
    const text = label(node);
    lines.push(`${"    ".repeat(depth)}${a[node * s + COLOR] === BLACK ? text.toUpperCase() : text.toLowerCase()}`);
    walk(a[node * s + LEFT]!, depth + 1);
  };
  walk(tree.root, 0);
  return lines.join("\n");
}

/** Height of the tree (0 when empty). */
export function heightOf(tree: RbTree, node = tree.root): number {
  if (node === NIL) return 0;
  return 1 + Math.max(heightOf(tree, tree.left(node)), heightOf(tree, tree.right(node)));
}
