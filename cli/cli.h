/* Helpers every subcommand shares: usage errors and exit codes.  Only cli/ includes this. */
#ifndef BATON_CLI_H
#define BATON_CLI_H

enum {
    EXIT_HOLDS = 0,  /* everything checked holds */
    EXIT_FAILS = 1,  /* a check failed: a counterexample was found */
    EXIT_INPUT = 2,  /* bad input or usage */
    EXIT_LIMIT = 3,  /* a resource limit was hit before an answer */
};

/* Prints "baton: MESSAGE" and a hint to `baton help CMD` on stderr; returns EXIT_INPUT. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* True when argv[i] is -h or --help. */
int cli_is_help(const char *arg);

/* With `-o FILE`, the report goes to FILE: this is the standard output baton was started
 * with, for a program that `baton run` starts (-1 without -o). */
extern int cli_program_stdout;

#endif
