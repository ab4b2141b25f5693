/* report_out.h — the report options every result-reporting command shares (check, check
 * --trace, run): `--format F` for standard output and `--report F:FILE` (repeatable) for
 * files, each written atomically.  Only cli/ includes this.
 *
 * Ownership: a report_outputs keeps pointers into argv (never freed) and owns its array
 * (report_outputs_free). */
#ifndef BATON_CLI_REPORT_OUT_H
#define BATON_CLI_REPORT_OUT_H

#include <stdbool.h>

#include "reports/format.h"

struct report_file {
    enum rpt_format format;
    const char *path;
};

struct report_outputs {
    enum rpt_format format;       /* standard output's (text unless --format) */
    struct report_file *files;
    size_t nfiles;
    bool notices;                 /* --notices: github's ::notice per pass */
};

/* The usage lines for these options, to paste in a command's usage text. */
#define REPORT_OPTIONS_USAGE                                                                       \
    "  --format F         how to report on standard output: text (default), json, junit,\n"      \
    "                     sarif, github (workflow commands) or html\n"                            \
    "  --report F:FILE    also write the report as F to FILE (repeatable; each file written\n"   \
    "                     whole or not at all), e.g. --report junit:results.xml\n"               \
    "  --notices          with github: a ::notice for each passing check too\n"

/* Reads the option at argv[*i] when it is one of these, advancing *i past its value: 1 when
 * it took one, 0 when argv[*i] is not one of them, -1 after a usage error (printed). */
int report_option(const char *cmd, int argc, char **argv, int *i, struct report_outputs *o);

/* Writes every --report file of a check of assertions (or of traces).  0, or -1 after
 * printing which file could not be written and why (the command then exits 2: a report a
 * CI job expects and does not find is an error, whatever the verdicts). */
int report_write_files(const struct report_outputs *o, const struct rpt_file *f,
                       const struct rpt_context *x);
int report_write_files_traces(const struct report_outputs *o, const struct rpt_traces *t,
                              const struct rpt_context *x);

/* True when some output (standard output or a file) is in format f. */
bool report_wants(const struct report_outputs *o, enum rpt_format f);

/* A text file whole (NUL-terminated, malloc'd, its length in *len), for the HTML report's
 * source lines; NULL when it cannot be read or passes 16 MiB (the report then shows none). */
char *report_read_source(const char *path, size_t *len);

void report_outputs_free(struct report_outputs *o);

#endif
