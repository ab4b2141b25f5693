/* replay.h — checking a recorded run against a specification: the specification's normal
 * form is stepped one event at a time (O(1) per event, memory independent of the run's
 * length; normal nodes are built lazily and cached), and at the end of a deadlocked run the
 * normal node is asked whether the specification may refuse everything there.
 *
 * Ownership: the replay borrows the machine (which must outlive it). */
#ifndef BATON_CHECKER_REPLAY_H
#define BATON_CHECKER_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checker/limits.h"
#include "checker/machine.h"
#include "checker/normal.h"

struct replay;

/* A replay of spec from its start, normalising within lim (see norm_new; NULL: no limits).
 * NULL when out of memory or when even the start cannot be normalised within them; *limit
 * (when not NULL) then names the limit, is "error" when the specification's transitions
 * could not be computed (see replay_error), or NULL when memory ran out. */
struct replay *replay_new(const struct machine *spec, const struct chk_limits *lim,
                          const char **limit);

/* The same over a specification given by its transitions (a lazily explored process,
 * checker/lazy.h). */
struct replay *replay_new_spec(const struct norm_spec *spec, const struct chk_limits *lim,
                               const char **limit);

/* True when the replay failed because the specification's transitions could not be computed
 * (an evaluation error: the evaluator has reported it; or the evaluator stopped by a limit). */
bool replay_error(const struct replay *rp);

/* The limit that stopped the replay's normalisation ("states", "time", "memory"), or NULL. */
const char *replay_limit(const struct replay *rp);
void replay_free(struct replay *rp);

enum { REPLAY_OK = 0, REPLAY_REFUSED = 1, REPLAY_LIMIT = -1 };

/* Performs a visible event: REPLAY_OK, REPLAY_REFUSED when the specification cannot perform
 * it after the events so far (the replay stays where it was), REPLAY_LIMIT when out of
 * memory or past a limit (replay_limit says which). */
int replay_step(struct replay *rp, uint32_t event);

/* The events the specification allows next (sorted ids, ✓ included); valid until the next
 * call. */
const uint32_t *replay_allowed(struct replay *rp, size_t *n);

/* May the specification refuse every event here (a stable state with nothing to offer)?
 * When it may not, *must (valid until the next call) lists the events of its minimal
 * acceptances: what it must still offer. */
bool replay_may_deadlock(struct replay *rp, const uint32_t **must, size_t *n);

/* Can the specification diverge after the events so far? */
bool replay_may_diverge(struct replay *rp);

/* How many normal nodes and specification states have been built. */
uint32_t replay_nodes(const struct replay *rp);
uint32_t replay_spec_states(const struct replay *rp);

#endif
