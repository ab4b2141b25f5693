/* proc.c — the operational semantics of process terms: FDR's firing rules, with tau and ✓
 * as Roscoe's "Understanding Concurrent Systems" (ch. 9) gives them.  See proc.h. */
#include "model/proc.h"

#include <stdlib.h>
#include <string.h>

const char *proc_op_name(int op)
{
    static const char *const names[] = {
#define X(op, text, layout) text,
        PROC_OPS(X)
#undef X
    };
    return op >= 0 && op < (int)(sizeof names / sizeof names[0]) ? names[op] : "?";
}

const char *proc_compression_name(int k)
{
    static const char *const names[] = {
#define X(k, text) text,
        PROC_COMPRESSIONS(X)
#undef X
    };
    return k >= 0 && k < COMP_COUNT ? names[k] : "?";
}

enum { NAME_SPECIAL = -1 };  /* the val_name kind of tau and ✓ */

int proc_sem_init(struct proc_sem *sem, val_store *vs, proc_force_fn *force, void *evaluator)
{
    memset(sem, 0, sizeof *sem);
    sem->vs = vs;
    sem->force = force;
    sem->evaluator = evaluator;
    const struct val_name *tau = val_name_new(vs, "τ", NAME_SPECIAL, NULL);
    const struct val_name *tick = val_name_new(vs, "✓", NAME_SPECIAL, NULL);
    if (!tau || !tick) return -1;
    sem->tau = val_named(vs, tau);
    sem->tick = val_named(vs, tick);
    return sem->tau && sem->tick ? 0 : -1;
}

void proc_sem_free(struct proc_sem *sem)
{
    free(sem->canon_k);
    free(sem->canon_v);
    sem->canon_k = sem->canon_v = NULL;
    sem->canon_cap = sem->canon_n = 0;
}

const value *proc_whnf(struct proc_sem *sem, const value *p)
{
    while (p && p->kind == VAL_PROC && p->num == PROC_THUNK)
        p = sem->force ? sem->force(sem->evaluator, p) : NULL;
    return p;
}

/* Which operands of an operator are active — their transitions are the term's — and so are
 * kept forced.  A prefix's continuation, the right of `;` and `[>` and the handler of
 * `[| |>` wait, and the operands of |~| are only reached by a tau. */
static bool active(int op, uint32_t k, uint32_t n)
{
    switch (op) {
    case PROC_EXT:
    case PROC_INTERLEAVE:
    case PROC_INTERRUPT:
        return true;
    case PROC_PAR:
    case PROC_LINK:
    case PROC_SYNC_EXT:
    case PROC_SYNC_INTERRUPT:
    case PROC_APAR:
        return k == 0 || k == n - 1;
    case PROC_SEQ:
    case PROC_SLIDING:
    case PROC_EXCEPTION:
    case PROC_HIDE:
    case PROC_RENAME:
    case PROC_PRIORITISE:
    case PROC_COMPRESS:
        return k == 0;
    default:
        return false;
    }
}

static size_t canon_slot(const struct proc_sem *sem, const value *p)
{
    size_t mask = sem->canon_cap - 1, i = ((size_t)p->hash * 0x9E3779B97F4A7C15ull >> 7) & mask;
    while (sem->canon_k[i] && sem->canon_k[i] != p) i = (i + 1) & mask;
    return i;
}

/* Remembers that p's canonical form is c (and that c is its own); best effort. */
static void canon_remember(struct proc_sem *sem, const value *p, const value *c)
{
    if ((sem->canon_n + 2) * 2 > sem->canon_cap) {
        size_t cap = sem->canon_cap ? 2 * sem->canon_cap : 1024;
        const value **k = calloc(cap, sizeof *k), **v = malloc(cap * sizeof *v);
        if (!k || !v) {
            free(k);
            free(v);
            return;
        }
        const value **ok = sem->canon_k, **ov = sem->canon_v;
        size_t ocap = sem->canon_cap;
        sem->canon_k = k;
        sem->canon_v = v;
        sem->canon_cap = cap;
        for (size_t i = 0; i < ocap; i++)
            if (ok[i]) {
                size_t j = canon_slot(sem, ok[i]);
                k[j] = ok[i];
                v[j] = ov[i];
            }
        free(ok);
        free(ov);
    }
    const value *pairs[2][2] = {{p, c}, {c, c}};
    for (int i = 0; i < 2; i++) {
        size_t j = canon_slot(sem, pairs[i][0]);
        if (!sem->canon_k[j]) sem->canon_n++;
        sem->canon_k[j] = pairs[i][0];
        sem->canon_v[j] = pairs[i][1];
    }
}

static const value *canon_walk(struct proc_sem *sem, const value *p, int depth);
static const value *mk(struct proc_sem *sem, int op, const value *const *items, size_t n);

static const value *canon(struct proc_sem *sem, const value *p, int depth)
{
    if (p && sem->canon_cap) {
        size_t j = canon_slot(sem, p);
        if (sem->canon_k[j]) return sem->canon_v[j];
    }
    const value *orig = p, *c = canon_walk(sem, p, depth);
    if (orig && c) canon_remember(sem, orig, c);
    return c;
}

static bool is_stop(const value *p)
{
    return p && p->kind == VAL_PROC && p->num == PROC_STOP;
}

static const value *canon_walk(struct proc_sem *sem, const value *p, int depth)
{
    p = proc_whnf(sem, p);
    if (!p || p->kind != VAL_PROC || depth > 10000) return depth > 10000 ? NULL : p;
    if (p->num == PROC_COMPRESS) {
        /* Transparent (proc.h).  A chain of compressions that comes back (P = normal(P)) is
         * unguarded recursion: the least fixed point, DIV. */
        const value *q = p;
        for (int hops = 0; q && q->kind == VAL_PROC && q->num == PROC_COMPRESS; hops++) {
            q = proc_whnf(sem, q->items[0]);
            if (q == p || hops > 1000) q = mk(sem, PROC_DIV, NULL, 0);
        }
        return q ? canon(sem, q, depth + 1) : NULL;
    }
    const value *small[8], **items = NULL;
    for (uint32_t k = 0; k < p->n; k++) {
        if (!active((int)p->num, k, p->n)) continue;
        const value *c = canon(sem, p->items[k], depth + 1);
        if (!c) goto fail;
        if (c == p->items[k]) continue;
        if (!items) {
            items = p->n <= 8 ? small : malloc(p->n * sizeof *items);
            if (!items) return NULL;
            memcpy(items, p->items, p->n * sizeof *items);
        }
        items[k] = c;
    }
    /* P /\ STOP is P, and STOP /\ Q is Q (the same transitions, so the same process in
     * every model): recursion through an interrupt by STOP, P = (a -> P) /\ STOP, then stays
     * finite instead of nesting without end. */
    if (p->num == PROC_INTERRUPT && p->n == 2) {
        const value *l = items ? items[0] : p->items[0], *r = items ? items[1] : p->items[1];
        const value *keep = is_stop(r) ? l : is_stop(l) ? r : NULL;
        if (keep) {
            if (items && items != small) free(items);
            return keep;
        }
    }
    /* (P \ A) \ B is P \ (A ∪ B) (a law of every model): one operator for both keeps
     * recursion through hiding, P = (a -> P) \ B, from nesting without end. */
    const value *child = items ? items[0] : p->items[0];
    if (p->num == PROC_HIDE && child && child->kind == VAL_PROC && child->num == PROC_HIDE) {
        const value *set = val_set_union(sem->vs, child->items[1], p->items[1]);
        const value *both[2] = {child->items[0], set};
        if (items && items != small) free(items);
        return set ? canon(sem, val_proc(sem->vs, PROC_HIDE, p->code, both, 2), depth + 1) : NULL;
    }
    if (items) {
        const value *r = val_proc(sem->vs, (int)p->num, p->code, items, p->n);
        if (items != small) free(items);
        return r;
    }
    return p;
fail:
    if (items && items != small) free(items);
    return NULL;
}

/* Canonical forms are cached: a term reached again (the common case in a search, and every
 * branch of a wide choice sharing one continuation) costs one lookup, not a walk. */
const value *proc_canon(struct proc_sem *sem, const value *p)
{
    return p ? canon(sem, p, 0) : NULL;
}

/* ---- transition lists ---- */

struct list {
    struct proc_trans *v;
    size_t n, cap;
    bool oom;
};

static void add(struct list *l, const value *event, const value *target)
{
    if (l->oom || !target || !event) {
        l->oom = true;
        return;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        struct proc_trans *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->oom = true;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (struct proc_trans){event, target};
}

static int trans(struct proc_sem *sem, const value *p, struct list *out, int depth);

/* The transitions of an operand, into a fresh list the caller frees.  A transition that could
 * not be made (its target failed to evaluate, or memory ran out) fails the whole list: a
 * dropped branch would silently change the verdict. */
static int sub(struct proc_sem *sem, const value *p, struct list *l, int depth)
{
    memset(l, 0, sizeof *l);
    int r = trans(sem, p, l, depth + 1);
    if (r == 0 && !l->oom) return 0;
    free(l->v);
    memset(l, 0, sizeof *l);
    return -1;
}

static const value *mk(struct proc_sem *sem, int op, const value *const *items, size_t n)
{
    return val_proc(sem->vs, op, NULL, items, n);
}

static const value *omega(struct proc_sem *sem)
{
    return mk(sem, PROC_OMEGA, NULL, 0);
}

static bool is_tau(const struct proc_sem *sem, const value *e)
{
    return e == sem->tau;
}

static bool is_tick(const struct proc_sem *sem, const value *e)
{
    return e == sem->tick;
}

static bool in(const value *set, const value *e)
{
    return val_set_member(set, e);
}

/* Does relation R (a set of pairs) have `e` on the given side (0 left, 1 right)? */
static bool related(const value *R, const value *e, int side)
{
    for (uint32_t i = 0; i < R->n; i++)
        if (R->items[i]->n == 2 && R->items[i]->items[side] == e) return true;
    return false;
}

/* The binary parallel operators: [| A |], [A || B], ||| and [ R ].  kind selects which;
 * rebuild makes the operator term for new operands. */
enum par_kind { K_PAR, K_APAR, K_INTERLEAVE, K_LINK };

static const value *par_term(struct proc_sem *sem, const value *p, const value *l, const value *r)
{
    const value *items[4];
    size_t n = p->n;
    memcpy(items, p->items, n * sizeof *items);
    items[0] = l;
    items[n - 1] = r;
    return mk(sem, (int)p->num, items, n);
}

static int par_trans(struct proc_sem *sem, const value *p, enum par_kind kind, struct list *out,
                     int depth)
{
    const value *L = p->items[0], *Rp = p->items[p->n - 1];
    const value *A = kind == K_PAR || kind == K_APAR ? p->items[1] : NULL;
    const value *B = kind == K_APAR ? p->items[2] : NULL;
    const value *rel = kind == K_LINK ? p->items[1] : NULL;
    struct list l, r;
    if (sub(sem, L, &l, depth) < 0) return -1;
    if (sub(sem, Rp, &r, depth) < 0) {
        free(l.v);
        return -1;
    }
    for (int side = 0; side < 2; side++) {
        const struct list *x = side ? &r : &l;
        for (size_t i = 0; i < x->n; i++) {
            const value *e = x->v[i].event, *t = x->v[i].target;
            const value *nl = side ? L : t, *nr = side ? t : Rp;
            if (is_tau(sem, e)) {
                add(out, e, par_term(sem, p, nl, nr));
            } else if (is_tick(sem, e)) {
                /* A side that terminates becomes Ω, silently; the whole terminates below. */
                add(out, sem->tau, par_term(sem, p, side ? L : omega(sem), side ? omega(sem) : Rp));
            } else {
                bool alone;
                switch (kind) {
                case K_PAR: alone = !in(A, e); break;
                case K_APAR: alone = side ? in(B, e) && !in(A, e) : in(A, e) && !in(B, e); break;
                case K_LINK: alone = !related(rel, e, side); break;
                default: alone = true; break;
                }
                if (alone) add(out, e, par_term(sem, p, nl, nr));
            }
        }
    }
    /* Synchronisations. */
    for (size_t i = 0; i < l.n; i++) {
        const value *e = l.v[i].event;
        if (is_tau(sem, e) || is_tick(sem, e)) continue;
        for (size_t j = 0; j < r.n; j++) {
            const value *f = r.v[j].event;
            bool sync;
            switch (kind) {
            case K_PAR: sync = e == f && in(A, e); break;
            case K_APAR: sync = e == f && in(A, e) && in(B, e); break;
            case K_LINK: {
                sync = false;
                for (uint32_t k = 0; k < rel->n && !sync; k++)
                    sync = rel->items[k]->n == 2 && rel->items[k]->items[0] == e &&
                           rel->items[k]->items[1] == f;
                break;
            }
            default: sync = false; break;
            }
            if (sync)
                add(out, kind == K_LINK ? sem->tau : e, par_term(sem, p, l.v[i].target, r.v[j].target));
        }
    }
    const value *lw = proc_whnf(sem, L), *rw = proc_whnf(sem, Rp);
    if (lw && rw && lw->num == PROC_OMEGA && rw->num == PROC_OMEGA) add(out, sem->tick, omega(sem));
    free(l.v);
    free(r.v);
    return 0;
}

/* Replaces operand k of p by q. */
static const value *with(struct proc_sem *sem, const value *p, uint32_t k, const value *q)
{
    const value *small[8], **items = p->n <= 8 ? small : malloc(p->n * sizeof *items);
    if (!items) return NULL;
    memcpy(items, p->items, p->n * sizeof *items);
    items[k] = q;
    const value *r = mk(sem, (int)p->num, items, p->n);
    if (items != small) free(items);
    return r;
}

static int trans(struct proc_sem *sem, const value *p, struct list *out, int depth)
{
    p = proc_whnf(sem, p);
    if (!p || p->kind != VAL_PROC || depth > 10000) return -1;
    struct list a, b;
    switch ((enum proc_op)p->num) {
    case PROC_STOP:
    case PROC_OMEGA:
        return 0;
    case PROC_SKIP:
        add(out, sem->tick, omega(sem));
        return 0;
    case PROC_DIV:
        add(out, sem->tau, p);
        return 0;
    case PROC_RUN:
        for (uint32_t i = 0; i < p->items[0]->n; i++) add(out, p->items[0]->items[i], p);
        return 0;
    case PROC_CHAOS:
        add(out, sem->tau, mk(sem, PROC_STOP, NULL, 0));
        for (uint32_t i = 0; i < p->items[0]->n; i++) add(out, p->items[0]->items[i], p);
        return 0;
    case PROC_PREFIX:
        add(out, p->items[0], proc_canon(sem, p->items[1]));
        return 0;
    case PROC_EXT:
        for (uint32_t k = 0; k < p->n; k++) {
            if (sub(sem, p->items[k], &a, depth) < 0) return -1;
            for (size_t i = 0; i < a.n; i++) {
                if (is_tau(sem, a.v[i].event))
                    add(out, sem->tau, with(sem, p, k, a.v[i].target));
                else
                    add(out, a.v[i].event, a.v[i].target);
            }
            free(a.v);
        }
        return 0;
    case PROC_INT:
        for (uint32_t k = 0; k < p->n; k++) add(out, sem->tau, proc_canon(sem, p->items[k]));
        return 0;
    case PROC_SEQ:
        if (sub(sem, p->items[0], &a, depth) < 0) return -1;
        for (size_t i = 0; i < a.n; i++) {
            if (is_tick(sem, a.v[i].event))
                add(out, sem->tau, proc_canon(sem, p->items[1]));
            else
                add(out, a.v[i].event, with(sem, p, 0, a.v[i].target));
        }
        free(a.v);
        return 0;
    case PROC_INTERLEAVE:
        return par_trans(sem, p, K_INTERLEAVE, out, depth);
    case PROC_PAR:
        return par_trans(sem, p, K_PAR, out, depth);
    case PROC_APAR:
        return par_trans(sem, p, K_APAR, out, depth);
    case PROC_LINK:
        return par_trans(sem, p, K_LINK, out, depth);
    case PROC_HIDE:
        if (sub(sem, p->items[0], &a, depth) < 0) return -1;
        for (size_t i = 0; i < a.n; i++) {
            const value *e = a.v[i].event;
            if (is_tick(sem, e))
                add(out, e, omega(sem));
            else
                add(out, in(p->items[1], e) ? sem->tau : e, with(sem, p, 0, a.v[i].target));
        }
        free(a.v);
        return 0;
    case PROC_RENAME: {
        const value *R = p->items[1];
        if (sub(sem, p->items[0], &a, depth) < 0) return -1;
        for (size_t i = 0; i < a.n; i++) {
            const value *e = a.v[i].event, *t = a.v[i].target;
            if (is_tick(sem, e)) {
                add(out, e, omega(sem));
                continue;
            }
            const value *to = with(sem, p, 0, t);
            bool mapped = false;
            for (uint32_t k = 0; k < R->n && !is_tau(sem, e); k++)
                if (R->items[k]->n == 2 && R->items[k]->items[0] == e) {
                    add(out, R->items[k]->items[1], to);
                    mapped = true;
                }
            if (!mapped) add(out, e, to);
        }
        free(a.v);
        return 0;
    }
    case PROC_INTERRUPT:
        if (sub(sem, p->items[0], &a, depth) < 0) return -1;
        if (sub(sem, p->items[1], &b, depth) < 0) {
            free(a.v);
            return -1;
        }
        for (size_t i = 0; i < a.n; i++) {
            const value *e = a.v[i].event;
            add(out, e, is_tick(sem, e) ? omega(sem) : with(sem, p, 0, a.v[i].target));
        }
        for (size_t i = 0; i < b.n; i++) {
            const value *e = b.v[i].event;
            add(out, e, is_tau(sem, e) ? with(sem, p, 1, b.v[i].target) : b.v[i].target);
        }
        free(a.v);
        free(b.v);
        return 0;
    case PROC_SLIDING:
        if (sub(sem, p->items[0], &a, depth) < 0) return -1;
        for (size_t i = 0; i < a.n; i++) {
            const value *e = a.v[i].event;
            add(out, e, is_tau(sem, e) ? with(sem, p, 0, a.v[i].target) : a.v[i].target);
        }
        add(out, sem->tau, proc_canon(sem, p->items[1]));
        free(a.v);
        return 0;
    case PROC_EXCEPTION:
        if (sub(sem, p->items[0], &a, depth) < 0) return -1;
        for (size_t i = 0; i < a.n; i++) {
            const value *e = a.v[i].event;
            if (is_tick(sem, e))
                add(out, e, omega(sem));
            else if (!is_tau(sem, e) && in(p->items[1], e))
                add(out, e, proc_canon(sem, p->items[2]));
            else
                add(out, e, with(sem, p, 0, a.v[i].target));
        }
        free(a.v);
        return 0;
    case PROC_SYNC_EXT: {
        /* [+ A +]: events of A are performed by both sides together and keep the choice
         * open; any other event (or ✓) of either side resolves it. */
        if (sub(sem, p->items[0], &a, depth) < 0) return -1;
        if (sub(sem, p->items[2], &b, depth) < 0) {
            free(a.v);
            return -1;
        }
        const value *A = p->items[1];
        for (int side = 0; side < 2; side++) {
            const struct list *x = side ? &b : &a;
            for (size_t i = 0; i < x->n; i++) {
                const value *e = x->v[i].event;
                if (is_tau(sem, e))
                    add(out, e, with(sem, p, side ? 2 : 0, x->v[i].target));
                else if (is_tick(sem, e) || !in(A, e))
                    add(out, e, x->v[i].target);
            }
        }
        for (size_t i = 0; i < a.n; i++)
            for (size_t j = 0; j < b.n; j++)
                if (a.v[i].event == b.v[j].event && !is_tau(sem, a.v[i].event) &&
                    !is_tick(sem, a.v[i].event) && in(A, a.v[i].event)) {
                    const value *items[3] = {a.v[i].target, A, b.v[j].target};
                    add(out, a.v[i].event, mk(sem, PROC_SYNC_EXT, items, 3));
                }
        free(a.v);
        free(b.v);
        return 0;
    }
    case PROC_SYNC_INTERRUPT: {
        /* /+ A +\: P runs until Q does an event outside A (or ✓), which interrupts it;
         * events of A are performed by both together and interrupt nothing. */
        if (sub(sem, p->items[0], &a, depth) < 0) return -1;
        if (sub(sem, p->items[2], &b, depth) < 0) {
            free(a.v);
            return -1;
        }
        const value *A = p->items[1];
        for (size_t i = 0; i < a.n; i++) {
            const value *e = a.v[i].event;
            if (is_tick(sem, e))
                add(out, e, omega(sem));
            else if (is_tau(sem, e) || !in(A, e))
                add(out, e, with(sem, p, 0, a.v[i].target));
        }
        for (size_t j = 0; j < b.n; j++) {
            const value *e = b.v[j].event;
            if (is_tau(sem, e))
                add(out, e, with(sem, p, 2, b.v[j].target));
            else if (is_tick(sem, e) || !in(A, e))
                add(out, e, b.v[j].target);
        }
        for (size_t i = 0; i < a.n; i++)
            for (size_t j = 0; j < b.n; j++)
                if (a.v[i].event == b.v[j].event && !is_tau(sem, a.v[i].event) &&
                    !is_tick(sem, a.v[i].event) && in(A, a.v[i].event)) {
                    const value *items[3] = {a.v[i].target, A, b.v[j].target};
                    add(out, a.v[i].event, mk(sem, PROC_SYNC_INTERRUPT, items, 3));
                }
        free(a.v);
        free(b.v);
        return 0;
    }
    case PROC_PRIORITISE: {
        /* An event of the set at position i is possible only when no event of an earlier
         * set is; tau and ✓ rank with the first set; events in no set are unaffected. */
        const value *S = p->items[1];
        if (sub(sem, p->items[0], &a, depth) < 0) return -1;
        uint32_t best = UINT32_MAX;
        uint32_t *level = malloc((a.n ? a.n : 1) * sizeof *level);
        if (!level) {
            free(a.v);
            return -1;
        }
        for (size_t i = 0; i < a.n; i++) {
            const value *e = a.v[i].event;
            level[i] = UINT32_MAX;
            if (is_tau(sem, e) || is_tick(sem, e)) level[i] = 0;
            for (uint32_t k = 0; k < S->n && level[i] == UINT32_MAX; k++)
                if (in(S->items[k], e)) level[i] = k;
            if (level[i] < best) best = level[i];
        }
        for (size_t i = 0; i < a.n; i++)
            if (level[i] == UINT32_MAX || level[i] == best)
                add(out, a.v[i].event,
                    is_tick(sem, a.v[i].event) ? omega(sem) : with(sem, p, 0, a.v[i].target));
        free(level);
        free(a.v);
        return 0;
    }
    case PROC_COMPRESS: {
        /* Its operand's transitions (proc.h); canonical terms have none of these. */
        const value *c = proc_canon(sem, p);
        return c && c != p ? trans(sem, c, out, depth + 1) : -1;
    }
    case PROC_THUNK:
        return -1;  /* proc_whnf never leaves one */
    }
    return -1;
}

static int by_trans(const void *x, const void *y)
{
    const struct proc_trans *a = x, *b = y;
    int c = val_cmp(a->event, b->event);
    return c ? c : val_cmp(a->target, b->target);
}

int proc_transitions(struct proc_sem *sem, const value *p, struct proc_trans **out, size_t *n,
                     size_t *cap)
{
    struct list l = {*out, *n, *cap, false};
    size_t start = l.n;
    p = proc_canon(sem, p);
    int r = p ? trans(sem, p, &l, 0) : -1;
    if (r == 0 && l.oom) r = -1;
    if (r == 0 && l.n - start > 1) {
        qsort(l.v + start, l.n - start, sizeof *l.v, by_trans);
        size_t k = start + 1;
        for (size_t i = start + 1; i < l.n; i++)
            if (l.v[i].event != l.v[k - 1].event || l.v[i].target != l.v[k - 1].target)
                l.v[k++] = l.v[i];
        l.n = k;
    }
    *out = l.v;
    *n = r == 0 ? l.n : start;
    *cap = l.cap;
    return r;
}

/* ---- printing ---- */

static proc_thunk_printer *thunk_printer;

void proc_set_thunk_printer(proc_thunk_printer *p)
{
    thunk_printer = p;
}

struct out {
    char *buf;
    size_t len, at;
};

static void put(struct out *o, const char *s)
{
    size_t n = strlen(s);
    if (o->at < o->len) {
        size_t room = o->len - o->at - 1;
        memcpy(o->buf + o->at, s, n < room ? n : room);
    }
    o->at += n;
}

static void put_value(struct out *o, const value *v)
{
    size_t room = o->at < o->len ? o->len - o->at : 0;
    o->at += val_format(v, room ? o->buf + o->at : NULL, room);
}

static void format(struct out *o, const value *p, int depth)
{
    if (depth > 50) {
        put(o, "…");
        return;
    }
    if (p->kind != VAL_PROC) {
        put_value(o, p);
        return;
    }
    switch ((enum proc_op)p->num) {
    case PROC_STOP: put(o, "STOP"); return;
    case PROC_SKIP: put(o, "SKIP"); return;
    case PROC_OMEGA: put(o, "Ω"); return;
    case PROC_DIV: put(o, "DIV"); return;
    case PROC_RUN:
    case PROC_CHAOS:
        put(o, p->num == PROC_RUN ? "RUN(" : "CHAOS(");
        put_value(o, p->items[0]);
        put(o, ")");
        return;
    case PROC_PREFIX:
        put_value(o, p->items[0]);
        put(o, " -> ");
        format(o, p->items[1], depth + 1);
        return;
    case PROC_COMPRESS:
        put(o, proc_compression_name((int)p->items[1]->num));
        put(o, "(");
        format(o, p->items[0], depth + 1);
        put(o, ")");
        return;
    case PROC_THUNK:
        if (thunk_printer) {
            size_t room = o->at < o->len ? o->len - o->at : 0;
            o->at += thunk_printer(p, room ? o->buf + o->at : NULL, room);
            if (o->len && o->at >= o->len) o->buf[o->len - 1] = '\0';
        } else {
            put(o, "…");
        }
        return;
    default:
        break;
    }
    /* Operators: infix between the process operands, sets in their brackets. */
    put(o, "(");
    switch ((enum proc_op)p->num) {
    case PROC_EXT:
    case PROC_INT:
        if (p->n == 0) put(o, p->num == PROC_EXT ? "STOP" : "DIV");
        for (uint32_t k = 0; k < p->n; k++) {
            if (k) put(o, p->num == PROC_EXT ? " [] " : " |~| ");
            format(o, p->items[k], depth + 1);
        }
        break;
    case PROC_PAR:
    case PROC_EXCEPTION:
    case PROC_SYNC_EXT:
    case PROC_SYNC_INTERRUPT:
        format(o, p->items[0], depth + 1);
        put(o, p->num == PROC_PAR         ? " [| "
               : p->num == PROC_EXCEPTION ? " [| "
               : p->num == PROC_SYNC_EXT  ? " [+ "
                                          : " /+ ");
        put_value(o, p->items[1]);
        put(o, p->num == PROC_PAR         ? " |] "
               : p->num == PROC_EXCEPTION ? " |> "
               : p->num == PROC_SYNC_EXT  ? " +] "
                                          : " +\\ ");
        format(o, p->items[2], depth + 1);
        break;
    case PROC_APAR:
        format(o, p->items[0], depth + 1);
        put(o, " [");
        put_value(o, p->items[1]);
        put(o, " || ");
        put_value(o, p->items[2]);
        put(o, "] ");
        format(o, p->items[3], depth + 1);
        break;
    case PROC_LINK:
        format(o, p->items[0], depth + 1);
        put(o, " [");
        for (uint32_t k = 0; k < p->items[1]->n; k++) {
            if (k) put(o, ", ");
            put_value(o, p->items[1]->items[k]->items[0]);
            put(o, " <-> ");
            put_value(o, p->items[1]->items[k]->items[1]);
        }
        put(o, "] ");
        format(o, p->items[2], depth + 1);
        break;
    case PROC_HIDE:
        format(o, p->items[0], depth + 1);
        put(o, " \\ ");
        put_value(o, p->items[1]);
        break;
    case PROC_RENAME:
        format(o, p->items[0], depth + 1);
        put(o, "[[");
        for (uint32_t k = 0; k < p->items[1]->n; k++) {
            put(o, k ? ", " : " ");
            put_value(o, p->items[1]->items[k]->items[0]);
            put(o, " <- ");
            put_value(o, p->items[1]->items[k]->items[1]);
        }
        put(o, " ]]");
        break;
    case PROC_PRIORITISE:
        put(o, "prioritise(");
        format(o, p->items[0], depth + 1);
        put(o, ", ");
        put_value(o, p->items[1]);
        put(o, ")");
        break;
    default: {
        const char *op = p->num == PROC_SEQ          ? " ; "
                         : p->num == PROC_INTERLEAVE ? " ||| "
                         : p->num == PROC_INTERRUPT  ? " /\\ "
                                                     : " [> ";
        format(o, p->items[0], depth + 1);
        put(o, op);
        format(o, p->items[1], depth + 1);
        break;
    }
    }
    put(o, ")");
}

size_t proc_format(const value *p, char *buf, size_t len)
{
    struct out o = {buf, len, 0};
    format(&o, p, 0);
    if (len) buf[o.at < len ? o.at : len - 1] = '\0';
    return o.at;
}
