/* A bump allocator: every AST node, token and string of one loaded specification lives in one
 * arena and is freed in one call (Lua's and jq's habit).  Nothing in it is freed one by one.
 * Ownership: the arena owns every block it hands out; arena_free releases them all. */
#ifndef BATON_MODEL_ARENA_H
#define BATON_MODEL_ARENA_H

#include <stddef.h>

struct arena_chunk;
struct arena {
    struct arena_chunk *head;   /* newest chunk first */
    size_t used;                /* bytes handed out from head */
    size_t total;               /* bytes handed out overall (for statistics) */
};

void arena_init(struct arena *a);

/* N zeroed bytes aligned for any type.  Out of memory aborts with a message: the front end
 * has no useful way to continue, and every caller would otherwise need a path for it. */
void *arena_alloc(struct arena *a, size_t n);

/* The same without zeroing, for blocks the caller fills at once (copies, arrays). */
void *arena_alloc_raw(struct arena *a, size_t n);

/* A NUL-terminated copy of the N bytes at S. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* Frees every block; the arena is empty and reusable afterwards. */
void arena_free(struct arena *a);

#endif
