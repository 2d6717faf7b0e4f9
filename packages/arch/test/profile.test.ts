import { describe, expect, it } from "vitest";
import { defineProfile } from "../src/profile.js";

describe("defineProfile()", () => {
  const spec = {
    id: "t",
    name: "t",
    arch: "custom",
    bits: 64 as const,
    vaBits: 48,
    pageSize: 16384,
    vmallocStart: 0x4000n,
    vmallocEnd: 0x8000n,
    modulesStart: 0x4000n,
    modulesEnd: 0x8000n,
    threadAlign: 16384,
    ioremapMaxOrder: 21,
    kernelVersion: "custom",
    source: ["a.h"],
    notes: "",
    earlyAreas: [{ start: 0x4000n, end: 0x8000n, name: "x" }],
  };

  it("derives pageShift and freezes the profile, its arrays and its early areas (P5)", () => {
    const p = defineProfile(spec);
    expect(p.pageShift).toBe(14);
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.source)).toBe(true);
    expect(Object.isFrozen(p.earlyAreas)).toBe(true);
    expect(Object.isFrozen(p.earlyAreas[0])).toBe(true);
  });

  it("copies the arrays it is given", () => {
    const source = ["a.h"];
    const p = defineProfile({ ...spec, source });
    source.push("b.h");
    expect(p.source).toEqual(["a.h"]);
  });
});
