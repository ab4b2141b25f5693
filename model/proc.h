/* proc.h — process terms and their operational semantics (FDR's firing rules).
 *
 * A process is a value of kind VAL_PROC (model/value.h): `num` is the operator below, `items`
 * its operands in the layout given beside each operator, `code` operator data.  Terms are
 * interned like every value, so a term is its own hash key and equal terms are one pointer:
 * exploring a term's transitions over and over reaches finitely many terms exactly when the
 * process is finite-state.
 *
 * Laziness.  CSPm is lazy and recursive definitions are the norm (P = a -> P, P = Q ; P), so
 * the evaluator does not evaluate a process that is not active yet: the continuation of a
 * prefix and the right side of `;` (and anything else it chooses) may be a THUNK — an
 * unevaluated expression with its captured environment — which the semantics forces, through
 * the evaluator, only when it needs the thunk's transitions.
 *
 * Events are values: a channel name (VAL_NAME) or a dotted value with a channel at its head
 * (VAL_DOT).  tau and ✓ are the two special names proc_tau() and proc_tick().
 *
 * Ownership: every term and event lives in the val_store of the loaded specification. */
#ifndef BATON_MODEL_PROC_H
#define BATON_MODEL_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include "model/value.h"

/* ORDER PROC_OPS.  Operands: P, Q are processes (or THUNKs), A, B event sets (VAL_SET of
 * events), R a relation (VAL_SET of 2-tuples of events). */
#define PROC_OPS(X)                                                                                \
    X(STOP, "STOP", "none")                                                                       \
    X(SKIP, "SKIP", "none")                                                                       \
    X(OMEGA, "Ω", "none: the state after ✓, which does nothing")                                  \
    X(DIV, "DIV", "none: diverges (a tau to itself)")                                             \
    X(RUN, "RUN", "A")                                                                            \
    X(CHAOS, "CHAOS", "A")                                                                        \
    X(PREFIX, "->", "event, P")                                                                   \
    X(EXT, "[]", "P… (any number; none is STOP): c?x -> … is an EXT of PREFIXes")                \
    X(INT, "|~|", "P… (one or more)")                                                             \
    X(SEQ, ";", "P, Q")                                                                           \
    X(INTERLEAVE, "|||", "P, Q")                                                                  \
    X(PAR, "[| |]", "P, A, Q")                                                                    \
    X(APAR, "[ || ]", "P, A, B, Q")                                                               \
    X(LINK, "[ <-> ]", "P, R, Q: P's R-left events with Q's R-right events, hidden")              \
    X(HIDE, "\\", "P, A")                                                                         \
    X(RENAME, "[[ ]]", "P, R: P's event e becomes every f with (e, f) in R")                      \
    X(INTERRUPT, "/\\", "P, Q")                                                                   \
    X(SLIDING, "[>", "P, Q")                                                                      \
    X(EXCEPTION, "[| |>", "P, A, Q")                                                              \
    X(SYNC_EXT, "[+ +]", "P, A, Q")                                                               \
    X(PRIORITISE, "prioritise", "P, S: S a sequence of event sets, highest priority first")       \
    X(THUNK, "thunk", "id, captured values…: id an INT naming the expression stably (so terms \
                       order the same on every run); code: the expression")                    \
    X(SYNC_INTERRUPT, "/+ +\\", "P, A, Q: Q interrupts P, but events of A are both sides' \
                       together and interrupt nothing (after THUNK so older terms keep their order)") \
    X(COMPRESS, "compress", "P, k: P under FDR's compression k (an INT, enum proc_compression); \
                       its semantics is P's (see below)")

enum proc_op {
#define X(op, text, layout) PROC_##op,
    PROC_OPS(X)
#undef X
};

const char *proc_op_name(int op);

/* FDR's compression functions, as a COMPRESS term names them.  A compression changes how a
 * process is stored, not what it means in the model it is for, so to the semantics below a
 * COMPRESS term is its operand: proc_canon drops it (a chain of compressions that comes back
 * to itself, P = normal(P), is the least fixed point DIV).  Only the checker's compiler
 * (checker/compile.c) acts on it, exploring the operand into one explicit LTS and compressing
 * that (checker/compress.h).  chase is the exception that changes the process (it keeps one
 * tau of each state): sound only for tau-confluent processes, as in FDR.
 * ORDER COMPRESSIONS. */
#define PROC_COMPRESSIONS(X)                                                                       \
    X(EXPLICATE, "explicate")                                                                      \
    X(SBISIM, "sbisim")                                                                            \
    X(WBISIM, "wbisim")                                                                            \
    X(DIAMOND, "diamond")                                                                          \
    X(NORMAL, "normal")                                                                            \
    X(CHASE, "chase")                                                                              \
    X(TAU_LOOP_FACTOR, "tau_loop_factor")                                                          \
    X(DBISIM, "dbisim")

enum proc_compression {
#define X(k, text) COMP_##k,
    PROC_COMPRESSIONS(X)
#undef X
    COMP_COUNT
};

const char *proc_compression_name(int k);

/* The evaluator forces thunks for the semantics: given a THUNK term, the process it stands
 * for (never a THUNK itself), or NULL after reporting an error. */
typedef const value *proc_force_fn(void *evaluator, const value *thunk);

struct proc_sem {
    val_store *vs;
    proc_force_fn *force;
    void *evaluator;
    const value *tau, *tick;      /* the special events, made by proc_sem_init */
    /* term -> its canonical form, so each term is made canonical once (open addressing) */
    const value **canon_k, **canon_v;
    size_t canon_cap, canon_n;
};

/* Sets up the semantics for a store and an evaluator.  0, or -1 when out of memory. */
int proc_sem_init(struct proc_sem *sem, val_store *vs, proc_force_fn *force, void *evaluator);
/* Frees what the semantics keeps (its caches); the terms are the store's. */
void proc_sem_free(struct proc_sem *sem);

struct proc_trans {
    const value *event;           /* a visible event, sem->tau or sem->tick */
    const value *target;          /* a process term (THUNKs already forced at the top) */
};

/* The transitions of process p, sorted by (event, target) in val_cmp order and without
 * duplicates, appended to *out (a malloc'd array the caller owns, *n entries, *cap room).
 * Returns 0, or -1 after an error was reported (a failed force, out of memory). */
int proc_transitions(struct proc_sem *sem, const value *p, struct proc_trans **out, size_t *n,
                     size_t *cap);

/* p with any THUNK at its top forced; NULL after an error. */
const value *proc_whnf(struct proc_sem *sem, const value *p);

/* p with every active operand forced, recursively (a prefix's continuation and the right of
 * `;` stay lazy): the one form each state has, so that a state reached twice is one term.
 * Transition targets are already in this form; a search starts from proc_canon(root). */
const value *proc_canon(struct proc_sem *sem, const value *p);

/* Writes p in CSPm-like syntax, snprintf-style (for reports and `baton lts`).  A THUNK is
 * written by the printer the evaluator sets (its expression and captured values), or "…". */
size_t proc_format(const value *p, char *buf, size_t len);
typedef size_t proc_thunk_printer(const value *thunk, char *buf, size_t len);
void proc_set_thunk_printer(proc_thunk_printer *p);  /* process-wide; NULL for "…" */

#endif
