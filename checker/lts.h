/* lts.h — explicit labelled transition systems: the leaves of a system, compiled once.
 *
 * States are numbered densely from 0; transitions are kept per state in one array sorted by
 * (state, event, target) — compressed sparse rows — so the transitions of a state on an event
 * are one contiguous run.  Events are the checker's global ids (see EV_TAU, EV_TICK).
 *
 * Ownership: an lts owns its arrays; lts_free frees them.  A builder owns what it has been
 * given until lts_build hands it over. */
#ifndef BATON_CHECKER_LTS_H
#define BATON_CHECKER_LTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Global event ids: 0 and 1 are the invisible event and termination; visible events follow. */
enum { EV_TAU = 0, EV_TICK = 1, EV_FIRST_VISIBLE = 2 };

#define LTS_NONE UINT32_MAX   /* "no such state" */

struct lts_trans {
    uint32_t event;
    uint32_t target;
};

struct lts {
    uint32_t nstates;
    uint32_t initial;
    uint32_t omega;              /* the terminated state every ✓ leads to, or LTS_NONE */
    uint32_t *first;             /* nstates + 1 offsets into trans */
    struct lts_trans *trans;     /* sorted by (source, event, target), no duplicates */
    uint32_t ntrans;
    const char **names;          /* optional: a printable name per state (owned strings), or NULL */
};

/* The transitions of state s: trans[first[s]] .. trans[first[s+1] - 1]. */
static inline const struct lts_trans *lts_begin(const struct lts *l, uint32_t s)
{
    return l->trans + l->first[s];
}
static inline const struct lts_trans *lts_end(const struct lts *l, uint32_t s)
{
    return l->trans + l->first[s + 1];
}

void lts_free(struct lts *l);

/* Builds an lts one transition at a time, in any order. */
struct lts_builder;
struct lts_builder *lts_builder_new(void);
/* Makes sure states 0 .. n-1 exist (a state also exists once a transition names it). */
void lts_builder_reserve(struct lts_builder *b, uint32_t n);
/* Records s --event--> t; returns 0, or -1 when out of memory. */
int lts_builder_add(struct lts_builder *b, uint32_t s, uint32_t event, uint32_t t);
/* Gives state s a printable name (the string is copied). */
int lts_builder_name(struct lts_builder *b, uint32_t s, const char *name);
/* Sorts and deduplicates into a new lts with the given initial state and terminated state
 * (LTS_NONE if none); frees the builder.  NULL when out of memory. */
struct lts *lts_build(struct lts_builder *b, uint32_t initial, uint32_t omega);
void lts_builder_free(struct lts_builder *b);

/* True when s has a transition on tau. */
bool lts_unstable(const struct lts *l, uint32_t s);

#endif
