/* compress.h — FDR's compression functions on explicit LTSs (Roscoe, "Understanding
 * Concurrent Systems" ch. 16, "The Theory and Practice of Concurrency" 7.4; the FDR manual's
 * "Compression"): each turns one leaf LTS into a smaller one that is equivalent in the models
 * the compression is for, so that a machine (checker/machine.h) built over compressed leaves
 * has fewer states.  checker/compile.c applies them to the subterms a COMPRESS term wraps
 * (model/proc.h), after exploring the subterm, which may be a whole parallel network, into
 * one LTS.
 *
 *   explicate        the LTS itself (compiled once, nothing merged)
 *   sbisim           quotient by strong bisimulation                        every model
 *   tau_loop_factor  each strongly connected set of taus becomes one state
 *                    with a tau to itself                                   T, F, FD
 *   wbisim           quotient by weak bisimulation that keeps divergence
 *                    (a state that can diverge is only ever merged with
 *                    others that can)                                       T, F, FD
 *   dbisim           quotient by delay bisimulation (a visible move is
 *                    matched by taus then the event), keeping divergence    T, F, FD
 *   diamond          diamond elimination: only the states reached by a
 *                    visible event are kept, each with the visible events,
 *                    minimal acceptances and divergence of its tau-closure  T, F, FD
 *   normal           the normal form: deterministic on visible events,
 *                    each node with its minimal acceptances and divergence,
 *                    then minimised by sbisim                               T, F, FD
 *   chase            in a state with a tau, follow its first tau and drop
 *                    its other transitions: sound only when the process is
 *                    tau-confluent (the FDR manual warns the same); no equivalence
 *
 * Markings.  FDR keeps acceptances and divergence as marks on the states of its compressed
 * machines; a leaf here is a plain LTS, so diamond and normal write the marks as transitions
 * that mean the same in the failures-divergences model: a node with several minimal
 * acceptances gets its visible transitions plus a tau to one stable state per minimal
 * acceptance, which offers exactly that acceptance (to the same successors); a divergent node
 * gets a tau to itself; a node whose one acceptance is all it offers is a plain stable state.
 * Then the node has the same traces, the same stable failures (those of its acceptance
 * states: the node itself is unstable) and diverges exactly when marked.  A stable state
 * that can terminate accepts {✓} alone (Roscoe, TPC: P [] SKIP may refuse the rest), as the
 * normal form of a specification does (checker/normal.h).
 *
 * Termination: every ✓ of an input LTS must lead to its omega state; the result keeps one
 * omega state of its own (never merged with a deadlocked state, which is not terminated).
 *
 * Ownership: the input stays the caller's; the result and *rep are the caller's to free. */
#ifndef BATON_CHECKER_COMPRESS_H
#define BATON_CHECKER_COMPRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "checker/limits.h"
#include "checker/lts.h"
#include "model/proc.h"

/* l compressed by `kind` (enum proc_compression).  With lim->strong_only, the compressions
 * made for T, F and FD (normal, diamond, wbisim, dbisim, tau_loop_factor) compress by strong
 * bisimulation instead, which keeps the meaning in every model and under tau priority: a
 * refinement in R, RD, V or VD observes refusals along a trace and revivals, which they do
 * not keep (normal(P) keeps only P's minimal acceptances, so a stable state offering more is
 * lost), and `:[tau priority over]:` sees the taus they remove (diamond(P) offers, from a
 * state with a tau, events P only offers after it, where priority would forbid them).
 * State 0 of the result is its initial state; *rep (when rep is not NULL) gets, for each
 * result state, a state of l it stands for (for reports: its term, its name).  lim (may be
 * NULL) bounds the work: normal makes at most lim->max_states nodes, and every compression
 * polls the deadline and memory from `start`.
 * NULL when out of memory or past a limit: *limit (may be NULL) then names the limit
 * ("states", "time", "memory", "interrupt"), or is NULL for plain out of memory. */
struct lts *compress_lts(const struct lts *l, int kind, const struct chk_limits *lim,
                         double start, uint32_t **rep, const char **limit);

/* wbisim (dbisim with `delay`) by one of its two ways, for tests: materialising the weak
 * transitions (`saturating`), or rounds of signatures over blocks; both give the same
 * quotient.  *rep as above. */
struct lts *compress_wbisim_by(const struct lts *l, bool delay, bool saturating, uint32_t **rep);

#endif
