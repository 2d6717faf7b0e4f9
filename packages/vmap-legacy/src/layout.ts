/**
 * The 48-byte record of one busy `vmap_area` (allocated, reserved, early or detached):
 *
 *     int32 words                                     float64 slots            int32 word
 *     0 parent  1 left  2 right  3 colour  4 prev  5 next | 3 va_start  4 va_end | 10 flags
 *     byte 0 .............................................. 24 ................... 40 ........ 48
 *
 * Words 0–3 belong to the busy red-black tree (`vmap_area_root`); `prev`/`next` link the address-ordered
 * busy list (`vmap_area_list`) that the allocation walk follows with `list_next_entry`.
 */
export const RECORD_BYTES = 48;
export const S32 = RECORD_BYTES >> 2;
export const S64 = RECORD_BYTES >> 3;
/** int32 word: previous busy area in address order (`NIL` for the first). */
export const PREV = 4;
/** int32 word: next busy area in address order (`NIL` for the last: `list_is_last`). */
export const NEXT = 5;
/** int32 word: `FLAG_*` bits. */
export const FLAGS = 10;
/** float64 slot: first unit of the area. */
export const START = 3;
/** float64 slot: end of the area (exclusive). */
export const END = 4;
/** The area was detached (lazily freed): it still blocks allocation until `release`. */
export const FLAG_DETACHED = 1;
