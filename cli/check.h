/* check.h — what the two halves of `baton check` share: the options, and trace replay
 * (cli/check_trace.c) called from cli/cmd_check.c.  Only cli/ includes this. */
#ifndef BATON_CLI_CHECK_H
#define BATON_CLI_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
    struct chk_limits lim;        /* lim.memory is the default budget without --memory */
    bool default_memory;          /* no --memory was given */
    int progress;                 /* --progress 1, --no-progress -1, else 0: when stderr is a terminal */
};

/* The limit hit, said for a report: "the time limit (1 s)", "the memory limit (512 MB, the
 * default: 50% of the machine's memory)"; into buf. */
const char *check_limit_text(const struct check_options *o, const char *which, char *buf,
                             size_t len);

/* The figures reached, for a LIMIT report: "123 states, 456 transitions, 1.02 s, 210 MB
 * resident at the peak"; into buf. */
const char *check_figures(uint64_t states, uint64_t transitions, double seconds, char *buf,
                          size_t len);

/* Replays every --trace against --process; prints the report; returns the exit code. */
int check_traces(struct cspm_module *m, struct evaluator *ev, struct events *events,
                 const struct check_options *o);

#endif
