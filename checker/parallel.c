/* parallel.c — breadth-first exploration on several cores, for the searches whose answer does
 * not depend on the order states are found in (see parallel.h).
 *
 * Level by level: threads take chunks of the frontier, generate successors and insert them
 * into one shared compact set (checker/cset.h: a compare-and-swap per slot, 4 bytes a slot
 * for most machines), and append the new ones to their own output array.  The outputs are
 * the next frontier as they stand — a frontier is one segment per thread, never copied
 * together.  When the set passes 3/4 full, the threads stop at the end of their chunk and
 * grow it a segment at a time, each thread its own segments, and they go on.  No parents are kept: a failure found here is replayed by the
 * deterministic one-core search, which gives the shortest, repeatable counterexample. */
#include "checker/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker/bigmem.h"
#include "checker/cset.h"
#include "checker/search.h"

enum { CHUNK = 256, PENDING = 256 };

/* What the threads do after a barrier, as thread 0 decided. */
enum phase { EXPAND, GROW, HALT };

struct worker;

struct shared {
    const struct par_space *ps;
    const struct chk_limits *lim;
    double start;
    int nthreads;
    struct cset *set;
    size_t room;                  /* states the set takes before it grows (cset_room) */
    /* The fields every core writes each sit on a cache line of their own: a shared line
     * would bounce between the cores on every write. */
    _Alignas(128) atomic_size_t count;  /* states in the table */
    uint32_t depth;               /* levels done (for the progress line) */
    uint64_t transitions_done;    /* transitions of the levels done, summed at each level's end */
    _Alignas(128) atomic_size_t next;   /* the next chunk of the frontier (or segment to grow) */
    _Alignas(128) char read_mostly[1];  /* below: written between barriers only */
    atomic_bool grow;             /* someone saw the table too full */
    atomic_bool stop;             /* a deadlock or a limit: finish the level and stop */
    enum phase phase;             /* thread 0's decision, read by all after a barrier */
    atomic_bool deadlock;
    atomic_bool oom;
    atomic_bool grow_failed;      /* a segment could not grow: the memory limit */
    const char *limit;
    _Atomic(const char *) halt;   /* a time or memory limit seen mid-level: stop at once */
    /* The frontier: segment k is worker k's input array, states [seg[k], seg[k + 1]) of the
     * level in a virtual concatenation. */
    size_t *seg;
    size_t nfrontier;
    size_t resume;                /* while growing: where the frontier's chunks go on */
    pthread_barrier_t barrier;
    pthread_mutex_t gate;         /* workers start once every one of them exists */
    pthread_cond_t open;
    int go;                       /* 0 wait, 1 run, -1 give up */
    struct worker *w;
};

/* A growable array of states. */
struct states {
    uint64_t *v;
    size_t n, cap;
};

/* Each worker on cache lines of its own (workers are an array, written by their cores all the
 * time). */
struct worker {
    _Alignas(128) struct shared *s;
    uint64_t *pend, *hash;        /* successors waiting to be inserted, a batch at a time; */
    size_t npend, pend_cap;       /* more wait here while the table is too full to take them */
    size_t left_at, left_end;     /* frontier states of a chunk left when the table had to grow */
    size_t unadded;               /* new states not yet added to the shared count */
    struct states in, out;        /* this level's segment, and the new states for the next */
    uint64_t transitions;
    uint32_t successors;
    bool oom;
    pthread_t thread;
};

static bool push_state(struct states *a, uint64_t v)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 4096;
        uint64_t *o = big_realloc(a->v, a->cap * sizeof *o, cap * sizeof *o);
        if (!o) return false;
        a->v = o;
        a->cap = cap;
    }
    a->v[a->n++] = v;
    return true;
}

/* States are counted in the shared total a few at a time, so the cores do not fight over one
 * cache line; the total lags by less than COUNT_LAG a thread. */
enum { COUNT_LAG = 64 };

/* Inserts the pending successors: their slots are prefetched first, so the cache misses of a
 * batch overlap instead of following one another.  The set never passes 15/14 of its room
 * (15/16 full): past it, the rest stay pending and the set grows first (a state can have any
 * number of new successors, far more than a set's slack). */
static void flush(struct worker *w)
{
    struct shared *s = w->s;
    size_t hard = s->room == SIZE_MAX ? SIZE_MAX : s->room / 14 * 15;
    for (size_t i = 0; i < w->npend; i++) {
        w->hash[i] = cset_hash(s->set, w->pend[i]);
        if (i < PENDING) cset_prefetch(s->set, w->hash[i]);
    }
    size_t i = 0;
    for (; i < w->npend; i++) {
        if (atomic_load_explicit(&s->count, memory_order_relaxed) + w->unadded + (size_t)s->nthreads * COUNT_LAG >= hard) {
            atomic_store(&s->grow, true);
            break;
        }
        int added = cset_insert(s->set, w->hash[i]);
        if (added == 0) continue;
        if (added < 0 || !push_state(&w->out, w->pend[i])) {
            w->oom = true;
            break;
        }
        if (++w->unadded == COUNT_LAG) {
            size_t n = atomic_fetch_add_explicit(&s->count, w->unadded, memory_order_relaxed) + w->unadded;
            w->unadded = 0;
            if (n > s->room) atomic_store(&s->grow, true);
        }
    }
    if (i < w->npend) memmove(w->pend, w->pend + i, (w->npend - i) * sizeof *w->pend);
    w->npend -= i;
}

/* The rest of the worker's count into the shared one (before anyone reads the total). */
static void settle(struct worker *w)
{
    if (w->unadded) atomic_fetch_add_explicit(&w->s->count, w->unadded, memory_order_relaxed);
    w->unadded = 0;
}

static void emit(void *ctx, uint32_t event, const uint64_t *target)
{
    struct worker *w = ctx;
    w->transitions++;
    w->successors++;
    if (event == EV_TICK) return;
    if (w->npend >= PENDING && !atomic_load_explicit(&w->s->grow, memory_order_relaxed)) flush(w);
    if (w->npend == w->pend_cap) {
        size_t cap = 2 * w->pend_cap;
        uint64_t *p = realloc(w->pend, cap * sizeof *p), *h = p ? realloc(w->hash, cap * sizeof *h) : NULL;
        if (p) w->pend = p;
        if (h) w->hash = h;
        if (!p || !h) {
            w->oom = true;
            return;
        }
        w->pend_cap = cap;
    }
    w->pend[w->npend++] = target[0];
}

static void expand(struct worker *w, uint64_t vec)
{
    struct shared *s = w->s;
    w->successors = 0;
    bool bad = s->ps->expand(s->ps->data, vec, emit, w);
    if (bad || (s->ps->stuck_is_bad && w->successors == 0)) {
        atomic_store(&s->deadlock, true);
        atomic_store(&s->stop, true);
    }
    if (w->npend >= PENDING / 2 && !atomic_load_explicit(&s->grow, memory_order_relaxed)) flush(w);
}

/* Expands frontier states [at, end) — which may span segments — until done or until the table
 * must grow; then the rest is kept as the worker's leftover. */
static void expand_range(struct worker *w, size_t at, size_t end)
{
    struct shared *s = w->s;
    int k = 0;
    while (at >= s->seg[k + 1]) k++;
    for (; at < end; at++) {
        if (atomic_load_explicit(&s->grow, memory_order_relaxed)) {
            w->left_at = at;
            w->left_end = end;
            return;
        }
        while (at >= s->seg[k + 1]) k++;
        expand(w, s->w[k].in.v[at - s->seg[k]]);
    }
}

/* Expands chunks of the frontier until it is done or the table must grow: first what waits
 * from before a growth (pending successors, a chunk's leftover), then new chunks. */
static void expand_level(struct worker *w)
{
    struct shared *s = w->s;
    if (w->npend) flush(w);
    while (!atomic_load(&s->grow) && !w->oom && !atomic_load_explicit(&s->halt, memory_order_relaxed)) {
        /* A level can be millions of states: thread 0 polls the deadline and the memory
         * budget after each of its chunks (the clock ~20 ns, memory once a millisecond). */
        const char *why;
        if (w == &s->w[0] && (why = chk_over_limit(s->lim, 0, s->start))) {
            atomic_store(&s->halt, why);
            break;
        }
        if (w == &s->w[0])
            chk_progress(atomic_load_explicit(&s->count, memory_order_relaxed), s->transitions_done,
                         s->depth, s->start);
        size_t at, end;
        if (w->left_at < w->left_end) {
            at = w->left_at;
            end = w->left_end;
            w->left_at = w->left_end = 0;
        } else {
            at = atomic_fetch_add(&s->next, CHUNK);
            if (at >= s->nfrontier) break;
            end = at + CHUNK < s->nfrontier ? at + CHUNK : s->nfrontier;
        }
        expand_range(w, at, end);
        flush(w);
    }
    if (w->oom) atomic_store(&s->oom, true);
    settle(w);
}

/* Grows the set's segments, with the others: each takes the next segment until none is left.
 * Only the segments being moved are doubled in memory at a time, one per thread. */
static void grow_segments(struct shared *s)
{
    for (;;) {
        size_t k = atomic_fetch_add(&s->next, 1);
        if (k >= cset_segments(s->set)) return;
        if (!atomic_load(&s->grow_failed) && !cset_grow_segment(s->set, (uint32_t)k, s->lim))
            atomic_store(&s->grow_failed, true);
    }
}

/* Thread 0, between barriers: what comes next.  The others wait. */
static void decide(struct shared *s)
{
    if (atomic_load(&s->halt)) {
        s->limit = atomic_load(&s->halt);
        s->phase = HALT;
        return;
    }
    if (atomic_load(&s->grow)) {
        if (!cset_grow_begin(s->set, s->lim)) {
            s->limit = "memory";
            s->phase = HALT;
            return;
        }
        /* The growth borrows the chunk counter; the frontier's place is kept for after. */
        s->resume = atomic_load(&s->next);
        atomic_store(&s->next, 0);
        s->phase = GROW;
        return;
    }
    if (atomic_load(&s->oom) || atomic_load(&s->stop)) {
        s->phase = HALT;
        return;
    }
    /* The level is done: every worker's output becomes its segment of the next. */
    size_t total = 0;
    for (int k = 0; k < s->nthreads; k++) {
        struct worker *w = &s->w[k];
        struct states t = w->in;
        w->in = w->out;
        w->out = t;
        w->out.n = 0;
        s->seg[k] = total;
        total += w->in.n;
    }
    s->seg[s->nthreads] = total;
    s->nfrontier = total;
    s->depth++;
    s->transitions_done = 0;
    for (int k = 0; k < s->nthreads; k++) s->transitions_done += s->w[k].transitions;
    atomic_store(&s->next, 0);
    s->limit = chk_over_limit(s->lim, atomic_load(&s->count), s->start);
    s->phase = total == 0 || s->limit ? HALT : EXPAND;
}

static void *run(void *arg)
{
    struct worker *w = arg;
    struct shared *s = w->s;
    pthread_mutex_lock(&s->gate);
    while (s->go == 0) pthread_cond_wait(&s->open, &s->gate);
    int go = s->go;
    pthread_mutex_unlock(&s->gate);
    if (go < 0) return NULL;
    for (;;) {
        expand_level(w);
        pthread_barrier_wait(&s->barrier);
        if (w == &s->w[0]) decide(s);
        pthread_barrier_wait(&s->barrier);
        if (s->phase == HALT) return NULL;
        if (s->phase == GROW) {
            grow_segments(s);
            pthread_barrier_wait(&s->barrier);
            if (w == &s->w[0]) {
                /* A segment that could not grow leaves the set as it was, only fuller:
                 * correct, but the memory budget is spent — stop there. */
                cset_grow_end(s->set);
                if (atomic_load(&s->grow_failed)) atomic_store(&s->halt, "memory");
                s->room = cset_room(s->set);
                atomic_store(&s->grow, false);
                atomic_store(&s->next, s->resume);
            }
            pthread_barrier_wait(&s->barrier);
        }
    }
}

int chk_default_threads(void)
{
    const char *e = getenv("BATON_THREADS");
    if (e && *e) {
        int n = atoi(e);
        if (n >= 1 && n <= 256) return n;
    }
    /* the CPUs this process may run on (taskset, cgroup cpusets), not every one online */
    cpu_set_t set;
    long n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                          : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static bool successors(void *data, uint64_t state, mach_emit *out, void *ctx)
{
    mach_successors(data, &state, out, ctx);
    return false;
}

bool chk_parallel_explore(const struct machine *m, const struct chk_limits *lim, int threads,
                          struct chk_result *r)
{
    if (threads < 1 || mach_words(m) != 1) return false;
    struct par_space ps = {0, successors, (void *)m, true, mach_bits(m)};
    mach_initial(m, &ps.initial);
    return chk_parallel_search(&ps, lim, threads, r);
}

static void free_workers(struct shared *s)
{
    for (int k = 0; s->w && k < s->nthreads; k++) {
        struct worker *w = &s->w[k];
        big_free(w->in.v, w->in.cap * sizeof *w->in.v);
        big_free(w->out.v, w->out.cap * sizeof *w->out.v);
        free(w->pend);
        free(w->hash);
    }
    free(s->w);
    s->w = NULL;
}

bool chk_parallel_search(const struct par_space *ps, const struct chk_limits *lim, int threads,
                         struct chk_result *r)
{
    if (threads < 1) return false;
    memset(r, 0, sizeof *r);
    struct shared s = {.ps = ps, .lim = lim, .start = chk_now(), .nthreads = threads};
    s.set = cset_new(ps->bits ? ps->bits : 63);
    /* Room for every thread's count lag in the last eighth (see flush). */
    while (s.set && cset_room(s.set) / 14 < (size_t)threads * COUNT_LAG * 2) {
        bool grew = cset_grow_begin(s.set, NULL);
        for (uint32_t k = 0; grew && k < cset_segments(s.set); k++) grew = cset_grow_segment(s.set, k, NULL);
        if (grew) cset_grow_end(s.set);
        if (!grew) {
            cset_free(s.set);
            s.set = NULL;
        }
    }
    if (s.set) s.room = cset_room(s.set);
    s.seg = calloc((size_t)threads + 1, sizeof *s.seg);
    s.w = aligned_alloc(_Alignof(struct worker), (size_t)threads * sizeof *s.w);
    if (s.w) memset(s.w, 0, (size_t)threads * sizeof *s.w);
    bool ok = s.set && s.seg && s.w;
    for (int k = 0; s.w && k < threads; k++) {
        s.w[k].pend_cap = 2 * PENDING;
        s.w[k].pend = malloc(s.w[k].pend_cap * sizeof *s.w[k].pend);
        s.w[k].hash = malloc(s.w[k].pend_cap * sizeof *s.w[k].hash);
        ok &= s.w[k].pend && s.w[k].hash;
    }
    uint64_t init = ps->initial;
    ok = ok && push_state(&s.w[0].in, init) &&
         pthread_barrier_init(&s.barrier, NULL, (unsigned)threads) == 0;
    if (!ok) {
        free_workers(&s);
        cset_free(s.set);
        free(s.seg);
        return false;
    }
    pthread_mutex_init(&s.gate, NULL);
    pthread_cond_init(&s.open, NULL);
    cset_insert(s.set, cset_hash(s.set, init));
    s.count = 1;
    s.nfrontier = 1;
    for (int k = 1; k <= threads; k++) s.seg[k] = 1;  /* all of it is worker 0's */
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
    free_workers(&s);
    free(s.seg);
    cset_free(s.set);
    return done;
}
