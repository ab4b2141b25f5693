/* check.h — what the two halves of `baton check` share: the options, and trace replay
 * (cli/check_trace.c) called from cli/cmd_check.c.  Only cli/ includes this. */
#ifndef BATON_CLI_CHECK_H
#define BATON_CLI_CHECK_H

#include <stddef.h>

#include "checker/compile.h"
#include "checker/explore.h"
#include "model/eval.h"
#include "model/parser.h"

struct check_options {
    const char *file;
    const char **asserts;         /* --assert, in order */
    size_t nasserts;
    const char **traces;          /* --trace, in order */
    size_t ntraces;
    const char *process;          /* --process */
    const char *hide;             /* --hide */
    int json;
    struct chk_limits lim;
};

/* Replays every --trace against --process; prints the report; returns the exit code. */
int check_traces(struct cspm_module *m, struct evaluator *ev, struct events *events,
                 const struct check_options *o);

#endif
