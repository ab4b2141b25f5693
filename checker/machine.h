/* machine.h — a system as FDR runs it: explicit leaf LTSs under a tree of static operators
 * (parallel in all its forms, hiding, renaming, linked parallel), compiled once into
 * synchronisation rules over a packed state vector ("supercombinators").
 *
 * A system state is a vector of leaf states packed into 64-bit words, whose top bits are
 * always 0 (the state store relies on it); a rule names the leaves that take part in a
 * transition, the event each performs, and the event the whole system performs (tau for
 * hidden or linked events).  Termination follows CSP: a leaf under a
 * parallel operator that terminates becomes Ω silently, and the parallel terminates (✓) once
 * every leaf under it is Ω.
 *
 * Ownership: the builder owns the leaves given to it; mach_build hands them to the machine,
 * which mach_free releases. */
#ifndef BATON_CHECKER_MACHINE_H
#define BATON_CHECKER_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checker/lts.h"

struct machine;
struct mach_builder;

/* Event sets are sorted arrays of event ids without duplicates. */
struct evset {
    const uint32_t *ev;
    size_t n;
};

struct mach_builder *mach_builder_new(void);
void mach_builder_free(struct mach_builder *b);

/* Each returns a node number (>= 0) to use as an operand, or -1 when out of memory.  Nodes
 * are used once each: the operator tree is a tree. */
int mach_leaf(struct mach_builder *b, struct lts *l);                /* takes l */
int mach_par(struct mach_builder *b, struct evset sync, int left, int right);        /* [| A |] */
int mach_apar(struct mach_builder *b, struct evset a, struct evset bset, int left,
              int right);                                                             /* [A||B] */
int mach_hide(struct mach_builder *b, struct evset hidden, int child);               /* \ H */
/* [[ from[i] <- to[i] ]]: a relation; events not in `from` keep their names. */
int mach_rename(struct mach_builder *b, const uint32_t *from, const uint32_t *to, size_t n,
                int child);
/* [ from[i] <-> to[i] ]: left's from[i] synchronises with right's to[i], hidden. */
int mach_link(struct mach_builder *b, const uint32_t *from, const uint32_t *to, size_t n,
              int left, int right);

/* Compiles the tree under `root` into a machine and frees the builder; NULL when out of
 * memory. */
struct machine *mach_build(struct mach_builder *b, int root);
void mach_free(struct machine *m);

/* The size of a state vector in 64-bit words, and the initial state. */
uint32_t mach_words(const struct machine *m);
void mach_initial(const struct machine *m, uint64_t *state);
/* For a one-word state: how many low bits it uses (the rest are 0), so a search can pack
 * more beside it.  63 for longer states. */
uint32_t mach_bits(const struct machine *m);
/* The largest event a transition can have (tau, ✓ or a visible one, renamed as the system
 * performs it), so a search can pack events beside states. */
uint32_t mach_max_event(const struct machine *m);

/* Calls emit once for every transition of `state` (tau ones included, ✓ as EV_TICK).  The
 * target vector is valid only during the call.  Transitions come in a fixed order, so every
 * search over a machine is deterministic. */
typedef void mach_emit(void *ctx, uint32_t event, const uint64_t *target);
void mach_successors(const struct machine *m, const uint64_t *state, mach_emit *emit, void *ctx);

/* Gives tau priority over the events in `over` (FDR's `:[tau priority over]:`): from then on,
 * in a state that can perform tau, mach_successors leaves out the transitions on those
 * events.  0, or -1 when out of memory. */
int mach_tau_priority(struct machine *m, struct evset over);

/* The leaves, and the state of leaf i in a vector. */
uint32_t mach_nleaves(const struct machine *m);
const struct lts *mach_leaf_lts(const struct machine *m, uint32_t i);
uint32_t mach_leaf_state(const struct machine *m, const uint64_t *state, uint32_t i);

/* True when some rule can produce tau (hidden or linked events, or a leaf's own taus): a
 * machine without can never diverge. */
bool mach_has_tau(const struct machine *m);

/* The number of rules, for reports and tests. */
size_t mach_nrules(const struct machine *m);

/* ---- for counterexample pictures: who took part ---- */

/* The leaves that take part in a transition of `state` on the system's `event` (tau for a
 * hidden or linked one) to `target`: their numbers into leaves[] and the event each performs
 * (before hiding and renaming) into events[], both mach_nleaves() long.  The number of them,
 * 0 when no rule makes that transition. */
uint32_t mach_step_parts(const struct machine *m, const uint64_t *state, uint32_t event,
                         const uint64_t *target, uint32_t *leaves, uint32_t *events);

/* What stops leaf i from performing its event `event` in `state`: the other leaves of every
 * rule in which i performs it that cannot do their part there, each once, into out[]
 * (mach_nleaves() long).  Their number; 0 when the event is possible, or when no rule lets
 * the leaf perform it at all. */
uint32_t mach_blockers(const struct machine *m, const uint64_t *state, uint32_t leaf,
                       uint32_t event, uint32_t *out);

#endif
