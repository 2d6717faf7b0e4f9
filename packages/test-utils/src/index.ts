/**
 * @kva/test-utils: the test oracle of the kva monorepo (private, never published, never built; packages
 * consume this TypeScript source directly). Everything exported here is public to the repo's tests:
 * a seeded PRNG (xoshiro128** seeded by splitmix32), the naive reference allocator and its fit helpers,
 * invariant assertions for any allocator, and shared random workloads.
 */
export type { AllocatorLike, AllocatorStats, AllocatorView, FitCounts, FitType, Range } from "./allocator-like.js";
export { alignUp, classifyFit, lowestFit, lowestPaddedBlockFit } from "./fit.js";
export { InvariantError, type InvariantId } from "./invariant-error.js";
export {
  assertFreeNeverTouch,
  assertPartition,
  assertSameLayout,
  assertSortedDisjoint,
  assertStatsConsistent,
  assertValidFit,
  snapshot,
  type AllocatorSnapshot,
} from "./invariants.js";
export { NaiveAllocator, type NaiveAllocatorOptions } from "./naive-allocator.js";
export { NaiveAllocatorError, type NaiveAllocatorErrorCode } from "./naive-allocator-error.js";
export { createPrng, Prng, type PrngState } from "./prng.js";
export { applyOp, randomOps, type AllocOp, type FreeOp, type OpResult, type RandomOpsOptions, type WorkloadOp } from "./workloads.js";
export { readPackageReadme, usageExample } from "./readme.js";
