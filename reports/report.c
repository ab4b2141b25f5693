/* report.c — building and freeing the plain result data of report.h. */
#include "reports/report.h"

#include <stdlib.h>
#include <string.h>

int rpt_push(struct rpt_strings *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v) return -1;
        l->v = v;
        l->cap = cap;
    }
    char *copy = strdup(s ? s : "");
    if (!copy) return -1;
    l->v[l->n++] = copy;
    return 0;
}

static void strings_free(struct rpt_strings *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

struct rpt_assertion *rpt_add(struct rpt_file *f)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 8;
        struct rpt_assertion *v = realloc(f->a, cap * sizeof *v);
        if (!v) return NULL;
        f->a = v;
        f->cap = cap;
    }
    struct rpt_assertion *a = &f->a[f->n++];
    memset(a, 0, sizeof *a);
    return a;
}

void rpt_forget_counterexample(struct rpt_assertion *a)
{
    free(a->kind);
    free(a->event);
    a->kind = a->event = NULL;
    a->event_missing = false;
    strings_free(&a->trace);
    strings_free(&a->refusal);
    for (size_t k = 0; k < a->nrefusals; k++) strings_free(&a->refusals[k].events);
    free(a->refusals);
    a->refusals = NULL;
    a->nrefusals = 0;
    for (size_t k = 0; k < a->ncomponents; k++) {
        free(a->components[k].name);
        free(a->components[k].where);
        free(a->components[k].state);
        strings_free(&a->components[k].last);
        strings_free(&a->components[k].offers);
        free(a->components[k].blocked_by);
    }
    free(a->components);
    a->components = NULL;
    a->ncomponents = 0;
    for (size_t k = 0; k < a->nsteps; k++) {
        free(a->steps[k].event);
        free(a->steps[k].who);
    }
    free(a->steps);
    a->steps = NULL;
    a->nsteps = 0;
    a->offending_step = a->has_loop = false;
    a->loop = 0;
}

struct rpt_step *rpt_step_add(struct rpt_assertion *a)
{
    /* Doubling: grow when the count reaches a power of two. */
    if ((a->nsteps & (a->nsteps - 1)) == 0) {
        size_t cap = a->nsteps ? 2 * a->nsteps : 1;
        struct rpt_step *v = realloc(a->steps, cap * sizeof *v);
        if (!v) return NULL;
        a->steps = v;
    }
    struct rpt_step *s = &a->steps[a->nsteps++];
    memset(s, 0, sizeof *s);
    return s;
}

void rpt_file_free(struct rpt_file *f)
{
    for (size_t i = 0; i < f->n; i++) {
        struct rpt_assertion *a = &f->a[i];
        free(a->text);
        free(a->message);
        rpt_forget_counterexample(a);
    }
    free(f->a);
    free(f->file);
    memset(f, 0, sizeof *f);
}

void rpt_counts(const struct rpt_file *f, size_t *pass, size_t *fail, size_t *error, size_t *limit)
{
    *pass = *fail = *error = *limit = 0;
    for (size_t i = 0; i < f->n; i++) switch (f->a[i].result) {
        case RPT_PASS: (*pass)++; break;
        case RPT_FAIL: (*fail)++; break;
        case RPT_ERROR: (*error)++; break;
        case RPT_LIMIT: (*limit)++; break;
        }
}

struct rpt_refusal *rpt_refusal_add(struct rpt_assertion *a)
{
    struct rpt_refusal *v = realloc(a->refusals, (a->nrefusals + 1) * sizeof *v);
    if (!v) return NULL;
    a->refusals = v;
    memset(&v[a->nrefusals], 0, sizeof *v);
    return &v[a->nrefusals++];
}

char *rpt_refusal_text(const struct rpt_refusal *r)
{
    if (!r->seen) return strdup("•");
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    if (!m) return NULL;
    fputc('{', m);
    for (size_t i = 0; i < r->events.n; i++) fprintf(m, "%s%s", i ? ", " : "", r->events.v[i]);
    fputc('}', m);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
