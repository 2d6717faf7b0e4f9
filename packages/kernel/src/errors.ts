/** `EINVAL`: bad arguments; `ENOENT`: freeing or looking up something that is not there. */
export type KernelErrorCode = "EINVAL" | "ENOENT";

/** Thrown for misuse of the simulated kernel. The message names the value and the fix; nothing changed. */
export class KernelError extends Error {
  readonly code: KernelErrorCode;
  constructor(code: KernelErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = "KernelError";
    this.code = code;
  }
}
