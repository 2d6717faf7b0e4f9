/**
 * Shared fixtures for the vmap tests: error expectations that also prove "a throwing call changes
 * nothing", and small builders for spaces in a known state.
 */
import { assertPartition, assertStatsConsistent, snapshot } from "@kva/test-utils";
import { expect } from "vitest";
import { type Range, type SearchPolicy, VmapError, type VmapErrorCode, VmapSpace, type VmapSpaceOptions } from "../src/index.js";

export const POLICIES: readonly SearchPolicy[] = ["padded", "exact", "adaptive"];

/** Runs `fn`, expects a `VmapError` with `code`, and returns it. */
export function expectVmapError(fn: () => unknown, code: VmapErrorCode): VmapError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(VmapError);
  expect((caught as VmapError).code).toBe(code);
  return caught as VmapError;
}

/** Expects `fn(space)` to throw `VmapError` with `code` and to leave `busyAreas()`, `freeAreas()` and `stats()` as they were. */
export function expectRejected(space: VmapSpace, fn: (space: VmapSpace) => unknown, code: VmapErrorCode): void {
  const before = snapshot(space);
  expect(() => fn(space)).toThrow(VmapError);
  expectVmapError(() => fn(space), code);
  expect(snapshot(space)).toEqual(before);
  space.check();
}

/** `check()` plus the test-utils view of the same invariants (P1 partition, S1 stats). */
export function verify(space: VmapSpace): void {
  space.check();
  assertPartition(space);
  assertStatsConsistent(space);
}

/** Free blocks as plain `[start, end)` pairs, for compact expectations. */
export function free(space: VmapSpace): [number, number][] {
  return Array.from(space.freeAreas(), (r: Range) => [r.start, r.end]);
}

/** Busy areas as plain `[start, end)` pairs. */
export function busy(space: VmapSpace): [number, number][] {
  return Array.from(space.busyAreas(), (r: Range) => [r.start, r.end]);
}

/**
 * A space whose free blocks are exactly `blocks` (sorted, disjoint, not touching), everything else busy,
 * built with `reserve()` from left to right. The tree shape is whatever those reserves produce.
 */
export function withFreeBlocks(options: VmapSpaceOptions, blocks: readonly [number, number][]): VmapSpace {
  const space = new VmapSpace(options);
  let cursor = space.start;
  for (const [s, e] of [...blocks, [space.end, space.end] as [number, number]]) {
    if (s > cursor) expect(space.reserve(cursor, s - cursor)).toBe(true);
    cursor = e;
  }
  expect(free(space)).toEqual(blocks);
  return space;
}
