import { type NodePool, LEFT, NIL, PARENT, RIGHT } from "./pool.js";

/**
 * Augmentation callbacks, with the contract of Linux `struct rb_augment_callbacks`.
 *
 * A1: the augmented value of a node N is a function of N's subtree only (for the max augmentation:
 *     `aug(N) = max(scalar(N), aug(left(N)), aug(right(N)))`, a missing child contributing nothing).
 *
 * - `propagate(node, stop)`: recompute values from `node` up towards the root, stopping before `stop`
 *   (`NIL` = go to the root) or as soon as a recomputed value equals the stored one.
 * - `copy(old, new)`: `new` takes `old`'s place in the tree, so it takes `old`'s value.
 * - `rotate(old, new)`: `new` has just become the root of the subtree `old` used to root; `new` takes
 *   `old`'s value and `old`'s value is recomputed from its new children.
 *
 * @see include/linux/rbtree_augmented.h: struct rb_augment_callbacks
 */
export interface Augment {
  propagate(node: number, stop: number): void;
  copy(oldNode: number, newNode: number): void;
  rotate(oldNode: number, newNode: number): void;
  /** Recomputes `node`'s value from its own scalar and its children's stored values (for `check()`). */
  compute(node: number): number;
  /** The stored value of `node`. */
  value(node: number): number;
}

/**
 * The ready-made max augmentation (the `RB_DECLARE_CALLBACKS_MAX` analogue): each node stores, in the
 * float64 slot `slot` of its record, the maximum of `scalar(node)` over its subtree. Propagation stops
 * early once a recomputed value is unchanged.
 *
 * @see include/linux/rbtree_augmented.h: RB_DECLARE_CALLBACKS_MAX
 */
export class MaxAugment implements Augment {
  private readonly pool: NodePool;
  private readonly slot: number;
  private readonly scalar: (node: number) => number;

  /**
   * @param pool the pool the tree's nodes live in
   * @param slot float64 slot within a record that holds the augmented value
   * @param scalar the node's own value
   */
  constructor(pool: NodePool, slot: number, scalar: (node: number) => number) {
    this.pool = pool;
    this.slot = slot;
    this.scalar = scalar;
  }

  value(node: number): number {
    return this.pool.f64[node * this.pool.stride64 + this.slot]!;
  }

  compute(node: number): number {
    const pool = this.pool;
    const a = pool.i32;
    const f = pool.f64;
    const s32 = pool.stride32;
    const s64 = pool.stride64;
    let max = this.scalar(node);
    const l = a[node * s32 + LEFT]!;
    const r = a[node * s32 + RIGHT]!;
    if (l !== NIL) {
      const v = f[l * s64 + this.slot]!;
      if (v > max) max = v;
    }
    if (r !== NIL) {
      const v = f[r * s64 + this.slot]!;
      if (v > max) max = v;
    }
    return max;
  }

  propagate(node: number, stop: number): void {
    const pool = this.pool;
    const f = pool.f64;
    const a = pool.i32;
    while (node !== stop && node !== NIL) {
      const value = this.compute(node);
      const at = node * pool.stride64 + this.slot;
      if (f[at] === value) break;
      f[at] = value;
      node = a[node * pool.stride32 + PARENT]!;
    }
  }

  copy(oldNode: number, newNode: number): void {
    const f = this.pool.f64;
    const s64 = this.pool.stride64;
    f[newNode * s64 + this.slot] = f[oldNode * s64 + this.slot]!;
  }

  rotate(oldNode: number, newNode: number): void {
    const f = this.pool.f64;
    const s64 = this.pool.stride64;
    f[newNode * s64 + this.slot] = f[oldNode * s64 + this.slot]!;
    f[oldNode * s64 + this.slot] = this.compute(oldNode);
  }
}
