/**
 * Misuse codes: `EINVAL` for a malformed value (not page-aligned, not a power of two, a bad JSON field),
 * `ERANGE` for a well-formed value outside what the profile can express (an address at or above
 * 2^bits, a page number past the end of the space), `ENOENT` for an unknown profile or machine id.
 */
export type ArchErrorCode = "EINVAL" | "ERANGE" | "ENOENT";

/**
 * Thrown by every function of `@kva/arch` on misuse. The message names the bad value (and, for a custom
 * profile, the JSON field) and says how to fix it. Tests assert the class and `code`, never the message.
 */
export class ArchError extends Error {
  readonly code: ArchErrorCode;

  constructor(code: ArchErrorCode, message: string) {
    super(message);
    this.name = "ArchError";
    this.code = code;
  }
}
