import type { BenchRandom } from "./random.js";

/**
 * `shuffle_array()` of `lib/test_vmalloc.c`: Fisher–Yates from the end with `j = rnd % i`, so `j` ranges
 * over `[0, i − 1]` and never equals `i` (KERNEL.md §7.3). That is Sattolo's variant: every element moves,
 * and the result is always a single cycle (for n ≥ 2 no test keeps its index). `rnd` is one 32-bit
 * `get_random_bytes()` read, so the modulo is slightly biased exactly as the kernel's is.
 *
 * Shuffles `arr` in place and returns it. `onSwap(i, j)` (for tests) sees every swap.
 * @see lib/test_vmalloc.c: shuffle_array
 */
export function kernelShuffle<T>(arr: T[], random: BenchRandom, onSwap?: (i: number, j: number) => void): T[] {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = random.u32() % i;
    onSwap?.(i, j);
    const x = arr[i]!;
    arr[i] = arr[j]!;
    arr[j] = x;
  }
  return arr;
}
