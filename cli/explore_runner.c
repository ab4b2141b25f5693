/* explore_runner.c — job slots that run a program under schedules (explore_runner.h).
 * One poll(2) loop watches every slot's status pipe: the fork server's STARTED, RUN and
 * EXITED records (tracer/explore_proto.h), or in exec mode the RUN records and then the end
 * of the pipe when the program exits.  A run past the timeout gets SIGTERM (libbaton ends its
 * trace with a livelock mark) and SIGKILL a second later. */
#include "cli/explore_runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tracer/explore_proto.h"

struct slot {
    pid_t server;                 /* its fork server; 0 in exec mode */
    int ctl;                      /* commands to the server (our end); -1 in exec mode */
    int status;                   /* records from the program (our end); -1 when none */
    bool busy;
    pid_t child;                  /* the run under way, once known */
    double started, kill_at;      /* kill_at: when the next signal is due (0: never) */
    int kills;                    /* signals sent: 0, 1 SIGTERM, 2 SIGKILL */
    bool deadlocked;
    struct xr_result res;
    unsigned char buf[sizeof(struct trc_explore_rec) * 16];
    size_t have;
    char trace[4096];
};

struct xr_runner {
    struct xr_options o;
    struct slot *slots;
    unsigned n;
    bool forking;
    int out;                      /* where the program's output goes */
};

static volatile sig_atomic_t interrupted;

void xr_interrupt(void) { interrupted = 1; }
bool xr_interrupted(void) { return interrupted != 0; }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *xr_signal_name(int sig, char *buf, unsigned len)
{
    const char *d = sigabbrev_np(sig);
    if (d) snprintf(buf, len, "SIG%s", d);
    else snprintf(buf, len, "signal %d", sig);
    return buf;
}

bool xr_forking(const struct xr_runner *r) { return r->forking; }

char *xr_strategy_text(const struct trc_strategy_cfg *cfg)
{
    size_t len = 96 + (cfg->replay ? strlen(cfg->replay) : 0);
    char *buf = malloc(len);
    if (buf) trc_strategy_format(cfg, buf, len);
    return buf;
}

/* ---- starting the program ------------------------------------------------------------------- */

/* In the child, before exec: the environment of one start.  ctl < 0: exec mode, with the
 * schedule s (NULL: the program's default). */
static void child_exec(const struct xr_runner *r, int ctl, int status, const struct xr_schedule *s,
                       const char *trace)
{
    char v[64];
    snprintf(v, sizeof v, "%d,%d", ctl, status);
    setenv(TRC_EXPLORE_ENV, v, 1);
    unsetenv("BATON_TRACE");
    unsetenv("BATON_SCHED");
    unsetenv("BATON_SEED");
    if (s) {
        char *cfg = xr_strategy_text(&s->cfg);
        if (!cfg) _exit(127);
        setenv("BATON_SCHED", cfg, 1);
        snprintf(v, sizeof v, "%llu", (unsigned long long)s->seed);
        setenv("BATON_SEED", v, 1);
    }
    if (trace) setenv("BATON_TRACE", trace, 1);
    if (r->o.sched_log) setenv("BATON_SCHED_LOG", r->o.sched_log, 1);
    else unsetenv("BATON_SCHED_LOG");
    /* a fork server binds every symbol once, at its start: otherwise each child would look up
     * again every libc function it calls first (page faults in the loader's tables: ~10 %) */
    if (ctl >= 0) setenv("LD_BIND_NOW", "1", 1);
    dup2(r->out, STDOUT_FILENO);
    dup2(r->out, STDERR_FILENO);
    int in = open("/dev/null", O_RDONLY);
    if (in >= 0) dup2(in, STDIN_FILENO);
    execvp(r->o.program[0], r->o.program);
    _exit(127);
}

/* Starts the program: with want_server, as a fork server on *ctl_out; else one run of s.
 * The child's pid, or -1 after saying why. */
static pid_t spawn(const struct xr_runner *r, bool want_server, const struct xr_schedule *s,
                   const char *trace, int *ctl_out, int *status_out)
{
    int st[2], ct[2] = {-1, -1};
    if (pipe2(st, O_CLOEXEC) < 0 || (want_server && pipe2(ct, O_CLOEXEC) < 0)) {
        fprintf(stderr, "baton: explore: cannot make a pipe: %s\n", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "baton: explore: cannot start %s: %s\n", r->o.program[0], strerror(errno));
        close(st[0]), close(st[1]);
        if (want_server) close(ct[0]), close(ct[1]);
        return -1;
    }
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        /* its own process group: a Ctrl-C at the terminal is explore's to act on (it stops
         * starting runs and reports), not every server's and child's to die of */
        setpgid(0, 0);
        int w = dup(st[1]), c = want_server ? dup(ct[0]) : -1; /* dup: inherited across exec */
        child_exec(r, c, w, s, trace);
    }
    close(st[1]);
    *status_out = st[0];
    if (want_server) {
        close(ct[0]);
        *ctl_out = ct[1];
    }
    return pid;
}

/* ---- records --------------------------------------------------------------------------------- */

static bool read_rec(struct slot *sl, struct trc_explore_rec *rec, bool *eof)
{
    *eof = false;
    if (sl->have < sizeof *rec) {
        ssize_t n = read(sl->status, sl->buf + sl->have, sizeof sl->buf - sl->have);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return false;
        if (n <= 0) {
            *eof = true;
            return false;
        }
        sl->have += (size_t)n;
        if (sl->have < sizeof *rec) return false;
    }
    memcpy(rec, sl->buf, sizeof *rec);
    sl->have -= sizeof *rec;
    memmove(sl->buf, sl->buf + sizeof *rec, sl->have);
    return true;
}

/* Waits up to `seconds` for the first record of a just-started program. */
static int first_rec(struct slot *sl, double seconds, struct trc_explore_rec *rec)
{
    double end = now_s() + seconds;
    for (;;) {
        struct pollfd p = {.fd = sl->status, .events = POLLIN};
        double left = end - now_s();
        int ms = seconds <= 0 ? -1 : left <= 0 ? 0 : (int)(left * 1000) + 1;
        int k = poll(&p, 1, ms);
        if (k < 0 && errno == EINTR) {
            if (interrupted) return -1;
            continue;
        }
        if (k == 0) return 0; /* timed out */
        bool eof;
        if (read_rec(sl, rec, &eof)) return 1;
        if (eof) return -1;
    }
}

static void slot_close(struct slot *sl)
{
    if (sl->ctl >= 0) close(sl->ctl);
    if (sl->status >= 0) close(sl->status);
    sl->ctl = sl->status = -1;
}

/* Starts slot i's fork server; it is ready when its HELLO arrives (xr_run reads it). */
static int server_start(struct xr_runner *r, struct slot *sl)
{
    sl->server = spawn(r, true, NULL, NULL, &sl->ctl, &sl->status);
    return sl->server < 0 ? -1 : 0;
}

static void reap(pid_t pid, int *st)
{
    while (waitpid(pid, st, 0) < 0 && errno == EINTR) {}
}

/* Finds out whether the program can serve: its first record is HELLO (it can), NOSERVER (it
 * traces itself: let that run finish, then exec per run) or none (not a libbaton program). */
static int probe(struct xr_runner *r)
{
    struct slot *sl = &r->slots[0];
    if (server_start(r, sl) < 0) return -1;
    struct trc_explore_rec rec;
    double wait = r->o.timeout > 0 ? r->o.timeout : 60;
    int got = first_rec(sl, wait, &rec);
    int st = 0;
    if (got > 0 && rec.type == TRC_XR_HELLO && rec.a == TRC_EXPLORE_VERSION) return 0;
    if (got > 0 && rec.type == TRC_XR_NOSERVER) {
        kill(sl->server, SIGKILL);
        reap(sl->server, &st);
        slot_close(sl);
        sl->server = 0;
        r->forking = false;
        return 0;
    }
    if (got == 0) kill(sl->server, SIGKILL);
    reap(sl->server, &st);
    slot_close(sl);
    sl->server = 0;
    if (interrupted) return -1;
    if (got == 0)
        fprintf(stderr, "baton: explore: %s did not reach its first baton_run within %g s (--timeout)\n",
                r->o.program[0], wait);
    else if (got > 0)
        fprintf(stderr, "baton: explore: %s speaks another version of the explore protocol: "
                        "rebuild it against this libbaton\n", r->o.program[0]);
    else if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        fprintf(stderr, "baton: explore: cannot run '%s' (not found, or not executable)\n",
                r->o.program[0]);
    else
        fprintf(stderr, "baton: explore: %s ended (%s %d) without starting a libbaton run: is it "
                        "linked with libbaton, and does it call baton_run?\n", r->o.program[0],
                WIFEXITED(st) ? "exit status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    return -1;
}

struct xr_runner *xr_new(const struct xr_options *o)
{
    struct xr_runner *r = calloc(1, sizeof *r);
    if (!r || !(r->slots = calloc(o->jobs ? o->jobs : 1, sizeof *r->slots))) {
        free(r);
        fprintf(stderr, "baton: out of memory\n");
        return NULL;
    }
    r->o = *o;
    r->n = o->jobs ? o->jobs : 1;
    r->out = open(o->output ? o->output : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (r->out < 0) {
        fprintf(stderr, "baton: explore: cannot open %s: %s\n", o->output ? o->output : "/dev/null",
                strerror(errno));
        free(r->slots);
        free(r);
        return NULL;
    }
    for (unsigned i = 0; i < r->n; i++) {
        struct slot *sl = &r->slots[i];
        sl->ctl = sl->status = -1;
        if (o->trace_file && r->n == 1) snprintf(sl->trace, sizeof sl->trace, "%s", o->trace_file);
        else snprintf(sl->trace, sizeof sl->trace, "%s/run-%u.btr", o->dir, i);
    }
    r->forking = o->fork_server;
    if (r->forking && probe(r) < 0) {
        xr_free(r);
        return NULL;
    }
    if (!r->forking) { /* exec mode: slot 0's probe was a server that declined */
        for (unsigned i = 0; i < r->n; i++) r->slots[i].server = 0;
        return r;
    }
    for (unsigned i = 1; i < r->n; i++)
        if (server_start(r, &r->slots[i]) < 0) {
            xr_free(r);
            return NULL;
        }
    return r;
}

/* ---- runs ------------------------------------------------------------------------------------ */

static int start_run(struct xr_runner *r, struct slot *sl, const struct xr_schedule *s, uint64_t index)
{
    memset(&sl->res, 0, sizeof sl->res);
    sl->res.sched = *s;
    sl->res.index = index;
    sl->deadlocked = false;
    sl->kills = 0;
    sl->child = 0;
    sl->started = now_s();
    sl->kill_at = r->o.timeout > 0 ? sl->started + r->o.timeout : 0;
    const char *trace = r->o.traced ? sl->trace : NULL;
    if (trace) unlink(trace);
    if (r->forking) {
        struct trc_explore_cmd c = {.magic = TRC_EXPLORE_MAGIC, .strategy = (uint32_t)s->cfg.kind,
                                    .depth = s->cfg.depth, .timers_idle = s->cfg.timers_idle,
                                    .seed = s->seed, .steps = s->cfg.steps};
        if (trace) {
            size_t n = strlen(trace);
            if (n >= sizeof c.trace) {
                fprintf(stderr, "baton: explore: the trace path %s is too long for the fork server "
                                "(at most %zu bytes): set TMPDIR to a shorter folder\n", trace, sizeof c.trace - 1);
                return -1;
            }
            memcpy(c.trace, trace, n + 1);
        }
        ssize_t n;
        do n = write(sl->ctl, &c, sizeof c);
        while (n < 0 && errno == EINTR);
        if (n != (ssize_t)sizeof c) {
            fprintf(stderr, "baton: explore: the fork server of %s is gone\n", r->o.program[0]);
            return -1;
        }
    } else {
        int ignored;
        sl->child = spawn(r, false, s, trace, &ignored, &sl->status);
        if (sl->child < 0) return -1;
    }
    sl->busy = true;
    return 0;
}

static void finish(struct xr_runner *r, struct slot *sl, int st)
{
    struct xr_result *res = &sl->res;
    res->wait_status = st;
    res->seconds = now_s() - sl->started;
    res->trace = r->o.traced ? sl->trace : NULL;
    if (sl->kills) res->outcome = XR_TIMEOUT;
    else if (WIFSIGNALED(st)) res->outcome = XR_CRASH;
    else if (sl->deadlocked) res->outcome = XR_DEADLOCK;
    else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) res->outcome = XR_EXIT;
    else res->outcome = XR_PASS;
    sl->busy = false;
    sl->child = 0;
}

/* Reads what slot sl has to say: 1 when its run finished (sl->res is complete), 0 not yet,
 * -1 when its server died. */
static int slot_read(struct xr_runner *r, struct slot *sl)
{
    struct trc_explore_rec rec;
    bool eof;
    while (read_rec(sl, &rec, &eof)) {
        switch (rec.type) {
        case TRC_XR_HELLO:
            break;
        case TRC_XR_STARTED:
            sl->child = (pid_t)rec.a;
            break;
        case TRC_XR_RUN:
            sl->deadlocked |= rec.a == 1;
            sl->res.steps += rec.b;
            sl->res.preemptions += rec.c;
            sl->res.runs++;
            break;
        case TRC_XR_EXITED:
            if (sl->busy) {
                finish(r, sl, (int)rec.a);
                return 1;
            }
            break;
        case TRC_XR_FAILED:
            fprintf(stderr, "baton: explore: the fork server of %s cannot fork: %s\n",
                    r->o.program[0], strerror((int)rec.a));
            return -1;
        default:
            break;
        }
        if (sl->have < sizeof rec) break; /* read again only after poll says so */
    }
    if (!eof) return 0;
    if (r->forking) {
        int st;
        reap(sl->server, &st);
        sl->server = 0;
        slot_close(sl);
        if (!interrupted)
            fprintf(stderr, "baton: explore: the fork server of %s died (%s %d)\n", r->o.program[0],
                    WIFEXITED(st) ? "exit status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
        return -1;
    }
    int st;
    reap(sl->child, &st);
    close(sl->status);
    sl->status = -1;
    finish(r, sl, st);
    return 1;
}

static void slot_timers(struct slot *sl, double now)
{
    if (!sl->busy || !sl->kill_at || now < sl->kill_at || sl->child <= 0) return;
    if (sl->kills == 0) {
        kill(sl->child, SIGTERM);
        sl->kills = 1;
        sl->kill_at = now + 1;
    } else if (sl->kills == 1) {
        kill(sl->child, SIGKILL);
        sl->kills = 2;
        sl->kill_at = 0;
    }
}

int xr_run(struct xr_runner *r, xr_next_fn *next, xr_done_fn *done, void *ctx)
{
    bool more = true;
    struct pollfd *fds = calloc(r->n, sizeof *fds);
    unsigned *who = calloc(r->n, sizeof *who);
    int rc = 0;
    if (!fds || !who) {
        fprintf(stderr, "baton: out of memory\n");
        rc = -1;
        goto out;
    }
    for (;;) {
        for (unsigned i = 0; i < r->n && more && !interrupted; i++) {
            struct slot *sl = &r->slots[i];
            if (sl->busy) continue;
            struct xr_schedule s;
            uint64_t index;
            if (!next(ctx, &s, &index)) {
                more = false;
                break;
            }
            if (start_run(r, sl, &s, index) < 0) {
                rc = -1;
                goto out;
            }
        }
        unsigned nf = 0, busy = 0;
        double now = now_s(), wake = 0;
        for (unsigned i = 0; i < r->n; i++) {
            struct slot *sl = &r->slots[i];
            if (sl->busy) {
                busy++;
                if (sl->kill_at && (!wake || sl->kill_at < wake)) wake = sl->kill_at;
            }
            if (sl->status >= 0) {
                fds[nf] = (struct pollfd){.fd = sl->status, .events = POLLIN};
                who[nf++] = i;
            }
        }
        if (!busy) break;
        int ms = wake ? (wake <= now ? 0 : (int)((wake - now) * 1000) + 1) : -1;
        int k = poll(fds, nf, ms);
        if (k < 0 && errno != EINTR) {
            fprintf(stderr, "baton: explore: poll: %s\n", strerror(errno));
            rc = -1;
            goto out;
        }
        for (unsigned j = 0; k > 0 && j < nf; j++) {
            if (!fds[j].revents) continue;
            struct slot *sl = &r->slots[who[j]];
            int got = slot_read(r, sl);
            if (got < 0) {
                rc = -1;
                goto out;
            }
            if (got > 0 && !done(ctx, &sl->res)) more = false;
        }
        now = now_s();
        for (unsigned i = 0; i < r->n; i++) slot_timers(&r->slots[i], now);
    }
out:
    free(fds);
    free(who);
    return rc;
}

void xr_free(struct xr_runner *r)
{
    if (!r) return;
    for (unsigned i = 0; i < r->n; i++) {
        struct slot *sl = &r->slots[i];
        int st;
        if (sl->busy && sl->child > 0) kill(sl->child, SIGKILL);
        if (!r->forking && sl->busy && sl->child > 0) reap(sl->child, &st);
        if (sl->ctl >= 0) close(sl->ctl); /* the server reads the end of commands and exits */
        sl->ctl = -1;
        if (sl->server > 0) reap(sl->server, &st);
        slot_close(sl);
        if (r->o.traced && !r->o.trace_file) unlink(sl->trace);
    }
    if (r->out >= 0) close(r->out);
    free(r->slots);
    free(r);
}
