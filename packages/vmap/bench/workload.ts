/**
 * Deterministic benchmark workloads as explicit operation lists, so that VmapSpace, the native C build, the
 * naive model and the npm peers run the identical sequence (each may run a prefix of it).
 *
 * Steady state over N live areas:
 * - fill: N allocations;
 * - then `warm + pairs · reps` alloc+free pairs: allocate (live count becomes N + 1), then free the live
 *   area at index `freeIdx` (uniform in [0, N], the new area included) and move the last live area into its
 *   slot. Only `pairs · reps` are timed, in `reps` blocks.
 *
 * An alloc is one uint32 word: `size | log2(align) << 16`. Sizes are uniform in 1…256 units; aligns are 1
 * (`align1`) or 2^k with k uniform in 0…10 (`aligned`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Prng } from "@kva/test-utils";

export type AlignMode = "align1" | "aligned";

export interface SteadyOps {
  readonly n: number;
  readonly warm: number;
  readonly pairs: number;
  readonly reps: number;
  readonly alignMode: AlignMode;
  /** Exclusive end of the space, in units (the space is `[0, spaceEnd)`). */
  readonly spaceEnd: number;
  readonly fill: Uint32Array;
  readonly allocs: Uint32Array;
  readonly frees: Uint32Array;
}

export const MAX_SIZE = 256;
export const MAX_ALIGN_LOG2 = 10;
const MAGIC = 0x4b56414f;

/** Builds the operation list; the same arguments always give the same list. */
export function steadyOps(
  n: number,
  warm: number,
  pairs: number,
  reps: number,
  alignMode: AlignMode,
  spaceEnd: number,
  seed: number,
): SteadyOps {
  const prng = new Prng(seed);
  const word = (): number => {
    const size = prng.int(1, MAX_SIZE);
    const log2 = alignMode === "align1" ? 0 : prng.int(0, MAX_ALIGN_LOG2);
    return size | (log2 << 16);
  };
  const fill = new Uint32Array(n);
  for (let i = 0; i < n; i++) fill[i] = word();
  const m = warm + pairs * reps;
  const allocs = new Uint32Array(m);
  const frees = new Uint32Array(m);
  for (let j = 0; j < m; j++) {
    allocs[j] = word();
    frees[j] = prng.int(0, n);
  }
  return { n, warm, pairs, reps, alignMode, spaceEnd, fill, allocs, frees };
}

/** Writes the ops file that bench/native/vmap.c reads (layout documented there). */
export function writeOps(path: string, ops: SteadyOps): void {
  const m = ops.allocs.length;
  const buf = new ArrayBuffer(32 + 4 * (ops.n + 2 * m));
  const head = new DataView(buf);
  head.setUint32(0, MAGIC, true);
  head.setUint32(4, 1, true);
  head.setUint32(8, ops.n, true);
  head.setUint32(12, ops.warm, true);
  head.setUint32(16, ops.pairs, true);
  head.setUint32(20, ops.reps, true);
  head.setFloat64(24, ops.spaceEnd, true);
  const words = new Uint32Array(buf, 32);
  words.set(ops.fill, 0);
  words.set(ops.allocs, ops.n);
  words.set(ops.frees, ops.n + m);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, new Uint8Array(buf));
}

/** The checksum of bench/native/vmap.c: FNV-1a-style 32-bit hash over (low word, high word) of each address. */
export const HASH_SEED = 0x811c9dc5 | 0;
export function hashAddr(h: number, a: number): number {
  h = Math.imul(h ^ (a >>> 0), 0x01000193);
  return Math.imul(h ^ ((a / 4294967296) >>> 0), 0x01000193);
}
