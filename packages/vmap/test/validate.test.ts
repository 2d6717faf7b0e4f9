import { describe, expect, it } from "vitest";
import { VmapError } from "../src/index.js";
import { describe as describeValue, isAddress, isPowerOfTwo, requireAddress, requireAlign, requireSize, requireWindow } from "../src/validate.js";
import { expectVmapError } from "./helpers.js";

describe("describe() (describeValue here)", () => {
  it.each([
    [-0, "-0"],
    [0, "0"],
    [Number.NaN, "NaN"],
    [-Infinity, "-Infinity"],
    [4n, "4n"],
    ["4", '"4"'],
    [null, "null"],
    [undefined, "undefined"],
    [{}, "object"],
  ])("names %s as %s", (value, want) => {
    expect(describeValue(value)).toBe(want);
  });
});

describe("isAddress()", () => {
  it.each([0, 1, 2 ** 52, Number.MAX_SAFE_INTEGER])("accepts %s", (value) => {
    expect(isAddress(value)).toBe(true);
  });
  it.each([-0, -1, 1.5, Number.NaN, Infinity, 2 ** 53, "1", null, 1n])("rejects %s", (value) => {
    expect(isAddress(value)).toBe(false);
  });
});

describe("isPowerOfTwo()", () => {
  it.each([1, 2, 4096, 2 ** 31, 2 ** 32, 2 ** 52])("accepts %s", (value) => {
    expect(isPowerOfTwo(value)).toBe(true);
  });
  it.each([0, -0, 3, 6, -2, 0.5, 2 ** 52 - 1, 2 ** 52 + 2 ** 51, 2 ** 53, Number.NaN, Infinity, "2", 2n])("rejects %s", (value) => {
    expect(isPowerOfTwo(value)).toBe(false);
  });
});

describe("requireSize()", () => {
  it("returns a positive multiple of the page size", () => {
    expect(requireSize(8192, 4096)).toBe(8192);
    expect(requireSize(Number.MAX_SAFE_INTEGER, 1)).toBe(Number.MAX_SAFE_INTEGER);
  });
  it.each([0, -0, -4096, 1.5, Number.NaN, Infinity, 2 ** 53, "4096", null, undefined, 4096n, 2048, 4097])("throws EINVAL for %s", (size) => {
    expectVmapError(() => requireSize(size, 4096), "EINVAL");
  });
});

describe("requireAlign()", () => {
  it.each([
    [1, 0],
    [2 ** 52, 0],
    [2048, 12],
    [2 ** 63, 12], // the align_shift test's 1UL << 63, in bytes over a page-unit space
    [2 ** 64, 12],
  ])("accepts %s with alignShift %i", (align, shift) => {
    expect(requireAlign(align, shift)).toBe(align);
  });
  it.each([
    [0, 0],
    [-0, 0],
    [3, 0],
    [-4, 0],
    [0.5, 0],
    [2 ** 52 - 1, 0],
    [2 ** 53, 0],
    [2 ** 65, 12],
    [Number.NaN, 0],
    [Infinity, 12],
    ["4", 0],
    [null, 0],
    [4n, 0],
  ])("throws EINVAL for %s with alignShift %i", (align, shift) => {
    expectVmapError(() => requireAlign(align, shift), "EINVAL");
  });
});

describe("requireWindow()", () => {
  it("accepts a non-empty window inside the space", () => {
    expect(() => requireWindow(0, 64, 0, 64)).not.toThrow();
    expect(() => requireWindow(10, 11, 0, 64)).not.toThrow();
  });
  it.each([
    ["empty", 8, 8],
    ["reversed", 9, 8],
    ["below the space", 2, 8],
    ["past the space", 8, 65],
    ["past 2^53", 8, 2 ** 53 + 2],
    ["-0 start", -0, 8],
    ["Infinity end", 8, Infinity],
    ["NaN start", Number.NaN, 8],
    ["string end", 8, "16"],
  ])("throws EINVAL for a window %s", (_what, vstart, vend) => {
    expectVmapError(() => requireWindow(vstart, vend, 4, 64), "EINVAL");
  });
});

describe("requireAddress()", () => {
  it("returns a non-negative safe integer", () => {
    expect(requireAddress(0)).toBe(0);
  });
  it.each([-0, -1, 0.5, Number.NaN, 2 ** 53, "0", undefined])("throws EINVAL for %s", (addr) => {
    const error = expectVmapError(() => requireAddress(addr), "EINVAL");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("VmapError");
  });
});

describe("VmapError", () => {
  it("carries its code and is an Error", () => {
    const error = new VmapError("ENOENT", "no busy area starts at 8");
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("ENOENT");
    expect(error.name).toBe("VmapError");
  });
});
