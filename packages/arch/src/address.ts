import { ArchError } from "./errors.js";

/** Address width of a profile: `BITS_PER_LONG`. */
export type AddressBits = 32 | 64;

const HEX_RE = /^0x[0-9a-f]+$/i;
const DEC_RE = /^[0-9]+$/;

function checkBits(bits: unknown): asserts bits is AddressBits {
  if (bits !== 32 && bits !== 64) {
    throw new ArchError("EINVAL", `address width ${String(bits)} is not supported; pass 32 or 64`);
  }
}

/**
 * Formats an address the way the kernel prints pointers (`%px`, `/proc/vmallocinfo`): `0x` and
 * zero-padded lowercase hex, 16 digits on 64-bit and 8 on 32-bit, e.g. `0xffffc90000000000`.
 * Throws `ArchError` `EINVAL` for a non-bigint value or a width other than 32/64, `ERANGE` for a value
 * below 0 or at/above 2^bits. O(1).
 * @see lib/vsprintf.c: pointer_string (field width 2 * sizeof(void *))
 */
export function formatAddress(value: bigint, bits: AddressBits = 64): string {
  checkBits(bits);
  if (typeof value !== "bigint") {
    throw new ArchError("EINVAL", `formatAddress takes a bigint, got ${typeof value} ${String(value)}; write e.g. 0x1000n or BigInt(x)`);
  }
  if (value < 0n || value >= 1n << BigInt(bits)) {
    throw new ArchError("ERANGE", `address ${value} does not fit in ${bits} bits; pass a value in [0, 2^${bits})`);
  }
  return `0x${value.toString(16).padStart(bits / 4, "0")}`;
}

/**
 * Reads a byte address from JSON-friendly input: a `0x` hex string, a decimal string, a non-negative
 * safe-integer number or a bigint. `what` names the value in the error message (e.g. a JSON field).
 * Does not check the address width; `parseProfile` does that against the profile's `bits`.
 * Throws `ArchError` `EINVAL` for anything else (empty, negative, fractions, other strings). O(length).
 * @see lib/kstrtox.c: kstrtoull (base 0: hex with 0x, else decimal)
 */
export function parseAddress(value: unknown, what = "address"): bigint {
  if (typeof value === "bigint") {
    if (value < 0n) throw new ArchError("EINVAL", `${what} ${value} is negative; addresses are unsigned`);
    return value;
  }
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ArchError("EINVAL", `${what} ${value} is not a non-negative safe integer; write large addresses as hex strings like "0xffffc90000000000"`);
    }
    return BigInt(value);
  }
  if (typeof value === "string") {
    const text = value.trim();
    if (HEX_RE.test(text) || DEC_RE.test(text)) return BigInt(text);
    throw new ArchError("EINVAL", `${what} ${JSON.stringify(value)} is not an address; write a hex string like "0xffffc90000000000" or a decimal string`);
  }
  throw new ArchError("EINVAL", `${what} must be a hex or decimal string, got ${value === null ? "null" : typeof value}`);
}
