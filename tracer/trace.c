/* trace.c — the trace writer (see trace.h; layout in trace_format.h and
 * docs/trace-format.md).  Opening a trace writes its header to the file at once, so a
 * program killed at any moment leaves a valid trace.  Records are copied into one 64 KiB
 * buffer, which the scheduler write(2)s itself when it is full: the kernel's copy into the
 * page cache costs about 0.25 ns a byte, 2 ns per ping-pong round trip (8 bytes), less than
 * handing buffers to a writer thread did, woken by a futex, polling or spinning
 * (docs/runtime.md, Performance).  A flusher thread wakes every TRC_FLUSH_MS and writes what
 * the buffer holds beyond what is in the file already, so a SIGKILL, or a program stuck
 * outside the scheduler, loses at most that much time's records; the scheduler's hot path
 * does not change (no clock read, no lock).  The buffer's length grows only after a record is
 * complete, so neither the flusher nor a flush from a signal handler writes half a record.
 * A stopping signal (SIGTERM, SIGINT, SIGHUP, when the program has not set a handler of its
 * own) flushes the trace, adds a LIVELOCK record when processes were busy, and then takes
 * its default action.
 * Time stamps come from the TSC, calibrated against CLOCK_MONOTONIC once per file, and are
 * taken on each of the first TRC_STAMP_ALL records, then on every TRC_STAMP_EVERY-th record
 * and on the first after the scheduler idled; the records between carry dt = 0 (their order
 * is their position in the file). */
#include "tracer/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tracer/event.h"
#include "tracer/trace_format.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#define TRC_HAVE_TSC 1
#endif

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the trace writer copies records as they lie in memory: little-endian hosts only"
#endif

#define BUF_SIZE TRC_BUF_SIZE
#define INTERN_MAX ((size_t)1 << 20)
/* The flusher's period: records reach the file at most this long after they were made. */
#define TRC_FLUSH_MS 100

_Static_assert(sizeof(struct trc_header) == 32, "header");
_Static_assert(sizeof(struct trc_str_rec) == 12, "STR");
_Static_assert(sizeof(struct trc_chan_rec) == 20, "CHAN");
_Static_assert(sizeof(struct trc_proc_rec) == 16, "PROC");
_Static_assert(sizeof(struct trc_end_rec) == 8, "END");
_Static_assert(sizeof(struct trc_comm_rec) == 24, "COMM");
_Static_assert(sizeof(struct trc_block_rec) == 12, "BLOCK");
_Static_assert(sizeof(struct trc_offer_rec) == 16, "OFFER");
_Static_assert(sizeof(struct trc_unblock_rec) == 8, "UNBLOCK");
_Static_assert(sizeof(struct trc_close_rec) == 12, "CLOSE");
_Static_assert(sizeof(struct trc_time_rec) == 16, "TIME");
_Static_assert(sizeof(struct trc_deadlock_rec) == 8, "DEADLOCK");
_Static_assert(sizeof(struct trc_wait_rec) == 12, "WAIT");
_Static_assert(sizeof(struct trc_cycle_rec) == 8, "CYCLE");
_Static_assert(sizeof(struct trc_run_end_rec) == 8, "RUN_END");
_Static_assert(sizeof(struct trc_comm16_rec) == 16, "COMM16");
_Static_assert(sizeof(struct trc_block16_rec) == 8, "BLOCK16");
_Static_assert(sizeof(struct trc_comm8_rec) == 8, "COMM8");
_Static_assert(sizeof(struct trc_comm4_rec) == 4, "COMM4");
_Static_assert(sizeof(struct trc_livelock_rec) == 8, "LIVELOCK");
_Static_assert(sizeof(struct trc_capped_rec) == 8, "CAPPED");
_Static_assert(sizeof(struct trc_site_rec) == 16, "SITE");

struct trc_writer trc_w;

struct interned {
    uint64_t hash;
    char *s;      /* owned copy */
    uint32_t len;
    uint32_t id;  /* 0: empty slot */
};

/* Stopping signals (TERM, INT, HUP) mark a livelock when processes were busy; crashes (the
 * rest) only keep what was recorded up to them. */
static const int stop_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGABRT, SIGFPE, SIGILL};
#define NSTOP (sizeof stop_signals / sizeof stop_signals[0])

static struct {
    int fd;
    uint64_t written;    /* bytes written to the file */
    uint64_t cap;        /* BATON_TRACE_MAX: the file stops short of this many bytes; 0: none */
    atomic_bool capped;  /* the cap was reached: a CAPPED record ended the file */
    /* Whoever writes buffer bytes to the file holds wlock: the scheduler's thread (flush,
     * its signal handlers) or the flusher.  A spin lock, since signal handlers take it. */
    atomic_bool wlock;
    size_t flushed;      /* the buffer's first `flushed` bytes are in the file (under wlock) */
    uint64_t hdr_seed;   /* the seed the header in the file holds */
    volatile sig_atomic_t writing;  /* flush() is writing the buffer: a signal waits for it */
    volatile sig_atomic_t stop_sig; /* a stopping signal that came during a flush */
    volatile sig_atomic_t stop_busy;
    atomic_bool failed;
    pthread_t sched;     /* the thread running baton_run: signals are handled there */
    bool handling[NSTOP];          /* our handler is installed for stop_signals[i] */
    struct sigaction old[NSTOP];
    uint32_t nstr, nchan, nproc;
    uint64_t last_ns;    /* time of the last stamp, ns since open */
    bool use_tsc;
    uint64_t tsc0, mult; /* ns = (tsc - tsc0) * mult >> 32 */
    int64_t mono0;
    struct interned *tab;
    size_t ntab, captab;
    bool atexit_done;
    uint64_t stamps;     /* time stamps taken in this file */
} w = {.fd = -1};

/* ---- the clock ------------------------------------------------------------------------------- */

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void clock_start(void)
{
    w.mono0 = mono_ns();
    w.use_tsc = false;
#ifdef TRC_HAVE_TSC
    unsigned a, b, c, d;
    /* Only an invariant TSC ticks at one rate across power states and cores. */
    if (__get_cpuid(0x80000007, &a, &b, &c, &d) && (d & (1u << 8))) {
        int64_t t0 = mono_ns(), t1;
        uint64_t c0 = __rdtsc(), c1;
        do t1 = mono_ns();
        while (t1 - t0 < 1000000);
        c1 = __rdtsc();
        if (c1 > c0) {
            w.mult = (uint64_t)(((unsigned __int128)(uint64_t)(t1 - t0) << 32) / (c1 - c0));
            w.tsc0 = c1; /* times count from the end of the calibration */
            w.mono0 = t1;
            w.use_tsc = w.mult != 0;
        }
    }
#endif
}

static inline uint64_t now_ns(void)
{
#ifdef TRC_HAVE_TSC
    if (__builtin_expect(w.use_tsc, 1))
        return (uint64_t)(((unsigned __int128)(__rdtsc() - w.tsc0) * w.mult) >> 32);
#endif
    return (uint64_t)(mono_ns() - w.mono0);
}

/* ---- the buffer ------------------------------------------------------------------------------ */

static bool write_raw(const unsigned char *buf, size_t len);

/* Writes all of buf — unless that would take the file past its cap, in which case a CAPPED
 * record ends the file and everything after is dropped (whole writes are whole records, so
 * the file stays a valid trace).  False (with errno) on failure.  Async-signal-safe. */
static bool write_all(const unsigned char *buf, size_t len)
{
    if (atomic_load(&w.capped)) return true;
    if (w.cap && w.written + len + sizeof(struct trc_capped_rec) > w.cap) {
        atomic_store(&w.capped, true);
        struct trc_capped_rec r = {{TRC_CAPPED, 0, 0}, (uint32_t)(w.cap >> 10)};
        return write_raw((const unsigned char *)&r, sizeof r);
    }
    return write_raw(buf, len);
}

static bool write_raw(const unsigned char *buf, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(w.fd, buf + off, len - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        off += (size_t)n;
    }
    return true;
}

static void write_failed(int err)
{
    if (!atomic_exchange(&w.failed, true))
        fprintf(stderr, "baton: writing the trace failed (%s); tracing stops here\n", strerror(err));
}

/* The flusher holds the lock only for one write(2); the scheduler's thread waits for it.
 * Async-signal-safe. */
static void wlock_take(void)
{
    while (atomic_exchange_explicit(&w.wlock, true, memory_order_acquire)) sched_yield();
}

static void wlock_give(void)
{
    atomic_store_explicit(&w.wlock, false, memory_order_release);
}

/* Writes the buffer's bytes not yet in the file and empties it; the caller holds wlock.
 * False (with errno) when the write failed: the caller reports it, unless it is a signal
 * handler.  Async-signal-safe. */
static bool write_out(void)
{
    size_t len = trc_w.len;
    bool ok = len <= w.flushed || atomic_load(&w.failed) ||
              write_all(trc_w.buf + w.flushed, len - w.flushed);
    w.written += len - w.flushed;
    w.flushed = 0;
    trc_publish(0);
    return ok;
}

static void stop_now(int sig, bool busy);

/* The buffer is full, or must reach the file: write it.  A stopping signal that arrives
 * meanwhile is acted on once the write is done (the handler cannot know how much of the
 * buffer is in the file). */
static void flush(void)
{
    w.writing = 1;
    atomic_signal_fence(memory_order_seq_cst);
    wlock_take();
    bool ok = write_out();
    int err = errno;
    wlock_give();
    if (!ok) write_failed(err);
    atomic_signal_fence(memory_order_seq_cst);
    w.writing = 0;
    if (w.stop_sig) stop_now(w.stop_sig, w.stop_busy);
}

/* Everything recorded so far reaches the file before this returns. */
static void flush_sync(void)
{
    if (trc_w.pend) trc_unpend();
    flush();
}

void trc_flush_full(void)
{
    flush();
}

void trc_unpend(void)
{
    uint64_t p = trc_w.pend;
    trc_w.pend = 0;
    trc_put(&p, sizeof p);
}

#define put trc_put
#define stamp trc_stamp

/* The first TRC_STAMP_ALL records of a file are all stamped: small traces get exact times,
 * long ones pay for a clock read only on every TRC_STAMP_EVERY-th record. */
#define TRC_STAMP_ALL 4096

uint16_t trc_stamp_slow(void)
{
    trc_w.countdown = w.stamps++ < TRC_STAMP_ALL ? 1 : TRC_STAMP_EVERY;
    uint64_t now = now_ns();
    if (now < w.last_ns) now = w.last_ns;
    uint64_t dt = now - w.last_ns;
    w.last_ns = now;
    if (dt <= 0xffff) return (uint16_t)dt;
    struct trc_time_rec t = {{TRC_TIME, 0, 0}, 0, now};
    put(&t, sizeof t);
    return 0;
}

/* ---- the string table ------------------------------------------------------------------------ */

static uint64_t hash_of(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

static uint32_t emit_str(const char *s, size_t n)
{
    if (trc_w.pend) trc_unpend();
    if (n > TRC_STR_MAX) n = TRC_STR_MAX;
    struct trc_str_rec r = {{TRC_STR, 0, 0}, ++w.nstr, (uint32_t)n};
    if (trc_w.len + sizeof r + n > BUF_SIZE) flush();
    size_t len = trc_w.len;
    memcpy(trc_w.buf + len, &r, sizeof r);
    memcpy(trc_w.buf + len + sizeof r, s, n);
    trc_publish(len + sizeof r + n);
    return r.id;
}

static bool tab_grow(void)
{
    size_t cap = w.captab ? 2 * w.captab : 1024;
    struct interned *t = calloc(cap, sizeof *t);
    if (!t) return false;
    for (size_t i = 0; i < w.captab; i++) {
        if (!w.tab[i].id) continue;
        size_t j = w.tab[i].hash & (cap - 1);
        while (t[j].id) j = (j + 1) & (cap - 1);
        t[j] = w.tab[i];
    }
    free(w.tab);
    w.tab = t;
    w.captab = cap;
    return true;
}

/* The string id of s[0..n), writing its STR record the first time. */
static uint32_t intern(const char *s, size_t n)
{
    if (n > TRC_STR_MAX) n = TRC_STR_MAX;
    uint64_t h = hash_of(s, n);
    if (w.ntab >= INTERN_MAX || (2 * (w.ntab + 1) > w.captab && !tab_grow())) return emit_str(s, n);
    size_t j = h & (w.captab - 1);
    for (; w.tab[j].id; j = (j + 1) & (w.captab - 1))
        if (w.tab[j].hash == h && w.tab[j].len == n && memcmp(w.tab[j].s, s, n) == 0)
            return w.tab[j].id;
    char *copy = malloc(n + 1);
    if (!copy) return emit_str(s, n);
    memcpy(copy, s, n);
    copy[n] = '\0';
    uint32_t id = emit_str(s, n);
    w.tab[j] = (struct interned){h, copy, (uint32_t)n, id};
    w.ntab++;
    return id;
}

static void tab_clear(void)
{
    for (size_t i = 0; i < w.captab; i++) free(w.tab[i].s);
    free(w.tab);
    w.tab = NULL;
    w.ntab = w.captab = 0;
}

/* ---- ids ------------------------------------------------------------------------------------- */

uint32_t trc_pid_define(struct trc_proc *p)
{
    struct trc_proc *cur = trc_sched.cur;
    uint32_t parent = cur && cur != p && cur->id == p->parent ? trc_pid(cur) : 0;
    uint32_t name = intern(p->name, strlen(p->name));
    p->tid = ++w.nproc;
    p->tgen = trc_w.gen;
    struct trc_proc_rec r = {{TRC_PROC, 0, stamp()}, p->tid, parent, name};
    put(&r, sizeof r);
    return p->tid;
}

#define chan_id trc_cid

uint32_t trc_cid_define(baton_chan *c)
{
    uint32_t name = intern(c->name, strlen(c->name));
    c->tid = ++w.nchan;
    c->tgen = trc_w.gen;
    c->tpair = c->tput = 0; /* as a reader starts: no communication yet */
    c->tval = 0;
    /* a COMM4 needs a channel id that fits a byte and values the writer handles inline */
    c->t4 = c->tid <= 0xff && c->vkind != TRC_V_INTS && c->vkind != TRC_V_FMT
                ? TRC_COMM4 | c->tid << 16
                : 0;
    uint32_t fields = c->vkind == TRC_V_INTS ? c->fields : (uint32_t)c->msg_size;
    struct trc_chan_rec r = {{TRC_CHAN, c->vkind, 0}, c->tid, name, (uint32_t)c->cap, fields};
    put(&r, sizeof r);
    return c->tid;
}

/* The value field for msg on c; sets TRC_F_VSTR in *flags when it is a string id. */
static int64_t value_of(const baton_chan *c, const void *msg, int *flags, int vstr)
{
    int64_t v = 0;
    if (c->vkind == TRC_V_INT) {
        if (msg) memcpy(&v, msg, sizeof v);
    } else if (c->vkind == TRC_V_INTS || c->vkind == TRC_V_FMT) {
        char buf[512];
        size_t n = trc_value_text(c, msg, buf, sizeof buf);
        v = intern(buf, n);
        *flags |= vstr;
    }
    return v;
}

/* ---- records --------------------------------------------------------------------------------- */

void trc_rec_comm_slow(baton_chan *c, int flags, uint32_t sender, uint32_t receiver, const void *msg)
{
    uint32_t cid = chan_id(c);
    int64_t v = c->vkind == TRC_V_INT ? *(const int64_t *)msg : value_of(c, msg, &flags, TRC_F_VSTR);
    c->tval = v; /* as the reader will remember it (trc_rec_comm's COMM4) */
    /* What the reader will remember of this one (trc_rec_comm's COMM8); ids that do not fit
     * 16 bits leave a pair no short communication can match. */
    uint32_t *last = flags & TRC_F_PUT ? &c->tput : &c->tpair;
    *last = (sender | receiver) > 0xffff ? UINT32_MAX
            : flags & TRC_F_PUT         ? sender
                                        : sender | receiver << 16;
    if ((sender | receiver) <= 0xffff && v >= INT32_MIN && v <= INT32_MAX) {
        struct trc_comm16_rec r = {{TRC_COMM16, (uint8_t)flags, stamp()}, cid, (uint16_t)sender,
                                   (uint16_t)receiver, (int32_t)v};
        put(&r, sizeof r);
        return;
    }
    struct trc_comm_rec r = {{TRC_COMM, (uint8_t)flags, stamp()}, cid, sender, receiver, v};
    put(&r, sizeof r);
}

void trc_rec_end(struct trc_proc *p)
{
    struct trc_end_rec r = {{TRC_END, 0, 0}, trc_pid(p)};
    r.h.dt = stamp();
    put(&r, sizeof r);
}

void trc_rec_block_slow(struct trc_proc *p, int op, baton_chan *c, uint32_t n)
{
    uint32_t id = trc_pid(p);
    uint32_t arg = c ? chan_id(c) : n;
    if (c && (id | arg) <= 0xffff) {
        struct trc_block16_rec r = {{TRC_BLOCK16, (uint8_t)op, stamp()}, (uint16_t)id, (uint16_t)arg};
        put(&r, sizeof r);
        return;
    }
    struct trc_block_rec r = {{TRC_BLOCK, (uint8_t)op, stamp()}, id, arg};
    put(&r, sizeof r);
}

void trc_rec_offer(const struct trc_clause *cl)
{
    int aux = cl->op == BATON_SEND ? TRC_OP_SEND : TRC_OP_RECV;
    uint32_t cid = chan_id(cl->chan);
    int64_t v = 0;
    if (cl->op == BATON_SEND && cl->chan->vkind != TRC_V_EVENT && cl->chan->vkind != TRC_V_OPAQUE) {
        v = value_of(cl->chan, cl->msg, &aux, TRC_OFFER_VSTR);
        aux |= TRC_OFFER_HASVAL;
    }
    struct trc_offer_rec r = {{TRC_OFFER, (uint8_t)aux, 0}, cid, v};
    put(&r, sizeof r);
}

void trc_rec_unblock(struct trc_proc *p, int reason)
{
    uint32_t id = trc_pid(p);
    struct trc_unblock_rec r = {{TRC_UNBLOCK, (uint8_t)reason, stamp()}, id};
    put(&r, sizeof r);
}

void trc_rec_close(baton_chan *c, struct trc_proc *by)
{
    uint32_t cid = chan_id(c), pid = by ? trc_pid(by) : 0;
    struct trc_close_rec r = {{TRC_CLOSE, 0, stamp()}, cid, pid};
    put(&r, sizeof r);
}

void trc_rec_deadlock(uint32_t blocked)
{
    /* Define every process and channel first: no definitions may interrupt the groups. */
    for (struct trc_proc *p = trc_sched.all_head; p; p = p->next_all) {
        trc_pid(p);
        if (p->wait == TRC_W_CHAN || p->wait == TRC_W_ALT)
            for (uint32_t i = 0; i < p->nclauses; i++) {
                int f = 0;
                chan_id(p->clauses[i].chan);
                if (p->clauses[i].op == BATON_SEND) value_of(p->clauses[i].chan, p->clauses[i].msg, &f, 0);
            }
        if (p->at_file) intern(p->at_file, strlen(p->at_file));
    }
    trc_w.countdown = 1; /* stamp the next record */
    struct trc_deadlock_rec r = {{TRC_DEADLOCK, 0, 0}, blocked};
    r.h.dt = stamp();
    put(&r, sizeof r);
}

void trc_rec_wait(struct trc_proc *p, int op, uint32_t offers)
{
    struct trc_wait_rec r = {{TRC_WAIT, (uint8_t)op, 0}, trc_pid(p), offers};
    put(&r, sizeof r);
}

void trc_rec_site(struct trc_proc *p)
{
    if (!p->at_file) return;
    struct trc_site_rec r = {{TRC_SITE, 0, 0}, trc_pid(p), intern(p->at_file, strlen(p->at_file)),
                             p->at_line > 0 ? (uint32_t)p->at_line : 0};
    put(&r, sizeof r);
}

void trc_rec_cycle(struct trc_proc *const *procs, uint32_t n)
{
    struct trc_cycle_rec r = {{TRC_CYCLE, 0, 0}, n};
    put(&r, sizeof r);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id = trc_pid(procs[i]);
        put(&id, sizeof id);
    }
}

void trc_rec_run_end(int status)
{
    trc_w.countdown = 1; /* stamp the next record */
    struct trc_run_end_rec r = {{TRC_RUN_END, (uint8_t)status, 0}, 0};
    r.h.dt = stamp();
    put(&r, sizeof r);
}

/* ---- the flusher ---------------------------------------------------------------------------- */

/* A thread that runs while a trace is open.  Every TRC_FLUSH_MS it writes the records the
 * buffer holds beyond the first w.flushed bytes, and then moves w.flushed: the scheduler
 * only ever appends past trc_w.len, and empties the buffer only under wlock.  When the
 * scheduler holds wlock it is writing the buffer itself, and the flusher waits for its next
 * turn.  It runs no program code, blocks every signal, and sleeps on a condition variable,
 * so closing the trace stops it at once. */
static struct {
    pthread_t thread;
    pthread_mutex_t mu;  /* guards stop, and the sleep */
    pthread_cond_t cv;   /* on CLOCK_MONOTONIC */
    bool stop, running, ready;
    bool warned;
} fl = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void drain(void)
{
    if (atomic_exchange_explicit(&w.wlock, true, memory_order_acquire)) return;
    size_t len = __atomic_load_n(&trc_w.len, __ATOMIC_ACQUIRE);
    if (len > w.flushed) {
        if (!atomic_load(&w.failed) && !write_all(trc_w.buf + w.flushed, len - w.flushed))
            write_failed(errno);
        w.written += len - w.flushed;
        w.flushed = len;
    }
    wlock_give();
}

static void *flusher_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&fl.mu);
    struct timespec at;
    clock_gettime(CLOCK_MONOTONIC, &at);
    while (!fl.stop) {
        at.tv_nsec += TRC_FLUSH_MS * 1000000L;
        if (at.tv_nsec >= 1000000000L) {
            at.tv_sec += at.tv_nsec / 1000000000L;
            at.tv_nsec %= 1000000000L;
        }
        while (!fl.stop && pthread_cond_timedwait(&fl.cv, &fl.mu, &at) != ETIMEDOUT) {}
        if (fl.stop) break;
        pthread_mutex_unlock(&fl.mu);
        drain();
        pthread_mutex_lock(&fl.mu);
        /* after a long stall (a suspended program), start a fresh period */
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > at.tv_sec + 1) at = now;
    }
    pthread_mutex_unlock(&fl.mu);
    return NULL;
}

/* Starts the flusher; without it (no thread to be had) records reach the file when the
 * buffer fills, as a warning says. */
static void flusher_start(void)
{
    if (!fl.ready) {
        pthread_condattr_t ca;
        if (pthread_condattr_init(&ca) != 0) goto fail;
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        int rc = pthread_cond_init(&fl.cv, &ca);
        pthread_condattr_destroy(&ca);
        if (rc != 0) goto fail;
        fl.ready = true;
    }
    fl.stop = false;
    pthread_attr_t attr;
    sigset_t all, old;
    if (pthread_attr_init(&attr) != 0) goto fail;
    pthread_attr_setstacksize(&attr, (size_t)256 << 10);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread starts with every signal blocked */
    int rc = pthread_create(&fl.thread, &attr, flusher_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        errno = rc;
        goto fail;
    }
    fl.running = true;
    return;
fail:
    if (!fl.warned)
        fprintf(stderr, "baton: cannot start the trace flusher (%s); records reach the file "
                        "only when its 64 KiB buffer fills and when the run ends\n", strerror(errno));
    fl.warned = true;
}

static void flusher_stop(void)
{
    if (!fl.running) return;
    pthread_mutex_lock(&fl.mu);
    fl.stop = true;
    pthread_cond_signal(&fl.cv);
    pthread_mutex_unlock(&fl.mu);
    pthread_join(fl.thread, NULL);
    fl.running = false;
}

/* ---- opening and closing --------------------------------------------------------------------- */

static void at_exit(void)
{
    if (trc_w.on) flush_sync();
}

/* fork(2) happens with the flusher outside its mutex (and so outside any write), so that
 * the child's copy of the mutex is free. */
static void before_fork(void) { pthread_mutex_lock(&fl.mu); }
static void in_parent_after_fork(void) { pthread_mutex_unlock(&fl.mu); }

/* A child of fork(2) shares the parent's file: it stops tracing (its buffer is a copy of
 * the parent's, which the parent writes).  It has no flusher. */
static void in_child_after_fork(void)
{
    pthread_mutex_unlock(&fl.mu);
    fl.running = false;
    atomic_store(&w.wlock, false);
    trc_w.on = false;
    trc_w.pend = 0;
    if (w.fd >= 0) close(w.fd);
    w.fd = -1;
}

/* Appends n bytes in a signal handler, which holds wlock: no allocation, a write when
 * full. */
static void put_raw(const void *rec, size_t n)
{
    if (trc_w.len + n > BUF_SIZE) write_out();
    memcpy(trc_w.buf + trc_w.len, rec, n);
    trc_publish(trc_w.len + n);
}

/* A stopping signal: the held-back BLOCK, a LIVELOCK record when processes were busy, and
 * the buffer go to the file; then the signal takes its default action (the process ends as
 * it would have without tracing).  Async-signal-safe. */
static void write_final(int sig, bool busy)
{
    if (trc_w.on) {
        trc_w.on = false;
        wlock_take(); /* the flusher may be writing: wait for it */
        if (trc_w.pend) put_raw(&trc_w.pend, sizeof trc_w.pend);
        trc_w.pend = 0;
        if (busy) {
            uint64_t now = now_ns(), dt = now > w.last_ns ? now - w.last_ns : 0;
            if (dt > 0xffff) {
                struct trc_time_rec t = {{TRC_TIME, 0, 0}, 0, now};
                put_raw(&t, sizeof t);
                dt = 0;
            }
            struct trc_livelock_rec r = {{TRC_LIVELOCK, (uint8_t)sig, (uint16_t)dt}, 0};
            put_raw(&r, sizeof r);
        }
        write_out();
        wlock_give();
    }
}

static void stop_now(int sig, bool busy)
{
    write_final(sig, busy);
    signal(sig, SIG_DFL);
    raise(sig); /* delivered when the handler returns (or at once outside one) */
}

void trc_trace_crash(void)
{
    if (!w.writing) write_final(0, false);
}

static void on_stop(int sig)
{
    int saved = errno;
    bool stopping = sig == SIGTERM || sig == SIGINT || sig == SIGHUP;
    if (!pthread_equal(pthread_self(), w.sched)) {
        if (stopping) {
            pthread_kill(w.sched, sig); /* the buffer belongs to the scheduler's thread */
        } else { /* another thread crashed: not ours to record */
            signal(sig, SIG_DFL);
            raise(sig);
        }
    } else {
        /* Busy: a process is running or ready.  Idle (waiting for a timer) is no livelock. */
        bool busy = stopping && (trc_sched.cur != NULL || trc_sched.ready_head != NULL);
        if (w.writing) {
            w.stop_busy = busy;
            w.stop_sig = sig;
        } else {
            stop_now(sig, busy);
        }
    }
    errno = saved;
}

/* Stopping signals are ours during a traced run, unless the program handles them itself. */
static void signals_take(void)
{
    w.sched = pthread_self();
    w.stop_sig = 0;
    for (size_t i = 0; i < NSTOP; i++) {
        struct sigaction sa;
        w.handling[i] = false;
        if (sigaction(stop_signals[i], NULL, &w.old[i]) != 0 || w.old[i].sa_handler != SIG_DFL ||
            (w.old[i].sa_flags & SA_SIGINFO))
            continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_stop;
        sigfillset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        w.handling[i] = sigaction(stop_signals[i], &sa, NULL) == 0;
    }
}

static void signals_give_back(void)
{
    for (size_t i = 0; i < NSTOP; i++)
        if (w.handling[i]) sigaction(stop_signals[i], &w.old[i], NULL);
}

/* BATON_TRACE_MAX: the size cap of a trace file, as bytes with an optional K, M or G; 0 for
 * none; unset, 1 GiB — a livelocked program writes ~70 MB a second, and a CI disk is not
 * endless.  At least 64 KiB (one buffer). */
static uint64_t trace_cap(void)
{
    const char *e = getenv("BATON_TRACE_MAX");
    if (!e || !*e) return (uint64_t)1 << 30;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(e, &end, 10);
    int shift = *end == 'K' || *end == 'k' ? 10 : *end == 'M' || *end == 'm' ? 20
              : *end == 'G' || *end == 'g' ? 30 : 0;
    if (shift) end++;
    if (errno || end == e || *end || e[0] == '-' || (shift && v > (~0ull >> shift))) {
        fprintf(stderr, "baton: BATON_TRACE_MAX='%s' is not a size such as 512M or 0; using 1G\n", e);
        return (uint64_t)1 << 30;
    }
    v <<= shift;
    return v == 0 ? 0 : v < BUF_SIZE ? BUF_SIZE : v;
}

int baton_trace_open(const char *path)
{
    if (trc_w.on) {
        errno = EBUSY;
        return -1;
    }
    if (!path) {
        errno = EINVAL;
        return -1;
    }
    if (!trc_w.buf && !(trc_w.buf = malloc(BUF_SIZE))) {
        errno = ENOMEM;
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    w.fd = fd;
    trc_w.len = 0;
    w.flushed = 0;
    atomic_store(&w.wlock, false);
    atomic_store(&w.failed, false);
    w.written = 0;
    w.cap = trace_cap();
    atomic_store(&w.capped, false);
    w.nstr = w.nchan = w.nproc = 0;
    w.last_ns = 0;
    trc_w.countdown = 1; /* stamp the next record */
    trc_w.pend = 0;
    w.stamps = 0;
    clock_start();
    struct trc_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, TRC_MAGIC, TRC_MAGIC_LEN);
    h.version = TRC_VERSION;
    h.header_size = sizeof h;
    h.seed = trc_sched.running ? trc_sched.seed : trc_next_seed();
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    h.start_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
    /* The header goes to the file now, not with the first buffer: a program killed at any
     * moment from here on leaves a valid trace, never an empty file. */
    if (!write_all((const unsigned char *)&h, sizeof h)) {
        int err = errno ? errno : EIO;
        close(fd);
        w.fd = -1;
        errno = err;
        return -1;
    }
    w.written = sizeof h;
    w.hdr_seed = h.seed;
    trc_w.gen++;
    if (!w.atexit_done) {
        w.atexit_done = atexit(at_exit) == 0;
        pthread_atfork(before_fork, in_parent_after_fork, in_child_after_fork);
    }
    /* pthread_create wants more stack than a small process may have */
    trc_on_scheduler_stack(flusher_start);
    trc_w.on = true;
    return 0;
}

void trc_trace_run_begin(uint64_t seed)
{
    if (!trc_w.on) {
        /* The first run of a program writes BATON_TRACE's file; later runs write FILE.2,
         * FILE.3, ... rather than overwrite it (a trace holds one run). */
        static unsigned runs;
        char numbered[4096];
        const char *path = getenv("BATON_TRACE");
        if (!path || !*path) return;
        if (++runs > 1) {
            snprintf(numbered, sizeof numbered, "%s.%u", path, runs);
            path = numbered;
        }
        if (baton_trace_open(path) < 0) {
            fprintf(stderr, "baton: cannot open trace file '%s': %s; running untraced\n", path,
                    strerror(errno));
            return;
        }
    }
    signals_take();
    /* The file may have been opened before baton_set_seed: put the run's seed in. */
    if (seed != w.hdr_seed && pwrite(w.fd, &seed, sizeof seed, offsetof(struct trc_header, seed)) ==
                                  (ssize_t)sizeof seed)
        w.hdr_seed = seed;
}

void trc_trace_run_end(int status)
{
    if (!trc_w.on) return;
    trc_rec_run_end(status);
    flusher_stop();
    flush_sync();
    signals_give_back();
    close(w.fd);
    w.fd = -1;
    trc_w.on = false;
    tab_clear();
}

void trc_trace_idle(void)
{
    trc_w.countdown = 1; /* stamp the next record */
    /* The held-back BLOCK cannot fold into a communication stamped afresh: write it now, so
     * the flusher can take it to the file while the program sleeps.  The file is the same. */
    if (trc_w.pend) trc_unpend();
}

void trc_trace_overflow(struct trc_proc *p)
{
    if (!trc_w.on) return;
    trc_w.on = false;
    /* Overflowing inside flush(): part of the buffer may be in the file already; writing it
     * again would break the file, so it is lost (as a crash's would be). */
    if (w.writing) return;
    wlock_take(); /* the flusher may be writing: wait for it */
    if (trc_w.pend) put_raw(&trc_w.pend, sizeof trc_w.pend);
    trc_w.pend = 0;
    if (p->tgen == trc_w.gen && p->tid) {
        struct trc_end_rec r = {{TRC_OVERFLOW, 0, 0}, p->tid};
        put_raw(&r, sizeof r);
    }
    write_out();
    wlock_give();
}
