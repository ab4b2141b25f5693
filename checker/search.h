/* search.h — helpers the checker's searches share (internal to checker/). */
#ifndef BATON_CHECKER_SEARCH_H
#define BATON_CHECKER_SEARCH_H

#include "checker/explore.h"
#include "checker/store.h"

/* Seconds on a monotonic clock. */
double chk_now(void);

/* The name of the limit hit ("states", "time"), or NULL. */
const char *chk_over_limit(const struct chk_limits *lim, uint64_t states, double start);

/* Fills r->trace (visible events, shortest by breadth-first order) and r->state with the way
 * from the store's first state to state `id` of machine m.  0, or -1 when out of memory. */
int chk_path(const struct machine *m, const struct store *st, uint32_t id, struct chk_result *r);

#endif
