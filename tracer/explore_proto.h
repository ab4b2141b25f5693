/* explore_proto.h — what `baton explore` and a program linked with libbaton say to each
 * other.  explore starts the program with BATON_EXPLORE="CTL,STATUS", two pipe descriptors.
 * With CTL >= 0 the program's first baton_run becomes a fork server (forkserver.c): it answers
 * HELLO on STATUS, then for every command read from CTL forks a child that runs the rest of
 * the program under the command's seed and strategy, and reports STARTED and EXITED.  With
 * CTL = -1 (explore runs the program afresh for every schedule, from BATON_SCHED and
 * BATON_SEED) there is no server.  Either way every run's end goes to STATUS as a RUN record.
 * Every message is one write of a fixed size, below PIPE_BUF, so none is ever torn. */
#ifndef BATON_TRACER_EXPLORE_PROTO_H
#define BATON_TRACER_EXPLORE_PROTO_H

#include <stdint.h>

#define TRC_EXPLORE_ENV "BATON_EXPLORE"
#define TRC_EXPLORE_VERSION 1u
#define TRC_EXPLORE_MAGIC 0x6261746eu /* "batn" */

/* explore -> server: run the program once more. */
struct trc_explore_cmd {
    uint32_t magic;
    uint32_t strategy;   /* enum trc_strategy */
    uint32_t depth;      /* pct's d */
    uint32_t timers_idle; /* 1: timers fire only when nothing else can run */
    uint64_t seed;
    uint64_t steps;      /* pct's k */
    char trace[256];     /* the trace file to write, or "" for none */
};

enum trc_explore_type {
    TRC_XR_HELLO = 1,    /* a = TRC_EXPLORE_VERSION: the server is ready for commands */
    TRC_XR_NOSERVER,     /* the program traces itself already: run it afresh per schedule */
    TRC_XR_STARTED,      /* a = the child's pid */
    TRC_XR_RUN,          /* a = 0 every process ended, 1 deadlock, 2 the program exited
                            inside the run; b = scheduling decisions,
                            c = preemptions (switches away from a process that could go on) */
    TRC_XR_EXITED,       /* a = the child's wait status */
    TRC_XR_FAILED        /* a = errno: the server could not fork */
};

struct trc_explore_rec {
    uint32_t type;
    uint32_t a;
    uint64_t b, c;
};

#endif
