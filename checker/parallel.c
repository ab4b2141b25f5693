/* parallel.c — breadth-first exploration on several cores, for the searches whose answer does
 * not depend on the order states are found in (see parallel.h).
 *
 * Level by level: threads take chunks of the frontier — each its own segment first, the states
 * it found itself, then the others' — generate successors and insert them into one shared
 * compact set (checker/cset.h: a compare-and-swap per slot, 4 bytes a slot for most machines;
 * a state of several words goes in as its tree-compressed key, checker/tree.h), and append
 * the new ones to their own output array.  The outputs are the
 * next frontier as they stand — a frontier is one segment per thread, never copied together.
 * When the set (or a tree table) is nearly full, the threads stop at the end of their chunk
 * and grow it, a segment per thread at a time, and go on.  No parents are kept: a failure
 * found here is replayed by the deterministic one-core search, which gives the shortest,
 * repeatable counterexample. */
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
#include "checker/taucycle.h"
#include "checker/tree.h"

/* CHUNK: frontier states a thread takes at a time.  PENDING: successors a thread inserts in one
 * go while the set is small.  A set of chk_windows_from bytes or more is probed in rounds
 * sorted into windows of chk_window_bytes (see plan_rounds): ROUND_PER_WINDOW probes a window
 * a round on average, at most 2^WINDOW_BITS_MAX windows.  AHEAD: how far ahead of its probe a
 * slot is prefetched. */
enum {
    CHUNK = 256,
    PENDING = 256,
    ROUND_PER_WINDOW = 4096,
    WINDOW_BITS_MAX = 10,
    AHEAD = 32,
};
size_t chk_windows_from = (size_t)32 << 20, chk_window_bytes = (size_t)256 << 10;

/* What the threads do after a barrier, as thread 0 decided. */
enum phase { EXPAND, GROW, HALT };

struct worker;

struct shared {
    const struct par_space *ps;
    const struct chk_limits *lim;
    double start;
    int nthreads;
    uint32_t words;               /* of a state */
    uint32_t bits;                /* of the set's hashes */
    struct cset *set;
    struct tree *tree;            /* for states of several words, else NULL */
    size_t room;                  /* states the set takes before it grows (cset_room) */
    size_t round;                 /* successors a thread inserts in one go (plan_rounds) */
    uint32_t window_bits;         /* its probes sorted into 2^window_bits windows of the set */
    /* The fields every core writes each sit on a cache line of their own: a shared line
     * would bounce between the cores on every write. */
    _Alignas(128) atomic_size_t count;  /* states in the table */
    uint32_t depth;               /* levels done (for the progress line) */
    uint64_t transitions_done;    /* transitions of the levels done, summed at each level's end */
    _Alignas(128) atomic_size_t next;   /* while growing: the next segment to grow */
    _Alignas(128) char read_mostly[1];  /* below: written between barriers only */
    atomic_bool grow;             /* someone saw the set or a tree table too full */
    bool growing_set;             /* this growth includes the set's (thread 0 decides) */
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
    pthread_barrier_t barrier;
    pthread_mutex_t gate;         /* workers start once every one of them exists */
    pthread_cond_t open;
    int go;                       /* 0 wait, 1 run, -1 give up */
    struct worker *w;
};

/* A growable array of states of `words` words. */
struct states {
    uint64_t *v;
    size_t n, cap;                /* in states */
};

/* Each worker on cache lines of its own (workers are an array, written by their cores all the
 * time). */
struct worker {
    _Alignas(128) struct shared *s;
    /* The next chunk of this worker's segment of the frontier (in the virtual concatenation):
     * each worker expands its own segment — the states it found, in the order it found them —
     * and only then takes chunks of the others'.  Neighbouring states of a segment share many
     * successors (the diamonds of interleaving), which the worker's `seen` cache then catches;
     * chunks dealt round-robin would give every neighbour's successors to the other core. */
    atomic_size_t next;
    uint64_t *pend, *hash;        /* successors waiting to be inserted, a batch at a time */
    uint64_t *seen;               /* SEEN_SLOTS hashes known to be in the set */
    size_t *pend_edge;            /* per pending successor: where its hash goes in `taus` when
                                     it is a tau successor being recorded, else NO_EDGE */
    size_t npend, pend_cap;       /* (more wait while the set is too full to take them); in
                                     states: pend holds `words` words a state */
    /* A round's probes (insert_round): per pending successor what became of it (SKIP, PROBE,
     * NEW); the probes' hashes sorted by window, with where each came from; per window its
     * count, then where its probes go. */
    uint8_t *fate;
    uint64_t *sorted;
    uint32_t *from;
    size_t round_cap;             /* of fate, sorted and from */
    size_t *window;               /* 2^WINDOW_BITS_MAX */
    size_t left_at, left_end;     /* frontier states of a chunk left when the table had to grow */
    size_t unadded;               /* new states not yet added to the shared count */
    struct states in, out;        /* this level's segment, and the new states for the next */
    uint64_t transitions;
    uint32_t successors;
    const uint64_t *expanding;    /* the state being expanded */
    size_t record;                /* where its record of tau successors is, or NO_EDGE */
    struct states taus;           /* tau_cycle_is_bad or record: the records (taucycle.h,
                                     parallel.h), one word a "state" */
    bool oom;
    pthread_t thread;
};

static bool push_state(struct states *a, const uint64_t *v, uint32_t words)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 4096;
        uint64_t *o = big_realloc(a->v, a->cap * words * sizeof *o, cap * words * sizeof *o);
        if (!o) return false;
        a->v = o;
        a->cap = cap;
    }
    uint64_t *to = a->v + a->n++ * words;
    for (uint32_t i = 0; i < words; i++) to[i] = v[i];
    return true;
}

/* Are transitions being recorded (pend_edge kept)? */
static bool recording(const struct shared *s)
{
    return s->ps->tau_cycle_is_bad || s->ps->record;
}

/* States are counted in the shared total a few at a time, so the cores do not fight over one
 * cache line; the total lags by less than COUNT_LAG a thread. */
enum { COUNT_LAG = 64 };

#define NO_EDGE SIZE_MAX

/* Each thread remembers the hashes it met lately (direct-mapped, 256 KiB: in its core's L2):
 * a successor met again — diamonds of interleavings meet within a few states — costs no
 * probe of the set, whose every probe is a cache miss.  Entries are hashes; a slot starts
 * with a value no hash that maps to it has (its index with the lowest bit flipped), so every
 * hash — 2^64 - 1 too — can be kept. */
enum { SEEN_SLOTS = 1 << 15 };
#define SEEN_MASK (SEEN_SLOTS - 1)

enum fate { SKIP, PROBE, NEW };

/* Sizes the rounds for the set as it now is (thread 0, between barriers).  A probe is a cache
 * miss, and on a large set a TLB miss too: a set of gigabytes spans far more pages than the TLB
 * maps (under a hypervisor, pages of 4 KiB whatever the guest uses), and a page walk costs more
 * than the line.  So past chk_windows_from a thread gathers a round of probes, sorts them by
 * window of the set (their hashes' top bits choose the segment and bucket, so a window is a
 * range of hashes) and probes window by window: a window's pages stay in the TLB while its
 * probes are made.  Measured on this VM, 2 GB of slots: 27 ns a random probe, 18 ns sorted in
 * rounds of 4 M into 256 windows, sorting included.  Windows of 256 KiB from a set of 32 MiB
 * (past the last-level cache) beat 4 MiB from 256 MiB: the philosophers at N = 9 on one core
 * 21.5 -> 16.1 s (median of 5 alternating runs), N = 10 on two 96 -> 89 s.  A round never
 * passes a share of the set's slack above its room, so the threads' rounds in flight always
 * fit (see flush). */
static void plan_rounds(struct shared *s)
{
    size_t bytes = cset_bytes(s->set);
    uint32_t bits = 0;
    if (bytes >= chk_windows_from)
        while (bits < WINDOW_BITS_MAX && bits < s->bits &&
               (chk_window_bytes << (bits + 1)) <= bytes)
            bits++;
    size_t round = bits ? ((size_t)ROUND_PER_WINDOW << bits) : PENDING;
    if (s->room != SIZE_MAX) {
        size_t share = s->room / 14 / (2 * (size_t)s->nthreads);
        if (round > share) round = share > 0 ? share : 1;
    }
    s->round = round;
    s->window_bits = bits;
}

/* Makes room for a round of m probes; false when out of memory. */
static bool round_room(struct worker *w, size_t m)
{
    if (m <= w->round_cap) return true;
    uint8_t *f = realloc(w->fate, m);
    if (f) w->fate = f;
    uint64_t *h = f ? realloc(w->sorted, m * sizeof *h) : NULL;
    if (h) w->sorted = h;
    uint32_t *from = h ? realloc(w->from, m * sizeof *from) : NULL;
    if (from) w->from = from;
    if (!from) return false;
    w->round_cap = m;
    return true;
}

/* Inserts pending successors [at, at + m) — their tree keys, if any, already in hash — in one
 * round: hashes; the ones this thread met lately (its `seen` cache) are in the set already;
 * the rest sorted by window and probed with their slots prefetched ahead, so the cache (and
 * TLB) misses overlap; the new ones appended to the next frontier in the order they were
 * generated, which keeps neighbouring states together for the next level's `seen` cache.  The
 * caller made sure the set has room for all of them. */
static void insert_round(struct worker *w, size_t at, size_t m)
{
    struct shared *s = w->s;
    uint32_t words = s->words, shift = s->bits - s->window_bits;
    size_t nwin = (size_t)1 << s->window_bits;
    if (!round_room(w, m + 1)) {  /* (the last slot of sorted and from: a skip's dummy) */
        w->oom = true;
        return;
    }
    /* One window (a small set): the probes go straight into `sorted`, in generation order. */
    size_t probes = 0;
    memset(w->window, 0, nwin * sizeof *w->window);
    for (size_t i = 0; i < m; i++) {
        uint64_t h = cset_hash(s->set, s->tree ? w->hash[at + i] : w->pend[(at + i) * words]);
        w->hash[at + i] = h;
        if (recording(s) && w->pend_edge[at + i] != NO_EDGE) w->taus.v[w->pend_edge[at + i]] |= h;
        /* Met lately: in the set, no probe.  About half are, at random, so the rest of the
         * round goes without a branch on it (a mispredicted branch a successor cost more). */
        uint64_t *seen = &w->seen[h & SEEN_MASK];
        bool probe = *seen != h;
        *seen = h;
        w->fate[i] = probe ? PROBE : SKIP;
        if (nwin == 1) {
            w->sorted[probes] = h;
            w->from[probes] = (uint32_t)i;
            probes += probe;
        } else {
            w->window[h >> shift] += probe;
        }
    }
    if (nwin > 1) {  /* a counting sort by window */
        for (size_t k = 0; k < nwin; k++) {
            size_t c = w->window[k];
            w->window[k] = probes;
            probes += c;
        }
        for (size_t i = 0; i < m; i++) {
            bool probe = w->fate[i] == PROBE;
            uint64_t h = w->hash[at + i];
            size_t k = h >> shift, to = probe ? w->window[k] : m;
            w->window[k] += probe;
            w->sorted[to] = h;
            w->from[to] = (uint32_t)i;
        }
    }
    for (size_t j = 0; j < probes && j < AHEAD; j++) cset_prefetch(s->set, w->sorted[j]);
    for (size_t j = 0; j < probes; j++) {
        if (j + AHEAD < probes) cset_prefetch(s->set, w->sorted[j + AHEAD]);
        int added = cset_insert(s->set, w->sorted[j]);
        if (added < 0) {
            w->oom = true;
            return;
        }
        w->fate[w->from[j]] = added ? NEW : SKIP;
        if (added && ++w->unadded == COUNT_LAG) {
            size_t total =
                atomic_fetch_add_explicit(&s->count, w->unadded, memory_order_relaxed) + w->unadded;
            w->unadded = 0;
            if (total > s->room) atomic_store(&s->grow, true);
        }
    }
    for (size_t i = 0; i < m; i++)
        if (w->fate[i] == NEW && !push_state(&w->out, w->pend + (at + i) * words, words)) {
            w->oom = true;
            return;
        }
}

/* Inserts the pending successors, a round at a time.  The set never passes 15/14 of its room
 * (15/16 full): a round starts only when every thread's round in flight, and every thread's
 * count lag, still fit below that; else the rest stay pending and the set grows first (a
 * state can have any number of new successors, far more than a set's slack). */
static void flush(struct worker *w)
{
    struct shared *s = w->s;
    size_t hard = s->room == SIZE_MAX ? SIZE_MAX : s->room / 14 * 15, n = w->npend;
    size_t in_flight = (size_t)s->nthreads * (COUNT_LAG + s->round);
    uint32_t words = s->words;
    /* A state of several words goes in as its tree key, the batch's keys made together. */
    if (s->tree) {
        size_t keyed = tree_keys(s->tree, w->pend, n, w->hash);
        if (keyed < n) {
            n = keyed;  /* a tree table must grow first: the rest wait */
            atomic_store(&s->grow, true);
        }
        if (tree_wants_growth(s->tree)) atomic_store(&s->grow, true);
    }
    size_t done = 0;
    while (done < n && !w->oom) {
        size_t count = atomic_load_explicit(&s->count, memory_order_relaxed);
        if (hard != SIZE_MAX && count + w->unadded + in_flight >= hard) {
            atomic_store(&s->grow, true);
            break;
        }
        size_t m = n - done < s->round ? n - done : s->round;
        insert_round(w, done, m);
        done += m;
    }
    if (done < w->npend) {
        memmove(w->pend, w->pend + done * words, (w->npend - done) * words * sizeof *w->pend);
        if (recording(s))
            memmove(w->pend_edge, w->pend_edge + done, (w->npend - done) * sizeof *w->pend_edge);
    }
    w->npend -= done;
}

/* The rest of the worker's count into the shared one (before anyone reads the total). */
static void settle(struct worker *w)
{
    if (w->unadded) atomic_fetch_add_explicit(&w->s->count, w->unadded, memory_order_relaxed);
    w->unadded = 0;
}

/* The hash of a state in the set (what names it in a tau record). */
static uint64_t hash_of(struct shared *s, const uint64_t *vec)
{
    return cset_hash(s->set, s->tree ? tree_key(s->tree, vec) : vec[0]);
}

/* Opens the current state's record; false when out of memory. */
static bool open_record(struct worker *w)
{
    /* The state is in the set already, so its tree key exists: hash_of cannot fail. */
    uint64_t head[2] = {hash_of(w->s, w->expanding), 0};
    if (!push_state(&w->taus, &head[0], 1) || !push_state(&w->taus, &head[1], 1)) return false;
    w->record = w->taus.n - 2;
    return true;
}

/* Makes room in the current state's record for a transition on `event` — its target's hash,
 * after the event itself when every transition is recorded, or or-ed beside it when packed —
 * opening a tau record at the state's first tau; where the hash goes, or NO_EDGE when out of
 * memory. */
static size_t edge_slot(struct worker *w, uint32_t event)
{
    if (w->record == NO_EDGE && !open_record(w)) return NO_EDGE;
    const struct par_space *ps = w->s->ps;
    bool ok;
    if (ps->record && ps->pack) {
        uint64_t word = (uint64_t)event << ps->pack;  /* the hash is or-ed in later */
        ok = push_state(&w->taus, &word, 1);
    } else {
        uint64_t ev = event, none = 0;
        ok = (!ps->record || push_state(&w->taus, &ev, 1)) && push_state(&w->taus, &none, 1);
    }
    if (!ok) return NO_EDGE;
    w->taus.v[w->record + 1]++;
    return w->taus.n - 1;
}

static void emit(void *ctx, uint32_t event, const uint64_t *target)
{
    struct worker *w = ctx;
    w->transitions++;
    w->successors++;
    if (event == EV_TICK && !w->s->ps->record) return;
    if (w->npend >= w->s->round && !atomic_load_explicit(&w->s->grow, memory_order_relaxed))
        flush(w);
    uint32_t words = w->s->words;
    if (w->npend == w->pend_cap) {
        size_t cap = 2 * w->pend_cap;
        uint64_t *p = realloc(w->pend, cap * words * sizeof *p), *h = p ? realloc(w->hash, cap * sizeof *h) : NULL;
        size_t *e = h && recording(w->s) ? realloc(w->pend_edge, cap * sizeof *e) : NULL;
        if (p) w->pend = p;
        if (h) w->hash = h;
        if (e) w->pend_edge = e;
        if (!p || !h || (recording(w->s) && !e)) {
            w->oom = true;
            return;
        }
        w->pend_cap = cap;
    }
    if (recording(w->s)) {  /* pend_edge is kept only while recording */
        bool kept = event == EV_TAU || w->s->ps->record;
        size_t edge = kept ? edge_slot(w, event) : NO_EDGE;
        if (kept && edge == NO_EDGE) {
            w->oom = true;
            return;
        }
        w->pend_edge[w->npend] = edge;
    }
    uint64_t *to = w->pend + w->npend++ * words;
    for (uint32_t i = 0; i < words; i++) to[i] = target[i];
}

static void expand(struct worker *w, const uint64_t *vec)
{
    struct shared *s = w->s;
    w->successors = 0;
    w->expanding = vec;
    w->record = NO_EDGE;
    if (s->ps->record && !open_record(w)) {  /* every state has a record, even one with none */
        w->oom = true;
        return;
    }
    bool bad = s->ps->expand(s->ps->data, vec, emit, w);
    if (bad || (s->ps->stuck_is_bad && w->successors == 0)) {
        atomic_store(&s->deadlock, true);
        /* With divergence asked for, the search goes on: whether a tau cycle exists tells the
         * counterexample's search whether it must look for one (parallel.h). */
        if (!s->ps->tau_cycle_is_bad) atomic_store(&s->stop, true);
    }
    if (w->npend >= s->round / 2 && !atomic_load_explicit(&s->grow, memory_order_relaxed)) flush(w);
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
        expand(w, s->w[k].in.v + (at - s->seg[k]) * s->words);
    }
}

/* The next chunk to expand, [*at, *end): from the worker's own segment, else from the
 * others' in turn; false when none is left. */
static bool take_chunk(struct worker *w, size_t *at, size_t *end)
{
    struct shared *s = w->s;
    int me = (int)(w - s->w);
    for (int i = 0; i < s->nthreads; i++) {
        int k = (me + i) % s->nthreads;
        size_t lim = s->seg[k + 1];
        if (atomic_load_explicit(&s->w[k].next, memory_order_relaxed) >= lim) continue;
        size_t a = atomic_fetch_add(&s->w[k].next, CHUNK);
        if (a >= lim) continue;
        *at = a;
        *end = a + CHUNK < lim ? a + CHUNK : lim;
        return true;
    }
    return false;
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
        } else if (!take_chunk(w, &at, &end)) {
            break;
        }
        expand_range(w, at, end);
    }
    /* The level's last successors (a round gathers across chunks). */
    if (!atomic_load(&s->grow) && !w->oom) flush(w);
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
        /* The tree's tables are small beside the set: thread 0 grows them alone; the set's
         * segments are grown by everyone. */
        s->growing_set = atomic_load(&s->count) + (size_t)s->nthreads * COUNT_LAG >= s->room;
        if ((s->tree && !tree_grow(s->tree, s->lim)) ||
            (s->growing_set && !cset_grow_begin(s->set, s->lim))) {
            s->limit = "memory";
            s->phase = HALT;
            return;
        }
        atomic_store(&s->next, s->growing_set ? 0 : cset_segments(s->set));
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
    for (int k = 0; k < s->nthreads; k++) atomic_store(&s->w[k].next, s->seg[k]);
    s->depth++;
    s->transitions_done = 0;
    for (int k = 0; k < s->nthreads; k++) s->transitions_done += s->w[k].transitions;
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
                if (s->growing_set) cset_grow_end(s->set);
                if (atomic_load(&s->grow_failed)) atomic_store(&s->halt, "memory");
                s->room = cset_room(s->set);
                plan_rounds(s);
                atomic_store(&s->grow, false);
            }
            pthread_barrier_wait(&s->barrier);
        }
    }
}

bool chk_parallel_settles(struct chk_result *r, bool *divergence, double *seconds)
{
    bool records_too_big = *divergence && r->verdict == CHK_LIMIT && r->limit &&
                           strcmp(r->limit, "memory") == 0;
    if (!records_too_big && r->verdict != CHK_FAILS) return true;
    if (!records_too_big) *divergence = *divergence && r->kind == CHK_DIVERGENCE;
    *seconds = r->seconds;
    chk_result_free(r);
    return false;
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

static bool successors(void *data, const uint64_t *state, mach_emit *out, void *ctx)
{
    mach_successors(data, state, out, ctx);
    return false;
}

bool chk_parallel_explore(const struct machine *m, const struct chk_limits *lim, int threads,
                          bool deadlock, bool divergence, struct chk_result *r)
{
    if (threads < 1) return false;
    uint32_t words = mach_words(m);
    uint64_t *init = malloc(words * sizeof *init);
    if (!init) return false;
    mach_initial(m, init);
    struct par_space ps = {words, init, successors, (void *)m, deadlock, words == 1 ? mach_bits(m) : 0,
                           divergence, NULL, 0};
    bool done = chk_parallel_search(&ps, lim, threads, r);
    free(init);
    return done;
}

/* After a complete search: a tau cycle among the records is a divergence.  When the cycle
 * search stops at a limit, a bad state already found still fails the check, as one that may
 * also diverge (CHK_DIVERGENCE: the counterexample's search must look at both). */
static void tau_verdict(struct shared *s, struct chk_result *r)
{
    struct tau_part *parts = malloc((size_t)s->nthreads * sizeof *parts);
    if (!parts) {
        r->verdict = CHK_LIMIT;
        r->limit = "memory";
        return;
    }
    for (int k = 0; k < s->nthreads; k++) parts[k] = (struct tau_part){s->w[k].taus.v, s->w[k].taus.n};
    const char *limit;
    int cycle = tau_cycle(parts, (size_t)s->nthreads, s->lim, s->start, &limit);
    free(parts);
    if (cycle < 0 && r->verdict != CHK_FAILS) {
        r->verdict = CHK_LIMIT;
        r->limit = limit;
    } else if (cycle != 0) {
        r->verdict = CHK_FAILS;
        r->kind = CHK_DIVERGENCE;
    }
    r->seconds = chk_now() - s->start;
}

/* After a complete search: the records to ps->record; false when it failed. */
static bool hand_records(struct shared *s, uint64_t root_key)
{
    struct tau_part *parts = malloc((size_t)s->nthreads * sizeof *parts);
    if (!parts) return false;
    for (int k = 0; k < s->nthreads; k++) parts[k] = (struct tau_part){s->w[k].taus.v, s->w[k].taus.n};
    bool ok = s->ps->record(s->ps->data, parts, (size_t)s->nthreads, cset_hash(s->set, root_key));
    free(parts);
    return ok;
}

static void free_workers(struct shared *s)
{
    for (int k = 0; s->w && k < s->nthreads; k++) {
        struct worker *w = &s->w[k];
        big_free(w->in.v, w->in.cap * s->words * sizeof *w->in.v);
        big_free(w->out.v, w->out.cap * s->words * sizeof *w->out.v);
        free(w->pend);
        free(w->hash);
        free(w->pend_edge);
        free(w->seen);
        free(w->fate);
        free(w->sorted);
        free(w->from);
        free(w->window);
        big_free(w->taus.v, w->taus.cap * sizeof *w->taus.v);
    }
    free(s->w);
    s->w = NULL;
}

bool chk_parallel_search(const struct par_space *ps, const struct chk_limits *lim, int threads,
                         struct chk_result *r)
{
    if (threads < 1) return false;
    memset(r, 0, sizeof *r);
    uint32_t words = ps->words ? ps->words : 1;
    struct shared s = {.ps = ps, .lim = lim, .start = chk_now(), .nthreads = threads, .words = words};
    /* Several words become one key of 62 bits (tree.h). */
    s.set = cset_new(words > 1 ? 62 : ps->bits ? ps->bits : 63);
    if (words > 1 && !(s.tree = tree_new(words))) {
        cset_free(s.set);
        return false;
    }
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
    if (s.set) {
        s.bits = cset_bits(s.set);
        s.room = cset_room(s.set);
        plan_rounds(&s);
    }
    s.seg = calloc((size_t)threads + 1, sizeof *s.seg);
    s.w = aligned_alloc(_Alignof(struct worker), (size_t)threads * sizeof *s.w);
    if (s.w) memset(s.w, 0, (size_t)threads * sizeof *s.w);
    bool ok = s.set && s.seg && s.w;
    for (int k = 0; s.w && k < threads; k++) {
        s.w[k].pend_cap = 2 * PENDING;
        s.w[k].pend = malloc(s.w[k].pend_cap * words * sizeof *s.w[k].pend);
        s.w[k].hash = malloc(s.w[k].pend_cap * sizeof *s.w[k].hash);
        if (recording(&s)) s.w[k].pend_edge = malloc(s.w[k].pend_cap * sizeof *s.w[k].pend_edge);
        s.w[k].seen = malloc(SEEN_SLOTS * sizeof *s.w[k].seen);
        s.w[k].window = malloc(((size_t)1 << WINDOW_BITS_MAX) * sizeof *s.w[k].window);
        for (size_t i = 0; s.w[k].seen && i < SEEN_SLOTS; i++) s.w[k].seen[i] = i ^ 1;
        ok &= s.w[k].pend && s.w[k].hash && (s.w[k].pend_edge || !recording(&s)) && s.w[k].seen &&
              s.w[k].window;
    }
    uint64_t key = ps->initial[0];
    if (s.tree) key = tree_key(s.tree, ps->initial);
    ok = ok && (!s.tree || key != TREE_FULL) && push_state(&s.w[0].in, ps->initial, words) &&
         pthread_barrier_init(&s.barrier, NULL, (unsigned)threads) == 0;
    if (!ok) {
        free_workers(&s);
        cset_free(s.set);
        tree_free(s.tree);
        free(s.seg);
        return false;
    }
    pthread_mutex_init(&s.gate, NULL);
    pthread_cond_init(&s.open, NULL);
    cset_insert(s.set, cset_hash(s.set, key));
    s.count = 1;
    for (int k = 1; k <= threads; k++) s.seg[k] = 1;  /* all of it is worker 0's */
    for (int k = 0; k < threads; k++) atomic_init(&s.w[k].next, s.seg[k]);
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
            bool bad = atomic_load(&s.deadlock);
            r->verdict = bad ? CHK_FAILS : CHK_HOLDS;
            r->kind = bad ? CHK_DEADLOCK : CHK_NONE;
            if (ps->tau_cycle_is_bad) tau_verdict(&s, r);
            if (ps->record && !hand_records(&s, key)) {
                r->verdict = CHK_LIMIT;
                r->limit = "memory";
            }
        }
    }
    pthread_barrier_destroy(&s.barrier);
    pthread_mutex_destroy(&s.gate);
    pthread_cond_destroy(&s.open);
    free_workers(&s);
    free(s.seg);
    cset_free(s.set);
    tree_free(s.tree);
    return done;
}
