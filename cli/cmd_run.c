/* baton run: runs a program linked with libbaton with tracing on, passes its output and exit
 * status through, and with a specification checks the recorded trace right after (the same
 * check as `baton check SPEC --trace FILE --process NAME`). */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/graph.h"
#include "cli/report_out.h"
#include "cli/spec.h"

const char cmd_run_usage[] =
    "usage: baton run [--trace FILE] [--timeout SECONDS] [--graphs DIR]\n"
    "                 [--spec SPEC.csp --process NAME [--hide SET]]\n"
    "                 [--format F] [--report F:FILE]… [--notices] -- PROGRAM [ARGS…]\n"
    "\n"
    "Runs PROGRAM (linked with libbaton) with its trace written to FILE (default: a new file\n"
    "in $TMPDIR or /tmp, named on stderr), passing its output through.  With --spec, checks\n"
    "the trace against the process NAME of SPEC.csp right after, as `baton check --trace`.\n"
    "With --timeout, PROGRAM gets SIGTERM after SECONDS (and SIGKILL 5 s later): libbaton\n"
    "then ends the trace with a livelock mark if its processes were still busy.  SIGINT or\n"
    "SIGTERM sent to baton run go to PROGRAM; its trace is still checked.  The spec and the\n"
    "process are checked before PROGRAM runs.  With --format other than text, PROGRAM's\n"
    "standard output goes to standard error, so standard output is the report alone.\n"
    "Without --spec, a report (--format, --report) judges the run on its own: it passes when\n"
    "every process ended and fails at a deadlock (each blocked process, what it waits for and\n"
    "where in the source; the HTML report draws the wait-for graph) or a livelock stop.\n"
    "With --graphs, draws\n"
    "the run's process network into DIR/network.svg and, when it deadlocked, its wait-for\n"
    "graph into DIR/deadlock.svg (as `baton graph network --trace` and `baton graph\n"
    "deadlock`), naming them on stderr.\n"
    "\n"
    "\n"
    "report options (as baton check's; formats: docs/ci.md):\n"
    REPORT_OPTIONS_USAGE
    "\n"
    "exit: without --spec, PROGRAM's exit status (128 + N when killed by signal N); with it,\n"
    "1 when the trace does not conform, 2 for bad input (also when PROGRAM wrote no trace),\n"
    "else PROGRAM's exit status.\n";

/* The program being run: SIGINT and SIGTERM sent to baton run are passed on to it (it ends
 * its trace as libbaton does on those signals), and baton run goes on to check the trace. */
static volatile pid_t child;
static volatile sig_atomic_t forwarded;

static void forward(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    forwarded = sig;
    /* Ctrl-C at a terminal reaches the program too (one process group): pass on only what
     * was sent to baton run alone (kill, a CI job's timeout). */
    if (child > 0 && info->si_code != SI_KERNEL) kill(child, sig);
}

/* Loads SPEC and evaluates PROCESS in it, before anything runs: EXIT_HOLDS, or exit 2 after
 * saying why. */
static int check_spec_first(const char *spec, const char *process)
{
    struct cli_spec s = {0};
    int status = cli_spec_open(cspm_load_file(spec), &s);
    if (status == EXIT_HOLDS) {
        const value *v;
        if (cli_spec_process(&s, process, &v) != EXIT_HOLDS) {
            fprintf(stderr, "baton: --process '%s' is not a process of %s: nothing was run\n",
                    process, spec);
            status = EXIT_INPUT;
        }
    } else {
        fprintf(stderr, "baton: %s does not load: nothing was run\n", spec);
    }
    cli_spec_close(&s);
    return status;
}

/* Without a spec, a report (--format other than text, or --report) judges the run on its own
 * (graph_run_report).  EXIT_HOLDS, or EXIT_INPUT when the trace could not be read or a report
 * not written. */
static int report_run(const struct report_outputs *out, const char *trace, const char *program)
{
    if (out->format == RPT_TEXT && !out->nfiles) return EXIT_HOLDS;
    struct rpt_traces t = {0};
    struct rpt_trace_check *c = rpt_trace_add(&t);
    t.file = strdup(program);
    char *svg = NULL;
    int status = c && t.file ? graph_run_report(trace, program, c, &svg) : EXIT_INPUT;
    if (c) {
        struct rpt_context x = {.notices = out->notices, .charts = &svg};
        if (out->format != RPT_TEXT) rpt_emit_traces(stdout, out->format, &t, &x);
        fflush(stdout);
        if (report_write_files_traces(out, &t, &x) < 0) status = EXIT_INPUT;
    }
    free(svg);
    rpt_traces_free(&t);
    return status;
}

int cmd_run(int argc, char **argv)
{
    const char *trace = NULL, *spec = NULL, *process = NULL, *hide = NULL, *timeout = NULL,
               *graphs = NULL;
    struct report_outputs out = {0};
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *a = argv[i], **to = NULL;
        int took = report_option("run", argc, argv, &i, &out);
        if (took < 0) {
            report_outputs_free(&out);
            return EXIT_INPUT;
        }
        if (took) continue;
        if (strcmp(a, "--trace") == 0) to = &trace;
        else if (strcmp(a, "--spec") == 0) to = &spec;
        else if (strcmp(a, "--process") == 0) to = &process;
        else if (strcmp(a, "--hide") == 0) to = &hide;
        else if (strcmp(a, "--timeout") == 0) to = &timeout;
        else if (strcmp(a, "--graphs") == 0) to = &graphs;
        else if (a[0] == '-') return cli_usage_error("run", "unknown option '%s'", a);
        else return cli_usage_error("run", "put '--' before the program: baton run -- %s", a);
        if (i + 1 >= argc) return cli_usage_error("run", "%s needs a value", a);
        *to = argv[++i];
    }
    if (i + 1 >= argc) return cli_usage_error("run", "which program? (baton run -- PROGRAM ARGS…)");
    if ((spec == NULL) != (process == NULL))
        return cli_usage_error("run", "--spec and --process go together");
    char **program = argv + i + 1;
    double limit = 0;
    if (timeout) {
        char *end;
        limit = strtod(timeout, &end);
        if (end == timeout || *end || !(limit > 0) || limit > 1e9)
            return cli_usage_error("run", "--timeout wants a number of seconds, not '%s'", timeout);
    }

    if (spec) {
        int ok = check_spec_first(spec, process);
        if (ok != EXIT_HOLDS) return ok;
    }
    bool report_on_stdout = out.format != RPT_TEXT;

    char made[4096];
    if (!trace) {
        const char *dir = getenv("TMPDIR");
        snprintf(made, sizeof made, "%s/baton-run-XXXXXX", dir && *dir ? dir : "/tmp");
        int fd = mkstemp(made);
        if (fd < 0) return cli_usage_error("run", "cannot make a trace file: %s", strerror(errno));
        close(fd);
        trace = made;
        fprintf(stderr, "baton: tracing %s to %s\n", program[0], trace);
    }
    /* A program's later runs write FILE.2, FILE.3 (a trace holds one run): start afresh. */
    unlink(trace);

    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return cli_usage_error("run", "cannot start %s: %s", program[0], strerror(errno));
    if (pid == 0) {
        setenv("BATON_TRACE", trace, 1);
        /* the program writes to the standard output baton was given; with a --format other
         * than text and no -o that is the report's alone, so the program's goes to stderr */
        if (cli_program_stdout >= 0) dup2(cli_program_stdout, STDOUT_FILENO);
        else if (report_on_stdout) dup2(STDERR_FILENO, STDOUT_FILENO);
        execvp(program[0], program);
        fprintf(stderr, "baton: cannot run '%s': %s\n", program[0], strerror(errno));
        _exit(127);
    }
    child = pid;
    struct sigaction sa = {.sa_sigaction = forward, .sa_flags = SA_SIGINFO};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    bool timed_out = false;
    int st;
    if (timeout) { /* poll every 10 ms: SIGTERM at the limit, SIGKILL 5 s after */
        struct timespec tick = {0, 10000000};
        double waited = 0;
        for (;;) {
            pid_t got = waitpid(pid, &st, WNOHANG);
            if (got == pid) break;
            if (got < 0 && errno != EINTR) return cli_usage_error("run", "lost %s: %s", program[0], strerror(errno));
            nanosleep(&tick, NULL);
            double before = waited;
            waited += 0.01;
            if (before < limit && waited >= limit) {
                kill(pid, SIGTERM);
                timed_out = true;
            }
            if (before < limit + 5 && waited >= limit + 5) kill(pid, SIGKILL);
        }
    } else {
        while (waitpid(pid, &st, 0) < 0)
            if (errno != EINTR) return cli_usage_error("run", "lost %s: %s", program[0], strerror(errno));
    }
    child = 0;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (timed_out)
        fprintf(stderr, "baton: stopped %s after %g s (--timeout): SIGTERM%s\n", program[0], limit,
                WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? ", then SIGKILL 5 s later" : "");
    if (forwarded)
        fprintf(stderr, "baton: passed %s on to %s; checking what it recorded\n",
                forwarded == SIGINT ? "SIGINT" : "SIGTERM", program[0]);
    int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127) return EXIT_INPUT;
    /* libbaton writes the trace's header as it opens it: no file means no trace at all */
    if (access(trace, F_OK) != 0 && errno == ENOENT) {
        fprintf(stderr, "baton: %s wrote no trace to %s: it never started a run (baton_run), is not "
                        "linked with libbaton, or died before its first run\n", program[0], trace);
        return spec ? EXIT_INPUT : status;
    }
    /* the pictures come first: a failing check below still leaves them to look at */
    int drawn = graphs ? graph_run_pictures(trace, graphs) : EXIT_HOLDS;
    if (!spec) {
        int reported = report_run(&out, trace, program[0]);
        report_outputs_free(&out);
        if (reported != EXIT_HOLDS) return reported;
        return drawn == EXIT_HOLDS ? status : drawn;
    }

    char **args = calloc(16 + 2 * out.nfiles, sizeof *args);
    if (!args) return cli_usage_error("run", "out of memory");
    int n = 0;
    args[n++] = "check";
    args[n++] = (char *)spec;
    args[n++] = "--trace";
    args[n++] = (char *)trace;
    args[n++] = "--process";
    args[n++] = (char *)process;
    if (hide) {
        args[n++] = "--hide";
        args[n++] = (char *)hide;
    }
    args[n++] = "--format";
    args[n++] = (char *)rpt_format_name(out.format);
    if (out.notices) args[n++] = "--notices";
    /* cmd_check reads --report F:FILE again: the strings are rebuilt from the parsed form */
    char **specs = calloc(out.nfiles + 1, sizeof *specs);
    for (size_t k = 0; specs && k < out.nfiles; k++) {
        if (asprintf(&specs[k], "%s:%s", rpt_format_name(out.files[k].format), out.files[k].path) < 0)
            specs[k] = NULL;
        if (!specs[k]) continue;
        args[n++] = "--report";
        args[n++] = specs[k];
    }
    args[n] = NULL;
    fflush(NULL);
    int checked = cmd_check(n, args);
    for (size_t k = 0; specs && k < out.nfiles; k++) free(specs[k]);
    free(specs);
    free(args);
    report_outputs_free(&out);
    if (checked != EXIT_HOLDS) return checked;
    return drawn == EXIT_HOLDS ? status : drawn;
}
