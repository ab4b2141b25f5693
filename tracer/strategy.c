/* strategy.c — random and PCT scheduling (strategy.h).
 *
 * PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): every process gets a random
 * priority; the highest-priority runnable one always runs; at d-1 steps drawn uniformly from
 * 1..k the process about to run drops to a priority below every initial one (the i-th drop to
 * i).  A bug that needs d ordering constraints is then found by one run with probability at
 * least 1/(n·k^(d-1)) for n processes and k steps.  Here a process started later gets a random
 * place in the order, the clock (pending timers) takes part as one more process, a yield drops
 * the caller below all (it asked others to go first), and past 4k steps the choice is random:
 * a process spinning at the top cannot starve the rest for ever.
 *
 * Every choice is measured against the *default* one — the running process goes on; when it
 * blocks, yields or ends, the head of the ready queue; when nothing can run, the clock — and
 * under BATON_SCHED_LOG the steps where a run departed from it are written down ("12:3" — at
 * step 12, process 3; process 0 is the clock).  `replay,at=12:3+40:2` makes exactly those
 * departures and the default choice everywhere else: how `baton explore` minimises a failing
 * schedule and names it in one line.  The strategy draws from a generator of its own, so
 * alt's choices (the run's generator) do not depend on the strategy. */
#include "tracer/strategy.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer/sched.h"

/* A departure from the default choice: at scheduling decision `step`, process `id` (0: the
 * clock) ran. */
struct departure {
    uint64_t step;
    uint32_t id;
};

struct departures {
    struct departure *v;
    size_t n, cap;
};

static struct {
    struct trc_strategy_cfg cfg;
    uint64_t rng[2];                    /* the strategy's own generator */
    uint64_t change[TRC_PCT_DEPTH_MAX]; /* pct: the steps where priorities drop, ascending */
    uint32_t nchange, next;             /* how many; the next one to come */
    int64_t clock_prio;
    int64_t lowest;                     /* below every priority given so far (yields) */
    struct departures replay;           /* replay: the departures to make */
    size_t replay_next;
    int log;                            /* BATON_SCHED_LOG's file, or -1 */
    size_t made;                        /* departures written to it in this run */
} st = {.log = -1};

/* Initial priorities lie far above the change points' 1..d-1. */
static int64_t initial_prio(void)
{
    return (int64_t)((uint64_t)1 << 40) + (int64_t)trc_rng_below(st.rng, (uint64_t)1 << 61);
}

static bool departure_add(struct departures *d, uint64_t step, uint32_t id)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        struct departure *v = realloc(d->v, cap * sizeof *v);
        if (!v) return false;
        d->v = v;
        d->cap = cap;
    }
    d->v[d->n++] = (struct departure){step, id};
    return true;
}

/* Reads "12:3+40:2" (steps ascending) into d when d is not NULL.  False when malformed. */
static bool departures_parse(const char *s, size_t n, struct departures *d)
{
    uint64_t last = 0;
    for (size_t i = 0; i < n;) {
        uint64_t step = 0, id = 0;
        size_t a = i;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - a < 15) step = step * 10 + (uint64_t)(s[i++] - '0');
        if (i == a || i >= n || s[i] != ':' || step <= last) return false;
        size_t b = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - b < 10) id = id * 10 + (uint64_t)(s[i++] - '0');
        if (i == b || id > UINT32_MAX || (i < n && s[i] != '+') || (i + 1 == n && s[i] == '+')) return false;
        if (i < n) i++;
        if (d && !departure_add(d, step, (uint32_t)id)) return false;
        last = step;
    }
    return true;
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
    *cfg = (struct trc_strategy_cfg){TRC_FIFO, TRC_PCT_DEPTH_DEFAULT, TRC_PCT_STEPS_DEFAULT, false, NULL};
    if (!s || !*s || strcmp(s, "fifo") == 0) return 0;
    struct trc_strategy_cfg c = *cfg;
    size_t name = strcspn(s, ",");
    if (name == 6 && strncmp(s, "random", 6) == 0) c.kind = TRC_RANDOM;
    else if (name == 3 && strncmp(s, "pct", 3) == 0) c.kind = TRC_PCT;
    else if (name == 6 && strncmp(s, "replay", 6) == 0) c.kind = TRC_REPLAY;
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
        else if (c.kind == TRC_REPLAY && klen == 2 && strncmp(key, "at", 2) == 0 &&
                 departures_parse(val, vlen, NULL))
            c.replay = val; /* to the end of s: "at" comes last */
        else if (klen == 6 && strncmp(key, "timers", 6) == 0 && vlen == 4 && strncmp(val, "idle", 4) == 0)
            c.timers_idle = true;
        else if (klen == 6 && strncmp(key, "timers", 6) == 0 && vlen == 3 && strncmp(val, "any", 3) == 0)
            c.timers_idle = false;
        else
            return -1;
        if (c.replay && *end) return -1;
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
    else if (cfg->kind == TRC_REPLAY)
        snprintf(buf, len, "replay%s%s%s", timers, cfg->replay && *cfg->replay ? ",at=" : "",
                 cfg->replay ? cfg->replay : "");
    else
        snprintf(buf, len, "fifo");
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void trc_strategy_begin(const struct trc_strategy_cfg *cfg, uint64_t seed)
{
    st.cfg = *cfg;
    st.nchange = st.next = 0;
    st.lowest = 0;
    trc_rng_seed(st.rng, seed ^ 0x5c4ed01eULL); /* not the run's own stream */
    st.replay.n = st.replay_next = 0;
    st.made = 0;
    const char *log = getenv("BATON_SCHED_LOG");
    if (log && *log && st.log < 0) st.log = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (cfg->kind == TRC_REPLAY && cfg->replay)
        departures_parse(cfg->replay, strlen(cfg->replay), &st.replay);
    if (cfg->kind != TRC_PCT) return;
    for (uint32_t i = 0; i + 1 < cfg->depth; i++) st.change[st.nchange++] = 1 + trc_rng_below(st.rng, cfg->steps);
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

/* The default choice: cur goes on unless it yields; else the ready queue's head; else cur
 * (a yield with nobody else to run); else the clock. */
static struct pick default_pick(struct trc_proc *cur, bool clock, bool yielding)
{
    if (cur && !yielding) return (struct pick){cur, NULL, false};
    if (trc_sched.ready_head) return (struct pick){trc_sched.ready_head, NULL, false};
    if (cur) return (struct pick){cur, NULL, false};
    return (struct pick){NULL, NULL, clock};
}

/* The candidate with this id (0: the clock), or a pick with neither. */
static struct pick by_id(struct trc_proc *cur, bool clock, uint32_t id)
{
    if (id == 0) return (struct pick){NULL, NULL, clock};
    if (cur && cur->id == id) return (struct pick){cur, NULL, false};
    struct trc_proc *prev = NULL;
    for (struct trc_proc *p = trc_sched.ready_head; p; prev = p, p = p->next)
        if (p->id == id) return (struct pick){p, prev, false};
    return (struct pick){NULL, NULL, false};
}

static struct pick replayed(struct trc_proc *cur, bool clock, bool yielding, uint64_t step)
{
    while (st.replay_next < st.replay.n && st.replay.v[st.replay_next].step < step) st.replay_next++;
    if (st.replay_next < st.replay.n && st.replay.v[st.replay_next].step == step) {
        struct pick c = by_id(cur, clock, st.replay.v[st.replay_next++].id);
        if (c.proc || c.clock) return c;
    }
    return default_pick(cur, clock, yielding);
}

/* Written as it is made, so that a run that exits or crashes midway leaves its departures. */
static void log_departure(uint64_t step, uint32_t id)
{
    char buf[48];
    int n = snprintf(buf, sizeof buf, "%s%llu:%lu", st.made++ ? "+" : "", (unsigned long long)step,
                     (unsigned long)id);
    if (write(st.log, buf, (size_t)n) != n) {
        close(st.log);
        st.log = -1;
    }
}

struct trc_proc *trc_strategy_choose(struct trc_proc *cur, bool clock, bool yielding, bool *tick)
{
    *tick = false;
    if (st.cfg.timers_idle && (cur || trc_sched.ready_head)) clock = false;
    uint64_t n = (cur != NULL) + (uint64_t)clock;
    for (struct trc_proc *p = trc_sched.ready_head; p; p = p->next) n++;
    if (n == 0) return NULL;
    uint64_t step = ++trc_sched.steps;
    struct pick c;
    if (st.cfg.kind == TRC_REPLAY) {
        c = replayed(cur, clock, yielding, step);
    } else if (st.cfg.kind == TRC_PCT && step <= 4 * st.cfg.steps) {
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
        c = nth(cur, n == 1 ? 0 : trc_rng_below(st.rng, n));
    }
    if (st.log >= 0) {
        struct pick d = default_pick(cur, clock, yielding);
        if (d.proc != c.proc || d.clock != c.clock) log_departure(step, c.clock ? 0 : c.proc->id);
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

void trc_strategy_end(void)
{
    if (st.log < 0) return;
    if (write(st.log, "\n", 1) != 1) {}
    close(st.log);
    st.log = -1;
}
