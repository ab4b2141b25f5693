/* baton check: every assertion of a CSPm file, as FDR checks it, with a counterexample for
 * each failure (see docs/checking.md).  Loading is model/'s job, searching checker/'s,
 * writing reports/'s; this file turns one into the other. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker/compile.h"
#include "checker/explore.h"
#include "checker/parallel.h"
#include "checker/refine.h"
#include "cli/check.h"
#include "cli/cli.h"
#include "cli/spec.h"
#include "cli/commands.h"
#include "cli/graph.h"
#include "model/eval.h"
#include "model/lexer.h"
#include "model/parser.h"
#include "reports/graph.h"
#include "reports/picture_chart.h"
#include "reports/report.h"

const char cmd_check_usage[] =
    "usage: baton check [OPTIONS] FILE.csp\n"
    "       baton check FILE.csp --trace RUN --process NAME [--hide SET]\n"
    "\n"
    "Checks every assertion of FILE.csp as FDR does: deadlock, divergence and livelock\n"
    "freedom, determinism, traces / failures / failures-divergences refinement, has trace,\n"
    "and `not`.  Each failure comes with a shortest counterexample.\n"
    "\n"
    "options:\n"
    "  --assert TEXT      check this assertion (in FILE's scope) instead of FILE's own;\n"
    "                     repeatable, e.g. --assert 'SYSTEM :[deadlock free]'\n"
    REPORT_OPTIONS_USAGE
    "  --max-states N     stop a search, or the compilation of a process, past N states\n"
    "                     (exit 3)\n"
    "  --memory SIZE      stop when baton's resident memory passes SIZE (e.g. 512M, 4G;\n"
    "                     exit 3); default: half of the machine's memory, or of the cgroup's\n"
    "                     limit or `ulimit -v` when lower ($BATON_MEMORY_SHARE percent)\n"
    "  --timeout SECONDS  stop each assertion (or each trace) after SECONDS of evaluation,\n"
    "                     compilation and search (exit 3)\n"
    "  --progress         a progress line on stderr for a check past a second: states,\n"
    "                     transitions, states/s, memory, depth (the default when stderr is\n"
    "                     a terminal; --no-progress turns it off); never on stdout\n"
    "  --threads N        cores for the searches that can use several (default: the CPUs\n"
    "                     this process may run on, or $BATON_THREADS)\n"
    "  --trace FILE       instead of the assertions, check a recorded run (a binary libbaton\n"
    "                     trace or a text trace: one event a line, # comments, a final\n"
    "                     @deadlock) against --process; repeatable; a folder means its files\n"
    "  --process NAME     the specification process the traces must follow (any process\n"
    "                     expression, e.g. 'SPEC(3)')\n"
    "  --hide SET         events of the program that are internal: skipped before checking,\n"
    "                     e.g. '{|mid|}'\n"
    "  --graphs DIR       also draw each failing assertion's counterexample as a chart,\n"
    "                     DIR/lLINE-ASSERTION.svg (see baton graph counterexample)\n"
    "  --distributed      under mpirun: deadlock, divergence and refinement searches with\n"
    "                     their states spread over the MPI ranks (docs/distributed.md)\n"
    "\n"
    "exit: 0 every assertion holds, 1 one fails, 2 bad input, 3 a limit was hit\n";


static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v <= 0) return -1;
    switch (*end) {
    case 'k': case 'K': v *= 1024.0; end++; break;
    case 'm': case 'M': v *= 1024.0 * 1024; end++; break;
    case 'g': case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
    default: break;
    }
    if (*end == 'B' || *end == 'b') end++;
    if (*end || v > (double)SIZE_MAX / 2) return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_options(int argc, char **argv, struct check_options *o)
{
    memset(o, 0, sizeof *o);
    o->asserts = calloc((size_t)argc, sizeof *o->asserts);
    o->traces = calloc((size_t)argc, sizeof *o->traces);
    if (!o->asserts || !o->traces) return cli_usage_error("check", "out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int took = report_option("check", argc, argv, &i, &o->out);
        if (took < 0) return EXIT_INPUT;
        if (took) continue;
        if (strcmp(a, "--assert") == 0 ||
            strcmp(a, "--max-states") == 0 || strcmp(a, "--memory") == 0 ||
            strcmp(a, "--timeout") == 0 || strcmp(a, "--threads") == 0 ||
            strcmp(a, "--trace") == 0 || strcmp(a, "--process") == 0 || strcmp(a, "--hide") == 0 ||
            strcmp(a, "--graphs") == 0) {
            if (!next) return cli_usage_error("check", "%s needs a value", a);
            i++;
            if (strcmp(a, "--assert") == 0) {
                o->asserts[o->nasserts++] = next;
            } else if (strcmp(a, "--trace") == 0) {
                o->traces[o->ntraces++] = next;
            } else if (strcmp(a, "--process") == 0) {
                o->process = next;
            } else if (strcmp(a, "--hide") == 0) {
                o->hide = next;
            } else if (strcmp(a, "--graphs") == 0) {
                o->graphs = next;
            } else if (strcmp(a, "--max-states") == 0) {
                char *end;
                errno = 0;
                unsigned long long n = strtoull(next, &end, 10);
                if (errno || *end || n == 0 || next[0] == '-')
                    return cli_usage_error("check", "--max-states needs a positive number, not '%s'", next);
                o->lim.max_states = n;
            } else if (strcmp(a, "--memory") == 0) {
                if (parse_size(next, &o->lim.memory) < 0)
                    return cli_usage_error("check", "--memory needs a size such as 512M, not '%s'", next);
            } else if (strcmp(a, "--threads") == 0) {
                char *end;
                errno = 0;
                long n = strtol(next, &end, 10);
                if (errno || *end || n < 1 || n > 256)
                    return cli_usage_error("check", "--threads needs a number from 1 to 256, not '%s'", next);
                o->lim.threads = (int)n;
            } else {
                char *end;
                errno = 0;
                double s = strtod(next, &end);
                if (errno || *end || !(s > 0))
                    return cli_usage_error("check", "--timeout needs a positive number of seconds, not '%s'", next);
                o->lim.seconds = s;
            }
        } else if (strcmp(a, "--distributed") == 0) {
            o->distributed = true;
        } else if (strcmp(a, "--progress") == 0 || strcmp(a, "--no-progress") == 0) {
            o->progress = a[2] == 'p' ? 1 : -1;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("check", "unknown option '%s'", a);
        } else if (o->file) {
            return cli_usage_error("check", "one specification file at a time ('%s' and '%s')",
                                   o->file, a);
        } else {
            o->file = a;
        }
    }
    if (!o->file) return cli_usage_error("check", "which file? (baton check FILE.csp)");
    o->full_traces = o->out.format != RPT_TEXT || o->out.nfiles > 0;
    check_options_defaults(o);
    if (o->ntraces && !o->process)
        return cli_usage_error("check", "--trace needs --process NAME: the specification process");
    if ((o->process || o->hide) && !o->ntraces)
        return cli_usage_error("check", "--process and --hide go with --trace");
    if (o->ntraces && o->nasserts)
        return cli_usage_error("check", "--trace and --assert cannot be combined");
    if (o->ntraces && o->graphs)
        return cli_usage_error("check", "--graphs draws failing assertions, not --trace runs");
    return EXIT_HOLDS;
}

/* ---- one assertion ---- */

struct context {
    struct cspm_module *m;
    struct evaluator *ev;
    struct proc_sem *sem;
    struct events *events;
    const struct check_options *o;
    struct chk_limits lim;        /* this assertion's: o->lim with its own deadline */
    double start;                 /* when this assertion began */
    uint64_t compiled_states, compiled_transitions;  /* leaf states and transitions compiled */
};

/* The evaluator's poll: this assertion's deadline and the memory budget. */
static const char *poll_limits(void *ctx)
{
    const struct context *c = ctx;
    return chk_over_limit(&c->lim, 0, c->start);
}

/* a as a LIMIT report: which limit, in which phase, the figures reached. */
static void limit_report(struct context *c, struct rpt_assertion *a, const char *which,
                         const char *phase, uint64_t states, uint64_t transitions)
{
    char what[200], figures[200], buf[600];
    a->result = RPT_LIMIT;
    a->states = states;
    a->transitions = transitions;
    a->seconds = chk_now() - c->start;
    snprintf(buf, sizeof buf, "stopped at %s %s: %s", check_limit_text(c->o, which, what, sizeof what),
             phase, check_figures(states, transitions, a->seconds, figures, sizeof figures));
    free(a->message);
    a->message = strdup(buf);
}

static char *event_text(const struct context *c, uint32_t id)
{
    return events_text(c->events, id);
}

static char *term_text(const value *t)
{
    size_t n = proc_format(t, NULL, 0);
    if (n > 400) n = 400;  /* a state is a line in a table, not a page */
    char *s = malloc(n + 1);
    if (s) proc_format(t, s, n + 1);
    return s;
}

/* A term as a report shows it: the name of the definition that made it ("PHIL(0)"), else
 * the term itself.  With `where`, also the definition's place, "file:line" (or NULL). */
static char *named_text(const struct context *c, const value *t, char **where)
{
    struct cspm_loc loc;
    const char *name = eval_proc_name(c->ev, t, &loc);
    if (where) {
        *where = NULL;
        if (name && loc.file && asprintf(where, "%s:%u", loc.file->path, loc.line) < 0)
            *where = NULL;
    }
    return name ? strdup(name) : term_text(t);
}

/* The assertion as written: its first line from where it starts, comments trimmed. */
static char *assertion_text(const struct ast_node *d)
{
    const struct cspm_file *f = d->loc.file;
    if (!f) return strdup("assert");
    const char *p = f->text, *end = f->text + f->len;
    for (uint32_t line = 1; line < d->loc.line && p < end; p++)
        if (*p == '\n') line++;
    const char *e = p;
    while (e < end && *e != '\n') e++;
    for (const char *q = p; q + 1 < e; q++)
        if (q[0] == '-' && q[1] == '-') {
            e = q;
            break;
        }
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
    char *s = malloc((size_t)(e - p) + 1);
    if (s) {
        memcpy(s, p, (size_t)(e - p));
        s[e - p] = '\0';
    }
    return s;
}

static bool leaf_moves(const struct lts *l, uint32_t from, uint32_t to, uint32_t event)
{
    for (const struct lts_trans *t = lts_begin(l, from); t != lts_end(l, from); t++)
        if (t->target == to && t->event == event) return true;
    return false;
}

/* The event leaf i performed at one step of a counterexample, when it moved.  Several events
 * may lead to one state, so prefer the system's event, then one that another leaf moving at
 * the same step shares (the synchronisation, even when hidden), then the first. */
static uint32_t leaf_event(const struct system *sys, const struct chk_result *r, size_t step,
                           uint32_t i)
{
    const uint64_t *a = r->path + step * r->words + r->offset;
    const uint64_t *b = r->path + (step + 1) * r->words + r->offset;
    const struct lts *l = mach_leaf_lts(sys->m, i);
    uint32_t from = mach_leaf_state(sys->m, a, i), to = mach_leaf_state(sys->m, b, i);
    uint32_t first = EV_TAU;
    for (const struct lts_trans *t = lts_begin(l, from); t != lts_end(l, from); t++) {
        if (t->target != to || t->event == EV_TAU) continue;
        if (t->event == r->path_events[step]) return t->event;
        if (first == EV_TAU) first = t->event;
        for (uint32_t j = 0; j < sys->nleaves; j++) {
            if (j == i) continue;
            uint32_t f = mach_leaf_state(sys->m, a, j), g = mach_leaf_state(sys->m, b, j);
            if (f != g && leaf_moves(mach_leaf_lts(sys->m, j), f, g, t->event)) return t->event;
        }
    }
    return first;
}

/* The debugger table: each leaf's state at the end of the counterexample and its own last
 * events along it. */
static void components(struct context *c, const struct system *sys, const struct chk_result *r,
                       struct rpt_assertion *a)
{
    if (!r->path || !r->npath || !sys->nleaves) return;
    a->components = calloc(sys->nleaves, sizeof *a->components);
    if (!a->components) return;
    a->ncomponents = sys->nleaves;
    const uint64_t *last = r->path + (r->npath - 1) * r->words + r->offset;
    for (uint32_t i = 0; i < sys->nleaves; i++) {
        struct rpt_component *k = &a->components[i];
        k->name = named_text(c, sys->terms[i][0], &k->where);
        k->state = named_text(c, sys->terms[i][mach_leaf_state(sys->m, last, i)], NULL);
        for (size_t step = 0; step + 1 < r->npath; step++) {
            const uint64_t *from = r->path + step * r->words + r->offset;
            const uint64_t *to = r->path + (step + 1) * r->words + r->offset;
            if (mach_leaf_state(sys->m, from, i) == mach_leaf_state(sys->m, to, i)) continue;
            uint32_t event = leaf_event(sys, r, step, i);
            if (event == EV_TAU) continue;
            char *e = event_text(c, event);
            if (e) rpt_push(&k->last, e);
            free(e);
        }
    }
}

/* ---- steps, for charts (reports/picture_chart.h) ---- */

/* A step of the implementation from `from` to `to` on the system's event: what happened and
 * which components took part.  leaves and evs are scratch, sys->nleaves long. */
static void add_step(const struct context *c, const struct system *sys, const uint64_t *from,
                     uint32_t event, const uint64_t *to, uint32_t *leaves, uint32_t *evs,
                     struct rpt_assertion *a)
{
    struct rpt_step *s = rpt_step_add(a);
    if (!s) return;
    uint32_t n = mach_step_parts(sys->m, from, event, to, leaves, evs);
    s->hidden = event == EV_TAU;
    /* A hidden step is named by what its components did (a hidden `pick.0`), when visible. */
    uint32_t shown = event;
    for (uint32_t k = 0; k < n && shown == EV_TAU; k++) shown = evs[k];
    s->event = shown == EV_TAU ? strdup("τ") : event_text(c, shown);
    s->who = malloc((n ? n : 1) * sizeof *s->who);
    if (!s->who) return;
    for (uint32_t k = 0; k < n; k++) s->who[k] = leaves[k];
    s->nwho = n;
}

struct find_event {
    uint32_t event;
    uint64_t *target;             /* mach_words long */
    uint32_t words;
    bool found;
};

static void find_event(void *ctx, uint32_t event, const uint64_t *target)
{
    struct find_event *f = ctx;
    if (f->found || event != f->event) return;
    memcpy(f->target, target, f->words * sizeof *target);
    f->found = true;
}

/* The divergence a counterexample ends in, as steps that loop: at most this many states are
 * searched for the cycle of taus. */
enum { LASSO_MAX_STATES = 1 << 20 };

/* Every step of the counterexample with who took part; for a trace failure the offending
 * event as a last step; for a divergence the taus that go round for ever (a->loop). */
static void steps(const struct context *c, const struct system *sys, const struct chk_result *r,
                  struct rpt_assertion *a)
{
    if (!r->path || !r->npath || !sys->nleaves) return;
    uint32_t words = mach_words(sys->m);
    uint32_t *leaves = malloc(2 * sys->nleaves * sizeof *leaves);
    uint64_t *next = malloc(words * sizeof *next);
    if (!leaves || !next) goto out;
    uint32_t *evs = leaves + sys->nleaves;
    for (size_t i = 0; i + 1 < r->npath; i++)
        add_step(c, sys, r->path + i * r->words + r->offset, r->path_events[i],
                 r->path + (i + 1) * r->words + r->offset, leaves, evs, a);
    const uint64_t *last = r->path + (r->npath - 1) * r->words + r->offset;
    if (r->kind == CHK_TRACE) {
        struct find_event f = {r->event, next, words, false};
        mach_successors(sys->m, last, find_event, &f);
        if (f.found) {
            add_step(c, sys, last, r->event, next, leaves, evs, a);
            a->offending_step = true;
        }
    } else if (r->kind == CHK_DIVERGENCE) {
        uint64_t *lasso;
        size_t n, loop;
        if (chk_tau_lasso(sys->m, last, LASSO_MAX_STATES, &lasso, &n, &loop) == 0) {
            a->has_loop = true;
            a->loop = a->nsteps + loop;
            for (size_t i = 0; i < n; i++)
                add_step(c, sys, lasso + i * words, EV_TAU, lasso + (i + 1) * words, leaves, evs, a);
            free(lasso);
        }
    }
out:
    free(leaves);
    free(next);
}

/* What each component offers at the end of the counterexample, and at a deadlock who stops
 * it: the components that would have to join but cannot. */
static void offers(const struct context *c, const struct system *sys, const struct chk_result *r,
                   struct rpt_assertion *a)
{
    if (!r->path || !r->npath || a->ncomponents != sys->nleaves) return;
    const uint64_t *last = r->path + (r->npath - 1) * r->words + r->offset;
    uint32_t *out = malloc((sys->nleaves ? sys->nleaves : 1) * sizeof *out);
    if (!out) return;
    for (uint32_t i = 0; i < sys->nleaves; i++) {
        struct rpt_component *k = &a->components[i];
        const struct lts *l = mach_leaf_lts(sys->m, i);
        uint32_t s = mach_leaf_state(sys->m, last, i), prev = UINT32_MAX;
        for (const struct lts_trans *t = lts_begin(l, s); t != lts_end(l, s); t++) {
            if (t->event == prev) continue;
            prev = t->event;
            char *e = t->event == EV_TAU ? strdup("τ") : event_text(c, t->event);
            if (e) rpt_push(&k->offers, e);
            free(e);
            if (r->kind != CHK_DEADLOCK || t->event == EV_TAU) continue;
            uint32_t n = mach_blockers(sys->m, last, i, t->event, out);
            for (uint32_t j = 0; j < n; j++) {
                bool seen = false;
                for (size_t q = 0; q < k->nblocked_by && !seen; q++) seen = k->blocked_by[q] == out[j];
                if (seen) continue;
                size_t *v = realloc(k->blocked_by, (k->nblocked_by + 1) * sizeof *v);
                if (!v) break;
                k->blocked_by = v;
                k->blocked_by[k->nblocked_by++] = out[j];
            }
        }
    }
    free(out);
}

static const char *kind_name(enum chk_kind k)
{
    switch (k) {
    case CHK_DEADLOCK: return "deadlock";
    case CHK_DIVERGENCE: return "divergence";
    case CHK_TRACE: return "trace";
    case CHK_REFUSAL: return "refusal";
    case CHK_NONDET: return "nondeterminism";
    case CHK_REVIVAL: return "revival";
    default: return "failure";
    }
}

static void set_message(struct rpt_assertion *a, const char *fmt, const char *arg)
{
    char buf[1024];
    snprintf(buf, sizeof buf, fmt, arg);
    free(a->message);
    a->message = strdup(buf);
}

/* The process an expression stands for, compiled; NULL with a message in a. */
static struct system *process(struct context *c, const struct ast_node *e, struct rpt_assertion *a)
{
    const value *p = eval_expr(c->ev, e);
    if (!p && eval_interrupted(c->ev)) {
        limit_report(c, a, eval_interrupted(c->ev), "while evaluating the process", 0, 0);
        return NULL;
    }
    if (!p) {
        set_message(a, "%s", "the process could not be evaluated (see the error above)");
        return NULL;
    }
    if (p->kind != VAL_PROC) {
        set_message(a, "a process was expected, not a %s", val_kind_name(p->kind));
        return NULL;
    }
    struct compile_error err;
    struct system *s = compile_system(c->sem, c->events, p, &c->lim, &err);
    if (!s && (eval_interrupted(c->ev) || err.limit)) {
        const char *which = eval_interrupted(c->ev) ? eval_interrupted(c->ev) : err.which;
        if (which && strcmp(which, "states") == 0) {
            /* The message names the process that is too big (is it infinite-state?). */
            char figures[200], buf[1024];
            a->result = RPT_LIMIT;
            a->states = err.states;
            a->transitions = err.transitions;
            a->seconds = chk_now() - c->start;
            snprintf(buf, sizeof buf, "%s: %s", err.message,
                     check_figures(err.states, err.transitions, a->seconds, figures, sizeof figures));
            free(a->message);
            a->message = strdup(buf);
        } else {
            limit_report(c, a, which, "while compiling the process", err.states, err.transitions);
        }
    } else if (!s) {
        set_message(a, "%s", err.message);
        a->result = RPT_ERROR;
    }
    if (s) {
        c->compiled_states += err.states;
        c->compiled_transitions += err.transitions;
    }
    return s;
}

/* R: the refusals seen before each event of the trace. */
static void refusal_trace(struct context *c, const struct chk_result *r, struct rpt_assertion *a)
{
    for (size_t i = 0; r->rtrace && i < r->nrtrace;) {
        struct rpt_refusal *x = rpt_refusal_add(a);
        if (!x) return;
        x->seen = r->rtrace[i] != CHK_NO_REFUSAL;
        uint32_t n = x->seen ? r->rtrace[i] : 0;
        for (uint32_t k = 0; k < n; k++) {
            char *e = event_text(c, r->rtrace[i + 1 + k]);
            if (e) rpt_push(&x->events, e);
            free(e);
        }
        i += 1 + n;
    }
}

static void fill(struct context *c, const struct chk_result *r, const struct system *impl,
                 int negated, struct rpt_assertion *a)
{
    a->states = r->states;
    a->transitions = r->transitions;
    a->seconds = chk_now() - c->start;  /* evaluation and compilation included */
    switch (r->verdict) {
    case CHK_HOLDS:
        a->result = negated ? RPT_FAIL : RPT_PASS;
        if (negated) set_message(a, "%s", "the assertion under `not` holds");
        return;
    case CHK_LIMIT: {
        /* The searches poll the evaluator's limits too: what interrupted an evaluation
         * during the search (a thunk forced by a specification's normalisation) is the
         * limit. */
        const char *which = eval_interrupted(c->ev) ? eval_interrupted(c->ev) : r->limit;
        char phase[200];
        snprintf(phase, sizeof phase, "before an answer (after compiling %llu leaf states)",
                 (unsigned long long)c->compiled_states);
        limit_report(c, a, which, phase, r->states, r->transitions);
        return;
    }
    case CHK_ERROR:
        a->result = RPT_ERROR;
        set_message(a, "%s", "out of memory");
        return;
    case CHK_FAILS:
        break;
    }
    if (negated) {
        a->result = RPT_PASS;
        set_message(a, "%s", "holds: the assertion under `not` fails");
        return;
    }
    a->result = RPT_FAIL;
    a->kind = strdup(kind_name(r->kind));
    for (size_t i = 0; i < r->ntrace; i++) {
        char *e = event_text(c, r->trace[i]);
        if (e) rpt_push(&a->trace, e);
        free(e);
    }
    if (r->kind == CHK_TRACE || r->kind == CHK_NONDET || r->kind == CHK_REVIVAL)
        a->event = event_text(c, r->event);
    refusal_trace(c, r, a);
    for (size_t i = 0; i < r->nrefusal; i++) {
        char *e = event_text(c, r->refusal[i]);
        if (e) rpt_push(&a->refusal, e);
        free(e);
    }
    if (impl) {
        components(c, impl, r, a);
        offers(c, impl, r, a);
        steps(c, impl, r, a);
    }
}

static enum chk_model model_of(int aux, enum chk_model dflt)
{
    switch (aux) {
    case MODEL_T: return CHK_MODEL_T;
    case MODEL_F: return CHK_MODEL_F;
    case MODEL_FD: return CHK_MODEL_FD;
    case MODEL_R: return CHK_MODEL_R;
    case MODEL_RD: return CHK_MODEL_RD;
    case MODEL_V: return CHK_MODEL_V;
    case MODEL_VD: return CHK_MODEL_VD;
    default: return dflt;
    }
}

/* `:[tau priority over]: A` among an assertion's options: in the implementation (the process
 * checked, or the right side of a refinement), a state that can perform tau does not offer
 * the events of A — the maximal progress of tock-CSP, where time (tock) cannot pass while
 * something internal is still to happen.  The specification is left as written.  False, with
 * the message set, when A is not a set. */
/* The assertion's :[tau priority over]: option (the last, when given twice), or NULL. */
static const struct ast_node *priority_option(const struct ast_node *options)
{
    const struct ast_node *found = NULL;
    for (uint32_t i = 0; i < options->nkids; i++)
        if (options->kids[i]->kind == AST_O_TAU_PRIORITY) found = options->kids[i];
    return found;
}

static bool tau_priority(struct context *c, const struct ast_node *options, struct system *impl,
                         struct rpt_assertion *a)
{
    const struct ast_node *option = priority_option(options);
    if (!option) return true;
    const value *set = eval_expr(c->ev, option->kids[0]);
    if (!set || set->kind != VAL_SET) {
        set_message(a, "%s", ":[tau priority over]: needs a set of events");
        return false;
    }
    size_t n;
    uint32_t *ids = events_ids(c->events, set, &n);
    if (!ids || mach_tau_priority(impl->m, (struct evset){ids, n}) < 0) {
        free(ids);
        set_message(a, "%s", "out of memory");
        return false;
    }
    free(ids);
    return true;
}

/* What an assertion checks, as the CI reports name their rules. */
static const char *check_name(const struct ast_node *as)
{
    switch (as->kind) {
    case AST_A_REFINE:
        switch (model_of(as->aux, CHK_MODEL_FD)) {
        case CHK_MODEL_T: return "traces-refinement";
        case CHK_MODEL_F: return "failures-refinement";
        case CHK_MODEL_R:
        case CHK_MODEL_RD: return "refusal-testing-refinement";
        case CHK_MODEL_V:
        case CHK_MODEL_VD: return "revivals-refinement";
        default: return "fd-refinement";
        }
    case AST_A_HAS_TRACE: return "has-trace";
    case AST_A_PROP:
        switch (as->aux2) {
        case PROP_DEADLOCK_FREE: return "deadlock-free";
        case PROP_DIVERGENCE_FREE:
        case PROP_LIVELOCK_FREE: return "divergence-free";
        default: return "deterministic";
        }
    default: return NULL;
    }
}

static void check_one(struct context *c, const struct ast_node *decl, struct rpt_assertion *a)
{
    /* Each assertion has the whole --timeout; memory is the process's, shared by all. */
    c->start = chk_now();
    c->lim = c->o->lim;
    if (c->lim.seconds > 0) c->lim.deadline = c->start + c->lim.seconds;
    c->compiled_states = c->compiled_transitions = 0;
    chk_peak_reset();
    eval_set_poll(c->ev, poll_limits, c);
    a->line = (int)decl->loc.line;
    a->col = (int)decl->loc.col;
    a->text = assertion_text(decl);
    a->result = RPT_ERROR;
    const struct ast_node *as = decl->kids[0];
    int negated = 0;
    while (as->kind == AST_A_NOT) {
        negated = !negated;
        as = as->kids[0];
    }
    const struct ast_node *options = as->kids[as->nkids - 1];
    a->check = check_name(as);
    bool prioritised = priority_option(options) != NULL;
    c->lim.strong_only = prioritised;
    /* :[partial order reduce] only makes FDR faster; the verdict is the same without it. */
    struct chk_result r;
    memset(&r, 0, sizeof r);
    struct system *impl = NULL, *spec = NULL;
    uint64_t key = (uint64_t)a->line << 32 | (uint32_t)a->col;  /* for --distributed */
    switch (as->kind) {
    case AST_A_REFINE: {
        /* R, RD, V and VD observe more than the compressions made for T, F and FD keep; tau
         * priority, in the implementation, sees taus they remove (compress.h). */
        enum chk_model model = model_of(as->aux, CHK_MODEL_FD);
        c->lim.strong_only = model == CHK_MODEL_R || model == CHK_MODEL_RD ||
                             model == CHK_MODEL_V || model == CHK_MODEL_VD;
        if (!(spec = process(c, as->kids[0], a))) break;
        c->lim.strong_only |= prioritised;
        if (!(impl = process(c, as->kids[1], a))) break;
        if (!tau_priority(c, options, impl, a)) break;
        check_refines(c->o, key, spec->m, impl->m, model, &c->lim, &r);
        fill(c, &r, impl, negated, a);
        break;
    }
    case AST_A_PROP: {
        if (!(impl = process(c, as->kids[0], a)) || !tau_priority(c, options, impl, a)) break;
        enum chk_model model = model_of(as->aux, CHK_MODEL_FD);
        switch (as->aux2) {
        case PROP_DEADLOCK_FREE:
            /* A deadlock is a stable refusal of everything: R and V see it as F does, RD
             * and VD as FD. */
            check_deadlock_free(c->o, key, impl->m, &c->lim, chk_model_divergence(model), &r);
            break;
        case PROP_DIVERGENCE_FREE:
        case PROP_LIVELOCK_FREE:
            check_divergence_free(c->o, key, impl->m, &c->lim, &r);
            break;
        default:
            if (check_here(c->o)) chk_deterministic(impl->m, model, &c->lim, &r);
            break;
        }
        fill(c, &r, impl, negated, a);
        break;
    }
    case AST_A_HAS_TRACE: {
        if (!(impl = process(c, as->kids[0], a)) || !tau_priority(c, options, impl, a)) break;
        const value *t = eval_expr(c->ev, as->kids[1]);
        if (!t || t->kind != VAL_SEQ) {
            set_message(a, "%s", "has trace needs a sequence of events");
            break;
        }
        uint32_t *ids = malloc((t->n ? t->n : 1) * sizeof *ids);
        if (!ids) break;
        for (uint32_t i = 0; i < t->n; i++) ids[i] = events_id(c->events, t->items[i]);
        if (check_here(c->o)) chk_has_trace(impl->m, ids, t->n, &c->lim, &r);
        free(ids);
        fill(c, &r, NULL, negated, a);
        a->event_missing = true;
        break;
    }
    default:
        set_message(a, "%s", "unknown assertion");
        break;
    }
    if (a->result == RPT_ERROR && eval_interrupted(c->ev))
        limit_report(c, a, eval_interrupted(c->ev), "while evaluating", a->states, a->transitions);
    eval_set_poll(c->ev, NULL, NULL);
    chk_result_free(&r);
    system_free(spec);
    system_free(impl);
}

/* Any evaluation error met while checking an assertion makes it an ERROR, whatever the
 * search concluded: a branch that could not be evaluated is not a branch that is absent, so
 * neither PASS nor FAIL can be trusted.  The message is the first error, located; each
 * distinct error prints on stderr once (the diagnostics list keeps repeats once). */
static void evaluation_errors(struct cspm_module *m, size_t kept, size_t total,
                              struct rpt_assertion *a)
{
    for (size_t k = kept; k < m->diags.count; k++) diag_print_one(&m->diags.items[k], stderr);
    if (diag_count(&m->diags) == total) return;
    const struct diag *first = kept < m->diags.count ? &m->diags.items[kept] : m->diags.last;
    a->result = RPT_ERROR;
    rpt_forget_counterexample(a);
    if (!first) {
        set_message(a, "%s", "an evaluation error (not shown: too many errors)");
        return;
    }
    char where[512];
    snprintf(where, sizeof where, "%s:%u:%u", first->loc.file ? first->loc.file->path : "?",
             first->loc.line, first->loc.col);
    char buf[1024];
    snprintf(buf, sizeof buf, "%s: evaluation error: %s", where, first->msg);
    set_message(a, "%s", buf);
}

/* ---- the command ---- */

/* FILE's text with each --assert appended as an assertion of its own. */
static struct cspm_module *load(const struct check_options *o)
{
    if (!o->nasserts) return cspm_load_file(o->file);
    FILE *f = fopen(o->file, "rb");
    if (!f) return cspm_load_file(o->file);  /* it reports why */
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    for (size_t got; text && (got = fread(text + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            char *t = realloc(text, cap *= 2);
            if (!t) {
                free(text);
                text = NULL;
            }
            text = t;
        }
    }
    fclose(f);
    if (!text) return NULL;
    for (size_t i = 0; i < o->nasserts; i++) {
        size_t need = n + strlen(o->asserts[i]) + 16;
        if (need > cap) {
            char *t = realloc(text, cap = need * 2);
            if (!t) {
                free(text);
                return NULL;
            }
            text = t;
        }
        n += (size_t)sprintf(text + n, "\nassert %s\n", o->asserts[i]);
    }
    struct cspm_module *m = cspm_load_string(o->file, text, n);
    free(text);
    return m;
}

/* Progress lines, and SIGINT and SIGTERM (a CI job's timeout) stopping the assertion or
 * trace in progress as a limit, "interrupt": the report of what finished is still written
 * whole, and exit is 3.  A second signal kills as usual. */
static void start_run(const struct check_options *o)
{
    chk_progress_enable(o->progress > 0 || (o->progress == 0 && isatty(STDERR_FILENO)));
    struct sigaction sa = {.sa_handler = chk_interrupt, .sa_flags = SA_RESETHAND | SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void check_options_defaults(struct check_options *o)
{
    if (!o->lim.threads) o->lim.threads = chk_default_threads();
    if (!o->lim.memory) {
        o->lim.memory = chk_default_memory();
        o->default_memory = true;
    }
}

int check_assertions(const struct check_options *o, struct rpt_file *report, check_each_fn *each,
                     void *ctx)
{
    struct cli_spec spec;
    int status = cli_spec_open(load(o), &spec);
    if (status != EXIT_HOLDS) {
        cli_spec_close(&spec);
        return status;
    }
    struct cspm_module *m = spec.m;
    struct context c = {m, spec.ev, eval_sem(spec.ev), NULL, o, o->lim, 0, 0, 0};
    c.events = events_new(c.sem);
    start_run(o);
    report->file = strdup(o->file);
    /* With --assert, only the appended assertions (the last nasserts) are checked. */
    size_t total = 0;
    for (uint32_t i = 0; i < m->decls->nkids; i++) total += m->decls->kids[i]->kind == AST_D_ASSERT;
    size_t seen = 0, skip = o->nasserts ? total - o->nasserts : 0;
    for (uint32_t i = 0; c.events && i < m->decls->nkids; i++) {
        const struct ast_node *d = m->decls->kids[i];
        if (d->kind != AST_D_ASSERT) continue;
        if (seen++ < skip) continue;
        if (chk_interrupted()) {
            report->not_checked++;
            continue;
        }
        struct rpt_assertion *a = rpt_add(report);
        if (!a) break;
        size_t kept = m->diags.count, errors = diag_count(&m->diags);
        check_one(&c, d, a);
        chk_progress_done();
        evaluation_errors(m, kept, errors, a);
        if (o->nasserts) a->line = 0;   /* from the command line, not a line of the file */
        if (each) each(report, a, ctx);
    }
    events_free(c.events);
    cli_spec_close(&spec);
    return EXIT_HOLDS;
}

int check_status(const struct rpt_file *report)
{
    size_t pass, fail, error, limit;
    rpt_counts(report, &pass, &fail, &error, &limit);
    /* A definite failure outranks a search that stopped at a limit; bad input outranks both;
     * an interrupted run is incomplete whatever it found (exit 3). */
    return chk_interrupted() ? EXIT_LIMIT
           : error ? EXIT_INPUT : fail ? EXIT_FAILS : limit ? EXIT_LIMIT : EXIT_HOLDS;
}

/* Each result as it is known. */
static void print_each(const struct rpt_file *f, const struct rpt_assertion *a, void *ctx)
{
    (void)ctx;
    rpt_text_assertion(stdout, f, a);
    fflush(stdout);
}

/* The HTML report's extras: the spec's text, and each failing assertion's chart as SVG. */
static void html_context(const struct check_options *o, const struct rpt_file *report,
                         struct rpt_context *x)
{
    size_t len;
    x->source = report_read_source(o->file, &len);
    x->charts = calloc(report->n ? report->n : 1, sizeof *x->charts);
    for (size_t i = 0; x->charts && i < report->n; i++) {
        if (report->a[i].result != RPT_FAIL) continue;
        gr_graph *g = rpt_chart(&report->a[i], NULL);
        char err[256];
        size_t n;
        if (g && gr_render_data(g, "svg", &x->charts[i], &n, err, sizeof err) < 0)
            x->charts[i] = NULL;
        gr_free(g);
    }
}

static void html_context_free(const struct rpt_file *report, struct rpt_context *x)
{
    for (size_t i = 0; x->charts && i < report->n; i++) free(x->charts[i]);
    free(x->charts);
    free((char *)x->source);
}

int check_report(const struct check_options *o, const struct rpt_file *report, int status)
{
    struct rpt_context x = {.notices = o->out.notices};
    if (report_wants(&o->out, RPT_HTML)) html_context(o, report, &x);
    if (o->out.format == RPT_TEXT) rpt_text_summary(stdout, report);
    else rpt_emit(stdout, o->out.format, report, &x);
    fflush(stdout);
    if (report_write_files(&o->out, report, &x) < 0) status = EXIT_INPUT;
    html_context_free(report, &x);
    return status;
}

/* --trace: every recorded run against --process. */
static int traces(const struct check_options *o)
{
    struct cli_spec spec;
    int status = cli_spec_open(load(o), &spec);
    if (status != EXIT_HOLDS) {
        cli_spec_close(&spec);
        return status;
    }
    struct events *events = events_new(eval_sem(spec.ev));
    start_run(o);
    status = events ? check_traces(spec.m, spec.ev, events, o) : EXIT_INPUT;
    events_free(events);
    cli_spec_close(&spec);
    return status;
}

int cmd_check(int argc, char **argv)
{
    struct check_options o;
    int status = parse_options(argc, argv, &o);
    struct rpt_file report = {0};
    if (status != EXIT_HOLDS) goto out;
    if (o.distributed && (status = check_distributed_start(&o)) != EXIT_HOLDS) {
        o.distributed = false;
        goto out;
    }
    if (o.ntraces) {
        status = traces(&o);
        goto out;
    }
    status = check_assertions(&o, &report, o.out.format == RPT_TEXT ? print_each : NULL, NULL);
    if (status != EXIT_HOLDS) goto out;
    status = check_report(&o, &report, check_status(&report));
    /* A picture that cannot be written is bad input (a folder that cannot be made). */
    if (o.graphs && graph_charts_in(o.graphs, &report) != EXIT_HOLDS) status = EXIT_INPUT;
out:
    if (o.distributed) status = check_distributed_end(&o, status);
    report_outputs_free(&o.out);
    rpt_file_free(&report);
    free(o.asserts);
    free(o.traces);
    return status;
}
