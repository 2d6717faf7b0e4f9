/** Small number formatters shared by the reporters. Pure, locale-independent. */

/** `1234567` → `"1,234,567"` (integers; others are rounded first). */
export function groupDigits(n: number): string {
  const s = String(Math.round(Math.abs(n)));
  const out = s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return n < 0 ? `-${out}` : out;
}

/** A ratio as `3.35×`, or `—` when not finite. */
export function formatRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return "—";
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

/** Microseconds with a sensible number of decimals: `0.85`, `12.3`, `1,234`. */
export function formatUs(us: number): string {
  if (!Number.isFinite(us)) return "—";
  if (us < 10) return us.toFixed(2);
  if (us < 1000) return us.toFixed(1);
  return groupDigits(us);
}

/** Nanoseconds as a human duration: `850 ns`, `12.3 µs`, `4.56 ms`, `7.89 s`, `2 m 03.4 s`. */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return "—";
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`;
  const s = ns / 1e9;
  if (s < 60) return `${s.toFixed(2)} s`;
  const m = Math.floor(s / 60);
  return `${m} m ${(s - m * 60).toFixed(1).padStart(4, "0")} s`;
}

/** Pads cells into aligned columns: `align[i]` 'l' or 'r'; columns separated by two spaces. */
export function alignColumns(rows: readonly (readonly string[])[], align: readonly ("l" | "r")[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const pad = " ".repeat(widths[i]! - [...cell].length);
        return align[i] === "r" ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd(),
  );
}

/** A markdown table (header row, rule, body). */
export function markdownTable(header: readonly string[], body: readonly (readonly string[])[], align: readonly ("l" | "r")[]): string[] {
  const rule = align.map((a) => (a === "r" ? "---:" : "---"));
  return [header, rule, ...body].map((row) => `| ${row.join(" | ")} |`);
}
