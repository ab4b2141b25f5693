/* github.c — GitHub Actions workflow commands: an `::error` annotation per failing check at
 * the assertion's file:line:col (a `::warning` for a check stopped at a limit), `::notice` per
 * pass when asked, then a plain summary line.  GitHub shows the annotations on the pull
 * request's changed lines and in the job's summary. */
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

/* Workflow-command escaping: the message escapes %, CR and LF; a property value also ':' and
 * ',' (they separate properties). */
static void escaped(FILE *out, const char *s, bool property)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '%': fputs("%25", out); break;
        case '\r': fputs("%0D", out); break;
        case '\n': fputs("%0A", out); break;
        case ':': property ? fputs("%3A", out) : fputc(':', out); break;
        case ',': property ? fputs("%2C", out) : fputc(',', out); break;
        default: fputc(*s, out); break;
        }
    }
}

static void command(FILE *out, const char *level, const char *file, int line, int col,
                    const char *title, const char *message)
{
    fprintf(out, "::%s file=", level);
    escaped(out, file, true);
    if (line > 0) fprintf(out, ",line=%d", line);
    if (line > 0 && col > 0) fprintf(out, ",col=%d", col);
    fputs(",title=", out);
    escaped(out, title, true);
    fputs("::", out);
    escaped(out, message, false);
    fputc('\n', out);
}

static const char *level_of(enum rpt_result r, bool notices)
{
    switch (r) {
    case RPT_PASS: return notices ? "notice" : NULL;
    case RPT_LIMIT: return "warning";
    default: return "error";
    }
}

int rpt_github(FILE *out, const struct rpt_file *f, bool notices)
{
    for (size_t i = 0; i < f->n; i++) {
        const struct rpt_assertion *a = &f->a[i];
        const char *level = level_of(a->result, notices);
        if (!level) continue;
        char *head = rpt_headline(a);
        char *title = NULL;
        if (asprintf(&title, "baton: %s", a->text ? a->text : "assertion") < 0) title = NULL;
        command(out, level, f->file, a->line, a->col, title ? title : "baton", head ? head : "");
        free(title);
        free(head);
    }
    rpt_text_summary(out, f);
    return ferror(out) ? -1 : 0;
}

int rpt_github_traces(FILE *out, const struct rpt_traces *t, bool notices)
{
    size_t pass = 0, fail = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct rpt_trace_check *c = &t->c[i];
        pass += c->result == RPT_PASS;
        fail += c->result == RPT_FAIL;
        const char *level = level_of(c->result, notices);
        if (!level) continue;
        char *head = rpt_trace_headline(c);
        char *name = rpt_trace_name(c), *title = NULL;
        if (asprintf(&title, "baton: %s", name ? name : "trace") < 0) title = NULL;
        free(name);
        /* A deadlocked run points at the line where a process on the cycle blocked. */
        const struct rpt_blocked *at = rpt_blocked_site(c);
        command(out, level, at ? at->file : t->file, at ? (int)at->line : 0, 0,
                title ? title : "baton", head ? head : "");
        free(title);
        free(head);
    }
    fprintf(out, "%zu trace%s: %zu passed, %zu failed\n", t->n, t->n == 1 ? "" : "s", pass, fail);
    return ferror(out) ? -1 : 0;
}
