import type { Augment } from "./augment.js";
import { BLACK, COLOR, FREE, LEFT, NIL, type NodePool, PARENT, RED, RIGHT, RbTreeError } from "./pool.js";

/**
 * A red-black tree over a {@link NodePool}, making exactly the structural choices of Linux
 * `lib/rbtree.c`: the same insert cases, erase cases, rotations and callback points, so that the same
 * sequence of links and erases yields the same shape and colours as the kernel.
 *
 * The interface is caller-driven, like the kernel's: the caller descends to find the empty slot,
 * `link(node, parent, side)`s the new node there, then asks for rebalancing with `insertColor` (or
 * `insertAugmented`). Several trees may share one pool (the allocator keeps busy and free trees in one).
 *
 * Red-black properties (checked by `check()`):
 * - R1 every node is red or black.
 * - R2 the root is black.
 * - R3 every leaf (nil) is black.
 * - R4 both children of a red node are black.
 * - R5 every path from a node to its descendant leaves has the same number of black nodes.
 * Structure:
 * - S1 parent links agree with child links; the root's parent is nil.
 * - S2 the in-order walk visits exactly `size` nodes.
 * - A1 every augmented value equals its recomputation from the node and its children (augmented trees).
 *
 * Drawings in this file: UPPERCASE = black, lowercase = red, `(x)` = either colour.
 *
 * @see lib/rbtree.c, include/linux/rbtree.h, include/linux/rbtree_augmented.h
 */
export class RbTree {
  readonly pool: NodePool;
  /** The augmentation used by `insertAugmented` / `eraseAugmented` (and verified by `check()`). */
  readonly augment: Augment | undefined;
  /** The root node, `NIL` when empty. */
  root = NIL;
  /** Number of linked nodes. */
  size = 0;
  private readonly s: number;

  constructor(pool: NodePool, augment?: Augment) {
    this.pool = pool;
    this.augment = augment;
    this.s = pool.stride32;
  }

  // ------------------------------------------------------------------ navigation

  parent(node: number): number {
    return this.pool.i32[node * this.s + PARENT]!;
  }
  left(node: number): number {
    return this.pool.i32[node * this.s + LEFT]!;
  }
  right(node: number): number {
    return this.pool.i32[node * this.s + RIGHT]!;
  }
  isRed(node: number): boolean {
    return node !== NIL && this.pool.i32[node * this.s + COLOR] === RED;
  }
  isBlack(node: number): boolean {
    return !this.isRed(node);
  }

  /** The leftmost node, `NIL` when empty. @see lib/rbtree.c: rb_first */
  first(): number {
    return this.root === NIL ? NIL : this.leftmost(this.root);
  }

  /** The rightmost node, `NIL` when empty. @see lib/rbtree.c: rb_last */
  last(): number {
    const a = this.pool.i32;
    const s = this.s;
    let n = this.root;
    if (n === NIL) return NIL;
    while (a[n * s + RIGHT] !== NIL) n = a[n * s + RIGHT]!;
    return n;
  }

  /** The leftmost node of the subtree rooted at `node`. */
  leftmost(node: number): number {
    const a = this.pool.i32;
    const s = this.s;
    while (a[node * s + LEFT] !== NIL) node = a[node * s + LEFT]!;
    return node;
  }

  /** In-order successor, `NIL` after the last. @see lib/rbtree.c: rb_next */
  next(node: number): number {
    const a = this.pool.i32;
    const s = this.s;
    let r = a[node * s + RIGHT]!;
    if (r !== NIL) {
      while (a[r * s + LEFT] !== NIL) r = a[r * s + LEFT]!;
      return r;
    }
    let p = a[node * s + PARENT]!;
    while (p !== NIL && node === a[p * s + RIGHT]) {
      node = p;
      p = a[p * s + PARENT]!;
    }
    return p;
  }

  /** In-order predecessor, `NIL` before the first. @see lib/rbtree.c: rb_prev */
  prev(node: number): number {
    const a = this.pool.i32;
    const s = this.s;
    let l = a[node * s + LEFT]!;
    if (l !== NIL) {
      while (a[l * s + RIGHT] !== NIL) l = a[l * s + RIGHT]!;
      return l;
    }
    let p = a[node * s + PARENT]!;
    while (p !== NIL && node === a[p * s + LEFT]) {
      node = p;
      p = a[p * s + PARENT]!;
    }
    return p;
  }

  // ------------------------------------------------------------------ linking and insertion

  /**
   * Hangs `node` in the empty child slot `side` (`LEFT` or `RIGHT`) of `parent` (`NIL` parent = the
   * root of an empty tree). The node becomes a red leaf; call `insertColor` or `insertAugmented` next.
   *
   * @see include/linux/rbtree.h: rb_link_node
   */
  link(node: number, parent: number, side: typeof LEFT | typeof RIGHT): void {
    const a = this.pool.i32;
    const s = this.s;
    const base = node * s;
    a[base + PARENT] = parent;
    a[base + LEFT] = NIL;
    a[base + RIGHT] = NIL;
    a[base + COLOR] = RED;
    if (parent === NIL) this.root = node;
    else a[parent * s + side] = node;
    this.size++;
  }

  /** Rebalances after `link` (no augmentation). @see lib/rbtree.c: rb_insert_color */
  insertColor(node: number): void {
    this.rebalanceInsert(node, undefined);
  }

  /**
   * Rebalances after `link`, calling `augment.rotate` after every rotation. As in the kernel, the
   * augmented values along the path to the new node must already be valid (or the caller propagates
   * from the new node afterwards, which the vmap allocator does).
   *
   * @see include/linux/rbtree_augmented.h: rb_insert_augmented
   */
  insertAugmented(node: number): void {
    this.rebalanceInsert(node, this.requireAugment());
  }

  /**
   * The insert fix-up (`__rb_insert`). Loop invariant: `node` is red.
   *
   * Case 1, the uncle `u` is red: recolour and continue at the grandparent.
   *
   *           G            g
   *          / \          / \
   *         p   u  -->   P   U
   *        /            /
   *       n            n
   *
   * Case 2, the uncle is black and `n` is the parent's inner child: rotate at the parent, then case 3
   * with the roles of `n` and `p` swapped.
   *
   *         G             G
   *        / \           / \
   *       p   U  -->    n   U
   *        \           /
   *         n         p
   *
   * Case 3, the uncle is black and `n` is the outer child: rotate at the grandparent and recolour.
   *
   *           G           P
   *          / \         / \
   *         p   U  -->  n   g
   *        /                 \
   *       n                   U
   */
  private rebalanceInsert(node: number, aug: Augment | undefined): void {
    const a = this.pool.i32;
    const s = this.s;
    let parent = a[node * s + PARENT]!;
    for (;;) {
      if (parent === NIL) {
        a[node * s + COLOR] = BLACK;
        break;
      }
      if (a[parent * s + COLOR] === BLACK) break;
      const gparent = a[parent * s + PARENT]!;
      let tmp = a[gparent * s + RIGHT]!;
      if (parent !== tmp) {
        // parent is gparent's left child
        if (tmp !== NIL && a[tmp * s + COLOR] === RED) {
          // Case 1: recolour, move up two levels.
          a[tmp * s + COLOR] = BLACK;
          a[parent * s + COLOR] = BLACK;
          node = gparent;
          parent = a[node * s + PARENT]!;
          a[node * s + COLOR] = RED;
          continue;
        }
        tmp = a[parent * s + RIGHT]!;
        if (node === tmp) {
          // Case 2: left rotate at parent.
          tmp = a[node * s + LEFT]!;
          a[parent * s + RIGHT] = tmp;
          a[node * s + LEFT] = parent;
          if (tmp !== NIL) {
            a[tmp * s + PARENT] = parent;
            a[tmp * s + COLOR] = BLACK;
          }
          a[parent * s + PARENT] = node;
          a[parent * s + COLOR] = RED;
          if (aug) aug.rotate(parent, node);
          parent = node;
          tmp = a[node * s + RIGHT]!;
        }
        // Case 3: right rotate at gparent.
        a[gparent * s + LEFT] = tmp;
        a[parent * s + RIGHT] = gparent;
        if (tmp !== NIL) {
          a[tmp * s + PARENT] = gparent;
          a[tmp * s + COLOR] = BLACK;
        }
        this.rotateSetParents(gparent, parent, RED);
        if (aug) aug.rotate(gparent, parent);
        break;
      } else {
        // parent is gparent's right child: the mirror image.
        tmp = a[gparent * s + LEFT]!;
        if (tmp !== NIL && a[tmp * s + COLOR] === RED) {
          // Case 1.
          a[tmp * s + COLOR] = BLACK;
          a[parent * s + COLOR] = BLACK;
          node = gparent;
          parent = a[node * s + PARENT]!;
          a[node * s + COLOR] = RED;
          continue;
        }
        tmp = a[parent * s + LEFT]!;
        if (node === tmp) {
          // Case 2: right rotate at parent.
          tmp = a[node * s + RIGHT]!;
          a[parent * s + LEFT] = tmp;
          a[node * s + RIGHT] = parent;
          if (tmp !== NIL) {
            a[tmp * s + PARENT] = parent;
            a[tmp * s + COLOR] = BLACK;
          }
          a[parent * s + PARENT] = node;
          a[parent * s + COLOR] = RED;
          if (aug) aug.rotate(parent, node);
          parent = node;
          tmp = a[node * s + LEFT]!;
        }
        // Case 3: left rotate at gparent.
        a[gparent * s + RIGHT] = tmp;
        a[parent * s + LEFT] = gparent;
        if (tmp !== NIL) {
          a[tmp * s + PARENT] = gparent;
          a[tmp * s + COLOR] = BLACK;
        }
        this.rotateSetParents(gparent, parent, RED);
        if (aug) aug.rotate(gparent, parent);
        break;
      }
    }
  }

  // ------------------------------------------------------------------ erase

  /** Unlinks `node` and rebalances (no augmentation). @see lib/rbtree.c: rb_erase */
  erase(node: number): void {
    const rebalance = this.eraseNode(node, undefined);
    if (rebalance !== NIL) this.rebalanceErase(rebalance, undefined);
  }

  /** Unlinks `node`, keeping augmented values valid. @see include/linux/rbtree_augmented.h: rb_erase_augmented */
  eraseAugmented(node: number): void {
    const aug = this.requireAugment();
    const rebalance = this.eraseNode(node, aug);
    if (rebalance !== NIL) this.rebalanceErase(rebalance, aug);
  }

  /**
   * Unlinks `node` (`__rb_erase_augmented`). Returns the node where the colour fix-up must start, or
   * `NIL` when the colours were repaired locally.
   *
   * - Case 1: at most one child. A single child is red and `node` black; the child takes `node`'s place
   *   and colour. With no child, a black `node` leaves its parent one black short.
   * - Case 2: two children and the successor `y` is the right child: `y` takes `node`'s place.
   *
   *       (n)          (y)
   *       / \          / \
   *      x  (y)  ->   x  (c)
   *           \
   *           (c)
   *
   * - Case 3: two children and the successor `y` is the leftmost node of the right subtree: `y` leaves
   *   its place to its right child `c` and takes `node`'s place.
   *
   *       (n)          (y)
   *       / \          / \
   *      x  (r)  ->   x  (r)
   *          /            /
   *        (p)          (p)
   *        /            /
   *      (y)          (c)
   *        \
   *        (c)
   */
  private eraseNode(node: number, aug: Augment | undefined): number {
    const a = this.pool.i32;
    const s = this.s;
    const child = a[node * s + RIGHT]!;
    let tmp = a[node * s + LEFT]!;
    let parent: number;
    let rebalance: number;
    if (tmp === NIL) {
      // Case 1, no left child.
      parent = a[node * s + PARENT]!;
      const color = a[node * s + COLOR]!;
      this.changeChild(node, child, parent);
      if (child !== NIL) {
        a[child * s + PARENT] = parent;
        a[child * s + COLOR] = color;
        rebalance = NIL;
      } else {
        rebalance = color === BLACK ? parent : NIL;
      }
      tmp = parent;
    } else if (child === NIL) {
      // Case 1, the only child is the left one.
      parent = a[node * s + PARENT]!;
      a[tmp * s + PARENT] = parent;
      a[tmp * s + COLOR] = a[node * s + COLOR]!;
      this.changeChild(node, tmp, parent);
      rebalance = NIL;
      tmp = parent;
    } else {
      let successor = child;
      let child2: number;
      tmp = a[child * s + LEFT]!;
      if (tmp === NIL) {
        // Case 2: the successor is the right child.
        parent = successor;
        child2 = a[successor * s + RIGHT]!;
        if (aug) aug.copy(node, successor);
      } else {
        // Case 3: the successor is the leftmost node under the right child.
        do {
          parent = successor;
          successor = tmp;
          tmp = a[tmp * s + LEFT]!;
        } while (tmp !== NIL);
        child2 = a[successor * s + RIGHT]!;
        a[parent * s + LEFT] = child2;
        a[successor * s + RIGHT] = child;
        a[child * s + PARENT] = successor;
        if (aug) {
          aug.copy(node, successor);
          aug.propagate(parent, successor);
        }
      }
      tmp = a[node * s + LEFT]!;
      a[successor * s + LEFT] = tmp;
      a[tmp * s + PARENT] = successor;
      const nodeParent = a[node * s + PARENT]!;
      const nodeColor = a[node * s + COLOR]!;
      this.changeChild(node, successor, nodeParent);
      if (child2 !== NIL) {
        a[child2 * s + PARENT] = parent;
        a[child2 * s + COLOR] = BLACK;
        rebalance = NIL;
      } else {
        rebalance = a[successor * s + COLOR] === BLACK ? parent : NIL;
      }
      a[successor * s + PARENT] = nodeParent;
      a[successor * s + COLOR] = nodeColor;
      tmp = successor;
    }
    if (aug) aug.propagate(tmp, NIL);
    const base = node * s;
    a[base + PARENT] = NIL;
    a[base + LEFT] = NIL;
    a[base + RIGHT] = NIL;
    this.size--;
    return rebalance;
  }

  /**
   * The erase colour fix-up (`____rb_erase_color`). Loop invariants: `node` is black (or nil on the
   * first pass), `node` is not the root (`parent` is not nil), and every path through `parent` and
   * `node` has one black node fewer than the other paths.
   *
   * Case 1, the sibling is red: rotate at the parent; the new sibling is black.
   *
   *         P               S
   *        / \             / \
   *       N   s    -->    p   Sr
   *          / \         / \
   *         Sl  Sr      N   Sl
   *
   * Case 2, the sibling and both its children are black: colour the sibling red; a red parent becomes
   * black and we are done, else continue at the parent.
   *
   *        (p)           (p)
   *        / \           / \
   *       N   S    -->  N   s
   *          / \           / \
   *         Sl  Sr        Sl  Sr
   *
   * Case 3, the sibling is black, its far child black and its near child red: rotate at the sibling.
   *
   *        (p)           (p)
   *        / \           / \
   *       N   S    -->  N   sl
   *          / \             \
   *         sl  Sr            S
   *                            \
   *                             Sr
   *
   * Case 4, the sibling is black with a red far child: rotate at the parent and recolour; done.
   *
   *        (p)             (s)
   *        / \             / \
   *       N   S     -->   P   Sr
   *          / \         / \
   *        (sl) sr      N  (sl)
   */
  private rebalanceErase(parent: number, aug: Augment | undefined): void {
    const a = this.pool.i32;
    const s = this.s;
    let node = NIL;
    for (;;) {
      let sibling = a[parent * s + RIGHT]!;
      if (node !== sibling) {
        // node is the parent's left child
        if (a[sibling * s + COLOR] === RED) {
          // Case 1: left rotate at parent.
          const tmp1 = a[sibling * s + LEFT]!;
          a[parent * s + RIGHT] = tmp1;
          a[sibling * s + LEFT] = parent;
          a[tmp1 * s + PARENT] = parent;
          a[tmp1 * s + COLOR] = BLACK;
          this.rotateSetParents(parent, sibling, RED);
          if (aug) aug.rotate(parent, sibling);
          sibling = tmp1;
        }
        let tmp1 = a[sibling * s + RIGHT]!;
        if (tmp1 === NIL || a[tmp1 * s + COLOR] === BLACK) {
          const tmp2 = a[sibling * s + LEFT]!;
          if (tmp2 === NIL || a[tmp2 * s + COLOR] === BLACK) {
            // Case 2: sibling colour flip.
            a[sibling * s + PARENT] = parent;
            a[sibling * s + COLOR] = RED;
            if (a[parent * s + COLOR] === RED) {
              a[parent * s + COLOR] = BLACK;
            } else {
              node = parent;
              parent = a[node * s + PARENT]!;
              if (parent !== NIL) continue;
            }
            break;
          }
          // Case 3: right rotate at sibling.
          tmp1 = a[tmp2 * s + RIGHT]!;
          a[sibling * s + LEFT] = tmp1;
          a[tmp2 * s + RIGHT] = sibling;
          a[parent * s + RIGHT] = tmp2;
          if (tmp1 !== NIL) {
            a[tmp1 * s + PARENT] = sibling;
            a[tmp1 * s + COLOR] = BLACK;
          }
          if (aug) aug.rotate(sibling, tmp2);
          tmp1 = sibling;
          sibling = tmp2;
        }
        // Case 4: left rotate at parent and recolour.
        const tmp2 = a[sibling * s + LEFT]!;
        a[parent * s + RIGHT] = tmp2;
        a[sibling * s + LEFT] = parent;
        a[tmp1 * s + PARENT] = sibling;
        a[tmp1 * s + COLOR] = BLACK;
        if (tmp2 !== NIL) a[tmp2 * s + PARENT] = parent;
        this.rotateSetParents(parent, sibling, BLACK);
        if (aug) aug.rotate(parent, sibling);
        break;
      } else {
        // node is the parent's right child: the mirror image.
        sibling = a[parent * s + LEFT]!;
        if (a[sibling * s + COLOR] === RED) {
          // Case 1: right rotate at parent.
          const tmp1 = a[sibling * s + RIGHT]!;
          a[parent * s + LEFT] = tmp1;
          a[sibling * s + RIGHT] = parent;
          a[tmp1 * s + PARENT] = parent;
          a[tmp1 * s + COLOR] = BLACK;
          this.rotateSetParents(parent, sibling, RED);
          if (aug) aug.rotate(parent, sibling);
          sibling = tmp1;
        }
        let tmp1 = a[sibling * s + LEFT]!;
        if (tmp1 === NIL || a[tmp1 * s + COLOR] === BLACK) {
          const tmp2 = a[sibling * s + RIGHT]!;
          if (tmp2 === NIL || a[tmp2 * s + COLOR] === BLACK) {
            // Case 2: sibling colour flip.
            a[sibling * s + PARENT] = parent;
            a[sibling * s + COLOR] = RED;
            if (a[parent * s + COLOR] === RED) {
              a[parent * s + COLOR] = BLACK;
            } else {
              node = parent;
              parent = a[node * s + PARENT]!;
              if (parent !== NIL) continue;
            }
            break;
          }
          // Case 3: left rotate at sibling.
          tmp1 = a[tmp2 * s + LEFT]!;
          a[sibling * s + RIGHT] = tmp1;
          a[tmp2 * s + LEFT] = sibling;
          a[parent * s + LEFT] = tmp2;
          if (tmp1 !== NIL) {
            a[tmp1 * s + PARENT] = sibling;
            a[tmp1 * s + COLOR] = BLACK;
          }
          if (aug) aug.rotate(sibling, tmp2);
          tmp1 = sibling;
          sibling = tmp2;
        }
        // Case 4: right rotate at parent and recolour.
        const tmp2 = a[sibling * s + RIGHT]!;
        a[parent * s + LEFT] = tmp2;
        a[sibling * s + RIGHT] = parent;
        a[tmp1 * s + PARENT] = sibling;
        a[tmp1 * s + COLOR] = BLACK;
        if (tmp2 !== NIL) a[tmp2 * s + PARENT] = parent;
        this.rotateSetParents(parent, sibling, BLACK);
        if (aug) aug.rotate(parent, sibling);
        break;
      }
    }
  }

  /**
   * Puts `replacement` in `victim`'s place without rebalancing (both must not be in the tree at the same
   * time). @see lib/rbtree.c: rb_replace_node
   */
  replace(victim: number, replacement: number): void {
    const a = this.pool.i32;
    const s = this.s;
    const parent = a[victim * s + PARENT]!;
    a[replacement * s + PARENT] = parent;
    a[replacement * s + LEFT] = a[victim * s + LEFT]!;
    a[replacement * s + RIGHT] = a[victim * s + RIGHT]!;
    a[replacement * s + COLOR] = a[victim * s + COLOR]!;
    const l = a[victim * s + LEFT]!;
    const r = a[victim * s + RIGHT]!;
    if (l !== NIL) a[l * s + PARENT] = replacement;
    if (r !== NIL) a[r * s + PARENT] = replacement;
    this.changeChild(victim, replacement, parent);
    a[victim * s + PARENT] = NIL;
    a[victim * s + LEFT] = NIL;
    a[victim * s + RIGHT] = NIL;
  }

  /** Forgets every node (does not release them to the pool). */
  clear(): void {
    this.root = NIL;
    this.size = 0;
  }

  // ------------------------------------------------------------------ checking

  /**
   * Verifies R1–R5, S1, S2 and (with an augmentation) A1, and optionally the key order O1 through
   * `compare(a, b) < 0` for in-order neighbours. Throws an `RbTreeError`-free plain `Error` naming the
   * invariant and the node.
   */
  check(compare?: (x: number, y: number) => number): void {
    const a = this.pool.i32;
    const s = this.s;
    const root = this.root;
    if (root !== NIL) {
      if (a[root * s + PARENT] !== NIL) throw new Error(`S1 broken: root ${root} has parent ${a[root * s + PARENT]}`);
      if (a[root * s + COLOR] !== BLACK) throw new Error(`R2 broken: root ${root} is red`);
    }
    let count = 0;
    let blackHeight = -1;
    // Iterative DFS carrying the black count so deep trees do not overflow the stack.
    const stack: number[] = [];
    const blacks: number[] = [];
    if (root !== NIL) {
      stack.push(root);
      blacks.push(0);
    }
    while (stack.length > 0) {
      const n = stack.pop()!;
      const b = blacks.pop()! + (a[n * s + COLOR] === BLACK ? 1 : 0);
      count++;
      if (count > this.size) throw new Error(`S2 broken: more nodes reachable than size ${this.size} (cycle?) at node ${n}`);
      const color = a[n * s + COLOR];
      if (color !== RED && color !== BLACK) throw new Error(`R1 broken: node ${n} has colour ${color === FREE ? "FREE (released while linked)" : String(color)}`);
      const l = a[n * s + LEFT]!;
      const r = a[n * s + RIGHT]!;
      for (const c of [l, r]) {
        if (c === NIL) {
          if (blackHeight === -1) blackHeight = b;
          else if (b !== blackHeight) throw new Error(`R5 broken: black height ${b} below node ${n}, expected ${blackHeight}`);
          continue;
        }
        if (a[c * s + PARENT] !== n) throw new Error(`S1 broken: node ${c} is a child of ${n} but its parent is ${a[c * s + PARENT]}`);
        if (color === RED && a[c * s + COLOR] === RED) throw new Error(`R4 broken: red node ${n} has red child ${c}`);
        stack.push(c);
        blacks.push(b);
      }
      if (this.augment) {
        const want = this.augment.compute(n);
        const got = this.augment.value(n);
        if (want !== got) throw new Error(`A1 broken: node ${n} stores ${got}, recomputed ${want}`);
      }
    }
    if (count !== this.size) throw new Error(`S2 broken: ${count} nodes reachable, size is ${this.size}`);
    if (compare) {
      let prev = NIL;
      for (let n = this.first(); n !== NIL; n = this.next(n)) {
        if (prev !== NIL && compare(prev, n) >= 0) throw new Error(`O1 broken: node ${prev} does not sort before its successor ${n}`);
        prev = n;
      }
    }
  }

  // ------------------------------------------------------------------ internals

  private requireAugment(): Augment {
    if (!this.augment) throw new RbTreeError("EINVAL", "this tree has no augmentation: pass one to new RbTree(pool, augment)");
    return this.augment;
  }

  /** `__rb_change_child`: makes `newNode` the child of `parent` where `oldNode` was (or the root). */
  private changeChild(oldNode: number, newNode: number, parent: number): void {
    const a = this.pool.i32;
    const s = this.s;
    if (parent !== NIL) {
      if (a[parent * s + LEFT] === oldNode) a[parent * s + LEFT] = newNode;
      else a[parent * s + RIGHT] = newNode;
    } else {
      this.root = newNode;
    }
  }

  /** `__rb_rotate_set_parents`: `newNode` takes `oldNode`'s parent and colour; `oldNode` hangs below it with `color`. */
  private rotateSetParents(oldNode: number, newNode: number, color: number): void {
    const a = this.pool.i32;
    const s = this.s;
    const parent = a[oldNode * s + PARENT]!;
    a[newNode * s + PARENT] = parent;
    a[newNode * s + COLOR] = a[oldNode * s + COLOR]!;
    a[oldNode * s + PARENT] = newNode;
    a[oldNode * s + COLOR] = color;
    this.changeChild(oldNode, newNode, parent);
  }
}
