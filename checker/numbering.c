/* numbering.c — numbering a recorded state space (see numbering.h). */
#include "checker/numbering.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "checker/bigmem.h"
#include "checker/limits.h"
#include "checker/prefetch.h"
#include "checker/sorted.h"
#include "checker/taucycle.h"
#include "checker/threads.h"

/* A record: hash, k, then k transitions — (event, hash) word pairs, or with `pack` words of
 * event << pack | hash. */
static size_t record_words(uint32_t pack, const uint64_t *rec)
{
    return 2 + (pack ? 1 : 2) * (size_t)rec[1];
}

#define EACH_RECORD(j, part, rec)                                                              \
    for (uint64_t *rec = (part)->v, *end_ = (part)->v + (part)->n; rec < end_;                 \
         rec += record_words((j)->pack, rec))

struct job {
    struct tau_part *parts;
    size_t nparts;
    uint64_t root;
    uint32_t pack;                /* see record_words */
    uint32_t *base;               /* per part: the number of its first record */
    uint64_t *hash;               /* per number: the state's hash */
    _Atomic(uint32_t) *slot;      /* the index: number + 1, 0 empty */
    size_t mask;
    uint32_t shift;
    atomic_uint_fast32_t root_at; /* the initial state's number as recorded */
    size_t *kept, *pair_base;     /* per part: its pairs after sorting, and where they go */
    struct numbered *out;
};

static size_t home(const struct job *j, uint64_t h)
{
    return (size_t)((h * 0x9E3779B97F4A7C15ull) >> j->shift);
}

/* The number of the state with hash h (every target was expanded, so it is there). */
static uint32_t lookup(const struct job *j, uint64_t h)
{
    for (size_t i = home(j, h);; i = (i + 1) & j->mask) {
        uint32_t e = atomic_load_explicit(&j->slot[i], memory_order_relaxed);
        if (e && j->hash[e - 1] == h) return e - 1;
    }
}

/* The final number of the one recorded as x: the initial state's and 0 trade places. */
static uint32_t final(const struct job *j, uint32_t x)
{
    uint32_t r = (uint32_t)atomic_load_explicit(&j->root_at, memory_order_relaxed);
    return x == r ? 0 : x == 0 ? r : x;
}

static void put(struct job *j, uint32_t id)
{
    for (size_t i = home(j, j->hash[id]);; i = (i + 1) & j->mask) {
        uint32_t empty = 0;
        if (atomic_compare_exchange_strong_explicit(&j->slot[i], &empty, id + 1,
                                                    memory_order_relaxed, memory_order_relaxed))
            return;
    }
}

/* Each state's slot is prefetched AHEAD states before it is put. */
static void index_part(void *ctx, size_t p)
{
    struct job *j = ctx;
    enum { AHEAD = 16 };
    uint32_t first = j->base[p], id = first;
    EACH_RECORD(j, &j->parts[p], rec) {
        j->hash[id] = rec[0];
        if (rec[0] == j->root) atomic_store(&j->root_at, id);
        prefetch_for_write(&j->slot[home(j, rec[0])]);
        if (id - first >= AHEAD) put(j, id - AHEAD);
        id++;
    }
    for (uint32_t k = id - first > AHEAD ? id - AHEAD : first; k < id; k++) put(j, k);
}

/* The target's hash in transition word t (see record_words). */
static uint64_t target_hash(const struct job *j, uint64_t t)
{
    return j->pack ? t & ((UINT64_C(1) << j->pack) - 1) : t;
}

/* Transition word t's target becomes its final number: the word itself, or with `pack` the
 * low half beside the event in the high half. */
static void resolve(const struct job *j, uint64_t *t)
{
    uint32_t number = final(j, lookup(j, target_hash(j, *t)));
    *t = j->pack ? (*t >> j->pack) << 32 | number : number;
}

/* Each record's pairs become (event, final number) 32-bit pairs in its own first words,
 * sorted, without repeats; how many are left goes into its hash word.  Targets are looked up
 * AHEAD pairs after their home slot is prefetched. */
static void number_part(void *ctx, size_t p)
{
    struct job *j = ctx;
    enum { AHEAD = 16 };
    uint64_t *ring[AHEAD];
    size_t n = 0, kept = 0, per = j->pack ? 1 : 2;
    struct tau_part *part = &j->parts[p];
    EACH_RECORD(j, part, rec)
        for (uint64_t i = 0; i < rec[1]; i++) {
            uint64_t *target = rec + 2 + per * i + per - 1;
            __builtin_prefetch((const void *)&j->slot[home(j, target_hash(j, *target))]);
            uint64_t **at = &ring[n++ % AHEAD];
            if (n > AHEAD) resolve(j, *at);
            *at = target;
        }
    for (size_t k = n > AHEAD ? n - AHEAD : 0; k < n; k++) resolve(j, ring[k % AHEAD]);
    EACH_RECORD(j, part, rec) {
        /* In order, each (event, number) pair of 32-bit words over the word or two it came
         * from (it never overtakes them; memcpy, so that the words are 32-bit ones). */
        char *bytes = (char *)(rec + 2);
        for (uint64_t i = 0; i < rec[1]; i++) {
            uint32_t pair[2];
            if (j->pack) {
                pair[0] = (uint32_t)(rec[2 + i] >> 32);
                pair[1] = (uint32_t)rec[2 + i];
            } else {
                pair[0] = (uint32_t)rec[2 + 2 * i];
                pair[1] = (uint32_t)rec[3 + 2 * i];
            }
            memcpy(bytes + sizeof pair * i, pair, sizeof pair);
        }
        uint32_t *pairs = (uint32_t *)(void *)bytes;
        sorted_pairs_sort(pairs, rec[1]);
        size_t m = 0;
        for (uint64_t i = 0; i < rec[1]; i++)
            if (m == 0 || sorted_pairs_cmp(pairs + 2 * i, pairs + 2 * (m - 1)) != 0) {
                pairs[2 * m] = pairs[2 * i];
                pairs[2 * m + 1] = pairs[2 * i + 1];
                m++;
            }
        rec[0] = m;
        kept += m;
    }
    j->kept[p] = kept;
}

static void copy_part(void *ctx, size_t p)
{
    struct job *j = ctx;
    uint32_t id = j->base[p];
    size_t at = j->pair_base[p];
    EACH_RECORD(j, &j->parts[p], rec) {
        uint32_t f = final(j, id++);
        j->out->first[f] = (uint32_t)(2 * at);
        j->out->count[f] = (uint32_t)rec[0];
        memcpy(j->out->pairs + 2 * at, rec + 2, 2 * rec[0] * sizeof(uint32_t));
        at += rec[0];
    }
}

bool numbering_make(struct tau_part *parts, size_t nparts, uint64_t root, uint32_t pack,
                    const struct chk_limits *lim, struct numbered *out)
{
    memset(out, 0, sizeof *out);
    struct job j = {.parts = parts, .nparts = nparts, .root = root, .pack = pack, .out = out};
    j.base = calloc(nparts + 1, sizeof *j.base);
    j.kept = calloc(nparts, sizeof *j.kept);
    j.pair_base = calloc(nparts, sizeof *j.pair_base);
    bool ok = j.base && j.kept && j.pair_base;
    size_t states = 0, cap = 16, hash_bytes = 0, slot_bytes = 0;
    for (size_t p = 0; ok && p < nparts; p++) {
        j.base[p] = (uint32_t)states;
        EACH_RECORD(&j, &parts[p], rec) states++;
        ok = states < UINT32_MAX;
    }
    uint32_t logcap = 4;
    while (ok && cap / 3 * 2 < states) cap *= 2, logcap++;  /* at most 2/3 full */
    hash_bytes = states * sizeof *j.hash;
    slot_bytes = cap * sizeof *j.slot;
    ok = ok && states > 0 && chk_memory_fits(lim, hash_bytes + slot_bytes) &&
         (j.hash = big_calloc(hash_bytes)) && (j.slot = big_calloc(slot_bytes));
    j.mask = cap - 1;
    j.shift = 64 - logcap;
    atomic_init(&j.root_at, 0);
    if (ok) {
        par_each(j.nparts, index_part, &j);
        par_each(j.nparts, number_part, &j);
    }
    big_free(j.slot, slot_bytes);
    big_free(j.hash, hash_bytes);
    size_t npairs = 0;
    for (size_t p = 0; ok && p < nparts; p++) {
        j.pair_base[p] = npairs;
        npairs += j.kept[p];
    }
    ok = ok && npairs < UINT32_MAX / 2 &&
         chk_memory_fits(lim, states * 2 * sizeof(uint32_t) + npairs * 2 * sizeof(uint32_t));
    if (ok) {
        out->states = states;
        out->npairs = npairs;
        out->first = malloc(states * sizeof *out->first);
        out->count = malloc(states * sizeof *out->count);
        out->pairs = malloc((npairs ? 2 * npairs : 1) * sizeof *out->pairs);
        ok = out->first && out->count && out->pairs;
    }
    if (ok) {
        big_advise(out->first, states * sizeof *out->first);
        big_advise(out->count, states * sizeof *out->count);
        big_advise(out->pairs, 2 * npairs * sizeof *out->pairs);
    }
    if (ok) par_each(j.nparts, copy_part, &j);
    free(j.base);
    free(j.kept);
    free(j.pair_base);
    if (!ok) {
        free(out->first);
        free(out->count);
        free(out->pairs);
        memset(out, 0, sizeof *out);
    }
    return ok;
}
