/* CSPm type inference: the rules for every expression, pattern and declaration, on top of
 * the terms and unification of model/unify.c.  Top-level (and module) definitions are
 * inferred on demand — a use infers its definition first — and generalised; `let`
 * definitions stay monomorphic unless annotated, as in libcspm.  Dot expressions are typed
 * from the declared fields of the channel or constructor at their head when the split of
 * the fields is certain, dotted values that no channel or constructor heads get a dotted
 * type, a variable that must be a channel (in a renaming or link, after {| x |}) takes the
 * items of its dots as fields, and what is not certain gets a fresh type (see
 * docs/cspm-types.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/types_int.h"

enum container { IN_SET, IN_SEQ };

/* Helpers of infer() stay out of its frame: it recurses once per tree level. */
#define NOINLINE __attribute__((noinline))

static struct ty *infer(struct tc *c, struct ast_node *e);
static struct ty *pattern(struct tc *c, struct ast_node *p);
static void check_list(struct tc *c, struct ast_node *items);
static void infer_value(struct tc *c, uint32_t id);

static struct ty *prim(struct tc *c, enum ty_kind k) { return ty_prim(c, k); }

static struct ty *fun(struct tc *c, struct ty **args, uint32_t n, struct ty *res)
{
    struct ty *t = ty_new(c, TY_FUN, (uint32_t)(n + 1));
    for (uint32_t i = 0; i < n; i++) t->a[i] = args[i];
    t->a[n] = res;
    return t;
}

/* ---- built-in schemes, written as text in RS_BUILTINS ---- */

struct tparse {
    const char *s;
    struct tc *c;
    struct ty *vars[8];
    char names[8];
    int nvars;
};

static void skip(struct tparse *p) { while (*p->s == ' ') p->s++; }

static struct ty *tvar(struct tparse *p, char name)
{
    for (int i = 0; i < p->nvars; i++)
        if (p->names[i] == name) return p->vars[i];
    struct ty *v = ty_var(p->c, 0);
    v->level = LEVEL_GENERIC;
    p->names[p->nvars] = name;
    p->vars[p->nvars++] = v;
    return v;
}

static struct ty *ptype(struct tparse *p)
{
    skip(p);
    struct tc *c = p->c;
    static const struct { const char *w; enum ty_kind k; } names[] = {
        {"Int", TY_INT}, {"Bool", TY_BOOL}, {"Char", TY_CHAR}, {"Proc", TY_PROC}, {"Event", TY_EVENT},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strncmp(p->s, names[i].w, strlen(names[i].w)) == 0) {
            p->s += strlen(names[i].w);
            return prim(c, names[i].k);
        }
    if (*p->s == '{' || *p->s == '<') {
        enum ty_kind k = *p->s == '{' ? TY_SET : TY_SEQ;
        p->s++;
        struct ty *t = ty_un(c, k, ptype(p));
        skip(p);
        p->s++;
        return t;
    }
    if (p->s[0] == '(' && p->s[1] == '|') {
        p->s += 2;
        struct ty *t = ty_new(c, TY_MAP, 2);
        t->a[0] = ptype(p);
        skip(p);
        p->s += 2;      /* => */
        t->a[1] = ptype(p);
        skip(p);
        p->s += 2;      /* |) */
        return t;
    }
    if (*p->s == '(') {
        struct ty *args[8];
        uint32_t n = 0;
        p->s++;
        for (;;) {
            args[n++] = ptype(p);
            skip(p);
            if (*p->s++ != ',') break;
        }
        skip(p);
        if (p->s[0] == '-' && p->s[1] == '>') {
            p->s += 2;
            return fun(c, args, n, ptype(p));
        }
        if (n == 1) return args[0];
        struct ty *t = ty_new(c, TY_TUPLE, n);
        for (uint32_t i = 0; i < n; i++) t->a[i] = args[i];
        return t;
    }
    return tvar(p, *p->s++);
}

static struct ty *parse_scheme(struct tc *c, const char *s)
{
    struct tparse p = {.s = s, .c = c};
    const char *arrow = strstr(s, "=> ");
    if (strncmp(s, "Set ", 4) == 0 || strncmp(s, "Eq ", 3) == 0) {
        while (p.s < arrow) {
            uint8_t cls = p.s[0] == 'S' ? C_SET : C_EQ;
            p.s += p.s[0] == 'S' ? 4 : 3;
            tvar(&p, *p.s)->cls |= cls;
            p.s++;
            while (*p.s == ',' || *p.s == ' ') p.s++;
        }
        p.s = arrow + 3;
    }
    return ptype(&p);
}

/* ---- the type of a name ---- */

static struct ty *binding_type(struct tc *c, uint32_t id);

/* A datatype's binding for a constructor (through its D_DATATYPE). */
static uint32_t ctor_datatype(struct tc *c, uint32_t cid)
{
    struct ast_node *d = c->t->b[cid].owner;
    return d ? (uint32_t)d->aux : 0;
}

static struct ty *elem_of_set(struct tc *c, struct ty *set, struct cspm_loc loc, const char *what)
{
    struct ty *e = ty_var(c, 0);
    ty_unify(c, ty_un(c, TY_SET, e), set, loc, what);
    return e;
}

static void dot_leaves(struct ast_node *e, struct ast_node **out, uint32_t *n, uint32_t max)
{
    if (e->kind == AST_DOT) {
        dot_leaves(e->kids[0], out, n, max);
        dot_leaves(e->kids[1], out, n, max);
    } else if (*n < max) {
        out[(*n)++] = e;
    }
}

/* The type of the values a type expression denotes — a field of a channel or constructor
 * declaration, a nametype's right side (libcspm's evalTypeExpression): a set stands for its
 * elements, a tuple of type expressions for the tuples of their values, a dotted one for the
 * dotted values of its parts (`(Node.T, Bool)`: the values (A.0, true), …).  A dotted
 * expression whose first part still needs fields gets a fresh type (what it yields depends
 * on the split).  A declaration's top-level dots are separate fields (collect_fields). */
static struct ty *field_elem(struct tc *c, struct ast_node *e)
{
    if (e->kind == AST_TUPLE) {
        struct ty *t = ty_new(c, TY_TUPLE, (uint32_t)e->nkids);
        for (uint32_t i = 0; i < e->nkids; i++) t->a[i] = field_elem(c, e->kids[i]);
        return t;
    }
    if (e->kind == AST_DOT) {
        struct ast_node *leaves[64];
        struct ty *parts[64];
        uint32_t n = 0;
        dot_leaves(e, leaves, &n, 64);
        for (uint32_t i = 0; i < n; i++) parts[i] = field_elem(c, leaves[i]);
        if (ty_prune(parts[0])->kind == TY_YIELD || ty_prune(parts[0])->kind == TY_VAR)
            return ty_var(c, 0);
        return ty_dot(c, parts, n);
    }
    return elem_of_set(c, infer(c, e), e->loc, "a field type must be a set");
}

static void push_field(struct tc *c, struct fields *f, struct ty *t)
{
    if ((f->n & (f->n - 1)) == 0) {     /* n is 0 or a power of two: grow */
        struct ty **nf = arena_alloc(c->a, (f->n ? 2 * f->n : 1) * sizeof *nf);
        if (f->n) memcpy(nf, f->f, f->n * sizeof *nf);
        f->f = nf;
    }
    f->f[f->n++] = t;
}

/* Flattens a field type expression `A.B.C` (through dotted nametypes) into F. */
static void collect_fields(struct tc *c, struct ast_node *e, struct fields *f, int depth)
{
    if (e->kind == AST_DOT) {
        collect_fields(c, e->kids[0], f, depth);
        collect_fields(c, e->kids[1], f, depth);
        return;
    }
    if (e->kind == AST_VAR && e->aux && depth < 50 && c->t->b[e->aux].kind == RS_NAMETYPE &&
        c->t->b[e->aux].decl->kids[0]->kind == AST_DOT) {
        collect_fields(c, c->t->b[e->aux].decl->kids[0], f, depth + 1);
        return;
    }
    struct ty *t = field_elem(c, e);
    if (ty_prune(t)->kind == TY_YIELD)
        ty_error(c, e->loc, "this field is incomplete: its values still need fields (a set of '%s'-style values needs them all)",
                 e->kind == AST_SET && e->nkids && e->kids[0]->kind == AST_VAR ? e->kids[0]->name : "c");
    push_field(c, f, t);
}

struct fields *ty_fields(struct tc *c, uint32_t id)
{
    struct fields *f = &c->bfields[id];
    if (f->state == 1) {
        f->state = 3;   /* a field type that needs itself: give up on this one */
        return f;
    }
    if (f->state) return f;
    f->state = 1;
    struct rs_binding *b = &c->t->b[id];
    struct ast_node *texpr = NULL;
    if (b->kind == RS_CHANNEL) texpr = b->decl->nkids > 1 ? b->decl->kids[1] : NULL;
    else if (b->kind == RS_CTOR) texpr = b->decl->nkids > 0 ? b->decl->kids[0] : NULL;
    int level = c->level;
    c->level = 0;
    struct fields tmp = {0};
    if (texpr) collect_fields(c, texpr, &tmp, 0);
    c->level = level;
    if (f->state == 3) return f;
    f->f = tmp.f;
    f->n = tmp.n;
    f->state = 2;
    if (b->kind == RS_CHANNEL)
        for (uint32_t i = 0; i < f->n; i++)
            ty_require(c, f->f[i], C_EQ, b->site->loc, "a channel's fields must be comparable");
    return f;
}

/* The type of a channel or constructor as a value: Event / the datatype, or a yield. */
static struct ty *ctor_type(struct tc *c, uint32_t id, uint32_t skip_fields)
{
    struct fields *f = ty_fields(c, id);
    if (f->state != 2) return ty_var(c, 0);
    struct ty *res = c->t->b[id].kind == RS_CHANNEL ? prim(c, TY_EVENT) : ty_data(c, ctor_datatype(c, id));
    if (skip_fields >= f->n) return res;
    struct ty *t = ty_new(c, TY_YIELD, (uint32_t)(f->n - skip_fields + 1));
    for (uint32_t i = skip_fields; i < f->n; i++) t->a[i - skip_fields] = f->f[i];
    t->a[t->n - 1] = res;
    return t;
}

/* The instance of INST's chain (INST, the instance INST's module was reached through, …)
 * whose module declares datatype DT, or 0: `X2 = X1::N` with N inside M reaches M's
 * datatypes through X1. */
static uint32_t owning_instance(struct tc *c, uint32_t dt, uint32_t inst)
{
    uint32_t owner = c->dt_module[dt];
    for (int k = 0; owner && inst && k < 64; k++) {
        struct ast_node *ref = c->t->b[inst].decl->kids[0];
        if ((uint32_t)ref->aux == owner) return inst;
        inst = (uint32_t)ref->aux2;
    }
    return 0;
}

/* T with every datatype of a module reached through instance INST tagged with the instance
 * that owns it: each instance of a parameterised module has its own datatypes.  Datatypes
 * already tagged, and those of the top level, stay as they are. */
static struct ty *tag_instance_rec(struct tc *c, struct ty *t, uint32_t inst, int depth)
{
    t = ty_prune(t);
    if (depth > 100 || ty_spent(c)) return t;
    if (t->kind == TY_DATA) {
        uint32_t owner = t->inst ? 0 : owning_instance(c, t->id, inst);
        if (!owner) return t;
        struct ty *u = ty_data(c, t->id);
        u->inst = owner;
        return u;
    }
    struct ty *u = NULL;
    for (uint32_t i = 0; i < t->n; i++) {
        struct ty *k = tag_instance_rec(c, t->a[i], inst, depth + 1);
        if (k != ty_prune(t->a[i]) && !u) {
            u = ty_new(c, (enum ty_kind)t->kind, t->n);
            u->cls = t->cls;
            for (uint32_t j = 0; j < i; j++) u->a[j] = t->a[j];
        }
        if (u) u->a[i] = k;
    }
    return u ? u : t;
}

static struct ty *tag_instance(struct tc *c, struct ty *t, uint32_t inst)
{
    return inst ? tag_instance_rec(c, t, inst, 0) : t;
}

/* The type of name node N: its binding's, with the datatypes of the instance it went
 * through. */
static struct ty *name_type(struct tc *c, struct ast_node *n)
{
    return tag_instance(c, binding_type(c, (uint32_t)n->aux), (uint32_t)n->aux2);
}

static struct ty *binding_type(struct tc *c, uint32_t id)
{
    struct rs_binding *b = &c->t->b[id];
    switch ((enum rs_kind)b->kind) {
    case RS_BUILTIN:
        if (!c->builtin[b->builtin]) {
            static const char *const types[] = {
#define X(name, type, where) type,
                RS_BUILTINS(X)
#undef X
            };
            c->builtin[b->builtin] = parse_scheme(c, types[b->builtin]);
        }
        return ty_instantiate(c, c->builtin[b->builtin], 0);
    case RS_VALUE:
        infer_value(c, id);
        /* Past the depth limit a definition is inferred later, in order; this use is left
         * unchecked rather than tie a possibly polymorphic definition to one type. */
        if (c->bstate[id] == 0 && !c->t->b[id].let_bound && !c->bpoly[id]) return ty_var(c, 0);
        if (!c->btype[id]) c->btype[id] = ty_var(c, 0);
        return c->bpoly[id] ? ty_instantiate(c, c->btype[id], 0) : c->btype[id];
    case RS_PARAM:
        if (!c->btype[id]) {
            int level = c->level;
            c->level = 0;
            c->btype[id] = ty_var(c, 0);
            c->level = level;
        }
        return c->btype[id];
    case RS_CHANNEL:
    case RS_CTOR:
        return ctor_type(c, id, 0);
    case RS_DATATYPE:
        return ty_un(c, TY_SET, ty_data(c, id));
    case RS_SUBTYPE: {
        struct ast_node *d = b->decl;
        uint32_t cid = d->nkids ? (uint32_t)d->kids[0]->aux : 0;
        return ty_un(c, TY_SET, cid ? ty_data(c, ctor_datatype(c, cid)) : ty_var(c, 0));
    }
    case RS_NAMETYPE:
        if (c->bstate[id] == 0) {
            c->bstate[id] = 1;
            int level = c->level;
            c->level = 0;
            struct ty *elem = field_elem(c, b->decl->kids[0]);
            struct ty *t = ty_un(c, TY_SET, elem);
            c->level = level;
            /* libcspm requires a nametype's values to be complete (class Complete): a
             * set of values still short of fields names no type. */
            if (ty_prune(elem)->kind == TY_YIELD) {
                char buf[160];
                ty_print(c, elem, buf, sizeof buf);
                ty_error(c, b->decl->kids[0]->loc,
                         "the values of nametype '%s' are incomplete: they still need fields (%s)",
                         b->name, buf);
            }
            if (!c->btype[id]) c->btype[id] = t;
            else ty_unify(c, c->btype[id], t, b->decl->loc, NULL);
            c->bstate[id] = 2;
        }
        if (!c->btype[id]) c->btype[id] = ty_var(c, 0);
        return c->btype[id];
    default:
        return ty_var(c, 0);
    }
}

/* ---- type annotations ---- */

struct avars {
    const char *name[32];
    struct ty *v[32];
    int n;
    int bad;        /* uses what the checker does not model (dotted types, =>*) */
};

static struct ty *ann_type(struct tc *c, struct ast_node *t, struct avars *av);

static struct ty *ann_fields_yield(struct tc *c, struct ast_node *left, struct ty *res, struct avars *av)
{
    struct ast_node *parts[64];
    int n = 0;
    while (left->kind == AST_T_DOT && n < 62) {
        parts[n++] = left->kids[0];
        left = left->kids[1];
    }
    parts[n++] = left;
    struct ty *y = ty_new(c, TY_YIELD, (uint32_t)(n + 1));
    for (int i = 0; i < n; i++) y->a[i] = ann_type(c, parts[i], av);
    y->a[n] = res;
    return y;
}

static const struct { const char *w; enum ty_kind k; } prim_names[] = {
    {"Int", TY_INT}, {"Bool", TY_BOOL}, {"Char", TY_CHAR}, {"Proc", TY_PROC}, {"Event", TY_EVENT},
};

/* The built-in type NAME names (Int, Bool, …), or NULL. */
static const char *prim_name(const char *name)
{
    for (size_t i = 0; i < sizeof prim_names / sizeof prim_names[0]; i++)
        if (strcmp(name, prim_names[i].w) == 0) return prim_names[i].w;
    return NULL;
}

static struct ty *ann_type(struct tc *c, struct ast_node *t, struct avars *av)
{
    switch (t->kind) {
    case AST_T_NAME: {
        if (t->aux) {
            struct rs_binding *b = &c->t->b[t->aux];
            if (b->kind == RS_DATATYPE) return ty_data(c, (uint32_t)t->aux);
            struct ty *s = binding_type(c, (uint32_t)t->aux);
            return elem_of_set(c, s, t->loc, NULL);
        }
        if (strstr(t->name, "::")) { av->bad = 1; return ty_var(c, 0); }
        for (size_t i = 0; i < sizeof prim_names / sizeof prim_names[0]; i++)
            if (strcmp(t->name, prim_names[i].w) == 0) return prim(c, prim_names[i].k);
        for (int i = 0; i < av->n; i++)
            if (strcmp(av->name[i], t->name) == 0) return av->v[i];
        for (int i = c->nscoped; i-- > 0;)      /* a variable of an enclosing annotation */
            if (strcmp(c->scoped[i]->name, t->name) == 0) return c->scoped[i];
        struct ty *v = ty_var(c, 0);
        v->level = LEVEL_GENERIC;
        v->name = t->name;
        if (av->n < 32) {
            av->name[av->n] = t->name;
            av->v[av->n++] = v;
        } else {
            av->bad = 1;
        }
        return v;
    }
    case AST_T_FUN: {
        struct ast_node *args = t->kids[0];
        struct ty *f = ty_new(c, TY_FUN, (uint32_t)(args->nkids + 1));
        for (uint32_t i = 0; i < args->nkids; i++) f->a[i] = ann_type(c, args->kids[i], av);
        f->a[args->nkids] = ann_type(c, t->kids[1], av);
        return f;
    }
    case AST_T_TUPLE: {
        struct ty *u = ty_new(c, TY_TUPLE, (uint32_t)t->nkids);
        for (uint32_t i = 0; i < t->nkids; i++) u->a[i] = ann_type(c, t->kids[i], av);
        return u;
    }
    case AST_T_SEQ: return ty_un(c, TY_SEQ, ann_type(c, t->kids[0], av));
    case AST_T_SET: return ty_un(c, TY_SET, ann_type(c, t->kids[0], av));
    case AST_T_MAP: {
        struct ty *u = ty_new(c, TY_MAP, 2);
        u->a[0] = ann_type(c, t->kids[0], av);
        u->a[1] = ann_type(c, t->kids[1], av);
        return u;
    }
    case AST_T_YIELD:
        return ann_fields_yield(c, t->kids[0], ann_type(c, t->kids[1], av), av);
    case AST_T_YIELD_STAR: {
        /* `a =>* t`: something that some fields (a, unknown) turn into a t; the fields are
         * only ever a variable (libcspm's extendable types) */
        struct ast_node *l = t->kids[0];
        int is_var = l->kind == AST_T_NAME && !l->aux && !strstr(l->name, "::") && !prim_name(l->name);
        if (!is_var)
            ty_error(c, l->loc, "the left of '=>*' must be a type variable (the fields still to come)");
        ann_type(c, l, av);
        ann_type(c, t->kids[1], av);
        av->bad = 1;
        return ty_var(c, 0);
    }
    default:    /* T_DOT */
        av->bad = 1;
        return ty_var(c, 0);
    }
}

/* The scheme of an annotation (generic variables with their classes), or NULL when it uses
 * what the checker does not model.  Reports malformed constraints. */
static struct ty *annotation(struct tc *c, struct ast_node *scheme)
{
    struct avars av = {0};
    struct ty *t = ann_type(c, scheme->kids[1], &av);
    struct ast_node *cons = scheme->kids[0];
    for (uint32_t i = 0; i < cons->nkids; i++) {
        struct ast_node *k = cons->kids[i], *v = k->kids[0];
        int found = -1;
        for (int j = 0; v->kind == AST_T_NAME && j < av.n; j++)
            if (strcmp(av.name[j], v->name) == 0) found = j;
        struct ty *outer = NULL;
        for (int j = c->nscoped; v->kind == AST_T_NAME && found < 0 && !outer && j-- > 0;)
            if (strcmp(c->scoped[j]->name, v->name) == 0) outer = c->scoped[j];
        if (outer) {
            uint8_t want = strcmp(k->name, "Eq") == 0 ? C_EQ : strcmp(k->name, "Ord") == 0 ? C_ORD
                           : strcmp(k->name, "Set") == 0 ? C_SET : 0;
            ty_require(c, outer, want, v->loc, NULL);
            continue;
        }
        if (v->kind != AST_T_NAME || found < 0) {
            if (v->kind == AST_T_NAME && !v->aux && !strstr(v->name, "::") &&
                strcmp(v->name, "Int") && strcmp(v->name, "Bool") && strcmp(v->name, "Char") &&
                strcmp(v->name, "Proc") && strcmp(v->name, "Event"))
                ty_error(c, v->loc, "the type variable '%s' of this constraint does not appear in the type",
                         v->name);
            else
                ty_error(c, v->loc, "a class constraint applies to a type variable");
            continue;
        }
        uint8_t cls = 0;
        if (strcmp(k->name, "Eq") == 0) cls = C_EQ;
        else if (strcmp(k->name, "Ord") == 0) cls = C_ORD;
        else if (strcmp(k->name, "Set") == 0) cls = C_SET;
        else if (strcmp(k->name, "Yieldable") == 0) cls = C_YIELD;
        av.v[found]->cls |= cls;
    }
    return av.bad ? NULL : t;
}

/* ---- patterns ---- */

static void flatten_dot(struct ast_node *e, int kind, struct ast_node ***items, uint32_t *n,
                        struct arena *a)
{
    uint32_t cnt = 1;
    for (struct ast_node *x = e; x->kind == kind; x = x->kids[1]) cnt++;
    struct ast_node **it = arena_alloc_raw(a, cnt * sizeof *it);
    uint32_t k = 0;
    struct ast_node *x = e;
    for (; x->kind == kind; x = x->kids[1]) it[k++] = x->kids[0];
    it[k++] = x;
    *items = it;
    *n = k;
}

/* The binding at the head of a dot chain if it is a channel or constructor, else 0. */
static uint32_t head_ctor(struct tc *c, struct ast_node *h)
{
    if ((h->kind != AST_VAR && h->kind != AST_P_VAR) || !h->aux) return 0;
    int k = c->t->b[h->aux].kind;
    return k == RS_CHANNEL || k == RS_CTOR ? (uint32_t)h->aux : 0;
}

/* Does constructor/channel binding ID still need fields? */
static int has_fields(struct tc *c, uint32_t id)
{
    struct fields *f = ty_fields(c, id);
    return f->state != 2 || f->n > 0;
}

NOINLINE static struct ty *dot_pattern(struct tc *c, struct ast_node *p)
{
    struct ast_node **it;
    uint32_t n;
    flatten_dot(p, AST_P_DOT, &it, &n, c->a);
    uint32_t id = head_ctor(c, it[0]);
    struct fields *f = id ? ty_fields(c, id) : NULL;
    int exact = f && f->state == 2 && f->n == n - 1;
    for (uint32_t i = 1; exact && i < n; i++) {
        uint32_t a = head_ctor(c, it[i]);
        if ((a && has_fields(c, a)) || it[i]->kind == AST_P_DOT) exact = 0;
    }
    if (!exact) {
        struct ty **ts = arena_alloc_raw(c->a, n * sizeof *ts);
        int plain = 1;      /* no part takes fields of its own */
        for (uint32_t i = 0; i < n; i++) {
            ts[i] = pattern(c, it[i]);
            uint32_t a = i ? head_ctor(c, it[i]) : 0;
            if ((a && has_fields(c, a)) || (i && it[i]->kind == AST_P_DOT)) plain = 0;
        }
        /* x.y splits a dotted value: never an event, a datatype value or a simple value.
         * Its parts are whole values, the last taking what is left (x.y against 1.2.3
         * binds y to 2.3). */
        int binder = it[0]->kind == AST_P_WILD ||
                     (it[0]->kind == AST_P_VAR && it[0]->aux && c->t->b[it[0]->aux].kind != RS_CHANNEL &&
                      c->t->b[it[0]->aux].kind != RS_CTOR && c->t->b[it[0]->aux].kind != RS_BUILTIN);
        if (binder && plain && n <= 64) {
            struct ty *d = ty_dot(c, ts, n);
            d->cls = C_SPLIT;
            return d;
        }
        return ty_var(c, binder ? C_SPLIT : 0);
    }
    for (uint32_t i = 1; i < n; i++) {
        char ctx[160];
        snprintf(ctx, sizeof ctx, "field %u of '%s'", i, it[0]->name);
        ty_unify(c, f->f[i - 1], pattern(c, it[i]), it[i]->loc, ctx);
    }
    return ctor_type(c, id, n - 1);
}

static struct ty *pattern(struct tc *c, struct ast_node *p)
{
    struct ty *t;
    switch (p->kind) {
    case AST_P_VAR:
        if (!p->aux) return ty_var(c, 0);
        if (c->t->b[p->aux].kind == RS_PARAM || c->t->b[p->aux].kind == RS_VALUE) {
            if (!c->btype[p->aux]) c->btype[p->aux] = ty_var(c, 0);
            return c->btype[p->aux];
        }
        return binding_type(c, (uint32_t)p->aux);
    case AST_P_WILD: return ty_var(c, 0);
    case AST_P_INT: return prim(c, TY_INT);
    case AST_P_CHAR: return prim(c, TY_CHAR);
    case AST_P_BOOL: return prim(c, TY_BOOL);
    case AST_P_STRING: return ty_un(c, TY_SEQ, prim(c, TY_CHAR));
    case AST_P_TUPLE:
        t = ty_new(c, TY_TUPLE, (uint32_t)p->nkids);
        for (uint32_t i = 0; i < p->nkids; i++) t->a[i] = pattern(c, p->kids[i]);
        return t;
    case AST_P_LIST:
        t = ty_var(c, 0);
        for (uint32_t i = 0; i < p->nkids; i++) ty_unify(c, t, pattern(c, p->kids[i]), p->kids[i]->loc, NULL);
        return ty_un(c, TY_SEQ, t);
    case AST_P_CONCAT:
        t = ty_un(c, TY_SEQ, ty_var(c, 0));
        ty_unify(c, t, pattern(c, p->kids[0]), p->kids[0]->loc, NULL);
        ty_unify(c, t, pattern(c, p->kids[1]), p->kids[1]->loc, NULL);
        return t;
    case AST_P_SET:
        t = ty_var(c, 0);
        for (uint32_t i = 0; i < p->nkids; i++) ty_unify(c, t, pattern(c, p->kids[i]), p->kids[i]->loc, NULL);
        ty_require(c, t, C_EQ, p->loc, "a set pattern");
        return ty_un(c, TY_SET, t);
    case AST_P_DOUBLE:
        t = pattern(c, p->kids[0]);
        ty_unify(c, t, pattern(c, p->kids[1]), p->kids[1]->loc, NULL);
        return t;
    case AST_P_DOT:
        return dot_pattern(c, p);
    default:
        for (uint32_t i = 0; i < p->nkids; i++) pattern(c, p->kids[i]);
        return ty_var(c, 0);
    }
}

/* ---- expressions ---- */

NOINLINE static struct ty *expect(struct tc *c, struct ast_node *e, struct ty *want, const char *ctx)
{
    struct ty *t = infer(c, e);
    ty_unify(c, want, t, e->loc, ctx);
    return t;
}

NOINLINE static void stmts(struct tc *c, struct ast_node *items, enum container k)
{
    for (uint32_t i = 0; i < items->nkids; i++) {
        struct ast_node *s = items->kids[i];
        if (s->kind == AST_GEN) {
            struct ty *src = infer(c, s->kids[1]);
            struct ty *p = pattern(c, s->kids[0]);
            ty_unify(c, ty_un(c, k == IN_SEQ ? TY_SEQ : TY_SET, p), src, s->kids[1]->loc,
                     k == IN_SEQ ? "a generator here draws from a sequence" : "a generator here draws from a set");
        } else {
            expect(c, s->kind == AST_PRED ? s->kids[0] : s, prim(c, TY_BOOL), NULL);
        }
    }
}

/* A type the split of fields cannot rely on: unknown, or dotted (how many fields a dotted
 * value covers depends on what it meets). */
static int unsure(struct ty *t)
{
    t = ty_prune(t);
    return t->kind == TY_VAR || t->kind == TY_DOT;
}

/* Consumes fields F[0..k) from items it[*pos..n) left to right, a constructor among the
 * items taking its own fields first (FDR's dot semantics).  Returns 0 when the split is
 * not certain (a variable, partial or dotted value among the items, items left over or too
 * few).  With TAKEN, the items may run out at a field boundary: *TAKEN is then the number
 * of fields they filled (a value still short of the others). */
NOINLINE static int consume(struct tc *c, struct fields *f, struct ast_node **it, struct ty **ts,
                   uint32_t *pos, uint32_t n, const char *name, int depth, uint32_t *taken)
{
    for (uint32_t j = 0; j < f->n; j++) {
        if (*pos >= n && taken) {
            *taken = j;
            return 1;
        }
        if (*pos >= n || depth > 50) return 0;
        struct ast_node *x = it[*pos];
        uint32_t id = head_ctor(c, x);
        if (id && x->kind == AST_VAR && has_fields(c, id)) {
            struct fields *g = ty_fields(c, id);
            if (g->state != 2) return 0;
            (*pos)++;
            if (!consume(c, g, it, ts, pos, n, x->name, depth + 1, NULL)) return 0;
            char ctx[160];
            snprintf(ctx, sizeof ctx, "field %u of '%s'", j + 1, name);
            ty_unify(c, f->f[j], ctor_type(c, id, g->n), x->loc, ctx);
            continue;
        }
        struct ty *t = ty_prune(ts[*pos]);
        if (t->kind == TY_YIELD || unsure(t) || unsure(f->f[j])) return 0;
        char ctx[160];
        snprintf(ctx, sizeof ctx, "field %u of '%s'", j + 1, name);
        ty_unify(c, f->f[j], t, x->loc, ctx);
        (*pos)++;
    }
    if (taken) *taken = f->n;
    return 1;
}

/* The dotted type FIRST.it[pos].….it[n-1]: a constructor among the items takes its own
 * fields first; a constructor that is the last item is a part of its own, still short of
 * fields (A.1.A is T.(Int => T)).  NULL when the parts are not certain: a partial value
 * before the last part might take the parts after it, and a variable might be anything
 * (libcspm lets FF.y with FF a constant and y unknown be an FF). */
NOINLINE static struct ty *dot_value(struct tc *c, struct ty *first, struct ast_node **it, struct ty **ts,
                                     uint32_t pos, uint32_t n)
{
    struct ty *parts[64];
    uint32_t np = ty_dot_parts(first, parts, 64);
    while (pos < n && np <= 64) {
        struct ast_node *x = it[pos];
        uint32_t id = head_ctor(c, x);
        struct ty *t = ts[pos++];
        if (id && x->kind == AST_VAR && has_fields(c, id) && pos < n) {
            struct fields *g = ty_fields(c, id);
            if (g->state != 2 || !consume(c, g, it, ts, &pos, n, x->name, 0, NULL)) return NULL;
            t = tag_instance(c, ctor_type(c, id, g->n), (uint32_t)x->aux2);
        }
        np += ty_dot_parts(t, parts + (np < 64 ? np : 64), np < 64 ? 64 - np : 0);
    }
    if (np > 64 || np < 2) return NULL;
    for (uint32_t i = 0; i < np; i++) {
        struct ty *p = ty_prune(parts[i]);
        if (p->kind == TY_VAR || p->kind == TY_SKOLEM || (p->kind == TY_YIELD && i + 1 < np)) return NULL;
    }
    return ty_dot(c, parts, np);
}

/* Types that are whole values, which a dot can only follow: the head of a dotted value. */
static int whole_value(struct ty *t)
{
    switch (ty_prune(t)->kind) {
    case TY_INT: case TY_BOOL: case TY_CHAR: case TY_TUPLE: case TY_SEQ: case TY_SET: case TY_MAP:
    case TY_DATA: case TY_EVENT: case TY_DOT:
        return 1;
    default:
        return 0;
    }
}

/* Is item X of type T certainly one whole field?  A value of a known type that is not
 * partial (a constructor still short of fields takes items of its own), not dotted (how
 * many fields it covers depends on what it meets) and not rigid.  With LAST_VAR, an
 * unknown value that is the last item counts too, unless it is used as a channel or
 * constructor somewhere (then it may be one still short of fields). */
static int plain_item(struct tc *c, struct ast_node *x, struct ty *t, int last_var)
{
    uint32_t a = head_ctor(c, x);
    t = ty_prune(t);
    if (t->kind == TY_VAR) return last_var && !(t->cls & (C_YIELD | C_EXT | C_ENUM));
    return !(a && x->kind == AST_VAR && has_fields(c, a)) && t->kind != TY_YIELD &&
           t->kind != TY_DOT && t->kind != TY_SKOLEM;
}

/* A dot whose head H is a variable that must be a channel or constructor (libcspm's
 * extendable types): the head takes exactly the items given, one field each, and the dot
 * is what it yields then, a fresh variable of classes CLS (C_EXT when that may still need
 * more fields, as in a renaming).  An unknown item is allowed last when LAST_VAR (a head
 * named in {| |}, whose fields libcspm closes with the items of its first dot).  NULL
 * when an item is not certainly one field. */
NOINLINE static struct ty *unknown_head(struct tc *c, struct ty *h, struct ast_node **it, struct ty **ts,
                                        uint32_t n, uint8_t cls, int last_var)
{
    if (n < 2 || n > 65) return NULL;
    for (uint32_t i = 1; i < n; i++)
        if (!plain_item(c, it[i], ts[i], last_var && i + 1 == n)) return NULL;
    struct ty *r = ty_var(c, cls);
    ty_unify(c, h, ty_yield(c, ts + 1, n - 1, r), it[0]->loc, NULL);
    return r;
}

/* Is field type T unknown, local to a definition, and not known to be a channel or
 * constructor?  A variable of level 0 belongs to a module parameter or a channel's
 * declaration, shared by every instance: a use must not fix it. */
static int unknown_field(struct ty *t)
{
    t = ty_prune(t);
    return t->kind == TY_VAR && t->level > 0 && !(t->cls & (C_YIELD | C_EXT | C_ENUM));
}

/* A dot whose head is a value still short of fields (a parameter bound to a channel, a
 * let-bound c.1, …): each item fills one field, and a remainder (C_EXT) yields the items
 * beyond the fields.  An unknown item may be last when it meets a field as unknown as
 * itself (libcspm's longest match then makes them one type: with x : Y => r, x.z makes z
 * a Y); an unknown item against a known field is not split (it may be a partial value or
 * a dotted one, which baton often cannot tell yet where libcspm can).  A field nothing
 * fixed (say a module parameter's elements) is not tied to a known item.  NULL when the
 * split is not certain. */
NOINLINE static struct ty *partial_head(struct tc *c, struct ty *h, struct ast_node **it, struct ty **ts,
                                        uint32_t n)
{
    struct ty *args[64], *res;
    uint32_t k = ty_yield_args(h, args, 64, &res), j = 0;
    if (k > 64 || n > 65 || n < 2) return NULL;
    for (uint32_t i = 1; i < n; i++)
        if (!plain_item(c, it[i], ts[i], i + 1 == n && n - 1 == k && unknown_field(args[k - 1])))
            return NULL;
    if (n - 1 > k && !(res->kind == TY_VAR && (res->cls & C_EXT))) return NULL;
    const char *name = it[0]->kind == AST_VAR ? it[0]->name : "the value";
    for (uint32_t i = 1; i < n; i++) {
        struct ty *t = ty_prune(ts[i]);
        if (j == k) {       /* a remainder takes the items left */
            struct ty *r = ty_var(c, res->cls);
            ty_unify(c, res, ty_yield(c, ts + i, n - i, r), it[i]->loc, NULL);
            return r;
        }
        char ctx[160];
        snprintf(ctx, sizeof ctx, "field %u of '%s'", j + 1, name);
        struct ty *want = ty_prune(args[j++]);
        if (want->kind != TY_VAR || (t->kind == TY_VAR && unknown_field(want)))
            ty_unify(c, want, t, it[i]->loc, ctx);
    }
    return ty_yield(c, args + j, k - j, res);
}

/* The type of dot expression it[0].….it[n-1], whose items have types TS. */
NOINLINE static struct ty *dot_typed(struct tc *c, struct ast_node **it, struct ty **ts, uint32_t n)
{
    uint32_t id = head_ctor(c, it[0]);
    if (!id) {
        struct ty *h = ty_prune(ts[0]), *r = NULL;
        if (h->kind == TY_VAR && (h->cls & C_ENUM)) r = unknown_head(c, h, it, ts, n, C_YIELD | C_EXT, 1);
        else if (h->kind == TY_YIELD) r = partial_head(c, h, it, ts, n);
        if (r) return r;
        struct ty *d = whole_value(ts[0]) ? dot_value(c, ts[0], it, ts, 1, n) : NULL;
        return d ? d : ty_var(c, 0);
    }
    struct fields *f = ty_fields(c, id);
    if (f->state != 2) return ty_var(c, 0);
    if (n - 1 > f->n) {
        uint32_t pos = 1;
        if (!consume(c, f, it, ts, &pos, n, it[0]->name, 0, NULL)) return ty_var(c, 0);
        struct ty *whole = tag_instance(c, ctor_type(c, id, f->n), (uint32_t)it[0]->aux2);
        if (pos == n) return whole;
        struct ty *d = dot_value(c, whole, it, ts, pos, n);   /* c.1.2 with c : Int */
        return d ? d : ty_var(c, 0);
    }
    /* A constructor among the items (not the last) takes its own fields first: D_A.B_A.d
     * with D_A : B.A and B_A : A fills D_A's first field and is still short of the second
     * (A => D).  The split is certain when every item is. */
    for (uint32_t i = 1; i + 1 < n; i++) {
        uint32_t a = head_ctor(c, it[i]);
        if (!a || it[i]->kind != AST_VAR || !has_fields(c, a)) continue;
        uint32_t pos = 1, taken = 0;
        if (!consume(c, f, it, ts, &pos, n, it[0]->name, 0, &taken) || pos != n) return ty_var(c, 0);
        return tag_instance(c, ctor_type(c, id, taken), (uint32_t)it[0]->aux2);
    }
    int complete = n - 1 == f->n;
    for (uint32_t i = 1; i < n; i++) {
        struct ty *a = ty_prune(ts[i]), *want = ty_prune(f->f[i - 1]);
        if (a->kind == TY_YIELD && !unsure(want)) {
            /* a partial value whose eventual type cannot be the field's */
            struct ty *res = ty_prune(a->a[a->n - 1]);
            if (res->kind != want->kind || (res->kind == TY_DATA && res->id != want->id)) {
                char ctx[160];
                snprintf(ctx, sizeof ctx, "field %u of '%s'", i, it[0]->name);
                ty_unify(c, want, res, it[i]->loc, ctx);
            }
        }
        if (a->kind == TY_YIELD || a->kind == TY_DOT || (a->kind == TY_VAR && !complete)) return ty_var(c, 0);
        if (want->kind == TY_DOT || (want->kind == TY_VAR && !complete)) return ty_var(c, 0);
    }
    for (uint32_t i = 1; i < n; i++) {
        /* A field whose type nothing fixed (a module parameter's elements, say) is left
         * alone: unifying it here would tie the parameter to one instance's argument.  The
         * value is still complete, so its type is known. */
        if (ty_prune(f->f[i - 1])->kind == TY_VAR) continue;
        char ctx[160];
        snprintf(ctx, sizeof ctx, "field %u of %s '%s'", i, c->t->b[id].kind == RS_CHANNEL ? "channel" : "constructor",
                 it[0]->name);
        ty_unify(c, f->f[i - 1], ts[i], it[i]->loc, ctx);
    }
    return tag_instance(c, ctor_type(c, id, n - 1), (uint32_t)it[0]->aux2);
}

NOINLINE static struct ty *dot_expr(struct tc *c, struct ast_node *e)
{
    struct ast_node **it;
    uint32_t n;
    flatten_dot(e, AST_DOT, &it, &n, c->a);
    struct ty **ts = arena_alloc_raw(c->a, n * sizeof *ts);
    for (uint32_t i = 0; i < n; i++) ts[i] = infer(c, it[i]);
    return dot_typed(c, it, ts, n);
}

/* An event c.e1.….en (a prefix's event): when the items are whole values or variables and
 * no more than c's fields, each variable before the last takes one field and the last
 * item all that remain (libcspm's shortest and longest match).  Otherwise as any dot. */
NOINLINE static void event_dot(struct tc *c, struct ast_node *e)
{
    struct ast_node **it;
    uint32_t n;
    flatten_dot(e, AST_DOT, &it, &n, c->a);
    struct ty **ts = arena_alloc_raw(c->a, n * sizeof *ts);
    for (uint32_t i = 0; i < n; i++) ts[i] = infer(c, it[i]);
    uint32_t id = head_ctor(c, it[0]);
    struct fields *f = id && c->t->b[id].kind == RS_CHANNEL ? ty_fields(c, id) : NULL;
    int plain = f && f->state == 2 && n - 1 <= f->n && n > 1, vars = 0;
    for (uint32_t j = 0; plain && j < f->n; j++)
        if (unsure(f->f[j]) || ty_prune(f->f[j])->kind == TY_YIELD) plain = 0;
    for (uint32_t i = 1; plain && i < n; i++) {
        uint32_t a = head_ctor(c, it[i]);
        struct ty *t = ty_prune(ts[i]);
        if ((a && has_fields(c, a)) || t->kind == TY_YIELD || t->kind == TY_DOT || t->kind == TY_SKOLEM) plain = 0;
        if (t->kind == TY_VAR) vars = 1;
    }
    if (!plain || !vars) {
        ty_unify(c, prim(c, TY_EVENT), dot_typed(c, it, ts, n), e->loc, "a prefix needs an event");
        return;
    }
    for (uint32_t i = 1; i < n; i++) {
        char ctx[160];
        snprintf(ctx, sizeof ctx, "field %u of channel '%s'", i, it[0]->name);
        struct ty *want = i + 1 < n ? f->f[i - 1] : ty_dot(c, f->f + i - 1, f->n - (i - 1));
        ty_unify(c, want, ts[i], it[i]->loc, ctx);
    }
}

NOINLINE static void input_field(struct tc *c, struct ast_node *fld, struct ty *want)
{
    struct ty *t = pattern(c, fld->kids[0]);
    if (want) ty_unify(c, want, t, fld->kids[0]->loc, NULL);
    if (fld->nkids > 1)
        ty_unify(c, ty_un(c, TY_SET, t), infer(c, fld->kids[1]), fld->kids[1]->loc,
                 "the restriction of an input");
}

/* A restricted input ?x:S before the last item, taking fields of F from J on: one field,
 * or K when S holds dotted values of K certain parts (`{true.B.0}` covers two fields).
 * Returns the number of fields taken, or UINT32_MAX when S holds dotted values whose split
 * is not certain (the prefix is then left unchecked from here on). */
NOINLINE static uint32_t restricted_input(struct tc *c, struct ast_node *fld, struct fields *f, uint32_t j,
                                          const char *name)
{
    struct ast_node *r = fld->kids[1];
    struct ty *e = ty_prune(elem_of_set(c, infer(c, r), r->loc, "the restriction of an input"));
    struct ty *t = pattern(c, fld->kids[0]);
    ty_unify(c, e, t, fld->kids[0]->loc, "the restriction of an input");
    if (e->kind != TY_DOT) {
        ty_unify(c, f->f[j], t, fld->kids[0]->loc, NULL);
        return 1;
    }
    struct ty *parts[64];
    uint32_t k = ty_dot_parts(e, parts, 64);
    int ok = k <= 64 && j + k <= f->n;
    for (uint32_t i = 0; ok && i < k; i++)
        if (unsure(parts[i]) || ty_prune(parts[i])->kind == TY_YIELD || unsure(f->f[j + i])) ok = 0;
    if (!ok) return UINT32_MAX;
    for (uint32_t i = 0; i < k; i++) {
        char ctx[160];
        snprintf(ctx, sizeof ctx, "field %u of channel '%s'", j + i + 1, name);
        ty_unify(c, f->f[j + i], parts[i], r->loc, ctx);
    }
    return k;
}

/* A prefix c.e?x!y -> P: the fields of c are consumed left to right while their split is
 * certain; the last input takes all remaining fields. */
NOINLINE static struct ty *prefix(struct tc *c, struct ast_node *e)
{
    struct ast_node *fields = e->kids[1];
    if (!fields->nkids) {
        if (e->kids[0]->kind == AST_DOT) event_dot(c, e->kids[0]);
        else expect(c, e->kids[0], prim(c, TY_EVENT), "a prefix needs an event");
        expect(c, e->kids[2], prim(c, TY_PROC), NULL);
        return prim(c, TY_PROC);
    }
    struct ast_node **it;
    uint32_t n;
    flatten_dot(e->kids[0], AST_DOT, &it, &n, c->a);
    uint32_t id = head_ctor(c, it[0]);
    struct fields *f = id && c->t->b[id].kind == RS_CHANNEL ? ty_fields(c, id) : NULL;
    int bail = !f || f->state != 2;
    for (uint32_t i = 0; f && !bail && i < f->n; i++)
        if (ty_prune(f->f[i])->kind == TY_VAR) bail = 1;
    if (bail) {
        struct ty *h = infer(c, it[0]);
        if (!id) ty_require(c, h, C_YIELD, it[0]->loc, "the prefix needs a channel");
    }
    uint32_t total = (n - 1) + fields->nkids, j = 0, k = f ? f->n : 0;
    for (uint32_t idx = 0; idx < total; idx++) {
        struct ast_node *item = idx < n - 1 ? it[idx + 1] : fields->kids[idx - (n - 1)];
        int is_input = item->kind == AST_FIELD_IN || item->kind == AST_FIELD_NDIN;
        struct ast_node *x = item->kind == AST_FIELD_OUT ? item->kids[0] : item;
        if (bail) {
            if (is_input) input_field(c, item, NULL);
            else infer(c, x);
            continue;
        }
        uint32_t items_left = total - idx, fields_left = k - j;
        if (!fields_left) {
            if (k) ty_error(c, item->loc, "too many fields: channel '%s' has %u field%s", it[0]->name, k,
                            k == 1 ? "" : "s");
            else ty_error(c, item->loc, "channel '%s' has no fields", it[0]->name);
            bail = 1;
            if (is_input) input_field(c, item, NULL);
            else infer(c, x);
            continue;
        }
        if (!is_input) {
            struct ty *t = ty_prune(infer(c, x));
            if (t->kind == TY_YIELD || t->kind == TY_DOT || (t->kind == TY_VAR && items_left != fields_left)) {
                bail = 1;
                continue;
            }
            char ctx[160];
            snprintf(ctx, sizeof ctx, "field %u of channel '%s'", j + 1, it[0]->name);
            ty_unify(c, f->f[j++], t, x->loc, ctx);
            continue;
        }
        struct ast_node *p = item->kids[0];
        uint32_t pid = p->kind == AST_P_VAR ? head_ctor(c, p) : 0;
        if (p->kind == AST_P_DOT || (pid && has_fields(c, pid))) {
            bail = 1;
            input_field(c, item, NULL);
            continue;
        }
        if (idx == total - 1 && fields_left > 1 && (p->kind == AST_P_VAR || p->kind == AST_P_WILD)) {
            input_field(c, item, NULL);    /* takes the remaining fields, a dotted value */
            j = k;
            continue;
        }
        if (item->nkids > 1) {
            uint32_t took = restricted_input(c, item, f, j, it[0]->name);
            if (took == UINT32_MAX) bail = 1;
            else j += took;
            continue;
        }
        input_field(c, item, f->f[j++]);
    }
    if (!bail && j < k)
        ty_error(c, e->kids[0]->loc, "this prefix is incomplete: channel '%s' has %u fields but is given %u",
                 it[0]->name, k, j);
    expect(c, e->kids[2], prim(c, TY_PROC), NULL);
    return prim(c, TY_PROC);
}

/* The result type of one `{| e |}` element: Event for a channel, the datatype for a
 * constructor. */
NOINLINE static struct ty *enum_elem(struct tc *c, struct ast_node *e)
{
    struct ty *t = infer(c, e);
    ty_require(c, t, C_YIELD, e->loc, "'{| |}' needs channels or constructors");
    if (ty_prune(t)->kind == TY_VAR) ty_prune(t)->cls |= C_ENUM;
    struct ast_node *h = e;
    while (h->kind == AST_DOT) h = h->kids[0];
    uint32_t id = head_ctor(c, h);
    if (id) return c->t->b[id].kind == RS_CHANNEL ? prim(c, TY_EVENT) : ty_data(c, ctor_datatype(c, id));
    struct ty *p = ty_prune(t);
    if (p->kind == TY_EVENT || p->kind == TY_DATA) return p;
    if (p->kind == TY_YIELD) return p->a[p->n - 1];
    return ty_var(c, 0);
}

NOINLINE static struct ty *app(struct tc *c, struct ast_node *e)
{
    struct ty *f = ty_prune(infer(c, e->kids[0]));
    uint32_t nargs = e->nkids - 1;
    const char *name = e->kids[0]->kind == AST_VAR ? e->kids[0]->name : "the function";
    if (e->kids[0]->kind == AST_VAR && e->kids[0]->aux && c->t->b[e->kids[0]->aux].kind == RS_BUILTIN &&
        strcmp(name, "extensions") == 0 && nargs == 1) {
        struct ty *a = ty_prune(infer(c, e->kids[1]));
        if (a->kind == TY_EVENT)
            ty_error(c, e->kids[1]->loc, "'extensions' needs a channel or constructor short of fields, found Event");
    }
    if (f->kind == TY_FUN) {
        if (f->n - 1u != nargs) {
            /* a function defined by clauses: the renamer reported the call */
            uint32_t want = rs_call_arity(c->t, e->kids[0]);
            if (!want || want == nargs)
                ty_error(c, e->loc, "'%s' takes %u argument%s, given %u", name, f->n - 1u,
                         f->n == 2 ? "" : "s", nargs);
            for (uint32_t i = 0; i < nargs; i++) infer(c, e->kids[i + 1]);
            return f->a[f->n - 1];
        }
        for (uint32_t i = 0; i < nargs; i++) {
            char ctx[160];
            snprintf(ctx, sizeof ctx, "argument %u of '%s'", i + 1, name);
            expect(c, e->kids[i + 1], f->a[i], ctx);
        }
        return f->a[f->n - 1];
    }
    struct ty *want = ty_new(c, TY_FUN, (uint32_t)(nargs + 1));
    for (uint32_t i = 0; i < nargs; i++) want->a[i] = infer(c, e->kids[i + 1]);
    want->a[nargs] = ty_var(c, 0);
    ty_unify(c, want, f, e->kids[0]->loc, NULL);
    return want->a[nargs];
}

NOINLINE static struct ty *proc_binary(struct tc *c, struct ast_node *l, struct ast_node *r)
{
    expect(c, l, prim(c, TY_PROC), NULL);
    expect(c, r, prim(c, TY_PROC), NULL);
    return prim(c, TY_PROC);
}

static struct ty *events(struct tc *c)
{
    return ty_un(c, TY_SET, prim(c, TY_EVENT));
}

/* One side of a renaming or link: an event or a channel short of fields.  A dot whose
 * head is a variable makes that variable a channel taking the items given and yielding
 * what may need more fields (libcspm's ensureIsChannel): `x.0 <- y.1` gives x and y
 * the types Int => r, for one r. */
NOINLINE static struct ty *tie_side(struct tc *c, struct ast_node *e)
{
    if (e->kind != AST_DOT) return infer(c, e);
    struct ast_node **it;
    uint32_t n;
    flatten_dot(e, AST_DOT, &it, &n, c->a);
    struct ty **ts = arena_alloc_raw(c->a, n * sizeof *ts);
    for (uint32_t i = 0; i < n; i++) ts[i] = infer(c, it[i]);
    struct ty *h = ty_prune(ts[0]);
    if (!head_ctor(c, it[0]) && h->kind == TY_VAR) {
        struct ty *r = unknown_head(c, h, it, ts, n, C_YIELD | C_EXT, 0);
        if (r) return r;
    }
    return dot_typed(c, it, ts, n);
}

NOINLINE static void tie(struct tc *c, struct ast_node *t, const char *what)
{
    struct ty *l = tie_side(c, t->kids[0]);
    ty_require(c, l, C_YIELD, t->kids[0]->loc, what);
    ty_unify(c, l, tie_side(c, t->kids[1]), t->kids[1]->loc, what);
}

static struct ty *infer_node(struct tc *c, struct ast_node *e);

/* Counts the nesting of expressions being inferred, which bounds on-demand inference. */
static struct ty *infer(struct tc *c, struct ast_node *e)
{
    c->edepth++;
    struct ty *t = infer_node(c, e);
    c->edepth--;
    return t;
}

static struct ty *infer_node(struct tc *c, struct ast_node *e)
{
    struct ty *t;
    struct ast_node **k = e->kids;
    switch ((enum ast_kind)e->kind) {
    case AST_INT: return prim(c, TY_INT);
    case AST_CHAR: return prim(c, TY_CHAR);
    case AST_BOOL: return prim(c, TY_BOOL);
    case AST_STRING: return ty_un(c, TY_SEQ, prim(c, TY_CHAR));
    case AST_VAR: return e->aux ? name_type(c, e) : ty_var(c, 0);
    case AST_TUPLE:
        t = ty_new(c, TY_TUPLE, (uint32_t)e->nkids);
        for (uint32_t i = 0; i < e->nkids; i++) t->a[i] = infer(c, k[i]);
        return t;
    case AST_LIST:
    case AST_SET:
        t = ty_var(c, 0);
        for (uint32_t i = 0; i < e->nkids; i++) expect(c, k[i], t, NULL);
        /* a set's elements must form sets (libcspm: not functions) */
        if (e->kind == AST_SET) ty_require(c, t, C_SET, e->loc, NULL);
        return ty_un(c, e->kind == AST_LIST ? TY_SEQ : TY_SET, t);
    case AST_LIST_RANGE:
    case AST_SET_RANGE:
        if (e->nkids > 2) stmts(c, k[2], e->kind == AST_LIST_RANGE ? IN_SEQ : IN_SET);
        expect(c, k[0], prim(c, TY_INT), NULL);
        expect(c, k[1], prim(c, TY_INT), NULL);
        return ty_un(c, e->kind == AST_LIST_RANGE ? TY_SEQ : TY_SET, prim(c, TY_INT));
    case AST_LIST_FROM:
    case AST_SET_FROM:
        if (e->nkids > 1) stmts(c, k[1], e->kind == AST_LIST_FROM ? IN_SEQ : IN_SET);
        expect(c, k[0], prim(c, TY_INT), NULL);
        return ty_un(c, e->kind == AST_LIST_FROM ? TY_SEQ : TY_SET, prim(c, TY_INT));
    case AST_LIST_COMP:
    case AST_SET_COMP:
        stmts(c, k[1], e->kind == AST_LIST_COMP ? IN_SEQ : IN_SET);
        t = ty_var(c, 0);
        for (uint32_t i = 0; i < k[0]->nkids; i++) expect(c, k[0]->kids[i], t, NULL);
        if (e->kind == AST_SET_COMP) ty_require(c, t, C_SET, e->loc, NULL);
        return ty_un(c, e->kind == AST_LIST_COMP ? TY_SEQ : TY_SET, t);
    case AST_ENUM_SET:
    case AST_ENUM_SET_COMP: {
        struct ast_node *els = e;
        if (e->kind == AST_ENUM_SET_COMP) {
            stmts(c, k[1], IN_SET);
            els = k[0];
        }
        t = ty_var(c, 0);
        for (uint32_t i = 0; i < els->nkids; i++)
            ty_unify(c, t, enum_elem(c, els->kids[i]), els->kids[i]->loc, NULL);
        return ty_un(c, TY_SET, t);
    }
    case AST_MAP:
        t = ty_new(c, TY_MAP, 2);
        t->a[0] = ty_var(c, C_SET);
        t->a[1] = ty_var(c, 0);
        for (uint32_t i = 0; i < e->nkids; i++) {
            expect(c, k[i]->kids[0], t->a[0], "a map key");
            expect(c, k[i]->kids[1], t->a[1], "a map value");
        }
        return t;
    case AST_MAPLET:
        return ty_var(c, 0);
    case AST_DOT:
        return dot_expr(c, e);
    case AST_APP:
        return app(c, e);
    case AST_IF:
        expect(c, k[0], prim(c, TY_BOOL), "the condition of 'if'");
        t = infer(c, k[1]);
        expect(c, k[2], t, "the branches of 'if'");
        return t;
    case AST_LET:
        check_list(c, k[0]);
        return infer(c, k[1]);
    case AST_LAMBDA: {
        struct ast_node *ps = k[0];
        t = ty_new(c, TY_FUN, (uint32_t)(ps->nkids + 1));
        for (uint32_t i = 0; i < ps->nkids; i++) t->a[i] = pattern(c, ps->kids[i]);
        t->a[ps->nkids] = infer(c, k[1]);
        return t;
    }
    case AST_NEG:
        expect(c, k[0], prim(c, TY_INT), NULL);
        return prim(c, TY_INT);
    case AST_NOT:
        expect(c, k[0], prim(c, TY_BOOL), NULL);
        return prim(c, TY_BOOL);
    case AST_LEN:
        expect(c, k[0], ty_un(c, TY_SEQ, ty_var(c, 0)), "'#' needs a sequence");
        return prim(c, TY_INT);
    case AST_ADD: case AST_SUB: case AST_MUL: case AST_DIV: case AST_MOD:
        expect(c, k[0], prim(c, TY_INT), NULL);
        expect(c, k[1], prim(c, TY_INT), NULL);
        return prim(c, TY_INT);
    case AST_CONCAT:
        t = ty_un(c, TY_SEQ, ty_var(c, 0));
        expect(c, k[0], t, NULL);
        expect(c, k[1], t, NULL);
        return t;
    case AST_EQ: case AST_NE: case AST_LT: case AST_GT: case AST_LE: case AST_GE:
        t = infer(c, k[0]);
        expect(c, k[1], t, NULL);
        ty_require(c, t, e->kind == AST_EQ || e->kind == AST_NE ? C_EQ : C_ORD, e->loc, NULL);
        return prim(c, TY_BOOL);
    case AST_AND: case AST_OR:
        expect(c, k[0], prim(c, TY_BOOL), NULL);
        expect(c, k[1], prim(c, TY_BOOL), NULL);
        return prim(c, TY_BOOL);
    case AST_GUARD:
        expect(c, k[0], prim(c, TY_BOOL), "the guard of '&'");
        expect(c, k[1], prim(c, TY_PROC), NULL);
        return prim(c, TY_PROC);
    case AST_EXT_CHOICE: case AST_INT_CHOICE: case AST_INTERLEAVE: case AST_SEQ_COMP:
    case AST_INTERRUPT: case AST_SLIDING:
        return proc_binary(c, k[0], k[1]);
    case AST_HIDE: case AST_PROJECT:
        expect(c, k[0], prim(c, TY_PROC), NULL);
        expect(c, k[1], events(c), NULL);
        return prim(c, TY_PROC);
    case AST_PREFIX:
        return prefix(c, e);
    case AST_GEN_PAR: case AST_EXCEPTION: case AST_SYNC_EXT_CHOICE: case AST_SYNC_INTERRUPT:
        expect(c, k[1], events(c), NULL);
        return proc_binary(c, k[0], k[2]);
    case AST_ALPHA_PAR:
        expect(c, k[1], events(c), NULL);
        expect(c, k[2], events(c), NULL);
        return proc_binary(c, k[0], k[3]);
    case AST_LINK_PAR:
        stmts(c, k[2], IN_SET);
        for (uint32_t i = 0; i < k[1]->nkids; i++) tie(c, k[1]->kids[i], "a link joins channels of the same type");
        return proc_binary(c, k[0], k[3]);
    case AST_RENAME:
        expect(c, k[0], prim(c, TY_PROC), NULL);
        stmts(c, k[2], IN_SET);
        for (uint32_t i = 0; i < k[1]->nkids; i++)
            tie(c, k[1]->kids[i], "a renaming maps an event to one of the same type");
        return prim(c, TY_PROC);
    case AST_REP_EXT_CHOICE: case AST_REP_INT_CHOICE: case AST_REP_INTERLEAVE:
        stmts(c, k[0], IN_SET);
        expect(c, k[1], prim(c, TY_PROC), NULL);
        return prim(c, TY_PROC);
    case AST_REP_SEQ_COMP:
        stmts(c, k[0], IN_SEQ);
        expect(c, k[1], prim(c, TY_PROC), NULL);
        return prim(c, TY_PROC);
    case AST_REP_GEN_PAR: case AST_REP_SYNC_EXT_CHOICE:
        stmts(c, k[1], IN_SET);
        expect(c, k[0], events(c), NULL);
        expect(c, k[2], prim(c, TY_PROC), NULL);
        return prim(c, TY_PROC);
    case AST_REP_ALPHA_PAR:
        stmts(c, k[0], IN_SET);
        expect(c, k[1], events(c), NULL);
        expect(c, k[2], prim(c, TY_PROC), NULL);
        return prim(c, TY_PROC);
    case AST_REP_LINK_PAR:
        stmts(c, k[2], IN_SEQ);
        stmts(c, k[1], IN_SET);
        for (uint32_t i = 0; i < k[0]->nkids; i++) tie(c, k[0]->kids[i], "a link joins channels of the same type");
        expect(c, k[3], prim(c, TY_PROC), NULL);
        return prim(c, TY_PROC);
    default:
        /* anything else in an expression position was reported by the parser */
        for (uint32_t i = 0; i < e->nkids; i++) infer(c, k[i]);
        return ty_var(c, 0);
    }
}

/* ---- definitions ---- */

/* The type of one function clause: f(p1, p2)(p3) = e is (t1, t2) -> (t3) -> te. */
static struct ty *clause(struct tc *c, struct ast_node *cl, uint32_t group)
{
    if (group + 1 >= cl->nkids) return infer(c, cl->kids[cl->nkids - 1]);
    struct ast_node *ps = cl->kids[group];
    struct ty *t = ty_new(c, TY_FUN, (uint32_t)(ps->nkids + 1));
    for (uint32_t i = 0; i < ps->nkids; i++) t->a[i] = pattern(c, ps->kids[i]);
    t->a[ps->nkids] = clause(c, cl, group + 1);
    return t;
}

/* The variables a D_PAT binds, for marking them all at once. */
static void pat_vars(struct tc *c, struct ast_node *p, int state)
{
    if (p->kind == AST_P_VAR && p->aux && c->t->b[p->aux].kind == RS_VALUE) c->bstate[p->aux] = (uint8_t)state;
    for (uint32_t i = 0; i < p->nkids; i++) pat_vars(c, p->kids[i], state);
}

static void pat_generalise(struct tc *c, struct ast_node *p)
{
    if (p->kind == AST_P_VAR && p->aux && c->t->b[p->aux].kind == RS_VALUE && !c->bpoly[p->aux] &&
        !c->t->b[p->aux].let_bound) {
        ty_generalise(c, c->btype[p->aux]);
        c->bpoly[p->aux] = 1;
    }
    for (uint32_t i = 0; i < p->nkids; i++) pat_generalise(c, p->kids[i]);
}

/* The skolems of an annotation being checked scope over the definition's body, where
 * inner annotations may name them (libcspm's scoped type variables). */
static void push_skolems(struct tc *c, struct ty *t)
{
    t = ty_prune(t);
    if (t->kind == TY_SKOLEM) {
        for (int i = 0; i < c->nscoped; i++)
            if (c->scoped[i] == t) return;
        if (c->nscoped < (int)(sizeof c->scoped / sizeof c->scoped[0])) c->scoped[c->nscoped++] = t;
        return;
    }
    for (uint32_t i = 0; i < t->n; i++) push_skolems(c, t->a[i]);
}

/* Infers the definition of VALUE binding ID (a D_FUN, or the D_PAT that binds it). */
static void infer_value(struct tc *c, uint32_t id)
{
    if (c->bstate[id]) return;
    /* Deep chains of definitions, or a use deep inside an expression: inferred later, in
     * order, so that the C stack holds at most one deep expression. */
    if (c->depth > 200 || c->edepth > 1000) return;
    struct rs_binding *b = &c->t->b[id];
    struct ast_node *d = b->decl;
    if (!d) return;
    c->depth++;
    struct ty *ann = b->annot ? annotation(c, b->annot) : NULL;
    if (d->kind == AST_D_FUN) {
        c->bstate[id] = 1;
        if (ann) {
            c->btype[id] = ann;
            c->bpoly[id] = 1;
        }
        int outer = !ann && !b->let_bound;
        if (outer) c->level++;
        if (!c->btype[id]) c->btype[id] = ty_var(c, 0);
        struct ty *want = ann ? ty_instantiate(c, ann, 1) : c->btype[id];
        int nscoped = c->nscoped;
        if (ann) push_skolems(c, want);
        for (uint32_t i = 0; i < d->nkids; i++) {
            struct ty *t = clause(c, d->kids[i], 0);
            char ctx[160];
            snprintf(ctx, sizeof ctx, "in the definition of '%s'", d->name);
            /* a clause of another shape than the first: the renamer reported it */
            if (rs_same_arity(d->kids[i], d->kids[0])) ty_unify(c, want, t, d->kids[i]->loc, ctx);
        }
        c->nscoped = nscoped;
        if (outer) {
            c->level--;
            ty_generalise(c, c->btype[id]);
            c->bpoly[id] = 1;
        }
        c->bstate[id] = 2;
    } else if (d->kind == AST_D_PAT) {
        pat_vars(c, d->kids[0], 1);
        int single = d->kids[0]->kind == AST_P_VAR;
        if (ann && single) {
            c->btype[id] = ann;
            c->bpoly[id] = 1;
        }
        int outer = !(ann && single) && !b->let_bound;
        if (outer) c->level++;
        struct ty *pt = ann && single ? ty_instantiate(c, ann, 1) : pattern(c, d->kids[0]);
        int nscoped = c->nscoped;
        if (ann && single) push_skolems(c, pt);
        struct ty *rt = infer(c, d->kids[1]);
        c->nscoped = nscoped;
        char ctx[160];
        snprintf(ctx, sizeof ctx, "in the definition of '%s'", b->name);
        ty_unify(c, pt, rt, d->kids[1]->loc, ctx);
        if (outer) {
            c->level--;
            pat_generalise(c, d->kids[0]);
        }
        pat_vars(c, d->kids[0], 2);
    }
    c->depth--;
}

static void check_annotated_decl(struct tc *c, uint32_t id)
{
    struct rs_binding *b = &c->t->b[id];
    if (!b->annot) return;
    struct ty *ann = annotation(c, b->annot);
    if (!ann) return;
    char ctx[160];
    snprintf(ctx, sizeof ctx, "the annotation of '%s'", b->name);
    ty_unify(c, ty_instantiate(c, ann, 0), binding_type(c, id), b->site->loc, ctx);
}

static void check_assertion(struct tc *c, struct ast_node *a)
{
    switch (a->kind) {
    case AST_A_NOT: check_assertion(c, a->kids[0]); return;
    case AST_A_REFINE:
        expect(c, a->kids[0], prim(c, TY_PROC), NULL);
        expect(c, a->kids[1], prim(c, TY_PROC), NULL);
        break;
    case AST_A_PROP:
        expect(c, a->kids[0], prim(c, TY_PROC), NULL);
        break;
    case AST_A_HAS_TRACE:
        expect(c, a->kids[0], prim(c, TY_PROC), NULL);
        expect(c, a->kids[1], ty_un(c, TY_SEQ, prim(c, TY_EVENT)), "a trace is a sequence of events");
        break;
    default:
        return;
    }
    struct ast_node *opts = a->kids[a->nkids - 1];
    for (uint32_t i = 0; opts->kind == AST_ITEMS && i < opts->nkids; i++)
        if (opts->kids[i]->kind == AST_O_TAU_PRIORITY) expect(c, opts->kids[i]->kids[0], events(c), NULL);
}

/* Subtypes name constructors of one datatype and restrict their fields to subsets. */
static void check_subtype(struct tc *c, struct ast_node *d)
{
    uint32_t dt = 0;
    for (uint32_t i = 0; i < d->nkids; i++) {
        struct ast_node *ct = d->kids[i];
        if (!ct->aux) continue;
        uint32_t owner = ctor_datatype(c, (uint32_t)ct->aux);
        if (!dt) dt = owner;
        else if (owner != dt) {
            ty_error(c, ct->loc, "'%s' is a constructor of '%s', not of '%s'", ct->name,
                     c->t->b[owner].name, c->t->b[dt].name);
            continue;
        }
        struct fields *f = ty_fields(c, (uint32_t)ct->aux);
        if (f->state != 2 || !ct->nkids) continue;
        struct ast_node **it;
        uint32_t n;
        flatten_dot(ct->kids[0], AST_DOT, &it, &n, c->a);
        if (n > f->n) {
            ty_error(c, ct->loc, "'%s' has %u field%s but the subtype gives %u", ct->name, f->n,
                     f->n == 1 ? "" : "s", n);
            continue;
        }
        for (uint32_t j = 0; j < n; j++)
            ty_unify(c, f->f[j], field_elem(c, it[j]), it[j]->loc, "a subtype field is a subset of the constructor's");
    }
}

/* `{}`, or a name defined as `{}`: the field types FDR calls ambiguous. */
static int ambiguous_source(struct tc *c, struct ast_node *e)
{
    if (e->kind == AST_SET && e->nkids == 0) return 1;
    if (e->kind != AST_VAR || !e->aux || c->t->b[e->aux].kind != RS_VALUE) return 0;
    struct ast_node *d = c->t->b[e->aux].owner;
    return d && d->kind == AST_D_PAT && d->kids[1]->kind == AST_SET && d->kids[1]->nkids == 0;
}

static void push_id(struct tc *c, uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t id)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        uint32_t *nv = arena_alloc_raw(c->a, *cap * sizeof *nv);
        if (*n) memcpy(nv, *v, *n * sizeof *nv);
        *v = nv;
    }
    (*v)[(*n)++] = id;
}

/* Fields whose type nothing fixed (`channel c : {}`): FDR rejects them as ambiguous.  A
 * module parameter used as a field type is checked against each instance's argument. */
static void check_ambiguous(struct tc *c, uint32_t id, struct ast_node *texpr)
{
    struct fields *f = ty_fields(c, id);
    if (f->state != 2 || !texpr) return;
    struct ast_node **it;
    uint32_t n;
    flatten_dot(texpr, AST_DOT, &it, &n, c->a);
    if (n != f->n) return;
    for (uint32_t i = 0; i < n; i++) {
        struct ast_node *x = it[i];
        if (x->kind == AST_VAR && x->aux && c->t->b[x->aux].kind == RS_PARAM && c->t->b[x->aux].owner &&
            c->t->b[x->aux].owner->kind == AST_D_MODULE)
            push_id(c, &c->field_params, &c->nfield_params, &c->cap_field_params, (uint32_t)x->aux);
        else if (!c->t->b[id].in_module && ambiguous_source(c, x) && ty_ambiguous(c, f->f[i]))
            ty_error(c, x->loc, "the type of this field of '%s' is ambiguous", c->t->b[id].name);
    }
}

/* `instance N = M({})` where M uses that parameter as a field type. */
static void check_module_ambiguity(struct tc *c)
{
    for (uint32_t i = 0; i < c->ninstances; i++) {
        struct ast_node *d = c->instances[i], *ref = d->kids[0];
        struct ast_node *md = ref->aux ? c->t->b[ref->aux].decl : NULL;
        if (!md || md->kind != AST_D_MODULE || d->nkids < 2) continue;
        struct ast_node *args = d->kids[1], *params = md->kids[0];
        for (uint32_t j = 0; j < args->nkids && j < params->nkids; j++) {
            struct ast_node *a = args->kids[j], *p = params->kids[j];
            if (a->kind != AST_SET || a->nkids || p->kind != AST_P_VAR || !p->aux) continue;
            for (uint32_t k = 0; k < c->nfield_params; k++)
                if (c->field_params[k] == (uint32_t)p->aux) {
                    ty_error(c, a->loc, "the type of this argument is ambiguous: module '%s' uses it as a field type",
                             md->name);
                    break;
                }
        }
    }
}

static uint32_t first_value_var(struct tc *c, struct ast_node *p)
{
    if (p->kind == AST_P_VAR && p->aux && c->t->b[p->aux].kind == RS_VALUE) return (uint32_t)p->aux;
    for (uint32_t i = 0; i < p->nkids; i++) {
        uint32_t id = first_value_var(c, p->kids[i]);
        if (id) return id;
    }
    return 0;
}

static void check_decl(struct tc *c, struct ast_node *d)
{
    switch (d->kind) {
    case AST_D_FUN:
        infer_value(c, (uint32_t)d->aux);
        break;
    case AST_D_PAT: {
        /* any variable of the pattern infers the whole D_PAT */
        uint32_t first = first_value_var(c, d->kids[0]);
        if (first) infer_value(c, first);
        else {
            c->level++;
            ty_unify(c, pattern(c, d->kids[0]), infer(c, d->kids[1]), d->kids[1]->loc, NULL);
            c->level--;
        }
        break;
    }
    case AST_D_CHANNEL:
        for (uint32_t i = 0; i < d->kids[0]->nkids; i++) {
            uint32_t id = (uint32_t)d->kids[0]->kids[i]->aux;
            if (!id) continue;
            ty_fields(c, id);
            check_annotated_decl(c, id);
            check_ambiguous(c, id, d->nkids > 1 ? d->kids[1] : NULL);
        }
        break;
    case AST_D_DATATYPE:
        for (uint32_t i = 0; i < d->nkids; i++) {
            uint32_t id = (uint32_t)d->kids[i]->aux;
            if (!id) continue;
            ty_fields(c, id);
            check_annotated_decl(c, id);
            check_ambiguous(c, id, d->kids[i]->nkids ? d->kids[i]->kids[0] : NULL);
        }
        break;
    case AST_D_SUBTYPE:
        check_subtype(c, d);
        break;
    case AST_D_NAMETYPE:
        if (d->aux) {
            binding_type(c, (uint32_t)d->aux);
            check_annotated_decl(c, (uint32_t)d->aux);
        }
        break;
    case AST_D_ASSERT:
        c->level++;
        check_assertion(c, d->kids[0]);
        c->level--;
        break;
    case AST_D_PRINT:
        c->level++;
        infer(c, d->kids[0]);
        c->level--;
        break;
    case AST_D_MODULE:
        for (uint32_t i = 0; i < d->kids[0]->nkids; i++) {
            int level = c->level;
            c->level = 0;
            pattern(c, d->kids[0]->kids[i]);
            c->level = level;
        }
        check_list(c, d->kids[1]);
        check_list(c, d->kids[2]);
        break;
    case AST_D_INSTANCE: {
        /* Each argument against a copy of its parameter's type, with the classes the
         * module's body required of it (instances do not constrain one another). */
        struct ast_node *ref = d->kids[0];
        struct ast_node *md = ref->aux ? c->t->b[ref->aux].decl : NULL;
        struct ast_node *args = d->nkids > 1 ? d->kids[1] : NULL;
        if (c->ninstances == c->cap_instances) {
            c->cap_instances = c->cap_instances ? 2 * c->cap_instances : 16;
            struct ast_node **v = arena_alloc_raw(c->a, c->cap_instances * sizeof *v);
            if (c->ninstances) memcpy(v, c->instances, c->ninstances * sizeof *v);
            c->instances = v;
        }
        c->instances[c->ninstances++] = d;
        c->level++;
        for (uint32_t j = 0; args && j < args->nkids; j++) {
            struct ty *t = infer(c, args->kids[j]);
            if (!md || md->kind != AST_D_MODULE || j >= md->kids[0]->nkids) continue;
            int level = c->level;
            c->level = 0;
            struct ty *p = pattern(c, md->kids[0]->kids[j]);
            c->level = level;
            char ctx[160];
            snprintf(ctx, sizeof ctx, "argument %u of module '%s'", j + 1, md->name);
            ty_unify(c, ty_instantiate(c, p, 2), t, args->kids[j]->loc, ctx);
        }
        c->level--;
        break;
    }
    case AST_D_TIMED:
        if (d->nkids > 1) {
            struct ty *want = ty_new(c, TY_FUN, 2);
            want->a[0] = prim(c, TY_EVENT);
            want->a[1] = prim(c, TY_INT);
            c->level++;
            expect(c, d->kids[1], want, "the function of a Timed section");
            c->level--;
        }
        check_list(c, d->kids[0]);
        break;
    default:
        break;
    }
}

static void check_list(struct tc *c, struct ast_node *items)
{
    for (uint32_t i = 0; i < items->nkids; i++) check_decl(c, items->kids[i]);
}

/* Records, for every datatype of ITEMS, the module that declares it (MOD; 0 at the top). */
static void note_datatype_modules(struct tc *c, struct ast_node *items, uint32_t mod)
{
    for (uint32_t i = 0; i < items->nkids; i++) {
        struct ast_node *d = items->kids[i];
        if (d->kind == AST_D_DATATYPE && d->aux) c->dt_module[d->aux] = mod;
        else if (d->kind == AST_D_MODULE) {
            note_datatype_modules(c, d->kids[1], (uint32_t)d->aux);
            note_datatype_modules(c, d->kids[2], (uint32_t)d->aux);
        } else if (d->kind == AST_D_TIMED) {
            note_datatype_modules(c, d->kids[0], mod);
        }
    }
}

int types_check(struct cspm_module *m)
{
    int nerr = 0;
    struct rs_table *t = resolve_module(m, &nerr);   /* an unresolved name gets a fresh type */
    struct tc c = {0};
    c.m = m;
    c.a = &m->arena;
    c.t = t;
    c.btype = arena_alloc(c.a, t->n * sizeof *c.btype);
    c.bpoly = arena_alloc(c.a, t->n);
    c.bstate = arena_alloc(c.a, t->n);
    c.bfields = arena_alloc(c.a, t->n * sizeof *c.bfields);
    c.dt_eq = arena_alloc(c.a, t->n);
    c.builtin = arena_alloc(c.a, t->n * sizeof *c.builtin);
    c.dt_module = arena_alloc(c.a, t->n * sizeof *c.dt_module);
    note_datatype_modules(&c, m->decls, 0);
    check_list(&c, m->decls);
    check_module_ambiguity(&c);
    return nerr + c.nerr;
}
