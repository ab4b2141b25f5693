/* picture_run.h — pictures of a recorded run of a libbaton program: its process network (who
 * talked to whom over which channel, how often, who was blocked at the end) and, for a
 * deadlocked run, its wait-for graph (each blocked process, what it offers, where in the
 * source it blocked, the cycle).  Pure: plain data in (cli/graph_run.c gathers it while
 * streaming a trace), a reports/graph.h picture out; nothing here reads a file.
 *
 * Ownership: the caller owns the data it passes (nothing is kept); the caller frees the
 * returned gr_graph with gr_free. */
#ifndef BATON_REPORTS_PICTURE_RUN_H
#define BATON_REPORTS_PICTURE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reports/graph.h"

/* What became of a process by the end of the trace. */
enum rpt_run_state {
    RPT_RUN_LIVE,    /* still running or runnable when the trace ends (cut short, stopped) */
    RPT_RUN_ENDED,   /* it returned */
    RPT_RUN_BLOCKED  /* blocked at the end: forever, when the run deadlocked */
};

struct rpt_run_proc {
    uint32_t id;               /* the trace's process id: nodes are "p<id>" */
    const char *name;
    enum rpt_run_state state;
    const char *waits;         /* BLOCKED: what it waits for ("waits to send picks.0.1"), or NULL */
};

/* One channel as used between two processes: messages went sender -> receiver. */
struct rpt_run_link {
    const char *chan;          /* the channel's name */
    uint32_t sender, receiver; /* process ids; 0: nobody has used that end */
    uint64_t count;            /* completed communications (takes, for a buffered channel) */
    uint32_t capacity;         /* 0 rendezvous, else the buffer's size */
    uint32_t waiter;           /* a process blocked at the end on this channel (sender or
                                  receiver), 0 none: the link is drawn even with count 0 */
};

struct rpt_run_network {
    const char *title;         /* the trace file's name */
    const struct rpt_run_proc *procs;
    size_t nprocs;
    const struct rpt_run_link *links;
    size_t nlinks;
    const uint32_t *cycle;     /* the wait-for cycle, process ids each waiting for the next */
    size_t ncycle;
    size_t ran;                /* processes that ran, when procs are summaries of several
                                  (0: nprocs) */
    uint64_t events;           /* communications in the trace */
    const char *ending;        /* how the run ended, a few words ("deadlock", "every process
                                  ended", "the trace was cut short") */
    bool deadlock;
};

/* The network: a box per process (ended ones grey and dashed, blocked ones red and bold with
 * what they wait for), an edge per link labelled with its channel and event count, the links
 * along the wait-for cycle red, bold and thick.  NULL when out of memory. */
gr_graph *rpt_run_network(const struct rpt_run_network *n);

/* One process of a wait-for graph. */
struct rpt_run_waiter {
    uint32_t id;
    const char *name;
    bool blocked;              /* false: not blocked but waited for (ended, or still live) */
    enum rpt_run_state state;  /* for one that is not blocked */
    const char *waits;         /* "waits to send", "waits to receive", "waits in an alt", … */
    const char *const *offers; /* the events it offers ("picks.0.1"; a receive: the channel) */
    size_t noffers;
    const char *file;          /* where it blocked (the trace's SITE), or NULL */
    unsigned line;
    const char *last;          /* its last communication ("picks.0.0 with philosopher0"), or NULL */
};

/* from waits for to: from is blocked on chan and to was the last at chan's other end. */
struct rpt_run_wait {
    uint32_t from, to;
    const char *chan;
};

struct rpt_run_deadlock {
    const char *title;
    const struct rpt_run_waiter *procs;
    size_t nprocs;
    const struct rpt_run_wait *waits;
    size_t nwaits;
    const uint32_t *cycle;
    size_t ncycle;
};

/* The wait-for graph: a box per process (blocked ones with what they offer, where they
 * blocked and their last communication; others grey), an edge "waits for" per wait labelled
 * with its channel, the cycle red, bold and thick.  NULL when out of memory. */
gr_graph *rpt_run_deadlock(const struct rpt_run_deadlock *d);

#endif
