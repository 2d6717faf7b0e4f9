import type { Augment } from "./augment.js";
import { BLACK, COLOR, FREE, LEFT, NIL, type NodePool, PARENT, RED, RIGHT, RbTreeError } from "./pool.js";

/**
 * The link words and colours of pool.ts as file-local const enums for the rebalancing code: the compiler
 * (tsc or esbuild) replaces each member with its literal, where an imported constant would be a module
 * binding read on every use. Nil is node 0 (P1), compared with the literal `0`. Checked against pool.ts
 * when the module loads.
 */
const enum L {
  PARENT = 0,
  LEFT = 1,
  RIGHT = 2,
  COLOR = 3,
}
const enum Colour {
  RED = 0,
  BLACK = 1,
}
if ([PARENT, LEFT, RIGHT, COLOR, RED, BLACK, NIL].join() !== [L.PARENT, L.LEFT, L.RIGHT, L.COLOR, Colour.RED, Colour.BLACK, 0].join()) {
  throw new Error("rbtree.ts: the record layout disagrees with pool.ts");
}

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
    return this.pool.i32[node * this.s + L.PARENT]!;
  }
  left(node: number): number {
    return this.pool.i32[node * this.s + L.LEFT]!;
  }
  right(node: number): number {
    return this.pool.i32[node * this.s + L.RIGHT]!;
  }
  isRed(node: number): boolean {
    return node !== 0 && (this.pool.i32[node * this.s + L.COLOR]! as Colour) === Colour.RED;
  }
  isBlack(node: number): boolean {
    return !this.isRed(node);
  }

  /** The leftmost node, `NIL` when empty. @see lib/rbtree.c: rb_first */
  first(): number {
    return this.root === 0 ? 0 : this.leftmost(this.root);
  }

  /** The rightmost node, `NIL` when empty. @see lib/rbtree.c: rb_last */
  last(): number {
    const a = this.pool.i32;
    const s = this.s;
    let n = this.root;
    if (n === 0) return 0;
    while (a[n * s + L.RIGHT] !== 0) n = a[n * s + L.RIGHT]!;
    return n;
  }

  /** The leftmost node of the subtree rooted at `node`. */
  leftmost(node: number): number {
    const a = this.pool.i32;
    const s = this.s;
    while (a[node * s + L.LEFT] !== 0) node = a[node * s + L.LEFT]!;
    return node;
  }

  /** In-order successor, `NIL` after the last. @see lib/rbtree.c: rb_next */
  next(node: number): number {
    const a = this.pool.i32;
    const s = this.s;
    let r = a[node * s + L.RIGHT]!;
    if (r !== 0) {
      while (a[r * s + L.LEFT] !== 0) r = a[r * s + L.LEFT]!;
      return r;
    }
    let p = a[node * s + L.PARENT]!;
    while (p !== 0 && node === a[p * s + L.RIGHT]) {
      node = p;
      p = a[p * s + L.PARENT]!;
    }
    return p;
  }

  /** In-order predecessor, `NIL` before the first. @see lib/rbtree.c: rb_prev */
  prev(node: number): number {
    const a = this.pool.i32;
    const s = this.s;
    let l = a[node * s + L.LEFT]!;
    if (l !== 0) {
      while (a[l * s + L.RIGHT] !== 0) l = a[l * s + L.RIGHT]!;
      return l;
    }
    let p = a[node * s + L.PARENT]!;
    while (p !== 0 && node === a[p * s + L.LEFT]) {
      node = p;
      p = a[p * s + L.PARENT]!;
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
    a[base + L.PARENT] = parent;
    a[base + L.LEFT] = 0;
    a[base + L.RIGHT] = 0;
    a[base + L.COLOR] = Colour.RED;
    if (parent === 0) this.root = node;
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
    let parent = a[node * s + L.PARENT]!;
    for (;;) {
      if (parent === 0) {
        a[node * s + L.COLOR] = Colour.BLACK;
        break;
      }
      if ((a[parent * s + L.COLOR]! as Colour) === Colour.BLACK) break;
      const gparent = a[parent * s + L.PARENT]!;
      let tmp = a[gparent * s + L.RIGHT]!;
      if (parent !== tmp) {
        // parent is gparent's left child
        if (tmp !== 0 && (a[tmp * s + L.COLOR]! as Colour) === Colour.RED) {
          // Case 1: recolour, move up two levels.
          a[tmp * s + L.COLOR] = Colour.BLACK;
          a[parent * s + L.COLOR] = Colour.BLACK;
          node = gparent;
          parent = a[node * s + L.PARENT]!;
          a[node * s + L.COLOR] = Colour.RED;
          continue;
        }
        tmp = a[parent * s + L.RIGHT]!;
        if (node === tmp) {
          // Case 2: left rotate at parent.
          tmp = a[node * s + L.LEFT]!;
          a[parent * s + L.RIGHT] = tmp;
          a[node * s + L.LEFT] = parent;
          if (tmp !== 0) {
            a[tmp * s + L.PARENT] = parent;
            a[tmp * s + L.COLOR] = Colour.BLACK;
          }
          a[parent * s + L.PARENT] = node;
          a[parent * s + L.COLOR] = Colour.RED;
          if (aug) aug.rotate(parent, node);
          parent = node;
          tmp = a[node * s + L.RIGHT]!;
        }
        // Case 3: right rotate at gparent.
        a[gparent * s + L.LEFT] = tmp;
        a[parent * s + L.RIGHT] = gparent;
        if (tmp !== 0) {
          a[tmp * s + L.PARENT] = gparent;
          a[tmp * s + L.COLOR] = Colour.BLACK;
        }
        this.rotateSetParents(gparent, parent, Colour.RED);
        if (aug) aug.rotate(gparent, parent);
        break;
      } else {
        // parent is gparent's right child: the mirror image.
        tmp = a[gparent * s + L.LEFT]!;
        if (tmp !== 0 && (a[tmp * s + L.COLOR]! as Colour) === Colour.RED) {
          // Case 1.
          a[tmp * s + L.COLOR] = Colour.BLACK;
          a[parent * s + L.COLOR] = Colour.BLACK;
          node = gparent;
          parent = a[node * s + L.PARENT]!;
          a[node * s + L.COLOR] = Colour.RED;
          continue;
        }
        tmp = a[parent * s + L.LEFT]!;
        if (node === tmp) {
          // Case 2: right rotate at parent.
          tmp = a[node * s + L.RIGHT]!;
          a[parent * s + L.LEFT] = tmp;
          a[node * s + L.RIGHT] = parent;
          if (tmp !== 0) {
            a[tmp * s + L.PARENT] = parent;
            a[tmp * s + L.COLOR] = Colour.BLACK;
          }
          a[parent * s + L.PARENT] = node;
          a[parent * s + L.COLOR] = Colour.RED;
          if (aug) aug.rotate(parent, node);
          parent = node;
          tmp = a[node * s + L.LEFT]!;
        }
        // Case 3: left rotate at gparent.
        a[gparent * s + L.RIGHT] = tmp;
        a[parent * s + L.LEFT] = gparent;
        if (tmp !== 0) {
          a[tmp * s + L.PARENT] = gparent;
          a[tmp * s + L.COLOR] = Colour.BLACK;
        }
        this.rotateSetParents(gparent, parent, Colour.RED);
        if (aug) aug.rotate(gparent, parent);
        break;
      }
    }
  }

  // ------------------------------------------------------------------ erase

  /** Unlinks `node` and rebalances (no augmentation). @see lib/rbtree.c: rb_erase */
  erase(node: number): void {
    const rebalance = this.eraseNode(node, undefined);
    if (rebalance !== 0) this.rebalanceErase(rebalance, undefined);
  }

  /** Unlinks `node`, keeping augmented values valid. @see include/linux/rbtree_augmented.h: rb_erase_augmented */
  eraseAugmented(node: number): void {
    const aug = this.requireAugment();
    const rebalance = this.eraseNode(node, aug);
    if (rebalance !== 0) this.rebalanceErase(rebalance, aug);
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
    const child = a[node * s + L.RIGHT]!;
    let tmp = a[node * s + L.LEFT]!;
    let parent: number;
    let rebalance: number;
    if (tmp === 0) {
      // Case 1, no left child.
      parent = a[node * s + L.PARENT]!;
      const color = a[node * s + L.COLOR]! as Colour;
      this.changeChild(node, child, parent);
      if (child !== 0) {
        a[child * s + L.PARENT] = parent;
        a[child * s + L.COLOR] = color;
        rebalance = 0;
      } else {
        rebalance = color === Colour.BLACK ? parent : 0;
      }
      tmp = parent;
    } else if (child === 0) {
      // Case 1, the only child is the left one.
      parent = a[node * s + L.PARENT]!;
      a[tmp * s + L.PARENT] = parent;
      a[tmp * s + L.COLOR] = a[node * s + L.COLOR]!;
      this.changeChild(node, tmp, parent);
      rebalance = 0;
      tmp = parent;
    } else {
      let successor = child;
      let child2: number;
      tmp = a[child * s + L.LEFT]!;
      if (tmp === 0) {
        // Case 2: the successor is the right child.
        parent = successor;
        child2 = a[successor * s + L.RIGHT]!;
        if (aug) aug.copy(node, successor);
      } else {
        // Case 3: the successor is the leftmost node under the right child.
        do {
          parent = successor;
          successor = tmp;
          tmp = a[tmp * s + L.LEFT]!;
        } while (tmp !== 0);
        child2 = a[successor * s + L.RIGHT]!;
        a[parent * s + L.LEFT] = child2;
        a[successor * s + L.RIGHT] = child;
        a[child * s + L.PARENT] = successor;
        if (aug) {
          aug.copy(node, successor);
          aug.propagate(parent, successor);
        }
      }
      tmp = a[node * s + L.LEFT]!;
      a[successor * s + L.LEFT] = tmp;
      a[tmp * s + L.PARENT] = successor;
      const nodeParent = a[node * s + L.PARENT]!;
      const nodeColor = a[node * s + L.COLOR]!;
      this.changeChild(node, successor, nodeParent);
      if (child2 !== 0) {
        a[child2 * s + L.PARENT] = parent;
        a[child2 * s + L.COLOR] = Colour.BLACK;
        rebalance = 0;
      } else {
        rebalance = (a[successor * s + L.COLOR]! as Colour) === Colour.BLACK ? parent : 0;
      }
      a[successor * s + L.PARENT] = nodeParent;
      a[successor * s + L.COLOR] = nodeColor;
      tmp = successor;
    }
    if (aug) aug.propagate(tmp, 0);
    const base = node * s;
    a[base + L.PARENT] = 0;
    a[base + L.LEFT] = 0;
    a[base + L.RIGHT] = 0;
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
    let node = 0;
    for (;;) {
      let sibling = a[parent * s + L.RIGHT]!;
      if (node !== sibling) {
        // node is the parent's left child
        if ((a[sibling * s + L.COLOR]! as Colour) === Colour.RED) {
          // Case 1: left rotate at parent.
          const tmp1 = a[sibling * s + L.LEFT]!;
          a[parent * s + L.RIGHT] = tmp1;
          a[sibling * s + L.LEFT] = parent;
          a[tmp1 * s + L.PARENT] = parent;
          a[tmp1 * s + L.COLOR] = Colour.BLACK;
          this.rotateSetParents(parent, sibling, Colour.RED);
          if (aug) aug.rotate(parent, sibling);
          sibling = tmp1;
        }
        let tmp1 = a[sibling * s + L.RIGHT]!;
        if (tmp1 === 0 || (a[tmp1 * s + L.COLOR]! as Colour) === Colour.BLACK) {
          const tmp2 = a[sibling * s + L.LEFT]!;
          if (tmp2 === 0 || (a[tmp2 * s + L.COLOR]! as Colour) === Colour.BLACK) {
            // Case 2: sibling colour flip.
            a[sibling * s + L.PARENT] = parent;
            a[sibling * s + L.COLOR] = Colour.RED;
            if ((a[parent * s + L.COLOR]! as Colour) === Colour.RED) {
              a[parent * s + L.COLOR] = Colour.BLACK;
            } else {
              node = parent;
              parent = a[node * s + L.PARENT]!;
              if (parent !== 0) continue;
            }
            break;
          }
          // Case 3: right rotate at sibling.
          tmp1 = a[tmp2 * s + L.RIGHT]!;
          a[sibling * s + L.LEFT] = tmp1;
          a[tmp2 * s + L.RIGHT] = sibling;
          a[parent * s + L.RIGHT] = tmp2;
          if (tmp1 !== 0) {
            a[tmp1 * s + L.PARENT] = sibling;
            a[tmp1 * s + L.COLOR] = Colour.BLACK;
          }
          if (aug) aug.rotate(sibling, tmp2);
          tmp1 = sibling;
          sibling = tmp2;
        }
        // Case 4: left rotate at parent and recolour.
        const tmp2 = a[sibling * s + L.LEFT]!;
        a[parent * s + L.RIGHT] = tmp2;
        a[sibling * s + L.LEFT] = parent;
        a[tmp1 * s + L.PARENT] = sibling;
        a[tmp1 * s + L.COLOR] = Colour.BLACK;
        if (tmp2 !== 0) a[tmp2 * s + L.PARENT] = parent;
        this.rotateSetParents(parent, sibling, Colour.BLACK);
        if (aug) aug.rotate(parent, sibling);
        break;
      } else {
        // node is the parent's right child: the mirror image.
        sibling = a[parent * s + L.LEFT]!;
        if ((a[sibling * s + L.COLOR]! as Colour) === Colour.RED) {
          // Case 1: right rotate at parent.
          const tmp1 = a[sibling * s + L.RIGHT]!;
          a[parent * s + L.LEFT] = tmp1;
          a[sibling * s + L.RIGHT] = parent;
          a[tmp1 * s + L.PARENT] = parent;
          a[tmp1 * s + L.COLOR] = Colour.BLACK;
          this.rotateSetParents(parent, sibling, Colour.RED);
          if (aug) aug.rotate(parent, sibling);
          sibling = tmp1;
        }
        let tmp1 = a[sibling * s + L.LEFT]!;
        if (tmp1 === 0 || (a[tmp1 * s + L.COLOR]! as Colour) === Colour.BLACK) {
          const tmp2 = a[sibling * s + L.RIGHT]!;
          if (tmp2 === 0 || (a[tmp2 * s + L.COLOR]! as Colour) === Colour.BLACK) {
            // Case 2: sibling colour flip.
            a[sibling * s + L.PARENT] = parent;
            a[sibling * s + L.COLOR] = Colour.RED;
            if ((a[parent * s + L.COLOR]! as Colour) === Colour.RED) {
              a[parent * s + L.COLOR] = Colour.BLACK;
            } else {
              node = parent;
              parent = a[node * s + L.PARENT]!;
              if (parent !== 0) continue;
            }
            break;
          }
          // Case 3: left rotate at sibling.
          tmp1 = a[tmp2 * s + L.LEFT]!;
          a[sibling * s + L.RIGHT] = tmp1;
          a[tmp2 * s + L.LEFT] = sibling;
          a[parent * s + L.LEFT] = tmp2;
          if (tmp1 !== 0) {
            a[tmp1 * s + L.PARENT] = sibling;
            a[tmp1 * s + L.COLOR] = Colour.BLACK;
          }
          if (aug) aug.rotate(sibling, tmp2);
          tmp1 = sibling;
          sibling = tmp2;
        }
        // Case 4: right rotate at parent and recolour.
        const tmp2 = a[sibling * s + L.RIGHT]!;
        a[parent * s + L.LEFT] = tmp2;
        a[sibling * s + L.RIGHT] = parent;
        a[tmp1 * s + L.PARENT] = sibling;
        a[tmp1 * s + L.COLOR] = Colour.BLACK;
        if (tmp2 !== 0) a[tmp2 * s + L.PARENT] = parent;
        this.rotateSetParents(parent, sibling, Colour.BLACK);
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
    // R1 is tested before the links: a record released while linked has its parent word reused by the
    // free list, and should be reported as such rather than as a bad parent link.
    const checkColor = (n: number): void => {
      const color = a[n * s + COLOR];
      if (color !== RED && color !== BLACK) throw new Error(`R1 broken: node ${n} has colour ${color === FREE ? "FREE (released while linked)" : String(color)}`);
    };
    if (root !== NIL) {
      checkColor(root);
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
      for (let side = LEFT; side <= RIGHT; side++) {
        // LEFT and RIGHT are adjacent words: this visits the left child, then the right one.
        const c = a[n * s + side]!;
        if (c === NIL) {
          if (blackHeight === -1) blackHeight = b;
          else if (b !== blackHeight) throw new Error(`R5 broken: black height ${b} below node ${n}, expected ${blackHeight}`);
          continue;
        }
        checkColor(c);
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
    if (parent !== 0) {
      if (a[parent * s + L.LEFT] === oldNode) a[parent * s + L.LEFT] = newNode;
      else a[parent * s + L.RIGHT] = newNode;
    } else {
      this.root = newNode;
    }
  }

  /** `__rb_rotate_set_parents`: `newNode` takes `oldNode`'s parent and colour; `oldNode` hangs below it with `color`. */
  private rotateSetParents(oldNode: number, newNode: number, color: number): void {
    const a = this.pool.i32;
    const s = this.s;
    const parent = a[oldNode * s + L.PARENT]!;
    a[newNode * s + L.PARENT] = parent;
    a[newNode * s + L.COLOR] = a[oldNode * s + L.COLOR]!;
    a[oldNode * s + L.PARENT] = newNode;
    a[oldNode * s + L.COLOR] = color;
    this.changeChild(oldNode, newNode, parent);
  }
}
