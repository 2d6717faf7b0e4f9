/**
 * @kva/rbtree — an augmented red-black tree over a typed-array node pool with the exact structural
 * behaviour of Linux `lib/rbtree.c`. Public: the pool, the tree, the augmentation contract and the
 * ready-made max augmentation, keyed convenience helpers, and the constants of the record layout.
 */
export {
  BLACK,
  COLOR,
  FIRST_USER_SLOT,
  FIRST_USER_WORD,
  FREE,
  LEFT,
  NIL,
  NodePool,
  PARENT,
  RED,
  RIGHT,
  RbTreeError,
  type NodePoolOptions,
  type NodePoolStats,
} from "./pool.js";
export { RbTree } from "./rbtree.js";
export { MaxAugment, type Augment } from "./augment.js";
export { findBy, insertBy, lowerBound } from "./keyed.js";
