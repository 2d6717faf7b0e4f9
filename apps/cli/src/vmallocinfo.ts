/** Reading `/proc/vmallocinfo` files and summarising entries (by caller, by kind). */
import { type Kernel, VM_ALLOC, VM_IOREMAP, VM_MAP, VM_USERMAP, type VmallocInfoEntry, parseVmallocInfo } from "@kva/kernel";
import { UsageError, messageOf, readInputFile } from "./errors.js";

/** What an entry is, as one word: the first flag word the kernel prints, or its kind. */
export function entryKind(entry: VmallocInfoEntry): string {
  if (entry.kind !== undefined) return entry.kind;
  if (entry.flags & VM_IOREMAP) return "ioremap";
  if (entry.flags & VM_ALLOC) return "vmalloc";
  if (entry.flags & VM_MAP) return "vmap";
  if (entry.flags & VM_USERMAP) return "user";
  return "other";
}

/** The function part of a `%pS` caller: `dup_task_struct+0x5b/0x1b0` → `dup_task_struct`. */
export function callerName(caller: string | undefined): string {
  if (caller === undefined || caller === "") return "(none)";
  const plus = caller.indexOf("+");
  const module = /\[(\S+)\]$/.exec(caller)?.[1];
  const fn = plus > 0 ? caller.slice(0, plus) : caller.split(" ")[0]!;
  return module ? `${fn} [${module}]` : fn;
}

export interface GroupCount {
  readonly name: string;
  readonly count: number;
  /** Bytes (each entry's size, guard page included). */
  readonly size: number;
}

export interface VmallocInfoSummary {
  readonly count: number;
  readonly totalSize: number;
  readonly byKind: readonly GroupCount[];
  readonly byCaller: readonly GroupCount[];
}

function group(entries: readonly VmallocInfoEntry[], key: (e: VmallocInfoEntry) => string): GroupCount[] {
  const map = new Map<string, { count: number; size: number }>();
  for (const e of entries) {
    const k = key(e);
    const g = map.get(k) ?? { count: 0, size: 0 };
    g.count++;
    g.size += e.size;
    map.set(k, g);
  }
  return [...map.entries()].map(([name, g]) => ({ name, ...g })).sort((a, b) => b.size - a.size || b.count - a.count || a.name.localeCompare(b.name));
}

export function summarize(entries: readonly VmallocInfoEntry[]): VmallocInfoSummary {
  return {
    count: entries.length,
    totalSize: entries.reduce((sum, e) => sum + e.size, 0),
    byKind: group(entries, entryKind),
    byCaller: group(
      entries.filter((e) => e.kind === undefined),
      (e) => callerName(e.caller),
    ),
  };
}

/** Reads and parses a `/proc/vmallocinfo` copy; unreadable or malformed files are usage errors. */
export function readVmallocInfoFile(path: string): { text: string; entries: VmallocInfoEntry[] } {
  const text = readInputFile(path, "--vmallocinfo file").toString("utf8");
  try {
    const entries = parseVmallocInfo(text);
    return { text, entries };
  } catch (err) {
    throw new UsageError(`--vmallocinfo file ${JSON.stringify(path)} is not /proc/vmallocinfo text: ${messageOf(err)}`);
  }
}

/** What `kernel.loadVmallocInfo` reports (the fields shown here). */
export interface LoadSummary {
  readonly mode: string;
  readonly areas: number;
  readonly lazy: number;
  readonly ram: number;
  readonly failed: readonly unknown[];
}

type Loader = (text: string) => LoadSummary;

/**
 * Loads a real vmallocinfo into a simulated kernel with `kernel.loadVmallocInfo` (mode `auto`: at the file's
 * addresses when they are usable, else reallocated in file order). Returns undefined when the built
 * @kva/kernel has no loader; the caller then works from the parsed entries alone.
 */
export function loadIntoKernel(kernel: Kernel, text: string): LoadSummary | undefined {
  const loader = (kernel as unknown as { loadVmallocInfo?: Loader }).loadVmallocInfo;
  if (typeof loader !== "function") return undefined;
  try {
    return loader.call(kernel, text);
  } catch (err) {
    throw new UsageError(`the vmallocinfo file cannot be loaded into the simulated kernel: ${messageOf(err)}`);
  }
}

/** `placed at the file's addresses` / `reallocated (hashed addresses), 2 lines did not fit`. */
export function describeLoad(load: LoadSummary): string {
  const how = load.mode === "addresses" ? "placed at the file's addresses" : "reallocated in file order (the addresses are hashed or do not fit)";
  return `${how}${load.failed.length ? `, ${load.failed.length} lines found no room` : ""}`;
}
