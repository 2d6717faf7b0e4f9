import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addressLimit,
  getProfile,
  isVmallocAddress,
  listProfiles,
  modulesRangePages,
  pageLimit,
  toBytes,
  toPages,
  vmallocRangePages,
  vmallocSize,
} from "../src/index.js";
import { expectArchError } from "./expect-arch-error.js";

const X86 = getProfile("x86_64-4level");
const I386 = getProfile("i386-3g");
const ARM64_64K = getProfile("arm64-64k-48");
const TOP = 1n << 64n;

describe("toPages() / toBytes()", () => {
  describe("round trips at the extremes", () => {
    it.each(listProfiles().map((p) => [p.id, p] as const))("%s converts 0, 2^bits − page and 2^bits both ways", (_id, p) => {
      const page = BigInt(p.pageSize);
      const limit = addressLimit(p);
      for (const bytes of [0n, page, limit - page, limit]) {
        const pages = toPages(p, bytes);
        expect(Number.isSafeInteger(pages)).toBe(true);
        expect(toBytes(p, pages)).toBe(bytes);
      }
      expect(toPages(p, limit - page)).toBe(pageLimit(p) - 1);
      expect(toPages(p, limit)).toBe(pageLimit(p));
    });

    it.each(listProfiles().map((p) => [p.id, p] as const))("%s converts the ends of its ranges both ways", (_id, p) => {
      const page = BigInt(p.pageSize);
      for (const range of [vmallocRangePages(p), modulesRangePages(p)]) {
        for (const pages of [range.start, range.end, range.end - 1]) {
          expect(toPages(p, toBytes(p, pages))).toBe(pages);
        }
      }
      expect(toBytes(p, vmallocRangePages(p).start)).toBe(p.vmallocStart);
      expect(toBytes(p, vmallocRangePages(p).end)).toBe(p.vmallocEnd - (p.vmallocEnd % page));
    });

    it("maps 2^64 − 4 KiB to page 2^52 − 1 on x86-64 and 2^64 − 64 KiB to 2^48 − 1 with 64K pages", () => {
      expect(toPages(X86, TOP - 4096n)).toBe(2 ** 52 - 1);
      expect(toBytes(X86, 2 ** 52 - 1)).toBe(TOP - 4096n);
      expect(toPages(ARM64_64K, TOP - 65536n)).toBe(2 ** 48 - 1);
      expect(toBytes(ARM64_64K, 2 ** 48 - 1)).toBe(TOP - 65536n);
    });

    it("round-trips every page number of the 64-bit space (property)", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 52 }), (pages) => toPages(X86, toBytes(X86, pages)) === pages),
      );
    });

    it("keeps alignment absolute: a 2^k-aligned address has a 2^(k−12)-aligned page number", () => {
      fc.assert(
        fc.property(fc.integer({ min: 12, max: 40 }), fc.integer({ min: 0, max: 2 ** 20 }), (k, n) => {
          const bytes = BigInt(n) << BigInt(k);
          return toPages(X86, bytes) % 2 ** (k - 12) === 0;
        }),
      );
    });
  });

  describe("rounding", () => {
    it("rounds down and up on request", () => {
      expect(toPages(X86, 4097n, { round: "down" })).toBe(1);
      expect(toPages(X86, 4097n, { round: "up" })).toBe(2);
      expect(toPages(X86, 4096n, { round: "up" })).toBe(1);
      expect(toPages(X86, TOP - 1n, { round: "up" })).toBe(2 ** 52);
      expect(toPages(X86, X86.vmallocEnd, { round: "down" })).toBe(vmallocRangePages(X86).end);
    });

    it("throws EINVAL for an unaligned value in exact mode (the default)", () => {
      expectArchError(() => toPages(X86, 4097n), "EINVAL");
      expectArchError(() => toPages(X86, X86.vmallocEnd), "EINVAL");
      expectArchError(() => toPages(X86, 1n, { round: "exact" }), "EINVAL");
    });

    it("throws EINVAL for an unknown rounding mode", () => {
      expectArchError(() => toPages(X86, 0n, { round: "nearest" as "up" }), "EINVAL");
    });
  });

  describe("errors", () => {
    it("throws ERANGE outside [0, 2^bits]", () => {
      expectArchError(() => toPages(X86, -4096n), "ERANGE");
      expectArchError(() => toPages(X86, TOP + 4096n), "ERANGE");
      expectArchError(() => toPages(I386, (1n << 32n) + 4096n), "ERANGE");
      expectArchError(() => toBytes(X86, -1), "ERANGE");
      expectArchError(() => toBytes(X86, 2 ** 52 + 1), "ERANGE");
      expectArchError(() => toBytes(I386, 2 ** 20 + 1), "ERANGE");
    });

    it("throws EINVAL for non-bigint bytes and non-integer pages", () => {
      expectArchError(() => toPages(X86, 4096 as unknown as bigint), "EINVAL");
      expectArchError(() => toBytes(X86, 1.5), "EINVAL");
      expectArchError(() => toBytes(X86, Number.NaN), "EINVAL");
      expectArchError(() => toBytes(X86, "1" as unknown as number), "EINVAL");
    });
  });
});

describe("vmallocRangePages()", () => {
  it("drops the last page below x86-64's VMALLOC_END, which is one byte short of a page boundary", () => {
    const w = vmallocRangePages(X86);
    expect(w.start).toBe(Number(0xffffc90000000000n / 4096n));
    expect(toBytes(X86, w.end)).toBe(0xffffe8fffffff000n);
    expect(w.end - w.start).toBe(2 ** 33 - 1);
  });

  it("keeps a page-aligned VMALLOC_END whole", () => {
    const p = getProfile("riscv64-sv39");
    const w = vmallocRangePages(p);
    expect(toBytes(p, w.end)).toBe(p.vmallocEnd);
    expect(w.end - w.start).toBe(2 ** 24);
  });

  it("returns i386's 120 MiB as 30720 pages", () => {
    const w = vmallocRangePages(I386);
    expect(w.end - w.start).toBe(30720);
  });

  it("returns a frozen range", () => {
    expect(Object.isFrozen(vmallocRangePages(X86))).toBe(true);
    expect(Object.isFrozen(modulesRangePages(X86))).toBe(true);
  });
});

describe("modulesRangePages()", () => {
  it("returns x86-64's 1008 MiB of modules as pages", () => {
    const m = modulesRangePages(X86);
    expect(m.end - m.start).toBe(1008 * 256);
  });
});

describe("vmallocSize() / isVmallocAddress()", () => {
  it("is VMALLOC_END − VMALLOC_START", () => {
    expect(vmallocSize(X86)).toBe((32n << 40n) - 1n);
  });

  it("tests VMALLOC_START ≤ addr < VMALLOC_END", () => {
    expect(isVmallocAddress(X86, X86.vmallocStart)).toBe(true);
    expect(isVmallocAddress(X86, X86.vmallocStart - 1n)).toBe(false);
    expect(isVmallocAddress(X86, X86.vmallocEnd - 1n)).toBe(true);
    expect(isVmallocAddress(X86, X86.vmallocEnd)).toBe(false);
  });
});

describe("addressLimit() / pageLimit()", () => {
  it("is 2^bits bytes and 2^(bits − pageShift) pages", () => {
    expect(addressLimit(X86)).toBe(TOP);
    expect(pageLimit(X86)).toBe(2 ** 52);
    expect(addressLimit(I386)).toBe(1n << 32n);
    expect(pageLimit(I386)).toBe(2 ** 20);
    expect(pageLimit(ARM64_64K)).toBe(2 ** 48);
  });
});
