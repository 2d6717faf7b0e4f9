/** Misuse codes: `EINVAL` for a bad argument, `ENOENT` for an address that names no area. */
export type NaiveAllocatorErrorCode = "EINVAL" | "ENOENT";

/**
 * Thrown by `NaiveAllocator` and the fit helpers on misuse. The message names the bad value and the fix;
 * a call that throws has changed nothing. Tests assert the class and `code`, never the message.
 */
export class NaiveAllocatorError extends Error {
  readonly code: NaiveAllocatorErrorCode;

  constructor(code: NaiveAllocatorErrorCode, message: string) {
    super(message);
    this.name = "NaiveAllocatorError";
    this.code = code;
  }
}
