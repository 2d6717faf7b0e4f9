import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const CLI = join(here, "../dist/cli.js");
/** `<repo root>/../shared/traces`: in CI the repo is a fresh clone with shared/ copied beside it. */
export const SHARED_TRACES = join(here, "../../../../shared/traces");

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built binary (`node dist/cli.js ...args`) with colour variables cleared unless given. Build
 * first: `pnpm --filter @kva/cli... build` (the turbo `test` task depends on `build`).
 */
export function kva(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}, cwd?: string): RunResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm --filter @kva/cli... build\` first`);
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== "NO_COLOR" && k !== "FORCE_COLOR") childEnv[k] = v;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  const r = spawnSync(process.execPath, [CLI, ...args], { env: childEnv, encoding: "utf8", cwd, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[/;
