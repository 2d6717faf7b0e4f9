import { VmapError } from "./errors.js";

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

/** A power of two that is a safe integer (1, 2, 4, ... 2^52). */
export function isPowerOfTwo(value: unknown): value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) return false;
  // Exact for every safe integer: a power of two has a single mantissa bit.
  return value === 2 ** Math.round(Math.log2(value));
}

export function requireSize(size: unknown, pageSize: number, what = "size"): number {
  if (!isAddress(size) || size === 0) {
    throw new VmapError("EINVAL", `${what} ${describe(size)} is invalid: pass a positive safe integer`);
  }
  if (size % pageSize !== 0) {
    throw new VmapError("EINVAL", `${what} ${size} is not a multiple of pageSize ${pageSize}: round it up to whole pages`);
  }
  return size;
}

/**
 * An alignment: a power of two no larger than 2^(52 + alignShift), i.e. at most 2^52 units. Powers of two
 * are exact doubles, so with `alignShift` 12 a byte alignment up to 2^64 (the `align_shift` test's
 * `1UL << 63`) is representable although it is not a safe integer.
 */
export function requireAlign(align: unknown, alignShift = 0): number {
  const max = 2 ** (52 + alignShift);
  if (typeof align !== "number" || !(align >= 1 && align <= max) || align !== 2 ** Math.round(Math.log2(align))) {
    throw new VmapError("EINVAL", `align ${describe(align)} is invalid: pass a power of two (1, 2, 4, ...) no larger than 2^${52 + alignShift}`);
  }
  return align;
}

export function requireWindow(vstart: unknown, vend: unknown, start: number, end: number): void {
  if (!isAddress(vstart) || !isAddress(vend)) {
    throw new VmapError("EINVAL", `window [${describe(vstart)}, ${describe(vend)}) is invalid: pass safe integers inside [${start}, ${end})`);
  }
  if (vstart < start || vend > end || vstart >= vend) {
    throw new VmapError("EINVAL", `window [${vstart}, ${vend}) is empty or outside the space [${start}, ${end}): pass start <= vstart < vend <= end`);
  }
}

export function requireAddress(addr: unknown, what = "addr"): number {
  if (!isAddress(addr)) throw new VmapError("EINVAL", `${what} ${describe(addr)} is invalid: pass a non-negative safe integer`);
  return addr;
}
