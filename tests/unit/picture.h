/* picture.h — reading back the pictures baton draws, for structural tests: DOT text parsed by
 * Graphviz's own reader (cgraph), SVG parsed by libxml2 and queried with XPath.  Tests check
 * nodes, edges, labels and highlights, not pixels. */
#ifndef BATON_TEST_PICTURE_H
#define BATON_TEST_PICTURE_H

#include <stdbool.h>
#include <stddef.h>

/* ---- DOT ---- */
typedef struct pic_dot pic_dot;

/* Parses DOT text; NULL when it is not valid DOT. */
pic_dot *pic_dot_parse(const char *text);
void pic_dot_free(pic_dot *d);
size_t pic_dot_nodes(const pic_dot *d);
size_t pic_dot_edges(const pic_dot *d);
/* The number of clusters (subgraphs named cluster*), at any depth. */
size_t pic_dot_clusters(const pic_dot *d);
/* True when a node with this id exists. */
bool pic_dot_has_node(const pic_dot *d, const char *id);
/* A node's attribute (its label, color…), "" when unset, NULL when no such node. */
const char *pic_dot_node_attr(const pic_dot *d, const char *id, const char *key);
/* The number of edges from -> to (either direction when `either`). */
size_t pic_dot_edges_between(const pic_dot *d, const char *from, const char *to, bool either);
/* An attribute of the first edge from -> to, "" when unset, NULL when there is none. */
const char *pic_dot_edge_attr(const pic_dot *d, const char *from, const char *to,
                              const char *key);
/* The number of nodes (or edges) whose attribute key contains `part`. */
size_t pic_dot_nodes_with(const pic_dot *d, const char *key, const char *part);
size_t pic_dot_edges_with(const pic_dot *d, const char *key, const char *part);

/* ---- SVG ---- */
typedef struct pic_svg pic_svg;

/* Parses SVG (Graphviz's: <g class="node"><title>ID</title>…); NULL when not well-formed. */
pic_svg *pic_svg_parse(const char *text, size_t len);
void pic_svg_free(pic_svg *s);
/* The number of elements an XPath 1.0 expression selects; the SVG namespace is "s" and
 * xlink is "xlink": "//s:g[@class='node']". -1 for a bad expression. */
int pic_svg_count(const pic_svg *s, const char *xpath);
/* The string value of an XPath expression ("string(//s:g[@id='node1']/s:title)"), malloc'd. */
char *pic_svg_string(const pic_svg *s, const char *xpath);

/* ---- files ---- */
/* True when the file starts with the PNG signature, or %PDF-, and is not tiny. */
bool pic_is_png(const char *path);
bool pic_is_pdf(const char *path);

#endif
