/*
 * vmap.c: a native C build of the @kva/vmap free-tree allocator, for the benchmark only.
 *
 * Our own C, written from our TypeScript sources (packages/rbtree/src/rbtree.ts, packages/vmap/src/
 * free-space.ts, vmap-space.ts) and the algorithm notes in KERNEL.md §2-§4; no kernel code. It makes the
 * same structural choices as the TypeScript version (Linux lib/rbtree.c insert/erase cases, successor on
 * erase, augment callbacks at the same points, the v5.2 order of tree operations), so for the same operation
 * sequence it returns the same addresses, aligned requests under the padded search included. bench/run.ts
 * checks that with a checksum of every returned address.
 *
 * Storage mirrors the TypeScript pool: 48-byte records in one array grown by doubling, int32 links, a
 * free-slot list, record 0 = nil (its max is 0, so a missing child never qualifies in the search).
 *
 *   free tree: augmented red-black tree of free blocks sorted by start, subtree_max_size in `max`,
 *              paired with an address-ordered doubly linked list (prev/next) for merging;
 *   busy tree: plain red-black tree of busy areas sorted by start (free by address).
 *
 * Usage (each "b" line on stdin runs one timed block and prints its wall-clock and CPU nanoseconds; EOF
 * prints a JSON summary), so that bench/run.ts can interleave the C blocks with the TypeScript ones:
 *   vmap-native steady <ops.bin>        the steady-state workload written by bench/workload.ts
 *   vmap-native lbl <busy> <loops>      long_busy_list: <busy> 2-unit areas, then per loop
 *                                       alloc 101, alloc 2, free both
 *   e.g.  printf 'b\nb\nb\n' | vmap-native steady bench/.work/ops-align1-100000.bin
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NIL 0
#define RED 0
#define BLACK 1
#define FREED 2

typedef struct {
  int32_t parent, left, right, color, prev, next;
  int64_t start, end, max;
} node_t; /* 48 bytes, the TypeScript record layout */

typedef struct {
  int32_t root, size;
} tree_t;

static node_t *P;
static int32_t pool_cap, pool_used = 1, pool_free = NIL, pool_live = 0;
static tree_t FT, BT;                  /* free tree, busy tree */
static int32_t list_head = NIL, list_tail = NIL;
static int64_t space_start, space_end;

/* ------------------------------------------------------------------ pool */

static void pool_init(int32_t cap) {
  pool_cap = cap;
  P = calloc((size_t)cap, sizeof(node_t));
  if (!P) { fprintf(stderr, "out of memory\n"); exit(2); }
}

static int32_t pool_alloc(void) {
  int32_t n = pool_free;
  if (n != NIL) {
    pool_free = P[n].parent;
  } else {
    if (pool_used == pool_cap) {
      node_t *q = realloc(P, (size_t)pool_cap * 2 * sizeof(node_t));
      if (!q) { fprintf(stderr, "out of memory\n"); exit(2); }
      memset(q + pool_cap, 0, (size_t)pool_cap * sizeof(node_t));
      P = q;
      pool_cap *= 2;
    }
    n = pool_used++;
  }
  P[n].parent = NIL;
  P[n].left = NIL;
  P[n].right = NIL;
  P[n].color = RED;
  pool_live++;
  return n;
}

static void pool_release(int32_t n) {
  P[n].color = FREED;
  P[n].parent = pool_free;
  pool_free = n;
  pool_live--;
}

/* ------------------------------------------------------------------ augmentation (subtree_max_size) */

static inline int64_t aug_compute(int32_t n) {
  int64_t m = P[n].end - P[n].start;
  int32_t l = P[n].left, r = P[n].right;
  if (l != NIL && P[l].max > m) m = P[l].max;
  if (r != NIL && P[r].max > m) m = P[r].max;
  return m;
}

static void aug_propagate(int32_t n, int32_t stop) {
  while (n != stop) {
    int64_t m = aug_compute(n);
    if (P[n].max == m) break;
    P[n].max = m;
    n = P[n].parent;
  }
}

static inline void aug_copy(int32_t o, int32_t nw) { P[nw].max = P[o].max; }

static inline void aug_rotate(int32_t o, int32_t nw) {
  P[nw].max = P[o].max;
  P[o].max = aug_compute(o);
}

/* ------------------------------------------------------------------ red-black tree (lib/rbtree.c cases) */

static inline void change_child(tree_t *t, int32_t o, int32_t nw, int32_t parent) {
  if (parent != NIL) {
    if (P[parent].left == o) P[parent].left = nw;
    else P[parent].right = nw;
  } else {
    t->root = nw;
  }
}

static inline void rotate_set_parents(tree_t *t, int32_t o, int32_t nw, int32_t color) {
  int32_t parent = P[o].parent;
  P[nw].parent = parent;
  P[nw].color = P[o].color;
  P[o].parent = nw;
  P[o].color = color;
  change_child(t, o, nw, parent);
}

static inline void rb_link(tree_t *t, int32_t n, int32_t parent, int right) {
  P[n].parent = parent;
  P[n].left = NIL;
  P[n].right = NIL;
  P[n].color = RED;
  if (parent == NIL) t->root = n;
  else if (right) P[parent].right = n;
  else P[parent].left = n;
  t->size++;
}

static void rb_insert(tree_t *t, int32_t node, int aug) {
  int32_t parent = P[node].parent, gparent, tmp;
  for (;;) {
    if (parent == NIL) { P[node].color = BLACK; break; }
    if (P[parent].color == BLACK) break;
    gparent = P[parent].parent;
    tmp = P[gparent].right;
    if (parent != tmp) {
      if (tmp != NIL && P[tmp].color == RED) {
        P[tmp].color = BLACK;
        P[parent].color = BLACK;
        node = gparent;
        parent = P[node].parent;
        P[node].color = RED;
        continue;
      }
      tmp = P[parent].right;
      if (node == tmp) {
        tmp = P[node].left;
        P[parent].right = tmp;
        P[node].left = parent;
        if (tmp != NIL) { P[tmp].parent = parent; P[tmp].color = BLACK; }
        P[parent].parent = node;
        P[parent].color = RED;
        if (aug) aug_rotate(parent, node);
        parent = node;
        tmp = P[node].right;
      }
      P[gparent].left = tmp;
      P[parent].right = gparent;
      if (tmp != NIL) { P[tmp].parent = gparent; P[tmp].color = BLACK; }
      rotate_set_parents(t, gparent, parent, RED);
      if (aug) aug_rotate(gparent, parent);
      break;
    } else {
      tmp = P[gparent].left;
      if (tmp != NIL && P[tmp].color == RED) {
        P[tmp].color = BLACK;
        P[parent].color = BLACK;
        node = gparent;
        parent = P[node].parent;
        P[node].color = RED;
        continue;
      }
      tmp = P[parent].left;
      if (node == tmp) {
        tmp = P[node].right;
        P[parent].left = tmp;
        P[node].right = parent;
        if (tmp != NIL) { P[tmp].parent = parent; P[tmp].color = BLACK; }
        P[parent].parent = node;
        P[parent].color = RED;
        if (aug) aug_rotate(parent, node);
        parent = node;
        tmp = P[node].left;
      }
      P[gparent].right = tmp;
      P[parent].left = gparent;
      if (tmp != NIL) { P[tmp].parent = gparent; P[tmp].color = BLACK; }
      rotate_set_parents(t, gparent, parent, RED);
      if (aug) aug_rotate(gparent, parent);
      break;
    }
  }
}

/* Unlinks `node`; returns where the colour fix-up starts (NIL = none). */
static int32_t rb_erase_node(tree_t *t, int32_t node, int aug) {
  int32_t child = P[node].right, tmp = P[node].left, parent, rebalance;
  if (tmp == NIL) {
    int32_t color;
    parent = P[node].parent;
    color = P[node].color;
    change_child(t, node, child, parent);
    if (child != NIL) {
      P[child].parent = parent;
      P[child].color = color;
      rebalance = NIL;
    } else {
      rebalance = color == BLACK ? parent : NIL;
    }
    tmp = parent;
  } else if (child == NIL) {
    parent = P[node].parent;
    P[tmp].parent = parent;
    P[tmp].color = P[node].color;
    change_child(t, node, tmp, parent);
    rebalance = NIL;
    tmp = parent;
  } else {
    int32_t successor = child, child2, np, nc;
    tmp = P[child].left;
    if (tmp == NIL) {
      parent = successor;
      child2 = P[successor].right;
      if (aug) aug_copy(node, successor);
    } else {
      do {
        parent = successor;
        successor = tmp;
        tmp = P[tmp].left;
      } while (tmp != NIL);
      child2 = P[successor].right;
      P[parent].left = child2;
      P[successor].right = child;
      P[child].parent = successor;
      if (aug) {
        aug_copy(node, successor);
        aug_propagate(parent, successor);
      }
    }
    tmp = P[node].left;
    P[successor].left = tmp;
    P[tmp].parent = successor;
    np = P[node].parent;
    nc = P[node].color;
    change_child(t, node, successor, np);
    if (child2 != NIL) {
      P[child2].parent = parent;
      P[child2].color = BLACK;
      rebalance = NIL;
    } else {
      rebalance = P[successor].color == BLACK ? parent : NIL;
    }
    P[successor].parent = np;
    P[successor].color = nc;
    tmp = successor;
  }
  if (aug) aug_propagate(tmp, NIL);
  P[node].parent = NIL;
  P[node].left = NIL;
  P[node].right = NIL;
  t->size--;
  return rebalance;
}

static void rb_erase_color(tree_t *t, int32_t parent, int aug) {
  int32_t node = NIL, sibling, tmp1, tmp2;
  for (;;) {
    sibling = P[parent].right;
    if (node != sibling) {
      if (P[sibling].color == RED) {
        tmp1 = P[sibling].left;
        P[parent].right = tmp1;
        P[sibling].left = parent;
        P[tmp1].parent = parent;
        P[tmp1].color = BLACK;
        rotate_set_parents(t, parent, sibling, RED);
        if (aug) aug_rotate(parent, sibling);
        sibling = tmp1;
      }
      tmp1 = P[sibling].right;
      if (tmp1 == NIL || P[tmp1].color == BLACK) {
        tmp2 = P[sibling].left;
        if (tmp2 == NIL || P[tmp2].color == BLACK) {
          P[sibling].parent = parent;
          P[sibling].color = RED;
          if (P[parent].color == RED) {
            P[parent].color = BLACK;
          } else {
            node = parent;
            parent = P[node].parent;
            if (parent != NIL) continue;
          }
          break;
        }
        tmp1 = P[tmp2].right;
        P[sibling].left = tmp1;
        P[tmp2].right = sibling;
        P[parent].right = tmp2;
        if (tmp1 != NIL) { P[tmp1].parent = sibling; P[tmp1].color = BLACK; }
        if (aug) aug_rotate(sibling, tmp2);
        tmp1 = sibling;
        sibling = tmp2;
      }
      tmp2 = P[sibling].left;
      P[parent].right = tmp2;
      P[sibling].left = parent;
      P[tmp1].parent = sibling;
      P[tmp1].color = BLACK;
      if (tmp2 != NIL) P[tmp2].parent = parent;
      rotate_set_parents(t, parent, sibling, BLACK);
      if (aug) aug_rotate(parent, sibling);
      break;
    } else {
      sibling = P[parent].left;
      if (P[sibling].color == RED) {
        tmp1 = P[sibling].right;
        P[parent].left = tmp1;
        P[sibling].right = parent;
        P[tmp1].parent = parent;
        P[tmp1].color = BLACK;
        rotate_set_parents(t, parent, sibling, RED);
        if (aug) aug_rotate(parent, sibling);
        sibling = tmp1;
      }
      tmp1 = P[sibling].left;
      if (tmp1 == NIL || P[tmp1].color == BLACK) {
        tmp2 = P[sibling].right;
        if (tmp2 == NIL || P[tmp2].color == BLACK) {
          P[sibling].parent = parent;
          P[sibling].color = RED;
          if (P[parent].color == RED) {
            P[parent].color = BLACK;
          } else {
            node = parent;
            parent = P[node].parent;
            if (parent != NIL) continue;
          }
          break;
        }
        tmp1 = P[tmp2].left;
        P[sibling].right = tmp1;
        P[tmp2].left = sibling;
        P[parent].left = tmp2;
        if (tmp1 != NIL) { P[tmp1].parent = sibling; P[tmp1].color = BLACK; }
        if (aug) aug_rotate(sibling, tmp2);
        tmp1 = sibling;
        sibling = tmp2;
      }
      tmp2 = P[sibling].right;
      P[parent].left = tmp2;
      P[sibling].right = parent;
      P[tmp1].parent = sibling;
      P[tmp1].color = BLACK;
      if (tmp2 != NIL) P[tmp2].parent = parent;
      rotate_set_parents(t, parent, sibling, BLACK);
      if (aug) aug_rotate(parent, sibling);
      break;
    }
  }
}

static inline void rb_erase(tree_t *t, int32_t node, int aug) {
  int32_t rebalance = rb_erase_node(t, node, aug);
  if (rebalance != NIL) rb_erase_color(t, rebalance, aug);
}

/* ------------------------------------------------------------------ free space (tree + list) */

static int64_t free_size;

/* link_va for the free tree: list position from the parent, rb link, augmented rebalance, propagate. */
static void free_link_at(int32_t node, int32_t parent, int right) {
  int32_t prev, next;
  if (parent == NIL) { prev = NIL; next = NIL; }
  else if (right) { prev = parent; next = P[parent].next; }
  else { next = parent; prev = P[parent].prev; }
  P[node].prev = prev;
  P[node].next = next;
  if (prev == NIL) list_head = node; else P[prev].next = node;
  if (next == NIL) list_tail = node; else P[next].prev = node;
  rb_link(&FT, node, parent, right);
  P[node].max = 0;
  rb_insert(&FT, node, 1);
  aug_propagate(node, NIL);
  free_size += P[node].end - P[node].start;
}

/* Insert a free block, descending from `from` (the root when NIL). */
static void free_insert(int32_t node, int32_t from) {
  int64_t start = P[node].start;
  int32_t parent = NIL, cur = from == NIL ? FT.root : from;
  int right = 0;
  while (cur != NIL) {
    parent = cur;
    if (start < P[cur].start) { right = 0; cur = P[cur].left; }
    else { right = 1; cur = P[cur].right; }
  }
  free_link_at(node, parent, right);
}

static void free_unlink(int32_t node) {
  int32_t prev, next;
  rb_erase(&FT, node, 1);
  prev = P[node].prev;
  next = P[node].next;
  if (prev == NIL) list_head = next; else P[prev].next = next;
  if (next == NIL) list_tail = prev; else P[next].prev = prev;
  P[node].prev = NIL;
  P[node].next = NIL;
  free_size -= P[node].end - P[node].start;
}

/* merge_or_add (v5.2 order): grow next downwards, then prev upwards; erase next if both merged. */
static int32_t free_merge(int32_t node) {
  int64_t start = P[node].start, end = P[node].end, size = end - start;
  int32_t parent = NIL, cur = FT.root, next, prev, va = node;
  int right = 0, merged = 0;
  while (cur != NIL) {
    parent = cur;
    if (end <= P[cur].start) { right = 0; cur = P[cur].left; }
    else { right = 1; cur = P[cur].right; }
  }
  if (parent == NIL) { free_link_at(node, NIL, 0); return node; }
  next = right ? P[parent].next : parent;
  if (next != NIL && P[next].start == end) {
    P[next].start = start;
    aug_propagate(next, NIL);
    free_size += size;
    pool_release(node);
    va = next;
    merged = 1;
  }
  prev = next == NIL ? list_tail : P[next].prev;
  if (prev != NIL && P[prev].end == start) {
    P[prev].end = P[va].end;
    aug_propagate(prev, NIL);
    if (merged) {
      int64_t grown = P[va].end - P[va].start;
      free_unlink(va);
      free_size += grown;
      pool_release(va);
    } else {
      free_size += size;
      pool_release(node);
    }
    return prev;
  }
  if (!merged) free_link_at(node, parent, right);
  return va;
}

static inline int64_t align_up(int64_t x, int64_t a) { return (x + a - 1) & ~(a - 1); }

/* find_vmap_lowest_match with the padded length (5.2). */
static int32_t find_lowest_match(int64_t size, int64_t align, int64_t length, int64_t vstart) {
  int32_t node = FT.root;
  while (node != NIL) {
    int32_t l = P[node].left, r;
    int64_t start, nva;
    if (P[l].max >= length && vstart < P[node].start) { node = l; continue; }
    start = P[node].start;
    nva = align_up(start > vstart ? start : vstart, align);
    if (nva <= P[node].end - size) return node;
    r = P[node].right;
    if (P[r].max >= length) { node = r; continue; }
    for (;;) {
      int32_t pr;
      node = P[node].parent;
      if (node == NIL) return NIL;
      start = P[node].start;
      nva = align_up(start > vstart ? start : vstart, align);
      if (nva <= P[node].end - size) return node;
      pr = P[node].right;
      if (P[pr].max >= length && vstart <= start) { node = pr; break; }
    }
  }
  return NIL;
}

static long fits[5];

/* classify + adjust_va_to_fit_type. Returns the fit type (0 = nothing fit). */
static int free_clip(int32_t node, int64_t nva, int64_t size) {
  int64_t start = P[node].start, end = P[node].end;
  if (nva < start || nva + size > end) return 0;
  if (nva == start) {
    if (nva + size == end) {
      free_unlink(node);
      pool_release(node);
      fits[1]++;
      return 1;
    }
    P[node].start = start + size;
    free_size -= size;
    aug_propagate(node, NIL);
    fits[2]++;
    return 2;
  }
  if (nva + size == end) {
    P[node].end = nva;
    free_size -= size;
    aug_propagate(node, NIL);
    fits[3]++;
    return 3;
  } else {
    int32_t lva = pool_alloc();
    P[lva].start = start;
    P[lva].end = nva;
    P[node].start = nva + size;
    free_size -= nva + size - start;
    aug_propagate(node, NIL);
    free_insert(lva, node);
    fits[4]++;
    return 4;
  }
}

/* ------------------------------------------------------------------ busy tree and the allocator */

static void busy_insert(int64_t start, int64_t end) {
  int32_t node = pool_alloc(), parent = NIL, cur = BT.root;
  int right = 0;
  P[node].start = start;
  P[node].end = end;
  while (cur != NIL) {
    parent = cur;
    if (end <= P[cur].start) { right = 0; cur = P[cur].left; }
    else { right = 1; cur = P[cur].right; }
  }
  rb_link(&BT, node, parent, right);
  rb_insert(&BT, node, 0);
}

static void space_init(int64_t start, int64_t end, int32_t cap) {
  int32_t node;
  pool_init(cap);
  space_start = start;
  space_end = end;
  node = pool_alloc();
  P[node].start = start;
  P[node].end = end;
  free_insert(node, NIL);
}

/* alloc(size, align) over the whole space, padded policy. Returns -1 when nothing fits. */
static int64_t vmap_alloc(int64_t size, int64_t align, int64_t vstart, int64_t vend) {
  int64_t length = size + (align > 1 ? align - 1 : 0), nva, bs;
  int32_t node = find_lowest_match(size, align, length, vstart);
  if (node == NIL) return -1;
  bs = P[node].start;
  nva = align_up(bs > vstart ? bs : vstart, align);
  if (nva > vend - size || free_clip(node, nva, size) == 0) return -1;
  busy_insert(nva, nva + size);
  return nva;
}

static int64_t vmap_free(int64_t addr) {
  int32_t cur = BT.root;
  int64_t size;
  while (cur != NIL) {
    int64_t s = P[cur].start;
    if (addr < s) cur = P[cur].left;
    else if (addr > s) cur = P[cur].right;
    else break;
  }
  if (cur == NIL) { fprintf(stderr, "free(%lld): no busy area starts there\n", (long long)addr); exit(3); }
  size = P[cur].end - P[cur].start;
  rb_erase(&BT, cur, 0);
  free_merge(cur);
  return size;
}

/* ------------------------------------------------------------------ harness */

/* Both clocks are read around every timed block: wall time (CLOCK_MONOTONIC) and this thread's CPU time. */
static double clock_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

typedef struct { double wall, cpu; } stamp_t;

static stamp_t stamp(void) {
  stamp_t t;
  t.wall = clock_ns(CLOCK_MONOTONIC);
  t.cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
  return t;
}

/* FNV-1a-style 32-bit hash over (low word, high word) of each address; the same in run.ts. */
static uint32_t hash;
static inline void hash_addr(int64_t a) {
  uint64_t u = (uint64_t)a;
  hash = (hash ^ (uint32_t)(u & 0xffffffffu)) * 0x01000193u;
  hash = (hash ^ (uint32_t)(u >> 32)) * 0x01000193u;
}

static void *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  void *buf;
  long n;
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "cannot read %s\n", path); exit(2); }
  fclose(f);
  *len = (size_t)n;
  return buf;
}

/* Reads the next command line from stdin: returns 1 for "b" (run one timed block), 0 at EOF or "q". */
static int next_command(void) {
  char line[64];
  if (!fgets(line, sizeof line, stdin)) return 0;
  return line[0] == 'b';
}

static void print_times(const char *name, const double *times, int blocks) {
  int i;
  printf("\"%s\":[", name);
  for (i = 0; i < blocks; i++) printf("%s%.0f", i ? "," : "", times[i]);
  printf("],");
}

static void print_tail(const double *wall, const double *cpu, int blocks, long per_block, long count) {
  printf("\"per_block\":%ld,", per_block);
  print_times("wall_ns", wall, blocks);
  print_times("cpu_ns", cpu, blocks);
  printf("\"checksum\":%u,\"results\":%ld,", hash, count);
  printf("\"busy\":%d,\"free_blocks\":%d,\"free_size\":%lld,\"largest_free\":%lld,\"live_records\":%d,\"capacity\":%d,",
         BT.size, FT.size, (long long)free_size, (long long)(FT.root ? P[FT.root].max : 0), pool_live, pool_cap);
  printf("\"fits\":{\"FL\":%ld,\"LE\":%ld,\"RE\":%ld,\"NE\":%ld}}\n", fits[1], fits[2], fits[3], fits[4]);
}

/*
 * steady <ops.bin>: fill and warm up (untimed), print "ready", then one timed block of `pairs` pairs per "b" line on
 * stdin, answering each with "<wall ns> <cpu ns>" on a line of its own; at EOF (or "q") one JSON line with all
 * block times, the checksum of every returned address and the final state.
 *
 * ops.bin (little endian, written by bench/workload.ts):
 *   u32 magic 0x4b56414f ("KVAO"), u32 version 1, u32 n, u32 warm, u32 pairs, u32 reps,
 *   f64 space end, then u32 fill[n], u32 alloc[m], u32 freeIdx[m] with m = warm + pairs * reps.
 *   An alloc word is size | log2(align) << 16.
 */
static int run_steady(const char *path) {
  size_t len;
  uint32_t *w = read_file(path, &len);
  uint32_t n, warm, pairs, reps, m, i, j, r = 0;
  double end, *wall, *cpu;
  const uint32_t *fill, *allocs, *frees;
  int64_t *live;
  long count = 0;
  if (len < 32 || w[0] != 0x4b56414fu || w[1] != 1) { fprintf(stderr, "%s: not a kva ops file\n", path); return 2; }
  n = w[2]; warm = w[3]; pairs = w[4]; reps = w[5];
  memcpy(&end, w + 6, sizeof end);
  m = warm + pairs * reps;
  if (len != 32 + 4 * ((size_t)n + 2 * (size_t)m)) { fprintf(stderr, "%s: truncated\n", path); return 2; }
  fill = w + 8;
  allocs = fill + n;
  frees = allocs + m;
  live = malloc(sizeof(int64_t) * ((size_t)n + 1));
  wall = malloc(sizeof(double) * (reps + 1));
  cpu = malloc(sizeof(double) * (reps + 1));
  space_init(0, (int64_t)end, 64);
  hash = 0x811c9dc5u;
  for (i = 0; i < n; i++) {
    int64_t a = vmap_alloc(fill[i] & 0xffff, (int64_t)1 << (fill[i] >> 16), space_start, space_end);
    if (a < 0) { fprintf(stderr, "fill alloc %u failed\n", i); return 3; }
    live[i] = a;
    hash_addr(a);
    count++;
  }
  for (;;) {
    uint32_t from, to;
    stamp_t t0, t1;
    if (r == 0) { from = 0; to = warm; }
    else {
      if (r > reps || !next_command()) break;
      from = warm + (r - 1) * pairs;
      to = from + pairs;
    }
    t0 = stamp();
    for (j = from; j < to; j++) {
      int64_t a = vmap_alloc(allocs[j] & 0xffff, (int64_t)1 << (allocs[j] >> 16), space_start, space_end);
      uint32_t k = frees[j];
      if (a < 0) { fprintf(stderr, "pair alloc %u failed\n", j); return 3; }
      live[n] = a;
      hash_addr(a);
      vmap_free(live[k]);
      live[k] = live[n];
    }
    t1 = stamp();
    if (r > 0) {
      wall[r - 1] = t1.wall - t0.wall;
      cpu[r - 1] = t1.cpu - t0.cpu;
      printf("%.0f %.0f\n", wall[r - 1], cpu[r - 1]);
    } else {
      printf("ready\n");
    }
    fflush(stdout);
    count += to - from;
    r++;
  }
  printf("{\"impl\":\"native-c\",\"n\":%u,\"warm\":%u,", n, warm);
  print_tail(wall, cpu, (int)r - 1, pairs, count);
  return 0;
}

/* lbl <busy> <loops>: <busy> 2-unit areas, then one block of <loops> loops per "b" line (as steady). */
static int run_lbl(long busy, long loops) {
  double *wall = NULL, *cpu = NULL;
  long i, count = 0;
  int blocks = 0;
  space_init(0, (int64_t)1 << 40, 64);
  hash = 0x811c9dc5u;
  for (i = 0; i < busy; i++) {
    int64_t a = vmap_alloc(2, 1, space_start, space_end);
    hash_addr(a);
    count++;
  }
  printf("ready\n");
  fflush(stdout);
  while (next_command()) {
    stamp_t t0 = stamp(), t1;
    for (i = 0; i < loops; i++) {
      int64_t p1 = vmap_alloc(101, 1, space_start, space_end);
      int64_t p2 = vmap_alloc(2, 1, space_start, space_end);
      if (p1 < 0 || p2 < 0) { fprintf(stderr, "long_busy_list alloc failed\n"); return 3; }
      hash_addr(p1);
      hash_addr(p2);
      vmap_free(p1);
      vmap_free(p2);
    }
    t1 = stamp();
    wall = realloc(wall, sizeof(double) * (size_t)(blocks + 1));
    cpu = realloc(cpu, sizeof(double) * (size_t)(blocks + 1));
    wall[blocks] = t1.wall - t0.wall;
    cpu[blocks] = t1.cpu - t0.cpu;
    printf("%.0f %.0f\n", wall[blocks], cpu[blocks]);
    fflush(stdout);
    blocks++;
    count += 2 * loops;
  }
  printf("{\"impl\":\"native-c\",\"long_busy\":%ld,", busy);
  print_tail(wall, cpu, blocks, loops, count);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "steady") == 0) return run_steady(argv[2]);
  if (argc == 4 && strcmp(argv[1], "lbl") == 0) return run_lbl(atol(argv[2]), atol(argv[3]));
  fprintf(stderr, "usage: %s steady <ops.bin> | lbl <busy> <loops>   (then one \"b\" line per timed block on stdin)\n", argv[0]);
  return 2;
}
