/** Small text formatters shared by the commands. */
import { formatSize } from "@kva/arch";

/** `1234567` → `1,234,567`. */
export function commas(n: number | bigint): string {
  return n.toLocaleString("en-US");
}

/** Byte count in binary units (`formatSize`), for numbers that may not be safe integers. */
export function size(bytes: number | bigint): string {
  return formatSize(typeof bytes === "number" ? BigInt(Math.round(bytes)) : bytes);
}

/** Milliseconds as `850 ms`, `12.3 s`, `2 m 05.1 s`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  return `${m} m ${(s - m * 60).toFixed(1).padStart(4, "0")} s`;
}

/** A ratio as `3.35×`. */
export function ratio(r: number): string {
  if (!Number.isFinite(r)) return "–";
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}
