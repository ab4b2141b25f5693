/* reports/ CI formats: the JUnit XML of passing, failing, error and limit results is valid
 * against Jenkins xUnit's junit-10.xsd (../shared/schemas) and carries what a CI page
 * shows: one testcase per assertion, failures with their counterexample, errors typed. */
#include <check.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>

#include "reports/format.h"
#include "reports/report.h"
#include "tests/unit/harness.h"

/* A file with one result of each kind; the failure a deadlock with a component table. */
static void sample(struct rpt_file *f)
{
    memset(f, 0, sizeof *f);
    f->file = strdup("specs/phils.csp");
    struct rpt_assertion *a = rpt_add(f);
    a->text = strdup("assert DESIGN :[deadlock free]");
    a->line = 20;
    a->result = RPT_PASS;
    a->seconds = 0.25;
    a = rpt_add(f);
    a->text = strdup("assert SYSTEM :[deadlock free]");
    a->line = 21;
    a->result = RPT_FAIL;
    a->kind = strdup("deadlock");
    rpt_push(&a->trace, "picks.0.0");
    rpt_push(&a->trace, "picks.1.1");
    a->components = calloc(1, sizeof *a->components);
    a->ncomponents = 1;
    a->components[0].name = strdup("PHIL(0)");
    a->components[0].state = strdup("picks.0.1 -> EAT");
    a->components[0].where = strdup("specs/phils.csp:7");
    a->check = "deadlock-free";
    a->col = 1;
    rpt_push(&a->components[0].last, "picks.0.0");
    a = rpt_add(f);
    a->text = strdup("assert P [T= Q <&> \"x\"\x01");   /* hostile bytes in a name */
    a->line = 22;
    a->result = RPT_ERROR;
    a->message = strdup("specs/phils.csp:22:14: evaluation error: division by zero");
    a = rpt_add(f);
    a->text = strdup("assert BIG :[divergence free]");
    a->result = RPT_LIMIT;
    a->message = strdup("LIMIT: more than 1000 states (--max-states)");
}

static const char *schema_path(void)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/schemas/junit-10.xsd", env_or("SHARED", "../shared"));
    return path;
}

/* 0 when xml is valid against the schema; the test is skipped, loudly, without it. */
static int validate(const char *xml, size_t len)
{
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(schema_path());
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    ck_assert_msg(schema != NULL, "cannot read %s", schema_path());
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, "junit.xml", NULL, XML_PARSE_NONET);
    ck_assert_msg(doc != NULL, "not XML:\n%s", xml);
    int r = xmlSchemaValidateDoc(vc, doc);
    xmlFreeDoc(doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    return r;
}

static char *junit_of(const struct rpt_file *f, size_t *len)
{
    char *buf = NULL;
    FILE *m = open_memstream(&buf, len);
    ck_assert_int_eq(rpt_junit(m, f), 0);
    fclose(m);
    return buf;
}

static int count(const char *xml, size_t len, const char *xpath)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, "junit.xml", NULL, XML_PARSE_NONET);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST xpath, ctx);
    int n = r && r->type == XPATH_NODESET ? xmlXPathNodeSetGetLength(r->nodesetval)
            : r                          ? (int)xmlXPathCastToNumber(r)
                                         : -1;
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return n;
}

START_TEST(junit_is_valid_and_complete)
{
    if (access(schema_path(), R_OK) != 0) {
        fprintf(stderr, "SKIPPED: %s is not there: JUnit output NOT validated\n", schema_path());
        return;
    }
    struct rpt_file f;
    sample(&f);
    size_t len;
    char *xml = junit_of(&f, &len);
    ck_assert_msg(validate(xml, len) == 0, "JUnit XML not valid:\n%s", xml);
    ck_assert_int_eq(count(xml, len, "/testsuites/testsuite[@name='specs/phils.csp'][@tests='4']"
                                     "[@failures='1'][@errors='2']"), 1);
    ck_assert_int_eq(count(xml, len, "//testcase[@classname='specs/phils.csp']"), 4);
    ck_assert_int_eq(count(xml, len, "//testcase[@name='assert DESIGN :[deadlock free]']"
                                     "[not(*)][@time='0.250']"), 1);
    ck_assert_int_eq(count(xml, len, "//testcase[@name='assert SYSTEM :[deadlock free]']/"
                                     "failure[@type='deadlock'][@message='deadlock after 2 events']"
                                     "[contains(., 'PHIL(0)')][contains(., 'picks.1.1')]"), 1);
    ck_assert_int_eq(count(xml, len, "//testcase/error[@type='error'][contains(@message, "
                                     "'specs/phils.csp:22:14: evaluation error')]"), 1);
    ck_assert_int_eq(count(xml, len, "//testcase[starts-with(@name, 'assert P [T= Q <&> \"x\"')]"), 1);
    ck_assert_int_eq(count(xml, len, "//testcase/error[@type='limit']"), 1);
    free(xml);
    /* An interrupted run says how much was left out. */
    f.not_checked = 3;
    xml = junit_of(&f, &len);
    ck_assert_int_eq(validate(xml, len), 0);
    ck_assert_int_eq(count(xml, len, "//system-err[contains(., '3 assertions not checked')]"), 1);
    free(xml);
    rpt_file_free(&f);
}
END_TEST

START_TEST(junit_of_trace_checks_is_valid)
{
    if (access(schema_path(), R_OK) != 0) return;
    struct rpt_traces t = {0};
    t.file = strdup("pipeline.csp");
    struct rpt_trace_check *c = rpt_trace_add(&t);
    c->trace_file = strdup("run.btr");
    c->process = strdup("PIPELINE");
    c->result = RPT_FAIL;
    c->kind = strdup("trace");
    c->index = 7;
    c->event = strdup("out.3");
    rpt_push(&c->allowed, "out.2");
    c = rpt_trace_add(&t);
    c->trace_file = strdup("cut.btr");
    c->process = strdup("PIPELINE");
    c->result = RPT_ERROR;
    c->message = strdup("cut.btr: damaged record at byte 120");
    char *xml = NULL;
    size_t len;
    FILE *m = open_memstream(&xml, &len);
    ck_assert_int_eq(rpt_junit_traces(m, &t), 0);
    fclose(m);
    ck_assert_msg(validate(xml, len) == 0, "JUnit XML not valid:\n%s", xml);
    ck_assert_int_eq(count(xml, len, "//testcase[@name='trace run.btr against PIPELINE']/"
                                     "failure[@message='trace at event 7']"), 1);
    ck_assert_int_eq(count(xml, len, "//testcase/error[contains(@message, 'byte 120')]"), 1);
    free(xml);
    rpt_traces_free(&t);
}
END_TEST


/* ---- SARIF ---- */

static char *emit(enum rpt_format fmt, const struct rpt_file *f, const struct rpt_context *x,
                  size_t *len)
{
    char *buf = NULL;
    FILE *m = open_memstream(&buf, len);
    ck_assert_int_eq(rpt_emit(m, fmt, f, x), 0);
    fclose(m);
    return buf;
}

/* Validates a SARIF log against ../shared/schemas/sarif-schema-2.1.0.json with Debian's
 * python3-jsonschema (installed by `make deps`): 0 when valid. */
static int sarif_valid(const char *json, size_t len)
{
    char schema[4096], file[] = "/tmp/baton-sarif-XXXXXX", cmd[9000];
    snprintf(schema, sizeof schema, "%s/schemas/sarif-schema-2.1.0.json", env_or("SHARED", "../shared"));
    ck_assert_msg(access(schema, R_OK) == 0, "%s is not there: SARIF NOT validated", schema);
    int fd = mkstemp(file);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, json, len), (ssize_t)len);
    close(fd);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 tools/sarif_valid.py '%s' '%s' >/dev/null", schema,
             file);
    int rc = system(cmd);
    unlink(file);
    ck_assert_msg(rc != -1 && WEXITSTATUS(rc) != 127,
                  "/usr/bin/python3 with jsonschema is needed (make deps installs it)");
    return rc;
}

START_TEST(sarif_is_valid_and_located)
{
    struct rpt_file f;
    sample(&f);
    size_t len;
    char *out = emit(RPT_SARIF, &f, NULL, &len);
    ck_assert_msg(sarif_valid(out, len) == 0, "SARIF not valid:\n%s", out);
    json_error_t e;
    json_t *log = json_loadb(out, len, 0, &e);
    ck_assert_ptr_nonnull(log);
    json_t *run = json_array_get(json_object_get(log, "runs"), 0);
    json_t *results = json_object_get(run, "results");
    /* The failure, the error and the limit; the pass is counted, not a result. */
    ck_assert_int_eq((int)json_array_size(results), 3);
    json_t *r = json_array_get(results, 0);
    ck_assert_str_eq(json_string_value(json_object_get(r, "ruleId")), "deadlock");
    ck_assert_str_eq(json_string_value(json_object_get(r, "level")), "error");
    json_t *region = json_object_get(json_object_get(
        json_array_get(json_object_get(r, "locations"), 0), "physicalLocation"), "region");
    ck_assert_int_eq((int)json_integer_value(json_object_get(region, "startLine")), 21);
    ck_assert_int_eq((int)json_integer_value(json_object_get(region, "startColumn")), 1);
    json_t *steps = json_object_get(json_array_get(json_object_get(json_array_get(
        json_object_get(r, "codeFlows"), 0), "threadFlows"), 0), "locations");
    /* Two events, then the component's state at its definition (line 7). */
    ck_assert_int_eq((int)json_array_size(steps), 3);
    json_t *last = json_object_get(json_array_get(steps, 2), "location");
    ck_assert_int_eq((int)json_integer_value(json_object_get(json_object_get(json_object_get(
                         last, "physicalLocation"), "region"), "startLine")), 7);
    ck_assert_ptr_nonnull(strstr(out, "PHIL(0) is picks.0.1 -> EAT"));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(results, 1), "ruleId")),
                     "check-error");
    json_t *lim = json_array_get(results, 2);
    ck_assert_str_eq(json_string_value(json_object_get(lim, "kind")), "open");
    ck_assert_ptr_null(json_object_get(lim, "level"));
    json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
    ck_assert(json_is_false(json_object_get(inv, "executionSuccessful")));
    json_decref(log);
    free(out);
    /* All passing: no results, a successful invocation, still valid. */
    f.n = 1;
    out = emit(RPT_SARIF, &f, NULL, &len);
    ck_assert_int_eq(sarif_valid(out, len), 0);
    ck_assert_ptr_nonnull(strstr(out, "\"results\": []"));
    ck_assert_ptr_nonnull(strstr(out, "\"executionSuccessful\": true"));
    free(out);
    f.n = 4;
    rpt_file_free(&f);
}
END_TEST

START_TEST(sarif_of_trace_checks_is_valid)
{
    struct rpt_traces t = {0};
    t.file = strdup("my specs/pipe:line.csp");       /* a space and a colon in the path */
    struct rpt_trace_check *c = rpt_trace_add(&t);
    c->trace_file = strdup("run.btr");
    c->process = strdup("PIPELINE");
    c->result = RPT_FAIL;
    c->kind = strdup("trace");
    c->index = 7;
    c->elided = 4;
    c->event = strdup("out.3");
    rpt_push(&c->trace, "in.1");
    rpt_push(&c->trace, "in.2");
    c = rpt_trace_add(&t);
    c->trace_file = strdup("cut.btr");
    c->process = strdup("PIPELINE");
    c->result = RPT_LIMIT;
    c->message = strdup("stopped at the time limit");
    char *out = NULL;
    size_t len;
    FILE *m = open_memstream(&out, &len);
    ck_assert_int_eq(rpt_emit_traces(m, RPT_SARIF, &t, NULL), 0);
    fclose(m);
    ck_assert_msg(sarif_valid(out, len) == 0, "SARIF not valid:\n%s", out);
    ck_assert_ptr_nonnull(strstr(out, "\"uri\": \"my%20specs/pipe%3Aline.csp\""));
    ck_assert_ptr_nonnull(strstr(out, "\"ruleId\": \"trace-conformance\""));
    ck_assert_ptr_nonnull(strstr(out, "7. out.3, which PIPELINE does not allow"));
    ck_assert_ptr_nonnull(strstr(out, "4 earlier events"));
    free(out);
    rpt_traces_free(&t);
}
END_TEST

/* ---- GitHub workflow commands ---- */

START_TEST(github_commands_are_escaped)
{
    struct rpt_file f;
    sample(&f);
    free(f.a[1].text);
    f.a[1].text = strdup("assert A:[deadlock free], 100%\nB");
    size_t len;
    char *out = emit(RPT_GITHUB, &f, NULL, &len);
    ck_assert_ptr_nonnull(strstr(out, "::error file=specs/phils.csp,line=21,col=1,"
                                      "title=baton%3A assert A%3A[deadlock free]%2C 100%25%0AB::"
                                      "deadlock after 2 events: picks.0.0, picks.1.1\n"));
    ck_assert_ptr_nonnull(strstr(out, "::error file=specs/phils.csp,line=22,title="));
    ck_assert_ptr_nonnull(strstr(out, "::warning file=specs/phils.csp,title="));
    ck_assert_ptr_null(strstr(out, "::notice"));
    ck_assert_ptr_nonnull(strstr(out, "4 assertions: 1 passed, 1 failed"));
    free(out);
    struct rpt_context x = {.notices = true};
    out = emit(RPT_GITHUB, &f, &x, &len);
    ck_assert_ptr_nonnull(strstr(out, "::notice file=specs/phils.csp,line=20,title="));
    /* Every line is a command or the summary: no raw newline inside a command. */
    int lines = 0;
    for (char *p = out; *p; p++) lines += *p == '\n';
    ck_assert_int_eq(lines, 5);
    free(out);
    rpt_file_free(&f);
}
END_TEST

/* ---- HTML ---- */

static int html_count(xmlDocPtr doc, const char *xpath)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST xpath, ctx);
    int n = r && r->type == XPATH_NODESET ? xmlXPathNodeSetGetLength(r->nodesetval) : -1;
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    return n;
}

START_TEST(html_is_self_contained)
{
    struct rpt_file f;
    sample(&f);
    char *charts[4] = {NULL,
                       "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<!-- c -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"><g id=\"chart\"/></svg>\n",
                       NULL, NULL};
    const char *src = "-- phils\nchannel picks : {0..1}.{0..1}\n\n\n\n\nPHIL(i) = picks.i.i -> STOP\n"
                      "\n\n\n\n\n\n\n\n\n\n\n\nassert DESIGN :[deadlock free]\n"
                      "assert SYSTEM :[deadlock free]\n";
    struct rpt_context x = {.source = src, .charts = charts};
    size_t len;
    char *out = emit(RPT_HTML, &f, &x, &len);
    htmlDocPtr doc = htmlReadMemory(out, (int)len, "report.html", "utf-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    ck_assert_ptr_nonnull(doc);
    ck_assert_int_eq(html_count(doc, "//script"), 0);
    ck_assert_int_eq(html_count(doc, "//link"), 0);
    ck_assert_int_eq(html_count(doc, "//*[@src]"), 0);
    ck_assert_int_eq(html_count(doc, "//*[@href][not(starts-with(@href, '#'))]"), 0);
    ck_assert_int_eq(html_count(doc, "//section[contains(@class, 'check')]"), 4);
    ck_assert_int_eq(html_count(doc, "//section[@id='a2']//figure/svg/g[@id='chart']"), 1);
    /* The failing assertion's line and its component's definition, highlighted. */
    ck_assert_int_eq(html_count(doc, "//section[@id='a2']//pre/mark[contains(., 'assert SYSTEM')]"), 1);
    ck_assert_int_eq(html_count(doc, "//section[@id='a2']//pre/mark[contains(., 'PHIL(i) =')]"), 1);
    ck_assert_int_eq(html_count(doc, "//section[@id='a2']//table[@class='components']//td[.='PHIL(0)']"), 1);
    ck_assert_int_eq(html_count(doc, "//div[contains(@class, 'banner') and contains(., 'FAILED')]"), 1);
    xmlFreeDoc(doc);
    /* Hostile text is escaped, never markup; no CSS url() fetches anything. */
    ck_assert_ptr_null(strstr(out, "<&>"));
    ck_assert_ptr_nonnull(strstr(out, "&lt;&amp;&gt;"));
    ck_assert_ptr_null(strstr(out, "url("));
    ck_assert_ptr_null(strstr(out, "@import"));
    free(out);
    rpt_file_free(&f);
}
END_TEST

/* ---- a program's run judged on its own (baton run without a spec) ---- */

static void deadlocked_run(struct rpt_traces *t)
{
    memset(t, 0, sizeof *t);
    t->file = strdup("./philosophers");
    struct rpt_trace_check *c = rpt_trace_add(t);
    c->trace_file = strdup("run.btr");
    c->program = strdup("./philosophers");
    c->result = RPT_FAIL;
    c->kind = strdup("deadlock");
    c->events = 5;
    rpt_push(&c->trace, "picks.0.0");
    rpt_push(&c->trace, "picks.1.1");
    const char *names[] = {"philosopher0", "philosopher1", "main"};
    for (int i = 0; i < 3; i++) {
        struct rpt_blocked *b = rpt_blocked_add(c);
        b->process = strdup(names[i]);
        b->waits = strdup(i < 2 ? "waits to send picks.0.1" : "waits for 2 processes in a par");
        if (i < 2) {
            b->file = strdup("examples/philosophers/philosophers.c");
            b->line = 30 + (unsigned)i;
            b->last = strdup("picks.0.0 with fork0");
        }
        b->in_cycle = i < 2;
    }
}

START_TEST(run_reports_point_at_the_blocked_sites)
{
    struct rpt_traces t;
    deadlocked_run(&t);
    char *out = NULL;
    size_t len;
    FILE *m = open_memstream(&out, &len);
    ck_assert_int_eq(rpt_emit_traces(m, RPT_SARIF, &t, NULL), 0);
    fclose(m);
    ck_assert_msg(sarif_valid(out, len) == 0, "SARIF not valid:\n%s", out);
    ck_assert_ptr_nonnull(strstr(out, "\"ruleId\": \"deadlock\""));
    ck_assert_ptr_nonnull(strstr(out, "\"uri\": \"examples/philosophers/philosophers.c\""));
    ck_assert_ptr_nonnull(strstr(out, "\"startLine\": 30"));
    ck_assert_ptr_nonnull(strstr(out, "philosopher1 waits to send picks.0.1 (on the wait-for cycle)"));
    free(out);
    m = open_memstream(&out, &len);
    ck_assert_int_eq(rpt_emit_traces(m, RPT_GITHUB, &t, NULL), 0);
    fclose(m);
    ck_assert_ptr_nonnull(strstr(out, "::error file=examples/philosophers/philosophers.c,line=30,"
                                      "title=baton%3A run of ./philosophers::./philosophers "
                                      "deadlocked after 5 events: 3 processes blocked forever"));
    free(out);
    m = open_memstream(&out, &len);
    ck_assert_int_eq(rpt_emit_traces(m, RPT_JUNIT, &t, NULL), 0);
    fclose(m);
    ck_assert_msg(access(schema_path(), R_OK) != 0 || validate(out, len) == 0, "JUnit:\n%s", out);
    ck_assert_int_eq(count(out, len, "//testcase[@name='run of ./philosophers']/failure"
                                     "[contains(., 'philosopher0 waits to send picks.0.1 at "
                                     "examples/philosophers/philosophers.c:30')]"), 1);
    free(out);
    char *charts[1] = {"<svg><g id=\"waitfor\"/></svg>"};
    struct rpt_context x = {.charts = charts};
    m = open_memstream(&out, &len);
    ck_assert_int_eq(rpt_emit_traces(m, RPT_HTML, &t, &x), 0);
    fclose(m);
    htmlDocPtr doc = htmlReadMemory(out, (int)len, "run.html", "utf-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    ck_assert_int_eq(html_count(doc, "//figure/svg/g[@id='waitfor']"), 1);
    ck_assert_int_eq(html_count(doc, "//tr[@class='cycle']"), 2);
    ck_assert_int_eq(html_count(doc, "//td[contains(., 'philosophers.c:31')]"), 1);
    ck_assert_int_eq(html_count(doc, "//script"), 0);
    xmlFreeDoc(doc);
    free(out);
    rpt_traces_free(&t);
}
END_TEST

Suite *reports_ci_suite(void);
Suite *reports_ci_suite(void)
{
    Suite *s = suite_create("reports_ci");
    TCase *tc = tcase_create("junit");
    tcase_add_test(tc, junit_is_valid_and_complete);
    tcase_add_test(tc, junit_of_trace_checks_is_valid);
    suite_add_tcase(s, tc);
    tc = tcase_create("sarif");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, sarif_is_valid_and_located);
    tcase_add_test(tc, sarif_of_trace_checks_is_valid);
    suite_add_tcase(s, tc);
    tc = tcase_create("github");
    tcase_add_test(tc, github_commands_are_escaped);
    suite_add_tcase(s, tc);
    tc = tcase_create("html");
    tcase_add_test(tc, html_is_self_contained);
    tcase_add_test(tc, run_reports_point_at_the_blocked_sites);
    suite_add_tcase(s, tc);
    return s;
}
