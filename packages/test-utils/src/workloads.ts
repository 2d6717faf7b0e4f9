/**
 * Shared random workloads for oracle tests: a deterministic stream of alloc/free requests that every
 * allocator under test and the naive model replay identically, plus `applyOp` to run one request.
 */
import type { AllocatorLike, Range } from "./allocator-like.js";
import type { Prng } from "./prng.js";
import { isPowerOfTwo } from "./validate.js";

/** Allocate `size` units aligned to `align` inside `[vstart, vend)`. */
export interface AllocOp {
  readonly op: "alloc";
  readonly size: number;
  readonly align: number;
  readonly vstart: number;
  readonly vend: number;
}

/**
 * Free one live area: the consumer keeps its live addresses in an array and frees
 * `live[pick % live.length]` (nothing when none is live). `pick` is a uniform 32-bit integer.
 */
export interface FreeOp {
  readonly op: "free";
  readonly pick: number;
}

export type WorkloadOp = AllocOp | FreeOp;

/** Options of `randomOps`. */
export interface RandomOpsOptions {
  /** Number of operations. MUST be a non-negative safe integer. */
  readonly count: number;
  /** The allocator's space; windows are drawn inside it. MUST be non-empty. */
  readonly space: Range;
  /** Sizes are uniform in `[1, maxSize]`. MUST be a positive safe integer. */
  readonly maxSize: number;
  /** Aligns are `2^k` with `k` uniform in `[0, log2(alignMax)]`; default 1. MUST be a power of two. */
  readonly alignMax?: number;
  /**
   * Probability that an alloc gets a random window (`vstart` uniform in the space, `vend` uniform after
   * it) instead of the whole space; default 0.
   */
  readonly windowProb?: number;
  /** Probability that an operation is a free; default 0.5. */
  readonly freeProb?: number;
}

function requireOption(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(`randomOps: ${message}`);
}

/**
 * Yields `count` operations drawn from `prng` in a fixed order (free-or-alloc; then `pick`, or size,
 * align exponent, window-or-not, window bounds), so the same seed and options give the same stream.
 * Throws `RangeError` on bad options.
 */
export function* randomOps(prng: Prng, options: RandomOpsOptions): Generator<WorkloadOp, void, undefined> {
  const { count, space, maxSize, alignMax = 1, windowProb = 0, freeProb = 0.5 } = options;
  requireOption(Number.isSafeInteger(count) && count >= 0, `count must be a non-negative safe integer, got ${count}`);
  requireOption(
    Number.isSafeInteger(space.start) && Number.isSafeInteger(space.end) && space.start < space.end,
    `space must be a non-empty range of safe integers, got [${space.start}, ${space.end})`,
  );
  requireOption(Number.isSafeInteger(maxSize) && maxSize >= 1, `maxSize must be a positive safe integer, got ${maxSize}`);
  requireOption(isPowerOfTwo(alignMax), `alignMax must be a power of two, got ${alignMax}`);
  requireOption(windowProb >= 0 && windowProb <= 1, `windowProb must be in [0, 1], got ${windowProb}`);
  requireOption(freeProb >= 0 && freeProb <= 1, `freeProb must be in [0, 1], got ${freeProb}`);
  const maxShift = Math.round(Math.log2(alignMax));
  for (let i = 0; i < count; i++) {
    if (prng.bool(freeProb)) {
      yield { op: "free", pick: prng.nextU32() };
      continue;
    }
    const size = prng.int(1, maxSize);
    const align = 2 ** prng.int(0, maxShift);
    let vstart = space.start;
    let vend = space.end;
    if (prng.bool(windowProb)) {
      vstart = prng.int(space.start, space.end - 1);
      vend = prng.int(vstart + 1, space.end);
    }
    yield { op: "alloc", size, align, vstart, vend };
  }
}

/** What `applyOp` did. */
export type OpResult =
  | { readonly op: "alloc"; readonly addr: number | undefined }
  | { readonly op: "free"; readonly addr: number; readonly size: number }
  | { readonly op: "skip" };

/**
 * Runs `op` on `allocator`, keeping `live` (the addresses of live areas) up to date: an alloc that
 * succeeds appends its address; a free removes `live[pick % live.length]` by moving the last element
 * into its slot, then frees it (`skip` when `live` is empty). Two allocators that give the same answers
 * keep identical `live` arrays, so they keep receiving identical requests.
 */
export function applyOp(allocator: Pick<AllocatorLike, "alloc" | "free">, op: WorkloadOp, live: number[]): OpResult {
  if (op.op === "alloc") {
    const addr = allocator.alloc(op.size, op.align, op.vstart, op.vend);
    if (addr !== undefined) live.push(addr);
    return { op: "alloc", addr };
  }
  if (live.length === 0) return { op: "skip" };
  const i = op.pick % live.length;
  const addr = live[i]!;
  live[i] = live[live.length - 1]!;
  live.pop();
  return { op: "free", addr, size: allocator.free(addr) };
}
