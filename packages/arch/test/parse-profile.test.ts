import { describe, expect, it } from "vitest";
import {
  type ArchErrorCode,
  listProfiles,
  parseProfile,
  profileToJSON,
  type ProfileJSON,
  vmallocRangePages,
} from "../src/index.js";
import { expectArchError } from "./expect-arch-error.js";

/** A minimal valid 64-bit custom profile. */
const BOARD: ProfileJSON = {
  id: "my-board",
  bits: 64,
  pageSize: 4096,
  vmallocStart: "0xffff800080000000",
  vmallocEnd: "0xfffffdffbf800000",
};

/** A minimal valid 32-bit custom profile. */
const BOARD32: ProfileJSON = { id: "board32", bits: 32, pageSize: 4096, vmallocStart: "0xf0800000", vmallocEnd: "0xff800000" };

const with_ = (patch: Record<string, unknown>, base: ProfileJSON = BOARD): unknown => ({ ...base, ...patch });
const without = (key: keyof ProfileJSON): unknown => Object.fromEntries(Object.entries(BOARD).filter(([k]) => k !== key));

describe("parseProfile()", () => {
  describe("valid input", () => {
    it("fills the documented defaults", () => {
      const p = parseProfile(BOARD);
      expect(p).toEqual({
        id: "my-board",
        name: "my-board",
        arch: "custom",
        bits: 64,
        vaBits: 64,
        pageSize: 4096,
        pageShift: 12,
        vmallocStart: 0xffff800080000000n,
        vmallocEnd: 0xfffffdffbf800000n,
        modulesStart: 0xffff800080000000n,
        modulesEnd: 0xfffffdffbf800000n,
        threadAlign: 16384,
        ioremapMaxOrder: 19,
        kernelVersion: "custom",
        source: [],
        notes: "",
        earlyAreas: [],
      });
      expect(Object.isFrozen(p)).toBe(true);
      expect(parseProfile(BOARD32).threadAlign).toBe(8192);
      expect(parseProfile(with_({ pageSize: 65536 })).threadAlign).toBe(65536);
    });

    it.each(listProfiles().map((p) => [p.id, p] as const))("round-trips %s through profileToJSON and JSON text", (_id, p) => {
      const json = JSON.parse(JSON.stringify(profileToJSON(p))) as unknown;
      expect(parseProfile(json)).toEqual(p);
    });

    it("accepts an end one byte below a page boundary and keeps it literally (x86-64 form)", () => {
      const p = parseProfile(with_({ vmallocStart: "0xffffc90000000000", vmallocEnd: "0xffffe8ffffffffff" }));
      expect(p.vmallocEnd).toBe(0xffffe8ffffffffffn);
      expect(vmallocRangePages(p).end * 4096).toBe(Number(0xffffe8fffffff000n));
    });

    it("accepts decimal strings, safe-integer numbers and size strings", () => {
      const p = parseProfile(
        with_({ vmallocStart: "4026531840", vmallocEnd: 4286578688, pageSize: "16K", threadAlign: "32K" }, BOARD32),
      );
      expect(p.vmallocStart).toBe(0xf0000000n);
      expect(p.vmallocEnd).toBe(0xff800000n);
      expect(p.pageSize).toBe(16384);
      expect(p.threadAlign).toBe(32768);
    });

    it("takes modules, early areas, source and the informative fields", () => {
      const p = parseProfile(
        with_({
          name: "My board",
          arch: "arm64",
          vaBits: 48,
          modulesStart: "0xffff800000000000",
          modulesEnd: "0xffff800080000000",
          ioremapMaxOrder: 30,
          kernelVersion: "v6.18",
          source: "arch/arm64/include/asm/memory.h",
          notes: "typical",
          earlyAreas: [
            { start: "0xffff800080000000", end: "0xffff800082000000", name: "kernel text" },
            { start: "0xffff800082000000", end: "0xffff800083000000" },
          ],
        }),
      );
      expect(p.modulesStart).toBe(0xffff800000000000n);
      expect(p.source).toEqual(["arch/arm64/include/asm/memory.h"]);
      expect(p.earlyAreas).toEqual([
        { start: 0xffff800080000000n, end: 0xffff800082000000n, name: "kernel text" },
        { start: 0xffff800082000000n, end: 0xffff800083000000n, name: "early area 1" },
      ]);
      expect(Object.isFrozen(p.earlyAreas[0])).toBe(true);
    });

    it("accepts 1 KiB pages on 32-bit", () => {
      expect(parseProfile(with_({ pageSize: 1024 }, BOARD32)).pageShift).toBe(10);
    });
  });

  describe("validation errors name the field", () => {
    const cases: ReadonlyArray<readonly [string, unknown, ArchErrorCode]> = [
      ["a non-object", null, "EINVAL"],
      ["an array", [], "EINVAL"],
      ["a string", "x86_64-4level", "EINVAL"],
      ["an unknown field", with_({ vmalloc_start: "0x0" }), "EINVAL"],
      ["a missing id", without("id"), "EINVAL"],
      ["an uppercase id", with_({ id: "My-Board" }), "EINVAL"],
      ["bits 48", with_({ bits: 48 }), "EINVAL"],
      ["a missing pageSize", without("pageSize"), "EINVAL"],
      ["a pageSize that is not a power of two", with_({ pageSize: 3000 }), "EINVAL"],
      ["a pageSize below 1024", with_({ pageSize: 512 }), "EINVAL"],
      ["a pageSize giving more than 2^53 pages", with_({ pageSize: 1024 }), "EINVAL"],
      ["a pageSize that is no size", with_({ pageSize: "big" }), "EINVAL"],
      ["a missing vmallocStart", without("vmallocStart"), "EINVAL"],
      ["a missing vmallocEnd", without("vmallocEnd"), "EINVAL"],
      ["a vmallocStart that is no address", with_({ vmallocStart: "start" }), "EINVAL"],
      ["an unaligned vmallocStart", with_({ vmallocStart: "0xffff800080000800" }), "EINVAL"],
      ["a vmallocEnd neither aligned nor aligned − 1", with_({ vmallocEnd: "0xfffffdffbf800001" }), "EINVAL"],
      ["start = end", with_({ vmallocEnd: "0xffff800080000000" }), "EINVAL"],
      ["start > end", with_({ vmallocStart: "0xfffffdffbf801000" }), "EINVAL"],
      ["a range without a whole page", with_({ vmallocEnd: "0xffff800080000fff" }), "EINVAL"],
      ["an address above 2^32 on 32-bit", with_({ vmallocEnd: "0x100000000" }, BOARD32), "ERANGE"],
      ["an address above 2^64", with_({ vmallocEnd: "0x10000000000000000" }), "ERANGE"],
      ["modulesStart without modulesEnd", with_({ modulesStart: "0xffff800000000000" }), "EINVAL"],
      ["modulesEnd without modulesStart", with_({ modulesEnd: "0xffff800080000000" }), "EINVAL"],
      ["an unaligned modulesStart", with_({ modulesStart: "0xffff800000000010", modulesEnd: "0xffff800080000000" }), "EINVAL"],
      ["inverted modules", with_({ modulesStart: "0xffff800080000000", modulesEnd: "0xffff800000000000" }), "EINVAL"],
      ["a threadAlign that is not a power of two", with_({ threadAlign: 3000 }), "EINVAL"],
      ["a zero threadAlign", with_({ threadAlign: 0 }), "EINVAL"],
      ["an ioremapMaxOrder below PAGE_SHIFT", with_({ ioremapMaxOrder: 5 }), "EINVAL"],
      ["an ioremapMaxOrder of bits", with_({ ioremapMaxOrder: 64 }), "EINVAL"],
      ["a fractional ioremapMaxOrder", with_({ ioremapMaxOrder: 19.5 }), "EINVAL"],
      ["vaBits above bits", with_({ vaBits: 65 }), "EINVAL"],
      ["vaBits at PAGE_SHIFT", with_({ vaBits: 12 }), "EINVAL"],
      ["a non-string name", with_({ name: 5 }), "EINVAL"],
      ["a non-string notes", with_({ notes: ["x"] }), "EINVAL"],
      ["a source of numbers", with_({ source: [1, 2] }), "EINVAL"],
      ["earlyAreas not an array", with_({ earlyAreas: {} }), "EINVAL"],
      ["an early area that is not an object", with_({ earlyAreas: ["0x0"] }), "EINVAL"],
      ["an early area with an unknown field", with_({ earlyAreas: [{ start: "0x1000", end: "0x2000", size: 1 }] }), "EINVAL"],
      ["an unaligned early area start", with_({ earlyAreas: [{ start: "0x1001", end: "0x2000" }] }), "EINVAL"],
      ["an early area end one byte below a page", with_({ earlyAreas: [{ start: "0x1000", end: "0x1fff" }] }), "EINVAL"],
      ["an inverted early area", with_({ earlyAreas: [{ start: "0x2000", end: "0x1000" }] }), "EINVAL"],
      [
        "overlapping early areas",
        with_({ earlyAreas: [{ start: "0x1000", end: "0x3000" }, { start: "0x2000", end: "0x4000" }] }),
        "EINVAL",
      ],
      ["an early area name that is not a string", with_({ earlyAreas: [{ start: "0x1000", end: "0x2000", name: 1 }] }), "EINVAL"],
      ["an early area above 2^32 on 32-bit", with_({ earlyAreas: [{ start: "0x1000", end: "0x100000000" }] }, BOARD32), "ERANGE"],
    ];

    it.each(cases)("rejects %s", (_what, json, code) => {
      expectArchError(() => parseProfile(json), code);
    });
  });
});

describe("profileToJSON()", () => {
  it("writes addresses as kernel-style hex, 16 digits on 64-bit and 8 on 32-bit", () => {
    const json = profileToJSON(parseProfile(BOARD32));
    expect(json.vmallocStart).toBe("0xf0800000");
    expect(profileToJSON(listProfiles()[0]!).vmallocEnd).toBe("0xffffe8ffffffffff");
  });
});
