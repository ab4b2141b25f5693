/* vec64.h — a growable array of 64-bit words (state vectors one after another, records),
 * which the normaliser and the distributed search build as they go. */
#ifndef BATON_CHECKER_VEC64_H
#define BATON_CHECKER_VEC64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct vec64 {
    uint64_t *v;
    size_t n, cap;
};

/* Appends words w[0..count): false when out of memory (a is as it was). */
static inline bool vec64_push(struct vec64 *a, const uint64_t *w, size_t count)
{
    if (a->n + count > a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 256;
        while (cap < a->n + count) cap *= 2;
        uint64_t *v = realloc(a->v, cap * sizeof *v);
        if (!v) return false;
        a->v = v;
        a->cap = cap;
    }
    memcpy(a->v + a->n, w, count * sizeof *w);
    a->n += count;
    return true;
}

#endif
