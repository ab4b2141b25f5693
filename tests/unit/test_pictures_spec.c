/* Pictures of a specification: `baton graph network` and `baton graph lts` on the examples
 * and on small specs (tests/e2e/data/graph/), read back as DOT and SVG; and the two picture
 * builders (reports/picture_network, reports/picture_lts) on plain data. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/picture_lts.h"
#include "reports/picture_network.h"
#include "tests/unit/harness.h"
#include "tests/unit/picture.h"

#define NET "tests/e2e/data/graph/network_small.csp"
#define LTS "tests/e2e/data/graph/lts_small.csp"
#define PHILS "examples/philosophers/philosophers.csp"
#define PIPELINE "examples/pipeline/pipeline.csp"

/* The DOT `baton graph ARGS` writes, parsed; the command must succeed. */
static pic_dot *dot_of(const char *args)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "baton graph %s", args);
    struct outcome o;
    ck_assert_int_eq(run_command(cmd, &o), 0);
    ck_assert_msg(o.status == 0, "%s: exit %d\n%s", cmd, o.status, o.err);
    pic_dot *d = pic_dot_parse(o.out);
    ck_assert_msg(d != NULL, "%s: not DOT:\n%s", cmd, o.out);
    outcome_free(&o);
    return d;
}

static pic_svg *svg_of(const char *args)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "baton graph %s --format svg", args);
    struct outcome o;
    ck_assert_int_eq(run_command(cmd, &o), 0);
    ck_assert_msg(o.status == 0, "%s: exit %d\n%s", cmd, o.status, o.err);
    pic_svg *s = pic_svg_parse(o.out, strlen(o.out));
    ck_assert_msg(s != NULL, "%s: not SVG", cmd);
    outcome_free(&o);
    return s;
}

static bool has(const char *text, const char *part)
{
    return text && strstr(text, part);
}

/* ---- network ---- */

/* The philosophers: ten components in one ring, each philosopher linked to its two forks by
 * the events they share, drawn as a circle (neato, pinned positions, no boxes). */
START_TEST(philosophers_ring)
{
    pic_dot *d = dot_of("network " PHILS " SYSTEM");
    ck_assert_uint_eq(pic_dot_nodes(d), 10);
    ck_assert_uint_eq(pic_dot_edges(d), 10);
    ck_assert_uint_eq(pic_dot_clusters(d), 0);
    for (int i = 0; i < 5; i++) {
        char phil[32], left[32], right[32], ev[48];
        snprintf(phil, sizeof phil, "PHIL(%d)", i);
        snprintf(left, sizeof left, "FORK(%d)", i);
        snprintf(right, sizeof right, "FORK(%d)", (i + 1) % 5);
        ck_assert(pic_dot_has_node(d, phil));
        ck_assert_str_eq(pic_dot_node_attr(d, phil, "label"), phil);
        ck_assert_str_eq(pic_dot_node_attr(d, phil, "shape"), "ellipse");
        ck_assert_str_eq(pic_dot_node_attr(d, left, "shape"), "box");
        ck_assert(has(pic_dot_node_attr(d, phil, "pos"), "!"));
        ck_assert(has(pic_dot_node_attr(d, phil, "tooltip"), "philosophers.csp:10"));
        ck_assert_uint_eq(pic_dot_edges_between(d, phil, left, true), 1);
        ck_assert_uint_eq(pic_dot_edges_between(d, phil, right, true), 1);
        snprintf(ev, sizeof ev, "picks.%d.%d", i, (i + 1) % 5);
        const char *label = pic_dot_edge_attr(d, phil, right, "label");
        if (!label || !*label) label = pic_dot_edge_attr(d, right, phil, "label");
        ck_assert_msg(has(label, ev), "%s-%s: %s", phil, right, label);
        ck_assert(has(label, "putsdown"));
    }
    ck_assert_uint_eq(pic_dot_edges_with(d, "style", "dashed"), 0);
    pic_dot_free(d);
}
END_TEST

/* With the butler, the ring goes round BUTLER(0) in the middle, its links hidden. */
START_TEST(philosophers_with_a_butler)
{
    pic_dot *d = dot_of("network " PHILS " DESIGN");
    ck_assert_uint_eq(pic_dot_nodes(d), 11);
    ck_assert_uint_eq(pic_dot_edges(d), 15);
    ck_assert_str_eq(pic_dot_node_attr(d, "BUTLER(0)", "pos"), "0.000,0.000!");
    ck_assert_uint_eq(pic_dot_edges_with(d, "style", "dashed"), 5);
    ck_assert_uint_eq(pic_dot_edges_between(d, "SPHIL(2)", "BUTLER(0)", true), 1);
    pic_dot_free(d);
}
END_TEST

/* The pipeline: two stages linked by parsed, raw and cooked at the boundary; hidden under
 * OUTSIDE, the link is dashed. */
START_TEST(pipeline_layers)
{
    pic_dot *d = dot_of("network " PIPELINE " PIPELINE");
    ck_assert_uint_eq(pic_dot_nodes(d), 4);  /* two stages, two interface labels */
    ck_assert_str_eq(pic_dot_edge_attr(d, "PARSER", "TRANSFORMER", "label"), "parsed (4 events)");
    ck_assert_str_eq(pic_dot_edge_attr(d, "PARSER", "TRANSFORMER", "style"), "");
    ck_assert_uint_eq(pic_dot_nodes_with(d, "shape", "plaintext"), 2);
    ck_assert_uint_eq(pic_dot_nodes_with(d, "label", "raw (4 events)"), 1);
    ck_assert_uint_eq(pic_dot_nodes_with(d, "label", "cooked"), 1);
    ck_assert_uint_eq(pic_dot_edges_between(d, "interface 0", "PARSER", false), 1);
    pic_dot_free(d);
    d = dot_of("network " PIPELINE " OUTSIDE");
    ck_assert_str_eq(pic_dot_edge_attr(d, "PARSER", "TRANSFORMER", "style"), "dashed");
    pic_dot_free(d);
}
END_TEST

/* Compositions are boxes (the named BCAST inside NESTED), an event of four is a hub, a
 * linked parallel is a hidden link. */
START_TEST(clusters_hubs_and_links)
{
    pic_dot *d = dot_of("network " NET " NESTED");
    ck_assert_uint_eq(pic_dot_clusters(d), 1);
    ck_assert_str_eq(pic_dot_node_attr(d, "sync 0", "shape"), "diamond");
    ck_assert_str_eq(pic_dot_node_attr(d, "sync 0", "label"), "tick");
    for (int i = 0; i < 3; i++) {
        char c[16];
        snprintf(c, sizeof c, "C(%d)", i);
        ck_assert_uint_eq(pic_dot_edges_between(d, c, "sync 0", true), 1);
    }
    ck_assert_uint_eq(pic_dot_edges_between(d, "CLOCK", "sync 0", true), 1);
    pic_dot_free(d);
    d = dot_of("network " NET " LINKED");
    ck_assert_str_eq(pic_dot_edge_attr(d, "L", "R", "style"), "dashed");
    ck_assert_str_eq(pic_dot_edge_attr(d, "L", "R", "label"), "left");
    pic_dot_free(d);
    d = dot_of("network " NET " BLOCKED");  /* left: offered by L, never by R */
    ck_assert_str_eq(pic_dot_node_attr(d, "blocked 0", "label"), "left\\nblocked");
    ck_assert_str_eq(pic_dot_node_attr(d, "blocked 0", "style"), "dotted");
    ck_assert_str_eq(pic_dot_edge_attr(d, "L", "blocked 0", "style"), "dotted");
    ck_assert_uint_eq(pic_dot_edges_between(d, "L", "R", true), 0);
    pic_dot_free(d);
    d = dot_of("network " NET " HIDDEN");
    ck_assert_str_eq(pic_dot_edge_attr(d, "A", "B", "style"), "dashed");
    ck_assert_str_eq(pic_dot_edge_attr(d, "A", "B", "label"), "mid.0, mid.1");
    pic_dot_free(d);
}
END_TEST

START_TEST(network_svg)
{
    pic_svg *s = svg_of("network " PHILS " SYSTEM");
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='node']"), 10);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='edge']"), 10);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='node'][s:title='FORK(3)']"), 1);
    ck_assert_int_eq(pic_svg_count(s, "//s:text[.='picks.3.4']"), 1);
    ck_assert_int_ge(pic_svg_count(s, "//s:a[contains(@xlink:title, 'defined at')]"), 10);
    pic_svg_free(s);
}
END_TEST

/* Seventy components: a refusal with a hint, not a grey blur. */
START_TEST(network_too_large)
{
    struct outcome o;
    ck_assert_int_eq(run_command("baton graph network " NET " BIG", &o), 0);
    ck_assert_int_eq(o.status, 3);
    ck_assert(has(o.err, "more than 60 parallel components"));
    ck_assert_str_eq(o.out, "");
    outcome_free(&o);
}
END_TEST

/* ---- lts ---- */

START_TEST(lts_marks)
{
    pic_dot *d = dot_of("lts " LTS " CHOICE");
    ck_assert_uint_eq(pic_dot_nodes(d), 4);  /* s0..s2 and the start point */
    ck_assert_str_eq(pic_dot_node_attr(d, "start", "shape"), "point");
    ck_assert_uint_eq(pic_dot_edges_between(d, "start", "s0", false), 1);
    ck_assert_str_eq(pic_dot_node_attr(d, "s0", "penwidth"), "2.5");
    ck_assert_str_eq(pic_dot_edge_attr(d, "s0", "s1", "label"), "a");
    ck_assert_str_eq(pic_dot_edge_attr(d, "s1", "s0", "label"), "b");
    ck_assert_str_eq(pic_dot_edge_attr(d, "s0", "s2", "label"), "c");
    ck_assert_str_eq(pic_dot_node_attr(d, "s2", "class"), "deadlock");
    ck_assert(has(pic_dot_node_attr(d, "s2", "label"), "deadlock"));
    ck_assert_str_eq(pic_dot_node_attr(d, "s2", "tooltip"), "STOP");
    ck_assert_uint_eq(pic_dot_nodes_with(d, "class", "divergent"), 0);
    pic_dot_free(d);

    d = dot_of("lts " LTS " HIDDEN");
    ck_assert_uint_eq(pic_dot_edges_with(d, "style", "dashed"), 1);
    ck_assert_uint_eq(pic_dot_edges_with(d, "label", "τ"), 1);
    ck_assert_uint_eq(pic_dot_edges_with(d, "label", "✓"), 1);
    ck_assert_uint_eq(pic_dot_nodes_with(d, "class", "terminated"), 1);
    ck_assert_uint_eq(pic_dot_nodes_with(d, "shape", "doublecircle"), 1);
    ck_assert_uint_eq(pic_dot_nodes_with(d, "class", "deadlock"), 0);
    pic_dot_free(d);

    d = dot_of("lts " LTS " DIVERGES");
    ck_assert_str_eq(pic_dot_node_attr(d, "s1", "class"), "divergent");
    ck_assert(has(pic_dot_node_attr(d, "s1", "label"), "diverges"));
    ck_assert_str_eq(pic_dot_edge_attr(d, "s1", "s1", "style"), "dashed");
    pic_dot_free(d);

    d = dot_of("lts " LTS " VALUES");
    ck_assert_uint_eq(pic_dot_edges_between(d, "s0", "s1", false), 1);  /* one edge, three lines */
    ck_assert_str_eq(pic_dot_edge_attr(d, "s0", "s1", "label"), "d.0\\nd.1\\nd.2");
    pic_dot_free(d);
}
END_TEST

START_TEST(lts_svg_tooltips_and_legend)
{
    pic_svg *s = svg_of("lts " LTS " CHOICE");
    /* marked states carry a class of their own beside Graphviz's: "node deadlock" */
    ck_assert_int_eq(pic_svg_count(s, "//s:g[starts-with(@class, 'node')]"), 4);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='node deadlock']/s:title[.='s2']"), 1);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='node initial']/s:title[.='s0']"), 1);
    ck_assert_int_eq(pic_svg_count(s, "//s:a[@xlink:title='STOP']"), 1);
    ck_assert_int_eq(pic_svg_count(s, "//s:text[.='process term']"), 1);  /* the legend */
    ck_assert_int_eq(pic_svg_count(s, "//s:text[.='b -> CHOICE']"), 1);
    pic_svg_free(s);
    s = svg_of("lts " LTS " CHOICE --no-legend");
    ck_assert_int_eq(pic_svg_count(s, "//s:text[.='process term']"), 0);
    ck_assert_int_eq(pic_svg_count(s, "//s:a[@xlink:title='b -> CHOICE']"), 1);
    pic_svg_free(s);
}
END_TEST

START_TEST(lts_too_large)
{
    struct outcome o;
    ck_assert_int_eq(run_command("baton graph lts " LTS " 'COUNT(0)'", &o), 0);
    ck_assert_int_eq(o.status, 3);
    ck_assert(has(o.err, "more than 100 states"));
    ck_assert(has(o.err, "raise --max-states (at most 1000)"));
    outcome_free(&o);
    ck_assert_int_eq(run_command("baton graph lts " LTS " 'COUNT(0)' --max-states 1001", &o), 0);
    ck_assert_int_eq(o.status, 2);
    outcome_free(&o);
    pic_dot *d = dot_of("lts " LTS " 'COUNT(0)' --max-states 400 --no-legend");
    ck_assert_uint_eq(pic_dot_nodes(d), 302);
    pic_dot_free(d);
}
END_TEST

/* PNG and PDF files of both kinds. */
START_TEST(png_and_pdf)
{
    char dir[] = "/tmp/baton-pics-XXXXXX", cmd[512], path[128];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *runs[][2] = { { "network " PHILS " SYSTEM", "net.png" },
                              { "network " PIPELINE " PIPELINE", "pipe.pdf" },
                              { "lts " LTS " HIDDEN", "lts.png" },
                              { "lts " LTS " CHOICE", "lts.pdf" } };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, runs[i][1]);
        snprintf(cmd, sizeof cmd, "baton graph %s -o %s", runs[i][0], path);
        struct outcome o;
        ck_assert_int_eq(run_command(cmd, &o), 0);
        ck_assert_msg(o.status == 0, "%s: %s", cmd, o.err);
        outcome_free(&o);
        ck_assert_msg(strstr(path, ".png") ? pic_is_png(path) : pic_is_pdf(path), "%s", path);
        unlink(path);
    }
    rmdir(dir);
}
END_TEST

/* ---- the builders on plain data ---- */

START_TEST(network_from_plain_data)
{
    static const uint32_t ab[] = {0, 1}, abc[] = {0, 1, 2}, a[] = {0}, c[] = {2};
    struct pnet_group groups[] = { { "TOP", "[| |]", -1 }, { NULL, "|||", 0 } };
    struct pnet_component comps[] = { { "P", NULL, 1 }, { "Q", NULL, 1 }, { "R", "R's term", 0 } };
    struct pnet_sync syncs[] = {
        { "x.1", "x", ab, 2, false, false }, { "x.2", "x", ab, 2, false, false },
        { "x.3", "x", ab, 2, false, false },
        { "y", "y", ab, 2, true, false },   /* another channel of the same pair: one line */
        { "all", "all", abc, 3, false, false },
        { "in", "in", a, 1, false, false },
        { "own", "own", c, 1, true, false },  /* internal: left out */
        { "z", "z", c, 1, false, true },      /* blocked: a dotted label */
    };
    struct pnet n = { "TOP", NULL, groups, 2, comps, 3, syncs, 8, false };
    gr_graph *g = picture_network(&n);
    ck_assert_ptr_nonnull(g);
    char *text = gr_dot(g, NULL);
    pic_dot *d = pic_dot_parse(text);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(pic_dot_clusters(d), 1);  /* the ||| box; TOP is the picture */
    ck_assert_uint_eq(pic_dot_nodes(d), 6);     /* P, Q, R, the hub, the interface, z */
    ck_assert_uint_eq(pic_dot_edges_between(d, "R", "blocked 0", false), 1);
    ck_assert_uint_eq(pic_dot_edges_between(d, "P", "Q", true), 1);
    ck_assert_str_eq(pic_dot_edge_attr(d, "P", "Q", "label"), "x (3 events)\\ny (hidden)");
    ck_assert_str_eq(pic_dot_edge_attr(d, "P", "Q", "style"), "");
    ck_assert(has(pic_dot_node_attr(d, "sync 0", "label"), "all"));
    ck_assert_str_eq(pic_dot_node_attr(d, "R", "tooltip"), "R's term");
    ck_assert_str_eq(pic_dot_node_attr(d, "interface 0", "label"), "in");
    ck_assert(has(text, "||| of 2"));
    pic_dot_free(d);
    free(text);
    gr_free(g);
}
END_TEST

START_TEST(lts_from_plain_data)
{
    /* s0 -a-> s1, s1 -τ-> s2, s2 -τ-> s1, s0 -b-> s3 (no transitions) */
    struct plts_trans t0[] = { { "a", 1, false }, { "b", 3, false } };
    struct plts_trans t1[] = { { "τ", 2, true } }, t2[] = { { "τ", 1, true } };
    struct plts_state st[] = { { "P <&>", false, t0, 2 }, { "Q", false, t1, 1 },
                               { "R", false, t2, 1 }, { "STOP", false, NULL, 0 } };
    struct plts l = { "P", NULL, st, 4, true };
    bool div[4];
    ck_assert_int_eq(plts_divergent(&l, div), 0);
    ck_assert(!div[0] && div[1] && div[2] && !div[3]);
    gr_graph *g = picture_lts(&l);
    ck_assert_ptr_nonnull(g);
    char *svg, err[256];
    size_t len;
    ck_assert_msg(gr_render_data(g, "svg", &svg, &len, err, sizeof err) == 0, "%s", err);
    pic_svg *s = pic_svg_parse(svg, len);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(pic_svg_count(s, "//s:text[.='P <&>']"), 1);  /* escaped in the legend */
    ck_assert_int_eq(pic_svg_count(s, "//s:text[.='diverges']"), 2);
    ck_assert_int_eq(pic_svg_count(s, "//s:text[.='deadlock']"), 1);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[starts-with(@class, 'edge')]"), 5);
    ck_assert_int_eq(pic_svg_count(s, "//s:g[@class='edge tau']"), 2);
    pic_svg_free(s);
    free(svg);
    gr_free(g);
}
END_TEST

Suite *pictures_spec_suite(void);
Suite *pictures_spec_suite(void)
{
    Suite *s = suite_create("pictures_spec");
    TCase *tc = tcase_create("pictures_spec");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, philosophers_ring);
    tcase_add_test(tc, philosophers_with_a_butler);
    tcase_add_test(tc, pipeline_layers);
    tcase_add_test(tc, clusters_hubs_and_links);
    tcase_add_test(tc, network_svg);
    tcase_add_test(tc, network_too_large);
    tcase_add_test(tc, lts_marks);
    tcase_add_test(tc, lts_svg_tooltips_and_legend);
    tcase_add_test(tc, lts_too_large);
    tcase_add_test(tc, png_and_pdf);
    tcase_add_test(tc, network_from_plain_data);
    tcase_add_test(tc, lts_from_plain_data);
    suite_add_tcase(s, tc);
    return s;
}
