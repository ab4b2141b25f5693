/* tree.h — tree compression of state vectors of several words, shared by the threads of a
 * parallel search (Laarman, van de Pol and Weber, "Parallel recursive state compression for
 * free", SPIN 2011).
 *
 * A vector of W words becomes one 62-bit key: each word is interned in a table of its own
 * (its dense number), then pairs of numbers are interned level by level, and the last pair is
 * the key.  Two vectors have the same key exactly when they are equal, so the key can go
 * into the compact set (checker/cset.h) in place of the vector: a state then costs its slot
 * there plus its share of the tables, which is small because states share their parts — the
 * philosophers at the left of a table rarely care about those at the right.
 *
 * Concurrency: tree_key may run on any number of threads at once.  tree_grow runs while
 * nobody calls tree_key.
 *
 * Ownership: the tree owns its tables; tree_free frees them. */
#ifndef BATON_CHECKER_TREE_H
#define BATON_CHECKER_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chk_limits;
struct tree;

#define TREE_FULL UINT64_MAX    /* a table must grow before this vector can be interned */

/* A tree for vectors of `words` >= 2 words; NULL when out of memory. */
struct tree *tree_new(uint32_t words);
void tree_free(struct tree *t);

/* The key of vec (below 2^62), interning what is new; TREE_FULL when some table is too full
 * (the vector is then not interned: grow, then ask again). */
uint64_t tree_key(struct tree *t, const uint64_t *vec);

/* tree_key for n vectors (`words` words each, one after another) into keys[n], their misses
 * overlapped: how many got keys — a prefix of them; the one after it met a table too full
 * (grow, then ask again for the rest). */
size_t tree_keys(struct tree *t, const uint64_t *vecs, size_t n, uint64_t *keys);

/* True when some table is past 3/4 full and should grow at the next chance. */
bool tree_wants_growth(const struct tree *t);

/* Doubles every table past 3/4 full.  False when the memory budget (lim may be NULL) has no
 * room, or a table already holds 2^31 entries (its numbers would not fit a key). */
bool tree_grow(struct tree *t, const struct chk_limits *lim);

size_t tree_bytes(const struct tree *t);

#endif
