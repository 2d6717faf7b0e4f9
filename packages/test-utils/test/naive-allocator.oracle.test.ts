/**
 * Oracle run for the oracle itself: NaiveAllocator against a unit-by-unit bitmap model that shares no
 * code with it. Every answer, the full layout and the full stats are compared after every operation.
 */
import { describe, expect, it } from "vitest";
import type { AllocatorStats, FitType, Range } from "../src/allocator-like.js";
import { NaiveAllocator } from "../src/naive-allocator.js";
import { Prng } from "../src/prng.js";

const FREE = 0;
const BUSY = 1;
const DETACHED = 2;

/** One cell per unit; areas remembered by start. O(space) per operation. */
class BitmapModel {
  readonly cells: Uint8Array;
  readonly areas = new Map<number, { end: number; state: number }>();
  allocs = 0;
  failures = 0;
  frees = 0;
  fits = { FL: 0, LE: 0, RE: 0, NE: 0 };

  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    this.cells = new Uint8Array(end - start);
  }

  isFree(addr: number): boolean {
    return addr >= this.start && addr < this.end && this.cells[addr - this.start] === FREE;
  }

  /** The maximal free run containing `addr`. */
  runAt(addr: number): Range {
    let s = addr;
    let e = addr;
    while (this.isFree(s - 1)) s--;
    while (this.isFree(e)) e++;
    return { start: s, end: e };
  }

  rangeFree(addr: number, size: number): boolean {
    for (let u = addr; u < addr + size; u++) if (!this.isFree(u)) return false;
    return true;
  }

  mark(addr: number, size: number, state: number): void {
    for (let u = addr; u < addr + size; u++) this.cells[u - this.start] = state;
  }

  alloc(size: number, align: number, vstart: number, vend: number): number | undefined {
    for (let addr = vstart; addr + size <= vend; addr++) {
      if (addr % align === 0 && this.rangeFree(addr, size)) {
        const run = this.runAt(addr);
        const left = addr === run.start;
        const right = addr + size === run.end;
        const fit: FitType = left ? (right ? "FL" : "LE") : right ? "RE" : "NE";
        this.fits[fit]++;
        this.allocs++;
        this.claim(addr, size);
        return addr;
      }
    }
    this.failures++;
    return undefined;
  }

  claim(addr: number, size: number): void {
    this.mark(addr, size, BUSY);
    this.areas.set(addr, { end: addr + size, state: BUSY });
  }

  free(addr: number): number {
    const area = this.areas.get(addr)!;
    this.mark(addr, area.end - addr, FREE);
    this.areas.delete(addr);
    this.frees++;
    return area.end - addr;
  }

  detach(addr: number): number {
    const area = this.areas.get(addr)!;
    this.mark(addr, area.end - addr, DETACHED);
    area.state = DETACHED;
    return area.end - addr;
  }

  release(start: number, size: number): void {
    let cursor = start;
    while (cursor < start + size) {
      const area = this.areas.get(cursor)!;
      this.areas.delete(cursor);
      this.mark(cursor, area.end - cursor, FREE);
      this.frees++;
      cursor = area.end;
    }
  }

  runs(state: number): Range[] {
    const out: Range[] = [];
    if (state === FREE) {
      for (let u = this.start; u < this.end; u++) {
        if (this.isFree(u) && !this.isFree(u - 1)) out.push(this.runAt(u));
      }
      return out;
    }
    for (const [s, a] of [...this.areas].sort((x, y) => x[0] - y[0])) if (a.state === state) out.push({ start: s, end: a.end });
    return out;
  }

  stats(): AllocatorStats {
    const sum = (rs: Range[]): number => rs.reduce((t, r) => t + r.end - r.start, 0);
    const busy = this.runs(BUSY);
    const free = this.runs(FREE);
    const detached = this.runs(DETACHED);
    return {
      busyCount: busy.length,
      busySize: sum(busy),
      freeCount: free.length,
      freeSize: sum(free),
      largestFree: Math.max(0, ...free.map((r) => r.end - r.start)),
      detachedCount: detached.length,
      detachedSize: sum(detached),
      allocs: this.allocs,
      failures: this.failures,
      frees: this.frees,
      fits: { ...this.fits },
    };
  }
}

describe("NaiveAllocator against a bitmap model", () => {
  it.each([
    [1, 0, 128],
    [2, 3, 131],
    [3, 17, 273],
    [4, 1000, 1200],
  ])("gives the same answers, layout and stats for seed %d in [%d, %d)", (seed, start, end) => {
    const prng = new Prng(seed);
    const naive = new NaiveAllocator({ start, end });
    const model = new BitmapModel(start, end);
    const live: number[] = [];
    for (let step = 0; step < 4000; step++) {
      const roll = prng.next();
      if (roll < 0.45) {
        const size = prng.int(1, 24);
        const align = 2 ** prng.int(0, 5);
        let vstart = start;
        let vend = end;
        if (prng.bool(0.4)) {
          vstart = prng.int(start, end - 1);
          vend = prng.int(vstart + 1, end);
        }
        const addr = naive.alloc(size, align, vstart, vend);
        expect(addr).toBe(model.alloc(size, align, vstart, vend));
        if (addr !== undefined) live.push(addr);
      } else if (roll < 0.8 && live.length > 0) {
        const addr = live.splice(prng.int(0, live.length - 1), 1)[0]!;
        expect(naive.free(addr)).toBe(model.free(addr));
      } else if (roll < 0.88 && live.length > 0) {
        const addr = live.splice(prng.int(0, live.length - 1), 1)[0]!;
        expect(naive.detach(addr)).toBe(model.detach(addr));
      } else if (roll < 0.95) {
        const detached = model.runs(DETACHED);
        if (detached.length > 0) {
          // Release a maximal chain of adjacent detached areas, or a prefix of it.
          let i = prng.int(0, detached.length - 1);
          const first = detached[i]!;
          let stop = first.end;
          while (detached[i + 1]?.start === stop && prng.bool(0.7)) stop = detached[++i]!.end;
          naive.release(first.start, stop - first.start);
          model.release(first.start, stop - first.start);
        }
      } else {
        const addr = prng.int(start, end - 1);
        const size = prng.int(1, Math.min(16, end - addr));
        const ok = model.rangeFree(addr, size);
        expect(naive.reserve(addr, size)).toBe(ok);
        if (ok) {
          model.claim(addr, size);
          live.push(addr);
        }
      }
      expect(naive.freeAreas()).toEqual(model.runs(FREE));
      expect(naive.busyAreas()).toEqual(model.runs(BUSY));
      expect(naive.detachedAreas()).toEqual(model.runs(DETACHED));
      expect(naive.stats()).toEqual(model.stats());
    }
    naive.check();
    expect(naive.stats().allocs).toBeGreaterThan(500);
  });
});
