/* replay.c — stepping a specification's normal form along a recorded run (see replay.h). */
#include "checker/replay.h"

#include <stdlib.h>

#include "checker/normal.h"

struct replay {
    struct normal *norm;
    uint32_t node;
};

static struct replay *start(struct normal *norm, const char **limit);

struct replay *replay_new(const struct machine *spec, const struct chk_limits *lim,
                          const char **limit)
{
    if (limit) *limit = NULL;
    return start(norm_new(spec, lim), limit);
}

struct replay *replay_new_spec(const struct norm_spec *spec, const struct chk_limits *lim,
                               const char **limit)
{
    if (limit) *limit = NULL;
    return start(norm_new_spec(spec, lim), limit);
}

bool replay_error(const struct replay *rp)
{
    return norm_error(rp->norm);
}

static struct replay *start(struct normal *norm, const char **limit)
{
    struct replay *rp = calloc(1, sizeof *rp);
    if (!rp) {
        norm_free(norm);
        return NULL;
    }
    rp->norm = norm;
    rp->node = rp->norm ? norm_root(rp->norm) : NORM_ERROR;
    if (rp->node == NORM_ERROR) {
        if (limit && rp->norm) *limit = norm_error(rp->norm) ? "error" : norm_limit(rp->norm);
        replay_free(rp);
        return NULL;
    }
    return rp;
}

const char *replay_limit(const struct replay *rp)
{
    return norm_limit(rp->norm);
}

void replay_free(struct replay *rp)
{
    if (!rp) return;
    norm_free(rp->norm);
    free(rp);
}

int replay_step(struct replay *rp, uint32_t event)
{
    uint32_t next = norm_after(rp->norm, rp->node, event);
    if (next == NORM_ERROR) return REPLAY_LIMIT;
    if (next == NORM_NONE) return REPLAY_REFUSED;
    rp->node = next;
    return REPLAY_OK;
}

const uint32_t *replay_allowed(struct replay *rp, size_t *n)
{
    return norm_initials(rp->norm, rp->node, n);
}

bool replay_may_deadlock(struct replay *rp, const uint32_t **must, size_t *n)
{
    if (norm_accepts(rp->norm, rp->node, NULL, 0)) {
        *must = NULL;
        *n = 0;
        return true;
    }
    *must = norm_missing(rp->norm, rp->node, NULL, 0, n);
    return false;
}

bool replay_may_diverge(struct replay *rp)
{
    return norm_divergent(rp->norm, rp->node);
}

uint32_t replay_nodes(const struct replay *rp)
{
    return norm_nodes(rp->norm);
}

uint32_t replay_spec_states(const struct replay *rp)
{
    return norm_spec_states(rp->norm);
}
