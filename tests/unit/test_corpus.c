/* The .csp corpora, data-driven: in every .csp file of tests/corpus, each `assert` is preceded by a
 * comment giving its verdict (the justification belongs in the comments around it):
 *
 *     -- expect: pass
 *     assert SYSTEM :[deadlock free]
 *     -- expect: fail len=4          (4 = events before the violation in the counterexample)
 *     assert SPEC [T= IMPL
 *     -- expect: error "3:17: evaluation error: value 9"   (the message contains the text)
 *     assert SYSTEM :[deadlock free]
 *
 * Each file is one Check test: `baton check --format json FILE` must give every assertion its
 * expected result and, where a length is given, a counterexample of exactly that length. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"

struct expectation {
    int line;      /* line of the assert it precedes */
    int fails;     /* 1: expect fail, 0: expect pass, 2: expect error */
    int len;       /* counterexample length, or -1 when not given */
    char message[160];  /* error: text the message must contain ("" for any) */
};

static const char *const result_words[] = {"pass", "fail", "error"};

enum { MAX_ASSERTS = 512 };

/* Reads the expectations of a corpus file.  Returns their number, or -1 with *why set (a
 * static message and *why_line) when an assert has no expectation or one is malformed. */
static int parse_expectations(const char *text, struct expectation *v, int max, const char **why,
                              int *why_line)
{
    int n = 0, lineno = 0, pending = 0;
    struct expectation cur = {0, 0, -1, ""};
    for (const char *line = text; line && *line; ) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        lineno++;
        const char *p = line;
        while (p < line + len && (*p == ' ' || *p == '\t')) p++;
        if (strncmp(p, "-- expect:", 10) == 0) {
            p += 10;
            while (*p == ' ') p++;
            cur.len = -1;
            cur.message[0] = 0;
            if (strncmp(p, "error", 5) == 0) {
                cur.fails = 2;
                const char *q = memchr(p, '"', (size_t)(line + len - p)), *e = NULL;
                if (q) e = memchr(q + 1, '"', (size_t)(line + len - q - 1));
                if (q && e && (size_t)(e - q - 1) < sizeof cur.message)
                    snprintf(cur.message, sizeof cur.message, "%.*s", (int)(e - q - 1), q + 1);
            } else if (strncmp(p, "pass", 4) == 0) {
                cur.fails = 0;
            } else if (strncmp(p, "fail", 4) == 0) {
                cur.fails = 1;
                const char *l = strstr(p, "len=");
                if (l && l < line + len) cur.len = atoi(l + 4);
            } else {
                *why = "an expectation must be 'pass', 'fail [len=N]' or 'error [\"text\"]'";
                *why_line = lineno;
                return -1;
            }
            pending = 1;
        } else if (strncmp(p, "assert", 6) == 0 && (p[6] == ' ' || p[6] == '\t')) {
            if (!pending) {
                *why = "assert without a '-- expect:' line before it";
                *why_line = lineno;
                return -1;
            }
            if (n == max) {
                *why = "too many asserts in one file";
                *why_line = lineno;
                return -1;
            }
            cur.line = lineno;
            v[n++] = cur;
            pending = 0;
        }
        line = end ? end + 1 : NULL;
    }
    return n;
}

START_TEST(expectations_are_read)
{
    struct expectation v[4];
    const char *why = NULL;
    int wl = 0;
    const char *text = "P = a -> P\n-- expect: pass\nassert P :[deadlock free]\n"
                       "  -- expect: fail len=3\nassert P [T= STOP\n";
    ck_assert_int_eq(parse_expectations(text, v, 4, &why, &wl), 2);
    ck_assert_int_eq(v[0].line, 3);
    ck_assert_int_eq(v[0].fails, 0);
    ck_assert_int_eq(v[1].line, 5);
    ck_assert_int_eq(v[1].fails, 1);
    ck_assert_int_eq(v[1].len, 3);
}
END_TEST

START_TEST(assert_without_expectation_is_an_error)
{
    struct expectation v[4];
    const char *why = NULL;
    int wl = 0;
    ck_assert_int_eq(parse_expectations("-- expect: pass\nassert P :[deadlock free]\nassert Q [T= P\n", v,
                                        4, &why, &wl), -1);
    ck_assert_int_eq(wl, 3);
    ck_assert_int_eq(parse_expectations("-- expect: maybe\nassert P [T= P\n", v, 4, &why, &wl), -1);
    ck_assert_int_eq(wl, 1);
}
END_TEST

static char **corpus;
static size_t ncorpus;

START_TEST(corpus_file)
{
    const char *path = corpus[_i];
    char *text = read_whole_file(path, NULL);
    ck_assert_msg(text != NULL, "%s: cannot read", path);
    static struct expectation want[MAX_ASSERTS];
    const char *why = NULL;
    int why_line = 0;
    int n = parse_expectations(text, want, MAX_ASSERTS, &why, &why_line);
    free(text);
    ck_assert_msg(n >= 0, "%s:%d: %s", path, why_line, why);

    char cmd[4096];
    snprintf(cmd, sizeof cmd, "baton check --format json '%s'", path);
    struct outcome o;
    ck_assert_int_eq(run_command(cmd, &o), 0);
    int errors = 0;
    for (int i = 0; i < n; i++) errors += want[i].fails == 2;
    ck_assert_msg(o.status == 0 || o.status == 1 || (errors && o.status == 2),
                  "%s: baton check exited %d\n%.2000s", path, o.status, o.err);
    json_error_t jerr;
    json_t *doc = json_loads(o.out, 0, &jerr);
    ck_assert_msg(doc != NULL, "%s: output is not JSON (%s)\n%.2000s", path, jerr.text, o.out);
    json_t *got = json_object_get(doc, "assertions");
    ck_assert_msg(json_is_array(got), "%s: no \"assertions\" array", path);
    ck_assert_msg((int)json_array_size(got) == n, "%s: %d assertions checked, %d expected", path,
                  (int)json_array_size(got), n);
    for (int i = 0; i < n; i++) {
        json_t *a = json_array_get(got, (size_t)i);
        int line = (int)json_integer_value(json_object_get(a, "line"));
        const char *result = json_string_value(json_object_get(a, "result"));
        ck_assert_msg(line == want[i].line, "%s: assertion %d is on line %d, expected line %d",
                      path, i + 1, line, want[i].line);
        const char *message = json_string_value(json_object_get(a, "message"));
        ck_assert_msg(result && strcmp(result, result_words[want[i].fails]) == 0,
                      "%s:%d: %s, expected %s (%s)", path, line, result ? result : "no result",
                      result_words[want[i].fails], message ?: "");
        ck_assert_msg(!want[i].message[0] || (message && strstr(message, want[i].message)),
                      "%s:%d: message \"%s\" does not contain \"%s\"", path, line,
                      message ?: "", want[i].message);
        if (want[i].fails == 1 && want[i].len >= 0) {
            json_t *trace = json_object_get(json_object_get(a, "counterexample"), "trace");
            ck_assert_msg(json_is_array(trace), "%s:%d: no counterexample trace", path, line);
            ck_assert_msg((int)json_array_size(trace) == want[i].len,
                          "%s:%d: counterexample of %d events, expected %d", path, line,
                          (int)json_array_size(trace), want[i].len);
        }
    }
    json_decref(doc);
    outcome_free(&o);
}
END_TEST

Suite *corpus_suite(void);
Suite *corpus_suite(void)
{
    Suite *s = suite_create("corpus");
    TCase *tc = tcase_create("expectations");
    tcase_add_test(tc, expectations_are_read);
    tcase_add_test(tc, assert_without_expectation_is_an_error);
    suite_add_tcase(s, tc);

    corpus = list_files("tests/corpus", ".csp", &ncorpus);
    TCase *files = tcase_create("files");
    tcase_set_timeout(files, 300);
    tcase_add_loop_test(files, corpus_file, 0, (int)ncorpus);
    suite_add_tcase(s, files);
    return s;
}
