/* pattern.c — matching CSPm patterns against values: literals, variables and `_`, tuples,
 * sequences (`<x>^xs`, `xs^<y>`), sets (`{}`, `{x}`), dotted patterns with libcspm's rules
 * for constructors (a constructor in a dotted pattern opens its value's fields) and `@@`.
 * A name that is a channel or constructor in scope is a constant, never a new variable. */
#include <string.h>

#include "model/eval_int.h"

bool ev_is_ctor_name(struct evaluator *ev, struct scope *sc, const char *name)
{
    struct global *g = ev_lookup_global(ev, sc, name);
    return g && (g->kind == G_CHANNEL || g->kind == G_CTOR);
}

static const value *ctor_value(struct evaluator *ev, struct scope *sc, const char *name)
{
    struct global *g = ev_lookup_global(ev, sc, name);
    return g && (g->kind == G_CHANNEL || g->kind == G_CTOR) ? g->info->value : NULL;
}

/* The parts of a dotted pattern, left to right (a.b.c is a.(b.c) in the tree). */
static size_t dot_parts(const struct ast_node *p, const struct ast_node **out, size_t n,
                        size_t max)
{
    if (p->kind == AST_P_DOT) {
        n = dot_parts(p->kids[0], out, n, max);
        return dot_parts(p->kids[1], out, n, max);
    }
    if (n < max) out[n] = p;
    return n + 1;
}

static size_t width(const struct ast_node *p);

static bool match_comp(struct evaluator *ev, const struct ast_node *const *ps, size_t np,
                       const value *const *vs, size_t nv, const struct env **env,
                       struct scope *sc)
{
    if (np == 0) return nv == 0;
    if (np == 1) {
        if (nv == 1) return ev_match(ev, ps[0], vs[0], env, sc);
        if (nv == 0) return false;
        const value *d = val_dot(ev->vs, vs[0], vs + 1, nv - 1);
        return d && ev_match(ev, ps[0], d, env, sc);
    }
    if (nv == 0) return false;
    const struct ast_node *p = ps[0];
    const value *c = p->kind == AST_P_VAR ? ctor_value(ev, sc, p->name) : NULL;
    if (c) {
        if (vs[0] == c) return match_comp(ev, ps + 1, np - 1, vs + 1, nv - 1, env, sc);
        if (vs[0]->kind == VAL_DOT && vs[0]->items[0] == c && ev_is_named(vs[0])) {
            /* Matching inside a field: its own fields join the list. */
            size_t m = vs[0]->n - 1 + nv - 1;
            const value **list = scratch(ev, (m + 1) * sizeof *list);
            memcpy(list, vs[0]->items + 1, (vs[0]->n - 1) * sizeof *list);
            memcpy(list + vs[0]->n - 1, vs + 1, (nv - 1) * sizeof *list);
            return match_comp(ev, ps + 1, np - 1, list, m, env, sc);
        }
        return false;
    }
    size_t w = p->kind == AST_P_DOUBLE ? width(p) : 1;
    if (w > 1) {
        if (w > nv) return false;
        const value *d = val_dot(ev->vs, vs[0], vs + 1, w - 1);
        return d && ev_match(ev, p, d, env, sc) &&
               match_comp(ev, ps + 1, np - 1, vs + w, nv - w, env, sc);
    }
    return ev_match(ev, p, vs[0], env, sc) &&
           match_comp(ev, ps + 1, np - 1, vs + 1, nv - 1, env, sc);
}

/* How many dotted parts a pattern spans: `(x.y) @@ (a.b.c)` inside a dotted pattern takes
 * three. */
static size_t width(const struct ast_node *p)
{
    if (p->kind == AST_P_DOT) return width(p->kids[0]) + width(p->kids[1]);
    if (p->kind == AST_P_DOUBLE) {
        size_t a = width(p->kids[0]), b = width(p->kids[1]);
        return a > b ? a : b;
    }
    return 1;
}

/* The parts of a concatenation pattern. */
static size_t concat_parts(const struct ast_node *p, const struct ast_node **out, size_t n,
                           size_t max)
{
    if (p->kind == AST_P_CONCAT) {
        n = concat_parts(p->kids[0], out, n, max);
        return concat_parts(p->kids[1], out, n, max);
    }
    if (n < max) out[n] = p;
    return n + 1;
}

static bool match_concat(struct evaluator *ev, const struct ast_node *p, const value *v,
                         const struct env **env, struct scope *sc)
{
    const struct ast_node *parts[64];
    size_t np = concat_parts(p, parts, 0, 64);
    if (np > 64) ev_fail(ev, p->loc, "this concatenation pattern is too long");
    size_t first_var = np, nvar = 0, fixed = 0;
    for (size_t i = 0; i < np; i++) {
        if (parts[i]->kind == AST_P_LIST || parts[i]->kind == AST_P_STRING) {
            fixed += parts[i]->kind == AST_P_LIST ? parts[i]->nkids : parts[i]->len;
        } else {
            if (first_var == np) first_var = i;
            nvar++;
        }
    }
    if (nvar > 1) ev_fail(ev, p->loc, "a concatenation pattern may have one variable part only");
    if (ev_is_lazy(v)) {
        /* <x, y>^xs against an infinite sequence */
        for (size_t i = 0; i < np; i++) {
            if (i == first_var) return i == np - 1 && ev_match(ev, parts[i], v, env, sc);
            if (parts[i]->kind != AST_P_LIST) return false;
            for (uint32_t k = 0; k < parts[i]->nkids; k++) {
                const value *h, *t;
                if (!ev_lazy_uncons(ev, v, &h, &t, p->loc) || !ev_match(ev, parts[i]->kids[k], h, env, sc))
                    return false;
                v = t;
            }
        }
        return false;
    }
    if (v->kind != VAL_SEQ || v->n < fixed || (nvar == 0 && v->n != fixed)) return false;
    size_t at = 0;
    for (size_t i = 0; i < np; i++) {
        const struct ast_node *q = parts[i];
        if (i == first_var) {
            size_t len = v->n - fixed;
            const value *mid = val_seq(ev->vs, v->items + at, len);
            if (!mid || !ev_match(ev, q, mid, env, sc)) return false;
            at += len;
        } else if (q->kind == AST_P_LIST) {
            for (uint32_t k = 0; k < q->nkids; k++)
                if (!ev_match(ev, q->kids[k], v->items[at++], env, sc)) return false;
        } else {
            const value *s = val_seq(ev->vs, v->items + at, q->len);
            if (!s || !ev_match(ev, q, s, env, sc)) return false;
            at += q->len;
        }
    }
    return true;
}

bool ev_match(struct evaluator *ev, const struct ast_node *p, const value *v,
              const struct env **env, struct scope *sc)
{
    switch ((enum ast_kind)p->kind) {
    case AST_P_WILD:
        return true;
    case AST_P_VAR: {
        const value *c = ctor_value(ev, sc, p->name);
        if (c) return v == c;
        *env = ev_bind(ev, *env, p->name, v);
        return true;
    }
    case AST_P_INT:
        return v->kind == VAL_INT && v->num == p->num;
    case AST_P_CHAR:
        return v->kind == VAL_CHAR && v->num == p->num;
    case AST_P_BOOL:
        return v->kind == VAL_BOOL && v->num == p->num;
    case AST_P_STRING:
        return v == val_string(ev->vs, p->name, p->len);
    case AST_P_TUPLE:
        if (v->kind != VAL_TUPLE || v->n != p->nkids) return false;
        for (uint32_t i = 0; i < p->nkids; i++)
            if (!ev_match(ev, p->kids[i], v->items[i], env, sc)) return false;
        return true;
    case AST_P_LIST:
        if (v->kind != VAL_SEQ || v->n != p->nkids) return false;
        for (uint32_t i = 0; i < p->nkids; i++)
            if (!ev_match(ev, p->kids[i], v->items[i], env, sc)) return false;
        return true;
    case AST_P_CONCAT:
        return match_concat(ev, p, v, env, sc);
    case AST_P_SET:
        if (v->kind != VAL_SET) return false;
        if (p->nkids == 0) return v->n == 0;
        return v->n == 1 && ev_match(ev, p->kids[0], v->items[0], env, sc);
    case AST_P_DOT: {
        const struct ast_node *parts[64];
        size_t np = dot_parts(p, parts, 0, 64);
        if (np > 64) ev_fail(ev, p->loc, "this dotted pattern is too long");
        const value *const *items = &v;
        size_t nv = 1;
        if (v->kind == VAL_DOT) {
            items = v->items;
            nv = v->n;
        }
        return match_comp(ev, parts, np, items, nv, env, sc);
    }
    case AST_P_DOUBLE:
        return ev_match(ev, p->kids[0], v, env, sc) && ev_match(ev, p->kids[1], v, env, sc);
    default:
        ev_fail(ev, p->loc, "'%s' is not a pattern", ast_kind_name(p->kind));
    }
}
