/* trace.h — the trace writer inside libbaton: the file's header is written when it is
 * opened; records go into a buffer that is written to the trace file when full and by a
 * flusher thread every 100 ms; the run's end, exit(3), a stack-overflow report and a stopping
 * signal (SIGTERM, SIGINT, SIGHUP) flush it.  The on-disk layout is tracer/trace_format.h.
 * The writer owns the file and its buffer.  Every trc_rec_* requires trc_w.on; callers test TRC_ON() first,
 * the one branch tracing costs when it is off.  The hot paths (a communication on an int
 * channel, a block on a send or receive) are inline here; the rest is in trace.c. */
#ifndef BATON_TRACER_TRACE_H
#define BATON_TRACER_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tracer/chan.h"
#include "tracer/sched.h"
#include "tracer/trace_format.h"

#define TRC_BUF_SIZE ((size_t)64 << 10)
#define TRC_STAMP_EVERY 256

/* The writer's hot state; the rest is private to trace.c. */
struct trc_writer {
    bool on;
    uint32_t gen;         /* bumped per trace file: ids of channels and processes are per file */
    unsigned countdown;   /* records until the next time stamp; 1: stamp the next one */
    unsigned char *buf;   /* the buffer being filled */
    size_t len;           /* bytes of complete records in it; written by the scheduler's
                             thread only (trc_publish), read by the flusher thread */
    uint64_t pend;        /* a BLOCK16 held back, as its little-endian word (0: none): written
                             before any other record, or folded into a COMM */
    const struct trc_proc *pend_proc; /* whose BLOCK that is (meaningful while pend is set) */
};
extern struct trc_writer trc_w;

#define TRC_ON() __builtin_expect(trc_w.on, 0)

void trc_flush_full(void);
uint16_t trc_stamp_slow(void);
void trc_unpend(void);

/* The buffer holds len bytes of complete records: a release store, read by the flusher
 * thread (trace.c) with an acquire load.  On x86-64 a plain store. */
static inline void trc_publish(size_t len)
{
    __atomic_store_n(&trc_w.len, len, __ATOMIC_RELEASE);
}

/* Appends one complete record: the length moves only once all its bytes are in, so neither
 * the flusher nor a flush from a signal handler ever writes half a record.  A pending BLOCK
 * goes first. */
static inline void trc_put(const void *rec, size_t n)
{
    if (__builtin_expect(trc_w.pend != 0, 0)) trc_unpend();
    if (__builtin_expect(trc_w.len + n > TRC_BUF_SIZE, 0)) trc_flush_full();
    size_t len = trc_w.len;
    memcpy(trc_w.buf + len, rec, n);
    trc_publish(len + n);
}

/* The dt of the record about to be written: 0 but on the first records of a file, on every
 * TRC_STAMP_EVERY-th record and after an idle spell (trace.c says why); may put a TIME
 * record first. */
static inline uint16_t trc_stamp(void)
{
    if (__builtin_expect(--trc_w.countdown != 0, 1)) return 0;
    return trc_stamp_slow();
}

/* The trace id of c, writing its CHAN record first if this file has not seen it. */
uint32_t trc_cid_define(baton_chan *c);
static inline uint32_t trc_cid(baton_chan *c)
{
    return __builtin_expect(c->tgen == trc_w.gen, 1) ? c->tid : trc_cid_define(c);
}

/* The trace id of p, writing its PROC record first if this file has not seen it. */
uint32_t trc_pid_define(struct trc_proc *p);
static inline uint32_t trc_pid(struct trc_proc *p)
{
    return __builtin_expect(p->tgen == trc_w.gen, 1) ? p->tid : trc_pid_define(p);
}

/* One communication on c: flags TRC_F_PUT / TRC_F_TAKE or 0 for a rendezvous; sender and
 * receiver are trace ids (0 for none); msg is the message (read for its value); waiter is
 * the side that was blocked waiting for it (TRC_OP_SEND or TRC_OP_RECV, a constant at every
 * call), wp that process, or 0 and NULL.  A process waits on one channel at a time, so when
 * the BLOCK held back is wp's, it is its wait for this very communication and folds in.
 * Ints, pure events and opaque messages (whose value is 0) are written inline: between the
 * channel's usual processes with no time stamp due, a 4-byte COMM4 when the value is a small
 * step from the channel's last one and the channel id fits a byte, else an 8-byte COMM8; a
 * 16-byte COMM16 when the processes change. */
void trc_rec_comm_slow(baton_chan *c, int flags, uint32_t sender, uint32_t receiver, const void *msg);
__attribute__((always_inline)) static inline void trc_rec_comm(baton_chan *c, int flags, uint32_t sender,
                                                               uint32_t receiver, const void *msg,
                                                               int waiter, const struct trc_proc *wp)
{
    int64_t v = 0;
    if (__builtin_expect(c->vkind == TRC_V_INT, 1)) memcpy(&v, msg, sizeof v);
    else if (c->vkind == TRC_V_INTS || c->vkind == TRC_V_FMT) goto slow; /* strings */
    if ((sender | receiver) > 0xffff || v < INT32_MIN || v > INT32_MAX) goto slow;
    uint32_t cid = trc_cid(c);
    uint16_t dt = 0;
    /* Fold the held-back BLOCK in when it is the waiter's, and no time stamp (maybe a TIME
     * record) is due in between. */
    if (waiter && trc_w.pend && trc_w.pend_proc == wp && trc_w.countdown > 1) {
        flags |= waiter == TRC_OP_RECV ? TRC_F_RBLOCKED : TRC_F_SBLOCKED;
        dt = (uint16_t)(trc_w.pend >> 16); /* the stamp below is 0: not due */
        trc_w.pend = 0;
    }
    dt += trc_stamp();
    uint64_t step = (uint64_t)v - (uint64_t)c->tval; /* -128..127 iff step + 128 < 256 */
    c->tval = v;
    uint32_t pair = flags & TRC_F_PUT ? sender : sender | receiver << 16;
    uint32_t *last = flags & TRC_F_PUT ? &c->tput : &c->tpair;
    if (__builtin_expect(dt == 0 && *last == pair, 1)) {
        if (__builtin_expect(c->t4 && step + 128 < 256, 1)) {
            /* struct trc_comm4_rec as one little-endian word */
            uint32_t w = c->t4 | (uint32_t)(flags & 0xff) << 8 | (uint32_t)(uint8_t)step << 24;
            trc_put(&w, sizeof w);
            return;
        }
        if (cid <= 0xffff) {
            /* struct trc_comm8_rec as one little-endian word */
            uint64_t w = TRC_COMM8 | (uint64_t)(flags & 0xff) << 8 | (uint64_t)cid << 16 |
                         (uint64_t)(uint32_t)(int32_t)v << 32;
            trc_put(&w, sizeof w);
            return;
        }
    }
    *last = pair;
    /* struct trc_comm16_rec as two little-endian words: cheaper than building the struct on
     * the stack and copying it */
    uint64_t w[2] = {TRC_COMM16 | (uint64_t)(flags & 0xff) << 8 | (uint64_t)dt << 16 | (uint64_t)cid << 32,
                     sender | (uint64_t)receiver << 16 | (uint64_t)(uint32_t)(int32_t)v << 32};
    trc_put(w, sizeof w);
    return;
slow:
    trc_rec_comm_slow(c, flags, sender, receiver, msg);
}

void trc_rec_end(struct trc_proc *p);
/* p blocks: op is enum trc_op; c the channel of a SEND/RECV, else n the count. */
void trc_rec_block_slow(struct trc_proc *p, int op, baton_chan *c, uint32_t n);
static inline void trc_rec_block(struct trc_proc *p, int op, baton_chan *c, uint32_t n)
{
    if (c) {
        uint32_t id = trc_pid(p), cid = trc_cid(c);
        if ((id | cid) <= 0xffff) {
            if (trc_w.pend) trc_unpend();
            /* struct trc_block16_rec as one word, held back: the next record may fold it in */
            trc_w.pend = TRC_BLOCK16 | (uint64_t)(op & 0xff) << 8 | (uint64_t)trc_stamp() << 16 |
                         (uint64_t)id << 32 | (uint64_t)cid << 48;
            trc_w.pend_proc = p;
            return;
        }
    }
    trc_rec_block_slow(p, op, c, n);
}
/* One OFFER record for clause cl (after a BLOCK of an alt, or a WAIT). */
void trc_rec_offer(const struct trc_clause *cl);
void trc_rec_unblock(struct trc_proc *p, int reason);
void trc_rec_close(baton_chan *c, struct trc_proc *by);
void trc_rec_deadlock(uint32_t blocked);
void trc_rec_wait(struct trc_proc *p, int op, uint32_t offers);
/* After p's WAIT group: a SITE record, where p made the call it is blocked in (nothing when
 * no call-site macro noted one). */
void trc_rec_site(struct trc_proc *p);
void trc_rec_cycle(struct trc_proc *const *procs, uint32_t n);
void trc_rec_run_end(int status);

/* At baton_run's start: opens $BATON_TRACE unless a trace is open, notes the seed. */
void trc_trace_run_begin(uint64_t seed);
/* At baton_run's end: writes RUN_END, stops the flusher, flushes and closes the file. */
void trc_trace_run_end(int status);
/* The scheduler is about to idle: the next record takes a fresh time stamp, and the
 * held-back BLOCK goes into the buffer (the flusher takes it to the file meanwhile). */
void trc_trace_idle(void);
/* From the overflow report: an OVERFLOW record for p, then a flush.  Async-signal-safe. */
void trc_trace_overflow(struct trc_proc *p);
/* A crash (a fault that is not a stack overflow): what was recorded goes to the file.
 * Async-signal-safe. */
void trc_trace_crash(void);

#endif
