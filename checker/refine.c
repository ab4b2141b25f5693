/* refine.c — refinement and determinism over (normal node, implementation state) pairs (see
 * refine.h). */
#include "checker/refine.h"

#include <stdlib.h>
#include <string.h>

#include "checker/normal.h"
#include "checker/parallel.h"
#include "checker/search.h"
#include "checker/sorted.h"

struct product {
    struct normal *norm;
    const struct machine *impl;
    enum chk_model model;
    bool chaos_after_divergence;  /* refinement in FD: after the spec diverges, anything goes */
    uint32_t words;               /* of a pair: 1 + the implementation's */
    bool error;                   /* the normal form ran out of room */
};

/* Transitions of a pair, as the product has them (for Tarjan and counterexample paths). */
struct pair_emit {
    struct product *p;
    uint32_t node;
    mach_emit *emit;
    void *ctx;
    uint64_t *buf;
};

static void pair_step(void *ctx, uint32_t event, const uint64_t *target)
{
    struct pair_emit *pe = ctx;
    uint32_t node = pe->node;
    if (event != EV_TAU) {
        node = norm_after(pe->p->norm, pe->node, event);
        if (node == NORM_ERROR) pe->p->error = true;
        if (node >= NORM_ERROR) return;
    }
    pe->buf[0] = node;
    memcpy(pe->buf + 1, target, (pe->p->words - 1) * sizeof *target);
    pe->emit(pe->ctx, event, pe->buf);
}

static void pair_successors(void *data, const uint64_t *vec, mach_emit *emit, void *ctx)
{
    struct product *p = data;
    uint32_t node = (uint32_t)vec[0];
    if (p->chaos_after_divergence && norm_divergent(p->norm, node)) return;
    uint64_t buf[64], *b = p->words <= 64 ? buf : malloc(p->words * sizeof *b);
    if (!b) {
        p->error = true;
        return;
    }
    struct pair_emit pe = {p, node, emit, ctx, b};
    mach_successors(p->impl, vec + 1, pair_step, &pe);
    if (b != buf) free(b);
}

/* ---- the search ---- */

enum mode { REFINE, DETERMINISM };

struct search {
    struct product *p;
    struct store *st;
    enum mode mode;
    uint32_t current, node;
    uint64_t *pair;               /* scratch: one pair vector */
    uint64_t *batch;              /* the current state's successor pairs, inserted together */
    size_t nbatch, batch_cap;     /* in pairs */
    uint64_t transitions;
    bool stable, full;
    uint32_t bad_event;           /* an event the spec cannot do here, or NORM_NONE */
    uint32_t *offered;            /* the implementation state's visible events and ✓ */
    size_t noffered, offered_cap;
};

/* Inserts the waiting successor pairs, in order (so numbering stays breadth-first). */
static void flush(struct search *s)
{
    if (s->nbatch && store_insert_batch(s->st, s->batch, s->nbatch, s->current) < 0) s->full = true;
    s->nbatch = 0;
}

static void visit(void *ctx, uint32_t event, const uint64_t *target)
{
    struct search *s = ctx;
    struct product *p = s->p;
    s->transitions++;
    uint32_t node = s->node;
    if (event == EV_TAU) {
        s->stable = false;
    } else {
        if (s->noffered == s->offered_cap) {
            size_t cap = s->offered_cap ? 2 * s->offered_cap : 16;
            uint32_t *v = realloc(s->offered, cap * sizeof *v);
            if (!v) {
                p->error = true;
                return;
            }
            s->offered = v;
            s->offered_cap = cap;
        }
        s->offered[s->noffered++] = event;
        node = norm_after(p->norm, s->node, event);
        if (node == NORM_ERROR) {
            p->error = true;
            return;
        }
        if (node == NORM_NONE) {
            if (s->bad_event == NORM_NONE) s->bad_event = event;
            return;
        }
        if (event == EV_TICK) return;  /* ✓ ends the run */
    }
    if (s->nbatch == s->batch_cap) flush(s);
    uint64_t *to = s->batch + s->nbatch++ * p->words;
    to[0] = node;
    memcpy(to + 1, target, (p->words - 1) * sizeof *target);
}

/* Sorts and deduplicates the offered events. */
static void tidy(struct search *s)
{
    s->noffered = sorted_unique(s->offered, s->noffered);
}

static bool copy_set(uint32_t **to, size_t *n, const uint32_t *from, size_t count)
{
    *to = malloc((count ? count : 1) * sizeof **to);
    if (!*to) return false;
    if (count) memcpy(*to, from, count * sizeof *from);
    *n = count;
    return true;
}

static void search(const struct machine *spec, const struct machine *impl, enum chk_model model,
                   enum mode mode, const struct chk_limits *lim, struct chk_result *r)
{
    double start = chk_now();
    memset(r, 0, sizeof *r);
    struct product p = {norm_new(spec, lim), impl, model,
                        model == CHK_MODEL_FD && mode == REFINE, 1 + mach_words(impl), false};
    struct space sp = {p.words, pair_successors, &p};
    struct search s = {.p = &p, .mode = mode, .bad_event = NORM_NONE};
    s.st = store_new(p.words, lim ? lim->memory : 0, false);
    s.pair = malloc(p.words * sizeof *s.pair);
    s.batch_cap = 64;
    s.batch = malloc(s.batch_cap * p.words * sizeof *s.batch);
    uint32_t root = p.norm ? norm_root(p.norm) : NORM_ERROR;
    if (root == NORM_ERROR && p.norm && norm_limit(p.norm)) {
        r->verdict = CHK_LIMIT;
        r->limit = norm_limit(p.norm);
        goto out;
    }
    if (!p.norm || !s.st || !s.pair || !s.batch || root == NORM_ERROR) {
        r->verdict = CHK_ERROR;
        goto out;
    }
    s.pair[0] = root;
    mach_initial(impl, s.pair + 1);
    if (store_insert(s.st, s.pair, STORE_ROOT) < 0) s.full = true;

    uint32_t bad = STORE_NONE;
    uint64_t *cur = malloc(p.words * sizeof *cur);
    if (!cur) p.error = true;
    for (s.current = 0; cur && !s.full && !p.error && s.current < store_count(s.st); s.current++) {
        if ((s.current & 1023) == 0) {
            if ((r->limit = chk_over_limit(lim, store_count(s.st), start))) break;
            chk_progress(store_count(s.st), s.transitions, store_depth(s.st, s.current), start);
        }
        if (s.current + 8 < store_count(s.st)) store_prefetch(s.st, s.current + 8);
        store_copy(s.st, s.current, cur);
        s.node = (uint32_t)cur[0];
        if (p.chaos_after_divergence && norm_divergent(p.norm, s.node)) continue;
        s.stable = true;
        s.noffered = 0;
        s.bad_event = NORM_NONE;
        mach_successors(impl, cur + 1, visit, &s);
        flush(&s);
        if (p.error || s.full) break;
        if (bad != STORE_NONE) continue;  /* FD: finishing the search for divergences */
        if (s.bad_event != NORM_NONE) {
            bad = s.current;
            r->kind = CHK_TRACE;
            r->event = s.bad_event;
        } else if (s.stable && model != CHK_MODEL_T) {
            tidy(&s);
            /* Offering ✓, a stable state can refuse every other event (see normal.c): what it
             * must be allowed to refuse is everything but ✓. */
            if (s.noffered && s.offered[0] == EV_TICK) s.noffered = 1;
            if (mode == REFINE && !norm_accepts(p.norm, s.node, s.offered, s.noffered)) {
                size_t nm;
                const uint32_t *m = norm_missing(p.norm, s.node, s.offered, s.noffered, &nm);
                if (!m || !copy_set(&r->refusal, &r->nrefusal, m, nm)) p.error = true;
                bad = s.current;
                r->kind = CHK_REFUSAL;
            } else if (mode == DETERMINISM) {
                /* Stable and refusing an event that the same trace can also lead to. */
                size_t ni;
                const uint32_t *in = norm_initials(p.norm, s.node, &ni);
                for (size_t i = 0, j = 0; in && i < ni && bad == STORE_NONE; i++) {
                    while (j < s.noffered && s.offered[j] < in[i]) j++;
                    if (j == s.noffered || s.offered[j] != in[i]) {
                        bad = s.current;
                        r->kind = CHK_NONDET;
                        r->event = in[i];
                    }
                }
            }
        }
        if (bad != STORE_NONE && model != CHK_MODEL_FD) break;
    }
    free(cur);
    r->states = store_count(s.st);
    r->transitions = s.transitions;
    if (s.full) r->limit = "memory";
    if (p.error && !r->limit) r->limit = norm_limit(p.norm) ? norm_limit(p.norm) : "memory";
    if (r->limit) {
        r->verdict = CHK_LIMIT;
        goto out;
    }
    /* Divergence is a cycle of the implementation's taus: none without a tau rule. */
    if (model == CHK_MODEL_FD && mach_has_tau(impl)) {
        bool ok;
        uint32_t div = chk_first_divergent(&sp, s.st, bad == STORE_NONE ? store_count(s.st) : bad, &ok);
        if (!ok || p.error) {
            r->verdict = CHK_LIMIT;
            r->limit = "memory";
            goto out;
        }
        if (div != STORE_NONE) {
            bad = div;
            r->kind = CHK_DIVERGENCE;
            free(r->refusal);
            r->refusal = NULL;
            r->nrefusal = 0;
        }
    }
    if (bad == STORE_NONE) {
        r->verdict = CHK_HOLDS;
        r->kind = CHK_NONE;
    } else {
        r->verdict = chk_path(&sp, s.st, bad, r) == 0 && !p.error ? CHK_FAILS : CHK_ERROR;
        r->offset = 1;
    }
out:
    r->seconds = chk_now() - start;
    free(s.offered);
    free(s.pair);
    free(s.batch);
    store_free(s.st);
    norm_free(p.norm);
}

/* ---- the same on several cores ----
 *
 * With the specification normalised in full first (so the normal form is read-only), the
 * question "is a bad pair reachable" is the parallel explorer's.  A pair fits one word — the
 * node above the implementation's state bits — when there are bits enough; else it is the
 * node's word followed by the implementation's (tree-compressed by the explorer).  A failure
 * is searched again on one core for the shortest, repeatable counterexample.  Divergence
 * needs Tarjan over the whole product, so FD runs here only for an implementation that has
 * no tau at all. */

/* The most nodes a normal form may have for the parallel search: it is built in full, on one
 * core, before the search starts. */
enum { PARALLEL_MAX_NODES = 1 << 24 };

struct pair_space {
    struct normal *norm;
    const struct machine *impl;
    enum chk_model model;
    enum mode mode;
    bool packed;                  /* a pair is one word */
    uint32_t shift;               /* packed: the node's place in a pair */
    uint64_t mask;                /* packed: the implementation's bits */
    uint32_t words;               /* of a pair */
};

/* One pair's expansion, on one thread's stack. */
struct pair_step {
    const struct pair_space *ps;
    mach_emit *emit;
    void *ctx;
    uint32_t node;
    bool bad, stable;
    uint32_t buf[64], *offered;   /* the visible events and ✓ offered */
    size_t noffered, cap;
    uint64_t *pair;               /* unpacked: the successor pair being emitted */
};

static void pair_visit(void *ctx, uint32_t event, const uint64_t *target)
{
    struct pair_step *x = ctx;
    const struct pair_space *ps = x->ps;
    uint32_t node = x->node;
    if (event == EV_TAU) {
        x->stable = false;
    } else {
        if (x->noffered == x->cap) {
            size_t cap = 2 * x->cap;
            uint32_t *v = x->offered == x->buf ? malloc(cap * sizeof *v)
                                               : realloc(x->offered, cap * sizeof *v);
            if (!v) {
                x->bad = true;  /* out of memory: let the one-core search decide */
                return;
            }
            if (x->offered == x->buf) memcpy(v, x->buf, sizeof x->buf);
            x->offered = v;
            x->cap = cap;
        }
        x->offered[x->noffered++] = event;
        node = norm_after(ps->norm, x->node, event);
        if (node >= NORM_ERROR || event == EV_TICK) {
            x->bad |= node >= NORM_ERROR;
            x->emit(x->ctx, EV_TICK, target);  /* counted as a transition, not explored */
            return;
        }
    }
    if (ps->packed) {
        uint64_t pair = (uint64_t)node << ps->shift | target[0];
        x->emit(x->ctx, event, &pair);
        return;
    }
    x->pair[0] = node;
    memcpy(x->pair + 1, target, (ps->words - 1) * sizeof *target);
    x->emit(x->ctx, event, x->pair);
}

static bool pair_expand(void *data, const uint64_t *state, mach_emit *emit, void *ctx)
{
    const struct pair_space *ps = data;
    uint64_t one = state[0] & ps->mask, pairbuf[64];
    struct pair_step x = {ps, emit, ctx, 0, false, true, {0}, NULL, 0, 64, pairbuf};
    x.offered = x.buf;
    x.node = ps->packed ? (uint32_t)(state[0] >> ps->shift) : (uint32_t)state[0];
    if (ps->mode == REFINE && ps->model == CHK_MODEL_FD && norm_divergent(ps->norm, x.node)) return false;
    if (!ps->packed && ps->words > 64 && !(x.pair = malloc(ps->words * sizeof *x.pair))) return true;
    mach_successors(ps->impl, ps->packed ? &one : state + 1, pair_visit, &x);
    bool bad = x.bad;
    if (!bad && x.stable && ps->model != CHK_MODEL_T) {
        size_t k = sorted_unique(x.offered, x.noffered);
        if (k && x.offered[0] == EV_TICK) k = 1;  /* offering ✓: may refuse the rest */
        if (ps->mode == REFINE)
            bad = !norm_accepts(ps->norm, x.node, x.offered, k);
        else  /* stable and refusing an event the same trace can also lead to (offered is
                 a subset of the node's initials: the node is the process's own) */
            bad = k < norm_ninitials(ps->norm, x.node);
    }
    if (x.offered != x.buf) free(x.offered);
    if (x.pair != pairbuf) free(x.pair);
    return bad;
}

static uint32_t bits_for(uint32_t n)
{
    uint32_t b = 1;
    while (b < 32 && (1u << b) < n) b++;
    return b;
}

/* The parallel search, when it applies: true with r filled in, false to search on one core. */
static bool search_parallel(const struct machine *spec, const struct machine *impl,
                            enum chk_model model, enum mode mode, const struct chk_limits *lim,
                            struct chk_result *r)
{
    if (!lim || lim->threads < 1) return false;
    if (model == CHK_MODEL_FD && mach_has_tau(impl)) return false;
    double start = chk_now();
    struct normal *norm = norm_new(spec, lim);
    uint32_t max_nodes = PARALLEL_MAX_NODES;
    if (lim->max_states && lim->max_states < max_nodes) max_nodes = (uint32_t)lim->max_states;
    if (!norm || !norm_complete(norm, max_nodes)) {
        norm_free(norm);
        return false;
    }
    uint32_t iw = mach_words(impl);
    struct pair_space sp = {norm, impl, model, mode, false, 0, ~0ull, 1 + iw};
    uint32_t bits = 0;
    if (iw == 1 && mach_bits(impl) + bits_for(norm_nodes(norm)) <= 63) {
        sp.packed = true;
        sp.shift = mach_bits(impl);
        sp.mask = (1ull << sp.shift) - 1;
        sp.words = 1;
        bits = sp.shift + bits_for(norm_nodes(norm));
    }
    uint64_t *init = malloc((1 + iw) * sizeof *init);
    if (!init) {
        norm_free(norm);
        return false;
    }
    init[0] = norm_root(norm);
    mach_initial(impl, init + 1);
    if (sp.packed) init[0] = init[0] << sp.shift | init[1];
    struct par_space ps = {sp.words, init, pair_expand, &sp, false, bits};
    bool done = chk_parallel_search(&ps, lim, lim->threads, r);
    free(init);
    norm_free(norm);
    if (done) r->seconds = chk_now() - start;
    return done;
}

/* How far the one-core search goes before the parallel one takes over: most checks end (or
 * fail) within it, and it needs no normal form built in full — which for a large
 * specification could cost more than the whole check. */
enum { QUICK_STATES = 20000 };

/* The quick one-core search, then the parallel one, then — for a failure — the one-core search
 * again for its counterexample. */
static void check(const struct machine *spec, const struct machine *impl, enum chk_model model,
                  enum mode mode, const struct chk_limits *lim, struct chk_result *r)
{
    double quick_seconds = 0;
    if (lim && lim->threads >= 1 && (!lim->max_states || lim->max_states > QUICK_STATES)) {
        struct chk_limits quick = *lim;
        quick.max_states = QUICK_STATES;
        search(spec, impl, model, mode, &quick, r);
        /* Only the quick search's own bound sends the check on; any other limit is the
         * user's, and final. */
        if (r->verdict != CHK_LIMIT || strcmp(r->limit ? r->limit : "", "states") != 0) return;
        quick_seconds = r->seconds;
        chk_result_free(r);
    }
    if (search_parallel(spec, impl, model, mode, lim, r)) {
        r->seconds += quick_seconds;
        if (r->verdict != CHK_FAILS) {
            r->kind = CHK_NONE;
            return;
        }
        /* The counterexample: shortest and repeatable from the one-core search. */
        double first = r->seconds;
        chk_result_free(r);
        search(spec, impl, model, mode, lim, r);
        r->seconds += first;
        return;
    }
    search(spec, impl, model, mode, lim, r);
}

void chk_refines(const struct machine *spec, const struct machine *impl, enum chk_model model,
                 const struct chk_limits *lim, struct chk_result *r)
{
    check(spec, impl, model, REFINE, lim, r);
}

void chk_deterministic(const struct machine *m, enum chk_model model, const struct chk_limits *lim,
                       struct chk_result *r)
{
    check(m, m, model == CHK_MODEL_T ? CHK_MODEL_F : model, DETERMINISM, lim, r);
}

void chk_has_trace(const struct machine *m, const uint32_t *events, size_t n,
                   const struct chk_limits *lim, struct chk_result *r)
{
    double start = chk_now();
    memset(r, 0, sizeof *r);
    struct normal *norm = norm_new(m, lim);
    uint32_t node = norm ? norm_root(norm) : NORM_ERROR;
    size_t i = 0;
    for (; node < NORM_ERROR && i < n; i++) {
        uint32_t next = norm_after(norm, node, events[i]);
        if (next >= NORM_ERROR) {
            node = next;
            break;
        }
        node = next;
    }
    if (node == NORM_ERROR) {
        r->verdict = CHK_LIMIT;
        r->limit = norm && norm_limit(norm) ? norm_limit(norm) : "memory";
    } else if (node == NORM_NONE) {
        r->verdict = copy_set(&r->trace, &r->ntrace, events, i) ? CHK_FAILS : CHK_ERROR;
        r->kind = CHK_TRACE;
        r->event = events[i];
    } else {
        r->verdict = CHK_HOLDS;
    }
    r->states = norm ? norm_spec_states(norm) : 0;
    r->seconds = chk_now() - start;
    norm_free(norm);
}
