/* taucycle.c — a tau cycle among the records of a parallel search (see taucycle.h).
 *
 * On a thread a part, in phases one after another (par_each): index the records by
 * hash; turn every successor's hash into a reference to its record; count each record's
 * predecessors; then peel (Kahn): a record no remaining record leads to is removed, and
 * removing it takes one from each successor's count.  A set of records with no cycle among
 * them peels away entirely; a cycle's records never reach 0, so a cycle exists exactly when
 * some record is left.  Each thread starts from its own parts' records with no predecessor
 * and goes on with whatever record its own decrements free; every record is removed by
 * exactly one thread (the one whose decrement took its count to 0, or the one that owns it
 * when it had none), so the counts summed over the threads are exact. */
#include "checker/taucycle.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "checker/bigmem.h"
#include "checker/threads.h"
#include "checker/limits.h"
#include "checker/prefetch.h"

/* A record's count word keeps, in its top bit, whether it had no predecessor when peeling
 * began (a source, which its owner removes first). */
#define SOURCE (1ull << 63)
#define COUNT_MASK (SOURCE - 1)
/* A reference to a record: its part above its word offset. */
#define OFFSET_BITS 48

static uint64_t count_of(const uint64_t *rec) { return rec[1] & COUNT_MASK; }

/* The records by their state's hash: open addressing over references + 1 (0 is empty).  (A
 * slot of hash and reference would save a lookup's second cache miss: 12 % of the time for
 * 20 % more memory at the peak, measured on hidden philosophers; memory is what runs out.) */
struct index {
    _Atomic(uint64_t) *slot;
    size_t mask;
    uint32_t shift;
    struct tau_part *parts;
};

static size_t home(const struct index *x, uint64_t h)
{
    return (size_t)((h * 0x9E3779B97F4A7C15ull) >> x->shift);
}

static uint64_t *record(const struct tau_part *parts, uint64_t ref)
{
    return parts[ref >> OFFSET_BITS].v + (ref & ((1ull << OFFSET_BITS) - 1));
}

/* Puts a reference into the index; several threads at once (a compare-and-swap a slot). */
static void put(struct index *x, uint64_t ref, uint64_t h)
{
    for (size_t i = home(x, h);; i = (i + 1) & x->mask) {
        uint64_t empty = 0;
        if (atomic_load_explicit(&x->slot[i], memory_order_relaxed) == 0 &&
            atomic_compare_exchange_strong_explicit(&x->slot[i], &empty, ref + 1,
                                                    memory_order_relaxed, memory_order_relaxed))
            return;
    }
}

/* The reference + 1 of the record of the state with hash h, 0 when it has none. */
static uint64_t lookup(const struct index *x, uint64_t h)
{
    for (size_t i = home(x, h);; i = (i + 1) & x->mask) {
        uint64_t e = atomic_load_explicit(&x->slot[i], memory_order_relaxed);
        if (!e || record(x->parts, e - 1)[0] == h) return e;
    }
}

/* Visits every successor word of a part, in order. */
#define EACH_SUCCESSOR(part, succ)                                                              \
    for (size_t off_ = 0; off_ < (part)->n; off_ += 2 + count_of((part)->v + off_))            \
        for (uint64_t *succ = (part)->v + off_ + 2, *end_ = succ + count_of((part)->v + off_); \
             succ < end_; succ++)

/* Replaces every successor's hash by lookup's reference + 1 (0: a state without taus, so
 * without a record).  Successors wait in a ring of AHEAD, their home slots prefetched, before
 * they are looked up. */
static void resolve_part(const struct index *x, struct tau_part *part)
{
    enum { AHEAD = 16 };
    uint64_t *ring[AHEAD];
    size_t n = 0;                 /* successors that went into the ring */
    EACH_SUCCESSOR(part, succ) {
        __builtin_prefetch((const void *)&x->slot[home(x, *succ)]);
        uint64_t **at = &ring[n++ % AHEAD];
        if (n > AHEAD) **at = lookup(x, **at);
        *at = succ;
    }
    for (size_t k = n > AHEAD ? n - AHEAD : 0; k < n; k++) *ring[k % AHEAD] = lookup(x, *ring[k % AHEAD]);
}

/* A record's predecessor count lives in its first word (its hash is not needed once every
 * successor is a reference). */
static _Atomic(uint64_t) *preds(uint64_t *rec)
{
    return (_Atomic(uint64_t) *)rec;
}

/* Counts predecessors: one for every edge into a record, the record prefetched AHEAD edges
 * before its count is raised. */
static void count_part(const struct tau_part *parts, struct tau_part *part)
{
    enum { AHEAD = 16 };
    uint64_t ring[AHEAD];
    size_t n = 0;
    EACH_SUCCESSOR(part, succ) {
        if (!*succ) continue;
        prefetch_for_write(record(parts, *succ - 1));
        uint64_t *at = &ring[n++ % AHEAD];
        if (n > AHEAD) atomic_fetch_add_explicit(preds(record(parts, *at - 1)), 1, memory_order_relaxed);
        *at = *succ;
    }
    for (size_t k = n > AHEAD ? n - AHEAD : 0; k < n; k++)
        atomic_fetch_add_explicit(preds(record(parts, ring[k % AHEAD] - 1)), 1, memory_order_relaxed);
}

struct shared {
    struct tau_part *parts;
    size_t nparts;
    struct index x;
    size_t index_bytes;
    const struct chk_limits *lim;
    double start;
    atomic_size_t removed;        /* records peeled, summed as the parts end */
    _Atomic(const char *) limit;  /* set when a limit passes: all stop */
};

/* Peels from the sources of part p; the records it removes, or stops early (a limit, or out
 * of memory: s->limit is then set). */
static size_t peel(struct shared *s, size_t p)
{
    size_t removed = 0, sp = 0, cap = 1024;
    uint64_t **stack = malloc(cap * sizeof *stack), steps = 0;
    if (!stack) {
        atomic_store(&s->limit, "memory");
        return 0;
    }
    struct tau_part *part = &s->parts[p];
    for (size_t off = 0; off < part->n; off += 2 + count_of(part->v + off)) {
        if (!(part->v[off + 1] & SOURCE)) continue;
        stack[sp++] = part->v + off;
        while (sp > 0) {
            if ((++steps & 0xFFFF) == 0) {
                const char *why = chk_over_limit(s->lim, 0, s->start);
                if (why) atomic_store(&s->limit, why);
                if (atomic_load_explicit(&s->limit, memory_order_relaxed)) goto out;
            }
            uint64_t *rec = stack[--sp], k = count_of(rec);
            removed++;
            for (uint64_t i = 0; i < k; i++)
                if (rec[2 + i]) prefetch_for_write(record(s->parts, rec[2 + i] - 1));
            for (uint64_t i = 0; i < k; i++) {
                if (!rec[2 + i]) continue;
                uint64_t *next = record(s->parts, rec[2 + i] - 1);
                if (atomic_fetch_sub_explicit(preds(next), 1, memory_order_relaxed) != 1) continue;
                if (sp == cap) {
                    uint64_t **t = realloc(stack, 2 * cap * sizeof *t);
                    if (!t) {
                        atomic_store(&s->limit, "memory");
                        goto out;
                    }
                    stack = t;
                    cap *= 2;
                }
                stack[sp++] = next;
            }
        }
    }
out:
    free(stack);
    return removed;
}

/* The phases, each on a thread a part (par_each), one after another. */

/* Each record's slot is prefetched AHEAD records before it is put. */
static void index_phase(void *ctx, size_t p)
{
    struct shared *s = ctx;
    struct tau_part *part = &s->parts[p];
    enum { AHEAD = 16 };
    size_t ring[AHEAD], n = 0;
    for (size_t off = 0; off < part->n; off += 2 + count_of(part->v + off)) {
        prefetch_for_write(&s->x.slot[home(&s->x, part->v[off])]);
        size_t *at = &ring[n++ % AHEAD];
        if (n > AHEAD) put(&s->x, (uint64_t)p << OFFSET_BITS | *at, part->v[*at]);
        *at = off;
    }
    for (size_t k = n > AHEAD ? n - AHEAD : 0; k < n; k++)
        put(&s->x, (uint64_t)p << OFFSET_BITS | ring[k % AHEAD], part->v[ring[k % AHEAD]]);
}

static void resolve_phase(void *ctx, size_t p)
{
    struct shared *s = ctx;
    resolve_part(&s->x, &s->parts[p]);
}

/* Every successor is a reference now: a record's first word, its hash, becomes its
 * predecessor count. */
static void clear_phase(void *ctx, size_t p)
{
    struct shared *s = ctx;
    struct tau_part *part = &s->parts[p];
    for (size_t off = 0; off < part->n; off += 2 + count_of(part->v + off)) part->v[off] = 0;
}

static void count_phase(void *ctx, size_t p)
{
    struct shared *s = ctx;
    count_part(s->parts, &s->parts[p]);
}

static void source_phase(void *ctx, size_t p)
{
    struct shared *s = ctx;
    struct tau_part *part = &s->parts[p];
    for (size_t off = 0; off < part->n; off += 2 + count_of(part->v + off))
        if (part->v[off] == 0) part->v[off + 1] |= SOURCE;
}

static void peel_phase(void *ctx, size_t p)
{
    struct shared *s = ctx;
    atomic_fetch_add(&s->removed, peel(s, p));
}

int tau_cycle(struct tau_part *parts, size_t nparts, const struct chk_limits *lim, double start,
              const char **limit)
{
    *limit = NULL;
    size_t nodes = 0;
    for (size_t p = 0; p < nparts; p++)
        for (size_t off = 0; off < parts[p].n; off += 2 + count_of(parts[p].v + off)) nodes++;
    if (nodes == 0) return 0;
    struct shared s = {.parts = parts, .nparts = nparts, .lim = lim, .start = start};
    s.x.parts = parts;
    size_t cap = 16;
    uint32_t logcap = 4;
    while (cap / 4 * 3 < nodes) cap *= 2, logcap++;  /* at most 3/4 full */
    s.x.mask = cap - 1;
    s.x.shift = 64 - logcap;
    s.index_bytes = cap * sizeof *s.x.slot;
    if (!chk_memory_fits(lim, s.index_bytes) || !(s.x.slot = big_calloc(s.index_bytes))) {
        *limit = "memory";
        return -1;
    }
    par_each(nparts, index_phase, &s);
    par_each(nparts, resolve_phase, &s);
    big_free(s.x.slot, s.index_bytes);  /* every successor is a reference now */
    s.x.slot = NULL;
    par_each(nparts, clear_phase, &s);
    par_each(nparts, count_phase, &s);
    par_each(nparts, source_phase, &s);
    par_each(nparts, peel_phase, &s);
    if ((*limit = atomic_load(&s.limit))) return -1;
    return atomic_load(&s.removed) < nodes;
}
