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
