/* lazy.h — a process explored only as far as it is asked, for replay: its states are process
 * terms (model/proc.h) numbered as they are first met, and a state's transitions are computed
 * by the firing rules of model/proc.c when the normal form first needs them.  A trace touches
 * the few states it meets, so a specification that is huge or infinite as a whole (an
 * unbounded counter) replays as fast as a small one; nothing is compiled up front.
 *
 * Ownership: the lazy process borrows the semantics and the event table (which must outlive
 * it); terms are the value store's. */
#ifndef BATON_CHECKER_LAZY_H
#define BATON_CHECKER_LAZY_H

#include "checker/compile.h"
#include "checker/normal.h"

struct lazy;

/* Process p, not explored yet; NULL when out of memory. */
struct lazy *lazy_new(struct proc_sem *sem, struct events *ev, const value *p);
void lazy_free(struct lazy *lz);

/* The specification for norm_new_spec: vectors of one word, a state's number. */
struct norm_spec lazy_spec(struct lazy *lz);

/* How many states have been met. */
uint32_t lazy_states(const struct lazy *lz);

#endif
