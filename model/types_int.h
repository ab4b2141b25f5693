/* Internals of the CSPm typechecker shared by model/types.c (inference) and model/unify.c
 * (type terms, unification, classes, printing).  Not part of the front end's interface.
 * Ownership: every struct ty lives in the arena of the module being checked. */
#ifndef BATON_MODEL_TYPES_INT_H
#define BATON_MODEL_TYPES_INT_H

#include <stdint.h>

#include "model/resolve.h"
#include "model/types.h"

/* Every kind of type term, listed once (enum and printer). */
#define TY_KINDS(X)                                                                                \
    X(VAR, "type variable")     /* link != NULL once bound */                                   \
    X(SKOLEM, "rigid variable") /* a variable of a type annotation while checking the definition */ \
    X(INT, "Int")                                                                                  \
    X(BOOL, "Bool")                                                                                \
    X(CHAR, "Char")                                                                                \
    X(PROC, "Proc")                                                                                \
    X(EVENT, "Event")                                                                              \
    X(TUPLE, "tuple")           /* a[0..n-1] */                                                   \
    X(SEQ, "sequence")          /* a[0] */                                                         \
    X(SET, "set")               /* a[0] */                                                         \
    X(MAP, "map")               /* a[0] => a[1] */                                                 \
    X(FUN, "function")          /* a[0..n-2] -> a[n-1] */                                          \
    X(DATA, "datatype")         /* id = the datatype's binding */                                  \
    X(YIELD, "yield")           /* a[0].….a[n-2] => a[n-1]: a channel or constructor short of \
                                   fields; a yield of a yield is one yield, and a dotted field \
                                   is as many fields as it has parts (libcspm's normal form) */ \
    X(DOT, "dotted type")       /* a[0].….a[n-1], n >= 2: a dotted value that no channel or      \
                                   constructor heads (0.1, true.B.0, A.1.A, a dot pattern x.y) */

enum ty_kind {
#define X(k, text) TY_##k,
    TY_KINDS(X)
#undef X
};

/* Type classes, as bits on variables and skolems. */
enum { C_EQ = 1, C_ORD = 2, C_SET = 4, C_YIELD = 8,
       C_SPLIT = 16,    /* matched by a dot pattern with a variable head: a dotted value */
       C_EXT = 32,      /* VAR: what a channel or constructor of unknown fields yields after
                           the fields it was given — an event, a datatype value, or a yield
                           for more fields (libcspm's extendable types); not a class */
       C_ENUM = 64 };   /* VAR: named in {| |}, so a channel or constructor whose fields are
                           the items a dot gives it (libcspm's TExtendable); not a class */

enum { LEVEL_GENERIC = 1 << 30 };

/* Types can grow exponentially (f1(x) = (x, x), f2(x) = f1(f1(x)), …): past this many steps
 * of unification, copying or class checking the checker stops and accepts what is left,
 * rather than hang.  Real specifications stay far below it (docs/cspm-types.md). */
#define TY_BUDGET 20000000u


struct ty {
    uint8_t kind;               /* enum ty_kind */
    uint8_t cls;                /* VAR, SKOLEM: classes required (VAR) or granted (SKOLEM) */
    uint32_t n;                 /* number of a[] */
    int32_t level;              /* VAR: binding level (LEVEL_GENERIC in a scheme) */
    struct ty *link;            /* VAR: what it was unified with */
    struct ty **a;
    uint32_t id;                /* DATA: datatype binding; VAR: serial */
    uint32_t inst;              /* DATA: the instance it was reached through (0: any) */
    uint32_t stamp;             /* VAR: the instantiation that made `copy` */
    struct ty *copy;            /* VAR: its copy in that instantiation */
    const char *name;           /* SKOLEM: the annotation's name; DATA: the datatype's */
};

struct fields {                 /* the field types of a channel or constructor */
    struct ty **f;
    uint32_t n;
    uint8_t state;              /* 0 not computed, 1 computing, 2 done, 3 unknown (gave up) */
};

struct tc {
    struct cspm_module *m;
    struct arena *a;
    struct rs_table *t;
    int nerr;
    int level;                  /* current let-nesting level for generalisation */
    int depth;                  /* demand-driven inference depth */
    int edepth;                 /* nesting of expressions being inferred */
    uint32_t serial;
    struct ty **btype;          /* per binding: its type (scheme when bpoly) */
    uint8_t *bpoly, *bstate;    /* per binding: generalised; 0 new, 1 inferring, 2 done */
    struct fields *bfields;     /* per binding: channel / constructor fields */
    uint8_t *dt_eq;             /* per datatype binding: 0 unknown, 1 checking, 2 Eq, 3 not */
    uint32_t *dt_module;        /* per datatype binding: the module declaring it (0: top level) */
    struct ty **builtin;        /* per built-in: its scheme, parsed once */
    uint32_t inst_stamp;        /* counts instantiations (struct ty's stamp) */
    uint64_t steps;             /* work done on type terms, against TY_BUDGET */
    int exhausted;              /* the budget ran out: stop checking, accept (see unify.c) */
    char why[256];              /* why the last unification failed, when not a plain mismatch */
    struct cspm_loc last_loc;   /* the place and reason of the last error (ty_error) */
    char last_why[256];
    struct ty *prim[TY_EVENT + 1];
    struct ast_node **instances;    /* every D_INSTANCE, for check_module_ambiguity */
    uint32_t ninstances, cap_instances;
    uint32_t *field_params;     /* module parameters used directly as a field type */
    uint32_t nfield_params, cap_field_params;
    struct ty *scoped[64];      /* skolems of the annotations being checked, innermost last */
    int nscoped;
};

/* Counts one step; true once the budget is spent. */
static inline int ty_spent(struct tc *c)
{
    if (++c->steps > TY_BUDGET) c->exhausted = 1;
    return c->exhausted;
}

struct ty *ty_prune(struct ty *t);
struct ty *ty_new(struct tc *c, enum ty_kind k, uint32_t n);
struct ty *ty_var(struct tc *c, uint8_t cls);
struct ty *ty_prim(struct tc *c, enum ty_kind k);
struct ty *ty_un(struct tc *c, enum ty_kind k, struct ty *x);     /* SEQ, SET */
struct ty *ty_data(struct tc *c, uint32_t id);

/* The dotted type of the N types TS (a component that is itself dotted is spliced in);
 * TS[0] alone when N is 1. */
struct ty *ty_dot(struct tc *c, struct ty **ts, uint32_t n);

/* The components of T, flattened (a bound variable or component that is dotted is spliced
 * in), into OUT (at most MAX); returns how many there are (1 when T is not dotted). */
uint32_t ty_dot_parts(struct ty *t, struct ty **out, uint32_t max);

/* Unifies EXPECTED with FOUND; on failure reports "type mismatch: expected …, found …"
 * (or the class that failed) at LOC, prefixed by CONTEXT when not NULL; returns 0 then. */
int ty_unify(struct tc *c, struct ty *expected, struct ty *found, struct cspm_loc loc,
             const char *context);

/* Requires class CLS of T (a variable remembers it); reports at LOC; returns 0 on failure. */
int ty_require(struct tc *c, struct ty *t, uint8_t cls, struct cspm_loc loc, const char *context);

/* Scheme handling: variables deeper than the current level become generic; instantiation
 * copies generic variables as fresh ones (SKOLEM = 1: as skolems, for checking an
 * annotation; SKOLEM = 2: every unbound variable, for a module's parameters). */
void ty_generalise(struct tc *c, struct ty *t);
struct ty *ty_instantiate(struct tc *c, struct ty *t, int skolem);

/* The fields a yield T still needs, flattened (a result that is itself a yield continues
 * the list; a dotted field counts its parts) into OUT (at most MAX), and its final result
 * into *RES; returns how many there are. */
uint32_t ty_yield_args(struct ty *t, struct ty **out, uint32_t max, struct ty **res);

/* The yield ARGS[0..N) => RES (RES itself when N is 0). */
struct ty *ty_yield(struct tc *c, struct ty **args, uint32_t n, struct ty *res);

/* Does T still contain an unbound variable or a skolem? */
int ty_ambiguous(struct tc *c, struct ty *t);

/* T printed in CSPm's type syntax into BUF. */
void ty_print(struct tc *c, struct ty *t, char *buf, size_t n);

/* The error every check reports through (counts it). */
void ty_error(struct tc *c, struct cspm_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The fields of channel or constructor binding ID (computed on first use, in types.c). */
struct fields *ty_fields(struct tc *c, uint32_t id);

#endif
