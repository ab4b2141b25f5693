/* spec.h — a loaded specification as the subcommands use it (only cli/ includes this).
 * Ownership: cli_spec_close frees the module, its values and its evaluator together. */
#ifndef BATON_CLI_SPEC_H
#define BATON_CLI_SPEC_H

#include "model/eval.h"
#include "model/parser.h"

struct cli_spec {
    struct cspm_module *m;
    val_store *vs;
    struct evaluator *ev;
};

/* Takes a parsed module (from cspm_load_file or _string), runs the name and type checks and
 * makes its evaluator.  EXIT_HOLDS, or the exit code after printing the diagnostics; either
 * way the caller ends with cli_spec_close. */
int cli_spec_open(struct cspm_module *m, struct cli_spec *s);
void cli_spec_close(struct cli_spec *s);

/* The process that `text` (an expression in the spec's scope, "PHIL(0)") stands for, into
 * *out.  EXIT_HOLDS, or EXIT_INPUT after printing the located diagnostics (an unknown name,
 * a syntax error, a value that is not a process). */
int cli_spec_process(struct cli_spec *s, const char *text, const value **out);

/* Both: loads `file` and evaluates the process `text` in it.  An exit code as above; either
 * way the caller ends with cli_spec_close. */
int cli_spec_open_process(const char *file, const char *text, struct cli_spec *s,
                          const value **out);

#endif
