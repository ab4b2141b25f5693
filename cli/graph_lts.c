/* `baton graph lts`: placeholder until the state-machine picture lands. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/graph.h"

int graph_lts(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("baton: graph lts is being built\n", stderr);
    return EXIT_INPUT;
}
