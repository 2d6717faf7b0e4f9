import { expect } from "vitest";
import { ArchError, type ArchErrorCode } from "../src/index.js";

/** Asserts that `fn` throws an `ArchError` with this code (never the message text, STYLE.md "Errors"). */
export function expectArchError(fn: () => unknown, code: ArchErrorCode): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ArchError);
  expect((caught as ArchError).code).toBe(code);
}
