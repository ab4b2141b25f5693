/* eval_proc.c — building process terms (model/proc.h) from CSPm process expressions:
 * prefixes with their input and output fields, the binary operators, renaming and linked
 * parallel relations, and the replicated operators expanded into binary or n-ary terms.
 * Continuations that are not active yet become THUNKs (eval.c). */
#include <string.h>

#include "model/eval_int.h"

static const value *proc_of(struct evaluator *ev, const struct ast_node *n,
                            const struct env *env, struct scope *sc)
{
    return ev_expect_proc(ev, ev_eval(ev, n, env, sc), n->loc);
}

const value *ev_event_set(struct evaluator *ev, const value *s, struct cspm_loc loc)
{
    if (s->kind != VAL_SET) {
        char buf[100];
        val_format(s, buf, sizeof buf);
        ev_fail(ev, loc, "expected a finite set of events, found %s", buf);
    }
    return s;
}

/* Operands of an n-ary operator, with nested terms of the same operator spliced in. */
static void splice(struct evaluator *ev, struct vec *out, const value *p, int op)
{
    if (p->kind == VAL_PROC && p->num == op) {
        for (uint32_t i = 0; i < p->n; i++) vec_push(ev, out, p->items[i]);
    } else {
        vec_push(ev, out, p);
    }
}

/* An operand of |~|, which the semantics reaches only by a tau: evaluated when that tau is
 * taken (a THUNK), so recursion through internal choice is well founded — DIV = DIV |~| DIV
 * is the process whose only move is a tau to itself, as in FDR.  A prefix is cheap and its
 * continuation already waits, so it is built at once. */
static const value *passive(struct evaluator *ev, const struct ast_node *n,
                            const struct env *env, struct scope *sc)
{
    if (n->kind == AST_PREFIX) return proc_of(ev, n, env, sc);
    return ev_thunk(ev, n, env, sc);
}

/* The operands of a nest of binary |~| (P |~| Q |~| R is one three-way choice). */
static void int_choice_operands(struct evaluator *ev, const struct ast_node *n,
                                const struct env *env, struct scope *sc, struct vec *out)
{
    if (n->kind == AST_INT_CHOICE) {
        int_choice_operands(ev, n->kids[0], env, sc, out);
        int_choice_operands(ev, n->kids[1], env, sc, out);
    } else {
        vec_push(ev, out, passive(ev, n, env, sc));
    }
}

static const value *nary(struct evaluator *ev, int op, struct vec *v)
{
    if (op == PROC_EXT && v->n == 1) return v->v[0];
    if (op == PROC_INT && v->n == 1) return v->v[0];
    return ev_proc(ev, op, v->v, v->n);
}

static const value *binary(struct evaluator *ev, int op, const value *p, const value *q)
{
    const value *items[2] = {p, q};
    return ev_proc(ev, op, items, 2);
}

static const value *ternary(struct evaluator *ev, int op, const value *p, const value *a,
                            const value *q)
{
    const value *items[3] = {p, a, q};
    return ev_proc(ev, op, items, 3);
}

/* ---- Timed sections ----
 *
 * Inside `Timed(f) { … }` the operators take FDR's tock-CSP meaning (libcspm's translation):
 * `e -> P` is `μX. tock -> X [] e -> tock^f(e) -> P`, written here as the strongly bisimilar
 * `RUN({tock}) /\ (e -> tock^f(e) -> P)`; STOP lets time pass for ever, SKIP may also
 * terminate; choice and parallel operators synchronise on tock. */

const value *ev_tock(struct evaluator *ev, struct cspm_loc loc)
{
    struct global *g = ev_lookup_global(ev, ev->top, "tock");
    if (!g || g->kind != G_CHANNEL)
        ev_fail(ev, loc, "a Timed section needs a channel 'tock' (declare `channel tock`)");
    ev_fields(ev, g->info, loc);
    return g->info->value;
}

static const value *tock_set(struct evaluator *ev, struct cspm_loc loc)
{
    const value *t = ev_tock(ev, loc);
    const value *s = val_set(ev->vs, &t, 1);
    if (!s) ev_fail(ev, loc, "out of memory");
    return s;
}

/* A ∪ {tock}. */
static const value *with_tock(struct evaluator *ev, const value *A, struct cspm_loc loc)
{
    return ev_set_op(ev, SETOP_UNION, A, tock_set(ev, loc), loc);
}

const value *ev_timed_stop(struct evaluator *ev, struct cspm_loc loc)
{
    if (!ev->tstop) {
        const value *A = tock_set(ev, loc);
        ev->tstop = ev_proc(ev, PROC_RUN, &A, 1);
    }
    return ev->tstop;
}

const value *ev_timed_skip(struct evaluator *ev, struct cspm_loc loc)
{
    if (!ev->tskip) {
        const value *items[2] = {ev_timed_stop(ev, loc), ev->skip};
        ev->tskip = ev_proc(ev, PROC_INTERRUPT, items, 2);
    }
    return ev->tskip;
}

/* f(e) for the time function of Timed section T (1 when it has none). */
static int64_t event_time(struct evaluator *ev, const struct ast_node *T, const value *e,
                          const struct env *env, struct scope *sc, struct cspm_loc loc)
{
    if (T->nkids < 2) return 1;
    const value *f = ev_eval(ev, T->kids[1], env, sc);
    int64_t k = ev_int(ev, ev_apply(ev, f, &e, 1, loc), loc);
    if (k < 0) ev_fail(ev, loc, "the time function of the Timed section gave a negative time");
    if (k > 100000) ev_fail(ev, loc, "the time function gave %lld tocks, too many", (long long)k);
    return k;
}

/* ---- prefix ---- */

static bool is_event(const value *v)
{
    const value *h = v->kind == VAL_DOT ? v->items[0] : v;
    const struct val_name *nm = val_name_of(h);
    return nm && nm->kind == NK_CHANNEL;
}

static void prefix_fields(struct evaluator *ev, const struct ast_node *n, uint32_t i,
                          const value *v, const struct env *env, struct scope *sc,
                          struct vec *out, const struct ast_node *T)
{
    const struct ast_node *fields = n->kids[1];
    if (i == fields->nkids) {
        if (!is_event(v) || !ev_is_complete(ev, v, n->loc)) {
            char buf[200];
            val_format(v, buf, sizeof buf);
            ev_fail(ev, n->kids[0]->loc, "%s is not a complete event", buf);
        }
        const value *items[2] = {v, ev_thunk(ev, n->kids[2], env, sc)};
        if (T) {
            const value *tock = ev_tock(ev, n->loc);
            for (int64_t t = event_time(ev, T, v, env, sc, n->loc); t > 0; t--) {
                const value *step[2] = {tock, items[1]};
                items[1] = ev_proc(ev, PROC_PREFIX, step, 2);
            }
        }
        vec_push(ev, out, ev_proc(ev, PROC_PREFIX, items, 2));
        return;
    }
    const struct ast_node *f = fields->kids[i];
    if (f->kind == AST_FIELD_OUT) {
        const value *x = ev_eval(ev, f->kids[0], env, sc);
        prefix_fields(ev, n, i + 1, ev_dot(ev, v, x, f->loc), env, sc, out, T);
        return;
    }
    bool last = i + 1 == fields->nkids;
    const value *restrict_to = f->nkids > 1 ? ev_eval(ev, f->kids[1], env, sc) : NULL;
    /* A restricted input ?x:S draws its values from S, as libcspm's evalInputField does
     * (each is dotted on, so one outside the field's type is an error, as for an output):
     * the channel's own field need not be enumerable.  An infinite S (?x:Int) is read as a
     * membership test on the field's values instead. */
    bool from_set = restrict_to && restrict_to->kind == VAL_SET;
    const value *cands = from_set ? restrict_to : ev_extensions(ev, v, !last, f->loc);
    struct vec alts = {0};
    for (uint32_t k = 0; k < cands->n; k++) {
        ev_check_stack(ev, f->loc);  /* an input over millions of values polls the limits */
        const value *x = cands->items[k];
        if (restrict_to && !from_set && !ev_member(ev, restrict_to, x, f->kids[1]->loc)) continue;
        const struct env *e2 = env;
        if (!ev_match(ev, f->kids[0], x, &e2, sc)) continue;
        const value *next = ev_dot(ev, v, x, f->loc);
        if (f->kind == AST_FIELD_IN) {
            prefix_fields(ev, n, i + 1, next, e2, sc, out, T);
        } else {
            struct vec sub = {0};
            prefix_fields(ev, n, i + 1, next, e2, sc, &sub, T);
            vec_push(ev, &alts, nary(ev, PROC_EXT, &sub));
        }
    }
    if (f->kind == AST_FIELD_NDIN) {
        if (alts.n == 0) ev_fail(ev, f->loc, "nondeterministic input '$' over no values");
        vec_push(ev, out, nary(ev, PROC_INT, &alts));
    }
}

static const value *prefix(struct evaluator *ev, const struct ast_node *n, const struct env *env,
                           struct scope *sc, const struct ast_node *T)
{
    const value *v = ev_eval(ev, n->kids[0], env, sc);
    struct vec out = {0};
    prefix_fields(ev, n, 0, v, env, sc, &out, T);
    if (!T) return nary(ev, PROC_EXT, &out);
    if (out.n == 0) return ev_timed_stop(ev, n->loc);
    return binary(ev, PROC_INTERRUPT, ev_timed_stop(ev, n->loc), nary(ev, PROC_EXT, &out));
}

/* ---- relations: renaming and linked parallel ---- */

struct rel {
    const struct ast_node *pairs;   /* ITEMS of RENAMING or TIE */
    struct scope *sc;
    struct vec out;
};

static const value *pair(struct evaluator *ev, const value *a, const value *b)
{
    const value *items[2] = {a, b};
    const value *t = val_tuple(ev->vs, items, 2);
    if (!t) ev_fail(ev, (struct cspm_loc){0}, "out of memory");
    return t;
}

static void rel_one(struct evaluator *ev, const struct env *env, void *data)
{
    struct rel *r = data;
    for (uint32_t i = 0; i < r->pairs->nkids; i++) {
        const struct ast_node *p = r->pairs->kids[i];
        const value *a = ev_eval(ev, p->kids[0], env, r->sc);
        const value *b = ev_eval(ev, p->kids[1], env, r->sc);
        if (ev_is_complete(ev, a, p->loc)) {
            vec_push(ev, &r->out, pair(ev, a, b));
            continue;
        }
        const value *ext = ev_extensions(ev, a, false, p->loc);
        for (uint32_t k = 0; k < ext->n; k++)
            vec_push(ev, &r->out, pair(ev, ev_dot(ev, a, ext->items[k], p->loc),
                                       ev_dot(ev, b, ext->items[k], p->loc)));
    }
}

static const value *relation(struct evaluator *ev, const struct ast_node *pairs,
                             const struct ast_node *stmts, const struct env *env,
                             struct scope *sc)
{
    struct rel r = {.pairs = pairs, .sc = sc};
    ev_stmts(ev, stmts, 0, env, sc, rel_one, &r);
    return ev_set_of(ev, &r.out);
}

/* A linked parallel's relation must link each event to one event on each side. */
static void check_link(struct evaluator *ev, const value *R, struct cspm_loc loc)
{
    for (uint32_t i = 0; i < R->n; i++)
        for (uint32_t j = i + 1; j < R->n; j++)
            for (int side = 0; side < 2; side++)
                if (R->items[i]->items[side] == R->items[j]->items[side]) {
                    char buf[200];
                    val_format(R->items[i]->items[side], buf, sizeof buf);
                    ev_fail(ev, loc, "linked parallel: %s is linked to more than one event", buf);
                }
}

/* ---- replicated operators ---- */

struct rep {
    const struct ast_node *body, *alpha, *ties, *tie_stmts;
    struct scope *sc;
    struct vec procs, alphas;
    bool passive;                 /* |~|: the operands wait for their tau */
};

static void rep_one(struct evaluator *ev, const struct env *env, void *data)
{
    struct rep *r = data;
    vec_push(ev, &r->procs, r->passive ? passive(ev, r->body, env, r->sc)
                                       : proc_of(ev, r->body, env, r->sc));
    if (r->alpha)
        vec_push(ev, &r->alphas, ev_event_set(ev, ev_eval(ev, r->alpha, env, r->sc), r->alpha->loc));
    if (r->ties) {
        const value *R = relation(ev, r->ties, r->tie_stmts, env, r->sc);
        check_link(ev, R, r->ties->loc);
        vec_push(ev, &r->alphas, R);
    }
}

/* A replicated operator inside a Timed section (not |~| or linked parallel, which keep
 * their meaning): over nothing it is STOP(tock) (SKIP(tock) for `;`), and the operands
 * synchronise on tock — `[]` becomes `[+{tock}+]`, `|||` becomes `[| {tock} |]`. */
static const value *timed_replicated(struct evaluator *ev, const struct ast_node *n,
                                     struct rep *r, const value *A)
{
    size_t m = r->procs.n;
    const value *const *P = r->procs.v;
    if (m == 0)
        return n->kind == AST_REP_SEQ_COMP ? ev_timed_skip(ev, n->loc) : ev_timed_stop(ev, n->loc);
    const value *tock = tock_set(ev, n->loc);
    if (A) A = with_tock(ev, A, n->loc);
    if (n->kind == AST_REP_ALPHA_PAR) {
        const value *acc = P[m - 1], *accA = with_tock(ev, r->alphas.v[m - 1], n->loc);
        for (size_t i = m - 1; i-- > 0;) {
            const value *Ai = with_tock(ev, r->alphas.v[i], n->loc);
            const value *items[4] = {P[i], Ai, accA, acc};
            acc = ev_proc(ev, PROC_APAR, items, 4);
            accA = ev_set_op(ev, SETOP_UNION, accA, Ai, n->loc);
        }
        return acc;
    }
    const value *acc = P[m - 1];
    for (size_t i = m - 1; i-- > 0;) {
        switch (n->kind) {
        case AST_REP_SEQ_COMP: acc = binary(ev, PROC_SEQ, P[i], acc); break;
        case AST_REP_EXT_CHOICE: acc = ternary(ev, PROC_SYNC_EXT, P[i], tock, acc); break;
        case AST_REP_INTERLEAVE: acc = ternary(ev, PROC_PAR, P[i], tock, acc); break;
        case AST_REP_GEN_PAR: acc = ternary(ev, PROC_PAR, P[i], A, acc); break;
        default: acc = ternary(ev, PROC_SYNC_EXT, P[i], A, acc); break;
        }
    }
    return acc;
}

static const value *replicated(struct evaluator *ev, const struct ast_node *n,
                               const struct env *env, struct scope *sc)
{
    const struct ast_node *const *k = (const struct ast_node *const *)n->kids;
    struct rep r = {.sc = sc};
    const struct ast_node *stmts;
    const value *A = NULL;
    switch (n->kind) {
    case AST_REP_GEN_PAR:
    case AST_REP_SYNC_EXT_CHOICE:
        A = ev_event_set(ev, ev_eval(ev, k[0], env, sc), k[0]->loc);
        stmts = k[1];
        r.body = k[2];
        break;
    case AST_REP_ALPHA_PAR:
        stmts = k[0];
        r.alpha = k[1];
        r.body = k[2];
        break;
    case AST_REP_LINK_PAR:
        r.ties = k[0];
        r.tie_stmts = k[1];
        stmts = k[2];
        r.body = k[3];
        break;
    default:
        stmts = k[0];
        r.body = k[1];
        break;
    }
    r.passive = n->kind == AST_REP_INT_CHOICE;
    ev_stmts(ev, stmts, 0, env, sc, rep_one, &r);
    size_t m = r.procs.n;
    const value *const *P = r.procs.v;
    const struct ast_node *T = ev_timed_section(ev, n);
    if (T && n->kind != AST_REP_INT_CHOICE && n->kind != AST_REP_LINK_PAR)
        return timed_replicated(ev, n, &r, A);
    switch (n->kind) {
    case AST_REP_EXT_CHOICE: {
        struct vec v = {0};
        for (size_t i = 0; i < m; i++) splice(ev, &v, P[i], PROC_EXT);
        return v.n == 1 ? v.v[0] : ev_proc(ev, PROC_EXT, v.v, v.n);
    }
    case AST_REP_INT_CHOICE: {
        if (m == 0) ev_fail(ev, n->loc, "replicated internal choice over an empty set");
        struct vec v = {0};
        for (size_t i = 0; i < m; i++) splice(ev, &v, P[i], PROC_INT);
        return nary(ev, PROC_INT, &v);
    }
    case AST_REP_INTERLEAVE:
    case AST_REP_GEN_PAR:
    case AST_REP_SEQ_COMP:
    case AST_REP_SYNC_EXT_CHOICE: {
        if (m == 0) return n->kind == AST_REP_SYNC_EXT_CHOICE ? ev->stop : ev->skip;
        const value *acc = P[m - 1];
        for (size_t i = m - 1; i-- > 0;) {
            switch (n->kind) {
            case AST_REP_INTERLEAVE: acc = binary(ev, PROC_INTERLEAVE, P[i], acc); break;
            case AST_REP_SEQ_COMP: acc = binary(ev, PROC_SEQ, P[i], acc); break;
            case AST_REP_GEN_PAR: acc = ternary(ev, PROC_PAR, P[i], A, acc); break;
            default: acc = ternary(ev, PROC_SYNC_EXT, P[i], A, acc); break;
            }
        }
        return acc;
    }
    case AST_REP_ALPHA_PAR: {
        if (m == 0) return ev->skip;
        const value *acc = P[m - 1], *accA = r.alphas.v[m - 1];
        for (size_t i = m - 1; i-- > 0;) {
            const value *items[4] = {P[i], r.alphas.v[i], accA, acc};
            acc = ev_proc(ev, PROC_APAR, items, 4);
            accA = ev_set_op(ev, SETOP_UNION, accA, r.alphas.v[i], n->loc);
        }
        return acc;
    }
    case AST_REP_LINK_PAR: {
        if (m == 0) ev_fail(ev, n->loc, "replicated linked parallel over an empty sequence");
        const value *acc = P[0];
        for (size_t i = 1; i < m; i++) acc = ternary(ev, PROC_LINK, acc, r.alphas.v[i - 1], P[i]);
        return acc;
    }
    default:
        ev_fail(ev, n->loc, "internal error: unknown replicated operator");
    }
}

/* ---- the operators ---- */

const value *ev_process(struct evaluator *ev, const struct ast_node *n, const struct env *env,
                        struct scope *sc)
{
    const struct ast_node *const *k = (const struct ast_node *const *)n->kids;
    const struct ast_node *T = ev_timed_section(ev, n);
    switch ((enum ast_kind)n->kind) {
    case AST_PREFIX:
        return prefix(ev, n, env, sc, T);
    case AST_GUARD:
        if (ev_bool(ev, ev_eval(ev, k[0], env, sc), k[0]->loc)) return proc_of(ev, k[1], env, sc);
        return T ? ev_timed_stop(ev, n->loc) : ev->stop;
    case AST_EXT_CHOICE:
        if (T)
            return ternary(ev, PROC_SYNC_EXT, proc_of(ev, k[0], env, sc), tock_set(ev, n->loc),
                           proc_of(ev, k[1], env, sc));
        /* fall through */
    case AST_INT_CHOICE: {
        struct vec v = {0};
        if (n->kind == AST_INT_CHOICE) {
            int_choice_operands(ev, n, env, sc, &v);
            return ev_proc(ev, PROC_INT, v.v, v.n);
        }
        splice(ev, &v, proc_of(ev, k[0], env, sc), PROC_EXT);
        splice(ev, &v, proc_of(ev, k[1], env, sc), PROC_EXT);
        return ev_proc(ev, PROC_EXT, v.v, v.n);
    }
    case AST_INTERLEAVE:
        if (T)
            return ternary(ev, PROC_PAR, proc_of(ev, k[0], env, sc), tock_set(ev, n->loc),
                           proc_of(ev, k[1], env, sc));
        return binary(ev, PROC_INTERLEAVE, proc_of(ev, k[0], env, sc), proc_of(ev, k[1], env, sc));
    case AST_INTERRUPT:
        if (T)
            return ternary(ev, PROC_SYNC_INTERRUPT, proc_of(ev, k[0], env, sc),
                           tock_set(ev, n->loc), proc_of(ev, k[1], env, sc));
        return binary(ev, PROC_INTERRUPT, proc_of(ev, k[0], env, sc), proc_of(ev, k[1], env, sc));
    case AST_SEQ_COMP:
    case AST_SLIDING:
        return binary(ev, n->kind == AST_SEQ_COMP ? PROC_SEQ : PROC_SLIDING,
                      proc_of(ev, k[0], env, sc), ev_thunk(ev, k[1], env, sc));
    case AST_HIDE:
    case AST_PROJECT: {
        const value *P = proc_of(ev, k[0], env, sc);
        const value *A = ev_event_set(ev, ev_eval(ev, k[1], env, sc), k[1]->loc);
        if (n->kind == AST_PROJECT) A = ev_set_op(ev, SETOP_DIFF, ev_events(ev, n->loc), A, n->loc);
        return binary(ev, PROC_HIDE, P, A);
    }
    case AST_GEN_PAR:
    case AST_SYNC_EXT_CHOICE: {
        const value *P = proc_of(ev, k[0], env, sc);
        const value *A = ev_event_set(ev, ev_eval(ev, k[1], env, sc), k[1]->loc);
        if (T) A = with_tock(ev, A, n->loc);
        return ternary(ev, n->kind == AST_GEN_PAR ? PROC_PAR : PROC_SYNC_EXT, P, A,
                       proc_of(ev, k[2], env, sc));
    }
    case AST_SYNC_INTERRUPT: {
        const value *P = proc_of(ev, k[0], env, sc);
        const value *A = ev_event_set(ev, ev_eval(ev, k[1], env, sc), k[1]->loc);
        return ternary(ev, PROC_SYNC_INTERRUPT, P, T ? with_tock(ev, A, n->loc) : A,
                       proc_of(ev, k[2], env, sc));
    }
    case AST_EXCEPTION: {
        const value *P = proc_of(ev, k[0], env, sc);
        const value *A = ev_event_set(ev, ev_eval(ev, k[1], env, sc), k[1]->loc);
        return ternary(ev, PROC_EXCEPTION, P, A, ev_thunk(ev, k[2], env, sc));
    }
    case AST_ALPHA_PAR: {
        const value *items[4] = {
            proc_of(ev, k[0], env, sc),
            ev_event_set(ev, ev_eval(ev, k[1], env, sc), k[1]->loc),
            ev_event_set(ev, ev_eval(ev, k[2], env, sc), k[2]->loc),
            proc_of(ev, k[3], env, sc),
        };
        if (T) {
            items[1] = with_tock(ev, items[1], n->loc);
            items[2] = with_tock(ev, items[2], n->loc);
        }
        return ev_proc(ev, PROC_APAR, items, 4);
    }
    case AST_LINK_PAR: {
        const value *P = proc_of(ev, k[0], env, sc);
        const value *R = relation(ev, k[1], k[2], env, sc);
        check_link(ev, R, n->loc);
        return ternary(ev, PROC_LINK, P, R, proc_of(ev, k[3], env, sc));
    }
    case AST_RENAME: {
        const value *P = proc_of(ev, k[0], env, sc);
        return binary(ev, PROC_RENAME, P, relation(ev, k[1], k[2], env, sc));
    }
    case AST_REP_EXT_CHOICE:
    case AST_REP_INT_CHOICE:
    case AST_REP_INTERLEAVE:
    case AST_REP_SEQ_COMP:
    case AST_REP_GEN_PAR:
    case AST_REP_ALPHA_PAR:
    case AST_REP_LINK_PAR:
    case AST_REP_SYNC_EXT_CHOICE:
        return replicated(ev, n, env, sc);
    default:
        ev_fail(ev, n->loc, "'%s' cannot be evaluated here", ast_kind_name(n->kind));
    }
}
