import { describe, expect, it } from "vitest";
import { LAZY_MAX_BYTES, LazyPurgeError, fls, lazyMaxPages } from "../src/index.js";

describe("fls()", () => {
  it.each([
    [0, 0],
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [7, 3],
    [8, 4],
    [255, 8],
    [256, 9],
    [2 ** 31 - 1, 31],
    [2 ** 31, 32],
    [2 ** 32, 33],
    [2 ** 52, 53],
    [Number.MAX_SAFE_INTEGER, 53],
  ])("fls(%d) is %d", (n, expected) => {
    expect(fls(n)).toBe(expected);
  });

  it.each([-1, 1.5, NaN, Infinity, 2 ** 53, "4" as unknown as number])("rejects %s with EINVAL", (n) => {
    expect(() => fls(n)).toThrow(expect.objectContaining({ name: "LazyPurgeError", code: "EINVAL" }) as Error);
  });
});

describe("lazyMaxPages()", () => {
  // fls(ncpus) × 32 MiB / page size, computed by hand: 32 MiB is 8192 4K pages, 2048 16K pages, 512 64K pages.
  it.each([
    [1, 4096, 8192],
    [2, 4096, 16384],
    [3, 4096, 16384],
    [4, 4096, 24576],
    [7, 4096, 24576],
    [8, 4096, 32768],
    [16, 4096, 40960],
    [64, 4096, 57344],
    [128, 4096, 65536],
    [1, 16384, 2048],
    [2, 16384, 4096],
    [3, 16384, 4096],
    [4, 16384, 6144],
    [7, 16384, 6144],
    [8, 16384, 8192],
    [16, 16384, 10240],
    [64, 16384, 14336],
    [128, 16384, 16384],
    [1, 65536, 512],
    [2, 65536, 1024],
    [3, 65536, 1024],
    [4, 65536, 1536],
    [7, 65536, 1536],
    [8, 65536, 2048],
    [16, 65536, 2560],
    [64, 65536, 3584],
    [128, 65536, 4096],
  ])("is %d CPUs × %d-byte pages → %d pages", (cpus, pageBytes, pages) => {
    expect(lazyMaxPages(cpus, pageBytes)).toBe(pages);
    expect(lazyMaxPages(cpus, pageBytes) * pageBytes).toBe(fls(cpus) * LAZY_MAX_BYTES);
  });

  it("defaults to 4 KiB pages", () => {
    expect(lazyMaxPages(4)).toBe(24576);
  });

  it.each([
    [0, 4096],
    [-2, 4096],
    [1.5, 4096],
    [NaN, 4096],
    [2 ** 53, 4096],
    [4, 4000],
    [4, 512],
    [4, 2 ** 26],
    [4, 0],
    [4, NaN],
  ])("rejects cpus %s, pageBytes %s with EINVAL", (cpus, pageBytes) => {
    let caught: unknown;
    try {
      lazyMaxPages(cpus, pageBytes);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LazyPurgeError);
    expect((caught as LazyPurgeError).code).toBe("EINVAL");
  });
});
