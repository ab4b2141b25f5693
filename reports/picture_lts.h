/* picture_lts.h — a process's state machine as a picture: states by short ids (s0, s1…)
 * with the full process term as their tooltip and, unless left out, in a legend table; tau
 * transitions dashed, ✓ labelled; the initial state bold with an arrow from a point; states
 * with no transition (deadlocked, unless terminated) and states on a tau cycle (divergent)
 * marked by shape, fill and a word, so the marks survive greyscale printing.  Pure: it takes
 * plain data (built by `baton graph lts` from the evaluator's exploration) and returns a
 * gr_graph.
 *
 * Ownership: the caller owns the input; the graph returned is the caller's (gr_free). */
#ifndef BATON_REPORTS_PICTURE_LTS_H
#define BATON_REPORTS_PICTURE_LTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reports/graph.h"

struct plts_trans {
    const char *event;            /* "a.1", "τ" or "✓" */
    uint32_t target;
    bool tau;
};

struct plts_state {
    const char *term;             /* the process term of the state */
    bool terminated;              /* Ω: ended after ✓ (not a deadlock) */
    const struct plts_trans *trans;
    size_t ntrans;
};

struct plts {
    const char *title;            /* the process drawn */
    const char *source;           /* the spec file (may be NULL) */
    const struct plts_state *states;  /* state 0 is the initial one */
    size_t nstates;
    bool legend;                  /* a table of ids and terms beside the machine */
};

/* The marks picture_lts draws, for tests and captions: divergent[i] is true when state i
 * lies on a cycle of tau transitions.  0, or -1 when out of memory. */
int plts_divergent(const struct plts *l, bool *divergent);

/* The picture of l; NULL when out of memory. */
gr_graph *picture_lts(const struct plts *l);

#endif
