import { describe, expect, it } from "vitest";
import { formatAddress, parseAddress } from "../src/index.js";
import { expectArchError } from "./expect-arch-error.js";

describe("formatAddress()", () => {
  it.each([
    [0xffffc90000000000n, 64, "0xffffc90000000000"],
    [0n, 64, "0x0000000000000000"],
    [(1n << 64n) - 1n, 64, "0xffffffffffffffff"],
    [0x1000n, 64, "0x0000000000001000"],
    [0xf7ffe000n, 32, "0xf7ffe000"],
    [0n, 32, "0x00000000"],
    [0xffffffffn, 32, "0xffffffff"],
  ] as const)("formats %s on %i-bit as %s", (value, bits, text) => {
    expect(formatAddress(value, bits)).toBe(text);
  });

  it("defaults to 64 bits", () => {
    expect(formatAddress(0xff800000n)).toBe("0x00000000ff800000");
  });

  it("throws ERANGE for values that do not fit", () => {
    expectArchError(() => formatAddress(1n << 64n), "ERANGE");
    expectArchError(() => formatAddress(1n << 32n, 32), "ERANGE");
    expectArchError(() => formatAddress(-1n), "ERANGE");
  });

  it("throws EINVAL for a non-bigint or an unsupported width", () => {
    expectArchError(() => formatAddress(4096 as unknown as bigint), "EINVAL");
    expectArchError(() => formatAddress(0n, 48 as 64), "EINVAL");
  });
});

describe("parseAddress()", () => {
  it.each([
    ["0xffffc90000000000", 0xffffc90000000000n],
    ["0XFFFFC90000000000", 0xffffc90000000000n],
    [" 0x1000 ", 0x1000n],
    ["4096", 4096n],
    ["18446744073709551615", (1n << 64n) - 1n],
    [4096, 4096n],
    [0, 0n],
    [0xffffffffffffffffn, 0xffffffffffffffffn],
  ] as const)("reads %s", (input, value) => {
    expect(parseAddress(input)).toBe(value);
  });

  it.each([
    [""],
    ["0x"],
    ["-1"],
    ["1.5"],
    ["0xg"],
    ["ffff"],
    [-1],
    [1.5],
    [2 ** 53],
    [Number.NaN],
    [-1n],
    [null],
    [undefined],
    [{}],
  ] as const)("throws EINVAL for %s", (input) => {
    expectArchError(() => parseAddress(input), "EINVAL");
  });
});
