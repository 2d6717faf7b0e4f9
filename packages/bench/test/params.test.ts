import { describe, expect, it } from "vitest";
import { BenchError, INT_MAX, MODES, QUICK_LOOP_COUNT, defaultParams, modeParams, parseParams, resolveParams } from "../src/index.js";

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BenchError);
    return (error as BenchError).code;
  }
  return "no error";
}

describe("defaultParams()", () => {
  it("has the 5.2 module defaults", () => {
    expect(defaultParams("5.2")).toMatchObject({
      run_test_mask: INT_MAX,
      test_repeat_count: 1,
      test_loop_count: 1_000_000,
      sequential_test_order: false,
      single_cpu_test: false,
    });
  });

  it("has the 6.18 module defaults", () => {
    expect(defaultParams("6.18")).toMatchObject({ run_test_mask: 7, test_repeat_count: 1, test_loop_count: 1_000_000, nr_threads: 0, nr_pages: 0, use_huge: false });
  });
});

describe("modeParams()", () => {
  it.each([
    ["5.2", "performance", { single_cpu_test: true, sequential_test_order: true, test_repeat_count: 3 }],
    ["5.2", "stress", { test_repeat_count: 20 }],
    ["5.2", "smoke", { single_cpu_test: true, test_loop_count: 10000, test_repeat_count: 10 }],
    ["6.18", "performance", { sequential_test_order: true, test_repeat_count: 3 }],
    ["6.18", "stress", { nr_threads: 4, test_repeat_count: 20 }],
    ["6.18", "smoke", { test_loop_count: 10000, test_repeat_count: 10 }],
  ] as const)("gives %s %s the script's parameters", (era, mode, expected) => {
    expect(modeParams(era, mode, 4)).toEqual(expected);
  });

  it("has a printable table for both eras", () => {
    expect(MODES["6.18"].stress).toBe("nr_threads=$NUM_CPUS test_repeat_count=20");
  });
});

describe("parseParams()", () => {
  it("parses key=value arguments", () => {
    expect(parseParams(["test_loop_count=50", "run_test_mask=7", "sequential_test_order=1"])).toEqual({ test_loop_count: 50, run_test_mask: 7, sequential_test_order: true });
  });

  it.each([
    [["bogus=1"], "ENOENT"],
    [["nr_threads=2"], "ENOENT"],
    [["test_loop_count=0"], "EINVAL"],
    [["test_loop_count=-1"], "EINVAL"],
    [["test_loop_count=1.5"], "EINVAL"],
    [["test_loop_count=abc"], "EINVAL"],
    [["test_loop_count"], "EINVAL"],
    [["sequential_test_order=2"], "EINVAL"],
    [["test_loop_count=3000000000"], "EINVAL"],
  ])("rejects %j for 5.2 with %s", (args, code) => {
    expect(codeOf(() => parseParams(args, "5.2"))).toBe(code);
  });

  it("accepts the 6.18 parameters only in 6.18", () => {
    expect(parseParams(["nr_threads=2", "nr_pages=4"], "6.18")).toEqual({ nr_threads: 2, nr_pages: 4 });
    expect(codeOf(() => parseParams(["single_cpu_test=1"], "6.18"))).toBe("ENOENT");
  });

  it("rejects an unknown era", () => {
    expect(codeOf(() => parseParams([], "4.0" as never))).toBe("EINVAL");
  });
});

describe("resolveParams()", () => {
  it("applies mode, then preset, then user values and remembers each source", () => {
    const r = resolveParams({ era: "5.2", mode: "performance", preset: "quick", params: ["run_test_mask=3"] });
    expect(r.params.test_loop_count).toBe(QUICK_LOOP_COUNT);
    expect(r.sources.test_loop_count).toBe("preset");
    expect(r.params.test_repeat_count).toBe(3);
    expect(r.sources.test_repeat_count).toBe("mode");
    expect(r.params.run_test_mask).toBe(3);
    expect(r.sources.run_test_mask).toBe("user");
    expect(r.sources.sequential_test_order).toBe("mode");
    expect(r.names).toEqual(["run_test_mask", "test_repeat_count", "test_loop_count", "sequential_test_order", "single_cpu_test"]);
  });

  it("keeps the kernel defaults without a preset", () => {
    const r = resolveParams({ era: "5.2", mode: "performance" });
    expect(r.params.test_loop_count).toBe(1_000_000);
    expect(r.sources.test_loop_count).toBe("default");
  });

  it("only caps the loop count with the quick preset", () => {
    const r = resolveParams({ era: "5.2", mode: "smoke", preset: "quick" });
    expect(r.params.test_loop_count).toBe(10_000);
    expect(r.sources.test_loop_count).toBe("mode");
  });

  it("validates object parameters like the script", () => {
    expect(codeOf(() => resolveParams({ params: { test_loop_count: 0 } }))).toBe("EINVAL");
    expect(codeOf(() => resolveParams({ params: { nr_pages: 2 } }))).toBe("ENOENT");
    expect(codeOf(() => resolveParams({ preset: "huge" as never }))).toBe("EINVAL");
    expect(codeOf(() => resolveParams({ mode: "fast" as never }))).toBe("EINVAL");
  });
});
