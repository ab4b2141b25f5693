/* lazy.c — a process explored on demand (see lazy.h). */
#include "checker/lazy.h"

#include <stdlib.h>
#include <string.h>

#include "model/termmap.h"

struct lazy {
    struct proc_sem *sem;
    struct events *ev;
    const value *root;            /* p, canonical once first asked for */
    const value **terms;          /* state -> term */
    uint32_t nterms, cap;
    struct termmap numbers;       /* term -> state */
    struct proc_trans *tr;        /* scratch for proc_transitions */
    size_t trcap;
    uint64_t *targets;            /* scratch: the targets' numbers */
    size_t tcap;
};

struct lazy *lazy_new(struct proc_sem *sem, struct events *ev, const value *p)
{
    struct lazy *lz = calloc(1, sizeof *lz);
    if (!lz) return NULL;
    lz->sem = sem;
    lz->ev = ev;
    lz->root = p;
    return lz;
}

void lazy_free(struct lazy *lz)
{
    if (!lz) return;
    free(lz->terms);
    termmap_free(&lz->numbers);
    free(lz->tr);
    free(lz->targets);
    free(lz);
}

uint32_t lazy_states(const struct lazy *lz)
{
    return lz->nterms;
}

/* The number of term t, made on first use; UINT32_MAX when out of memory. */
static uint32_t number(struct lazy *lz, const value *t)
{
    uint32_t known = termmap_get(&lz->numbers, t, false, 0);
    if (known != TERMMAP_NONE) return known;
    if (lz->nterms == lz->cap) {
        uint32_t cap = lz->cap ? 2 * lz->cap : 256;
        const value **v = realloc(lz->terms, cap * sizeof *v);
        if (!v) return UINT32_MAX;
        lz->terms = v;
        lz->cap = cap;
    }
    if (termmap_get(&lz->numbers, t, true, lz->nterms) == TERMMAP_NOMEM) return UINT32_MAX;
    lz->terms[lz->nterms] = t;
    return lz->nterms++;
}

static void initial(void *data, uint64_t *vec)
{
    struct lazy *lz = data;
    /* State 0 is the root; it is made canonical (forcing its thunks) on first use. */
    if (lz->nterms == 0) {
        const value *p = proc_canon(lz->sem, lz->root);
        if (p) number(lz, p);
    }
    vec[0] = 0;
}

static int successors(void *data, const uint64_t *vec, mach_emit *emit, void *ctx)
{
    struct lazy *lz = data;
    if (vec[0] >= lz->nterms) return -1;  /* the root could not be evaluated */
    size_t n = 0;
    if (proc_transitions(lz->sem, lz->terms[vec[0]], &lz->tr, &n, &lz->trcap) < 0) return -1;
    /* Number every target first: emit may not be called while the scratch can move. */
    if (n > lz->tcap) {
        uint64_t *t = realloc(lz->targets, n * sizeof *t);
        if (!t) return -1;
        lz->targets = t;
        lz->tcap = n;
    }
    for (size_t k = 0; k < n; k++) {
        uint32_t s = number(lz, lz->tr[k].target);
        if (s == UINT32_MAX) return -1;
        lz->targets[k] = s;
    }
    for (size_t k = 0; k < n; k++) {
        uint32_t e = events_id(lz->ev, lz->tr[k].event);
        if (e == UINT32_MAX) return -1;
        emit(ctx, e, &lz->targets[k]);
    }
    return 0;
}

struct norm_spec lazy_spec(struct lazy *lz)
{
    return (struct norm_spec){1, initial, successors, lz};
}
