/** Types for the `malloc` npm package (codemix), which ships none: only what the benchmark calls. */
declare module "malloc" {
  /** A best-fit allocator over one ArrayBuffer (free blocks in a skip list ordered by size). */
  export default class Allocator {
    constructor(buffer: ArrayBuffer, byteOffset?: number, byteLength?: number);
    /** Byte offset of a block of at least `numberOfBytes` (rounded up to 8, at least 16), or 0. */
    alloc(numberOfBytes: number): number;
    /** Frees the block at `address`; returns the bytes freed. */
    free(address: number): number;
    sizeOf(address: number): number;
  }
}
