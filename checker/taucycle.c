/* taucycle.c — a tau cycle among the records of a parallel search (see taucycle.h). */
#include "checker/taucycle.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "checker/bigmem.h"
#include "checker/limits.h"

/* A record's count word keeps the colour of its state in its top two bits. */
enum { WHITE = 0, GREY = 1, BLACK = 2 };
#define COLOUR_SHIFT 62
#define COUNT_MASK ((1ull << COLOUR_SHIFT) - 1)
/* A reference to a record: its part above its word offset. */
#define OFFSET_BITS 48

static uint64_t colour(const uint64_t *rec) { return rec[1] >> COLOUR_SHIFT; }
static void paint(uint64_t *rec, uint64_t c) { rec[1] = (rec[1] & COUNT_MASK) | c << COLOUR_SHIFT; }

/* The records by their state's hash: open addressing over references + 1 (0 is empty).  (A
 * slot of hash and reference would save a lookup's second cache miss: 12 % of the time for
 * 20 % more memory at the peak, measured on hidden philosophers; memory is what runs out.) */
struct index {
    uint64_t *slot;
    size_t mask;
    uint32_t shift;
    struct tau_part *parts;
};

static size_t home(const struct index *x, uint64_t h)
{
    return (size_t)((h * 0x9E3779B97F4A7C15ull) >> x->shift);
}

static uint64_t *record(const struct index *x, uint64_t ref)
{
    return x->parts[ref >> OFFSET_BITS].v + (ref & ((1ull << OFFSET_BITS) - 1));
}

static void put(struct index *x, uint64_t ref, uint64_t h)
{
    size_t i = home(x, h);
    while (x->slot[i]) i = (i + 1) & x->mask;
    x->slot[i] = ref + 1;
}

struct frame {
    uint64_t *rec;
    uint64_t at;                  /* the next successor to follow */
};

/* The reference + 1 of the record of the state with hash h, 0 when it has none. */
static uint64_t lookup(const struct index *x, uint64_t h)
{
    for (size_t i = home(x, h); x->slot[i]; i = (i + 1) & x->mask)
        if (record(x, x->slot[i] - 1)[0] == h) return x->slot[i];
    return 0;
}

/* Replaces every successor's hash by lookup's reference, so that the depth-first search
 * follows references (one cache miss an edge) and the index can go before it.  Successors
 * wait in a ring of AHEAD, their home slots prefetched, before they are looked up. */
static void resolve_part(const struct index *x, struct tau_part *part)
{
    enum { AHEAD = 16 };
    uint64_t *v = part->v, *ring[AHEAD];
    size_t n = 0;                 /* successors that went into the ring */
    for (size_t off = 0; off < part->n; off += 2 + (v[off + 1] & COUNT_MASK))
        for (uint64_t *succ = v + off + 2, *end = succ + (v[off + 1] & COUNT_MASK); succ < end; succ++) {
            __builtin_prefetch(&x->slot[home(x, *succ)]);
            uint64_t **at = &ring[n++ % AHEAD];
            if (n > AHEAD) **at = lookup(x, **at);
            *at = succ;
        }
    for (size_t k = n > AHEAD ? n - AHEAD : 0; k < n; k++) *ring[k % AHEAD] = lookup(x, *ring[k % AHEAD]);
}

struct resolver {
    const struct index *x;
    struct tau_part *part;
    pthread_t thread;
};

static void *resolve_run(void *arg)
{
    struct resolver *r = arg;
    resolve_part(r->x, r->part);
    return NULL;
}

/* Each part on a thread of its own (the parts are the search's threads' records); a part
 * whose thread cannot start is done here. */
static void resolve(const struct index *x, struct tau_part *parts, size_t nparts)
{
    struct resolver *r = calloc(nparts, sizeof *r);
    bool *started = calloc(nparts, sizeof *started);
    for (size_t p = 1; r && started && p < nparts; p++) {
        r[p] = (struct resolver){x, &parts[p], 0};
        started[p] = pthread_create(&r[p].thread, NULL, resolve_run, &r[p]) == 0;
    }
    for (size_t p = 0; p < nparts; p++)
        if (!r || !started || !started[p]) resolve_part(x, &parts[p]);
    for (size_t p = 1; r && started && p < nparts; p++)
        if (started[p]) pthread_join(r[p].thread, NULL);
    free(r);
    free(started);
}

int tau_cycle(struct tau_part *parts, size_t nparts, const struct chk_limits *lim, double start,
              const char **limit)
{
    *limit = NULL;
    size_t nodes = 0;
    for (size_t p = 0; p < nparts; p++)
        for (size_t off = 0; off < parts[p].n; off += 2 + (parts[p].v[off + 1] & COUNT_MASK)) nodes++;
    if (nodes == 0) return 0;
    struct index x = {.parts = parts};
    size_t cap = 16;
    uint32_t logcap = 4;
    while (cap / 4 * 3 < nodes) cap *= 2, logcap++;  /* at most 3/4 full */
    x.mask = cap - 1;
    x.shift = 64 - logcap;
    if (!chk_memory_fits(lim, cap * sizeof *x.slot) || !(x.slot = big_calloc(cap * sizeof *x.slot))) {
        *limit = "memory";
        return -1;
    }
    for (size_t p = 0; p < nparts; p++)
        for (size_t off = 0; off < parts[p].n; off += 2 + (parts[p].v[off + 1] & COUNT_MASK)) {
            paint(parts[p].v + off, WHITE);
            put(&x, (uint64_t)p << OFFSET_BITS | off, parts[p].v[off]);
        }
    resolve(&x, parts, nparts);  /* the index is read-only now: a thread a part */
    big_free(x.slot, cap * sizeof *x.slot);
    x.slot = NULL;
    if ((*limit = chk_over_limit(lim, 0, start))) return -1;

    struct frame *stack = NULL;
    size_t sp = 0, stack_cap = 0;
    uint64_t steps = 0;
    int found = 0;
    for (size_t p = 0; p < nparts && !found && !*limit; p++)
        for (size_t off = 0; off < parts[p].n && !found && !*limit;
             off += 2 + (parts[p].v[off + 1] & COUNT_MASK)) {
            uint64_t *root = parts[p].v + off;
            if (colour(root) != WHITE) continue;
            paint(root, GREY);
            sp = 0;
            stack_cap = stack_cap ? stack_cap : 1024;
            if (!stack && !(stack = malloc(stack_cap * sizeof *stack))) {
                *limit = "memory";
                break;
            }
            stack[sp++] = (struct frame){root, 0};
            while (sp > 0) {
                if ((++steps & 0xFFFF) == 0 && (*limit = chk_over_limit(lim, 0, start))) break;
                struct frame *f = &stack[sp - 1];
                uint64_t k = f->rec[1] & COUNT_MASK;
                if (f->at == k) {
                    paint(f->rec, BLACK);
                    sp--;
                    continue;
                }
                uint64_t ref = f->rec[2 + f->at++];
                if (!ref) continue;  /* a state without taus */
                uint64_t *next = record(&x, ref - 1);
                if (colour(next) == BLACK) continue;
                if (colour(next) == GREY) {  /* back on the path: a cycle */
                    found = 1;
                    break;
                }
                if (sp == stack_cap) {
                    struct frame *s = realloc(stack, 2 * stack_cap * sizeof *s);
                    if (!s) {
                        *limit = "memory";
                        break;
                    }
                    stack = s;
                    stack_cap *= 2;
                }
                paint(next, GREY);
                /* its successors' records are the next misses: start them now */
                for (uint64_t i = 0, nk = next[1] & COUNT_MASK; i < nk && i < 4; i++)
                    if (next[2 + i]) __builtin_prefetch(record(&x, next[2 + i] - 1) + 1);
                stack[sp++] = (struct frame){next, 0};
            }
        }
    free(stack);
    return found ? 1 : *limit ? -1 : 0;
}
