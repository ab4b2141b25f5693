/* refine.h — refinement and determinism: breadth-first search over pairs (normal node of the
 * specification, implementation state), FDR's algorithm.  The first pair (in breadth-first
 * order) where the implementation does what the specification cannot gives a shortest
 * counterexample:
 *   traces (T):   an event the specification cannot perform after the same trace;
 *   failures (F): also a stable implementation state that refuses every minimal acceptance
 *                 of the specification there;
 *   failures-divergences (FD): also an implementation divergence where the specification
 *                 cannot diverge; after the specification diverges anything is allowed;
 *   revivals (V):  also, in a stable implementation state offering I (so refusing Σ \ I), each
 *                 a ∈ I must be a revival of the specification: after the trace, some stable
 *                 specification state refuses Σ \ I and then performs a;
 *   refusal testing (R): refusal traces <X0, a1, X1, …>, each Xi a refusal seen in a stable
 *                 state (or • when none was seen); the specification's side of a pair is the
 *                 set of its states consistent with the refusals so far, not the trace alone;
 *   RD, VD:       R and V with FD's divergence rule.
 * (Roscoe, "Understanding Concurrent Systems" ch. 11-12; the checks are argued in refine.c.)
 *
 * Ownership: the machines stay the caller's; the result owns its arrays. */
#ifndef BATON_CHECKER_REFINE_H
#define BATON_CHECKER_REFINE_H

#include "checker/explore.h"
#include "checker/machine.h"

enum chk_model {
    CHK_MODEL_T, CHK_MODEL_F, CHK_MODEL_FD,
    CHK_MODEL_R, CHK_MODEL_RD, CHK_MODEL_V, CHK_MODEL_VD,
};

/* Does the model see divergence (FD, RD, VD)? */
bool chk_model_divergence(enum chk_model m);

/* SPEC [model= IMPL.  The result's state is the pair: word 0 the spec node, then the
 * implementation's vector. */
void chk_refines(const struct machine *spec, const struct machine *impl, enum chk_model model,
                 const struct chk_limits *lim, struct chk_result *r);

/* P :[deterministic [F]] / [FD]: no trace after which P can both accept and refuse an event
 * (Roscoe's definition; FD also requires divergence freedom).  A failure is CHK_NONDET with
 * the event in r->event, or CHK_DIVERGENCE.  A deterministic process is one whose refusals
 * follow from its traces, so R and V ask the same as F, RD and VD the same as FD. */
void chk_deterministic(const struct machine *m, enum chk_model model, const struct chk_limits *lim,
                       struct chk_result *r);

/* P :[has trace]: <events>: holds when P can perform the events in order.  On failure
 * r->trace is the longest prefix P can perform and r->event the event it cannot. */
void chk_has_trace(const struct machine *m, const uint32_t *events, size_t n,
                   const struct chk_limits *lim, struct chk_result *r);

#endif
