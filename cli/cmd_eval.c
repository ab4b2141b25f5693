/* `baton eval`: loads a CSPm specification (parse, static checks), and evaluates an
 * expression in its scope, or every `test…` / `procTest…` binding (--tests). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "model/eval.h"
#include "model/parser.h"
#include "model/types.h"

const char cmd_eval_usage[] =
    "usage: baton eval [--parse-only [--dump]] FILE.csp [EXPR]\n"
    "       baton eval --tests FILE.csp\n\n"
    "Loads a CSPm specification: reads FILE.csp and the files it includes, parses them and\n"
    "checks that every name is defined once.  With EXPR, evaluates it in the file's scope and\n"
    "prints its value in CSPm syntax.  Exits 0, or 2 with file:line:col diagnostics.\n\n"
    "  --parse-only   stop after parsing\n"
    "  --dump         print the declarations with every operator parenthesised\n"
    "  --tests        evaluate every binding named test… (each must be true: a false one is\n"
    "                 a located error) and explore every process named procTest… (up to\n"
    "                 10 000 states)\n";

enum { TEST_STATES = 10000 };

static int run_tests(struct evaluator *ev, struct cspm_module *m)
{
    size_t n;
    const char *const *names = eval_global_names(ev, &n);   /* value bindings, not functions */
    int status = EXIT_HOLDS;
    for (size_t i = 0; i < n; i++) {
        const char *name = names[i];
        if (strncmp(name, "procTest", 8) == 0) {
            const value *v = eval_global(ev, name);
            if (!v) return EXIT_INPUT;
            if (v->kind != VAL_PROC) {
                struct cspm_loc loc = eval_global_loc(ev, name);
                diag_error(&m->diags, loc, "'%s' is not a process", name);
                return EXIT_INPUT;
            }
            if (eval_explore(ev, v, TEST_STATES, NULL) < 0) return EXIT_INPUT;
        } else if (strncmp(name, "test", 4) == 0) {
            const value *v = eval_global(ev, name);
            if (!v) return EXIT_INPUT;
            if (v->kind != VAL_BOOL) {
                printf("%s: not a boolean: ", name);
                val_print(stdout, v);
                putchar('\n');
                status = EXIT_FAILS;
            } else if (!v->num) {
                /* an error, as in libcspm's test harness ("test11 was false") */
                diag_error(&m->diags, eval_global_loc(ev, name), "%s is false", name);
            }
        }
    }
    return status;
}

int cmd_eval(int argc, char **argv)
{
    int parse_only = 0, dump = 0, tests = 0;
    const char *file = NULL, *expr = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--parse-only") == 0) parse_only = 1;
        else if (strcmp(argv[i], "--dump") == 0) dump = 1;
        else if (strcmp(argv[i], "--tests") == 0) tests = 1;
        else if (argv[i][0] == '-' && argv[i][1] && !file)
            return cli_usage_error("eval", "unknown option '%s'", argv[i]);
        else if (!file) file = argv[i];
        else if (!expr) expr = argv[i];
        else return cli_usage_error("eval", "eval takes one FILE and at most one EXPR");
    }
    if (!file) return cli_usage_error("eval", "eval needs a FILE.csp");
    if (expr && (parse_only || tests))
        return cli_usage_error("eval", "an EXPR cannot be combined with --parse-only or --tests");
    struct cspm_module *m = cspm_load_file(file);
    /* Static checks (names, types) unless only parsing was asked for. */
    if (!parse_only && !diag_count(&m->diags)) types_check(m);
    int status = EXIT_HOLDS;
    if (diag_count(&m->diags)) {
        diag_print(&m->diags, stderr);
        cspm_module_free(m);
        return EXIT_INPUT;
    }
    if (parse_only) {
        if (dump)
            for (uint32_t i = 0; i < m->decls->nkids; i++) {
                ast_print(stdout, m->decls->kids[i]);
                fputc('\n', stdout);
            }
        cspm_module_free(m);
        return status;
    }
    val_store *vs = val_store_new();
    struct evaluator *ev = vs ? eval_new(m, vs) : NULL;
    if (!ev) {
        fputs("baton: out of memory\n", stderr);
        val_store_free(vs);
        cspm_module_free(m);
        return EXIT_LIMIT;
    }
    if (diag_count(&m->diags) == 0) {
        if (expr) {
            struct ast_node *e = cspm_parse_expression(m, expr, strlen(expr));
            const value *v = e ? eval_expr(ev, e) : NULL;
            if (v) {
                val_print(stdout, v);
                putchar('\n');
            }
        } else if (tests) {
            status = run_tests(ev, m);
        }
    }
    if (diag_count(&m->diags)) {
        diag_print(&m->diags, stderr);
        status = EXIT_INPUT;
    }
    eval_free(ev);
    val_store_free(vs);
    cspm_module_free(m);
    return status;
}
