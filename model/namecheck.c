/* namecheck.c — the evaluator's static check, run once by eval_new: every name used resolves
 * (a local binder, a declaration of an enclosing scope — through modules, instances and `::`
 * — or a built-in), clauses of one function agree on their arguments, and calls of known
 * functions have the right number of arguments.  Errors go to the module's diagnostics;
 * nothing is evaluated. */
#include <stdlib.h>
#include <string.h>

#include "model/eval_int.h"

static void check_names(struct evaluator *ev, const struct ast_node *n, struct names *bound,
                        struct scope *sc);

static void check_pattern(struct evaluator *ev, const struct ast_node *p, struct scope *sc)
{
    if (!p) return;
    if (p->kind == AST_P_VAR && strstr(p->name, "::") && !ev_lookup_global(ev, sc, p->name))
        diag_error(&ev->m->diags, p->loc, "unknown name '%s'", p->name);
    for (uint32_t i = 0; i < p->nkids; i++) check_pattern(ev, p->kids[i], sc);
}

static void check_stmts(struct evaluator *ev, const struct ast_node *stmts, struct names *bound,
                        struct scope *sc)
{
    if (!stmts) return;
    for (uint32_t i = 0; i < stmts->nkids; i++) {
        const struct ast_node *s = stmts->kids[i];
        if (s->kind == AST_GEN) {
            check_names(ev, s->kids[1], bound, sc);
            check_pattern(ev, s->kids[0], sc);
            ev_pat_names(s->kids[0], bound);
        } else {
            check_names(ev, s->kids[0], bound, sc);
        }
    }
}

static void check_decls(struct evaluator *ev, const struct ast_node *items, struct names *bound,
                        struct scope *sc)
{
    uint32_t nd;
    const struct ast_node *const *ds = ev_flat_decls(ev, items, &nd);
    for (uint32_t i = 0; i < nd; i++) {
        const struct ast_node *d = ds[i];
        size_t save = bound->n;
        switch (d->kind) {
        case AST_D_FUN:
            for (uint32_t c = 0; c < d->nkids; c++) {
                const struct ast_node *cl = d->kids[c], *c0 = d->kids[0];
                bool same = cl->nkids == c0->nkids;
                for (uint32_t g = 0; same && g + 1 < cl->nkids; g++)
                    same = cl->kids[g]->nkids == c0->kids[g]->nkids;
                if (!same)
                    diag_error(&ev->m->diags, cl->loc,
                               "this clause of '%s' takes other arguments than its first clause",
                               d->name);
                size_t s2 = bound->n;
                for (uint32_t g = 0; g + 1 < cl->nkids; g++) {
                    check_pattern(ev, cl->kids[g], sc);
                    ev_pat_names(cl->kids[g], bound);
                }
                check_names(ev, cl->kids[cl->nkids - 1], bound, sc);
                bound->n = s2;
            }
            break;
        case AST_D_PAT:
            check_pattern(ev, d->kids[0], sc);
            check_names(ev, d->kids[1], bound, sc);
            break;
        case AST_D_CHANNEL:
            if (d->nkids > 1) check_names(ev, d->kids[1], bound, sc);
            break;
        case AST_D_DATATYPE:
        case AST_D_SUBTYPE:
            for (uint32_t k = 0; k < d->nkids; k++)
                if (d->kids[k]->nkids) check_names(ev, d->kids[k]->kids[0], bound, sc);
            break;
        case AST_D_NAMETYPE:
        case AST_D_PRINT:
            check_names(ev, d->kids[0], bound, sc);
            break;
        case AST_D_ASSERT:
            check_names(ev, d->kids[0], bound, sc);
            break;
        case AST_D_MODULE: {
            if (!sc) break;
            struct global *g = ev_scope_get(sc, d->name);
            if (g && g->sub) {
                check_decls(ev, d->kids[1], bound, g->sub);
                check_decls(ev, d->kids[2], bound, g->sub);
            } else if (g && g->node == d) {
                /* Parameterised: check against a scratch scope with the parameters bound. */
                for (uint32_t k = 0; k < d->kids[0]->nkids; k++) ev_pat_names(d->kids[0]->kids[k], bound);
                struct scope *tmp = ev_scope_new(ev, sc, "");
                ev_declare_list(ev, tmp, d->kids[1]);
                ev_declare_list(ev, tmp, d->kids[2]);
                check_decls(ev, d->kids[1], bound, tmp);
                check_decls(ev, d->kids[2], bound, tmp);
            }
            break;
        }
        case AST_D_INSTANCE: {
            const char *mod = d->kids[0]->name;
            struct global *mg = ev_find_module(ev, sc, mod);
            if (!mg)
                diag_error(&ev->m->diags, d->kids[0]->loc, "unknown module '%s'", mod);
            check_names(ev, d->kids[1], bound, sc);
            break;
        }
        default:
            break;
        }
        bound->n = save;
    }
}

static bool known_name(struct evaluator *ev, const char *name, struct names *bound,
                       struct scope *sc)
{
    if (!strstr(name, "::") && ev_names_has(bound, name)) return true;
    if (ev_lookup_global(ev, sc, name)) return true;
    return ev_is_builtin_name(name);
}

static void check_names(struct evaluator *ev, const struct ast_node *n, struct names *bound,
                        struct scope *sc)
{
    if (!n) return;
    size_t save = bound->n;
    switch (n->kind) {
    case AST_VAR:
        if (!known_name(ev, n->name, bound, sc))
            diag_error(&ev->m->diags, n->loc, "unknown name '%s'", n->name);
        return;
    case AST_APP: {
        /* Arity: a call of a top-level function (not shadowed) with the wrong number of
         * arguments in its first group. */
        const struct ast_node *f = n->kids[0];
        if (f->kind == AST_VAR && (strstr(f->name, "::") || !ev_names_has(bound, f->name))) {
            struct global *g = ev_lookup_global(ev, sc, f->name);
            if (g && g->kind == G_FUN && g->node->kids[0]->nkids > 1) {
                uint32_t want = g->node->kids[0]->kids[0]->nkids;
                if (want != n->nkids - 1)
                    diag_error(&ev->m->diags, n->loc, "'%s' takes %u argument%s, given %u",
                               f->name, want, want == 1 ? "" : "s", n->nkids - 1);
            }
        }
        for (uint32_t i = 0; i < n->nkids; i++) check_names(ev, n->kids[i], bound, sc);
        break;
    }
    case AST_LET:
        ev_decl_names(ev, n->kids[0], bound);
        check_decls(ev, n->kids[0], bound, sc);
        check_names(ev, n->kids[1], bound, sc);
        break;
    case AST_LAMBDA:
        check_pattern(ev, n->kids[0], sc);
        ev_pat_names(n->kids[0], bound);
        check_names(ev, n->kids[1], bound, sc);
        break;
    case AST_LIST_COMP:
    case AST_SET_COMP:
    case AST_ENUM_SET_COMP:
        check_stmts(ev, n->kids[1], bound, sc);
        check_names(ev, n->kids[0], bound, sc);
        break;
    case AST_LIST_RANGE:
    case AST_SET_RANGE:
        if (n->nkids > 2) check_stmts(ev, n->kids[2], bound, sc);
        check_names(ev, n->kids[0], bound, sc);
        check_names(ev, n->kids[1], bound, sc);
        break;
    case AST_LIST_FROM:
    case AST_SET_FROM:
        if (n->nkids > 1) check_stmts(ev, n->kids[1], bound, sc);
        check_names(ev, n->kids[0], bound, sc);
        break;
    case AST_PREFIX: {
        check_names(ev, n->kids[0], bound, sc);
        const struct ast_node *fs = n->kids[1];
        for (uint32_t i = 0; i < fs->nkids; i++) {
            const struct ast_node *f = fs->kids[i];
            if (f->kind == AST_FIELD_OUT) {
                check_names(ev, f->kids[0], bound, sc);
            } else {
                if (f->nkids > 1) check_names(ev, f->kids[1], bound, sc);
                check_pattern(ev, f->kids[0], sc);
                ev_pat_names(f->kids[0], bound);
            }
        }
        check_names(ev, n->kids[2], bound, sc);
        break;
    }
    case AST_RENAME:
        check_names(ev, n->kids[0], bound, sc);
        check_stmts(ev, n->kids[2], bound, sc);
        check_names(ev, n->kids[1], bound, sc);
        break;
    case AST_LINK_PAR:
        check_names(ev, n->kids[0], bound, sc);
        check_names(ev, n->kids[3], bound, sc);
        check_stmts(ev, n->kids[2], bound, sc);
        check_names(ev, n->kids[1], bound, sc);
        break;
    case AST_REP_EXT_CHOICE:
    case AST_REP_INT_CHOICE:
    case AST_REP_INTERLEAVE:
    case AST_REP_SEQ_COMP:
        check_stmts(ev, n->kids[0], bound, sc);
        check_names(ev, n->kids[1], bound, sc);
        break;
    case AST_REP_GEN_PAR:
    case AST_REP_SYNC_EXT_CHOICE:
        check_names(ev, n->kids[0], bound, sc);
        check_stmts(ev, n->kids[1], bound, sc);
        check_names(ev, n->kids[2], bound, sc);
        break;
    case AST_REP_ALPHA_PAR:
        check_stmts(ev, n->kids[0], bound, sc);
        check_names(ev, n->kids[1], bound, sc);
        check_names(ev, n->kids[2], bound, sc);
        break;
    case AST_REP_LINK_PAR:
        check_stmts(ev, n->kids[2], bound, sc);
        check_names(ev, n->kids[3], bound, sc);
        check_stmts(ev, n->kids[1], bound, sc);
        check_names(ev, n->kids[0], bound, sc);
        break;
    default:
        if (n->kind >= AST_P_VAR && n->kind <= AST_P_DOUBLE) return;
        if (n->kind >= AST_T_SCHEME) return;
        for (uint32_t i = 0; i < n->nkids; i++) check_names(ev, n->kids[i], bound, sc);
        break;
    }
    bound->n = save;
}

void ev_check_names(struct evaluator *ev)
{
    struct names bound = {0};
    check_decls(ev, ev->m->decls, &bound, ev->top);
    free(bound.v);
}
