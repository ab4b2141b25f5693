/* Loading a specification for a subcommand, the same way everywhere: parse (done by the
 * caller, which may add text), name and type checks, then the evaluator. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/spec.h"
#include "model/types.h"

int cli_spec_open(struct cspm_module *m, struct cli_spec *s)
{
    s->m = m;
    s->vs = NULL;
    s->ev = NULL;
    if (!m) {
        fputs("baton: out of memory\n", stderr);
        return EXIT_LIMIT;
    }
    if (!diag_count(&m->diags)) types_check(m);
    if (!diag_count(&m->diags)) {
        s->vs = val_store_new();
        s->ev = s->vs ? eval_new(m, s->vs) : NULL;
        if (!s->ev) {
            fputs("baton: out of memory\n", stderr);
            return EXIT_LIMIT;
        }
    }
    if (diag_count(&m->diags)) {
        diag_print(&m->diags, stderr);
        return EXIT_INPUT;
    }
    return EXIT_HOLDS;
}

void cli_spec_close(struct cli_spec *s)
{
    eval_free(s->ev);
    val_store_free(s->vs);
    if (s->m) cspm_module_free(s->m);
    s->m = NULL;
    s->vs = NULL;
    s->ev = NULL;
}
