/**
 * A pool of fixed-size node records in one ArrayBuffer, grown by doubling, with a free-slot list.
 *
 * Every record starts with the four link words the tree owns (parent, left, right, colour, as int32);
 * the caller's own fields follow in the same record, read through the `i32` and `f64` views. Keeping a
 * node's links and its keys side by side means a tree descent touches one cache line per node.
 *
 *     byte  0        4        8        12       16 ...................... recordBytes
 *           parent   left     right    colour   caller's fields (int32 words from 4, float64 slots from 2)
 *
 * Invariants:
 * - P1 record 0 is the nil node (`NIL`): never allocated, its link words stay 0.
 * - P2 a released record is on the free list (threaded through its parent word) with colour `FREE`.
 * - P3 `live` = allocated records; `capacity` − 1 − `live` = records on the free list or never used.
 *
 * The views are replaced when the pool grows: re-read `pool.i32` / `pool.f64` after every `alloc()`.
 */

/** The nil node index: "no node". (Hot paths of this package use the literal values of these constants.) */
export const NIL = 0;
/** Int32 word offsets of the link fields in every record. */
export const PARENT = 0;
export const LEFT = 1;
export const RIGHT = 2;
export const COLOR = 3;
/** First int32 word and first float64 slot free for the caller's fields. */
export const FIRST_USER_WORD = 4;
export const FIRST_USER_SLOT = 2;
/** Colour values stored in the `COLOR` word. */
export const RED = 0;
export const BLACK = 1;
/** Colour of a record on the free list (never seen in a tree). */
export const FREE = 2;

/** Options for {@link NodePool}. */
export interface NodePoolOptions {
  /** Bytes per record; a multiple of 8, at least 16 (the links). Default 32. */
  readonly recordBytes?: number;
  /** Records to allocate up front (the pool doubles when full). Default 16. */
  readonly initialCapacity?: number;
}

/** Statistics of a {@link NodePool}. */
export interface NodePoolStats {
  readonly recordBytes: number;
  /** Records in the buffer, the nil record included. */
  readonly capacity: number;
  /** Records in use. */
  readonly live: number;
  /** Allocations served from the free-slot list. */
  readonly reused: number;
  /** Allocations served from never-used records. */
  readonly fresh: number;
  /** Times the buffer doubled. */
  readonly grows: number;
  /** Size of the ArrayBuffer. */
  readonly bytes: number;
}

/** Error thrown by the rbtree package for misuse (bad options, releasing a free record). */
export class RbTreeError extends Error {
  readonly code: "EINVAL" | "ENOENT";
  constructor(code: "EINVAL" | "ENOENT", message: string) {
    super(message);
    this.name = "RbTreeError";
    this.code = code;
  }
}

/** A growable pool of node records. */
export class NodePool {
  readonly recordBytes: number;
  /** Int32 words per record. */
  readonly stride32: number;
  /** Float64 slots per record. */
  readonly stride64: number;
  buffer: ArrayBuffer;
  i32: Int32Array;
  f64: Float64Array;
  /** Records in the buffer (record 0 is nil). */
  capacity: number;
  /** Records in use. */
  live = 0;
  private freeHead = NIL;
  private used = 1; // records ever handed out, plus nil
  private reusedCount = 0;
  private freshCount = 0;
  private growCount = 0;

  constructor(options: NodePoolOptions = {}) {
    const recordBytes = options.recordBytes ?? 32;
    const initial = options.initialCapacity ?? 16;
    if (!Number.isSafeInteger(recordBytes) || recordBytes < 16 || recordBytes % 8 !== 0) {
      throw new RbTreeError("EINVAL", `recordBytes ${String(recordBytes)} is invalid: use a multiple of 8 that is at least 16`);
    }
    if (!Number.isSafeInteger(initial) || initial < 2 || initial > 2 ** 26) {
      throw new RbTreeError("EINVAL", `initialCapacity ${String(initial)} is invalid: use an integer in [2, 2^26]`);
    }
    this.recordBytes = recordBytes;
    this.stride32 = recordBytes >> 2;
    this.stride64 = recordBytes >> 3;
    this.capacity = initial;
    this.buffer = new ArrayBuffer(initial * recordBytes);
    this.i32 = new Int32Array(this.buffer);
    this.f64 = new Float64Array(this.buffer);
  }

  /** Takes a record (zeroed links, colour red, caller's fields as left by the last user). May grow the pool. */
  alloc(): number {
    // Offsets are literals here (PARENT 0, LEFT 1, RIGHT 2, COLOR 3; RED 0; nil 0): this is on every
    // allocator's hot path, and module constants would be read from their bindings on each use.
    let node = this.freeHead;
    if (node !== 0) {
      this.freeHead = this.i32[node * this.stride32]!;
      this.reusedCount++;
    } else {
      if (this.used === this.capacity) this.grow();
      node = this.used++;
      this.freshCount++;
    }
    const i32 = this.i32;
    const base = node * this.stride32;
    i32[base] = 0;
    i32[base + 1] = 0;
    i32[base + 2] = 0;
    i32[base + 3] = 0;
    this.live++;
    return node;
  }

  /** Returns a record to the free list. The record must not be linked in any tree. */
  release(node: number): void {
    if (!this.isLive(node)) {
      throw new RbTreeError("ENOENT", `node ${String(node)} is not an allocated record of this pool; release each node once`);
    }
    const base = node * this.stride32;
    this.i32[base + 3] = 2; // COLOR = FREE
    this.i32[base] = this.freeHead; // PARENT = next free record
    this.freeHead = node;
    this.live--;
  }

  /** Whether the next `alloc()` will reuse a released record (rather than a never-used one). */
  get hasReleased(): boolean {
    return this.freeHead !== 0;
  }

  /** Whether `node` is an allocated (not free, not nil) record. */
  isLive(node: number): boolean {
    return Number.isInteger(node) && node > 0 && node < this.used && this.i32[node * this.stride32 + 3] !== 2; // COLOR !== FREE
  }

  /** Grows the buffer so that at least `records` records exist (the nil record included). */
  reserve(records: number): void {
    while (this.capacity < records) this.grow();
  }

  stats(): NodePoolStats {
    return {
      recordBytes: this.recordBytes,
      capacity: this.capacity,
      live: this.live,
      reused: this.reusedCount,
      fresh: this.freshCount,
      grows: this.growCount,
      bytes: this.buffer.byteLength,
    };
  }

  private grow(): void {
    const next = this.capacity * 2;
    const buffer = new ArrayBuffer(next * this.recordBytes);
    new Uint8Array(buffer).set(new Uint8Array(this.buffer));
    this.buffer = buffer;
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.capacity = next;
    this.growCount++;
  }
}
