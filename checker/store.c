/* store.c — an open-addressing table of packed state vectors (see store.h).
 *
 * Each slot is one vector of `words` words, with bit 63 of its first word set when used.
 * Beside the table: `order`, the slot of each state number, and `parent`, the number of the
 * state each was first reached from — 8 bytes per state, plus the slots at a load of at most
 * 3/4. */
#include "checker/store.h"

#include "checker/limits.h"

#include "checker/bigmem.h"

#include <stdlib.h>
#include <string.h>

#define USED (1ull << 63)

struct store {
    uint32_t words;
    uint32_t count;
    uint64_t *table;              /* cap slots of `words` words */
    size_t cap;                   /* a power of two */
    uint32_t *order;              /* count entries: the slot of each state */
    uint32_t *parent;             /* count entries */
    uint32_t *ids;                /* per slot: its state number, when asked for (store_new) */
    size_t order_cap;
    size_t bytes, budget;
};

static uint64_t hash_vec(const uint64_t *v, uint32_t words)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (uint32_t i = 0; i < words; i++) {
        h ^= i == 0 ? v[0] & ~USED : v[i];
        h *= 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    h *= 0x94D049BB133111EBull;
    return h ^ h >> 29;
}

static size_t table_bytes(size_t cap, uint32_t words)
{
    return cap * words * sizeof(uint64_t);
}

struct store *store_new(uint32_t words, size_t budget, bool ids)
{
    struct store *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->words = words ? words : 1;
    s->budget = budget;
    s->cap = 1024;
    s->table = big_calloc(table_bytes(s->cap, s->words));
    if (ids) s->ids = big_calloc(s->cap * sizeof *s->ids);
    if (!s->table || (ids && !s->ids)) {
        store_free(s);
        return NULL;
    }
    s->bytes = sizeof *s + table_bytes(s->cap, s->words) + (ids ? s->cap * sizeof *s->ids : 0);
    return s;
}

void store_free(struct store *s)
{
    if (!s) return;
    big_free(s->table, table_bytes(s->cap, s->words));
    big_free(s->order, s->order_cap * sizeof *s->order);
    big_free(s->parent, s->order_cap * sizeof *s->parent);
    if (s->ids) big_free(s->ids, s->cap * sizeof *s->ids);
    free(s);
}

static inline uint64_t *slot_at(const struct store *s, size_t slot)
{
    return s->table + slot * s->words;
}

static inline bool same(const uint64_t *stored, const uint64_t *vec, uint32_t words)
{
    if ((stored[0] & ~USED) != vec[0]) return false;
    for (uint32_t i = 1; i < words; i++)
        if (stored[i] != vec[i]) return false;
    return true;
}

/* The slot where vec is, or the free slot where it would go. */
static size_t probe(const struct store *s, const uint64_t *vec, uint64_t h)
{
    size_t mask = s->cap - 1, i = h & mask;
    for (;;) {
        const uint64_t *p = slot_at(s, i);
        if (!(p[0] & USED) || same(p, vec, s->words)) return i;
        i = (i + 1) & mask;
    }
}

/* The budget is the whole process's resident memory (checker/limits.h): a growth must fit
 * beside everything else, not only beside the store. */
static bool fits(const struct store *s, size_t more)
{
    return s->budget == 0 ||
           (s->bytes + more <= s->budget && chk_memory_fits(&(struct chk_limits){.memory = s->budget}, more));
}

/* Doubles the table.  Slots move, so `order` (and `ids`) follow them. */
static bool grow_table(struct store *s)
{
    size_t old_cap = s->cap, cap = 2 * old_cap, more = table_bytes(cap, s->words);
    if (s->ids) more += cap * sizeof *s->ids;
    /* Without ids, a map from old slots to new ones for the moment of the move. */
    size_t remap_bytes = s->ids ? 0 : old_cap * sizeof(uint32_t);
    if (!fits(s, more + remap_bytes)) return false;
    uint64_t *table = big_calloc(table_bytes(cap, s->words));
    uint32_t *ids = s->ids ? big_calloc(cap * sizeof *ids) : NULL;
    uint32_t *remap = s->ids ? NULL : big_calloc(remap_bytes);
    uint64_t tmp[64], *vec = s->words <= 64 ? tmp : malloc(s->words * sizeof *vec);
    if (!table || (s->ids ? !ids : !remap) || !vec) {
        big_free(table, table_bytes(cap, s->words));
        if (ids) big_free(ids, cap * sizeof *ids);
        if (remap) big_free(remap, remap_bytes);
        if (vec != tmp) free(vec);
        return false;
    }
    /* Move in slot order: the reads stream through the old table and, as an entry's new home
     * is its old one or that plus old_cap, the writes nearly stream too. */
    uint64_t *old = s->table;
    size_t mask = cap - 1;
    for (size_t i = 0; i < old_cap; i++) {
        const uint64_t *p = old + i * s->words;
        if (!(p[0] & USED)) continue;
        memcpy(vec, p, s->words * sizeof *vec);
        vec[0] &= ~USED;
        size_t slot = hash_vec(vec, s->words) & mask;
        while (table[slot * s->words] & USED) slot = (slot + 1) & mask;
        memcpy(table + slot * s->words, p, s->words * sizeof *p);
        if (ids) {
            uint32_t id = s->ids[i];
            ids[slot] = id;
            s->order[id] = (uint32_t)slot;
        } else {
            remap[i] = (uint32_t)slot;
        }
    }
    if (remap)
        for (uint32_t id = 0; id < s->count; id++) s->order[id] = remap[s->order[id]];
    if (vec != tmp) free(vec);
    big_free(old, table_bytes(old_cap, s->words));
    if (s->ids) big_free(s->ids, old_cap * sizeof *s->ids);
    if (remap) big_free(remap, remap_bytes);
    s->table = table;
    s->ids = ids;
    s->cap = cap;
    s->bytes += more - table_bytes(old_cap, s->words) - (s->ids ? old_cap * sizeof *s->ids : 0);
    return true;
}

static bool grow_order(struct store *s)
{
    size_t cap = s->order_cap ? 2 * s->order_cap : 1024;
    size_t more = (cap - s->order_cap) * 2 * sizeof(uint32_t);
    if (!fits(s, more)) return false;
    uint32_t *o = big_calloc(cap * sizeof *o), *p = big_calloc(cap * sizeof *p);
    if (!o || !p) {
        big_free(o, cap * sizeof *o);
        big_free(p, cap * sizeof *p);
        return false;
    }
    if (s->count) {
        memcpy(o, s->order, s->count * sizeof *o);
        memcpy(p, s->parent, s->count * sizeof *p);
    }
    big_free(s->order, s->order_cap * sizeof *o);
    big_free(s->parent, s->order_cap * sizeof *p);
    s->order = o;
    s->parent = p;
    s->order_cap = cap;
    s->bytes += more;
    return true;
}

static int insert_hashed(struct store *s, const uint64_t *vec, uint64_t h, uint32_t parent)
{
    size_t slot = probe(s, vec, h);
    if (slot_at(s, slot)[0] & USED) return 0;
    if (s->count >= UINT32_MAX - 1 || s->cap > UINT32_MAX) return -1;
    if ((size_t)(s->count + 1) * 4 > s->cap * 3) {
        if (!grow_table(s)) return -1;
        slot = probe(s, vec, h);
    }
    if (s->count == s->order_cap && !grow_order(s)) return -1;
    uint64_t *p = slot_at(s, slot);
    for (uint32_t w = 0; w < s->words; w++) p[w] = vec[w];
    p[0] |= USED;
    s->order[s->count] = (uint32_t)slot;
    s->parent[s->count] = parent;
    if (s->ids) s->ids[slot] = s->count;
    s->count++;
    return 1;
}

/* Inserts n vectors (ids NULL), or interns them with their ids into ids[n]: everything is
 * hashed and the home slots prefetched first, so the cache misses of the n lookups overlap
 * instead of following one another.  The number added, or -1 when the store is full. */
static int batch(struct store *s, const uint64_t *vecs, size_t n, uint32_t parent, uint32_t *ids)
{
    enum { MAX = 256 };
    uint64_t h[MAX];
    int added = 0;
    for (size_t base = 0; base < n; base += MAX) {
        size_t k = n - base < MAX ? n - base : MAX;
        for (size_t i = 0; i < k; i++) {
            h[i] = hash_vec(vecs + (base + i) * s->words, s->words);
            __builtin_prefetch(slot_at(s, h[i] & (s->cap - 1)));
        }
        for (size_t i = 0; i < k; i++) {
            const uint64_t *vec = vecs + (base + i) * s->words;
            if (ids) {
                size_t slot = probe(s, vec, h[i]);
                if (slot_at(s, slot)[0] & USED) {
                    ids[base + i] = s->ids[slot];
                    continue;
                }
            }
            int r = insert_hashed(s, vec, h[i], parent);
            if (r < 0) return -1;
            if (ids) ids[base + i] = s->count - 1;
            added += r;
        }
    }
    return added;
}

int store_insert_batch(struct store *s, const uint64_t *vecs, size_t n, uint32_t parent)
{
    return batch(s, vecs, n, parent, NULL);
}

int store_intern_batch(struct store *s, const uint64_t *vecs, size_t n, uint32_t parent,
                       uint32_t *ids)
{
    return batch(s, vecs, n, parent, ids);
}

int store_insert(struct store *s, const uint64_t *vec, uint32_t parent)
{
    return insert_hashed(s, vec, hash_vec(vec, s->words), parent);
}

uint32_t store_lookup(const struct store *s, const uint64_t *vec)
{
    size_t slot = probe(s, vec, hash_vec(vec, s->words));
    return slot_at(s, slot)[0] & USED ? (uint32_t)slot : STORE_NONE;
}

uint32_t store_intern(struct store *s, const uint64_t *vec, uint32_t parent, bool *added)
{
    uint64_t h = hash_vec(vec, s->words);
    size_t slot = probe(s, vec, h);
    *added = false;
    if (slot_at(s, slot)[0] & USED) return s->ids[slot];
    if (insert_hashed(s, vec, h, parent) < 0) return STORE_NONE;
    *added = true;
    return s->count - 1;
}

uint32_t store_slots(const struct store *s)
{
    return (uint32_t)s->cap;
}

void store_copy_slot(const struct store *s, uint32_t slot, uint64_t *vec)
{
    const uint64_t *p = slot_at(s, slot);
    for (uint32_t w = 0; w < s->words; w++) vec[w] = p[w];
    vec[0] &= ~USED;
}

void store_prefetch(const struct store *s, uint32_t id)
{
    __builtin_prefetch(slot_at(s, s->order[id]));
}

void store_copy(const struct store *s, uint32_t id, uint64_t *vec)
{
    store_copy_slot(s, s->order[id], vec);
}

uint32_t store_slot(const struct store *s, uint32_t id)
{
    return s->order[id];
}

uint32_t store_parent(const struct store *s, uint32_t id)
{
    return s->parent[id];
}

uint32_t store_count(const struct store *s)
{
    return s->count;
}

size_t store_bytes(const struct store *s)
{
    return s->bytes;
}

uint32_t store_depth(const struct store *s, uint32_t id)
{
    uint32_t depth = 0;
    for (uint32_t x = id; x != STORE_ROOT && store_parent(s, x) != STORE_ROOT; x = store_parent(s, x))
        depth++;
    return depth;
}
