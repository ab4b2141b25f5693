/* `baton eval`: loads a CSPm specification: lex, parse, includes, then the static checks;
 * evaluation is the next step of issue 4. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "model/parser.h"
#include "model/types.h"

const char cmd_eval_usage[] =
    "usage: baton eval [--parse-only] [--dump] FILE.csp\n\n"
    "Loads a CSPm specification: reads FILE.csp and the files it includes, parses them and\n"
    "checks names and types.  Exits 0 when it loads, 2 with file:line:col diagnostics when\n"
    "it does not.\n\n"
    "  --parse-only   stop after parsing (skip the name and type checks)\n"
    "  --dump         print the declarations with every operator parenthesised\n";

int cmd_eval(int argc, char **argv)
{
    int parse_only = 0, dump = 0;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--parse-only") == 0) parse_only = 1;
        else if (strcmp(argv[i], "--dump") == 0) dump = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error("eval", "unknown option '%s'", argv[i]);
        else if (!file) file = argv[i];
        else return cli_usage_error("eval", "evaluating an expression is not implemented yet");
    }
    if (!file) return cli_usage_error("eval", "eval needs a FILE.csp");
    struct cspm_module *m = cspm_load_file(file);
    /* Static checks (names, types) unless only parsing was asked for. */
    if (!parse_only && !diag_count(&m->diags)) types_check(m);
    int status = EXIT_HOLDS;
    if (diag_count(&m->diags)) {
        diag_print(&m->diags, stderr);
        status = EXIT_INPUT;
    } else if (dump) {
        for (uint32_t i = 0; i < m->decls->nkids; i++) {
            ast_print(stdout, m->decls->kids[i]);
            fputc('\n', stdout);
        }
    }
    cspm_module_free(m);
    return status;
}
