/* explore.h — breadth-first exploration of a machine's state space: counting states and
 * transitions, and finding the nearest deadlock or divergence.  Breadth-first order makes the
 * counterexample a shortest one; the successor order of machine.h makes it the same one on
 * every run.
 *
 * Ownership: results own their trace arrays (chk_result_free); the machine stays the
 * caller's. */
#ifndef BATON_CHECKER_EXPLORE_H
#define BATON_CHECKER_EXPLORE_H

#include <stddef.h>
#include <stdint.h>

#include "checker/limits.h"
#include "checker/machine.h"


enum chk_verdict {
    CHK_HOLDS,                    /* nothing wrong anywhere */
    CHK_FAILS,                    /* a counterexample is in the result */
    CHK_LIMIT,                    /* a limit was hit first: see states, transitions */
    CHK_ERROR,                    /* out of memory outside the budget */
};

enum chk_kind {
    CHK_NONE, CHK_DEADLOCK, CHK_DIVERGENCE, CHK_TRACE, CHK_REFUSAL, CHK_NONDET,
    CHK_REVIVAL,                  /* R, V: stable and refusing `refusal`, then `event`, which
                                     the specification cannot do after that refusal */
};

#define CHK_NO_REFUSAL UINT32_MAX /* in chk_result.rtrace: no refusal seen (•) */

struct chk_result {
    enum chk_verdict verdict;
    enum chk_kind kind;           /* for CHK_FAILS */
    uint32_t *trace;              /* events before the violation, tau excluded (owned) */
    size_t ntrace;
    uint32_t event;               /* CHK_TRACE / CHK_NONDET / CHK_REVIVAL: the offending event */
    uint32_t *refusal;            /* CHK_REFUSAL: events the spec required, none accepted;
                                     CHK_REVIVAL: events refused before `event` */
    size_t nrefusal;
    uint32_t *rtrace;             /* refinement in R: before each event of trace, the refusal
                                     seen — a count then that many events, or CHK_NO_REFUSAL
                                     (owned; NULL in the other models) */
    size_t nrtrace;               /* words in rtrace */
    uint64_t *state;              /* the implementation's state at the violation (owned) */
    uint64_t *path;               /* npath state vectors from the initial state to the
                                     violation, `words` words each (owned) */
    uint32_t *path_events;        /* npath - 1 events between them, tau included (owned) */
    size_t npath;
    uint32_t words;
    uint32_t offset;              /* where the implementation's vector starts in each (a
                                     refinement check puts the spec's node first) */
    uint64_t states, transitions;
    double seconds;
    const char *limit;            /* CHK_LIMIT: "states", "memory" or "time" */
};

void chk_result_free(struct chk_result *r);

/* Deadlock freedom: a reachable state with no transitions at all (a state that can still
 * terminate is not deadlocked; ✓ ends the run).  With `divergence` also divergence freedom
 * (the FD form): a reachable cycle of tau transitions. */
void chk_deadlock(const struct machine *m, const struct chk_limits *lim, int divergence,
                  struct chk_result *r);

/* Divergence freedom alone. */
void chk_divergence(const struct machine *m, const struct chk_limits *lim, struct chk_result *r);

/* How a divergent state diverges, for a picture: from `state` (one that can perform an
 * infinite sequence of taus), a path of taus that runs into a cycle, found depth-first
 * among at most `max` states.  *path gets *n + 1 vectors of mach_words(m) words (malloc'd,
 * the caller frees), path[0] being `state` and path[*n] equal to path[*loop]: the steps from
 * *loop on repeat forever.  0, or -1 when out of memory or no cycle was found within max. */
int chk_tau_lasso(const struct machine *m, const uint64_t *state, uint32_t max, uint64_t **path,
                  size_t *n, size_t *loop);

#endif
