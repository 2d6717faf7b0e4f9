/**
 * The layout comparison's other side: the same caller-driven red-black insert (`__rb_insert`, cases 1–3
 * as in src/rbtree.ts) and lower-bound search, but with structure-of-arrays storage — one typed array per
 * field (parent, left, right, colour as Int32Array; key as Float64Array), each grown by doubling. Only
 * what the insert + search benchmark needs; not part of the package.
 */
const NIL = 0;
const RED = 0;
const BLACK = 1;

export class SoaTree {
  parent: Int32Array;
  left: Int32Array;
  right: Int32Array;
  color: Int32Array;
  key: Float64Array;
  root = NIL;
  size = 0;
  private used = 1;

  constructor(capacity = 16) {
    this.parent = new Int32Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.color = new Int32Array(capacity);
    this.key = new Float64Array(capacity);
  }

  get bytes(): number {
    return this.parent.byteLength + this.left.byteLength + this.right.byteLength + this.color.byteLength + this.key.byteLength;
  }

  alloc(key: number): number {
    if (this.used === this.key.length) this.grow();
    const n = this.used++;
    this.key[n] = key;
    return n;
  }

  /** Descends to the empty slot (equal keys go right), links a red leaf and rebalances. */
  insert(key: number): void {
    const node = this.alloc(key);
    const left = this.left;
    const right = this.right;
    const keys = this.key;
    let parent = NIL;
    let goLeft = true;
    let cur = this.root;
    while (cur !== NIL) {
      parent = cur;
      goLeft = key < keys[cur]!;
      cur = goLeft ? left[cur]! : right[cur]!;
    }
    this.parent[node] = parent;
    left[node] = NIL;
    right[node] = NIL;
    this.color[node] = RED;
    if (parent === NIL) this.root = node;
    else if (goLeft) left[parent] = node;
    else right[parent] = node;
    this.size++;
    this.insertColor(node);
  }

  /** The first node with key >= `key`, or nil. */
  lowerBound(key: number): number {
    const left = this.left;
    const right = this.right;
    const keys = this.key;
    let cur = this.root;
    let best = NIL;
    while (cur !== NIL) {
      if (key <= keys[cur]!) {
        best = cur;
        cur = left[cur]!;
      } else {
        cur = right[cur]!;
      }
    }
    return best;
  }

  private insertColor(node: number): void {
    const P = this.parent;
    const L = this.left;
    const R = this.right;
    const C = this.color;
    let parent = P[node]!;
    for (;;) {
      if (parent === NIL) {
        C[node] = BLACK;
        break;
      }
      if (C[parent] === BLACK) break;
      const gparent = P[parent]!;
      let tmp = R[gparent]!;
      if (parent !== tmp) {
        if (tmp !== NIL && C[tmp] === RED) {
          C[tmp] = BLACK;
          C[parent] = BLACK;
          node = gparent;
          parent = P[node]!;
          C[node] = RED;
          continue;
        }
        tmp = R[parent]!;
        if (node === tmp) {
          tmp = L[node]!;
          R[parent] = tmp;
          L[node] = parent;
          if (tmp !== NIL) {
            P[tmp] = parent;
            C[tmp] = BLACK;
          }
          P[parent] = node;
          C[parent] = RED;
          parent = node;
          tmp = R[node]!;
        }
        L[gparent] = tmp;
        R[parent] = gparent;
        if (tmp !== NIL) {
          P[tmp] = gparent;
          C[tmp] = BLACK;
        }
        this.rotateSetParents(gparent, parent);
        break;
      } else {
        tmp = L[gparent]!;
        if (tmp !== NIL && C[tmp] === RED) {
          C[tmp] = BLACK;
          C[parent] = BLACK;
          node = gparent;
          parent = P[node]!;
          C[node] = RED;
          continue;
        }
        tmp = L[parent]!;
        if (node === tmp) {
          tmp = R[node]!;
          L[parent] = tmp;
          R[node] = parent;
          if (tmp !== NIL) {
            P[tmp] = parent;
            C[tmp] = BLACK;
          }
          P[parent] = node;
          C[parent] = RED;
          parent = node;
          tmp = L[node]!;
        }
        R[gparent] = tmp;
        L[parent] = gparent;
        if (tmp !== NIL) {
          P[tmp] = gparent;
          C[tmp] = BLACK;
        }
        this.rotateSetParents(gparent, parent);
        break;
      }
    }
  }

  /** `__rb_rotate_set_parents(old, new, RED)`. */
  private rotateSetParents(oldNode: number, newNode: number): void {
    const P = this.parent;
    const C = this.color;
    const parent = P[oldNode]!;
    P[newNode] = parent;
    C[newNode] = C[oldNode]!;
    P[oldNode] = newNode;
    C[oldNode] = RED;
    if (parent === NIL) this.root = newNode;
    else if (this.left[parent] === oldNode) this.left[parent] = newNode;
    else this.right[parent] = newNode;
  }

  private grow(): void {
    const next = this.key.length * 2;
    const g32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(next);
      b.set(a);
      return b;
    };
    this.parent = g32(this.parent);
    this.left = g32(this.left);
    this.right = g32(this.right);
    this.color = g32(this.color);
    const k = new Float64Array(next);
    k.set(this.key);
    this.key = k;
  }
}
