import { ArchError } from "./errors.js";

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;
const SUFFIX_SHIFT: Readonly<Record<string, bigint>> = { K: 10n, M: 20n, G: 30n, T: 40n, P: 50n, E: 60n };
const SIZE_RE = /^(0x[0-9a-f]+|[0-9]+)\s*(?:([kmgtpe])(?:i?b)?|b)?$/i;

function toBigInt(bytes: bigint | number, fn: string): bigint {
  if (typeof bytes === "bigint") return bytes;
  if (typeof bytes === "number" && Number.isSafeInteger(bytes)) return BigInt(bytes);
  throw new ArchError("EINVAL", `${fn} takes a bigint or a safe-integer number of bytes, got ${String(bytes)}`);
}

/**
 * Formats a byte count in binary units (B, KiB, MiB, GiB, TiB, PiB, EiB), using the largest unit not above
 * the value. The convention: an exact multiple of the unit prints as an integer (`"32 TiB"`, `"120 MiB"`),
 * anything else with exactly one decimal, rounded half up (`"126.0 TiB"`, `"12.5 PiB"`). So a decimal
 * point always means "approximately": x86-64's `VMALLOC_END − VMALLOC_START` is 32 TiB − 1 byte and
 * prints `"32.0 TiB"`. Throws `ArchError` `EINVAL` for a fraction, NaN or a non-number, `ERANGE` for a
 * negative count. O(1).
 * @see lib/string_helpers.c: string_get_size (the kernel's binary-unit printer; the rounding rule here is ours)
 */
export function formatSize(bytes: bigint | number): string {
  const value = toBigInt(bytes, "formatSize");
  if (value < 0n) throw new ArchError("ERANGE", `formatSize got a negative size ${value}; pass a byte count ≥ 0`);
  let index = 0;
  while (index < UNITS.length - 1 && value >= 1n << (10n * BigInt(index + 1))) index++;
  const unit = 1n << (10n * BigInt(index));
  if (value % unit === 0n) return `${value / unit} ${UNITS[index]}`;
  let tenths = (value * 20n + unit) / (2n * unit);
  if (tenths >= 10240n && index < UNITS.length - 1) {
    index++;
    tenths = (value * 20n + (unit << 10n)) / (unit << 11n);
  }
  return `${tenths / 10n}.${tenths % 10n} ${UNITS[index]}`;
}

/**
 * Reads a size the way the kernel's `memparse` does (`vmalloc=120M`): a decimal or `0x` hex integer with
 * an optional binary suffix K, M, G, T, P or E (any case, optionally followed by `B` or `iB`; all are
 * powers of 1024), or a plain `B`. Numbers (safe integers) and bigints pass through. Returns bytes.
 * Throws `ArchError` `EINVAL` for fractions (`"1.5G"`: write `"1536M"`), negative values or anything
 * else. O(length).
 * @see lib/cmdline.c: memparse
 */
export function parseSize(text: string | number | bigint): bigint {
  if (typeof text !== "string") {
    const value = toBigInt(text, "parseSize");
    if (value < 0n) throw new ArchError("EINVAL", `parseSize got a negative size ${value}; sizes are ≥ 0`);
    return value;
  }
  const m = SIZE_RE.exec(text.trim());
  if (m === null && /[0-9]\.[0-9]/.test(text)) {
    throw new ArchError("EINVAL", `size ${JSON.stringify(text)} has a fraction; use a smaller unit, e.g. "1536M" instead of "1.5G"`);
  }
  if (m === null) {
    throw new ArchError("EINVAL", `size ${JSON.stringify(text)} is not understood; write an integer with an optional K/M/G/T/P/E suffix, e.g. "120M" or "32 TiB"`);
  }
  const base = BigInt(m[1]!);
  const suffix = m[2];
  return suffix === undefined ? base : base << SUFFIX_SHIFT[suffix.toUpperCase()]!;
}
