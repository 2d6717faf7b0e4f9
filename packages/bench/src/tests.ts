import type { KernelLike } from "./kernel-like.js";
import type { Era, TestVmallocParams } from "./params.js";
import type { BenchRandom } from "./random.js";

/**
 * The `lib/test_vmalloc.c` test cases (KERNEL.md §7.2) as generators over a {@link KernelLike}.
 *
 * Every test is a generator that **yields after each iteration of each of its loops** (setup, the timed
 * loop, cleanup), so that the scheduler can interleave workers at the granularity real CPUs interleave
 * requests, and returns the kernel's result: 0 = passed, −1 = failed. "Write 1 byte" steps of the kernel
 * are no-ops here (there is no memory behind the addresses). Sizes are what the test passes to vmalloc;
 * the KVA request is one page more (the guard page), which the kernel model adds.
 *
 *     index bit   name                            eras
 *     0     1     fix_size_alloc_test             5.2 6.18
 *     1     2     full_fit_alloc_test             5.2 6.18
 *     2     4     long_busy_list_alloc_test       5.2 6.18
 *     3     8     random_size_alloc_test          5.2 6.18
 *     4     16    fix_align_alloc_test            5.2 6.18
 *     5     32    random_size_align_alloc_test    5.2 6.18
 *     6     64    align_shift_alloc_test          5.2 6.18 (expected to fail; 6.18 counts it xfailed)
 *     7     128   pcpu_alloc_test                 5.2 6.18 (not available: needs the per-cpu layer)
 *     8     256   kvfree_rcu_1_arg_vmalloc_test   6.18
 *     9     512   kvfree_rcu_2_arg_vmalloc_test   6.18
 *     10    1024  vm_map_ram_test                 6.18
 *
 * @see lib/test_vmalloc.c (v5.2, v6.18)
 */

/** What a test body runs with: one worker's view. */
export interface TestEnv {
  readonly kernel: KernelLike;
  readonly params: TestVmallocParams;
  readonly era: Era;
  /** The worker's `get_random_bytes()`. */
  readonly random: BenchRandom;
  /**
   * kvfree_rcu model: a freed object is really vfree'd this many loop iterations after the
   * `kvfree_rcu()` call (one grace period); whatever is still queued when the loop ends is drained (an
   * `rcu_barrier()`), so a test leaves nothing behind.
   */
  readonly rcuGracePeriod: number;
}

/** A running test: yields once per loop iteration, returns 0 (passed) or −1 (failed). */
export type TestRun = Generator<void, number, undefined>;
export type TestBody = (env: TestEnv) => TestRun;

export type TestName =
  | "fix_size_alloc_test"
  | "full_fit_alloc_test"
  | "long_busy_list_alloc_test"
  | "random_size_alloc_test"
  | "fix_align_alloc_test"
  | "random_size_align_alloc_test"
  | "align_shift_alloc_test"
  | "pcpu_alloc_test"
  | "kvfree_rcu_1_arg_vmalloc_test"
  | "kvfree_rcu_2_arg_vmalloc_test"
  | "vm_map_ram_test";

/** One entry of `test_case_array[]`. */
export interface TestCase {
  /** Index in the kernel's array: `run_test_mask` bit `1 << index`. */
  readonly index: number;
  readonly bit: number;
  readonly name: TestName;
  /** Eras whose module has this test. */
  readonly eras: readonly Era[];
  /** Expected to fail (align_shift): 6.18 counts it `xfailed`, 5.2 `failed`. */
  readonly xfail: boolean;
  /** Runnable here; `false` for pcpu_alloc_test until the per-cpu layer exists. */
  readonly available: boolean;
  /** Why it is not available. */
  readonly unavailableReason?: string;
  /** One line on the workload. */
  readonly summary: string;
  readonly run?: TestBody;
}

/** `fls(n)`: index of the highest set bit counting from 1 (0 for 0). */
export function fls(n: number): number {
  return n <= 0 ? 0 : 32 - Math.clz32(n);
}

/** full_fit_alloc_test's `junk_length = fls(num_online_cpus()) · (32 MiB / PAGE_SIZE)` (= `lazy_max_pages()`). */
export function junkLength(cpus: number, pageSize: number): number {
  return fls(cpus) * Math.floor((32 * 1024 * 1024) / pageSize);
}

/** long_busy_list_alloc_test's number of long-lived 1-page areas. */
export const LONG_BUSY_AREAS = 15000;

function caller(name: TestName): string {
  return `${name} [test_vmalloc]`;
}

function ptrBytes(kernel: KernelLike): number {
  return kernel.profile.bits / 8;
}

function* fixSize(env: TestEnv): TestRun {
  const { kernel, params } = env;
  const pages = env.era === "5.2" ? 3 : Math.max(params.nr_pages, 1);
  const size = pages * kernel.profile.pageSize;
  const who = caller("fix_size_alloc_test");
  for (let i = 0; i < params.test_loop_count; i++) {
    const ptr = kernel.vmalloc(size, who);
    if (ptr === undefined) return -1;
    kernel.vfree(ptr);
    yield;
  }
  return 0;
}

function* fullFit(env: TestEnv): TestRun {
  const { kernel, params } = env;
  const page = kernel.profile.pageSize;
  const who = caller("full_fit_alloc_test");
  const junk = junkLength(kernel.cpus, page);
  const ptr = kernel.vmalloc(ptrBytes(kernel) * junk, who);
  if (ptr === undefined) return -1;
  const junkPtr = kernel.vmalloc(ptrBytes(kernel) * junk, who);
  if (junkPtr === undefined) {
    kernel.vfree(ptr);
    return -1;
  }
  const p: (bigint | undefined)[] = new Array<bigint | undefined>(junk);
  const j: (bigint | undefined)[] = new Array<bigint | undefined>(junk);
  for (let i = 0; i < junk; i++) {
    p[i] = kernel.vmalloc(page, who);
    j[i] = kernel.vmalloc(page, who);
    yield;
  }
  for (let i = 0; i < junk; i++) {
    kernel.vfree(j[i]);
    yield;
  }
  let rv = 0;
  for (let i = 0; i < params.test_loop_count; i++) {
    const tmp = kernel.vmalloc(page, who);
    if (tmp === undefined) {
      rv = -1;
      break;
    }
    kernel.vfree(tmp);
    yield;
  }
  for (let i = 0; i < junk; i++) {
    kernel.vfree(p[i]);
    yield;
  }
  kernel.vfree(ptr);
  kernel.vfree(junkPtr);
  return rv;
}

function* longBusyList(env: TestEnv): TestRun {
  const { kernel, params } = env;
  const page = kernel.profile.pageSize;
  const who = caller("long_busy_list_alloc_test");
  const ptr = kernel.vmalloc(ptrBytes(kernel) * LONG_BUSY_AREAS, who);
  if (ptr === undefined) return -1;
  const keep: (bigint | undefined)[] = new Array<bigint | undefined>(LONG_BUSY_AREAS);
  for (let i = 0; i < LONG_BUSY_AREAS; i++) {
    keep[i] = kernel.vmalloc(page, who);
    yield;
  }
  let rv = 0;
  for (let i = 0; i < params.test_loop_count; i++) {
    const p1 = kernel.vmalloc(100 * page, who);
    if (p1 === undefined) {
      rv = -1;
      break;
    }
    const p2 = kernel.vmalloc(page, who);
    if (p2 === undefined) {
      kernel.vfree(p1);
      rv = -1;
      break;
    }
    kernel.vfree(p1);
    kernel.vfree(p2);
    yield;
  }
  for (let i = 0; i < LONG_BUSY_AREAS; i++) {
    kernel.vfree(keep[i]);
    yield;
  }
  kernel.vfree(ptr);
  return rv;
}

function* randomSize(env: TestEnv): TestRun {
  const { kernel, params, random } = env;
  const page = kernel.profile.pageSize;
  const who = caller("random_size_alloc_test");
  const v52 = env.era === "5.2";
  for (let i = 0; i < params.test_loop_count; i++) {
    // 5.2: get_random_bytes(&n, 4); n = n % 100 + 1. 6.18: get_random_u32_inclusive(1, 100).
    const n = v52 ? (random.u32() % 100) + 1 : random.int(1, 100);
    const p = kernel.vmalloc(n * page, who);
    if (p === undefined) return -1;
    kernel.vfree(p);
    yield;
  }
  return 0;
}

function* fixAlign(env: TestEnv): TestRun {
  const { kernel, params } = env;
  const { pageSize, threadAlign, vmallocStart, vmallocEnd } = kernel.profile;
  const opts = { caller: caller("fix_align_alloc_test"), zero: true };
  for (let i = 0; i < params.test_loop_count; i++) {
    const ptr = kernel.vmallocNodeRange(5 * pageSize, threadAlign * 2, vmallocStart, vmallocEnd, opts);
    if (ptr === undefined) return -1;
    kernel.vfree(ptr);
    yield;
  }
  return 0;
}

function* randomSizeAlign(env: TestEnv): TestRun {
  const { kernel, params, random } = env;
  const { pageSize, vmallocStart, vmallocEnd } = kernel.profile;
  const opts = { caller: caller("random_size_align_alloc_test"), zero: true };
  const v52 = env.era === "5.2";
  for (let i = 0; i < params.test_loop_count; i++) {
    let alignShift: number;
    let pages: number;
    if (v52) {
      // One 64-bit rnd: align = 1 << (rnd % 23); size = (rnd % 10 + 1) pages. The same rnd, so read once
      // and reduce twice: rnd % 230 determines both residues (230 = lcm(23, 10)).
      const r = random.u64Mod(230);
      alignShift = r % 23;
      pages = (r % 10) + 1;
    } else {
      const rnd = random.u32() & 0xff; // get_random_u8()
      alignShift = rnd % 23;
      pages = (rnd % 10) + 1;
    }
    const ptr = kernel.vmallocNodeRange(pages * pageSize, 2 ** alignShift, vmallocStart, vmallocEnd, opts);
    if (ptr === undefined) return -1;
    kernel.vfree(ptr);
    yield;
  }
  return 0;
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

function* alignShift(env: TestEnv): TestRun {
  const { kernel } = env;
  const { pageSize, vmallocStart, vmallocEnd, bits } = kernel.profile;
  const opts = { caller: caller("align_shift_alloc_test"), zero: true };
  for (let i = 0; i < bits; i++) {
    // align = 1UL << i; above 2^52 it is passed as a bigint (DESIGN.md "Numbers").
    const align: number | bigint = i > 52 ? 1n << BigInt(i) : 2 ** i;
    let ptr: bigint | undefined;
    try {
      ptr = kernel.vmallocNodeRange(pageSize, align, vmallocStart, vmallocEnd, opts);
    } catch (error) {
      // An alignment the model cannot place (beyond exact integers) is the failed allocation it is in the
      // kernel, where ALIGN() wraps.
      if (hasCode(error, "EINVAL")) return -1;
      throw error;
    }
    if (ptr === undefined) return -1;
    kernel.vfree(ptr);
    yield;
  }
  return 0;
}

function kvfreeRcu(name: TestName): TestBody {
  return function* (env: TestEnv): TestRun {
    const { kernel, params } = env;
    const who = caller(name);
    const page = kernel.profile.pageSize;
    const grace = env.rcuGracePeriod;
    // Pending objects in call order: address and the iteration after which the grace period has elapsed.
    const queue: bigint[] = [];
    const due: number[] = [];
    let head = 0;
    let rv = 0;
    for (let i = 0; i < params.test_loop_count; i++) {
      const p = kernel.vmalloc(page, who);
      if (p === undefined) {
        rv = -1;
        break;
      }
      queue.push(p);
      due.push(i + grace);
      while (head < queue.length && due[head]! <= i) kernel.vfree(queue[head++]);
      if (head > 4096 && head * 2 > queue.length) {
        queue.splice(0, head);
        due.splice(0, head);
        head = 0;
      }
      yield;
    }
    while (head < queue.length) kernel.vfree(queue[head++]);
    return rv;
  };
}

function* vmMapRam(env: TestEnv): TestRun {
  const { kernel, params } = env;
  const n = Math.max(params.nr_pages, 1);
  for (let i = 0; i < params.test_loop_count; i++) {
    const v = kernel.vmMapRam(n);
    if (v === undefined) return -1;
    kernel.vmUnmapRam(v, n);
    yield;
  }
  return 0;
}

const BOTH: readonly Era[] = ["5.2", "6.18"];
const LATE: readonly Era[] = ["6.18"];

/** `test_case_array[]` of both eras, in index order. */
export const TEST_CASES: readonly TestCase[] = Object.freeze([
  { index: 0, bit: 1, name: "fix_size_alloc_test", eras: BOTH, xfail: false, available: true, summary: "loop: vmalloc(3 pages) (6.18: max(nr_pages,1)), vfree", run: fixSize },
  {
    index: 1, bit: 2, name: "full_fit_alloc_test", eras: BOTH, xfail: false, available: true,
    summary: "junk_length = fls(cpus)·(32 MiB/PAGE) 1-page pairs, free the junk, loop: vmalloc(1 page), vfree (FL fits)", run: fullFit,
  },
  {
    index: 2, bit: 4, name: "long_busy_list_alloc_test", eras: BOTH, xfail: false, available: true,
    summary: "15000 1-page areas kept, loop: vmalloc(100 pages), vmalloc(1 page), vfree both", run: longBusyList,
  },
  { index: 3, bit: 8, name: "random_size_alloc_test", eras: BOTH, xfail: false, available: true, summary: "loop: vmalloc(1..100 pages), vfree", run: randomSize },
  {
    index: 4, bit: 16, name: "fix_align_alloc_test", eras: BOTH, xfail: false, available: true,
    summary: "loop: __vmalloc_node_range(5 pages, THREAD_ALIGN << 1, VMALLOC_START, VMALLOC_END), vfree (NE fits)", run: fixAlign,
  },
  {
    index: 5, bit: 32, name: "random_size_align_alloc_test", eras: BOTH, xfail: false, available: true,
    summary: "loop: align = 1 << (rnd % 23), size = (rnd % 10 + 1) pages, vfree", run: randomSizeAlign,
  },
  {
    index: 6, bit: 64, name: "align_shift_alloc_test", eras: BOTH, xfail: true, available: true,
    summary: "1 page with align 2^i for i = 0..BITS_PER_LONG-1, stop at the first failure (expected)", run: alignShift,
  },
  {
    index: 7, bit: 128, name: "pcpu_alloc_test", eras: BOTH, xfail: false, available: false,
    unavailableReason: "not available: needs the per-cpu layer (@kva/percpu), which is not built yet",
    summary: "35000 __alloc_percpu(1..PAGE/4 bytes, align 2..2048), then free all",
  },
  {
    index: 8, bit: 256, name: "kvfree_rcu_1_arg_vmalloc_test", eras: LATE, xfail: false, available: true,
    summary: "loop: vmalloc(1 page), kvfree_rcu(p) (freed one modelled grace period later)", run: kvfreeRcu("kvfree_rcu_1_arg_vmalloc_test"),
  },
  {
    index: 9, bit: 512, name: "kvfree_rcu_2_arg_vmalloc_test", eras: LATE, xfail: false, available: true,
    summary: "loop: vmalloc(1 page), kvfree_rcu(p, rcu) (same model as the 1-arg test)", run: kvfreeRcu("kvfree_rcu_2_arg_vmalloc_test"),
  },
  { index: 10, bit: 1024, name: "vm_map_ram_test", eras: LATE, xfail: false, available: true, summary: "loop: vm_map_ram(max(nr_pages,1) pages), vm_unmap_ram", run: vmMapRam },
] satisfies TestCase[]);

/** The era's `test_case_array[]` (index order). */
export function testCasesFor(era: Era): readonly TestCase[] {
  return TEST_CASES.filter((t) => t.eras.includes(era));
}

/** The era's tests whose bit is set in `mask` (index order), available or not. */
export function enabledTests(era: Era, mask: number): readonly TestCase[] {
  return testCasesFor(era).filter((t) => (mask & t.bit) !== 0);
}

/** The test with this name (any era), or undefined. */
export function findTest(name: string): TestCase | undefined {
  return TEST_CASES.find((t) => t.name === name);
}
