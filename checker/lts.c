/* lts.c — building explicit transition systems (see lts.h). */
#include "checker/lts.h"

#include <stdlib.h>
#include <string.h>

struct edge {
    uint32_t source, event, target;
};

struct lts_builder {
    struct edge *edges;
    size_t nedges, cap;
    uint32_t nstates;
    char **names;
    size_t names_cap;
};

struct lts_builder *lts_builder_new(void)
{
    return calloc(1, sizeof(struct lts_builder));
}

void lts_builder_free(struct lts_builder *b)
{
    if (!b) return;
    if (b->names)
        for (size_t i = 0; i < b->names_cap; i++) free(b->names[i]);
    free(b->names);
    free(b->edges);
    free(b);
}

static void see(struct lts_builder *b, uint32_t s)
{
    if (s != LTS_NONE && s >= b->nstates) b->nstates = s + 1;
}

void lts_builder_reserve(struct lts_builder *b, uint32_t n)
{
    if (n > b->nstates) b->nstates = n;
}

int lts_builder_add(struct lts_builder *b, uint32_t s, uint32_t event, uint32_t t)
{
    if (b->nedges == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        struct edge *e = realloc(b->edges, cap * sizeof *e);
        if (!e) return -1;
        b->edges = e;
        b->cap = cap;
    }
    b->edges[b->nedges++] = (struct edge){s, event, t};
    see(b, s);
    see(b, t);
    return 0;
}

int lts_builder_name(struct lts_builder *b, uint32_t s, const char *name)
{
    see(b, s);
    if (s >= b->names_cap) {
        size_t cap = b->names_cap ? b->names_cap : 16;
        while (cap <= s) cap *= 2;
        char **n = realloc(b->names, cap * sizeof *n);
        if (!n) return -1;
        memset(n + b->names_cap, 0, (cap - b->names_cap) * sizeof *n);
        b->names = n;
        b->names_cap = cap;
    }
    free(b->names[s]);
    b->names[s] = strdup(name);
    return b->names[s] ? 0 : -1;
}

static int by_edge(const void *x, const void *y)
{
    const struct edge *a = x, *b = y;
    if (a->source != b->source) return a->source < b->source ? -1 : 1;
    if (a->event != b->event) return a->event < b->event ? -1 : 1;
    return a->target < b->target ? -1 : a->target > b->target;
}

struct lts *lts_build(struct lts_builder *b, uint32_t initial, uint32_t omega)
{
    see(b, initial);
    see(b, omega);
    struct lts *l = calloc(1, sizeof *l);
    if (!l) goto error1;
    l->nstates = b->nstates;
    l->initial = initial;
    l->omega = omega;
    l->first = calloc((size_t)l->nstates + 1, sizeof *l->first);
    l->trans = malloc((b->nedges ? b->nedges : 1) * sizeof *l->trans);
    if (!l->first || !l->trans) goto error2;
    if (b->nedges > 1) qsort(b->edges, b->nedges, sizeof *b->edges, by_edge);
    uint32_t n = 0;
    for (size_t i = 0; i < b->nedges; i++) {
        const struct edge *e = &b->edges[i];
        if (i && by_edge(e, e - 1) == 0) continue;
        l->trans[n++] = (struct lts_trans){e->event, e->target};
        l->first[e->source + 1]++;
    }
    l->ntrans = n;
    for (uint32_t s = 0; s < l->nstates; s++) l->first[s + 1] += l->first[s];
    if (b->names) {
        l->names = calloc(l->nstates, sizeof *l->names);
        if (!l->names) goto error2;
        for (uint32_t s = 0; s < l->nstates && s < b->names_cap; s++) {
            l->names[s] = b->names[s];
            b->names[s] = NULL;
        }
    }
    lts_builder_free(b);
    return l;
error2:
    lts_free(l);
error1:
    lts_builder_free(b);
    return NULL;
}

void lts_free(struct lts *l)
{
    if (!l) return;
    if (l->names)
        for (uint32_t s = 0; s < l->nstates; s++) free((char *)l->names[s]);
    free(l->names);
    free(l->first);
    free(l->trans);
    free(l);
}

bool lts_unstable(const struct lts *l, uint32_t s)
{
    const struct lts_trans *t = lts_begin(l, s);
    return t != lts_end(l, s) && t->event == EV_TAU;
}
