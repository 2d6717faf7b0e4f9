import { formatDuration } from "./format.js";
import { escapeXml, superscript, svgNum } from "./svg.js";
import { type AlignMode, SWEEP_IMPL_INFO, type SweepImplId, type SweepResult } from "./sweep.js";

/**
 * The sweep as a log-log line chart, hand-written SVG: N (live areas) on x, ns per alloc+free pair on y,
 * one `<polyline>` per series (implementation × align mode, dashed for `aligned`) with a circle per
 * point, decade grid lines, axis labels and a legend. Skipped points end a line. Pure: returns the text.
 */
export interface SweepSvgOptions {
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
}

const COLORS: Readonly<Record<SweepImplId, string>> = { vmap: "#1f77b4", "vmap-legacy": "#d62728", "thi.ng-malloc": "#2ca02c" };
const MODE_LABEL: Readonly<Record<AlignMode, string>> = { align1: "align 1", aligned: "align 2^k" };

/** The series a chart of `result` draws, in legend order (those with at least one measured point). */
export function sweepSeries(result: SweepResult): { impl: SweepImplId; alignMode: AlignMode; points: { n: number; ns: number }[] }[] {
  const out: { impl: SweepImplId; alignMode: AlignMode; points: { n: number; ns: number }[] }[] = [];
  for (const info of result.implementations) {
    for (const mode of ["align1", "aligned"] as const) {
      const points = result.points
        .filter((p) => p.impl === info.id && p.alignMode === mode && p.status === "ok" && p.nsPerPair !== undefined)
        .map((p) => ({ n: p.n, ns: p.nsPerPair! }))
        .sort((a, b) => a.n - b.n);
      if (points.length > 0) out.push({ impl: info.id, alignMode: mode, points });
    }
  }
  return out;
}

/** `10^e` ns as `1 µs`, `10 µs`, `100 ms`... */
function decadeLabel(e: number): string {
  const units = ["ns", "µs", "ms", "s"];
  const u = Math.min(units.length - 1, Math.max(0, Math.floor(e / 3)));
  return `${10 ** (e - 3 * u)} ${units[u]}`;
}

export function renderSweepSvg(result: SweepResult, options: SweepSvgOptions = {}): string {
  const width = options.width ?? 760;
  const height = options.height ?? 460;
  const series = sweepSeries(result);
  const left = 78;
  const right = 250;
  const top = 48;
  const bottom = 58;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const all = series.flatMap((s) => s.points);
  const nMin = all.length ? Math.min(...all.map((p) => p.n)) : 1e3;
  const nMax = all.length ? Math.max(...all.map((p) => p.n)) : 1e6;
  const yMin = all.length ? Math.min(...all.map((p) => p.ns)) : 100;
  const yMax = all.length ? Math.max(...all.map((p) => p.ns)) : 1e5;
  const x0 = Math.floor(Math.log10(nMin));
  const x1 = Math.max(x0 + 1, Math.ceil(Math.log10(nMax)));
  const y0 = Math.floor(Math.log10(yMin));
  const y1 = Math.max(y0 + 1, Math.ceil(Math.log10(yMax)));
  const sx = (n: number): number => left + ((Math.log10(n) - x0) / (x1 - x0)) * plotW;
  const sy = (ns: number): number => top + plotH - ((Math.log10(ns) - y0) / (y1 - y0)) * plotH;
  const title = options.title ?? "kva sweep: time per alloc+free pair vs live areas";
  const subtitle = `${result.cpu}, ${result.host.cpus} CPUs; Node ${result.node}; ${result.date.slice(0, 10)}`;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${svgNum(left)}" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  out.push(`<text x="${svgNum(left)}" y="36" font-size="11" fill="#666666">${escapeXml(subtitle)}</text>`);
  // Grid and ticks.
  out.push(`<g stroke="#e0e0e0" stroke-width="1">`);
  for (let e = x0; e <= x1; e++) out.push(`<line x1="${svgNum(sx(10 ** e))}" y1="${top}" x2="${svgNum(sx(10 ** e))}" y2="${top + plotH}"/>`);
  for (let e = y0; e <= y1; e++) out.push(`<line x1="${left}" y1="${svgNum(sy(10 ** e))}" x2="${left + plotW}" y2="${svgNum(sy(10 ** e))}"/>`);
  out.push(`</g>`);
  out.push(`<g fill="#333333">`);
  for (let e = x0; e <= x1; e++) out.push(`<text x="${svgNum(sx(10 ** e))}" y="${top + plotH + 18}" text-anchor="middle">10${superscript(e)}</text>`);
  for (let e = y0; e <= y1; e++) out.push(`<text x="${left - 8}" y="${svgNum(sy(10 ** e) + 4)}" text-anchor="end">${escapeXml(decadeLabel(e))}</text>`);
  out.push(`<text x="${svgNum(left + plotW / 2)}" y="${height - 14}" text-anchor="middle">N live areas (log)</text>`);
  out.push(`<text x="18" y="${svgNum(top + plotH / 2)}" text-anchor="middle" transform="rotate(-90 18 ${svgNum(top + plotH / 2)})">time per alloc+free pair (log)</text>`);
  out.push(`</g>`);
  out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333333"/>`);
  // Series.
  series.forEach((s, i) => {
    const color = COLORS[s.impl];
    const dash = s.alignMode === "aligned" ? ` stroke-dasharray="6 4"` : "";
    const pts = s.points.map((p) => `${svgNum(sx(p.n))},${svgNum(sy(p.ns))}`).join(" ");
    const label = `${SWEEP_IMPL_INFO[s.impl].name}, ${MODE_LABEL[s.alignMode]}`;
    out.push(`<g class="series" data-impl="${s.impl}" data-align="${s.alignMode}">`);
    out.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"${dash}><title>${escapeXml(label)}</title></polyline>`);
    for (const p of s.points) {
      out.push(`<circle cx="${svgNum(sx(p.n))}" cy="${svgNum(sy(p.ns))}" r="3.5" fill="${color}"><title>${escapeXml(`${label}: N=${p.n}, ${formatDuration(p.ns)} per pair`)}</title></circle>`);
    }
    out.push(`</g>`);
    const ly = top + 10 + i * 22;
    const lx = left + plotW + 16;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${lx + 34}" y="${ly + 4}">${escapeXml(`${SWEEP_IMPL_INFO[s.impl].name.split(" ")[0]} (${MODE_LABEL[s.alignMode]})`)}</text>`);
  });
  const skipped = result.points.filter((p) => p.status === "skipped" && p.reason?.startsWith("skipped")).length;
  if (skipped > 0) {
    out.push(`<text x="${left + plotW + 16}" y="${top + 10 + series.length * 22 + 12}" fill="#666666">${skipped} point${skipped === 1 ? "" : "s"} skipped (O(N))</text>`);
  }
  out.push(`</svg>`);
  return `${out.join("\n")}\n`;
}
