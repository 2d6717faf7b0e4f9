import { LEFT, NIL, RIGHT } from "./pool.js";
import type { RbTree } from "./rbtree.js";

/**
 * Convenience helpers over the caller-driven core: insertion by a comparator and lookup.
 * `compare(x, y)` orders two nodes; `probe(node)` compares a sought key with a node
 * (negative = the key sorts before the node).
 */

/**
 * Descends from the root to the empty slot for `node` (equal keys go right), links it and rebalances.
 * With an augmentation it first makes the path to the new node valid, as `rb_insert_augmented` requires,
 * then rebalances with `insertAugmented`; otherwise it calls `insertColor`.
 */
export function insertBy(tree: RbTree, node: number, compare: (x: number, y: number) => number): void {
  let parent = NIL;
  let side: typeof LEFT | typeof RIGHT = LEFT;
  let cur = tree.root;
  while (cur !== NIL) {
    parent = cur;
    if (compare(node, cur) < 0) {
      side = LEFT;
      cur = tree.left(cur);
    } else {
      side = RIGHT;
      cur = tree.right(cur);
    }
  }
  tree.link(node, parent, side);
  const aug = tree.augment;
  if (aug) {
    // The new leaf's value slot holds whatever the record's last user left (0 when fresh), which may
    // already equal the leaf's value; `propagate` would then stop at the leaf and leave its ancestors
    // stale. So settle the leaf alone, then propagate from its parent (vmalloc's link_va zeroes the slot
    // before propagating for the same reason).
    aug.propagate(node, parent);
    if (parent !== NIL) aug.propagate(parent, NIL);
    tree.insertAugmented(node);
  } else {
    tree.insertColor(node);
  }
}

/** The node for which `probe` returns 0, or `NIL`. */
export function findBy(tree: RbTree, probe: (node: number) => number): number {
  let cur = tree.root;
  while (cur !== NIL) {
    const c = probe(cur);
    if (c === 0) return cur;
    cur = c < 0 ? tree.left(cur) : tree.right(cur);
  }
  return NIL;
}

/** The first node (in order) for which `probe(node) <= 0`, i.e. the lower bound of the key; `NIL` if none. */
export function lowerBound(tree: RbTree, probe: (node: number) => number): number {
  let cur = tree.root;
  let best = NIL;
  while (cur !== NIL) {
    if (probe(cur) <= 0) {
      best = cur;
      cur = tree.left(cur);
    } else {
      cur = tree.right(cur);
    }
  }
  return best;
}
