/* taucycle.h — is there a cycle of taus among the states a parallel search expanded?
 *
 * The divergence half of the checks on several cores (checker/parallel.h): while they
 * search, the threads write, for every state that has a tau, a record of the state and its
 * tau successors, each state named by its (bijective) hash in the compact set.  A reachable
 * state diverges exactly when it can reach a tau cycle by taus; every state on such a cycle
 * is reachable itself, so "does some reachable state diverge" is "is there a tau cycle among
 * the records" — a question about the records alone, answered here after the search, on a
 * thread a part, by peeling (Kahn's topological sort): records that no remaining record leads
 * to are removed until none is left — or only cycles and what they lead to.  The shortest counterexample is found afterwards by the one-core
 * search (Tarjan over the tau edges), as for a deadlock.
 *
 * A record is words: the source's hash, the number k of tau successors (below 2^63), then
 * their k hashes.  A part is one thread's records, one after another.  tau_cycle uses the
 * records up: it writes references and counts over them.
 *
 * Memory: the records cost 16 bytes a state that has a tau plus 8 bytes a tau edge; the
 * index of the states by hash adds 11-21 bytes a recorded state (3/8 to 3/4 full) while
 * successors are turned into references (a thread a part), and is freed before the
 * predecessors are counted (in the hash's word) and the records peeled. */
#ifndef BATON_CHECKER_TAUCYCLE_H
#define BATON_CHECKER_TAUCYCLE_H

#include <stddef.h>
#include <stdint.h>

struct chk_limits;

struct tau_part {
    uint64_t *v;                  /* records (used up by tau_cycle) */
    size_t n;                     /* words */
};

/* 1 when the records hold a tau cycle, 0 when none, -1 when a limit stops the search (*limit
 * then names it: "memory", "time", "interrupt"). lim may be NULL; start as chk_over_limit's. */
int tau_cycle(struct tau_part *parts, size_t nparts, const struct chk_limits *lim, double start,
              const char **limit);

#endif
