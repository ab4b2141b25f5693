/* normal.h — the normal form of a specification, built lazily as a refinement check walks it.
 *
 * A normal node stands for the set of states the specification can be in after some trace:
 * a set of its machine states, closed under tau.  After a visible event (or ✓) a node has at
 * most one successor node — the normal form is deterministic — which is what lets a check
 * step spec and implementation together (FDR's "normalisation", Roscoe ch. 16).  Each node
 * also knows, for the failures models, its minimal acceptances (the initial events of its
 * stable members, keeping only the minimal sets) and, for failures-divergences, whether it
 * can diverge.  Nodes are made only when a check first reaches them.
 *
 * Ownership: the normal form borrows the machine (which must outlive it) and owns the rest. */
#ifndef BATON_CHECKER_NORMAL_H
#define BATON_CHECKER_NORMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checker/limits.h"
#include "checker/machine.h"

#define NORM_NONE UINT32_MAX   /* the specification cannot perform the event */
#define NORM_ERROR (UINT32_MAX - 1)  /* out of memory or past the state limit */

struct normal;

/* A normal form of spec; NULL when out of memory.  It explores at most lim->max_states
 * specification states and polls lim's deadline and memory budget every 1024 steps (a copy
 * of *lim is kept; NULL: no limits).  Past a limit every call fails (NORM_ERROR, false) and
 * norm_limit names the limit. */
struct normal *norm_new(const struct machine *spec, const struct chk_limits *lim);

/* A specification given by its transitions rather than a compiled machine (checker/lazy.h:
 * a process explored only as far as a replay goes): states are vectors of `words` words;
 * successors returns 0, or -1 when a state's transitions cannot be computed (norm_error
 * then says so). */
struct norm_spec {
    uint32_t words;
    void (*initial)(void *data, uint64_t *vec);
    int (*successors)(void *data, const uint64_t *vec, mach_emit *emit, void *ctx);
    void *data;
};

/* The same over sp (copied; sp->data must outlive the normal form). */
struct normal *norm_new_spec(const struct norm_spec *sp, const struct chk_limits *lim);

/* True when the normal form failed because the specification's transitions could not be
 * computed (an evaluation error, or the evaluator stopped by a limit). */
bool norm_error(const struct normal *n);

/* The limit that stopped the normal form ("states", "time", "memory"), or NULL. */
const char *norm_limit(const struct normal *n);
void norm_free(struct normal *n);

/* Makes every state of a compiled specification (norm_new) and its transitions at once, on
 * `threads` threads (a parallel search that records every transition, checker/numbering.h),
 * before any node is made: the normaliser then only builds nodes.  Only on a fresh normal
 * form.  False when it does not apply or its threads cannot start (nothing changed: the
 * normaliser makes states as it goes, on one core); true otherwise — and when a limit stopped
 * the search, the normal form has failed (norm_limit). */
bool norm_number_spec(struct normal *n, int threads);

/* The root node: the specification before any event.  NORM_ERROR when it cannot be made. */
uint32_t norm_root(struct normal *n);

/* The node after `event` (visible or EV_TICK) from `node`, NORM_NONE when the specification
 * cannot perform it there, NORM_ERROR when out of memory or past the limit. */
uint32_t norm_after(struct normal *n, uint32_t node, uint32_t event);

/* The events the node can perform (visible ones and ✓), sorted; valid until the next call. */
const uint32_t *norm_initials(struct normal *n, uint32_t node, size_t *count);

/* True when some member of the node can perform an infinite sequence of taus. */
bool norm_divergent(struct normal *n, uint32_t node);
/* For the normal form of a process of its own (determinism): can the process diverge from its
 * state vec?  1 yes, 0 no, -1 when that could not be found (norm_limit says whether a limit
 * stopped it). */
int norm_state_diverges(struct normal *n, const uint64_t *vec);

/* True when a stable implementation state offering exactly `offered` (sorted events) is
 * allowed here: some minimal acceptance of the node is a subset of it.  A node with no stable
 * member accepts nothing (it has no stable failures). */
bool norm_accepts(struct normal *n, uint32_t node, const uint32_t *offered, size_t count);

/* The events of the node's minimal acceptances that `offered` lacks (sorted, deduplicated):
 * what the specification insists on and the implementation refuses.  Valid until the next
 * call; *count is set. */
const uint32_t *norm_missing(struct normal *n, uint32_t node, const uint32_t *offered,
                             size_t count, size_t *missing);

/* ---- refusal testing and revivals (Roscoe, "Understanding Concurrent Systems" ch. 11-12) ----
 * A stable state here is one with neither tau nor ✓ (a state offering ✓ may silently
 * terminate, so it is never seen to refuse before another event).  `offered` is what a stable
 * implementation state offers, sorted, without ✓: it refuses everything else. */

/* True when some stable member of the node can refuse everything outside `offered` and then
 * perform `event`: its initials A satisfy event ∈ A ⊆ offered (a revival of the spec). */
bool norm_revives(struct normal *n, uint32_t node, const uint32_t *offered, size_t count,
                  uint32_t event);

/* Works out every node's stable members and their initials (what norm_revives reads), so
 * that after norm_complete and this, several threads may call norm_revives at once.  False
 * when out of memory. */
bool norm_prepare_revivals(struct normal *n);

/* The nodes after refusing everything outside `offered` and then performing each offered
 * event: to[i] (count entries, the caller's) is the tau-closure of offered[i]'s targets from
 * the stable members with offered[i] ∈ A ⊆ offered, NORM_NONE when there are none.  Such
 * nodes are interned with the others (norm_after and the rest work on them); the answer is
 * remembered per (node, offered).  0, or -1 when out of memory or past the limit. */
int norm_after_refusal(struct normal *n, uint32_t node, const uint32_t *offered, size_t count,
                       uint32_t *to);

/* Why a revival failed: the events outside `offered` of every stable member's initials that
 * contain `event` — a refusal after which the spec cannot perform it.  Sorted; valid until
 * the next call; NULL when out of memory. */
const uint32_t *norm_revival_missing(struct normal *n, uint32_t node, const uint32_t *offered,
                                     size_t count, uint32_t event, size_t *missing);

/* The events the node's stable members offer that `offered` lacks: refusing them selects
 * exactly the stable members whose initials are within `offered`.  Sorted; valid until the
 * next call; NULL when out of memory. */
const uint32_t *norm_refused(struct normal *n, uint32_t node, const uint32_t *offered,
                             size_t count, size_t *refused);

/* Makes every node reachable from the root, unless there are more than max_nodes: true when
 * the normal form is then complete.  A complete normal form is never changed again, so
 * several threads may call norm_after, norm_accepts and norm_divergent on it at once (not
 * norm_initials or norm_missing, which share scratch space). */
bool norm_complete(struct normal *n, uint32_t max_nodes);

/* norm_complete, and with it every node's steps after a refusal (norm_refusal_after), the
 * nodes they lead to made and completed too: false also when some node has too many stable
 * groups offering one event, or sets of them a refusal can pick (refusal testing then stays
 * on one core). */
bool norm_complete_refusals(struct normal *n, uint32_t max_nodes);

/* After norm_complete_refusals, on any number of threads: what norm_after_refusal gives for
 * `event` (one of `offered`, the sorted visible events of a stable implementation state, ✓
 * not among them), or NORM_NONE. */
uint32_t norm_refusal_after(const struct normal *n, uint32_t node, uint32_t event,
                            const uint32_t *offered, size_t count);

/* Frees what only building a complete normal form needs — the specification's states and
 * transitions, the marks of closures, the index of nodes — before a long search that asks
 * only what norm_complete allows several threads to ask (and norm_revives, once
 * norm_prepare_revivals has run).  Asked anything else afterwards, it fails (NORM_ERROR,
 * false, NULL). */
void norm_shed(struct normal *n);

/* Determinism on the complete normal form of a process of its own (norm_complete, before
 * norm_shed): every state the process reaches by a trace is a member of the node that trace
 * leads to, and every member is reached so, so the pairs (node, member) are exactly what a
 * lockstep search of the process against its own normal form would visit.  The process is
 * nondeterministic in F exactly when some stable member offers fewer events than its node (a
 * stable member offering ✓ may refuse all the rest: it counts as offering one).  1 when some
 * does, 0 when none does, -1 when that could not be found (a limit: norm_limit says).
 * *pairs and *transitions: the members summed over the nodes, and their transitions. */
int norm_refuses_own_initials(struct normal *n, uint64_t *pairs, uint64_t *transitions);

/* How many nodes and specification states have been made so far. */
uint32_t norm_nodes(const struct normal *n);
uint32_t norm_spec_states(const struct normal *n);

#endif
