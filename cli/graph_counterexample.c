/* `baton graph counterexample SPEC.csp [--assert TEXT]… [-o FILE]`: the message sequence
 * chart of each failing assertion (reports/picture_chart.h), checked exactly as `baton check`
 * checks them (cli/check.h); and `baton check --graphs DIR`, which draws the same charts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/check.h"
#include "cli/cli.h"
#include "cli/graph.h"
#include "reports/picture_chart.h"
#include "reports/report.h"

/* The assertion as a file name's stem: "l20-SYSTEM :[deadlock free]" (graph_file_in makes
 * it safe), or "a2-…" for the second --assert. */
static char *stem_of(const struct rpt_assertion *a, size_t k)
{
    const char *text = a->text ? a->text : "assert";
    if (strncmp(text, "assert ", 7) == 0) text += 7;
    char *s = NULL;
    int n = a->line ? asprintf(&s, "l%d-%s", a->line, text) : asprintf(&s, "a%zu-%s", k + 1, text);
    return n < 0 ? NULL : s;
}

/* Where the k-th (from 1) of several charts goes: FILE.ext becomes FILE-k.ext. */
static char *numbered(const char *path, size_t k)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    if (!dot || dot == (slash ? slash + 1 : path)) dot = path + strlen(path);
    char *s = NULL;
    if (asprintf(&s, "%.*s-%zu%s", (int)(dot - path), path, k, dot) < 0) return NULL;
    return s;
}

static int draw(const struct rpt_assertion *a, const struct rpt_chart_options *co,
                const struct graph_output *out)
{
    gr_graph *g = rpt_chart(a, co);
    if (!g) {
        fputs("baton: out of memory drawing the chart\n", stderr);
        return EXIT_INPUT;
    }
    int status = graph_emit(g, out);
    gr_free(g);
    return status;
}

int graph_charts_in(const char *dir, const struct rpt_file *f)
{
    int status = EXIT_HOLDS;
    for (size_t i = 0, k = 0; i < f->n; i++) {
        const struct rpt_assertion *a = &f->a[i];
        size_t nth = a->line ? 0 : k++;
        if (a->result != RPT_FAIL) continue;
        char *stem = stem_of(a, nth);
        char *path = stem ? graph_file_in(dir, stem) : NULL;
        free(stem);
        if (!path) return EXIT_INPUT;  /* graph_file_in said why */
        struct graph_output out = {path, "svg"};
        if (draw(a, NULL, &out) == EXIT_HOLDS)
            fprintf(stderr, "baton: the counterexample of %s is drawn in %s\n",
                    a->text ? a->text : "the assertion", path);
        else
            status = EXIT_INPUT;
        free(path);
    }
    return status;
}

int graph_counterexample(int argc, char **argv)
{
    struct check_options o;
    memset(&o, 0, sizeof o);
    struct graph_output out = {0};
    struct rpt_chart_options co = {0};
    struct rpt_file report = {0};
    int status = EXIT_INPUT;
    o.asserts = calloc((size_t)argc, sizeof *o.asserts);
    if (!o.asserts) return cli_usage_error("graph", "out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int took = graph_output_option("counterexample", argc, argv, &i, &out);
        if (took < 0) goto out;
        if (took) continue;
        if (strcmp(a, "--assert") == 0 || strcmp(a, "--max-steps") == 0 ||
            strcmp(a, "--max-states") == 0) {
            if (i + 1 >= argc) {
                cli_usage_error("graph", "graph counterexample: %s needs a value", a);
                goto out;
            }
            const char *v = argv[++i];
            if (strcmp(a, "--assert") == 0) {
                o.asserts[o.nasserts++] = v;
                continue;
            }
            char *end;
            errno = 0;
            unsigned long long n = strtoull(v, &end, 10);
            if (errno || *end || n == 0 || v[0] == '-') {
                cli_usage_error("graph", "%s needs a positive number, not '%s'", a, v);
                goto out;
            }
            if (strcmp(a, "--max-steps") == 0)
                co.max_steps = (size_t)n;
            else
                o.lim.max_states = n;
        } else if (a[0] == '-' && a[1]) {
            cli_usage_error("graph", "graph counterexample: unknown option '%s'", a);
            goto out;
        } else if (o.file) {
            cli_usage_error("graph", "graph counterexample: one specification at a time ('%s' "
                                     "and '%s')", o.file, a);
            goto out;
        } else {
            o.file = a;
        }
    }
    if (!o.file) {
        cli_usage_error("graph", "which specification? (baton graph counterexample SPEC.csp "
                                 "[--assert 'TEXT'])");
        goto out;
    }
    check_options_defaults(&o);
    status = check_assertions(&o, &report, NULL, NULL);
    if (status != EXIT_HOLDS) goto out;

    size_t fails = 0, errors = 0, limits = 0;
    for (size_t i = 0; i < report.n; i++) {
        const struct rpt_assertion *a = &report.a[i];
        const char *text = a->text ? a->text : "assert";
        switch (a->result) {
        case RPT_FAIL: fails++; break;
        case RPT_PASS:
            fprintf(stderr, "baton: %s holds: no counterexample to draw\n", text);
            break;
        case RPT_ERROR:
            errors++;
            fprintf(stderr, "baton: %s: %s\n", text, a->message ? a->message : "error");
            break;
        case RPT_LIMIT:
            limits++;
            fprintf(stderr, "baton: %s: %s\n", text, a->message ? a->message : "a limit was hit");
            break;
        }
    }
    const char *format = out.format ? out.format : out.path ? gr_format_of(out.path) : "dot";
    if (fails > 1 && !out.path && format && strcmp(format, "dot") != 0) {
        fprintf(stderr, "baton: %zu assertions fail: give -o FILE for their %s charts "
                        "(FILE-1, FILE-2, …)\n", fails, format);
        status = EXIT_INPUT;
        goto out;
    }
    if (!report.n) fputs("baton: no assertion to draw\n", stderr);
    /* Several charts: the k-th in FILE-k.ext, each path on stdout; without -o, DOT graphs
     * one after another (dot reads them so). */
    for (size_t i = 0, k = 0; i < report.n && status == EXIT_HOLDS; i++) {
        const struct rpt_assertion *a = &report.a[i];
        if (a->result != RPT_FAIL) continue;
        k++;
        struct graph_output one = out;
        char *path = NULL;
        if (fails > 1 && out.path) {
            one.path = path = numbered(out.path, k);
            if (!path) {
                status = EXIT_INPUT;
                break;
            }
        }
        status = draw(a, &co, &one);
        if (status == EXIT_HOLDS && path) printf("%s\n", path);
        free(path);
    }
    if (status == EXIT_HOLDS) status = errors ? EXIT_INPUT : limits ? EXIT_LIMIT : EXIT_HOLDS;
out:
    rpt_file_free(&report);
    free(o.asserts);
    return status;
}
