/* `baton lts`: the states and transitions reachable from a process of a CSPm
 * specification, as text, up to a state limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/spec.h"
#include "cli/commands.h"
#include "model/eval.h"
#include "model/parser.h"

const char cmd_lts_usage[] =
    "usage: baton lts [--max-states N] FILE.csp PROC\n\n"
    "Prints every state reachable from the process PROC (an expression in FILE.csp's scope),\n"
    "numbered breadth-first from 0, each followed by its transitions `EVENT -> STATE`.  Stops politely, with exit 3, when more\n"
    "than N states (default 10000) are reachable.\n";

int cmd_lts(int argc, char **argv)
{
    long max_states = 10000;
    const char *file = NULL, *proc = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--max-states") == 0) {
            char *end;
            if (i + 1 >= argc) return cli_usage_error("lts", "--max-states needs a number");
            max_states = strtol(argv[++i], &end, 10);
            if (*end || max_states <= 0)
                return cli_usage_error("lts", "--max-states needs a positive number");
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("lts", "unknown option '%s'", argv[i]);
        } else if (!file) {
            file = argv[i];
        } else if (!proc) {
            proc = argv[i];
        } else {
            return cli_usage_error("lts", "lts takes a FILE and a PROC");
        }
    }
    if (!file || !proc) return cli_usage_error("lts", "lts needs a FILE.csp and a PROC");
    struct cli_spec spec;
    int status = cli_spec_open(cspm_load_file(file), &spec);
    if (status != EXIT_HOLDS) {
        cli_spec_close(&spec);
        return status;
    }
    struct cspm_module *m = spec.m;
    struct evaluator *ev = spec.ev;
    if (diag_count(&m->diags) == 0) {
        struct ast_node *e = cspm_parse_expression(m, proc, strlen(proc));
        const value *v = e ? eval_expr(ev, e) : NULL;
        if (v && v->kind != VAL_PROC) {
            diag_error(&m->diags, e->loc, "'%s' is not a process", proc);
        } else if (v) {
            long n = eval_explore(ev, v, max_states, stdout);
            if (n > max_states) {
                fflush(stdout);
                fprintf(stderr, "baton: more than %ld states are reachable; stopped there "
                                "(raise --max-states to see more)\n", max_states);
                status = EXIT_LIMIT;
            } else if (n >= 0) {
                printf("%ld states\n", n);
            }
        }
    }
    if (diag_count(&m->diags)) {
        diag_print(&m->diags, stderr);
        status = EXIT_INPUT;
    }
    cli_spec_close(&spec);
    return status;
}
