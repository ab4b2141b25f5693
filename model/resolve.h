/* Name resolution for CSPm (the renamer): binds every name of a loaded specification to its
 * definition — top-level and let definitions, channels, datatypes and their constructors,
 * subtypes, nametypes, modules and instances (`M::x`), pattern-bound variables, built-ins —
 * and reports unknown names, duplicate definitions in one scope, a pattern binding a variable
 * twice, clauses of one function that take different arguments, calls of a function with the
 * wrong number of arguments, module misuse and wrong module arities, each at its place.
 * It is the front end's only name check: the evaluator relies on it (model/eval.h).
 *
 * Results are written into the tree: a VAR, P_VAR or T_NAME node that names a binding, each
 * name of a D_CHANNEL, each CTOR, and the D_FUN, D_DATATYPE, D_SUBTYPE, D_NAMETYPE, D_MODULE,
 * D_INSTANCE nodes get `aux` = the binding's id (ids start at 1; 0 = none).  A P_VAR whose
 * aux names a channel or constructor is a constant pattern, not a binder.  A qualified name
 * reached through an instance (`I::x`) also gets `aux2` = the instance's binding id.
 * Ownership: the rs_table and everything it points to live in the module's arena. */
#ifndef BATON_MODEL_RESOLVE_H
#define BATON_MODEL_RESOLVE_H

#include <stdint.h>

#include "model/ast.h"
#include "model/parser.h"

/* Every kind of binding, listed once (enum and names). */
#define RS_KINDS(X)                                                                                \
    X(BUILTIN, "built-in")                                                                         \
    X(VALUE, "definition")         /* D_FUN, or a variable of a D_PAT */                          \
    X(PARAM, "variable")           /* bound by a pattern: argument, generator, input, lambda */   \
    X(CHANNEL, "channel")                                                                          \
    X(CTOR, "constructor")                                                                         \
    X(DATATYPE, "datatype")                                                                        \
    X(SUBTYPE, "subtype")                                                                          \
    X(NAMETYPE, "nametype")                                                                        \
    X(MODULE, "module")                                                                            \
    X(INSTANCE, "instance")

enum rs_kind {
#define X(k, text) RS_##k,
    RS_KINDS(X)
#undef X
    RS_KIND_COUNT
};

struct rs_module;

struct rs_binding {
    uint8_t kind;                /* enum rs_kind */
    uint8_t in_module;           /* defined inside a module (its types may depend on parameters) */
    uint16_t builtin;            /* RS_BUILTIN: index into the built-in table of types.c */
    const char *name;
    uint32_t len;
    struct ast_node *decl;       /* defining declaration (D_FUN, D_PAT, D_CHANNEL, CTOR, …) */
    struct ast_node *site;       /* where the name is written (for messages) */
    struct ast_node *annot;      /* T_SCHEME of a `name :: type` annotation, or NULL */
    struct ast_node *owner;      /* CTOR: its D_DATATYPE; D_PAT variable: the D_PAT */
    struct rs_module *mod;       /* MODULE: the module; INSTANCE: the module instantiated */
    uint32_t index;              /* CTOR: position in the datatype; CHANNEL: in its decl */
    uint8_t let_bound;           /* VALUE defined by a `let` (monomorphic unless annotated) */
};

struct rs_table {
    struct rs_binding *b;        /* b[1..n-1]; b[0] unused */
    uint32_t n, cap;
    int timed;                   /* the specification has a Timed section (tock is defined) */
};

/* Resolves every name of M's declarations, adding errors to M->diags.  Returns the binding
 * table (never NULL; in M's arena) and stores the number of errors added in *NERR. */
struct rs_table *resolve_module(struct cspm_module *m, int *nerr);

/* Do clauses C1 and C2 of one function take the same argument groups, each of as many
 * arguments?  (The renamer reports a clause that does not match its first.) */
int rs_same_arity(const struct ast_node *c1, const struct ast_node *c2);

/* The number of arguments of the first argument group of the function that F (a resolved
 * VAR) names, when it is defined by clauses; 0 otherwise.  The renamer reports calls that
 * give another number. */
uint32_t rs_call_arity(const struct rs_table *t, const struct ast_node *f);

/* The printed name of a binding kind ("channel", "constructor", …). */
const char *rs_kind_name(enum rs_kind k);

/* The built-ins that every specification sees, and those only a Timed section, `external`
 * or `transparent` make visible; types.c gives each its type.  RS_BUILTINS(X) lists
 * X(name, type, where) with where = 0 (always), 1 (inside Timed sections; `tock` everywhere
 * once there is one), or a mask of 2 (may be declared `external`) and 4 (`transparent`). */
#define RS_BUILTINS(X)                                                                             \
    X("true", "Bool", 0)                                                                           \
    X("false", "Bool", 0)                                                                          \
    X("STOP", "Proc", 0)                                                                           \
    X("SKIP", "Proc", 0)                                                                           \
    X("DIV", "Proc", 0)                                                                            \
    X("RUN", "({Event}) -> Proc", 0)                                                               \
    X("CHAOS", "({Event}) -> Proc", 0)                                                             \
    X("Events", "{Event}", 0)                                                                      \
    X("Int", "{Int}", 0)                                                                           \
    X("Bool", "{Bool}", 0)                                                                         \
    X("Char", "{Char}", 0)                                                                         \
    X("Proc", "{Proc}", 0)                                                                         \
    X("union", "Set a => ({a}, {a}) -> {a}", 0)                                                    \
    X("inter", "Set a => ({a}, {a}) -> {a}", 0)                                                    \
    X("diff", "Set a => ({a}, {a}) -> {a}", 0)                                                     \
    X("Union", "Set a => ({{a}}) -> {a}", 0)                                                       \
    X("Inter", "Set a => ({{a}}) -> {a}", 0)                                                       \
    X("member", "Eq a => (a, {a}) -> Bool", 0)                                                     \
    X("card", "Eq a => ({a}) -> Int", 0)                                                           \
    X("empty", "Eq a => ({a}) -> Bool", 0)                                                         \
    X("set", "Set a => (<a>) -> {a}", 0)                                                           \
    X("seq", "Eq a => ({a}) -> <a>", 0)                                                            \
    X("Set", "Set a => ({a}) -> {{a}}", 0)                                                         \
    X("Seq", "Set a => ({a}) -> {<a>}", 0)                                                         \
    X("head", "(<a>) -> a", 0)                                                                     \
    X("tail", "(<a>) -> <a>", 0)                                                                   \
    X("length", "(<a>) -> Int", 0)                                                                 \
    X("null", "(<a>) -> Bool", 0)                                                                  \
    X("elem", "Eq a => (a, <a>) -> Bool", 0)                                                       \
    X("concat", "(<<a>>) -> <a>", 0)                                                               \
    X("productions", "(a) -> {b}", 0)                                                              \
    X("extensions", "(a) -> {b}", 0)                                                               \
    X("mapFromList", "Set k => (<(k, v)>) -> (|k => v|)", 0)                                       \
    X("mapLookup", "Set k => ((|k => v|), k) -> v", 0)                                             \
    X("mapMember", "Set k => ((|k => v|), k) -> Bool", 0)                                          \
    X("mapToList", "Set k => ((|k => v|)) -> <(k, v)>", 0)                                         \
    X("mapUpdate", "Set k => ((|k => v|), k, v) -> (|k => v|)", 0)                                 \
    X("mapUpdateMultiple", "Set k => ((|k => v|), <(k, v)>) -> (|k => v|)", 0)                     \
    X("mapDelete", "Set k => ((|k => v|), k) -> (|k => v|)", 0)                                    \
    X("mapKeys", "Set k => ((|k => v|)) -> {k}", 0)                                                \
    X("emptyMap", "(|k => v|)", 0)                                                                 \
    X("Map", "Set k, Set v => ({k}, {v}) -> {(|k => v|)}", 0)                                      \
    X("error", "(<Char>) -> a", 0)                                                                 \
    X("show", "(a) -> <Char>", 0)                                                                  \
    X("BUFFER", "(Int, {(Event, Event)}) -> Proc", 0)                                              \
    X("WEAK_BUFFER", "(Int, Event, {(Event, Event)}) -> Proc", 0)                                  \
    X("tock", "Event", 1)                                                                          \
    X("WAIT", "(Int) -> Proc", 1)                                                                  \
    X("timed_priority", "(Proc) -> Proc", 1)                                                       \
    X("transpose", "Set a, Set b => ({(a, b)}) -> {(b, a)}", 2)                                    \
    X("mtransclose", "Eq a => ({(a, a)}, {a}) -> {(a, a)}", 2)                                     \
    X("relational_image", "Eq a, Set b => ({(a, b)}) -> (a) -> {b}", 2)                            \
    X("relational_inverse_image", "Set a, Eq b => ({(a, b)}) -> (b) -> {a}", 2)                    \
    X("prioritise", "(Proc, <{Event}>) -> Proc", 2)                                                \
    X("prioritise_nocache", "(Proc, <{Event}>) -> Proc", 2)                                        \
    X("prioritisepo", "(Proc, {Event}, {(Event, Event)}, {Event}) -> Proc", 2)                     \
    X("trace_watchdog", "(Proc, {Event}, Event) -> Proc", 2)                                       \
    X("failure_watchdog", "(Proc, {Event}, Event) -> Proc", 2)                                     \
    X("loop", "(Proc) -> Proc", 2)                                                                 \
    X("deter", "(Proc) -> Proc", 2)                                                                \
    X("chase", "(Proc) -> Proc", 6)                                                                \
    X("chase_nocache", "(Proc) -> Proc", 6)                                                        \
    X("normal", "(Proc) -> Proc", 4)                                                               \
    X("sbisim", "(Proc) -> Proc", 4)                                                               \
    X("wbisim", "(Proc) -> Proc", 4)                                                               \
    X("dbisim", "(Proc) -> Proc", 4)                                                               \
    X("diamond", "(Proc) -> Proc", 4)                                                              \
    X("explicate", "(Proc) -> Proc", 4)                                                            \
    X("model_compress", "(Proc) -> Proc", 4)                                                       \
    X("tau_loop_factor", "(Proc) -> Proc", 4)                                                      \
    X("lazynorm", "(Proc) -> Proc", 4)                                                             \
    X("lazyenumerate", "(Proc) -> Proc", 4)

#endif
