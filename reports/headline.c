/* headline.c — a check's verdict in one line, for the places that show one line per check:
 * CI annotations (SARIF messages, GitHub workflow commands) and the HTML report's summary. */
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

/* The last `keep` entries of l, comma-separated, with "…" for the rest. */
static void tail(FILE *out, const struct rpt_strings *l, size_t keep, bool more)
{
    size_t from = l->n > keep ? l->n - keep : 0;
    if (from || more) fputs("…, ", out);
    for (size_t i = from; i < l->n; i++) fprintf(out, "%s%s", i > from ? ", " : "", l->v[i]);
}

/* The memstream's text once closed (open_memstream sets *buf only on fflush or fclose). */
static char *finish(FILE *m, char **buf)
{
    if (fclose(m) != 0) {
        free(*buf);
        return NULL;
    }
    return *buf;
}

char *rpt_headline(const struct rpt_assertion *a)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    if (!m) return NULL;
    switch (a->result) {
    case RPT_PASS:
        fprintf(m, "holds (%llu states)", (unsigned long long)a->states);
        break;
    case RPT_ERROR:
        fprintf(m, "error: %s", a->message ? a->message : "the check could not be made");
        break;
    case RPT_LIMIT:
        fprintf(m, "no verdict: %s", a->message ? a->message : "stopped at a limit");
        break;
    case RPT_FAIL: {
        const char *kind = a->kind ? a->kind : "failure";
        fprintf(m, "%s after %zu event%s", kind, a->trace.n, a->trace.n == 1 ? "" : "s");
        if (a->trace.n) {
            fputs(": ", m);
            tail(m, &a->trace, 8, false);
        }
        if (a->nrefusals) {
            /* R: the refusals along the way, the last few. */
            size_t from = a->nrefusals > 8 ? a->nrefusals - 8 : 0;
            fprintf(m, "; as a refusal trace: %s", from ? "…, " : "");
            for (size_t i = from; i < a->nrefusals && i < a->trace.n; i++) {
                char *x = rpt_refusal_text(&a->refusals[i]);
                fprintf(m, "%s%s, %s", i > from ? ", " : "", x ? x : "?", a->trace.v[i]);
                free(x);
            }
        }
        if (strcmp(kind, "revival") == 0 && a->event) {
            fputs("; stable and refusing {", m);
            for (size_t i = 0; i < a->refusal.n && i < 12; i++)
                fprintf(m, "%s%s", i ? ", " : "", a->refusal.v[i]);
            fprintf(m, "%s, then %s, which the specification cannot do after that refusal",
                    a->refusal.n > 12 ? ", …}" : "}", a->event);
        } else if (a->event) {
            if (strcmp(kind, "nondeterminism") == 0)
                fprintf(m, "; then %s can both happen and be refused", a->event);
            else if (a->event_missing)
                fprintf(m, "; then %s, which the process cannot perform", a->event);
            else
                fprintf(m, "; then %s, which the specification does not allow", a->event);
        }
        if (a->refusal.n && strcmp(kind, "revival") != 0) {
            fputs("; refusing {", m);
            for (size_t i = 0; i < a->refusal.n && i < 12; i++)
                fprintf(m, "%s%s", i ? ", " : "", a->refusal.v[i]);
            fputs(a->refusal.n > 12 ? ", …}" : "}", m);
        }
        break;
    }
    }
    return finish(m, &buf);
}

char *rpt_trace_name(const struct rpt_trace_check *c)
{
    char *s = NULL;
    int n = c->process ? asprintf(&s, "trace %s against %s", c->trace_file ? c->trace_file : "?",
                                  c->process)
                       : asprintf(&s, "run of %s", c->program ? c->program : c->trace_file ? c->trace_file : "?");
    return n < 0 ? NULL : s;
}

const struct rpt_blocked *rpt_blocked_site(const struct rpt_trace_check *c)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < c->nblocked; i++)
            if (c->blocked[i].file && (pass || c->blocked[i].in_cycle)) return &c->blocked[i];
    return NULL;
}

/* A run judged on its own: how it ended, and who blocked where. */
static void run_headline(FILE *m, const struct rpt_trace_check *c)
{
    const char *prog = c->program ? c->program : "the program";
    if (c->result == RPT_PASS) {
        fprintf(m, "%s ran to its end (%llu events)", prog, (unsigned long long)c->events);
        return;
    }
    if (c->kind && strcmp(c->kind, "deadlock") == 0)
        fprintf(m, "%s deadlocked after %llu event%s: %zu process%s blocked forever", prog,
                (unsigned long long)c->events, c->events == 1 ? "" : "s", c->nblocked,
                c->nblocked == 1 ? "" : "es");
    else
        fprintf(m, "%s: %s after %llu events", prog, c->kind ? c->kind : "failure",
                (unsigned long long)c->events);
    /* Two of them say what kind of deadlock it is; the reports list them all. */
    size_t shown = 0;
    for (size_t i = 0; i < c->nblocked && shown < 2; i++) {
        const struct rpt_blocked *b = &c->blocked[i];
        if (!b->in_cycle && c->nblocked > 2) continue;
        fprintf(m, "%s%s %s", shown++ ? "; " : ": ", b->process, b->waits ? b->waits : "waits");
        if (b->file) fprintf(m, " (%s:%u)", b->file, b->line);
    }
    if (shown < c->nblocked) fprintf(m, "; and %zu more", c->nblocked - shown);
}

char *rpt_trace_headline(const struct rpt_trace_check *c)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    if (!m) return NULL;
    uint64_t all = c->trace.n + c->elided;
    if (!c->process && (c->result == RPT_PASS || c->result == RPT_FAIL)) {
        run_headline(m, c);
        return finish(m, &buf);
    }
    switch (c->result) {
    case RPT_PASS:
        fprintf(m, "%s follows %s (%llu events)", c->trace_file, c->process,
                (unsigned long long)c->events);
        break;
    case RPT_ERROR:
        fprintf(m, "error: %s", c->message ? c->message : "the trace could not be checked");
        break;
    case RPT_LIMIT:
        fprintf(m, "no verdict: %s", c->message ? c->message : "stopped at a limit");
        break;
    case RPT_FAIL:
        if (c->kind && strcmp(c->kind, "trace") == 0)
            fprintf(m, "%s: event %llu, %s, is not allowed by %s", c->trace_file,
                    (unsigned long long)c->index, c->event ? c->event : "?", c->process);
        else if (c->kind && strcmp(c->kind, "deadlock") == 0)
            fprintf(m, "%s: the program deadlocked where %s must still offer an event",
                    c->trace_file, c->process);
        else
            fprintf(m, "%s: %s against %s", c->trace_file, c->kind ? c->kind : "failure",
                    c->process);
        fprintf(m, " (after %llu event%s", (unsigned long long)all, all == 1 ? "" : "s");
        if (all) {
            fputs(": ", m);
            tail(m, &c->trace, 6, c->elided > 0);
        }
        fputc(')', m);
        break;
    }
    return finish(m, &buf);
}
