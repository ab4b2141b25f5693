/* termmap.c — the table keyed by interned values (see termmap.h). */
#include "model/termmap.h"

#include <stdlib.h>

static size_t slot(const value *v, size_t cap)
{
    /* The structural hash: the same on every run, so probing order is too. */
    return ((size_t)v->hash * 0x9E3779B97F4A7C15ull >> 7) & (cap - 1);
}

static bool grow(struct termmap *m)
{
    size_t cap = m->cap ? 2 * m->cap : 256;
    const value **k = calloc(cap, sizeof *k);
    uint32_t *v = malloc(cap * sizeof *v);
    if (!k || !v) {
        free(k);
        free(v);
        return false;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        size_t j = slot(m->keys[i], cap);
        while (k[j]) j = (j + 1) & (cap - 1);
        k[j] = m->keys[i];
        v[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = k;
    m->vals = v;
    m->cap = cap;
    return true;
}

uint32_t termmap_get(struct termmap *m, const value *key, bool add, uint32_t add_val)
{
    if (m->cap == 0 || (m->count + 1) * 2 > m->cap) {
        if (!add && m->cap == 0) return TERMMAP_NONE;
        if (add && !grow(m)) return TERMMAP_NOMEM;
    }
    size_t i = slot(key, m->cap);
    for (; m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (m->keys[i] == key) return m->vals[i];
    if (!add) return TERMMAP_NONE;
    m->keys[i] = key;
    m->vals[i] = add_val;
    m->count++;
    return add_val;
}

void termmap_free(struct termmap *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->count = 0;
}
