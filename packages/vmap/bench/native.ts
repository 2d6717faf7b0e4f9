/**
 * The native C build (bench/native/vmap.c): compiling it, and driving one run as a child process that
 * runs one timed block per request, so that bench/run.ts can interleave C blocks with TypeScript blocks
 * (both then see the same machine load).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

/** The JSON summary vmap.c prints at the end of a run. */
export interface NativeSummary {
  readonly per_block: number;
  /** Per timed block: wall-clock (CLOCK_MONOTONIC) and thread CPU time (CLOCK_THREAD_CPUTIME_ID). */
  readonly wall_ns: number[];
  readonly cpu_ns: number[];
  readonly checksum: number;
  readonly results: number;
  readonly busy: number;
  readonly free_blocks: number;
  readonly free_size: number;
  readonly largest_free: number;
  readonly live_records: number;
  readonly capacity: number;
  readonly fits: Record<string, number>;
}

export interface NativeBuild {
  readonly binary?: string;
  readonly compiler?: string;
  /** What happened, for the report (the command, or why the native build is skipped). */
  readonly note: string;
}

/** Compiles vmap.c with the system `cc -O2` into `workDir`; no binary (and a note saying why) without `cc`. */
export function buildNative(benchDir: string, workDir: string): NativeBuild {
  const probe = spawnSync("cc", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    return { note: "native C skipped: no `cc` on PATH (install a C compiler to compare with the native build)" };
  }
  const compiler = probe.stdout.split("\n")[0]!.trim();
  mkdirSync(workDir, { recursive: true });
  const binary = join(workDir, "vmap-native");
  const source = join(benchDir, "native", "vmap.c");
  const args = ["-O2", "-std=c99", "-Wall", "-Wextra", "-o", binary, source];
  const cc = spawnSync("cc", args, { encoding: "utf8" });
  if (cc.status !== 0) return { note: `native C skipped: cc ${args.join(" ")} failed:\n${cc.stderr}` };
  return { binary, compiler, note: `cc -O2 -std=c99 -Wall -Wextra bench/native/vmap.c (${compiler})` };
}

/** Nanoseconds of one timed block by both clocks. */
export interface BlockTime {
  readonly wall: number;
  readonly cpu: number;
}

/** One native run: `block()` runs the next timed block and resolves to its times. */
export class NativeRun {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private readonly waiters: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  private pending = "";
  private stderr = "";
  private exited: Error | undefined;

  constructor(binary: string, args: readonly string[]) {
    this.child = spawn(binary, args, { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.setEncoding("utf8");
    this.child.stderr.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => {
      this.pending += chunk;
      let nl: number;
      while ((nl = this.pending.indexOf("\n")) >= 0) {
        const line = this.pending.slice(0, nl);
        this.pending = this.pending.slice(nl + 1);
        const w = this.waiters.shift();
        if (w) w.resolve(line);
        else this.lines.push(line);
      }
    });
    this.child.stderr.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.child.on("close", (code) => {
      this.exited = new Error(`${binary} ${args.join(" ")} exited with ${String(code)}: ${this.stderr.trim()}`);
      for (const w of this.waiters.splice(0)) w.reject(this.exited);
    });
  }

  private nextLine(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Resolves once the untimed setup (fill, warm-up) is done, so it does not overlap a timed block. */
  async ready(): Promise<void> {
    const line = await this.nextLine();
    if (line !== "ready") throw new Error(`native run: expected "ready", got ${line}`);
  }

  /** Runs one timed block; resolves to its wall-clock and CPU nanoseconds. */
  async block(): Promise<BlockTime> {
    this.child.stdin.write("b\n");
    const [wall, cpu] = (await this.nextLine()).split(" ").map(Number);
    if (!(wall! >= 0 && cpu! >= 0)) throw new Error("native run: bad block time");
    return { wall: wall!, cpu: cpu! };
  }

  /** Ends the run; resolves to the summary (every block's time, checksum, final state). */
  async finish(): Promise<NativeSummary> {
    this.child.stdin.end();
    return JSON.parse(await this.nextLine()) as NativeSummary;
  }
}
