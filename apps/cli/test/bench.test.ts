import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kva } from "./helpers.js";

interface SweepJson {
  schema: string;
  node: string;
  seed: number;
  ns: number[];
  implementations: { id: string }[];
  points: { impl: string; alignMode: string; n: number; status: string; nsPerPair?: number }[];
}

const TINY = ["--n", "100,1000", "--pairs", "100", "--budget-ms", "20"];

describe("kva bench", () => {
  it("runs a tiny sweep, prints the table and writes the chart and the JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "kva-bench-"));
    const svg = join(dir, "sweep.svg");
    const json = join(dir, "sweep.json");
    const r = kva(["bench", ...TINY, "--svg", svg, "--json", json]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("live areas N");
    expect(r.stdout).toContain("legacy / vmap");
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg[\s\S]*<polyline/);
    const doc = JSON.parse(readFileSync(json, "utf8")) as SweepJson;
    expect(doc.schema).toBe("kva-sweep/1");
    expect(doc.ns).toEqual([100, 1000]);
  });

  it("prints the kva-sweep/1 document alone with --json -", () => {
    const r = kva(["bench", ...TINY, "--impl", "vmap", "--align", "align1", "--seed", "3", "--json", "-"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as SweepJson;
    expect(doc.seed).toBe(3);
    expect(doc.implementations.map((i) => i.id)).toEqual(["vmap"]);
    expect(doc.points).toHaveLength(2);
    for (const p of doc.points) {
      expect(p).toMatchObject({ impl: "vmap", alignMode: "align1", status: "ok" });
      expect(p.nsPerPair).toBeGreaterThan(0);
    }
  });

  it("drops points above --max-n", () => {
    const r = kva(["bench", ...TINY, "--impl", "vmap", "--align", "align1", "--max-n", "500", "--json", "-"]);
    expect((JSON.parse(r.stdout) as SweepJson).ns).toEqual([100]);
  });

  it.each([
    [["--impl", "vmap,jemalloc"], "jemalloc"],
    [["--max-n", "lots"], "lots"],
    [["--n", "0"], '"0"'],
    [["--max-n", "10"], "--max-n 10"],
  ])("exits 2 for %j", (args, named) => {
    const r = kva(["bench", ...TINY, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(named);
  });
});
