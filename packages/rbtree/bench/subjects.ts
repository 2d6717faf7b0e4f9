/**
 * The structures under test, behind one small interface. Every subject stores the same distinct numeric
 * keys, answers lower-bound queries with the smallest key >= q (or -1), and walks its keys in order; the
 * worker compares the checksums so that a fast wrong answer cannot win.
 */
import { OrderedMap } from "js-sdsl";
import bintrees from "bintrees";
import createTree from "functional-red-black-tree";
import { FIRST_USER_SLOT, LEFT, MaxAugment, NIL, NodePool, RIGHT, RbTree, findBy, insertBy, lowerBound } from "../src/index.js";
import { SoaTree } from "./soa-tree.js";

export interface Subject {
  /** Inserts every key, in the given order. */
  insert(keys: Float64Array): void;
  /** One lower-bound lookup per query; returns the sum of the answers (-1 for "none"). */
  search(queries: Float64Array): number;
  /** Visits every key in order; returns their sum. */
  walk?(): number;
  /** Erases every key, in the given order. */
  erase?(keys: Float64Array): void;
  /** Number of keys held. */
  size(): number;
  /** Bytes of the subject's own typed storage (pool or arrays), when it has any. */
  storageBytes?(): number;
}

export interface SubjectInfo {
  readonly id: string;
  readonly label: string;
  readonly peer: boolean;
  /** Part of the layout comparison (insert + search only). */
  readonly layout: boolean;
  readonly create: () => Subject;
}

const K = FIRST_USER_SLOT;

/** `@kva/rbtree` through `insertBy` / `lowerBound` / `findBy` with comparator closures. */
function kvaKeyed(augmented: boolean): Subject {
  const pool = new NodePool({ recordBytes: 32 });
  const S = pool.stride64;
  const tree = new RbTree(pool, augmented ? new MaxAugment(pool, K + 1, (n) => pool.f64[n * S + K]!) : undefined);
  const compare = (x: number, y: number): number => {
    const f = pool.f64;
    return f[x * S + K]! - f[y * S + K]!;
  };
  let target = 0;
  const probe = (n: number): number => target - pool.f64[n * S + K]!;
  return {
    insert(keys) {
      for (let i = 0; i < keys.length; i++) {
        const n = pool.alloc();
        pool.f64[n * S + K] = keys[i]!;
        insertBy(tree, n, compare);
      }
    },
    search(queries) {
      let sum = 0;
      for (let i = 0; i < queries.length; i++) {
        target = queries[i]!;
        const n = lowerBound(tree, probe);
        sum += n === NIL ? -1 : pool.f64[n * S + K]!;
      }
      return sum;
    },
    walk() {
      let sum = 0;
      const f = pool.f64;
      for (let n = tree.first(); n !== NIL; n = tree.next(n)) sum += f[n * S + K]!;
      return sum;
    },
    erase(keys) {
      for (let i = 0; i < keys.length; i++) {
        target = keys[i]!;
        const n = findBy(tree, probe);
        if (augmented) tree.eraseAugmented(n);
        else tree.erase(n);
        pool.release(n);
      }
    },
    size: () => tree.size,
    storageBytes: () => pool.buffer.byteLength,
  };
}

/** `@kva/rbtree` the kernel's way: the caller descends over the record's key, then `link` + `insertColor`. */
function kvaCallerDriven(recordBytes: number): Subject {
  const pool = new NodePool({ recordBytes });
  const tree = new RbTree(pool);
  const S32 = pool.stride32;
  const S64 = pool.stride64;
  const find = (key: number): number => {
    const a = pool.i32;
    const f = pool.f64;
    let cur = tree.root;
    while (cur !== NIL) {
      const k = f[cur * S64 + K]!;
      if (key === k) return cur;
      cur = key < k ? a[cur * S32 + LEFT]! : a[cur * S32 + RIGHT]!;
    }
    return NIL;
  };
  return {
    insert(keys) {
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        const node = pool.alloc();
        const a = pool.i32;
        const f = pool.f64;
        f[node * S64 + K] = key;
        let parent = NIL;
        let side: typeof LEFT | typeof RIGHT = LEFT;
        let cur = tree.root;
        while (cur !== NIL) {
          parent = cur;
          if (key < f[cur * S64 + K]!) {
            side = LEFT;
            cur = a[cur * S32 + LEFT]!;
          } else {
            side = RIGHT;
            cur = a[cur * S32 + RIGHT]!;
          }
        }
        tree.link(node, parent, side);
        tree.insertColor(node);
      }
    },
    search(queries) {
      const a = pool.i32;
      const f = pool.f64;
      let sum = 0;
      for (let i = 0; i < queries.length; i++) {
        const q = queries[i]!;
        let cur = tree.root;
        let best = NIL;
        while (cur !== NIL) {
          if (q <= f[cur * S64 + K]!) {
            best = cur;
            cur = a[cur * S32 + LEFT]!;
          } else {
            cur = a[cur * S32 + RIGHT]!;
          }
        }
        sum += best === NIL ? -1 : f[best * S64 + K]!;
      }
      return sum;
    },
    walk() {
      let sum = 0;
      const f = pool.f64;
      for (let n = tree.first(); n !== NIL; n = tree.next(n)) sum += f[n * S64 + K]!;
      return sum;
    },
    erase(keys) {
      for (let i = 0; i < keys.length; i++) {
        const n = find(keys[i]!);
        tree.erase(n);
        pool.release(n);
      }
    },
    size: () => tree.size,
    storageBytes: () => pool.buffer.byteLength,
  };
}

function soa(): Subject {
  const t = new SoaTree();
  return {
    insert(keys) {
      for (let i = 0; i < keys.length; i++) t.insert(keys[i]!);
    },
    search(queries) {
      let sum = 0;
      for (let i = 0; i < queries.length; i++) {
        const n = t.lowerBound(queries[i]!);
        sum += n === NIL ? -1 : t.key[n]!;
      }
      return sum;
    },
    size: () => t.size,
    storageBytes: () => t.bytes,
  };
}

function jsSdsl(): Subject {
  const map = new OrderedMap<number, number>([], (x, y) => x - y);
  return {
    insert(keys) {
      for (let i = 0; i < keys.length; i++) map.setElement(keys[i]!, 0);
    },
    search(queries) {
      const end = map.end();
      let sum = 0;
      for (let i = 0; i < queries.length; i++) {
        const it = map.lowerBound(queries[i]!);
        sum += it.equals(end) ? -1 : it.pointer[0];
      }
      return sum;
    },
    walk() {
      let sum = 0;
      map.forEach(([k]) => {
        sum += k;
      });
      return sum;
    },
    erase(keys) {
      for (let i = 0; i < keys.length; i++) map.eraseElementByKey(keys[i]!);
    },
    size: () => map.size(),
  };
}

function bintreesRb(): Subject {
  const tree = new bintrees.RBTree<number>((x, y) => x - y);
  return {
    insert(keys) {
      for (let i = 0; i < keys.length; i++) tree.insert(keys[i]!);
    },
    search(queries) {
      let sum = 0;
      for (let i = 0; i < queries.length; i++) {
        const d = tree.lowerBound(queries[i]!).data();
        sum += d === null ? -1 : d;
      }
      return sum;
    },
    walk() {
      let sum = 0;
      tree.each((k) => {
        sum += k;
      });
      return sum;
    },
    erase(keys) {
      for (let i = 0; i < keys.length; i++) tree.remove(keys[i]!);
    },
    size: () => tree.size,
  };
}

function functionalRb(): Subject {
  let tree = createTree<number, number>((x: number, y: number) => x - y);
  return {
    insert(keys) {
      for (let i = 0; i < keys.length; i++) tree = tree.insert(keys[i]!, 0);
    },
    search(queries) {
      let sum = 0;
      for (let i = 0; i < queries.length; i++) {
        const it = tree.ge(queries[i]!);
        sum += it.valid ? it.key! : -1;
      }
      return sum;
    },
    walk() {
      let sum = 0;
      tree.forEach((k) => {
        sum += k;
      });
      return sum;
    },
    erase(keys) {
      for (let i = 0; i < keys.length; i++) tree = tree.remove(keys[i]!);
    },
    size: () => tree.length,
  };
}

export const SUBJECTS: readonly SubjectInfo[] = [
  { id: "kva-caller", label: "@kva/rbtree, caller-driven (32-byte records)", peer: false, layout: true, create: () => kvaCallerDriven(32) },
  { id: "kva-keyed", label: "@kva/rbtree, keyed helpers", peer: false, layout: false, create: () => kvaKeyed(false) },
  { id: "kva-max", label: "@kva/rbtree + MaxAugment, keyed helpers", peer: false, layout: false, create: () => kvaKeyed(true) },
  { id: "js-sdsl", label: "js-sdsl 4.4.2 OrderedMap", peer: true, layout: false, create: jsSdsl },
  { id: "bintrees", label: "bintrees 1.0.2 RBTree", peer: true, layout: false, create: bintreesRb },
  { id: "functional-red-black-tree", label: "functional-red-black-tree 1.0.1", peer: true, layout: false, create: functionalRb },
  { id: "kva-caller-64", label: "@kva/rbtree, caller-driven (64-byte records)", peer: false, layout: true, create: () => kvaCallerDriven(64) },
  { id: "soa", label: "structure of arrays (bench/soa-tree.ts)", peer: false, layout: true, create: soa },
];
