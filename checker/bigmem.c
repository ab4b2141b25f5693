/* bigmem.c — see bigmem.h. */
#include "checker/bigmem.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_PAGE ((size_t)2 << 20)

/* Below this, malloc's own pages are as good and a 2 MiB mapping would waste memory. */
static int is_big(size_t n)
{
    return n >= HUGE_PAGE;
}

static size_t round_up(size_t n)
{
    return (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
}

void *big_calloc(size_t n)
{
    if (!is_big(n)) return calloc(1, n ? n : 1);
    size_t len = round_up(n);
    if (len < n) return NULL;
    /* Map one huge page more than needed and trim, so the block starts on a 2 MiB boundary
     * (the kernel can back only aligned 2 MiB ranges with huge pages). */
    uint8_t *raw = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    if (raw == MAP_FAILED) return NULL;
    uint8_t *p = (uint8_t *)(((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (p > raw) munmap(raw, (size_t)(p - raw));
    size_t tail = (size_t)(raw + len + HUGE_PAGE - (p + len));
    if (tail) munmap(p + len, tail);
#ifdef MADV_HUGEPAGE
    madvise(p, len, MADV_HUGEPAGE);  /* advice only: without THP the pages are small */
#endif
    return p;
}

void *big_calloc_now(size_t n)
{
    uint8_t *p = big_calloc(n);
    if (!p || !is_big(n)) return p;
    size_t len = round_up(n);
#ifdef MADV_POPULATE_WRITE
    /* Fails with EINVAL only on a kernel older than 5.14; other failures (short of memory)
     * leave the pages to be made at their first touch, as big_calloc's are. */
    if (madvise(p, len, MADV_POPULATE_WRITE) == 0 || errno != EINVAL) return p;
#endif
    /* An older kernel: touch each page (writing the zero it holds). */
    for (size_t i = 0; i < len; i += 4096) ((volatile uint8_t *)p)[i] = 0;
    return p;
}

void big_advise(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    if (!p || n < 2 * HUGE_PAGE) return;
    /* The advice covers the block's whole pages, to the end of what malloc holds for it: a
     * block of its own mapping is then advised whole, and stays one mapping, which realloc
     * grows by mremap without a copy (advising only part of it would split it in two, and
     * mremap moves only one). */
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = (uintptr_t)p & ~(uintptr_t)(page - 1);
    uintptr_t hi = ((uintptr_t)p + malloc_usable_size(p) + page - 1) & ~(uintptr_t)(page - 1);
    madvise((void *)lo, hi - lo, MADV_HUGEPAGE);  /* advice only */
#else
    (void)p;
    (void)n;
#endif
}

void big_free(void *p, size_t n)
{
    if (!p) return;
    if (!is_big(n)) {
        free(p);
        return;
    }
    munmap(p, round_up(n));
}

void *big_realloc(void *p, size_t n, size_t m)
{
    if (!is_big(m)) {
        uint8_t *q = realloc(p, m ? m : 1);
        if (q && m > n) memset(q + n, 0, m - n);
        return q;
    }
    if (is_big(n) && round_up(n) == round_up(m)) {
        return p;  /* the mapping already has room, and mmap's pages are zero */
    }
#ifdef MREMAP_MAYMOVE
    if (is_big(n) && m > n) {
        /* The kernel moves the pages themselves, not their bytes: growing by doubling costs
         * no copy, and the new pages are zeroed once, when first touched (a copy would touch
         * the whole new block).  The block may lose its 2 MiB alignment: these are streamed
         * arrays, where huge pages matter little. */
        uint8_t *q = mremap(p, round_up(n), round_up(m), MREMAP_MAYMOVE);
        if (q != MAP_FAILED) return q;
    }
#endif
    uint8_t *q = big_calloc(m);
    if (!q) return NULL;
    if (n) memcpy(q, p, n);
    big_free(p, n);
    return q;
}
