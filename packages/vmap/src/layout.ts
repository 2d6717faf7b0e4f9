/**
 * The 48-byte record every vmap area (busy or free) lives in, one `NodePool` for both trees, as the
 * kernel uses one `struct vmap_area` for both:
 *
 *     int32 words                                   float64 slots
 *     0 parent  1 left  2 right  3 colour  4 prev  5 next | 3 va_start  4 va_end  5 subtree_max_size
 *     byte 0 ............................................ 24 ............................ 48
 *
 * `prev`/`next` link the address-ordered free list (the `free_vmap_area_list` analogue).
 */
export const RECORD_BYTES = 48;
export const S32 = RECORD_BYTES >> 2;
export const S64 = RECORD_BYTES >> 3;
/** int32 word: previous free block in address order. */
export const PREV = 4;
/** int32 word: next free block in address order. */
export const NEXT = 5;
/** float64 slot: first unit of the area. */
export const START = 3;
/** float64 slot: end of the area (exclusive). */
export const END = 4;
/** float64 slot: largest free block size in this node's subtree (free tree only). */
export const MAX = 5;
