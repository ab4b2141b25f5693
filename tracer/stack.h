/* stack.h — process stacks, carved from large pooled mmap regions so that a million of them
 * fit under vm.max_map_count.  Each stack has a guard page below it: a guard marker
 * (madvise MADV_GUARD_INSTALL, Linux 6.13), which lives in the page table and splits no
 * mapping, so every stack gets one.  Where the kernel has no guard markers, the first
 * TRC_GUARDED_MAX stacks get a PROT_NONE page instead (each costs two kernel mappings) and
 * the rest rely on a canary word just below their low end, checked at every switch.  The
 * pool owns every region and never unmaps one: freed stacks go to a free list per size and
 * are reused, guard and all.
 *
 * Slot layout, low to high: [guard page or spare page][stack ... | record | reserve], where
 * the top TRC_RESERVE bytes hold the free-list link and, in their last word, the canary of
 * the slot above.  An unguarded stack overflowing runs first into that canary.  Keeping the
 * canary there, rather than at the stack's own bottom, matters: the slot below is in use (its
 * top page is resident anyway), whereas touching a stack's own bottom page would cost every
 * process a second page of memory.
 *
 * New slots are prepared in batches: guard markers installed and top pages (where the
 * process record and the first frames go) populated, a batch per system call; in a program
 * that makes many, a helper thread prepares them ahead on another core.  Stacks of at
 * most one page get compact slots: one page each, no guard page, populated 64 at a time —
 * the fastest way to start a million small processes (see docs/runtime.md). */
#ifndef BATON_TRACER_STACK_H
#define BATON_TRACER_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRC_GUARDED_MAX 8192 /* PROT_NONE guard pages, where there are no guard markers */
#define TRC_CANARY 0xba7047ac5eedf00dULL
#define TRC_RESERVE 32

struct trc_stack {
    char *slot;     /* the slot: guard page (or spare page), then the stack */
    char *lo;       /* the lowest usable byte */
    uint64_t *canary; /* just below lo, in the slot below; NULL when guarded or first in its region */
    size_t size;    /* bytes of the slot */
    bool guarded;   /* its first page is a guard (marker or PROT_NONE) */
};

/* A stack slot with room for at least size bytes of stack above the guard page.  0, or -1
 * and ENOMEM.  Its canary (if any) holds TRC_CANARY. */
int trc_stack_get(size_t size, struct trc_stack *st);

/* Returns st's slot to the pool. */
void trc_stack_put(const struct trc_stack *st);

/* The lowest usable byte of st and one past the highest. */
static inline char *trc_stack_lo(const struct trc_stack *st) { return st->lo; }
static inline char *trc_stack_hi(const struct trc_stack *st)
{
    return st->slot + st->size - TRC_RESERVE;
}

/* True when the canary below st (if it has one) still holds. */
static inline bool trc_stack_canary_ok(const struct trc_stack *st)
{
    return !st->canary || *st->canary == TRC_CANARY;
}

/* True when a fault at addr means st overflowed: addr lies in its guard page, or in the 64
 * KiB below its usable bottom (a large frame can jump past a guard page).  Async-signal-safe. */
bool trc_stack_fault_is_overflow(const struct trc_stack *st, const void *addr);

/* True when the pool wants its helper thread started.  Starting a thread takes more stack
 * than a small process has (the dynamic linker alone saves the whole vector state on its
 * first call of a function), so the scheduler calls trc_stack_helper_start on baton_run's
 * own stack. */
bool trc_stack_helper_wanted(void);
void trc_stack_helper_start(void);

/* Stops the helper thread that prepares stacks ahead (stack.c), if one runs: baton_run calls
 * it before it returns, so no thread of the library outlives a run.  What the helper has
 * prepared stays in the pool. */
void trc_stack_rest(void);

/* The page size, read once. */
size_t trc_page_size(void);

#endif
