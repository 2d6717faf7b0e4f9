import { getProfile } from "@kva/arch";
import type { KernelLike, KernelProfileLike, KernelStatsLike, VmallocRangeOptionsLike } from "./kernel-like.js";

/**
 * A cheap fake kernel that records every call the workloads make: for tests of the workloads' shape and
 * for `kva test-vmalloc --dry-run`-style dumps. Addresses come from a bump pointer (never reused), a
 * vmalloc takes its pages plus a guard page, and `vfree` checks that the address is live.
 *
 * Invariants: RK1 every returned address is live until freed once; RK2 `stats().vmallocs` counts
 * successful vmalloc-family calls, `vfrees` frees of live areas.
 */
export type RecordedOp = "vmalloc" | "vmallocNodeRange" | "vfree" | "vmMapRam" | "vmUnmapRam";

export interface RecordedCall {
  readonly op: RecordedOp;
  readonly cpu: number;
  /** Bytes (vmalloc family). */
  readonly size?: number;
  readonly align?: number | bigint;
  readonly start?: bigint;
  readonly end?: bigint;
  /** The address returned (allocations) or passed (frees); undefined = NULL. */
  readonly addr?: bigint | undefined;
  /** Pages (vm_map_ram). */
  readonly count?: number;
  readonly caller?: string | undefined;
}

export interface RecordingKernelOptions {
  /** Default: the `x86_64-4level` profile of @kva/arch. */
  readonly profile?: KernelProfileLike;
  /** Online CPUs. Default 4. */
  readonly cpus?: number;
  /** Keep a list of calls (`calls`). Default true; counts are kept either way. */
  readonly record?: boolean;
  /**
   * Which allocation requests fail (return undefined). Default: an alignment larger than the vmalloc
   * window, which no placement can satisfy (align_shift_alloc_test's expected failure).
   */
  readonly fail?: (call: RecordedCall) => boolean;
}

export class RecordingKernel implements KernelLike {
  readonly profile: KernelProfileLike;
  readonly cpus: number;
  cpu = 0;
  /** Every call in order (when recording). */
  readonly calls: RecordedCall[] = [];
  /** Calls per op. */
  readonly counts: Record<RecordedOp, number> = { vmalloc: 0, vmallocNodeRange: 0, vfree: 0, vmMapRam: 0, vmUnmapRam: 0 };
  /** Most areas live at once. */
  maxLive = 0;
  private readonly record: boolean;
  private readonly fail: (call: RecordedCall) => boolean;
  private readonly page: bigint;
  private next: bigint;
  private readonly live = new Map<bigint, number>();
  private vmallocs = 0;
  private failures = 0;
  private vfrees = 0;

  constructor(options: RecordingKernelOptions = {}) {
    this.profile = options.profile ?? getProfile("x86_64-4level");
    this.cpus = options.cpus ?? 4;
    this.record = options.record ?? true;
    const windowSize = this.profile.vmallocEnd - this.profile.vmallocStart;
    this.fail = options.fail ?? ((call) => call.align !== undefined && BigInt(call.align) > windowSize);
    this.page = BigInt(this.profile.pageSize);
    this.next = this.profile.vmallocStart;
  }

  private allocate(call: RecordedCall, bytes: number, guard: boolean): bigint | undefined {
    this.counts[call.op]++;
    let addr: bigint | undefined;
    if (!this.fail(call)) {
      const pages = BigInt(Math.ceil(bytes / this.profile.pageSize)) + (guard ? 1n : 0n);
      addr = this.next;
      this.next += pages * this.page;
      this.live.set(addr, bytes);
      if (this.live.size > this.maxLive) this.maxLive = this.live.size;
      this.vmallocs++;
    } else {
      this.failures++;
    }
    if (this.record) this.calls.push({ ...call, addr });
    return addr;
  }

  private release(op: RecordedOp, addr: bigint | undefined, count?: number): void {
    this.counts[op]++;
    if (this.record) this.calls.push({ op, cpu: this.cpu, addr, ...(count === undefined ? {} : { count }) });
    if (addr === undefined) return;
    if (!this.live.delete(addr)) throw new Error(`RK1 broken: ${op}(0x${addr.toString(16)}) of an address that is not live`);
    this.vfrees++;
  }

  vmalloc(size: number, caller?: string): bigint | undefined {
    return this.allocate({ op: "vmalloc", cpu: this.cpu, size, align: 1, caller }, size, true);
  }

  vmallocNodeRange(size: number, align: number | bigint, start: bigint | undefined, end: bigint | undefined, options: VmallocRangeOptionsLike = {}): bigint | undefined {
    return this.allocate({ op: "vmallocNodeRange", cpu: this.cpu, size, align, start, end, caller: options.caller }, size, true);
  }

  vfree(addr: bigint | undefined): void {
    this.release("vfree", addr);
  }

  vmMapRam(count: number): bigint | undefined {
    return this.allocate({ op: "vmMapRam", cpu: this.cpu, count }, count * this.profile.pageSize, false);
  }

  vmUnmapRam(addr: bigint, count: number): void {
    this.release("vmUnmapRam", addr, count);
  }

  /** Areas live now. */
  get liveCount(): number {
    return this.live.size;
  }

  stats(): KernelStatsLike {
    return {
      allocator: { fits: { FL: 0, LE: this.vmallocs, RE: 0, NE: 0 }, allocs: this.vmallocs, failures: this.failures },
      lazy: { purges: { threshold: 0, failure: 0, explicit: 0 } },
      vmallocs: this.vmallocs,
      vmallocFailures: this.failures,
      vfrees: this.vfrees,
    };
  }
}
