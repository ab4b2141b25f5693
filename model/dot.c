/* dot.c — CSPm's dot semantics, following the declared field types as libcspm's
 * Evaluator/Dot.hs does.  A channel or constructor with fields builds a DOT whose head is
 * its NAME and whose items are complete fields (the last one possibly still incomplete);
 * any other dotted value is a flat DOT of its parts.  A field's value is checked against the
 * declared type when it is complete.  Also: field types, datatype sets, productions and
 * extensions ({| c |}, c?x). */
#include <stdlib.h>
#include <string.h>

#include "model/eval_int.h"

enum { MAX_ENUM = 5000000 };   /* the most values a type may enumerate */

struct nameinfo *ev_nameinfo(const value *v)
{
    const struct val_name *nm = val_name_of(v);
    if (!nm || (nm->kind != NK_CHANNEL && nm->kind != NK_CTOR)) return NULL;
    return (struct nameinfo *)nm->decl;
}

bool ev_is_named(const value *v)
{
    if (v->kind == VAL_NAME) return ev_nameinfo(v) != NULL;
    if (v->kind != VAL_DOT) return false;
    struct nameinfo *ni = ev_nameinfo(v->items[0]);
    return ni && ni->state == 2 && ni->arity > 0 && v->n - 1 <= ni->arity;
}

static const value *ok(struct evaluator *ev, const value *v)
{
    if (!v) ev_fail(ev, (struct cspm_loc){0}, "out of memory");
    return v;
}

static const value *plain_dot(struct evaluator *ev, const value *const *items, size_t n)
{
    return ok(ev, val_dot(ev->vs, items[0], items + 1, n - 1));
}

static bool is_set_like(const value *v)
{
    if (v->kind == VAL_SET || v->kind == VAL_INTS_FROM) return true;
    const struct code *c = v->kind == VAL_CLOSURE ? v->code : NULL;
    return c && c->kind == C_SYMSET;
}

/* ---- type expressions ---- */

static const value *product_dot(struct evaluator *ev, const value *a, const value *b,
                                struct cspm_loc loc)
{
    a = ev_finite(ev, a, loc);
    b = ev_finite(ev, b, loc);
    if ((uint64_t)a->n * b->n > MAX_ENUM) ev_fail(ev, loc, "this type has too many values");
    struct vec out = {0};
    for (uint32_t i = 0; i < a->n; i++)
        for (uint32_t j = 0; j < b->n; j++) vec_push(ev, &out, ev_dot(ev, a->items[i], b->items[j], loc));
    return ev_set_of(ev, &out);
}

static void tuples(struct evaluator *ev, const value *const *sets, uint32_t n, uint32_t i,
                   const value **cur, struct vec *out)
{
    if (i == n) {
        vec_push(ev, out, ok(ev, val_tuple(ev->vs, cur, n)));
        return;
    }
    for (uint32_t k = 0; k < sets[i]->n; k++) {
        cur[i] = sets[i]->items[k];
        tuples(ev, sets, n, i + 1, cur, out);
    }
}

const value *ev_type_set(struct evaluator *ev, const struct ast_node *t, const struct env *env,
                         struct scope *sc)
{
    if (t->kind == AST_DOT) {
        const value *a = ev_type_set(ev, t->kids[0], env, sc);
        const value *b = ev_type_set(ev, t->kids[1], env, sc);
        return product_dot(ev, a, b, t->loc);
    }
    if (t->kind == AST_TUPLE) {
        const value **sets = scratch(ev, t->nkids * sizeof *sets);
        const value **cur = scratch(ev, t->nkids * sizeof *cur);
        for (uint32_t i = 0; i < t->nkids; i++)
            sets[i] = ev_finite(ev, ev_type_set(ev, t->kids[i], env, sc), t->kids[i]->loc);
        struct vec out = {0};
        tuples(ev, sets, t->nkids, 0, cur, &out);
        return ev_set_of(ev, &out);
    }
    const value *v = ev_eval(ev, t, env, sc);
    if (!is_set_like(v)) {
        char buf[100];
        val_format(v, buf, sizeof buf);
        ev_fail(ev, t->loc, "expected a set for this type, found %s", buf);
    }
    return v;
}

static size_t type_parts(const struct ast_node *t, const struct ast_node **out, size_t n,
                         size_t max)
{
    if (t->kind == AST_DOT) {
        n = type_parts(t->kids[0], out, n, max);
        return type_parts(t->kids[1], out, n, max);
    }
    if (n < max) out[n] = t;
    return n + 1;
}

/* Appends the field sets of one type part: a set of flat dots of one length splits into
 * one set per position, which must multiply back to the set (libcspm: "rectangular"). */
static void add_fields(struct evaluator *ev, const value *s, struct vec *fields,
                       struct cspm_loc loc)
{
    if (s->kind != VAL_SET || s->n == 0 || s->items[0]->kind != VAL_DOT ||
        ev_is_named(s->items[0])) {
        vec_push(ev, fields, s);
        return;
    }
    uint32_t m = s->items[0]->n;
    for (uint32_t i = 0; i < s->n; i++)
        if (s->items[i]->kind != VAL_DOT || ev_is_named(s->items[i]) || s->items[i]->n != m) {
            vec_push(ev, fields, s);
            return;
        }
    uint64_t product = 1;
    for (uint32_t k = 0; k < m; k++) {
        struct vec col = {0};
        for (uint32_t i = 0; i < s->n; i++) vec_push(ev, &col, s->items[i]->items[k]);
        const value *c = ev_set_of(ev, &col);
        product *= c->n;
        vec_push(ev, fields, c);
    }
    if (product != s->n) {
        char buf[200];
        val_format(s, buf, sizeof buf);
        ev_fail(ev, loc, "the set %s is not rectangular: it is not a product of field sets", buf);
    }
}

void ev_fields(struct evaluator *ev, struct nameinfo *ni, struct cspm_loc loc)
{
    if (ni->state == 2) return;
    if (ni->state == 1)
        ev_fail(ev, loc, "the type of '%s' depends on itself", ni->name->text);
    ni->state = 1;
    struct vec fields = {0};
    if (ni->type) {
        const struct ast_node *parts[64];
        size_t np = type_parts(ni->type, parts, 0, 64);
        if (np > 64) ev_fail(ev, ni->type->loc, "too many fields");
        for (size_t i = 0; i < np; i++) {
            const value *s = ev_type_set(ev, parts[i], ev_scope_env(ev, ni->scope), ni->scope);
            add_fields(ev, s, &fields, parts[i]->loc);
        }
    }
    ni->arity = (uint32_t)fields.n;
    const value **f = ev_alloc(ev, (fields.n + 1) * sizeof *f);
    if (fields.n) memcpy(f, fields.v, fields.n * sizeof *f);
    ni->fields = f;
    for (size_t i = 0; i < fields.n; i++)
        if (f[i]->kind != VAL_SET) ni->infinite = true;
    ni->state = 2;
}

/* ---- completeness and dotting ---- */

bool ev_is_complete(struct evaluator *ev, const value *v, struct cspm_loc loc)
{
    if (v->kind == VAL_NAME) {
        struct nameinfo *ni = ev_nameinfo(v);
        if (!ni) return true;
        ev_fields(ev, ni, loc);
        return ni->arity == 0;
    }
    if (v->kind != VAL_DOT || !ev_is_named(v)) return true;
    struct nameinfo *ni = ev_nameinfo(v->items[0]);
    return v->n - 1 == ni->arity && ev_is_complete(ev, v->items[v->n - 1], loc);
}

static void check_field(struct evaluator *ev, struct nameinfo *ni, uint32_t k, const value *x,
                        struct cspm_loc loc)
{
    if (!ev_is_complete(ev, x, loc)) return;
    if (ev_member(ev, ni->fields[k], x, loc)) return;
    char buf[200], set[200];
    val_format(x, buf, sizeof buf);
    val_format(ni->fields[k], set, sizeof set);
    ev_fail(ev, loc, "value %s is outside the type of %s %s (field %u: %s)", buf,
            ni->name->kind == NK_CHANNEL ? "channel" : "constructor", ni->name->text, k + 1, set);
}

/* base.x when base is a channel or constructor still missing fields; NULL otherwise. */
static const value *dot_field_on(struct evaluator *ev, const value *base, const value *x,
                                 struct cspm_loc loc)
{
    const value *head = base->kind == VAL_DOT ? base->items[0] : base;
    struct nameinfo *ni = ev_nameinfo(head);
    if (!ni) return NULL;
    ev_fields(ev, ni, loc);
    if (base->kind == VAL_DOT && !ev_is_named(base)) return NULL;
    uint32_t k = base->kind == VAL_DOT ? base->n - 1 : 0;
    const value **items = scratch(ev, (k + 2) * sizeof *items);
    items[0] = head;
    if (k) memcpy(items + 1, base->items + 1, k * sizeof *items);
    if (k == 0 || ev_is_complete(ev, items[k], loc)) {
        if (ni->arity == k) return NULL;
        check_field(ev, ni, k, x, loc);
        items[k + 1] = x;
        return ok(ev, val_dot(ev->vs, head, items + 1, k + 1));
    }
    const value *last = dot_field_on(ev, items[k], x, loc);
    if (!last) return NULL;
    check_field(ev, ni, k - 1, last, loc);
    items[k] = last;
    return ok(ev, val_dot(ev->vs, head, items + 1, k));
}

const value *ev_dot(struct evaluator *ev, const value *a, const value *b, struct cspm_loc loc)
{
    const value *const *parts = &b;
    size_t np = 1;
    if (b->kind == VAL_DOT && !ev_is_named(b)) {
        parts = b->items;
        np = b->n;
    }
    const value *v = a;
    for (size_t i = 0; i < np; i++) {
        const value *r = dot_field_on(ev, v, parts[i], loc);
        if (!r) {
            /* A plain dot: v's parts (unless v is a named value) followed by the part. */
            if (v->kind == VAL_DOT && !ev_is_named(v)) {
                const value **items = scratch(ev, (v->n + 1) * sizeof *items);
                memcpy(items, v->items, v->n * sizeof *items);
                items[v->n] = parts[i];
                r = plain_dot(ev, items, v->n + 1);
            } else {
                const value *items[2] = {v, parts[i]};
                r = plain_dot(ev, items, 2);
            }
        }
        v = r;
    }
    return v;
}

/* ---- enumerating values ---- */

/* Every value of ni with its first i fields as in cur and the others over their sets. */
static void products(struct evaluator *ev, struct nameinfo *ni, uint32_t i, const value **cur,
                     struct vec *out)
{
    if (i == ni->arity) {
        vec_push(ev, out, ok(ev, val_dot(ev->vs, ni->value, cur, ni->arity)));
        return;
    }
    const value *s = ni->fields[i];
    for (uint32_t k = 0; k < s->n; k++) {
        cur[i] = s->items[k];
        products(ev, ni, i + 1, cur, out);
    }
}

/* The error for enumerating the values of V when field I of its channel or constructor is
 * an infinite set (FDR too enumerates only finite field sets). */
static _Noreturn void infinite_field(struct evaluator *ev, const value *v, struct nameinfo *ni,
                                     uint32_t i, struct cspm_loc loc)
{
    char buf[200], set[100];
    val_format(v, buf, sizeof buf);
    val_format(ni->fields[i], set, sizeof set);
    ev_fail(ev, loc, "'%s' has infinitely many values (field %u of '%s', %s, is infinite)", buf,
            i + 1, ni->name->text, set);
}

/* Every complete value of a channel or constructor. */
static const value *all_of(struct evaluator *ev, struct nameinfo *ni, struct cspm_loc loc)
{
    ev_fields(ev, ni, loc);
    if (ni->all) return ni->all;
    for (uint32_t i = 0; ni->infinite && i < ni->arity; i++)
        if (ni->fields[i]->kind != VAL_SET) infinite_field(ev, ni->value, ni, i, loc);
    uint64_t total = 1;
    for (uint32_t i = 0; i < ni->arity; i++) {
        total *= ni->fields[i]->n ? ni->fields[i]->n : 1;
        if (total > MAX_ENUM) ev_fail(ev, loc, "'%s' has too many values to enumerate", ni->name->text);
    }
    struct vec out = {0};
    const value **cur = scratch(ev, (ni->arity + 1) * sizeof *cur);
    products(ev, ni, 0, cur, &out);
    ni->all = ev_set_of(ev, &out);
    return ni->all;
}

static size_t items_of(const value *v, const value *const **items, const value **self)
{
    if (v->kind == VAL_DOT) {
        *items = v->items;
        return v->n;
    }
    *self = v;
    *items = self;
    return 1;
}

static bool prefix_of(struct evaluator *ev, const value *v, const value *p, struct cspm_loc loc)
{
    const value *const *vi, *const *pi, *s1, *s2;
    size_t nv = items_of(v, &vi, &s1), np = items_of(p, &pi, &s2);
    if (nv > np) return false;
    for (size_t i = 0; i + 1 < nv; i++)
        if (vi[i] != pi[i]) return false;
    const value *a = vi[nv - 1], *b = pi[nv - 1];
    if (a == b) return true;
    /* An incomplete last field: b must extend it (same head, more items). */
    if (b->kind != VAL_DOT || !ev_is_named(a)) return false;
    const value *ha = a->kind == VAL_DOT ? a->items[0] : a;
    return ha == b->items[0] && !ev_is_complete(ev, a, loc) && prefix_of(ev, a, b, loc);
}

/* The parts of p beyond v (v a prefix of p). */
static void rest_after(struct evaluator *ev, const value *v, const value *p, struct vec *out)
{
    const value *const *vi, *const *pi, *s1, *s2;
    size_t nv = items_of(v, &vi, &s1), np = items_of(p, &pi, &s2);
    if (vi[nv - 1] != pi[nv - 1]) rest_after(ev, vi[nv - 1], pi[nv - 1], out);
    for (size_t i = nv; i < np; i++) vec_push(ev, out, pi[i]);
}

/* The values of field set S that complete X (a channel or constructor value still short of
 * fields, the last field of a value being built). */
static void completions_in(struct evaluator *ev, const value *x, const value *s, struct vec *out,
                           struct cspm_loc loc)
{
    if (s->kind == VAL_SET) {
        for (uint32_t i = 0; i < s->n; i++)
            if (prefix_of(ev, x, s->items[i], loc)) vec_push(ev, out, s->items[i]);
        return;
    }
    const value *p = ev_productions(ev, x, loc);
    for (uint32_t i = 0; i < p->n; i++)
        if (ev_member(ev, s, p->items[i], loc)) vec_push(ev, out, p->items[i]);
}

/* The productions of V: every complete value that extends it.  They are enumerated from V
 * on, as FDR does for `dd.0?x`: the fields V gives are kept, an incomplete last field is
 * completed within its field set, and only the fields V leaves open must be finite, so a
 * channel with an infinite field is usable wherever that field is given. */
const value *ev_productions(struct evaluator *ev, const value *v, struct cspm_loc loc)
{
    const value *head = v->kind == VAL_DOT ? v->items[0] : v;
    struct nameinfo *ni = ev_nameinfo(head);
    if (!ni || (v->kind == VAL_DOT && !ev_is_named(v)) || ev_is_complete(ev, v, loc))
        return ok(ev, val_set(ev->vs, &v, 1));
    if (v->kind != VAL_DOT) return all_of(ev, ni, loc);
    uint32_t given = (uint32_t)v->n - 1;
    const value *last = v->items[given];
    struct vec lasts = {0};
    if (ev_is_complete(ev, last, loc)) vec_push(ev, &lasts, last);
    else completions_in(ev, last, ni->fields[given - 1], &lasts, loc);
    uint64_t total = lasts.n;
    for (uint32_t i = given; i < ni->arity; i++) {
        if (ni->fields[i]->kind != VAL_SET) infinite_field(ev, v, ni, i, loc);
        total *= ni->fields[i]->n;
        if (total > MAX_ENUM) ev_fail(ev, loc, "'%s' has too many values to enumerate", ni->name->text);
    }
    struct vec out = {0};
    const value **cur = scratch(ev, (ni->arity + 1) * sizeof *cur);
    for (uint32_t i = 0; i + 1 < given; i++) cur[i] = v->items[i + 1];
    for (size_t k = 0; k < lasts.n; k++) {
        cur[given - 1] = lasts.v[k];
        products(ev, ni, given, cur, &out);
    }
    return ev_set_of(ev, &out);
}

/* The values of the one field after V (libcspm's oneFieldExtensions): the next field set
 * when V's last field is complete, else the next field inside that last field among the
 * values of its field set.  Fields further on are not enumerated. */
static const value *next_field(struct evaluator *ev, struct nameinfo *ni, const value *v,
                               struct cspm_loc loc)
{
    uint32_t given = v->kind == VAL_DOT ? (uint32_t)v->n - 1 : 0;
    const value *last = given ? v->items[given] : NULL;
    if (!last || ev_is_complete(ev, last, loc)) {
        if (ni->fields[given]->kind != VAL_SET) infinite_field(ev, v, ni, given, loc);
        return ni->fields[given];
    }
    struct vec inner = {0}, out = {0};
    completions_in(ev, last, ni->fields[given - 1], &inner, loc);
    for (size_t i = 0; i < inner.n; i++) {
        struct vec rem = {0};
        rest_after(ev, last, inner.v[i], &rem);
        if (rem.n) vec_push(ev, &out, rem.v[0]);
    }
    return ev_set_of(ev, &out);
}

const value *ev_extensions(struct evaluator *ev, const value *v, bool first_only,
                           struct cspm_loc loc)
{
    if (first_only && !ev_is_complete(ev, v, loc)) {
        const value *head = v->kind == VAL_DOT ? v->items[0] : v;
        struct nameinfo *ni = ev_nameinfo(head);
        if (ni && (v->kind != VAL_DOT || ev_is_named(v))) return next_field(ev, ni, v, loc);
    }
    const value *prods = ev_productions(ev, v, loc);
    struct vec out = {0};
    for (uint32_t i = 0; i < prods->n; i++) {
        if (prods->items[i] == v) continue;
        struct vec rem = {0};
        rest_after(ev, v, prods->items[i], &rem);
        if (rem.n == 0) continue;
        vec_push(ev, &out, first_only || rem.n == 1 ? rem.v[0] : plain_dot(ev, rem.v, rem.n));
    }
    return ev_set_of(ev, &out);
}

/* ---- datatypes ---- */

const value *ev_datatype_set(struct evaluator *ev, struct global *g, struct cspm_loc loc)
{
    const struct ast_node *d = g->node;
    struct vec out = {0};
    if (d->kind == AST_D_DATATYPE) {
        bool infinite = false;
        for (uint32_t i = 0; i < d->nkids; i++) {
            struct global *c = ev_lookup_global(ev, g->scope, d->kids[i]->name);
            if (!c || !c->info) continue;
            if (c->info->state == 1) {   /* a recursive datatype: infinitely many values */
                infinite = true;
                continue;
            }
            ev_fields(ev, c->info, loc);
            if (c->info->infinite) infinite = true;
        }
        if (infinite) return ev_symset(ev, SYM_DATATYPE, &g->info->value, 1);
        for (uint32_t i = 0; i < d->nkids; i++) {
            struct global *c = ev_lookup_global(ev, g->scope, d->kids[i]->name);
            if (!c || !c->info) continue;
            const value *all = all_of(ev, c->info, loc);
            for (uint32_t k = 0; k < all->n; k++) vec_push(ev, &out, all->items[k]);
        }
        return ev_set_of(ev, &out);
    }
    /* subtype: each clause restricts the first fields of an existing constructor */
    for (uint32_t i = 0; i < d->nkids; i++) {
        const struct ast_node *cl = d->kids[i];
        struct global *c = ev_lookup_global(ev, g->scope, cl->name);
        if (!c || !c->info) ev_fail(ev, cl->loc, "'%s' is not a constructor", cl->name);
        struct nameinfo *ni = c->info;
        ev_fields(ev, ni, cl->loc);
        struct nameinfo tmp = *ni;
        struct vec fields = {0};
        if (cl->nkids) {
            const struct ast_node *parts[64];
            size_t np = type_parts(cl->kids[0], parts, 0, 64);
            for (size_t k = 0; k < np && k < 64; k++)
                add_fields(ev, ev_type_set(ev, parts[k], ev_scope_env(ev, g->scope), g->scope), &fields, parts[k]->loc);
        }
        for (size_t k = fields.n; k < ni->arity; k++) vec_push(ev, &fields, ni->fields[k]);
        if (fields.n != ni->arity) ev_fail(ev, cl->loc, "'%s' has %u fields", cl->name, ni->arity);
        tmp.fields = fields.v;
        for (uint32_t k = 0; k < tmp.arity; k++) {
            if (tmp.fields[k]->kind != VAL_SET)
                ev_fail(ev, cl->loc, "the subtype '%s' has infinitely many values", d->name);
        }
        const value **cur = scratch(ev, (tmp.arity + 1) * sizeof *cur);
        products(ev, &tmp, 0, cur, &out);
    }
    return ev_set_of(ev, &out);
}

/* ---- membership ---- */

static bool in_datatype(struct evaluator *ev, const value *dt, const value *x, struct cspm_loc loc)
{
    const value *head = x->kind == VAL_DOT ? x->items[0] : x;
    struct nameinfo *ni = ev_nameinfo(head);
    if (!ni || !ni->datatype || ni->datatype->info->value != dt) return false;
    if (!ev_is_complete(ev, x, loc)) return false;
    for (uint32_t k = 0; k < ni->arity; k++)
        if (!ev_member(ev, ni->fields[k], x->items[k + 1], loc)) return false;
    return true;
}

bool ev_member(struct evaluator *ev, const value *set, const value *x, struct cspm_loc loc)
{
    if (set->kind == VAL_SET || set->kind == VAL_INTS_FROM) return val_set_member(set, x);
    const struct code *c = set->kind == VAL_CLOSURE ? set->code : NULL;
    if (!c || c->kind != C_SYMSET) {
        char buf[100];
        val_format(set, buf, sizeof buf);
        ev_fail(ev, loc, "expected a set, found %s", buf);
    }
    switch (c->builtin) {
    case SYM_SEQ:
    case SYM_SET:
        if (x->kind != (c->builtin == SYM_SEQ ? VAL_SEQ : VAL_SET)) return false;
        for (uint32_t i = 0; i < x->n; i++)
            if (!ev_member(ev, set->items[0], x->items[i], loc)) return false;
        return true;
    case SYM_CHAR: return x->kind == VAL_CHAR;
    case SYM_PROC: return x->kind == VAL_PROC;
    case SYM_DATATYPE: return in_datatype(ev, set->items[0], x, loc);
    case SYM_MAP:
        if (x->kind != VAL_MAP) return false;
        for (uint32_t i = 0; i < x->n; i += 2)
            if (!ev_member(ev, set->items[0], x->items[i], loc) ||
                !ev_member(ev, set->items[1], x->items[i + 1], loc))
                return false;
        return true;
    default:
        return false;
    }
}

const value *ev_symset(struct evaluator *ev, enum symset kind, const value *const *args, size_t n)
{
    return ok(ev, val_closure(ev->vs, -100 - (int)kind, &ev->symset_codes[kind], args, n));
}

const value *ev_finite(struct evaluator *ev, const value *s, struct cspm_loc loc)
{
    if (s->kind == VAL_SET || s->kind == VAL_SEQ) return s;
    char buf[100];
    val_format(s, buf, sizeof buf);
    if (s->kind == VAL_INTS_FROM || s->kind == VAL_CLOSURE)
        ev_fail(ev, loc, "cannot enumerate the infinite set or sequence %s", buf);
    ev_fail(ev, loc, "expected a set or a sequence, found %s %s", val_kind_name(s->kind), buf);
}

const value *ev_events(struct evaluator *ev, struct cspm_loc loc)
{
    if (ev->events && ev->events_channels == ev->nchannels) return ev->events;
    struct vec out = {0};
    for (uint32_t i = 0; i < ev->nchannels; i++) {
        const value *all = all_of(ev, ev->channels[i], loc);
        for (uint32_t k = 0; k < all->n; k++) vec_push(ev, &out, all->items[k]);
    }
    ev->events = ev_set_of(ev, &out);
    ev->events_channels = ev->nchannels;
    return ev->events;
}
