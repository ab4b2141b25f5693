/* eval_int.h — what the evaluator's files share (model/eval.c, pattern.c, dot.c,
 * builtins.c): the evaluator's state, scopes, local environments and error unwinding.
 * Nothing outside model/eval*.c, pattern.c, dot.c and builtins.c includes it.
 * Ownership: the evaluator owns scopes, globals, code records and the scratch memory;
 * values live in the store. */
#ifndef BATON_MODEL_EVAL_INT_H
#define BATON_MODEL_EVAL_INT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "model/eval.h"

/* The val_name kinds the evaluator creates. */
enum { NK_CHANNEL = 1, NK_CTOR = 2, NK_DATATYPE = 3 };

/* What a global name is. */
enum global_kind {
    G_VALUE,      /* a pattern binding: node D_PAT, index = which variable */
    G_FUN,        /* a function: node D_FUN */
    G_CHANNEL,    /* a channel: info */
    G_CTOR,       /* a datatype constructor: info */
    G_DATATYPE,   /* a datatype or subtype: node D_DATATYPE / D_SUBTYPE */
    G_NAMETYPE,   /* node D_NAMETYPE */
    G_MODULE,     /* a module: node D_MODULE, sub = its scope (NULL when parameterised) */
    G_INSTANCE,   /* an instance: node D_INSTANCE, sub = its scope */
    G_EXTERNAL,   /* `external`/`transparent` of a built-in */
};

struct scope;

/* The declaration record of a channel or constructor (val_name.decl). */
struct nameinfo {
    const struct ast_node *node;   /* D_CHANNEL or CTOR */
    const struct ast_node *type;   /* the field type expression, or NULL */
    struct scope *scope;           /* where the type is evaluated */
    const struct val_name *name;
    const value *value;            /* the NAME value */
    struct global *datatype;       /* constructors: their datatype */
    int state;                     /* 0 fields unknown, 1 computing, 2 known */
    uint32_t arity;
    const value **fields;          /* arity field sets (finite sets or symbolic sets) */
    const value *all;              /* every complete value, a finite set, or NULL */
    bool infinite;                 /* some field set cannot be enumerated */
};

struct global {
    const char *name;              /* unqualified */
    enum global_kind kind;
    const struct ast_node *node;
    uint32_t index;
    struct scope *scope;           /* where it is declared */
    struct scope *sub;             /* modules and instances */
    struct nameinfo *info;         /* channels and constructors */
    const value *val;
    int state;                     /* 0 not evaluated, 1 being evaluated, 2 done */
    struct global *next;           /* hash chain */
    struct global *order;          /* declaration order within the scope */
};

struct scope {
    uint32_t id;
    struct scope *parent;
    const char *prefix;            /* "M1::" for names declared inside, "" at top level */
    struct global **table;         /* hash on the name */
    uint32_t cap, count;
    struct global *first, *last;   /* declaration order */
    /* Instances of parameterised modules: the parameters and the arguments. */
    const struct ast_node *params; /* ITEMS of patterns, or NULL */
    const struct ast_node *args;   /* ITEMS of expressions */
    struct scope *args_scope;
    const struct env *penv;        /* parameter bindings once matched */
    int pstate;
};

/* A local environment: a chain of bindings in scratch memory. */
struct env {
    const char *name;
    const value *v;
    const struct env *next;
};

/* Closures: CLOSURE values with code pointing at one of these. */
enum code_kind { C_FUN, C_LAMBDA, C_LETREF, C_BUILTIN, C_SYMSET, C_LAZYSEQ };

struct code {
    enum code_kind kind;
    const struct ast_node *node;   /* D_FUN, LAMBDA, D_PAT (LETREF) */
    uint32_t index;                /* LETREF: which variable; FUN: argument groups taken */
    uint32_t ngroups;              /* FUN: argument groups of every clause */
    const struct ast_node *group;  /* LETREF/FUN in a let: ITEMS of the group's decls */
    const char *const *caps;       /* names captured in env (after the scope id) */
    uint32_t ncaps;
    int builtin;                   /* C_BUILTIN: index; C_SYMSET: symbolic kind */
    int arity;                     /* C_BUILTIN: number of arguments */
    struct code *stage_next;       /* FUN: the partial application after one more group */
};

/* Symbolic (non-enumerable) sets: CLOSURE values with a C_SYMSET code. */
enum symset { SYM_SEQ, SYM_SET, SYM_CHAR, SYM_PROC, SYM_DATATYPE, SYM_EVENTS_ANY, SYM_MAP,
              SYM_COUNT };

/* Scratch memory: bump allocation released to a mark (environments, temporary arrays). */
struct scratch_chunk;
struct scratch_mark {
    struct scratch_chunk *chunk;
    size_t used;
};

struct node_info;

struct evaluator {
    struct cspm_module *m;
    val_store *vs;
    struct proc_sem sem;
    struct scope *top;
    struct scope **scopes;
    uint32_t nscopes, cap_scopes;
    /* node -> info (ids, free variables, code records) */
    struct node_info **ninfo;
    uint32_t ninfo_cap, ninfo_count;
    uint32_t next_id;
    /* LETREF memo: value -> value */
    const value **memo_k, **memo_v;
    uint32_t memo_cap, memo_count;
    /* Processes by the name that made them, for reports: "PHIL(0)" (eval_proc_name). */
    const value **pname_k;
    char **pname_v;
    struct cspm_loc *pname_loc;
    uint32_t pname_cap, pname_count;
    /* scratch */
    struct scratch_chunk *chunks;
    struct scratch_chunk *cur;
    size_t cur_used;
    /* unwinding */
    jmp_buf *jb;
    struct global **busy;          /* globals being evaluated (reset on unwind) */
    uint32_t nbusy, cap_busy;
    const value **busy_refs;       /* LETREFs being evaluated */
    uint32_t nbusy_refs, cap_busy_refs;
    uintptr_t stack_base;
    size_t stack_limit;
    /* everything allocated with ev_alloc, freed at eval_free */
    void **owned;
    size_t nowned, cap_owned;
    const value *events;           /* cached Events */
    uint32_t events_channels;      /* how many channels it covers */
    struct nameinfo **channels;    /* every channel, in declaration order */
    uint32_t nchannels, cap_channels;
    const char **names;            /* top-level value names (eval_global_names) */
    size_t nnames, cap_names;
    struct code builtin_codes[128];
    struct code symset_codes[SYM_COUNT];
    struct code lazyseq_code;      /* <n..>: a CLOSURE holding n */
    struct code buffer_code;       /* marks BUFFER state thunks */
    const value *stop, *skip;
    const struct ast_node *timed;  /* the first Timed section (D_TIMED), or NULL */
    const value *tstop, *tskip;    /* STOP and SKIP of the Timed sections (once made) */
    long steps;                    /* evaluation steps since the outermost API entry */
    long budget;                   /* eval_set_budget; 0 for none */
    eval_poll_fn *poll;            /* eval_set_poll */
    void *poll_ctx;
    unsigned long polls;           /* steps counted towards the next poll */
    const char *interrupted;       /* the reason poll gave, sticky */
    int depth;                     /* API entries in progress */
    int quiet;                     /* > 0: errors unwind without a diagnostic (reports) */
};

/* A list of names (malloc'd array of borrowed strings). */
struct names {
    const char **v;
    size_t n, cap;
};

/* ---- eval.c ---- */
bool ev_names_has(const struct names *s, const char *name);
void ev_names_add(struct names *s, const char *name);
void ev_pat_names(const struct ast_node *p, struct names *bound);   /* pattern variables */
/* A declaration list with Timed sections spliced in (memoised per list). */
const struct ast_node *const *ev_flat_decls(struct evaluator *ev, const struct ast_node *items,
                                            uint32_t *n);
void ev_decl_names(struct evaluator *ev, const struct ast_node *items, struct names *bound);
struct scope *ev_scope_new(struct evaluator *ev, struct scope *parent, const char *prefix);
struct global *ev_scope_get(struct scope *s, const char *name);
void ev_declare_list(struct evaluator *ev, struct scope *s, const struct ast_node *items);
struct global *ev_find_module(struct evaluator *ev, struct scope *from, const char *mod);
_Noreturn void ev_fail(struct evaluator *ev, struct cspm_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void *ev_alloc(struct evaluator *ev, size_t n);           /* lives until eval_free */
void *scratch(struct evaluator *ev, size_t n);            /* lives until the API call ends */
const value *ev_eval(struct evaluator *ev, const struct ast_node *n, const struct env *env,
                     struct scope *sc);
/* Remembers that process p is what `name` (defined at loc) stands for, unless p has a name. */
void ev_name_proc(struct evaluator *ev, const value *p, const char *name, struct cspm_loc loc);
const value *ev_apply(struct evaluator *ev, const value *f, const value *const *args,
                      size_t n, struct cspm_loc loc);
struct global *ev_lookup_global(struct evaluator *ev, struct scope *sc, const char *name);
const value *ev_global_value(struct evaluator *ev, struct global *g, struct cspm_loc loc);
const struct env *ev_bind(struct evaluator *ev, const struct env *env, const char *name,
                          const value *v);
const value *ev_events(struct evaluator *ev, struct cspm_loc loc);
const value *ev_symset(struct evaluator *ev, enum symset kind, const value *const *args,
                       size_t n);
/* A finite set's elements (error at loc for an infinite set); a sequence's items too. */
const value *ev_finite(struct evaluator *ev, const value *s, struct cspm_loc loc);
bool ev_member(struct evaluator *ev, const value *set, const value *x, struct cspm_loc loc);
const value *ev_proc(struct evaluator *ev, int op, const value *const *items, size_t n);
size_t ev_format(const value *v, char *buf, size_t len);

/* A growable array of values in scratch memory. */
struct vec {
    const value **v;
    size_t n, cap;
};
void vec_push(struct evaluator *ev, struct vec *a, const value *x);

const struct env *ev_scope_env(struct evaluator *ev, struct scope *sc);
void ev_check_stack(struct evaluator *ev, struct cspm_loc loc);
const value *ev_lookup(struct evaluator *ev, const char *name, const struct env *env,
                        struct scope *sc, struct cspm_loc loc);
const value *ev_thunk(struct evaluator *ev, const struct ast_node *n, const struct env *env,
                      struct scope *sc);
const value *ev_let(struct evaluator *ev, const struct ast_node *n, const struct env *env,
                    struct scope *sc);
const value *ev_lambda(struct evaluator *ev, const struct ast_node *n, const struct env *env,
                       struct scope *sc);
bool ev_means_builtin(struct evaluator *ev, const char *name, const struct env *env,
                      struct scope *sc);
bool ev_is_lazy(const value *v);
const value *ev_lazy_comp(struct evaluator *ev, const struct ast_node *n, const struct env *env,
                          struct scope *sc);
bool ev_lazy_uncons(struct evaluator *ev, const value *v, const value **head,
                    const value **tail, struct cspm_loc loc);
const value *ev_buffer_state(struct evaluator *ev, const value *n, const value *R,
                             const value *q, const value *explode);
const value *ev_expect_proc(struct evaluator *ev, const value *v, struct cspm_loc loc);

/* The innermost Timed section (D_TIMED) lexically around node n, or NULL. */
const struct ast_node *ev_timed_section(struct evaluator *ev, const struct ast_node *n);

/* ---- eval_expr.c ---- */
/* Runs the statements (generators and predicates) of a comprehension from index i, calling
 * each(ev, env, data) for every binding that satisfies them. */
typedef void stmt_fn(struct evaluator *ev, const struct env *env, void *data);
void ev_stmts(struct evaluator *ev, const struct ast_node *stmts, uint32_t i,
              const struct env *env, struct scope *sc, stmt_fn *each, void *data);
const value *ev_set_of(struct evaluator *ev, struct vec *items);
const value *ev_seq_of(struct evaluator *ev, struct vec *items);

/* ---- eval_proc.c ---- */
/* The event tock (error at loc when there is no `channel tock`). */
const value *ev_tock(struct evaluator *ev, struct cspm_loc loc);
/* Timed STOP: tock for ever (STOP(tock)); timed SKIP: tock for ever or ✓ (SKIP(tock)). */
const value *ev_timed_stop(struct evaluator *ev, struct cspm_loc loc);
const value *ev_timed_skip(struct evaluator *ev, struct cspm_loc loc);
const value *ev_process(struct evaluator *ev, const struct ast_node *n, const struct env *env,
                        struct scope *sc);
const value *ev_event_set(struct evaluator *ev, const value *s, struct cspm_loc loc);

/* ---- pattern.c ---- */
/* Matches pattern p against v, binding variables onto *env; false when it does not match. */
bool ev_match(struct evaluator *ev, const struct ast_node *p, const value *v,
              const struct env **env, struct scope *sc);
/* Is this pattern-variable name a constructor or channel in scope (a constant pattern)? */
bool ev_is_ctor_name(struct evaluator *ev, struct scope *sc, const char *name);

/* ---- dot.c ---- */
struct nameinfo *ev_nameinfo(const value *v);             /* channel/ctor NAME, else NULL */
void ev_fields(struct evaluator *ev, struct nameinfo *ni, struct cspm_loc loc);
bool ev_is_complete(struct evaluator *ev, const value *v, struct cspm_loc loc);
const value *ev_dot(struct evaluator *ev, const value *a, const value *b, struct cspm_loc loc);
/* The complete values that extend v (a channel, a constructor, partial dots); {v} otherwise. */
const value *ev_productions(struct evaluator *ev, const value *v, struct cspm_loc loc);
/* The x with v.x complete; with first_only, only the next field. */
const value *ev_extensions(struct evaluator *ev, const value *v, bool first_only,
                           struct cspm_loc loc);
/* The set of every value of a type expression (`{0,1}.Bool`, a datatype, …). */
const value *ev_type_set(struct evaluator *ev, const struct ast_node *t, const struct env *env,
                         struct scope *sc);
const value *ev_datatype_set(struct evaluator *ev, struct global *g, struct cspm_loc loc);
/* A channel or constructor (with its fields known), or a dot headed by one with fields. */
bool ev_is_named(const value *v);

/* ---- builtins.c ---- */
void ev_builtins_init(struct evaluator *ev);
/* The built-in named s (a function CLOSURE or a constant), or NULL. */
const value *ev_builtin(struct evaluator *ev, const char *s, struct cspm_loc loc);
bool ev_is_builtin_name(const char *s);
/* Is s (maybe qualified, M::normal) a compression function (normal, sbisim, …)?  *kind (may
 * be NULL) gets its enum proc_compression, or -1 for one that is an identity here. */
bool ev_is_compression(const char *s, int *kind);
/* p under compression kind: a COMPRESS term, or p itself for kind -1. */
const value *ev_compress(struct evaluator *ev, const value *p, int kind);
const value *ev_call_builtin(struct evaluator *ev, int b, const value *const *args, size_t n,
                             struct cspm_loc loc);
/* Comparison and arithmetic helpers shared with eval.c. */
int64_t ev_int(struct evaluator *ev, const value *v, struct cspm_loc loc);
bool ev_bool(struct evaluator *ev, const value *v, struct cspm_loc loc);
const value *ev_set_op(struct evaluator *ev, int op, const value *a, const value *b,
                       struct cspm_loc loc);
bool ev_subset(struct evaluator *ev, const value *a, const value *b, struct cspm_loc loc);
enum { SETOP_UNION, SETOP_INTER, SETOP_DIFF };

#endif
