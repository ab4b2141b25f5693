/* pictures_chart: counterexample charts (reports/picture_chart.h), read back as DOT and SVG.
 * The specs of tests/e2e/data/graph_chart/ are drawn by `baton graph counterexample`, so the
 * steps come from the checker itself; hand-made assertions test elision and the lifeline cap.
 *
 * The chart's node ids are its grid: "r{row}_c{column}" (row 0 the names, the last row the
 * ends), "t{row}" the text column; columns follow the components' first part. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/graph.h"
#include "reports/picture_chart.h"
#include "reports/report.h"
#include "tests/unit/harness.h"
#include "tests/unit/picture.h"

#define DATA "tests/e2e/data/graph_chart/"

/* The DOT chart of SPEC's failing assertion (extra: more arguments), parsed. */
static pic_dot *chart_of(const char *spec, const char *extra)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "baton graph counterexample %s %s --format dot", spec, extra);
    struct outcome o;
    ck_assert_int_eq(run_command(cmd, &o), 0);
    ck_assert_msg(o.status == 0, "%s: exit %d: %s", cmd, o.status, o.err);
    pic_dot *d = pic_dot_parse(o.out);
    ck_assert_msg(d != NULL, "not DOT:\n%s", o.out);
    outcome_free(&o);
    return d;
}

START_TEST(deadlock_shows_who_waits_for_whom)
{
    pic_dot *d = chart_of(DATA "deadlock.csp", "");
    /* three lifelines, named as the spec names them */
    ck_assert(strstr(pic_dot_node_attr(d, "r0_c0", "label"), "P(0)"));
    ck_assert(strstr(pic_dot_node_attr(d, "r0_c1", "label"), "P(1)"));
    ck_assert(strstr(pic_dot_node_attr(d, "r0_c2", "label"), "P(2)"));
    ck_assert(!pic_dot_has_node(d, "r0_c3"));
    /* a row per step: start.i performed by P(i) alone, drawn as a filled dot */
    ck_assert(strstr(pic_dot_node_attr(d, "t1", "label"), "start.0"));
    ck_assert_str_eq(pic_dot_node_attr(d, "r1_c0", "shape"), "circle");
    ck_assert_str_eq(pic_dot_node_attr(d, "r1_c1", "fillcolor"), "");
    ck_assert(strstr(pic_dot_node_attr(d, "t3", "label"), "start.2"));
    /* the end: each waits for its left neighbour's pass, held up by it; all in the cycle */
    ck_assert(strstr(pic_dot_node_attr(d, "t4", "label"), "deadlock"));
    for (int i = 0; i < 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "r4_c%d", i);
        ck_assert(strstr(pic_dot_node_attr(d, id, "label"), "waits for"));
    }
    ck_assert_uint_eq(pic_dot_nodes_with(d, "label", "held up by"), 3);
    ck_assert(strstr(pic_dot_node_attr(d, "r4_c0", "label"), "pass.2"));
    ck_assert(strstr(pic_dot_node_attr(d, "r4_c0", "label"), "P(2)"));
    ck_assert_str_eq(pic_dot_node_attr(d, "r4_c1", "color"), "red");
    ck_assert(strstr(pic_dot_node_attr(d, "t5", "label"), "P(0) → P(2) → P(1) → P(0)"));
    /* lifelines join each column from the names to the ends */
    ck_assert_uint_eq(pic_dot_edges_between(d, "r0_c2", "r1_c2", false), 1);
    ck_assert_uint_eq(pic_dot_edges_between(d, "r3_c2", "r4_c2", false), 1);
    pic_dot_free(d);
}
END_TEST

START_TEST(philosophers_bars_join_the_partners)
{
    pic_dot *d = chart_of("examples/philosophers/philosophers.csp", "--assert 'SYSTEM :[deadlock free]'");
    /* partners sit side by side: PHIL(0), FORK(0), PHIL(1), … */
    ck_assert(strstr(pic_dot_node_attr(d, "r0_c0", "label"), "PHIL(0)"));
    ck_assert(strstr(pic_dot_node_attr(d, "r0_c1", "label"), "FORK(0)"));
    ck_assert(strstr(pic_dot_node_attr(d, "r0_c2", "label"), "PHIL(1)"));
    /* picks.0.0 is a bar from PHIL(0) to FORK(0); the next segment is not drawn */
    ck_assert_str_eq(pic_dot_edge_attr(d, "r1_c0", "r1_c1", "dir"), "none");
    ck_assert_str_eq(pic_dot_edge_attr(d, "r1_c1", "r1_c2", "style"), "invis");
    ck_assert_uint_eq(pic_dot_nodes_with(d, "label", "held up by"), 10);
    ck_assert(strstr(pic_dot_node_attr(d, "r6_c0", "label"), "FORK(1)"));
    pic_dot_free(d);
}
END_TEST

START_TEST(trace_failure_shows_the_offending_event)
{
    pic_dot *d = chart_of(DATA "trace.csp", "");
    ck_assert(strstr(pic_dot_node_attr(d, "t1", "label"), "req"));
    /* the server's internal choice: a hidden step, grey */
    ck_assert(strstr(pic_dot_node_attr(d, "t2", "label"), "internal"));
    ck_assert_str_eq(pic_dot_node_attr(d, "t2", "fontcolor"), "gray45");
    /* then err, in red, performed by both */
    ck_assert(strstr(pic_dot_node_attr(d, "t3", "label"), "then err"));
    ck_assert(strstr(pic_dot_node_attr(d, "t3", "label"), "does not allow"));
    ck_assert_str_eq(pic_dot_node_attr(d, "t3", "fontcolor"), "red");
    ck_assert_str_eq(pic_dot_node_attr(d, "r3_c0", "fillcolor"), "red");
    ck_assert_str_eq(pic_dot_node_attr(d, "r3_c1", "fillcolor"), "red");
    ck_assert_str_eq(pic_dot_edge_attr(d, "r3_c0", "r3_c1", "color"), "red");
    pic_dot_free(d);
}
END_TEST

START_TEST(failures_refinement_shows_the_refused_set)
{
    pic_dot *d = chart_of(DATA "refusal.csp", "--assert 'SPEC [F= IMPL'");
    const char *end = pic_dot_node_attr(d, "t3", "label");
    ck_assert(strstr(end, "refuses"));
    ck_assert(strstr(end, "{ack}"));
    /* each component's end says what it offers */
    ck_assert_uint_eq(pic_dot_nodes_with(d, "label", "offers ack"), 1);
    ck_assert_uint_eq(pic_dot_nodes_with(d, "label", "offers nothing"), 1);
    pic_dot_free(d);
}
END_TEST

START_TEST(divergence_shows_the_loop)
{
    pic_dot *d = chart_of(DATA "divergence.csp", "");
    /* input, then mid hidden between both, for ever */
    ck_assert(strstr(pic_dot_node_attr(d, "t2", "label"), "mid (hidden)"));
    ck_assert_str_eq(pic_dot_edge_attr(d, "r2_c0", "r2_c1", "style"), "dashed");
    ck_assert_str_eq(pic_dot_edge_attr(d, "r2_c0", "r2_c1", "color"), "gray55");
    ck_assert_str_eq(pic_dot_node_attr(d, "r2_c0", "fillcolor"), "gray75");
    ck_assert_uint_eq(pic_dot_edges_between(d, "loop_bottom", "loop_top", false), 1);
    ck_assert(strstr(pic_dot_edge_attr(d, "loop_bottom", "loop_top", "label"), "for ever"));
    ck_assert_str_eq(pic_dot_edge_attr(d, "loop_bottom", "loop_top", "color"), "red");
    ck_assert(strstr(pic_dot_node_attr(d, "t3", "label"), "diverges"));
    pic_dot_free(d);
}
END_TEST

START_TEST(long_counterexample_is_elided)
{
    pic_dot *d = chart_of(DATA "long.csp", "--max-steps 40");
    /* 10 first rows, the marker, 30 last: 300 steps in 41 rows */
    ck_assert(strstr(pic_dot_node_attr(d, "t10", "label"), "10  tick"));
    ck_assert(strstr(pic_dot_node_attr(d, "t11", "label"), "… 260 steps …"));
    ck_assert(strstr(pic_dot_node_attr(d, "t12", "label"), "271  tick"));
    ck_assert(strstr(pic_dot_node_attr(d, "t41", "label"), "300  tick"));
    ck_assert(!pic_dot_has_node(d, "t43"));
    ck_assert_str_eq(pic_dot_edge_attr(d, "r10_c0", "r11_c0", "style"), "dotted");
    pic_dot_free(d);
}
END_TEST

START_TEST(svg_and_png_render)
{
    struct outcome o;
    ck_assert_int_eq(run_command("baton graph counterexample " DATA "deadlock.csp --format svg", &o), 0);
    ck_assert_int_eq(o.status, 0);
    pic_svg *s = pic_svg_parse(o.out, strlen(o.out));
    ck_assert_ptr_nonnull(s);
    /* 5 grid rows of a text cell and 3 lifelines, plus the caption */
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='node']"), 5 * 4 + 1);
    ck_assert_int_ge(pic_svg_count(s, "//s:g[@class='node']//s:text[contains(., 'held up by')]"), 3);
    pic_svg_free(s);
    outcome_free(&o);
    const char *png = "build/test-pictures-chart.png";
    char cmd[256];
    snprintf(cmd, sizeof cmd, "baton graph counterexample " DATA "trace.csp -o %s", png);
    ck_assert_int_eq(run_command(cmd, &o), 0);
    ck_assert_int_eq(o.status, 0);
    outcome_free(&o);
    ck_assert(pic_is_png(png));
    remove(png);
}
END_TEST

/* ---- hand-made counterexamples ---- */

static void component(struct rpt_assertion *a, size_t k, const char *name)
{
    a->components[k].name = strdup(name);
    a->components[k].state = strdup("STOP");
}

static void step(struct rpt_assertion *a, const char *event, bool hidden, size_t x, size_t y)
{
    struct rpt_step *s = rpt_step_add(a);
    ck_assert_ptr_nonnull(s);
    s->event = strdup(event);
    s->hidden = hidden;
    s->who = malloc(2 * sizeof *s->who);
    s->who[0] = x;
    s->who[1] = y;
    s->nwho = x == y ? 1 : 2;
}

START_TEST(passing_assertion_has_no_chart)
{
    struct rpt_file f = {0};
    struct rpt_assertion *a = rpt_add(&f);
    a->result = RPT_PASS;
    ck_assert_ptr_null(rpt_chart(a, NULL));
    rpt_file_free(&f);
}
END_TEST

START_TEST(many_steps_and_components_are_capped)
{
    struct rpt_file f = {0};
    struct rpt_assertion *a = rpt_add(&f);
    a->result = RPT_FAIL;
    a->text = strdup("assert BIG :[divergence free]");
    a->kind = strdup("divergence");
    a->ncomponents = 100;
    a->components = calloc(a->ncomponents, sizeof *a->components);
    char name[32];
    for (size_t k = 0; k < a->ncomponents; k++) {
        snprintf(name, sizeof name, "W(%zu)", k);
        component(a, k, name);
    }
    /* 5000 steps round the ring; the last 3 loop, hidden */
    for (size_t i = 0; i < 5000; i++)
        step(a, i >= 4997 ? "h" : "e", i >= 4997, i % 100, (i + 1) % 100);
    a->has_loop = true;
    a->loop = 4997;
    gr_graph *g = rpt_chart(a, NULL);
    ck_assert_ptr_nonnull(g);
    size_t len;
    char *dot = gr_dot(g, &len);
    ck_assert_uint_lt(len, 2 * 1024 * 1024);   /* never a 50 MB picture */
    pic_dot *d = pic_dot_parse(dot);
    ck_assert_ptr_nonnull(d);
    /* 40 lifelines (the default), so 60 rows of steps (at most 2400 cells): 15 first, the
     * marker, 45 last */
    ck_assert(pic_dot_has_node(d, "r61_c39"));
    ck_assert(!pic_dot_has_node(d, "r0_c40"));
    ck_assert(!pic_dot_has_node(d, "t64"));
    ck_assert(strstr(pic_dot_node_attr(d, "t16", "label"), "4940 steps"));
    ck_assert(strstr(pic_dot_node_attr(d, "t63", "label"), "60 more components"));
    /* the loop is kept whole and drawn back to its first step, hidden */
    ck_assert(strstr(pic_dot_node_attr(d, "t59", "label"), "4998  h (hidden)"));
    ck_assert_uint_eq(pic_dot_edges_between(d, "loop_bottom", "loop_top", false), 1);
    ck_assert_uint_ge(pic_dot_edges_with(d, "style", "dashed"), 3);
    pic_dot_free(d);
    free(dot);
    char *svg, err[256];
    ck_assert_msg(gr_render_data(g, "svg", &svg, &len, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_lt(len, 4 * 1024 * 1024);
    free(svg);
    gr_free(g);
    rpt_file_free(&f);
}
END_TEST

Suite *pictures_chart_suite(void);
Suite *pictures_chart_suite(void)
{
    Suite *s = suite_create("pictures_chart");
    TCase *t = tcase_create("chart");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, deadlock_shows_who_waits_for_whom);
    tcase_add_test(t, philosophers_bars_join_the_partners);
    tcase_add_test(t, trace_failure_shows_the_offending_event);
    tcase_add_test(t, failures_refinement_shows_the_refused_set);
    tcase_add_test(t, divergence_shows_the_loop);
    tcase_add_test(t, long_counterexample_is_elided);
    tcase_add_test(t, svg_and_png_render);
    tcase_add_test(t, passing_assertion_has_no_chart);
    tcase_add_test(t, many_steps_and_components_are_capped);
    suite_add_tcase(s, t);
    return s;
}
