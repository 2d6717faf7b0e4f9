/**
 * `pnpm bench` (turbo `bench`): a short scaling sweep, N = 10^3…10^5, written to bench/results/ as the
 * kva-sweep/1 JSON, the SVG chart and a markdown table. The full sweep (to 10^6) is `kva bench`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { SWEEP_IMPL_INFO, renderSweepSvg, runSweep } from "../src/index.js";

const out = new URL("./results/", import.meta.url);
mkdirSync(out, { recursive: true });
const started = Date.now();
const result = runSweep({
  ns: [1e3, 1e4, 1e5],
  pairs: 10_000,
  timeBudgetMs: 1_000,
  command: "pnpm --filter @kva/bench bench",
  onProgress: (e) => {
    if (e.status !== "start") process.stderr.write(`${e.impl} ${e.alignMode} N=${e.n}: ${e.status}\n`);
  },
});
writeFileSync(new URL("sweep.json", out), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(new URL("sweep.svg", out), renderSweepSvg(result));
// One row per N, one column per implementation and align mode (the series of the chart).
const series = result.implementations.flatMap((info) => info.alignModes.map((mode) => ({ info, mode })));
const cell = (impl: string, mode: string, n: number): string => {
  const p = result.points.find((q) => q.impl === impl && q.alignMode === mode && q.n === n);
  if (p === undefined) return "";
  if (p.status !== "ok") return p.reason?.startsWith("skipped") ? "skipped (O(N))" : p.status;
  const us = p.nsPerPair! / 1000;
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : us >= 100 ? `${us.toFixed(0)} µs` : `${us.toFixed(2)} µs`;
};
const md = [
  `# @kva/bench sweep (short)`,
  "",
  `- command: \`${result.command}\``,
  `- ${result.cpu}, ${result.host.cpus} CPUs; Node ${result.node}; ${result.date}; ${((Date.now() - started) / 1000).toFixed(0)} s; timer: ${result.timer}`,
  `- time per alloc+free pair (median over blocks of 100 pairs) with N live areas; sizes 1…256 units, align 1 or 2^k (k uniform in 0…10)`,
  "",
  `| N | ${series.map((s) => `${SWEEP_IMPL_INFO[s.info.id].name.split(" ")[0]} (${s.mode === "align1" ? "align 1" : "align 2^k"})`).join(" | ")} |`,
  `| ---: | ${series.map(() => "---:").join(" | ")} |`,
  ...result.ns.map((n) => `| 10^${Math.log10(n).toFixed(0)} | ${series.map((s) => cell(s.info.id, s.mode, n)).join(" | ")} |`),
  "",
].join("\n");
writeFileSync(new URL("sweep.md", out), md);
process.stdout.write(md);
