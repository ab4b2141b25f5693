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
#include <unistd.h>

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

Suite *reports_ci_suite(void);
Suite *reports_ci_suite(void)
{
    Suite *s = suite_create("reports_ci");
    TCase *tc = tcase_create("junit");
    tcase_add_test(tc, junit_is_valid_and_complete);
    tcase_add_test(tc, junit_of_trace_checks_is_valid);
    suite_add_tcase(s, tc);
    return s;
}
