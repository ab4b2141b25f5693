/* text.c — the report for people: compiler-style lines, then each counterexample with the
 * state of every parallel component (FDR's debugger table). */
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

static const char *word(enum rpt_result r)
{
    switch (r) {
    case RPT_PASS: return "PASS";
    case RPT_FAIL: return "FAIL";
    case RPT_LIMIT: return "LIMIT";
    default: return "ERROR";
    }
}

static void list(FILE *out, const struct rpt_strings *l, size_t from)
{
    for (size_t i = from; i < l->n; i++) fprintf(out, "%s%s", i > from ? ", " : "", l->v[i]);
}

/* The last few events of a trace, with "…" for the rest. */
static void tail(FILE *out, const struct rpt_strings *l, size_t keep)
{
    size_t from = l->n > keep ? l->n - keep : 0;
    if (from) fprintf(out, "…, ");
    list(out, l, from);
}

static void components(FILE *out, const struct rpt_assertion *a);

static void counterexample(FILE *out, const struct rpt_assertion *a)
{
    const char *kind = a->kind ? a->kind : "failure";
    fprintf(out, "    %s after %zu event%s", kind, a->trace.n, a->trace.n == 1 ? "" : "s");
    if (a->trace.n) {
        fprintf(out, ": ");
        tail(out, &a->trace, 12);
    }
    fputc('\n', out);
    if (a->nrefusals) {
        /* R: the refusal trace, each event after the refusal seen before it. */
        size_t from = a->nrefusals > 12 ? a->nrefusals - 12 : 0;
        fprintf(out, "    as a refusal trace: %s", from ? "…, " : "");
        for (size_t i = from; i < a->nrefusals && i < a->trace.n; i++) {
            char *x = rpt_refusal_text(&a->refusals[i]);
            fprintf(out, "%s%s, %s", i > from ? ", " : "", x ? x : "?", a->trace.v[i]);
            free(x);
        }
        fputc('\n', out);
    }
    if (strcmp(kind, "revival") == 0 && a->event) {
        if (a->refusal.n) {
            fprintf(out, "    stable and refusing {");
            list(out, &a->refusal, 0);
            fprintf(out, "}, then %s, which the specification cannot do after that refusal\n",
                    a->event);
        } else {
            fprintf(out, "    stable, then %s, which the specification only does before it "
                         "settles\n", a->event);
        }
    } else if (a->event) {
        if (strcmp(kind, "nondeterminism") == 0)
            fprintf(out, "    then %s can both happen and be refused\n", a->event);
        else if (a->event_missing)
            fprintf(out, "    then %s, which the process cannot perform\n", a->event);
        else
            fprintf(out, "    then %s, which the specification does not allow%s\n", a->event,
                    a->nrefusals ? " after those refusals" : "");
    }
    if (a->refusal.n && strcmp(kind, "revival") != 0) {
        fprintf(out, "    refusing {");
        list(out, &a->refusal, 0);
        fprintf(out, "}, which the specification must offer\n");
    }
    if (a->ncomponents) components(out, a);
}

/* Characters (code points) in the UTF-8 string s. */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static size_t width(const char *s, size_t w, size_t most)
{
    size_t n = chars(s);
    if (n > w) w = n;
    return w > most ? most : w;
}

/* s in a column of w characters: cut on a character boundary with "…" when longer, padded
 * with spaces when shorter (printf's %-*.*s counts bytes and can split a character). */
static void cell(FILE *out, const char *s, size_t w)
{
    if (!s) s = "";
    size_t n = chars(s);
    if (n <= w) {
        fputs(s, out);
        for (; n < w; n++) fputc(' ', out);
        return;
    }
    size_t keep = w ? w - 1 : 0, seen = 0;
    const char *p = s;
    for (; *p; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80 && seen++ == keep) break;
    }
    fwrite(s, 1, (size_t)(p - s), out);
    if (w) fputs("…", out);
}

/* FDR's debugger table: each component, where the spec defines it, its state, its last
 * events.  Columns fit their contents, up to a limit. */
static void components(FILE *out, const struct rpt_assertion *a)
{
    size_t wn = strlen("component"), ww = 0, ws = strlen("state");
    for (size_t i = 0; i < a->ncomponents; i++) {
        wn = width(a->components[i].name, wn, 40);
        ww = width(a->components[i].where, ww, 80);
        ws = width(a->components[i].state, ws, 60);
    }
    if (ww && ww < strlen("defined at")) ww = strlen("defined at");
    fprintf(out, "    %-*s  ", (int)wn, "component");
    if (ww) fprintf(out, "%-*s  ", (int)ww, "defined at");
    fprintf(out, "%-*s  %s\n", (int)ws, "state", "last events");
    for (size_t i = 0; i < a->ncomponents; i++) {
        const struct rpt_component *c = &a->components[i];
        fputs("    ", out);
        cell(out, c->name, wn);
        fputs("  ", out);
        if (ww) {
            cell(out, c->where, ww);
            fputs("  ", out);
        }
        cell(out, c->state, ws);
        fputs("  ", out);
        tail(out, &c->last, 4);
        fputc('\n', out);
    }
}

void rpt_text_assertion(FILE *out, const struct rpt_file *f, const struct rpt_assertion *a)
{
    if (a->line)
        fprintf(out, "%s:%d: %-5s %s", f->file, a->line, word(a->result), a->text);
    else
        fprintf(out, "command line: %-5s %s", word(a->result), a->text);
    if (a->result == RPT_PASS || a->result == RPT_FAIL || a->result == RPT_LIMIT)
        fprintf(out, "  (%llu states, %llu transitions, %.2f s)",
                (unsigned long long)a->states, (unsigned long long)a->transitions, a->seconds);
    fputc('\n', out);
    if (a->message) fprintf(out, "    %s\n", a->message);
    if (a->result == RPT_FAIL) counterexample(out, a);
}

void rpt_text_summary(FILE *out, const struct rpt_file *f)
{
    size_t pass, fail, error, limit;
    rpt_counts(f, &pass, &fail, &error, &limit);
    fprintf(out, "%zu assertion%s: %zu passed, %zu failed", f->n, f->n == 1 ? "" : "s", pass, fail);
    if (error) fprintf(out, ", %zu error%s", error, error == 1 ? "" : "s");
    if (limit) fprintf(out, ", %zu stopped at a limit", limit);
    if (f->not_checked) fprintf(out, ", %zu not checked (interrupted)", f->not_checked);
    fputc('\n', out);
}

void rpt_text(FILE *out, const struct rpt_file *f)
{
    for (size_t i = 0; i < f->n; i++) rpt_text_assertion(out, f, &f->a[i]);
    rpt_text_summary(out, f);
}
