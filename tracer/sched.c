/* sched.c — the scheduler: baton_run, process creation and ending, the ready queue, timers,
 * yield and sleep.  A process that blocks switches straight to the next ready process; only
 * when none is ready does control go back to baton_run's own context, which sleeps until the
 * next timer, or declares a deadlock, or sees that every process has ended. */
#include "tracer/sched.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tracer/chan.h"
#include "tracer/deadlock.h"
#include "tracer/forkserver.h"
#include "tracer/overflow.h"
#include "tracer/strategy.h"
#include "tracer/trace.h"
#include "tracer/trace_format.h"

#include "tracer/asan.h"
#ifdef TRC_ASAN
#include <pthread.h>
#include <sanitizer/common_interface_defs.h>
/* AddressSanitizer's frames are several times larger. */
#define TRC_STACK_DEFAULT ((size_t)128 << 10)
#else
#define TRC_STACK_DEFAULT ((size_t)16 << 10)
#endif

#define TRC_SEED_DEFAULT 0x5eedULL
/* How many switches may pass before pending timers are checked while processes keep running. */
#define TRC_TIMER_CHECK_EVERY 64

struct trc_sched trc_sched;

/* The call site of the running process's latest blocking call (baton.h's macros set them;
 * trc_suspend saves them in the process and puts them back when it resumes). */
const char *baton_call_file_;
int baton_call_line_;

static struct trc_ended ended[TRC_ENDED_MAX];
static size_t nended;

const struct trc_ended *trc_ended_find(uint32_t id)
{
    for (size_t i = 0; i < TRC_ENDED_MAX && i < nended; i++)
        if (ended[i].id == id) return &ended[i];
    return NULL;
}
static size_t stack_size = TRC_STACK_DEFAULT;
static bool seed_set;
static uint64_t seed_value;

#ifdef TRC_ASAN
static const void *main_stack_lo;
static size_t main_stack_size;
#endif

/* ---- switching ------------------------------------------------------------------------------ */

/* Saves the running context into from and resumes to, whose stack is [lo, lo + size) (NULL for
 * baton_run's context).  `ending` says from will never run again, so ASan may drop its state. */
static inline void switch_to(struct trc_ctx *from, struct trc_ctx *to, const void *lo, size_t size,
                             bool ending)
{
#ifdef TRC_ASAN
    void *fake = NULL;
    if (!lo) {
        lo = main_stack_lo;
        size = main_stack_size;
    }
    __sanitizer_start_switch_fiber(ending ? NULL : &fake, lo, size);
    trc_ctx_swap(from, to);
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#else
    (void)lo, (void)size, (void)ending;
    trc_ctx_swap(from, to);
#endif
}

static inline const void *stack_lo_of(const struct trc_proc *p) { return p->stack.lo; }
static inline size_t stack_len_of(const struct trc_proc *p)
{
    return (size_t)((const char *)p - p->stack.lo);
}

/* ---- ready queue and timers ------------------------------------------------------------------ */

static inline void ready_push(struct trc_proc *p)
{
    p->next = NULL;
    if (trc_sched.ready_tail)
        trc_sched.ready_tail->next = p;
    else
        trc_sched.ready_head = p;
    trc_sched.ready_tail = p;
}

static inline struct trc_proc *ready_pop(void)
{
    struct trc_proc *p = trc_sched.ready_head;
    if (p) {
        trc_sched.ready_head = p->next;
        if (!p->next) trc_sched.ready_tail = NULL;
    }
    return p;
}

static bool heap_less(const struct trc_proc *a, const struct trc_proc *b)
{
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->id < b->id);
}

static void heap_set(size_t i, struct trc_proc *p)
{
    trc_sched.heap[i - 1] = p;
    p->heap_idx = i;
}

static void heap_up(size_t i)
{
    struct trc_proc *p = trc_sched.heap[i - 1];
    while (i > 1 && heap_less(p, trc_sched.heap[i / 2 - 1])) {
        heap_set(i, trc_sched.heap[i / 2 - 1]);
        i /= 2;
    }
    heap_set(i, p);
}

static void heap_down(size_t i)
{
    struct trc_proc *p = trc_sched.heap[i - 1];
    size_t n = trc_sched.nheap;
    for (;;) {
        size_t c = 2 * i;
        if (c > n) break;
        if (c + 1 <= n && heap_less(trc_sched.heap[c], trc_sched.heap[c - 1])) c++;
        if (!heap_less(trc_sched.heap[c - 1], p)) break;
        heap_set(i, trc_sched.heap[c - 1]);
        i = c;
    }
    heap_set(i, p);
}

int trc_timer_add(struct trc_proc *p, int64_t deadline)
{
    if (trc_sched.nheap == trc_sched.capheap) {
        size_t cap = trc_sched.capheap ? 2 * trc_sched.capheap : 64;
        struct trc_proc **h = realloc(trc_sched.heap, cap * sizeof *h);
        if (!h) return -1;
        trc_sched.heap = h;
        trc_sched.capheap = cap;
    }
    p->deadline = deadline;
    heap_set(++trc_sched.nheap, p);
    heap_up(trc_sched.nheap);
    return 0;
}

static void timer_remove(struct trc_proc *p)
{
    size_t i = p->heap_idx;
    struct trc_proc *last = trc_sched.heap[trc_sched.nheap - 1];
    trc_sched.nheap--;
    p->heap_idx = 0;
    if (last == p) return;
    heap_set(i, last);
    heap_up(i);
    heap_down(last->heap_idx);
}

void trc_ready(struct trc_proc *p)
{
    if (p->heap_idx) timer_remove(p);
    p->wait = TRC_W_NONE;
    ready_push(p);
}

/* Wakes every process whose deadline has passed: a sleeper, or an alt that timed out. */
static void timers_fire(void)
{
    int64_t now = baton_now();
    while (trc_sched.nheap && trc_sched.heap[0]->deadline <= now) {
        struct trc_proc *p = trc_sched.heap[0];
        timer_remove(p);
        if (p->wait == TRC_W_ALT || p->wait == TRC_W_CHAN) {
            for (uint32_t i = 0; i < p->nclauses; i++) trc_clause_unlink(&p->clauses[i]);
            p->wake_idx = -1;
            p->wake_err = ETIMEDOUT;
            if (TRC_ON()) trc_rec_unblock(p, TRC_WAKE_TIMEOUT);
        } else if (TRC_ON()) {
            trc_rec_unblock(p, TRC_WAKE_TIMER);
        }
        trc_ready(p);
    }
}

/* Exploring: the clock moves to the earliest deadline and what is due fires, with processes
 * still runnable (they were slow, as far as the timers can tell). */
static void clock_tick(void)
{
    if (trc_sched.heap[0]->deadline > trc_sched.vnow) trc_sched.vnow = trc_sched.heap[0]->deadline;
    timers_fire();
}

/* The next process to run, taken off the ready queue, or cur (which could go on and is in no
 * queue) itself; NULL when nothing can run.  fifo: the queue's head.  Exploring: the
 * strategy's choice, which may move the clock first. */
static __attribute__((noinline)) struct trc_proc *pick_exploring(struct trc_proc *cur, bool yielding)
{
    for (;;) {
        bool tick;
        struct trc_proc *p = trc_strategy_choose(cur, trc_sched.nheap != 0, yielding, &tick);
        if (!tick) return p;
        clock_tick();
    }
}

static inline struct trc_proc *pick(struct trc_proc *cur)
{
    if (__builtin_expect(trc_sched.strategy == TRC_FIFO, 1)) return ready_pop();
    return pick_exploring(cur, false);
}

/* ---- work for baton_run's stack -------------------------------------------------------------- */

static void (*service_fn)(void);
static struct trc_proc *service_proc; /* who asked for it: resumed straight after */

/* Runs fn on baton_run's own stack, for work too deep for a small process stack: the running
 * process steps out to the scheduler's loop, which calls fn and resumes it at once (no
 * scheduling decision is made, so the schedule is unchanged). */
void trc_on_scheduler_stack(void (*fn)(void))
{
    struct trc_proc *self = trc_sched.cur;
    if (!self) { /* on baton_run's stack already */
        fn();
        return;
    }
    service_fn = fn;
    service_proc = self;
    trc_sched.cur = NULL;
    switch_to(&self->ctx, &trc_sched.main_ctx, NULL, 0, false);
    trc_sched.cur = self;
}

/* ---- blocking ------------------------------------------------------------------------------ */

/* Switches from self to next (NULL: baton_run's loop) until self is resumed. */
static void switch_from(struct trc_proc *self, struct trc_proc *next)
{
    self->at_file = baton_call_file_;
    self->at_line = baton_call_line_;
    if (next) {
        trc_sched.cur = next;
        switch_to(&self->ctx, &next->ctx, stack_lo_of(next), stack_len_of(next), false);
    } else {
        trc_sched.cur = NULL;
        switch_to(&self->ctx, &trc_sched.main_ctx, NULL, 0, false);
    }
    trc_sched.cur = self;
    baton_call_file_ = self->at_file;
    baton_call_line_ = self->at_line;
}

void trc_suspend(void)
{
    struct trc_proc *self = trc_sched.cur;
    if (__builtin_expect(!trc_stack_canary_ok(&self->stack), 0))
        trc_overflow_die(self, "its stack canary was overwritten");
    /* (exploring, timers fire only when the strategy moves the clock) */
    if (__builtin_expect(trc_sched.nheap != 0, 0) && trc_sched.strategy == TRC_FIFO &&
        ++trc_sched.ticks % TRC_TIMER_CHECK_EVERY == 0)
        timers_fire();
    struct trc_proc *next = pick(NULL);
    if (next == self) return; /* its own timer fired just now, or it yielded to no one */
    switch_from(self, next);
}

void trc_point_slow(void)
{
    struct trc_proc *self = trc_sched.cur;
    if (!self) return;
    struct trc_proc *next = pick(self);
    if (next == self || !next) return;
    trc_sched.preemptions++;
    ready_push(self);
    switch_from(self, next);
}

void baton_yield(void)
{
    struct trc_proc *self = trc_sched.cur;
    if (!self) return;
    if (trc_sched.strategy != TRC_FIFO) { /* the program's own choice: not a preemption */
        if (!trc_stack_canary_ok(&self->stack)) trc_overflow_die(self, "its stack canary was overwritten");
        trc_strategy_yield(self);
        struct trc_proc *next = pick_exploring(self, true);
        if (next == self || !next) return;
        ready_push(self);
        switch_from(self, next);
        return;
    }
    if (trc_sched.nheap) timers_fire();
    if (!trc_sched.ready_head) {
        if (!trc_stack_canary_ok(&self->stack)) trc_overflow_die(self, "its stack canary was overwritten");
        return;
    }
    ready_push(self);
    trc_suspend();
}

int64_t baton_now(void)
{
    if (trc_sched.virtual_time) return trc_sched.vnow;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int baton_sleep(int64_t ns)
{
    struct trc_proc *self = trc_sched.cur;
    if (!self) {
        errno = EINVAL;
        return -1;
    }
    if (ns <= 0) {
        baton_yield();
        return 0;
    }
    if (trc_timer_add(self, baton_now() + ns) < 0) return -1;
    self->wait = TRC_W_SLEEP;
    if (TRC_ON()) trc_rec_block(self, TRC_OP_SLEEP, NULL, 0);
    trc_suspend();
    return 0;
}

const char *baton_self(void)
{
    return trc_sched.cur ? trc_sched.cur->name : NULL;
}

/* ---- processes ----------------------------------------------------------------------------- */

static void proc_free(struct trc_proc *p)
{
    struct trc_stack st = p->stack;
    trc_stack_put(&st);
}

_Noreturn static void proc_exit(struct trc_proc *p)
{
    if (!trc_stack_canary_ok(&p->stack)) trc_overflow_die(p, "its stack canary was overwritten");
    if (TRC_ON()) trc_rec_end(p);
    if (p->par && --p->par->left == 0) {
        struct trc_proc *parent = p->par->parent;
        if (TRC_ON()) trc_rec_unblock(parent, TRC_WAKE_PAR);
        trc_ready(parent);
    }
    if (p->prev_all) p->prev_all->next_all = p->next_all; else trc_sched.all_head = p->next_all;
    if (p->next_all) p->next_all->prev_all = p->prev_all; else trc_sched.all_tail = p->prev_all;
    trc_sched.live--;
    ended[nended++ % TRC_ENDED_MAX] =
        (struct trc_ended){p->id, p->name, baton_call_file_, baton_call_line_};
    trc_sched.zombie = p;
    trc_sched.cur = NULL;
    switch_to(&p->ctx, &trc_sched.main_ctx, NULL, 0, true);
    abort(); /* never resumed */
}

static void proc_entry(void)
{
#ifdef TRC_ASAN
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
    struct trc_proc *p = trc_sched.cur;
    baton_call_file_ = NULL;
    baton_call_line_ = 0;
    p->fn(p->arg);
    proc_exit(p);
}

/* Makes a process and queues it; NULL and errno on failure. */
static struct trc_proc *spawn(const char *name, baton_fn *fn, void *arg, size_t size)
{
    struct trc_stack st;
    if (trc_stack_get(size, &st) < 0) return NULL;
    uintptr_t top = (uintptr_t)trc_stack_hi(&st) - sizeof(struct trc_proc);
    struct trc_proc *p = (struct trc_proc *)(top & ~(uintptr_t)63);
    memset(p, 0, sizeof *p);
    p->stack = st;
    p->name = name ? name : "?";
    p->fn = fn;
    p->arg = arg;
    p->id = ++trc_sched.next_id;
    p->parent = trc_sched.cur ? trc_sched.cur->id : 0;
    trc_ctx_init(&p->ctx, st.lo, stack_len_of(p), proc_entry);
    p->prev_all = trc_sched.all_tail;
    if (trc_sched.all_tail) trc_sched.all_tail->next_all = p; else trc_sched.all_head = p;
    trc_sched.all_tail = p;
    trc_sched.live++;
    if (TRC_ON()) trc_pid(p);
    if (trc_sched.strategy != TRC_FIFO) trc_strategy_new_proc(p);
    ready_push(p);
    if (__builtin_expect(trc_stack_helper_wanted(), 0)) trc_on_scheduler_stack(trc_stack_helper_start);
    return p;
}

int baton_go_stack(const char *name, baton_fn *fn, void *arg, size_t size)
{
    if (!trc_sched.running || !fn || !name) {
        errno = EINVAL;
        return -1;
    }
    if (!spawn(name, fn, arg, size)) return -1;
    trc_point(); /* the new process may go first */
    return 0;
}

int baton_go(const char *name, baton_fn *fn, void *arg)
{
    return baton_go_stack(name, fn, arg, stack_size);
}

size_t baton_set_stack_size(size_t size)
{
    size_t old = stack_size;
    if (size) stack_size = size;
    return old;
}

int baton_par(const baton_proc procs[], size_t n)
{
    struct trc_proc *self = trc_sched.cur;
    if (!self || (n && !procs)) {
        errno = EINVAL;
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (!procs[i].fn || !procs[i].name) {   /* checked first: nothing starts */
            errno = EINVAL;
            return -1;
        }
    struct trc_par par = {.parent = self, .left = 0};
    int err = 0;
    for (size_t i = 0; i < n; i++) {
        struct trc_proc *p = procs[i].fn ? spawn(procs[i].name, procs[i].fn, procs[i].arg, stack_size)
                                         : NULL;
        if (!p) {
            err = procs[i].fn ? errno : EINVAL;
            break;
        }
        p->par = &par;
        par.left++;
    }
    if (par.left) {
        self->wait = TRC_W_PAR;
        self->waitpar = &par;
        if (TRC_ON()) trc_rec_block(self, TRC_OP_PAR, NULL, (uint32_t)par.left);
        trc_suspend();
        self->waitpar = NULL;
    }
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

/* ---- seeds and the generator --------------------------------------------------------------- */

void baton_set_seed(uint64_t seed)
{
    seed_set = true;
    seed_value = seed;
}

uint64_t trc_next_seed(void)
{
    if (seed_set) return seed_value;
    const char *s = getenv("BATON_SEED");
    if (s && *s) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 0);
        if (errno == 0 && *end == '\0') return v;
    }
    return TRC_SEED_DEFAULT;
}

static bool strategy_set;
static struct trc_strategy_cfg strategy_value;

void trc_set_strategy(const struct trc_strategy_cfg *cfg)
{
    strategy_set = true;
    strategy_value = *cfg;
}

void trc_next_strategy(struct trc_strategy_cfg *cfg)
{
    if (strategy_set) {
        *cfg = strategy_value;
        return;
    }
    const char *s = getenv("BATON_SCHED");
    if (trc_strategy_parse(s, cfg) < 0)
        fprintf(stderr, "baton: BATON_SCHED='%s' is not fifo, random[,timers=any|idle] or "
                        "pct[,depth=D][,steps=K][,timers=any|idle]; running fifo\n", s);
}

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rand_next(uint64_t rng[2])
{
    uint64_t s1 = rng[0];
    const uint64_t s0 = rng[1];
    rng[0] = s0;
    s1 ^= s1 << 23;
    rng[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
    return rng[1] + s0;
}

void trc_rng_seed(uint64_t rng[2], uint64_t seed)
{
    rng[0] = splitmix(&seed);
    rng[1] = splitmix(&seed);
}

/* Unbiased: Lemire's nearly-divisionless method where 128-bit products exist, else
 * rejection of the incomplete last interval. */
uint64_t trc_rng_below(uint64_t rng[2], uint64_t n)
{
#ifdef __SIZEOF_INT128__
    for (;;) {
        unsigned __int128 m = (unsigned __int128)rand_next(rng) * n;
        uint64_t lo = (uint64_t)m;
        if (lo >= n || lo >= (-n) % n) return (uint64_t)(m >> 64);
    }
#else
    uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;
    do x = rand_next(rng);
    while (x >= limit);
    return x % n;
#endif
}

uint64_t trc_rand_below(uint64_t n)
{
    return trc_rng_below(trc_sched.rng, n);
}

/* ---- the run ------------------------------------------------------------------------------- */

/* After a deadlock: takes every blocked process off its channels and frees it unrun. */
static void reap_blocked(void)
{
    struct trc_proc *p = trc_sched.all_head;
    while (p) {
        struct trc_proc *next = p->next_all;
        for (uint32_t i = 0; i < p->nclauses && (p->wait == TRC_W_CHAN || p->wait == TRC_W_ALT); i++)
            trc_clause_unlink(&p->clauses[i]);
        if (p->heap_idx) timer_remove(p);
        proc_free(p);
        p = next;
    }
    trc_sched.all_head = trc_sched.all_tail = NULL;
    trc_sched.live = 0;
}

/* The scheduler's loop, on baton_run's stack: run, idle until a timer, or stop. */
static int loop(void)
{
    for (;;) {
        if (trc_sched.zombie) {
            proc_free(trc_sched.zombie);
            trc_sched.zombie = NULL;
        }
        struct trc_proc *p;
        if (service_fn) {
            void (*fn)(void) = service_fn;
            service_fn = NULL;
            fn();
            p = service_proc;
        } else {
            p = pick(NULL);
        }
        if (p) {
            trc_sched.cur = p;
            switch_to(&trc_sched.main_ctx, &p->ctx, stack_lo_of(p), stack_len_of(p), false);
            continue;
        }
        if (trc_sched.live == 0) return 0;
        if (trc_sched.nheap) {
            int64_t d = trc_sched.heap[0]->deadline;
            if (trc_sched.virtual_time) {
                if (d > trc_sched.vnow) trc_sched.vnow = d; /* nothing else can happen first */
            } else {
                struct timespec ts = {.tv_sec = d / 1000000000, .tv_nsec = d % 1000000000};
                if (TRC_ON()) trc_trace_idle();
                while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {}
            }
            timers_fire();
            continue;
        }
        trc_deadlock_report();
        reap_blocked();
        return BATON_DEADLOCK;
    }
}

int baton_run(baton_fn *fn, void *arg)
{
    if (trc_sched.running || !fn) {
        errno = EINVAL;
        return -1;
    }
    trc_forkserver_enter(); /* under baton explore, returns in a child with its schedule */
    struct trc_proc **heap = trc_sched.heap;
    size_t capheap = trc_sched.capheap;
    memset(&trc_sched, 0, sizeof trc_sched);
    trc_sched.heap = heap;
    trc_sched.capheap = capheap;
    nended = 0; /* process ids start again at 1: a past run's ended ones would be misnamed */
    trc_sched.seed = trc_next_seed();
    struct trc_strategy_cfg strategy;
    trc_next_strategy(&strategy);
    const char *clock = getenv("BATON_CLOCK");
    /* exploring, time is virtual: timer races are the strategy's choices, not the load's */
    trc_sched.virtual_time = (clock && strcmp(clock, "virtual") == 0) || strategy.kind != TRC_FIFO;
    trc_sched.vnow = 0;
    trc_rng_seed(trc_sched.rng, trc_sched.seed);
    trc_sched.strategy = (uint8_t)strategy.kind;
    trc_strategy_begin(&strategy, trc_sched.seed);
    trc_sched.running = true;
#ifdef TRC_ASAN
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        void *lo;
        pthread_attr_getstack(&attr, &lo, &main_stack_size);
        main_stack_lo = lo;
        pthread_attr_destroy(&attr);
    }
#endif
    trc_trace_run_begin(trc_sched.seed);
    trc_overflow_install();
    int rc = 0;
    if (!spawn("main", fn, arg, stack_size)) {
        rc = -1;
    } else {
        rc = loop();
    }
    int saved = errno;
    trc_stack_rest();
    trc_overflow_uninstall();
    trc_trace_run_end(rc == BATON_DEADLOCK ? TRC_END_DEADLOCK : TRC_END_DONE);
    if (trc_sched.strategy != TRC_FIFO) trc_strategy_end();
    trc_forkserver_run_end(rc == BATON_DEADLOCK);
    trc_sched.running = false;
    errno = saved;
    return rc;
}
