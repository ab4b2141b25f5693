/* traces.c — reports of recorded runs checked against a specification: text for people,
 * JSON ({"file", "checks": [...]}) for programs. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

struct rpt_trace_check *rpt_trace_add(struct rpt_traces *t)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 4;
        struct rpt_trace_check *v = realloc(t->c, cap * sizeof *v);
        if (!v) return NULL;
        t->c = v;
        t->cap = cap;
    }
    struct rpt_trace_check *c = &t->c[t->n++];
    memset(c, 0, sizeof *c);
    return c;
}

struct rpt_blocked *rpt_blocked_add(struct rpt_trace_check *c)
{
    struct rpt_blocked *v = realloc(c->blocked, (c->nblocked + 1) * sizeof *v);
    if (!v) return NULL;
    c->blocked = v;
    memset(&v[c->nblocked], 0, sizeof *v);
    return &v[c->nblocked++];
}

static void strings_free(struct rpt_strings *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
}

void rpt_trace_forget(struct rpt_trace_check *c)
{
    free(c->kind);
    free(c->event);
    free(c->detail);
    free(c->message);
    strings_free(&c->trace);
    strings_free(&c->allowed);
    for (size_t i = 0; i < c->nblocked; i++) {
        free(c->blocked[i].process);
        free(c->blocked[i].waits);
        free(c->blocked[i].file);
        free(c->blocked[i].last);
    }
    free(c->blocked);
    c->blocked = NULL;
    c->nblocked = 0;
    c->kind = c->event = c->detail = c->message = NULL;
    memset(&c->trace, 0, sizeof c->trace);
    memset(&c->allowed, 0, sizeof c->allowed);
    c->index = c->elided = 0;
}

void rpt_traces_free(struct rpt_traces *t)
{
    for (size_t i = 0; i < t->n; i++) {
        struct rpt_trace_check *c = &t->c[i];
        free(c->trace_file);
        free(c->process);
        free(c->program);
        rpt_trace_forget(c);
    }
    free(t->c);
    free(t->file);
    memset(t, 0, sizeof *t);
}

static const char *word(enum rpt_result r)
{
    return r == RPT_PASS ? "PASS" : r == RPT_FAIL ? "FAIL" : r == RPT_LIMIT ? "LIMIT" : "ERROR";
}

static void list(FILE *out, const struct rpt_strings *l, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) fprintf(out, "%s%s", i > from ? ", " : "", l->v[i]);
}

void rpt_traces_text(FILE *out, const struct rpt_traces *t)
{
    size_t pass = 0, fail = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct rpt_trace_check *c = &t->c[i];
        pass += c->result == RPT_PASS;
        fail += c->result == RPT_FAIL;
        char *name = rpt_trace_name(c);
        fprintf(out, "%s: %-5s %s  (%llu events, %.2f s)\n", t->file, word(c->result),
                name ? name : "?", (unsigned long long)c->events, c->seconds);
        free(name);
        if (c->message) fprintf(out, "    %s\n", c->message);
        if (c->result != RPT_FAIL) continue;
        size_t keep = 8, from = c->trace.n > keep ? c->trace.n - keep : 0;
        if (c->kind && strcmp(c->kind, "trace") == 0)
            fprintf(out, "    event %llu, %s, is not allowed after ", (unsigned long long)c->index,
                    c->event ? c->event : "?");
        else if (c->kind && strcmp(c->kind, "deadlock") == 0)
            fprintf(out, "    the program deadlocked after ");
        else
            fprintf(out, "    %s after ", c->kind ? c->kind : "failure");
        if (c->trace.n + c->elided == 0) {
            /* a run judged on its own keeps no events, only their number */
            if (c->events) fprintf(out, "%llu event%s\n", (unsigned long long)c->events, c->events == 1 ? "" : "s");
            else fprintf(out, "no events\n");
        } else {
            fprintf(out, "%llu event%s: ", (unsigned long long)(c->trace.n + c->elided),
                    c->trace.n + c->elided == 1 ? "" : "s");
            if (from || c->elided) fprintf(out, "…, ");
            list(out, &c->trace, from, c->trace.n);
            fputc('\n', out);
        }
        if (c->kind && strcmp(c->kind, "deadlock") == 0 && c->process) {
            fprintf(out, "    where the specification must still offer ");
            list(out, &c->allowed, 0, c->allowed.n);
            fputc('\n', out);
        } else if (c->kind && strcmp(c->kind, "trace") == 0) {
            fprintf(out, "    the specification allowed %s", c->allowed.n ? "" : "nothing");
            list(out, &c->allowed, 0, c->allowed.n < 24 ? c->allowed.n : 24);
            if (c->allowed.n > 24) fprintf(out, ", … (%zu in all)", c->allowed.n);
            fputc('\n', out);
        }
        if (c->detail) { /* every line indented */
            for (const char *l = c->detail; *l;) {
                size_t n = strcspn(l, "\n");
                fprintf(out, "    %.*s\n", (int)n, l);
                l += n + (l[n] == '\n');
            }
        }
        for (size_t b = 0; b < c->nblocked; b++) {
            const struct rpt_blocked *k = &c->blocked[b];
            fprintf(out, "    %s %s", k->process, k->waits ? k->waits : "waits");
            if (k->file) fprintf(out, " at %s:%u", k->file, k->line);
            if (k->last) fprintf(out, "; last: %s", k->last);
            fputs(k->in_cycle ? " (on the wait-for cycle)\n" : "\n", out);
        }
    }
    fprintf(out, "%zu trace%s: %zu passed, %zu failed\n", t->n, t->n == 1 ? "" : "s", pass, fail);
}

static json_t *strings(const struct rpt_strings *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < l->n; i++) json_array_append_new(a, json_string(l->v[i]));
    return a;
}

int rpt_traces_json(FILE *out, const struct rpt_traces *t)
{
    json_t *doc = json_object(), *checks = json_array();
    if (!doc || !checks) {
        json_decref(doc);
        json_decref(checks);
        return -1;
    }
    json_object_set_new(doc, "file", json_string(t->file ? t->file : ""));
    for (size_t i = 0; i < t->n; i++) {
        const struct rpt_trace_check *c = &t->c[i];
        json_t *o = json_object();
        json_object_set_new(o, "trace_file", json_string(c->trace_file));
        json_object_set_new(o, "process", c->process ? json_string(c->process) : json_null());
        if (c->program) json_object_set_new(o, "program", json_string(c->program));
        json_object_set_new(o, "result", json_string(c->result == RPT_PASS   ? "pass"
                                                     : c->result == RPT_FAIL ? "fail"
                                                     : c->result == RPT_LIMIT ? "limit"
                                                                              : "error"));
        if (c->result == RPT_FAIL) {
            json_t *x = json_object();
            json_object_set_new(x, "kind", json_string(c->kind ? c->kind : "trace"));
            json_object_set_new(x, "index", json_integer((json_int_t)c->index));
            if (c->event) json_object_set_new(x, "event", json_string(c->event));
            json_object_set_new(x, "trace", strings(&c->trace));
            json_object_set_new(x, "allowed", strings(&c->allowed));
            if (c->detail) json_object_set_new(x, "detail", json_string(c->detail));
            json_t *bl = c->nblocked ? json_array() : NULL;
            for (size_t b = 0; bl && b < c->nblocked; b++) {
                const struct rpt_blocked *k = &c->blocked[b];
                json_t *e = json_pack("{s:s, s:s?, s:b}", "process", k->process, "waits",
                                      k->waits, "in_cycle", k->in_cycle);
                if (e && k->file) {
                    json_object_set_new(e, "file", json_string(k->file));
                    json_object_set_new(e, "line", json_integer(k->line));
                }
                if (e && k->last) json_object_set_new(e, "last", json_string(k->last));
                json_array_append_new(bl, e);
            }
            if (bl) json_object_set_new(x, "blocked", bl);
            json_object_set_new(o, "counterexample", x);
        }
        json_object_set_new(o, "events", json_integer((json_int_t)c->events));
        json_object_set_new(o, "seconds", json_real(c->seconds));
        if (c->message) json_object_set_new(o, "message", json_string(c->message));
        json_array_append_new(checks, o);
    }
    json_object_set_new(doc, "checks", checks);
    int r = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? 0 : -1;
    fputc('\n', out);
    json_decref(doc);
    return r;
}
