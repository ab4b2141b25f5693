/* strategy.c — random and PCT scheduling (strategy.h).
 *
 * PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): every process gets a random
 * priority; the highest-priority runnable one always runs; at d-1 steps drawn uniformly from
 * 1..k the process about to run drops to a priority below every initial one (the i-th drop to
 * i).  A bug that needs d ordering constraints is then found by one run with probability at
 * least 1/(n·k^(d-1)) for n processes and k steps.  Here a process started later gets a random
 * place in the order, the clock (pending timers) takes part as one more process, a yield drops
 * the caller below all (it asked others to go first), and past 4k steps the choice is random:
 * a process spinning at the top cannot starve the rest for ever. */
#include "tracer/strategy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/sched.h"

static struct {
    struct trc_strategy_cfg cfg;
    uint64_t change[TRC_PCT_DEPTH_MAX]; /* pct: the steps where priorities drop, ascending */
    uint32_t nchange, next;             /* how many; the next one to come */
    int64_t clock_prio;
    int64_t lowest;                     /* below every priority given so far (yields) */
} st;

/* Initial priorities lie far above the change points' 1..d-1. */
static int64_t initial_prio(void)
{
    return (int64_t)((uint64_t)1 << 40) + (int64_t)trc_rand_below((uint64_t)1 << 61);
}

static bool parse_u64(const char *s, size_t n, uint64_t lo, uint64_t hi, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 19) return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
}

int trc_strategy_parse(const char *s, struct trc_strategy_cfg *cfg)
{
    *cfg = (struct trc_strategy_cfg){TRC_FIFO, TRC_PCT_DEPTH_DEFAULT, TRC_PCT_STEPS_DEFAULT, false};
    if (!s || !*s || strcmp(s, "fifo") == 0) return 0;
    struct trc_strategy_cfg c = *cfg;
    size_t name = strcspn(s, ",");
    if (name == 6 && strncmp(s, "random", 6) == 0) c.kind = TRC_RANDOM;
    else if (name == 3 && strncmp(s, "pct", 3) == 0) c.kind = TRC_PCT;
    else return -1;
    for (const char *p = s + name; *p == ',';) {
        const char *key = p + 1, *eq = strchr(key, '=');
        if (!eq) return -1;
        const char *val = eq + 1, *end = val + strcspn(val, ",");
        size_t klen = (size_t)(eq - key), vlen = (size_t)(end - val);
        uint64_t v;
        if (c.kind == TRC_PCT && klen == 5 && strncmp(key, "depth", 5) == 0 &&
            parse_u64(val, vlen, 1, TRC_PCT_DEPTH_MAX, &v))
            c.depth = (uint32_t)v;
        else if (c.kind == TRC_PCT && klen == 5 && strncmp(key, "steps", 5) == 0 &&
                 parse_u64(val, vlen, 1, (uint64_t)1 << 40, &v))
            c.steps = v;
        else if (klen == 6 && strncmp(key, "timers", 6) == 0 && vlen == 4 && strncmp(val, "idle", 4) == 0)
            c.timers_idle = true;
        else if (klen == 6 && strncmp(key, "timers", 6) == 0 && vlen == 3 && strncmp(val, "any", 3) == 0)
            c.timers_idle = false;
        else
            return -1;
        p = end;
    }
    *cfg = c;
    return 0;
}

void trc_strategy_format(const struct trc_strategy_cfg *cfg, char *buf, size_t len)
{
    const char *timers = cfg->timers_idle ? ",timers=idle" : "";
    if (cfg->kind == TRC_PCT)
        snprintf(buf, len, "pct,depth=%u,steps=%llu%s", (unsigned)cfg->depth,
                 (unsigned long long)cfg->steps, timers);
    else if (cfg->kind == TRC_RANDOM)
        snprintf(buf, len, "random%s", timers);
    else
        snprintf(buf, len, "fifo");
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void trc_strategy_begin(const struct trc_strategy_cfg *cfg)
{
    st.cfg = *cfg;
    st.nchange = st.next = 0;
    st.lowest = 0;
    if (cfg->kind != TRC_PCT) return;
    for (uint32_t i = 0; i + 1 < cfg->depth; i++) st.change[st.nchange++] = 1 + trc_rand_below(cfg->steps);
    qsort(st.change, st.nchange, sizeof st.change[0], cmp_u64);
    st.clock_prio = initial_prio();
}

void trc_strategy_new_proc(struct trc_proc *p)
{
    if (st.cfg.kind == TRC_PCT) p->prio = initial_prio();
}

void trc_strategy_yield(struct trc_proc *p)
{
    if (st.cfg.kind == TRC_PCT) p->prio = --st.lowest;
}

/* The candidates, in a fixed order: cur, then the ready queue, then the clock. */
struct pick {
    struct trc_proc *proc, *prev; /* prev: its predecessor in the ready queue */
    bool clock;
};

static struct pick nth(struct trc_proc *cur, uint64_t k)
{
    if (cur) {
        if (k == 0) return (struct pick){cur, NULL, false};
        k--;
    }
    struct trc_proc *prev = NULL;
    for (struct trc_proc *p = trc_sched.ready_head; p; prev = p, p = p->next)
        if (k-- == 0) return (struct pick){p, prev, false};
    return (struct pick){NULL, NULL, true};
}

/* The highest-priority candidate (ties, which random priorities make rare, to the lower id). */
static struct pick highest(struct trc_proc *cur, bool clock)
{
    struct pick best = {cur, NULL, false};
    struct trc_proc *prev = NULL;
    for (struct trc_proc *p = trc_sched.ready_head; p; prev = p, p = p->next)
        if (!best.proc || p->prio > best.proc->prio ||
            (p->prio == best.proc->prio && p->id < best.proc->id))
            best = (struct pick){p, prev, false};
    if (clock && (!best.proc || st.clock_prio > best.proc->prio)) best = (struct pick){NULL, NULL, true};
    return best;
}

struct trc_proc *trc_strategy_choose(struct trc_proc *cur, bool clock, bool *tick)
{
    *tick = false;
    if (st.cfg.timers_idle && (cur || trc_sched.ready_head)) clock = false;
    uint64_t n = (cur != NULL) + (uint64_t)clock;
    for (struct trc_proc *p = trc_sched.ready_head; p; p = p->next) n++;
    if (n == 0) return NULL;
    uint64_t step = ++trc_sched.steps;
    struct pick c;
    if (st.cfg.kind == TRC_PCT && step <= 4 * st.cfg.steps) {
        c = highest(cur, clock);
        if (st.next < st.nchange && st.change[st.next] == step) {
            /* a change point: whoever would run now drops below every initial priority */
            int64_t low = (int64_t)(st.next + 1);
            while (st.next < st.nchange && st.change[st.next] == step) st.next++;
            if (c.clock) st.clock_prio = low;
            else c.proc->prio = low;
            c = highest(cur, clock);
        }
    } else {
        c = nth(cur, n == 1 ? 0 : trc_rand_below(n));
    }
    if (c.clock) {
        *tick = true;
        return NULL;
    }
    if (c.proc != cur) { /* off the ready queue */
        struct trc_proc *p = c.proc;
        if (c.prev) c.prev->next = p->next; else trc_sched.ready_head = p->next;
        if (trc_sched.ready_tail == p) trc_sched.ready_tail = c.prev;
        p->next = NULL;
    }
    return c.proc;
}
