/* eval.h — the CSPm evaluator: top-level declarations, lexical scopes, pattern matching,
 * FDR's built-in library, dot semantics and process terms (model/proc.h) built lazily.
 *
 * Loading declares every name of a module (channels, datatypes, definitions, modules and
 * instances) without evaluating anything; values are computed on demand and memoised.
 * Processes that are not active yet (a prefix's continuation, the right of `;`, `[>` and the
 * handler of `[| |>`) are PROC_THUNK terms naming their expression by a stable node number and
 * carrying the values of the local variables it uses, so equal thunks are one term.
 *
 * Integers are FDR's 32-bit integers: a result outside [-2^31, 2^31 - 1] is a located
 * "integer overflow" error (never a silent wrap); `/` and `%` round toward minus infinity
 * as libcspm's (Haskell's `div` and `mod`): (0 - 1) % 5 is 4; a zero divisor is a located
 * error.
 *
 * Ownership: the evaluator borrows the module (its AST and diagnostics) and the value store;
 * it owns its own tables (eval_free).  Every value it returns lives in the store. */
#ifndef BATON_MODEL_EVAL_H
#define BATON_MODEL_EVAL_H

#include "model/parser.h"
#include "model/proc.h"
#include "model/value.h"

struct evaluator;

/* Declares everything in m (channels, datatypes, definitions — lazily).  M should have
 * passed the static checks (types_check, or at least the renamer resolve_module: unknown
 * names, duplicates, arity) without an error; what they would have caught is otherwise a
 * located error when it is evaluated.  NULL when out of memory. */
struct evaluator *eval_new(struct cspm_module *m, val_store *vs);
void eval_free(struct evaluator *ev);

/* The value of an expression in the top-level scope; NULL after adding a located
 * diagnostic to m->diags. */
const value *eval_expr(struct evaluator *ev, const struct ast_node *e);

/* The value bound to a top-level name, or NULL (unknown name or error). */
const value *eval_global(struct evaluator *ev, const char *name);

/* The semantics wired to this evaluator (forces thunks through it). */
struct proc_sem *eval_sem(struct evaluator *ev);

/* Events: the set of all events; NULL after a diagnostic (an infinite channel type). */
const value *eval_events(struct evaluator *ev);

/* The names of the top-level value bindings, in declaration order (for `--tests`).  The
 * array and strings belong to the evaluator. */
const char *const *eval_global_names(struct evaluator *ev, size_t *n);

/* Where the top-level name is defined (for messages); {NULL, 0, 0} if unknown. */
struct cspm_loc eval_global_loc(struct evaluator *ev, const char *name);

/* Limits every later API call to about `steps` evaluation steps (0: no limit); past it the
 * call fails with a located "evaluation step budget exhausted".  For fuzzing. */
void eval_set_budget(struct evaluator *ev, long steps);

/* Has every later API call ask poll(ctx) every 1024 evaluation steps whether to go on (the
 * checker's deadline and memory budget): when it returns a reason ("time", "memory"), the
 * call fails at once without a diagnostic, and so does every call after it, until the next
 * eval_set_poll; eval_interrupted then returns the reason (else NULL).  poll NULL: none. */
typedef const char *eval_poll_fn(void *ctx);
void eval_set_poll(struct evaluator *ev, eval_poll_fn *poll, void *ctx);
const char *eval_interrupted(const struct evaluator *ev);

/* Explores the process p breadth-first up to max_states states, forcing thunks as it goes.
 * Returns the number of states found (max_states + 1 when it stopped at the bound), or -1
 * after a diagnostic.  When out is not NULL, prints every state and transition. */
long eval_explore(struct evaluator *ev, const value *p, long max_states, FILE *out);

/* The same, calling visit once per state explored, in number order (0 is p): the state's
 * term, its transitions (sorted, as proc_transitions gives them) and the number of each
 * transition's target.  Everything passed is valid only during the call. */
typedef void eval_state_visitor(void *ctx, size_t id, const value *term,
                                const struct proc_trans *tr, const size_t *targets, size_t n);
long eval_explore_visit(struct evaluator *ev, const value *p, long max_states,
                        eval_state_visitor *visit, void *ctx);

/* The name a process value was first made under — a definition "SYSTEM" or a call with its
 * arguments "PHIL(0)" — and where that definition is; NULL when it has none (STOP and SKIP
 * are never named: many definitions share them). */
const char *eval_proc_name(const struct evaluator *ev, const value *p, struct cspm_loc *where);

#endif
