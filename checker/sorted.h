/* sorted.h — searching sorted arrays of 32-bit ids (event sets, alphabets, node members),
 * which the checker does in many places. */
#ifndef BATON_CHECKER_SORTED_H
#define BATON_CHECKER_SORTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The first position in v[0..n) whose id is not below x (n when there is none). */
static inline size_t sorted_lower_bound(const uint32_t *v, size_t n, uint32_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static inline bool sorted_has(const uint32_t *v, size_t n, uint32_t x)
{
    size_t i = sorted_lower_bound(v, n, x);
    return i < n && v[i] == x;
}

#endif
