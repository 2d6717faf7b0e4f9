/** Error codes of @kva/vmap: `EINVAL` for bad arguments, `ENOENT` for an address that is not a busy area's start. */
export type VmapErrorCode = "EINVAL" | "ENOENT";

/** Thrown for misuse. The message names the bad value and the fix; the throwing call changed nothing. */
export class VmapError extends Error {
  readonly code: VmapErrorCode;
  constructor(code: VmapErrorCode, message: string) {
    super(message);
    this.name = "VmapError";
    this.code = code;
  }
}
