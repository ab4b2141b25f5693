/* cset.h — a compact set of one-word states, shared by the threads of a parallel search.
 *
 * Compact: a state of b bits is first permuted (a bijection on b bits), and the top bits of
 * the result choose where it is kept, so the slot stores only the rest — the *quotient*
 * (Cleary 1984): with 2^28 home buckets, a 54-bit state keeps 26 bits.  A slot is 32 bits
 * when the quotient fits, 64 otherwise; at N = 9 philosophers that is 4 bytes a slot, 5–7 a
 * state.  Buckets are one cache line (16 or 8 slots) probed linearly, so a lookup is one miss;
 * a state that finds its home bucket full goes to the next, up to 6 on, and records how far
 * it went (3 bits) so its home — and so the state itself — can be recovered when the table
 * grows.  Past 6 buckets it goes to a small locked overflow table (never met at the loads
 * used here, but correct if it is).
 *
 * Incremental growth: the set is 64 segments (by the top 6 bits), each doubled on its own,
 * so a growth needs room for one segment per growing thread beside the set, not a second
 * copy of it (no 1.5 x peak).  The new segment's pages are made and zeroed then, by the
 * thread growing it, not later on the search's hot path.
 *
 * Concurrency: cset_insert may run on any number of threads at once (a compare-and-swap per
 * slot; slots only ever go from empty to full, in bucket order, so a probe may stop at the
 * first empty slot).  cset_grow_segment may run on several threads at once, each on its own
 * segment, while nobody inserts.
 *
 * Ownership: the set owns its memory; cset_free frees it. */
#ifndef BATON_CHECKER_CSET_H
#define BATON_CHECKER_CSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chk_limits;
struct cset;

/* A set of states below 2^bits (1 <= bits <= 64); NULL when out of memory. */
struct cset *cset_new(uint32_t bits);
void cset_free(struct cset *s);

/* The permuted form of a state, which cset_insert and cset_prefetch take (computed apart so
 * that a batch can prefetch before it inserts). */
uint64_t cset_hash(const struct cset *s, uint64_t state);
void cset_prefetch(const struct cset *s, uint64_t h);

/* Adds the state whose permuted form is h: 1 when it was new, 0 when it was there, -1 when
 * out of memory (the overflow table could not grow). */
int cset_insert(struct cset *s, uint64_t h);

/* How many states the set can take before it should grow (3/4 of its slots), and whether
 * growing would help (a segment whose quotient is already 0 bits is as big as it can be).
 * SIZE_MAX when it never needs to. */
size_t cset_room(const struct cset *s);

/* Growth, while nobody inserts: cset_grow_begin on one thread, then cset_grow_segment(s, k,
 * lim) for every segment k from 0 to cset_segments() - 1, in any order, on any threads (each
 * doubles segment k), then cset_grow_end on one thread.  False when the memory budget (lim
 * may be NULL) or the machine has no room: that segment (or, from begin, every one) is then
 * unchanged — still a correct set, only fuller. */
bool cset_grow_begin(struct cset *s, const struct chk_limits *lim);
uint32_t cset_segments(const struct cset *s);
bool cset_grow_segment(struct cset *s, uint32_t k, const struct chk_limits *lim);
void cset_grow_end(struct cset *s);

/* The bits of the states it takes, and so of their hashes: a hash's top bits choose where
 * it is kept (segment, then bucket), so hashes close in value are close in memory. */
uint32_t cset_bits(const struct cset *s);

/* Bytes held (slots and the overflow table), and states in the overflow table (a figure for
 * tests and benches: it should stay 0). */
size_t cset_bytes(const struct cset *s);
size_t cset_overflowed(const struct cset *s);

#endif
