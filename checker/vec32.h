/* vec32.h — a growable array of 32-bit ids (states, events, nodes), which the normaliser and
 * the compressions build all the time. */
#ifndef BATON_CHECKER_VEC32_H
#define BATON_CHECKER_VEC32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "checker/bigmem.h"

struct vec32 {
    uint32_t *v;
    size_t n, cap;
};

/* Room for `more` entries past a->n: false when out of memory (a is as it was). */
static inline bool vec32_room(struct vec32 *a, size_t more)
{
    if (a->n + more <= a->cap) return true;
    size_t cap = a->cap ? 2 * a->cap : 64;
    while (cap < a->n + more) cap *= 2;
    uint32_t *v = realloc(a->v, cap * sizeof *v);
    if (!v) return false;
    big_advise(v, cap * sizeof *v);
    a->v = v;
    a->cap = cap;
    return true;
}

static inline bool vec32_push(struct vec32 *a, uint32_t x)
{
    if (a->n == a->cap && !vec32_room(a, 1)) return false;
    a->v[a->n++] = x;
    return true;
}

#endif
