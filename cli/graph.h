/* graph.h — `baton graph`: what its picture kinds share (only cli/ includes this).  Each kind
 * lives in its own file, cli/graph_KIND.c, gathers its facts (from a spec, the checker or a
 * trace), builds a reports/graph.h picture and hands it to graph_emit.
 *
 * Ownership: graph_emit takes nothing; the caller frees its gr_graph. */
#ifndef BATON_CLI_GRAPH_H
#define BATON_CLI_GRAPH_H

#include "reports/graph.h"

/* Where a picture goes: -o FILE (the format from its extension unless --format says), or
 * standard output (DOT text unless --format says; never PNG or PDF on a terminal). */
struct graph_output {
    const char *path;             /* NULL: standard output */
    const char *format;           /* NULL: from the path's extension, else "dot" */
};

/* Reads the output options at argv[*i] (-o FILE, --output FILE, --format F), advancing *i
 * past a value: 1 when it took one, 0 when argv[*i] is not one of them, -1 after a usage
 * error (printed; then return EXIT_INPUT). */
int graph_output_option(const char *kind, int argc, char **argv, int *i,
                        struct graph_output *o);

/* Renders g as o says and writes it.  EXIT_HOLDS, or EXIT_INPUT after a one-line message
 * (a Graphviz error, an unknown format, a file that cannot be written). */
int graph_emit(const gr_graph *g, const struct graph_output *o);

/* DIR/STEM.svg for `--graphs DIR`, with STEM made safe as a file name (letters, digits, '.',
 * '-' and '_' kept, runs of anything else one '_', at most 80 bytes) and DIR made when
 * missing; malloc'd, or NULL after printing why (DIR cannot be made). */
char *graph_file_in(const char *dir, const char *stem);

struct rpt_file;

/* `baton check --graphs DIR`: the chart of every failing assertion of f written to
 * DIR/lLINE-ASSERTION.svg (aK-ASSERTION.svg for the K-th --assert), each named on stderr.
 * EXIT_HOLDS, or EXIT_INPUT after a message when one could not be written. */
int graph_charts_in(const char *dir, const struct rpt_file *f);

/* The kinds: argv[0] is the kind's name.  Each returns an exit code (cli/cli.h). */
int graph_network(int argc, char **argv);
int graph_lts(int argc, char **argv);
int graph_counterexample(int argc, char **argv);
int graph_deadlock(int argc, char **argv);
/* `graph network --trace RUN …` (cli/graph_run.c): graph_network hands over its arguments
 * whenever they hold --trace. */
int graph_network_trace(int argc, char **argv);

/* `baton run --graphs DIR`: the network of the recorded run TRACE into DIR/network.svg and,
 * when it deadlocked, its wait-for graph into DIR/deadlock.svg, each named on stderr
 * (cli/graph_run.c).  An exit code. */
int graph_run_pictures(const char *trace, const char *dir);

#endif
