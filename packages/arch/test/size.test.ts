import { describe, expect, it } from "vitest";
import { formatSize, parseSize } from "../src/index.js";
import { expectArchError } from "./expect-arch-error.js";

const KiB = 1n << 10n;
const MiB = 1n << 20n;
const GiB = 1n << 30n;
const TiB = 1n << 40n;
const PiB = 1n << 50n;
const EiB = 1n << 60n;

describe("formatSize()", () => {
  it.each([
    [0n, "0 B"],
    [1n, "1 B"],
    [1023n, "1023 B"],
    [KiB, "1 KiB"],
    [KiB + 1n, "1.0 KiB"],
    [KiB + KiB / 2n, "1.5 KiB"],
    [120n * MiB, "120 MiB"],
    [32n * TiB, "32 TiB"],
    [32n * TiB - 1n, "32.0 TiB"],
    [12800n * TiB - 1n, "12.5 PiB"],
    [16n * PiB, "16 PiB"],
    [GiB - 1n, "1.0 GiB"],
    [1023n * MiB + MiB / 2n, "1023.5 MiB"],
    [1n << 64n, "16 EiB"],
    [1025n * EiB, "1025 EiB"],
  ] as const)("formats %s as %s", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it("accepts safe-integer numbers", () => {
    expect(formatSize(4096)).toBe("4 KiB");
  });

  it("rounds half up to one decimal", () => {
    expect(formatSize(KiB + 51n)).toBe("1.0 KiB");
    expect(formatSize(KiB + 52n)).toBe("1.1 KiB");
  });

  it("throws ERANGE for a negative size and EINVAL for fractions or NaN", () => {
    expectArchError(() => formatSize(-1n), "ERANGE");
    expectArchError(() => formatSize(1.5), "EINVAL");
    expectArchError(() => formatSize(Number.NaN), "EINVAL");
    expectArchError(() => formatSize("4K" as unknown as number), "EINVAL");
  });
});

describe("parseSize()", () => {
  it.each([
    ["32M", 32n * MiB],
    ["120 MiB", 120n * MiB],
    ["4k", 4n * KiB],
    ["4KB", 4n * KiB],
    ["1G", GiB],
    ["32 TiB", 32n * TiB],
    ["16P", 16n * PiB],
    ["1E", EiB],
    ["4096", 4096n],
    ["4096B", 4096n],
    ["0x1000", 4096n],
    ["0x10M", 16n * MiB],
    [" 8M ", 8n * MiB],
    [4096, 4096n],
    [4096n, 4096n],
  ] as const)("reads %s", (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each([["1.5G"], [""], ["12 XB"], ["-1"], ["M"], ["4 K B"]] as const)("throws EINVAL for %s", (text) => {
    expectArchError(() => parseSize(text), "EINVAL");
  });

  it("throws EINVAL for negative or fractional numbers", () => {
    expectArchError(() => parseSize(-1), "EINVAL");
    expectArchError(() => parseSize(-1n), "EINVAL");
    expectArchError(() => parseSize(1.5), "EINVAL");
  });

  it("round-trips exact sizes through formatSize", () => {
    for (const bytes of [4n * KiB, 120n * MiB, 32n * TiB, 16n * PiB]) {
      expect(parseSize(formatSize(bytes))).toBe(bytes);
    }
  });
});
