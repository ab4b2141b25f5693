/* parallel.h — breadth-first exploration on several cores with one shared lock-free table
 * (LTSmin's and FDR's approach), for answers that do not depend on the order in which states
 * are found: the number of states and transitions, and whether a deadlock is reachable.  The
 * counterexample for a deadlock it finds comes from the deterministic one-core search.
 *
 * States of one word go into a compact set as they are; longer ones tree-compressed first. */
#ifndef BATON_CHECKER_PARALLEL_H
#define BATON_CHECKER_PARALLEL_H

#include <stdbool.h>

#include "checker/explore.h"

/* Explores m with `threads` threads: r gets the verdict — CHK_FAILS with kind CHK_DEADLOCK
 * when `deadlock` and some reachable state has no transition, with kind CHK_DIVERGENCE when
 * `divergence` and some reachable state can perform taus for ever; no counterexample — states,
 * transitions and seconds.  False when it declines or cannot start its threads (r is then
 * untouched): the caller searches on one core. */
bool chk_parallel_explore(const struct machine *m, const struct chk_limits *lim, int threads,
                          bool deadlock, bool divergence, struct chk_result *r);

/* A search for a bad state, for chk_parallel_search: from `initial`, `expand` emits a state's
 * successors (EV_TICK ones are counted, never explored) and says whether the state itself is
 * bad; with `stuck_is_bad`, so is a state with no transition; with `tau_cycle_is_bad`, so is a
 * cycle of EV_TAU transitions (a divergence; found after the search, checker/taucycle.h, at
 * 16 bytes a state with a tau and 8 a tau).  States are `words` words (of several, each
 * word below 2^64 - 1); of one word, below 2^bits (bits from 1 to 64; 0 means 63) — the set
 * keeps less of each the fewer bits there are. */
struct tau_part;

struct par_space {
    uint32_t words;
    const uint64_t *initial;
    bool (*expand)(void *data, const uint64_t *state, mach_emit *emit, void *ctx);
    void *data;
    bool stuck_is_bad;
    uint32_t bits;
    bool tau_cycle_is_bad;
    /* With `record`, every state expanded and every transition is recorded — EV_TICK ones
     * too, whose targets are then explored like any other — and after a search that went to
     * the end the records are handed to record(data, parts, nparts, root): part k is thread
     * k's, a record is the state's hash (a bijection: it names the state), its number k of
     * transitions, then k (event, target's hash) word pairs; root is the initial state's
     * hash.  The records are freed after the call, which may rewrite them.  False from it
     * makes the search's verdict a memory limit.  With `pack` (states of one word, below 2^pack,
     * and every event below 2^(64 - pack)) a transition is one word instead, its event << pack
     * | its target's hash: 8 bytes a transition instead of 16. */
    bool (*record)(void *data, struct tau_part *parts, size_t nparts, uint64_t root);
    uint32_t pack;
};

/* Explores ps with `threads` threads: r gets CHK_FAILS (kind CHK_DEADLOCK, no counterexample)
 * when a bad state is reachable, else CHK_HOLDS, or CHK_LIMIT; states, transitions, seconds.
 * With tau_cycle_is_bad the search does not stop at a bad state but goes to the end, and the
 * kind is CHK_DIVERGENCE when there is a tau cycle (a bad state or not), CHK_DEADLOCK when a
 * bad state but no tau cycle: the shortest counterexample's search then need not look for
 * divergences, which costs a complete search.
 * expand must be safe to call from several threads at once.  False when the threads cannot
 * start (r is then untouched). */
bool chk_parallel_search(const struct par_space *ps, const struct chk_limits *lim, int threads,
                         struct chk_result *r);

/* From how many bytes of set the threads sort each round of probes into windows of the set
 * (chk_window_bytes each, so that a window's pages stay in the TLB while it is probed; see
 * plan_rounds in parallel.c).  Tests lower both to run the sorted rounds on small spaces. */
extern size_t chk_windows_from, chk_window_bytes;

/* After a parallel search answered r: true when r is the answer.  False when the one-core
 * search must run after all — for a failure's shortest counterexample, or because the tau
 * records (when `divergence` asked for them) passed the memory budget, where the one-core
 * store may still fit; r is then freed, *seconds keeps the time spent, and *divergence says
 * whether that search must look for divergences (only when the parallel one met a tau cycle,
 * or could not tell). */
bool chk_parallel_settles(struct chk_result *r, bool *divergence, double *seconds);

/* $BATON_THREADS, or the number of processors online. */
int chk_default_threads(void);

#endif
