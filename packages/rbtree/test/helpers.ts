/**
 * Shared fixtures for the rbtree tests: a pool of 40-byte records holding a key, a size and the subtree
 * max of the size; trees built from key sequences; and a recording augmentation.
 *
 *     byte  0        4        8        12       16       24       32       40
 *           parent   left     right    colour   key      size     max
 */
import { type Augment, FIRST_USER_SLOT, LEFT, MaxAugment, NIL, NodePool, RIGHT, RbTree, findBy, insertBy } from "../src/index.js";
import { formatTree } from "../src/debug.js";

export const KEY = FIRST_USER_SLOT;
export const SIZE = FIRST_USER_SLOT + 1;
export const MAX = FIRST_USER_SLOT + 2;
export const RECORD_BYTES = 40;

/** One build step: a number inserts that key, a string `"-k"` erases key `k`. */
export type Step = number | `-${number}`;

/** Logs every callback the tree makes, labelled by key (`-` = nil), then delegates to a `MaxAugment`. */
export class RecordingAugment implements Augment {
  readonly log: string[] = [];
  constructor(
    private readonly inner: MaxAugment,
    private readonly label: (node: number) => string,
  ) {}
  propagate(node: number, stop: number): void {
    this.log.push(`propagate(${this.label(node)},${this.label(stop)})`);
    this.inner.propagate(node, stop);
  }
  copy(oldNode: number, newNode: number): void {
    this.log.push(`copy(${this.label(oldNode)},${this.label(newNode)})`);
    this.inner.copy(oldNode, newNode);
  }
  rotate(oldNode: number, newNode: number): void {
    this.log.push(`rotate(${this.label(oldNode)},${this.label(newNode)})`);
    this.inner.rotate(oldNode, newNode);
  }
  compute(node: number): number {
    return this.inner.compute(node);
  }
  value(node: number): number {
    return this.inner.value(node);
  }
}

/** A pool and a tree keyed by the record's `KEY` slot; augmented fixtures keep `MAX` = subtree max of `SIZE`. */
export class Fixture {
  readonly pool = new NodePool({ recordBytes: RECORD_BYTES, initialCapacity: 4 });
  readonly tree: RbTree;
  /** The recording augmentation (augmented fixtures only). */
  readonly recorder: RecordingAugment | undefined;
  /** Calls of the size function (the augmentation's scalar) since the last reset. */
  sizeCalls = 0;

  /**
   * @param augmented whether the tree keeps `MAX` with a `MaxAugment`
   * @param record whether that augmentation is wrapped in a `RecordingAugment` that also counts size calls
   *   (off for the long random runs, where the wrappers would dominate the time)
   */
  constructor(augmented: boolean, record = true) {
    let augment: Augment | undefined;
    if (augmented && record) {
      const max = new MaxAugment(this.pool, MAX, (node) => {
        this.sizeCalls++;
        return this.size(node);
      });
      augment = this.recorder = new RecordingAugment(max, this.label);
    } else if (augmented) {
      augment = new MaxAugment(this.pool, MAX, (node) => this.pool.f64[node * this.pool.stride64 + SIZE]!);
    }
    this.tree = new RbTree(this.pool, augment);
  }

  readonly label = (node: number): string => (node === NIL ? "-" : String(this.key(node)));
  readonly compare = (x: number, y: number): number => this.key(x) - this.key(y);

  key(node: number): number {
    return this.pool.f64[node * this.pool.stride64 + KEY]!;
  }
  size(node: number): number {
    return this.pool.f64[node * this.pool.stride64 + SIZE]!;
  }
  setSize(node: number, size: number): void {
    this.pool.f64[node * this.pool.stride64 + SIZE] = size;
  }
  /** The stored subtree max of `node`. */
  max(node: number): number {
    return this.pool.f64[node * this.pool.stride64 + MAX]!;
  }
  /** The node holding `key`; throws when absent. */
  node(key: number): number {
    const n = findBy(this.tree, (m) => key - this.key(m));
    if (n === NIL) throw new Error(`no node with key ${key}`);
    return n;
  }
  /** Allocates a record with `key` and `size` (default: the key), not linked. */
  make(key: number, size = key): number {
    const n = this.pool.alloc();
    const f = this.pool.f64;
    f[n * this.pool.stride64 + KEY] = key;
    f[n * this.pool.stride64 + SIZE] = size;
    return n;
  }
  /** Inserts with `insertBy` (augmented or not, as the fixture is). */
  add(key: number, size?: number): number {
    const n = this.make(key, size);
    insertBy(this.tree, n, this.compare);
    return n;
  }
  /** Descends to the empty slot for a new node and `link`s it there, without rebalancing. */
  linkOnly(key: number, size?: number): number {
    const n = this.make(key, size);
    let parent = NIL;
    let side: typeof LEFT | typeof RIGHT = LEFT;
    for (let cur = this.tree.root; cur !== NIL; ) {
      parent = cur;
      side = this.compare(n, cur) < 0 ? LEFT : RIGHT;
      cur = side === LEFT ? this.tree.left(cur) : this.tree.right(cur);
    }
    this.tree.link(n, parent, side);
    return n;
  }
  /** Erases `key` (`eraseAugmented` or `erase`) and releases its record. */
  del(key: number): void {
    const n = this.node(key);
    if (this.tree.augment) this.tree.eraseAugmented(n);
    else this.tree.erase(n);
    this.pool.release(n);
  }
  /** Runs build steps, checking every invariant after each. */
  run(steps: readonly Step[]): this {
    for (const s of steps) {
      if (typeof s === "number") this.add(s);
      else this.del(Number(s.slice(1)));
      this.tree.check(this.compare);
    }
    return this;
  }
  /** `formatTree` labelled by key. */
  fmt(): string {
    return formatTree(this.tree, this.label);
  }
}
