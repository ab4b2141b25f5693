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

/* ---- the pairs, for a search elsewhere (checker/distributed.c) ----
 *
 * The pairs of spec [model= impl, every model, over the specification's complete normal
 * form (with the steps after refusals made beforehand in R and RD, the revivals prepared in
 * V and VD), built the same way — the nodes numbered the same — by every caller.  A pair is
 * the node's word, then the implementation's vector.  chk_pairs_expand emits a pair's
 * successors to explore, and as EV_TICK each transition that is not (a ✓, or an event into
 * a failure): one emit a transition of the implementation; it says whether the pair is bad
 * — a failure, which the one-process check (chk_refines) then finds and names.  In the
 * models with divergence a pair under a divergent node has no successors, so a tau cycle
 * among the pairs is a divergence the specification does not allow.  chk_pairs_new gives
 * NULL when the normal form has more than max_nodes nodes, or a limit or the memory stops
 * it; it may be called on several threads at once, and so may chk_pairs_expand. */
struct chk_pairs;
struct chk_pairs *chk_pairs_new(const struct machine *spec, const struct machine *impl,
                                enum chk_model model, const struct chk_limits *lim,
                                uint32_t max_nodes);
uint32_t chk_pairs_root(const struct chk_pairs *p);
bool chk_pairs_expand(const struct chk_pairs *p, const uint64_t *pair, mach_emit *emit, void *ctx);
void chk_pairs_free(struct chk_pairs *p);

/* P :[has trace]: <events>: holds when P can perform the events in order.  On failure
 * r->trace is the longest prefix P can perform and r->event the event it cannot. */
void chk_has_trace(const struct machine *m, const uint32_t *events, size_t n,
                   const struct chk_limits *lim, struct chk_result *r);

#endif
