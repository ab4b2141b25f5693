/* numbering.h — a state space recorded by a parallel search (checker/parallel.h's records of
 * every transition), numbered: each state a dense number, the initial state 0, and each
 * state's transitions as (event, target) pairs sorted by event then target without repeats —
 * the form in which the normaliser keeps a specification's transitions (checker/normal.c).
 * Done on a thread a part, in passes: index the records by hash (a compare-and-swap a slot),
 * turn every target's hash into its number (prefetching ahead) and sort each state's pairs in
 * place, then copy them out.
 *
 * Memory: beside the records, 8 bytes a state (its hash by number) and an index of 5-11 bytes a
 * state while targets are numbered; then the result's 8 bytes a state and 8 a pair. */
#ifndef BATON_CHECKER_NUMBERING_H
#define BATON_CHECKER_NUMBERING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chk_limits;
struct tau_part;

struct numbered {
    uint32_t *first;              /* per state: where its pairs start in `pairs` (in words) */
    uint32_t *count;              /* per state: how many pairs */
    uint32_t *pairs;              /* event, target, event, target, … (malloc'd, as the others) */
    size_t states, npairs;
};

/* Numbers the records (used up: they are rewritten) whose initial state has hash `root`; their
 * transitions are (event, hash) word pairs, or with `pack` single words event << pack | hash
 * (parallel.h, par_space.pack).  False when the memory budget (lim may be NULL) or the machine
 * has no room, or there are 2^32 states or more; out is then empty. */
bool numbering_make(struct tau_part *parts, size_t nparts, uint64_t root, uint32_t pack,
                    const struct chk_limits *lim, struct numbered *out);

#endif
