/* baton's entry point: finds the subcommand and hands it the rest of the command line.
 * Each subcommand lives in its own cli/cmd_*.c; this file only dispatches and prints help. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
                 "  --version      print baton's version\n"
                 "  -o FILE        (any command) write the report to FILE instead of standard output\n"
                 "  --name=value   is the same as --name value\n\n"
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

int cli_program_stdout = -1;

/* `-o FILE` is written atomically: into FILE.tmp.XXXXXX beside it, renamed over FILE once the
 * command is done (finish_output), so a killed run never leaves half a report.  A FILE that
 * exists and is not a regular file (/dev/stdout, a pipe) is written in place. */
static char *output_path, *output_tmp;

static int open_output(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    size_t n = strlen(path);
    output_tmp = malloc(n + 16);
    output_path = strdup(path);
    if (!output_tmp || !output_path) {
        errno = ENOMEM;
        return -1;
    }
    memcpy(output_tmp, path, n);
    memcpy(output_tmp + n, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(output_tmp);
    if (fd < 0) {
        int e = errno;
        free(output_tmp);
        free(output_path);
        output_tmp = output_path = NULL;
        errno = e;
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    return fd;
}

/* Makes the -o file the report: 0, or -1 with errno (the temporary removed). */
static int finish_output(bool keep)
{
    if (!output_tmp) return 0;
    int rc = 0;
    if (!keep) {
        unlink(output_tmp);
    } else if ((fsync(STDOUT_FILENO) != 0 && errno != EINVAL) || rename(output_tmp, output_path) != 0) {
        int e = errno;
        unlink(output_tmp);
        errno = e;
        rc = -1;
    }
    free(output_tmp);
    free(output_path);
    output_tmp = output_path = NULL;
    return rc;
}

/* The options every subcommand shares, read before it parses its own (up to `--`, after
 * which everything is the program's): `--name=value` is `--name value`, and `-o FILE` or
 * `--output FILE` sends the report (standard output) to FILE.  The new argv is malloc'd;
 * EXIT_HOLDS, or EXIT_INPUT after saying why. */
static int common_options(int *argc, char ***argv)
{
    int n = *argc;
    char **in = *argv, **out = malloc((2 * (size_t)n + 1) * sizeof *out);
    if (!out) return cli_usage_error(NULL, "out of memory");
    const char *output = NULL;
    int k = 0, i = 0;
    out[k++] = in[i++];
    for (; i < n && strcmp(in[i], "--") != 0; i++) {
        char *eq = strncmp(in[i], "--", 2) == 0 ? strchr(in[i], '=') : NULL;
        if (eq) {
            *eq = '\0';
            out[k++] = in[i];
            out[k++] = eq + 1;
        } else {
            out[k++] = in[i];
        }
        /* `baton graph -o FILE` names the picture's file, whose format its extension gives;
         * `baton trace export -o FILE` its export, streamed. */
        bool own_output = strcmp(out[0], "graph") == 0 ||
                          (strcmp(out[0], "trace") == 0 && k > 2 && strcmp(out[1], "export") == 0);
        if (!own_output && (strcmp(out[k - (eq ? 2 : 1)], "-o") == 0 ||
                            strcmp(out[k - (eq ? 2 : 1)], "--output") == 0)) {
            const char *opt = out[k - (eq ? 2 : 1)];
            if (eq) output = out[k - 1];
            else if (i + 1 < n) output = in[++i];
            else return cli_usage_error(out[0], "%s needs a file name", opt);
            k -= eq ? 2 : 1;
        }
    }
    /* `--` ends the options: `baton run` and `baton explore` hand what follows to the
     * program; for the other commands it only ends them (a file named -x is ./-x). */
    if (i < n && strcmp(out[0], "run") != 0 && strcmp(out[0], "explore") != 0) i++;
    for (; i < n; i++) out[k++] = in[i];
    out[k] = NULL;
    *argc = k;
    *argv = out;
    if (output) {
        int fd = open_output(output);
        if (fd < 0) return cli_usage_error(out[0], "cannot write the report to '%s': %s", output, strerror(errno));
        fflush(stdout);
        cli_program_stdout = dup(STDOUT_FILENO);
        if (cli_program_stdout < 0 || dup2(fd, STDOUT_FILENO) < 0)
            return cli_usage_error(out[0], "cannot send the report to '%s': %s", output, strerror(errno));
        close(fd);
        fcntl(cli_program_stdout, F_SETFD, FD_CLOEXEC);
    }
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
    int n = argc - 1;
    char **args = argv + 1;
    int status = common_options(&n, &args);
    if (status != EXIT_HOLDS) {
        finish_output(false);
        if (args != argv + 1) free(args);
        return status;
    }
    status = c->run(n, args);
    /* A report that did not reach its file (a full disk) is no answer: exit 2, said so. */
    bool written = fflush(stdout) == 0 && !ferror(stdout);
    if (!written || finish_output(true) != 0) {
        fprintf(stderr, "baton: cannot write the report: %s\n", strerror(errno));
        finish_output(false);
        status = EXIT_INPUT;
    }
    free(args);
    return status;
}
