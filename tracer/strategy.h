/* strategy.h — how the scheduler picks the next process when a run explores schedules
 * (BATON_SCHED).  `fifo` is the scheduler's own ready queue and never comes here; `random`
 * and `pct` choose at every scheduling point among the running process (when it could go
 * on), the ready ones and the clock (when a timer is pending: firing it early stands for the
 * runnable processes being slow).  Every choice comes from the run's seeded generator, so a
 * program, seed and strategy give one run.  docs/exploring.md states the guarantees. */
#ifndef BATON_TRACER_STRATEGY_H
#define BATON_TRACER_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trc_proc;

enum trc_strategy { TRC_FIFO, TRC_RANDOM, TRC_PCT, TRC_REPLAY };

enum {
    TRC_PCT_DEPTH_DEFAULT = 3,   /* PCT's d: bugs needing up to d-1 preemptions */
    TRC_PCT_DEPTH_MAX = 64,
    TRC_PCT_STEPS_DEFAULT = 1000 /* PCT's k: the scheduling points a run is expected to have */
};

/* A strategy and its parameters, as BATON_SCHED spells them. */
struct trc_strategy_cfg {
    enum trc_strategy kind;
    uint32_t depth;              /* pct */
    uint64_t steps;              /* pct */
    bool timers_idle;            /* timers fire only when nothing else can run (timers=idle) */
    const char *replay;          /* replay: its departures, "12:3+40:2" (not owned), or NULL */
};

/* Parses BATON_SCHED: "fifo", "random", "pct", "replay", with options after commas: depth=D
 * and steps=K (pct), at=STEP:ID+STEP:ID… (replay, last: the departures from the default
 * choice to make), timers=any (the default: a pending timer may fire at any scheduling point)
 * or timers=idle (only when nothing else can run).  0, or -1 when it is not one of those (cfg
 * is then fifo).  cfg->replay points into s. */
int trc_strategy_parse(const char *s, struct trc_strategy_cfg *cfg);

/* Spells cfg as BATON_SCHED would: at most 64 bytes with the NUL, plus replay's departures. */
void trc_strategy_format(const struct trc_strategy_cfg *cfg, char *buf, size_t len);

/* At the start of a run that explores: seeds the strategy's own generator from the run's
 * seed, draws PCT's change points and the clock's priority, reads replay's departures. */
void trc_strategy_begin(const struct trc_strategy_cfg *cfg, uint64_t seed);

/* Under BATON_SCHED_LOG=FILE a run's departures from the default choice are appended to FILE
 * as they are made, "STEP:ID+STEP:ID…"; at the end of the run, a newline ends the line (a run
 * that exits or crashes midway leaves it unended). */
void trc_strategy_end(void);

/* A new process joins (pct: a random priority, as if inserted at a random place in the
 * order). */
void trc_strategy_new_proc(struct trc_proc *p);

/* The process asked to let others run (baton_yield): pct drops it below every other. */
void trc_strategy_yield(struct trc_proc *p);

/* One scheduling decision.  cur is the running process when it could go on (it is in no
 * queue), else NULL; clock says whether a timer is pending; yielding that cur asked others to
 * go first.  Returns the process to run —
 * taken off the ready queue, or cur itself — or NULL: with *tick set, move the clock to the
 * next deadline and ask again; without it, nothing can run. */
struct trc_proc *trc_strategy_choose(struct trc_proc *cur, bool clock, bool yielding, bool *tick);

#endif
