/* trace.h — the trace writer inside libbaton: records into a buffer that is written to the
 * trace file when full, when the run ends, at exit and on a stack-overflow report.  The
 * on-disk layout is tracer/trace_format.h.  The writer owns the file and its buffer.
 * Every trc_rec_* requires trc_w.on; callers test TRC_ON() first, the one branch tracing
 * costs when it is off. */
#ifndef BATON_TRACER_TRACE_H
#define BATON_TRACER_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "tracer/chan.h"
#include "tracer/sched.h"

struct trc_writer {
    bool on;
    uint32_t gen; /* bumped per trace file: ids of channels and processes are per file */
};
extern struct trc_writer trc_w;

#define TRC_ON() __builtin_expect(trc_w.on, 0)

/* The trace id of p, writing its PROC record first if this file has not seen it. */
uint32_t trc_pid_define(struct trc_proc *p);
static inline uint32_t trc_pid(struct trc_proc *p)
{
    return __builtin_expect(p->tgen == trc_w.gen && p->tid, 1) ? p->tid : trc_pid_define(p);
}

/* One communication on c: flags TRC_F_PUT / TRC_F_TAKE or 0 for a rendezvous; sender and
 * receiver are trace ids (0 for none); msg is the message (read for its value). */
void trc_rec_comm(baton_chan *c, int flags, uint32_t sender, uint32_t receiver, const void *msg);

void trc_rec_end(struct trc_proc *p);
/* p blocks: op is enum trc_op; arg a channel (its id is looked up here) for SEND/RECV. */
void trc_rec_block(struct trc_proc *p, int op, baton_chan *c, uint32_t n);
/* One OFFER record for clause cl (after a BLOCK of an alt, or a WAIT). */
void trc_rec_offer(const struct trc_clause *cl);
void trc_rec_unblock(struct trc_proc *p, int reason);
void trc_rec_close(baton_chan *c, struct trc_proc *by);
void trc_rec_deadlock(uint32_t blocked);
void trc_rec_wait(struct trc_proc *p, int op, uint32_t offers);
void trc_rec_cycle(struct trc_proc *const *procs, uint32_t n);
void trc_rec_run_end(int status);

/* At baton_run's start: opens $BATON_TRACE unless a trace is open, notes the seed. */
void trc_trace_run_begin(uint64_t seed);
/* At baton_run's end: writes RUN_END, flushes and closes the file. */
void trc_trace_run_end(int status);
/* The scheduler is about to idle: the next record takes a fresh time stamp. */
void trc_trace_idle(void);
/* From the overflow report: an OVERFLOW record for p, then a flush.  Async-signal-safe. */
void trc_trace_overflow(struct trc_proc *p);

#endif
