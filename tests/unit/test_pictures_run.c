/* Pictures of recorded runs: `baton graph network --trace RUN`, `baton graph deadlock RUN` and
 * `baton run --graphs DIR` on traces of small libbaton programs run here, read back as DOT
 * and SVG (tests/unit/picture.h) and checked for their nodes, edges, counts, highlights and
 * source locations; reports/picture_run's pure functions on plain data. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton.h"
#include "reports/picture_run.h"
#include "tests/unit/harness.h"
#include "tests/unit/picture.h"
#include "tests/unit/tracer_harness.h"

Suite *pictures_run_suite(void);

#define ck_assert_has(hay, needle)                                                                 \
    ck_assert_msg((hay) && strstr(hay, needle), "expected \"%s\" in:\n%s", needle, (hay) ? (hay) : "(null)")

/* ---- the program: p and q trade one message each, then both insist on sending (a cycle);
 * counter sends 1000 ticks to main and ends; main ends. ---- */

static baton_chan *a, *b, *tick;
static int line_p, line_q; /* marks: blocking_line finds the call after them in this file */
static bool deadlocking;

static void p_fn(void *arg)
{
    (void)arg;
    int64_t v;
    baton_send_int(a, 1);
    baton_recv_int(b, &v);
    line_p = __LINE__ + 1;
    baton_send_int(a, 2);
}

static void q_fn(void *arg)
{
    (void)arg;
    int64_t v;
    baton_recv_int(a, &v);
    baton_send_int(b, 1);
    line_q = __LINE__ + 1;
    baton_send_int(b, 2);
}

static void counter_fn(void *arg)
{
    (void)arg;
    for (int64_t i = 0; i < 1000; i++) baton_send_int(tick, i);
}

static void main_fn(void *arg)
{
    (void)arg;
    int64_t v;
    baton_go("counter", counter_fn, NULL);
    if (deadlocking) {
        baton_go("p", p_fn, NULL);
        baton_go("q", q_fn, NULL);
    }
    for (int i = 0; i < 1000; i++) baton_recv_int(tick, &v);
}

static char trace_path[64];

static int traced_run(void)
{
    a = baton_chan_int("a", 0);
    b = baton_chan_int("b", 0);
    tick = baton_chan_int("tick", 0);
    if (baton_trace_open(trace_path) != 0) return 50;
    return baton_run(main_fn, NULL);
}

static void make_trace(bool deadlock)
{
    deadlocking = deadlock;
    temp_name(trace_path, sizeof trace_path, "picrun");
    char *err = NULL;
    ck_assert_int_eq(in_child(traced_run, &err), deadlock ? BATON_DEADLOCK : 0);
    free(err);
}

/* Runs CMD, expects exit `status`; returns the outcome (caller frees). */
static struct outcome run(const char *cmd, int status)
{
    struct outcome o;
    ck_assert_int_eq(run_command(cmd, &o), 0);
    ck_assert_msg(o.status == status, "%.200s: exit %d, expected %d; stderr:\n%.2000s", cmd, o.status, status, o.err);
    return o;
}

static pic_dot *dot_of(const char *kind_args)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "baton graph %s", kind_args);
    struct outcome o = run(cmd, 0);
    pic_dot *d = pic_dot_parse(o.out);
    ck_assert_msg(d != NULL, "not DOT:\n%s", o.out);
    outcome_free(&o);
    return d;
}

/* The source line of the call in fn's body that blocks (the send after the line_X mark). */
static int blocking_line(const char *mark)
{
    char *src = read_whole_file("tests/unit/test_pictures_run.c", NULL);
    ck_assert_ptr_nonnull(src);
    int line = 1;
    const char *at = strstr(src, mark);
    ck_assert_ptr_nonnull(at);
    for (const char *c = src; c < at; c++) line += *c == '\n';
    free(src);
    return line + 1;
}

START_TEST(network_of_a_deadlocked_run)
{
    make_trace(true);
    char args[200];
    snprintf(args, sizeof args, "network --trace %s", trace_path);
    pic_dot *d = dot_of(args);
    /* main p1, counter p2, p p3, q p4: a node each */
    ck_assert_uint_eq(pic_dot_nodes(d), 4);
    ck_assert_str_eq(pic_dot_node_attr(d, "p1", "label"), "main\\n(ended)");
    ck_assert_has(pic_dot_node_attr(d, "p2", "style"), "dashed");
    ck_assert_has(pic_dot_node_attr(d, "p3", "label"), "p\\nBLOCKED\\nwaits to send a.2");
    ck_assert_has(pic_dot_node_attr(d, "p4", "label"), "q\\nBLOCKED\\nwaits to send b.2");
    ck_assert_has(pic_dot_node_attr(d, "p3", "style"), "bold");
    ck_assert_str_eq(pic_dot_node_attr(d, "p3", "color"), "#cc0000");
    ck_assert_has(pic_dot_node_attr(d, "p2", "label"), "counter");
    /* an edge per channel between its users, sender to receiver, with its count */
    ck_assert_uint_eq(pic_dot_edges(d), 3);
    ck_assert_uint_eq(pic_dot_edges_between(d, "p2", "p1", false), 1);
    ck_assert_str_eq(pic_dot_edge_attr(d, "p2", "p1", "label"), "tick ×1 000");
    ck_assert_str_ne(pic_dot_edge_attr(d, "p2", "p1", "color"), "#cc0000");
    /* the cycle p -> q -> p: both links red, thick, bold, saying so */
    ck_assert_str_eq(pic_dot_edge_attr(d, "p3", "p4", "label"), "a ×1\\nsender waits: cycle");
    ck_assert_str_eq(pic_dot_edge_attr(d, "p3", "p4", "penwidth"), "3");
    ck_assert_str_eq(pic_dot_edge_attr(d, "p4", "p3", "color"), "#cc0000");
    ck_assert_has(pic_dot_edge_attr(d, "p4", "p3", "style"), "bold");
    ck_assert_uint_eq(pic_dot_edges_with(d, "penwidth", "3"), 2);
    ck_assert_has(pic_dot_node_attr(d, "p3", "label"), "BLOCKED"); /* text, not colour alone */
    pic_dot_free(d);
    unlink(trace_path);
}
END_TEST

START_TEST(deadlock_picture_names_the_source)
{
    make_trace(true);
    char args[200];
    snprintf(args, sizeof args, "deadlock %s", trace_path);
    pic_dot *d = dot_of(args);
    ck_assert_uint_eq(pic_dot_nodes(d), 2); /* the two blocked processes */
    ck_assert_uint_eq(pic_dot_edges(d), 2);
    char at[80];
    snprintf(at, sizeof at, "at test_pictures_run.c:%d", blocking_line("line_p = __LINE__"));
    ck_assert_has(pic_dot_node_attr(d, "p3", "label"), at);
    ck_assert_has(pic_dot_node_attr(d, "p3", "label"), "<b>p</b>");
    ck_assert_has(pic_dot_node_attr(d, "p3", "label"), "waits to send");
    ck_assert_has(pic_dot_node_attr(d, "p3", "label"), "last: b.1 with q");
    snprintf(at, sizeof at, "at test_pictures_run.c:%d", blocking_line("line_q = __LINE__"));
    ck_assert_has(pic_dot_node_attr(d, "p4", "label"), at);
    ck_assert_has(pic_dot_node_attr(d, "p4", "tooltip"), "tests/unit/test_pictures_run.c:");
    ck_assert_str_eq(pic_dot_edge_attr(d, "p3", "p4", "label"), "waits for\\na");
    ck_assert_str_eq(pic_dot_edge_attr(d, "p3", "p4", "color"), "#cc0000");
    ck_assert_str_eq(pic_dot_edge_attr(d, "p4", "p3", "penwidth"), "3");
    pic_dot_free(d);

    /* the same as SVG, PNG and PDF */
    char cmd[300], out[80];
    snprintf(cmd, sizeof cmd, "baton graph deadlock %s --format svg", trace_path);
    struct outcome o = run(cmd, 0);
    pic_svg *s = pic_svg_parse(o.out, strlen(o.out));
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='node']"), 2);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='edge']/s:path[@stroke='#cc0000']"), 2);
    pic_svg_free(s);
    outcome_free(&o);
    const char *fmts[] = {"png", "pdf"};
    for (int k = 0; k < 2; k++) {
        snprintf(out, sizeof out, "%s.%s", trace_path, fmts[k]);
        snprintf(cmd, sizeof cmd, "baton graph deadlock %s -o %s", trace_path, out);
        o = run(cmd, 0);
        outcome_free(&o);
        ck_assert(k == 0 ? pic_is_png(out) : pic_is_pdf(out));
        unlink(out);
    }
    unlink(trace_path);
}
END_TEST

START_TEST(a_run_that_ended_has_no_deadlock_picture)
{
    make_trace(false);
    char args[200];
    snprintf(args, sizeof args, "network --trace %s", trace_path);
    pic_dot *d = dot_of(args);
    ck_assert_uint_eq(pic_dot_nodes(d), 2);
    ck_assert_uint_eq(pic_dot_edges(d), 1);
    ck_assert_uint_eq(pic_dot_nodes_with(d, "color", "#cc0000"), 0);
    ck_assert_uint_eq(pic_dot_nodes_with(d, "style", "dashed"), 2); /* both ended */
    pic_dot_free(d);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "baton graph deadlock %s", trace_path);
    struct outcome o = run(cmd, 2);
    ck_assert_has(o.err, "the run did not deadlock (it ended normally: every process finished)");
    ck_assert_str_eq(o.out, "");
    outcome_free(&o);
    unlink(trace_path);
}
END_TEST

START_TEST(run_graphs_writes_both_pictures)
{
    /* philosophers, the demo's example, under baton run --graphs */
    char dir[64], cmd[600];
    temp_name(dir, sizeof dir, "picdir");
    unlink(dir);
    snprintf(cmd, sizeof cmd,
             "cc -std=c11 -D_GNU_SOURCE -Iinclude examples/philosophers/philosophers.c "
             "${BUILD:-build}/libbaton.a -lpthread $BATON_LDFLAGS -o %s.phil && "
             "baton run --trace %s.btr --graphs %s -- %s.phil",
             dir, dir, dir, dir);
    struct outcome o = run(cmd, 1); /* the program's own status: it deadlocks */
    char want[200];
    snprintf(want, sizeof want, "baton: the run's process network: %s/network.svg", dir);
    ck_assert_has(o.err, want);
    snprintf(want, sizeof want, "baton: the deadlock's wait-for graph: %s/deadlock.svg", dir);
    ck_assert_has(o.err, want);
    outcome_free(&o);
    char path[128];
    snprintf(path, sizeof path, "%s/deadlock.svg", dir);
    size_t len;
    char *svg = read_whole_file(path, &len);
    ck_assert_ptr_nonnull(svg);
    pic_svg *s = pic_svg_parse(svg, len);
    ck_assert_ptr_nonnull(s);
    /* five forks and five philosophers, a ring of ten red waits */
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='node']"), 10);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='edge']/s:path[@stroke='#cc0000']"), 10);
    ck_assert_int_ge(pic_svg_count(s, "//s:text[contains(., 'philosophers.c:20')]"), 5);
    pic_svg_free(s);
    free(svg);
    snprintf(path, sizeof path, "%s/network.svg", dir);
    svg = read_whole_file(path, &len);
    s = pic_svg_parse(svg, len);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='node']"), 11); /* and main, ended */
    pic_svg_free(s);
    free(svg);
    /* past --max-procs, one node per family of names: forks, philosophers, main */
    snprintf(cmd, sizeof cmd, "baton graph network --trace %s.btr --max-procs 4", dir);
    o = run(cmd, 0);
    pic_dot *d = pic_dot_parse(o.out);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(pic_dot_nodes(d), 3);
    ck_assert_uint_eq(pic_dot_nodes_with(d, "label", "philosopher ×5\\nBLOCKED\\n5 of 5 blocked"), 1);
    ck_assert_uint_eq(pic_dot_edges_with(d, "label", "picks… (10 channels) ×5"), 1);
    ck_assert_uint_eq(pic_dot_edges_with(d, "penwidth", "3"), 2); /* the cycle, through families */
    ck_assert_has(o.out, "11 processes shown as 3 families");
    pic_dot_free(d);
    outcome_free(&o);
    snprintf(cmd, sizeof cmd, "baton graph network --trace %s.btr --max-procs 2", dir);
    o = run(cmd, 3);
    ck_assert_has(o.err, "the run has 11 processes of 3 different names, more than a picture can show readably (at most 2");
    outcome_free(&o);
    snprintf(cmd, sizeof cmd, "baton graph deadlock %s.btr --max-procs 9", dir);
    o = run(cmd, 3);
    ck_assert_has(o.err, "the deadlock blocks 10 processes");
    outcome_free(&o);
    snprintf(cmd, sizeof cmd, "rm -rf %s %s.phil %s.btr", dir, dir, dir);
    o = run(cmd, 0);
    outcome_free(&o);
}
END_TEST

/* ---- the pure pictures on plain data ---- */

START_TEST(network_of_plain_data)
{
    struct rpt_run_proc ps[] = {{1, "w", RPT_RUN_LIVE, NULL}, {2, "w", RPT_RUN_ENDED, NULL},
                                {3, "r", RPT_RUN_BLOCKED, "waits to receive 'c'"}};
    struct rpt_run_link ls[] = {{"buf", 1, 2, 123456, 4, 0}, {"c", 0, 3, 0, 0, 3}};
    struct rpt_run_network n = {"run.btr", ps, 3, ls, 2, NULL, 0, 0, 123456, "the trace ends before the run did", false};
    gr_graph *g = rpt_run_network(&n);
    ck_assert_ptr_nonnull(g);
    size_t len;
    char *text = gr_dot(g, &len);
    pic_dot *d = pic_dot_parse(text);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(pic_dot_node_attr(d, "p1", "label"), "w #1\\n(running at the end)"); /* names repeat */
    ck_assert_str_eq(pic_dot_edge_attr(d, "p1", "p2", "label"), "buf [buffer 4] ×123.5k");
    /* nobody has sent on c: a note stands for its sender */
    ck_assert(pic_dot_has_node(d, "nobody sends c"));
    ck_assert_str_eq(pic_dot_edge_attr(d, "nobody sends c", "p3", "label"), "c\\nreceiver waits");
    ck_assert_str_eq(pic_dot_edge_attr(d, "nobody sends c", "p3", "style"), "dashed");
    pic_dot_free(d);
    free(text);
    gr_free(g);
}
END_TEST

Suite *pictures_run_suite(void)
{
    Suite *s = suite_create("pictures_run");
    TCase *tc = tcase_create("run");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, network_of_a_deadlocked_run);
    tcase_add_test(tc, deadlock_picture_names_the_source);
    tcase_add_test(tc, a_run_that_ended_has_no_deadlock_picture);
    tcase_add_test(tc, run_graphs_writes_both_pictures);
    tcase_add_test(tc, network_of_plain_data);
    suite_add_tcase(s, tc);
    return s;
}
