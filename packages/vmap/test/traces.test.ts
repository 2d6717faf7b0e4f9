/**
 * Replays the sample traces recorded from the kernel's own allocators (shared/traces/README.md) and
 * checks every answer, the final state and the fit counts against the header.
 *
 * The traces live in `shared/traces` beside the repository: `/work/shared` next to `/work/main` here, a
 * copy of `shared/` beside the clone in CI. Without them the replays are skipped, visibly.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { searchLength } from "../src/debug.js";
import { type SearchPolicy, VmapSpace } from "../src/index.js";

const REPO_ROOT = new URL("../../../", import.meta.url);
const TRACES = fileURLToPath(new URL("../shared/traces/", REPO_ROOT));
const HAVE_TRACES = existsSync(TRACES);

interface Header {
  start: number;
  end: number;
  page_size: number;
  units: string;
  free_mode: string;
  counts: {
    lines: number;
    allocs: number;
    alloc_failures: number;
    frees: number;
    fit_types_first_attempt: { FL: number; LE: number; RE: number; NE: number; NOTHING: number };
    adjusted_search_allocs?: number;
  };
  final_state: { busy_areas: number; free_blocks: number; free_bytes: number; largest_free: number; root_subtree_max: number };
}

type Op =
  | { op: "alloc"; size: number; align: number; vstart: number; vend: number; ret: number | null }
  | { op: "free"; addr: number };

function load(file: string): { header: Header; ops: Op[] } {
  const lines = gunzipSync(readFileSync(`${TRACES}${file}`)).toString("utf8").split("\n").filter(Boolean);
  return { header: JSON.parse(lines[0]!) as Header, ops: lines.slice(1).map((line) => JSON.parse(line) as Op) };
}

interface Replay {
  space: VmapSpace;
  /** Lines (1-based, the header is line 1) whose answer differs, with both answers. */
  mismatches: string[];
}

/**
 * Runs `ops` on a fresh space. `unit` = 4096 replays a byte trace in page units: sizes, windows and
 * addresses divided by 4096, alignments passed in bytes (`alignShift` 12), as the simulated kernel does.
 * Stops at the first `limit` mismatches (the states diverge after one).
 */
function replay(header: Header, ops: Op[], search: SearchPolicy, options: { pageSize?: number; unit?: number }, limit = 5): Replay {
  const unit = options.unit ?? 1;
  const space = new VmapSpace({
    start: header.start / unit,
    end: header.end / unit,
    search,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(unit === 1 ? {} : { alignShift: Math.log2(unit) }),
  });
  const mismatches: string[] = [];
  for (let i = 0; i < ops.length && mismatches.length < limit; i++) {
    const op = ops[i]!;
    if (op.op === "free") {
      space.free(op.addr / unit);
      continue;
    }
    const got = space.alloc(op.size / unit, op.align, op.vstart / unit, op.vend / unit);
    const answer = got === undefined ? null : got * unit;
    if (answer !== op.ret) {
      mismatches.push(`line ${i + 2}: alloc(${op.size}, ${op.align}, ${op.vstart}, ${op.vend}) = ${answer}, kernel ${op.ret}`);
      if (got !== undefined && op.ret === null) space.free(got);
    }
  }
  return { space, mismatches };
}

function expectFinalState(space: VmapSpace, header: Header, unit: number): void {
  space.check();
  const stats = space.stats();
  const f = header.final_state;
  expect({
    busy_areas: stats.busyCount,
    free_blocks: stats.freeCount,
    free_bytes: stats.freeSize * unit,
    largest_free: stats.largestFree * unit,
    root_subtree_max: stats.largestFree * unit,
  }).toEqual(f);
}

/**
 * The header's counts, as the recorder defines them: `allocs` counts every alloc line, failed ones
 * included; `frees` every free line; `fit_types_first_attempt` the split of each successful allocation
 * at its first attempt. Frees are immediate (no purge and retry), so every attempt is a first attempt and
 * the four fit counts are exactly `stats().fits` (they sum to `allocs − alloc_failures`).
 */
function expectCounts(space: VmapSpace, header: Header): void {
  const stats = space.stats();
  const { FL, LE, RE, NE, NOTHING } = header.counts.fit_types_first_attempt;
  expect(NOTHING).toBe(0);
  expect({
    lines: stats.allocs + stats.failures + stats.frees,
    allocs: stats.allocs + stats.failures,
    alloc_failures: stats.failures,
    frees: stats.frees,
    fits: stats.fits,
  }).toEqual({
    lines: header.counts.lines,
    allocs: header.counts.allocs,
    alloc_failures: header.counts.alloc_failures,
    frees: header.counts.frees,
    fits: { FL, LE, RE, NE },
  });
}

const eras: [string, string, SearchPolicy, number][] = [
  ["Linux 5.2", "dev-random-mix.v5.2.jsonl.gz", "padded", 1],
  ["Linux 6.18", "dev-random-mix.v6.18.jsonl.gz", "adaptive", 4096],
];

describe.runIf(HAVE_TRACES)(`kernel traces (${TRACES})`, { timeout: 30_000 }, () => {
  describe.each(eras)("%s (%s, %s)", (_kernel, file, search, pageSize) => {
    const { header, ops } = HAVE_TRACES ? load(file) : { header: undefined as never, ops: [] };

    it("describes an immediate-free byte trace over one free block", () => {
      expect([header.units, header.free_mode, header.page_size]).toEqual(["bytes", "immediate", 4096]);
      expect(ops.length).toBe(header.counts.lines);
    });

    // pageSize as replay-check.mjs uses it: the default 1 for 5.2 ('padded' never reads it), 4096 for
    // 6.18 ('adaptive' pads only alignments above one page).
    it("reproduces every answer, the final state and the fit counts in byte units", () => {
      const { space, mismatches } = replay(header, ops, search, { pageSize });
      expect(mismatches).toEqual([]);
      expectFinalState(space, header, 1);
      expectCounts(space, header);
    });

    it("reproduces every answer in page units with byte alignments (alignShift 12)", () => {
      const { space, mismatches } = replay(header, ops, search, { unit: 4096 });
      expect(mismatches).toEqual([]);
      expectFinalState(space, header, 4096);
      expectCounts(space, header);
    });

    if (search === "padded") {
      it("reproduces every answer with pageSize 4096 too (the padded length ignores the page size)", () => {
        expect(replay(header, ops, search, { pageSize: 4096 }).mismatches).toEqual([]);
      });
    }
  });

  it("counts the requests 6.18 searched with the padded length (adjusted_search_allocs)", () => {
    // The header counts alloc requests, failed ones included, with align > PAGE_SIZE and
    // vend − vstart != size: exactly those for which 'adaptive' pads.
    const { header, ops } = load("dev-random-mix.v6.18.jsonl.gz");
    const space = new VmapSpace({ start: header.start, end: header.end, search: "adaptive", pageSize: 4096 });
    let adjusted = 0;
    for (const op of ops) {
      if (op.op === "alloc" && searchLength(space, op.size, op.align, op.vstart, op.vend) !== op.size) adjusted++;
    }
    expect(adjusted).toBe(header.counts.adjusted_search_allocs);
    // fail_no_lowest_match and fail_vend split alloc_failures by where the attempt failed (no block
    // found, or the block's aligned start past vend); stats() counts failures as one number, so only
    // their sum is checked (above, as alloc_failures).
  });

  it("diverges from a lowest-fit allocator at line 88 of the 5.2 trace, as the traces README says", () => {
    const { header, ops } = load("dev-random-mix.v5.2.jsonl.gz");
    const { mismatches } = replay(header, ops, "exact", {}, 1);
    expect(mismatches[0]).toMatch(/^line 88: /);
  });

  it("tells the eras apart: the 5.2 trace under 'adaptive' and the 6.18 trace under 'padded' diverge", () => {
    for (const [file, search] of [
      ["dev-random-mix.v5.2.jsonl.gz", "adaptive"],
      ["dev-random-mix.v6.18.jsonl.gz", "padded"],
    ] as const) {
      const { header, ops } = load(file);
      expect(replay(header, ops, search, { pageSize: 4096 }, 1).mismatches, `${file} under ${search}`).toHaveLength(1);
    }
  });
});

if (!HAVE_TRACES) {
  it.skip(`kernel traces are skipped: ${TRACES} does not exist (copy shared/ beside the repository to run them)`, () => {});
}
