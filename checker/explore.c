/* explore.c — breadth-first search for deadlocks and Tarjan's algorithm over tau edges for
 * divergences (see explore.h). */
#include "checker/explore.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checker/normal.h"
#include "checker/parallel.h"
#include "checker/search.h"
#include "checker/store.h"

void chk_result_free(struct chk_result *r)
{
    free(r->trace);
    free(r->refusal);
    free(r->rtrace);
    free(r->state);
    free(r->path);
    free(r->path_events);
    memset(r, 0, sizeof *r);
}

/* ---- the search over one machine ---- */

static void machine_successors(void *data, const uint64_t *vec, mach_emit *emit, void *ctx)
{
    mach_successors(data, vec, emit, ctx);
}

struct space chk_machine_space(const struct machine *m)
{
    return (struct space){mach_words(m), machine_successors, (void *)m};
}

struct bfs {
    const struct machine *m;
    struct store *st;
    uint32_t current;             /* the state being expanded */
    uint64_t transitions;
    uint32_t successors;          /* of the current state */
    uint64_t taus;                /* tau transitions seen: with none, nothing can diverge */
    bool full;                    /* the store refused a state */
    uint64_t *batch;              /* successors waiting to be inserted, one after another */
    size_t nbatch, batch_cap;     /* in vectors */
    uint32_t words;
};

static void flush(struct bfs *b)
{
    if (b->nbatch && store_insert_batch(b->st, b->batch, b->nbatch, b->current) < 0)
        b->full = true;
    b->nbatch = 0;
}

static void visit(void *ctx, uint32_t event, const uint64_t *target)
{
    struct bfs *b = ctx;
    b->transitions++;
    b->successors++;
    b->taus += event == EV_TAU;
    if (event == EV_TICK) return;  /* ✓ ends the run: the target is never explored */
    if (b->nbatch == b->batch_cap) flush(b);
    uint64_t *to = b->batch + b->nbatch++ * b->words;
    for (uint32_t w = 0; w < b->words; w++) to[w] = target[w];
}

/* Finds an event that leads from state `from` to vector `to` (the first in successor order). */
struct find_edge {
    const uint64_t *to;
    uint32_t words;
    uint32_t event;
    bool found;
};

static void match(void *ctx, uint32_t event, const uint64_t *target)
{
    struct find_edge *f = ctx;
    if (!f->found && event != EV_TICK && memcmp(target, f->to, f->words * sizeof *target) == 0) {
        f->event = event;
        f->found = true;
    }
}

int chk_path(const struct space *sp, const struct store *st, uint32_t id, struct chk_result *r)
{
    size_t depth = 0;
    for (uint32_t x = id; store_parent(st, x) != STORE_ROOT; x = store_parent(st, x)) depth++;
    uint32_t words = sp->words;
    uint32_t *trace = malloc((depth ? depth : 1) * sizeof *trace);
    r->state = malloc(words * sizeof *r->state);
    r->path = malloc((depth + 1) * words * sizeof *r->path);
    r->path_events = malloc((depth ? depth : 1) * sizeof *r->path_events);
    if (!trace || !r->state || !r->path || !r->path_events) {
        free(trace);
        return -1;
    }
    r->npath = depth + 1;
    r->words = words;
    store_copy(st, id, r->state);
    size_t n = depth;
    for (uint32_t x = id;; x = store_parent(st, x)) {
        store_copy(st, x, r->path + n * words);
        if (store_parent(st, x) == STORE_ROOT) break;
        n--;
    }
    for (size_t i = 0; i < depth; i++) {
        struct find_edge f = {r->path + (i + 1) * words, words, 0, false};
        sp->successors(sp->data, r->path + i * words, match, &f);
        trace[i] = r->path_events[i] = f.event;
    }
    /* Keep the visible events only. */
    size_t k = 0;
    for (size_t i = 0; i < depth; i++)
        if (trace[i] != EV_TAU) trace[k++] = trace[i];
    r->trace = trace;
    r->ntrace = k;
    return 0;
}

/* ---- Tarjan's strongly connected components over tau edges ----
 *
 * Run after a complete breadth-first search, so every tau successor is already in the store
 * and nothing is inserted: states are named by their slots, which stay put. */

enum { UNSEEN = 0, ON_STACK = 1, DONE = 2, DIVERGES = 4 };

struct frame {
    uint32_t slot;
    size_t first, n, at;          /* its tau successors: succ[first .. first + n) */
    bool cyclic;                  /* a tau self-loop or an edge back into its component */
};

struct tarjan {
    const struct space *space;
    const struct store *st;
    uint32_t *index, *low;        /* per slot: DFS number (UNSEEN = 0), lowlink */
    uint8_t *flags;               /* per slot: ON_STACK, DONE, DIVERGES */
    uint32_t next;
    uint32_t *stack;              /* Tarjan's stack of slots */
    size_t sp, stack_cap;
    struct frame *dfs;            /* the explicit depth-first stack */
    size_t dp, dfs_cap;
    uint32_t *succ;               /* tau successors of the open frames, concatenated */
    size_t nsucc, succ_cap;
    uint64_t *vec;                /* scratch: one vector */
    bool failed;
};

static bool reserve(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return true;
    size_t c = *cap ? *cap : 256;
    while (c < need) c *= 2;
    void *v = realloc(*p, c * size);
    if (!v) return false;
    *p = v;
    *cap = c;
    return true;
}

static void tau_succ(void *ctx, uint32_t event, const uint64_t *target)
{
    struct tarjan *t = ctx;
    if (event != EV_TAU || t->failed) return;
    uint32_t slot = store_lookup(t->st, target);
    if (slot == STORE_NONE ||
        !reserve((void **)&t->succ, &t->succ_cap, t->nsucc + 1, sizeof *t->succ)) {
        t->failed = true;
        return;
    }
    t->succ[t->nsucc++] = slot;
}

static bool push_frame(struct tarjan *t, uint32_t slot)
{
    if (!reserve((void **)&t->dfs, &t->dfs_cap, t->dp + 1, sizeof *t->dfs) ||
        !reserve((void **)&t->stack, &t->stack_cap, t->sp + 1, sizeof *t->stack))
        return false;
    t->index[slot] = t->low[slot] = ++t->next;
    t->flags[slot] |= ON_STACK;
    t->stack[t->sp++] = slot;
    size_t first = t->nsucc;
    store_copy_slot(t->st, slot, t->vec);
    t->space->successors(t->space->data, t->vec, tau_succ, t);
    t->dfs[t->dp++] = (struct frame){slot, first, t->nsucc - first, 0, false};
    return !t->failed;
}

/* Runs Tarjan from root; afterwards every slot reached has DONE and, where it can perform an
 * infinite sequence of taus, DIVERGES.  False when out of memory. */
static bool tarjan_from(struct tarjan *t, uint32_t root)
{
    if (!push_frame(t, root)) return false;
    while (t->dp > 0) {
        struct frame *f = &t->dfs[t->dp - 1];
        uint32_t s = f->slot;
        if (f->at < f->n) {
            uint32_t w = t->succ[f->first + f->at++];
            if (w == s) {
                f->cyclic = true;
            } else if (t->index[w] == UNSEEN) {
                if (!push_frame(t, w)) return false;
            } else if (t->flags[w] & ON_STACK) {
                if (t->index[w] < t->low[s]) t->low[s] = t->index[w];
                f->cyclic = true;
            } else if (t->flags[w] & DIVERGES) {
                t->flags[s] |= DIVERGES;  /* reaches a component already known to diverge */
            }
            continue;
        }
        bool cyclic = f->cyclic;
        t->nsucc = f->first;
        t->dp--;
        if (t->low[s] == t->index[s]) {
            /* s roots a component: it diverges if it has a tau cycle or reaches one. */
            size_t bottom = t->sp;
            while (t->stack[bottom - 1] != s) bottom--;
            bottom--;
            bool div = cyclic || t->sp - bottom > 1;
            for (size_t i = bottom; i < t->sp && !div; i++)
                div = (t->flags[t->stack[i]] & DIVERGES) != 0;
            for (size_t i = bottom; i < t->sp; i++) {
                uint32_t x = t->stack[i];
                t->flags[x] = (uint8_t)((t->flags[x] & ~ON_STACK) | DONE | (div ? DIVERGES : 0));
            }
            t->sp = bottom;
        }
        if (t->dp > 0) {
            uint32_t ps = t->dfs[t->dp - 1].slot;
            if (t->low[s] < t->low[ps]) t->low[ps] = t->low[s];
            if (t->flags[s] & DIVERGES) t->flags[ps] |= DIVERGES;
        }
    }
    return true;
}

uint32_t chk_first_divergent(const struct space *sp, const struct store *st, uint32_t limit,
                             bool *ok)
{
    size_t slots = store_slots(st);
    struct tarjan t = {.space = sp, .st = st};
    t.index = calloc(slots, sizeof *t.index);
    t.low = calloc(slots, sizeof *t.low);
    t.flags = calloc(slots, 1);
    t.vec = malloc(sp->words * sizeof *t.vec);
    uint32_t found = STORE_NONE;
    *ok = t.index && t.low && t.flags && t.vec;
    for (uint32_t id = 0; *ok && id < limit && id < store_count(st); id++) {
        uint32_t slot = store_slot(st, id);
        if (t.index[slot] == UNSEEN && !tarjan_from(&t, slot)) *ok = false;
        if (t.flags[slot] & DIVERGES) {
            found = id;
            break;
        }
    }
    free(t.index);
    free(t.low);
    free(t.flags);
    free(t.stack);
    free(t.dfs);
    free(t.succ);
    free(t.vec);
    return found;
}

/* ---- the checks ---- */

/* `nearest`: the search is for the nearest failure — one the parallel search met, or one
 * within the quick search's bound.  Then whether a state with a tau diverges is asked of a
 * normaliser of the machine (checker/normal.h), which answers each state once by a search of
 * the taus from it, and the search stops at its first failure of either kind.  Otherwise,
 * when divergence is asked for, the search is completed and Tarjan's algorithm runs over the
 * stored states, which costs less memory than the normaliser's own copy of every state. */
static void explore(const struct machine *m, const struct chk_limits *lim, int deadlock,
                    int divergence, bool nearest, struct chk_result *r)
{
    double start = chk_now();
    memset(r, 0, sizeof *r);
    struct normal *oracle = divergence && nearest ? norm_new(m, lim) : NULL;
    if (oracle) divergence = false;
    struct space sp = chk_machine_space(m);
    struct store *st = store_new(mach_words(m), lim ? lim->memory : 0, false);
    uint64_t *cur = malloc(mach_words(m) * sizeof *cur);
    struct bfs b = {m, st, 0, 0, 0, 0, false, NULL, 0, 64, mach_words(m)};
    b.batch = malloc(b.batch_cap * b.words * sizeof *b.batch);
    if (!st || !cur || !b.batch || (nearest && divergence && !oracle)) {
        r->verdict = CHK_ERROR;
        goto out;
    }
    mach_initial(m, cur);
    if (store_insert(st, cur, STORE_ROOT) < 0) b.full = true;
    uint32_t dead = STORE_NONE, diverging = STORE_NONE;
    for (b.current = 0; !b.full && b.current < store_count(st); b.current++) {
        if ((b.current & 4095) == 0) {
            if ((r->limit = chk_over_limit(lim, store_count(st), start))) break;
            chk_progress(store_count(st), b.transitions, store_depth(st, b.current), start);
        }
        b.successors = 0;
        uint64_t taus = b.taus;
        if (b.current + 8 < store_count(st)) store_prefetch(st, b.current + 8);
        store_copy(st, b.current, cur);
        mach_successors(m, cur, visit, &b);
        flush(&b);
        if (b.full) break;
        if (b.successors == 0 && deadlock && dead == STORE_NONE) {
            dead = b.current;
            if (!divergence) break;  /* breadth-first: this is the nearest deadlock */
        }
        if (oracle && b.taus > taus) {
            int d = norm_state_diverges(oracle, cur);
            if (d < 0) {
                r->limit = norm_limit(oracle) ? norm_limit(oracle) : "memory";
                break;
            }
            if (d) {
                diverging = b.current;
                break;
            }
        }
    }
    r->states = store_count(st);
    r->transitions = b.transitions;
    if (b.full) r->limit = "memory";
    if (r->limit) {
        r->verdict = CHK_LIMIT;
        goto out;
    }
    uint32_t bad = dead;
    r->kind = CHK_DEADLOCK;
    if (diverging != STORE_NONE) {
        bad = diverging;
        r->kind = CHK_DIVERGENCE;
    }
    /* A divergence is a cycle of taus: a search that saw every state (it does when divergence
     * is asked for) and met no tau has nothing for Tarjan to find. */
    if (divergence && b.taus > 0) {
        bool ok;
        uint32_t div = chk_first_divergent(&sp, st, dead == STORE_NONE ? store_count(st) : dead, &ok);
        if (!ok) {
            r->verdict = CHK_LIMIT;
            r->limit = "memory";
            goto out;
        }
        if (div != STORE_NONE) {
            bad = div;
            r->kind = CHK_DIVERGENCE;
        }
    }
    if (bad == STORE_NONE) {
        r->verdict = CHK_HOLDS;
        r->kind = CHK_NONE;
    } else {
        r->verdict = chk_path(&sp, st, bad, r) == 0 ? CHK_FAILS : CHK_ERROR;
    }
out:
    r->seconds = chk_now() - start;
    free(b.batch);
    free(cur);
    store_free(st);
    norm_free(oracle);
}

/* How far a one-core search for divergence goes before the parallel one takes over: the
 * parallel search finds a tau cycle only once it has seen every state, while a divergence
 * near the start is found by the one-core search at once. */
enum { QUICK_STATES = 20000 };

/* The search on several cores when it can run; a failure it finds is searched again on one
 * core for the shortest, repeatable counterexample (the parallel search keeps no parents),
 * with divergence only when there is a tau cycle to find.  Divergence is first looked for
 * on one core, as far as QUICK_STATES. */
static void search(const struct machine *m, const struct chk_limits *lim, int deadlock,
                   int divergence, struct chk_result *r)
{
    double quick_seconds = 0;
    if (lim && lim->threads >= 1 && divergence &&
        (!lim->max_states || lim->max_states > QUICK_STATES)) {
        struct chk_limits quick = *lim;
        quick.max_states = QUICK_STATES;
        explore(m, &quick, deadlock, divergence, true, r);
        /* Only the quick search's own bound sends the check on. */
        if (r->verdict != CHK_LIMIT || strcmp(r->limit ? r->limit : "", "states") != 0) return;
        quick_seconds = r->seconds;
        chk_result_free(r);
    }
    if (lim && lim->threads >= 1 &&
        chk_parallel_explore(m, lim, lim->threads, deadlock, divergence, r)) {
        r->seconds += quick_seconds;
        bool again = divergence, failing = r->verdict == CHK_FAILS;
        double first;
        if (chk_parallel_settles(r, &again, &first)) return;
        explore(m, lim, deadlock, again, failing, r);
        r->seconds += first;
        return;
    }
    explore(m, lim, deadlock, divergence, false, r);
    r->seconds += quick_seconds;
}

void chk_deadlock(const struct machine *m, const struct chk_limits *lim, int divergence,
                  struct chk_result *r)
{
    /* A machine that has no tau at all cannot diverge, so FD asks the same of it as F. */
    search(m, lim, 1, divergence && mach_has_tau(m), r);
}

void chk_divergence(const struct machine *m, const struct chk_limits *lim, struct chk_result *r)
{
    search(m, lim, 0, mach_has_tau(m), r);
}

/* ---- the tau cycle of a divergence ---- */

struct taus {
    uint64_t *v;                  /* tau successors, one vector after another */
    size_t n, cap;
    uint32_t words;
    bool oom;
};

static void collect_tau(void *ctx, uint32_t event, const uint64_t *target)
{
    struct taus *t = ctx;
    if (event != EV_TAU || t->oom) return;
    if (!reserve((void **)&t->v, &t->cap, (t->n + 1) * t->words, sizeof *t->v)) {
        t->oom = true;
        return;
    }
    memcpy(t->v + t->n++ * t->words, target, t->words * sizeof *target);
}

struct lasso_frame {
    uint32_t id;
    struct taus succ;
    size_t at;
};

struct lasso {
    const struct machine *m;
    struct store *st;
    struct lasso_frame *stack;
    size_t dp, stack_cap;
    uint32_t *depth_of;           /* per state id: 1 + its place on the stack, 0 when off it */
    size_t depth_cap;
    uint64_t *vec;                /* scratch: one vector */
};

/* Puts state id on the depth-first stack with its tau successors; false out of memory. */
static bool lasso_push(struct lasso *l, uint32_t id)
{
    size_t had = l->depth_cap;
    if (!reserve((void **)&l->stack, &l->stack_cap, l->dp + 1, sizeof *l->stack) ||
        !reserve((void **)&l->depth_of, &l->depth_cap, (size_t)id + 1, sizeof *l->depth_of))
        return false;
    if (l->depth_cap > had) memset(l->depth_of + had, 0, (l->depth_cap - had) * sizeof *l->depth_of);
    struct lasso_frame *f = &l->stack[l->dp];
    *f = (struct lasso_frame){id, {NULL, 0, 0, mach_words(l->m), false}, 0};
    l->depth_of[id] = (uint32_t)++l->dp;
    store_copy(l->st, id, l->vec);
    mach_successors(l->m, l->vec, collect_tau, &f->succ);
    return !f->succ.oom;
}

int chk_tau_lasso(const struct machine *m, const uint64_t *state, uint32_t max, uint64_t **path,
                  size_t *n, size_t *loop)
{
    uint32_t words = mach_words(m);
    struct lasso l = {m, store_new(words, 0, true), NULL, 0, 0, NULL, 0, NULL};
    l.vec = malloc(words * sizeof *l.vec);
    int result = -1;
    bool added;
    *path = NULL;
    if (!l.st || !l.vec || store_intern(l.st, state, STORE_ROOT, &added) == STORE_NONE ||
        !lasso_push(&l, 0))
        goto out;
    while (l.dp > 0) {
        struct lasso_frame *f = &l.stack[l.dp - 1];
        if (f->at == f->succ.n) {  /* every tau from here explored: no cycle through it */
            l.depth_of[f->id] = 0;
            free(f->succ.v);
            l.dp--;
            continue;
        }
        const uint64_t *next = f->succ.v + f->at++ * words;
        uint32_t id = store_intern(l.st, next, f->id, &added);
        if (id == STORE_NONE) goto out;
        if (added) {
            if (store_count(l.st) > max || !lasso_push(&l, id)) goto out;
        } else if (l.depth_of[id]) {
            /* A tau back onto the stack: the cycle. */
            *n = l.dp;
            *loop = l.depth_of[id] - 1;
            *path = malloc((l.dp + 1) * words * sizeof **path);
            if (!*path) goto out;
            for (size_t k = 0; k < l.dp; k++) store_copy(l.st, l.stack[k].id, *path + k * words);
            memcpy(*path + l.dp * words, next, words * sizeof *next);
            result = 0;
            goto out;
        }
    }
out:
    for (size_t k = 0; k < l.dp; k++) free(l.stack[k].succ.v);
    free(l.stack);
    free(l.depth_of);
    free(l.vec);
    store_free(l.st);
    return result;
}
