/* picture_network.h — the process network of a specification as a picture: a node per
 * parallel component, boxes for nested compositions, an edge per channel that components
 * share (dashed when hidden), and the interface (events no other component shares and
 * nothing hides) as small labels at the boundary; events a synchronisation blocks for good
 * are dotted labels beside the components that offer them in vain.  Pure: it takes plain data (built by
 * `baton graph network` from the checker's shape of a process) and returns a gr_graph.
 *
 * Layout: a network whose components form one ring (every component linked to exactly two
 * others, all in one cycle — the dining philosophers) is drawn as a circle in ring order;
 * any other is drawn left to right by dot, with clusters for the compositions.
 *
 * Ownership: the caller owns the input; the graph returned is the caller's (gr_free). */
#ifndef BATON_REPORTS_PICTURE_NETWORK_H
#define BATON_REPORTS_PICTURE_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reports/graph.h"

/* A nested composition. */
struct pnet_group {
    const char *name;             /* its definition's name ("FORKS"), or NULL */
    const char *op;               /* its operator as written: "[| |]", "[ || ]", "|||", … */
    int parent;                   /* the enclosing group, -1 for none */
};

struct pnet_component {
    const char *name;             /* as the spec names it: "PHIL(0)", or its term */
    const char *tooltip;          /* the full term and where it is defined (may be NULL) */
    int group;                    /* its innermost group, -1 for none */
};

/* One way an event happens: the components that perform it together. */
struct pnet_sync {
    const char *event;            /* "picks.0.1" */
    const char *channel;          /* "picks" */
    const uint32_t *members;      /* component numbers, sorted; one member: its own event */
    uint32_t nmembers;
    bool hidden;                  /* hidden by `\` or a linked parallel */
    bool blocked;                 /* never happens: offered by these members, refused for
                                     good by a synchronisation with others that never do it */
};

struct pnet {
    const char *title;            /* the process drawn, e.g. "SYSTEM" */
    const char *source;           /* the spec file, for the caption (may be NULL) */
    const struct pnet_group *groups;
    size_t ngroups;
    const struct pnet_component *components;
    size_t ncomponents;
    const struct pnet_sync *syncs;
    size_t nsyncs;
    bool cut;                     /* some ways an event happens were left out (too many) */
};

/* The picture of n; NULL when out of memory. */
gr_graph *picture_network(const struct pnet *n);

#endif
