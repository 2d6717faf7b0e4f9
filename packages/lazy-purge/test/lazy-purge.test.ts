import { NaiveAllocator, assertPartition, assertStatsConsistent, snapshot } from "@kva/test-utils";
import { VmapError, VmapSpace } from "@kva/vmap";
import { LegacyVmapSpace } from "@kva/vmap-legacy";
import { describe, expect, it } from "vitest";
import { type FlushEvent, LazyPurge, LazyPurgeError, LazyPurgeInvariantError, type LazyPurgeOptions, type PurgeEvent } from "../src/index.js";
import { dumpLazy } from "../src/debug.js";
import { MATRIX, type MakeAllocator, RecordingAllocator, thrown } from "./helpers.js";

/** A lazy layer over `make(0, end)` with recorded events. */
function setup(make: MakeAllocator, options: LazyPurgeOptions, end = 64) {
  const flushes: FlushEvent[] = [];
  const purges: PurgeEvent[] = [];
  const warnings: string[] = [];
  const recorder = new RecordingAllocator(make(0, end));
  const lazy = new LazyPurge(recorder, {
    ...options,
    onFlush: (e) => flushes.push(e),
    onPurge: (e) => purges.push(e),
    onWarn: (m) => warnings.push(m),
  });
  return { lazy, recorder, flushes, purges, warnings };
}

/** Fills `[0, count × size)` with areas of `size`; returns their addresses. */
function fill(lazy: LazyPurge, count: number, size: number): number[] {
  return Array.from({ length: count }, (_, i) => {
    const addr = lazy.alloc(size);
    expect(addr).toBe(i * size);
    return addr!;
  });
}

/** The allocator calls that returned space: frees (5.2) or releases (5.11). */
function returns(recorder: RecordingAllocator) {
  return recorder.calls.filter((c) => c.op !== "detach");
}

describe.each(MATRIX)("LazyPurge era %s over %s", (era, _name, make) => {
  describe("free()", () => {
    it("keeps a freed area unusable until a purge, then hands it back", () => {
      const { lazy } = setup(make, { era, lazyMaxPages: 100 });
      const [a] = fill(lazy, 1, 4);
      expect(lazy.free(a!)).toBe(4);
      expect(lazy.find(a!)).toBeUndefined();
      expect([...lazy.busyAreas()]).toEqual([]);
      expect([...lazy.freeAreas()]).toEqual([{ start: 4, end: 64 }]);
      expect(lazy.alloc(4)).toBe(4);
      expect(lazy.stats().lazy).toMatchObject({ pendingAreas: 1, pendingPages: 4 });
      expect(lazy.purge()).toEqual({ areas: 1, ranges: 1, pages: 4, flush: { start: 0, end: 4 } });
      expect(lazy.alloc(4)).toBe(0);
      lazy.check();
    });

    it("purges when the count exceeds lazyMaxPages, not when it reaches it", () => {
      const { lazy, flushes, purges } = setup(make, { era, lazyMaxPages: 8 });
      const [a, b, c] = fill(lazy, 3, 4);
      lazy.free(a!);
      lazy.free(b!);
      expect(lazy.stats().lazy).toMatchObject({ pendingAreas: 2, pendingPages: 8, purges: { threshold: 0, failure: 0, explicit: 0 } });
      expect(flushes).toEqual([]);
      lazy.free(c!);
      expect(flushes).toEqual([{ trigger: "threshold", start: 0, end: 12, areas: 3, pages: 12 }]);
      expect(purges).toEqual([{ trigger: "threshold", areas: 3, ranges: era === "5.2" ? 3 : 1, pages: 12, flush: { start: 0, end: 12 } }]);
      expect(lazy.stats().lazy).toEqual({
        era,
        lazyMaxPages: 8,
        pendingAreas: 0,
        pendingPages: 0,
        pendingRanges: 0,
        nonLazy: false,
        lazyFrees: 3,
        purges: { threshold: 1, failure: 0, explicit: 0 },
        flushes: { count: 1, totalSpan: 12, largestSpan: 12 },
        batches: { count: 1, totalAreas: 3, largestAreas: 3, totalPages: 12, totalRanges: era === "5.2" ? 3 : 1 },
        retries: 0,
        notifierCalls: 0,
        notifierFreed: 0,
        warnings: 0,
      });
      expect([...lazy.freeAreas()]).toEqual([{ start: 0, end: 64 }]);
      lazy.check();
    });

    it("throws ENOENT on a double free and changes nothing", () => {
      const { lazy } = setup(make, { era, lazyMaxPages: 100 });
      const [a] = fill(lazy, 2, 4);
      lazy.free(a!);
      const before = { ...snapshot(lazy), queue: lazy.lazyAreas() };
      const error = thrown(() => lazy.free(a!));
      expect(error).toBeInstanceOf(LazyPurgeError);
      expect(error.code).toBe("ENOENT");
      expect({ ...snapshot(lazy), queue: lazy.lazyAreas() }).toEqual(before);
      lazy.check();
    });

    it.each([
      ["a wild address", 40, "ENOENT"],
      ["the middle of an area", 2, "ENOENT"],
      ["a negative address", -4, "EINVAL"],
      ["a fraction", 1.5, "EINVAL"],
      ["NaN", NaN, "EINVAL"],
      ["a string", "4" as unknown as number, "EINVAL"],
    ])("throws on %s and changes nothing", (_what, addr, code) => {
      const { lazy } = setup(make, { era, lazyMaxPages: 100 });
      fill(lazy, 2, 4);
      lazy.free(4);
      const before = snapshot(lazy);
      const error = thrown(() => lazy.free(addr));
      expect(error).toBeInstanceOf(LazyPurgeError);
      expect(error.code).toBe(code);
      expect(snapshot(lazy)).toEqual(before);
    });

    it("shows the lazily freed space as neither busy nor free in the stats", () => {
      const { lazy } = setup(make, { era, lazyMaxPages: 100 });
      fill(lazy, 3, 4);
      lazy.free(4);
      expect(lazy.stats()).toMatchObject({ busyCount: 2, busySize: 8, detachedCount: 1, detachedSize: 4, freeSize: 52 });
      assertPartition(lazy);
      assertStatsConsistent(lazy);
      expect(lazy.reserve(4, 4)).toBe(false);
    });

    it("frees byte-unit areas and counts pages (pageSize 4096)", () => {
      const lazy = new LazyPurge(make(0, 64 * 4096, 4096), { era, lazyMaxPages: 8 });
      const a = lazy.alloc(4 * 4096)!;
      const b = lazy.alloc(6 * 4096)!;
      expect(lazy.free(a)).toBe(4 * 4096);
      expect(lazy.stats().lazy.pendingPages).toBe(4);
      lazy.free(b);
      expect(lazy.stats().lazy).toMatchObject({ pendingPages: 0, batches: { totalPages: 10 }, flushes: { totalSpan: 10 * 4096 } });
      lazy.check();
    });
  });

  describe("purge()", () => {
    it("flushes one range over a batch, gaps included, and returns areas in the era's order", () => {
      const { lazy, recorder, flushes } = setup(make, { era, lazyMaxPages: 100 });
      const [a, b, c, d] = fill(lazy, 5, 4);
      lazy.free(b!);
      lazy.free(a!);
      lazy.free(d!);
      expect(lazy.lazyAreas()).toEqual(
        era === "5.2"
          ? [{ start: 12, end: 16 }, { start: 0, end: 4 }, { start: 4, end: 8 }]
          : [{ start: 0, end: 8 }, { start: 12, end: 16 }],
      );
      expect(lazy.stats().lazy.pendingRanges).toBe(era === "5.2" ? 3 : 2);
      expect(lazy.purge()).toEqual({ areas: 3, ranges: era === "5.2" ? 3 : 2, pages: 12, flush: { start: 0, end: 16 } });
      expect(flushes).toEqual([{ trigger: "explicit", start: 0, end: 16, areas: 3, pages: 12 }]);
      expect(returns(recorder)).toEqual(
        era === "5.2"
          ? [{ op: "free", addr: 12 }, { op: "free", addr: 0 }, { op: "free", addr: 4 }]
          : [{ op: "release", start: 0, size: 8 }, { op: "release", start: 12, size: 4 }],
      );
      expect(lazy.find(c!)).toEqual({ start: 8, end: 12 });
      expect([...lazy.freeAreas()]).toEqual([{ start: 0, end: 8 }, { start: 12, end: 16 }, { start: 20, end: 64 }]);
      expect(lazy.stats().lazy.flushes).toEqual({ count: 1, totalSpan: 16, largestSpan: 16 });
      lazy.check();
    });

    it("coalesces adjacent lazy frees into one range in era 5.11 only", () => {
      const { lazy, recorder } = setup(make, { era, lazyMaxPages: 100 });
      fill(lazy, 4, 4);
      for (const addr of [8, 0, 4, 12]) lazy.free(addr);
      lazy.purge();
      expect(returns(recorder)).toEqual(
        era === "5.2"
          ? [12, 4, 0, 8].map((addr) => ({ op: "free", addr }))
          : [{ op: "release", start: 0, size: 16 }],
      );
      expect(lazy.stats().lazy.batches).toMatchObject({ count: 1, totalAreas: 4, largestAreas: 4, totalRanges: era === "5.2" ? 4 : 1 });
    });

    it("widens the flush to an explicit range", () => {
      const { lazy, flushes } = setup(make, { era, lazyMaxPages: 100 });
      fill(lazy, 2, 4);
      lazy.free(4);
      expect(lazy.purge({ start: 40, end: 48 })).toEqual({ areas: 1, ranges: 1, pages: 4, flush: { start: 4, end: 48 } });
      expect(flushes).toEqual([{ trigger: "explicit", start: 4, end: 48, areas: 1, pages: 4 }]);
    });

    it("flushes an explicit range even with nothing queued, and does nothing without one", () => {
      const { lazy, flushes, purges } = setup(make, { era, lazyMaxPages: 100 });
      expect(lazy.purge()).toEqual({ areas: 0, ranges: 0, pages: 0, flush: undefined });
      expect(flushes).toEqual([]);
      expect(lazy.purge({ start: 10, end: 12 })).toEqual({ areas: 0, ranges: 0, pages: 0, flush: { start: 10, end: 12 } });
      expect(flushes).toEqual([{ trigger: "explicit", start: 10, end: 12, areas: 0, pages: 0 }]);
      expect(purges).toEqual([]);
      expect(lazy.stats().lazy).toMatchObject({ purges: { explicit: 0 }, flushes: { count: 1, totalSpan: 2 }, batches: { count: 0 } });
    });

    it.each([
      [{ start: 5, end: 5 }],
      [{ start: 6, end: 5 }],
      [{ start: -1, end: 5 }],
      [{ start: 0, end: 1.5 }],
      [null],
      [{ start: "0", end: 4 }],
    ])("rejects the range %j with EINVAL and changes nothing", (range) => {
      const { lazy } = setup(make, { era, lazyMaxPages: 100 });
      fill(lazy, 1, 4);
      lazy.free(0);
      const error = thrown(() => lazy.purge(range as never));
      expect(error).toBeInstanceOf(LazyPurgeError);
      expect(error.code).toBe("EINVAL");
      expect(lazy.stats().lazy.pendingAreas).toBe(1);
    });
  });

  describe("alloc()", () => {
    it("purges on failure, then succeeds", () => {
      const { lazy, flushes } = setup(make, { era, lazyMaxPages: 100 }, 16);
      fill(lazy, 4, 4);
      lazy.free(8);
      lazy.free(4);
      expect(lazy.alloc(8)).toBe(4);
      expect(flushes).toEqual([{ trigger: "failure", start: 4, end: 12, areas: 2, pages: 8 }]);
      expect(lazy.stats().lazy).toMatchObject({ purges: { threshold: 0, failure: 1, explicit: 0 }, retries: 1, notifierCalls: 0, warnings: 0 });
      lazy.check();
    });

    it("retries after a notifier frees something", () => {
      const { lazy, warnings } = setup(make, { era, lazyMaxPages: 100 }, 16);
      fill(lazy, 4, 4);
      let calls = 0;
      lazy.addPurgeNotifier(() => {
        calls++;
        lazy.free(12);
        return 1;
      });
      expect(lazy.alloc(4)).toBe(12);
      expect(calls).toBe(1);
      // purge (nothing queued) → retry → notifier frees 12 lazily → retry → purge returns it → retry.
      expect(lazy.stats().lazy).toMatchObject({ purges: { failure: 1 }, retries: 3, notifierCalls: 1, notifierFreed: 1, warnings: 0 });
      expect(warnings).toEqual([]);
      lazy.check();
    });

    it("warns and returns undefined when the notifiers free nothing", () => {
      const { lazy, warnings } = setup(make, { era, lazyMaxPages: 100 }, 16);
      fill(lazy, 4, 4);
      const remove = lazy.addPurgeNotifier(() => 0);
      lazy.addPurgeNotifier(() => NaN);
      expect(lazy.alloc(4, 1, 4, 12)).toBeUndefined();
      expect(warnings).toEqual([
        era === "5.2"
          ? "vmap allocation for size 16384 failed: use vmalloc=<size> to increase size"
          : "vmalloc_node_range for size 16384 failed: Address range restricted to 0x4000 - 0xc000",
      ]);
      expect(lazy.stats().lazy).toMatchObject({ purges: { failure: 0 }, retries: 1, notifierCalls: 1, notifierFreed: 0, warnings: 1 });
      remove();
      remove();
      expect(lazy.alloc(4)).toBeUndefined();
      expect(lazy.stats().lazy).toMatchObject({ notifierCalls: 2, warnings: 2 });
    });

    it("stops a notifier that always claims progress after maxNotifierRounds", () => {
      const { lazy, warnings } = setup(make, { era, lazyMaxPages: 100, maxNotifierRounds: 3 }, 16);
      fill(lazy, 4, 4);
      lazy.addPurgeNotifier(() => 1);
      expect(lazy.alloc(4)).toBeUndefined();
      expect(lazy.stats().lazy).toMatchObject({ notifierCalls: 3, notifierFreed: 3, warnings: 1 });
      expect(warnings).toHaveLength(1);
    });

    it("lets the allocator's argument errors through before purging anything", () => {
      const { lazy } = setup(make, { era, lazyMaxPages: 100 });
      fill(lazy, 1, 4);
      lazy.free(0);
      for (const bad of [() => lazy.alloc(0), () => lazy.alloc(4, 3), () => lazy.alloc(4, 1, 8, 4), () => lazy.alloc(4, 1, 0, 65)]) {
        const error = thrown(bad);
        expect(error).not.toBeInstanceOf(LazyPurgeError);
        expect(error.code).toBe("EINVAL");
      }
      expect(lazy.stats().lazy).toMatchObject({ pendingAreas: 1, purges: { failure: 0 } });
    });
  });

  describe("setNonLazy()", () => {
    it("makes the next free purge, then the count is the real one again", () => {
      const { lazy, flushes } = setup(make, { era, lazyMaxPages: 100 });
      fill(lazy, 4, 4);
      lazy.free(0);
      lazy.setNonLazy();
      expect(lazy.stats().lazy).toMatchObject({ nonLazy: true, pendingPages: 4 });
      lazy.free(8);
      expect(flushes).toEqual([{ trigger: "threshold", start: 0, end: 12, areas: 2, pages: 8 }]);
      expect(lazy.stats().lazy).toMatchObject({ nonLazy: false, pendingPages: 0, purges: { threshold: 1 } });
      lazy.free(4);
      expect(lazy.stats().lazy).toMatchObject({ pendingPages: 4, purges: { threshold: 1 } });
      lazy.check();
    });

    it("stays armed through a purge that found nothing", () => {
      const { lazy } = setup(make, { era, lazyMaxPages: 100 });
      fill(lazy, 1, 4);
      lazy.setNonLazy();
      lazy.purge();
      lazy.free(0);
      expect(lazy.stats().lazy).toMatchObject({ pendingPages: 0, purges: { threshold: 1, explicit: 0 } });
    });
  });

  describe("callbacks", () => {
    it("runs beforePurge on failure and explicit purges only, and lazily freed areas from it join the batch", () => {
      const ref: { lazy?: LazyPurge } = {};
      const triggers: string[] = [];
      const lazy = new LazyPurge(make(0, 64), {
        era,
        lazyMaxPages: 8,
        beforePurge: (trigger) => {
          triggers.push(trigger);
          // Like the kernel retiring a fragmented vmap block: its area joins this purge.
          if (ref.lazy!.find(20) !== undefined) ref.lazy!.free(20);
        },
      });
      ref.lazy = lazy;
      fill(lazy, 6, 4);
      lazy.free(0);
      lazy.free(4);
      lazy.free(8); // 12 pages > 8: a threshold purge, no hook
      expect(triggers).toEqual([]);
      expect(lazy.purge()).toMatchObject({ areas: 1, pages: 4 });
      expect(triggers).toEqual(["explicit"]);
      expect(lazy.lazyAreas()).toEqual([]);
      lazy.check();
      expect(lazy.alloc(64)).toBeUndefined();
      expect(triggers).toEqual(["explicit", "failure"]);
      lazy.check();
    });

    it("flushes before the areas go back, and queues frees made from a callback for the next purge", () => {
      const ref: { lazy?: LazyPurge } = {};
      const seen: string[] = [];
      const lazy = new LazyPurge(make(0, 64), {
        era,
        lazyMaxPages: 4,
        onFlush: (e) => {
          seen.push(`flush ${e.start}-${e.end}, free blocks ${[...ref.lazy!.freeAreas()].length}`);
          if (e.start === 0) ref.lazy!.free(16);
        },
        onPurge: (e) => seen.push(`purge ${e.areas}`),
      });
      ref.lazy = lazy;
      fill(lazy, 5, 4);
      lazy.free(0);
      lazy.free(4);
      expect(seen).toEqual(["flush 0-8, free blocks 1", "purge 2"]);
      expect(lazy.lazyAreas()).toEqual([{ start: 16, end: 20 }]);
      lazy.check();
      expect(lazy.free(12)).toBe(4);
      expect(seen.at(-1)).toBe("purge 2");
      lazy.check();
    });

    it("refuses a second free of an in-flight area, and lets onPurge reuse the returned space", () => {
      const ref: { lazy?: LazyPurge } = {};
      const codes: (string | undefined)[] = [];
      const lazy = new LazyPurge(make(0, 64), {
        era,
        lazyMaxPages: 100,
        onFlush: (e) => {
          if (e.areas > 0) codes.push(thrown(() => ref.lazy!.free(0)).code);
        },
        onPurge: (e) => {
          if (e.trigger !== "explicit") return;
          const addr = ref.lazy!.alloc(4);
          expect(addr).toBe(0);
          ref.lazy!.free(addr!);
        },
      });
      ref.lazy = lazy;
      fill(lazy, 2, 4);
      lazy.free(0);
      lazy.purge();
      expect(codes).toEqual(["ENOENT"]);
      expect(lazy.lazyAreas()).toEqual([{ start: 0, end: 4 }]);
      lazy.check();
    });

    it("returns the batch even when onFlush throws", () => {
      const lazy = new LazyPurge(make(0, 64), {
        era,
        lazyMaxPages: 100,
        onFlush: () => {
          throw new Error("boom");
        },
      });
      fill(lazy, 2, 4);
      lazy.free(0);
      expect(() => lazy.purge()).toThrow("boom");
      expect([...lazy.freeAreas()]).toEqual([{ start: 0, end: 4 }, { start: 8, end: 64 }]);
      lazy.check();
    });
  });

  describe("check()", () => {
    it("names Z4 when a queued area is returned behind the layer's back", () => {
      const { lazy } = setup(make, { era, lazyMaxPages: 100 });
      fill(lazy, 2, 4);
      lazy.free(4);
      if (era === "5.2") lazy.allocator.free(4);
      else lazy.allocator.release(4, 4);
      const error = thrown(() => lazy.check());
      expect(error).toBeInstanceOf(LazyPurgeInvariantError);
      expect(error.invariant).toBe("Z4");
    });

    it.each([
      ["lazyUnits", 5, "Z1", "Z1"],
      ["pendingAreas", 7, "Z1", "Z5"],
      ["lazyFrees", 9, "Z5", "Z5"],
    ])("names the invariant when %s is corrupted", (field, value, id52, id511) => {
      const { lazy } = setup(make, { era, lazyMaxPages: 100 });
      fill(lazy, 2, 4);
      lazy.free(4);
      lazy.check();
      Reflect.set(lazy, field, value);
      const error = thrown(() => lazy.check());
      expect(error).toBeInstanceOf(LazyPurgeInvariantError);
      expect(error.invariant).toBe(era === "5.2" ? id52 : id511);
    });
  });

  describe("detach() and release()", () => {
    it("delegate for areas outside the lazy queue and refuse queued ones", () => {
      const { lazy } = setup(make, { era, lazyMaxPages: 100 });
      fill(lazy, 3, 4);
      lazy.free(0);
      expect(thrown(() => lazy.detach(0)).code).toBe("ENOENT");
      expect(lazy.detach(4)).toBe(4);
      expect(thrown(() => lazy.release(0, 4)).code).toBe("ENOENT");
      lazy.release(4, 4);
      expect(lazy.stats()).toMatchObject({ busyCount: 1, detachedCount: 1, detachedSize: 4 });
      lazy.check();
    });
  });
});

describe("LazyPurge", () => {
  describe("constructor", () => {
    const space = () => new VmapSpace({ start: 0, end: 64 });
    it("computes lazyMaxPages from cpus and pageBytes, or takes the override", () => {
      expect(new LazyPurge(space()).lazyMaxPages).toBe(8192);
      expect(new LazyPurge(space(), { cpus: 4 }).lazyMaxPages).toBe(24576);
      expect(new LazyPurge(space(), { cpus: 128, pageBytes: 65536 }).lazyMaxPages).toBe(4096);
      expect(new LazyPurge(space(), { cpus: 4, lazyMaxPages: 0 }).lazyMaxPages).toBe(0);
      expect(new LazyPurge(space()).era).toBe("5.2");
      expect(new LazyPurge(new VmapSpace({ start: 0, end: 4096 * 4, pageSize: 4096 })).unitBytes).toBe(1);
    });

    it.each<[string, LazyPurgeOptions]>([
      ["era", { era: "6.18" as never }],
      ["cpus", { cpus: 0 }],
      ["cpus (fraction)", { cpus: 2.5 }],
      ["pageBytes", { pageBytes: 3000 }],
      ["pageSize", { pageSize: 4096 }],
      ["pageSize (not a power of two)", { pageSize: 3 }],
      ["lazyMaxPages", { lazyMaxPages: -1 }],
      ["lazyMaxPages (NaN)", { lazyMaxPages: NaN }],
      ["unitBytes", { unitBytes: 0 }],
      ["maxNotifierRounds", { maxNotifierRounds: 1.5 }],
      ["onFlush", { onFlush: 5 as never }],
    ])("rejects a bad %s with EINVAL", (_what, options) => {
      const error = thrown(() => new LazyPurge(space(), options));
      expect(error).toBeInstanceOf(LazyPurgeError);
      expect(error.code).toBe("EINVAL");
    });

    it("rejects an allocator without detach/release, and options that are not an object", () => {
      const noDetach = Object.assign(space(), { detach: undefined });
      expect(thrown(() => new LazyPurge(noDetach)).code).toBe("EINVAL");
      expect(thrown(() => Reflect.construct(LazyPurge, [null])).code).toBe("EINVAL");
      expect(thrown(() => new LazyPurge(space(), null as never)).code).toBe("EINVAL");
      expect(thrown(() => new LazyPurge(space()).addPurgeNotifier(5 as never)).code).toBe("EINVAL");
    });

    it("needs unitBytes when a unit is smaller than a byte", () => {
      const big = () => new NaiveAllocator({ start: 0, end: 1 << 20, pageSize: 65536 });
      expect(thrown(() => new LazyPurge(big(), { pageBytes: 4096 })).code).toBe("EINVAL");
      expect(new LazyPurge(big(), { pageBytes: 4096, unitBytes: 1 }).unitBytes).toBe(1);
    });
  });

  it("keeps the allocator's own stats fields and its raw view", () => {
    const lazy = new LazyPurge(new VmapSpace({ start: 0, end: 64 }), { lazyMaxPages: 100 });
    lazy.alloc(4);
    lazy.free(0);
    expect(lazy.stats().nodes.live).toBe(lazy.allocator.stats().nodes.live);
    expect(lazy.allocator.stats().busyCount).toBe(1);
    expect(lazy.stats().busyCount).toBe(0);
    expect(new LazyPurge(new LegacyVmapSpace({ start: 0, end: 64 })).stats().passes).toBe(0);
  });

  it("prints its queue with dumpLazy()", () => {
    const lazy = new LazyPurge(new VmapSpace({ start: 0, end: 64 }), { era: "5.11", lazyMaxPages: 100 });
    lazy.alloc(4);
    lazy.alloc(4);
    lazy.free(0);
    lazy.free(4);
    expect(dumpLazy(lazy).split("\n")).toEqual([
      "era 5.11: 2 areas / 8 pages pending of 100; purges threshold 0, failure 0, explicit 0",
      "lazy [0, 8) 8",
    ]);
  });

  it("propagates VmapError from VmapSpace unchanged", () => {
    const lazy = new LazyPurge(new VmapSpace({ start: 0, end: 64 }));
    expect(thrown(() => lazy.alloc(-1))).toBeInstanceOf(VmapError);
  });

  it("prints warning addresses in bytes from page units (unitBytes = pageBytes / pageSize)", () => {
    const warnings: string[] = [];
    const start = 2 ** 40;
    const lazy = new LazyPurge(new VmapSpace({ start, end: start + 4 }), { era: "5.11", pageBytes: 16384, onWarn: (m) => warnings.push(m) });
    expect(lazy.alloc(8)).toBeUndefined();
    expect(warnings).toEqual([
      `vmalloc_node_range for size 131072 failed: Address range restricted to 0x${(BigInt(start) * 16384n).toString(16)} - 0x${(BigInt(start + 4) * 16384n).toString(16)}`,
    ]);
  });
});
