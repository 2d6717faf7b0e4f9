import { describe, expect, it } from "vitest";
import { COLOR, FREE, LEFT, NIL, NodePool, PARENT, RED, RIGHT, RbTreeError } from "../src/index.js";

const links = (pool: NodePool, node: number): number[] => {
  const b = node * pool.stride32;
  return [pool.i32[b + PARENT]!, pool.i32[b + LEFT]!, pool.i32[b + RIGHT]!, pool.i32[b + COLOR]!];
};

describe("NodePool", () => {
  describe("constructor", () => {
    it("defaults to 32-byte records and 16 records", () => {
      const pool = new NodePool();
      expect(pool.stats()).toEqual({ recordBytes: 32, capacity: 16, live: 0, reused: 0, fresh: 0, grows: 0, bytes: 512 });
      expect([pool.stride32, pool.stride64]).toEqual([8, 4]);
    });

    it.each([
      ["recordBytes", { recordBytes: 8 }],
      ["recordBytes", { recordBytes: 20 }],
      ["recordBytes", { recordBytes: 16.5 }],
      ["recordBytes", { recordBytes: Number.NaN }],
      ["initialCapacity", { initialCapacity: 1 }],
      ["initialCapacity", { initialCapacity: 2 ** 26 + 1 }],
      ["initialCapacity", { initialCapacity: 2.5 }],
    ])("throws EINVAL on a bad %s", (_what, options) => {
      expect(() => new NodePool(options)).toThrow(RbTreeError);
      expect(() => new NodePool(options)).toThrow(expect.objectContaining({ name: "RbTreeError", code: "EINVAL" }));
    });
  });

  describe("alloc()", () => {
    it("hands out records 1, 2, ... with nil links and colour red; record 0 is nil", () => {
      const pool = new NodePool({ initialCapacity: 4 });
      expect([pool.alloc(), pool.alloc()]).toEqual([1, 2]);
      expect(links(pool, 1)).toEqual([NIL, NIL, NIL, RED]);
      expect(links(pool, NIL)).toEqual([0, 0, 0, 0]);
      expect(pool.stats()).toEqual({ recordBytes: 32, capacity: 4, live: 2, reused: 0, fresh: 2, grows: 0, bytes: 128 });
    });

    it("doubles the buffer when full and keeps every record's data", () => {
      const pool = new NodePool({ recordBytes: 32, initialCapacity: 2 });
      const capacities: number[] = [];
      for (let i = 1; i <= 20; i++) {
        const n = pool.alloc();
        expect(n).toBe(i);
        pool.i32[n * pool.stride32 + 4] = i * 3;
        pool.f64[n * pool.stride64 + 3] = i + 0.5;
        capacities.push(pool.capacity);
      }
      expect([...new Set(capacities)]).toEqual([2, 4, 8, 16, 32]);
      for (let i = 1; i <= 20; i++) {
        expect(pool.i32[i * pool.stride32 + 4]).toBe(i * 3);
        expect(pool.f64[i * pool.stride64 + 3]).toBe(i + 0.5);
      }
      expect(pool.stats()).toEqual({ recordBytes: 32, capacity: 32, live: 20, reused: 0, fresh: 20, grows: 4, bytes: 1024 });
    });

    it("replaces the views when it grows", () => {
      const pool = new NodePool({ initialCapacity: 2 });
      pool.alloc();
      const [i32, f64, buffer] = [pool.i32, pool.f64, pool.buffer];
      pool.alloc();
      expect(pool.buffer).not.toBe(buffer);
      expect(pool.i32).not.toBe(i32);
      expect(pool.f64).not.toBe(f64);
      expect(pool.i32.buffer).toBe(pool.buffer);
    });

    it("reuses released records last-in first-out, resetting their links and keeping the caller's fields", () => {
      const pool = new NodePool({ initialCapacity: 8 });
      const [a, b, c] = [pool.alloc(), pool.alloc(), pool.alloc()];
      pool.f64[b * pool.stride64 + 2] = 99;
      pool.i32[b * pool.stride32 + LEFT] = c;
      pool.release(a);
      pool.release(b);
      expect(pool.stats()).toMatchObject({ live: 1, reused: 0, fresh: 3 });
      expect(pool.alloc()).toBe(b);
      expect(links(pool, b)).toEqual([NIL, NIL, NIL, RED]);
      expect(pool.f64[b * pool.stride64 + 2]).toBe(99);
      expect(pool.alloc()).toBe(a);
      expect(pool.alloc()).toBe(4);
      expect(pool.stats()).toEqual({ recordBytes: 32, capacity: 8, live: 4, reused: 2, fresh: 4, grows: 0, bytes: 256 });
    });
  });

  describe("release()", () => {
    it("marks the record free and threads it on the free list", () => {
      const pool = new NodePool();
      const [a, b] = [pool.alloc(), pool.alloc()];
      pool.release(a);
      pool.release(b);
      expect(links(pool, b)[3]).toBe(FREE);
      expect(links(pool, b)[0]).toBe(a); // the free list runs through the parent word
      expect([pool.isLive(a), pool.isLive(b)]).toEqual([false, false]);
    });

    it("throws ENOENT on a second release and leaves the pool unchanged", () => {
      const pool = new NodePool();
      const a = pool.alloc();
      pool.alloc();
      pool.release(a);
      const before = pool.stats();
      expect(() => pool.release(a)).toThrow(expect.objectContaining({ name: "RbTreeError", code: "ENOENT" }));
      expect(pool.stats()).toEqual(before);
      expect([pool.alloc(), pool.alloc()]).toEqual([a, 3]); // the free list is not corrupted
    });

    it.each([
      ["nil", NIL],
      ["a never-used record", 5],
      ["a record beyond the buffer", 1000],
      ["a negative index", -1],
      ["a fraction", 1.5],
    ])("throws ENOENT on %s", (_what, node) => {
      const pool = new NodePool();
      pool.alloc();
      expect(() => pool.release(node)).toThrow(expect.objectContaining({ code: "ENOENT" }));
    });
  });

  describe("reserve()", () => {
    it("doubles until the requested number of records fits", () => {
      const pool = new NodePool({ initialCapacity: 4 });
      pool.reserve(4);
      expect(pool.capacity).toBe(4);
      pool.reserve(33);
      expect(pool.stats()).toMatchObject({ capacity: 64, grows: 4, live: 0 });
    });
  });
});
