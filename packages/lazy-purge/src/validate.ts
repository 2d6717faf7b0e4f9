import { LazyPurgeError } from "./errors.js";

/** Names a value for an error message, including `-0`, `NaN` and non-numbers. */
export function describe(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  return value === null ? "null" : typeof value;
}

/** A non-negative safe integer that is not `-0`. */
export function isAddress(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && !Object.is(value, -0);
}

/** A positive safe integer. */
export function isCount(value: unknown): value is number {
  return isAddress(value) && value > 0;
}

/** A power of two that is a safe integer (1, 2, 4, ... 2^52). */
export function isPowerOfTwo(value: unknown): value is number {
  if (!isCount(value)) return false;
  // Exact for every safe integer: a power of two has a single mantissa bit.
  return value === 2 ** Math.round(Math.log2(value));
}

export function einval(message: string): LazyPurgeError {
  return new LazyPurgeError("EINVAL", message);
}

export function requireAddress(value: unknown, what: string): number {
  if (!isAddress(value)) throw einval(`${what} ${describe(value)} is invalid: pass a non-negative safe integer`);
  return value;
}
