/* format.c — the report formats by name, and the one switch from a format to its writer. */
#include <string.h>

#include "reports/format.h"

static const char *const names[] = {"text", "json", "junit", "sarif", "github", "html"};

int rpt_format_parse(const char *name, enum rpt_format *out)
{
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum rpt_format)i;
            return 0;
        }
    }
    return -1;
}

const char *rpt_format_name(enum rpt_format f)
{
    return (size_t)f < sizeof names / sizeof *names ? names[f] : "?";
}

static const struct rpt_context none;

int rpt_emit(FILE *out, enum rpt_format format, const struct rpt_file *f,
             const struct rpt_context *x)
{
    if (!x) x = &none;
    int rc;
    switch (format) {
    case RPT_TEXT: rpt_text(out, f); rc = 0; break;
    case RPT_JSON: rc = rpt_json(out, f); break;
    case RPT_JUNIT: rc = rpt_junit(out, f); break;
    case RPT_SARIF: rc = rpt_sarif(out, f); break;
    case RPT_GITHUB: rc = rpt_github(out, f, x->notices); break;
    default: rc = rpt_html(out, f, x); break;
    }
    return rc < 0 || ferror(out) ? -1 : 0;
}

int rpt_emit_traces(FILE *out, enum rpt_format format, const struct rpt_traces *t,
                    const struct rpt_context *x)
{
    if (!x) x = &none;
    int rc;
    switch (format) {
    case RPT_TEXT: rpt_traces_text(out, t); rc = 0; break;
    case RPT_JSON: rc = rpt_traces_json(out, t); break;
    case RPT_JUNIT: rc = rpt_junit_traces(out, t); break;
    case RPT_SARIF: rc = rpt_sarif_traces(out, t); break;
    case RPT_GITHUB: rc = rpt_github_traces(out, t, x->notices); break;
    default: rc = rpt_html_traces(out, t, x); break;
    }
    return rc < 0 || ferror(out) ? -1 : 0;
}
