/* The arena allocator of model/: chunks of at least 64 KiB, bump allocation inside them. */
#include "model/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK_MIN = 256 * 1024, ALIGN = 16 };

struct arena_chunk {
    struct arena_chunk *next;
    size_t size;                /* usable bytes after the header */
    _Alignas(16) unsigned char data[];
};

void arena_init(struct arena *a)
{
    memset(a, 0, sizeof *a);
}

void *arena_alloc_raw(struct arena *a, size_t n)
{
    n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (n == 0) n = ALIGN;
    if (!a->head || a->head->size - a->used < n) {
        if (n > SIZE_MAX / 2) goto oom;
        size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
        struct arena_chunk *c = malloc(sizeof *c + size);
        if (!c) goto oom;
        c->size = size;
        c->next = a->head;
        a->head = c;
        a->used = 0;
    }
    void *p = a->head->data + a->used;
    a->used += n;
    a->total += n;
    return p;
oom:
    fputs("baton: out of memory\n", stderr);
    abort();
}

void *arena_alloc(struct arena *a, size_t n)
{
    return memset(arena_alloc_raw(a, n), 0, n);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc_raw(a, n + 1);
    if (n) memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void arena_free(struct arena *a)
{
    for (struct arena_chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    arena_init(a);
}
