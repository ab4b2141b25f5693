/* eval_expr.c — evaluating CSPm expressions that are not process operators: literals,
 * names, tuples, sequences, sets, maps, dots, application, conditionals, arithmetic and
 * comparisons, and the statements of comprehensions.  Process operators go to
 * eval_proc.c.  See eval.h for integer semantics. */
#include <stdlib.h>
#include <string.h>

#include "model/eval_int.h"

static const value *ok(struct evaluator *ev, const value *v)
{
    if (!v) ev_fail(ev, (struct cspm_loc){0}, "out of memory");
    return v;
}

const value *ev_set_of(struct evaluator *ev, struct vec *items)
{
    return ok(ev, val_set(ev->vs, items->v, items->n));
}

const value *ev_seq_of(struct evaluator *ev, struct vec *items)
{
    return ok(ev, val_seq(ev->vs, items->v, items->n));
}

enum { RANGE_MAX = 10000000 };   /* the most elements a range {a..b} may have */

/* ---- statements ---- */

void ev_stmts(struct evaluator *ev, const struct ast_node *stmts, uint32_t i,
              const struct env *env, struct scope *sc, stmt_fn *each, void *data)
{
    if (!stmts || i >= stmts->nkids) {
        each(ev, env, data);
        return;
    }
    const struct ast_node *s = stmts->kids[i];
    if (s->kind == AST_PRED) {
        if (ev_bool(ev, ev_eval(ev, s->kids[0], env, sc), s->kids[0]->loc))
            ev_stmts(ev, stmts, i + 1, env, sc, each, data);
        return;
    }
    const value *src = ev_finite(ev, ev_eval(ev, s->kids[1], env, sc), s->kids[1]->loc);
    for (uint32_t k = 0; k < src->n; k++) {
        const struct env *e2 = env;
        if (ev_match(ev, s->kids[0], src->items[k], &e2, sc))
            ev_stmts(ev, stmts, i + 1, e2, sc, each, data);
    }
}

struct collect {
    const struct ast_node *elems;   /* ITEMS of element expressions, or one expression */
    struct scope *sc;
    struct vec out;
    int mode;                       /* 0 values, 1 productions ({| |}), 2 ranges */
    const struct ast_node *from, *to;
};

static void collect_one(struct evaluator *ev, const struct env *env, void *data)
{
    struct collect *c = data;
    if (c->mode == 2) {
        int64_t lo = ev_int(ev, ev_eval(ev, c->from, env, c->sc), c->from->loc);
        int64_t hi = ev_int(ev, ev_eval(ev, c->to, env, c->sc), c->to->loc);
        if (hi - lo >= RANGE_MAX)
            ev_fail(ev, c->from->loc, "the range %lld..%lld has more than %d elements",
                    (long long)lo, (long long)hi, RANGE_MAX);
        for (int64_t k = lo; k <= hi; k++) vec_push(ev, &c->out, ok(ev, val_int(ev->vs, k)));
        return;
    }
    const struct ast_node *es = c->elems;
    uint32_t n = es->kind == AST_ITEMS ? es->nkids : 1;
    for (uint32_t i = 0; i < n; i++) {
        const struct ast_node *e = es->kind == AST_ITEMS ? es->kids[i] : es;
        const value *v = ev_eval(ev, e, env, c->sc);
        if (c->mode == 1) {
            const value *p = ev_productions(ev, v, e->loc);
            for (uint32_t k = 0; k < p->n; k++) vec_push(ev, &c->out, p->items[k]);
        } else {
            vec_push(ev, &c->out, v);
        }
    }
}

/* ---- arithmetic ---- */

static const value *int_result(struct evaluator *ev, int64_t r, struct cspm_loc loc)
{
    if (r < INT32_MIN || r > INT32_MAX)
        ev_fail(ev, loc, "integer overflow: %lld is outside FDR's 32-bit integers", (long long)r);
    return ok(ev, val_int(ev->vs, r));
}

static bool is_prefix(const value *a, const value *b)
{
    if (a->n > b->n) return false;
    for (uint32_t i = 0; i < a->n; i++)
        if (a->items[i] != b->items[i]) return false;
    return true;
}

static bool compare(struct evaluator *ev, int kind, const value *a, const value *b,
                    struct cspm_loc loc)
{
    bool setlike = (a->kind == VAL_SET || a->kind == VAL_INTS_FROM) &&
                   (b->kind == VAL_SET || b->kind == VAL_INTS_FROM);
    if (setlike) {
        bool le = ev_subset(ev, a, b, loc), ge = ev_subset(ev, b, a, loc);
        switch (kind) {
        case AST_LT: return le && !ge;
        case AST_LE: return le;
        case AST_GT: return ge && !le;
        default: return ge;
        }
    }
    if (a->kind == VAL_SEQ && b->kind == VAL_SEQ) {
        switch (kind) {
        case AST_LT: return a != b && is_prefix(a, b);
        case AST_LE: return is_prefix(a, b);
        case AST_GT: return a != b && is_prefix(b, a);
        default: return is_prefix(b, a);
        }
    }
    if (a->kind != b->kind) {
        char x[100], y[100];
        val_format(a, x, sizeof x);
        val_format(b, y, sizeof y);
        ev_fail(ev, loc, "cannot compare %s and %s", x, y);
    }
    int c = val_cmp(a, b);
    switch (kind) {
    case AST_LT: return c < 0;
    case AST_LE: return c <= 0;
    case AST_GT: return c > 0;
    default: return c >= 0;
    }
}

static const value *concat(struct evaluator *ev, const value *a, const value *b,
                           struct cspm_loc loc)
{
    if (a->kind != VAL_SEQ || b->kind != VAL_SEQ) {
        const value *bad = a->kind != VAL_SEQ ? a : b;
        ev_fail(ev, loc, "'^' needs sequences, found %s", val_kind_name(bad->kind));
    }
    struct vec v = {0};
    for (uint32_t i = 0; i < a->n; i++) vec_push(ev, &v, a->items[i]);
    for (uint32_t i = 0; i < b->n; i++) vec_push(ev, &v, b->items[i]);
    return ev_seq_of(ev, &v);
}

const value *ev_eval(struct evaluator *ev, const struct ast_node *n, const struct env *env,
                     struct scope *sc)
{
    ev_check_stack(ev, n->loc);
    val_store *vs = ev->vs;
    const struct ast_node *const *k = (const struct ast_node *const *)n->kids;
    switch ((enum ast_kind)n->kind) {
    case AST_INT: return ok(ev, val_int(vs, n->num));
    case AST_CHAR: return ok(ev, val_char(vs, n->num));
    case AST_BOOL: return ok(ev, val_bool(vs, n->num != 0));
    case AST_STRING: return ok(ev, val_string(vs, n->name, n->len));
    case AST_VAR:
        /* Inside a Timed section STOP and SKIP let time pass (docs/cspm-frontend.md). */
        if (ev->timed && n->name[0] == 'S' && (!strcmp(n->name, "STOP") || !strcmp(n->name, "SKIP")) &&
            ev_timed_section(ev, n) && ev_means_builtin(ev, n->name, env, sc))
            return n->name[1] == 'T' ? ev_timed_stop(ev, n->loc) : ev_timed_skip(ev, n->loc);
        return ev_lookup(ev, n->name, env, sc, n->loc);
    case AST_TUPLE:
    case AST_LIST: {
        const value **v = scratch(ev, (n->nkids + 1) * sizeof *v);
        for (uint32_t i = 0; i < n->nkids; i++) v[i] = ev_eval(ev, k[i], env, sc);
        return ok(ev, n->kind == AST_TUPLE ? val_tuple(vs, v, n->nkids) : val_seq(vs, v, n->nkids));
    }
    case AST_SET: {
        const value **v = scratch(ev, (n->nkids + 1) * sizeof *v);
        for (uint32_t i = 0; i < n->nkids; i++) v[i] = ev_eval(ev, k[i], env, sc);
        return ok(ev, val_set(vs, v, n->nkids));
    }
    case AST_LIST_RANGE:
    case AST_SET_RANGE: {
        struct collect c = {.sc = sc, .mode = 2, .from = k[0], .to = k[1]};
        ev_stmts(ev, n->nkids > 2 ? k[2] : NULL, 0, env, sc, collect_one, &c);
        return n->kind == AST_SET_RANGE ? ev_set_of(ev, &c.out) : ev_seq_of(ev, &c.out);
    }
    case AST_SET_FROM:
    case AST_LIST_FROM: {
        if (n->nkids > 1) {
            /* {x.. | stmts}: the union of the infinite ranges. */
            struct collect c = {.sc = sc, .elems = k[0]};
            ev_stmts(ev, k[1], 0, env, sc, collect_one, &c);
            if (c.out.n == 0) return ok(ev, n->kind == AST_SET_FROM ? val_set(vs, NULL, 0) : val_seq(vs, NULL, 0));
            if (n->kind == AST_LIST_FROM) ev_fail(ev, n->loc, "infinite sequences inside comprehensions are not supported");
            int64_t lo = INT64_MAX;
            for (size_t i = 0; i < c.out.n; i++) {
                int64_t x = ev_int(ev, c.out.v[i], n->loc);
                if (x < lo) lo = x;
            }
            return ok(ev, val_ints_from(vs, lo));
        }
        int64_t lo = ev_int(ev, ev_eval(ev, k[0], env, sc), k[0]->loc);
        if (n->kind == AST_SET_FROM) return ok(ev, val_ints_from(vs, lo));
        const value *from = ok(ev, val_int(vs, lo));
        return ok(ev, val_closure(vs, -2, &ev->lazyseq_code, &from, 1));
    }
    case AST_LIST_COMP:
    case AST_SET_COMP:
    case AST_ENUM_SET_COMP: {
        if (n->kind == AST_LIST_COMP) {
            const value *lazy = ev_lazy_comp(ev, n, env, sc);
            if (lazy) return lazy;
        }
        struct collect c = {.sc = sc, .elems = k[0], .mode = n->kind == AST_ENUM_SET_COMP};
        ev_stmts(ev, k[1], 0, env, sc, collect_one, &c);
        return n->kind == AST_LIST_COMP ? ev_seq_of(ev, &c.out) : ev_set_of(ev, &c.out);
    }
    case AST_ENUM_SET: {
        struct collect c = {.sc = sc, .mode = 1};
        for (uint32_t i = 0; i < n->nkids; i++) {
            c.elems = k[i];
            collect_one(ev, env, &c);
        }
        return ev_set_of(ev, &c.out);
    }
    case AST_MAP: {
        const value **keys = scratch(ev, (n->nkids + 1) * sizeof *keys);
        const value **vals = scratch(ev, (n->nkids + 1) * sizeof *vals);
        for (uint32_t i = 0; i < n->nkids; i++) {
            keys[i] = ev_eval(ev, k[i]->kids[0], env, sc);
            vals[i] = ev_eval(ev, k[i]->kids[1], env, sc);
        }
        return ok(ev, val_map(vs, keys, vals, n->nkids));
    }
    case AST_DOT: {
        const value *a = ev_eval(ev, k[0], env, sc), *b = ev_eval(ev, k[1], env, sc);
        return ev_dot(ev, a, b, n->loc);
    }
    case AST_APP: {
        /* Compressions wrap their operand lazily, so that P = normal(P) is a process. */
        int kind;
        if (k[0]->kind == AST_VAR && n->nkids == 2 && ev_is_compression(k[0]->name, &kind) &&
            ev_means_builtin(ev, k[0]->name, env, sc))
            return ev_compress(ev, ev_thunk(ev, k[1], env, sc), kind);
        const value *f = ev_eval(ev, k[0], env, sc);
        const value **args = scratch(ev, (n->nkids + 1) * sizeof *args);
        for (uint32_t i = 1; i < n->nkids; i++) args[i - 1] = ev_eval(ev, k[i], env, sc);
        return ev_apply(ev, f, args, n->nkids - 1, n->loc);
    }
    case AST_IF:
        return ev_eval(ev, ev_bool(ev, ev_eval(ev, k[0], env, sc), k[0]->loc) ? k[1] : k[2], env, sc);
    case AST_LET: return ev_let(ev, n, env, sc);
    case AST_LAMBDA: return ev_lambda(ev, n, env, sc);
    case AST_NEG: return int_result(ev, -ev_int(ev, ev_eval(ev, k[0], env, sc), k[0]->loc), n->loc);
    case AST_NOT: return ok(ev, val_bool(vs, !ev_bool(ev, ev_eval(ev, k[0], env, sc), k[0]->loc)));
    case AST_LEN: {
        const value *v = ev_eval(ev, k[0], env, sc);
        if (v->kind != VAL_SEQ && v->kind != VAL_SET)
            ev_fail(ev, n->loc, "'#' needs a sequence, found %s", val_kind_name(v->kind));
        return ok(ev, val_int(vs, v->n));
    }
    case AST_ADD:
    case AST_SUB:
    case AST_MUL:
    case AST_DIV:
    case AST_MOD: {
        int64_t a = ev_int(ev, ev_eval(ev, k[0], env, sc), k[0]->loc);
        int64_t b = ev_int(ev, ev_eval(ev, k[1], env, sc), k[1]->loc);
        switch (n->kind) {
        case AST_ADD: return int_result(ev, a + b, n->loc);
        case AST_SUB: return int_result(ev, a - b, n->loc);
        case AST_MUL: return int_result(ev, a * b, n->loc);
        default:
            if (b == 0) ev_fail(ev, n->loc, "%s by zero", n->kind == AST_DIV ? "division" : "modulo");
            /* libcspm's Haskell `div` and `mod`: rounded toward minus infinity, so that
             * (i - 1) % N is in 0..N-1 for i = 0. */
            int64_t q = a / b, r = a % b;
            if (r != 0 && (r < 0) != (b < 0)) {
                q--;
                r += b;
            }
            return int_result(ev, n->kind == AST_DIV ? q : r, n->loc);
        }
    }
    case AST_CONCAT:
        return concat(ev, ev_eval(ev, k[0], env, sc), ev_eval(ev, k[1], env, sc), n->loc);
    case AST_EQ:
    case AST_NE: {
        const value *a = ev_eval(ev, k[0], env, sc), *b = ev_eval(ev, k[1], env, sc);
        return ok(ev, val_bool(vs, (a == b) == (n->kind == AST_EQ)));
    }
    case AST_LT:
    case AST_GT:
    case AST_LE:
    case AST_GE: {
        const value *a = ev_eval(ev, k[0], env, sc), *b = ev_eval(ev, k[1], env, sc);
        return ok(ev, val_bool(vs, compare(ev, n->kind, a, b, n->loc)));
    }
    case AST_AND:
        if (!ev_bool(ev, ev_eval(ev, k[0], env, sc), k[0]->loc)) return ok(ev, val_bool(vs, false));
        return ok(ev, val_bool(vs, ev_bool(ev, ev_eval(ev, k[1], env, sc), k[1]->loc)));
    case AST_OR:
        if (ev_bool(ev, ev_eval(ev, k[0], env, sc), k[0]->loc)) return ok(ev, val_bool(vs, true));
        return ok(ev, val_bool(vs, ev_bool(ev, ev_eval(ev, k[1], env, sc), k[1]->loc)));
    case AST_WILDCARD:
    case AST_DOUBLE:
        ev_fail(ev, n->loc, "a pattern is not an expression");
    default:
        return ev_process(ev, n, env, sc);
    }
}
