/* refine.c — refinement and determinism over (normal node, implementation state) pairs (see
 * refine.h).
 *
 * Revivals (V).  The observations are traces, stable failures and revivals (s, X, a).  In a
 * pair (node, q) with q stable offering I, q's failures after s are (s, X) for X ⊆ Σ \ I and
 * its revivals (s, X, a) for those X and a ∈ I.  The specification's failures and revivals
 * are closed under shrinking X, so checking the largest X = Σ \ I covers every smaller one:
 * some stable member must have initials A ⊆ I (the failure — F's check) and for each a ∈ I
 * some stable member must have a ∈ A ⊆ I (norm_revives).  Traces are as in T, so the node
 * after an event is the ordinary normal form's.
 *
 * Refusal testing (R).  A refusal trace <X0, a1, X1, …, an, Xn> has each Xi a refusal seen in
 * the stable state ai+1 is performed from (or • when none is seen).  The specification's set
 * is closed under shrinking any Xi and under replacing it by •, so the implementation's
 * refusal traces all follow from the greatest ones: Xi = Σ \ I in a stable state offering I,
 * • in an unstable one.  (The • an observer may also see in a stable state is implied by the
 * refusal, with the same continuation.)  So one pair per step suffices: after a stable q
 * offering I performs a, the specification's node is the tau-closure of the a-successors of
 * the stable members with a ∈ A ⊆ I (norm_after_refusal); after an unstable q, of every
 * member (norm_after).  Those nodes are sets of spec states that a trace alone does not
 * determine — the same interning serves both.  A stable step with no such member, though the
 * trace is allowed, is a revival the specification lacks: CHK_REVIVAL.  The last refusal
 * Xn is F's check.  RD and VD add FD's divergence rule, with the divergence of a node (any
 * member diverges) meaning the refusal trace so far can lead to divergence.
 *
 * ✓ is never refused (normal.c): a state offering it is unstable here, and its only
 * acceptance is {✓}. */
#include "checker/refine.h"

#include <stdlib.h>
#include <string.h>

#include "checker/normal.h"
#include "checker/parallel.h"
#include "checker/search.h"
#include "checker/sorted.h"

bool chk_model_divergence(enum chk_model m)
{
    return m == CHK_MODEL_FD || m == CHK_MODEL_RD || m == CHK_MODEL_VD;
}

static bool refusal_testing(enum chk_model m)
{
    return m == CHK_MODEL_R || m == CHK_MODEL_RD;
}

static bool revivals(enum chk_model m)
{
    return m == CHK_MODEL_V || m == CHK_MODEL_VD;
}

/* An implementation state's transitions, gathered before any is followed: in R the node after
 * an event depends on whether the state is stable and on all it offers. */
struct moves {
    uint32_t words;               /* of a target */
    uint32_t *ev;
    uint64_t *tg;
    size_t n, cap;
    bool oom;
    bool stable, ticks;           /* no tau; offers ✓ */
    uint32_t *offered;            /* visible events offered, sorted, without ✓ */
    size_t noffered;
    uint32_t *after;              /* R, when a refusal is seen: per offered event, the node
                                     after it (rt_nodes) */
};

static void add_move(void *ctx, uint32_t event, const uint64_t *target)
{
    struct moves *m = ctx;
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 16;
        uint32_t *ev = realloc(m->ev, cap * sizeof *ev);
        if (ev) m->ev = ev;
        uint64_t *tg = ev ? realloc(m->tg, cap * m->words * sizeof *tg) : NULL;
        if (!tg) {
            m->oom = true;
            return;
        }
        m->tg = tg;
        m->cap = cap;
    }
    m->ev[m->n] = event;
    memcpy(m->tg + m->n * m->words, target, m->words * sizeof *target);
    m->n++;
}

/* Gathers the transitions of implementation state `state` into m (reused). */
static bool gather(const struct machine *impl, const uint64_t *state, struct moves *m)
{
    m->n = 0;
    m->stable = true;
    m->ticks = false;
    mach_successors(impl, state, add_move, m);
    uint32_t *o = realloc(m->offered, (m->n ? m->n : 1) * sizeof *o);
    if (o) m->offered = o;
    uint32_t *after = o ? realloc(m->after, (m->n ? m->n : 1) * sizeof *after) : NULL;
    if (!after || m->oom) return false;
    m->after = after;
    m->noffered = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (m->ev[i] == EV_TAU) m->stable = false;
        else if (m->ev[i] == EV_TICK) m->ticks = true;
        else o[m->noffered++] = m->ev[i];
    }
    m->noffered = sorted_unique(o, m->noffered);
    return true;
}

static void moves_free(struct moves *m)
{
    free(m->ev);
    free(m->tg);
    free(m->offered);
    free(m->after);
}

/* Is a refusal seen before the gathered state's events (stable, and not offering ✓)? */
static bool refusal_seen(const struct moves *m)
{
    return m->stable && !m->ticks;
}

/* R: after gather, the nodes after each offered event when a refusal is seen there (one
 * question to the normal form per state, not per event).  False when out of memory. */
static bool rt_nodes(struct normal *norm, uint32_t node, struct moves *m)
{
    return !refusal_seen(m) || norm_after_refusal(norm, node, m->offered, m->noffered, m->after) == 0;
}

/* R: the node after the gathered state performs visible `event` from `node`. */
static uint32_t rt_after(struct normal *norm, uint32_t node, const struct moves *m, uint32_t event)
{
    if (event != EV_TICK && refusal_seen(m))
        return m->after[sorted_lower_bound(m->offered, m->noffered, event)];
    return norm_after(norm, node, event);
}

struct product {
    struct normal *norm;
    const struct machine *impl;
    enum chk_model model;
    bool chaos_after_divergence;  /* refinement in FD: after the spec diverges, anything goes */
    uint32_t words;               /* of a pair: 1 + the implementation's */
    bool error;                   /* the normal form ran out of room */
    struct moves moves;           /* R: scratch for pair_successors */
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
    if (refusal_testing(p->model)) {
        /* The same pairs as the search makes (see rt_expand). */
        if (!gather(p->impl, vec + 1, &p->moves) || !rt_nodes(p->norm, node, &p->moves))
            p->error = true;
        for (size_t i = 0; !p->error && i < p->moves.n; i++) {
            uint32_t e = p->moves.ev[i], to = node;
            if (e != EV_TAU) to = rt_after(p->norm, node, &p->moves, e);
            if (to == NORM_ERROR) p->error = true;
            if (to >= NORM_ERROR) continue;
            b[0] = to;
            memcpy(b + 1, p->moves.tg + i * (p->words - 1), (p->words - 1) * sizeof *b);
            emit(ctx, e, b);
        }
    } else {
        struct pair_emit pe = {p, node, emit, ctx, b};
        mach_successors(p->impl, vec + 1, pair_step, &pe);
    }
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
    uint32_t revival_event;       /* R: an event performed after a refusal the spec cannot
                                     make, or NORM_NONE */
};

/* Inserts the waiting successor pairs, in order (so numbering stays breadth-first). */
static void flush(struct search *s)
{
    if (s->nbatch && store_insert_batch(s->st, s->batch, s->nbatch, s->current) < 0) s->full = true;
    s->nbatch = 0;
}

/* Records an event the implementation's state offers; false (and the product's error set)
 * when out of memory. */
static bool offer(struct search *s, uint32_t e)
{
    if (s->noffered == s->offered_cap) {
        size_t cap = s->offered_cap ? 2 * s->offered_cap : 16;
        uint32_t *v = realloc(s->offered, cap * sizeof *v);
        if (!v) {
            s->p->error = true;
            return false;
        }
        s->offered = v;
        s->offered_cap = cap;
    }
    s->offered[s->noffered++] = e;
    return true;
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
        if (!offer(s, event)) return;
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

/* R: the current pair's successors, like visit's but each event's node following the refusal
 * seen before it. */
static void rt_expand(struct search *s, const uint64_t *cur, struct moves *m)
{
    struct product *p = s->p;
    if (!gather(p->impl, cur + 1, m) || !rt_nodes(p->norm, s->node, m)) {
        p->error = true;
        return;
    }
    s->stable = m->stable;
    s->noffered = 0;
    for (size_t i = 0; i < m->n && !p->error; i++) {
        uint32_t e = m->ev[i], to = s->node;
        s->transitions++;
        if (e != EV_TAU) {
            if (!offer(s, e)) return;
            to = rt_after(p->norm, s->node, m, e);
            if (to == NORM_ERROR) {
                p->error = true;
                return;
            }
            if (to == NORM_NONE) {
                /* Not even without the refusal: a trace failure, which comes first. */
                uint32_t plain = norm_after(p->norm, s->node, e);
                if (plain == NORM_ERROR) p->error = true;
                else if (plain == NORM_NONE && s->bad_event == NORM_NONE) s->bad_event = e;
                else if (plain != NORM_NONE && s->revival_event == NORM_NONE) s->revival_event = e;
                continue;
            }
            if (e == EV_TICK) continue;
        }
        if (s->nbatch == s->batch_cap) flush(s);
        uint64_t *to_pair = s->batch + s->nbatch++ * p->words;
        to_pair[0] = to;
        memcpy(to_pair + 1, m->tg + i * (p->words - 1), (p->words - 1) * sizeof *to_pair);
    }
}

static bool copy_set(uint32_t **to, size_t *n, const uint32_t *from, size_t count)
{
    *to = malloc((count ? count : 1) * sizeof **to);
    if (!*to) return false;
    if (count) memcpy(*to, from, count * sizeof *from);
    *n = count;
    return true;
}

/* R: the refusals seen along the counterexample's path, before each visible event (see
 * chk_result.rtrace).  In a stable state offering I the refusal shown is what the spec's
 * stable members there offer beyond I: refusing it picks out the same members as refusing
 * all of Σ \ I (norm_refused), and it is finite and to the point.  False when out of memory. */
static bool refusal_trace(struct product *p, struct moves *m, struct chk_result *r)
{
    uint32_t *out = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i + 1 < r->npath; i++) {
        if (r->path_events[i] == EV_TAU) continue;
        const uint64_t *pair = r->path + i * r->words;
        if (!gather(p->impl, pair + 1, m)) goto fail;
        size_t nx = 0;
        const uint32_t *x = NULL;
        if (refusal_seen(m) && !(x = norm_refused(p->norm, (uint32_t)pair[0], m->offered,
                                                  m->noffered, &nx)))
            goto fail;
        if (n + nx + 1 > cap) {
            cap = 2 * (n + nx + 1);
            uint32_t *v = realloc(out, cap * sizeof *v);
            if (!v) goto fail;
            out = v;
        }
        if (!refusal_seen(m)) {
            out[n++] = CHK_NO_REFUSAL;
            continue;
        }
        out[n++] = (uint32_t)nx;
        if (nx) memcpy(out + n, x, nx * sizeof *x);
        n += nx;
    }
    r->rtrace = out ? out : malloc(sizeof *out);
    r->nrtrace = n;
    return r->rtrace != NULL;
fail:
    free(out);
    return false;
}

/* The one-core search, to its first failure in breadth-first order.  `divergence`: look for
 * implementation divergences too (FD, RD, VD); false when the implementation has no tau, or
 * a parallel search found no tau cycle at all.  `spec_states`: the most specification
 * states the normaliser may hold, when that is not lim's max_states (0). */
static void search(const struct machine *spec, const struct machine *impl, enum chk_model model,
                   enum mode mode, bool divergence, const struct chk_limits *lim,
                   uint64_t spec_states, struct chk_result *r)
{
    double start = chk_now();
    memset(r, 0, sizeof *r);
    struct chk_limits norm_lim = lim ? *lim : (struct chk_limits){0};
    if (spec_states) norm_lim.max_states = spec_states;
    const struct chk_limits *nl = lim || spec_states ? &norm_lim : NULL;
    /* Implementation divergences (FD, RD, VD): a pair diverges when its node cannot and its
     * implementation state can (taus leave the node as it is, in R's pairs too).  Whether
     * each unstable state met can is asked of a normaliser of the implementation — for
     * determinism the process's own — which finds each state's answer once, by a search of
     * the taus from it; so a divergence is found where breadth-first order meets it, like
     * any other failure. */
    struct normal *impl_norm = divergence && mode == REFINE ? norm_new(impl, nl) : NULL;
    struct product p = {norm_new(spec, nl), impl, model,
                        chk_model_divergence(model) && mode == REFINE, 1 + mach_words(impl), false,
                        {.words = mach_words(impl)}};
    struct moves moves = {.words = mach_words(impl)};
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
    struct normal *oracle = mode == DETERMINISM ? p.norm : impl_norm;
    if (!p.norm || !s.st || !s.pair || !s.batch || root == NORM_ERROR || (divergence && !oracle)) {
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
        s.bad_event = s.revival_event = NORM_NONE;
        if (refusal_testing(model))
            rt_expand(&s, cur, &moves);
        else
            mach_successors(impl, cur + 1, visit, &s);
        flush(&s);
        if (p.error || s.full) break;
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
            } else if (mode == REFINE && (revivals(model) || refusal_testing(model)) &&
                       !(s.noffered && s.offered[0] == EV_TICK)) {
                /* V: each event offered must be a revival of the spec; R found any that is
                 * not while following the events. */
                uint32_t *in = s.offered;
                size_t ni = s.noffered;
                uint32_t a = s.revival_event;
                for (size_t i = 0; revivals(model) && i < ni && a == NORM_NONE; i++)
                    if (!norm_revives(p.norm, s.node, in, ni, in[i])) a = in[i];
                if (a != NORM_NONE) {
                    size_t nm;
                    const uint32_t *m = norm_revival_missing(p.norm, s.node, in, ni, a, &nm);
                    if (!m || !copy_set(&r->refusal, &r->nrefusal, m, nm)) p.error = true;
                    bad = s.current;
                    r->kind = CHK_REVIVAL;
                    r->event = a;
                }
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
        /* An unstable state: does it diverge?  (A trace failure of the same pair, met above,
         * is reported first, as it was when divergences were found after the search.) */
        if (bad == STORE_NONE && divergence && !s.stable) {
            int d = norm_state_diverges(oracle, cur + 1);
            if (d < 0) {
                p.error = true;
                break;
            }
            if (d) {
                bad = s.current;
                r->kind = CHK_DIVERGENCE;
            }
        }
        if (bad != STORE_NONE) break;  /* breadth-first: the nearest failure */
    }
    free(cur);
    r->states = store_count(s.st);
    r->transitions = s.transitions;
    if (s.full) r->limit = "memory";
    if (p.error && !r->limit && impl_norm) r->limit = norm_limit(impl_norm);
    if (p.error && !r->limit) r->limit = norm_limit(p.norm) ? norm_limit(p.norm) : "memory";
    if (r->limit) {
        r->verdict = CHK_LIMIT;
        goto out;
    }
    if (bad == STORE_NONE) {
        r->verdict = CHK_HOLDS;
        r->kind = CHK_NONE;
    } else {
        r->verdict = chk_path(&sp, s.st, bad, r) == 0 && !p.error ? CHK_FAILS : CHK_ERROR;
        r->offset = 1;
        if (r->verdict == CHK_FAILS && refusal_testing(model) && !refusal_trace(&p, &moves, r))
            r->verdict = CHK_ERROR;
    }
out:
    r->seconds = chk_now() - start;
    free(s.offered);
    free(s.pair);
    free(s.batch);
    store_free(s.st);
    norm_free(p.norm);
    norm_free(impl_norm);
    moves_free(&moves);
    moves_free(&p.moves);
}

/* ---- the same on several cores ----
 *
 * With the specification normalised in full first (so the normal form is read-only), the
 * question "is a bad pair reachable" is the parallel explorer's.  A pair fits one word — the
 * node above the implementation's state bits — when there are bits enough; else it is the
 * node's word followed by the implementation's (tree-compressed by the explorer).  A failure
 * is searched again on one core for the shortest, repeatable counterexample.  In FD a tau
 * cycle among the pairs is a divergence (checker/taucycle.h): taus leave the node as it is,
 * so such a cycle is the implementation's, under a node that cannot diverge. */

/* The most nodes a normal form may have for the parallel search: it is built in full (on
 * every thread) before the search starts, whatever part of it the implementation meets. */
enum { PARALLEL_MAX_NODES = 1 << 24 };

struct pair_space {
    struct normal *norm;
    const struct machine *impl;
    enum chk_model model;
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

/* Emits the pair (node, target) for the implementation's transition on `event`. */
static void emit_pair(const struct pair_space *ps, uint32_t node, uint32_t event,
                      const uint64_t *target, uint64_t *pair, mach_emit *emit, void *ctx)
{
    if (ps->packed) {
        uint64_t one = (uint64_t)node << ps->shift | target[0];
        emit(ctx, event, &one);
        return;
    }
    pair[0] = node;
    memcpy(pair + 1, target, (ps->words - 1) * sizeof *target);
    emit(ctx, event, pair);
}

/* R on several cores: a state's transitions gathered on the thread's stack (the heap only
 * for a state with many, or with long vectors) — a pair's expansion allocates nothing. */
enum { LOCAL_MOVES = 32 };

struct local_moves {
    uint32_t words, n, cap;
    uint32_t *ev;
    uint64_t *tg;
    bool oom;
    uint32_t ev0[LOCAL_MOVES];
    uint64_t tg0[2 * LOCAL_MOVES];  /* LOCAL_MOVES targets of up to 2 words */
};

static void add_local(void *ctx, uint32_t event, const uint64_t *target)
{
    struct local_moves *m = ctx;
    if (m->oom) return;
    if (m->n == m->cap) {
        uint32_t cap = m->cap ? 2 * m->cap : LOCAL_MOVES;
        uint32_t *ev = malloc(cap * sizeof *ev);
        uint64_t *tg = malloc((size_t)cap * m->words * sizeof *tg);
        if (!ev || !tg) {
            free(ev);
            free(tg);
            m->oom = true;
            return;
        }
        if (m->n) {
            memcpy(ev, m->ev, m->n * sizeof *ev);
            memcpy(tg, m->tg, (size_t)m->n * m->words * sizeof *tg);
        }
        if (m->ev != m->ev0) {
            free(m->ev);
            free(m->tg);
        }
        m->ev = ev;
        m->tg = tg;
        m->cap = cap;
    }
    m->ev[m->n] = event;
    memcpy(m->tg + (size_t)m->n * m->words, target, m->words * sizeof *target);
    m->n++;
}

/* R, RD: a pair's expansion on several cores.  As in rt_expand, the implementation state's
 * transitions are gathered first, since the node after an event depends on whether a
 * refusal is seen before it; the nodes after refusals were all made beforehand
 * (norm_complete_refusals).  A trace or revival failure, and F's refusal check, make the
 * pair bad — the one-core search then says which. */
static bool rt_pair_expand(const struct pair_space *ps, uint32_t node, const uint64_t *impl,
                           mach_emit *emit, void *ctx)
{
    uint32_t iw = ps->packed ? 1 : ps->words - 1;
    struct local_moves m = {.words = iw};
    if (iw <= 2) {
        m.ev = m.ev0;
        m.tg = m.tg0;
        m.cap = LOCAL_MOVES;
    }
    mach_successors(ps->impl, impl, add_local, &m);
    uint32_t off0[LOCAL_MOVES], *offered = m.n <= LOCAL_MOVES ? off0 : malloc(m.n * sizeof *offered);
    uint64_t pairbuf[64], *pair = ps->words <= 64 ? pairbuf : malloc(ps->words * sizeof *pair);
    bool bad = m.oom || !offered || !pair;  /* out of memory: let the one-core search decide */
    bool stable = true, ticks = false;
    size_t noffered = 0;
    for (uint32_t i = 0; !bad && i < m.n; i++) {
        if (m.ev[i] == EV_TAU) stable = false;
        else if (m.ev[i] == EV_TICK) ticks = true;
        else offered[noffered++] = m.ev[i];
    }
    noffered = bad ? 0 : sorted_unique(offered, noffered);
    bool refusal = stable && !ticks;  /* refusal_seen's rule */
    for (uint32_t i = 0; !bad && i < m.n; i++) {
        uint32_t e = m.ev[i], to = node;
        const uint64_t *target = m.tg + (size_t)i * iw;
        if (e != EV_TAU) {
            to = e != EV_TICK && refusal ? norm_refusal_after(ps->norm, node, e, offered, noffered)
                                         : norm_after(ps->norm, node, e);
            if (to >= NORM_ERROR || e == EV_TICK) {
                bad |= to >= NORM_ERROR;
                emit(ctx, EV_TICK, target);  /* counted as a transition, not explored */
                continue;
            }
        }
        emit_pair(ps, to, e, target, pair, emit, ctx);
    }
    if (!bad && stable && ps->model != CHK_MODEL_T) {
        /* F's check on the last refusal: offering ✓, a state may refuse all the rest. */
        uint32_t tick = EV_TICK;
        bad = ticks ? !norm_accepts(ps->norm, node, &tick, 1)
                    : !norm_accepts(ps->norm, node, offered, noffered);
    }
    if (pair && pair != pairbuf) free(pair);
    if (offered && offered != off0) free(offered);
    if (m.ev != m.ev0) {
        free(m.ev);
        free(m.tg);
    }
    return bad;
}

static bool pair_expand(void *data, const uint64_t *state, mach_emit *emit, void *ctx)
{
    const struct pair_space *ps = data;
    uint64_t one = state[0] & ps->mask, pairbuf[64];
    struct pair_step x = {ps, emit, ctx, 0, false, true, {0}, NULL, 0, 64, pairbuf};
    x.offered = x.buf;
    x.node = ps->packed ? (uint32_t)(state[0] >> ps->shift) : (uint32_t)state[0];
    if (chk_model_divergence(ps->model) && norm_divergent(ps->norm, x.node))
        return false;
    if (refusal_testing(ps->model))
        return rt_pair_expand(ps, x.node, ps->packed ? &one : state + 1, emit, ctx);
    if (!ps->packed && ps->words > 64 && !(x.pair = malloc(ps->words * sizeof *x.pair))) return true;
    mach_successors(ps->impl, ps->packed ? &one : state + 1, pair_visit, &x);
    bool bad = x.bad;
    if (!bad && x.stable && ps->model != CHK_MODEL_T) {
        size_t k = sorted_unique(x.offered, x.noffered);
        if (k && x.offered[0] == EV_TICK) k = 1;  /* offering ✓: may refuse the rest */
        bad = !norm_accepts(ps->norm, x.node, x.offered, k);
        /* V: each event offered must be a revival of the spec (not when offering ✓: such a
         * state is never seen to refuse). */
        if (!bad && revivals(ps->model) && !(k && x.offered[0] == EV_TICK))
            for (size_t i = 0; i < k && !bad; i++)
                bad = !norm_revives(ps->norm, x.node, x.offered, k, x.offered[i]);
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

/* Can some node of a complete normal form diverge? */
static bool any_divergent(struct normal *norm)
{
    for (uint32_t k = 0; k < norm_nodes(norm); k++)
        if (norm_divergent(norm, k)) return true;
    return false;
}

/* Determinism on the complete normal form of the process itself (normal.h,
 * norm_refuses_own_initials): every state it reaches is a member of the node its trace leads
 * to, so it can diverge exactly when some node can, and the pairs (node, member) are all a
 * search of pairs would visit.  A node that can diverge sends the check to the one-core
 * search, which finds the nearest failure (false); else r is filled in (true) and the normal
 * form freed. */
static bool normal_form_decides(struct normal *norm, bool *divergence, double start,
                                struct chk_result *r)
{
    if (*divergence && any_divergent(norm)) {
        norm_free(norm);
        return false;
    }
    *divergence = false;
    memset(r, 0, sizeof *r);
    int bad = norm_refuses_own_initials(norm, &r->states, &r->transitions);
    if (bad < 0) {
        r->verdict = CHK_LIMIT;
        r->limit = norm_limit(norm) ? norm_limit(norm) : "memory";
    } else {
        r->verdict = bad ? CHK_FAILS : CHK_HOLDS;
        r->kind = bad ? CHK_NONDET : CHK_NONE;
    }
    norm_free(norm);
    r->seconds = chk_now() - start;
    return true;
}

/* The parallel search (or, for determinism, the complete normal form), when it applies: true
 * with r filled in, false to search on one core.
 * *divergence: whether implementation divergences are to be looked for, which this clears
 * when the normal form shows there are none. */
static bool search_parallel(const struct machine *spec, const struct machine *impl,
                            enum chk_model model, enum mode mode, const struct chk_limits *lim,
                            bool *divergence, struct chk_result *r)
{
    if (!lim || lim->threads < 1) return false;
    double start = chk_now();
    struct normal *norm = norm_new(spec, lim);
    if (norm) norm_number_spec(norm, lim->threads);  /* the spec's states on every thread */
    uint32_t max_nodes = PARALLEL_MAX_NODES;
    if (lim->max_states && lim->max_states < max_nodes) max_nodes = (uint32_t)lim->max_states;
    bool complete = refusal_testing(model) ? norm_complete_refusals(norm, max_nodes)
                                           : norm_complete(norm, max_nodes);
    if (!norm || !complete || (revivals(model) && !norm_prepare_revivals(norm))) {
        norm_free(norm);
        return false;
    }
    if (mode == DETERMINISM) return normal_form_decides(norm, divergence, start, r);
    uint32_t iw = mach_words(impl);
    struct pair_space sp = {norm, impl, model, false, 0, ~0ull, 1 + iw};
    uint32_t bits = 0;
    if (iw == 1 && mach_bits(impl) + bits_for(norm_nodes(norm)) <= 64) {
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
    norm_shed(norm);  /* (the root is known: the search only reads the normal form now) */
    mach_initial(impl, init + 1);
    if (sp.packed) init[0] = init[0] << sp.shift | init[1];
    /* FD, VD: an implementation's tau cycle under a node that cannot diverge is a divergence
     * the specification does not allow (pairs under a divergent node are not expanded). */
    struct par_space ps = {sp.words, init, pair_expand, &sp, false, bits, *divergence, NULL, 0};
    bool done = chk_parallel_search(&ps, lim, lim->threads, r);
    free(init);
    norm_free(norm);
    if (done) r->seconds = chk_now() - start;
    return done;
}

/* ---- the pairs, for a search elsewhere ---- */

struct chk_pairs {
    struct pair_space sp;
    uint32_t root;
};

struct chk_pairs *chk_pairs_new(const struct machine *spec, const struct machine *impl,
                                enum chk_model model, const struct chk_limits *lim,
                                uint32_t max_nodes)
{
    struct chk_pairs *p = malloc(sizeof *p);
    struct normal *norm = p ? norm_new(spec, lim) : NULL;
    bool complete = norm && (refusal_testing(model) ? norm_complete_refusals(norm, max_nodes)
                                                    : norm_complete(norm, max_nodes));
    if (!complete || (revivals(model) && !norm_prepare_revivals(norm))) {
        norm_free(norm);
        free(p);
        return NULL;
    }
    p->sp = (struct pair_space){norm, impl, model, false, 0, ~0ull, 1 + mach_words(impl)};
    p->root = norm_root(norm);
    norm_shed(norm);  /* (the root is known: the search only reads the normal form now) */
    return p;
}

uint32_t chk_pairs_root(const struct chk_pairs *p)
{
    return p->root;
}

bool chk_pairs_expand(const struct chk_pairs *p, const uint64_t *pair, mach_emit *emit, void *ctx)
{
    return pair_expand((void *)&p->sp, pair, emit, ctx);
}

void chk_pairs_free(struct chk_pairs *p)
{
    if (!p) return;
    norm_free(p->sp.norm);
    free(p);
}

/* How far the one-core search goes before the parallel one takes over: most checks end (or
 * fail) within it, and it needs no normal form built in full — which for a large
 * specification could cost more than the whole check.  Its pairs are bounded, and so are the
 * specification states its normaliser meets, more loosely: closures of hidden events hold
 * many states (determinism of the hidden philosophers at N = 8 meets a failure after 3 045
 * pairs and more than 20 000 process states), and a state costs the normaliser far less
 * than a pair costs the search. */
enum { QUICK_STATES = 20000, QUICK_SPEC_STATES = 50 * QUICK_STATES };

/* The quick one-core search, then the parallel one, then — for a failure — the one-core search
 * again for its counterexample. */
static void check(const struct machine *spec, const struct machine *impl, enum chk_model model,
                  enum mode mode, const struct chk_limits *lim, struct chk_result *r)
{
    /* Divergence is a cycle of the implementation's taus: none to look for without a tau. */
    bool divergence = chk_model_divergence(model) && mach_has_tau(impl);
    double quick_seconds = 0;
    if (lim && lim->threads >= 1 && (!lim->max_states || lim->max_states > QUICK_STATES)) {
        struct chk_limits quick = *lim;
        quick.max_states = QUICK_STATES;
        search(spec, impl, model, mode, divergence, &quick, QUICK_SPEC_STATES, r);
        /* Only the quick search's own bound sends the check on; any other limit is the
         * user's, and final. */
        if (r->verdict != CHK_LIMIT || strcmp(r->limit ? r->limit : "", "states") != 0) return;
        quick_seconds = r->seconds;
        chk_result_free(r);
    }
    if (search_parallel(spec, impl, model, mode, lim, &divergence, r)) {
        r->seconds += quick_seconds;
        bool again = divergence;
        double first;
        if (chk_parallel_settles(r, &again, &first)) return;
        search(spec, impl, model, mode, again, lim, 0, r);
        r->seconds += first;
        return;
    }
    search(spec, impl, model, mode, divergence, lim, 0, r);
}

void chk_refines(const struct machine *spec, const struct machine *impl, enum chk_model model,
                 const struct chk_limits *lim, struct chk_result *r)
{
    check(spec, impl, model, REFINE, lim, r);
}

void chk_deterministic(const struct machine *m, enum chk_model model, const struct chk_limits *lim,
                       struct chk_result *r)
{
    check(m, m, chk_model_divergence(model) ? CHK_MODEL_FD : CHK_MODEL_F, DETERMINISM, lim, r);
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
