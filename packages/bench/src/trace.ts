import { readFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { LazyPurge, type LazyEra, type PurgeCounts } from "@kva/lazy-purge";
import { type FitCounts, type KvaAllocator, type Range, type SearchPolicy, VmapSpace } from "@kva/vmap";
import { LegacyVmapSpace } from "@kva/vmap-legacy";
import { BenchError, describe } from "./errors.js";
import { hrtimeClock } from "./scheduler.js";

/**
 * `kva-trace/1` (DESIGN.md "Traces"): JSON Lines, optionally gzipped. Line 1 is the header, then one
 * operation a line:
 *
 *     {"type":"header","format":"kva-trace/1","start":S,"end":E,"units":"bytes"|"pages","page_size":4096,
 *      "free_mode":"immediate"|"lazy","lazy_max_pages":24576,"ncpus":4, ...informative fields}
 *     {"op":"alloc","size":S,"align":A,"vstart":X,"vend":Y,"ret":R}      ret: expected address or null
 *     {"op":"free","addr":A}
 *
 * The space starts as one free block `[start, end)`. In `bytes` units one page is `page_size` units; in
 * `pages` units one page is one unit and alignments are in units too, unless the header carries the
 * optional `align_shift` (k low bits of an alignment lie below one unit: alignments are then
 * `2^k`-times finer, as `VmapSpace`'s `alignShift`; traces of the simulated kernel use 12).
 */

export const TRACE_FORMAT = "kva-trace/1";

export interface TraceHeader {
  readonly type: "header";
  readonly format: typeof TRACE_FORMAT;
  readonly start: number;
  readonly end: number;
  readonly units: "bytes" | "pages";
  /** Bytes of a page (default 4096). */
  readonly page_size?: number;
  readonly free_mode?: "immediate" | "lazy";
  readonly lazy_max_pages?: number;
  readonly ncpus?: number;
  /** Optional extension: low bits of an alignment below one unit (see above). */
  readonly align_shift?: number;
  /** Informative: the kernel whose allocator recorded the trace, e.g. "5.2". */
  readonly kernel?: string;
  readonly [key: string]: unknown;
}

export interface TraceAlloc {
  readonly op: "alloc";
  /** 1-based line number in the file. */
  readonly line: number;
  readonly size: number;
  readonly align: number;
  readonly vstart: number;
  readonly vend: number;
  /** Expected address, `null` = the kernel failed, `undefined` = not recorded. */
  readonly ret: number | null | undefined;
}

export interface TraceFree {
  readonly op: "free";
  readonly line: number;
  readonly addr: number;
}

export type TraceOp = TraceAlloc | TraceFree;

export interface ParsedTrace {
  readonly header: TraceHeader;
  readonly ops: readonly TraceOp[];
}

/** True when `bytes` starts with the gzip magic `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Text of a trace: gunzipped when the bytes carry the gzip magic, UTF-8 decoded. */
export function decodeTrace(input: string | Uint8Array): string {
  if (typeof input === "string") return input;
  if (!(input instanceof Uint8Array)) throw new BenchError("EINVAL", `trace input ${describe(input)} is invalid: pass text or bytes (a Buffer)`);
  const bytes = isGzip(input) ? gunzipSync(input) : input;
  return new TextDecoder().decode(bytes);
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function field(obj: Record<string, unknown>, name: string, line: number, fallback?: number): number {
  const v = obj[name] ?? fallback;
  if (!isInt(v)) throw new BenchError("ETRACE", `"${name}" is ${describe(v)}: pass a non-negative safe integer`, line);
  return v;
}

/**
 * Parses a trace (text or bytes, gzipped or not). Blank lines are skipped.
 * @throws BenchError `ETRACE` naming the line: bad JSON, a missing or wrong header, an unknown op, a field
 *   that is not a non-negative safe integer.
 */
export function parseTrace(input: string | Uint8Array): ParsedTrace {
  const text = decodeTrace(input);
  const lines = text.split("\n");
  let header: TraceHeader | undefined;
  const ops: TraceOp[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === "") continue;
    const line = i + 1;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch {
      throw new BenchError("ETRACE", `not JSON: ${raw.slice(0, 60)}`, line);
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new BenchError("ETRACE", "a trace line must be a JSON object", line);
    const o = obj as Record<string, unknown>;
    if (header === undefined) {
      if (o.type !== "header" || o.format !== TRACE_FORMAT) throw new BenchError("ETRACE", `the first line must be the header {"type":"header","format":"${TRACE_FORMAT}",...}`, line);
      const start = field(o, "start", line);
      const end = field(o, "end", line);
      if (start >= end) throw new BenchError("ETRACE", `header space [${start}, ${end}) is empty: start must be below end`, line);
      if (o.units !== "bytes" && o.units !== "pages") throw new BenchError("ETRACE", `header units ${describe(o.units)} is invalid: "bytes" or "pages"`, line);
      field(o, "page_size", line, 4096);
      if (o.free_mode !== undefined && o.free_mode !== "immediate" && o.free_mode !== "lazy") {
        throw new BenchError("ETRACE", `header free_mode ${describe(o.free_mode)} is invalid: "immediate" or "lazy"`, line);
      }
      if (o.lazy_max_pages !== undefined) field(o, "lazy_max_pages", line);
      if (o.ncpus !== undefined && !(isInt(o.ncpus) && o.ncpus > 0)) throw new BenchError("ETRACE", `header ncpus ${describe(o.ncpus)} is invalid: a positive integer`, line);
      if (o.align_shift !== undefined && !(isInt(o.align_shift) && o.align_shift <= 52)) throw new BenchError("ETRACE", `header align_shift ${describe(o.align_shift)} is invalid: an integer in [0, 52]`, line);
      header = o as unknown as TraceHeader;
      continue;
    }
    if (o.op === "alloc") {
      const ret = o.ret;
      if (ret !== undefined && ret !== null && !isInt(ret)) throw new BenchError("ETRACE", `"ret" is ${describe(ret)}: pass an address or null`, line);
      ops.push({
        op: "alloc",
        line,
        size: field(o, "size", line),
        align: field(o, "align", line, 1),
        vstart: field(o, "vstart", line, header.start),
        vend: field(o, "vend", line, header.end),
        ret: ret,
      });
    } else if (o.op === "free") {
      ops.push({ op: "free", line, addr: field(o, "addr", line) });
    } else {
      throw new BenchError("ETRACE", `unknown op ${describe(o.op)}: use "alloc" or "free"`, line);
    }
  }
  if (header === undefined) throw new BenchError("ETRACE", "the trace is empty: it needs a header line", 1);
  return { header, ops };
}

/** Reads and parses a trace file (`.jsonl` or `.jsonl.gz`; gzip is detected by its magic bytes). */
export function readTraceFile(path: string): ParsedTrace {
  return parseTrace(readFileSync(path));
}

export type ReplayAllocator = "augmented" | "legacy";

export interface ReplayOptions {
  /** Default: `'legacy'` when the header's `kernel` is below 5.2, else `'augmented'`. */
  readonly allocator?: ReplayAllocator;
  /** Augmented search policy. Default from the header's `kernel`: ≥ 5.18 `'adaptive'`, 5.16–5.17 `'exact'`, else `'padded'`. */
  readonly search?: SearchPolicy;
  /** Default: the header's `free_mode`, else `'immediate'`. */
  readonly freeMode?: "immediate" | "lazy";
  /** Lazy threshold in pages. Default: the header's `lazy_max_pages`, else `lazy_max_pages()` of `ncpus`. */
  readonly lazyMaxPages?: number;
  /** Lazy-queue era. Default `'5.2'`. */
  readonly lazyEra?: LazyEra;
  /** Keep at most this many mismatches in the result (all are counted). Default 1000. */
  readonly maxMismatches?: number;
  readonly clock?: () => bigint;
  /** Called every 4096 operations and at the end. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One answer that differs from the trace's `ret`, or a free the allocator refused. */
export interface ReplayMismatch {
  readonly line: number;
  readonly op: "alloc" | "free";
  /** The trace's value: `ret` of an alloc (null = failed), the address of a free. */
  readonly expected: number | null;
  /** Our answer: an address, null (failed), or the error code of a refused free. */
  readonly got: number | null | string;
}

export const REPLAY_SCHEMA = "kva-replay/1";

/** `kva-replay/1`: what a replay did. Stable: fields are only ever added. */
export interface ReplayResult {
  readonly schema: typeof REPLAY_SCHEMA;
  readonly header: TraceHeader;
  readonly allocator: ReplayAllocator;
  readonly search: SearchPolicy | null;
  /** Whether `allocator`/`search` were inferred from the header's `kernel`. */
  readonly inferred: boolean;
  readonly units: "bytes" | "pages";
  /** One page in allocator units. */
  readonly pageSize: number;
  readonly freeMode: "immediate" | "lazy";
  readonly lazyMaxPages: number | null;
  readonly ops: number;
  readonly allocs: number;
  readonly allocFailures: number;
  readonly frees: number;
  /** Allocations whose `ret` was checked. */
  readonly verified: number;
  readonly mismatchCount: number;
  readonly mismatches: readonly ReplayMismatch[];
  /** Frees of addresses our run never returned (after an earlier mismatch), skipped. */
  readonly skippedFrees: number;
  readonly fits: FitCounts;
  readonly purges: number | null;
  readonly listSteps: number | null;
  readonly final: { readonly busyCount: number; readonly freeCount: number; readonly largestFree: number };
  readonly timing: { readonly ns: number; readonly nsPerOp: number };
}

function kernelVersion(header: TraceHeader): [number, number] | undefined {
  const m = typeof header.kernel === "string" ? /^(\d+)\.(\d+)/.exec(header.kernel) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function below(v: [number, number], major: number, minor: number): boolean {
  return v[0] < major || (v[0] === major && v[1] < minor);
}

/**
 * Replays a trace on a fresh allocator built from the header, verifying every recorded `ret`.
 * @throws BenchError `ETRACE` for an unreadable trace, `EINVAL` for bad options.
 */
export function replayTrace(input: string | Uint8Array | ParsedTrace, options: ReplayOptions = {}): ReplayResult {
  const trace = typeof input === "object" && !(input instanceof Uint8Array) ? input : parseTrace(input);
  const { header, ops } = trace;
  const version = kernelVersion(header);
  const allocator = options.allocator ?? (version !== undefined && below(version, 5, 2) ? "legacy" : "augmented");
  if (allocator !== "augmented" && allocator !== "legacy") throw new BenchError("EINVAL", `allocator ${describe(allocator)} is invalid: 'augmented' or 'legacy'`);
  const inferredSearch: SearchPolicy = version === undefined || below(version, 5, 16) ? "padded" : below(version, 5, 18) ? "exact" : "adaptive";
  const search = allocator === "legacy" ? null : (options.search ?? inferredSearch);
  const inferred = options.allocator === undefined || (allocator === "augmented" && options.search === undefined);
  const pageBytes = header.page_size ?? 4096;
  const pageSize = header.units === "bytes" ? pageBytes : 1;
  const alignShift = header.units === "pages" ? (header.align_shift ?? 0) : 0;
  const base = { start: header.start, end: header.end, pageSize, alignShift };
  const space: KvaAllocator = allocator === "legacy" ? new LegacyVmapSpace(base) : new VmapSpace({ ...base, search: search! });
  const freeMode = options.freeMode ?? header.free_mode ?? "immediate";
  let target: KvaAllocator = space;
  let lazy: LazyPurge | undefined;
  if (freeMode === "lazy") {
    const threshold = options.lazyMaxPages ?? header.lazy_max_pages;
    lazy = new LazyPurge(space, {
      era: options.lazyEra ?? "5.2",
      cpus: header.ncpus ?? 1,
      pageBytes,
      pageSize,
      ...(threshold === undefined ? {} : { lazyMaxPages: threshold }),
    });
    target = lazy;
  } else if (freeMode !== "immediate") {
    throw new BenchError("EINVAL", `freeMode ${describe(freeMode)} is invalid: 'immediate' or 'lazy'`);
  }
  const maxKept = options.maxMismatches ?? 1000;
  const clock = options.clock ?? hrtimeClock;
  const mismatches: ReplayMismatch[] = [];
  let mismatchCount = 0;
  const note = (m: ReplayMismatch): void => {
    mismatchCount++;
    if (mismatches.length < maxKept) mismatches.push(m);
  };
  // The kernel's live areas, kernel address → ours (NONE when our allocation failed): later frees of the
  // trace name the kernel's address, so they free whatever we allocated in its place.
  const NONE = -1;
  const live = new Map<number, number>();
  let allocs = 0;
  let allocFailures = 0;
  let frees = 0;
  let verified = 0;
  let skippedFrees = 0;
  let ns = 0;
  const total = ops.length;
  for (let i = 0; i < total; i += 4096) {
    const end = Math.min(total, i + 4096);
    const t0 = clock();
    for (let k = i; k < end; k++) {
      const op = ops[k]!;
      if (op.op === "alloc") {
        const got = target.alloc(op.size, op.align, op.vstart, op.vend);
        if (got === undefined) allocFailures++;
        else allocs++;
        if (op.ret !== undefined) {
          verified++;
          const g = got ?? null;
          if (g !== op.ret) note({ line: op.line, op: "alloc", expected: op.ret, got: g });
          if (op.ret !== null) live.set(op.ret, got ?? NONE);
        } else if (got !== undefined) {
          live.set(got, got);
        }
      } else {
        let addr = op.addr;
        const mapped = live.get(addr);
        if (mapped !== undefined) {
          live.delete(addr);
          if (mapped === NONE) {
            skippedFrees++;
            continue;
          }
          addr = mapped;
        }
        try {
          target.free(addr);
          frees++;
        } catch (error) {
          const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
          if (typeof code !== "string") throw error;
          note({ line: op.line, op: "free", expected: op.addr, got: code });
        }
      }
    }
    ns += Number(clock() - t0);
    options.onProgress?.(end, total);
  }
  if (total === 0) options.onProgress?.(0, 0);
  const stats = space.stats() as ReturnType<KvaAllocator["stats"]> & { listSteps?: number };
  return {
    schema: REPLAY_SCHEMA,
    header,
    allocator,
    search,
    inferred,
    units: header.units,
    pageSize,
    freeMode,
    lazyMaxPages: lazy?.lazyMaxPages ?? null,
    ops: total,
    allocs,
    allocFailures,
    frees,
    verified,
    mismatchCount,
    mismatches,
    skippedFrees,
    fits: { ...stats.fits },
    purges: lazy ? purgeCount(lazy) : null,
    listSteps: typeof stats.listSteps === "number" ? stats.listSteps : null,
    final: { busyCount: stats.busyCount, freeCount: stats.freeCount, largestFree: stats.largestFree },
    timing: { ns, nsPerOp: total > 0 ? ns / total : 0 },
  };
}

function purgeCount(lazy: LazyPurge): number {
  const p: PurgeCounts = lazy.stats().lazy.purges;
  return p.threshold + p.failure + p.explicit;
}

/** A short text report of a replay: what ran, the counts, the first `limit` mismatches with their lines. */
export function formatReplaySummary(result: ReplayResult, limit = 20): string {
  const h = result.header;
  const lines: string[] = [];
  const how = result.allocator === "legacy" ? "legacy (busy list)" : `augmented, search ${result.search}`;
  lines.push(`trace: ${h.format}${h.kernel ? `, kernel ${String(h.kernel)}` : ""}${typeof h.workload === "string" ? `, workload ${h.workload}` : ""}; space [${h.start}, ${h.end}) in ${h.units}`);
  lines.push(`replayed on: ${how}${result.inferred ? " (chosen from the header's kernel)" : ""}; frees ${result.freeMode}${result.lazyMaxPages !== null ? `, lazy_max_pages ${result.lazyMaxPages}` : ""}`);
  lines.push(`ops ${result.ops}: allocs ${result.allocs} (+${result.allocFailures} failed), frees ${result.frees}; verified ${result.verified}`);
  lines.push(`fits: FL ${result.fits.FL}, LE ${result.fits.LE}, RE ${result.fits.RE}, NE ${result.fits.NE}${result.listSteps !== null ? `; list steps ${result.listSteps}` : ""}${result.purges !== null ? `; purges ${result.purges}` : ""}`);
  lines.push(`time: ${(result.timing.ns / 1e6).toFixed(1)} ms, ${result.timing.nsPerOp.toFixed(0)} ns per op`);
  if (result.mismatchCount === 0) lines.push("mismatches: 0 (every recorded ret reproduced)");
  else {
    lines.push(`mismatches: ${result.mismatchCount}${result.skippedFrees ? ` (and ${result.skippedFrees} frees skipped: their areas were never allocated here)` : ""}`);
    for (const m of result.mismatches.slice(0, limit)) lines.push(`  line ${m.line}: ${m.op} expected ${m.expected === null ? "null" : m.expected} got ${m.got === null ? "null" : m.got}`);
    if (result.mismatchCount > limit) lines.push(`  ... ${result.mismatchCount - limit} more`);
  }
  return `${lines.join("\n")}\n`;
}

// ------------------------------------------------------------------ recording

/** Header fields a recorder needs; the rest is informative. */
export type TraceHeaderInput = Omit<TraceHeader, "type" | "format">;

/**
 * Builds a `kva-trace/1` text line by line. `toString()` is the JSON Lines text (header first, ending in
 * a newline); `toBytes({ gzip: true })` gzips it.
 */
export class TraceRecorder {
  private readonly out: string[];
  private count = 0;

  constructor(header: TraceHeaderInput) {
    this.out = [JSON.stringify({ type: "header", format: TRACE_FORMAT, ...header })];
  }

  /** Records an allocation request and the answer (`undefined` = failed, written as `null`). */
  alloc(size: number, align: number, vstart: number, vend: number, ret: number | undefined): void {
    this.out.push(JSON.stringify({ op: "alloc", size, align, vstart, vend, ret: ret ?? null }));
    this.count++;
  }

  free(addr: number): void {
    this.out.push(JSON.stringify({ op: "free", addr }));
    this.count++;
  }

  /** Operations recorded. */
  get ops(): number {
    return this.count;
  }

  toString(): string {
    return `${this.out.join("\n")}\n`;
  }

  toBytes(options: { readonly gzip?: boolean } = {}): Uint8Array {
    const bytes = new TextEncoder().encode(this.toString());
    return options.gzip ? new Uint8Array(gzipSync(bytes)) : bytes;
  }
}

/**
 * Wraps an allocator so that every `alloc`/`free` made through the wrapper is recorded; the wrapper is a
 * `KvaAllocator` itself (other methods pass through). The header is taken from the allocator:
 * `units: "pages"` when its `pageSize` is 1 (then `page_size` = `pageBytes`, default 4096, and
 * `align_shift` = its `alignShift` when it has one), else `units: "bytes"` with `page_size` = `pageSize`.
 */
export function recordAllocator<A extends KvaAllocator>(
  allocator: A,
  options: { readonly pageBytes?: number; readonly header?: Partial<TraceHeaderInput> } = {},
): { readonly allocator: KvaAllocator; readonly recorder: TraceRecorder } {
  const shift = (allocator as { alignShift?: unknown }).alignShift;
  const pages = allocator.pageSize === 1;
  const recorder = new TraceRecorder({
    start: allocator.start,
    end: allocator.end,
    units: pages ? "pages" : "bytes",
    page_size: pages ? (options.pageBytes ?? 4096) : allocator.pageSize,
    free_mode: "immediate",
    ...(pages && typeof shift === "number" && shift > 0 ? { align_shift: shift } : {}),
    ...options.header,
  });
  const wrapped: KvaAllocator = {
    start: allocator.start,
    end: allocator.end,
    pageSize: allocator.pageSize,
    alloc(size: number, align = 1, vstart = allocator.start, vend = allocator.end) {
      const ret = allocator.alloc(size, align, vstart, vend);
      recorder.alloc(size, align, vstart, vend, ret);
      return ret;
    },
    free(addr: number) {
      const size = allocator.free(addr);
      recorder.free(addr);
      return size;
    },
    reserve: (addr: number, size: number) => allocator.reserve(addr, size),
    find: (addr: number): Range | undefined => allocator.find(addr),
    busyAreas: () => allocator.busyAreas(),
    freeAreas: () => allocator.freeAreas(),
    stats: () => allocator.stats(),
    check: () => allocator.check(),
    detach: (addr: number) => allocator.detach(addr),
    release: (start: number, size: number) => allocator.release(start, size),
  };
  return { allocator: wrapped, recorder };
}
