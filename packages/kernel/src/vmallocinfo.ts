import { VMALLOCINFO_FLAG_WORDS } from "./flags.js";

/**
 * `/proc/vmallocinfo` lines in the kernel's format (KERNEL.md §10), and a parser for real files.
 *
 *     0xffffc90000000000-0xffffc90000005000   20480 load_module+0x1b0/0x2c0 pages=4 vmalloc N0=4
 *     ^start             ^end (size incl. guard) ^%7ld ^caller             ^fields in the kernel's order
 *
 * @see mm/vmalloc.c (v5.2): s_show, show_numa_info
 */

/** One line of `/proc/vmallocinfo`. Addresses are bigint bytes; `size` includes the guard page. */
export interface VmallocInfoEntry {
  readonly start: bigint;
  readonly end: bigint;
  readonly size: number;
  /** `%pS` caller, e.g. `fix_size_alloc_test+0x2c/0x60 [test_vmalloc]`; undefined when none. */
  readonly caller?: string | undefined;
  readonly pages?: number | undefined;
  readonly phys?: bigint | undefined;
  /** `vm_struct` flags (VM_IOREMAP, VM_ALLOC, ...). */
  readonly flags: number;
  /** The pages array is itself vmalloc'ed (` vpages`). */
  readonly vpages?: boolean | undefined;
  /** Pages per NUMA node (` N0=3 N1=1`), only nodes with pages. */
  readonly numa?: readonly (readonly [node: number, pages: number])[] | undefined;
  /** A line for an area without a vm_struct: lazily freed or made by vm_map_ram. */
  readonly kind?: "unpurged vm_area" | "vm_map_ram" | undefined;
}

/** Hex digits of an address field: 16 on 64-bit, 8 on 32-bit (`%pK` prints a full pointer). */
function hex(value: bigint, digits: number): string {
  return value.toString(16).padStart(digits, "0");
}

/** Formats one line (no trailing newline). `bits` selects the pointer width; `physBits` that of `phys=`. */
export function formatVmallocInfoLine(entry: VmallocInfoEntry, bits: 32 | 64 = 64, physBits: 32 | 64 = bits): string {
  const w = bits / 4;
  let line = `0x${hex(entry.start, w)}-0x${hex(entry.end, w)} ${String(entry.size).padStart(7, " ")}`;
  if (entry.kind !== undefined) return `${line} ${entry.kind}`;
  if (entry.caller) line += ` ${entry.caller}`;
  if (entry.pages) line += ` pages=${entry.pages}`;
  if (entry.phys) line += ` phys=0x${hex(entry.phys, physBits / 4)}`;
  for (const [bit, word] of VMALLOCINFO_FLAG_WORDS) if (entry.flags & bit) line += ` ${word}`;
  if (entry.vpages) line += " vpages";
  for (const [node, count] of entry.numa ?? []) if (count > 0) line += ` N${node}=${count}`;
  return line;
}

/** Formats a whole file: one line per entry, each ending in a newline. */
export function formatVmallocInfo(entries: Iterable<VmallocInfoEntry>, bits: 32 | 64 = 64, physBits: 32 | 64 = bits): string {
  let out = "";
  for (const e of entries) out += `${formatVmallocInfoLine(e, bits, physBits)}\n`;
  return out;
}

/** Thrown by {@link parseVmallocInfo} for a line it cannot read. */
export class VmallocInfoParseError extends Error {
  readonly code = "EINVAL" as const;
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "VmallocInfoParseError";
    this.line = line;
  }
}

const LINE_RE = /^0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)\s+(\d+)(.*)$/;
const FLAG_BY_WORD = new Map(VMALLOCINFO_FLAG_WORDS.map(([bit, word]) => [word, bit]));
/** Words of later kernels that end the caller but carry nothing we model (`VM_SPARSE`, v6.x). */
const IGNORED_WORDS = new Set(["sparse"]);
const PAGES_RE = /^pages=(\d+)$/;
const PHYS_RE = /^phys=(0x[0-9a-fA-F]+)$/;
const NUMA_RE = /^N(\d+)=(\d+)$/;

/**
 * Reads `/proc/vmallocinfo` text. Hashed or zeroed addresses (kptr_restrict) are accepted: the sizes,
 * callers and flags are the data. The caller is every word between the size and the first field the
 * kernel prints after it (`pages=`, `phys=`, a flag word, `vpages`, `N<node>=`), so `func+0x1d/0x50 [mod]`
 * and names with spaces survive; unknown words after the fields (later kernels) are ignored. Blank lines
 * are skipped; anything else that does not parse throws {@link VmallocInfoParseError} naming the line.
 * O(length).
 *
 * @see mm/vmalloc.c (v5.2): s_show
 */
export function parseVmallocInfo(text: string): VmallocInfoEntry[] {
  if (typeof text !== "string") throw new VmallocInfoParseError(0, `input ${typeof text} is not text: pass the file's contents as a string`);
  const entries: VmallocInfoEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === "") continue;
    const m = LINE_RE.exec(raw);
    if (!m) throw new VmallocInfoParseError(i + 1, `"${raw.slice(0, 60)}" is not a vmallocinfo line (0x<start>-0x<end> <size> ...)`);
    const start = BigInt(`0x${m[1]}`);
    const end = BigInt(`0x${m[2]}`);
    const size = Number(m[3]);
    if (!Number.isSafeInteger(size)) throw new VmallocInfoParseError(i + 1, `size ${m[3]} is not a safe integer`);
    const rest = m[4]!.trim();
    if (rest === "unpurged vm_area" || rest === "vm_map_ram") {
      entries.push({ start, end, size, flags: 0, kind: rest });
      continue;
    }
    const words = rest === "" ? [] : rest.split(/\s+/);
    const callerWords: string[] = [];
    let inFields = false;
    let pages: number | undefined;
    let phys: bigint | undefined;
    let flags = 0;
    let vpages = false;
    const numa: [number, number][] = [];
    for (const word of words) {
      const bit = FLAG_BY_WORD.get(word);
      let match: RegExpExecArray | null;
      if (bit !== undefined) flags |= bit;
      else if (word === "vpages") vpages = true;
      else if ((match = PAGES_RE.exec(word)) !== null) pages = Number(match[1]);
      else if ((match = PHYS_RE.exec(word)) !== null) phys = BigInt(match[1]!);
      else if ((match = NUMA_RE.exec(word)) !== null) numa.push([Number(match[1]), Number(match[2])]);
      else if (word.startsWith("pages=") || word.startsWith("phys=")) {
        throw new VmallocInfoParseError(i + 1, `field "${word}" is malformed: pages= takes a decimal count, phys= a 0x hex address`);
      } else if (!inFields && !IGNORED_WORDS.has(word)) {
        callerWords.push(word);
        continue;
      }
      inFields = true;
    }
    if (pages !== undefined && !Number.isSafeInteger(pages)) throw new VmallocInfoParseError(i + 1, "pages value is not a safe integer");
    const caller = callerWords.length > 0 ? callerWords.join(" ") : undefined;
    entries.push({ start, end, size, caller, pages, phys, flags, vpages: vpages || undefined, numa: numa.length ? numa : undefined });
  }
  return entries;
}
