/* parallel.c — breadth-first exploration on several cores, for the searches whose answer does
 * not depend on the order states are found in (see parallel.h).
 *
 * Level by level: the frontier is an array of state vectors; threads take chunks of it,
 * generate successors and insert them into one shared open-addressing table with a
 * compare-and-swap per slot (a slot is the state vector itself, bit 63 marking it used), and
 * append the new ones to their own part of the next frontier.  When the table passes 3/4 full,
 * the threads stop at the end of their chunk, one of them doubles the table, and they go on.
 * No parents are kept: a failure found here is replayed by the deterministic one-core search,
 * which gives the shortest, repeatable counterexample. */
#include "checker/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker/bigmem.h"
#include "checker/search.h"

#define USED (1ull << 63)

enum { CHUNK = 256 };

struct worker;

struct shared {
    const struct machine *m;
    const struct chk_limits *lim;
    double start;
    int nthreads;
    _Atomic(uint64_t) *table;
    size_t cap;
    atomic_size_t count;          /* states in the table */
    atomic_bool grow;             /* someone saw the table too full */
    atomic_bool stop;             /* a deadlock or a limit: finish the level and stop */
    bool halt;                    /* thread 0's decision, read by all after the barrier (stop
                                     itself may already change in the next level) */
    atomic_bool deadlock;
    atomic_bool oom;
    const char *limit;
    uint64_t *frontier;           /* this level's states */
    size_t nfrontier, frontier_cap;
    uint64_t *spare;              /* the last level's array, reused for the next one */
    size_t spare_cap;
    atomic_size_t next;           /* the next chunk of the frontier to take */
    pthread_barrier_t barrier;
    pthread_mutex_t gate;         /* workers start once every one of them exists */
    pthread_cond_t open;
    int go;                       /* 0 wait, 1 run, -1 give up */
    struct worker *w;
};

enum { PENDING = 256 };

struct worker {
    struct shared *s;
    uint64_t pend[PENDING];       /* successors waiting to be inserted, a batch at a time */
    uint64_t hash[PENDING];
    size_t npend;
    uint64_t *out;                /* new states for the next level */
    size_t nout, cap;
    uint64_t transitions;
    uint32_t successors;
    bool oom;
    pthread_t thread;
};

static uint64_t hash1(uint64_t v)
{
    v ^= v >> 31;
    v *= 0xBF58476D1CE4E5B9ull;
    v ^= v >> 29;
    v *= 0x94D049BB133111EBull;
    return v ^ v >> 32;
}

/* 1 new, 0 already there.  The table has room (it is never more than 3/4 + a chunk full). */
static int insert_hashed(struct shared *s, uint64_t v, uint64_t h)
{
    size_t mask = s->cap - 1, i = h & mask;
    uint64_t want = v | USED;
    for (;;) {
        uint64_t cur = atomic_load_explicit(&s->table[i], memory_order_relaxed);
        if (cur == 0) {
            if (atomic_compare_exchange_strong_explicit(&s->table[i], &cur, want,
                                                        memory_order_relaxed, memory_order_relaxed))
                return 1;
        }
        if (cur == want) return 0;
        i = (i + 1) & mask;
    }
}

static int insert(struct shared *s, uint64_t v)
{
    return insert_hashed(s, v, hash1(v));
}

/* Inserts the pending successors: their slots are prefetched first, so the cache misses of a
 * batch overlap instead of following one another. */
static void flush(struct worker *w)
{
    struct shared *s = w->s;
    size_t mask = s->cap - 1;
    for (size_t i = 0; i < w->npend; i++) {
        w->hash[i] = hash1(w->pend[i]);
        __builtin_prefetch((const void *)&s->table[w->hash[i] & mask]);
    }
    for (size_t i = 0; i < w->npend; i++) {
        if (!insert_hashed(s, w->pend[i], w->hash[i])) continue;
        if (w->nout == w->cap) {
            size_t cap = w->cap ? 2 * w->cap : 4096;
            uint64_t *o = big_realloc(w->out, w->cap * sizeof *o, cap * sizeof *o);
            if (!o) {
                w->oom = true;
                return;
            }
            w->out = o;
            w->cap = cap;
        }
        w->out[w->nout++] = w->pend[i];
        size_t n = atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed) + 1;
        if (n * 4 > s->cap * 3) atomic_store(&s->grow, true);
    }
    w->npend = 0;
}

static void emit(void *ctx, uint32_t event, const uint64_t *target)
{
    struct worker *w = ctx;
    w->transitions++;
    w->successors++;
    if (event == EV_TICK) return;
    if (w->npend == PENDING) flush(w);
    w->pend[w->npend++] = target[0];
}

/* Doubles the table; run by one thread while the others wait at the barrier. */
static bool grow(struct shared *s)
{
    size_t cap = s->cap * 2;
    if (s->lim && s->lim->memory && cap * sizeof(uint64_t) > s->lim->memory) return false;
    _Atomic(uint64_t) *t = big_calloc(cap * sizeof *t);
    if (!t) return false;
    /* Rehash a block at a time, prefetching each block's new slots first. */
    enum { REHASH = 64 };
    uint64_t vs[REHASH], hs[REHASH];
    for (size_t base = 0; base < s->cap; base += REHASH) {
        size_t n = 0;
        for (size_t i = base; i < base + REHASH && i < s->cap; i++) {
            uint64_t v = atomic_load_explicit(&s->table[i], memory_order_relaxed);
            if (!v) continue;
            vs[n] = v;
            hs[n] = hash1(v & ~USED);
            __builtin_prefetch((const void *)&t[hs[n] & (cap - 1)]);
            n++;
        }
        for (size_t k = 0; k < n; k++) {
            size_t j = hs[k] & (cap - 1);
            while (atomic_load_explicit(&t[j], memory_order_relaxed)) j = (j + 1) & (cap - 1);
            atomic_store_explicit(&t[j], vs[k], memory_order_relaxed);
        }
    }
    big_free((void *)s->table, s->cap * sizeof *s->table);
    s->table = t;
    s->cap = cap;
    return true;
}

static void *run(void *arg)
{
    struct worker *w = arg;
    struct shared *s = w->s;
    uint64_t vec;
    pthread_mutex_lock(&s->gate);
    while (s->go == 0) pthread_cond_wait(&s->open, &s->gate);
    int go = s->go;
    pthread_mutex_unlock(&s->gate);
    if (go < 0) return NULL;
    for (;;) {
        /* Expand chunks of the frontier until it is done or the table must grow. */
        while (!atomic_load(&s->grow)) {
            size_t at = atomic_fetch_add(&s->next, CHUNK);
            if (at >= s->nfrontier) break;
            size_t end = at + CHUNK < s->nfrontier ? at + CHUNK : s->nfrontier;
            for (size_t i = at; i < end; i++) {
                vec = s->frontier[i];
                w->successors = 0;
                mach_successors(s->m, &vec, emit, w);
                if (w->successors == 0) {
                    atomic_store(&s->deadlock, true);
                    atomic_store(&s->stop, true);
                }
                if (w->npend >= PENDING / 2) flush(w);
            }
            flush(w);
            if (w->oom) atomic_store(&s->oom, true);
        }
        pthread_barrier_wait(&s->barrier);
        if (w == &s->w[0]) {
            /* One thread decides what happens next, the others wait for it. */
            if (atomic_load(&s->grow)) {
                if (!grow(s)) {
                    s->limit = "memory";
                    atomic_store(&s->stop, true);
                }
                atomic_store(&s->grow, false);
            } else if (!atomic_load(&s->stop)) {
                /* The level is done: gather the next one. */
                size_t total = 0;
                for (int k = 0; k < s->nthreads; k++) total += s->w[k].nout;
                if (total >= s->spare_cap) {
                    /* Room to grow, so that the next levels reuse the array. */
                    big_free(s->spare, s->spare_cap * sizeof *s->spare);
                    s->spare_cap = total + total / 2 + 1;
                    s->spare = big_calloc(s->spare_cap * sizeof *s->spare);
                    if (!s->spare) s->spare_cap = 0;
                }
                if (!s->spare) {
                    atomic_store(&s->oom, true);
                    atomic_store(&s->stop, true);
                } else {
                    uint64_t *next = s->spare;
                    size_t at = 0;
                    for (int k = 0; k < s->nthreads; k++) {
                        if (s->w[k].nout) memcpy(next + at, s->w[k].out, s->w[k].nout * sizeof *next);
                        at += s->w[k].nout;
                        s->w[k].nout = 0;
                    }
                    size_t next_cap = s->spare_cap;
                    s->spare = s->frontier;
                    s->spare_cap = s->frontier_cap;
                    s->frontier = next;
                    s->frontier_cap = next_cap;
                    s->nfrontier = total;
                    atomic_store(&s->next, 0);
                    if (total == 0) atomic_store(&s->stop, true);
                    const char *l = chk_over_limit(s->lim, atomic_load(&s->count), s->start);
                    if (l) {
                        s->limit = l;
                        atomic_store(&s->stop, true);
                    }
                }
            }
            if (atomic_load(&s->oom)) atomic_store(&s->stop, true);
            s->halt = atomic_load(&s->stop);
        }
        pthread_barrier_wait(&s->barrier);
        if (s->halt) return NULL;
    }
}

int chk_default_threads(void)
{
    const char *e = getenv("BATON_THREADS");
    if (e && *e) {
        int n = atoi(e);
        if (n >= 1 && n <= 256) return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

bool chk_parallel_explore(const struct machine *m, const struct chk_limits *lim, int threads,
                          struct chk_result *r)
{
    if (threads < 1 || mach_words(m) != 1) return false;
    memset(r, 0, sizeof *r);
    struct shared s = {.m = m, .lim = lim, .start = chk_now(), .nthreads = threads};
    s.cap = 1 << 16;
    s.table = big_calloc(s.cap * sizeof *s.table);
    s.frontier = big_calloc(sizeof *s.frontier);
    s.frontier_cap = 1;
    s.w = calloc((size_t)threads, sizeof *s.w);
    bool ok = s.table && s.frontier && s.w &&
              pthread_barrier_init(&s.barrier, NULL, (unsigned)threads) == 0;
    if (!ok) {
        big_free((void *)s.table, s.cap * sizeof *s.table);
        big_free(s.frontier, sizeof *s.frontier);
        free(s.w);
        return false;
    }
    pthread_mutex_init(&s.gate, NULL);
    pthread_cond_init(&s.open, NULL);
    mach_initial(m, s.frontier);
    insert(&s, s.frontier[0]);
    s.count = 1;
    s.nfrontier = 1;
    int started = 0;
    for (int k = 0; k < threads; k++) {
        s.w[k].s = &s;
        if (k > 0 && pthread_create(&s.w[k].thread, NULL, run, &s.w[k]) != 0) break;
        started++;
    }
    /* The barrier counts on every thread: without them all, nobody starts. */
    pthread_mutex_lock(&s.gate);
    s.go = started == threads ? 1 : -1;
    pthread_cond_broadcast(&s.open);
    pthread_mutex_unlock(&s.gate);
    if (started == threads) run(&s.w[0]);
    for (int k = 1; k < started; k++) pthread_join(s.w[k].thread, NULL);
    bool done = started == threads;
    if (done) {
        r->states = atomic_load(&s.count);
        for (int k = 0; k < threads; k++) r->transitions += s.w[k].transitions;
        r->seconds = chk_now() - s.start;
        if (atomic_load(&s.oom)) {
            r->verdict = CHK_LIMIT;
            r->limit = "memory";
        } else if (s.limit && !atomic_load(&s.deadlock)) {
            r->verdict = CHK_LIMIT;
            r->limit = s.limit;
        } else {
            r->verdict = atomic_load(&s.deadlock) ? CHK_FAILS : CHK_HOLDS;
            r->kind = atomic_load(&s.deadlock) ? CHK_DEADLOCK : CHK_NONE;
        }
    }
    pthread_barrier_destroy(&s.barrier);
    pthread_mutex_destroy(&s.gate);
    pthread_cond_destroy(&s.open);
    for (int k = 0; k < threads; k++) big_free(s.w[k].out, s.w[k].cap * sizeof *s.w[k].out);
    free(s.w);
    big_free(s.frontier, s.frontier_cap * sizeof *s.frontier);
    big_free(s.spare, s.spare_cap * sizeof *s.spare);
    big_free((void *)s.table, s.cap * sizeof *s.table);
    return done;
}
