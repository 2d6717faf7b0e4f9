import { describe, expect, it } from "vitest";
import { ANSI, kva } from "./helpers.js";

const COMMANDS = ["test-vmalloc", "bench", "replay", "info", "map"] as const;

describe("kva", () => {
  it("prints the version from package.json", () => {
    const r = kva(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("lists every command in --help and exits 0", () => {
    const r = kva(["--help"]);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c);
    expect(r.stdout).toContain("Exit codes");
  });

  it.each(COMMANDS)("shows help with examples for %s and exits 0", (command) => {
    const r = kva([command, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: kva ${command}`);
    expect(r.stdout).toContain("Examples:");
  });

  it("prints usage and exits 2 without a command", () => {
    const r = kva([]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain("Usage: kva");
  });

  it("exits 2 naming an unknown command", () => {
    const r = kva(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("frobnicate");
  });

  it("exits 2 naming an unknown option", () => {
    const r = kva(["info", "--frob"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--frob");
  });

  it("exits 2 naming a bad option value and the allowed ones", () => {
    const r = kva(["info", "--allocator", "buddy"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("buddy");
    expect(r.stderr).toContain("augmented");
  });

  it("exits 2 naming a bad number", () => {
    const r = kva(["info", "--cpus", "two"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'two'");
  });

  it("writes no ANSI escapes when piped, and none with NO_COLOR even when forced", () => {
    expect(kva(["info"]).stdout).not.toMatch(ANSI);
    expect(kva(["info"], { FORCE_COLOR: "1", NO_COLOR: "1" }).stdout).not.toMatch(ANSI);
  });

  it("colours output when FORCE_COLOR is set and NO_COLOR is not", () => {
    expect(kva(["info"], { FORCE_COLOR: "1" }).stdout).toMatch(ANSI);
  });
});
