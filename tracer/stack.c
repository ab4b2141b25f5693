/* stack.c — the stack pool (see stack.h).  Slots of one size are cut in order from regions
 * of at least TRC_REGION bytes mapped with MAP_NORESERVE, so untouched stack pages cost
 * neither memory nor commit charge; only the pages a process touches become resident.
 *
 * Slots are cut and prepared a span at a time: their guard pages become guard markers and
 * their top pages (the process record and the first frames) are populated, through one
 * process_madvise(2) each.  A page fault costs far more than a populated page, and a guard
 * marker, unlike mprotect, splits no mapping.
 *
 * Even a populated page is slow the first time a process writes it: under a hypervisor that
 * keeps shadow page tables (as here) that first write costs about 5 us, more than everything
 * else a short-lived process does.  So once a program has made TRC_HELP_AFTER stacks of one
 * size, a helper thread on another core prepares spans ahead of the scheduler and writes one
 * word of each top page, and hands them over through a ring of TRC_RING spans.  The
 * scheduler takes ready spans first; when the ring is empty it cuts and prepares a small span
 * itself rather than wait, so the two cores share the work.  The helper touches only slots
 * no process has yet, it never runs program code, and it stops at the end of baton_run. */
#include "tracer/stack.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
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
#define TRC_BATCH 64        /* slots in a span, at most */
#define TRC_OWN_SPAN 16     /* slots the scheduler prepares itself while the helper is behind */
#define TRC_RING 8          /* spans the helper may have ready ahead (2 MiB of top pages) */
#define TRC_HELP_AFTER 1024 /* stacks of one size made before the helper starts */

/* A free slot keeps its list link in its reserve (the canary of the slot above is the
 * reserve's last word, which the link leaves alone). */
struct free_slot {
    struct free_slot *next;
    bool guarded, has_canary;
};

/* Consecutive slots of one size, prepared together. */
struct span {
    char *lo;      /* the first slot */
    size_t n;      /* how many */
    bool guarded;  /* their first pages hold guard markers */
    bool at_base;  /* lo starts its region: no slot below it to hold a canary */
};

/* Slots of one size. */
struct size_class {
    size_t size;
    bool compact;
    /* the scheduler's own */
    struct free_slot *free;
    struct span cur; /* the span being handed out: cur.lo is its next slot */
    /* under cut_lock: the newest region, where its uncut part starts, slots cut so far */
    char *base, *cut, *end;
    size_t made;
    /* spans the helper prepared: it fills ring[head % TRC_RING] and then moves head; the
     * scheduler takes ring[tail % TRC_RING] and then moves tail */
    struct span ring[TRC_RING];
    _Atomic unsigned head, tail;
};

static struct size_class classes[TRC_CLASSES];
static size_t nclasses;
static size_t guarded_made;
/* Probed by the scheduler before any helper starts, and never written after. */
static signed char has_markers = -1; /* MADV_GUARD_INSTALL works: -1 not known yet */
static signed char has_batch = -1;   /* process_madvise on ourselves works: -1 not known yet */
static pthread_mutex_t cut_lock = PTHREAD_MUTEX_INITIALIZER;

/* The helper thread.  `wake` counts the scheduler's nudges; the helper sleeps on it (a futex)
 * while its class's ring is full. */
static struct {
    pthread_t thread;
    bool running, failed, atfork;
    struct size_class *wanted; /* to be started for this class, from baton_run's stack */
    struct size_class *_Atomic cls;
    _Atomic unsigned wake;
    _Atomic bool sleeping, stop;
} helper;

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
    classes[nclasses].compact = size == trc_page_size();
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
            if (has_batch < 0) has_batch = 1;
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

/* Cuts up to `want` fresh slots of k, all from one region, into *sp; want 0 asks for few at
 * first (a small program should not pay for 64), doubling up to TRC_BATCH.  The number of slots
 * cut so far, or 0 when no region can be mapped.  Either thread. */
static size_t cut(struct size_class *k, size_t want, struct span *sp)
{
    size_t size = k->size;
    pthread_mutex_lock(&cut_lock);
    if (!want) want = k->made < TRC_BATCH ? k->made + 1 : TRC_BATCH;
    if (k->cut == k->end) {
        size_t len = size > TRC_REGION / 16 ? size * 16 : TRC_REGION / size * size;
        void *r = mmap(NULL, len, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (r == MAP_FAILED) {
            pthread_mutex_unlock(&cut_lock);
            return 0;
        }
        k->cut = k->base = r;
        k->end = k->cut + len;
    }
    size_t left = (size_t)(k->end - k->cut) / size;
    *sp = (struct span){.lo = k->cut, .n = want < left ? want : left, .at_base = k->cut == k->base};
    k->cut += sp->n * size;
    size_t made = k->made += sp->n;
    pthread_mutex_unlock(&cut_lock);
    return made;
}

/* Prepares sp: guard markers on its slots' first pages, their top pages populated, and with
 * `touch` one word of each top page written.  Whatever fails is left to the per-slot path
 * and to page faults.  Either thread. */
static void prepare(const struct size_class *k, struct span *sp, bool touch)
{
    size_t page = trc_page_size(), size = k->size;
    if (k->compact) {
        madvise(sp->lo, sp->n * size, MADV_POPULATE_WRITE); /* where unsupported: faults instead */
    } else {
        if (has_markers != 0) {
            bool ok = advise_pages(sp->lo, sp->n, size, MADV_GUARD_INSTALL);
            if (has_markers < 0) has_markers = ok;
            sp->guarded = ok;
        }
        advise_pages(sp->lo + size - page, sp->n, size, MADV_POPULATE_WRITE);
    }
    if (touch) /* the free-list link: nobody else writes it before the slot is handed out */
        for (size_t i = 0; i < sp->n; i++)
            *(volatile uintptr_t *)(void *)link_of(sp->lo + i * size, size) = 0;
}

/* ---- the helper thread ---------------------------------------------------------------------- */

static void *helper_main(void *arg)
{
    (void)arg;
    for (;;) {
        unsigned seen = atomic_load(&helper.wake);
        if (atomic_load(&helper.stop)) return NULL;
        struct size_class *k = atomic_load(&helper.cls);
        unsigned head = atomic_load_explicit(&k->head, memory_order_relaxed);
        if (head - atomic_load(&k->tail) < TRC_RING) {
            struct span sp;
            if (cut(k, TRC_BATCH, &sp)) {
                prepare(k, &sp, true);
                k->ring[head % TRC_RING] = sp;
                atomic_store_explicit(&k->head, head + 1, memory_order_release);
                continue;
            }
        }
        /* the ring is full (or no memory): sleep until the scheduler takes a span or stops us */
        atomic_store(&helper.sleeping, true);
        if (atomic_load(&helper.wake) == seen)
            syscall(SYS_futex, &helper.wake, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
        atomic_store(&helper.sleeping, false);
    }
}

/* Tells a sleeping helper that something changed. */
static void helper_nudge(void)
{
    atomic_fetch_add(&helper.wake, 1);
    if (atomic_load(&helper.sleeping))
        syscall(SYS_futex, &helper.wake, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* fork(2) copies only the calling thread: the child has no helper, and must not inherit the
 * lock held by one. */
static void before_fork(void) { pthread_mutex_lock(&cut_lock); }
static void after_fork_parent(void) { pthread_mutex_unlock(&cut_lock); }
static void after_fork_child(void)
{
    pthread_mutex_unlock(&cut_lock);
    helper.running = false;
    helper.wanted = NULL;
    atomic_store(&helper.sleeping, false);
    atomic_store(&helper.stop, false);
}

/* Sets a running helper to work for k; else asks for one (trc_stack_helper_start). */
static void helper_want(struct size_class *k)
{
    if (helper.running) {
        if (atomic_load(&helper.cls) != k) {
            atomic_store(&helper.cls, k);
            helper_nudge();
        }
    } else if (!helper.failed) {
        helper.wanted = k;
    }
}

bool trc_stack_helper_wanted(void)
{
    return helper.wanted != NULL;
}

/* Starts the helper for the class that wants it, where there is a core for it. */
void trc_stack_helper_start(void)
{
    struct size_class *k = helper.wanted;
    helper.wanted = NULL;
    if (!k || helper.running) return;
    cpu_set_t cpus;
    if (helper.failed || sched_getaffinity(0, sizeof cpus, &cpus) != 0 || CPU_COUNT(&cpus) < 2) {
        helper.failed = true; /* one core: the helper would only take turns with the scheduler */
        return;
    }
    if (!helper.atfork) helper.atfork = pthread_atfork(before_fork, after_fork_parent, after_fork_child) == 0;
    /* Processes call syscall() from now on (helper_nudge, from a small stack when a span is
     * taken): bind it here, on baton_run's stack.  Bound lazily at a process's first call,
     * the dynamic linker would save the whole vector state on that stack and overflow a
     * one-page one — whenever the helper happened to be asleep (a flaky test, under load). */
    syscall(SYS_futex, &helper.wake, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0);
    atomic_store(&helper.cls, k);
    atomic_store(&helper.stop, false);
    /* Signals (SIGTERM's trace flush, a stack overflow's report) belong to the scheduler's
     * thread: the helper blocks them all. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, (size_t)256 << 10);
    helper.running = pthread_create(&helper.thread, &attr, helper_main, NULL) == 0;
    helper.failed = !helper.running;
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void trc_stack_rest(void)
{
    helper.wanted = NULL;
    if (!helper.running) return;
    atomic_store(&helper.stop, true);
    helper_nudge();
    pthread_join(helper.thread, NULL);
    helper.running = false;
}

/* ---- getting and putting slots -------------------------------------------------------------- */

/* Makes k->cur a span with slots in it: one the helper prepared, else one cut and prepared
 * here.  0, or -1 when no region can be mapped. */
static int refill(struct size_class *k)
{
    unsigned tail = atomic_load_explicit(&k->tail, memory_order_relaxed);
    if (atomic_load_explicit(&k->head, memory_order_acquire) != tail) {
        k->cur = k->ring[tail % TRC_RING];
        atomic_store(&k->tail, tail + 1);
        helper_nudge();
        return 0;
    }
    struct span sp;
    size_t made = cut(k, helper.running && atomic_load(&helper.cls) == k ? TRC_OWN_SPAN : 0, &sp);
    if (!made) return -1;
    prepare(k, &sp, false);
    k->cur = sp;
    if (made >= TRC_HELP_AFTER) helper_want(k);
    return 0;
}

int trc_stack_get(size_t size, struct trc_stack *st)
{
    size_t page = trc_page_size();
    /* A stack of at most a page gets a compact slot: that one page, no guard (its canary
     * still stands in the slot below). */
    size = size <= page ? page : (size + page - 1) / page * page + page;
    struct size_class *k = class_for(size);
    if (!k) goto error1;
    st->size = size;
    if (k->free) {
        struct free_slot *f = k->free;
        k->free = f->next;
        st->guarded = f->guarded;
        st->slot = (char *)f + TRC_RESERVE - size;
        st->canary = f->has_canary ? (uint64_t *)(void *)(st->slot - sizeof(uint64_t)) : NULL;
        goto done;
    }
    if (k->cur.n == 0 && refill(k) < 0) goto error1;
    st->slot = k->cur.lo;
    st->guarded = k->cur.guarded;
    bool below = !k->cur.at_base; /* a slot of ours lies below: it can hold the canary */
    k->cur.lo += size;
    k->cur.n--;
    k->cur.at_base = false;
    if (!k->compact && !st->guarded && guarded_made < TRC_GUARDED_MAX &&
        mprotect(st->slot, page, PROT_NONE) == 0) {
        /* no guard markers (before Linux 6.13): a PROT_NONE page costs two mappings */
        st->guarded = true;
        guarded_made++;
    }
    st->canary = !st->guarded && below ? (uint64_t *)(void *)(st->slot - sizeof(uint64_t)) : NULL;
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
