/* chan.h — channels inside libbaton: the channel record and the clauses by which blocked
 * processes wait on it.  A clause lives on its process's stack for as long as it waits; the
 * channel only links it into a queue.  The user owns the channel. */
#ifndef BATON_TRACER_CHAN_H
#define BATON_TRACER_CHAN_H

#include <stdbool.h>
#include <stdint.h>

#include "baton.h"

struct trc_proc;

/* One offer of a blocked process: a send or a receive on one channel. */
struct trc_clause {
    struct trc_clause *next, *prev; /* in the channel's queue for op */
    struct trc_proc *proc;
    baton_chan *chan;
    void *msg;                      /* source of a send, destination of a receive */
    int op;                         /* BATON_SEND or BATON_RECV */
    int idx;                        /* the case index in its alt (0 for send/recv) */
};

struct trc_queue {
    struct trc_clause *head, *tail;
};

struct baton_chan {
    struct trc_queue sendq, recvq;  /* blocked senders and receivers, oldest first */
    size_t msg_size, cap;
    size_t head, count;             /* the ring buffer: first message and how many */
    char *buf;                      /* cap * msg_size bytes */
    uint32_t *buf_sender;           /* who put each buffered message (for the trace) */
    bool closed;
    uint8_t vkind;                  /* enum trc_vkind: how messages are named */
    uint32_t fields;                /* int64 fields per message, for ints channels */
    uint32_t last_send, last_recv;  /* ids of the last processes to use or wait at each end */
    uint32_t tid, tgen;             /* trace id, valid while tgen is the trace's generation */
    uint32_t tpair, tput;           /* trace ids of the last COMM's sender | receiver << 16 and
                                       of the last put's sender: when they repeat, a COMM8 */
    int64_t tval;                   /* the value of the last COMM: a small step from it, a COMM4 */
    uint32_t t4;                    /* COMM4's first bytes for c in this file, 0 when c has none */
    int (*fmt)(const void *msg, char *buf, size_t len);
    char *name;                     /* a copy, stored just after the record */
};

/* True when op on c would complete (or fail with EPIPE) without blocking. */
bool trc_chan_ready(const baton_chan *c, int op);

/* Performs op on c, which must be ready: 0, or EPIPE when c is closed. */
int trc_chan_do(baton_chan *c, int op, void *msg);

/* Puts cl at the tail of its channel's queue for cl->op / takes it out. */
void trc_clause_link(struct trc_clause *cl);
void trc_clause_unlink(struct trc_clause *cl);

/* Wakes cl's process: unlinks all its clauses, records which one fired (idx) and err. */
void trc_clause_fire(struct trc_clause *cl, int err);

#endif
