/**
 * Argument checks shared by the naive allocator and the fit helpers (internal, not re-exported).
 * Every number must be a plain integer: NaN, ±Infinity, fractions, -0 and non-numbers are rejected.
 */
import { NaiveAllocatorError } from "./naive-allocator-error.js";

/** 2^53: the largest address (exclusive end) a space may have. */
export const MAX_ADDRESS = 2 ** 53;

/** The largest power of two that is a safe integer (2^52). */
export const MAX_ALIGN = 2 ** 52;

/** A readable rendering of any argument for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  return typeof value;
}

/** An integer number other than -0 (not necessarily safe). */
export function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && !Object.is(value, -0);
}

/** A safe integer other than -0. */
export function isSafeInt(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && !Object.is(value, -0);
}

/** An integer in `[0, 2^53]`: a position in some space. */
export function isAddress(value: unknown): value is number {
  return isInteger(value) && value >= 0 && value <= MAX_ADDRESS;
}

/** A positive safe integer that is a power of two. */
export function isPowerOfTwo(value: unknown): value is number {
  if (!isSafeInt(value) || value < 1) return false;
  let x = value;
  while (x % 2 === 0) x /= 2;
  return x === 1;
}

export function einval(message: string): NaiveAllocatorError {
  return new NaiveAllocatorError("EINVAL", message);
}

export function requireSize(op: string, size: unknown): asserts size is number {
  if (!isSafeInt(size) || size < 1) {
    throw einval(`${op}: size must be a positive safe integer, got ${describeValue(size)}; pass a whole number of units, at least 1`);
  }
}

export function requireAlign(op: string, align: unknown): asserts align is number {
  if (!isPowerOfTwo(align)) {
    throw einval(
      `${op}: align must be a power of two between 1 and 2^52, got ${describeValue(align)}; pass 1 (or omit it) for no alignment`,
    );
  }
}

/** Checks that `[vstart, vend)` is a non-empty window inside `[start, end)`. */
export function requireWindow(op: string, vstart: unknown, vend: unknown, start: number, end: number): void {
  if (!isInteger(vstart) || vstart < start || vstart >= end) {
    throw einval(
      `${op}: vstart must be an integer in [${start}, ${end}), got ${describeValue(vstart)}; omit it to search from the start of the space`,
    );
  }
  if (!isInteger(vend) || vend <= vstart || vend > end) {
    throw einval(
      `${op}: vend must be an integer in (${vstart}, ${end}] (exclusive end, after vstart), got ${describeValue(vend)}; omit it to search to the end of the space`,
    );
  }
}

/** Checks an address argument: a non-negative safe integer (callers decide what it must name). */
export function requireAddressArg(op: string, name: string, value: unknown): asserts value is number {
  if (!isSafeInt(value) || value < 0) {
    throw einval(`${op}: ${name} must be a non-negative safe integer, got ${describeValue(value)}; pass an address returned by the allocator`);
  }
}
