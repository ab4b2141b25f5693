/* sched.h — processes and the scheduler, inside libbaton.  One scheduler per program runs
 * every process of the current baton_run on the calling thread.  The scheduler owns each
 * process record, which lives at the top of the process's own stack and dies with it. */
#ifndef BATON_TRACER_SCHED_H
#define BATON_TRACER_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "baton.h"
#include "tracer/ctx.h"
#include "tracer/stack.h"
#include "tracer/strategy.h"

struct trc_clause;

/* What a blocked process waits on (ORDER: wait_names in deadlock.c). */
enum trc_wait { TRC_W_NONE, TRC_W_CHAN, TRC_W_ALT, TRC_W_SLEEP, TRC_W_PAR };

/* A baton_par in progress: its caller waits until `left` reaches zero. */
struct trc_par {
    struct trc_proc *parent;
    size_t left; /* children still running */
};

struct trc_proc {
    struct trc_ctx ctx;             /* saved registers while switched out */
    struct trc_proc *next;          /* in the ready queue */
    struct trc_proc *prev_all, *next_all; /* in the list of live processes, by id */
    const char *name;               /* not owned */
    baton_fn *fn;
    void *arg;
    uint32_t id;                    /* 1 for main, then in order of creation */
    uint32_t parent;                /* id of the process that started it; 0 for main */
    uint32_t partner;               /* id of its last rendezvous partner (deadlock.c's guess) */
    uint32_t tid, tgen;             /* trace id, valid while tgen is the trace's generation */
    uint8_t wait;                   /* enum trc_wait, TRC_W_NONE when runnable */
    struct trc_clause *clauses;     /* TRC_W_CHAN/ALT: the cases it is registered on */
    uint32_t nclauses;
    int wake_idx, wake_err;         /* set by whoever wakes it: which clause, 0 or errno */
    int64_t deadline;               /* for the timer heap */
    size_t heap_idx;                /* 1-based place in the timer heap; 0 when none */
    struct trc_par *par;            /* the baton_par it is a child of, or NULL */
    struct trc_par *waitpar;        /* TRC_W_PAR: the par it waits for */
    int64_t prio;                   /* pct's priority (strategy.c) */
    const char *at_file;            /* where it last blocked (baton.h's call sites), or NULL */
    int at_line;
    struct trc_stack stack;
};

struct trc_sched {
    struct trc_proc *cur;           /* the running process; NULL in the scheduler itself */
    struct trc_ctx main_ctx;        /* baton_run's own context: idles, fires timers, reaps */
    struct trc_proc *ready_head, *ready_tail;
    struct trc_proc *all_head, *all_tail;
    struct trc_proc *zombie;        /* ended; its stack is freed by the scheduler */
    size_t live;                    /* processes not yet ended */
    struct trc_proc **heap;         /* timers: min-heap on (deadline, id) */
    size_t nheap, capheap;
    uint32_t next_id;
    unsigned ticks;                 /* switches since timers were last checked */
    bool running;
    bool virtual_time;              /* BATON_CLOCK=virtual: time moves only when all wait */
    int64_t vnow;                   /* the virtual clock, ns */
    uint64_t seed;
    uint64_t rng[2];                /* xorshift128+ state, from the seed */
    uint8_t strategy;               /* enum trc_strategy: TRC_FIFO unless exploring */
    uint64_t steps;                 /* exploring: scheduling decisions so far */
    uint64_t preemptions;           /* exploring: switches away from a process that could go on */
};

extern struct trc_sched trc_sched;

/* A process that has ended, remembered for the deadlock report (the last TRC_ENDED_MAX). */
struct trc_ended {
    uint32_t id;
    const char *name, *file;        /* file: where it last called libbaton, or NULL */
    int line;
};
enum { TRC_ENDED_MAX = 4096 };
/* The ended process with this id, if it is still remembered; NULL otherwise. */
const struct trc_ended *trc_ended_find(uint32_t id);

/* Makes p runnable (at the tail of the ready queue) and cancels its timer. */
void trc_ready(struct trc_proc *p);

/* Switches away from the running process, which must have set its `wait`, until something
 * readies it again.  Checks the stack canary first. */
void trc_suspend(void);

/* Arms a timer: at `deadline` (baton_now's clock) p is woken as by trc_timer_fire. */
int trc_timer_add(struct trc_proc *p, int64_t deadline);

/* Calls fn on baton_run's own stack when a process is running (else at once): for work too
 * deep for a small process stack, such as starting a thread.  The schedule is unchanged. */
void trc_on_scheduler_stack(void (*fn)(void));

/* A scheduling point (a channel operation, a process's start): when the run explores
 * schedules (BATON_SCHED), the strategy may switch to another process here.  Under fifo, one
 * predictable branch. */
void trc_point_slow(void);
static inline void trc_point(void)
{
    if (__builtin_expect(trc_sched.strategy != 0, 0)) trc_point_slow();
}

/* A random number below n (n > 0), from the run's seeded generator (alt's choices). */
uint64_t trc_rand_below(uint64_t n);

/* A generator of its own (xorshift128+): seeded, and a number below n (n > 0). */
void trc_rng_seed(uint64_t rng[2], uint64_t seed);
uint64_t trc_rng_below(uint64_t rng[2], uint64_t n);

/* The seed the next run will use: baton_set_seed's, else BATON_SEED, else the default. */
uint64_t trc_next_seed(void);

/* The strategy the next run will use: trc_set_strategy's, else BATON_SCHED's, else fifo. */
void trc_next_strategy(struct trc_strategy_cfg *cfg);
void trc_set_strategy(const struct trc_strategy_cfg *cfg);

#endif
