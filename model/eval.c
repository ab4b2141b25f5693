/* eval.c — the CSPm evaluator's core: scopes and declarations, the static name check,
 * local environments, expressions, closures, thunks and the public API (model/eval.h).
 * Processes are built in model/eval_proc.c, patterns matched in pattern.c, dots in dot.c,
 * the built-in library in builtins.c.
 *
 * Errors unwind with longjmp to the API entry (eval_expr, eval_global, the thunk forcer),
 * which releases scratch memory and clears the "being evaluated" marks; nothing between
 * owns memory that is not scratch or interned. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "model/eval_int.h"

/* ---- memory ---- */

struct scratch_chunk {
    struct scratch_chunk *next;
    size_t size;
    _Alignas(max_align_t) unsigned char mem[];
};

enum { SCRATCH_CHUNK = 1 << 20 };

static void oom(void)
{
    fputs("baton: out of memory\n", stderr);
    abort();
}

void *ev_alloc(struct evaluator *ev, size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p) oom();
    if (ev->nowned == ev->cap_owned) {
        ev->cap_owned = ev->cap_owned ? 2 * ev->cap_owned : 256;
        void **o = realloc(ev->owned, ev->cap_owned * sizeof *o);
        if (!o) oom();
        ev->owned = o;
    }
    ev->owned[ev->nowned++] = p;
    return p;
}

/* Scratch: a list of chunks used in order; cur/cur_used is the top.  Chunks are kept for reuse. */
void *scratch(struct evaluator *ev, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!ev->cur || ev->cur->size - ev->cur_used < n) {
        struct scratch_chunk *c = ev->cur ? ev->cur->next : ev->chunks;
        while (c && c->size < n) c = c->next;   /* skip small spare chunks */
        if (!c) {
            size_t size = n > SCRATCH_CHUNK ? n : SCRATCH_CHUNK;
            c = malloc(sizeof *c + size);
            if (!c) oom();
            c->size = size;
            /* Insert after cur so that the order of use is the order of the list. */
            if (ev->cur) {
                c->next = ev->cur->next;
                ev->cur->next = c;
            } else {
                c->next = ev->chunks;
                ev->chunks = c;
            }
        }
        ev->cur = c;
        ev->cur_used = 0;
    }
    void *p = ev->cur->mem + ev->cur_used;
    ev->cur_used += n;
    return p;
}

static struct scratch_mark mark(struct evaluator *ev)
{
    return (struct scratch_mark){ev->cur, ev->cur_used};
}

static void release(struct evaluator *ev, struct scratch_mark m)
{
    ev->cur = m.chunk;
    ev->cur_used = m.used;
}

void vec_push(struct evaluator *ev, struct vec *a, const value *x)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 16;
        const value **v = scratch(ev, cap * sizeof *v);
        if (a->n) memcpy(v, a->v, a->n * sizeof *v);
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
}

/* ---- errors ---- */

void ev_fail(struct evaluator *ev, struct cspm_loc loc, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!ev->quiet) diag_error(&ev->m->diags, loc, "%s", buf);
    longjmp(*ev->jb, 1);
}

void eval_set_budget(struct evaluator *ev, long steps)
{
    ev->budget = steps;
}

void eval_set_poll(struct evaluator *ev, eval_poll_fn *poll, void *ctx)
{
    ev->poll = poll;
    ev->poll_ctx = ctx;
    ev->interrupted = NULL;
}

const char *eval_interrupted(const struct evaluator *ev)
{
    return ev->interrupted;
}

void ev_check_stack(struct evaluator *ev, struct cspm_loc loc)
{
    if (ev->poll && ((++ev->polls & 1023) == 0 || ev->interrupted)) {
        if (!ev->interrupted) ev->interrupted = ev->poll(ev->poll_ctx);
        if (ev->interrupted) longjmp(*ev->jb, 1);
    }
    if (ev->budget && ++ev->steps > ev->budget)
        ev_fail(ev, loc, "evaluation step budget exhausted (%ld steps)", ev->budget);
    char here;
    uintptr_t sp = (uintptr_t)&here;
    size_t used = sp < ev->stack_base ? ev->stack_base - sp : sp - ev->stack_base;
    if (used > ev->stack_limit) ev_fail(ev, loc, "evaluation too deep (recursion without end?)");
}

/* ---- node information: stable ids, free variables, code records ---- */

struct node_info {
    const struct ast_node *node;
    uint32_t id;
    bool fv_done, caps_done;
    const char **fv;                /* syntactically free names */
    uint32_t nfv;
    const char **caps;              /* the free names that are local variables */
    uint32_t ncaps;
    struct code *code;              /* D_FUN, LAMBDA */
    struct code **refs;             /* D_PAT: one LETREF code per variable */
    uint32_t nrefs;
    const struct ast_node **flat;   /* ITEMS of declarations: Timed sections spliced */
    const struct ast_node *timed;   /* the innermost Timed section around the node, or NULL */
    uint32_t nflat;
    bool flat_done;
};

static uint32_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(x >> 32);
}

static struct node_info *info(struct evaluator *ev, const struct ast_node *n)
{
    if (ev->ninfo_cap == 0 || (ev->ninfo_count + 1) * 2 > ev->ninfo_cap) {
        uint32_t cap = ev->ninfo_cap ? 2 * ev->ninfo_cap : 4096;
        struct node_info **t = calloc(cap, sizeof *t);
        if (!t) oom();
        for (uint32_t i = 0; i < ev->ninfo_cap; i++) {
            struct node_info *x = ev->ninfo[i];
            if (!x) continue;
            uint32_t j = ptr_hash(x->node) & (cap - 1);
            while (t[j]) j = (j + 1) & (cap - 1);
            t[j] = x;
        }
        free(ev->ninfo);
        ev->ninfo = t;
        ev->ninfo_cap = cap;
    }
    uint32_t j = ptr_hash(n) & (ev->ninfo_cap - 1);
    for (struct node_info *x; (x = ev->ninfo[j]); j = (j + 1) & (ev->ninfo_cap - 1))
        if (x->node == n) return x;
    struct node_info *x = ev_alloc(ev, sizeof *x);
    x->node = n;
    x->id = ev->next_id++;
    ev->ninfo[j] = x;
    ev->ninfo_count++;
    return x;
}

/* Numbers every node in pre-order, so ids follow the source and never depend on addresses;
 * records the innermost Timed section around each node (its time function is not inside). */
static void number_in(struct evaluator *ev, const struct ast_node *n, const struct ast_node *timed)
{
    if (!n) return;
    info(ev, n)->timed = timed;
    if (n->kind == AST_D_TIMED) {
        if (!ev->timed) ev->timed = n;
        number_in(ev, n->kids[0], n);
        for (uint32_t i = 1; i < n->nkids; i++) number_in(ev, n->kids[i], timed);
        return;
    }
    for (uint32_t i = 0; i < n->nkids; i++) number_in(ev, n->kids[i], timed);
}

static void number(struct evaluator *ev, const struct ast_node *n)
{
    number_in(ev, n, NULL);
}

const struct ast_node *ev_timed_section(struct evaluator *ev, const struct ast_node *n)
{
    return ev->timed ? info(ev, n)->timed : NULL;
}

/* Declarations of an ITEMS list with Timed sections spliced in. */
const struct ast_node *const *ev_flat_decls(struct evaluator *ev, const struct ast_node *items,
                                            uint32_t *n)
{
    struct node_info *x = info(ev, items);
    if (!x->flat_done) {
        uint32_t cap = 16, k = 0;
        const struct ast_node **v = malloc(cap * sizeof *v);
        const struct ast_node *stack[64];
        uint32_t pos[64], sp = 0;
        if (!v) oom();
        stack[0] = items;
        pos[0] = 0;
        while (1) {
            if (pos[sp] >= stack[sp]->nkids) {
                if (sp == 0) break;
                sp--;
                continue;
            }
            const struct ast_node *d = stack[sp]->kids[pos[sp]++];
            if (d->kind == AST_D_TIMED && sp < 63) {
                stack[++sp] = d->kids[0];
                pos[sp] = 0;
                continue;
            }
            if (k == cap) {
                cap *= 2;
                const struct ast_node **w = realloc(v, cap * sizeof *v);
                if (!w) oom();
                v = w;
            }
            v[k++] = d;
        }
        x->flat = ev_alloc(ev, (k ? k : 1) * sizeof *x->flat);
        memcpy(x->flat, v, k * sizeof *v);
        free(v);
        x->nflat = k;
        x->flat_done = true;
    }
    *n = x->nflat;
    return x->flat;
}

/* ---- free variables ---- */

bool ev_names_has(const struct names *s, const char *name)
{
    for (size_t i = s->n; i-- > 0;)
        if (strcmp(s->v[i], name) == 0) return true;
    return false;
}

void ev_names_add(struct names *s, const char *name)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        const char **v = realloc(s->v, s->cap * sizeof *v);
        if (!v) oom();
        s->v = v;
    }
    s->v[s->n++] = name;
}

void ev_pat_names(const struct ast_node *p, struct names *bound)
{
    if (!p) return;
    if (p->kind == AST_P_VAR) {
        ev_names_add(bound, p->name);
        return;
    }
    for (uint32_t i = 0; i < p->nkids; i++) ev_pat_names(p->kids[i], bound);
}

static void fv_walk(struct evaluator *ev, const struct ast_node *n, struct names *bound,
                    struct names *out);

/* Statements bind their generators' variables for what follows them; the caller restores. */
static void fv_stmts(struct evaluator *ev, const struct ast_node *stmts, struct names *bound,
                     struct names *out)
{
    if (!stmts) return;
    for (uint32_t i = 0; i < stmts->nkids; i++) {
        const struct ast_node *s = stmts->kids[i];
        if (s->kind == AST_GEN) {
            fv_walk(ev, s->kids[1], bound, out);
            ev_pat_names(s->kids[0], bound);
        } else {
            fv_walk(ev, s->kids[0], bound, out);
        }
    }
}

/* The names a declaration list binds. */
void ev_decl_names(struct evaluator *ev, const struct ast_node *items, struct names *bound)
{
    uint32_t nd;
    const struct ast_node *const *ds = ev_flat_decls(ev, items, &nd);
    for (uint32_t i = 0; i < nd; i++) {
        const struct ast_node *d = ds[i];
        if (d->kind == AST_D_FUN) ev_names_add(bound, d->name);
        else if (d->kind == AST_D_PAT) ev_pat_names(d->kids[0], bound);
    }
}

static void fv_decls(struct evaluator *ev, const struct ast_node *items, struct names *bound,
                     struct names *out)
{
    uint32_t nd;
    const struct ast_node *const *ds = ev_flat_decls(ev, items, &nd);
    for (uint32_t i = 0; i < nd; i++) {
        const struct ast_node *d = ds[i];
        if (d->kind == AST_D_FUN) {
            for (uint32_t c = 0; c < d->nkids; c++) {
                const struct ast_node *cl = d->kids[c];
                size_t save = bound->n;
                for (uint32_t g = 0; g + 1 < cl->nkids; g++) ev_pat_names(cl->kids[g], bound);
                fv_walk(ev, cl->kids[cl->nkids - 1], bound, out);
                bound->n = save;
            }
        } else if (d->kind == AST_D_PAT) {
            fv_walk(ev, d->kids[1], bound, out);
        }
    }
}

static void fv_walk(struct evaluator *ev, const struct ast_node *n, struct names *bound,
                    struct names *out)
{
    if (!n) return;
    size_t save = bound->n;
    switch (n->kind) {
    case AST_VAR:
        if (!strstr(n->name, "::") && !ev_names_has(bound, n->name) && !ev_names_has(out, n->name))
            ev_names_add(out, n->name);
        return;
    case AST_LET:
        ev_decl_names(ev, n->kids[0], bound);
        fv_decls(ev, n->kids[0], bound, out);
        fv_walk(ev, n->kids[1], bound, out);
        break;
    case AST_LAMBDA:
        ev_pat_names(n->kids[0], bound);
        fv_walk(ev, n->kids[1], bound, out);
        break;
    case AST_LIST_COMP:
    case AST_SET_COMP:
    case AST_ENUM_SET_COMP:
        fv_stmts(ev, n->kids[1], bound, out);
        fv_walk(ev, n->kids[0], bound, out);
        break;
    case AST_LIST_RANGE:
    case AST_SET_RANGE:
        if (n->nkids > 2) fv_stmts(ev, n->kids[2], bound, out);
        fv_walk(ev, n->kids[0], bound, out);
        fv_walk(ev, n->kids[1], bound, out);
        break;
    case AST_LIST_FROM:
    case AST_SET_FROM:
        if (n->nkids > 1) fv_stmts(ev, n->kids[1], bound, out);
        fv_walk(ev, n->kids[0], bound, out);
        break;
    case AST_PREFIX: {
        fv_walk(ev, n->kids[0], bound, out);
        const struct ast_node *fs = n->kids[1];
        for (uint32_t i = 0; i < fs->nkids; i++) {
            const struct ast_node *f = fs->kids[i];
            if (f->kind == AST_FIELD_OUT) {
                fv_walk(ev, f->kids[0], bound, out);
            } else {
                if (f->nkids > 1) fv_walk(ev, f->kids[1], bound, out);
                ev_pat_names(f->kids[0], bound);
            }
        }
        fv_walk(ev, n->kids[2], bound, out);
        break;
    }
    case AST_RENAME:
        fv_walk(ev, n->kids[0], bound, out);
        fv_stmts(ev, n->kids[2], bound, out);
        fv_walk(ev, n->kids[1], bound, out);
        break;
    case AST_LINK_PAR:
        fv_walk(ev, n->kids[0], bound, out);
        fv_walk(ev, n->kids[3], bound, out);
        fv_stmts(ev, n->kids[2], bound, out);
        fv_walk(ev, n->kids[1], bound, out);
        break;
    case AST_REP_EXT_CHOICE:
    case AST_REP_INT_CHOICE:
    case AST_REP_INTERLEAVE:
    case AST_REP_SEQ_COMP:
        fv_stmts(ev, n->kids[0], bound, out);
        fv_walk(ev, n->kids[1], bound, out);
        break;
    case AST_REP_GEN_PAR:
    case AST_REP_SYNC_EXT_CHOICE:
        fv_walk(ev, n->kids[0], bound, out);
        fv_stmts(ev, n->kids[1], bound, out);
        fv_walk(ev, n->kids[2], bound, out);
        break;
    case AST_REP_ALPHA_PAR:
        fv_stmts(ev, n->kids[0], bound, out);
        fv_walk(ev, n->kids[1], bound, out);
        fv_walk(ev, n->kids[2], bound, out);
        break;
    case AST_REP_LINK_PAR:
        fv_stmts(ev, n->kids[2], bound, out);
        fv_walk(ev, n->kids[3], bound, out);
        fv_stmts(ev, n->kids[1], bound, out);
        fv_walk(ev, n->kids[0], bound, out);
        break;
    default:
        if (n->kind >= AST_P_VAR && n->kind <= AST_P_DOUBLE) return;
        for (uint32_t i = 0; i < n->nkids; i++) fv_walk(ev, n->kids[i], bound, out);
        break;
    }
    bound->n = save;
}

static struct node_info *free_vars(struct evaluator *ev, const struct ast_node *n)
{
    struct node_info *x = info(ev, n);
    if (!x->fv_done) {
        struct names bound = {0}, out = {0};
        if (n->kind == AST_ITEMS) {   /* a let group: its own names are not free */
            ev_decl_names(ev, n, &bound);
            fv_decls(ev, n, &bound, &out);
        } else if (n->kind == AST_D_FUN) {
            ev_names_add(&bound, n->name);
            struct node_info *unused = NULL;
            (void)unused;
            for (uint32_t c = 0; c < n->nkids; c++) {
                const struct ast_node *cl = n->kids[c];
                size_t save = bound.n;
                for (uint32_t g = 0; g + 1 < cl->nkids; g++) ev_pat_names(cl->kids[g], &bound);
                fv_walk(ev, cl->kids[cl->nkids - 1], &bound, &out);
                bound.n = save;
            }
        } else {
            fv_walk(ev, n, &bound, &out);
        }
        x->fv = ev_alloc(ev, (out.n ? out.n : 1) * sizeof *x->fv);
        if (out.n) memcpy(x->fv, out.v, out.n * sizeof *out.v);
        x->nfv = (uint32_t)out.n;
        x->fv_done = true;
        free(bound.v);
        free(out.v);
    }
    return x;
}

/* ---- environments ---- */

const struct env *ev_bind(struct evaluator *ev, const struct env *env, const char *name,
                          const value *v)
{
    struct env *e = scratch(ev, sizeof *e);
    e->name = name;
    e->v = v;
    e->next = env;
    return e;
}

static const struct env *env_find(const struct env *env, const char *name)
{
    for (; env; env = env->next)
        if (env->name[0] == name[0] && strcmp(env->name, name) == 0) return env;
    return NULL;
}

static const struct code *code_of(const value *v)
{
    return v->kind == VAL_CLOSURE ? (const struct code *)v->code : NULL;
}

/* The names among n's free variables bound in env, fixed at the first capture. */
static struct node_info *captures(struct evaluator *ev, const struct ast_node *n,
                                  const struct env *env)
{
    struct node_info *x = free_vars(ev, n);
    if (!x->caps_done) {
        x->caps = ev_alloc(ev, (x->nfv ? x->nfv : 1) * sizeof *x->caps);
        for (uint32_t i = 0; i < x->nfv; i++)
            if (env_find(env, x->fv[i])) x->caps[x->ncaps++] = x->fv[i];
        x->caps_done = true;
    }
    return x;
}

/* [scope id, the values of the captured names] into a scratch array of 1 + ncaps. */
static const value **capture_values(struct evaluator *ev, struct node_info *x,
                                    const struct env *env, struct scope *sc, size_t extra)
{
    const value **v = scratch(ev, (1 + x->ncaps + extra) * sizeof *v);
    v[0] = val_int(ev->vs, sc->id);
    for (uint32_t i = 0; i < x->ncaps; i++) {
        const struct env *e = env_find(env, x->caps[i]);
        if (!e) ev_fail(ev, x->node->loc, "internal error: '%s' is not bound here", x->caps[i]);
        v[1 + i] = e->v;
    }
    return v;
}

static struct scope *scope_by_id(struct evaluator *ev, const value *id)
{
    return ev->scopes[id->num];
}

static const struct env *bind_captures(struct evaluator *ev, const char *const *names, uint32_t n,
                                       const value *const *vals, const struct env *env)
{
    for (uint32_t i = 0; i < n; i++) env = ev_bind(ev, env, names[i], vals[i]);
    return env;
}

/* ---- let groups ---- */

static struct code *fun_code(struct evaluator *ev, const struct ast_node *d,
                             const struct ast_node *group, struct node_info *gx)
{
    struct node_info *x = info(ev, d);
    if (!x->code) {
        const struct ast_node *cl = d->kids[0];
        uint32_t ngroups = cl->nkids - 1;
        struct code *prev = NULL;
        for (uint32_t k = 0; k < (ngroups ? ngroups : 1); k++) {
            struct code *c = ev_alloc(ev, sizeof *c);
            c->kind = C_FUN;
            c->node = d;
            c->index = k;
            c->ngroups = ngroups;
            c->group = group;
            c->caps = gx ? gx->caps : NULL;
            c->ncaps = gx ? gx->ncaps : 0;
            if (prev) prev->stage_next = c;
            else x->code = c;
            prev = c;
        }
    }
    return x->code;
}

static struct code *ref_code(struct evaluator *ev, const struct ast_node *d, uint32_t index,
                             const struct ast_node *group, struct node_info *gx)
{
    struct node_info *x = info(ev, d);
    if (!x->refs) {
        struct names vars = {0};
        ev_pat_names(d->kids[0], &vars);
        x->nrefs = (uint32_t)vars.n;
        x->refs = ev_alloc(ev, (vars.n ? vars.n : 1) * sizeof *x->refs);
        for (uint32_t i = 0; i < x->nrefs; i++) {
            struct code *c = ev_alloc(ev, sizeof *c);
            c->kind = C_LETREF;
            c->node = d;
            c->index = i;
            c->group = group;
            c->caps = gx->caps;
            c->ncaps = gx->ncaps;
            x->refs[i] = c;
        }
        free(vars.v);
    }
    return index < x->nrefs ? x->refs[index] : NULL;
}

/* Binds the names of a let group (functions as closures, other bindings as lazy LETREFs)
 * given the values captured for the group (vals[0] is the scope id). */
static const struct env *group_env(struct evaluator *ev, const struct ast_node *group,
                                   const value *const *vals, const struct env *env,
                                   struct scope *sc)
{
    struct node_info *gx = info(ev, group);
    env = bind_captures(ev, gx->caps, gx->ncaps, vals + 1, env);
    uint32_t nd;
    const struct ast_node *const *ds = ev_flat_decls(ev, group, &nd);
    for (uint32_t i = 0; i < nd; i++) {
        const struct ast_node *d = ds[i];
        if (d->kind == AST_D_FUN) {
            struct code *c = fun_code(ev, d, group, gx);
            const value *f = val_closure(ev->vs, info(ev, d)->id, c, vals, 1 + gx->ncaps);
            env = ev_bind(ev, env, d->name, f);
        } else if (d->kind == AST_D_PAT) {
            struct names vars = {0};
            ev_pat_names(d->kids[0], &vars);
            for (uint32_t k = 0; k < vars.n; k++) {
                if (ev_is_ctor_name(ev, sc, vars.v[k])) continue;
                struct code *c = ref_code(ev, d, k, group, gx);
                const value *r =
                    val_closure(ev->vs, info(ev, d)->id * 64 + k, c, vals, 1 + gx->ncaps);
                env = ev_bind(ev, env, vars.v[k], r);
            }
            free(vars.v);
        }
    }
    return env;
}

const value *ev_let(struct evaluator *ev, const struct ast_node *n, const struct env *env,
                    struct scope *sc)
{
    const struct ast_node *group = n->kids[0];
    struct node_info *gx = captures(ev, group, env);
    const value **vals = capture_values(ev, gx, env, sc, 0);
    const struct env *inner = group_env(ev, group, vals, env, sc);
    return ev_eval(ev, n->kids[1], inner, sc);
}

/* The memo of LETREF values (let-bound constants), with a busy mark against unguarded
 * recursion. */
static const value *BUSY_MARK = (const value *)&BUSY_MARK;

static const value **memo_slot(struct evaluator *ev, const value *k)
{
    if (ev->memo_cap == 0 || (ev->memo_count + 1) * 2 > ev->memo_cap) {
        uint32_t cap = ev->memo_cap ? 2 * ev->memo_cap : 1024;
        const value **nk = calloc(cap, sizeof *nk), **nv = calloc(cap, sizeof *nv);
        if (!nk || !nv) oom();
        for (uint32_t i = 0; i < ev->memo_cap; i++) {
            if (!ev->memo_k[i]) continue;
            uint32_t j = ptr_hash(ev->memo_k[i]) & (cap - 1);
            while (nk[j]) j = (j + 1) & (cap - 1);
            nk[j] = ev->memo_k[i];
            nv[j] = ev->memo_v[i];
        }
        free(ev->memo_k);
        free(ev->memo_v);
        ev->memo_k = nk;
        ev->memo_v = nv;
        ev->memo_cap = cap;
    }
    uint32_t j = ptr_hash(k) & (ev->memo_cap - 1);
    while (ev->memo_k[j] && ev->memo_k[j] != k) j = (j + 1) & (ev->memo_cap - 1);
    if (!ev->memo_k[j]) {
        ev->memo_k[j] = k;
        ev->memo_v[j] = NULL;
        ev->memo_count++;
    }
    return &ev->memo_v[j];
}

/* A pattern binding `(a, b) = (e1, e2)` binds component by component, lazily. */
static const value *bind_pattern_var(struct evaluator *ev, const struct ast_node *pat,
                                     const struct ast_node *rhs, uint32_t index,
                                     const struct env *env, struct scope *sc)
{
    if (pat->kind == AST_P_VAR) return ev_eval(ev, rhs, env, sc);
    if (pat->kind == AST_P_TUPLE && rhs->kind == AST_TUPLE && pat->nkids == rhs->nkids) {
        for (uint32_t i = 0; i < pat->nkids; i++) {
            struct names vars = {0};
            ev_pat_names(pat->kids[i], &vars);
            size_t nv = vars.n;
            free(vars.v);
            if (index < nv) return bind_pattern_var(ev, pat->kids[i], rhs->kids[i], index, env, sc);
            index -= (uint32_t)nv;
        }
    }
    const value *v = ev_eval(ev, rhs, env, sc);
    const struct env *bound = NULL;
    if (!ev_match(ev, pat, v, &bound, sc))
        ev_fail(ev, pat->loc, "the value does not match the pattern of this definition");
    struct names vars = {0};
    ev_pat_names(pat, &vars);
    const char *want = index < vars.n ? vars.v[index] : "";
    free(vars.v);
    const struct env *e = env_find(bound, want);
    if (!e) ev_fail(ev, pat->loc, "internal error: pattern variable not bound");
    return e->v;
}

static const value *force_ref(struct evaluator *ev, const value *r, struct cspm_loc loc)
{
    const value **slot = memo_slot(ev, r);
    if (*slot == BUSY_MARK)
        ev_fail(ev, loc, "'%s' is defined in terms of itself (unguarded recursion)",
                ((const struct code *)r->code)->node->kids[0]->kind == AST_P_VAR
                    ? ((const struct code *)r->code)->node->kids[0]->name
                    : "this binding");
    if (*slot) return *slot;
    *slot = BUSY_MARK;
    if (ev->nbusy_refs == ev->cap_busy_refs) {
        ev->cap_busy_refs = ev->cap_busy_refs ? 2 * ev->cap_busy_refs : 64;
        const value **b = realloc(ev->busy_refs, ev->cap_busy_refs * sizeof *b);
        if (!b) oom();
        ev->busy_refs = b;
    }
    ev->busy_refs[ev->nbusy_refs++] = r;
    const struct code *c = r->code;
    struct scope *sc = scope_by_id(ev, r->items[0]);
    const struct env *env = group_env(ev, c->group, r->items, NULL, sc);
    const value *v = bind_pattern_var(ev, c->node->kids[0], c->node->kids[1], c->index, env, sc);
    ev->nbusy_refs--;
    slot = memo_slot(ev, r);
    *slot = v;
    return v;
}

/* ---- scopes and globals ---- */

static uint32_t str_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

struct scope *ev_scope_new(struct evaluator *ev, struct scope *parent, const char *prefix)
{
    struct scope *s = ev_alloc(ev, sizeof *s);
    s->parent = parent;
    s->prefix = prefix;
    s->cap = 64;
    s->table = ev_alloc(ev, s->cap * sizeof *s->table);
    if (ev->nscopes == ev->cap_scopes) {
        ev->cap_scopes = ev->cap_scopes ? 2 * ev->cap_scopes : 16;
        struct scope **v = realloc(ev->scopes, ev->cap_scopes * sizeof *v);
        if (!v) oom();
        ev->scopes = v;
    }
    s->id = ev->nscopes;
    ev->scopes[ev->nscopes++] = s;
    return s;
}

struct global *ev_scope_get(struct scope *s, const char *name)
{
    for (struct global *g = s->table[str_hash(name) & (s->cap - 1)]; g; g = g->next)
        if (strcmp(g->name, name) == 0) return g;
    return NULL;
}

static void scope_grow(struct evaluator *ev, struct scope *s)
{
    uint32_t cap = s->cap * 2;
    struct global **t = ev_alloc(ev, cap * sizeof *t);
    for (struct global *g = s->first; g; g = g->order) {
        uint32_t h = str_hash(g->name) & (cap - 1);
        g->next = t[h];
        t[h] = g;
    }
    s->table = t;
    s->cap = cap;
}

static struct global *declare(struct evaluator *ev, struct scope *s, const char *name,
                              enum global_kind kind, const struct ast_node *node)
{
    struct global *old = ev_scope_get(s, name);
    if (old) {
        if (old->kind == G_EXTERNAL) return old;
        diag_error(&ev->m->diags, node->loc, "'%s' is defined more than once (also at %u:%u)",
                   name, old->node->loc.line, old->node->loc.col);
        return NULL;
    }
    if ((s->count + 1) * 2 > s->cap) scope_grow(ev, s);
    struct global *g = ev_alloc(ev, sizeof *g);
    g->name = name;
    g->kind = kind;
    g->node = node;
    g->scope = s;
    uint32_t h = str_hash(name) & (s->cap - 1);
    g->next = s->table[h];
    s->table[h] = g;
    if (s->last) s->last->order = g;
    else s->first = g;
    s->last = g;
    s->count++;
    return g;
}

static char *qualified(struct evaluator *ev, struct scope *s, const char *name)
{
    size_t n = strlen(s->prefix) + strlen(name) + 1;
    char *q = ev_alloc(ev, n);
    snprintf(q, n, "%s%s", s->prefix, name);
    return q;
}

static struct nameinfo *new_nameinfo(struct evaluator *ev, struct scope *s, const char *name,
                                     int kind, const struct ast_node *node,
                                     const struct ast_node *type)
{
    struct nameinfo *ni = ev_alloc(ev, sizeof *ni);
    ni->node = node;
    ni->type = type;
    ni->scope = s;
    ni->name = val_name_new(ev->vs, qualified(ev, s, name), kind, ni);
    if (!ni->name) oom();
    ni->value = val_named(ev->vs, ni->name);
    if (kind == NK_CHANNEL) {
        if (ev->nchannels == ev->cap_channels) {
            ev->cap_channels = ev->cap_channels ? 2 * ev->cap_channels : 64;
            struct nameinfo **v = realloc(ev->channels, ev->cap_channels * sizeof *v);
            if (!v) oom();
            ev->channels = v;
        }
        ev->channels[ev->nchannels++] = ni;
    }
    return ni;
}


/* A specification with a Timed section has the event tock even without `channel tock`
 * (as in FDR); it is declared at the first section. */
static void implicit_tock(struct evaluator *ev)
{
    if (ev_scope_get(ev->top, "tock")) return;
    struct global *g = declare(ev, ev->top, "tock", G_CHANNEL, ev->timed);
    if (g) g->info = new_nameinfo(ev, ev->top, "tock", NK_CHANNEL, ev->timed, NULL);
}

static void declare_one(struct evaluator *ev, struct scope *s, const struct ast_node *d)
{
    struct global *g;
    switch (d->kind) {
    case AST_D_FUN:
        declare(ev, s, d->name, G_FUN, d);
        break;
    case AST_D_PAT: {
        struct names vars = {0};
        ev_pat_names(d->kids[0], &vars);
        for (uint32_t k = 0; k < vars.n; k++) {
            /* A channel or constructor in a pattern is a constant, not a new name. */
            if (ev_is_ctor_name(ev, s, vars.v[k])) continue;
            g = declare(ev, s, vars.v[k], G_VALUE, d);
            if (g) g->index = k;
        }
        free(vars.v);
        break;
    }
    case AST_D_CHANNEL: {
        const struct ast_node *names = d->kids[0];
        for (uint32_t i = 0; i < names->nkids; i++) {
            g = declare(ev, s, names->kids[i]->name, G_CHANNEL, names->kids[i]);
            if (g)
                g->info = new_nameinfo(ev, s, names->kids[i]->name, NK_CHANNEL, d,
                                       d->nkids > 1 ? d->kids[1] : NULL);
        }
        break;
    }
    case AST_D_DATATYPE: {
        struct global *dt = declare(ev, s, d->name, G_DATATYPE, d);
        if (dt) {
            dt->info = ev_alloc(ev, sizeof *dt->info);
            dt->info->name = val_name_new(ev->vs, qualified(ev, s, d->name), NK_DATATYPE, dt->info);
            if (!dt->info->name) oom();
            dt->info->value = val_named(ev->vs, dt->info->name);
        }
        for (uint32_t i = 0; i < d->nkids; i++) {
            const struct ast_node *c = d->kids[i];
            g = declare(ev, s, c->name, G_CTOR, c);
            if (g) {
                g->info = new_nameinfo(ev, s, c->name, NK_CTOR, c, c->nkids ? c->kids[0] : NULL);
                g->info->datatype = dt;
            }
        }
        break;
    }
    case AST_D_SUBTYPE:
        declare(ev, s, d->name, G_DATATYPE, d);
        break;
    case AST_D_NAMETYPE:
        declare(ev, s, d->name, G_NAMETYPE, d);
        break;
    case AST_D_MODULE: {
        g = declare(ev, s, d->name, G_MODULE, d);
        if (g && d->kids[0]->nkids == 0) {
            size_t n = strlen(s->prefix) + strlen(d->name) + 3;
            char *prefix = ev_alloc(ev, n);
            snprintf(prefix, n, "%s%s::", s->prefix, d->name);
            g->sub = ev_scope_new(ev, s, prefix);
            ev_declare_list(ev, g->sub, d->kids[1]);
            ev_declare_list(ev, g->sub, d->kids[2]);
        }
        break;
    }
    case AST_D_INSTANCE:
        declare(ev, s, d->name, G_INSTANCE, d);
        break;
    case AST_D_EXTERNAL:
    case AST_D_TRANSPARENT:
        for (uint32_t i = 0; i < d->nkids; i++) {
            const char *name = d->kids[i]->name;
            if (!ev_is_builtin_name(name))
                diag_error(&ev->m->diags, d->kids[i]->loc, "unknown %s function '%s'",
                           d->kind == AST_D_EXTERNAL ? "external" : "transparent", name);
            else if (!ev_scope_get(s, name))
                declare(ev, s, name, G_EXTERNAL, d->kids[i]);
        }
        break;
    case AST_D_TIMED:
        ev_declare_list(ev, s, d->kids[0]);
        break;
    default:
        break;   /* assert, print, annotations */
    }
}

/* Pattern bindings last: whether a name in a pattern is a constructor depends on the
 * other declarations of the list. */
void ev_declare_list(struct evaluator *ev, struct scope *s, const struct ast_node *items)
{
    uint32_t nd;
    const struct ast_node *const *ds = ev_flat_decls(ev, items, &nd);
    for (uint32_t i = 0; i < nd; i++)
        if (ds[i]->kind != AST_D_PAT) declare_one(ev, s, ds[i]);
    for (uint32_t i = 0; i < nd; i++)
        if (ds[i]->kind == AST_D_PAT) declare_one(ev, s, ds[i]);
}

/* The module or instance a (possibly qualified) module name refers to, seen from `from`. */
static struct scope *instance_scope(struct evaluator *ev, struct global *g);

static struct scope *scope_of_module(struct evaluator *ev, struct global *g)
{
    if (!g) return NULL;
    if (g->kind == G_INSTANCE) return instance_scope(ev, g);
    return g->sub;   /* NULL for a parameterised module: only its instances have scopes */
}

struct global *ev_find_module(struct evaluator *ev, struct scope *from, const char *mod)
{
    const char *sep = strstr(mod, "::");
    struct global *g = NULL;
    if (sep) {
        size_t hl = (size_t)(sep - mod);
        char *head = scratch(ev, hl + 1);
        memcpy(head, mod, hl);
        head[hl] = '\0';
        struct scope *s = scope_of_module(ev, ev_find_module(ev, from, head));
        if (!s) return NULL;
        const char *rest = sep + 2;
        if (strstr(rest, "::")) return ev_find_module(ev, s, rest);
        g = ev_scope_get(s, rest);
    } else {
        for (struct scope *s = from; s && !g; s = s->parent) {
            g = ev_scope_get(s, mod);
            if (g && g->kind != G_MODULE && g->kind != G_INSTANCE) g = NULL;
        }
    }
    return g && (g->kind == G_MODULE || g->kind == G_INSTANCE) ? g : NULL;
}

/* An instance's scope, made on first use: the module's declarations under the instance's
 * prefix, its parameters matched against the arguments lazily (ev_scope_env). */
static struct scope *instance_scope(struct evaluator *ev, struct global *g)
{
    if (g->sub) return g->sub;
    if (g->state == 1) return NULL;
    g->state = 1;
    const struct ast_node *d = g->node;
    struct global *mg = ev_find_module(ev, g->scope, d->kids[0]->name);
    g->state = 0;
    if (!mg) return NULL;
    if (mg->kind == G_INSTANCE) return instance_scope(ev, mg);
    const struct ast_node *mnode = mg->node;
    size_t n = strlen(g->scope->prefix) + strlen(g->name) + 3;
    char *prefix = ev_alloc(ev, n);
    snprintf(prefix, n, "%s%s::", g->scope->prefix, g->name);
    struct scope *s = ev_scope_new(ev, mg->scope, prefix);
    if (mnode->kids[0]->nkids) {
        s->params = mnode->kids[0];
        s->args = d->kids[1];
        s->args_scope = g->scope;
    }
    if (mnode->kids[0]->nkids != d->kids[1]->nkids)
        diag_error(&ev->m->diags, d->loc, "module '%s' takes %u arguments, given %u",
                   mnode->name, mnode->kids[0]->nkids, d->kids[1]->nkids);
    g->sub = s;
    ev_declare_list(ev, s, mnode->kids[1]);
    ev_declare_list(ev, s, mnode->kids[2]);
    return s;
}

/* Resolves a possibly qualified name to a global. */
struct global *ev_lookup_global(struct evaluator *ev, struct scope *sc, const char *name)
{
    const char *sep = strrchr(name, ':');
    if (sep && sep > name && sep[-1] == ':') {
        size_t ml = (size_t)(sep - 1 - name);
        char *mod = scratch(ev, ml + 1);
        memcpy(mod, name, ml);
        mod[ml] = '\0';
        struct scope *s = scope_of_module(ev, ev_find_module(ev, sc, mod));
        return s ? ev_scope_get(s, sep + 1) : NULL;
    }
    for (struct scope *s = sc; s; s = s->parent) {
        struct global *g = ev_scope_get(s, name);
        if (g && g->kind != G_EXTERNAL) return g;
    }
    return NULL;   /* unqualified externals are the built-ins themselves */
}

/* The parameter bindings of an instance scope and its ancestors. */
const struct env *ev_scope_env(struct evaluator *ev, struct scope *sc)
{
    const struct env *env = NULL;
    for (struct scope *s = sc; s; s = s->parent) {
        if (!s->params) continue;
        if (s->pstate == 0) {
            s->pstate = 1;
            const struct env *penv = NULL;
            struct scratch_mark keep = mark(ev);
            (void)keep;
            for (uint32_t i = 0; i < s->params->nkids && i < s->args->nkids; i++) {
                const value *a = ev_eval(ev, s->args->kids[i], ev_scope_env(ev, s->args_scope),
                                         s->args_scope);
                if (!ev_match(ev, s->params->kids[i], a, &penv, s))
                    ev_fail(ev, s->args->kids[i]->loc, "the argument does not match the module's parameter");
            }
            /* Copy the bindings out of scratch: they outlive this call. */
            const struct env *copy = NULL;
            for (const struct env *e = penv; e; e = e->next) {
                struct env *c = ev_alloc(ev, sizeof *c);
                c->name = e->name;
                c->v = e->v;
                c->next = copy;
                copy = c;
            }
            s->penv = copy;
            s->pstate = 2;
        } else if (s->pstate == 1) {
            ev_fail(ev, s->args->kids[0]->loc, "the module's arguments depend on the module itself");
        }
        for (const struct env *e = s->penv; e; e = e->next) env = ev_bind(ev, env, e->name, e->v);
    }
    return env;
}

static void push_busy(struct evaluator *ev, struct global *g)
{
    if (ev->nbusy == ev->cap_busy) {
        ev->cap_busy = ev->cap_busy ? 2 * ev->cap_busy : 64;
        struct global **b = realloc(ev->busy, ev->cap_busy * sizeof *b);
        if (!b) oom();
        ev->busy = b;
    }
    ev->busy[ev->nbusy++] = g;
}

const value *ev_global_value(struct evaluator *ev, struct global *g, struct cspm_loc loc)
{
    if (g->state == 2) return g->val;
    if (g->state == 1 && g->kind == G_DATATYPE && g->info)
        return ev_symset(ev, SYM_DATATYPE, &g->info->value, 1);   /* a recursive datatype */
    if (g->state == 1)
        ev_fail(ev, loc, "'%s' is defined in terms of itself (unguarded recursion)", g->name);
    const value *v = NULL;
    switch (g->kind) {
    case G_FUN: {
        struct code *c = fun_code(ev, g->node, NULL, NULL);
        const value *sid = val_int(ev->vs, g->scope->id);
        v = val_closure(ev->vs, info(ev, g->node)->id, c, &sid, 1);
        break;
    }
    case G_CHANNEL:
    case G_CTOR:
        v = g->info->value;
        break;
    case G_EXTERNAL:
        v = ev_builtin(ev, g->name, loc);
        break;
    case G_MODULE:
    case G_INSTANCE:
        ev_fail(ev, loc, "'%s' is a module, not a value", g->name);
    default:
        break;
    }
    if (v) {
        g->val = v;
        g->state = 2;
        return v;
    }
    g->state = 1;
    push_busy(ev, g);
    const struct env *env = ev_scope_env(ev, g->scope);
    switch (g->kind) {
    case G_VALUE:
        v = bind_pattern_var(ev, g->node->kids[0], g->node->kids[1], g->index, env, g->scope);
        ev_name_proc(ev, v, g->name, g->node->loc);
        break;
    case G_DATATYPE:
        v = ev_datatype_set(ev, g, loc);
        break;
    case G_NAMETYPE:
        v = ev_type_set(ev, g->node->kids[0], env, g->scope);
        break;
    default:
        break;
    }
    ev->nbusy--;
    g->val = v;
    g->state = 2;
    return v;
}

/* ---- variables ---- */

const value *ev_lookup(struct evaluator *ev, const char *name, const struct env *env,
                        struct scope *sc, struct cspm_loc loc)
{
    if (!strstr(name, "::")) {
        const struct env *e = env_find(env, name);
        if (e) {
            const struct code *c = code_of(e->v);
            return c && c->kind == C_LETREF ? force_ref(ev, e->v, loc) : e->v;
        }
    }
    struct global *g = ev_lookup_global(ev, sc, name);
    if (g) return ev_global_value(ev, g, loc);
    const value *b = ev_builtin(ev, name, loc);
    if (b) return b;
    ev_fail(ev, loc, "unknown name '%s'", name);
}

/* Does name, here, mean the built-in of that name (no local or global shadows it)? */
bool ev_means_builtin(struct evaluator *ev, const char *name, const struct env *env,
                      struct scope *sc)
{
    if (strstr(name, "::")) {
        struct global *g = ev_lookup_global(ev, sc, name);
        return g && g->kind == G_EXTERNAL;
    }
    return !env_find(env, name) && !ev_lookup_global(ev, sc, name) && ev_is_builtin_name(name);
}

/* ---- thunks ---- */

const value *ev_proc(struct evaluator *ev, int op, const value *const *items, size_t n)
{
    const value *p = val_proc(ev->vs, op, NULL, items, n);
    if (!p) oom();
    return p;
}

/* A THUNK standing for process expression n in env: [node id, scope id, captured…]. */
const value *ev_thunk(struct evaluator *ev, const struct ast_node *n, const struct env *env,
                      struct scope *sc)
{
    /* Constants need no thunk when they are cheap and cannot recurse. */
    struct node_info *x = captures(ev, n, env);
    const value **vals = capture_values(ev, x, env, sc, 1);
    memmove(vals + 1, vals, (1 + x->ncaps) * sizeof *vals);
    vals[0] = val_int(ev->vs, x->id);
    const value *t = val_proc(ev->vs, PROC_THUNK, n, vals, 2 + x->ncaps);
    if (!t) oom();
    return t;
}

const value *ev_expect_proc(struct evaluator *ev, const value *v, struct cspm_loc loc)
{
    if (v->kind != VAL_PROC) {
        char buf[120];
        ev_format(v, buf, sizeof buf);
        ev_fail(ev, loc, "expected a process, found %s %s", val_kind_name(v->kind), buf);
    }
    return v;
}

/* Evaluates a thunk's expression (inside an API entry). */
/* BUFFER(n, R) and WEAK_BUFFER(n, e, R) states are thunks over the queue's contents. */
const value *ev_buffer_state(struct evaluator *ev, const value *n, const value *R,
                             const value *q, const value *explode)
{
    const value *items[6] = {val_int(ev->vs, -1), val_int(ev->vs, 0), n, R, q, explode};
    const value *t = val_proc(ev->vs, PROC_THUNK, &ev->buffer_code, items, 6);
    if (!t) oom();
    return t;
}

/* A FIFO of capacity n: inputs (left events of R) while not full, the oldest input's
 * right event out while not empty; a weak buffer that is full answers an input with
 * `explode` and stops. */
static const value *buffer_process(struct evaluator *ev, const value *t)
{
    const value *n = t->items[2], *R = t->items[3], *q = t->items[4], *explode = t->items[5];
    struct vec alts = {0};
    for (uint32_t i = 0; i < R->n; i++) {
        const value *l = R->items[i]->items[0], *r = R->items[i]->items[1];
        const value *next;
        if ((int64_t)q->n < n->num) {
            const value **w = scratch(ev, (q->n + 1) * sizeof *w);
            memcpy(w, q->items, q->n * sizeof *w);
            w[q->n] = r;
            next = ev_buffer_state(ev, n, R, val_seq(ev->vs, w, q->n + 1), explode);
        } else if (explode->kind != VAL_INT) {
            const value *boom[2] = {explode, ev->stop};
            next = ev_proc(ev, PROC_PREFIX, boom, 2);
        } else {
            continue;
        }
        const value *items[2] = {l, next};
        vec_push(ev, &alts, ev_proc(ev, PROC_PREFIX, items, 2));
    }
    if (q->n) {
        const value *rest = val_seq(ev->vs, q->items + 1, q->n - 1);
        const value *items[2] = {q->items[0], ev_buffer_state(ev, n, R, rest, explode)};
        vec_push(ev, &alts, ev_proc(ev, PROC_PREFIX, items, 2));
    }
    return ev_proc(ev, PROC_EXT, alts.v, alts.n);
}

static const value *force_inner(struct evaluator *ev, const value *t)
{
    if (t->code == &ev->buffer_code) return buffer_process(ev, t);
    const struct ast_node *n = t->code;
    struct node_info *x = info(ev, n);
    struct scope *sc = scope_by_id(ev, t->items[1]);
    const struct env *env = ev_scope_env(ev, sc);
    env = bind_captures(ev, x->caps, x->ncaps, t->items + 2, env);
    const value *v = ev_eval(ev, n, env, sc);
    return ev_expect_proc(ev, v, n->loc);
}

/* ---- API entries: setjmp, scratch marks, busy marks ---- */

struct entry {
    jmp_buf jb;
    jmp_buf *saved;
    struct scratch_mark m;
    uint32_t nbusy, nbusy_refs;
};

#define ENTER(ev, e)                                                                               \
    ((ev)->steps = (ev)->depth++ ? (ev)->steps : 0,                                                \
     (e)->saved = (ev)->jb, (e)->m = mark(ev), (e)->nbusy = (ev)->nbusy,                           \
     (e)->nbusy_refs = (ev)->nbusy_refs, (ev)->jb = &(e)->jb, setjmp((e)->jb))

static void leave(struct evaluator *ev, struct entry *e, bool failed)
{
    ev->depth--;
    if (failed) {
        while (ev->nbusy > e->nbusy) ev->busy[--ev->nbusy]->state = 0;
        while (ev->nbusy_refs > e->nbusy_refs) {
            const value **slot = memo_slot(ev, ev->busy_refs[--ev->nbusy_refs]);
            *slot = NULL;
        }
    }
    release(ev, e->m);
    ev->jb = e->saved;
}

static const value *force(void *evaluator, const value *t)
{
    struct evaluator *ev = evaluator;
    struct entry e;
    const value *volatile r = NULL;
    if (ENTER(ev, &e) == 0) {
        /* A thunk that forces to itself (P = normal(P)) is the least fixed point: DIV. */
        const value *v = t;
        for (int i = 0; v->kind == VAL_PROC && v->num == PROC_THUNK; i++) {
            v = force_inner(ev, v);
            if (v == t) v = ev_proc(ev, PROC_DIV, NULL, 0);
            if (i > 100000) ev_fail(ev, ((const struct ast_node *)t->code)->loc, "unguarded recursion through lazy terms");
        }
        r = v;
        leave(ev, &e, false);
    } else {
        leave(ev, &e, true);
    }
    return r;
}

const value *eval_expr(struct evaluator *ev, const struct ast_node *n)
{
    struct entry e;
    const value *volatile r = NULL;
    number(ev, n);
    if (ENTER(ev, &e) == 0) {
        r = ev_eval(ev, n, NULL, ev->top);
        leave(ev, &e, false);
    } else {
        leave(ev, &e, true);
    }
    return r;
}

const value *eval_global(struct evaluator *ev, const char *name)
{
    struct entry e;
    const value *volatile r = NULL;
    if (ENTER(ev, &e) == 0) {
        struct global *g = ev_lookup_global(ev, ev->top, name);
        if (g) r = ev_global_value(ev, g, g->node->loc);
        leave(ev, &e, false);
    } else {
        leave(ev, &e, true);
    }
    return r;
}

const value *eval_events(struct evaluator *ev)
{
    struct entry e;
    const value *volatile r = NULL;
    if (ENTER(ev, &e) == 0) {
        r = ev_events(ev, (struct cspm_loc){0});
        leave(ev, &e, false);
    } else {
        leave(ev, &e, true);
    }
    return r;
}

struct proc_sem *eval_sem(struct evaluator *ev)
{
    return &ev->sem;
}

const char *const *eval_global_names(struct evaluator *ev, size_t *n)
{
    *n = ev->nnames;
    return ev->names;
}

struct cspm_loc eval_global_loc(struct evaluator *ev, const char *name)
{
    struct global *g = ev_scope_get(ev->top, name);
    return g ? g->node->loc : (struct cspm_loc){0};
}

/* ---- printing values (processes and closures) ---- */

size_t ev_format(const value *v, char *buf, size_t len)
{
    if (v->kind == VAL_PROC) return proc_format(v, buf, len);
    const struct code *c = v->code;
    const char *s = "<function>";
    char tmp[64];
    if (c && c->kind == C_SYMSET) {
        static const char *const names[] = {"Seq", "Set", "Char", "Proc", "", "Events", "Map"};
        if (c->builtin == SYM_DATATYPE && v->n) {
            const struct val_name *nm = val_name_of(v->items[0]);
            s = nm ? nm->text : "datatype";
        } else {
            snprintf(tmp, sizeof tmp, "%s%s", names[c->builtin], v->n ? "(…)" : "");
            s = tmp;
        }
    }
    size_t n = strlen(s);
    if (len) {
        size_t k = n < len - 1 ? n : len - 1;
        memcpy(buf, s, k);
        buf[k] = '\0';
    }
    return n;
}

/* ---- construction and teardown ---- */

static struct evaluator *naming;
static size_t describe_thunk(const value *t, char *buf, size_t len);
static size_t expression_of_thunk(const value *t, char *buf, size_t len);

struct evaluator *eval_new(struct cspm_module *m, val_store *vs)
{
    struct evaluator *ev = calloc(1, sizeof *ev);
    if (!ev) return NULL;
    ev->m = m;
    ev->vs = vs;
    naming = ev;
    proc_set_thunk_printer(describe_thunk);
    if (proc_sem_init(&ev->sem, vs, force, ev) < 0) {
        free(ev);
        return NULL;
    }
    char here;
    ev->stack_base = (uintptr_t)&here;
    struct rlimit rl;
    size_t limit = 8u << 20;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) limit = rl.rlim_cur;
    if (limit > (64u << 20)) limit = 64u << 20;
    ev->stack_limit = limit / 2;
    val_set_printer(ev_format);
    ev->stop = ev_proc(ev, PROC_STOP, NULL, 0);
    ev->skip = ev_proc(ev, PROC_SKIP, NULL, 0);
    ev_builtins_init(ev);
    ev->top = ev_scope_new(ev, NULL, "");
    number(ev, m->decls);
    ev_declare_list(ev, ev->top, m->decls);
    if (ev->timed) implicit_tock(ev);
    for (struct global *g = ev->top->first; g; g = g->order) {
        if (g->kind != G_VALUE) continue;
        if (ev->nnames == ev->cap_names) {
            ev->cap_names = ev->cap_names ? 2 * ev->cap_names : 64;
            const char **v = realloc(ev->names, ev->cap_names * sizeof *v);
            if (!v) oom();
            ev->names = v;
        }
        ev->names[ev->nnames++] = g->name;
    }
    return ev;
}

/* ---- naming processes in reports ---- */

static uint32_t pname_slot(const struct evaluator *ev, const value *p)
{
    uint32_t j = ptr_hash(p) & (ev->pname_cap - 1);
    while (ev->pname_k[j] && ev->pname_k[j] != p) j = (j + 1) & (ev->pname_cap - 1);
    return j;
}

static bool nameable(const value *p)
{
    return p && p->kind == VAL_PROC && p->num != PROC_STOP && p->num != PROC_SKIP &&
           p->num != PROC_THUNK;
}

void ev_name_proc(struct evaluator *ev, const value *p, const char *name, struct cspm_loc loc)
{
    if (!nameable(p)) return;
    if (ev->pname_cap == 0 || (ev->pname_count + 1) * 2 > ev->pname_cap) {
        uint32_t cap = ev->pname_cap ? 2 * ev->pname_cap : 256;
        const value **nk = calloc(cap, sizeof *nk);
        char **nv = malloc(cap * sizeof *nv);
        struct cspm_loc *nl = malloc(cap * sizeof *nl);
        if (!nk || !nv || !nl) oom();
        for (uint32_t i = 0; i < ev->pname_cap; i++) {
            if (!ev->pname_k[i]) continue;
            uint32_t j = ptr_hash(ev->pname_k[i]) & (cap - 1);
            while (nk[j]) j = (j + 1) & (cap - 1);
            nk[j] = ev->pname_k[i];
            nv[j] = ev->pname_v[i];
            nl[j] = ev->pname_loc[i];
        }
        free(ev->pname_k);
        free(ev->pname_v);
        free(ev->pname_loc);
        ev->pname_k = nk;
        ev->pname_v = nv;
        ev->pname_loc = nl;
        ev->pname_cap = cap;
    }
    uint32_t j = pname_slot(ev, p);
    if (ev->pname_k[j]) return;  /* the first name stays */
    char *copy = strdup(name);
    if (!copy) oom();
    ev->pname_k[j] = p;
    ev->pname_v[j] = copy;
    ev->pname_loc[j] = loc;
    ev->pname_count++;
}

const char *eval_proc_name(const struct evaluator *ev, const value *p, struct cspm_loc *where)
{
    if (!ev->pname_cap) return NULL;
    uint32_t j = pname_slot(ev, p);
    if (!ev->pname_k[j]) return NULL;
    if (where) *where = ev->pname_loc[j];
    return ev->pname_v[j];
}

/* A call's name for reports: "PHIL(0)", arguments in CSPm syntax (cut short when long). */
static void name_call(struct evaluator *ev, const value *r, const char *fun,
                      const value *const *argv, size_t n, struct cspm_loc loc)
{
    if (!nameable(r) || eval_proc_name(ev, r, NULL)) return;
    char buf[256];
    size_t at = (size_t)snprintf(buf, sizeof buf, "%s(", fun);
    for (size_t i = 0; i < n && at < sizeof buf - 1; i++) {
        if (i) at += (size_t)snprintf(buf + at, sizeof buf - at, ", ");
        if (at < sizeof buf - 1) at += val_format(argv[i], buf + at, sizeof buf - at);
    }
    if (at < sizeof buf - 1) snprintf(buf + at, sizeof buf - at, ")");
    ev_name_proc(ev, r, buf, loc);
}

/* ---- naming thunks in reports ---- */

/* naming (declared above eval_new) is the evaluator whose thunks proc_format names. */

/* Does `name` occur in n other than as a variable use — bound by a pattern or a definition
 * inside n?  Then substituting its captured value could change what n says. */
static bool bound_inside(const struct ast_node *n, const char *name)
{
    if (!n) return false;
    if (n->kind != AST_VAR && n->name && strcmp(n->name, name) == 0) return true;
    for (uint32_t i = 0; i < n->nkids; i++)
        if (bound_inside(n->kids[i], name)) return true;
    return false;
}

struct subst {
    const struct node_info *x;
    const value *const *vals;     /* the captured values, x->caps[i]'s at vals[i] */
    const bool *safe;             /* which of them may be printed in place */
};

static int print_captured(void *ctx, FILE *out, const char *name)
{
    const struct subst *s = ctx;
    for (uint32_t i = 0; i < s->x->ncaps; i++) {
        if (!s->safe[i] || strcmp(s->x->caps[i], name) != 0) continue;
        char buf[256];
        val_format(s->vals[i], buf, sizeof buf);
        fputs(buf, out);
        return 1;
    }
    return 0;
}

/* t forced for a report, or NULL: quietly (an error leaves no diagnostic — a report must not
 * change a verdict) and cheaply (a step budget), and only between evaluations. */
static const value *force_for_report(struct evaluator *ev, const value *t)
{
    if (ev->depth) return NULL;
    long budget = ev->budget;
    ev->budget = 20000;
    ev->quiet++;
    const value *v = force(ev, t);
    ev->quiet--;
    ev->budget = budget;
    return v;
}

enum { REPORT_DEPTH = 4 };  /* operators shown past the first before "…" */
static int describing;      /* describe_thunk's nesting through proc_format */

/* A thunk in a report: its value, so that a state reads as the events it offers with their
 * values worked out — "picks.0.1 -> eats.0 -> …", a named process by its name, "FORK(0)" —
 * down to REPORT_DEPTH thunks.  A thunk that cannot be forced cheaply is shown as its
 * expression with its captured values put in place. */
static size_t describe_thunk(const value *t, char *buf, size_t len)
{
    struct evaluator *ev = naming;
    if (ev && t->n >= 2 && t->items[0]->num >= 0 && t->code) {
        const value *v = force_for_report(ev, t);
        const char *name = v ? eval_proc_name(ev, v, NULL) : NULL;
        if (name) return (size_t)snprintf(buf, len, "%s", name);
        if (v && describing >= REPORT_DEPTH) return (size_t)snprintf(buf, len, "…");
        if (v) {
            describing++;
            size_t at = proc_format(v, buf, len);
            describing--;
            return at;
        }
    }
    return expression_of_thunk(t, buf, len);
}

/* A thunk as its expression with the local values it captured put in place: "PHIL(3)".  A
 * value that cannot go in place (its name is also bound inside) is listed after: "… [x=1]". */
static size_t expression_of_thunk(const value *t, char *buf, size_t len)
{
    struct evaluator *ev = naming;
    if (!ev || t->n < 2 || t->items[0]->num < 0 || !t->code) return (size_t)snprintf(buf, len, "…");
    const struct ast_node *n = t->code;
    struct node_info *x = info(ev, n);
    bool known = x && x->caps_done && x->ncaps == t->n - 2;
    bool safe[64] = {false};
    if (known && x->ncaps <= 64)
        for (uint32_t i = 0; i < x->ncaps; i++) safe[i] = !bound_inside(n, x->caps[i]);
    struct subst sub = {x, t->items + 2, safe};
    char *text = known ? ast_to_string_with(n, print_captured, &sub) : ast_to_string(n);
    size_t at = (size_t)snprintf(buf, len, "%s", text ? text : "…");
    free(text);
    if (!known) return at;
    bool first = true;
    for (uint32_t i = 0; i < x->ncaps; i++) {
        if (safe[i]) continue;
        at += (size_t)snprintf(at < len ? buf + at : NULL, at < len ? len - at : 0, "%s%s=",
                               first ? " [" : ", ", x->caps[i]);
        at += val_format(t->items[2 + i], at < len ? buf + at : NULL, at < len ? len - at : 0);
        first = false;
    }
    if (!first) at += (size_t)snprintf(at < len ? buf + at : NULL, at < len ? len - at : 0, "]");
    return at;
}

void eval_free(struct evaluator *ev)
{
    if (!ev) return;
    if (naming == ev) {
        naming = NULL;
        proc_set_thunk_printer(NULL);
    }
    proc_sem_free(&ev->sem);
    for (size_t i = 0; i < ev->nowned; i++) free(ev->owned[i]);
    free(ev->owned);
    for (struct scratch_chunk *c = ev->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(ev->ninfo);
    free(ev->memo_k);
    free(ev->memo_v);
    for (uint32_t i = 0; i < ev->pname_cap; i++)
        if (ev->pname_k[i]) free(ev->pname_v[i]);
    free(ev->pname_k);
    free(ev->pname_v);
    free(ev->pname_loc);
    free(ev->busy);
    free(ev->busy_refs);
    free(ev->scopes);
    free(ev->channels);
    free(ev->names);
    free(ev);
}

/* ---- lazy sequences ---- */

/* <n..> is a C_LAZYSEQ closure [n]; a comprehension whose first generator draws from an
 * infinite sequence is a C_LAZYSEQ closure with a node: [scope id, k, skip, captured…] —
 * the elements still to come are those made with the generator's variable bound to k, k+1,
 * …, less the first `skip` of k's batch. */
enum { LAZY_SEARCH = 1000000 };   /* how far head() looks for the next element */

bool ev_is_lazy(const value *v)
{
    const struct code *c = code_of(v);
    return c && c->kind == C_LAZYSEQ;
}

struct batch {
    const struct ast_node *elems;
    struct scope *sc;
    struct vec out;
};

static void batch_one(struct evaluator *ev, const struct env *env, void *data)
{
    struct batch *b = data;
    for (uint32_t i = 0; i < b->elems->nkids; i++)
        vec_push(ev, &b->out, ev_eval(ev, b->elems->kids[i], env, b->sc));
}

static const value *lazy_comp(struct evaluator *ev, const struct code *c, const value *sid,
                              int64_t k, int64_t skip, const value *const *caps)
{
    size_t n = 3 + c->ncaps;
    const value **items = scratch(ev, n * sizeof *items);
    items[0] = sid;
    items[1] = val_int(ev->vs, k);
    items[2] = val_int(ev->vs, skip);
    if (c->ncaps) memcpy(items + 3, caps, c->ncaps * sizeof *items);
    const value *v = val_closure(ev->vs, info(ev, c->node)->id, c, items, n);
    if (!v) oom();
    return v;
}

/* The comprehension n as a lazy sequence when its first generator is infinite; NULL
 * otherwise (it is then evaluated as a finite sequence). */
const value *ev_lazy_comp(struct evaluator *ev, const struct ast_node *n, const struct env *env,
                          struct scope *sc)
{
    const struct ast_node *stmts = n->kids[1];
    if (!stmts->nkids || stmts->kids[0]->kind != AST_GEN) return NULL;
    const value *src = ev_eval(ev, stmts->kids[0]->kids[1], env, sc);
    const struct code *sc0 = code_of(src);
    if (!sc0 || sc0 != &ev->lazyseq_code) return NULL;
    struct node_info *x = captures(ev, n, env);
    if (!x->code) {
        struct code *c = ev_alloc(ev, sizeof *c);
        c->kind = C_LAZYSEQ;
        c->node = n;
        c->caps = x->caps;
        c->ncaps = x->ncaps;
        x->code = c;
    }
    const value **vals = capture_values(ev, x, env, sc, 0);
    return lazy_comp(ev, x->code, vals[0], src->items[0]->num, 0, vals + 1);
}

/* The first element of a lazy sequence and the rest; false when it is empty (a
 * comprehension that finds nothing within LAZY_SEARCH values is an error). */
bool ev_lazy_uncons(struct evaluator *ev, const value *v, const value **head,
                    const value **tail, struct cspm_loc loc)
{
    const struct code *c = code_of(v);
    if (!c->node) {
        *head = v->items[0];
        const value *next = val_int(ev->vs, v->items[0]->num + 1);
        *tail = val_closure(ev->vs, -2, c, &next, 1);
        if (!*tail) oom();
        return true;
    }
    const struct ast_node *n = c->node, *stmts = n->kids[1];
    struct scope *sc = scope_by_id(ev, v->items[0]);
    const struct env *base = bind_captures(ev, c->caps, c->ncaps, v->items + 3, ev_scope_env(ev, sc));
    int64_t k = v->items[1]->num, skip = v->items[2]->num;
    for (int tries = 0; tries < LAZY_SEARCH; tries++, k++, skip = 0) {
        struct scratch_mark m = mark(ev);
        const struct env *env = base;
        struct batch b = {.elems = n->kids[0], .sc = sc};
        if (ev_match(ev, stmts->kids[0]->kids[0], val_int(ev->vs, k), &env, sc))
            ev_stmts(ev, stmts, 1, env, sc, batch_one, &b);
        if ((int64_t)b.out.n > skip) {
            *head = b.out.v[skip];
            bool more = skip + 1 < (int64_t)b.out.n;
            *tail = lazy_comp(ev, c, v->items[0], more ? k : k + 1, more ? skip + 1 : 0, v->items + 3);
            return true;
        }
        release(ev, m);
    }
    ev_fail(ev, loc, "no element of this infinite comprehension among the next %d values",
            LAZY_SEARCH);
}

/* ---- closures ---- */

const value *ev_lambda(struct evaluator *ev, const struct ast_node *n, const struct env *env,
                       struct scope *sc)
{
    struct node_info *x = captures(ev, n, env);
    if (!x->code) {
        struct code *c = ev_alloc(ev, sizeof *c);
        c->kind = C_LAMBDA;
        c->node = n;
        c->caps = x->caps;
        c->ncaps = x->ncaps;
        x->code = c;
    }
    const value **vals = capture_values(ev, x, env, sc, 0);
    const value *f = val_closure(ev->vs, x->id, x->code, vals, 1 + x->ncaps);
    if (!f) oom();
    return f;
}

static const char *fun_name(const struct code *c)
{
    return c->node->kind == AST_D_FUN ? c->node->name : "the function";
}

const value *ev_apply(struct evaluator *ev, const value *f, const value *const *args, size_t n,
                      struct cspm_loc loc)
{
    ev_check_stack(ev, loc);
    const struct code *c = code_of(f);
    if (!c || c->kind == C_LETREF || c->kind == C_SYMSET || c->kind == C_LAZYSEQ) {
        char buf[120];
        ev_format(f, buf, sizeof buf);
        if (f->kind != VAL_CLOSURE) val_format(f, buf, sizeof buf);
        ev_fail(ev, loc, "%s %s is not a function", val_kind_name(f->kind), buf);
    }
    if (c->kind == C_BUILTIN) {
        /* Captured values (relational_image's relation) come before the arguments. */
        if (c->arity >= 0 && (size_t)c->arity != f->n + n)
            ev_fail(ev, loc, "this built-in function takes %d argument%s, given %zu",
                    c->arity - (int)f->n, c->arity - (int)f->n == 1 ? "" : "s", n);
        if (f->n == 0) return ev_call_builtin(ev, c->builtin, args, n, loc);
        const value **all = scratch(ev, (f->n + n + 1) * sizeof *all);
        memcpy(all, f->items, f->n * sizeof *all);
        if (n) memcpy(all + f->n, args, n * sizeof *all);
        return ev_call_builtin(ev, c->builtin, all, f->n + n, loc);
    }
    struct scope *sc = scope_by_id(ev, f->items[0]);
    if (c->kind == C_LAMBDA) {
        const struct ast_node *pats = c->node->kids[0];
        if (pats->nkids != n)
            ev_fail(ev, loc, "the lambda takes %u argument%s, given %zu", pats->nkids,
                    pats->nkids == 1 ? "" : "s", n);
        const struct env *env = ev_scope_env(ev, sc);
        env = bind_captures(ev, c->caps, c->ncaps, f->items + 1, env);
        for (uint32_t i = 0; i < n; i++)
            if (!ev_match(ev, pats->kids[i], args[i], &env, sc)) {
                char buf[200];
                val_format(args[i], buf, sizeof buf);
                ev_fail(ev, loc, "the argument %s does not match the lambda's pattern", buf);
            }
        return ev_eval(ev, c->node->kids[1], env, sc);
    }
    /* C_FUN */
    const struct ast_node *d = c->node, *cl0 = d->kids[0];
    uint32_t k = c->index;
    if (c->ngroups == 0) {
        if (n) ev_fail(ev, loc, "'%s' takes no arguments, given %zu", fun_name(c), n);
    } else if (cl0->kids[k]->nkids != n) {
        ev_fail(ev, loc, "'%s' takes %u argument%s, given %zu", fun_name(c), cl0->kids[k]->nkids,
                cl0->kids[k]->nkids == 1 ? "" : "s", n);
    }
    size_t have = f->n;
    const value **all = scratch(ev, (have + n + 1) * sizeof *all);
    memcpy(all, f->items, have * sizeof *all);
    if (n) memcpy(all + have, args, n * sizeof *all);
    if (k + 1 < c->ngroups) {
        const value *p = val_closure(ev->vs, f->num, c->stage_next, all, have + n);
        if (!p) oom();
        return p;
    }
    const struct env *env = ev_scope_env(ev, sc);
    if (c->group) env = group_env(ev, c->group, f->items, env, sc);
    const value *const *argv = all + 1 + c->ncaps;
    for (uint32_t ci = 0; ci < d->nkids; ci++) {
        const struct ast_node *cl = d->kids[ci];
        const struct env *e2 = env;
        bool ok = true;
        size_t pos = 0;
        for (uint32_t g = 0; g + 1 < cl->nkids && ok; g++)
            for (uint32_t i = 0; i < cl->kids[g]->nkids && ok; i++)
                ok = ev_match(ev, cl->kids[g]->kids[i], argv[pos++], &e2, sc);
        if (ok) {
            const value *r = ev_eval(ev, cl->kids[cl->nkids - 1], e2, sc);
            if (d->kind == AST_D_FUN) name_call(ev, r, d->name, argv, have + n - 1 - c->ncaps, cl->loc);
            return r;
        }
    }
    char buf[300];
    size_t at = 0, total = have + n - 1 - c->ncaps;
    buf[0] = '\0';
    for (size_t i = 0; i < total && at < sizeof buf - 1; i++) {
        if (i) at += (size_t)snprintf(buf + at, sizeof buf - at, ", ");
        if (at < sizeof buf - 1) at += val_format(argv[i], buf + at, sizeof buf - at);
    }
    ev_fail(ev, loc, "no clause of '%s' matches the arguments (%s)", fun_name(c), buf);
}
