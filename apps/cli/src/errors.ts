/**
 * Exit codes and the two kinds of failure the command line reports.
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | ok |
 * | 1 | the run failed: a test failed, a replay mismatched, the harness threw |
 * | 2 | usage: unknown command or option, a bad value, a missing, unreadable or malformed input file |
 *
 * An input file that cannot be read (missing, a directory, no permission) or parsed is a bad argument, so
 * it exits 2 like any other bad value: the run never started.
 */
import { readFileSync, statSync } from "node:fs";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A bad argument: exit 2, one line naming the value and the fix, then a hint to `--help`. */
export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A run that went wrong after the arguments were accepted: exit 1. */
export class RunFailure extends Error {
  readonly exitCode = EXIT_FAILED;
  constructor(message: string) {
    super(message);
    this.name = "RunFailure";
  }
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a directory",
  ENOTDIR: "a parent is not a directory",
  EMFILE: "too many open files",
};

function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && ERRNO_TEXT[code] !== undefined) return `${code}: ${ERRNO_TEXT[code]}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Reads a whole input file or throws a `UsageError` naming the file, what it was for and why it failed.
 * `what` is the argument's role, e.g. `"trace"` or `"--vmallocinfo file"`.
 */
export function readInputFile(path: string, what: string): Buffer {
  try {
    if (statSync(path).isDirectory()) {
      throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    }
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${JSON.stringify(path)} (${errnoText(err)}); pass the path of a readable file`);
  }
}

/** The message of anything thrown, for one-line reports. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Prints a failure the way every command does and returns its exit code: `kva <command>: error: <message>`,
 * plus `Run "kva <command> --help" for usage.` for usage errors. Unexpected errors (bugs) exit 1 with their
 * stack when `KVA_DEBUG` is set.
 */
export function reportError(err: unknown, commandName: string, write: (text: string) => void): number {
  const prefix = commandName === "" ? "kva" : `kva ${commandName}`;
  if (err instanceof UsageError) {
    write(`${prefix}: error: ${err.message}\nRun "${prefix} --help" for usage.\n`);
    return EXIT_USAGE;
  }
  if (err instanceof RunFailure) {
    write(`${prefix}: ${err.message}\n`);
    return EXIT_FAILED;
  }
  const detail = process.env["KVA_DEBUG"] && err instanceof Error && err.stack ? `\n${err.stack}` : "";
  write(`${prefix}: error: ${messageOf(err)}${detail}\n`);
  return EXIT_FAILED;
}
