/* The subcommands of `baton`, listed once and expanded into the dispatch table, the
 * declarations and `baton --help` (jq's opcode_list.h).  To add a subcommand: one line here
 * and a file cli/cmd_NAME.c defining cmd_NAME() and cmd_NAME_usage[].
 * ORDER: as `baton --help` lists them. */
#ifndef BATON_CLI_COMMANDS_H
#define BATON_CLI_COMMANDS_H

#define BATON_COMMANDS(X)                                                                          \
    X(check, "prove or refute the assertions of a CSPm specification")                        \
    X(help, "show help for baton or one of its subcommands")                                       \
    X(explore, "run a libbaton program under many schedules to find a rare deadlock, crash or bad trace") \
    X(graph, "draw a process network, state machine, counterexample or deadlock with Graphviz") \
    X(eval, "load a CSPm specification, evaluate an expression or its tests")                 \
    X(lts, "print the states and transitions of a process")                                   \
    X(run, "run a program linked with libbaton, record its trace, check it against a spec")      \
    X(trace, "print a trace recorded by a program linked with libbaton")                       \
    X(version, "print baton's version")

/* A subcommand gets argv from its own name on (argv[0] is "check", "eval", …) and returns the
 * process exit code: 0 holds, 1 a check failed, 2 bad input or usage, 3 a resource limit. */
#define X(name, summary)                                                                           \
    int cmd_##name(int argc, char **argv);                                                         \
    extern const char cmd_##name##_usage[];
BATON_COMMANDS(X)
#undef X

#endif
