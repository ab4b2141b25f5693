/* threads.c — fork and join (see threads.h). */
#include "checker/threads.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct runner {
    void (*fn)(void *, size_t);
    void *ctx;
    size_t k;
    pthread_t thread;
    bool started;
};

static void *run(void *arg)
{
    struct runner *r = arg;
    r->fn(r->ctx, r->k);
    return NULL;
}

void par_each(size_t n, void (*fn)(void *ctx, size_t k), void *ctx)
{
    struct runner *r = n > 1 ? calloc(n, sizeof *r) : NULL;
    for (size_t k = 1; r && k < n; k++) {
        r[k] = (struct runner){fn, ctx, k, 0, false};
        r[k].started = pthread_create(&r[k].thread, NULL, run, &r[k]) == 0;
    }
    for (size_t k = 0; k < n; k++)
        if (k == 0 || !r || !r[k].started) fn(ctx, k);
    for (size_t k = 1; r && k < n; k++)
        if (r[k].started) pthread_join(r[k].thread, NULL);
    free(r);
}
