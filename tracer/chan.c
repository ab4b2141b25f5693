/* chan.c — channels: making them, send, receive and close.  A rendezvous copies the message
 * straight from the sender's buffer into the receiver's (Plan 9's altcopy): whichever side
 * arrives second finds the other's clause in the channel's queue, copies, and wakes it.
 * That moment is the communication's single commit point and where its trace record is
 * written.  A buffered channel is a ring of `cap` messages in front of the same queues. */
#include "tracer/chan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/sched.h"
#include "tracer/trace.h"
#include "tracer/trace_format.h"

/* ---- making and freeing -------------------------------------------------------------------- */

static baton_chan *chan_make(const char *name, size_t msg_size, size_t cap, int vkind, size_t fields)
{
    if (!name || cap > UINT32_MAX || fields > UINT32_MAX || (cap && msg_size > SIZE_MAX / cap)) {
        errno = EINVAL;
        return NULL;
    }
    /* the name is stored after the record: one allocation, not two */
    size_t len = strlen(name) + 1;
    baton_chan *c = calloc(1, sizeof *c + len);
    if (!c) goto error1;
    c->name = memcpy(c + 1, name, len);
    if (cap) {
        c->buf = malloc(cap * (msg_size ? msg_size : 1));
        c->buf_sender = calloc(cap, sizeof *c->buf_sender);
        if (!c->buf || !c->buf_sender) goto error3;
    }
    c->msg_size = msg_size;
    c->cap = cap;
    c->vkind = (uint8_t)vkind;
    c->fields = (uint32_t)fields;
    return c;
error3:
    free(c->buf);
    free(c->buf_sender);
    free(c);
error1:
    errno = ENOMEM;
    return NULL;
}

baton_chan *baton_chan_new(const char *name, size_t msg_size, size_t capacity)
{
    return chan_make(name, msg_size, capacity, msg_size ? TRC_V_OPAQUE : TRC_V_EVENT, msg_size);
}

baton_chan *baton_chan_int(const char *name, size_t capacity)
{
    return chan_make(name, sizeof(int64_t), capacity, TRC_V_INT, 1);
}

baton_chan *baton_chan_ints(const char *name, size_t fields, size_t capacity)
{
    if (fields == 0 || fields > SIZE_MAX / sizeof(int64_t)) {
        errno = EINVAL;
        return NULL;
    }
    return chan_make(name, fields * sizeof(int64_t), capacity, TRC_V_INTS, fields);
}

void baton_chan_set_format(baton_chan *c, int (*fmt)(const void *msg, char *buf, size_t len))
{
    /* events, ints and ints channels are named by the runtime itself */
    if (!c || c->vkind == TRC_V_EVENT || c->vkind == TRC_V_INT || c->vkind == TRC_V_INTS) return;
    c->fmt = fmt;
    c->vkind = fmt ? TRC_V_FMT : TRC_V_OPAQUE;
}

void baton_chan_free(baton_chan *c)
{
    if (!c) return;
    baton_close(c);
    free(c->buf);
    free(c->buf_sender);
    free(c);
}

/* ---- queues of blocked clauses ------------------------------------------------------------- */

static inline struct trc_queue *queue_of(baton_chan *c, int op)
{
    return op == BATON_SEND ? &c->sendq : &c->recvq;
}

void trc_clause_link(struct trc_clause *cl)
{
    struct trc_queue *q = queue_of(cl->chan, cl->op);
    /* a process waiting at an end of c is the best evidence of who uses that end (deadlock.c) */
    if (cl->op == BATON_SEND) cl->chan->last_send = cl->proc->id;
    else cl->chan->last_recv = cl->proc->id;
    cl->next = NULL;
    cl->prev = q->tail;
    if (q->tail) q->tail->next = cl; else q->head = cl;
    q->tail = cl;
}

void trc_clause_unlink(struct trc_clause *cl)
{
    struct trc_queue *q = queue_of(cl->chan, cl->op);
    if (cl->prev) cl->prev->next = cl->next; else q->head = cl->next;
    if (cl->next) cl->next->prev = cl->prev; else q->tail = cl->prev;
}

void trc_clause_fire(struct trc_clause *cl, int err)
{
    struct trc_proc *p = cl->proc;
    if (p->nclauses == 1) {
        trc_clause_unlink(cl);
    } else {
        for (uint32_t i = 0; i < p->nclauses; i++) trc_clause_unlink(&p->clauses[i]);
    }
    p->wake_idx = cl->idx;
    p->wake_err = err;
    trc_ready(p);
}

/* ---- the operations ------------------------------------------------------------------------ */

static inline void copy_msg(void *dst, const void *src, size_t n)
{
    if (!dst || !src) return;
    if (n == sizeof(int64_t)) /* ints, the common case: one move, not a call */
        memcpy(dst, src, sizeof(int64_t));
    else if (n)
        memcpy(dst, src, n);
}

/* The ring index i places after the head (i <= cap): a compare, not a division. */
static inline size_t wrap(const baton_chan *c, size_t i)
{
    size_t at = c->head + i;
    return at >= c->cap ? at - c->cap : at;
}

static inline char *slot(baton_chan *c, size_t i)
{
    return c->buf + wrap(c, i) * c->msg_size;
}

bool trc_chan_ready(const baton_chan *c, int op)
{
    if (c->closed) return true;
    if (op == BATON_SEND) return c->recvq.head || c->count < c->cap;
    return c->count || c->sendq.head;
}

/* Sends if that completes now: 1 done, 0 would block, -1 closed.  See the file comment. */
static inline int try_send(baton_chan *c, const void *msg, struct trc_proc *self)
{
    if (c->closed) return -1;
    struct trc_clause *r = c->recvq.head;
    if (r) {
        copy_msg(r->msg, msg, c->msg_size);
        c->last_send = self->id;
        c->last_recv = r->proc->id;
        self->partner = r->proc->id;
        r->proc->partner = self->id;
        if (TRC_ON()) {
            uint32_t s = trc_pid(self), t = trc_pid(r->proc);
            if (c->cap == 0) {
                trc_rec_comm(c, 0, s, t, msg, TRC_OP_RECV, r->proc);
            } else { /* straight through an empty buffer: in, then out */
                trc_rec_comm(c, TRC_F_PUT, s, 0, msg, 0, NULL);
                trc_rec_comm(c, TRC_F_TAKE, s, t, msg, TRC_OP_RECV, r->proc);
            }
        }
        trc_clause_fire(r, 0);
        return 1;
    }
    if (c->count < c->cap) {
        copy_msg(slot(c, c->count), msg, c->msg_size);
        c->buf_sender[wrap(c, c->count)] = 0;
        c->count++;
        c->last_send = self->id;
        if (TRC_ON()) {
            uint32_t s = trc_pid(self);
            c->buf_sender[wrap(c, c->count - 1)] = s;
            trc_rec_comm(c, TRC_F_PUT, s, 0, msg, 0, NULL);
        }
        return 1;
    }
    return 0;
}

/* Receives if that completes now: 1 done, 0 would block, -1 closed and drained. */
static inline int try_recv(baton_chan *c, void *msg, struct trc_proc *self)
{
    if (c->count) {
        char *first = slot(c, 0);
        copy_msg(msg, first, c->msg_size);
        c->last_recv = self->id;
        if (TRC_ON()) trc_rec_comm(c, TRC_F_TAKE, c->buf_sender[c->head], trc_pid(self), first, 0, NULL);
        c->head = wrap(c, 1);
        c->count--;
        struct trc_clause *s = c->sendq.head;
        if (s) { /* a slot came free: the oldest blocked sender's message moves in */
            copy_msg(slot(c, c->count), s->msg, c->msg_size);
            size_t at = wrap(c, c->count);
            c->count++;
            c->last_send = s->proc->id;
            c->buf_sender[at] = 0;
            if (TRC_ON()) {
                c->buf_sender[at] = trc_pid(s->proc);
                trc_rec_comm(c, TRC_F_PUT, c->buf_sender[at], 0, s->msg, TRC_OP_SEND, s->proc);
            }
            trc_clause_fire(s, 0);
        }
        return 1;
    }
    struct trc_clause *s = c->sendq.head;
    if (s) {
        copy_msg(msg, s->msg, c->msg_size);
        c->last_send = s->proc->id;
        c->last_recv = self->id;
        self->partner = s->proc->id;
        s->proc->partner = self->id;
        if (TRC_ON()) trc_rec_comm(c, 0, trc_pid(s->proc), trc_pid(self), s->msg, TRC_OP_SEND, s->proc);
        trc_clause_fire(s, 0);
        return 1;
    }
    return c->closed ? -1 : 0;
}

int trc_chan_do(baton_chan *c, int op, void *msg)
{
    struct trc_proc *self = trc_sched.cur;
    int r = op == BATON_SEND ? try_send(c, msg, self) : try_recv(c, msg, self);
    return r < 0 ? EPIPE : 0;
}

/* Blocks the running process on one clause until a peer fires it. */
static int wait_one(baton_chan *c, int op, void *msg, struct trc_proc *self)
{
    struct trc_clause cl = {.proc = self, .chan = c, .msg = msg, .op = op, .idx = 0};
    trc_clause_link(&cl);
    self->clauses = &cl;
    self->nclauses = 1;
    self->wait = TRC_W_CHAN;
    if (TRC_ON()) trc_rec_block(self, op == BATON_SEND ? TRC_OP_SEND : TRC_OP_RECV, c, 0);
    trc_suspend();
    self->clauses = NULL;
    self->nclauses = 0;
    if (self->wake_err) {
        errno = self->wake_err;
        return -1;
    }
    return 0;
}

int baton_send(baton_chan *c, const void *msg)
{
    struct trc_proc *self = trc_sched.cur;
    if (__builtin_expect(!self || !c || (!msg && c->msg_size), 0)) {
        errno = EINVAL;
        return -1;
    }
    trc_point();
    int r = try_send(c, msg, self);
    if (r > 0) return 0;
    if (r < 0) {
        errno = EPIPE;
        return -1;
    }
    return wait_one(c, BATON_SEND, (void *)msg, self);
}

int baton_recv(baton_chan *c, void *msg)
{
    struct trc_proc *self = trc_sched.cur;
    if (__builtin_expect(!self || !c, 0)) {
        errno = EINVAL;
        return -1;
    }
    trc_point();
    int r = try_recv(c, msg, self);
    if (r > 0) return 0;
    if (r < 0) {
        errno = EPIPE;
        return -1;
    }
    return wait_one(c, BATON_RECV, msg, self);
}

int baton_send_int(baton_chan *c, int64_t v)
{
    if (c && c->msg_size != sizeof v) {
        errno = EINVAL;
        return -1;
    }
    return baton_send(c, &v);
}

int baton_recv_int(baton_chan *c, int64_t *v)
{
    if (c && c->msg_size != sizeof *v) {
        errno = EINVAL;
        return -1;
    }
    return baton_recv(c, v);
}

void baton_close(baton_chan *c)
{
    if (!c) return;
    trc_point();
    if (c->closed) return;
    c->closed = true;
    if (TRC_ON()) trc_rec_close(c, trc_sched.cur);
    struct trc_clause *cl;
    while ((cl = c->sendq.head) || (cl = c->recvq.head)) {
        if (TRC_ON()) trc_rec_unblock(cl->proc, TRC_WAKE_CLOSED);
        trc_clause_fire(cl, EPIPE);
    }
}
