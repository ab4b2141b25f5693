/* stack.c — the stack pool (see stack.h).  Slots of one size are cut in order from regions
 * of at least TRC_REGION bytes mapped with MAP_NORESERVE, so untouched stack pages cost
 * neither memory nor commit charge; only the pages a process touches become resident.
 *
 * New slots are prepared in batches: their guard pages become guard markers and their top
 * pages (the process record and the first frames) are populated, a batch at a time, through
 * one process_madvise(2) each.  A page fault costs far more than a populated page, and
 * a guard marker, unlike mprotect, splits no mapping. */
#include "tracer/stack.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tracer/asan.h"
#ifdef TRC_ASAN
#include <sanitizer/asan_interface.h>
#endif

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102 /* Linux 6.13 */
#endif
#ifndef PIDFD_SELF_PROCESS
#define PIDFD_SELF_PROCESS (-10001) /* PIDFD_SELF_THREAD_GROUP, Linux 6.15 */
#endif

#define TRC_REGION ((size_t)64 << 20)
#define TRC_CLASSES 16
#define TRC_BATCH 64 /* slots prepared at once, at most (fewer while a class is young) */

/* A free slot keeps its list link in its reserve (the canary of the slot above is the
 * reserve's last word, which the link leaves alone). */
struct free_slot {
    struct free_slot *next;
    bool guarded, has_canary;
};

/* Slots of one size: a free list and the unused rest of the newest region. */
struct size_class {
    size_t size;
    struct free_slot *free;
    char *base, *cur, *end; /* the newest region, and where its unused part starts */
    char *prepared;         /* slots below here are prepared (populated, perhaps guarded) */
    char *marked;           /* slots below here have a guard marker */
    size_t made;            /* slots cut so far: sets the batch size */
};

static struct size_class classes[TRC_CLASSES];
static size_t nclasses;
static size_t guarded_made;
static signed char has_markers = -1; /* MADV_GUARD_INSTALL works: -1 not known yet */
static signed char has_batch = -1;   /* process_madvise on ourselves works: -1 not known yet */

size_t trc_page_size(void)
{
    static size_t page;
    if (!page) page = (size_t)sysconf(_SC_PAGESIZE);
    return page;
}

static struct size_class *class_for(size_t size)
{
    for (size_t i = 0; i < nclasses; i++)
        if (classes[i].size == size) return &classes[i];
    if (nclasses == TRC_CLASSES) return NULL;
    classes[nclasses].size = size;
    return &classes[nclasses++];
}

_Static_assert(sizeof(struct free_slot) + sizeof(uint64_t) <= TRC_RESERVE, "reserve too small");

static struct free_slot *link_of(char *slot, size_t size)
{
    return (struct free_slot *)(void *)(slot + size - TRC_RESERVE);
}

/* Gives the same advice for the page at each of at[0..n), stepping by `step` bytes: one
 * process_madvise where the kernel takes one for its own process, else a madvise each.
 * True when every page took it. */
static bool advise_pages(char *at, size_t n, size_t step, int advice)
{
    size_t page = trc_page_size();
    bool batch_failed = false;
#ifdef SYS_process_madvise
    if (has_batch != 0) {
        struct iovec iov[TRC_BATCH];
        for (size_t i = 0; i < n; i++) iov[i] = (struct iovec){at + i * step, page};
        long r = syscall(SYS_process_madvise, PIDFD_SELF_PROCESS, iov, n, advice, 0);
        if (r == (long)(n * page)) {
            has_batch = 1;
            return true;
        }
        batch_failed = true;
    }
#endif
    for (size_t i = 0; i < n; i++)
        if (madvise(at + i * step, page, advice) != 0) return false;
    /* madvise took what process_madvise refused (no PIDFD_SELF before Linux 6.15, or advice
     * it allowed only for other processes before 6.13): from now on, one by one */
    if (batch_failed && has_batch < 0) has_batch = 0;
    return true;
}

/* Prepares the next slots of k from k->cur on: guard markers on their first pages and their
 * top pages populated.  Whatever fails is left to the per-slot path and to page faults. */
static void prepare(struct size_class *k)
{
    size_t page = trc_page_size(), size = k->size;
    size_t n = k->made < TRC_BATCH ? k->made + 1 : TRC_BATCH;
    size_t left = (size_t)(k->end - k->cur) / size;
    if (n > left) n = left;
    if (has_markers != 0) {
        bool ok = advise_pages(k->cur, n, size, MADV_GUARD_INSTALL);
        if (has_markers < 0) has_markers = ok;
        if (ok) k->marked = k->cur + n * size;
    }
    advise_pages(k->cur + size - page, n, size, MADV_POPULATE_WRITE);
    k->prepared = k->cur + n * size;
}

int trc_stack_get(size_t size, struct trc_stack *st)
{
    size_t page = trc_page_size();
    /* A stack of at most a page gets a compact slot: that one page, no guard (its canary
     * still stands in the slot below). */
    bool compact = size <= page;
    size = compact ? page : (size + page - 1) / page * page + page;
    struct size_class *k = class_for(size);
    if (!k) goto error1;
    if (k->free) {
        struct free_slot *f = k->free;
        k->free = f->next;
        st->guarded = f->guarded;
        st->slot = (char *)f + TRC_RESERVE - size;
        st->size = size;
        st->canary = f->has_canary ? (uint64_t *)(void *)(st->slot - sizeof(uint64_t)) : NULL;
        goto done;
    }
    if (k->cur == k->end) {
        size_t len = size > TRC_REGION / 16 ? size * 16 : TRC_REGION / size * size;
        void *r = mmap(NULL, len, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (r == MAP_FAILED) goto error1;
        k->cur = k->base = k->prepared = k->marked = r;
        k->end = k->cur + len;
    }
    st->slot = k->cur;
    st->size = size;
    st->guarded = false;
    st->canary = NULL;
    if (compact) {
        /* One page per process, slots back to back: ask for the pages 64 at a time. */
        if (k->cur >= k->prepared) {
            size_t len = (size_t)(k->end - k->cur) < 64 * page ? (size_t)(k->end - k->cur) : 64 * page;
            madvise(k->cur, len, MADV_POPULATE_WRITE); /* where unsupported: faults instead */
            k->prepared = k->cur + len;
        }
        if (k->cur != k->base) st->canary = (uint64_t *)(void *)(st->slot - sizeof(uint64_t));
    } else {
        if (k->cur >= k->prepared) prepare(k);
        if (k->cur < k->marked) {
            st->guarded = true;
        } else if (guarded_made < TRC_GUARDED_MAX && mprotect(st->slot, page, PROT_NONE) == 0) {
            /* no guard markers (before Linux 6.13): a PROT_NONE page costs two mappings */
            st->guarded = true;
            guarded_made++;
        } else if (k->cur != k->base) {
            st->canary = (uint64_t *)(void *)(st->slot - sizeof(uint64_t));
        }
    }
    k->cur += size;
    k->made++;
done:
    st->lo = st->guarded ? st->slot + page : st->slot;
    if (st->canary) *st->canary = TRC_CANARY;
    return 0;
error1:
    errno = ENOMEM;
    return -1;
}
void trc_stack_put(const struct trc_stack *st)
{
    struct size_class *k = class_for(st->size);
    if (!k) return; /* cannot happen: the class was made by trc_stack_get */
#ifdef TRC_ASAN
    /* A process that never returned (a deadlock) leaves its frames' redzones poisoned. */
    ASAN_UNPOISON_MEMORY_REGION(trc_stack_lo(st), (size_t)(st->slot + st->size - trc_stack_lo(st)));
#endif
    struct free_slot *f = link_of(st->slot, st->size);
    f->guarded = st->guarded;
    f->has_canary = st->canary != NULL;
    f->next = k->free;
    k->free = f;
}

bool trc_stack_fault_is_overflow(const struct trc_stack *st, const void *addr)
{
    const char *a = addr, *lo = trc_stack_lo(st);
    return a < lo && a + ((size_t)64 << 10) >= lo;
}
