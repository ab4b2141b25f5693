/* termmap.h — a table keyed by interned values (process terms, events): pointer identity,
 * probed in the order of each value's structural hash, so it is the same on every run.  Used
 * to number states and events: `baton lts` and `eval --tests` (eval_explore.c), leaf
 * compilation and the event table (checker/compile.c), lazily explored specifications
 * (checker/lazy.c).
 *
 * Ownership: the map owns its arrays (termmap_free); the keys are the val_store's. */
#ifndef BATON_MODEL_TERMMAP_H
#define BATON_MODEL_TERMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/value.h"

struct termmap {
    const value **keys;
    uint32_t *vals;
    size_t cap, count;
};

enum { TERMMAP_NONE = UINT32_MAX, TERMMAP_NOMEM = UINT32_MAX - 1 };

/* The number stored for key, or TERMMAP_NONE; with `add`, a new key gets add_val (and
 * TERMMAP_NOMEM when the table cannot grow). */
uint32_t termmap_get(struct termmap *m, const value *key, bool add, uint32_t add_val);

void termmap_free(struct termmap *m);

#endif
