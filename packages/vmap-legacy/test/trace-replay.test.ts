import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { lastAlloc } from "../src/debug.js";
import { LegacyVmapSpace } from "../src/index.js";
import { TRACES } from "./helpers.js";

/*
 * Replays the sample trace recorded from Linux 5.0.1's own alloc_vmap_area (traces/README.md) and checks
 * every answer. A naive lowest-fit allocator fails this file at line 671 (the stale cache).
 */

const FILE = new URL("dev-random-mix.v5.0.jsonl.gz", TRACES);
const present = existsSync(FILE);

interface Header {
  start: number;
  end: number;
  counts: { cache_invalidated_allocs: number; cache_kept_allocs: number; allocs: number; alloc_failures: number; frees: number };
  final_state: { busy_areas: number; free_blocks: number; free_bytes: number; largest_free: number };
}
type Op = { op: "alloc"; size: number; align: number; vstart: number; vend: number; ret: number | null } | { op: "free"; addr: number };

let loaded: { header: Header; ops: Op[] } | undefined;

function load(): { header: Header; ops: Op[] } {
  if (!loaded) {
    const lines = gunzipSync(readFileSync(FILE)).toString("utf8").split("\n").filter((l) => l.length > 0);
    loaded = { header: JSON.parse(lines[0]!) as Header, ops: lines.slice(1).map((l) => JSON.parse(l) as Op) };
  }
  return loaded;
}

/** Replays `ops`; returns the first mismatch as "line N: ..." (the header is line 1), or undefined. */
function replay(space: LegacyVmapSpace, ops: readonly Op[], onAlloc?: () => void): string | undefined {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.op === "free") {
      space.free(op.addr);
      continue;
    }
    const got = space.alloc(op.size, op.align, op.vstart, op.vend) ?? null;
    onAlloc?.();
    if (got !== op.ret) return `line ${i + 2}: alloc(${op.size}, ${op.align}, ${op.vstart}, ${op.vend}) gave ${got}, kernel ${op.ret}`;
  }
  return undefined;
}

const TITLE = present ? "the Linux 5.0.1 sample trace" : `the Linux 5.0.1 sample trace (skipped: ${fileURLToPath(FILE)} is absent)`;

describe.skipIf(!present)(TITLE, () => {
  it("reproduces every answer of the first 2000 lines, checking invariants every 100 operations", () => {
    const { header, ops } = load();
    const s = new LegacyVmapSpace({ start: header.start, end: header.end });
    const head = ops.slice(0, 1999);
    let n = 0;
    expect(replay(s, head, () => (++n % 100 === 0 ? s.check() : undefined))).toBeUndefined();
    s.check();
  });

  it("includes the stale-cache answer at line 671 that a lowest-fit allocator misses", () => {
    const { header, ops } = load();
    const s = new LegacyVmapSpace({ start: header.start, end: header.end });
    expect(replay(s, ops.slice(0, 669))).toBeUndefined();
    const op = ops[669]!; // line 671
    expect(op.op).toBe("alloc");
    if (op.op !== "alloc") return;
    expect(s.alloc(op.size, op.align, op.vstart, op.vend)).toBe(op.ret);
    expect(lastAlloc(s)[0]).toMatchObject({ fromCache: true, holeAtTest: op.size });
  });

  it("reproduces the whole file, its cache counts and its final state", () => {
    const { header, ops } = load();
    const s = new LegacyVmapSpace({ start: header.start, end: header.end });
    let invalidated = 0;
    let kept = 0;
    expect(
      replay(s, ops, () => {
        // The recorder counts the first pass's validity test only (goto nocache is not an invalidation).
        const first = lastAlloc(s)[0]!;
        if (first.reset === undefined || first.reset === "vstartAboveCache") kept++;
        else invalidated++;
      }),
    ).toBeUndefined();
    expect({ invalidated, kept }).toEqual({ invalidated: header.counts.cache_invalidated_allocs, kept: header.counts.cache_kept_allocs });
    const stats = s.stats();
    expect(stats.allocs + stats.failures).toBe(header.counts.allocs);
    expect(stats.failures).toBe(header.counts.alloc_failures);
    expect(stats.frees).toBe(header.counts.frees);
    expect({ busy: stats.busyCount, free: stats.freeCount, freeSize: stats.freeSize, largest: stats.largestFree }).toEqual({
      busy: header.final_state.busy_areas,
      free: header.final_state.free_blocks,
      freeSize: header.final_state.free_bytes,
      largest: header.final_state.largest_free,
    });
    s.check();
  });
});
