/* baton explore: runs a program linked with libbaton under many schedules (BATON_SCHED's
 * random or pct, one seed each) and checks every run — deadlock, crash, exit status, a run
 * past --timeout and, with a specification, its trace as `baton check --trace` does.  A
 * failure is shrunk (among the failing schedules reachable within --shrink more runs, the one
 * with the fewest preemptions, then the fewest scheduling decisions), run once more exactly as
 * the command shown to the user would run it, and reported as `baton run` reports a run.
 * docs/exploring.md explains the strategies and what they promise. */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checker/limits.h"
#include "checker/tracefile.h"
#include "cli/check.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/explore_runner.h"
#include "cli/graph.h"
#include "cli/report_out.h"
#include "cli/spec.h"

const char cmd_explore_usage[] =
    "usage: baton explore [--runs N] [--strategy random|pct] [--depth D] [--seed S]\n"
    "                     [--jobs J] [--timeout SECONDS] [--timers any|idle] [--shrink N]\n"
    "                     [--keep-going] [--spec SPEC.csp --process NAME [--hide SET]]\n"
    "                     [--trace FILE]"
    " [--no-fork-server] [--format F] [--report F:FILE]…\n"
    "                     [--notices] -- PROGRAM [ARGS…]\n"
    "\n"
    "Runs PROGRAM (linked with libbaton) under N schedules (default 1000), J at a time\n"
    "(default: the usable cores), and checks every run: a deadlock, a crash, an exit status\n"
    "other than 0, a run still going after --timeout (default 10 s: a livelock suspicion)\n"
    "and, with --spec, its trace against the process NAME (as `baton check --trace`).\n"
    "Stops at the first failure unless --keep-going.  Run i's schedule is BATON_SCHED=STRATEGY\n"
    "with BATON_SEED=S+i (S: --seed, default 1): the same command explores the same schedules.\n"
    "\n"
    "strategies (docs/exploring.md):\n"
    "  pct      (default) random priorities with D-1 priority drops (--depth D, default 3):\n"
    "           a bug that needs D ordering constraints is found by one run with\n"
    "           probability at least 1/(n k^(D-1)) for n processes and k scheduling points;\n"
    "           k is measured by a first pct run (docs/exploring.md)\n"
    "  random   a uniformly random choice at every scheduling point\n"
    "Under both, time is virtual and a pending timer may fire at any scheduling point, as if\n"
    "the runnable processes were slow (--timers any); --timers idle fires timers only when\n"
    "nothing else can run, the virtual clock of BATON_CLOCK=virtual.\n"
    "\n"
    "A failure is shrunk: up to --shrink more runs (default 300) look for failing schedules\n"
    "of the same kind with fewer preemptions and fewer steps; the best is run once more on its\n"
    "own (as the command shown) to confirm it, its trace kept in FILE (--trace; default a new\n"
    "file in $TMPDIR or /tmp), and reported as `baton run` would: the deadlock with who waits\n"
    "for whom and where, the crash and the end of its standard error, or the trace's\n"
    "counterexample.  PROGRAM is started once per job and forked at its first baton_run for\n"
    "every schedule (a fork server); --no-fork-server starts it afresh for every one.\n"
    "\n"
    "report options (as baton check's; formats: docs/ci.md):\n"
    REPORT_OPTIONS_USAGE
    "\n"
    "exit: 0 no failure in N schedules, 1 a failure was found, 2 bad input (PROGRAM does not\n"
    "start or is not a libbaton program, a bad spec), 3 stopped by SIGINT or SIGTERM.\n";

#define SHRINK_DEFAULT 300
#define CALIBRATION UINT64_MAX /* the index of the run that measures k */
#define TIMEOUT_DEFAULT 10.0

struct explore {
    char **program;
    struct trc_strategy_cfg cfg;  /* the strategy explored; cfg.steps measured */
    uint64_t runs, seed, shrink;
    bool keep_going;
    struct trace_checker *tc;     /* with --spec */
    struct check_options co;

    /* progress */
    enum { CALIBRATE, EXPLORE, SHRINK } phase;
    uint64_t issued;              /* runs started in the current phase */
    uint64_t explored;            /* EXPLORE runs finished */
    uint64_t failed;              /* failing runs found while exploring */
    uint64_t by_outcome[XR_NONCONFORM + 1];
    uint64_t shrink_failed;       /* failing runs of the first failure's kind while shrinking */
    bool have_first, have_best, stop, error;
    int error_status;
    struct xr_result first, best, calibration;
    double t0, shown;
    double explore_s;             /* how long the EXPLORE phase took */
    char *minimal;                /* the minimised schedule's departures ("12:3+40:2"), or NULL */
    uint64_t departures_before;   /* how many the schedule had before minimising */
    bool progress;
};

static const char *outcome_word(enum xr_outcome o)
{
    static const char *const w[] = {"pass", "livelock suspicion", "crash", "deadlock",
                                    "exit status", "trace not allowed by the specification"};
    return w[o];
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
    (void)sig;
    xr_interrupt();
}

/* ---- the schedules --------------------------------------------------------------------------- */

static bool next_schedule(void *ctx, struct xr_schedule *s, uint64_t *index)
{
    struct explore *x = ctx;
    if (x->stop) return false;
    uint64_t i = x->issued;
    switch (x->phase) {
    case CALIBRATE: /* pct's k is the run's length: a pct run with the default k measures
                     * it (fifo counts no steps, so that its hot path stays as it was) */
        if (i >= 1) return false;
        *s = (struct xr_schedule){x->seed + x->runs, x->cfg};
        break;
    case EXPLORE:
        if (i >= x->runs) return false;
        *s = (struct xr_schedule){x->seed + i, x->cfg};
        break;
    case SHRINK: {
        /* pct at every depth from 1 up, with k the failing run's length so that the
         * priority drops land before its end; every (d+1)-th the strategy that found it */
        if (i >= x->shrink) return false;
        uint32_t d = x->cfg.depth < 3 ? 3 : x->cfg.depth;
        uint64_t slot = i % (d + 1);
        s->seed = x->seed + x->runs + 1 + i;
        if (slot == d) {
            s->cfg = x->first.sched.cfg;
        } else {
            s->cfg = (struct trc_strategy_cfg){TRC_PCT, (uint32_t)slot + 1,
                                               x->first.steps ? x->first.steps : 1, x->cfg.timers_idle, NULL};
        }
        break;
    }
    }
    *index = x->phase == CALIBRATE ? CALIBRATION : i;
    x->issued++;
    return true;
}

/* Decides whether a run that ended well conforms to the specification. */
static void judge_trace(struct explore *x, struct xr_result *r)
{
    if (!x->tc || r->outcome != XR_PASS || !r->trace) return;
    struct rpt_traces t = {0};
    struct rpt_trace_check *c = rpt_trace_add(&t);
    if (!c) {
        x->error = true;
        x->error_status = EXIT_INPUT;
        return;
    }
    trace_checker_run(x->tc, r->trace, c);
    if (c->result == RPT_FAIL) {
        r->outcome = XR_NONCONFORM;
    } else if (c->result != RPT_PASS) {
        /* an error met while checking is an error, never a verdict */
        fprintf(stderr, "baton: explore: the trace of run %" PRIu64 " (seed %" PRIu64 ") could not "
                "be checked: %s\n", r->index, r->sched.seed, c->message ? c->message : "see above");
        x->error = true;
        x->error_status = c->result == RPT_LIMIT ? EXIT_LIMIT : EXIT_INPUT;
    }
    rpt_traces_free(&t);
}

/* Fewer preemptions first, then the shorter run. */
static bool simpler(const struct xr_result *a, const struct xr_result *b)
{
    return a->preemptions < b->preemptions ||
           (a->preemptions == b->preemptions && a->steps < b->steps);
}

static void show_progress(struct explore *x, bool last)
{
    if (!x->progress) return;
    double t = now_s();
    if (!last && t - x->shown < 0.2) return;
    x->shown = t;
    double rate = t > x->t0 ? (double)x->explored / (t - x->t0) : 0;
    fprintf(stderr, "\r\033[Kexplore: %" PRIu64 "/%" PRIu64 " runs, %.0f runs/s, %" PRIu64 " failure%s%s",
            x->explored, x->runs, rate, x->failed, x->failed == 1 ? "" : "s",
            x->phase == SHRINK ? ", shrinking" : "");
    if (last) fputc('\n', stderr);
}

static bool run_done(void *ctx, struct xr_result *r)
{
    struct explore *x = ctx;
    judge_trace(x, r);
    if (x->error) {
        x->stop = true;
        return false;
    }
    bool failed = r->outcome != XR_PASS;
    switch (x->phase) {
    case CALIBRATE:
        x->calibration = *r;
        break;
    case EXPLORE:
        x->explored++;
        if (failed) {
            x->failed++;
            x->by_outcome[r->outcome]++;
            /* the first failure by run number, whatever order the jobs finish in */
            if (!x->have_first || r->index < x->first.index) x->first = *r;
            x->have_first = true;
            if (!x->keep_going) x->stop = true;
        }
        show_progress(x, false);
        break;
    case SHRINK:
        if (failed && r->outcome == x->first.outcome) {
            x->shrink_failed++;
            if (simpler(r, &x->best)) x->best = *r;
        }
        break;
    }
    return !x->stop;
}

/* ---- the report ------------------------------------------------------------------------------ */

static char *shell_quote(const char *s)
{
    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./=:,+@%") == strlen(s))
        return strdup(s);
    size_t n = 3;
    for (const char *p = s; *p; p++) n += *p == '\'' ? 4 : 1;
    char *q = malloc(n), *o = q;
    if (!q) return NULL;
    *o++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else {
            *o++ = *p;
        }
    }
    *o++ = '\'';
    *o = '\0';
    return q;
}

/* "BATON_SCHED=pct,depth=2,steps=14 BATON_SEED=112 ./prog ARGS": the run, exactly. */
static char *repro_command(char **program, const struct xr_schedule *s)
{
    char *cfg = xr_strategy_text(&s->cfg), *line = NULL;
    if (!cfg || asprintf(&line, "BATON_SCHED=%s BATON_SEED=%" PRIu64, cfg, s->seed) < 0) line = NULL;
    free(cfg);
    if (!line) return NULL;
    for (char **a = program; *a; a++) {
        char *q = shell_quote(*a), *longer = NULL;
        if (!q || asprintf(&longer, "%s %s", line, q) < 0) longer = NULL;
        free(q);
        free(line);
        if (!longer) return NULL;
        line = longer;
    }
    return line;
}

/* The last lines of a file (at most max bytes of them), malloc'd; NULL when empty. */
static char *file_tail(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    long from = size > (long)max ? size - (long)max : 0;
    fseek(f, from, SEEK_SET);
    char *buf = calloc(1, max + 1);
    size_t n = buf ? fread(buf, 1, max, f) : 0;
    fclose(f);
    if (!buf || n == 0) {
        free(buf);
        return NULL;
    }
    char *start = buf;
    if (from > 0) { /* from the start of a line */
        char *nl = strchr(buf, '\n');
        if (nl) start = nl + 1;
    }
    memmove(buf, start, strlen(start) + 1);
    return buf;
}

/* "at decision 7 teller1 ran, at 9 teller0" for departures "7:3+9:2", naming processes from
 * the replayed run's trace (libbaton numbers them there as it does in the schedule: in the
 * order they start); NULL when the trace cannot be read.  malloc'd. */
static char *departures_text(const char *trace, const char *at)
{
    char err[300];
    trf *r = trf_open(trace, err, sizeof err);
    if (!r) return NULL;
    struct trf_record rec;
    while (trf_next(r, &rec) == 1) {}
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f) {
        trf_close(r);
        return NULL;
    }
    int listed = 0;
    for (const char *p = at; *p && listed < 8; listed++) {
        unsigned long long step = strtoull(p, (char **)&p, 10);
        unsigned long id = *p == ':' ? strtoul(p + 1, (char **)&p, 10) : 0;
        if (id) fprintf(f, "%s%s%llu %s ran", listed ? ", " : "", listed ? "at " : "at decision ", step,
                        trf_proc_name(r, (uint32_t)id));
        else fprintf(f, "%s%s%llu the clock moved", listed ? ", " : "", listed ? "at " : "at decision ", step);
        if (*p == '+') p++;
    }
    if (strchr(at, '+') && listed == 8) fputs(", …", f);
    fclose(f);
    trf_close(r);
    return out;
}

/* ---- the confirming run --------------------------------------------------------------------- */

struct once {
    struct xr_schedule s;
    bool given, got;
    struct xr_result res;
};

static bool once_next(void *ctx, struct xr_schedule *s, uint64_t *index)
{
    struct once *o = ctx;
    if (o->given) return false;
    o->given = true;
    *s = o->s;
    *index = 0;
    return true;
}

static bool once_done(void *ctx, struct xr_result *r)
{
    struct once *o = ctx;
    o->res = *r;
    o->got = true;
    return false;
}

/* Runs the schedule once more on its own, as the reproduction command does (a fresh exec
 * with BATON_SCHED and BATON_SEED), its trace to `trace` and its output to `output`.  0 with
 * *out set, or -1. */
static int run_alone(struct explore *x, const struct xr_schedule *s, double timeout, const char *trace,
                     const char *output, const char *log, struct xr_result *out);

static int rerun(struct explore *x, const struct xr_schedule *s, double timeout, const char *trace,
                 const char *output, struct xr_result *out)
{
    return run_alone(x, s, timeout, trace, output, NULL, out);
}

/* ---- minimising a failing schedule ----------------------------------------------------------- */

/* The first line of a file (malloc'd, without its newline), or NULL. */
static char *first_line(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    fclose(f);
    if (n < 0) {
        free(line);
        return strdup(""); /* no departure at all, and the run ended before writing a newline */
    }
    if (n && line[n - 1] == '\n') line[n - 1] = '\0';
    return line;
}

/* Whether replaying `at` (departures "STEP:ID+…") with best's seed fails as best did; *got
 * gets the run. */
static bool replay_fails(struct explore *x, const struct xr_result *best, const char *at, double timeout,
                         const char *trace, struct xr_result *got)
{
    struct xr_schedule s = {best->sched.seed, {TRC_REPLAY, 0, 0, best->sched.cfg.timers_idle, at}};
    if (run_alone(x, &s, timeout, trace, NULL, NULL, got) < 0) return false;
    if (x->tc && got->outcome == XR_PASS) judge_trace(x, got);
    return got->outcome == best->outcome;
}

/* Minimises best's schedule: records where it departs from the default choice (the running
 * process goes on; when it blocks, the longest-waiting ready one), checks that replaying those
 * departures fails the same way, then drops each departure, last first, that the failure does
 * not need.  The result is 1-minimal: without any one of its departures the run no longer
 * fails so.  True with best replaced by the replayed schedule (its departures in x->minimal). */
static bool minimise(struct explore *x, struct xr_result *best, const char *dir, double timeout)
{
    enum { ATTEMPTS = 400 };
    if (best->runs > 1) return false; /* departures count the steps of one baton_run */
    char log[4200], trace[4200];
    snprintf(log, sizeof log, "%s/departures", dir);
    snprintf(trace, sizeof trace, "%s/minimise.btr", dir);
    const char *tr = x->tc ? trace : NULL;
    unlink(log);
    struct xr_result rec;
    if (run_alone(x, &best->sched, timeout, tr, NULL, log, &rec) < 0) return false;
    if (x->tc && rec.outcome == XR_PASS) judge_trace(x, &rec);
    char *at = first_line(log);
    unlink(log);
    if (!at || rec.outcome != best->outcome) {
        free(at);
        return false;
    }
    struct xr_result got, kept;
    if (!replay_fails(x, best, at, timeout, tr, &kept)) {
        free(at);
        return false;
    }
    size_t n = 0;
    for (const char *p = at; *p; p++) n += *p == '+';
    n += at[0] != '\0';
    x->departures_before = n;
    int attempts = 0;
    /* the departures as tokens; dropping one is rejoining the others */
    char **tok = calloc(n ? n : 1, sizeof *tok);
    bool *drop = calloc(n ? n : 1, sizeof *drop);
    char *copy = strdup(at), *save = NULL;
    size_t k = 0;
    for (char *t = copy && tok ? strtok_r(copy, "+", &save) : NULL; t && k < n; t = strtok_r(NULL, "+", &save)) tok[k++] = t;
    char *cand = malloc(strlen(at) + 2);
    for (size_t i = n; tok && drop && cand && k == n && i-- > 0 && attempts < ATTEMPTS && !xr_interrupted();) {
        drop[i] = true;
        cand[0] = '\0';
        for (size_t j = 0; j < n; j++)
            if (!drop[j]) {
                if (cand[0]) strcat(cand, "+");
                strcat(cand, tok[j]);
            }
        attempts++;
        if (replay_fails(x, best, cand, timeout, tr, &got)) {
            kept = got;
            free(at);
            at = strdup(cand);
            if (!at) break;
        } else {
            drop[i] = false;
        }
    }
    free(cand);
    free(copy);
    free(tok);
    free(drop);
    if (!at) return false;
    free(x->minimal);
    x->minimal = at;
    kept.sched = (struct xr_schedule){best->sched.seed, {TRC_REPLAY, 0, 0, best->sched.cfg.timers_idle, x->minimal}};
    *best = kept;
    return true;
}

/* Runs one schedule on its own (a fresh exec with BATON_SCHED and BATON_SEED, as a person
 * would), traced to `trace` when not NULL, output to `output` (NULL: nowhere), departures to
 * `log` when not NULL.  0 with *out set, or -1. */
static int run_alone(struct explore *x, const struct xr_schedule *s, double timeout, const char *trace,
                     const char *output, const char *log, struct xr_result *out)
{
    struct xr_options o = {.program = x->program, .jobs = 1, .timeout = timeout, .traced = trace != NULL,
                           .fork_server = false, .dir = "/", .trace_file = trace, .output = output,
                           .sched_log = log};
    struct xr_runner *r = xr_new(&o);
    if (!r) return -1;
    struct once one = {.s = *s};
    int rc = xr_run(r, once_next, once_done, &one);
    xr_free(r);
    if (rc < 0 || !one.got) return -1;
    *out = one.res;
    out->trace = trace;
    return 0;
}

/* What a run that failed without a deadlock or a counterexample says: its signal or exit
 * status and the end of its standard error. */
static void describe_end(struct rpt_trace_check *c, const struct xr_result *r, const char *output,
                         double timeout)
{
    char sig[32], *what = NULL;
    int st = r->wait_status;
    if (r->outcome == XR_TIMEOUT)
        what = asprintf(&what, "still running after %g s (--timeout): stopped with SIGTERM; a "
                               "livelock, or a run that needs a longer --timeout", timeout) < 0 ? NULL : what;
    else if (r->outcome == XR_CRASH)
        what = asprintf(&what, "killed by %s", xr_signal_name(WTERMSIG(st), sig, sizeof sig)) < 0 ? NULL : what;
    else
        what = asprintf(&what, "exited with status %d", WEXITSTATUS(st)) < 0 ? NULL : what;
    char *tail = file_tail(output, 2000), *detail = NULL;
    if (what && tail && asprintf(&detail, "%s; its standard error ended:\n%s", what, tail) >= 0) {
        free(what);
        what = detail;
    }
    free(tail);
    rpt_trace_forget(c);
    c->result = RPT_FAIL;
    c->kind = strdup(r->outcome == XR_TIMEOUT ? "livelock" : r->outcome == XR_CRASH ? "crash" : "exit");
    c->detail = what;
}

/* The run's report into c, as `baton run` (or `baton check --trace`) would give it. */
static void judge_run(struct explore *x, const struct xr_result *r, const char *output, double timeout,
                      struct rpt_trace_check *c, char **svg)
{
    *svg = NULL;
    if (r->outcome == XR_NONCONFORM || (x->tc && r->outcome == XR_PASS)) {
        trace_checker_run(x->tc, r->trace, c);
        free(c->program);
        c->program = strdup(x->program[0]);
        return;
    }
    graph_run_report(r->trace, x->program[0], c, svg);
    if (r->outcome == XR_DEADLOCK && c->result == RPT_FAIL) return;
    if (r->outcome != XR_PASS && r->outcome != XR_DEADLOCK) describe_end(c, r, output, timeout);
}

static void add_message(struct rpt_trace_check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add_message(struct rpt_trace_check *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = NULL;
    if (vasprintf(&m, fmt, ap) < 0) m = NULL;
    va_end(ap);
    if (!m) return;
    char *both = NULL;
    if (c->message && asprintf(&both, "%s; %s", c->message, m) >= 0) {
        free(m);
        m = both;
    }
    free(c->message);
    c->message = m;
}

/* The report of the whole exploration: stdout in --format, and the --report files. */
/* The report in --format on standard output (text: the caller has printed it) and the
 * --report files; `title` heads the HTML page. */
static int emit(struct explore *x, struct rpt_traces *t, struct report_outputs *out, char **svg,
                const char *title)
{
    struct rpt_context ctx = {.notices = out->notices, .charts = svg, .title = title};
    size_t len;
    if (x->tc && report_wants(out, RPT_HTML)) ctx.source = report_read_source(x->co.file, &len);
    if (out->format != RPT_TEXT) rpt_emit_traces(stdout, out->format, t, &ctx);
    fflush(stdout);
    int rc = report_write_files_traces(out, t, &ctx) < 0 ? EXIT_INPUT : EXIT_HOLDS;
    free((char *)ctx.source);
    return rc;
}

static void strategy_words(const struct trc_strategy_cfg *cfg, char *buf, size_t len)
{
    const char *timers = cfg->timers_idle ? ", timers only when idle" : "";
    if (cfg->kind == TRC_PCT)
        snprintf(buf, len, "pct, depth %u, k = %" PRIu64 " steps%s", (unsigned)cfg->depth, cfg->steps, timers);
    else
        snprintf(buf, len, "%s%s", cfg->kind == TRC_RANDOM ? "random" : cfg->kind == TRC_REPLAY ? "replay" : "fifo",
                 timers);
}

/* ---- the command ----------------------------------------------------------------------------- */

static int parse_u64_opt(const char *opt, const char *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-' || n < lo || n > hi)
        return cli_usage_error("explore", "%s wants a whole number from %" PRIu64 " to %" PRIu64
                               ", not '%s'", opt, lo, hi, v);
    *out = n;
    return EXIT_HOLDS;
}

static unsigned usable_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return (unsigned)CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

struct args {
    const char *spec, *process, *hide, *strategy, *trace, *timers;
    uint64_t runs, depth, seed, jobs, shrink;
    double timeout;
    bool keep_going, no_fork;
    char **program;
    struct report_outputs out;
};

static int parse_args(int argc, char **argv, struct args *a)
{
    *a = (struct args){.runs = 1000, .depth = TRC_PCT_DEPTH_DEFAULT, .seed = 1, .jobs = 0,
                       .shrink = SHRINK_DEFAULT, .timeout = TIMEOUT_DEFAULT, .strategy = "pct",
                       .timers = "any"};
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *o = argv[i];
        int took = report_option("explore", argc, argv, &i, &a->out);
        if (took < 0) return EXIT_INPUT;
        if (took) continue;
        if (strcmp(o, "--keep-going") == 0) {
            a->keep_going = true;
            continue;
        }
        if (strcmp(o, "--no-fork-server") == 0) {
            a->no_fork = true;
            continue;
        }
        static const char *const valued[] = {"--runs", "--strategy", "--depth", "--seed", "--jobs",
                                             "--timeout", "--spec", "--process", "--hide",
                                             "--shrink", "--trace", "--timers"};
        bool known = false;
        for (size_t k = 0; k < sizeof valued / sizeof *valued; k++) known |= strcmp(o, valued[k]) == 0;
        if (!known) {
            if (o[0] == '-') return cli_usage_error("explore", "unknown option '%s'", o);
            return cli_usage_error("explore", "put '--' before the program: baton explore -- %s", o);
        }
        if (i + 1 >= argc) return cli_usage_error("explore", "%s needs a value", o);
        const char *v = argv[++i];
        int st = EXIT_HOLDS;
        if (strcmp(o, "--runs") == 0) st = parse_u64_opt(o, v, 1, 1000000000, &a->runs);
        else if (strcmp(o, "--depth") == 0) st = parse_u64_opt(o, v, 1, TRC_PCT_DEPTH_MAX, &a->depth);
        else if (strcmp(o, "--seed") == 0) st = parse_u64_opt(o, v, 0, UINT64_MAX / 2, &a->seed);
        else if (strcmp(o, "--jobs") == 0) st = parse_u64_opt(o, v, 1, 256, &a->jobs);
        else if (strcmp(o, "--shrink") == 0) st = parse_u64_opt(o, v, 0, 1000000, &a->shrink);
        else if (strcmp(o, "--strategy") == 0) a->strategy = v;
        else if (strcmp(o, "--spec") == 0) a->spec = v;
        else if (strcmp(o, "--process") == 0) a->process = v;
        else if (strcmp(o, "--hide") == 0) a->hide = v;
        else if (strcmp(o, "--trace") == 0) a->trace = v;
        else if (strcmp(o, "--timers") == 0) a->timers = v;
        else { /* --timeout */
            char *end;
            a->timeout = strtod(v, &end);
            if (end == v || *end || !(a->timeout > 0) || a->timeout > 1e6)
                return cli_usage_error("explore", "--timeout wants a number of seconds, not '%s'", v);
        }
        if (st != EXIT_HOLDS) return st;
    }
    if (i + 1 >= argc) return cli_usage_error("explore", "which program? (baton explore -- PROGRAM ARGS…)");
    a->program = argv + i + 1;
    if (strcmp(a->strategy, "pct") != 0 && strcmp(a->strategy, "random") != 0)
        return cli_usage_error("explore", "--strategy is random or pct, not '%s'", a->strategy);
    if (strcmp(a->timers, "any") != 0 && strcmp(a->timers, "idle") != 0)
        return cli_usage_error("explore", "--timers is any or idle, not '%s'", a->timers);
    if ((a->spec == NULL) != (a->process == NULL))
        return cli_usage_error("explore", "--spec and --process go together");
    if (a->hide && !a->spec) return cli_usage_error("explore", "--hide goes with --spec and --process");
    if (!a->jobs) a->jobs = usable_cores();
    return EXIT_HOLDS;
}

/* The report and exit code once the runs are over. */
static int conclude(struct explore *x, struct args *a, const char *dir, struct xr_runner *runner)
{
    char words[96];
    strategy_words(&x->cfg, words, sizeof words);
    double took = now_s() - x->t0;
    struct rpt_traces t = {0};
    t.file = strdup(a->spec ? a->spec : x->program[0]);
    struct rpt_trace_check *c = rpt_trace_add(&t);
    char *svg = NULL;
    int status = EXIT_HOLDS;
    if (!c || !t.file) {
        fprintf(stderr, "baton: out of memory\n");
        rpt_traces_free(&t);
        return EXIT_INPUT;
    }
    if (!x->have_first) {
        printf("explore: no failure in %" PRIu64 " schedules of %s (%s), %.2f s, %.0f runs/s%s\n",
               x->explored, x->program[0], words, took, x->explore_s > 0 ? (double)x->explored / x->explore_s : 0,
               xr_forking(runner) ? "" : " (no fork server)");
        if (a->out.format != RPT_TEXT || a->out.nfiles) {
            c->program = strdup(x->program[0]);
            c->process = a->process ? strdup(a->process) : NULL;
            c->result = RPT_PASS;
            c->seconds = took;
            add_message(c, "no failure in %" PRIu64 " schedules (%s)", x->explored, words);
            char *title = NULL;
            if (asprintf(&title, "Schedule exploration of %s: no failure in %" PRIu64 " schedules (%s)",
                         x->program[0], x->explored, words) < 0)
                title = NULL;
            status = emit(x, &t, &a->out, &svg, title);
            free(title);
        }
        rpt_traces_free(&t);
        return status;
    }

    /* a failure: confirm the simplest one on its own, as the user will run it */
    struct xr_result seeded = x->have_best ? x->best : x->first, chosen = seeded;
    bool minimised = x->shrink && minimise(x, &chosen, dir, a->timeout);
    size_t departures = 0;
    if (minimised) {
        departures = x->minimal[0] != '\0';
        for (const char *p = x->minimal; *p; p++) departures += *p == '+';
        /* the replayed schedule is reported when it is simpler, or as simple and short to
         * write; else the seed's, whose command line is shorter */
        if (!simpler(&chosen, &seeded) && (simpler(&seeded, &chosen) || departures > 8)) chosen = seeded;
    }
    const struct xr_result *pick = &chosen;
    char made[4096], out_file[4200];
    const char *trace = a->trace;
    if (!trace) {
        const char *tmp = getenv("TMPDIR");
        snprintf(made, sizeof made, "%s/baton-explore-XXXXXX.btr", tmp && *tmp ? tmp : "/tmp");
        int fd = mkstemps(made, 4);
        if (fd >= 0) close(fd);
        trace = made;
    }
    snprintf(out_file, sizeof out_file, "%s/output", dir);
    struct xr_result again;
    bool reran = rerun(x, &pick->sched, a->timeout, trace, out_file, &again) == 0;
    bool same = reran && again.outcome == pick->outcome;
    if (reran && again.outcome == XR_PASS && x->tc) { /* a trace check is the checker's to redo */
        judge_trace(x, &again);
        same = again.outcome == pick->outcome;
    }
    char *line = repro_command(x->program, &pick->sched);
    char fw[96];
    strategy_words(&x->first.sched.cfg, fw, sizeof fw);
    FILE *say = a->out.format == RPT_TEXT ? stdout : stderr;
    fprintf(say, "explore: %s in a run of %s (%s, seed %" PRIu64 "), %.2f s\n",
            outcome_word(x->first.outcome), x->program[0], fw, x->first.sched.seed, took);
    if (x->first.index != CALIBRATION) {
        char rate[48] = ""; /* a rate over a handful of runs says more about start-up than speed */
        if (x->explored >= 100 && x->explore_s > 0)
            snprintf(rate, sizeof rate, " (%.0f runs/s)", (double)x->explored / x->explore_s);
        fprintf(say, "  found by run %" PRIu64 " of %" PRIu64 "%s; %" PRIu64 " of the %" PRIu64 " runs made failed%s\n",
                x->first.index + 1, x->runs, x->keep_going ? "" : " (stopped there)", x->failed, x->explored, rate);
    } else {
        fprintf(say, "  found by the first run, the one that measures the run's length (k) for pct\n");
    }
    if (x->first.outcome == XR_TIMEOUT && a->shrink)
        fprintf(say, "  not shrunk: every run that livelocks costs a whole --timeout\n");
    int kinds = 0;
    for (int o = XR_TIMEOUT; o <= XR_NONCONFORM; o++) kinds += x->by_outcome[o] != 0;
    if (kinds > 1) { /* --keep-going met failures of several kinds: the first is reported */
        fprintf(say, "  failing runs by kind:");
        for (int o = XR_TIMEOUT, sep = 0; o <= XR_NONCONFORM; o++)
            if (x->by_outcome[o])
                fprintf(say, "%s %" PRIu64 " %s", sep++ ? "," : "", x->by_outcome[o], outcome_word(o));
        fputc('\n', say);
    }
    if (x->have_best)
        fprintf(say, "  shrunk: %" PRIu64 " of %" PRIu64 " more schedules failed the same way; the simplest has "
                     "%" PRIu64 " preemption%s and %" PRIu64 " steps (the first: %" PRIu64 " and %" PRIu64 ")\n",
                x->shrink_failed, x->issued, seeded.preemptions, seeded.preemptions == 1 ? "" : "s",
                seeded.steps, x->first.preemptions, x->first.steps);
    if (minimised) {
        char *story = pick->sched.cfg.kind == TRC_REPLAY && reran ? departures_text(trace, x->minimal) : NULL;
        fprintf(say, "  minimised: it needs %zu departure%s from the default order (of %" PRIu64 ")%s%s\n",
                departures, departures == 1 ? "" : "s", x->departures_before,
                pick->sched.cfg.kind == TRC_REPLAY ? ": " : "; the seed's schedule is as simple",
                pick->sched.cfg.kind == TRC_REPLAY ? story ? story : "as replayed below" : "");
        free(story);
    }
    fprintf(say, "  reproduce: %s\n", line ? line : "(out of memory)");
    if (!reran)
        fprintf(say, "  could not run it again to confirm (see above)\n");
    else if (!same)
        fprintf(say, "  WARNING: run again on its own it ended in %s, not %s: the program does not "
                     "depend on the schedule alone (threads, time, input?)\n",
                outcome_word(again.outcome), outcome_word(pick->outcome));
    else
        fprintf(say, "  confirmed: run again on its own it failed the same way; its trace is %s\n", trace);
    fputc('\n', say);
    fflush(say);

    if (reran) {
        judge_run(x, &again, out_file, a->timeout, c, &svg);
        free(c->trace_file);
        c->trace_file = strdup(trace);
        add_message(c, "schedule: %s", line ? line : "?");
        if (a->out.format == RPT_TEXT) rpt_traces_text(stdout, &t);
        if (a->out.format != RPT_TEXT || a->out.nfiles) {
            char *title = NULL;
            if (asprintf(&title, "Schedule exploration of %s: %s in run %" PRIu64 " of %" PRIu64 " (%s)",
                         x->program[0], outcome_word(x->first.outcome),
                         x->first.index == CALIBRATION ? 1 : x->first.index + 1, x->runs, fw) < 0)
                title = NULL;
            int e = emit(x, &t, &a->out, &svg, title);
            free(title);
            if (e != EXIT_HOLDS) status = e;
        }
    }
    free(line);
    free(svg);
    rpt_traces_free(&t);
    if (!reran) return EXIT_INPUT;
    return status == EXIT_HOLDS ? EXIT_FAILS : status;
}

int cmd_explore(int argc, char **argv)
{
    struct args a;
    int status = parse_args(argc, argv, &a);
    if (status != EXIT_HOLDS) {
        report_outputs_free(&a.out);
        return status;
    }
    struct explore x = {.program = a.program, .runs = a.runs, .seed = a.seed, .shrink = a.shrink,
                        .keep_going = a.keep_going};
    x.cfg = (struct trc_strategy_cfg){strcmp(a.strategy, "pct") == 0 ? TRC_PCT : TRC_RANDOM,
                                      (uint32_t)a.depth, TRC_PCT_STEPS_DEFAULT,
                                      strcmp(a.timers, "idle") == 0, NULL};
    x.progress = isatty(STDERR_FILENO);
    struct cli_spec spec = {0};
    struct events *events = NULL;
    struct xr_runner *runner = NULL;
    char dir[4096] = "";
    if (a.spec) {
        x.co = (struct check_options){.file = a.spec, .process = a.process, .hide = a.hide,
                                      .full_traces = a.out.format != RPT_TEXT || a.out.nfiles};
        check_options_defaults(&x.co);
        status = cli_spec_open(cspm_load_file(a.spec), &spec);
        if (status != EXIT_HOLDS) goto out;
        events = events_new(eval_sem(spec.ev));
        x.tc = events ? trace_checker_new(spec.m, spec.ev, events, &x.co, &status) : NULL;
        if (!x.tc) {
            if (status == EXIT_HOLDS) status = EXIT_INPUT;
            fprintf(stderr, "baton: explore: nothing was run\n");
            goto out;
        }
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/baton-explore-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        status = cli_usage_error("explore", "cannot make a folder in %s: %s", tmp && *tmp ? tmp : "/tmp",
                                 strerror(errno));
        dir[0] = '\0';
        goto out;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    x.t0 = now_s();
    struct xr_options ro = {.program = a.program, .jobs = (unsigned)a.jobs, .timeout = a.timeout,
                            .traced = a.spec != NULL, .fork_server = !a.no_fork, .dir = dir};
    runner = xr_new(&ro);
    if (!runner) {
        status = xr_interrupted() ? EXIT_LIMIT : EXIT_INPUT;
        goto out;
    }

    /* one run first: with pct it measures k (the run's length); without a fork server (whose
     * HELLO shows a libbaton program) it shows whether PROGRAM is one at all.  A failure it
     * finds ends the search, unless --keep-going. */
    bool calibrate = x.cfg.kind == TRC_PCT || !xr_forking(runner);
    x.phase = CALIBRATE;
    if (calibrate && (xr_run(runner, next_schedule, run_done, &x) < 0 || x.error)) {
        status = x.error ? x.error_status : EXIT_INPUT;
        goto out;
    }
    int cst = x.calibration.wait_status;
    if (calibrate && !xr_forking(runner) && x.calibration.runs == 0 && WIFEXITED(cst) &&
        (WEXITSTATUS(cst) == 0 || WEXITSTATUS(cst) == 127)) {
        if (WEXITSTATUS(cst) == 127)
            fprintf(stderr, "baton: explore: cannot run '%s' (exit status 127: not found, or not "
                            "executable)\n", a.program[0]);
        else
            fprintf(stderr, "baton: explore: %s ended without finishing a libbaton run: is it linked "
                            "with libbaton, and does it call baton_run?\n", a.program[0]);
        status = EXIT_INPUT;
        goto out;
    }
    if (x.cfg.kind == TRC_PCT) x.cfg.steps = x.calibration.steps ? x.calibration.steps : 1;
    bool calibration_failed = calibrate && x.calibration.outcome != XR_PASS;
    if (calibration_failed && !x.keep_going) {
        x.first = x.calibration;
        x.have_first = true;
    }
    if (!x.have_first && !xr_interrupted()) {
        x.phase = EXPLORE;
        x.issued = 0;
        double began = now_s();
        int ran = xr_run(runner, next_schedule, run_done, &x);
        x.explore_s = now_s() - began;
        if (ran < 0) {
            status = xr_interrupted() ? EXIT_LIMIT : EXIT_INPUT;
            goto out;
        }
        if (x.error) {
            status = x.error_status;
            goto out;
        }
    }
    if (!x.have_first && calibration_failed) { /* --keep-going, and only it failed */
        x.first = x.calibration;
        x.have_first = true;
    }
    /* A run that livelocks costs a whole --timeout: shrinking one would take hundreds of them. */
    if (x.have_first && x.first.outcome == XR_TIMEOUT) x.shrink = 0;
    if (x.have_first && x.shrink && !xr_interrupted()) {
        x.phase = SHRINK;
        x.issued = 0;
        x.stop = false;
        x.best = x.first;
        x.have_best = true;
        show_progress(&x, false);
        if (xr_run(runner, next_schedule, run_done, &x) < 0) {
            status = xr_interrupted() ? EXIT_LIMIT : EXIT_INPUT;
            goto out;
        }
        if (x.error) {
            status = x.error_status;
            goto out;
        }
    }
    show_progress(&x, true);
    if (xr_interrupted()) {
        fprintf(stderr, "baton: explore: stopped by a signal after %" PRIu64 " runs\n", x.explored);
        status = EXIT_LIMIT;
        goto out;
    }
    status = conclude(&x, &a, dir, runner);
out:
    xr_free(runner);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (dir[0]) {
        char path[4200];
        snprintf(path, sizeof path, "%s/output", dir);
        unlink(path);
        rmdir(dir);
    }
    free(x.minimal);
    trace_checker_free(x.tc);
    events_free(events);
    if (a.spec) cli_spec_close(&spec);
    report_outputs_free(&a.out);
    return status;
}
