/* The CSPm abstract syntax tree: one node struct for every kind (model/node_list.h documents
 * the kids of each), with its place in the source.  The tree is what the parser saw, with
 * patterns already told apart from expressions and function clauses grouped; names are not
 * resolved (that is the renamer's job) and no runtime value appears in it.
 * Every tree is at most AST_MAX_HEIGHT deep, so code walking it may recurse.
 * Ownership: nodes live in the arena of the cspm_module that parsed them. */
#ifndef BATON_MODEL_AST_H
#define BATON_MODEL_AST_H

#include <stdint.h>
#include <stdio.h>

#include "model/arena.h"
#include "model/diag.h"
#include "model/node_list.h"

enum ast_kind {
#define X(name, printed, layout) AST_##name,
    AST_NODES(X)
#undef X
    AST_COUNT
};

enum ast_property {
#define X(name, text) PROP_##name,
    AST_PROPERTIES(X)
#undef X
    PROP_COUNT
};

/* Nesting limits: the parser refuses deeper input with a clear error instead of overflowing
 * the C stack.  AST_MAX_NESTING bounds brackets and right-nested operators (parser recursion);
 * AST_MAX_HEIGHT bounds the finished tree, including long left-associative chains. */
enum { AST_MAX_NESTING = 1000, AST_MAX_HEIGHT = 10000 };

struct ast_node {
    uint16_t kind;              /* enum ast_kind */
    uint16_t height;            /* 1 + the greatest height of the kids */
    uint32_t nkids;
    struct cspm_loc loc;        /* where the construct starts */
    struct ast_node **kids;
    const char *name;           /* names, string literal bytes (NUL-terminated) */
    uint32_t len;               /* length of name */
    int32_t aux, aux2;          /* models, properties, variants (see node_list.h) */
    int64_t num;                /* integer and character values, booleans */
};

/* A node of KIND at LOC with N kids copied from KIDS (which may be NULL when N is 0). */
struct ast_node *ast_new(struct arena *a, enum ast_kind kind, struct cspm_loc loc,
                         struct ast_node *const *kids, uint32_t n);
struct ast_node *ast_new0(struct arena *a, enum ast_kind kind, struct cspm_loc loc);
struct ast_node *ast_new1(struct arena *a, enum ast_kind kind, struct cspm_loc loc,
                          struct ast_node *k0);
struct ast_node *ast_new2(struct arena *a, enum ast_kind kind, struct cspm_loc loc,
                          struct ast_node *k0, struct ast_node *k1);
struct ast_node *ast_new3(struct arena *a, enum ast_kind kind, struct cspm_loc loc,
                          struct ast_node *k0, struct ast_node *k1, struct ast_node *k2);

/* Recomputes N's height from its kids (after kids were replaced). */
void ast_fix_height(struct ast_node *n);

/* "int", "[]", "D_FUN"-style printed names, and the layout text of node_list.h. */
const char *ast_kind_name(enum ast_kind k);
const char *ast_kind_layout(enum ast_kind k);
const char *ast_property_name(enum ast_property p);

/* Prints N in CSPm syntax with every operator application parenthesised, e.g.
 * "((a -> P) [] (b -> Q))": the form the tests use to check precedence.  Declarations print
 * one per line.  The output parses back to the same tree. */
void ast_print(FILE *out, const struct ast_node *n);

/* The same into a malloc'd string (caller frees); NULL without memory. */
char *ast_to_string(const struct ast_node *n);

/* The same, asking var first for each variable (not pattern) occurrence: it prints what
 * should stand there and returns 1, or returns 0 for the name itself. */
typedef int ast_var_printer(void *ctx, FILE *out, const char *name);
char *ast_to_string_with(const struct ast_node *n, ast_var_printer *var, void *ctx);

#endif
