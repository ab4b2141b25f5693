/* libFuzzer target for the CSPm front end (lexer, parser, diagnostics, printer, renamer,
 * typechecker, evaluator).  Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined;
 * never part of the normal build.  Besides "no crash, no hang, no leak", it checks an oracle:
 * a file that loads prints (with every operator parenthesised) to text that loads again and
 * prints the same.  A file that parses is typechecked; one that also typechecks is evaluated:
 * every top-level value binding, with a step budget, and every process among them explored a
 * few states deep. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/eval.h"
#include "model/parser.h"
#include "model/types.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *print_decls(const struct cspm_module *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) abort();
    for (uint32_t i = 0; i < m->decls->nkids; i++) {
        ast_print(f, m->decls->kids[i]);
        fputc('\n', f);
    }
    fclose(f);
    return buf;
}

enum { FUZZ_STEPS = 20000, FUZZ_STATES = 20, FUZZ_EVENTS = 200 };

static void evaluate(struct cspm_module *m)
{
    val_store *vs = val_store_new();
    struct evaluator *ev = vs ? eval_new(m, vs) : NULL;
    if (!ev) abort();
    eval_set_budget(ev, FUZZ_STEPS);
    if (diag_count(&m->diags) == 0) {
        size_t n;
        const char *const *names = eval_global_names(ev, &n);
        /* Exploring costs the square of a state's branching (proc_canon of every target), so
         * only small alphabets are explored. */
        const value *events = eval_events(ev);
        bool explore = events && events->n <= FUZZ_EVENTS;
        for (size_t i = 0; i < n && i < 50; i++) {
            const value *v = eval_global(ev, names[i]);
            if (v && v->kind == VAL_PROC && explore) eval_explore(ev, v, FUZZ_STATES, NULL);
        }
    }
    eval_free(ev);
    val_store_free(vs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cspm_module *m = cspm_load_string("fuzz.csp", (const char *)data, size);
    if (diag_count(&m->diags)) {
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            diag_print(&m->diags, null);
            fclose(null);
        }
    } else {
        char *a = print_decls(m);
        struct cspm_module *m2 = cspm_load_string("fuzz.csp", a, strlen(a));
        if (diag_count(&m2->diags)) {
            fprintf(stderr, "printed form does not parse:\n%s\n", a);
            diag_print(&m2->diags, stderr);
            abort();
        }
        char *b = print_decls(m2);
        if (strcmp(a, b) != 0) {
            fprintf(stderr, "printed form changes when re-parsed:\n%s\n---\n%s\n", a, b);
            abort();
        }
        free(a);
        free(b);
        cspm_module_free(m2);
        if (types_check(m) == 0) {
            evaluate(m);
        } else {
            FILE *null = fopen("/dev/null", "w");
            if (null) {
                diag_print(&m->diags, null);
                fclose(null);
            }
        }
    }
    cspm_module_free(m);
    return 0;
}
