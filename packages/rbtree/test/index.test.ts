import { describe, expect, it } from "vitest";
// The README shows these two imports as "@kva/rbtree" and "@kva/rbtree/debug"; the lines below are identical.
import { FIRST_USER_SLOT, LEFT, MaxAugment, NIL, NodePool, RIGHT, RbTree, insertBy, lowerBound } from "../src/index.js";
import { formatTree } from "../src/debug.js";

describe("@kva/rbtree", () => {
  it("runs the README usage example", () => {
    const [KEY, SIZE, MAX] = [FIRST_USER_SLOT, FIRST_USER_SLOT + 1, FIRST_USER_SLOT + 2];
    const pool = new NodePool({ recordBytes: 40 }); // 16 bytes of links, then key, size, subtree max
    const get = (n: number, slot: number): number => pool.f64[n * pool.stride64 + slot]!;
    const tree = new RbTree(pool, new MaxAugment(pool, MAX, (n) => get(n, SIZE)));
    const byKey = (x: number, y: number): number => get(x, KEY) - get(y, KEY);

    for (const [key, size] of [[10, 4], [20, 8], [30, 2]] as const) {
      const n = pool.alloc(); // may grow the pool: read pool.f64 afresh after it
      pool.f64[n * pool.stride64 + KEY] = key;
      pool.f64[n * pool.stride64 + SIZE] = size;
      insertBy(tree, n, byKey);
    }
    expect(formatTree(tree, (n) => String(get(n, KEY)))).toBe("B20(r10,r30)");
    expect(get(tree.root, MAX)).toBe(8); // the largest size in the whole tree

    const n = lowerBound(tree, (m) => 15 - get(m, KEY)); // the first key >= 15
    expect(get(n, KEY)).toBe(20);
    tree.eraseAugmented(n);
    pool.release(n);
    expect(get(tree.root, MAX)).toBe(4);
    tree.check(byKey); // throws naming the broken invariant (R1-R5, S1, S2, A1, O1)
  });

  it("keeps A1 with the README's caller-driven insertion recipe, also on reused records", () => {
    const [KEY, MAX] = [FIRST_USER_SLOT, FIRST_USER_SLOT + 1];
    const pool = new NodePool({ recordBytes: 32 });
    const sizes = new Map<number, number>();
    const augment = new MaxAugment(pool, MAX, (n) => sizes.get(n)!);
    const tree = new RbTree(pool, augment);
    const insert = (key: number, size: number): number => {
      const node = pool.alloc();
      pool.f64[node * pool.stride64 + KEY] = key;
      sizes.set(node, size);
      let parent = NIL, side: typeof LEFT | typeof RIGHT = LEFT, cur = tree.root;
      while (cur !== NIL) {
        parent = cur;
        side = key < pool.f64[cur * pool.stride64 + KEY]! ? LEFT : RIGHT;
        cur = pool.i32[cur * pool.stride32 + side]!;
      }
      tree.link(node, parent, side);
      pool.f64[node * pool.stride64 + MAX] = size;
      augment.propagate(parent, NIL);
      tree.insertAugmented(node);
      return node;
    };
    for (let k = 0; k < 64; k++) insert(k, (k * 37) % 64);
    for (let round = 0; round < 4; round++) {
      for (let n = 1; n <= 64; n += 3) {
        if (!pool.isLive(n)) continue;
        const key = pool.f64[n * pool.stride64 + KEY]!;
        const size = sizes.get(n)!;
        tree.eraseAugmented(n);
        pool.release(n);
        expect(insert(key, size)).toBe(n); // the same record, its stale max equal to the new leaf's value
        tree.check((x, y) => pool.f64[x * pool.stride64 + KEY]! - pool.f64[y * pool.stride64 + KEY]!);
      }
    }
    expect(augment.value(tree.root)).toBe(63);
  });
});
