/* baton's entry point: finds the subcommand and hands it the rest of the command line.
 * Each subcommand lives in its own cli/cmd_*.c; this file only dispatches and prints help. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

struct command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
    const char *usage;
};

static const struct command commands[] = {
#define X(name, summary) {#name, summary, cmd_##name, cmd_##name##_usage},
    BATON_COMMANDS(X)
#undef X
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static const struct command *find(const char *name)
{
    for (int i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

static void overview(FILE *out)
{
    fprintf(out, "usage: baton COMMAND [ARGS…]\n\n"
                 "baton checks CSP designs: it proves or refutes FDR-style assertions on CSPm\n"
                 "specifications and replays traces recorded by programs linked with libbaton.\n\n"
                 "commands:\n");
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\noptions:\n"
                 "  -h, --help     this text\n"
                 "  --version      print baton's version\n\n"
                 "exit codes: 0 holds, 1 a check failed, 2 bad input or usage, 3 resource limit\n"
                 "`baton help COMMAND` describes one command.\n");
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("baton: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, " (see 'baton help %s')\n", cmd);
    else
        fputs(" (see 'baton --help')\n", stderr);
    return EXIT_INPUT;
}

int cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

const char cmd_help_usage[] = "usage: baton help [COMMAND]\n\n"
                              "Without COMMAND, lists the commands; with it, describes one.\n";

int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        overview(stdout);
        return EXIT_HOLDS;
    }
    if (argc > 2) return cli_usage_error("help", "help takes one command name");
    const struct command *c = find(argv[1]);
    if (!c) return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
    fputs(c->usage, stdout);
    return EXIT_HOLDS;
}

const char cmd_version_usage[] = "usage: baton version\n\nPrints baton's version.\n";

int cmd_version(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) return cli_usage_error("version", "version takes no arguments");
    printf("baton %s\n", BATON_VERSION);
    return EXIT_HOLDS;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        overview(stderr);
        return EXIT_INPUT;
    }
    const char *arg = argv[1];
    if (cli_is_help(arg)) return cmd_help(1, argv);
    if (strcmp(arg, "--version") == 0) return cmd_version(1, argv);
    if (arg[0] == '-') return cli_usage_error(NULL, "unknown option '%s'", arg);
    const struct command *c = find(arg);
    if (!c) return cli_usage_error(NULL, "unknown command '%s'", arg);
    /* `baton CMD --help` is the same as `baton help CMD`. */
    if (argc == 3 && cli_is_help(argv[2])) {
        fputs(c->usage, stdout);
        return EXIT_HOLDS;
    }
    return c->run(argc - 1, argv + 1);
}
