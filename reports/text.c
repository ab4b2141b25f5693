/* text.c — the report for people: compiler-style lines, then each counterexample with the
 * state of every parallel component (FDR's debugger table). */
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

static void counterexample(FILE *out, const struct rpt_assertion *a)
{
    const char *kind = a->kind ? a->kind : "failure";
    fprintf(out, "    %s after %zu event%s", kind, a->trace.n, a->trace.n == 1 ? "" : "s");
    if (a->trace.n) {
        fprintf(out, ": ");
        tail(out, &a->trace, 12);
    }
    fputc('\n', out);
    if (a->event) {
        if (strcmp(kind, "nondeterminism") == 0)
            fprintf(out, "    then %s can both happen and be refused\n", a->event);
        else
            fprintf(out, "    then %s, which the specification does not allow\n", a->event);
    }
    if (a->refusal.n) {
        fprintf(out, "    refusing {");
        list(out, &a->refusal, 0);
        fprintf(out, "}, which the specification must offer\n");
    }
    if (a->ncomponents) {
        size_t w = strlen("component");
        for (size_t i = 0; i < a->ncomponents; i++)
            if (strlen(a->components[i].name) > w) w = strlen(a->components[i].name);
        if (w > 40) w = 40;
        fprintf(out, "    %-*s  %-40s  %s\n", (int)w, "component", "state", "last events");
        for (size_t i = 0; i < a->ncomponents; i++) {
            const struct rpt_component *c = &a->components[i];
            fprintf(out, "    %-*.*s  %-40.200s  ", (int)w, (int)w, c->name, c->state);
            tail(out, &c->last, 4);
            fputc('\n', out);
        }
    }
}

void rpt_text(FILE *out, const struct rpt_file *f)
{
    for (size_t i = 0; i < f->n; i++) {
        const struct rpt_assertion *a = &f->a[i];
        fprintf(out, "%s:%d: %-5s %s", f->file, a->line, word(a->result), a->text);
        if (a->result == RPT_PASS || a->result == RPT_FAIL || a->result == RPT_LIMIT)
            fprintf(out, "  (%llu states, %llu transitions, %.2f s)",
                    (unsigned long long)a->states, (unsigned long long)a->transitions, a->seconds);
        fputc('\n', out);
        if (a->message) fprintf(out, "    %s\n", a->message);
        if (a->result == RPT_FAIL) counterexample(out, a);
    }
    size_t pass, fail, error, limit;
    rpt_counts(f, &pass, &fail, &error, &limit);
    fprintf(out, "%zu assertion%s: %zu passed, %zu failed", f->n, f->n == 1 ? "" : "s", pass, fail);
    if (error) fprintf(out, ", %zu error%s", error, error == 1 ? "" : "s");
    if (limit) fprintf(out, ", %zu stopped at a limit", limit);
    fputc('\n', out);
}
