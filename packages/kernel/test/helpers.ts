/** Shared fixtures of the @kva/kernel tests. */
import { type ArchProfile, parseProfile } from "@kva/arch";
import { expect } from "vitest";
import { type AllocatorKind, type Kernel, KernelError, type KernelErrorCode, type KernelOptions, createKernel } from "../src/index.js";

export const PAGE = 4096;
export const STACKS: readonly AllocatorKind[] = ["augmented", "legacy"];
export const ERAS = ["5.2", "5.11"] as const;

/** x86-64 4-level `VMALLOC_START`. */
export const X86_START = 0xffffc90000000000n;

/** Byte address `pages` pages above `base`. */
export function at(base: bigint, pages: number): bigint {
  return base + BigInt(pages * PAGE);
}

/**
 * A 64-bit profile whose vmalloc range holds exactly `pages` pages, at x86-64's `VMALLOC_START`
 * (small enough to fill up in a test).
 */
export function tinyProfile(pages: number, extra: Record<string, unknown> = {}): ArchProfile {
  return parseProfile({
    id: `tiny-${pages}`,
    bits: 64,
    pageSize: 4096,
    vmallocStart: "0xffffc90000000000",
    vmallocEnd: `0x${(X86_START + BigInt(pages * PAGE)).toString(16)}`,
    ...extra,
  });
}

/** A kernel on a tiny profile that records its warnings. */
export function tinyKernel(pages: number, options: KernelOptions = {}): { kernel: Kernel; warnings: string[] } {
  const warnings: string[] = [];
  const kernel = createKernel({ profile: tinyProfile(pages), onWarn: (m) => warnings.push(m), ...options });
  return { kernel, warnings };
}

/** What a misuse must leave unchanged: the vmallocinfo text and the full stats. */
export function state(kernel: Kernel): { info: string; stats: ReturnType<Kernel["stats"]> } {
  return { info: kernel.vmallocinfo(), stats: kernel.stats() };
}

/** Runs `fn`, expects a KernelError with `code`, and that the kernel's state did not change. */
export function expectMisuse(kernel: Kernel, code: KernelErrorCode, fn: () => unknown): void {
  const before = state(kernel);
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(KernelError);
  expect((error as KernelError).code).toBe(code);
  expect(state(kernel)).toEqual(before);
  kernel.check();
}

/** The vmallocinfo lines without their addresses (what a hashed or zeroed file keeps). */
export function withoutAddresses(text: string): string[] {
  return text
    .trim()
    .split("\n")
    .map((line) => line.replace(/^0x[0-9a-f]+-0x[0-9a-f]+/, ""));
}
