/* explore_runner.h — runs a program linked with libbaton under given schedules, several at a
 * time, for `baton explore` (cli/cmd_explore.c).  Each job slot is a fork server (the program
 * started once, forked at its first baton_run for every schedule: tracer/explore_proto.h) or,
 * when the program cannot serve, a fresh exec per schedule with BATON_SCHED and BATON_SEED —
 * exactly what the reproduction command a user is shown does.  The runner owns the program's
 * processes, the pipes and the per-slot trace files.  Only cli/ includes this. */
#ifndef BATON_CLI_EXPLORE_RUNNER_H
#define BATON_CLI_EXPLORE_RUNNER_H

#include <stdbool.h>
#include <stdint.h>

#include "tracer/strategy.h"

struct xr_schedule {
    uint64_t seed;
    struct trc_strategy_cfg cfg;
};

/* How a run ended, worst first (a run that deadlocked and then exited 1 is a deadlock). */
enum xr_outcome {
    XR_PASS,
    XR_TIMEOUT,    /* still running after --timeout: stopped (livelock suspicion) */
    XR_CRASH,      /* killed by a signal it did not get from us */
    XR_DEADLOCK,   /* a baton_run ended with processes blocked for ever */
    XR_EXIT,       /* exited with a status other than 0 */
    XR_NONCONFORM, /* its trace is not one of the specification's (decided by the caller) */
};

struct xr_result {
    struct xr_schedule sched;
    uint64_t index;          /* the caller's number for the run */
    enum xr_outcome outcome;
    int wait_status;
    uint64_t steps;          /* scheduling decisions, over all its baton_runs */
    uint64_t preemptions;
    unsigned runs;           /* baton_runs that ended */
    double seconds;
    const char *trace;       /* its trace file when traced (valid until the slot's next run) */
};

struct xr_options {
    char **program;          /* argv, NULL-terminated */
    unsigned jobs;
    double timeout;          /* seconds per run; 0: none */
    bool traced;             /* every run writes a trace (for a specification) */
    bool fork_server;        /* try the fork server first */
    const char *dir;         /* where the slots' trace files go */
    const char *trace_file;  /* with one job: its trace file instead, kept at the end */
    const char *sched_log;   /* exec mode: BATON_SCHED_LOG for the program (its departures) */
    const char *output;      /* the program's stdout and stderr go here (NULL: /dev/null) */
};

struct xr_runner;

/* Starts the slots.  NULL after saying why on stderr (the program does not start, never
 * calls baton_run, or is not linked with libbaton). */
struct xr_runner *xr_new(const struct xr_options *o);

/* Whether the slots serve by fork (false: every run is a fresh exec). */
bool xr_forking(const struct xr_runner *r);

/* Runs schedules: next() gives the next one to start (false: no more), done() gets every
 * finished run and returns false to stop starting new ones (runs under way are let finish and
 * reported).  Returns 0, or -1 after saying why on stderr (the program's server died). */
typedef bool xr_next_fn(void *ctx, struct xr_schedule *s, uint64_t *index);
typedef bool xr_done_fn(void *ctx, struct xr_result *r);
int xr_run(struct xr_runner *r, xr_next_fn *next, xr_done_fn *done, void *ctx);

/* cfg as BATON_SCHED spells it, malloc'd; NULL when out of memory. */
char *xr_strategy_text(const struct trc_strategy_cfg *cfg);

/* Asks xr_run to stop starting runs (from a signal handler: one store). */
void xr_interrupt(void);
bool xr_interrupted(void);

void xr_free(struct xr_runner *r);

/* "SIGSEGV" for 11: a signal's name, or "signal N" in buf. */
const char *xr_signal_name(int sig, char *buf, unsigned len);

#endif
