/* `baton graph network`: placeholder until the network picture lands. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/graph.h"

int graph_network(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("baton: graph network is being built\n", stderr);
    return EXIT_INPUT;
}
