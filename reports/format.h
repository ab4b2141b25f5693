/* format.h — the report formats by name, and one entry point that writes a report in any of
 * them, so every command offers the same `--format` and `--report FORMAT:FILE`.
 *
 * Ownership: nothing is kept; the caller owns the report and the context. */
#ifndef BATON_REPORTS_FORMAT_H
#define BATON_REPORTS_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include "reports/report.h"

enum rpt_format { RPT_TEXT, RPT_JSON, RPT_JUNIT, RPT_SARIF, RPT_GITHUB, RPT_HTML };

#define RPT_FORMAT_NAMES "text|json|junit|sarif|github|html"

/* The format named `name`: 0, or -1 for an unknown name. */
int rpt_format_parse(const char *name, enum rpt_format *out);
const char *rpt_format_name(enum rpt_format f);

/* What some formats show besides the verdicts. */
struct rpt_context {
    bool notices;                 /* github: a ::notice per passing check too */
    const char *source;           /* html: the specification's text (NUL-terminated), or NULL */
    char **charts;                /* html: per assertion (or trace check), an SVG picture of its
                                     counterexample, or NULL */
    const char *title;            /* html: the page's title (and a trace report's heading), or
                                     NULL for the file's name */
};

/* Writes f (or t) to out as `format`.  0, or -1 when out of memory or the write failed. */
int rpt_emit(FILE *out, enum rpt_format format, const struct rpt_file *f,
             const struct rpt_context *x);
int rpt_emit_traces(FILE *out, enum rpt_format format, const struct rpt_traces *t,
                    const struct rpt_context *x);

/* The HTML report (html.c): one self-contained page — inline CSS and SVG, no scripts, no
 * network.  0 or -1. */
int rpt_html(FILE *out, const struct rpt_file *f, const struct rpt_context *x);
int rpt_html_traces(FILE *out, const struct rpt_traces *t, const struct rpt_context *x);

#endif
