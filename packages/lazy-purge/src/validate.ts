import { describeValue as describe, isAddress, isPowerOfTwo } from "@kva/vmap";
import { LazyPurgeError } from "./errors.js";

// The predicates are the allocator contract's own (@kva/vmap), so both layers accept the same values.
export { describe, isAddress, isPowerOfTwo };

/** A positive safe integer. */
export function isCount(value: unknown): value is number {
  return isAddress(value) && value > 0;
}

export function einval(message: string): LazyPurgeError {
  return new LazyPurgeError("EINVAL", message);
}

/** `value` as an address, or throws this package's `EINVAL` naming `what`. */
export function requireAddress(value: unknown, what: string): number {
  if (!isAddress(value)) throw einval(`${what} ${describe(value)} is invalid: pass a non-negative safe integer`);
  return value;
}
