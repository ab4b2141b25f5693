/* search.h — helpers the checker's searches share (internal to checker/). */
#ifndef BATON_CHECKER_SEARCH_H
#define BATON_CHECKER_SEARCH_H

#include "checker/explore.h"
#include "checker/store.h"

/* A state space a search walks: vectors of `words` words and their transitions — a machine's
 * own, or the pairs (specification node, implementation state) of a refinement check. */
struct space {
    uint32_t words;
    void (*successors)(void *data, const uint64_t *vec, mach_emit *emit, void *ctx);
    void *data;
};

struct space chk_machine_space(const struct machine *m);

/* Fills r->trace (visible events, shortest by breadth-first order) and r->state with the way
 * from the store's first state to state `id`.  0, or -1 when out of memory. */
int chk_path(const struct space *sp, const struct store *st, uint32_t id, struct chk_result *r);

/* After a complete search of sp into st: the first state (in the store's order, below
 * `limit`) that can perform an infinite sequence of taus, or STORE_NONE.  *ok is false when
 * out of memory.  Tarjan's algorithm over the tau edges. */
uint32_t chk_first_divergent(const struct space *sp, const struct store *st, uint32_t limit,
                             bool *ok);

#endif
