/* limits.h — the resource limits every phase of a check polls (evaluation, leaf compilation,
 * normalisation, every search, trace replay): a deadline, a memory budget and a cap on
 * states, and the figures reached when one of them stops the work.
 *
 * Memory is the resident memory of the whole process (/proc/self/statm): it counts every
 * allocation — the evaluator's values and terms, leaves, normal forms, state stores — with no
 * accounting in each module.  Polls read it at most once a millisecond; the few allocations
 * big enough to overshoot between two polls (a state table doubling) ask chk_memory_fits
 * first.  Without --memory the budget is a share of the machine's memory (chk_default_memory).
 *
 * Ownership: plain values; nothing to free. */
#ifndef BATON_CHECKER_LIMITS_H
#define BATON_CHECKER_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits a check may hit; 0 means none. */
struct chk_limits {
    uint64_t max_states;
    size_t memory;                /* bytes of resident memory, the whole process's */
    double seconds;
    int threads;                  /* cores for searches that can use several (0: one) */
    double deadline;              /* chk_now() past which work stops; 0: `seconds` after the
                                     start each search passes to chk_over_limit */
    bool strong_only;             /* compressions must keep the process up to strong
                                     bisimulation (R, RD, V, VD; tau priority): see
                                     compress_lts */
};

/* Stops every check in progress, as a limit named "interrupt": for SIGINT and SIGTERM
 * (async-signal-safe: it sets a flag that every poll reads).  chk_interrupted() is the
 * signal, or 0. */
void chk_interrupt(int sig);
int chk_interrupted(void);

/* Progress for people: once a check has run a second, at most four times a second, one line
 * on stderr (rewritten in place): states, transitions, states/s, resident memory and the
 * search's depth.  Never on stdout.  chk_progress_enable turns it on (`--progress`, or
 * stderr a terminal); chk_progress_done clears the line before a result is printed. */
void chk_progress_enable(bool on);
void chk_progress(uint64_t states, uint64_t transitions, uint32_t depth, double start);  /* depth
                                   UINT32_MAX: not a search (compiling a leaf) */
void chk_progress_done(void);

/* Seconds on a monotonic clock. */
double chk_now(void);

/* The name of the limit hit — "interrupt" (chk_interrupt), "states" (more than max_states),
 * "time" or "memory" — or NULL.
 * `start` is when the work began (used when lim has no deadline).  Cheap enough to call every
 * few thousand steps: the clock costs ~20 ns, and memory is read at most once a millisecond.
 * lim may be NULL. */
const char *chk_over_limit(const struct chk_limits *lim, uint64_t states, double start);

/* May `more` bytes be allocated now without passing the memory budget? */
bool chk_memory_fits(const struct chk_limits *lim, size_t more);

/* The process's resident memory in bytes (0 when it cannot be read). */
size_t chk_resident(void);

/* The most resident memory seen by the polls since the last chk_peak_reset (read at least
 * once, now). */
size_t chk_peak_resident(void);
void chk_peak_reset(void);

/* The default memory budget: $BATON_MEMORY_SHARE percent (default 50) of the smallest of the
 * machine's physical memory, the cgroup's memory limit and the address-space limit
 * (`ulimit -v`).  0 when none of them can be read. */
size_t chk_default_memory(void);

#endif
