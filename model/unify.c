/* Type terms of the CSPm typechecker: construction, unification with the occurs check and
 * level adjustment (for let-polymorphism), type classes, schemes and printing.  The
 * inference rules that use them are in model/types.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model/types_int.h"

void ty_error(struct tc *c, struct cspm_loc loc, const char *fmt, ...)
{
    char buf[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    /* The same reason at the same place as the error before is one mistake seen twice
     * (`Seq({f})`: the set literal, then Seq's argument): reported once. */
    const char *why = strrchr(buf, ':');
    why = why ? why + 2 : buf;
    if (c->nerr && loc.file == c->last_loc.file && loc.line == c->last_loc.line &&
        loc.col == c->last_loc.col && strcmp(why, c->last_why) == 0)
        return;
    c->last_loc = loc;
    size_t n = strlen(why) < sizeof c->last_why ? strlen(why) : sizeof c->last_why - 1;
    memcpy(c->last_why, why, n);
    c->last_why[n] = '\0';
    diag_error(&c->m->diags, loc, "%s", buf);
    c->nerr++;
}

struct ty *ty_prune(struct ty *t)
{
    while (t->kind == TY_VAR && t->link) {
        /* path compression keeps long chains of bound variables short */
        if (t->link->kind == TY_VAR && t->link->link) t->link = t->link->link;
        t = t->link;
    }
    return t;
}

struct ty *ty_new(struct tc *c, enum ty_kind k, uint32_t n)
{
    struct ty *t = arena_alloc(c->a, sizeof *t);
    t->kind = (uint8_t)k;
    t->n = n;
    if (n) t->a = arena_alloc(c->a, n * sizeof *t->a);
    return t;
}

struct ty *ty_var(struct tc *c, uint8_t cls)
{
    struct ty *t = ty_new(c, TY_VAR, 0);
    t->cls = cls;
    t->level = c->level;
    t->id = ++c->serial;
    return t;
}

struct ty *ty_prim(struct tc *c, enum ty_kind k)
{
    if (!c->prim[k]) c->prim[k] = ty_new(c, k, 0);
    return c->prim[k];
}

struct ty *ty_un(struct tc *c, enum ty_kind k, struct ty *x)
{
    struct ty *t = ty_new(c, k, 1);
    t->a[0] = x;
    return t;
}

struct ty *ty_data(struct tc *c, uint32_t id)
{
    struct ty *t = ty_new(c, TY_DATA, 0);
    t->id = id;
    t->name = c->t->b[id].name;
    return t;
}

static uint32_t parts_rec(struct ty *t, struct ty **out, uint32_t n, uint32_t max, int depth)
{
    t = ty_prune(t);
    if (t->kind != TY_DOT || depth > 50) {
        if (n < max) out[n] = t;
        return n + 1;
    }
    for (uint32_t i = 0; i < t->n; i++) n = parts_rec(t->a[i], out, n, max, depth + 1);
    return n;
}

uint32_t ty_dot_parts(struct ty *t, struct ty **out, uint32_t max)
{
    return parts_rec(t, out, 0, max, 0);
}

struct ty *ty_dot(struct tc *c, struct ty **ts, uint32_t n)
{
    if (n == 1) return ts[0];
    struct ty *t = ty_new(c, TY_DOT, n);
    for (uint32_t i = 0; i < n; i++) t->a[i] = ts[i];
    return t;
}

/* ---- printing ---- */

struct names {
    struct ty *v[26];
    int n;
};

static void put(char **p, char *end, const char *s)
{
    while (*s && *p < end - 1) *(*p)++ = *s++;
    **p = '\0';
}

static void print_rec(struct tc *c, struct ty *t, char **p, char *end, struct names *nm, int depth)
{
    t = ty_prune(t);
    if (*p >= end - 1) return;      /* full: shared subterms must not be walked again */
    if (depth > 40) { put(p, end, "…"); return; }
    char tmp[64];
    switch ((enum ty_kind)t->kind) {
    case TY_VAR: {
        int i = 0;
        while (i < nm->n && nm->v[i] != t) i++;
        if (i == nm->n && nm->n < 26) nm->v[nm->n++] = t;
        snprintf(tmp, sizeof tmp, "%c", i < 26 ? 'a' + i : '?');
        put(p, end, tmp);
        return;
    }
    case TY_SKOLEM: put(p, end, t->name); return;
    case TY_INT: put(p, end, "Int"); return;
    case TY_BOOL: put(p, end, "Bool"); return;
    case TY_CHAR: put(p, end, "Char"); return;
    case TY_PROC: put(p, end, "Proc"); return;
    case TY_EVENT: put(p, end, "Event"); return;
    case TY_DATA:
        if (t->inst) {
            put(p, end, c->t->b[t->inst].name);
            put(p, end, "::");
        }
        put(p, end, t->name);
        return;
    case TY_SEQ:
        put(p, end, "<"); print_rec(c, t->a[0], p, end, nm, depth + 1); put(p, end, ">");
        return;
    case TY_SET:
        put(p, end, "{"); print_rec(c, t->a[0], p, end, nm, depth + 1); put(p, end, "}");
        return;
    case TY_MAP:
        put(p, end, "(|"); print_rec(c, t->a[0], p, end, nm, depth + 1); put(p, end, " => ");
        print_rec(c, t->a[1], p, end, nm, depth + 1); put(p, end, "|)");
        return;
    case TY_TUPLE:
        put(p, end, "(");
        for (uint32_t i = 0; i < t->n; i++) {
            if (i) put(p, end, ", ");
            print_rec(c, t->a[i], p, end, nm, depth + 1);
        }
        put(p, end, ")");
        return;
    case TY_FUN:
        put(p, end, "(");
        for (uint32_t i = 0; i + 1 < t->n; i++) {
            if (i) put(p, end, ", ");
            print_rec(c, t->a[i], p, end, nm, depth + 1);
        }
        put(p, end, ") -> ");
        print_rec(c, t->a[t->n - 1], p, end, nm, depth + 1);
        return;
    case TY_YIELD: {     /* in normal form: a yield of a yield is one yield */
        struct ty *args[64], *res;
        uint32_t k = ty_yield_args(t, args, 64, &res);
        for (uint32_t i = 0; i < k && i < 64; i++) {
            if (i) put(p, end, ".");
            print_rec(c, args[i], p, end, nm, depth + 1);
        }
        put(p, end, " => ");
        print_rec(c, res, p, end, nm, depth + 1);
        return;
    }
    case TY_DOT:
        for (uint32_t i = 0; i < t->n; i++) {
            int paren = ty_prune(t->a[i])->kind == TY_YIELD;
            if (i) put(p, end, ".");
            if (paren) put(p, end, "(");
            print_rec(c, t->a[i], p, end, nm, depth + 1);
            if (paren) put(p, end, ")");
        }
        return;
    }
}

static struct names *shared_names;

void ty_print(struct tc *c, struct ty *t, char *buf, size_t n)
{
    struct names local = {{0}, 0};
    char *p = buf;
    buf[0] = '\0';
    print_rec(c, t, &p, buf + n, shared_names ? shared_names : &local, 0);
}

/* ---- classes ---- */

static const char *class_name(uint8_t cls)
{
    if (cls & C_ORD) return "Ord";
    if (cls & C_EQ) return "Eq";
    if (cls & C_SET) return "Set";
    return "Yieldable";
}

/* The classes CLS implies.  As in libcspm (constraintImpliedBy): what is comparable for
 * equality can form sets (Eq implies Set); Set does not imply Eq (Proc can form sets,
 * `{STOP}`, but not be compared), and Ord implies nothing (an annotation's `Ord a` does not
 * grant `Eq a`). */
static uint8_t closure(uint8_t cls)
{
    if (cls & C_EQ) cls |= C_SET;
    return cls;
}

/* The class a sequence's, set's or map's elements need for the collection to have CLS:
 * Eq for Eq and Ord (ordering sets and sequences is subset and prefix testing), Set for
 * Set. */
static uint8_t elem_class(uint8_t cls)
{
    return (cls & (C_EQ | C_ORD)) ? C_EQ : (uint8_t)(cls & C_SET);
}

static int has_class(struct tc *c, struct ty *t, uint8_t cls, int depth);

/* Is datatype ID in Eq?  Every field of every constructor must be; a datatype being checked
 * is assumed to be (recursive datatypes). */
static int datatype_eq(struct tc *c, uint32_t id, int depth)
{
    if (c->dt_eq[id] == 1 || c->dt_eq[id] == 2) return 1;
    if (c->dt_eq[id] == 3) return 0;
    c->dt_eq[id] = 1;
    struct ast_node *d = c->t->b[id].decl;
    int ok = 1;
    for (uint32_t k = 0; ok && k < d->nkids; k++) {
        uint32_t cid = (uint32_t)d->kids[k]->aux;
        if (!cid || c->bfields[cid].state == 1) continue;   /* being computed: assume Eq */
        struct fields *f = ty_fields(c, cid);
        for (uint32_t i = 0; ok && f->state == 2 && i < f->n; i++)
            ok = has_class(c, f->f[i], C_EQ, depth + 1);
    }
    c->dt_eq[id] = ok ? 2 : 3;
    return ok;
}

static void why_not(struct tc *c, struct ty *t, uint8_t cls)
{
    char buf[128];
    ty_print(c, t, buf, sizeof buf);
    snprintf(c->why, sizeof c->why, "%s is not in class %s", buf, class_name(cls));
}

static int has_class(struct tc *c, struct ty *t, uint8_t cls, int depth)
{
    t = ty_prune(t);
    cls = closure(cls) & (uint8_t)~(C_EXT | C_ENUM);
    if (!cls || depth > 200 || ty_spent(c)) return 1;
    if ((cls & C_SPLIT) && t->kind != TY_VAR && t->kind != TY_SKOLEM && t->kind != TY_DOT) {
        char buf[128];
        ty_print(c, t, buf, sizeof buf);
        snprintf(c->why, sizeof c->why,
                 "a dot pattern with a variable at its head cannot split a value of type %s", buf);
        return 0;
    }
    switch ((enum ty_kind)t->kind) {
    case TY_VAR:
        t->cls |= cls;
        return 1;
    case TY_SKOLEM:
        if ((closure(t->cls) & cls & (C_EQ | C_ORD | C_SET)) != (cls & (C_EQ | C_ORD | C_SET))) {
            snprintf(c->why, sizeof c->why,
                     "the type variable %s needs class %s (add '%s %s =>' to the annotation)",
                     t->name, class_name(cls & ~closure(t->cls)), class_name(cls & ~closure(t->cls)),
                     t->name);
            return 0;
        }
        return 1;
    case TY_INT:
    case TY_CHAR:
        if (cls & C_YIELD) { why_not(c, t, C_YIELD); return 0; }
        return 1;
    case TY_BOOL:       /* not ordered (libcspm: Bools are not orderable) */
        if (cls & (C_YIELD | C_ORD)) { why_not(c, t, cls & C_YIELD ? C_YIELD : C_ORD); return 0; }
        return 1;
    case TY_EVENT:      /* events, datatype values and dotted values are not ordered */
        if (cls & C_ORD) { why_not(c, t, C_ORD); return 0; }
        return 1;
    case TY_PROC:
        /* processes form sets (libcspm: CSet TProc), nothing more */
        if (!(cls & (C_EQ | C_ORD | C_YIELD))) return 1;
        why_not(c, t, cls & C_YIELD ? C_YIELD : cls & C_ORD ? C_ORD : C_EQ);
        return 0;
    case TY_FUN:
        why_not(c, t, cls & C_YIELD ? C_YIELD : cls);
        return 0;
    case TY_SEQ:
    case TY_SET:
        if (cls & C_YIELD) { why_not(c, t, C_YIELD); return 0; }
        return has_class(c, t->a[0], elem_class(cls), depth + 1);
    case TY_MAP:        /* a map has a class when its keys and values have it */
        if (cls & C_YIELD) { why_not(c, t, C_YIELD); return 0; }
        return has_class(c, t->a[0], cls, depth + 1) && has_class(c, t->a[1], cls, depth + 1);
    case TY_TUPLE:
    case TY_DOT:
        if (cls & C_YIELD) { why_not(c, t, C_YIELD); return 0; }
        if (t->kind == TY_DOT && (cls & C_ORD)) { why_not(c, t, C_ORD); return 0; }
        cls &= (uint8_t)~C_SPLIT;
        for (uint32_t i = 0; i < t->n; i++)
            if (!has_class(c, t->a[i], cls, depth + 1)) return 0;
        return 1;
    case TY_DATA:
        if (cls & C_ORD) { why_not(c, t, C_ORD); return 0; }
        if ((cls & C_EQ) && !datatype_eq(c, t->id, depth)) {
            char inner[160];
            snprintf(inner, sizeof inner, "%.150s", c->why);
            if (inner[0] && !strstr(inner, "(because"))
                snprintf(c->why, sizeof c->why, "%s is not in class Eq (because %s)", t->name, inner);
            else if (!inner[0])
                why_not(c, t, C_EQ);
            return 0;
        }
        return 1;
    case TY_YIELD:
        if (cls & C_ORD) { why_not(c, t, C_ORD); return 0; }
        for (uint32_t i = 0; i < t->n; i++)
            if (!has_class(c, t->a[i], cls & (C_EQ | C_SET), depth + 1)) return 0;
        return 1;
    }
    return 1;
}

/* ---- unification ---- */

/* Occurs check, lowering the levels of T's variables to LEVEL on the way. */
static int occurs(struct tc *c, struct ty *v, struct ty *t, int level, int depth)
{
    t = ty_prune(t);
    if (t == v) return 1;
    if (depth > 5000 || ty_spent(c)) return 0;
    if (t->kind == TY_VAR) {
        if (t->level > level) t->level = level;
        return 0;
    }
    for (uint32_t i = 0; i < t->n; i++)
        if (occurs(c, v, t->a[i], level, depth + 1)) return 1;
    return 0;
}

static int uni(struct tc *c, struct ty *a, struct ty *b, int depth);

/* Does T stand for a channel or constructor still short of fields? */
static int partial(struct ty *t)
{
    return ty_prune(t)->kind == TY_YIELD;
}

/* Unifies two dotted types (or a dotted type with a variable's binding, flattened) part by
 * part from the left.  When one side is down to its last part and the other has more,
 * that last part takes them all if it is a variable (libcspm's longest match) and the
 * two differ otherwise: every part is a whole value.  A partial value before the last part
 * may take the parts after it (libcspm combines them), which this does not model: such
 * dotted types are accepted as they are. */
static int uni_dots(struct tc *c, struct ty *a, struct ty *b, int depth)
{
    struct ty *pa[64], *pb[64];
    uint32_t na = ty_dot_parts(a, pa, 64), nb = ty_dot_parts(b, pb, 64);
    if (na > 64 || nb > 64) return 1;
    for (uint32_t i = 0; i + 1 < na; i++)
        if (partial(pa[i])) return 1;
    for (uint32_t i = 0; i + 1 < nb; i++)
        if (partial(pb[i])) return 1;
    uint32_t i = 0;
    for (; i + 1 < na && i + 1 < nb; i++)
        if (!uni(c, pa[i], pb[i], depth + 1)) return 0;
    if (na == nb) return uni(c, pa[i], pb[i], depth + 1);
    /* one side has a single part left for several of the other's */
    struct ty **shortp = na < nb ? pa : pb, **longp = na < nb ? pb : pa;
    uint32_t nlong = na < nb ? nb : na;
    struct ty *last = ty_prune(shortp[i]);
    if (last->kind != TY_VAR) return 0;
    return uni(c, last, ty_dot(c, longp + i, nlong - i), depth + 1);
}

uint32_t ty_yield_args(struct ty *t, struct ty **out, uint32_t max, struct ty **res)
{
    uint32_t n = 0;
    t = ty_prune(t);
    for (int depth = 0; t->kind == TY_YIELD && depth < 64; depth++) {
        for (uint32_t i = 0; i + 1 < t->n; i++)
            n += ty_dot_parts(t->a[i], out + (n < max ? n : max), n < max ? max - n : 0);
        t = ty_prune(t->a[t->n - 1]);
    }
    *res = t;
    return n;
}

struct ty *ty_yield(struct tc *c, struct ty **args, uint32_t n, struct ty *res)
{
    if (!n) return res;
    struct ty *y = ty_new(c, TY_YIELD, n + 1);
    for (uint32_t i = 0; i < n; i++) y->a[i] = args[i];
    y->a[n] = res;
    return y;
}

/* Unifies two yields field by field, in libcspm's normal form.  When one needs fewer
 * fields, either its result is a remainder (C_EXT: the fields of a channel or
 * constructor given as unknown), which then yields the other's extra fields, or its last
 * field takes the other's remaining fields as one dotted value (libcspm's
 * combineTypeLists: c : Int.Int passed where X => Event is wanted makes X an Int.Int). */
static int uni_yields(struct tc *c, struct ty *a, struct ty *b, int depth)
{
    struct ty *pa[64], *pb[64], *ra, *rb;
    uint32_t na = ty_yield_args(a, pa, 64, &ra), nb = ty_yield_args(b, pb, 64, &rb);
    if (na > 64 || nb > 64) return 1;
    if (na == nb) {
        for (uint32_t i = 0; i < na; i++)
            if (!uni(c, pa[i], pb[i], depth + 1)) return 0;
        return uni(c, ra, rb, depth + 1);
    }
    struct ty **ps = na < nb ? pa : pb, **pl = na < nb ? pb : pa;
    struct ty *rs = na < nb ? ra : rb, *rl = na < nb ? rb : ra;
    uint32_t ns = na < nb ? na : nb, nl = na < nb ? nb : na;
    if (rs->kind == TY_VAR && (rs->cls & C_EXT)) {
        /* When the shorter side's last field is unknown too, either reading may hold:
         * fix neither (accepted rather than risk a false error). */
        int open = ns && ty_prune(ps[ns - 1])->kind == TY_VAR;
        for (uint32_t i = 0; i + open < ns; i++)
            if (!uni(c, ps[i], pl[i], depth + 1)) return 0;
        return open || uni(c, rs, ty_yield(c, pl + ns, nl - ns, rl), depth + 1);
    }
    if (!ns || !uni(c, rs, rl, depth + 1)) return 0;
    for (uint32_t i = 0; i + 1 < ns; i++)
        if (!uni(c, ps[i], pl[i], depth + 1)) return 0;
    return uni(c, ps[ns - 1], ty_dot(c, pl + ns - 1, nl - ns + 1), depth + 1);
}

static int uni(struct tc *c, struct ty *a, struct ty *b, int depth)
{
    a = ty_prune(a);
    b = ty_prune(b);
    if (a == b) return 1;
    if (depth > 5000 || ty_spent(c)) return 1;
    if (a->kind == TY_VAR || b->kind == TY_VAR) {
        struct ty *v = a->kind == TY_VAR ? a : b, *t = v == a ? b : a;
        if (occurs(c, v, t, v->level, 0)) {
            snprintf(c->why, sizeof c->why, "this would need an infinite type");
            return 0;
        }
        if (t->kind == TY_VAR) {
            t->cls |= v->cls;
            if (t->level > v->level) t->level = v->level;
            v->link = t;
            return 1;
        }
        v->link = t;
        return has_class(c, t, v->cls, 0);
    }
    if (a->kind == TY_DOT || b->kind == TY_DOT) {
        if (a->kind == b->kind) return uni_dots(c, a, b, depth);
        /* A dotted value is none of the other types, unless its first part may still be
         * a channel or constructor taking the parts after it (not modelled: accepted).  A
         * dot pattern with a variable head never splits an event, a datatype value or a
         * simple value (cls C_SPLIT). */
        struct ty *d = a->kind == TY_DOT ? a : b, *o = d == a ? b : a, *ps[1];
        if (o->kind == TY_SKOLEM) return 1;
        if (d->cls & C_SPLIT) {
            char buf[128];
            ty_print(c, o, buf, sizeof buf);
            snprintf(c->why, sizeof c->why,
                     "a dot pattern with a variable at its head cannot split a value of type %s", buf);
            return 0;
        }
        ty_dot_parts(d, ps, 1);
        struct ty *head = ty_prune(ps[0]);
        return head->kind == TY_VAR || head->kind == TY_YIELD;
    }
    if (a->kind != b->kind) return 0;
    switch ((enum ty_kind)a->kind) {
    case TY_SKOLEM:
        return 0;   /* distinct skolems (the same one was caught by a == b) */
    case TY_DATA:   /* each instance of a module has its own datatypes */
        return a->id == b->id && (!a->inst || !b->inst || a->inst == b->inst);
    case TY_YIELD:
        return uni_yields(c, a, b, depth);
    case TY_TUPLE:
    case TY_FUN:
        if (a->n != b->n) return 0;
        /* fall through */
    default:
        for (uint32_t i = 0; i < a->n; i++)
            if (!uni(c, a->a[i], b->a[i], depth + 1)) return 0;
        return 1;
    }
}

int ty_unify(struct tc *c, struct ty *expected, struct ty *found, struct cspm_loc loc,
             const char *context)
{
    c->why[0] = '\0';
    if (uni(c, expected, found, 0) || c->exhausted) return 1;
    struct names nm = {{0}, 0};
    char e[256], f[256];
    shared_names = &nm;
    ty_print(c, expected, e, sizeof e);
    ty_print(c, found, f, sizeof f);
    shared_names = NULL;
    const char *pre = context ? context : "", *sep = context ? ": " : "";
    if (c->why[0])
        ty_error(c, loc, "%s%s%s", pre, sep, c->why);
    else
        ty_error(c, loc, "%s%stype mismatch: expected %s, found %s", pre, sep, e, f);
    return 0;
}

int ty_require(struct tc *c, struct ty *t, uint8_t cls, struct cspm_loc loc, const char *context)
{
    c->why[0] = '\0';
    if (has_class(c, t, cls, 0) || c->exhausted) return 1;
    if (!c->why[0]) why_not(c, t, cls);
    if (context) ty_error(c, loc, "%s: %s", context, c->why);
    else ty_error(c, loc, "%s", c->why);
    return 0;
}

/* ---- schemes ---- */

static void gen_rec(struct tc *c, struct ty *t, int depth)
{
    t = ty_prune(t);
    if (depth > 5000 || ty_spent(c)) return;
    if (t->kind == TY_VAR) {
        if (t->level > c->level) t->level = LEVEL_GENERIC;
        return;
    }
    for (uint32_t i = 0; i < t->n; i++) gen_rec(c, t->a[i], depth + 1);
}

void ty_generalise(struct tc *c, struct ty *t) { gen_rec(c, t, 0); }

/* Copies T's generic variables (every unbound one when SKOLEM is 2); a variable's copy is
 * remembered on the variable itself, stamped with this instantiation. */
static struct ty *inst_rec(struct tc *c, struct ty *t, int skolem, int depth)
{
    t = ty_prune(t);
    if (depth > 5000 || ty_spent(c)) return t;
    if (t->kind == TY_VAR) {
        if (t->level != LEVEL_GENERIC && skolem != 2) return t;
        if (t->stamp == c->inst_stamp) return t->copy;
        struct ty *v;
        if (skolem == 1) {
            v = ty_new(c, TY_SKOLEM, 0);
            v->cls = t->cls;
            v->name = t->name ? t->name : "a";
        } else {
            v = ty_var(c, t->cls);
        }
        t->stamp = c->inst_stamp;
        t->copy = v;
        return v;
    }
    if (!t->n) return t;
    struct ty *u = NULL;
    for (uint32_t i = 0; i < t->n; i++) {
        struct ty *k = inst_rec(c, t->a[i], skolem, depth + 1);
        if (k != ty_prune(t->a[i]) && !u) {
            u = ty_new(c, (enum ty_kind)t->kind, t->n);
            u->cls = t->cls;
            u->id = t->id;
            u->inst = t->inst;
            u->name = t->name;
            for (uint32_t j = 0; j < i; j++) u->a[j] = t->a[j];
        }
        if (u) u->a[i] = k;
    }
    return u ? u : t;
}

struct ty *ty_instantiate(struct tc *c, struct ty *t, int skolem)
{
    c->inst_stamp++;
    return inst_rec(c, t, skolem, 0);
}

int ty_ambiguous(struct tc *c, struct ty *t)
{
    t = ty_prune(t);
    if (ty_spent(c)) return 0;
    if (t->kind == TY_VAR || t->kind == TY_SKOLEM) return 1;
    for (uint32_t i = 0; i < t->n; i++)
        if (ty_ambiguous(c, t->a[i])) return 1;
    return 0;
}
