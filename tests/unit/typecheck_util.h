/* Shared by the renamer and typechecker suites: the static-check errors of a CSPm text. */
#ifndef BATON_TEST_TYPECHECK_UTIL_H
#define BATON_TEST_TYPECHECK_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/parser.h"
#include "model/types.h"

/* The errors of loading and checking TEXT, one "L:C: message" a line ("" when it is well
 * typed), and the number types_check returned in *N (when N is not NULL).  Caller frees. */
static inline char *static_errors(const char *text, int *n)
{
    struct cspm_module *m = cspm_load_string("t.csp", text, strlen(text));
    int k = diag_count(&m->diags) ? -1 : types_check(m);
    if (n) *n = k;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) abort();
    for (size_t i = 0; i < m->diags.count; i++)
        fprintf(f, "%u:%u: %s\n", m->diags.items[i].loc.line, m->diags.items[i].loc.col,
                m->diags.items[i].msg);
    fclose(f);
    cspm_module_free(m);
    return buf;
}

#define CHECK_ERRORS(text, expected)                                                               \
    do {                                                                                           \
        char *got_ = static_errors(text, NULL);                                                    \
        ck_assert_str_eq(got_, expected);                                                          \
        free(got_);                                                                                \
    } while (0)

#define CHECK_OK(text) CHECK_ERRORS(text, "")

#endif
