/* tree.c — tree compression (see tree.h).
 *
 * Each table maps a 64-bit value to its dense number: open addressing, a slot holding the
 * value + 1 (0 is empty) and the number + 1 (0 while its writer is still choosing it).  A
 * thread that finds the value claims the slot with a compare-and-swap, takes the next number
 * from the table's counter and publishes it; a thread that finds the value with no number yet
 * waits the few nanoseconds until it appears. */
#include "checker/tree.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "checker/bigmem.h"
#include "checker/limits.h"

enum { ID_BITS = 31 };

struct slot {
    _Atomic(uint64_t) value;      /* value + 1; 0 empty */
    _Atomic(uint32_t) id;         /* number + 1; 0 not yet chosen */
};

struct table {
    struct slot *slots;
    size_t cap;                   /* a power of two */
    _Alignas(64) atomic_size_t count;   /* entries, and the next number */
};

struct tree {
    uint32_t words, ntables;
    struct table *tables;
    atomic_size_t bytes;
};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    x *= 0x94D049BB133111EBull;
    return x ^ x >> 32;
}

static bool table_make(struct table *tb, size_t cap)
{
    tb->slots = big_calloc(cap * sizeof *tb->slots);
    tb->cap = cap;
    return tb->slots != NULL;
}

struct tree *tree_new(uint32_t words)
{
    if (words < 2) return NULL;
    struct tree *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->words = words;
    /* The words' own tables, then one per pair below the root at each level. */
    uint32_t n = words, tables = words;
    while (n > 2) {
        tables += n / 2;
        n = n / 2 + n % 2;
    }
    t->ntables = tables;
    t->tables = aligned_alloc(64, ((tables * sizeof *t->tables + 63) / 64) * 64);
    if (!t->tables) {
        free(t);
        return NULL;
    }
    atomic_init(&t->bytes, sizeof *t);
    for (uint32_t i = 0; i < tables; i++) {
        struct table *tb = &t->tables[i];
        atomic_init(&tb->count, 0);
        tb->slots = NULL;
        tb->cap = 0;
    }
    for (uint32_t i = 0; i < tables; i++) {
        if (!table_make(&t->tables[i], 1024)) {
            tree_free(t);
            return NULL;
        }
        atomic_fetch_add(&t->bytes, 1024 * sizeof(struct slot));
    }
    return t;
}

void tree_free(struct tree *t)
{
    if (!t) return;
    for (uint32_t i = 0; i < t->ntables; i++)
        big_free(t->tables[i].slots, t->tables[i].cap * sizeof(struct slot));
    free(t->tables);
    free(t);
}

/* A table takes entries until 15/16 full (the rest of the growth's 3/4 trigger is slack for
 * the threads that passed the check together). */
static bool too_full(const struct table *tb, size_t count)
{
    return count >= tb->cap / 16 * 15;
}

/* v's number in tb, made when new; UINT32_MAX when the table is too full.  h is mix(v). */
static uint32_t intern_hashed(struct table *tb, uint64_t v, uint64_t h)
{
    uint64_t want = v + 1;
    size_t mask = tb->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct slot *sl = &tb->slots[i];
        uint64_t cur = atomic_load_explicit(&sl->value, memory_order_relaxed);
        if (cur == 0) {
            if (too_full(tb, atomic_load_explicit(&tb->count, memory_order_relaxed))) return UINT32_MAX;
            if (atomic_compare_exchange_strong_explicit(&sl->value, &cur, want, memory_order_relaxed,
                                                        memory_order_relaxed)) {
                uint32_t id = (uint32_t)atomic_fetch_add_explicit(&tb->count, 1, memory_order_relaxed);
                atomic_store_explicit(&sl->id, id + 1, memory_order_release);
                return id;
            }
        }
        if (cur == want) {
            uint32_t id;
            while ((id = atomic_load_explicit(&sl->id, memory_order_acquire)) == 0) {
            }
            return id - 1;
        }
    }
}

static uint32_t intern(struct table *tb, uint64_t v)
{
    return intern_hashed(tb, v, mix(v));
}

uint64_t tree_key(struct tree *t, const uint64_t *vec)
{
    uint64_t ids[64], *cur = ids;
    uint64_t *big = NULL;
    if (t->words > 64 && !(cur = big = malloc(t->words * sizeof *cur))) return TREE_FULL;
    uint32_t n = t->words, tb = 0;
    uint64_t key = TREE_FULL;
    for (uint32_t i = 0; i < n; i++)
        if ((cur[i] = intern(&t->tables[tb++], vec[i])) == UINT32_MAX) goto out;
    while (n > 2) {
        uint32_t m = 0;
        for (uint32_t i = 0; i + 1 < n; i += 2)
            if ((cur[m++] = intern(&t->tables[tb++], cur[i] << ID_BITS | cur[i + 1])) == UINT32_MAX)
                goto out;
        if (n % 2) cur[m++] = cur[n - 1];
        n = m;
    }
    key = cur[0] << ID_BITS | cur[1];
out:
    free(big);
    return key;
}

/* tree_keys for at most BATCH vectors: table by table, every vector's entry is hashed and its
 * slot prefetched before any is looked up, so the misses of the batch overlap (tree_key's
 * follow one another: each table is a random access, most of them a cache miss). */
enum { BATCH = 256 };

static size_t keys_batch(struct tree *t, const uint64_t *vecs, size_t n, uint64_t *keys,
                         uint64_t *ids, uint64_t *hash)
{
    uint32_t w = t->words, tb = 0;
    size_t ok = n;                /* vectors [0, ok) still have every part interned */
    for (uint32_t i = 0; i < w; i++, tb++) {
        struct table *table = &t->tables[tb];
        for (size_t v = 0; v < ok; v++) {
            hash[v] = mix(vecs[v * w + i]);
            __builtin_prefetch(&table->slots[hash[v] & (table->cap - 1)]);
        }
        for (size_t v = 0; v < ok; v++)
            if ((ids[v * w + i] = intern_hashed(table, vecs[v * w + i], hash[v])) == UINT32_MAX) ok = v;
    }
    /* Pairs of numbers, level by level, as tree_key does them (ids[v * w ..] is vector v's
     * row: its level's numbers, then the next level's written over the front). */
    uint32_t m = w;
    while (m > 2) {
        uint32_t half = 0;
        for (uint32_t i = 0; i + 1 < m; i += 2, half++, tb++) {
            struct table *table = &t->tables[tb];
            for (size_t v = 0; v < ok; v++) {
                const uint64_t *row = ids + v * w;
                hash[v] = mix(row[i] << ID_BITS | row[i + 1]);
                __builtin_prefetch(&table->slots[hash[v] & (table->cap - 1)]);
            }
            for (size_t v = 0; v < ok; v++) {
                uint64_t *row = ids + v * w;
                uint64_t pair = row[i] << ID_BITS | row[i + 1];
                /* Written to row[half] only after row[i], row[i + 1] are read (half <= i). */
                if ((row[half] = intern_hashed(table, pair, hash[v])) == UINT32_MAX) ok = v;
            }
        }
        for (size_t v = 0; v < ok && m % 2; v++) ids[v * w + half] = ids[v * w + m - 1];
        m = half + m % 2;
    }
    for (size_t v = 0; v < ok; v++) keys[v] = ids[v * w] << ID_BITS | ids[v * w + 1];
    return ok;
}

size_t tree_keys(struct tree *t, const uint64_t *vecs, size_t n, uint64_t *keys)
{
    uint64_t hash[BATCH], stack[BATCH * 4], *ids = t->words <= 4 ? stack : NULL;
    if (!ids && !(ids = malloc((size_t)BATCH * t->words * sizeof *ids))) {
        /* Out of memory for the scratch rows: one at a time. */
        size_t done = 0;
        while (done < n && (keys[done] = tree_key(t, vecs + done * t->words)) != TREE_FULL) done++;
        return done;
    }
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < BATCH ? n - done : BATCH;
        size_t got = keys_batch(t, vecs + done * t->words, k, keys + done, ids, hash);
        done += got;
        if (got < k) break;
    }
    if (ids != stack) free(ids);
    return done;
}

static bool wants(const struct table *tb)
{
    return atomic_load_explicit(&tb->count, memory_order_relaxed) * 4 > tb->cap * 3;
}

bool tree_wants_growth(const struct tree *t)
{
    for (uint32_t i = 0; i < t->ntables; i++)
        if (wants(&t->tables[i])) return true;
    return false;
}

bool tree_grow(struct tree *t, const struct chk_limits *lim)
{
    for (uint32_t i = 0; i < t->ntables; i++) {
        struct table *tb = &t->tables[i];
        if (!wants(tb)) continue;
        size_t cap = 2 * tb->cap;
        /* Numbers must stay below 2^31: a table of 2^31 slots holds fewer entries than that. */
        if (cap > (size_t)1 << ID_BITS ||
            !chk_memory_fits(lim, cap * sizeof(struct slot)))
            return false;
        struct table nt;
        if (!table_make(&nt, cap)) return false;
        for (size_t j = 0; j < tb->cap; j++) {
            uint64_t v = atomic_load_explicit(&tb->slots[j].value, memory_order_relaxed);
            if (!v) continue;
            size_t k = mix(v - 1) & (cap - 1);
            while (atomic_load_explicit(&nt.slots[k].value, memory_order_relaxed)) k = (k + 1) & (cap - 1);
            atomic_store_explicit(&nt.slots[k].value, v, memory_order_relaxed);
            atomic_store_explicit(&nt.slots[k].id, atomic_load_explicit(&tb->slots[j].id, memory_order_relaxed),
                                  memory_order_relaxed);
        }
        big_free(tb->slots, tb->cap * sizeof(struct slot));
        atomic_fetch_add(&t->bytes, (cap - tb->cap) * sizeof(struct slot));
        tb->slots = nt.slots;
        tb->cap = cap;
    }
    return true;
}

size_t tree_bytes(const struct tree *t)
{
    return atomic_load(&t->bytes);
}
