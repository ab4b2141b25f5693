/* `baton graph KIND …`: pictures of process networks, state machines, counterexamples and
 * deadlocks, drawn in process with Graphviz (reports/graph.h).  This file holds the
 * dispatch and the output handling every kind shares; each kind is cli/graph_KIND.c. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/graph.h"

const char cmd_graph_usage[] =
    "usage: baton graph KIND ARGS… [-o FILE] [--format svg|png|pdf|dot]\n"
    "\n"
    "Draws a picture with Graphviz (in process, no `dot` program needed).  The format comes\n"
    "from FILE's extension (.svg, .png, .pdf, .dot) unless --format names it; without -o the\n"
    "picture goes to standard output, as DOT text unless --format says otherwise.\n"
    "\n"
    "Kinds:\n"
    "  network SPEC.csp PROCESS     the process network of a specification: a node per\n"
    "                               parallel component (named as the spec names it), a box\n"
    "                               per named or nested composition, a line per pair of\n"
    "                               components that synchronise, labelled with the events or\n"
    "                               channels they share (dashed when hidden by \\), and the\n"
    "                               interface (events nobody shares) at the boundary.  A ring\n"
    "                               (the philosophers) is drawn as a circle.  At most 60\n"
    "                               components (exit 3 beyond: draw a part)\n"
    "  network --trace RUN          the network of a recorded run: the processes that ran, the\n"
    "                               channels they used with event counts, who was blocked\n"
    "                               at the end (red) and the wait-for cycle; a binary trace\n"
    "               [--max-procs N]    past N processes (default 300), one node per family\n"
    "                                  of names (worker1, worker2… -> worker ×N)\n"
    "  lts SPEC.csp PROCESS         a process's state machine: states s0, s1… (the terms in a\n"
    "                               legend and as SVG tooltips), tau dashed, the start bold\n"
    "                               with an arrow, deadlocked, ended and divergent states\n"
    "                               marked\n"
    "               [--max-states N]   refuse (exit 3) past N states (default 100, at most 1000)\n"
    "               [--no-legend]      leave out the table of terms\n"
    "  counterexample SPEC.csp      the message sequence chart of a failing assertion\n"
    "               [--assert 'TEXT']  (default: every failing assertion of the file; with\n"
    "                                  several and -o FILE.svg, FILE-1.svg, FILE-2.svg…,\n"
    "                                  listed on stdout)\n"
    "               [--max-steps N]    elide the middle of longer ones (default 200)\n"
    "               [--max-states N]   stop a check past N states (exit 3)\n"
    "  deadlock RUN                 the wait-for graph of a deadlocked run: each blocked\n"
    "                               process, what it offers, where in the source it blocked,\n"
    "                               its last communication; the cycle in red\n"
    "               [--max-procs N]    refuse (exit 3) past N blocked processes (default 300)\n"
    "\n"
    "PROCESS is an expression in the spec's scope: SYSTEM, PHIL(0), P [| {|c|} |] Q.\n"
    "\n"
    "Exit: 0 drawn, 2 bad input (unknown process, a run that did not deadlock given to\n"
    "`deadlock`, a file that cannot be written), 3 a limit (a picture too large to read:\n"
    "more states or components than allowed).\n";

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} kinds[] = {
    { "network", graph_network },
    { "lts", graph_lts },
    { "counterexample", graph_counterexample },
    { "deadlock", graph_deadlock },
};

int cmd_graph(int argc, char **argv)
{
    if (argc < 2) return cli_usage_error("graph", "graph needs a KIND: network, lts, counterexample or deadlock");
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        if (strcmp(argv[1], kinds[k].name) == 0) return kinds[k].run(argc - 1, argv + 1);
    return cli_usage_error("graph", "unknown kind '%s' (network, lts, counterexample or deadlock)",
                           argv[1]);
}

int graph_output_option(const char *kind, int argc, char **argv, int *i,
                        struct graph_output *o)
{
    const char *a = argv[*i];
    bool out = strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0;
    if (!out && strcmp(a, "--format") != 0) return 0;
    if (*i + 1 >= argc) {
        cli_usage_error("graph", "graph %s: %s needs a value", kind, a);
        return -1;
    }
    const char *v = argv[++*i];
    if (out) {
        o->path = v;
    } else if (!gr_format_known(v)) {
        cli_usage_error("graph", "unknown format '%s' (svg, png, pdf or dot)", v);
        return -1;
    } else {
        o->format = v;
    }
    return 1;
}

int graph_emit(const gr_graph *g, const struct graph_output *o)
{
    const char *format = o->format;
    if (!format && o->path) {
        format = gr_format_of(o->path);
        if (!format) {
            fprintf(stderr, "baton: cannot tell the picture format of '%s': name it .svg, .png, "
                            ".pdf or .dot, or give --format\n", o->path);
            return EXIT_INPUT;
        }
    }
    if (!format) format = "dot";
    if (!o->path && (strcmp(format, "png") == 0 || strcmp(format, "pdf") == 0) &&
        isatty(STDOUT_FILENO)) {
        fprintf(stderr, "baton: not writing %s to a terminal: give -o FILE\n", format);
        return EXIT_INPUT;
    }
    char err[640];
    if (o->path) {
        if (gr_render(g, format, o->path, err, sizeof err) == 0) return EXIT_HOLDS;
    } else {
        char *data;
        size_t len;
        if (gr_render_data(g, format, &data, &len, err, sizeof err) == 0) {
            size_t w = fwrite(data, 1, len, stdout);
            free(data);
            if (w == len) return EXIT_HOLDS;
            snprintf(err, sizeof err, "cannot write the picture: %s", strerror(errno));
        }
    }
    fprintf(stderr, "baton: %s\n", err);
    return EXIT_INPUT;
}

/* mkdir -p */
static int make_dir(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        int r = mkdir(path, 0777);
        *p = '/';
        if (r != 0 && errno != EEXIST) return -1;
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST) return -1;
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

char *graph_file_in(const char *dir, const char *stem)
{
    char *d = strdup(dir);
    if (!d) return NULL;
    if (make_dir(d) != 0) {
        fprintf(stderr, "baton: cannot make the folder '%s' for pictures: %s\n", dir, strerror(errno));
        free(d);
        return NULL;
    }
    free(d);
    char safe[81];
    size_t n = 0;
    for (const char *p = stem; *p && n < sizeof safe - 1; p++) {
        char c = *p;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_';
        if (keep) safe[n++] = c;
        else if (n && safe[n - 1] != '_') safe[n++] = '_';
    }
    while (n && (safe[n - 1] == '_' || safe[n - 1] == '.')) n--;
    safe[n] = '\0';
    size_t len = strlen(dir) + n + 16;
    char *path = malloc(len);
    if (path) snprintf(path, len, "%s/%s.svg", dir, n && safe[0] != '.' ? safe : "picture");
    return path;
}
