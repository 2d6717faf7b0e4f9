import { formatAddress, formatSize } from "@kva/arch";
import type { KvaAllocator, Range } from "@kva/vmap";
import pc from "picocolors";
import { BenchError, describe } from "./errors.js";
import { groupDigits } from "./format.js";
import type { MapKernelLike } from "./kernel-like.js";
import { escapeXml, svgNum } from "./svg.js";

/**
 * `kva map`: a picture of an address space — busy, free and lazily freed areas — and its fragmentation,
 * as an SVG file or a terminal view.
 *
 * A {@link MapLayout} is a window `[start, end)` in some unit (pages for a kernel, the allocator's units
 * otherwise) partitioned into ranges of three kinds (invariant M1: ranges are sorted, disjoint, non-empty
 * and cover the window exactly; free ranges never touch each other). The renderers cut the window into
 * `width × rows` equal cells and draw each by what covers it.
 */

export type MapKind = "busy" | "free" | "lazy";

export interface MapRange extends Range {
  readonly kind: MapKind;
}

export interface MapLayout {
  /** Window start and end (exclusive), in units. */
  readonly start: number;
  readonly end: number;
  /** Bytes per unit (4096 for a kernel in pages, 1 for a byte-unit allocator). */
  readonly unitBytes: number;
  /** Address width for labels; undefined prints plain unit numbers. */
  readonly bits?: 32 | 64;
  /** M1: a sorted partition of the window. */
  readonly ranges: readonly MapRange[];
}

export interface Fragmentation {
  readonly busyCount: number;
  /** Units. */
  readonly busySize: number;
  readonly lazyCount: number;
  readonly lazySize: number;
  /** Free blocks (maximal free runs) inside the window. */
  readonly freeBlocks: number;
  readonly freeSize: number;
  readonly largestFree: number;
  /** External fragmentation: `1 − largestFree / freeSize` (0 with no free space). */
  readonly external: number;
}

/** A window: `'auto'` (the span of busy and lazy areas, plus 1/8 of it above), `'full'`, or explicit units. */
export type MapWindow = "auto" | "full" | Range;

/** Builds the partition of `[start, end)` from non-free ranges (any order, may overlap the window edge). */
function partition(start: number, end: number, used: MapRange[]): MapRange[] {
  used.sort((a, b) => a.start - b.start);
  const out: MapRange[] = [];
  let cursor = start;
  for (const r of used) {
    const s = Math.max(r.start, start);
    const e = Math.min(r.end, end);
    if (e <= s || e <= cursor) continue;
    const s2 = Math.max(s, cursor);
    if (s2 > cursor) out.push({ start: cursor, end: s2, kind: "free" });
    out.push({ start: s2, end: e, kind: r.kind });
    cursor = e;
  }
  if (cursor < end) out.push({ start: cursor, end, kind: "free" });
  return out;
}

function resolveWindow(window: MapWindow, space: Range, used: readonly Range[]): Range {
  if (window === "full") return space;
  if (window === "auto") {
    if (used.length === 0) return space;
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of used) {
      lo = Math.min(lo, r.start);
      hi = Math.max(hi, r.end);
    }
    lo = Math.max(lo, space.start);
    hi = Math.min(space.end, hi + Math.max(1, Math.ceil((hi - lo) / 8)));
    return lo < hi ? { start: lo, end: hi } : space;
  }
  if (typeof window !== "object" || window === null || !Number.isSafeInteger(window.start) || !Number.isSafeInteger(window.end) || window.start >= window.end) {
    throw new BenchError("EINVAL", `window ${describe(window)} is invalid: pass 'auto', 'full' or { start, end } with start < end`);
  }
  return window;
}

/**
 * The layout of an allocator (or a `LazyPurge` over one): busy areas from `busyAreas()`, free blocks from
 * `freeAreas()`; what is neither is lazily freed (queued or detached, not yet reusable).
 */
export function layoutFromAllocator(allocator: KvaAllocator, options: { readonly window?: MapWindow; readonly unitBytes?: number; readonly bits?: 32 | 64 } = {}): MapLayout {
  const busy: MapRange[] = [];
  for (const r of allocator.busyAreas()) busy.push({ start: r.start, end: r.end, kind: "busy" });
  const free: Range[] = [...allocator.freeAreas()];
  const space = { start: allocator.start, end: allocator.end };
  // Lazy = the complement of busy ∪ free.
  const known = [...busy.map((r) => ({ start: r.start, end: r.end })), ...free].sort((a, b) => a.start - b.start);
  const lazy: MapRange[] = [];
  let cursor = space.start;
  for (const r of known) {
    if (r.start > cursor) lazy.push({ start: cursor, end: r.start, kind: "lazy" });
    cursor = Math.max(cursor, r.end);
  }
  if (cursor < space.end) lazy.push({ start: cursor, end: space.end, kind: "lazy" });
  const used = [...busy, ...lazy];
  const w = resolveWindow(options.window ?? "full", space, used);
  return { start: w.start, end: w.end, unitBytes: options.unitBytes ?? 1, ...(options.bits ? { bits: options.bits } : {}), ranges: partition(w.start, w.end, used) };
}

const LINE_RE = /^0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)\s+\d+(.*)$/;

/**
 * The layout of a `/proc/vmallocinfo` text in pages: `unpurged vm_area` lines are lazy, every other line
 * busy, the rest of the window free. `window` is in bytes (default: the span of the lines, padded).
 * @throws BenchError `EINVAL` for a line that is not a vmallocinfo line (named by its number).
 */
export function layoutFromVmallocinfo(
  text: string,
  options: { readonly pageSize?: number; readonly bits?: 32 | 64; readonly space?: { readonly start: bigint; readonly end: bigint }; readonly window?: "auto" | "full" | { readonly start: bigint; readonly end: bigint } } = {},
): MapLayout {
  const page = BigInt(options.pageSize ?? 4096);
  const used: MapRange[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const m = LINE_RE.exec(line);
    if (!m) throw new BenchError("EINVAL", `vmallocinfo line ${i + 1} is not "0x<start>-0x<end> <size> ...": ${line.slice(0, 60)}`);
    const s = BigInt(`0x${m[1]}`) / page;
    const e = (BigInt(`0x${m[2]}`) + page - 1n) / page;
    used.push({ start: Number(s), end: Number(e), kind: m[3]!.trim() === "unpurged vm_area" ? "lazy" : "busy" });
  });
  const space = options.space ? { start: Number(options.space.start / page), end: Number(options.space.end / page) } : boundsOf(used);
  const win = options.window ?? "auto";
  const w = typeof win === "object" ? { start: Number(win.start / page), end: Number((win.end + page - 1n) / page) } : resolveWindow(win, space, used);
  return { start: w.start, end: w.end, unitBytes: Number(page), bits: options.bits ?? 64, ranges: partition(w.start, w.end, used) };
}

function boundsOf(used: readonly Range[]): Range {
  if (used.length === 0) return { start: 0, end: 1 };
  return { start: Math.min(...used.map((r) => r.start)), end: Math.max(...used.map((r) => r.end)) };
}

/** The layout of a simulated kernel's vmalloc range, from its `/proc/vmallocinfo`. Default window `'auto'`. */
export function layoutFromKernel(kernel: MapKernelLike, options: { readonly window?: "auto" | "full" | { readonly start: bigint; readonly end: bigint } } = {}): MapLayout {
  const p = kernel.profile;
  return layoutFromVmallocinfo(kernel.vmallocinfo(), { pageSize: p.pageSize, bits: p.bits, space: { start: p.vmallocStart, end: p.vmallocEnd }, window: options.window ?? "auto" });
}

/** Counts and fragmentation of a layout's window. O(ranges). */
export function fragmentation(layout: MapLayout): Fragmentation {
  let busyCount = 0;
  let busySize = 0;
  let lazyCount = 0;
  let lazySize = 0;
  let freeBlocks = 0;
  let freeSize = 0;
  let largestFree = 0;
  for (const r of layout.ranges) {
    const size = r.end - r.start;
    if (r.kind === "busy") {
      busyCount++;
      busySize += size;
    } else if (r.kind === "lazy") {
      lazyCount++;
      lazySize += size;
    } else {
      freeBlocks++;
      freeSize += size;
      largestFree = Math.max(largestFree, size);
    }
  }
  return { busyCount, busySize, lazyCount, lazySize, freeBlocks, freeSize, largestFree, external: freeSize > 0 ? 1 - largestFree / freeSize : 0 };
}

/** Coverage of each cell by kind: `[busy, lazy, free]` fractions per cell, cells in address order. O(cells + ranges). */
export function cellCoverage(layout: MapLayout, cells: number): Float64Array {
  const out = new Float64Array(cells * 3);
  const ranges = layout.ranges;
  const per = (layout.end - layout.start) / cells;
  let i = 0;
  for (let c = 0; c < cells; c++) {
    const cs = layout.start + c * per;
    const ce = c === cells - 1 ? layout.end : layout.start + (c + 1) * per;
    while (i < ranges.length && ranges[i]!.end <= cs) i++;
    for (let j = i; j < ranges.length && ranges[j]!.start < ce; j++) {
      const r = ranges[j]!;
      const overlap = Math.min(r.end, ce) - Math.max(r.start, cs);
      if (overlap <= 0) continue;
      const k = r.kind === "busy" ? 0 : r.kind === "lazy" ? 1 : 2;
      out[c * 3 + k] = out[c * 3 + k]! + overlap / (ce - cs);
    }
  }
  return out;
}

type Glyph = "busy" | "mostly-busy" | "lazy" | "mostly-free" | "free";

function glyphOf(busy: number, lazy: number, free: number): Glyph {
  if (free >= 0.999) return "free";
  if (busy >= 0.999) return "busy";
  if (lazy >= busy && lazy >= free) return "lazy";
  return busy >= free ? "mostly-busy" : "mostly-free";
}

const CHARS: Readonly<Record<Glyph, string>> = { busy: "█", "mostly-busy": "▓", lazy: "▒", "mostly-free": "░", free: "·" };

function unitLabel(layout: MapLayout, unit: number): string {
  if (layout.bits === undefined) return String(unit);
  return formatAddress(BigInt(unit) * BigInt(layout.unitBytes), layout.bits);
}

function sizeLabel(layout: MapLayout, units: number): string {
  if (layout.bits === undefined && layout.unitBytes === 1) return `${groupDigits(units)} units`;
  return formatSize(BigInt(units) * BigInt(layout.unitBytes));
}

/** The fragmentation lines both renderers print. */
export function formatFragmentation(layout: MapLayout): string[] {
  const f = fragmentation(layout);
  return [
    `window ${unitLabel(layout, layout.start)} – ${unitLabel(layout, layout.end)} (${sizeLabel(layout, layout.end - layout.start)})`,
    `busy ${groupDigits(f.busyCount)} areas (${sizeLabel(layout, f.busySize)}), lazily freed ${groupDigits(f.lazyCount)} (${sizeLabel(layout, f.lazySize)}), free ${groupDigits(f.freeBlocks)} blocks (${sizeLabel(layout, f.freeSize)})`,
    `largest free ${sizeLabel(layout, f.largestFree)}; external fragmentation ${(f.external * 100).toFixed(2)} % (1 − largest / total free)`,
  ];
}

export interface TerminalMapOptions {
  /** Cells per row. Default 64. */
  readonly width?: number;
  /** Rows. Default 8. */
  readonly rows?: number;
  /** ANSI colours (the CLI passes false for NO_COLOR or a non-TTY). Default false. */
  readonly color?: boolean;
}

/**
 * The terminal view: a `width × rows` grid of cells in address order (left to right, top to bottom), each
 * `█` busy, `▓` mostly busy, `▒` mostly lazily freed, `░` mostly free, `·` free; the row's first address
 * on the left; fragmentation below. Pure.
 */
export function renderMapTerminal(layout: MapLayout, options: TerminalMapOptions = {}): string {
  const width = options.width ?? 64;
  const rows = options.rows ?? 8;
  if (!Number.isSafeInteger(width) || width < 1 || !Number.isSafeInteger(rows) || rows < 1) {
    throw new BenchError("EINVAL", `width ${describe(width)} × rows ${describe(rows)} is invalid: pass positive integers`);
  }
  const colors = pc.createColors(options.color ?? false);
  const paint: Readonly<Record<Glyph, (s: string) => string>> = {
    busy: colors.red,
    "mostly-busy": colors.red,
    lazy: colors.yellow,
    "mostly-free": colors.green,
    free: colors.dim,
  };
  const cells = width * rows;
  const cov = cellCoverage(layout, cells);
  const per = (layout.end - layout.start) / cells;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let row = "";
    for (let c = r * width; c < (r + 1) * width; c++) {
      const g = glyphOf(cov[c * 3]!, cov[c * 3 + 1]!, cov[c * 3 + 2]!);
      row += paint[g](CHARS[g]);
    }
    lines.push(`${unitLabel(layout, Math.floor(layout.start + r * width * per))} ${row}`);
  }
  lines.push(`one cell = ${sizeLabel(layout, Math.max(1, Math.round(per)))}; ${paint.busy("█")} busy ${paint["mostly-busy"]("▓")} mostly busy ${paint.lazy("▒")} lazily freed ${paint["mostly-free"]("░")} mostly free ${paint.free("·")} free`);
  lines.push(...formatFragmentation(layout));
  return `${lines.join("\n")}\n`;
}

export interface SvgMapOptions {
  /** Cells per row. Default 128. */
  readonly columns?: number;
  /** Rows. Default 16. */
  readonly rows?: number;
  /** Pixel size of a cell. Default 8. */
  readonly cell?: number;
  readonly title?: string;
}

const FILL: Readonly<Record<Glyph, string>> = { busy: "#c0392b", "mostly-busy": "#e6846f", lazy: "#f1c40f", "mostly-free": "#a9dfbf", free: "#eafaf1" };

/**
 * The SVG view: the same grid as the terminal view (runs of equal cells drawn as one `<rect>`), a legend
 * and the fragmentation lines. Pure.
 */
export function renderMapSvg(layout: MapLayout, options: SvgMapOptions = {}): string {
  const columns = options.columns ?? 128;
  const rows = options.rows ?? 16;
  const cell = options.cell ?? 8;
  const left = 150;
  const top = 40;
  const gridW = columns * cell;
  const gridH = rows * cell;
  const width = left + gridW + 20;
  const height = top + gridH + 110;
  const cov = cellCoverage(layout, columns * rows);
  const per = (layout.end - layout.start) / (columns * rows);
  const title = options.title ?? "kva map: busy, lazily freed and free areas";
  // Row labels (11 px text) only where they do not overlap.
  const labelEvery = Math.max(1, Math.ceil(13 / cell));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="11">`);
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="10" y="22" font-size="14" font-family="sans-serif" font-weight="bold">${escapeXml(title)}</text>`);
  for (let r = 0; r < rows; r++) {
    const y = top + r * cell;
    if (r % labelEvery === 0) {
      out.push(`<text x="${left - 6}" y="${svgNum(y + Math.min(cell, 10))}" text-anchor="end">${escapeXml(unitLabel(layout, Math.floor(layout.start + r * columns * per)))}</text>`);
    }
    let c = 0;
    while (c < columns) {
      const i = r * columns + c;
      const g = glyphOf(cov[i * 3]!, cov[i * 3 + 1]!, cov[i * 3 + 2]!);
      let run = 1;
      while (c + run < columns) {
        const j = i + run;
        if (glyphOf(cov[j * 3]!, cov[j * 3 + 1]!, cov[j * 3 + 2]!) !== g) break;
        run++;
      }
      out.push(`<rect class="${g}" x="${left + c * cell}" y="${y}" width="${run * cell}" height="${cell}" fill="${FILL[g]}"/>`);
      c += run;
    }
  }
  out.push(`<rect x="${left}" y="${top}" width="${gridW}" height="${gridH}" fill="none" stroke="#555555"/>`);
  const ly = top + gridH + 22;
  const legend: [Glyph, string][] = [["busy", "busy"], ["mostly-busy", "mostly busy"], ["lazy", "lazily freed"], ["mostly-free", "mostly free"], ["free", "free"]];
  legend.forEach(([g, label], i) => {
    const x = left + i * 120;
    out.push(`<rect x="${x}" y="${ly - 9}" width="10" height="10" fill="${FILL[g]}" stroke="#555555"/>`);
    out.push(`<text x="${x + 14}" y="${ly}">${escapeXml(label)}</text>`);
  });
  formatFragmentation(layout).forEach((line, i) => out.push(`<text x="10" y="${ly + 22 + i * 16}">${escapeXml(line)}</text>`));
  out.push(`<text x="10" y="${ly + 22 + 3 * 16}">${escapeXml(`one cell = ${sizeLabel(layout, Math.max(1, Math.round(per)))}`)}</text>`);
  out.push(`</svg>`);
  return `${out.join("\n")}\n`;
}
