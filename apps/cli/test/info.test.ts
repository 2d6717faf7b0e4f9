import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kva } from "./helpers.js";

describe("kva info", () => {
  it("prints the default profile, the machines and a simulated vmallocinfo", () => {
    const r = kva(["info"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Profile x86_64-4level");
    expect(r.stdout).toContain("0xffffc90000000000");
    expect(r.stdout).toContain("hikey960");
    expect(r.stdout).toMatch(/dup_task_struct\+0x5b\/0x1b0 pages=4 vmalloc N0=4/);
    expect(r.stdout).toContain("unpurged vm_area");
    expect(r.stdout).toContain("ioremap");
  });

  it("prints a JSON object with the profile and the vmallocinfo summary", () => {
    const r = kva(["info", "--profile", "arm64-4k-48", "--workload", "fragmented", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      profile: { id: string; pageSize: number; vmallocStart: string };
      profiles: string[];
      machines: { id: string; cpus: number }[];
      vmallocinfo: { source: string; lines: string[]; summary: { count: number; totalSize: number; byKind: unknown[]; byCaller: unknown[] } };
    };
    expect(out.profile.id).toBe("arm64-4k-48");
    expect(out.profile.vmallocStart).toBe("0xffff800080000000");
    expect(out.profiles).toContain("x86_64-4level");
    expect(out.machines.map((m) => m.id)).toEqual(["i5-3320m", "hikey960", "ci-2core", "numa-2socket"]);
    expect(out.vmallocinfo.summary.count).toBe(out.vmallocinfo.lines.length);
    expect(out.vmallocinfo.summary.count).toBeGreaterThan(50);
    expect(out.vmallocinfo.lines[0]).toMatch(/^0xffff8000[0-9a-f]{8}-0x[0-9a-f]{16} +\d+ /);
  });

  it("reads a custom profile from a JSON file", () => {
    const dir = mkdtempSync(join(tmpdir(), "kva-info-"));
    const file = join(dir, "board.json");
    writeFileSync(file, JSON.stringify({ id: "my-board", bits: 32, pageSize: 4096, vmallocStart: "0xf0000000", vmallocEnd: "0xff000000" }));
    const r = kva(["info", "--profile", file, "--json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { profile: { id: string } }).profile.id).toBe("my-board");
  });

  it("summarises a real /proc/vmallocinfo copy", () => {
    const dir = mkdtempSync(join(tmpdir(), "kva-info-"));
    const file = join(dir, "vmallocinfo");
    writeFileSync(
      file,
      [
        "0xffffb3e8c0000000-0xffffb3e8c0002000    8192 hpet_enable+0x3d/0x2d0 phys=0x00000000fed00000 ioremap",
        "0xffffb3e8c0005000-0xffffb3e8c0007000    8192 bpf_prog_alloc_no_stats+0x4c/0x170 pages=1 vmalloc N0=1",
        "0xffffb3e8c0008000-0xffffb3e8c000d000   20480 dup_task_struct+0x5b/0x1b0 pages=4 vmalloc N0=4",
        "0xffffb3e8c0010000-0xffffb3e8c0015000   20480 dup_task_struct+0x5b/0x1b0 pages=4 vmalloc N0=4",
        "0xffffb3e8c0400000-0xffffb3e8c0800000 4194304 vm_map_ram",
        "",
      ].join("\n"),
    );
    const r = kva(["info", "--vmallocinfo", file, "--json"]);
    expect(r.code).toBe(0);
    const summary = (JSON.parse(r.stdout) as { vmallocinfo: { summary: { count: number; totalSize: number; byCaller: { name: string; count: number }[] } } }).vmallocinfo.summary;
    expect(summary.count).toBe(5);
    expect(summary.totalSize).toBe(8192 + 8192 + 20480 * 2 + 4194304);
    expect(summary.byCaller.find((g) => g.name === "dup_task_struct")?.count).toBe(2);
  });

  it("exits 2 naming the file when --vmallocinfo cannot be read", () => {
    const r = kva(["info", "--vmallocinfo", "/nonexistent/vmallocinfo"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("/nonexistent/vmallocinfo");
    expect(r.stderr).toContain("ENOENT");
    expect(r.stderr).toContain("--help");
  });

  it("exits 2 for a malformed vmallocinfo file, naming the line", () => {
    const dir = mkdtempSync(join(tmpdir(), "kva-info-"));
    const file = join(dir, "bad");
    writeFileSync(file, "0xffffb3e8c0000000-0xffffb3e8c0002000    8192 vmalloc\nhello world\n");
    const r = kva(["info", "--vmallocinfo", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("line 2");
  });

  it("exits 2 naming an unknown profile", () => {
    const r = kva(["info", "--profile", "vax-780"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("vax-780");
    expect(r.stderr).toContain("x86_64-4level");
  });

  it("exits 2 naming an unknown workload", () => {
    const r = kva(["info", "--workload", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"nope"');
  });
});
