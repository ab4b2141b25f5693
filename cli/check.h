/* check.h — what the two halves of `baton check` share (the options, and trace replay in
 * cli/check_trace.c), and the checking of a file's assertions into a report, which `baton
 * graph counterexample` uses too.  Only cli/ includes this. */
#ifndef BATON_CLI_CHECK_H
#define BATON_CLI_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checker/compile.h"
#include "checker/explore.h"
#include "checker/refine.h"
#include "model/eval.h"
#include "model/parser.h"
#include "cli/report_out.h"
#include "reports/report.h"

struct check_options {
    const char *file;
    const char **asserts;         /* --assert, in order */
    size_t nasserts;
    const char **traces;          /* --trace, in order */
    size_t ntraces;
    const char *process;          /* --process */
    const char *hide;             /* --hide */
    struct report_outputs out;    /* --format, --report F:FILE, --notices */
    bool full_traces;             /* a report keeps every event of a failing run, not the
                                     last few (every format but text on standard output) */
    struct chk_limits lim;        /* lim.memory is the default budget without --memory */
    bool default_memory;          /* no --memory was given */
    int progress;                 /* --progress 1, --no-progress -1, else 0: when stderr is a terminal */
    const char *graphs;           /* --graphs DIR: a chart per failing assertion */
    bool distributed;             /* --distributed: over the ranks of an MPI job */
};

/* The defaults of the options not given: threads and the memory budget. */
void check_options_defaults(struct check_options *o);

/* Called as soon as each assertion's result is known (to print it then). */
typedef void check_each_fn(const struct rpt_file *f, const struct rpt_assertion *a, void *ctx);

/* Loads o->file (diagnostics on stderr) and checks its assertions — only o->asserts, in
 * order, when there are any — into *report (which the caller frees), calling each (may be
 * NULL) after every one.  SIGINT and SIGTERM stop the assertion in progress as a limit.
 * EXIT_HOLDS when the file loaded and the report is complete (whatever its verdicts: see
 * check_status), else EXIT_INPUT. */
int check_assertions(const struct check_options *o, struct rpt_file *report, check_each_fn *each,
                     void *ctx);

/* The exit code a finished report calls for: an interrupted run 3, then any error 2, any
 * failure 1, any limit 3, else 0. */
int check_status(const struct rpt_file *report);

/* The limit hit, said for a report: "the time limit (1 s)", "the memory limit (512 MB, the
 * default: 50% of the machine's memory)"; into buf. */
const char *check_limit_text(const struct check_options *o, const char *which, char *buf,
                             size_t len);

/* The figures reached, for a LIMIT report: "123 states, 456 transitions, 1.02 s, 210 MB
 * resident at the peak"; into buf. */
const char *check_figures(uint64_t states, uint64_t transitions, double seconds, char *buf,
                          size_t len);

/* Writes a finished report as the options say: standard output in --format (text was
 * printed as the checks went, but for its summary), then each --report file.  The status
 * given, or EXIT_INPUT when a report could not be written. */
int check_report(const struct check_options *o, const struct rpt_file *report, int status);
int check_report_traces(const struct check_options *o, const struct rpt_traces *report,
                        int status);

/* ---- --distributed (cli/distributed.c, docs/distributed.md) ----
 *
 * check_distributed_start joins the MPI job (or, outside mpirun, runs as its only rank) and
 * quiets every rank but 0 (no output, no report files); EXIT_HOLDS, or EXIT_INPUT after
 * saying why.  check_distributed_end waits for every rank and leaves the job: the exit code
 * of rank 0, for every rank.  check_here is false on the ranks that leave a check that does
 * not run distributed to rank 0.  check_deadlock_free, check_divergence_free and
 * check_refines are chk_deadlock, chk_divergence and chk_refines, run over every rank with
 * --distributed; `key` is the assertion's place,
 * growing along the script (line << 32 | column). */
int check_distributed_start(struct check_options *o);
int check_distributed_end(const struct check_options *o, int status);
bool check_here(const struct check_options *o);
void check_deadlock_free(const struct check_options *o, uint64_t key, const struct machine *m,
                         const struct chk_limits *lim, bool divergence, struct chk_result *r);
void check_divergence_free(const struct check_options *o, uint64_t key, const struct machine *m,
                           const struct chk_limits *lim, struct chk_result *r);
void check_refines(const struct check_options *o, uint64_t key, const struct machine *spec,
                   const struct machine *impl, enum chk_model model, const struct chk_limits *lim,
                   struct chk_result *r);

/* One process of a loaded specification to replay traces against, again and again (the
 * states the replays meet are kept between them).  trace_checker_new evaluates o->process
 * and o->hide: NULL after saying why on stderr, *status the exit code. */
struct trace_checker;
struct trace_checker *trace_checker_new(struct cspm_module *m, struct evaluator *ev,
                                        struct events *events, const struct check_options *o,
                                        int *status);
/* Replays the trace file path into out (its verdict, counterexample and figures). */
void trace_checker_run(struct trace_checker *tc, const char *path, struct rpt_trace_check *out);
/* Frees it, after printing the specification's errors the replays met. */
void trace_checker_free(struct trace_checker *tc);

/* Replays every --trace against --process; prints the report; returns the exit code. */
int check_traces(struct cspm_module *m, struct evaluator *ev, struct events *events,
                 const struct check_options *o);

#endif
