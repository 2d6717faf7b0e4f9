import { getProfile } from "@kva/arch";
import { describe, expect, it } from "vitest";
import { RecordingKernel, formatWorkloadShape, workloadShape } from "../src/debug.js";
import { BenchRandom, TEST_CASES, defaultParams, enabledTests, fls, junkLength, testCasesFor, type TestName } from "../src/index.js";

const x86 = getProfile("x86_64-4level");
const PAGE = 4096;
const L = 7;

function sizes(kernel: RecordingKernel, op = "vmalloc"): number[] {
  return kernel.calls.filter((c) => c.op === op).map((c) => c.size ?? c.count!);
}

function run(name: TestName, opts: { era?: "5.2" | "6.18"; cpus?: number; params?: object; rcuGracePeriod?: number } = {}): { kernel: RecordingKernel; result: number; steps: number } {
  const era = opts.era ?? "5.2";
  const kernel = new RecordingKernel({ cpus: opts.cpus ?? 4 });
  const params = { ...defaultParams(era), test_loop_count: L, ...opts.params };
  const gen = TEST_CASES.find((t) => t.name === name)!.run!({ kernel, params, era, random: new BenchRandom(1), rcuGracePeriod: opts.rcuGracePeriod ?? 1000 });
  let steps = 0;
  let r = gen.next();
  while (!r.done) {
    steps++;
    r = gen.next();
  }
  return { kernel, result: r.value, steps };
}

describe("TEST_CASES", () => {
  it("has the kernel's indices and bits", () => {
    expect(TEST_CASES.map((t) => [t.index, t.bit, t.name])).toEqual([
      [0, 1, "fix_size_alloc_test"],
      [1, 2, "full_fit_alloc_test"],
      [2, 4, "long_busy_list_alloc_test"],
      [3, 8, "random_size_alloc_test"],
      [4, 16, "fix_align_alloc_test"],
      [5, 32, "random_size_align_alloc_test"],
      [6, 64, "align_shift_alloc_test"],
      [7, 128, "pcpu_alloc_test"],
      [8, 256, "kvfree_rcu_1_arg_vmalloc_test"],
      [9, 512, "kvfree_rcu_2_arg_vmalloc_test"],
      [10, 1024, "vm_map_ram_test"],
    ]);
  });

  it("lists 8 tests in 5.2 and 11 in 6.18, pcpu_alloc_test not available", () => {
    expect(testCasesFor("5.2")).toHaveLength(8);
    expect(testCasesFor("6.18")).toHaveLength(11);
    expect(TEST_CASES.filter((t) => !t.available).map((t) => t.name)).toEqual(["pcpu_alloc_test"]);
    expect(TEST_CASES.filter((t) => t.xfail).map((t) => t.name)).toEqual(["align_shift_alloc_test"]);
  });

  it("enables tests by mask bit", () => {
    expect(enabledTests("6.18", 7).map((t) => t.index)).toEqual([0, 1, 2]);
    expect(enabledTests("5.2", 0x7fffffff)).toHaveLength(8);
    expect(enabledTests("5.2", 1 << 8)).toHaveLength(0);
  });
});

describe("workloads", () => {
  it("fix_size_alloc_test: vmalloc(3 pages) + vfree per loop in 5.2", () => {
    const { kernel, result, steps } = run("fix_size_alloc_test");
    expect(result).toBe(0);
    expect(steps).toBe(L);
    expect(sizes(kernel)).toEqual(Array(L).fill(3 * PAGE));
    expect(kernel.counts.vfree).toBe(L);
    expect(kernel.liveCount).toBe(0);
  });

  it("fix_size_alloc_test: max(nr_pages, 1) pages in 6.18", () => {
    expect(sizes(run("fix_size_alloc_test", { era: "6.18" }).kernel)).toEqual(Array(L).fill(PAGE));
    expect(sizes(run("fix_size_alloc_test", { era: "6.18", params: { nr_pages: 4 } }).kernel)).toEqual(Array(L).fill(4 * PAGE));
  });

  it.each([
    [1, 8192],
    [2, 16384],
    [4, 24576],
    [8, 32768],
  ])("full_fit_alloc_test: junk_length for %i CPUs is %i", (cpus, junk) => {
    expect(fls(cpus) * 8192).toBe(junk);
    expect(junkLength(cpus, PAGE)).toBe(junk);
  });

  it("full_fit_alloc_test: two pointer arrays, junk_length 1-page pairs, junk freed, 1-page loop, cleanup (4 CPUs: 24576 pairs)", () => {
    const { kernel, result } = run("full_fit_alloc_test", { cpus: 4 });
    expect(result).toBe(0);
    const calls = kernel.calls;
    expect(calls[0]).toMatchObject({ op: "vmalloc", size: 8 * 24576 });
    expect(calls[1]).toMatchObject({ op: "vmalloc", size: 8 * 24576 });
    // Interleaved pairs ptr[i], junk[i].
    const pairs = calls.slice(2, 2 + 2 * 24576);
    expect(pairs.every((c) => c.op === "vmalloc" && c.size === PAGE)).toBe(true);
    // Then every junk[i] freed, in order.
    const junkFrees = calls.slice(2 + 2 * 24576, 2 + 3 * 24576);
    expect(junkFrees.every((c, i) => c.op === "vfree" && c.addr === pairs[2 * i + 1]!.addr)).toBe(true);
    // The loop: vmalloc(1 page), vfree.
    const loop = calls.slice(2 + 3 * 24576, 2 + 3 * 24576 + 2 * L);
    expect(loop.map((c) => c.op)).toEqual(Array(L).fill(["vmalloc", "vfree"]).flat());
    expect(loop.filter((c) => c.op === "vmalloc").every((c) => c.size === PAGE)).toBe(true);
    expect(kernel.counts.vmalloc).toBe(2 + 2 * 24576 + L);
    expect(kernel.counts.vfree).toBe(2 + 2 * 24576 + L);
    expect(kernel.maxLive).toBe(2 + 2 * 24576);
    expect(kernel.liveCount).toBe(0);
  });

  it("long_busy_list_alloc_test: pointer array, 15000 kept pages, loop of 100 + 1 pages, cleanup", () => {
    const { kernel, result } = run("long_busy_list_alloc_test");
    expect(result).toBe(0);
    const s = sizes(kernel);
    expect(s[0]).toBe(8 * 15000);
    expect(s.slice(1, 15001)).toEqual(Array(15000).fill(PAGE));
    expect(s.slice(15001)).toEqual(Array(L).fill([100 * PAGE, PAGE]).flat());
    expect(kernel.counts.vfree).toBe(1 + 15000 + 2 * L);
    expect(kernel.maxLive).toBe(1 + 15000 + 2);
    expect(kernel.liveCount).toBe(0);
  });

  it("random_size_alloc_test: 1..100 pages", () => {
    const { kernel } = run("random_size_alloc_test", { params: { test_loop_count: 500 } });
    const s = sizes(kernel);
    expect(s).toHaveLength(500);
    for (const size of s) {
      expect(size % PAGE).toBe(0);
      expect(size / PAGE).toBeGreaterThanOrEqual(1);
      expect(size / PAGE).toBeLessThanOrEqual(100);
    }
    expect(new Set(s).size).toBeGreaterThan(90);
  });

  it("fix_align_alloc_test: 5 pages aligned to THREAD_ALIGN << 1 in [VMALLOC_START, VMALLOC_END)", () => {
    const { kernel } = run("fix_align_alloc_test");
    const calls = kernel.calls.filter((c) => c.op === "vmallocNodeRange");
    expect(calls).toHaveLength(L);
    for (const c of calls) expect(c).toMatchObject({ size: 5 * PAGE, align: x86.threadAlign * 2, start: x86.vmallocStart, end: x86.vmallocEnd });
    expect(x86.threadAlign * 2).toBe(32768);
  });

  it("random_size_align_alloc_test: align 2^(rnd % 23), (rnd % 10 + 1) pages from one rnd", () => {
    for (const era of ["5.2", "6.18"] as const) {
      const { kernel } = run("random_size_align_alloc_test", { era, params: { test_loop_count: 1000 } });
      const calls = kernel.calls.filter((c) => c.op === "vmallocNodeRange");
      // The same worker random source: 5.2 reads one 64-bit rnd, 6.18 one byte.
      const random = new BenchRandom(1);
      const aligns = new Set<number>();
      for (const c of calls) {
        const rnd = era === "5.2" ? random.u64Mod(230) : random.u32() & 0xff;
        expect(c).toMatchObject({ size: ((rnd % 10) + 1) * PAGE, align: 2 ** (rnd % 23), start: x86.vmallocStart, end: x86.vmallocEnd });
        aligns.add(rnd % 23);
      }
      expect(calls).toHaveLength(1000);
      expect(aligns.size).toBe(23);
    }
  });

  it("align_shift_alloc_test: align 2^i for i = 0.. until the first failure, which is expected", () => {
    const { kernel, result } = run("align_shift_alloc_test");
    expect(result).toBe(-1);
    const calls = kernel.calls.filter((c) => c.op === "vmallocNodeRange");
    // The fake fails aligns above the 32 TiB window: 2^45 is the first.
    expect(calls.map((c) => c.align)).toEqual([...Array(46).keys()].map((i) => 2 ** i));
    expect(calls.every((c) => c.size === PAGE)).toBe(true);
    expect(calls[45]!.addr).toBeUndefined();
  });

  it("align_shift_alloc_test: passes 2^i above 2^52 as a bigint and runs to BITS_PER_LONG", () => {
    const kernel = new RecordingKernel({ fail: () => false });
    const gen = TEST_CASES[6]!.run!({ kernel, params: defaultParams("5.2"), era: "5.2", random: new BenchRandom(1), rcuGracePeriod: 0 });
    let r = gen.next();
    while (!r.done) r = gen.next();
    expect(r.value).toBe(0);
    const aligns = kernel.calls.filter((c) => c.op === "vmallocNodeRange").map((c) => c.align);
    expect(aligns).toHaveLength(64);
    expect(aligns[52]).toBe(2 ** 52);
    expect(aligns[53]).toBe(2n ** 53n);
    expect(aligns[63]).toBe(2n ** 63n);
  });

  it("kvfree_rcu tests: vmalloc(1 page) per loop, each freed a grace period later, all drained", () => {
    for (const name of ["kvfree_rcu_1_arg_vmalloc_test", "kvfree_rcu_2_arg_vmalloc_test"] as const) {
      const { kernel, result } = run(name, { era: "6.18", params: { test_loop_count: 100 }, rcuGracePeriod: 10 });
      expect(result).toBe(0);
      expect(sizes(kernel)).toEqual(Array(100).fill(PAGE));
      expect(kernel.counts.vfree).toBe(100);
      expect(kernel.maxLive).toBe(11);
      expect(kernel.liveCount).toBe(0);
      // Frees keep the call order.
      const allocs = kernel.calls.filter((c) => c.op === "vmalloc").map((c) => c.addr);
      expect(kernel.calls.filter((c) => c.op === "vfree").map((c) => c.addr)).toEqual(allocs);
    }
  });

  it("vm_map_ram_test: vm_map_ram(max(nr_pages, 1)) + vm_unmap_ram", () => {
    const one = run("vm_map_ram_test", { era: "6.18" }).kernel;
    expect(sizes(one, "vmMapRam")).toEqual(Array(L).fill(1));
    expect(one.counts.vmUnmapRam).toBe(L);
    const four = run("vm_map_ram_test", { era: "6.18", params: { nr_pages: 4 } }).kernel;
    expect(sizes(four, "vmMapRam")).toEqual(Array(L).fill(4));
    expect(four.calls.filter((c) => c.op === "vmUnmapRam").every((c) => c.count === 4)).toBe(true);
  });

  it("fails a test whose allocation returns NULL, cleaning up", () => {
    const kernel = new RecordingKernel({ fail: (c) => c.size === 100 * PAGE });
    const gen = TEST_CASES[2]!.run!({ kernel, params: { ...defaultParams("5.2"), test_loop_count: 3 }, era: "5.2", random: new BenchRandom(1), rcuGracePeriod: 0 });
    let r = gen.next();
    while (!r.done) r = gen.next();
    expect(r.value).toBe(-1);
    expect(kernel.liveCount).toBe(0);
  });
});

describe("workloadShape()", () => {
  it("summarises a test's requests", () => {
    const shape = workloadShape("long_busy_list_alloc_test", { params: { test_loop_count: 3 } });
    expect(shape.result).toBe(0);
    expect(shape.liveAtEnd).toBe(0);
    expect(shape.shapes[0]).toMatchObject({ op: "vmalloc", size: PAGE, count: 15003 });
    expect(formatWorkloadShape(shape)).toContain("15003 × vmalloc(size 4096, align 1, vmalloc)");
  });
});
