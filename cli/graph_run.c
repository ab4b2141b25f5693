/* `baton graph network --trace RUN`: placeholder until the network of a recorded run lands
 * (this file is replaced by that work). */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/graph.h"

int graph_network_trace(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("baton: graph network --trace is being built\n", stderr);
    return EXIT_INPUT;
}
