/* store.h — the set of visited states of a search: packed state vectors of a fixed number of
 * 64-bit words, numbered densely in the order they were first added (so a breadth-first
 * search's queue is simply the range of numbers not yet expanded), each with the number of
 * the state it was first reached from, for counterexamples.
 *
 * The table holds the vectors themselves (open addressing, linear probing), so looking a state
 * up costs one cache miss; bit 63 of a vector's first word marks a used slot, so callers must
 * leave it 0.  A memory budget bounds the store: past it, adding fails cleanly and the search
 * reports how far it got.
 *
 * Ownership: the store owns its vectors; store_free frees everything. */
#ifndef BATON_CHECKER_STORE_H
#define BATON_CHECKER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_NONE UINT32_MAX   /* no such state / slot */
#define STORE_ROOT UINT32_MAX   /* the parent of a state that was not reached from another */

struct store;

/* A store of vectors of `words` words using at most budget bytes (0: no limit), which can
 * tell a vector's state number (store_id) when `ids` is set — 4 more bytes a slot.  NULL when
 * out of memory. */
struct store *store_new(uint32_t words, size_t budget, bool ids);
void store_free(struct store *s);

/* Adds vec, reached from state `parent`, unless it is already there.  1 when it was new (its
 * number is then store_count() - 1), 0 when it was there, -1 when there is no room. */
int store_insert(struct store *s, const uint64_t *vec, uint32_t parent);

/* Inserts n vectors (vecs holds them one after another) all reached from `parent`, in order,
 * overlapping their memory accesses.  The number that were new, or -1 when there was no
 * room (those before the one that did not fit are in). */
int store_insert_batch(struct store *s, const uint64_t *vecs, size_t n, uint32_t parent);

/* The slot holding vec, or STORE_NONE.  Slots are stable while nothing is inserted. */
uint32_t store_lookup(const struct store *s, const uint64_t *vec);
/* The number of vec, adding it (reached from `parent`) when it is new, which sets *added;
 * STORE_NONE when there is no room.  Only for a store made with ids: one probe where
 * store_insert + store_id take two. */
uint32_t store_intern(struct store *s, const uint64_t *vec, uint32_t parent, bool *added);
/* store_intern for n vectors one after another, their ids into ids[n]; the cache misses of
 * the lookups overlap.  The number added, or -1 when the store is full (some may have been
 * added).  A store with ids only. */
int store_intern_batch(struct store *s, const uint64_t *vecs, size_t n, uint32_t parent,
                       uint32_t *ids);
/* How many slots there are (every slot number is below this). */
uint32_t store_slots(const struct store *s);

/* State number id: its vector (bit 63 of word 0 cleared is the caller's view — the store
 * returns it as stored, so use store_copy to get the caller's form), its slot, its parent. */
void store_copy(const struct store *s, uint32_t id, uint64_t *vec);
uint32_t store_slot(const struct store *s, uint32_t id);
uint32_t store_parent(const struct store *s, uint32_t id);
/* How many parents lead from state id back to the first state (its breadth-first depth). */
uint32_t store_depth(const struct store *s, uint32_t id);
/* The vector in a slot, in the caller's form. */
void store_copy_slot(const struct store *s, uint32_t slot, uint64_t *vec);

/* A hint that state id will be read soon (a search calls it a few states ahead). */
void store_prefetch(const struct store *s, uint32_t id);

uint32_t store_count(const struct store *s);
size_t store_bytes(const struct store *s);

#endif
