/* check_trace.c — `baton check SPEC --trace RUN --process NAME`: recorded runs of real
 * programs replayed against a specification process (checker/replay.h).
 *
 * A run is a binary libbaton trace (docs/trace-format.md) or a text trace — one CSPm event a
 * line, `#` comments, blank lines ignored, a final `@deadlock` for a run that ended
 * deadlocked or `@livelock` for one stopped while busy — told apart by the binary magic.  Each event is read, mapped to the
 * specification's event (parsed and evaluated once per distinct spelling, then cached),
 * skipped when it is in --hide, and stepped through the specification's normal form. */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checker/lazy.h"
#include "checker/replay.h"
#include "checker/tracefile.h"
#include "cli/check.h"
#include "cli/cli.h"
#include "reports/report.h"

enum { KEEP_TEXT = 8 };          /* events kept before a failure for the text report */
enum { LIVELOCK_RUN = 100000 };  /* hidden events in a row at the end that suggest livelock */

#define EV_HIDDEN UINT32_MAX      /* cache: the event is in --hide */
#define EV_BAD (UINT32_MAX - 1)   /* cache: not an event of the specification */

/* ---- what a LIMIT report says (check.h; shared with cmd_check.c) ---- */

const char *check_limit_text(const struct check_options *o, const char *which, char *buf,
                             size_t len)
{
    if (!which) which = "";
    if (strcmp(which, "interrupt") == 0)
        snprintf(buf, len, "%s", chk_interrupted() == SIGINT ? "SIGINT" : "SIGTERM");
    else if (strcmp(which, "time") == 0)
        snprintf(buf, len, "the time limit (%g s)", o->lim.seconds);
    else if (strcmp(which, "memory") == 0 && o->default_memory)
        snprintf(buf, len, "the memory limit (%zu MB, the default budget: a share of the "
                 "machine's memory; --memory sets another)", o->lim.memory >> 20);
    else if (strcmp(which, "memory") == 0)
        snprintf(buf, len, "the memory limit (%zu MB)", o->lim.memory >> 20);
    else if (strcmp(which, "states") == 0)
        snprintf(buf, len, "the states limit (%llu)", (unsigned long long)o->lim.max_states);
    else
        snprintf(buf, len, "the %s limit", which);
    return buf;
}

const char *check_figures(uint64_t states, uint64_t transitions, double seconds, char *buf,
                          size_t len)
{
    snprintf(buf, len, "%llu states, %llu transitions, %.2f s, %zu MB resident at the peak",
             (unsigned long long)states, (unsigned long long)transitions, seconds,
             chk_peak_resident() >> 20);
    return buf;
}

/* ---- spelling -> event id, cached ---- */

struct cache_entry {
    char *key;
    uint32_t id;
};

struct replay_ctx {
    struct cspm_module *m;
    struct evaluator *ev;
    struct events *events;
    const value *all_events;      /* Events */
    const value *hidden;          /* --hide, or NULL */
    struct cache_entry *tab;
    size_t cap, count;
    const struct check_options *o;
    struct chk_limits lim;        /* the current phase's: o->lim with its own deadline */
    double start;                 /* when the current phase began */
};

/* The limits of a new phase (compiling the specification, replaying one trace): the whole
 * --timeout from now. */
static void phase_start(struct replay_ctx *c)
{
    c->start = chk_now();
    c->lim = c->o->lim;
    if (c->lim.seconds > 0) c->lim.deadline = c->start + c->lim.seconds;
}

/* The evaluator's poll (events spelt in a trace, the process, thunks the semantics forces). */
static const char *poll_limits(void *ctx)
{
    const struct replay_ctx *c = ctx;
    return chk_over_limit(&c->lim, 0, c->start);
}

static size_t str_hash(const char *s, size_t n)
{
    size_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* The state of a diagnostics list, to forget the errors recorded after it. */
struct diag_mark {
    size_t count, dropped, repeated, total;
};

static struct diag_mark diag_mark(const struct diag_list *d)
{
    return (struct diag_mark){d->count, d->dropped, d->repeated, diag_count(d)};
}

/* Forgets the errors recorded since mark k; true when there were some. */
static bool diag_rewind(struct diag_list *d, struct diag_mark k)
{
    if (diag_count(d) == k.total) return false;
    for (size_t i = k.count; i < d->count; i++) free(d->items[i].msg);
    d->count = k.count;
    d->dropped = k.dropped;
    d->repeated = k.repeated;
    d->last = NULL;
    return true;
}

/* Evaluates TEXT in the specification's scope; NULL when it does not parse or evaluate
 * (its diagnostics are dropped: the caller reports the trace's line instead). */
static const value *eval_text(struct replay_ctx *c, const char *text, size_t len)
{
    struct diag_list *d = &c->m->diags;
    struct diag_mark k = diag_mark(d);
    struct ast_node *e = cspm_parse_expression(c->m, text, len);
    const value *v = e && diag_count(d) == k.total ? eval_expr(c->ev, e) : NULL;
    if (diag_rewind(d, k)) v = NULL;
    return v;
}

/* The id of the event spelt s[0..n), EV_HIDDEN, EV_BAD, or UINT32_MAX - 2 without memory. */
static uint32_t lookup(struct replay_ctx *c, const char *s, size_t n)
{
    if (c->count * 2 >= c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1024;
        struct cache_entry *t = calloc(cap, sizeof *t);
        if (!t) return UINT32_MAX - 2;
        for (size_t i = 0; i < c->cap; i++) {
            if (!c->tab[i].key) continue;
            size_t j = str_hash(c->tab[i].key, strlen(c->tab[i].key)) & (cap - 1);
            while (t[j].key) j = (j + 1) & (cap - 1);
            t[j] = c->tab[i];
        }
        free(c->tab);
        c->tab = t;
        c->cap = cap;
    }
    size_t i = str_hash(s, n) & (c->cap - 1);
    for (; c->tab[i].key; i = (i + 1) & (c->cap - 1))
        if (strncmp(c->tab[i].key, s, n) == 0 && c->tab[i].key[n] == '\0') return c->tab[i].id;
    const value *v = eval_text(c, s, n);
    uint32_t id;
    /* Without Events (a channel of an infinite type), any event value will do: one the
     * specification cannot perform then fails the trace instead of being bad input. */
    if (!v || (v->kind != VAL_NAME && v->kind != VAL_DOT) ||
        (c->all_events && !val_set_member(c->all_events, v)))
        id = EV_BAD;
    else if (c->hidden && val_set_member(c->hidden, v))
        id = EV_HIDDEN;
    else
        id = events_id(c->events, v);
    char *key = malloc(n + 1);
    if (!key) return UINT32_MAX - 2;
    memcpy(key, s, n);
    key[n] = '\0';
    c->tab[i] = (struct cache_entry){key, id};
    c->count++;
    return id;
}

static void cache_free(struct replay_ctx *c)
{
    for (size_t i = 0; i < c->cap; i++) free(c->tab[i].key);
    free(c->tab);
}

/* Binary traces: a communication's event depends only on its channel, the record's aux byte
 * and its value, so the spelling (and its lookup) is needed once per distinct triple. */
struct comm_key {
    uint32_t chan, aux;
    int64_t value;
    uint32_t id;                  /* the cached answer of lookup() */
    bool used;
};

struct comm_cache {
    struct comm_key *v;
    size_t cap, count;
    /* In front of the table, for small values (most traces'): row[chan * 8 + (aux & 7)][value]
     * is the event id + 1, UINT32_MAX for a hidden event, 0 when not known yet.  Rows are made as channels are first seen,
     * so their memory grows with the file's channels, not with its length. */
    uint32_t **row;
    size_t nrow;
};
enum { ROW_VALUES = 64, ROW_CHANS = 1 << 16 };

/* The direct slot of (chan, aux, v), or NULL when the value or the channel is too large
 * (or memory is short): then the hash table answers. */
static inline uint32_t *comm_direct(struct comm_cache *cc, uint32_t chan, uint32_t aux, int64_t v)
{
    if ((uint64_t)v >= ROW_VALUES || chan >= ROW_CHANS) return NULL;
    size_t i = (size_t)chan * 8 + (aux & 7);
    if (__builtin_expect(i < cc->nrow && cc->row[i], 1)) return &cc->row[i][v];
    if (i >= cc->nrow) {
        size_t n = cc->nrow ? cc->nrow : 64;
        while (n <= i) n *= 2;
        uint32_t **rows = realloc(cc->row, n * sizeof *rows);
        if (!rows) return NULL;
        memset(rows + cc->nrow, 0, (n - cc->nrow) * sizeof *rows);
        cc->row = rows;
        cc->nrow = n;
    }
    cc->row[i] = calloc(ROW_VALUES, sizeof **cc->row);
    return cc->row[i] ? &cc->row[i][v] : NULL;
}

static void comm_cache_free(struct comm_cache *cc)
{
    for (size_t i = 0; i < cc->nrow; i++) free(cc->row[i]);
    free(cc->row);
    free(cc->v);
}

static size_t comm_hash(uint32_t chan, uint32_t aux, int64_t v)
{
    uint64_t h = ((uint64_t)chan << 32 | aux) * 0x9E3779B97F4A7C15ull ^ (uint64_t)v;
    h *= 0xBF58476D1CE4E5B9ull;
    return (size_t)(h ^ h >> 31);
}

/* The slot for (chan, aux, value): used with its id, or free to fill; NULL without memory. */
static struct comm_key *comm_slot(struct comm_cache *cc, uint32_t chan, uint32_t aux, int64_t v)
{
    if ((cc->count + 1) * 2 > cc->cap) {
        size_t cap = cc->cap ? 2 * cc->cap : 1024;
        struct comm_key *t = calloc(cap, sizeof *t);
        if (!t) return NULL;
        for (size_t i = 0; i < cc->cap; i++) {
            if (!cc->v[i].used) continue;
            size_t j = comm_hash(cc->v[i].chan, cc->v[i].aux, cc->v[i].value) & (cap - 1);
            while (t[j].used) j = (j + 1) & (cap - 1);
            t[j] = cc->v[i];
        }
        free(cc->v);
        cc->v = t;
        cc->cap = cap;
    }
    size_t i = comm_hash(chan, aux, v) & (cc->cap - 1);
    for (; cc->v[i].used; i = (i + 1) & (cc->cap - 1))
        if (cc->v[i].chan == chan && cc->v[i].aux == aux && cc->v[i].value == v) break;
    return &cc->v[i];
}

/* ---- one run ---- */

struct run {
    struct replay_ctx *c;
    struct replay *rp;
    struct rpt_trace_check *out;
    uint64_t index;               /* events read so far */
    uint64_t hidden_run;          /* hidden events since the last visible one */
    uint32_t *kept;               /* visible event ids before the failure: all (JSON) or a ring */
    size_t nkept, cap_kept;
    uint64_t visible;
    bool all;                     /* keep all (JSON), else a ring of KEEP_TEXT */
    bool failed;
    char *blocked;                /* binary traces: who was blocked at a deadlock, offering what */
    size_t nblocked, cap_blocked;
};

/* Appends to r->blocked (a bounded, human-readable summary). */
static void blocked_add(struct run *r, const char *text)
{
    size_t n = strlen(text);
    if (r->nblocked + n + 1 > 4000) return;
    if (r->nblocked + n + 1 > r->cap_blocked) {
        size_t cap = r->cap_blocked ? 2 * r->cap_blocked : 256;
        while (cap < r->nblocked + n + 1) cap *= 2;
        char *b = realloc(r->blocked, cap);
        if (!b) return;
        r->blocked = b;
        r->cap_blocked = cap;
    }
    memcpy(r->blocked + r->nblocked, text, n + 1);
    r->nblocked += n;
}

static char *text_of(struct replay_ctx *c, uint32_t id)
{
    return events_text(c->events, id);
}

static void keep(struct run *r, uint32_t id)
{
    if (!r->all) {
        if (!r->kept) r->kept = malloc(KEEP_TEXT * sizeof *r->kept);
        if (r->kept) r->kept[r->visible % KEEP_TEXT] = id;
        r->visible++;
        return;
    }
    if (r->nkept == r->cap_kept) {
        size_t cap = r->cap_kept ? 2 * r->cap_kept : 1024;
        uint32_t *k = realloc(r->kept, cap * sizeof *k);
        if (!k) return;
        r->kept = k;
        r->cap_kept = cap;
    }
    r->kept[r->nkept++] = id;
    r->visible++;
}

/* The kept events into out->trace, oldest first. */
static void report_kept(struct run *r)
{
    size_t n = r->all ? r->nkept : (size_t)(r->visible < KEEP_TEXT ? r->visible : KEEP_TEXT);
    uint64_t first = r->all ? 0 : r->visible - n;
    r->out->elided = r->visible - n;
    for (size_t i = 0; i < n; i++) {
        uint32_t id = r->all ? r->kept[i] : r->kept[(first + i) % KEEP_TEXT];
        char *s = text_of(r->c, id);
        if (s) rpt_push(&r->out->trace, s);
        free(s);
    }
}

static void report_set(struct run *r, const uint32_t *ids, size_t n, struct rpt_strings *to)
{
    for (size_t i = 0; i < n; i++) {
        char *s = text_of(r->c, ids[i]);
        if (s) rpt_push(to, s);
        free(s);
    }
}

static void set_str(char **to, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_str(char **to, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(*to);
    *to = strdup(buf);
}

enum { STEP_ON, STEP_FAIL, STEP_BAD, STEP_LIMIT };

/* Where an event is in its file, formatted only for a message. */
struct place {
    const char *path;
    unsigned long line;           /* text: its line; binary: 0 */
    uint64_t offset, seq;         /* binary: the record's byte offset and communication number */
};

static void place_text(const struct place *pl, char *buf, size_t len)
{
    if (pl->line)
        snprintf(buf, len, "%s:%lu", pl->path, pl->line);
    else
        snprintf(buf, len, "%s: byte %llu (communication %llu)", pl->path,
                 (unsigned long long)pl->offset, (unsigned long long)pl->seq);
}

static int step_id(struct run *r, uint32_t id, const char *s, size_t n, const struct place *pl);

/* The message of a replay stopped by a limit: which, where, and the figures reached. */
static void limit_message(struct run *r, const char *which, const char *phase)
{
    char what[200];
    check_limit_text(r->c->o, which, what, sizeof what);
    set_str(&r->out->message, "stopped at %s %s after %llu events: %u normal nodes over %u "
            "specification states, %.2f s, %zu MB resident at the peak", what, phase,
            (unsigned long long)r->index, replay_nodes(r->rp), replay_spec_states(r->rp),
            chk_now() - r->c->start, chk_peak_resident() >> 20);
}

/* One event of the run, spelt s[0..n), at `pl` in the file. */
static int step(struct run *r, const char *s, size_t n, const struct place *pl)
{
    return step_id(r, lookup(r->c, s, n), s, n, pl);
}

/* The same with its id already looked up. */
static int step_id(struct run *r, uint32_t id, const char *s, size_t n, const struct place *pl)
{
    r->index++;
    /* A long run polls the limits too, every 65 536 events (a clock read, ~20 ns). */
    const char *why;
    if ((r->index & 0xFFFF) == 0 && (why = chk_over_limit(&r->c->lim, 0, r->c->start))) {
        limit_message(r, why, "while replaying the trace");
        return STEP_LIMIT;
    }
    if (id == UINT32_MAX - 2) {
        set_str(&r->out->message, "out of memory");
        return STEP_LIMIT;
    }
    if (id == EV_BAD) {
        char where[4200];
        place_text(pl, where, sizeof where);
        set_str(&r->out->message, "%s: '%.*s' is not an event of the specification", where,
                (int)(n < 200 ? n : 200), s);
        return STEP_BAD;
    }
    if (id == EV_HIDDEN) {
        r->hidden_run++;
        return STEP_ON;
    }
    r->hidden_run = 0;
    int k = replay_step(r->rp, id);
    if (k == REPLAY_LIMIT) {
        const char *which = replay_limit(r->rp);
        if (replay_error(r->rp)) which = eval_interrupted(r->c->ev);
        if (!which && replay_error(r->rp)) {
            set_str(&r->out->message, "the specification's transitions could not be computed at "
                    "event %llu (see the error above)", (unsigned long long)r->index);
            return STEP_BAD;
        }
        limit_message(r, which ? which : "memory", "while normalising the specification");
        return STEP_LIMIT;
    }
    if (k == REPLAY_REFUSED) {
        r->out->index = r->index;
        r->out->event = text_of(r->c, id);
        set_str(&r->out->kind, "trace");
        report_kept(r);
        size_t na;
        const uint32_t *allowed = replay_allowed(r->rp, &na);
        report_set(r, allowed, na, &r->out->allowed);
        return STEP_FAIL;
    }
    keep(r, id);
    return STEP_ON;
}

/* The end of a run: a deadlock must be one the specification allows; a livelock is
 * suspected when the run ends in hidden events only — a long run of them, or any run when the
 * runtime marked the program as stopped while busy (`mark`: the signal, or -1 for a text
 * trace's @livelock) — and is a failure unless the specification may diverge there. */
static int finish(struct run *r, bool deadlocked, int mark)
{
    const uint32_t *must;
    size_t n;
    if (deadlocked && !replay_may_deadlock(r->rp, &must, &n)) {
        set_str(&r->out->kind, "deadlock");
        r->out->index = r->index;
        report_kept(r);
        report_set(r, must, n, &r->out->allowed);
        if (r->blocked) set_str(&r->out->detail, "blocked: %s", r->blocked);
        return STEP_FAIL;
    }
    char stopped[80] = "the runtime marked a livelock suspicion (@livelock)";
    if (mark > 0)
        snprintf(stopped, sizeof stopped, "the program was stopped by signal %d while busy", mark);
    bool suspect = r->hidden_run >= LIVELOCK_RUN || (mark && r->hidden_run > 0);
    if (suspect && !replay_may_diverge(r->rp)) {
        set_str(&r->out->kind, "livelock");
        r->out->index = r->index;
        report_kept(r);
        if (mark)
            set_str(&r->out->detail, "%s after %llu hidden events in a row, a suspected livelock, "
                    "where the specification cannot diverge", stopped, (unsigned long long)r->hidden_run);
        else
            set_str(&r->out->detail, "the run ends with %llu hidden events in a row, a suspected "
                    "livelock, where the specification cannot diverge",
                    (unsigned long long)r->hidden_run);
        return STEP_FAIL;
    }
    if (mark && !r->out->message)
        set_str(&r->out->message, "%s; %s", stopped,
                suspect ? "the specification may diverge there"
                        : "its last event was visible, so no livelock is suspected");
    return STEP_ON;
}

/* Reads the text form in large blocks and splits lines in place. */
static int run_text(struct run *r, FILE *f, const char *path)
{
    enum { BLOCK = 1 << 20, MAX_LINE = 1 << 16 };
    char *buf = malloc(BLOCK + MAX_LINE + 1);
    if (!buf) {
        set_str(&r->out->message, "out of memory");
        return STEP_LIMIT;
    }
    struct place pl = {path, 0, 0, 0};
    bool deadlocked = false, livelocked = false;
    int st = STEP_ON;
    size_t have = 0;
    char where[4200];
    for (bool eof = false; st == STEP_ON && !eof;) {
        size_t got = fread(buf + have, 1, BLOCK, f);
        if (got == 0) eof = true;
        have += got;
        buf[have] = '\0';
        char *p = buf, *end = buf + have;
        for (;;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl && !eof) break;  /* an incomplete last line: read more */
            char *e = nl ? nl : end;
            if (!nl && p == end) break;
            pl.line++;
            char *line = p, *q = p;
            while (q < e && (*q == ' ' || *q == '\t')) q++;
            char *z = e;
            while (z > q && (z[-1] == '\r' || z[-1] == ' ' || z[-1] == '\t')) z--;
            p = nl ? nl + 1 : end;
            if (q == z || *q == '#') continue;
            const char *nul = memchr(q, '\0', (size_t)(z - q));
            if (nul) {  /* text traces are text: a NUL byte is binary data or a damaged file */
                place_text(&pl, where, sizeof where);
                set_str(&r->out->message, "%s: a NUL byte at column %zu: a text trace has one "
                        "CSPm event a line, and no binary data", where, (size_t)(nul - line) + 1);
                st = STEP_BAD;
            } else if (deadlocked || livelocked) {
                place_text(&pl, where, sizeof where);
                set_str(&r->out->message, "%s: nothing may follow %s", where,
                        deadlocked ? "@deadlock" : "@livelock");
                st = STEP_BAD;
            } else if ((size_t)(z - q) == 9 && strncmp(q, "@deadlock", 9) == 0) {
                deadlocked = true;
            } else if ((size_t)(z - q) == 9 && strncmp(q, "@livelock", 9) == 0) {
                livelocked = true;
            } else if (*q == '@') {
                place_text(&pl, where, sizeof where);
                set_str(&r->out->message, "%s: unknown directive '%.*s' (only @deadlock and @livelock)",
                        where, (int)(z - q < 100 ? z - q : 100), q);
                st = STEP_BAD;
            } else {
                st = step(r, q, (size_t)(z - q), &pl);
            }
            if (st != STEP_ON || !nl) break;
        }
        /* Keep the incomplete line for the next block; refuse absurdly long ones. */
        have = (size_t)(end - p);
        if (have > MAX_LINE) {
            pl.line++;
            place_text(&pl, where, sizeof where);
            set_str(&r->out->message, "%s: a line longer than %d bytes", where, MAX_LINE);
            st = STEP_BAD;
        }
        memmove(buf, p, have);
    }
    free(buf);
    if (st == STEP_ON && ferror(f)) {
        set_str(&r->out->message, "%s: %s", path, strerror(errno));
        st = STEP_BAD;
    }
    return st == STEP_ON ? finish(r, deadlocked, livelocked ? -1 : 0) : st;
}

static int run_binary(struct run *r, const char *path)
{
    char err[512], ev[4096];
    trf *t = trf_open(path, err, sizeof err);
    if (!t) {
        set_str(&r->out->message, "%s", err);
        return STEP_BAD;
    }
    struct trf_record rec;
    struct comm_cache cc = {0};
    int st = STEP_ON, k;
    bool deadlocked = false;
    uint32_t offers_due = 0;
    while (st == STEP_ON && (k = trf_next(t, &rec)) == 1) {
        if (rec.kind == TRC_DEADLOCK) deadlocked = true;
        if (deadlocked && rec.kind == TRC_WAIT) {
            blocked_add(r, r->nblocked ? "; " : "");
            blocked_add(r, trf_proc_name(t, rec.proc));
            blocked_add(r, rec.count ? " offers " : " offers nothing");
            offers_due = rec.count;
        } else if (deadlocked && rec.kind == TRC_OFFER && offers_due) {
            if (trf_event(t, &rec, ev, sizeof ev) >= 0) blocked_add(r, ev);
            if (--offers_due) blocked_add(r, " or ");
        }
        if (rec.kind != TRC_COMM) continue;
        uint32_t *direct = comm_direct(&cc, rec.chan, rec.aux, rec.value);
        if (direct && *direct) {
            struct place pl = {path, 0, rec.offset, rec.seq};
            st = step_id(r, *direct == UINT32_MAX ? EV_HIDDEN : *direct - 1, "", 0, &pl);
            if (st == STEP_FAIL)
                set_str(&r->out->detail, "%s sent it to %s at %.3f ms (communication %llu)",
                        trf_proc_name(t, rec.sender), trf_proc_name(t, rec.receiver),
                        rec.time_ns / 1e6, (unsigned long long)rec.seq);
            continue;
        }
        struct comm_key *slot = direct ? NULL : comm_slot(&cc, rec.chan, rec.aux, rec.value);
        if (slot && slot->used && slot->id < EV_BAD) {
            /* A known, allowed-to-look-up event: no spelling needed unless it fails. */
            struct place pl = {path, 0, rec.offset, rec.seq};
            st = step_id(r, slot->id, "", 0, &pl);
            if (st == STEP_FAIL)
                set_str(&r->out->detail, "%s sent it to %s at %.3f ms (communication %llu)",
                        trf_proc_name(t, rec.sender), trf_proc_name(t, rec.receiver),
                        rec.time_ns / 1e6, (unsigned long long)rec.seq);
            continue;
        }
        int n = trf_event(t, &rec, ev, sizeof ev);
        if (n < 0 || (size_t)n >= sizeof ev) {
            set_str(&r->out->message, "%s: byte %llu: an event too long to read", path,
                    (unsigned long long)rec.offset);
            st = STEP_BAD;
            break;
        }
        struct place pl = {path, 0, rec.offset, rec.seq};
        uint32_t id = lookup(r->c, ev, (size_t)n);
        if (direct && (id < EV_BAD || id == EV_HIDDEN)) *direct = id == EV_HIDDEN ? UINT32_MAX : id + 1;
        if (slot && id < EV_BAD) *slot = (struct comm_key){rec.chan, rec.aux, rec.value, id, true},
                                 cc.count++;
        st = step_id(r, id, ev, (size_t)n, &pl);
        if (st == STEP_FAIL)
            set_str(&r->out->detail, "%s sent it to %s at %.3f ms (communication %llu)",
                    trf_proc_name(t, rec.sender), trf_proc_name(t, rec.receiver),
                    rec.time_ns / 1e6, (unsigned long long)rec.seq);
    }
    if (st == STEP_ON && k < 0) {
        set_str(&r->out->message, "%s", trf_error(t));
        st = STEP_BAD;
    }
    comm_cache_free(&cc);
    bool truncated = trf_truncated(t), complete = trf_complete(t);
    uint32_t capped = trf_capped_kib(t);
    bool header_only = k == 0 && trf_header_only(t);
    int mark = trf_livelock(t);
    trf_close(t);
    if (st != STEP_ON) return st;
    st = finish(r, deadlocked, mark);
    if (header_only && !r->out->message)
        set_str(&r->out->message, "0 events recorded: the file holds only its header; the program "
                                  "opened the trace and was killed or stopped before its first record "
                                  "reached the file");
    else if (capped && !r->out->message)
        set_str(&r->out->message, "the trace reached its size cap (BATON_TRACE_MAX, %u KiB) and "
                "recording stopped there; the run went on: checked as far as it was recorded", capped);
    else if (truncated && !r->out->message)
        set_str(&r->out->message, "the trace is truncated: read up to its last complete record");
    else if (!complete && !mark && !r->out->message)
        set_str(&r->out->message, "the trace stops before the end of the run (the program was "
                                  "killed, or the file was cut at a record boundary)");
    return st;
}

/* A file is read as a binary trace when it starts like one — also when it is cut inside the
 * magic (no text trace starts with byte 0x89) — or is empty: libbaton writes the header as
 * it opens a trace, so an empty file is no run at all, and the binary reader says so. */
static bool is_binary(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char magic[TRC_MAGIC_LEN];
    size_t n = fread(magic, 1, sizeof magic, f);
    bool yes = !ferror(f) && memcmp(magic, TRC_MAGIC, n) == 0;
    fclose(f);
    return yes;
}

/* One pass over the trace: `all` keeps every visible event for the report (else the last
 * KEEP_TEXT).  The result as a STEP_ code; out->events is set. */
static int one_pass(struct replay_ctx *c, const struct norm_spec *spec, const char *path,
                    struct rpt_trace_check *out, bool all)
{
    struct run r = {.c = c, .out = out, .all = all};
    const char *which;
    r.rp = replay_new_spec(spec, &c->lim, &which);
    if (!r.rp && which && strcmp(which, "error") == 0 && eval_interrupted(c->ev))
        which = eval_interrupted(c->ev);
    if (!r.rp && which && strcmp(which, "error") == 0) {
        set_str(&out->message, "the specification process could not be evaluated (see the error "
                "above)");
        return STEP_BAD;
    }
    if (!r.rp) {
        char what[200], figures[200];
        set_str(&out->message, "stopped at %s while normalising the specification's start: %s",
                check_limit_text(c->o, which ? which : "memory", what, sizeof what),
                check_figures(0, 0, chk_now() - c->start, figures, sizeof figures));
        return STEP_LIMIT;
    }
    int st;
    bool binary = is_binary(path);
    if (binary) {
        st = run_binary(&r, path);
    } else {
        FILE *f = fopen(path, "r");
        if (!f) {
            set_str(&out->message, "cannot read '%s': %s", path, strerror(errno));
            st = STEP_BAD;
        } else {
            st = run_text(&r, f, path);
            fclose(f);
        }
    }
    out->events = r.index;
    /* An empty trace is a trace of every process, so it passes; the note keeps anybody from
     * taking a run that recorded nothing for one that was checked. */
    if (st == STEP_ON && r.index == 0) {
        char *was = out->message;
        out->message = NULL;
        if (was && strncmp(was, "0 events recorded", 17) == 0)
            out->message = was, was = NULL;
        else if (was)
            set_str(&out->message, "0 events recorded; %s", was);
        else if (binary)
            set_str(&out->message, "0 events recorded: the run made no communication");
        else
            set_str(&out->message, "0 events recorded: the file has no event lines, only comments "
                                   "and blank lines");
        free(was);
    }
    free(r.kept);
    free(r.blocked);
    replay_free(r.rp);
    return st;
}

static void check_one_run(struct replay_ctx *c, const struct norm_spec *spec, const char *path,
                          struct rpt_trace_check *out)
{
    phase_start(c);
    chk_peak_reset();
    eval_set_poll(c->ev, poll_limits, c);  /* (a limit of the trace before is forgotten) */
    double start = c->start;
    out->trace_file = strdup(path);
    out->process = strdup(c->o->process);
    /* Memory must not grow with the trace, yet JSON reports every event before a failure:
     * the first pass keeps only the last few, and a failure is replayed once more keeping
     * them all (the run is deterministic, so it fails at the same place). */
    size_t errors = diag_count(&c->m->diags);
    int st = one_pass(c, spec, path, out, false);
    if (st == STEP_FAIL && c->o->full_traces) {
        rpt_trace_forget(out);
        st = one_pass(c, spec, path, out, true);
    }
    /* An evaluation error met on the way (the specification explored as far as the run
     * went) is the answer, whatever the replay concluded: a branch that could not be
     * evaluated is not a branch that is absent. */
    if (diag_count(&c->m->diags) != errors && st != STEP_BAD) {
        set_str(&out->message, "an evaluation error in the specification (see above) after %llu "
                "events", (unsigned long long)out->events);
        st = STEP_BAD;
    }
    out->result = st == STEP_ON ? RPT_PASS : st == STEP_FAIL ? RPT_FAIL
                                           : st == STEP_LIMIT ? RPT_LIMIT : RPT_ERROR;
    out->seconds = chk_now() - start;
}

/* --trace FOLDER means every regular file in it, sorted by name. */
static int add_paths(const char *arg, char ***paths, size_t *n, size_t *cap)
{
    struct stat sb;
    if (stat(arg, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(arg);
        if (!d) return -1;
        struct dirent *e;
        size_t first = *n;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char full[4096];
            snprintf(full, sizeof full, "%s/%s", arg, e->d_name);
            if (stat(full, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
            if (add_paths(full, paths, n, cap) < 0) {
                closedir(d);
                return -1;
            }
        }
        closedir(d);
        for (size_t i = first + 1; i < *n; i++)
            for (size_t j = i; j > first && strcmp((*paths)[j - 1], (*paths)[j]) > 0; j--) {
                char *t = (*paths)[j];
                (*paths)[j] = (*paths)[j - 1];
                (*paths)[j - 1] = t;
            }
        return 0;
    }
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 8;
        char **v = realloc(*paths, c * sizeof *v);
        if (!v) return -1;
        *paths = v;
        *cap = c;
    }
    (*paths)[(*n)++] = strdup(arg);
    return 0;
}

struct trace_checker {
    struct replay_ctx c;
    struct lazy *spec;
    struct norm_spec ns;
    size_t diags_before;
};

struct trace_checker *trace_checker_new(struct cspm_module *m, struct evaluator *ev,
                                        struct events *events, const struct check_options *o,
                                        int *status)
{
    struct trace_checker *tc = calloc(1, sizeof *tc);
    *status = EXIT_INPUT;
    if (!tc) {
        fprintf(stderr, "baton: out of memory\n");
        return NULL;
    }
    struct replay_ctx *c = &tc->c;
    *c = (struct replay_ctx){.m = m, .ev = ev, .events = events, .o = o};
    tc->diags_before = m->diags.count;
    phase_start(c);
    eval_set_poll(ev, poll_limits, c);
    const value *p = eval_text(c, o->process, strlen(o->process));
    if (!p && eval_interrupted(ev)) {
        char what[200], figures[200];
        fprintf(stderr, "baton: stopped at %s while evaluating --process '%s': %s\n",
                check_limit_text(o, eval_interrupted(ev), what, sizeof what), o->process,
                check_figures(0, 0, chk_now() - c->start, figures, sizeof figures));
        *status = EXIT_LIMIT;
        goto fail;
    }
    if (!p || p->kind != VAL_PROC) {
        fprintf(stderr, "baton: --process '%s' is not a process of %s\n", o->process, o->file);
        goto fail;
    }
    struct diag_mark before_events = diag_mark(&m->diags);
    c->all_events = eval_events(ev);
    /* An infinite channel type: Events is not a finite set.  Not an error for replay. */
    if (!c->all_events) diag_rewind(&m->diags, before_events);
    if (o->hide) {
        c->hidden = eval_text(c, o->hide, strlen(o->hide));
        if (!c->hidden || c->hidden->kind != VAL_SET) {
            fprintf(stderr, "baton: --hide '%s' is not a set of events of %s\n", o->hide, o->file);
            goto fail;
        }
    }
    /* Nothing is compiled up front: the specification is explored as far as each trace
     * goes (checker/lazy.h), so a huge or infinite one costs only the states a run meets. */
    tc->spec = lazy_new(eval_sem(ev), events, p);
    if (!tc->spec) {
        fprintf(stderr, "baton: out of memory\n");
        goto fail;
    }
    tc->ns = lazy_spec(tc->spec);
    *status = EXIT_HOLDS;
    return tc;
fail:
    trace_checker_free(tc);
    return NULL;
}

void trace_checker_run(struct trace_checker *tc, const char *path, struct rpt_trace_check *out)
{
    check_one_run(&tc->c, &tc->ns, path, out);
}

void trace_checker_free(struct trace_checker *tc)
{
    if (!tc) return;
    struct cspm_module *m = tc->c.m;
    /* Errors of the specification met while replaying (a thunk that fails to evaluate). */
    for (size_t k = tc->diags_before; k < m->diags.count; k++) diag_print_one(&m->diags.items[k], stderr);
    eval_set_poll(tc->c.ev, NULL, NULL);
    lazy_free(tc->spec);
    cache_free(&tc->c);
    free(tc);
}

int check_traces(struct cspm_module *m, struct evaluator *ev, struct events *events,
                 const struct check_options *o)
{
    struct rpt_traces report = {0};
    char **paths = NULL;
    size_t npaths = 0, cap = 0;
    int status;
    struct trace_checker *tc = trace_checker_new(m, ev, events, o, &status);
    if (!tc) return status;
    status = EXIT_INPUT;
    for (size_t i = 0; i < o->ntraces; i++)
        if (add_paths(o->traces[i], &paths, &npaths, &cap) < 0) {
            fprintf(stderr, "baton: cannot read '%s': %s\n", o->traces[i], strerror(errno));
            goto out;
        }
    report.file = strdup(o->file);
    for (size_t i = 0; i < npaths; i++) {
        struct rpt_trace_check *out = rpt_trace_add(&report);
        if (!out) break;
        trace_checker_run(tc, paths[i], out);
    }
    size_t fail = 0, error = 0, limit = 0;
    for (size_t i = 0; i < report.n; i++) {
        fail += report.c[i].result == RPT_FAIL;
        error += report.c[i].result == RPT_ERROR;
        limit += report.c[i].result == RPT_LIMIT;
    }
    status = error ? EXIT_INPUT : fail ? EXIT_FAILS : limit ? EXIT_LIMIT : EXIT_HOLDS;
    status = check_report_traces(o, &report, status);
out:
    trace_checker_free(tc);
    for (size_t i = 0; i < npaths; i++) free(paths[i]);
    free(paths);
    rpt_traces_free(&report);
    return status;
}

int check_report_traces(const struct check_options *o, const struct rpt_traces *report,
                        int status)
{
    struct rpt_context x = {.notices = o->out.notices};
    size_t len;
    if (report_wants(&o->out, RPT_HTML)) x.source = report_read_source(o->file, &len);
    rpt_emit_traces(stdout, o->out.format, report, &x);
    fflush(stdout);
    if (report_write_files_traces(&o->out, report, &x) < 0) status = EXIT_INPUT;
    free((char *)x.source);
    return status;
}
