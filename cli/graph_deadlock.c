/* `baton graph deadlock`: placeholder until the deadlock picture lands. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/graph.h"

int graph_deadlock(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("baton: graph deadlock is being built\n", stderr);
    return EXIT_INPUT;
}
