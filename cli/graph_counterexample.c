/* `baton graph counterexample`: placeholder until the counterexample picture lands. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/graph.h"

int graph_counterexample(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("baton: graph counterexample is being built\n", stderr);
    return EXIT_INPUT;
}
