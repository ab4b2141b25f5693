/* taucycle.h — is there a cycle of taus among the states a parallel search expanded?
 *
 * The divergence half of the checks on several cores (checker/parallel.h): while they
 * search, the threads write, for every state that has a tau, a record of the state and its
 * tau successors, each state named by its (bijective) hash in the compact set.  A reachable
 * state diverges exactly when it can reach a tau cycle by taus; every state on such a cycle
 * is reachable itself, so "does some reachable state diverge" is "is there a tau cycle among
 * the records" — a question about the records alone, answered here after the search by a
 * depth-first search that colours states (white, grey on the path, black done): an edge to a
 * grey state closes a cycle.  The shortest counterexample is found afterwards by the one-core
 * search (Tarjan over the tau edges), as for a deadlock.
 *
 * A record is words: the source's hash, the number k of tau successors, then their k hashes.
 * A part is one thread's records, one after another.
 *
 * Memory: the records cost 16 bytes a state that has a tau plus 8 bytes a tau edge; the
 * index of the states by hash adds 11-21 bytes a recorded state (3/8 to 3/4 full) while
 * successors are turned into references (a thread a part), and is freed before the
 * depth-first search. */
#ifndef BATON_CHECKER_TAUCYCLE_H
#define BATON_CHECKER_TAUCYCLE_H

#include <stddef.h>
#include <stdint.h>

struct chk_limits;

struct tau_part {
    uint64_t *v;                  /* records; the search writes colours into their count words */
    size_t n;                     /* words */
};

/* 1 when the records hold a tau cycle, 0 when none, -1 when a limit stops the search (*limit
 * then names it: "memory", "time", "interrupt"). lim may be NULL; start as chk_over_limit's. */
int tau_cycle(struct tau_part *parts, size_t nparts, const struct chk_limits *lim, double start,
              const char **limit);

#endif
