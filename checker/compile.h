/* compile.h — from process terms (model/proc.h) to machines (checker/machine.h), as FDR
 * compiles: the static operators at the top of a process (parallel in all its forms, hiding,
 * renaming, linked parallel) become the machine's operator tree, and every maximal part below
 * them becomes a leaf, explored once into an explicit LTS.  A compression (a COMPRESS term,
 * model/proc.h) is a leaf too: its operand, compiled as a system of its own (a sequential
 * process or a whole network), explored into one LTS and compressed (checker/compress.h).
 *
 * Events get dense ids in the order they are first seen (so ids, and every search, are the
 * same on every run); an event table turns ids back into values for reports.
 *
 * Ownership: the event table owns its arrays, not the values (they are the store's). */
#ifndef BATON_CHECKER_COMPILE_H
#define BATON_CHECKER_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "checker/limits.h"
#include "checker/machine.h"
#include "model/proc.h"

struct events;

struct events *events_new(const struct proc_sem *sem);
void events_free(struct events *ev);
/* The id of an event value (tau and ✓ are EV_TAU and EV_TICK), made on first use;
 * UINT32_MAX when out of memory. */
uint32_t events_id(struct events *ev, const value *event);
/* The value of id, or NULL. */
const value *events_value(const struct events *ev, uint32_t id);
uint32_t events_count(const struct events *ev);
/* The ids of a set of events (a VAL_SET), sorted; NULL when out of memory.  *n is set. */
uint32_t *events_ids(struct events *ev, const value *set, size_t *n);
/* The event's CSPm text, malloc'd (the caller frees): "left.3", or "?" for an unknown id;
 * NULL when out of memory. */
char *events_text(const struct events *ev, uint32_t id);

/* Why a compilation failed (when compile_process returns NULL). */
struct compile_error {
    char message[512];
    int limit;                    /* 1: a limit was hit (a leaf had more states than allowed,
                                     the deadline passed, memory ran short) */
    const char *which;            /* then "states", "time" or "memory" */
    uint64_t states, transitions; /* leaf states and transitions made so far, even on failure */
};

/* A compiled process: its machine, and for each leaf the process term of each of its states
 * (state 0 is the leaf's initial term), for reports. */
struct system {
    struct machine *m;
    uint32_t nleaves;
    const value ***terms;         /* terms[leaf][state] */
};

/* The system for process p, with leaves of at most lim->max_states states each, within
 * lim's deadline and memory budget (lim may be NULL: no limits; polled every 256 leaf
 * states); NULL with *err filled in when a limit is hit, a transition cannot be computed (the
 * evaluator has reported why, or was interrupted by its own poll) or memory runs out. */
struct system *compile_system(struct proc_sem *sem, struct events *ev, const value *p,
                              const struct chk_limits *lim, struct compile_error *err);
void system_free(struct system *s);

/* The same, keeping only the machine. */
struct machine *compile_process(struct proc_sem *sem, struct events *ev, const value *p,
                                const struct chk_limits *lim, struct compile_error *err);

/* ---- the shape of a system, for pictures ----
 *
 * The same split into operator tree and leaves, without the system's search: each leaf is
 * explored on its own (within lim) only to learn its alphabet, and the tree says who takes
 * part in each event.  An event reaches the top (or is hidden) with one or more *participant
 * sets*: the leaves that perform it together (several sets when interleaving leaves a choice:
 * in (P ||| Q) [| {a} |] R, a is R with P, or R with Q). */

/* A nested composition: a parallel operator that has a name of its own (`name` says, e.g. a
 * definition FORKS), or whose operator differs from the composition around it (a replicated
 * `||` under a `[| |]`).  The outermost one is group 0 when the process is a composition. */
struct shape_group {
    int parent;                   /* the enclosing group, -1 for none */
    const value *term;            /* the operator's term */
    int op;                       /* PROC_PAR, PROC_APAR, PROC_INTERLEAVE or PROC_LINK */
};

struct shape_leaf {
    const value *term;            /* the component's process term (its initial state) */
    int group;                    /* the innermost group it is in, -1 for none */
    uint32_t states;              /* its reachable states */
};

/* One way an event happens: the leaves that perform it together, and whether it is hidden
 * (by `\` or a linked parallel) on its way to the top.  An event a synchronisation blocks
 * for good (one side never performs it) has no use. */
struct shape_use {
    uint32_t event;               /* the event as it is named where it is hidden or at the top
                                     (a linked pair by its left event) */
    uint32_t *leaves;             /* sorted leaf numbers */
    uint32_t nleaves;
    bool hidden;
    bool blocked;                 /* never happens: a synchronisation stops it */
};

struct shape {
    struct shape_leaf *leaves;
    uint32_t nleaves;
    struct shape_group *groups;
    uint32_t ngroups;
    struct shape_use *uses;
    size_t nuses;
    bool cut;                     /* some event had too many participant sets: a few dropped */
};

/* The shape of process p: its leaves, each explored within lim (lim->max_states per leaf,
 * the deadline, the memory budget), and at most max_leaves of them; `name` (may be NULL)
 * says whether a term has a name of its own.  NULL with *err filled in (err->limit set when a
 * leaf is too big, there are more than max_leaves leaves — err->which "components" — or a
 * limit passed).  shape_free frees it all. */
struct shape *compile_shape(struct proc_sem *sem, struct events *ev, const value *p,
                            const struct chk_limits *lim, uint32_t max_leaves,
                            bool (*name)(void *ctx, const value *term), void *name_ctx,
                            struct compile_error *err);
void shape_free(struct shape *s);

#endif
