import { describe, expect, it } from "vitest";
import * as testUtils from "../src/index.js";

describe("@kva/test-utils", () => {
  it("exports exactly the documented runtime names", () => {
    expect(Object.keys(testUtils).sort()).toEqual(
      [
        "InvariantError",
        "NaiveAllocator",
        "NaiveAllocatorError",
        "Prng",
        "alignUp",
        "applyOp",
        "assertFreeNeverTouch",
        "assertPartition",
        "assertSameLayout",
        "assertSortedDisjoint",
        "assertStatsConsistent",
        "assertValidFit",
        "classifyFit",
        "createPrng",
        "lowestFit",
        "lowestPaddedBlockFit",
        "randomOps",
        "readPackageReadme",
        "snapshot",
        "usageExample",
      ].sort(),
    );
  });

  it("lets a naive allocator stand where the allocator contract is expected", () => {
    const allocator: testUtils.AllocatorLike = new testUtils.NaiveAllocator({ start: 0, end: 64 });
    const addr = allocator.alloc(8, 8, 4);
    testUtils.assertValidFit(addr, 8, 8, 4, 64);
    testUtils.assertPartition(allocator);
    testUtils.assertStatsConsistent(allocator);
    expect(addr).toBe(8);
  });
});

describe("the README example", () => {
  it("matches the naive model on a seeded random run", () => {
    const { NaiveAllocator, Prng, applyOp, assertPartition, assertSameLayout, assertStatsConsistent, randomOps } = testUtils;
    const space = { start: 0, end: 1 << 16 };
    const model = new NaiveAllocator(space);
    const subject = new NaiveAllocator(space); // VmapSpace in the README
    const liveModel: number[] = [];
    const liveSubject: number[] = [];
    for (const op of randomOps(new Prng(42), { count: 10_000, space, maxSize: 64, alignMax: 16, windowProb: 0.2 })) {
      expect(applyOp(subject, op, liveSubject)).toEqual(applyOp(model, op, liveModel));
      subject.check();
    }
    assertSameLayout(subject, model);
    assertPartition(subject);
    assertStatsConsistent(subject);
  });
});
