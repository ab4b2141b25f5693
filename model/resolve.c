/* The CSPm renamer: scopes, declarations, modules and instances.  Three passes over every
 * declaration list (top level and module bodies): declare the names of definitions, then bind
 * the variables of pattern definitions (`(x, y) = e`; a name that is already a channel or
 * constructor is a constant there, not a binder), then resolve right-hand sides, where lets,
 * clauses, lambdas, comprehensions and prefixes open nested scopes.  See model/resolve.h. */
#include "model/resolve.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct scope {
    struct scope *parent;
    uint32_t *ids;              /* bindings defined here, in order */
    uint32_t n, cap;
    uint32_t *hash;             /* open addressing over ids, built once n > 8 */
    uint32_t hcap;
};

struct rs_module {
    uint32_t id;                /* its binding */
    struct ast_node *decl;      /* D_MODULE */
    struct scope *params;       /* parameter variables */
    struct scope *body;         /* private and exported names */
    struct scope *exports;      /* exported names only */
    uint32_t nparams;
};

/* One declaration list waiting for passes 2 and 3. */
struct pending {
    struct ast_node *items;
    struct scope *scope;
    struct scope *exports;      /* the exported list of a module: its pattern variables too */
};

struct rs {
    struct cspm_module *m;
    struct arena *a;
    struct rs_table *t;
    int nerr;
    int timed_depth;            /* > 0 inside a Timed section */
    struct pending *lists;
    size_t nlists, cap_lists;
    struct scope **inst_scope;  /* per binding: where an instance was declared */
    uint32_t cap_inst;
    uint8_t *resolving;         /* per binding: instance target being resolved */
    struct scope *top;
};

/* A group of pattern variables that must be distinct (one clause, one comprehension, …);
 * hashed once it grows, so that wide patterns stay linear. */
struct group {
    uint32_t *ids;
    uint32_t n, cap;
    uint32_t *hash;             /* open addressing over ids, capacity hcap (a power of 2) */
    uint32_t hcap;
};

static const struct {
    const char *name, *type;
    int where;
} builtins[] = {
#define X(name, type, where) {name, type, where},
    RS_BUILTINS(X)
#undef X
};
enum { NBUILTINS = sizeof builtins / sizeof builtins[0] };

const char *rs_kind_name(enum rs_kind k)
{
    static const char *const names[] = {
#define X(k, text) text,
        RS_KINDS(X)
#undef X
    };
    return (unsigned)k < RS_KIND_COUNT ? names[k] : "?";
}

static void error(struct rs *r, struct cspm_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void error(struct rs *r, struct cspm_loc loc, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag_error(&r->m->diags, loc, "%s", buf);
    r->nerr++;
}

/* ---- bindings and scopes ---- */

static uint32_t new_binding(struct rs *r, enum rs_kind kind, const char *name, uint32_t len,
                            struct ast_node *decl, struct ast_node *site)
{
    struct rs_table *t = r->t;
    if (t->n == t->cap) {
        uint32_t cap = t->cap * 2;
        struct rs_binding *b = arena_alloc(r->a, cap * sizeof *b);
        memcpy(b, t->b, t->n * sizeof *b);
        t->b = b;
        t->cap = cap;
        struct scope **is = arena_alloc(r->a, cap * sizeof *is);
        memcpy(is, r->inst_scope, t->n * sizeof *is);
        r->inst_scope = is;
        uint8_t *rv = arena_alloc(r->a, cap);
        memcpy(rv, r->resolving, t->n);
        r->resolving = rv;
    }
    uint32_t id = t->n++;
    struct rs_binding *b = &t->b[id];
    memset(b, 0, sizeof *b);
    b->kind = (uint8_t)kind;
    b->name = name;
    b->len = len;
    b->decl = decl;
    b->site = site;
    return id;
}

static struct scope *new_scope(struct rs *r, struct scope *parent)
{
    struct scope *s = arena_alloc(r->a, sizeof *s);
    s->parent = parent;
    return s;
}

static uint32_t hash_name(const char *s, uint32_t len)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < len; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static int same(const struct rs_binding *b, const char *name, uint32_t len)
{
    return b->len == len && memcmp(b->name, name, len) == 0;
}

static void rehash(struct rs *r, struct scope *s)
{
    s->hcap = 16;
    while (s->hcap < 2 * s->n + 2) s->hcap *= 2;
    s->hash = arena_alloc(r->a, s->hcap * sizeof *s->hash);
    for (uint32_t i = 0; i < s->n; i++) {
        const struct rs_binding *b = &r->t->b[s->ids[i]];
        uint32_t h = hash_name(b->name, b->len) & (s->hcap - 1);
        while (s->hash[h]) h = (h + 1) & (s->hcap - 1);
        s->hash[h] = s->ids[i];
    }
}

/* The binding named NAME defined directly in S (the latest one), or 0. */
static uint32_t scope_find(struct rs *r, const struct scope *s, const char *name, uint32_t len)
{
    if (s->hash) {
        uint32_t found = 0;
        for (uint32_t h = hash_name(name, len) & (s->hcap - 1); s->hash[h]; h = (h + 1) & (s->hcap - 1))
            if (same(&r->t->b[s->hash[h]], name, len)) found = s->hash[h];
        return found;
    }
    for (uint32_t i = s->n; i-- > 0;)
        if (same(&r->t->b[s->ids[i]], name, len)) return s->ids[i];
    return 0;
}

static void scope_add(struct rs *r, struct scope *s, uint32_t id)
{
    if (s->n == s->cap) {
        uint32_t cap = s->cap ? 2 * s->cap : 4;
        uint32_t *ids = arena_alloc_raw(r->a, cap * sizeof *ids);
        if (s->n) memcpy(ids, s->ids, s->n * sizeof *ids);
        s->ids = ids;
        s->cap = cap;
    }
    s->ids[s->n++] = id;
    if (s->n > 8) {
        if (!s->hash || 2 * s->n + 2 > s->hcap) rehash(r, s);
        else {
            const struct rs_binding *b = &r->t->b[id];
            uint32_t h = hash_name(b->name, b->len) & (s->hcap - 1);
            while (s->hash[h]) h = (h + 1) & (s->hcap - 1);
            s->hash[h] = id;
        }
    }
}

static void loc_text(char *buf, size_t n, const struct ast_node *site)
{
    snprintf(buf, n, "line %u", (unsigned)site->loc.line);
}

/* Defines NAME in S; a second definition in the same scope is an error. */
static uint32_t define(struct rs *r, struct scope *s, enum rs_kind kind, const char *name,
                       uint32_t len, struct ast_node *decl, struct ast_node *site)
{
    uint32_t old = scope_find(r, s, name, len);
    if (old && r->t->b[old].kind != RS_BUILTIN) {
        char where[64];
        loc_text(where, sizeof where, r->t->b[old].site);
        error(r, site->loc, "'%s' is defined more than once (first at %s)", name, where);
    }
    uint32_t id = new_binding(r, kind, name, len, decl, site);
    scope_add(r, s, id);
    return id;
}

static uint32_t find_builtin(struct rs *r, const char *name, uint32_t len)
{
    for (uint32_t i = 0; i < NBUILTINS; i++) {
        const struct rs_binding *b = &r->t->b[i + 1];
        if (!same(b, name, len)) continue;
        int w = builtins[i].where;
        if (w == 0) return i + 1;
        if (w == 1 && (r->timed_depth > 0 || (r->t->timed && strcmp(name, "tock") == 0)))
            return i + 1;
    }
    return 0;
}

static uint32_t lookup_plain(struct rs *r, const struct scope *s, const char *name, uint32_t len)
{
    for (; s; s = s->parent) {
        uint32_t id = scope_find(r, s, name, len);
        if (id) return id;
    }
    return find_builtin(r, name, len);
}

static struct rs_module *instance_target(struct rs *r, uint32_t id);

/* Resolves a possibly qualified NAME ("A::B::x") from scope S; reports errors at SITE and
 * returns 0 when it does not resolve. */
static uint32_t lookup(struct rs *r, const struct scope *s, const char *name,
                       struct ast_node *site)
{
    const char *sep = strstr(name, "::");
    if (!sep) return lookup_plain(r, s, name, (uint32_t)strlen(name));
    uint32_t id = lookup_plain(r, s, name, (uint32_t)(sep - name));
    if (!id) {
        error(r, site->loc, "unknown module '%.*s'", (int)(sep - name), name);
        return 0;
    }
    while (sep) {
        struct rs_binding *b = &r->t->b[id];
        struct rs_module *mod = NULL;
        if (b->kind == RS_MODULE) {
            mod = b->mod;
            if (mod && mod->nparams > 0) {
                error(r, site->loc,
                      "module '%s' has parameters: use its members through an instance", b->name);
                return 0;
            }
        } else if (b->kind == RS_INSTANCE) {
            mod = instance_target(r, id);
            site->aux2 = (int32_t)id;   /* through this instance (check_instance_cycles, types) */
        } else {
            error(r, site->loc, "'%s' is not a module", b->name);
            return 0;
        }
        if (!mod) return 0;
        const char *part = sep + 2;
        sep = strstr(part, "::");
        uint32_t len = sep ? (uint32_t)(sep - part) : (uint32_t)strlen(part);
        uint32_t next = scope_find(r, mod->exports, part, len);
        if (!next) {
            if (scope_find(r, mod->body, part, len))
                error(r, site->loc, "'%.*s' is not exported by module '%s'", (int)len, part,
                      r->t->b[mod->id].name);
            else
                error(r, site->loc, "module '%s' has no member '%.*s'", r->t->b[mod->id].name,
                      (int)len, part);
            return 0;
        }
        id = next;
    }
    return id;
}

/* The module an instance instantiates, checking the number of arguments; NULL on error. */
static struct rs_module *instance_target(struct rs *r, uint32_t id)
{
    struct rs_binding *b = &r->t->b[id];
    if (b->mod || r->resolving[id]) return b->mod;
    r->resolving[id] = 1;
    struct ast_node *d = b->decl, *ref = d->kids[0];
    uint32_t mid = lookup(r, r->inst_scope[id], ref->name, ref);
    if (!mid && !strstr(ref->name, "::"))   /* a qualified name reported its own error */
        error(r, ref->loc, "unknown module '%s'", ref->name);
    if (mid && r->t->b[mid].kind != RS_MODULE) {
        error(r, ref->loc, "'%s' is a %s, not a module", ref->name,
              rs_kind_name((enum rs_kind)r->t->b[mid].kind));
        mid = 0;
    }
    if (mid) {
        ref->aux = (int32_t)mid;
        struct rs_module *mod = r->t->b[mid].mod;
        uint32_t nargs = d->nkids > 1 ? d->kids[1]->nkids : 0;
        if (mod && nargs != mod->nparams)
            error(r, ref->loc, "module '%s' takes %u argument%s but is given %u", ref->name,
                  mod->nparams, mod->nparams == 1 ? "" : "s", nargs);
        else
            b->mod = mod;
    }
    r->resolving[id] = 0;
    return b->mod;
}

/* ---- patterns ---- */

static void group_hash_insert(struct rs *r, struct group *g, uint32_t id)
{
    const struct rs_binding *b = &r->t->b[id];
    uint32_t h = hash_name(b->name, b->len) & (g->hcap - 1);
    while (g->hash[h]) h = (h + 1) & (g->hcap - 1);
    g->hash[h] = id;
}

static void group_add(struct rs *r, struct group *g, uint32_t id)
{
    if (g->n == g->cap) {
        uint32_t cap = g->cap ? 2 * g->cap : 8;
        uint32_t *ids = arena_alloc_raw(r->a, cap * sizeof *ids);
        if (g->n) memcpy(ids, g->ids, g->n * sizeof *ids);
        g->ids = ids;
        g->cap = cap;
    }
    g->ids[g->n++] = id;
    if (g->n > 16 && 2 * g->n >= g->hcap) {
        g->hcap = 4 * g->cap;
        g->hash = arena_alloc(r->a, g->hcap * sizeof *g->hash);
        for (uint32_t i = 0; i < g->n; i++) group_hash_insert(r, g, g->ids[i]);
    } else if (g->hash) {
        group_hash_insert(r, g, id);
    }
}

static int group_has(struct rs *r, const struct group *g, const char *name, uint32_t len)
{
    if (g->hash) {
        for (uint32_t h = hash_name(name, len) & (g->hcap - 1); g->hash[h]; h = (h + 1) & (g->hcap - 1))
            if (same(&r->t->b[g->hash[h]], name, len)) return 1;
        return 0;
    }
    for (uint32_t i = 0; i < g->n; i++)
        if (same(&r->t->b[g->ids[i]], name, len)) return 1;
    return 0;
}

static int is_constant_name(const struct rs_binding *b)
{
    return b->kind == RS_CHANNEL || b->kind == RS_CTOR ||
           (b->kind == RS_BUILTIN && strcmp(b->name, "tock") == 0);
}

/* Binds the variables of pattern P in scope S (kind PARAM or, for definitions, VALUE);
 * names of channels and constructors are constants. */
static void bind_pattern(struct rs *r, struct scope *s, struct ast_node *p, struct group *g,
                         enum rs_kind kind, struct ast_node *owner)
{
    if (p->kind == AST_P_VAR) {
        if (strstr(p->name, "::")) {
            uint32_t id = lookup(r, s, p->name, p);
            if (id && !is_constant_name(&r->t->b[id])) {
                error(r, p->loc, "'%s' is not a channel or constructor: a pattern cannot bind a qualified name",
                      p->name);
                id = 0;
            }
            p->aux = (int32_t)id;
            return;
        }
        uint32_t id = lookup_plain(r, s, p->name, p->len);
        if (id && is_constant_name(&r->t->b[id])) {
            p->aux = (int32_t)id;
            return;
        }
        int twice = g && group_has(r, g, p->name, p->len);
        if (twice) error(r, p->loc, "the variable '%s' is bound more than once in this pattern", p->name);
        if (twice) {
            id = new_binding(r, kind, p->name, p->len, owner, p);
            scope_add(r, s, id);
        } else {
            id = define(r, s, kind, p->name, p->len, owner, p);
        }
        r->t->b[id].owner = owner;
        p->aux = (int32_t)id;
        if (g) group_add(r, g, id);
        return;
    }
    for (uint32_t i = 0; i < p->nkids; i++) bind_pattern(r, s, p->kids[i], g, kind, owner);
}

/* ---- declarations ---- */

static void resolve_expr(struct rs *r, struct scope *s, struct ast_node *e);
static void resolve_scoped(struct rs *r, struct scope *s, struct ast_node *e);
static void declare_list(struct rs *r, struct scope *s, struct ast_node *items, int in_module);
static void bind_list(struct rs *r, struct scope *s, struct ast_node *items);
static void annotate_list(struct rs *r, struct scope *s, struct ast_node *items);
static void resolve_list(struct rs *r, struct scope *s, struct ast_node *items);

static void push_list(struct rs *r, struct ast_node *items, struct scope *s, struct scope *exports)
{
    if (r->nlists == r->cap_lists) {
        r->cap_lists = r->cap_lists ? 2 * r->cap_lists : 16;
        r->lists = realloc(r->lists, r->cap_lists * sizeof *r->lists);
        if (!r->lists) abort();
    }
    r->lists[r->nlists].items = items;
    r->lists[r->nlists].scope = s;
    r->lists[r->nlists].exports = exports;
    r->nlists++;
}

/* Pass 1: the names a declaration list defines (pattern definitions wait for pass 2). */
static void declare_list(struct rs *r, struct scope *s, struct ast_node *items, int in_module)
{
    for (uint32_t i = 0; i < items->nkids; i++) {
        struct ast_node *d = items->kids[i];
        uint32_t id;
        switch (d->kind) {
        case AST_D_FUN:
            id = define(r, s, RS_VALUE, d->name, d->len, d, d);
            d->aux = (int32_t)id;
            r->t->b[id].in_module = (uint8_t)in_module;
            break;
        case AST_D_CHANNEL:
            for (uint32_t k = 0; k < d->kids[0]->nkids; k++) {
                struct ast_node *v = d->kids[0]->kids[k];
                id = define(r, s, RS_CHANNEL, v->name, v->len, d, v);
                r->t->b[id].index = k;
                r->t->b[id].in_module = (uint8_t)in_module;
                v->aux = (int32_t)id;
            }
            break;
        case AST_D_DATATYPE:
            id = define(r, s, RS_DATATYPE, d->name, d->len, d, d);
            d->aux = (int32_t)id;
            r->t->b[id].in_module = (uint8_t)in_module;
            for (uint32_t k = 0; k < d->nkids; k++) {
                struct ast_node *c = d->kids[k];
                uint32_t cid = define(r, s, RS_CTOR, c->name, c->len, c, c);
                r->t->b[cid].owner = d;
                r->t->b[cid].index = k;
                r->t->b[cid].in_module = (uint8_t)in_module;
                c->aux = (int32_t)cid;
            }
            break;
        case AST_D_SUBTYPE:
            id = define(r, s, RS_SUBTYPE, d->name, d->len, d, d);
            d->aux = (int32_t)id;
            break;
        case AST_D_NAMETYPE:
            id = define(r, s, RS_NAMETYPE, d->name, d->len, d, d);
            d->aux = (int32_t)id;
            r->t->b[id].in_module = (uint8_t)in_module;
            break;
        case AST_D_MODULE: {
            id = define(r, s, RS_MODULE, d->name, d->len, d, d);
            d->aux = (int32_t)id;
            struct rs_module *mod = arena_alloc(r->a, sizeof *mod);
            mod->id = id;
            mod->decl = d;
            mod->nparams = d->kids[0]->nkids;
            mod->params = new_scope(r, s);
            mod->body = new_scope(r, mod->params);
            mod->exports = new_scope(r, NULL);
            r->t->b[id].mod = mod;
            /* Its lists before those of the modules it contains: parameters bind first. */
            push_list(r, d->kids[1], mod->body, NULL);
            push_list(r, d->kids[2], mod->body, mod->exports);
            declare_list(r, mod->body, d->kids[1], 1);
            uint32_t before = mod->body->n;
            declare_list(r, mod->body, d->kids[2], 1);
            for (uint32_t k = before; k < mod->body->n; k++) scope_add(r, mod->exports, mod->body->ids[k]);
            break;
        }
        case AST_D_INSTANCE:
            id = define(r, s, RS_INSTANCE, d->name, d->len, d, d);
            d->aux = (int32_t)id;
            r->inst_scope[id] = s;
            break;
        case AST_D_TIMED:
            r->t->timed = 1;
            declare_list(r, s, d->kids[0], in_module);
            break;
        case AST_D_EXTERNAL:
        case AST_D_TRANSPARENT: {
            int mask = d->kind == AST_D_EXTERNAL ? 2 : 4;
            for (uint32_t k = 0; k < d->nkids; k++) {
                struct ast_node *v = d->kids[k];
                uint32_t found = 0;
                for (uint32_t b = 0; b < NBUILTINS; b++)
                    if ((builtins[b].where & mask) && strcmp(builtins[b].name, v->name) == 0)
                        found = b + 1;
                if (!found)
                    error(r, v->loc, "'%s' is not a known %s function", v->name,
                          mask == 2 ? "external" : "transparent");
                else {
                    scope_add(r, s, found);
                    v->aux = (int32_t)found;
                }
            }
            break;
        }
        default:
            break;
        }
    }
}

/* Pass 2: variables of pattern definitions. */
static void bind_list(struct rs *r, struct scope *s, struct ast_node *items)
{
    for (uint32_t i = 0; i < items->nkids; i++) {
        struct ast_node *d = items->kids[i];
        if (d->kind == AST_D_PAT) {
            struct group g = {0};
            bind_pattern(r, s, d->kids[0], &g, RS_VALUE, d);
        } else if (d->kind == AST_D_TIMED) {
            bind_list(r, s, d->kids[0]);
        }
    }
}

/* Names in a type annotation: datatypes, subtypes and nametypes resolve (aux); any other
 * unqualified name is a type variable or a built-in type, left to the typechecker. */
static void resolve_type(struct rs *r, struct scope *s, struct ast_node *t)
{
    if (t->kind == AST_T_NAME) {
        if (strstr(t->name, "::")) {
            uint32_t id = lookup(r, s, t->name, t);
            if (id && r->t->b[id].kind != RS_DATATYPE && r->t->b[id].kind != RS_SUBTYPE &&
                r->t->b[id].kind != RS_NAMETYPE) {
                error(r, t->loc, "'%s' is not a type", t->name);
                id = 0;
            }
            t->aux = (int32_t)id;
            return;
        }
        uint32_t id = lookup_plain(r, s, t->name, t->len);
        if (id && (r->t->b[id].kind == RS_DATATYPE || r->t->b[id].kind == RS_SUBTYPE ||
                   r->t->b[id].kind == RS_NAMETYPE))
            t->aux = (int32_t)id;
        return;
    }
    for (uint32_t i = 0; i < t->nkids; i++) resolve_type(r, s, t->kids[i]);
}

/* Attaches `name :: type` annotations to the definitions of the same list. */
static void annotate_list(struct rs *r, struct scope *s, struct ast_node *items)
{
    for (uint32_t i = 0; i < items->nkids; i++) {
        struct ast_node *d = items->kids[i];
        if (d->kind == AST_D_TIMED) annotate_list(r, s, d->kids[0]);
        if (d->kind != AST_D_ANNOT) continue;
        resolve_type(r, s, d->kids[1]);
        for (uint32_t k = 0; k < d->kids[0]->nkids; k++) {
            struct ast_node *v = d->kids[0]->kids[k];
            uint32_t id = scope_find(r, s, v->name, v->len);
            if (!id || r->t->b[id].kind == RS_BUILTIN) {
                error(r, v->loc, "the annotation names '%s', which this scope does not define", v->name);
                continue;
            }
            r->t->b[id].annot = d->kids[1];
            v->aux = (int32_t)id;
        }
    }
}

/* The statements of a comprehension or replicated operator: each generator's set is resolved
 * before its pattern binds; returns the innermost scope. */
static struct scope *resolve_stmts(struct rs *r, struct scope *s, struct ast_node *stmts, struct group *g)
{
    for (uint32_t i = 0; i < stmts->nkids; i++) {
        struct ast_node *st = stmts->kids[i];
        if (st->kind == AST_GEN) {
            resolve_expr(r, s, st->kids[1]);
            s = new_scope(r, s);
            bind_pattern(r, s, st->kids[0], g, RS_PARAM, st);
        } else {
            resolve_expr(r, s, st->kind == AST_PRED ? st->kids[0] : st);
        }
    }
    return s;
}

static void resolve_clause(struct rs *r, struct scope *s, struct ast_node *c, struct ast_node *owner)
{
    struct scope *cs = new_scope(r, s);
    struct group g = {0};
    for (uint32_t k = 0; k + 1 < c->nkids; k++) bind_pattern(r, cs, c->kids[k], &g, RS_PARAM, owner);
    resolve_expr(r, cs, c->kids[c->nkids - 1]);
}

int rs_same_arity(const struct ast_node *c1, const struct ast_node *c2)
{
    if (c1->nkids != c2->nkids) return 0;
    for (uint32_t g = 0; g + 1 < c1->nkids; g++)
        if (c1->kids[g]->nkids != c2->kids[g]->nkids) return 0;
    return 1;
}

uint32_t rs_call_arity(const struct rs_table *t, const struct ast_node *f)
{
    if (f->kind != AST_VAR || !f->aux) return 0;
    const struct rs_binding *b = &t->b[f->aux];
    if (b->kind != RS_VALUE || !b->decl || b->decl->kind != AST_D_FUN) return 0;
    const struct ast_node *c0 = b->decl->kids[0];
    return c0->nkids > 1 ? c0->kids[0]->nkids : 0;
}

/* A call of a function defined by clauses with other than its first argument group's
 * number of arguments (the call's head already resolved). */
__attribute__((noinline)) static void check_call(struct rs *r, struct ast_node *e)
{
    uint32_t given = e->nkids - 1, want = rs_call_arity(r->t, e->kids[0]);
    if (want && want != given)
        error(r, e->loc, "'%s' takes %u argument%s, given %u", e->kids[0]->name, want,
              want == 1 ? "" : "s", given);
}

/* Pass 3: right-hand sides and everything else of one declaration list. */
static void resolve_list(struct rs *r, struct scope *s, struct ast_node *items)
{
    for (uint32_t i = 0; i < items->nkids; i++) {
        struct ast_node *d = items->kids[i];
        switch (d->kind) {
        case AST_D_FUN:
            for (uint32_t k = 0; k < d->nkids; k++) {
                if (!rs_same_arity(d->kids[k], d->kids[0]))
                    error(r, d->kids[k]->loc,
                          "this clause of '%s' takes other arguments than its first clause", d->name);
                if (d->kids[k]->loc.file != d->loc.file)
                    error(r, d->loc, "the definition of '%s' continues in another file (%s:%u)", d->name,
                          d->kids[k]->loc.file->path, (unsigned)d->kids[k]->loc.line);
                resolve_clause(r, s, d->kids[k], d);
            }
            break;
        case AST_D_PAT:
            resolve_expr(r, s, d->kids[1]);
            break;
        case AST_D_CHANNEL:
            if (d->nkids > 1) resolve_expr(r, s, d->kids[1]);
            break;
        case AST_D_DATATYPE:
            for (uint32_t k = 0; k < d->nkids; k++)
                for (uint32_t j = 0; j < d->kids[k]->nkids; j++) resolve_expr(r, s, d->kids[k]->kids[j]);
            break;
        case AST_D_SUBTYPE:
            for (uint32_t k = 0; k < d->nkids; k++) {
                struct ast_node *c = d->kids[k];
                uint32_t id = lookup_plain(r, s, c->name, c->len);
                if (!id || r->t->b[id].kind != RS_CTOR) {
                    error(r, c->loc, "'%s' is not a constructor of a datatype", c->name);
                } else {
                    c->aux = (int32_t)id;
                }
                for (uint32_t j = 0; j < c->nkids; j++) resolve_expr(r, s, c->kids[j]);
            }
            break;
        case AST_D_NAMETYPE:
        case AST_D_PRINT:
            resolve_expr(r, s, d->kids[0]);
            break;
        case AST_D_ASSERT:
            resolve_expr(r, s, d->kids[0]);
            break;
        case AST_D_MODULE: {
            struct rs_module *mod = r->t->b[d->aux].mod;
            struct group g = {0};
            for (uint32_t k = 0; k < d->kids[0]->nkids; k++)
                bind_pattern(r, mod->params, d->kids[0]->kids[k], &g, RS_PARAM, d);
            break;
        }
        case AST_D_INSTANCE:
            instance_target(r, (uint32_t)d->aux);
            if (d->nkids > 1) resolve_expr(r, s, d->kids[1]);
            break;
        case AST_D_TIMED:
            if (d->nkids > 1) resolve_expr(r, s, d->kids[1]);
            r->timed_depth++;
            resolve_list(r, s, d->kids[0]);
            r->timed_depth--;
            break;
        default:
            break;
        }
    }
}

__attribute__((noinline)) static void resolve_let(struct rs *r, struct scope *s, struct ast_node *e)
{
    struct scope *ls = new_scope(r, s);
    uint32_t first = r->t->n;
    declare_list(r, ls, e->kids[0], 0);
    bind_list(r, ls, e->kids[0]);
    for (uint32_t id = first; id < r->t->n; id++)
        if (r->t->b[id].kind == RS_VALUE) r->t->b[id].let_bound = 1;
    annotate_list(r, ls, e->kids[0]);
    resolve_list(r, ls, e->kids[0]);
    resolve_expr(r, ls, e->kids[1]);
}

/* A prefix c?x!y$z -> P: inputs bind left to right, and all of one prefix must differ. */
__attribute__((noinline)) static void resolve_prefix(struct rs *r, struct scope *s, struct ast_node *e)
{
    resolve_expr(r, s, e->kids[0]);
    struct group g = {0};
    int seen_input = 0;
    for (uint32_t k = 0; k < e->kids[1]->nkids; k++) {
        struct ast_node *f = e->kids[1]->kids[k];
        if (f->kind == AST_FIELD_OUT) {
            resolve_expr(r, s, f->kids[0]);
            continue;
        }
        if (f->kind == AST_FIELD_NDIN && seen_input)
            error(r, f->loc, "a nondeterministic input '$' cannot follow an input '?'");
        if (f->kind == AST_FIELD_IN) seen_input = 1;
        if (f->nkids > 1) resolve_expr(r, s, f->kids[1]);
        s = new_scope(r, s);
        bind_pattern(r, s, f->kids[0], &g, RS_PARAM, e);
    }
    resolve_expr(r, s, e->kids[2]);
}

/* The common cases stay in a small frame: resolve_expr recurses once per tree level. */
static void resolve_expr(struct rs *r, struct scope *s, struct ast_node *e)
{
    if (e->kind == AST_VAR) {
        uint32_t id = lookup(r, s, e->name, e);
        if (!id) {
            if (!strstr(e->name, "::")) error(r, e->loc, "unknown name '%s'", e->name);
            return;
        }
        enum rs_kind k = (enum rs_kind)r->t->b[id].kind;
        if (k == RS_MODULE || k == RS_INSTANCE) {
            error(r, e->loc, "'%s' is a %s, not a value", e->name, rs_kind_name(k));
            return;
        }
        e->aux = (int32_t)id;
        return;
    }
    switch (e->kind) {
    case AST_LET: case AST_LAMBDA: case AST_LIST_COMP: case AST_SET_COMP: case AST_ENUM_SET_COMP:
    case AST_LIST_RANGE: case AST_SET_RANGE: case AST_LIST_FROM: case AST_SET_FROM: case AST_PREFIX:
    case AST_LINK_PAR: case AST_RENAME: case AST_REP_EXT_CHOICE: case AST_REP_INT_CHOICE:
    case AST_REP_INTERLEAVE: case AST_REP_SEQ_COMP: case AST_REP_GEN_PAR: case AST_REP_SYNC_EXT_CHOICE:
    case AST_REP_ALPHA_PAR: case AST_REP_LINK_PAR:
        resolve_scoped(r, s, e);
        return;
    default:
        for (uint32_t k = 0; k < e->nkids; k++) resolve_expr(r, s, e->kids[k]);
        if (e->kind == AST_APP) check_call(r, e);
        return;
    }
}

/* Constructs that open scopes. */
__attribute__((noinline)) static void resolve_scoped(struct rs *r, struct scope *s, struct ast_node *e)
{
    struct group g = {0};
    struct scope *in;
    switch (e->kind) {  /* only the kinds resolve_expr sends here */
    case AST_LET:
        resolve_let(r, s, e);
        return;
    case AST_LAMBDA:
        in = new_scope(r, s);
        for (uint32_t k = 0; k < e->kids[0]->nkids; k++) bind_pattern(r, in, e->kids[0]->kids[k], &g, RS_PARAM, e);
        resolve_expr(r, in, e->kids[1]);
        return;
    case AST_LIST_COMP:
    case AST_SET_COMP:
    case AST_ENUM_SET_COMP:
        in = resolve_stmts(r, s, e->kids[1], &g);
        resolve_expr(r, in, e->kids[0]);
        return;
    case AST_LIST_RANGE:
    case AST_SET_RANGE:
        in = e->nkids > 2 ? resolve_stmts(r, s, e->kids[2], &g) : s;
        resolve_expr(r, in, e->kids[0]);
        resolve_expr(r, in, e->kids[1]);
        return;
    case AST_LIST_FROM:
    case AST_SET_FROM:
        in = e->nkids > 1 ? resolve_stmts(r, s, e->kids[1], &g) : s;
        resolve_expr(r, in, e->kids[0]);
        return;
    case AST_PREFIX:
        resolve_prefix(r, s, e);
        return;
    case AST_LINK_PAR:
        resolve_expr(r, s, e->kids[0]);
        resolve_expr(r, s, e->kids[3]);
        in = resolve_stmts(r, s, e->kids[2], &g);
        resolve_expr(r, in, e->kids[1]);
        return;
    case AST_RENAME:
        resolve_expr(r, s, e->kids[0]);
        in = resolve_stmts(r, s, e->kids[2], &g);
        resolve_expr(r, in, e->kids[1]);
        return;
    case AST_REP_EXT_CHOICE:
    case AST_REP_INT_CHOICE:
    case AST_REP_INTERLEAVE:
    case AST_REP_SEQ_COMP:
        in = resolve_stmts(r, s, e->kids[0], &g);
        resolve_expr(r, in, e->kids[1]);
        return;
    case AST_REP_GEN_PAR:
    case AST_REP_SYNC_EXT_CHOICE:
        in = resolve_stmts(r, s, e->kids[1], &g);
        resolve_expr(r, in, e->kids[0]);
        resolve_expr(r, in, e->kids[2]);
        return;
    case AST_REP_ALPHA_PAR:
        in = resolve_stmts(r, s, e->kids[0], &g);
        resolve_expr(r, in, e->kids[1]);
        resolve_expr(r, in, e->kids[2]);
        return;
    case AST_REP_LINK_PAR: {
        in = resolve_stmts(r, s, e->kids[2], &g);
        struct group g2 = {0};
        struct scope *ties = resolve_stmts(r, in, e->kids[1], &g2);
        resolve_expr(r, ties, e->kids[0]);
        resolve_expr(r, in, e->kids[3]);
        return;
    }
    default:
        for (uint32_t k = 0; k < e->nkids; k++) resolve_expr(r, s, e->kids[k]);
        return;
    }
}

/* tock belongs to the Timed sections: it must stay a channel without fields. */
static void check_tock(struct rs *r)
{
    uint32_t id = scope_find(r, r->top, "tock", 4);
    if (!id || !r->t->timed) return;
    struct rs_binding *b = &r->t->b[id];
    if (b->kind != RS_CHANNEL)
        error(r, b->site->loc, "'tock' is the event of the Timed sections and cannot be redefined");
    else if (b->decl->nkids > 1)
        error(r, b->site->loc, "'tock' must be a channel without fields when there is a Timed section");
}

/* ---- definitions that need themselves through an instance ----
 *
 * `instance M1 = M` and, inside M, `y = M1::y`: the member refers to itself through an
 * instance of its own module, which libcspm rejects; so does a module whose instances
 * contain instances of it again.  A graph over value definitions, instances and modules; an
 * edge through an instance inside a strongly connected component closes such a cycle. */

struct edge {
    uint32_t from, to;
    struct ast_node *site;
};

struct graph {
    struct edge *e;
    size_t n, cap;
    uint32_t *node_of;          /* per binding: its definition's node + 1, or 0 */
    uint32_t nnodes;
};

static void add_edge(struct graph *g, uint32_t from, uint32_t to, struct ast_node *site)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 64;
        g->e = realloc(g->e, g->cap * sizeof *g->e);
        if (!g->e) abort();
    }
    g->e[g->n++] = (struct edge){from, to, site};
}

static void collect_refs(struct rs *r, struct graph *g, uint32_t from, struct ast_node *e)
{
    if (e->kind == AST_VAR && e->aux && (uint32_t)e->aux < r->t->n && g->node_of[e->aux])
        add_edge(g, from, g->node_of[e->aux] - 1, e);
    for (uint32_t i = 0; i < e->nkids; i++) collect_refs(r, g, from, e->kids[i]);
}

static void number_pattern(struct rs *r, struct graph *g, struct ast_node *p, uint32_t node)
{
    if (p->kind == AST_P_VAR && p->aux && r->t->b[p->aux].kind == RS_VALUE) g->node_of[p->aux] = node + 1;
    for (uint32_t i = 0; i < p->nkids; i++) number_pattern(r, g, p->kids[i], node);
}

static void number_list(struct rs *r, struct graph *g, struct ast_node *items, struct ast_node ***decls)
{
    for (uint32_t i = 0; i < items->nkids; i++) {
        struct ast_node *d = items->kids[i];
        if (d->kind == AST_D_TIMED) number_list(r, g, d->kids[0], decls);
        if (d->kind != AST_D_FUN && d->kind != AST_D_PAT && d->kind != AST_D_INSTANCE &&
            d->kind != AST_D_MODULE)
            continue;
        uint32_t node = g->nnodes++;
        *decls = realloc(*decls, g->nnodes * sizeof **decls);
        if (!*decls) abort();
        (*decls)[node] = d;
        if (d->kind == AST_D_PAT) number_pattern(r, g, d->kids[0], node);
        else if (d->aux) g->node_of[d->aux] = node + 1;
    }
}

/* Strongly connected components of the graph (Tarjan, iterative: the graph can be as deep
 * as the specification is long).  comp[u] numbers u's component. */
static void components(const struct graph *g, const size_t *first, uint32_t *comp)
{
    uint32_t n = g->nnodes, counter = 0, ncomp = 0;
    uint32_t *index = malloc((n + 1) * sizeof *index), *low = malloc((n + 1) * sizeof *low);
    uint32_t *stack = malloc((n + 1) * sizeof *stack), *call = malloc((n + 1) * sizeof *call);
    size_t *next = malloc((n + 1) * sizeof *next);
    uint8_t *on = calloc(n + 1, 1);
    if (!index || !low || !stack || !call || !next || !on) abort();
    for (uint32_t u = 0; u < n; u++) index[u] = UINT32_MAX;
    uint32_t sp = 0, cp = 0;
    for (uint32_t root = 0; root < n; root++) {
        if (index[root] != UINT32_MAX) continue;
        call[cp++] = root;
        index[root] = low[root] = counter++;
        next[root] = first[root];
        stack[sp++] = root;
        on[root] = 1;
        while (cp) {
            uint32_t u = call[cp - 1];
            if (next[u] < first[u + 1]) {
                uint32_t v = g->e[next[u]++].to;
                if (index[v] == UINT32_MAX) {
                    index[v] = low[v] = counter++;
                    next[v] = first[v];
                    stack[sp++] = v;
                    on[v] = 1;
                    call[cp++] = v;
                } else if (on[v] && index[v] < low[u]) {
                    low[u] = index[v];
                }
                continue;
            }
            cp--;
            if (cp && low[u] < low[call[cp - 1]]) low[call[cp - 1]] = low[u];
            if (low[u] == index[u]) {
                uint32_t v;
                do {
                    v = stack[--sp];
                    on[v] = 0;
                    comp[v] = ncomp;
                } while (v != u);
                ncomp++;
            }
        }
    }
    free(index);
    free(low);
    free(stack);
    free(call);
    free(next);
    free(on);
}

static int by_from(const void *a, const void *b)
{
    const struct edge *x = a, *y = b;
    return (x->from > y->from) - (x->from < y->from);
}

static void check_instance_cycles(struct rs *r)
{
    struct graph g = {0};
    struct ast_node **decls = NULL;
    g.node_of = calloc(r->t->n, sizeof *g.node_of);
    if (!g.node_of) abort();
    for (size_t i = 0; i < r->nlists; i++) number_list(r, &g, r->lists[i].items, &decls);
    for (uint32_t u = 0; u < g.nnodes; u++) {
        struct ast_node *d = decls[u];
        if (d->kind == AST_D_FUN) collect_refs(r, &g, u, d);
        else if (d->kind == AST_D_PAT) collect_refs(r, &g, u, d->kids[1]);
        else if (d->kind == AST_D_INSTANCE && d->kids[0]->aux && g.node_of[d->kids[0]->aux])
            add_edge(&g, u, g.node_of[d->kids[0]->aux] - 1, d->kids[0]);   /* instance -> module */
        else if (d->kind == AST_D_MODULE) {
            /* a module needs the instances declared directly in it */
            for (uint32_t l = 1; l <= 2; l++)
                for (uint32_t k = 0; k < d->kids[l]->nkids; k++) {
                    struct ast_node *x = d->kids[l]->kids[k];
                    if (x->kind == AST_D_INSTANCE && x->aux && g.node_of[x->aux])
                        add_edge(&g, u, g.node_of[x->aux] - 1, x);
                }
        }
    }
    if (g.n) qsort(g.e, g.n, sizeof *g.e, by_from);
    size_t *first = calloc(g.nnodes + 1, sizeof *first);
    uint32_t *comp = calloc(g.nnodes + 1, sizeof *comp);
    if (!first || !comp) abort();
    for (size_t k = 0; k < g.n; k++) first[g.e[k].from + 1]++;
    for (uint32_t u = 0; u < g.nnodes; u++) first[u + 1] += first[u];
    components(&g, first, comp);
    for (size_t k = 0; k < g.n; k++) {
        struct edge *e = &g.e[k];
        int through = (e->site->kind == AST_VAR && e->site->aux2 != 0) ||
                      decls[e->from]->kind == AST_D_INSTANCE;
        if (!through) continue;
        if (comp[e->to] == comp[e->from]) {   /* the edge closes a cycle */
            if (decls[e->from]->kind == AST_D_INSTANCE)
                error(r, e->site->loc, "instance '%s' of module '%s' contains an instance of itself",
                      decls[e->from]->name, e->site->name);
            else
                error(r, e->site->loc, "'%s' depends on itself through an instance of its own module",
                      e->site->name);
            break;
        }
    }
    free(first);
    free(comp);
    free(g.e);
    free(g.node_of);
    free(decls);
}

struct rs_table *resolve_module(struct cspm_module *m, int *nerr)
{
    struct rs r = {0};
    r.m = m;
    r.a = &m->arena;
    r.t = arena_alloc(r.a, sizeof *r.t);
    r.t->cap = 64;
    while (r.t->cap < NBUILTINS + 2) r.t->cap *= 2;
    r.t->b = arena_alloc(r.a, r.t->cap * sizeof *r.t->b);
    r.inst_scope = arena_alloc(r.a, r.t->cap * sizeof *r.inst_scope);
    r.resolving = arena_alloc(r.a, r.t->cap);
    r.t->n = 1;
    for (uint32_t i = 0; i < NBUILTINS; i++) {
        uint32_t id = new_binding(&r, RS_BUILTIN, builtins[i].name, (uint32_t)strlen(builtins[i].name), NULL, NULL);
        r.t->b[id].builtin = (uint16_t)i;
    }
    r.top = new_scope(&r, NULL);
    push_list(&r, m->decls, r.top, NULL);
    declare_list(&r, r.top, m->decls, 0);
    for (size_t i = 0; i < r.nlists; i++) {
        struct scope *s = r.lists[i].scope;
        uint32_t before = s->n;
        bind_list(&r, s, r.lists[i].items);
        for (uint32_t k = before; r.lists[i].exports && k < s->n; k++)
            scope_add(&r, r.lists[i].exports, s->ids[k]);
    }
    for (size_t i = 0; i < r.nlists; i++) annotate_list(&r, r.lists[i].scope, r.lists[i].items);
    check_tock(&r);
    for (size_t i = 0; i < r.nlists; i++) resolve_list(&r, r.lists[i].scope, r.lists[i].items);
    if (!r.nerr) check_instance_cycles(&r);
    free(r.lists);
    *nerr = r.nerr;
    return r.t;
}
