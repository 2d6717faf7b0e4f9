/**
 * Misuse codes of @kva/bench:
 * - `EINVAL`: a malformed value (a parameter that is not an integer > 0, a bad option, an unknown mode);
 * - `ENOENT`: an unknown name (a module parameter the module does not have, an unknown test or machine);
 * - `ETRACE`: a `kva-trace/1` input that cannot be read (the error carries the 1-based `line`).
 */
export type BenchErrorCode = "EINVAL" | "ENOENT" | "ETRACE";

/**
 * Thrown by every function of @kva/bench on misuse. The message names the bad value and the fix; tests
 * assert the class and `code`, never the message.
 */
export class BenchError extends Error {
  readonly code: BenchErrorCode;
  /** 1-based line of a trace error (`ETRACE`), otherwise undefined. */
  readonly line: number | undefined;

  constructor(code: BenchErrorCode, message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "BenchError";
    this.code = code;
    this.line = line;
  }
}

/** `String(value)` for messages: numbers as they are, bigints with `n`, strings quoted. */
export function describe(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}
