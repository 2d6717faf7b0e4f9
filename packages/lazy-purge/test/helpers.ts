/** Shared test fixtures: the allocators under the lazy layer, and a recording wrapper. */
import { NaiveAllocator } from "@kva/test-utils";
import { type KvaAllocator, type KvaStats, type Range, VmapSpace } from "@kva/vmap";
import { LegacyVmapSpace } from "@kva/vmap-legacy";
import type { LazyEra } from "../src/index.js";

export const ERAS: readonly LazyEra[] = ["5.2", "5.11"];

export type MakeAllocator = (start: number, end: number, pageSize?: number) => KvaAllocator;

/** The allocators the lazy layer runs over: the free-tree allocator, the pre-5.2 one, and the naive model. */
export const ALLOCATORS: readonly (readonly [string, MakeAllocator])[] = [
  ["VmapSpace", (start, end, pageSize = 1) => new VmapSpace({ start, end, pageSize })],
  ["LegacyVmapSpace", (start, end, pageSize = 1) => new LegacyVmapSpace({ start, end, pageSize })],
  ["NaiveAllocator", (start, end, pageSize = 1) => new NaiveAllocator({ start, end, pageSize })],
];

/** era × allocator, for `describe.each`. */
export const MATRIX: readonly (readonly [LazyEra, string, MakeAllocator])[] = ERAS.flatMap((era) =>
  ALLOCATORS.map(([name, make]) => [era, name, make] as const),
);

/** One call the lazy layer made on the allocator underneath. */
export type AllocatorCall =
  | { readonly op: "free"; readonly addr: number }
  | { readonly op: "detach"; readonly addr: number }
  | { readonly op: "release"; readonly start: number; readonly size: number };

/** Forwards everything to `inner` and logs `free`, `detach` and `release` calls in order. */
export class RecordingAllocator implements KvaAllocator {
  readonly calls: AllocatorCall[] = [];
  constructor(readonly inner: KvaAllocator) {}
  get start(): number {
    return this.inner.start;
  }
  get end(): number {
    return this.inner.end;
  }
  get pageSize(): number {
    return this.inner.pageSize;
  }
  alloc(size: number, align?: number, vstart?: number, vend?: number): number | undefined {
    return this.inner.alloc(size, align, vstart, vend);
  }
  free(addr: number): number {
    this.calls.push({ op: "free", addr });
    return this.inner.free(addr);
  }
  reserve(addr: number, size: number): boolean {
    return this.inner.reserve(addr, size);
  }
  find(addr: number): Range | undefined {
    return this.inner.find(addr);
  }
  busyAreas(): Iterable<Range> {
    return this.inner.busyAreas();
  }
  freeAreas(): Iterable<Range> {
    return this.inner.freeAreas();
  }
  stats(): KvaStats {
    return this.inner.stats();
  }
  check(): void {
    this.inner.check();
  }
  detach(addr: number): number {
    this.calls.push({ op: "detach", addr });
    return this.inner.detach(addr);
  }
  release(start: number, size: number): void {
    this.calls.push({ op: "release", start, size });
    this.inner.release(start, size);
  }
}

/** Runs `fn` and returns what it threw (fails the test when it throws nothing). */
export function thrown(fn: () => unknown): Error & { code?: string; invariant?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected a throw");
}
