/**
 * Debugging aids for @kva/bench (published as `@kva/bench/debug`): the recording fake kernel, dumps of a
 * test's workload shape (which requests, how many, how many live at once) and of a scheduler's
 * interleaving. None of them is needed to run the harness.
 */
import { type Era, type TestVmallocParams, defaultParams } from "./params.js";
import { BenchRandom } from "./random.js";
import { RecordingKernel, type RecordingKernelOptions } from "./recording-kernel.js";
import { type Schedulable, type Slice, runScheduled } from "./scheduler.js";
import { BenchError } from "./errors.js";
import { findTest, type TestName } from "./tests.js";

export { RecordingKernel, type RecordedCall, type RecordedOp, type RecordingKernelOptions } from "./recording-kernel.js";

/** One kind of request and how often a test made it. */
export interface RequestShape {
  readonly op: string;
  /** Bytes (vmalloc family) or pages (vm_map_ram). */
  readonly size: number;
  readonly align: string;
  /** `vmalloc` (the default range), or `[start, end)` in hex. */
  readonly window: string;
  readonly count: number;
}

export interface WorkloadShape {
  readonly test: TestName;
  /** 0 passed, −1 failed. */
  readonly result: number;
  /** Yields (loop iterations, setup and cleanup included). */
  readonly steps: number;
  readonly calls: Readonly<Record<string, number>>;
  /** Distinct requests, most frequent first. */
  readonly shapes: readonly RequestShape[];
  /** Most areas live at once. */
  readonly maxLive: number;
  /** Areas still live at the end (a leak if not 0). */
  readonly liveAtEnd: number;
}

/**
 * Runs one test once on a {@link RecordingKernel} and summarises what it asked for. `params` default to
 * the era's module defaults with `test_loop_count` 1.
 * @throws BenchError `ENOENT` for an unknown or unavailable test.
 */
export function workloadShape(
  name: TestName,
  options: { readonly era?: Era; readonly params?: Partial<TestVmallocParams>; readonly kernel?: RecordingKernelOptions; readonly seed?: number; readonly rcuGracePeriod?: number } = {},
): WorkloadShape {
  const test = findTest(name);
  if (test?.run === undefined) throw new BenchError("ENOENT", `test ${name} is unknown or not available here`);
  const era = options.era ?? "5.2";
  const kernel = new RecordingKernel({ ...options.kernel, record: true });
  const params = { ...defaultParams(era), test_loop_count: 1, ...options.params };
  const gen = test.run({ kernel, params, era, random: new BenchRandom(options.seed ?? 1), rcuGracePeriod: options.rcuGracePeriod ?? 1000 });
  let steps = 0;
  let r = gen.next();
  while (!r.done) {
    steps++;
    r = gen.next();
  }
  const shapes = new Map<string, { op: string; size: number; align: string; window: string; count: number }>();
  for (const c of kernel.calls) {
    if (c.op === "vfree" || c.op === "vmUnmapRam") continue;
    const size = c.op === "vmMapRam" ? c.count! : c.size!;
    const window = c.start === undefined ? "vmalloc" : `[0x${c.start.toString(16)}, 0x${c.end!.toString(16)})`;
    const align = String(c.align ?? 1);
    const key = `${c.op} ${size} ${align} ${window}`;
    const s = shapes.get(key);
    if (s) s.count++;
    else shapes.set(key, { op: c.op, size, align, window, count: 1 });
  }
  return {
    test: name,
    result: r.value,
    steps,
    calls: { ...kernel.counts },
    shapes: [...shapes.values()].sort((a, b) => b.count - a.count),
    maxLive: kernel.maxLive,
    liveAtEnd: kernel.liveCount,
  };
}

/** {@link workloadShape} as text lines. */
export function formatWorkloadShape(shape: WorkloadShape): string {
  const lines = [`${shape.test}: result ${shape.result}, ${shape.steps} steps, max live ${shape.maxLive}, live at end ${shape.liveAtEnd}`];
  for (const [op, n] of Object.entries(shape.calls)) if (n > 0) lines.push(`  ${op}: ${n}`);
  for (const s of shape.shapes) lines.push(`  ${s.count} × ${s.op}(size ${s.size}, align ${s.align}, ${s.window})`);
  return `${lines.join("\n")}\n`;
}

/**
 * The slices a scheduler seed produces for workers of the given lengths (in iterations), without any
 * kernel: `[worker, steps]` pairs in order. Shows what "same seed → same interleaving" means.
 */
export function scheduleDump(seed: number, lengths: readonly number[], burst: number | { readonly min: number; readonly max: number } = { min: 32, max: 256 }): [number, number][] {
  const out: [number, number][] = [];
  const workers: Schedulable[] = lengths.map((len, i) => {
    let left = len;
    return {
      cpu: i,
      get done() {
        return left === 0;
      },
      run(max: number) {
        const k = Math.min(max, left);
        left -= k;
        return k;
      },
      charge() {},
    };
  });
  let t = 0n;
  runScheduled({ cpu: 0 }, workers, { seed, burst, clock: () => t++, onSlice: (s: Slice) => out.push([s.worker, s.steps]) });
  return out;
}
