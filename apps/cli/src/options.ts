/**
 * Parsers for the options several commands share. Each throws commander's `InvalidArgumentError`, so the
 * message reads `option '--cpus <n>' argument 'x' is invalid. <why and the fix>` and the exit code is 2.
 */
import { type ArchProfile, type MachinePreset, getMachine, getProfile, listMachines, listProfiles, parseProfile } from "@kva/arch";
import { InvalidArgumentError } from "commander";
import { readInputFile, messageOf, UsageError } from "./errors.js";

/** A parser for an integer option in `[min, max]`. */
export function intArg(what: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const text = value.trim();
    const n = /^[+]?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
      throw new InvalidArgumentError(`${what} must be ${range}.`);
    }
    return n;
  };
}

/** Reads a profile argument: a built-in id, else a path to a JSON profile. */
export function resolveProfile(value: string): ArchProfile {
  const ids = listProfiles().map((p) => p.id);
  if (ids.includes(value)) return getProfile(value);
  const looksLikePath = value.includes("/") || value.includes("\\") || value.endsWith(".json");
  if (!looksLikePath) {
    throw new UsageError(`--profile ${JSON.stringify(value)} is neither a built-in profile nor a .json file; pick one of ${ids.join(", ")} (see kva info) or pass a path to a JSON profile`);
  }
  const text = readInputFile(value, "--profile file").toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--profile file ${JSON.stringify(value)} is not JSON (${messageOf(err)}); write a profile object as documented in @kva/arch parseProfile`);
  }
  try {
    return parseProfile(json);
  } catch (err) {
    throw new UsageError(`--profile file ${JSON.stringify(value)} is not a valid profile: ${messageOf(err)}`);
  }
}

/** commander parser form of {@link resolveProfile}. */
export function profileArg(value: string): ArchProfile {
  try {
    return resolveProfile(value);
  } catch (err) {
    throw new InvalidArgumentError(messageOf(err));
  }
}

/** Reads a `--machine` argument: one of the presets. */
export function machineArg(value: string): MachinePreset {
  const ids = listMachines().map((m) => m.id);
  if (!ids.includes(value)) throw new InvalidArgumentError(`no machine ${JSON.stringify(value)}; pick one of ${ids.join(", ")}.`);
  return getMachine(value);
}

/** Help line listing the built-in profile ids. */
export function profileHelp(): string {
  return `architecture profile: a built-in id (${listProfiles()
    .map((p) => p.id)
    .join(", ")}) or a path to a JSON profile file`;
}

export function machineHelp(): string {
  return `machine preset (${listMachines()
    .map((m) => m.id)
    .join(", ")}): sets the profile and the CPU count`;
}
