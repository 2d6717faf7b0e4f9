import { BenchError, describe } from "./errors.js";

/**
 * `lib/test_vmalloc.c` module parameters and `test_vmalloc.sh` modes, per kernel era (KERNEL.md §7.1, §7.4).
 *
 * Resolution order (later wins), each value remembering where it came from ({@link ParamSource}):
 *
 *     module defaults of the era ─► mode (performance/stress/smoke) ─► preset (quick) ─► user key=value
 *
 * Nothing is silently changed: a preset is a named, printed override (`test_loop_count=… (preset quick;
 * kernel default 1000000)`), and the kernel's defaults stay the defaults.
 */

/** The kernel whose `test_vmalloc` module and script are emulated: 5.2 (the seed's) or 6.18. */
export type Era = "5.2" | "6.18";
export const ERAS: readonly Era[] = ["5.2", "6.18"];

/** `test_vmalloc.sh` modes. */
export type Mode = "performance" | "stress" | "smoke";
export const MODE_NAMES: readonly Mode[] = ["performance", "stress", "smoke"];

/** Named scale overrides. `kernel`: none (the module's own defaults). `quick`: see {@link QUICK_LOOP_COUNT}. */
export type Preset = "kernel" | "quick";
export const PRESET_NAMES: readonly Preset[] = ["kernel", "quick"];

/**
 * The module parameters, with the kernel's names. Parameters an era does not have keep a neutral value
 * (`single_cpu_test` false in 6.18; `nr_threads`, `nr_pages` 0 and `use_huge` false in 5.2) and are
 * rejected by {@link parseParams} for that era, as `modinfo` would.
 */
export interface TestVmallocParams {
  /** Bit i enables test i. 5.2: `INT_MAX` (all); 6.18: 7 (tests 1, 2, 4). */
  readonly run_test_mask: number;
  /** Repetitions of each test (≤ 0 → 1 in the kernel). Default 1. */
  readonly test_repeat_count: number;
  /** Inner loop count (≤ 0 → 1 in the kernel). Default 1,000,000. */
  readonly test_loop_count: number;
  /** Run tests in index order instead of each worker's shuffled order. Default false. */
  readonly sequential_test_order: boolean;
  /** (5.2) One worker on the first online CPU only. Default false (one worker per CPU). */
  readonly single_cpu_test: boolean;
  /** (6.18) Worker threads; 0 → 1 (clamped to [1, 65535]). Default 0. */
  readonly nr_threads: number;
  /** (6.18) Pages for fix_size_alloc_test and vm_map_ram_test; 0 → 1. Default 0. */
  readonly nr_pages: number;
  /** (6.18) fix_size_alloc_test uses vmalloc_huge. Accepted; no effect here (the model has no huge mappings). */
  readonly use_huge: boolean;
}

export type ParamName = keyof TestVmallocParams;

/** Where a resolved value came from. */
export type ParamSource = "default" | "mode" | "preset" | "user";

/** One parameter as `modinfo test_vmalloc` lists it. */
export interface ParamDef {
  readonly name: ParamName;
  readonly type: "int" | "bool";
  readonly description: string;
}

/** `INT_MAX`: the 5.2 default `run_test_mask` (every test). */
export const INT_MAX = 0x7fffffff;

/**
 * The `quick` preset's cap on `test_loop_count`: small enough that `kva test-vmalloc` (performance mode,
 * both stacks, 5.2 era, i5-3320m machine) finishes in about a minute on a 2-core CI machine, large enough
 * that every test's loop dominates its fixed setup. The preset changes nothing else.
 */
export const QUICK_LOOP_COUNT = 50_000;

const COMMON: readonly ParamDef[] = [
  { name: "run_test_mask", type: "int", description: "Set tests specified in the mask: bit i enables test i" },
  { name: "test_repeat_count", type: "int", description: "Set test repeat counter" },
  { name: "test_loop_count", type: "int", description: "Set test loop counter" },
  { name: "sequential_test_order", type: "bool", description: "Use sequential stress tests order" },
];

/** The parameters `modinfo test_vmalloc` lists, per era. */
export const PARAM_DEFS: Readonly<Record<Era, readonly ParamDef[]>> = {
  "5.2": [...COMMON, { name: "single_cpu_test", type: "bool", description: "Use single first online CPU to run tests" }],
  "6.18": [
    ...COMMON,
    { name: "nr_threads", type: "int", description: "Number of workers to perform tests(min: 1 max: USHRT_MAX)" },
    { name: "nr_pages", type: "int", description: "Set number of pages for fix_size_alloc_test(default: 1)" },
    { name: "use_huge", type: "bool", description: "Use vmalloc_huge in fix_size_alloc_test" },
  ],
};

/** The module's defaults per era (KERNEL.md §7.1). */
export function defaultParams(era: Era): TestVmallocParams {
  requireEra(era);
  return {
    run_test_mask: era === "5.2" ? INT_MAX : 7,
    test_repeat_count: 1,
    test_loop_count: 1_000_000,
    sequential_test_order: false,
    single_cpu_test: false,
    nr_threads: 0,
    nr_pages: 0,
    use_huge: false,
  };
}

/**
 * The parameters a `test_vmalloc.sh` mode passes (KERNEL.md §7.4). `cpus` is the script's `NUM_CPUS`
 * (6.18 stress mode passes `nr_threads=$NUM_CPUS`).
 */
export function modeParams(era: Era, mode: Mode, cpus: number): Partial<TestVmallocParams> {
  requireEra(era);
  requireMode(mode);
  if (era === "5.2") {
    if (mode === "performance") return { single_cpu_test: true, sequential_test_order: true, test_repeat_count: 3 };
    if (mode === "stress") return { test_repeat_count: 20 };
    return { single_cpu_test: true, test_loop_count: 10_000, test_repeat_count: 10 };
  }
  if (mode === "performance") return { sequential_test_order: true, test_repeat_count: 3 };
  if (mode === "stress") return { nr_threads: cpus, test_repeat_count: 20 };
  return { test_loop_count: 10_000, test_repeat_count: 10 };
}

/** The mode table of both eras with `NUM_CPUS` left symbolic, for printing (`kva test-vmalloc --help`). */
export const MODES: Readonly<Record<Era, Readonly<Record<Mode, string>>>> = {
  "5.2": {
    performance: "single_cpu_test=1 sequential_test_order=1 test_repeat_count=3",
    stress: "test_repeat_count=20",
    smoke: "single_cpu_test=1 test_loop_count=10000 test_repeat_count=10",
  },
  "6.18": {
    performance: "sequential_test_order=1 test_repeat_count=3",
    stress: "nr_threads=$NUM_CPUS test_repeat_count=20",
    smoke: "test_loop_count=10000 test_repeat_count=10",
  },
};

/**
 * Parses `key=value` arguments exactly as `test_vmalloc.sh` validates them: the key must be one of the
 * era's parameters (`modinfo` parm names) and the value an integer greater than 0. Bool parameters take 1.
 *
 * @throws BenchError `ENOENT` for an unknown key; `EINVAL` for a malformed argument or a value ≤ 0.
 */
export function parseParams(args: readonly string[], era: Era = "5.2"): Partial<TestVmallocParams> {
  requireEra(era);
  if (!Array.isArray(args)) throw new BenchError("EINVAL", `parseParams takes an array of "key=value" strings, got ${describe(args)}`);
  const out: Record<string, number | boolean> = {};
  for (const arg of args) {
    if (typeof arg !== "string" || !arg.includes("=")) {
      throw new BenchError("EINVAL", `argument ${describe(arg)} is not key=value: pass e.g. test_loop_count=1000`);
    }
    const key = arg.slice(0, arg.indexOf("="));
    const value = arg.slice(arg.indexOf("=") + 1);
    const def = PARAM_DEFS[era].find((d) => d.name === key);
    if (def === undefined) {
      throw new BenchError("ENOENT", `key or value is not correct: ${key} ${value} (known parameters in ${era}: ${PARAM_DEFS[era].map((d) => d.name).join(", ")})`);
    }
    if (!/^\d+$/.test(value) || Number(value) < 1) {
      throw new BenchError("EINVAL", `key or value is not correct: ${key} ${value} (every value must be an integer > 0, as test_vmalloc.sh requires)`);
    }
    const n = Number(value);
    if (def.type === "bool") {
      if (n !== 1) throw new BenchError("EINVAL", `${key}=${value}: a bool parameter takes 1 (leave it out for false)`);
      out[key] = true;
    } else {
      if (n > INT_MAX) throw new BenchError("EINVAL", `${key}=${value} does not fit an int (max ${INT_MAX})`);
      out[key] = n;
    }
  }
  return out;
}

/** Resolved parameters with the source of each value. */
export interface ResolvedParams {
  readonly params: TestVmallocParams;
  readonly sources: Readonly<Record<ParamName, ParamSource>>;
  /** The era's parameter names, in `modinfo` order (what reports print). */
  readonly names: readonly ParamName[];
}

export interface ResolveParamsOptions {
  readonly era?: Era;
  readonly mode?: Mode | undefined;
  readonly preset?: Preset | undefined;
  /** User overrides: `key=value` strings (validated as the script does) or an object (validated likewise). */
  readonly params?: Partial<TestVmallocParams> | readonly string[] | undefined;
  /** `NUM_CPUS` for 6.18 stress mode. Default 1. */
  readonly cpus?: number;
}

/**
 * Era defaults, then the mode, then the preset, then the user's values.
 * @throws BenchError `EINVAL`/`ENOENT` as {@link parseParams}, for an unknown era, mode or preset.
 */
export function resolveParams(options: ResolveParamsOptions = {}): ResolvedParams {
  const era = options.era ?? "5.2";
  const params: Record<string, number | boolean> = { ...defaultParams(era) };
  const sources = Object.fromEntries(Object.keys(params).map((k) => [k, "default"])) as Record<ParamName, ParamSource>;
  const apply = (values: Partial<TestVmallocParams>, source: ParamSource): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) continue;
      params[k] = v;
      sources[k as ParamName] = source;
    }
  };
  if (options.mode !== undefined) apply(modeParams(era, options.mode, options.cpus ?? 1), "mode");
  const preset = options.preset ?? "kernel";
  if (!PRESET_NAMES.includes(preset)) throw new BenchError("EINVAL", `preset ${describe(preset)} is unknown: use ${PRESET_NAMES.join(" or ")}`);
  if (preset === "quick" && (params.test_loop_count as number) > QUICK_LOOP_COUNT) apply({ test_loop_count: QUICK_LOOP_COUNT }, "preset");
  const user = options.params;
  if (user !== undefined) apply(Array.isArray(user) ? parseParams(user as readonly string[], era) : validateParamObject(user as Partial<TestVmallocParams>, era), "user");
  return { params: params as unknown as TestVmallocParams, sources, names: PARAM_DEFS[era].map((d) => d.name) };
}

function validateParamObject(values: Partial<TestVmallocParams>, era: Era): Partial<TestVmallocParams> {
  if (typeof values !== "object" || values === null) throw new BenchError("EINVAL", `params ${describe(values)} are invalid: pass an object or key=value strings`);
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const def = PARAM_DEFS[era].find((d) => d.name === key);
    if (def === undefined) throw new BenchError("ENOENT", `parameter ${key} does not exist in ${era}: use ${PARAM_DEFS[era].map((d) => d.name).join(", ")}`);
    if (def.type === "bool" ? typeof value !== "boolean" : typeof value !== "number" || !Number.isSafeInteger(value) || value < 1 || value > INT_MAX) {
      throw new BenchError("EINVAL", `${key} ${describe(value)} is invalid: pass ${def.type === "bool" ? "true or false" : `an integer in [1, ${INT_MAX}]`}`);
    }
  }
  return values;
}

/** `key=value` as the kernel would print the parameter (bools as 0/1). */
export function formatParam(params: TestVmallocParams, name: ParamName): string {
  const v = params[name];
  return `${name}=${typeof v === "boolean" ? (v ? 1 : 0) : v}`;
}

export function requireEra(era: unknown): asserts era is Era {
  if (!ERAS.includes(era as Era)) throw new BenchError("EINVAL", `era ${describe(era)} is unknown: use '5.2' or '6.18'`);
}

export function requireMode(mode: unknown): asserts mode is Mode {
  if (!MODE_NAMES.includes(mode as Mode)) throw new BenchError("EINVAL", `mode ${describe(mode)} is unknown: use ${MODE_NAMES.join(", ")}`);
}
