/* threads.h — fork and join: one function on several threads at once, for the checker's
 * phases that split their work between threads and meet at the end of each (numbering a
 * recorded state space, making a normal form's nodes a level at a time). */
#ifndef BATON_CHECKER_THREADS_H
#define BATON_CHECKER_THREADS_H

#include <stddef.h>

/* Calls fn(ctx, k) for every k below n, each on a thread of its own (k = 0 on the caller's),
 * and returns when all have returned.  A k whose thread cannot start runs on the caller's
 * thread afterwards: the work is done either way, on fewer threads. */
void par_each(size_t n, void (*fn)(void *ctx, size_t k), void *ctx);

#endif
