import { cpus, platform, arch, totalmem } from "node:os";
import pkg from "../package.json" with { type: "json" };

/** This package's name and version, as results record them. */
export const TOOL = Object.freeze({ name: pkg.name, version: pkg.version });

/** Where a result was measured (DESIGN.md: every result records Node version, CPU, date and command). */
export interface Environment {
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  /** CPU model string of the first logical CPU. */
  readonly cpu: string;
  /** Logical CPUs. */
  readonly cpus: number;
  readonly memoryBytes: number;
  /** ISO 8601. */
  readonly date: string;
}

/** Reads the environment now. */
export function collectEnvironment(date: Date = new Date()): Environment {
  const list = cpus();
  return {
    node: process.version,
    platform: platform(),
    arch: arch(),
    cpu: list[0]?.model.trim() ?? "unknown",
    cpus: list.length,
    memoryBytes: totalmem(),
    date: date.toISOString(),
  };
}

/** The fields every result document (`kva-test-vmalloc/1`, `kva-sweep/1`) opens with. */
export interface ResultHeader {
  readonly tool: { readonly name: string; readonly version: string };
  readonly node: string;
  readonly cpu: string;
  readonly date: string;
  readonly host: { readonly platform: string; readonly arch: string; readonly cpus: number; readonly memoryBytes: number };
  /** The command line that produced the document, when the caller says. */
  readonly command: string | null;
}

/** The header of a result document measured in `env` by `command`. */
export function resultHeader(env: Environment, command: string | undefined): ResultHeader {
  return {
    tool: { name: TOOL.name, version: TOOL.version },
    node: env.node,
    cpu: env.cpu,
    date: env.date,
    host: { platform: env.platform, arch: env.arch, cpus: env.cpus, memoryBytes: env.memoryBytes },
    command: command ?? null,
  };
}
