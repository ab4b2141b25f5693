/* sarif.c — the report for code-scanning services: SARIF 2.1.0 (OASIS), written with
 * jansson.  A rule per kind of check; a result per failing check, located at the assertion's
 * file:line:col, with the counterexample as a codeFlow whose steps point at the definitions
 * of the components involved; errors and limits are results too (an error is a failure of the
 * spec; a limit is "open": no verdict), and make the invocation unsuccessful.  Passing checks
 * are counted in the run's properties but are not results: code-scanning services show every
 * result as an alert whatever its `kind`.  Valid against sarif-schema-2.1.0.json. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

#ifndef BATON_VERSION
#define BATON_VERSION "0"
#endif

struct rule {
    const char *id, *name, *what;
};

/* Indexed by rule_of's answers: the order is the driver's `rules` array. */
static const struct rule rules[] = {
    {"deadlock", "DeadlockFreedom", "A process that must be deadlock free can reach a state where nothing can happen."},
    {"divergence", "DivergenceFreedom", "A process that must be divergence (livelock) free can perform internal events forever."},
    {"determinism", "Determinism", "A process that must be deterministic can both perform and refuse the same event after the same trace."},
    {"traces-refinement", "TracesRefinement", "The implementation can perform a trace the specification cannot ([T=)."},
    {"failures-refinement", "FailuresRefinement", "The implementation can refuse events the specification must offer, or perform a trace it cannot ([F=)."},
    {"fd-refinement", "FailuresDivergencesRefinement", "The implementation can diverge, refuse or perform where the specification cannot ([FD=)."},
    {"has-trace", "HasTrace", "A process lacks a trace it must have (:[has trace])."},
    {"refusal-testing-refinement", "RefusalTestingRefinement", "The implementation can refuse, then perform, or diverge where the specification cannot, over several steps ([R=, [RD=)."},
    {"revivals-refinement", "RevivalsRefinement", "The implementation can refuse a set and then perform an event where the specification cannot ([V=, [VD=)."},
    {"trace-conformance", "TraceConformance", "A recorded run of a program does something its specification process does not allow."},
    {"check-error", "CheckError", "A check could not be made: bad input or an evaluation error in the specification."},
    {"check-limit", "CheckLimit", "A check stopped at a resource limit (states, memory, time) before reaching a verdict."},
};
enum { R_DEADLOCK, R_DIVERGENCE, R_DETERMINISM, R_TRACES, R_FAILURES, R_FD, R_HAS_TRACE,
       R_RT, R_REVIVALS, R_CONFORMANCE, R_ERROR, R_LIMIT, NRULES };

static size_t rule_of_check(const char *check)
{
    static const char *const names[] = {"deadlock-free", "divergence-free", "deterministic",
                                        "traces-refinement", "failures-refinement",
                                        "fd-refinement", "has-trace",
                                        "refusal-testing-refinement", "revivals-refinement"};
    for (size_t i = 0; check && i < sizeof names / sizeof *names; i++)
        if (strcmp(check, names[i]) == 0) return i;
    return R_FD;
}

/* ---- building blocks ---- */

static json_t *text(const char *s)
{
    return json_pack("{s:s}", "text", s ? s : "");
}

/* A path as a URI reference: unreserved characters and '/' kept, everything else
 * percent-encoded (a ':' in a relative path would read as a scheme); an absolute path
 * becomes a file: URI. */
static json_t *uri_of(const char *path)
{
    size_t n = strlen(path);
    char *u = malloc(3 * n + 8), *p = u;
    if (!u) return NULL;
    if (path[0] == '/') p += sprintf(p, "file://");
    for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
            strchr("-._~/", *s))
            *p++ = (char)*s;
        else
            p += sprintf(p, "%%%02X", *s);
    }
    *p = 0;
    json_t *j = json_string(u);
    free(u);
    return j;
}

/* A location in `file`, at line:col when known (0: not known). */
static json_t *location(const char *file, int line, int col, const char *message)
{
    json_t *phys = json_pack("{s:{s:o*}}", "artifactLocation", "uri", uri_of(file));
    if (phys && line > 0) {
        json_t *region = json_pack("{s:i}", "startLine", line);
        if (region && col > 0) json_object_set_new(region, "startColumn", json_integer(col));
        json_object_set_new(phys, "region", region);
    }
    json_t *loc = json_pack("{s:o*}", "physicalLocation", phys);
    if (loc && message) json_object_set_new(loc, "message", text(message));
    return loc;
}

/* A component's "file:line" (as the text report gives it) as a location; NULL when it has
 * none. */
static json_t *component_location(const struct rpt_component *c, const char *message)
{
    if (!c->where) return NULL;
    const char *colon = strrchr(c->where, ':');
    if (!colon || colon == c->where) return NULL;
    int line = atoi(colon + 1);
    char *file = strndup(c->where, (size_t)(colon - c->where));
    json_t *loc = file ? location(file, line, 0, message) : NULL;
    free(file);
    return loc;
}

static json_t *flow_step(json_t *loc, const char *message, size_t step)
{
    json_t *s = json_pack("{s:I}", "executionOrder", (json_int_t)step);
    if (!s) return NULL;
    if (!loc) loc = json_object();
    if (loc && !json_object_get(loc, "message")) json_object_set_new(loc, "message", text(message));
    json_object_set_new(s, "location", loc);
    return s;
}

/* The counterexample as one thread of steps: each step (hidden ones too) at the definition
 * of the first component that took part, with who took part; or, when the report has no
 * steps, each event of the trace; then the end: each component's state at its definition. */
static json_t *code_flow(const struct rpt_assertion *a, const char *headline)
{
    json_t *steps = json_array();
    size_t k = 0;
    for (size_t i = 0; steps && i < a->nsteps; i++) {
        const struct rpt_step *st = &a->steps[i];
        char *msg = NULL;
        size_t n = 0;
        FILE *m = open_memstream(&msg, &n);
        if (!m) break;
        fprintf(m, "%zu. %s%s", i + 1, st->event, st->hidden ? " (hidden)" : "");
        if (a->offending_step && i + 1 == a->nsteps) fputs(", which the specification does not allow", m);
        if (a->has_loop && i == a->loop) fputs(" (from here the steps repeat forever)", m);
        for (size_t w = 0; w < st->nwho && st->who[w] < a->ncomponents; w++)
            fprintf(m, "%s%s", w ? ", " : " by ", a->components[st->who[w]].name);
        fclose(m);
        json_t *loc = st->nwho && st->who[0] < a->ncomponents
                          ? component_location(&a->components[st->who[0]], msg)
                          : NULL;
        json_array_append_new(steps, flow_step(loc, msg, ++k));
        free(msg);
    }
    for (size_t i = 0; steps && !a->nsteps && i < a->trace.n; i++) {
        char msg[512];
        snprintf(msg, sizeof msg, "%zu. %s", i + 1, a->trace.v[i]);
        json_array_append_new(steps, flow_step(NULL, msg, ++k));
    }
    for (size_t i = 0; steps && i < a->ncomponents; i++) {
        const struct rpt_component *c = &a->components[i];
        char *msg = NULL;
        if (asprintf(&msg, "%s is %s", c->name ? c->name : "a component",
                     c->state ? c->state : "?") < 0)
            msg = NULL;
        json_array_append_new(steps, flow_step(component_location(c, msg), msg, ++k));
        free(msg);
    }
    if (steps && json_array_size(steps) == 0)
        json_array_append_new(steps, flow_step(NULL, headline, ++k));
    return json_pack("{s:o, s:[{s:o*}]}", "message", text(headline), "threadFlows", "locations",
                     steps);
}

static json_t *related(const struct rpt_assertion *a)
{
    json_t *r = json_array();
    for (size_t i = 0; r && i < a->ncomponents; i++) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s is defined here", a->components[i].name ? a->components[i].name : "a component");
        json_t *loc = component_location(&a->components[i], msg);
        if (!loc) continue;
        json_object_set_new(loc, "id", json_integer((json_int_t)i));
        json_array_append_new(r, loc);
    }
    return r;
}

static json_t *result(size_t rule, const char *message, json_t *loc)
{
    const char *kind = rule == R_LIMIT ? "open" : "fail";
    json_t *r = json_pack("{s:s, s:I, s:s, s:o, s:[o*]}", "ruleId", rules[rule].id, "ruleIndex",
                          (json_int_t)rule, "kind", kind, "message", text(message), "locations",
                          loc);
    if (r && rule != R_LIMIT) json_object_set_new(r, "level", json_string("error"));
    return r;
}

/* The whole log around `results` (taking all three references), with `successful` false when
 * a check had no verdict. */
static int write_log(FILE *out, json_t *results, json_t *notes, bool successful, json_t *props)
{
    if (!results || !notes) {   /* out of memory while building them */
        json_decref(results);
        json_decref(notes);
        json_decref(props);
        return -1;
    }
    json_t *rs = json_array();
    for (size_t i = 0; rs && i < NRULES; i++)
        json_array_append_new(
            rs, json_pack("{s:s, s:s, s:o, s:{s:s}}", "id", rules[i].id, "name", rules[i].name,
                          "shortDescription", text(rules[i].what), "defaultConfiguration",
                          "level", i == R_LIMIT ? "warning" : "error"));
    json_t *log = json_pack(
        "{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o*}}, s:[{s:b, s:o*}], s:o*, s:o*}]}", "$schema",
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version", "2.1.0", "runs", "tool", "driver", "name", "baton", "version", BATON_VERSION,
        "rules", rs, "invocations",
        "executionSuccessful", successful, "toolExecutionNotifications", notes, "results",
        results, "properties", props);
    if (!log) return -1;
    int rc = json_dumpf(log, out, JSON_INDENT(2) | JSON_ENSURE_ASCII) == 0 ? 0 : -1;
    json_decref(log);
    if (rc == 0 && fputc('\n', out) == EOF) rc = -1;
    return rc;
}

static json_t *notification(const char *level, const char *message, json_t *loc)
{
    json_t *n = json_pack("{s:s, s:o}", "level", level, "message", text(message));
    if (n && loc) json_object_set_new(n, "locations", json_pack("[o]", loc));
    return n;
}

int rpt_sarif(FILE *out, const struct rpt_file *f)
{
    json_t *results = json_array(), *notes = json_array();
    bool ok = true;
    size_t pass = 0, fail = 0, error = 0, limit = 0;
    for (size_t i = 0; results && notes && i < f->n; i++) {
        const struct rpt_assertion *a = &f->a[i];
        if (a->result == RPT_PASS) {
            pass++;
            continue;
        }
        char *head = rpt_headline(a);
        if (!head) continue;
        char *msg = NULL;
        if (asprintf(&msg, "%s: %s", a->text ? a->text : "assertion", head) < 0) msg = NULL;
        size_t rule = a->result == RPT_FAIL    ? rule_of_check(a->check)
                      : a->result == RPT_LIMIT ? R_LIMIT
                                               : R_ERROR;
        json_t *r = result(rule, msg ? msg : head, location(f->file, a->line, a->col, NULL));
        if (r && a->result == RPT_FAIL) {
            fail++;
            json_object_set_new(r, "codeFlows", json_pack("[o]", code_flow(a, head)));
            json_t *rel = related(a);
            if (rel && json_array_size(rel))
                json_object_set_new(r, "relatedLocations", rel);
            else
                json_decref(rel);
        } else {
            ok = false;
            error += a->result == RPT_ERROR;
            limit += a->result == RPT_LIMIT;
            json_array_append_new(notes, notification(a->result == RPT_LIMIT ? "warning" : "error",
                                                      msg ? msg : head,
                                                      location(f->file, a->line, a->col, NULL)));
        }
        if (r)
            json_object_set_new(r, "properties",
                                json_pack("{s:I, s:I, s:f}", "states", (json_int_t)a->states,
                                          "transitions", (json_int_t)a->transitions, "seconds",
                                          a->seconds));
        json_array_append_new(results, r);
        free(msg);
        free(head);
    }
    if (f->not_checked) {
        ok = false;
        char msg[128];
        snprintf(msg, sizeof msg, "%zu assertion%s not checked (interrupted)", f->not_checked,
                 f->not_checked == 1 ? "" : "s");
        json_array_append_new(notes, notification("error", msg, NULL));
    }
    json_t *props = json_pack("{s:I, s:I, s:I, s:I, s:I}", "assertions", (json_int_t)f->n,
                              "passed", (json_int_t)pass, "failed", (json_int_t)fail, "errors",
                              (json_int_t)error, "limits", (json_int_t)limit);
    return write_log(out, results, notes, ok, props);
}

int rpt_sarif_traces(FILE *out, const struct rpt_traces *t)
{
    json_t *results = json_array(), *notes = json_array();
    bool ok = true;
    size_t pass = 0, fail = 0;
    for (size_t i = 0; results && notes && i < t->n; i++) {
        const struct rpt_trace_check *c = &t->c[i];
        if (c->result == RPT_PASS) {
            pass++;
            continue;
        }
        char *head = rpt_trace_headline(c);
        if (!head) continue;
        size_t rule = c->result == RPT_LIMIT ? R_LIMIT : c->result != RPT_FAIL ? R_ERROR
                      : c->process ? R_CONFORMANCE
                      : c->kind && strcmp(c->kind, "livelock") == 0 ? R_DIVERGENCE
                                                                      : R_DEADLOCK;
        /* A recorded run has no line in the spec: the result is where a process on the
         * wait-for cycle blocked when the trace says, else on the spec file (the program for
         * a run judged on its own), and the trace file is a related location. */
        const struct rpt_blocked *at = rpt_blocked_site(c);
        json_t *r = result(rule, head, at ? location(at->file, (int)at->line, 0, NULL)
                                          : location(t->file, 0, 0, NULL));
        if (r && c->trace_file)
            json_object_set_new(r, "relatedLocations",
                                json_pack("[o]", location(c->trace_file, 0, 0, "the recorded run")));
        if (r && c->result == RPT_FAIL) {
            fail++;
            json_t *steps = json_array();
            size_t k = 0;
            if (c->elided) {
                char msg[96];
                snprintf(msg, sizeof msg, "… %llu earlier events", (unsigned long long)c->elided);
                json_array_append_new(steps, flow_step(NULL, msg, ++k));
            }
            for (size_t e = 0; steps && e < c->trace.n; e++) {
                char msg[512];
                snprintf(msg, sizeof msg, "%llu. %s",
                         (unsigned long long)(c->elided + e + 1), c->trace.v[e]);
                json_array_append_new(steps, flow_step(NULL, msg, ++k));
            }
            if (steps && c->event && c->process) {
                char msg[512];
                snprintf(msg, sizeof msg, "%llu. %s, which %s does not allow",
                         (unsigned long long)c->index, c->event, c->process);
                json_array_append_new(steps, flow_step(NULL, msg, ++k));
            }
            for (size_t b = 0; steps && b < c->nblocked; b++) {
                const struct rpt_blocked *bl = &c->blocked[b];
                char msg[1024];
                snprintf(msg, sizeof msg, "%s %s%s", bl->process, bl->waits ? bl->waits : "waits",
                         bl->in_cycle ? " (on the wait-for cycle)" : "");
                json_array_append_new(
                    steps, flow_step(bl->file ? location(bl->file, (int)bl->line, 0, msg) : NULL,
                                     msg, ++k));
            }
            if (steps && !json_array_size(steps))
                json_array_append_new(steps, flow_step(NULL, head, ++k));
            json_object_set_new(r, "codeFlows",
                                json_pack("[{s:o, s:[{s:o*}]}]", "message", text(head),
                                          "threadFlows", "locations", steps));
        } else if (r) {
            ok = false;
            json_array_append_new(notes, notification(c->result == RPT_LIMIT ? "warning" : "error",
                                                      head, NULL));
        }
        if (r)
            json_object_set_new(r, "properties",
                                json_pack("{s:I, s:f}", "events", (json_int_t)c->events,
                                          "seconds", c->seconds));
        json_array_append_new(results, r);
        free(head);
    }
    json_t *props = json_pack("{s:I, s:I, s:I}", "traces", (json_int_t)t->n, "passed",
                              (json_int_t)pass, "failed", (json_int_t)fail);
    return write_log(out, results, notes, ok, props);
}
