/**
 * The seed's published numbers (the v2 cover letter of "mm/vmap: keep track of free blocks for vmap
 * allocation", DESIGN.md "The simulated kernel and the harness"), to print beside ours. Kernel cycles are
 * `get_cycles()` deltas of `test_vmalloc` in performance mode; the wall times are `time ./test_vmalloc.sh
 * test_repeat_count=1` on all CPUs. "default" is the kernel before the patch, "patched" after.
 *
 * @see seed/vmap-v2-cover-letter.txt
 */
export interface SeedFigure {
  readonly id: string;
  /** Machine preset id of @kva/arch. */
  readonly machine: "i5-3320m" | "hikey960";
  readonly mode: "performance" | "test_repeat_count=1";
  readonly unit: "cycles" | "seconds";
  readonly default: number;
  readonly patched: number;
  /** default / patched. */
  readonly ratio: number;
  /** As the cover letter states it. */
  readonly text: string;
}

export const SEED_FIGURES: readonly SeedFigure[] = Object.freeze([
  {
    id: "i5-3320m-performance",
    machine: "i5-3320m",
    mode: "performance",
    unit: "cycles",
    default: 646_919_905_370,
    patched: 193_290_498_550,
    ratio: 646_919_905_370 / 193_290_498_550,
    text: "i5-3320M, performance mode: CPU0=646919905370 (default) vs CPU0=193290498550 (patched) cycles",
  },
  {
    id: "hikey960-performance",
    machine: "hikey960",
    mode: "performance",
    unit: "cycles",
    default: 3_478_683_207,
    patched: 463_767_978,
    ratio: 3_478_683_207 / 463_767_978,
    text: "HiKey960, performance mode: CPU0=3478683207 vs CPU0=463767978 cycles",
  },
  {
    id: "i5-3320m-repeat1",
    machine: "i5-3320m",
    mode: "test_repeat_count=1",
    unit: "seconds",
    default: 101 * 60 + 22.813,
    patched: 56.805,
    ratio: (101 * 60 + 22.813) / 56.805,
    text: "i5-3320M, test_repeat_count=1 on all CPUs: real 101m22.813s (default) vs 0m56.805s (patched)",
  },
] satisfies SeedFigure[]);

/**
 * A per-test figure where one is published: the RFC v1 numbers for long_busy_list_alloc_test's loop on
 * 4.18, i5-3320M, 1M iterations: 55.9 s old vs 15.0 s new (KERNEL.md §8). The v2 per-test tables were
 * linked, not included, so no other test has a published ratio.
 */
export const SEED_TEST_RATIOS: Readonly<Record<string, { readonly ratio: number; readonly text: string }>> = Object.freeze({
  long_busy_list_alloc_test: { ratio: 55.9 / 15.0, text: "RFC v1, 4.18, i5-3320M: 55.9 s vs 15.0 s" },
});

/**
 * The seed figure to set beside a run: for performance mode the figure of the run's machine (the
 * i5-3320M one for any other machine); for runs on all CPUs (stress mode, or no mode) the
 * `test_repeat_count=1` figure; none for smoke mode.
 */
export function seedFigureFor(mode: string | undefined, machine: string | undefined): SeedFigure | undefined {
  if (mode === "performance") return SEED_FIGURES.find((f) => f.mode === "performance" && f.machine === machine) ?? SEED_FIGURES[0]!;
  if (mode === "smoke") return undefined;
  return SEED_FIGURES[2]!;
}
