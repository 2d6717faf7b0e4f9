/** Misuse codes of @kva/lazy-purge: `EINVAL` for a bad option or argument, `ENOENT` for an address that is not a busy area's start (double lazy free, wild free). */
export type LazyPurgeErrorCode = "EINVAL" | "ENOENT";

/**
 * Thrown for misuse of the lazy layer itself (bad options, bad `free`/`purge` arguments, double lazy free).
 * The message names the bad value and the fix; the throwing call changed nothing. Errors of the underlying
 * allocator for bad `alloc`/`reserve` arguments propagate unchanged (`VmapError` from @kva/vmap).
 */
export class LazyPurgeError extends Error {
  readonly code: LazyPurgeErrorCode;
  constructor(code: LazyPurgeErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LazyPurgeError";
    this.code = code;
  }
}

/** The invariants `LazyPurge.check()` verifies (declared at the top of lazy-purge.ts). */
export type LazyInvariantId = "Z1" | "Z2" | "Z3" | "Z4" | "Z5";

/** A broken invariant found by `LazyPurge.check()`: `invariant` names it, the message says where. */
export class LazyPurgeInvariantError extends Error {
  readonly invariant: LazyInvariantId;
  constructor(invariant: LazyInvariantId, message: string) {
    super(`${invariant} broken: ${message}`);
    this.name = "LazyPurgeInvariantError";
    this.invariant = invariant;
  }
}
