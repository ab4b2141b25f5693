/* reports/graph: the picture description written as DOT (read back by Graphviz's own
 * parser), rendered in process to SVG, PNG and PDF, and written atomically. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/graph.h"
#include "reports/outfile.h"
#include "tests/unit/harness.h"
#include "tests/unit/picture.h"

/* Two components in a cluster sharing a channel, a third outside; awkward text everywhere. */
static gr_graph *sample(void)
{
    gr_graph *g = gr_new("net \"x\"");
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(gr_set(g, GR_ROOT, "rankdir", "LR"), 0);
    ck_assert_int_eq(gr_default(g, "node", "shape", "box"), 0);
    int c = gr_cluster(g, GR_ROOT, false);
    ck_assert_int_ge(c, 1);
    ck_assert_int_eq(gr_set(g, c, "label", "P [| {|c|} |] Q"), 0);
    int p = gr_node(g, c, "PHIL(0)");
    int q = gr_node(g, c, "Q \\ {a}");
    ck_assert_int_eq(gr_node(g, GR_ROOT, "PHIL(0)"), p); /* ids are unique */
    gr_node(g, GR_ROOT, "R\"quoted\"");
    ck_assert_int_eq(gr_set(g, q, "color", "red"), 0);
    int e = gr_edge(g, c, "PHIL(0)", "Q \\ {a}");
    ck_assert_int_eq(gr_set(g, e, "label", "c\n3 events"), 0);
    int h = gr_edge(g, GR_ROOT, "Q \\ {a}", "R\"quoted\"");
    char *esc = gr_html_escape("a<b> & \"c\"");
    ck_assert_str_eq(esc, "a&lt;b&gt; &amp; &quot;c&quot;");
    char html[256];
    snprintf(html, sizeof html, "<b>%s</b>", esc);
    free(esc);
    ck_assert_int_eq(gr_set_html(g, h, "label", html), 0);
    ck_assert_int_eq(gr_set(g, h, "label", "replaced"), 0); /* a second set replaces */
    ck_assert_str_eq(gr_get(g, h, "label"), "replaced");
    ck_assert_uint_eq(gr_nodes(g), 3);
    ck_assert_uint_eq(gr_edges(g), 2);
    return g;
}

START_TEST(dot_text_reads_back)
{
    gr_graph *g = sample();
    size_t len;
    char *dot = gr_dot(g, &len);
    ck_assert_uint_eq(strlen(dot), len);
    pic_dot *d = pic_dot_parse(dot);
    ck_assert_msg(d != NULL, "not DOT:\n%s", dot);
    ck_assert_uint_eq(pic_dot_nodes(d), 3);
    ck_assert_uint_eq(pic_dot_edges(d), 2);
    ck_assert_uint_eq(pic_dot_clusters(d), 1);
    /* DOT keeps a backslash in a quoted string as it is written (\\ draws one \): ids are
     * compared as written; labels are what is drawn. */
    ck_assert(pic_dot_has_node(d, "Q \\\\ {a}"));
    ck_assert(pic_dot_has_node(d, "R\"quoted\""));
    ck_assert_str_eq(pic_dot_node_attr(d, "Q \\\\ {a}", "color"), "red");
    ck_assert_str_eq(pic_dot_edge_attr(d, "PHIL(0)", "Q \\\\ {a}", "label"), "c\\n3 events");
    ck_assert_str_eq(pic_dot_edge_attr(d, "Q \\\\ {a}", "R\"quoted\"", "label"), "replaced");
    pic_dot_free(d);
    free(dot);
    gr_free(g);
}
END_TEST

START_TEST(svg_has_the_nodes_and_edges)
{
    gr_graph *g = sample();
    char *svg, err[256];
    size_t len;
    ck_assert_msg(gr_render_data(g, "svg", &svg, &len, err, sizeof err) == 0, "%s", err);
    pic_svg *s = pic_svg_parse(svg, len);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='node']"), 3);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='edge']"), 2);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='cluster']"), 1);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='node'][s:title='PHIL(0)']"), 1);
    ck_assert_int_eq(pic_svg_count(s, "//s:text[.='P [| {|c|} |] Q']"), 1);
    ck_assert_int_eq(pic_svg_count(s, "//s:text[.='3 events']"), 1);
    pic_svg_free(s);
    free(svg);
    gr_free(g);
}
END_TEST

START_TEST(png_and_pdf_files)
{
    gr_graph *g = sample();
    char dir[] = "/tmp/baton-graph-XXXXXX", path[64], err[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/n.png", dir);
    ck_assert_str_eq(gr_format_of(path), "png");
    ck_assert_msg(gr_render(g, "png", path, err, sizeof err) == 0, "%s", err);
    ck_assert(pic_is_png(path));
    unlink(path);
    snprintf(path, sizeof path, "%s/n.PDF", dir);
    ck_assert_str_eq(gr_format_of(path), "pdf");
    ck_assert_msg(gr_render(g, "pdf", path, err, sizeof err) == 0, "%s", err);
    ck_assert(pic_is_pdf(path));
    unlink(path);
    ck_assert_ptr_null(gr_format_of("n.jpeg"));
    ck_assert_ptr_null(gr_format_of("dir.svg/n"));
    ck_assert_int_ne(gr_render(g, "jpeg", path, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(err, "unknown picture format 'jpeg'"));
    rmdir(dir);
    gr_free(g);
}
END_TEST

/* A file that cannot be written is a one-line reason naming it, and leaves no temporary. */
START_TEST(atomic_writes)
{
    char dir[] = "/tmp/baton-out-XXXXXX", path[96], err[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/none/x.svg", dir);
    ck_assert_int_eq(rpt_write_file(path, "x", 1, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot write '"));
    ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
    ck_assert_int_eq(rpt_write_file(dir, "x", 1, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "is a directory"));
    snprintf(path, sizeof path, "%s/x.svg", dir);
    ck_assert_int_eq(rpt_write_file(path, "old", 3, err, sizeof err), 0);
    ck_assert_int_eq(rpt_write_file(path, "new!", 4, err, sizeof err), 0);
    size_t len;
    char *text = read_whole_file(path, &len);
    ck_assert_str_eq(text, "new!");
    free(text);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0044, 0044); /* readable by others, as a new file is */
    size_t n, temporaries = 0;
    char **left = list_files(dir, "", &n);
    for (size_t i = 0; i < n; i++) temporaries += strstr(left[i], ".tmp.") != NULL;
    ck_assert_uint_eq(temporaries, 0); /* no temporary file left behind */
    free_paths(left, n);
    if (access("/dev/full", W_OK) == 0) {
        ck_assert_int_eq(rpt_write_file("/dev/full", "x", 1, err, sizeof err), -1);
        ck_assert_ptr_nonnull(strstr(err, "No space left on device"));
    }
    unlink(path);
    rmdir(dir);
}
END_TEST

/* Graphviz rejecting the text (an unbalanced HTML label) is an error, not a crash. */
START_TEST(graphviz_errors_are_reported)
{
    gr_graph *g = gr_new("bad");
    int n = gr_node(g, GR_ROOT, "a");
    gr_set_html(g, n, "label", "<b>unclosed");
    char *out, err[256];
    size_t len;
    int r = gr_render_data(g, "svg", &out, &len, err, sizeof err);
    if (r == 0) free(out); /* Graphviz may fall back to the plain label: fine, no crash */
    else ck_assert_ptr_nonnull(strstr(err, "Graphviz could not draw"));
    gr_free(g);
}
END_TEST

/* Many nodes: the id index grows and keeps finding them. */
START_TEST(many_nodes)
{
    gr_graph *g = gr_new("many");
    char id[32], prev[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "s%d", i);
        ck_assert_int_ge(gr_node(g, GR_ROOT, id), 0);
        if (i) ck_assert_int_ge(gr_edge(g, GR_ROOT, prev, id), 0);
        memcpy(prev, id, sizeof id);
    }
    ck_assert_uint_eq(gr_nodes(g), 5000);
    ck_assert_int_eq(gr_node(g, GR_ROOT, "s1234"), gr_node(g, GR_ROOT, "s1234"));
    ck_assert_uint_eq(gr_nodes(g), 5000);
    gr_free(g);
}
END_TEST

Suite *reports_graph_suite(void);
Suite *reports_graph_suite(void)
{
    Suite *s = suite_create("reports_graph");
    TCase *tc = tcase_create("graph");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, dot_text_reads_back);
    tcase_add_test(tc, svg_has_the_nodes_and_edges);
    tcase_add_test(tc, png_and_pdf_files);
    tcase_add_test(tc, atomic_writes);
    tcase_add_test(tc, graphviz_errors_are_reported);
    tcase_add_test(tc, many_nodes);
    suite_add_tcase(s, tc);
    return s;
}
