/* `baton graph network`: placeholder until the network picture lands. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/graph.h"

int graph_network(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--trace") == 0) return graph_network_trace(argc, argv);
    (void)argc;
    (void)argv;
    fputs("baton: graph network is being built\n", stderr);
    return EXIT_INPUT;
}
