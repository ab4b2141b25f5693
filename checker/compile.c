/* compile.c — process terms to machines: the event table, the split into operator tree and
 * leaves, and leaf exploration (see compile.h). */
#include "checker/compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/sorted.h"
#include "model/termmap.h"

/* ---- events ---- */

struct events {
    const struct proc_sem *sem;
    struct termmap ids;
    const value **byid;
    uint32_t count, cap;
};

struct events *events_new(const struct proc_sem *sem)
{
    struct events *ev = calloc(1, sizeof *ev);
    if (!ev) return NULL;
    ev->sem = sem;
    ev->cap = 64;
    ev->byid = malloc(ev->cap * sizeof *ev->byid);
    if (!ev->byid) {
        free(ev);
        return NULL;
    }
    ev->byid[EV_TAU] = sem->tau;
    ev->byid[EV_TICK] = sem->tick;
    ev->count = EV_FIRST_VISIBLE;
    return ev;
}

void events_free(struct events *ev)
{
    if (!ev) return;
    termmap_free(&ev->ids);
    free(ev->byid);
    free(ev);
}

uint32_t events_id(struct events *ev, const value *e)
{
    if (e == ev->sem->tau) return EV_TAU;
    if (e == ev->sem->tick) return EV_TICK;
    uint32_t id = termmap_get(&ev->ids, e, true, ev->count);
    if (id >= UINT32_MAX - 1) return UINT32_MAX;
    if (id == ev->count) {
        if (ev->count == ev->cap) {
            const value **v = realloc(ev->byid, 2 * ev->cap * sizeof *v);
            if (!v) return UINT32_MAX;
            ev->byid = v;
            ev->cap *= 2;
        }
        ev->byid[ev->count++] = e;
    }
    return id;
}

const value *events_value(const struct events *ev, uint32_t id)
{
    return id < ev->count ? ev->byid[id] : NULL;
}

uint32_t events_count(const struct events *ev)
{
    return ev->count;
}

char *events_text(const struct events *ev, uint32_t id)
{
    const value *v = events_value(ev, id);
    size_t n = v ? val_format(v, NULL, 0) : 1;
    char *s = malloc(n + 1);
    if (s) {
        if (v)
            val_format(v, s, n + 1);
        else
            strcpy(s, "?");
    }
    return s;
}

/* ---- leaves ---- */

static void fail(struct compile_error *err, int limit, const char *fmt, const char *what)
{
    err->limit = limit;
    snprintf(err->message, sizeof err->message, fmt, what);
}

/* Explores p's terms breadth first into an explicit LTS; *terms gets the term of each state
 * (owned by the caller). */
static struct lts *leaf(struct proc_sem *sem, struct events *ev, const value *p,
                        const struct chk_limits *lim, double start, struct compile_error *err,
                        const value ***terms)
{
    struct termmap seen = {0};
    const value **queue = NULL;
    size_t nqueue = 0, qcap = 0;
    struct proc_trans *tr = NULL;
    size_t ntr = 0, trcap = 0;
    struct lts_builder *b = lts_builder_new();
    uint32_t omega = LTS_NONE;
    uint64_t before = err->states;  /* states of the leaves compiled before this one */
    char name[160];
    if (!b) goto oom;

#define VISIT(term, id_out)                                                                        \
    do {                                                                                           \
        uint32_t got_ = termmap_get(&seen, (term), true, (uint32_t)nqueue);                             \
        if (got_ >= UINT32_MAX - 1) goto oom;                                                      \
        if (got_ == nqueue) {                                                                      \
            if (nqueue == qcap) {                                                                  \
                qcap = qcap ? 2 * qcap : 64;                                                       \
                const value **q_ = realloc(queue, qcap * sizeof *q_);                              \
                if (!q_) goto oom;                                                                 \
                queue = q_;                                                                        \
            }                                                                                      \
            queue[nqueue++] = (term);                                                              \
        }                                                                                          \
        (id_out) = got_;                                                                           \
    } while (0)

    uint32_t root;
    p = proc_canon(sem, p);
    if (!p) {
        fail(err, 0, "%s", "cannot evaluate the process");
        goto error;
    }
    VISIT(p, root);
    (void)root;
    for (size_t i = 0; i < nqueue; i++) {
        const char *why = (i & 255) == 0 || (lim && lim->max_states && nqueue > lim->max_states)
                              ? chk_over_limit(lim, nqueue, start) : NULL;
        if ((i & 255) == 0) chk_progress(nqueue, err->transitions, UINT32_MAX, start);
        if (why) {
            proc_format(p, name, sizeof name);
            if (why[0] == 's')
                fail(err, 1,
                     "the process %s has more states than the limit allows (is it infinite-state?)",
                     name);
            else
                fail(err, 1, "stopped at a limit while compiling the process %s", name);
            err->limit = 1;
            err->which = why;
            goto error;
        }
        const value *t = queue[i];
        if (t->kind == VAL_PROC && t->num == PROC_OMEGA) omega = (uint32_t)i;
        ntr = 0;
        if (proc_transitions(sem, t, &tr, &ntr, &trcap) < 0) {
            proc_format(t, name, sizeof name);
            fail(err, 0, "cannot compute the transitions of %s", name);
            goto error;
        }
        lts_builder_reserve(b, (uint32_t)i + 1);
        for (size_t k = 0; k < ntr; k++) {
            uint32_t to, e = events_id(ev, tr[k].event);
            if (e == UINT32_MAX) goto oom;
            VISIT(tr[k].target, to);
            if (lts_builder_add(b, (uint32_t)i, e, to) < 0) goto oom;
            err->transitions++;
        }
    }
#undef VISIT
    err->states = before + nqueue;
    *terms = queue;
    free(tr);
    termmap_free(&seen);
    /* States are numbered in the order they were found; the root is 0. */
    return lts_build(b, 0, omega);
oom:
    /* An allocation that fails under a memory budget is that budget, not bad input. */
    fail(err, 1, "%s", "out of memory while compiling a process");
    err->which = "memory";
error:
    err->states = before + nqueue;
    free(queue);
    free(tr);
    termmap_free(&seen);
    lts_builder_free(b);
    return NULL;
}

/* ---- the operator tree ---- */


uint32_t *events_ids(struct events *ev, const value *set, size_t *n)
{
    uint32_t *v = malloc((set->n ? set->n : 1) * sizeof *v);
    if (!v) return NULL;
    for (uint32_t i = 0; i < set->n; i++) {
        v[i] = events_id(ev, set->items[i]);
        if (v[i] == UINT32_MAX) {
            free(v);
            return NULL;
        }
    }
    sorted_sort(v, set->n);
    *n = set->n;
    return v;
}

/* A relation (a set of pairs of events) as two parallel arrays of ids. */
static bool pairs_of(struct events *ev, const value *rel, uint32_t **from, uint32_t **to, size_t *n)
{
    *from = malloc((rel->n ? rel->n : 1) * sizeof **from);
    *to = malloc((rel->n ? rel->n : 1) * sizeof **to);
    if (!*from || !*to) return false;
    for (uint32_t i = 0; i < rel->n; i++) {
        (*from)[i] = events_id(ev, rel->items[i]->items[0]);
        (*to)[i] = events_id(ev, rel->items[i]->items[1]);
        if ((*from)[i] == UINT32_MAX || (*to)[i] == UINT32_MAX) return false;
    }
    *n = rel->n;
    return true;
}

/* The leaves' terms, in leaf order. */
struct leaf_terms {
    const value ***v;
    uint32_t n, cap;
};

static int node(struct mach_builder *b, struct proc_sem *sem, struct events *ev, const value *p,
                const struct chk_limits *max, double start, struct compile_error *err, int depth,
                struct leaf_terms *lt)
{
    p = proc_whnf(sem, p);
    if (!p || p->kind != VAL_PROC) {
        fail(err, 0, "%s", "a process was expected");
        return -1;
    }
    if (depth > 2000) {
        fail(err, 0, "%s", "processes nested too deeply under parallel operators");
        return -1;
    }
    uint32_t *a = NULL, *c = NULL;
    size_t na = 0, nc = 0;
    int l, r, result = -1;
    switch ((enum proc_op)p->num) {
    case PROC_PAR:
    case PROC_INTERLEAVE:
        if (p->num == PROC_PAR && !(a = events_ids(ev, p->items[1], &na))) goto oom;
        if ((l = node(b, sem, ev, p->items[0], max, start, err, depth + 1, lt)) < 0) break;
        if ((r = node(b, sem, ev, p->items[p->n - 1], max, start, err, depth + 1, lt)) < 0) break;
        result = mach_par(b, (struct evset){a, na}, l, r);
        break;
    case PROC_APAR:
        if (!(a = events_ids(ev, p->items[1], &na)) || !(c = events_ids(ev, p->items[2], &nc))) goto oom;
        if ((l = node(b, sem, ev, p->items[0], max, start, err, depth + 1, lt)) < 0) break;
        if ((r = node(b, sem, ev, p->items[3], max, start, err, depth + 1, lt)) < 0) break;
        result = mach_apar(b, (struct evset){a, na}, (struct evset){c, nc}, l, r);
        break;
    case PROC_LINK:
        if (!pairs_of(ev, p->items[1], &a, &c, &na)) goto oom;
        if ((l = node(b, sem, ev, p->items[0], max, start, err, depth + 1, lt)) < 0) break;
        if ((r = node(b, sem, ev, p->items[2], max, start, err, depth + 1, lt)) < 0) break;
        result = mach_link(b, a, c, na, l, r);
        break;
    case PROC_HIDE:
        if (!(a = events_ids(ev, p->items[1], &na))) goto oom;
        if ((l = node(b, sem, ev, p->items[0], max, start, err, depth + 1, lt)) < 0) break;
        result = mach_hide(b, (struct evset){a, na}, l);
        break;
    case PROC_RENAME:
        if (!pairs_of(ev, p->items[1], &a, &c, &na)) goto oom;
        if ((l = node(b, sem, ev, p->items[0], max, start, err, depth + 1, lt)) < 0) break;
        result = mach_rename(b, a, c, na, l);
        break;
    default: {
        if (lt->n == lt->cap) {
            uint32_t cap = lt->cap ? 2 * lt->cap : 16;
            const value ***v = realloc(lt->v, cap * sizeof *v);
            if (!v) goto oom;
            lt->v = v;
            lt->cap = cap;
        }
        const value **terms = NULL;
        struct lts *lts = leaf(sem, ev, p, max, start, err, &terms);
        if (lts) {
            lt->v[lt->n++] = terms;
            result = mach_leaf(b, lts);
        }
        break;
    }
    }
    free(a);
    free(c);
    return result;
oom:
    free(a);
    free(c);
    fail(err, 0, "%s", "out of memory while compiling a process");
    return -1;
}

void system_free(struct system *s)
{
    if (!s) return;
    for (uint32_t i = 0; i < s->nleaves; i++) free(s->terms[i]);
    free(s->terms);
    mach_free(s->m);
    free(s);
}

struct system *compile_system(struct proc_sem *sem, struct events *ev, const value *p,
                              const struct chk_limits *lim, struct compile_error *err)
{
    memset(err, 0, sizeof *err);
    struct leaf_terms lt = {0};
    struct system *s = calloc(1, sizeof *s);
    struct mach_builder *b = mach_builder_new();
    if (!s || !b) goto oom;
    int root = node(b, sem, ev, p, lim, chk_now(), err, 0, &lt);
    if (root < 0) goto fail;
    s->m = mach_build(b, root);
    b = NULL;
    if (!s->m) goto oom;
    s->terms = lt.v;
    s->nleaves = lt.n;
    return s;
oom:
    fail(err, 0, "%s", "out of memory while compiling a process");
fail:
    if (!err->message[0]) fail(err, 0, "%s", "out of memory while compiling a process");
    for (uint32_t i = 0; i < lt.n; i++) free(lt.v[i]);
    free(lt.v);
    mach_builder_free(b);
    free(s);
    return NULL;
}

struct machine *compile_process(struct proc_sem *sem, struct events *ev, const value *p,
                                const struct chk_limits *lim, struct compile_error *err)
{
    struct system *s = compile_system(sem, ev, p, lim, err);
    if (!s) return NULL;
    struct machine *m = s->m;
    s->m = NULL;
    system_free(s);
    return m;
}
