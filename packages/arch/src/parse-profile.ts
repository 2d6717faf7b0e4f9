import { formatAddress, parseAddress } from "./address.js";
import { ArchError } from "./errors.js";
import { type ArchProfile, type EarlyArea, defineProfile } from "./profile.js";
import { parseSize } from "./size.js";

/** JSON form of an early area; addresses as `0x` hex (or decimal) strings. */
export interface EarlyAreaJSON {
  readonly start: string | number;
  readonly end: string | number;
  readonly name?: string;
}

/**
 * JSON form of a profile, as a custom profile file holds it. Addresses are strings (`"0xffffc90000000000"`
 * or decimal) because JSON numbers cannot hold 64-bit values; small ones may be numbers. `pageSize` and
 * `threadAlign` may also be size strings (`"16K"`). Only `id`, `bits`, `pageSize`, `vmallocStart` and
 * `vmallocEnd` are required; see `parseProfile` for the defaults.
 */
export interface ProfileJSON {
  readonly id: string;
  readonly name?: string;
  readonly arch?: string;
  readonly bits: 32 | 64;
  readonly vaBits?: number;
  readonly pageSize: number | string;
  readonly vmallocStart: string | number;
  readonly vmallocEnd: string | number;
  readonly modulesStart?: string | number;
  readonly modulesEnd?: string | number;
  readonly threadAlign?: number | string;
  readonly ioremapMaxOrder?: number;
  readonly kernelVersion?: string;
  readonly source?: string | readonly string[];
  readonly notes?: string;
  readonly earlyAreas?: readonly EarlyAreaJSON[];
}

const KNOWN_KEYS = new Set([
  "id",
  "name",
  "arch",
  "bits",
  "vaBits",
  "pageSize",
  "vmallocStart",
  "vmallocEnd",
  "modulesStart",
  "modulesEnd",
  "threadAlign",
  "ioremapMaxOrder",
  "kernelVersion",
  "source",
  "notes",
  "earlyAreas",
]);
const AREA_KEYS = new Set(["start", "end", "name"]);
const ID_RE = /^[a-z0-9][a-z0-9._-]*$/;
const MAX_SAFE_SHIFT = 53;

function fail(field: string, message: string, code: "EINVAL" | "ERANGE" = "EINVAL"): never {
  throw new ArchError(code, `parseProfile: ${field}: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

function optionalString(json: Record<string, unknown>, field: string, fallback: string): string {
  const value = json[field];
  if (value === undefined) return fallback;
  if (typeof value !== "string") fail(field, `must be a string, got ${typeof value}`);
  return value;
}

function sizeField(value: unknown, field: string): number {
  let bytes: bigint;
  try {
    bytes = parseSize(value as string | number | bigint);
  } catch {
    fail(field, `${JSON.stringify(value)} is not a size; write a number of bytes or a string like "16K"`);
  }
  if (bytes <= 0n || bytes > BigInt(Number.MAX_SAFE_INTEGER)) fail(field, `${bytes} must be a positive safe integer`);
  return Number(bytes);
}

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** Reads an address field and checks it against the address width (P1). */
function addressField(value: unknown, field: string, bits: 32 | 64): bigint {
  let address: bigint;
  try {
    address = parseAddress(value, field);
  } catch (error) {
    fail(field, (error as Error).message);
  }
  if (address >= 1n << BigInt(bits)) {
    fail(field, `${hex(address)} does not fit in ${bits} bits; every address must be below 2^${bits}`, "ERANGE");
  }
  return address;
}

/**
 * Reads one `[start, end)` range: start page-aligned; end page-aligned or one byte below a page boundary
 * (P3, the x86-64 `VMALLOC_END` form); start < end; at least one whole page between them.
 */
function rangeFields(
  json: Record<string, unknown>,
  startField: string,
  endField: string,
  bits: 32 | 64,
  pageSize: number,
): [bigint, bigint] {
  const start = addressField(json[startField], startField, bits);
  const end = addressField(json[endField], endField, bits);
  const page = BigInt(pageSize);
  if (start % page !== 0n) {
    fail(startField, `${hex(start)} is not aligned to the ${pageSize}-byte page; round it to ${hex(start - (start % page))} or ${hex(start - (start % page) + page)}`);
  }
  if (end % page !== 0n && (end + 1n) % page !== 0n) {
    fail(endField, `${hex(end)} is neither page-aligned nor one byte below a page boundary (pageSize ${pageSize}); use ${hex(end - (end % page))}`);
  }
  if (start >= end) fail(endField, `${hex(end)} is not above ${startField} ${hex(start)}; the range is [${startField}, ${endField})`);
  if (end - (end % page) <= start) fail(endField, `${hex(end)} leaves no whole page above ${startField} ${hex(start)}`);
  return [start, end];
}

function earlyAreasField(value: unknown, bits: 32 | 64, pageSize: number): EarlyArea[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail("earlyAreas", "must be an array of { start, end, name }");
  const page = BigInt(pageSize);
  const areas: EarlyArea[] = [];
  value.forEach((item: unknown, i) => {
    const at = `earlyAreas[${i}]`;
    if (!isRecord(item)) fail(at, "must be an object { start, end, name }");
    for (const key of Object.keys(item)) {
      if (!AREA_KEYS.has(key)) fail(`${at}.${key}`, `unknown field; an early area has start, end and name`);
    }
    const start = addressField(item.start, `${at}.start`, bits);
    const end = addressField(item.end, `${at}.end`, bits);
    if (start % page !== 0n) fail(`${at}.start`, `${hex(start)} is not page-aligned (pageSize ${pageSize})`);
    if (end % page !== 0n) fail(`${at}.end`, `${hex(end)} is not page-aligned (pageSize ${pageSize}); early areas are whole pages`);
    if (start >= end) fail(`${at}.end`, `${hex(end)} is not above start ${hex(start)}`);
    const previous = areas[areas.length - 1];
    if (previous !== undefined && start < previous.end) {
      fail(`${at}.start`, `${hex(start)} is below the end ${hex(previous.end)} of earlyAreas[${i - 1}]; list areas sorted and without overlap`);
    }
    const name = item.name === undefined ? `early area ${i}` : item.name;
    if (typeof name !== "string") fail(`${at}.name`, `must be a string, got ${typeof name}`);
    areas.push({ start, end, name });
  });
  return areas;
}

/**
 * Builds a frozen `ArchProfile` from JSON (already parsed: the CLI reads the file). Every error names the
 * field and the fix. Checks: only known fields; `id` lowercase `[a-z0-9._-]`; `bits` 32 or 64;
 * `pageSize` a power of two ≥ 1024 with 2^bits / pageSize ≤ 2^53 (page numbers stay exact); every address
 * below 2^bits; range starts page-aligned; range ends page-aligned or one byte below a page boundary (the
 * x86-64 `VMALLOC_END` form, kept literally and rounded down by `vmallocRangePages`); start < end with at
 * least one whole page; `threadAlign` a power of two; `ioremapMaxOrder` in [pageShift, bits); `vaBits` in
 * (pageShift, bits]; `earlyAreas` whole pages, sorted, not overlapping.
 *
 * Defaults: `name` = id, `arch` = `"custom"`, `vaBits` = bits, modules = the vmalloc range (as on i386),
 * `threadAlign` = max(pageSize, 16 KiB on 64-bit / 8 KiB on 32-bit), `ioremapMaxOrder` = pageShift + 7 (the
 * generic `IOREMAP_MAX_ORDER`), `kernelVersion` = `"custom"`, `source` = [], `notes` = "", `earlyAreas` = [].
 *
 * Throws `ArchError` `EINVAL` for a missing, mistyped or inconsistent field, `ERANGE` for an address that
 * does not fit in `bits`. O(fields + early areas).
 * @see include/linux/vmalloc.h: IOREMAP_MAX_ORDER (generic default)
 */
export function parseProfile(json: unknown): ArchProfile {
  if (!isRecord(json)) fail("profile", `must be a JSON object, got ${json === null ? "null" : Array.isArray(json) ? "an array" : typeof json}`);
  for (const key of Object.keys(json)) {
    if (!KNOWN_KEYS.has(key)) fail(key, `unknown field; known fields are ${[...KNOWN_KEYS].join(", ")}`);
  }

  const id = json.id;
  if (typeof id !== "string" || !ID_RE.test(id)) {
    fail("id", `${JSON.stringify(id)} is not a profile id; use lowercase letters, digits, ".", "_" and "-", e.g. "my-board-4k-48"`);
  }

  const bits = json.bits;
  if (bits !== 32 && bits !== 64) fail("bits", `${JSON.stringify(bits)} is not a word size; use 32 or 64`);

  if (json.pageSize === undefined) fail("pageSize", "is required, e.g. 4096");
  const pageSize = sizeField(json.pageSize, "pageSize");
  if (!isPowerOfTwo(pageSize) || pageSize < 1024) fail("pageSize", `${pageSize} is not a power of two ≥ 1024; use e.g. 4096, 16384 or 65536`);
  const pageShift = Math.log2(pageSize);
  if (bits - pageShift > MAX_SAFE_SHIFT) {
    fail("pageSize", `${pageSize} gives 2^${bits - pageShift} pages in a ${bits}-bit space, beyond exact numbers (2^53); use at least ${2 ** (bits - MAX_SAFE_SHIFT)}`);
  }

  if (json.vmallocStart === undefined) fail("vmallocStart", 'is required, e.g. "0xffffc90000000000"');
  if (json.vmallocEnd === undefined) fail("vmallocEnd", 'is required, e.g. "0xffffe8ffffffffff"');
  const [vmallocStart, vmallocEnd] = rangeFields(json, "vmallocStart", "vmallocEnd", bits, pageSize);

  let modulesStart = vmallocStart;
  let modulesEnd = vmallocEnd;
  if (json.modulesStart !== undefined || json.modulesEnd !== undefined) {
    if (json.modulesStart === undefined) fail("modulesStart", "is required when modulesEnd is given");
    if (json.modulesEnd === undefined) fail("modulesEnd", "is required when modulesStart is given");
    [modulesStart, modulesEnd] = rangeFields(json, "modulesStart", "modulesEnd", bits, pageSize);
  }

  let threadAlign = Math.max(pageSize, bits === 64 ? 16384 : 8192);
  if (json.threadAlign !== undefined) {
    threadAlign = sizeField(json.threadAlign, "threadAlign");
    if (!isPowerOfTwo(threadAlign)) fail("threadAlign", `${threadAlign} is not a power of two; THREAD_ALIGN is e.g. 16384`);
  }

  let ioremapMaxOrder = pageShift + 7;
  if (json.ioremapMaxOrder !== undefined) {
    const order = json.ioremapMaxOrder;
    if (typeof order !== "number" || !Number.isInteger(order) || order < pageShift || order >= bits) {
      fail("ioremapMaxOrder", `${JSON.stringify(order)} must be an integer shift in [${pageShift}, ${bits}); the generic value is PAGE_SHIFT + 7 = ${pageShift + 7}`);
    }
    ioremapMaxOrder = order;
  }

  let vaBits: number = bits;
  if (json.vaBits !== undefined) {
    const va = json.vaBits;
    if (typeof va !== "number" || !Number.isInteger(va) || va <= pageShift || va > bits) {
      fail("vaBits", `${JSON.stringify(va)} must be an integer in (${pageShift}, ${bits}], e.g. 48`);
    }
    vaBits = va;
  }

  let source: string[] = [];
  if (json.source !== undefined) {
    const raw = json.source;
    if (typeof raw === "string") source = [raw];
    else if (Array.isArray(raw) && raw.every((s): s is string => typeof s === "string")) source = [...raw];
    else fail("source", "must be a string or an array of strings (kernel file paths)");
  }

  return defineProfile({
    id,
    name: optionalString(json, "name", id),
    arch: optionalString(json, "arch", "custom"),
    bits,
    vaBits,
    pageSize,
    vmallocStart,
    vmallocEnd,
    modulesStart,
    modulesEnd,
    threadAlign,
    ioremapMaxOrder,
    kernelVersion: optionalString(json, "kernelVersion", "custom"),
    source,
    notes: optionalString(json, "notes", ""),
    earlyAreas: earlyAreasField(json.earlyAreas, bits, pageSize),
  });
}

/**
 * The JSON form of a profile (addresses as kernel-style hex strings), such that
 * `parseProfile(profileToJSON(p))` equals `p` field for field. O(fields + early areas).
 * @see lib/vsprintf.c: pointer_string (the hex form of the addresses)
 */
export function profileToJSON(profile: ArchProfile): ProfileJSON {
  const address = (value: bigint): string => formatAddress(value, profile.bits);
  return {
    id: profile.id,
    name: profile.name,
    arch: profile.arch,
    bits: profile.bits,
    vaBits: profile.vaBits,
    pageSize: profile.pageSize,
    vmallocStart: address(profile.vmallocStart),
    vmallocEnd: address(profile.vmallocEnd),
    modulesStart: address(profile.modulesStart),
    modulesEnd: address(profile.modulesEnd),
    threadAlign: profile.threadAlign,
    ioremapMaxOrder: profile.ioremapMaxOrder,
    kernelVersion: profile.kernelVersion,
    source: [...profile.source],
    notes: profile.notes,
    earlyAreas: profile.earlyAreas.map((a) => ({ start: address(a.start), end: address(a.end), name: a.name })),
  };
}
