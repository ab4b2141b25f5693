/* compile.c — process terms to machines: the event table, the split into operator tree and
 * leaves, leaf exploration, and compressed leaves (see compile.h). */
#include "checker/compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/compress.h"
#include "checker/sorted.h"
#include "checker/store.h"
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
                struct leaf_terms *lt);

/* ---- compressions: a subterm explored into one LTS, compressed, made a leaf ---- */

/* The operand of compression p, through nested compressions; NULL when they come back round
 * (P = normal(P): unguarded recursion, which proc_canon makes DIV). */
static const value *compressed_operand(struct proc_sem *sem, const value *p, bool *cycle)
{
    const value *q = p;
    *cycle = false;
    for (int hops = 0; q && q->kind == VAL_PROC && q->num == PROC_COMPRESS; hops++) {
        q = proc_whnf(sem, q->items[0]);
        if (q == p || hops > 1000) {
            *cycle = true;
            return NULL;
        }
    }
    return proc_whnf(sem, p->items[0]);
}

/* The term of a state of machine m compiled from p (its leaves' terms in lt, from *leaf on):
 * p's operator tree over the leaves' terms in that state.  NULL when out of memory. */
static const value *term_of(struct proc_sem *sem, const value *p, const struct machine *m,
                            const uint64_t *vec, const struct leaf_terms *lt, uint32_t *leaf)
{
    p = proc_whnf(sem, p);
    if (!p) return NULL;
    int l = -1, r = -1;
    switch (p->kind == VAL_PROC ? (int)p->num : -1) {
    case PROC_PAR:
    case PROC_INTERLEAVE:
    case PROC_APAR:
    case PROC_LINK:
        l = 0;
        r = (int)p->n - 1;
        break;
    case PROC_HIDE:
    case PROC_RENAME:
        l = 0;
        break;
    default: {
        uint32_t i = (*leaf)++;
        return lt->v[i][mach_leaf_state(m, vec, i)];
    }
    }
    const value *small[4];
    memcpy(small, p->items, p->n * sizeof *small);
    if (!(small[l] = term_of(sem, p->items[l], m, vec, lt, leaf))) return NULL;
    if (r >= 0 && !(small[r] = term_of(sem, p->items[r], m, vec, lt, leaf))) return NULL;
    return val_proc(sem->vs, p->num, p->code, small, p->n);
}

struct explore {
    struct store *st;
    struct lts_builder *b;
    uint32_t from;                /* the state being expanded */
    uint32_t *ticks;              /* the states with a ✓, linked to the terminated state last */
    size_t nticks, cap;
    uint64_t transitions;
    bool failed;
};

static void explore_one(void *ctx, uint32_t event, const uint64_t *target)
{
    struct explore *x = ctx;
    if (x->failed) return;
    x->transitions++;
    if (event == EV_TICK) {
        /* ✓ leads to one state with no transitions (a machine's own ✓ loops in place). */
        if (x->nticks == x->cap) {
            size_t cap = x->cap ? 2 * x->cap : 64;
            uint32_t *v = realloc(x->ticks, cap * sizeof *v);
            if (!v) {
                x->failed = true;
                return;
            }
            x->ticks = v;
            x->cap = cap;
        }
        x->ticks[x->nticks++] = x->from;
        return;
    }
    bool added;
    uint32_t to = store_intern(x->st, target, STORE_ROOT, &added);
    if (to == STORE_NONE || lts_builder_add(x->b, x->from, event, to) < 0) x->failed = true;
}

/* Machine m's reachable states as one explicit LTS, breadth first from its initial state
 * (state 0), the terminated state last: within lim (max_states, deadline, memory), adding to
 * err's figures.  *st keeps the state vectors (state i is the store's i), for terms. */
static struct lts *explore_machine(const struct machine *m, const value *p,
                                   const struct chk_limits *lim, double start,
                                   struct compile_error *err, struct store **st)
{
    uint32_t words = mach_words(m);
    uint64_t *vec = malloc(words * sizeof *vec);
    struct explore x = {store_new(words, lim ? lim->memory : 0, true), lts_builder_new(), 0,
                        NULL, 0, 0, 0, false};
    uint64_t before = err->states;
    char name[160];
    *st = NULL;
    if (!vec || !x.st || !x.b) goto oom;
    mach_initial(m, vec);
    if (store_insert(x.st, vec, STORE_ROOT) < 0) goto oom;
    for (uint32_t i = 0; i < store_count(x.st); i++) {
        uint32_t n = store_count(x.st);
        const char *why = (i & 255) == 0 || (lim && lim->max_states && n > lim->max_states)
                              ? chk_over_limit(lim, n, start) : NULL;
        if ((i & 255) == 0) chk_progress(before + n, err->transitions + x.transitions, UINT32_MAX, start);
        if (why) {
            proc_format(p, name, sizeof name);
            if (why[0] == 's')
                fail(err, 1, "the process %s has more states than the limit allows (is it infinite-state?)",
                     name);
            else
                fail(err, 1, "stopped at a limit while compiling the process %s", name);
            err->which = why;
            goto error;
        }
        store_copy(x.st, i, vec);
        x.from = i;
        lts_builder_reserve(x.b, i + 1);
        mach_successors(m, vec, explore_one, &x);
        if (x.failed) goto oom;
    }
    uint32_t n = store_count(x.st), omega = x.nticks ? n : LTS_NONE;
    for (size_t k = 0; k < x.nticks; k++)
        if (lts_builder_add(x.b, x.ticks[k], EV_TICK, n) < 0) goto oom;
    struct lts *l = lts_build(x.b, 0, omega);
    x.b = NULL;
    if (!l) goto oom;
    err->states = before + l->nstates;
    err->transitions += x.transitions;
    free(vec);
    free(x.ticks);
    *st = x.st;
    return l;
oom:
    fail(err, 1, "%s", "out of memory while compiling a process");
    err->which = "memory";
error:
    err->states = before + (x.st ? store_count(x.st) : 0);
    free(vec);
    free(x.ticks);
    store_free(x.st);
    lts_builder_free(x.b);
    return NULL;
}

/* Compression p (a COMPRESS term): its operand compiled as a system of its own (a leaf or a
 * whole network), explored into one LTS and compressed (checker/compress.h).  *terms gets a
 * term per state: p itself for the initial one, else the term of a state it stands for. */
static struct lts *compressed(struct proc_sem *sem, struct events *ev, const value *p,
                              const struct chk_limits *lim, double start,
                              struct compile_error *err, int depth, const value ***terms)
{
    bool cycle;
    const value *q = compressed_operand(sem, p, &cycle);
    if (cycle) return leaf(sem, ev, p, lim, start, err, terms);
    if (!q) {
        fail(err, 0, "%s", "cannot evaluate the process");
        return NULL;
    }
    struct leaf_terms lt = {0};
    struct mach_builder *b = mach_builder_new();
    struct machine *m = NULL;
    struct store *st = NULL;
    struct lts *whole = NULL, *small = NULL;
    uint32_t *rep = NULL;
    uint64_t *vec = NULL;
    if (!b) goto oom;
    int root = node(b, sem, ev, q, lim, start, err, depth + 1, &lt);
    if (root < 0) goto error;
    m = mach_build(b, root);
    b = NULL;
    if (!m) goto oom;
    if (!(whole = explore_machine(m, p, lim, start, err, &st))) goto error;
    const char *why;
    small = compress_lts(whole, (int)p->items[1]->num, lim, start, &rep, &why);
    if (!small) {
        char name[160];
        proc_format(p, name, sizeof name);
        fail(err, 1, "stopped at a limit while compressing the process %s", name);
        err->which = why ? why : "memory";
        goto error;
    }
    *terms = malloc(((size_t)small->nstates + 1) * sizeof **terms);
    vec = malloc(mach_words(m) * sizeof *vec);
    if (!*terms || !vec) goto oom;
    const value *omega = val_proc(sem->vs, PROC_OMEGA, NULL, NULL, 0);
    for (uint32_t i = 0; i < small->nstates; i++) {
        uint32_t leafno = 0;
        if (i == 0) {
            (*terms)[i] = p;
        } else if (rep[i] >= store_count(st)) {
            (*terms)[i] = omega;
        } else {
            store_copy(st, rep[i], vec);
            (*terms)[i] = term_of(sem, q, m, vec, &lt, &leafno);
        }
        if (!(*terms)[i]) goto oom;
    }
    goto out;
oom:
    fail(err, 1, "%s", "out of memory while compiling a process");
    err->which = "memory";
error:
    if (terms) {
        free(*terms);
        *terms = NULL;
    }
    lts_free(small);
    small = NULL;
out:
    for (uint32_t i = 0; i < lt.n; i++) free(lt.v[i]);
    free(lt.v);
    mach_builder_free(b);
    mach_free(m);
    store_free(st);
    lts_free(whole);
    free(rep);
    free(vec);
    return small;
}

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
        struct lts *lts = p->num == PROC_COMPRESS
                              ? compressed(sem, ev, p, max, start, err, depth, &terms)
                              : leaf(sem, ev, p, max, start, err, &terms);
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

/* ---- the shape of a system ---- */

enum { MAX_ALTS = 64 };  /* participant sets kept per event: past it, a few are dropped */

struct lset {
    uint32_t *v, n;               /* sorted leaf numbers */
};

/* An event a subtree performs, with its participant sets. */
struct entry {
    uint32_t ev;
    struct lset *alts;
    uint32_t nalts;
};

/* What a subtree performs at its boundary, sorted by event. */
struct emap {
    struct entry *v;
    size_t n, cap;
};

struct shaper {
    struct proc_sem *sem;
    struct events *ev;
    const struct chk_limits *lim;
    double start;
    uint32_t max_leaves;
    bool (*name)(void *ctx, const value *term);
    void *name_ctx;
    struct compile_error *err;
    struct shape *s;
    size_t cap_leaves, cap_groups, cap_uses;
    bool oom;
};

static void *grow(struct shaper *sh, void *v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) return v;
    size_t c = *cap ? 2 * *cap : 16;
    void *w = realloc(v, c * size);
    if (!w) {
        sh->oom = true;
        return NULL;
    }
    *cap = c;
    return w;
}

static void lset_free(struct lset *l) { free(l->v); }

static void entry_free(struct entry *e)
{
    for (uint32_t i = 0; i < e->nalts; i++) lset_free(&e->alts[i]);
    free(e->alts);
}

static void emap_free(struct emap *m)
{
    for (size_t i = 0; i < m->n; i++) entry_free(&m->v[i]);
    free(m->v);
    *m = (struct emap){0};
}

static bool lset_copy(struct lset *to, const struct lset *from)
{
    to->n = from->n;
    to->v = malloc((from->n ? from->n : 1) * sizeof *to->v);
    if (!to->v) return false;
    memcpy(to->v, from->v, from->n * sizeof *to->v);
    return true;
}

/* a ∪ b (both sorted). */
static bool lset_union(struct lset *to, const struct lset *a, const struct lset *b)
{
    to->v = malloc((a->n + b->n + 1) * sizeof *to->v);
    if (!to->v) return false;
    uint32_t i = 0, j = 0, n = 0;
    while (i < a->n || j < b->n) {
        if (j == b->n || (i < a->n && a->v[i] < b->v[j])) to->v[n++] = a->v[i++];
        else if (i == a->n || b->v[j] < a->v[i]) to->v[n++] = b->v[j++];
        else { to->v[n++] = a->v[i++]; j++; }
    }
    to->n = n;
    return true;
}

/* Appends e (taking its participant sets) to m; m must stay sorted by the caller. */
static bool emap_push(struct shaper *sh, struct emap *m, struct entry e)
{
    struct entry *v = grow(sh, m->v, &m->cap, m->n, sizeof *v);
    if (!v) {
        entry_free(&e);
        return false;
    }
    m->v = v;
    m->v[m->n++] = e;
    return true;
}

static const struct entry *emap_find(const struct emap *m, uint32_t ev)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->v[mid].ev < ev) lo = mid + 1;
        else hi = mid;
    }
    return lo < m->n && m->v[lo].ev == ev ? &m->v[lo] : NULL;
}

/* The participant sets of a or of b (either side alone), copied. */
static bool alts_either(struct shaper *sh, struct entry *to, const struct entry *a,
                        const struct entry *b)
{
    uint32_t na = a ? a->nalts : 0, nb = b ? b->nalts : 0, n = na + nb;
    if (n > MAX_ALTS) {
        n = MAX_ALTS;
        sh->s->cut = true;
    }
    to->alts = calloc(n ? n : 1, sizeof *to->alts);
    if (!to->alts) return false;
    for (uint32_t i = 0; i < n; i++) {
        const struct lset *from = i < na ? &a->alts[i] : &b->alts[i - na];
        if (!lset_copy(&to->alts[to->nalts], from)) return false;
        to->nalts++;
    }
    return true;
}

/* The participant sets of a and b together: every union of one of each. */
static bool alts_both(struct shaper *sh, struct entry *to, const struct entry *a,
                      const struct entry *b)
{
    uint32_t n = a->nalts * b->nalts;
    if (n > MAX_ALTS) {
        n = MAX_ALTS;
        sh->s->cut = true;
    }
    to->alts = calloc(n ? n : 1, sizeof *to->alts);
    if (!to->alts) return false;
    for (uint32_t i = 0; i < a->nalts && to->nalts < n; i++)
        for (uint32_t j = 0; j < b->nalts && to->nalts < n; j++) {
            if (!lset_union(&to->alts[to->nalts], &a->alts[i], &b->alts[j])) return false;
            to->nalts++;
        }
    return true;
}

/* l restricted to the events in keep (sorted ids), or without them when `drop`. */
static bool emap_filter(struct shaper *sh, struct emap *l, const uint32_t *keep, size_t nkeep,
                        bool drop)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (sorted_has(keep, nkeep, l->v[i].ev) != drop) l->v[n++] = l->v[i];
        else entry_free(&l->v[i]);
    }
    l->n = n;
    (void)sh;
    return true;
}

static bool use_push(struct shaper *sh, uint32_t ev, const struct lset *l, bool hidden,
                     bool blocked);

/* l [| sync |] r: events of sync together (when both sides perform them), the others by
 * either side.  Takes l and r. */
static bool emap_par(struct shaper *sh, struct emap *out, struct emap *l, struct emap *r,
                     const uint32_t *sync, size_t nsync)
{
    size_t i = 0, j = 0;
    bool ok = true;
    while (ok && (i < l->n || j < r->n)) {
        const struct entry *a = NULL, *b = NULL;
        if (j == r->n || (i < l->n && l->v[i].ev < r->v[j].ev)) a = &l->v[i++];
        else if (i == l->n || r->v[j].ev < l->v[i].ev) b = &r->v[j++];
        else { a = &l->v[i++]; b = &r->v[j++]; }
        uint32_t e = a ? a->ev : b->ev;
        struct entry x = {.ev = e};
        if (sorted_has(sync, nsync, e)) {
            if (!a || !b) {
                /* blocked for good: say who offers it in vain */
                const struct entry *one = a ? a : b;
                for (uint32_t k = 0; ok && k < one->nalts; k++)
                    ok = use_push(sh, e, &one->alts[k], false, true);
                continue;
            }
            ok = alts_both(sh, &x, a, b);
        } else {
            ok = alts_either(sh, &x, a, b);
        }
        if (!ok) entry_free(&x);
        else ok = emap_push(sh, out, x);
    }
    emap_free(l);
    emap_free(r);
    if (!ok) sh->oom = true;
    return ok;
}

static bool use_push(struct shaper *sh, uint32_t ev, const struct lset *l, bool hidden,
                     bool blocked)
{
    struct shape *s = sh->s;
    struct shape_use *v = grow(sh, s->uses, &sh->cap_uses, s->nuses, sizeof *v);
    if (!v) return false;
    s->uses = v;
    struct lset c;
    if (!lset_copy(&c, l)) return sh->oom = true, false;
    s->uses[s->nuses++] = (struct shape_use){ev, c.v, c.n, hidden, blocked};
    return true;
}

static bool uses_of(struct shaper *sh, const struct entry *e, bool hidden)
{
    for (uint32_t k = 0; k < e->nalts; k++)
        if (!use_push(sh, e->ev, &e->alts[k], hidden, false)) return false;
    return true;
}

static int cmp_entry(const void *a, const void *b)
{
    uint32_t x = ((const struct entry *)a)->ev, y = ((const struct entry *)b)->ev;
    return x < y ? -1 : x > y;
}

/* Merges entries with the same event (after a renaming), keeping the map sorted. */
static bool emap_normalise(struct shaper *sh, struct emap *m)
{
    qsort(m->v, m->n, sizeof *m->v, cmp_entry);
    size_t n = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (n && m->v[n - 1].ev == m->v[i].ev) {
            struct entry x = {.ev = m->v[i].ev};
            if (!alts_either(sh, &x, &m->v[n - 1], &m->v[i])) {
                entry_free(&x);
                return false;
            }
            entry_free(&m->v[n - 1]);
            entry_free(&m->v[i]);
            m->v[n - 1] = x;
        } else {
            m->v[n++] = m->v[i];
        }
    }
    m->n = n;
    return true;
}

static bool is_parallel(int op)
{
    return op == PROC_PAR || op == PROC_INTERLEAVE || op == PROC_APAR || op == PROC_LINK;
}

static int shape_node(struct shaper *sh, const value *p, int group, int depth, struct emap *out);

/* The leaf p: explored for its alphabet. */
static int shape_leaf(struct shaper *sh, const value *p, int group, struct emap *out)
{
    struct shape *s = sh->s;
    if (s->nleaves >= sh->max_leaves) {
        snprintf(sh->err->message, sizeof sh->err->message,
                 "the process has more than %u parallel components", sh->max_leaves);
        sh->err->limit = 1;
        sh->err->which = "components";
        return -1;
    }
    const value **terms = NULL;
    struct lts *l = leaf(sh->sem, sh->ev, p, sh->lim, sh->start, sh->err, &terms);
    if (!l) return -1;
    struct shape_leaf *v = grow(sh, s->leaves, &sh->cap_leaves, s->nleaves, sizeof *v);
    if (!v) {
        lts_free(l);
        free(terms);
        return -1;
    }
    s->leaves = v;
    uint32_t me = s->nleaves++;
    s->leaves[me] = (struct shape_leaf){terms[0], group, l->nstates};
    free(terms);
    /* Its alphabet: the visible events on its transitions. */
    uint32_t *ev = malloc(((size_t)l->ntrans + 1) * sizeof *ev);
    size_t n = 0;
    if (!ev) {
        lts_free(l);
        return sh->oom = true, -1;
    }
    for (uint32_t t = 0; t < l->ntrans; t++)
        if (l->trans[t].event >= EV_FIRST_VISIBLE) ev[n++] = l->trans[t].event;
    lts_free(l);
    qsort(ev, n, sizeof *ev, sorted_cmp);
    int result = 0;
    for (size_t i = 0; i < n && result == 0; i++) {
        if (i && ev[i] == ev[i - 1]) continue;
        struct entry x = {.ev = ev[i], .alts = malloc(sizeof *x.alts), .nalts = 1};
        if (!x.alts || !(x.alts[0].v = malloc(sizeof(uint32_t)))) {
            free(x.alts);
            result = -1;
            sh->oom = true;
            break;
        }
        x.alts[0].v[0] = me;
        x.alts[0].n = 1;
        if (!emap_push(sh, out, x)) result = -1;
    }
    free(ev);
    return result;
}

static int shape_node(struct shaper *sh, const value *p, int group, int depth, struct emap *out)
{
    struct compile_error *err = sh->err;
    p = proc_whnf(sh->sem, p);
    if (!p || p->kind != VAL_PROC) {
        fail(err, 0, "%s", "a process was expected");
        return -1;
    }
    if (depth > 2000) {
        fail(err, 0, "%s", "processes nested too deeply under parallel operators");
        return -1;
    }
    int op = (int)p->num;
    if (op == PROC_COMPRESS) {
        /* A picture of the network looks through a compression to what it compresses. */
        bool cycle;
        const value *q = compressed_operand(sh->sem, p, &cycle);
        if (!cycle && q) return shape_node(sh, q, group, depth + 1, out);
    }
    if (!is_parallel(op) && op != PROC_HIDE && op != PROC_RENAME) return shape_leaf(sh, p, group, out);
    if (is_parallel(op)) {
        /* A new group for a named composition, or an operator unlike its group's. */
        struct shape *s = sh->s;
        bool named = sh->name && sh->name(sh->name_ctx, p);
        if (group < 0 || named || s->groups[group].op != op) {
            struct shape_group *v = grow(sh, s->groups, &sh->cap_groups, s->ngroups, sizeof *v);
            if (!v) return -1;
            s->groups = v;
            s->groups[s->ngroups] = (struct shape_group){group, p, op};
            group = (int)s->ngroups++;
        }
    }
    uint32_t *a = NULL, *c = NULL;
    size_t na = 0, nc = 0;
    struct emap l = {0}, r = {0};
    int result = -1;
    switch (op) {
    case PROC_PAR:
    case PROC_INTERLEAVE:
        if (op == PROC_PAR && !(a = events_ids(sh->ev, p->items[1], &na))) goto oom;
        if (shape_node(sh, p->items[0], group, depth + 1, &l) < 0) break;
        if (shape_node(sh, p->items[p->n - 1], group, depth + 1, &r) < 0) break;
        if (emap_par(sh, out, &l, &r, a, na)) result = 0;
        break;
    case PROC_APAR: {
        if (!(a = events_ids(sh->ev, p->items[1], &na)) || !(c = events_ids(sh->ev, p->items[2], &nc)))
            goto oom;
        if (shape_node(sh, p->items[0], group, depth + 1, &l) < 0) break;
        if (shape_node(sh, p->items[3], group, depth + 1, &r) < 0) break;
        emap_filter(sh, &l, a, na, false);
        emap_filter(sh, &r, c, nc, false);
        /* A ∩ B, in place in a */
        size_t n = 0;
        for (size_t i = 0; i < na; i++)
            if (sorted_has(c, nc, a[i])) a[n++] = a[i];
        if (emap_par(sh, out, &l, &r, a, n)) result = 0;
        break;
    }
    case PROC_LINK: {
        if (!pairs_of(sh->ev, p->items[1], &a, &c, &na)) goto oom;
        if (shape_node(sh, p->items[0], group, depth + 1, &l) < 0) break;
        if (shape_node(sh, p->items[2], group, depth + 1, &r) < 0) break;
        bool ok = true;
        for (size_t i = 0; i < na && ok; i++) {
            const struct entry *x = emap_find(&l, a[i]), *y = emap_find(&r, c[i]);
            if (!x || !y) continue;
            struct entry both = {.ev = a[i]};
            ok = alts_both(sh, &both, x, y) && uses_of(sh, &both, true);
            entry_free(&both);
        }
        uint32_t *sa = malloc((na + 1) * sizeof *sa), *sc = malloc((na + 1) * sizeof *sc);
        if (ok && sa && sc) {
            memcpy(sa, a, na * sizeof *sa);
            memcpy(sc, c, na * sizeof *sc);
            sorted_sort(sa, na);
            sorted_sort(sc, na);
            emap_filter(sh, &l, sa, na, true);
            emap_filter(sh, &r, sc, na, true);
            if (emap_par(sh, out, &l, &r, NULL, 0)) result = 0;
        } else {
            sh->oom = true;
        }
        free(sa);
        free(sc);
        break;
    }
    case PROC_HIDE: {
        if (!(a = events_ids(sh->ev, p->items[1], &na))) goto oom;
        if (shape_node(sh, p->items[0], group, depth + 1, out) < 0) break;
        bool ok = true;
        for (size_t i = 0; i < out->n && ok; i++)
            if (sorted_has(a, na, out->v[i].ev)) ok = uses_of(sh, &out->v[i], true);
        if (ok) {
            emap_filter(sh, out, a, na, true);
            result = 0;
        }
        break;
    }
    case PROC_RENAME: {
        if (!pairs_of(sh->ev, p->items[1], &a, &c, &na)) goto oom;
        if (shape_node(sh, p->items[0], group, depth + 1, &l) < 0) break;
        bool ok = true;
        for (size_t i = 0; i < l.n && ok; i++) {
            bool renamed = false;
            for (size_t k = 0; k < na && ok; k++) {
                if (a[k] != l.v[i].ev) continue;
                renamed = true;
                struct entry x = {.ev = c[k]};
                ok = alts_either(sh, &x, &l.v[i], NULL);
                if (ok) ok = emap_push(sh, out, x);
                else entry_free(&x);
            }
            if (!renamed && ok) {
                ok = emap_push(sh, out, l.v[i]);
                l.v[i] = (struct entry){0};
            }
        }
        if (ok && emap_normalise(sh, out)) result = 0;
        break;
    }
    }
    emap_free(&l);
    emap_free(&r);
    free(a);
    free(c);
    if (sh->oom) goto oom2;
    return result;
oom:
    emap_free(&l);
    emap_free(&r);
    free(a);
    free(c);
oom2:
    fail(err, 1, "%s", "out of memory while compiling a process");
    err->which = "memory";
    return -1;
}

void shape_free(struct shape *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nuses; i++) free(s->uses[i].leaves);
    free(s->uses);
    free(s->leaves);
    free(s->groups);
    free(s);
}

struct shape *compile_shape(struct proc_sem *sem, struct events *ev, const value *p,
                            const struct chk_limits *lim, uint32_t max_leaves,
                            bool (*name)(void *ctx, const value *term), void *name_ctx,
                            struct compile_error *err)
{
    memset(err, 0, sizeof *err);
    struct shaper sh = {sem, ev, lim, chk_now(), max_leaves, name, name_ctx, err, NULL, 0, 0, 0, false};
    sh.s = calloc(1, sizeof *sh.s);
    if (!sh.s) {
        fail(err, 1, "%s", "out of memory while compiling a process");
        return NULL;
    }
    struct emap top = {0};
    bool ok = shape_node(&sh, p, -1, 0, &top) == 0;
    for (size_t i = 0; ok && i < top.n; i++) ok = uses_of(&sh, &top.v[i], false);
    emap_free(&top);
    if (!ok || sh.oom) {
        if (!err->message[0] || sh.oom) {
            fail(err, 1, "%s", "out of memory while compiling a process");
            err->which = "memory";
        }
        shape_free(sh.s);
        return NULL;
    }
    return sh.s;
}
