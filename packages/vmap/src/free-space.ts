import { type Augment, COLOR, FREE, LEFT, NIL, type NodePool, PARENT, RIGHT, RbTree } from "@kva/rbtree";
import { END, MAX, NEXT, PREV, S32, S64, START } from "./layout.js";

/**
 * The record layout of layout.ts and @kva/rbtree as file-local const enums, for the hot paths: the compiler
 * (tsc or esbuild) replaces each member with its literal, where an imported constant would be a module
 * binding read (and hole-checked) on every use. `W` indexes int32 words, `D` float64 slots; the nil record
 * is node 0, compared with the literal `0`. Checked against the exported constants when the module loads.
 */
const enum W {
  PARENT = 0,
  LEFT = 1,
  RIGHT = 2,
  PREV = 4,
  NEXT = 5,
  STRIDE = 12,
}
const enum D {
  START = 3,
  END = 4,
  MAX = 5,
  STRIDE = 6,
}
if (
  [PARENT, LEFT, RIGHT, PREV, NEXT, S32, START, END, MAX, S64, NIL].join() !==
  [W.PARENT, W.LEFT, W.RIGHT, W.PREV, W.NEXT, W.STRIDE, D.START, D.END, D.MAX, D.STRIDE, 0].join()
) {
  throw new Error("free-space.ts: the record offsets disagree with layout.ts / @kva/rbtree");
}

/**
 * The free space of a vmap allocator: free blocks in an augmented red-black tree sorted by start,
 * paired with an address-ordered list, as in Linux 5.2 `free_vmap_area_root` / `free_vmap_area_list`.
 *
 * Invariants (checked by `VmapSpace.check()`):
 * - F1 the free tree is a valid red-black tree sorted by `va_start` (R1–R5, S1, S2 of @kva/rbtree).
 * - A1 `subtree_max_size(N) = max(N.end − N.start, subtree_max_size(left), subtree_max_size(right))`,
 *      a missing child counting 0 (`get_subtree_max_size(NULL) = 0`).
 * - L1 the free list holds exactly the tree's nodes, in in-order sequence, with consistent prev/next.
 * - M1 free blocks never overlap and never touch: adjacent free blocks are always merged.
 *
 * Every modification keeps A1 with `propagate` from the changed node, stopping early once a value is
 * unchanged (`augment_tree_propagate_from`). It must be called after inserting a node, after shrinking
 * a node (allocation) and after growing a node (merge).
 *
 * @see mm/vmalloc.c (v5.2): free_vmap_area_root, free_vmap_area_list, augment_tree_propagate_from
 */

/** Fit types of `classify_va_fit_type` (KERNEL.md §3.2). */
export const NOTHING_FIT = 0;
export const FL_FIT_TYPE = 1;
export const LE_FIT_TYPE = 2;
export const RE_FIT_TYPE = 3;
export const NE_FIT_TYPE = 4;
export type FitType = 0 | 1 | 2 | 3 | 4;

/** The `subtree_max_size` augmentation, specialised for 48-byte vmap records (nil's slot reads 0). */
export class SubtreeMaxSize implements Augment {
  constructor(private readonly pool: NodePool) {}

  value(node: number): number {
    return this.pool.f64[node * D.STRIDE + D.MAX]!;
  }

  compute(node: number): number {
    const f = this.pool.f64;
    const a = this.pool.i32;
    const b = node * D.STRIDE;
    const n32 = node * W.STRIDE;
    let max = f[b + D.END]! - f[b + D.START]!;
    const l = a[n32 + W.LEFT]!;
    const r = a[n32 + W.RIGHT]!;
    if (l !== 0) {
      const m = f[l * D.STRIDE + D.MAX]!;
      if (m > max) max = m;
    }
    if (r !== 0) {
      const m = f[r * D.STRIDE + D.MAX]!;
      if (m > max) max = m;
    }
    return max;
  }

  /**
   * `augment_tree_propagate_from` when `stop` is NIL; the rbtree `propagate` callback otherwise.
   *
   * The hottest loop of the allocator, so it computes `compute(node)` its own way: a missing child reads
   * the nil record, whose MAX slot is 0 (N1), and a free block's own size is at least 1, so nil changes
   * nothing and needs no test; and the maxima are taken without branches (these comparisons are
   * unpredictable), as `max + (m − max) · [m > max]`, exact for integers below 2^53.
   */
  propagate(node: number, stop: number): void {
    const f = this.pool.f64;
    const a = this.pool.i32;
    while (node !== stop) {
      const b = node * D.STRIDE;
      const n32 = node * W.STRIDE;
      let max = f[b + D.END]! - f[b + D.START]!;
      const ml = f[a[n32 + W.LEFT]! * D.STRIDE + D.MAX]!;
      const mr = f[a[n32 + W.RIGHT]! * D.STRIDE + D.MAX]!;
      max += (ml - max) * +(ml > max);
      max += (mr - max) * +(mr > max);
      if (f[b + D.MAX] === max) break;
      f[b + D.MAX] = max;
      node = a[n32 + W.PARENT]!;
    }
  }

  copy(oldNode: number, newNode: number): void {
    const f = this.pool.f64;
    f[newNode * D.STRIDE + D.MAX] = f[oldNode * D.STRIDE + D.MAX]!;
  }

  rotate(oldNode: number, newNode: number): void {
    const f = this.pool.f64;
    f[newNode * D.STRIDE + D.MAX] = f[oldNode * D.STRIDE + D.MAX]!;
    f[oldNode * D.STRIDE + D.MAX] = this.compute(oldNode);
  }
}

/**
 * `find_va_links`: descends from `from` (a root, or the NE split node) to the empty child slot where a
 * range ending at `end` belongs, and returns `parent * 2 + side` (side 1 = the right child), 0 for an
 * empty tree. Ranges in a tree are disjoint, so comparing the new range's end with each node's start
 * decides the side. A descent's turns are unpredictable: both children are read, then one is picked
 * without a branch (`-1 & x` = x, `0 & x` = 0), so the next load waits for neither the comparison nor a
 * misprediction.
 *
 * @see mm/vmalloc.c: find_va_links
 */
export function findVaLinks(pool: NodePool, from: number, end: number): number {
  const a = pool.i32;
  const f = pool.f64;
  let parent = 0;
  let right = 0;
  let cur = from;
  while (cur !== 0) {
    parent = cur;
    const l = a[cur * W.STRIDE + W.LEFT]!;
    const r = a[cur * W.STRIDE + W.RIGHT]!;
    right = end > f[cur * D.STRIDE + D.START]! ? 1 : 0;
    cur = l ^ ((l ^ r) & -right);
  }
  return parent * 2 + right;
}

/** The free tree and list over a shared pool. Node fields are read through the pool's views. */
export class FreeSpace {
  readonly pool: NodePool;
  readonly tree: RbTree;
  readonly augment: SubtreeMaxSize;
  /** First and last free blocks in address order (`NIL` when none). */
  head = NIL;
  tail = NIL;
  /** Sum of free block sizes. */
  size = 0;

  constructor(pool: NodePool) {
    this.pool = pool;
    this.augment = new SubtreeMaxSize(pool);
    this.tree = new RbTree(pool, this.augment);
  }

  get count(): number {
    return this.tree.size;
  }

  /** Largest free block (the root's `subtree_max_size`), 0 when empty. */
  get largest(): number {
    const root = this.tree.root;
    return root === NIL ? 0 : this.pool.f64[root * S64 + MAX]!;
  }

  /**
   * Links a new free block `node` (fields set) at its sorted position, descending from `from` (the root
   * when `NIL`), then rebalances and propagates. The caller guarantees it neither overlaps nor touches a
   * free block when `merge` is not used.
   *
   * @see mm/vmalloc.c (v5.2): find_va_links, link_va, insert_vmap_area_augment
   */
  insert(node: number, from: number): void {
    const link = findVaLinks(this.pool, from === 0 ? this.tree.root : from, this.pool.f64[node * D.STRIDE + D.END]!);
    this.linkAt(node, link >> 1, (link & 1) === 1);
  }

  /** `link_va` for the free tree: list position from the parent, rb link, augmented rebalance, propagate. */
  private linkAt(node: number, parent: number, right: boolean): void {
    const a = this.pool.i32;
    const f = this.pool.f64;
    // List: after the parent for a right slot, before it (after its predecessor) for a left slot.
    let prev: number;
    let next: number;
    if (parent === 0) {
      prev = 0;
      next = 0;
    } else if (right) {
      prev = parent;
      next = a[parent * W.STRIDE + W.NEXT]!;
    } else {
      next = parent;
      prev = a[parent * W.STRIDE + W.PREV]!;
    }
    const n32 = node * W.STRIDE;
    a[n32 + W.PREV] = prev;
    a[n32 + W.NEXT] = next;
    if (prev === 0) this.head = node;
    else a[prev * W.STRIDE + W.NEXT] = node;
    if (next === 0) this.tail = node;
    else a[next * W.STRIDE + W.PREV] = node;

    this.tree.link(node, parent, right ? RIGHT : LEFT);
    // As in the kernel the new node enters with a zero value; the rotations keep every value valid for
    // that, and the propagation from the node then adds its size along the path.
    const b = node * D.STRIDE;
    f[b + D.MAX] = 0;
    this.tree.insertAugmented(node);
    this.augment.propagate(node, 0);
    this.size += f[b + D.END]! - f[b + D.START]!;
  }

  /** Unlinks a free block from tree and list (`unlink_va` on the free tree). The node is not released. */
  unlink(node: number): void {
    this.tree.eraseAugmented(node);
    const a = this.pool.i32;
    const f = this.pool.f64;
    const n32 = node * W.STRIDE;
    const prev = a[n32 + W.PREV]!;
    const next = a[n32 + W.NEXT]!;
    if (prev === 0) this.head = next;
    else a[prev * W.STRIDE + W.NEXT] = next;
    if (next === 0) this.tail = prev;
    else a[next * W.STRIDE + W.PREV] = prev;
    a[n32 + W.PREV] = 0;
    a[n32 + W.NEXT] = 0;
    this.size -= f[node * D.STRIDE + D.END]! - f[node * D.STRIDE + D.START]!;
  }

  /**
   * Returns the area `node` (fields set, not linked anywhere) to free space: merges it with the next
   * and/or previous free block when they touch, otherwise links it. Returns the node that now holds the
   * range (`node` itself, or the neighbour it merged into; `node` is then released to the pool).
   *
   * Order of tree operations as in v5.2: grow `next` downwards and propagate; then grow `prev` upwards
   * and propagate, and if both merged, erase the grown `next` from the tree.
   *
   *     |<-- prev -->|<--- va --->|<-- next -->|
   *
   * @see mm/vmalloc.c (v5.2): merge_or_add_vmap_area, get_va_next_sibling
   */
  merge(node: number): number {
    const a = this.pool.i32;
    const f = this.pool.f64;
    const start = f[node * D.STRIDE + D.START]!;
    const end = f[node * D.STRIDE + D.END]!;
    const link = findVaLinks(this.pool, this.tree.root, end);
    const parent = link >> 1;
    const right = (link & 1) === 1;
    if (parent === 0) {
      this.linkAt(node, 0, false);
      return node;
    }
    // get_va_next_sibling: the block that would follow `node` in the list (NIL = past the tail).
    const next = right ? a[parent * W.STRIDE + W.NEXT]! : parent;
    const size = end - start;
    let va = node;
    let merged = false;
    if (next !== 0 && f[next * D.STRIDE + D.START] === end) {
      f[next * D.STRIDE + D.START] = start;
      this.augment.propagate(next, 0);
      this.size += size;
      this.pool.release(node);
      va = next;
      merged = true;
    }
    const prev = next === 0 ? this.tail : a[next * W.STRIDE + W.PREV]!;
    if (prev !== 0 && f[prev * D.STRIDE + D.END] === start) {
      const vaEnd = f[va * D.STRIDE + D.END]!;
      f[prev * D.STRIDE + D.END] = vaEnd;
      this.augment.propagate(prev, 0);
      if (merged) {
        // `next` was grown to cover the area; its range now belongs to `prev`.
        const grown = vaEnd - f[va * D.STRIDE + D.START]!;
        this.unlink(va);
        this.size += grown;
        this.pool.release(va);
      } else {
        this.size += size;
        this.pool.release(node);
      }
      return prev;
    }
    if (!merged) this.linkAt(node, parent, right);
    return va;
  }

  /**
   * `pvm_find_va_enclose_addr`: the free block containing `addr` (its end counted inclusively, as the
   * kernel does) or else the highest block starting at or below `addr`; `NIL` if none.
   */
  enclosing(addr: number): number {
    const a = this.pool.i32;
    const f = this.pool.f64;
    let cur = this.tree.root;
    let found = NIL;
    while (cur !== NIL) {
      const b = cur * S64;
      if (f[b + START]! <= addr) {
        found = cur;
        if (addr <= f[b + END]!) break;
        cur = a[cur * S32 + RIGHT]!;
      } else {
        cur = a[cur * S32 + LEFT]!;
      }
    }
    return found;
  }

  /** The free block holding `addr` strictly (`start <= addr < end`), or `NIL`. */
  containing(addr: number): number {
    const a = this.pool.i32;
    const f = this.pool.f64;
    let cur = this.tree.root;
    while (cur !== NIL) {
      const b = cur * S64;
      if (addr < f[b + START]!) cur = a[cur * S32 + LEFT]!;
      else if (addr >= f[b + END]!) cur = a[cur * S32 + RIGHT]!;
      else return cur;
    }
    return NIL;
  }

  /**
   * `find_vmap_lowest_match`: descends towards the lowest block that can hold `size` units aligned to
   * `align` at or after `vstart`, pruning subtrees whose `subtree_max_size` is below `length` (the padded
   * `size + align − 1` of 5.2, or `size` of 5.16). Nodes on the path are tested exactly
   * (`is_within_this_va`); when a path fails the search climbs back to the first ancestor whose right
   * subtree qualifies. With `shiftVstart` (5.16+) `vstart` moves past that ancestor so the same subtree is
   * not entered twice. Returns the block, or `NIL`.
   *
   * @see mm/vmalloc.c: find_vmap_lowest_match, is_within_this_va
   */
  findLowestMatch(
    size: number,
    align: number,
    length: number,
    vstart: number,
    shiftVstart: boolean,
  ): number {
    const a = this.pool.i32;
    const f = this.pool.f64;
    // alignUp(x, align) as a multiplication: x · (1 / align) is exact for a power of two.
    const inv = 1 / align;
    let node = this.tree.root;
    // The nil record's MAX slot is 0 and length >= 1, so a missing child never qualifies.
    while (node !== 0) {
      const n32 = node * W.STRIDE;
      const b = node * D.STRIDE;
      const l = a[n32 + W.LEFT]!;
      if (f[l * D.STRIDE + D.MAX]! >= length && vstart < f[b + D.START]!) {
        node = l;
        continue;
      }
      let start = f[b + D.START]!;
      let nva = alignUpBy(start > vstart ? start : vstart, align, inv);
      if (nva <= f[b + D.END]! - size) return node;
      const r = a[n32 + W.RIGHT]!;
      if (f[r * D.STRIDE + D.MAX]! >= length) {
        node = r;
        continue;
      }
      // Roll back to the first ancestor that fits itself or has a qualifying right subtree.
      for (;;) {
        node = a[node * W.STRIDE + W.PARENT]!;
        if (node === 0) return 0;
        const pb = node * D.STRIDE;
        start = f[pb + D.START]!;
        nva = alignUpBy(start > vstart ? start : vstart, align, inv);
        if (nva <= f[pb + D.END]! - size) return node;
        const pr = a[node * W.STRIDE + W.RIGHT]!;
        if (f[pr * D.STRIDE + D.MAX]! >= length && vstart <= start) {
          if (shiftVstart) vstart = start + 1;
          node = pr;
          break;
        }
      }
    }
    return 0;
  }

  /**
   * `adjust_va_to_fit_type` / `va_clip`: cuts `[nva, nva + size)` out of the free block `node`.
   *
   *     FL  |<===== va =====>|              the block is consumed: unlink and release it
   *     LE  |<= new =>|  va  |              va.start += size
   *     RE  |  va  |<= new =>|              va.end = nva
   *     NE  | lva |<= new =>| va |          lva = [va.start, nva), va.start = nva + size
   *
   * After LE/RE/NE the block's value is propagated; for NE the remainder `lva` is then inserted with the
   * descent starting at `va`'s node (it can only belong in `va`'s left subtree). Returns the fit type,
   * `NOTHING_FIT` (and changes nothing) when the range is not inside the block.
   *
   * @see mm/vmalloc.c (v5.2): classify_va_fit_type, adjust_va_to_fit_type
   */
  clip(node: number, nva: number, size: number, counters: ClipCounters): FitType {
    let f = this.pool.f64;
    const b = node * D.STRIDE;
    const start = f[b + D.START]!;
    const end = f[b + D.END]!;
    const type = classifyFit(start, end, nva, size);
    switch (type) {
      case FL_FIT_TYPE:
        this.unlink(node);
        this.pool.release(node);
        counters.FL++;
        break;
      case LE_FIT_TYPE:
        f[b + D.START] = start + size;
        this.size -= size;
        this.augment.propagate(node, 0);
        counters.LE++;
        break;
      case RE_FIT_TYPE:
        f[b + D.END] = nva;
        this.size -= size;
        this.augment.propagate(node, 0);
        counters.RE++;
        break;
      case NE_FIT_TYPE: {
        if (this.pool.hasReleased) counters.neReused++;
        else counters.neFresh++;
        const lva = this.pool.alloc();
        f = this.pool.f64; // the pool may have grown
        f[lva * D.STRIDE + D.START] = start;
        f[lva * D.STRIDE + D.END] = nva;
        f[node * D.STRIDE + D.START] = nva + size;
        this.size -= nva + size - start;
        this.augment.propagate(node, 0);
        this.insert(lva, node);
        counters.NE++;
        break;
      }
      default:
        break;
    }
    return type;
  }

  /** Checks L1 and M1 and the cached size; F1/A1 are checked by the tree. Throws naming the invariant. */
  check(): void {
    this.tree.check();
    const a = this.pool.i32;
    const f = this.pool.f64;
    let listed = 0;
    let total = 0;
    let prev = NIL;
    let inorder = this.tree.first();
    for (let n = this.head; n !== NIL; n = a[n * S32 + NEXT]!) {
      if (n !== inorder) throw new Error(`L1 broken: free list holds node ${n} where the tree's in-order walk has ${inorder}`);
      if (a[n * S32 + PREV] !== prev) throw new Error(`L1 broken: node ${n} has prev ${a[n * S32 + PREV]}, expected ${prev}`);
      if (a[n * S32 + COLOR] === FREE) throw new Error(`L1 broken: node ${n} is on the free list but released to the pool`);
      const s = f[n * S64 + START]!;
      const e = f[n * S64 + END]!;
      if (!(s < e)) throw new Error(`M1 broken: free block ${n} [${s}, ${e}) is empty`);
      if (prev !== NIL && f[prev * S64 + END]! >= s) {
        throw new Error(`M1 broken: free blocks [${f[prev * S64 + START]}, ${f[prev * S64 + END]}) and [${s}, ${e}) overlap or touch`);
      }
      total += e - s;
      listed++;
      prev = n;
      inorder = this.tree.next(inorder);
    }
    if (inorder !== NIL) throw new Error(`L1 broken: tree node ${inorder} is missing from the free list`);
    if (prev !== this.tail) throw new Error(`L1 broken: list tail is ${this.tail}, the last listed node is ${prev}`);
    if (listed !== this.tree.size) throw new Error(`L1 broken: ${listed} listed, tree has ${this.tree.size}`);
    if (total !== this.size) throw new Error(`S1 broken: free size cached as ${this.size}, recomputed ${total}`);
  }
}

/** Rounds `x` up to a multiple of the power of two `a` (exact for safe integers). */
export function alignUp(x: number, a: number): number {
  return a === 1 ? x : Math.ceil(x / a) * a;
}

/** `alignUp(x, a)` given `inv = 1 / a`: the same value (scaling by a power of two is exact), no division. */
function alignUpBy(x: number, a: number, inv: number): number {
  return a === 1 ? x : Math.ceil(x * inv) * a;
}

/** `classify_va_fit_type`: how `[nva, nva + size)` sits in the block `[start, end)`. */
export function classifyFit(start: number, end: number, nva: number, size: number): FitType {
  if (nva < start || nva + size > end) return NOTHING_FIT;
  if (nva === start) return nva + size === end ? FL_FIT_TYPE : LE_FIT_TYPE;
  return nva + size === end ? RE_FIT_TYPE : NE_FIT_TYPE;
}

export interface ClipCounters {
  FL: number;
  LE: number;
  RE: number;
  NE: number;
  /** NE remainder nodes taken from the pool's released records. */
  neReused: number;
  /** NE remainder nodes that needed a never-used record. */
  neFresh: number;
}

