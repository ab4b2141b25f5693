/* refine.h — refinement and determinism: breadth-first search over pairs (normal node of the
 * specification, implementation state), FDR's algorithm.  The first pair (in breadth-first
 * order) where the implementation does what the specification cannot gives a shortest
 * counterexample:
 *   traces (T):   an event the specification cannot perform after the same trace;
 *   failures (F): also a stable implementation state that refuses every minimal acceptance
 *                 of the specification there;
 *   failures-divergences (FD): also an implementation divergence where the specification
 *                 cannot diverge; after the specification diverges anything is allowed.
 *
 * Ownership: the machines stay the caller's; the result owns its arrays. */
#ifndef BATON_CHECKER_REFINE_H
#define BATON_CHECKER_REFINE_H

#include "checker/explore.h"
#include "checker/machine.h"

enum chk_model { CHK_MODEL_T, CHK_MODEL_F, CHK_MODEL_FD };

/* SPEC [model= IMPL.  The result's state is the pair: word 0 the spec node, then the
 * implementation's vector. */
void chk_refines(const struct machine *spec, const struct machine *impl, enum chk_model model,
                 const struct chk_limits *lim, struct chk_result *r);

/* P :[deterministic [F]] / [FD]: no trace after which P can both accept and refuse an event
 * (Roscoe's definition; FD also requires divergence freedom).  A failure is CHK_NONDET with
 * the event in r->event, or CHK_DIVERGENCE. */
void chk_deterministic(const struct machine *m, enum chk_model model, const struct chk_limits *lim,
                       struct chk_result *r);

/* P :[has trace]: <events>: holds when P can perform the events in order.  On failure
 * r->trace is the longest prefix P can perform and r->event the event it cannot. */
void chk_has_trace(const struct machine *m, const uint32_t *events, size_t n,
                   const struct chk_limits *lim, struct chk_result *r);

#endif
