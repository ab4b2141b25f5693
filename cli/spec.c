/* Loading a specification for a subcommand, the same way everywhere: parse (done by the
 * caller, which may add text), name and type checks, then the evaluator. */
#include <stdio.h>
#include <string.h>

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

int cli_spec_process(struct cli_spec *s, const char *text, const value **out)
{
    struct cspm_module *m = s->m;
    *out = NULL;
    size_t before = diag_count(&m->diags);
    struct ast_node *e = cspm_parse_expression(m, text, strlen(text));
    const value *v = e && diag_count(&m->diags) == before ? eval_expr(s->ev, e) : NULL;
    if (v && v->kind != VAL_PROC) diag_error(&m->diags, e->loc, "'%s' is not a process", text);
    else if (v) *out = v;
    if (diag_count(&m->diags) != before) {
        diag_print(&m->diags, stderr);
        *out = NULL;
        return EXIT_INPUT;
    }
    return *out ? EXIT_HOLDS : EXIT_INPUT;
}

int cli_spec_open_process(const char *file, const char *text, struct cli_spec *s,
                          const value **out)
{
    *out = NULL;
    int status = cli_spec_open(cspm_load_file(file), s);
    return status == EXIT_HOLDS ? cli_spec_process(s, text, out) : status;
}
