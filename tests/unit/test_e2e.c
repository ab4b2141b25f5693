/* End-to-end command tests, data-driven: every .t file of tests/e2e is a list of cases
 *
 *     # a comment
 *     $ baton eval specs/x.csp '1 + 1'     the command, run with sh from the project's root
 *     exit 0                               the exit code it must return (default 0)
 *     stdout 2                             a fragment its stdout must contain (repeatable)
 *     stderr error: unknown name           a fragment its stderr must contain (repeatable)
 *     !stdout Traceback                    a fragment stdout must not contain (also !stderr)
 *
 * separated by blank lines.  Each case is one Check test, named by its file and line. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"

enum { MAX_EXPECT = 32 };

struct expect {
    enum { IN_OUT, IN_ERR, NOT_IN_OUT, NOT_IN_ERR } where;
    char *text;
};

struct e2e_case {
    char *file;
    int line;
    char *cmd;
    int exit_code;
    struct expect expects[MAX_EXPECT];
    int nexpects;
};

static struct e2e_case *cases;
static size_t ncases, cap_cases;

static void add_case(const char *file, int line, const char *cmd)
{
    if (ncases == cap_cases) {
        cap_cases = cap_cases ? 2 * cap_cases : 64;
        cases = realloc(cases, cap_cases * sizeof *cases);
        if (!cases) abort();
    }
    struct e2e_case *c = &cases[ncases++];
    memset(c, 0, sizeof *c);
    c->file = strdup(file);
    c->line = line;
    c->cmd = strdup(cmd);
}

/* Reads one .t file into `cases`; a malformed line becomes a case that fails and says why. */
static void load(const char *path)
{
    char *text = read_whole_file(path, NULL);
    if (!text) return;
    int lineno = 0;
    struct e2e_case *cur = NULL;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        lineno++;
        if (line[0] == '#') continue;
        if (line[0] == '\0') { cur = NULL; continue; }
        if (strncmp(line, "$ ", 2) == 0) {
            add_case(path, lineno, line + 2);
            cur = &cases[ncases - 1];
            continue;
        }
        static const struct { const char *key; int where; } keys[] = {
            {"stdout ", IN_OUT}, {"stderr ", IN_ERR}, {"!stdout ", NOT_IN_OUT}, {"!stderr ", NOT_IN_ERR},
        };
        int done = 0;
        if (cur && strncmp(line, "exit ", 5) == 0) {
            cur->exit_code = atoi(line + 5);
            done = 1;
        }
        for (size_t k = 0; cur && !done && k < sizeof keys / sizeof keys[0]; k++) {
            size_t kl = strlen(keys[k].key);
            if (strncmp(line, keys[k].key, kl) != 0) continue;
            if (cur->nexpects < MAX_EXPECT) {
                cur->expects[cur->nexpects].where = keys[k].where;
                cur->expects[cur->nexpects].text = strdup(line + kl);
                cur->nexpects++;
            }
            done = 1;
        }
        if (!done) {
            /* A line the format does not know: report it as a failing case. */
            char msg[512];
            snprintf(msg, sizeof msg, "echo 'malformed test line: %.200s' >&2; exit 99", line);
            add_case(path, lineno, msg);
            cur = NULL;
        }
    }
    free(text);
}

START_TEST(e2e_case)
{
    const struct e2e_case *c = &cases[_i];
    struct outcome o;
    ck_assert_msg(run_command(c->cmd, &o) == 0, "%s:%d: could not run '%s'", c->file, c->line,
                  c->cmd);
    ck_assert_msg(o.status == c->exit_code,
                  "%s:%d: '%s' exited %d, expected %d\n--- stdout:\n%.2000s\n--- stderr:\n%.2000s",
                  c->file, c->line, c->cmd, o.status, c->exit_code, o.out, o.err);
    for (int k = 0; k < c->nexpects; k++) {
        const struct expect *e = &c->expects[k];
        const char *hay = (e->where == IN_OUT || e->where == NOT_IN_OUT) ? o.out : o.err;
        int want = e->where == IN_OUT || e->where == IN_ERR;
        int found = strstr(hay, e->text) != NULL;
        ck_assert_msg(found == want, "%s:%d: '%s': %s %s '%s'\n--- it was:\n%.3000s", c->file,
                      c->line, c->cmd, (e->where == IN_OUT || e->where == NOT_IN_OUT) ? "stdout" : "stderr",
                      want ? "lacks" : "contains", e->text, hay);
    }
    outcome_free(&o);
}
END_TEST

Suite *e2e_suite(void);
Suite *e2e_suite(void)
{
    size_t nfiles;
    char **files = list_files("tests/e2e", ".t", &nfiles);
    /* E2E_ONLY=explore.t: only the files whose path contains it (while working on one) */
    const char *only = getenv("E2E_ONLY");
    for (size_t i = 0; i < nfiles; i++)
        if (!only || strstr(files[i], only)) load(files[i]);
    free_paths(files, nfiles);

    Suite *s = suite_create("e2e");
    TCase *tc = tcase_create("commands");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, e2e_case, 0, (int)ncases);
    suite_add_tcase(s, tc);
    return s;
}
