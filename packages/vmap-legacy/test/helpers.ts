import type { CacheResets } from "../src/index.js";
import { LegacyVmapSpace } from "../src/index.js";

/**
 * A tiny script language for cache-rule tables, in page units over `[0, 100)`:
 * `"a2"` = alloc(2), `"a2@4"` = alloc(2, align 4), `"a2>50"` = alloc(2, 1, vstart 50),
 * `"a2@4>50"` = both, `"f10"` = free(10), `"r10+2"` = reserve(10, 2), `"d10"` = detach(10).
 * Each step's expected result is checked by the caller; `run` returns what each step returned.
 */
export type Step = string;

export function space(): LegacyVmapSpace {
  return new LegacyVmapSpace({ start: 0, end: 100 });
}

const ALLOC = /^a(\d+)(?:@(\d+))?(?:>(\d+))?$/;

export function step(s: LegacyVmapSpace, op: Step): number | boolean | undefined {
  const m = ALLOC.exec(op);
  if (m) return s.alloc(Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), m[3] === undefined ? s.start : Number(m[3]));
  if (op.startsWith("f")) return s.free(Number(op.slice(1)));
  if (op.startsWith("d")) return s.detach(Number(op.slice(1)));
  if (op.startsWith("r")) {
    const [addr, size] = op.slice(1).split("+").map(Number) as [number, number];
    return s.reserve(addr, size);
  }
  throw new Error(`bad step ${op}`);
}

export function run(s: LegacyVmapSpace, ops: readonly Step[]): (number | boolean | undefined)[] {
  return ops.map((op) => step(s, op));
}

export const NO_RESETS: CacheResets = { noCache: 0, sizeBelowHole: 0, lowerVstart: 0, smallerAlign: 0, vstartAboveCache: 0 };

/** The reset counters' change between two snapshots. */
export function resetDelta(before: CacheResets, after: CacheResets): CacheResets {
  return {
    noCache: after.noCache - before.noCache,
    sizeBelowHole: after.sizeBelowHole - before.sizeBelowHole,
    lowerVstart: after.lowerVstart - before.lowerVstart,
    smallerAlign: after.smallerAlign - before.smallerAlign,
    vstartAboveCache: after.vstartAboveCache - before.vstartAboveCache,
  };
}

/** The sample traces (`/work/shared/traces`), four levels above this file. */
export const TRACES = new URL("../../../../shared/traces/", import.meta.url);
