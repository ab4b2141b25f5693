/* sorted.h — searching sorted arrays of 32-bit ids (event sets, alphabets, node members),
 * which the checker does in many places. */
#ifndef BATON_CHECKER_SORTED_H
#define BATON_CHECKER_SORTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

static inline int sorted_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorts v[0..n) by radix, 8 bits a pass, least significant first, skipping the passes whose
 * digit is the same everywhere (ids are usually far below 2^32).  False, with v untouched,
 * when there is no memory for the second buffer. */
static inline bool sorted_radix(uint32_t *v, size_t n)
{
    uint32_t *tmp = malloc(n * sizeof *tmp);
    if (!tmp) return false;
    uint32_t *from = v, *to = tmp;
    for (unsigned shift = 0; shift < 32; shift += 8) {
        size_t count[256] = {0};
        for (size_t i = 0; i < n; i++) count[from[i] >> shift & 255]++;
        if (count[from[0] >> shift & 255] == n) continue;
        for (size_t d = 0, sum = 0; d < 256; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) to[count[from[i] >> shift & 255]++] = from[i];
        uint32_t *t = from;
        from = to;
        to = t;
    }
    if (from != v) memcpy(v, from, n * sizeof *v);
    free(tmp);
    return true;
}

/* Sorts v[0..n): by insertion when there are few (a state's events usually are), where
 * qsort's calls through a pointer would cost more than the sorting; by radix when there are
 * many. */
static inline void sorted_sort(uint32_t *v, size_t n)
{
    if (n > 24) {
        if (n < 256 || !sorted_radix(v, n)) qsort(v, n, sizeof *v, sorted_cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--) v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Sorts v[0..n) and drops duplicates: the new count. */
static inline size_t sorted_unique(uint32_t *v, size_t n)
{
    sorted_sort(v, n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || v[k - 1] != v[i]) v[k++] = v[i];
    return k;
}

/* Pairs of ids (event, target), compared by the first then the second. */
static inline int sorted_pairs_cmp(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Sorts n pairs: by insertion when there are few (a state's transitions usually are), where
 * qsort's calls through a pointer would cost more than the sorting. */
static inline void sorted_pairs_sort(uint32_t *v, size_t n)
{
    if (n > 24) {
        qsort(v, n, 2 * sizeof *v, sorted_pairs_cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t e = v[2 * i], t = v[2 * i + 1];
        size_t j = i;
        for (; j > 0 && (v[2 * j - 2] > e || (v[2 * j - 2] == e && v[2 * j - 1] > t)); j--) {
            v[2 * j] = v[2 * j - 2];
            v[2 * j + 1] = v[2 * j - 1];
        }
        v[2 * j] = e;
        v[2 * j + 1] = t;
    }
}

#endif
