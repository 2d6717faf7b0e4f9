import { describe, expect, it } from "vitest";
import { BenchError, SWEEP_SCHEMA, renderSweepSvg, runSweep, sweepSeries, type Environment } from "../src/index.js";

const env: Environment = { node: "v20.0.0", platform: "linux", arch: "x64", cpu: "Test CPU", cpus: 2, memoryBytes: 1024, date: "2026-01-01T00:00:00.000Z" };

describe("runSweep()", () => {
  const result = runSweep({ ns: [100, 1000], pairs: 300, warmup: 50, timeBudgetMs: 200, jitWarmup: false, limits: { "vmap-legacy": 100 }, environment: env, command: "kva bench --quick" });

  it("measures every implementation at tiny N and skips beyond the limits", () => {
    expect(result.schema).toBe(SWEEP_SCHEMA);
    expect(result.command).toBe("kva bench --quick");
    const get = (impl: string, mode: string, n: number) => result.points.find((p) => p.impl === impl && p.alignMode === mode && p.n === n)!;
    expect(get("vmap", "align1", 1000)).toMatchObject({ status: "ok", pairs: 300 });
    expect(get("vmap", "aligned", 1000).nsPerPair).toBeGreaterThan(0);
    expect(get("vmap-legacy", "align1", 100)).toMatchObject({ status: "ok" });
    expect(get("vmap-legacy", "align1", 1000)).toMatchObject({ status: "skipped", reason: expect.stringMatching(/^skipped \(O\(N\)\)/) as unknown });
    expect(get("thi.ng-malloc", "align1", 1000)).toMatchObject({ status: "ok" });
    expect(get("thi.ng-malloc", "aligned", 100)).toMatchObject({ status: "skipped", reason: "no per-request alignment" });
    expect(get("vmap-legacy", "align1", 100).detail?.listStepsPerPair).toBeGreaterThanOrEqual(0);
    expect(result.points).toHaveLength(2 * 2 * 3);
  });

  it("honours maxN and rejects bad options", () => {
    expect(runSweep({ ns: [10, 100], maxN: 10, pairs: 10, warmup: 0, implementations: ["vmap"], alignModes: ["align1"] }).ns).toEqual([10]);
    expect(() => runSweep({ ns: [0] })).toThrow(BenchError);
    expect(() => runSweep({ implementations: ["foo" as never] })).toThrow(BenchError);
    expect(() => runSweep({ timeBudgetMs: 0 })).toThrow(BenchError);
  });

  it("draws a well-formed log-log SVG with one polyline per measured series", () => {
    const svg = renderSweepSvg(result);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    const series = sweepSeries(result);
    expect(series.map((s) => `${s.impl}/${s.alignMode}`)).toEqual(["vmap/align1", "vmap/aligned", "vmap-legacy/align1", "vmap-legacy/aligned", "thi.ng-malloc/align1"]);
    expect(svg.match(/<polyline /g)).toHaveLength(series.length);
    expect(svg).toContain("10²");
    expect(svg).toContain("10³");
    expect(svg).toContain("skipped (O(N))");
    // Balanced tags (a cheap well-formedness check): every opened element is closed.
    const open = (svg.match(/<(?!\/)[a-z]+[^>]*[^/]>/g) ?? []).length;
    const close = (svg.match(/<\/[a-z]+>/g) ?? []).length;
    expect(open).toBe(close);
  });
});
