/* graph.h — pictures: a small description of a graph (nodes, edges, nested clusters, each
 * with Graphviz attributes), written out as DOT text or laid out and rendered in process by
 * Graphviz's libgvc (no `dot` subprocess).  Every picture kind (reports/picture_*.c) builds
 * one of these; only this file talks to libgvc.
 *
 * Items are numbered: 0 is the graph itself, and gr_cluster, gr_node and gr_edge return new
 * ones.  A node belongs to the cluster it was made in; an edge is drawn where it was made.
 *
 * Ownership: a gr_graph owns copies of every string given to it (gr_free). */
#ifndef BATON_REPORTS_GRAPH_H
#define BATON_REPORTS_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

typedef struct gr_graph gr_graph;

enum { GR_ROOT = 0 };

/* A new directed graph named `name` (DOT's graph id); NULL when out of memory. */
gr_graph *gr_new(const char *name);
void gr_free(gr_graph *g);

/* A new cluster (a boxed subgraph) inside the cluster `parent` (GR_ROOT for the top), or a
 * plain subgraph with rank=same when `same_rank`; its item number, or -1 out of memory. */
int gr_cluster(gr_graph *g, int parent, bool same_rank);
/* A node with the id `id` inside `cluster`; ids are unique per graph (a second call with the
 * same id returns the same item).  Its item number, or -1 out of memory. */
int gr_node(gr_graph *g, int cluster, const char *id);
/* An edge between two node ids, drawn in `cluster`; its item number, or -1. */
int gr_edge(gr_graph *g, int cluster, const char *from, const char *to);

/* Sets an attribute of an item (label, color, style…), replacing an earlier value.  The
 * value is quoted and escaped when written.  0, or -1 when out of memory. */
int gr_set(gr_graph *g, int item, const char *key, const char *value);
/* The same with a Graphviz HTML-like label value written between < and > unescaped: build
 * it with gr_html_escape for any text that comes from a user. */
int gr_set_html(gr_graph *g, int item, const char *key, const char *html);
/* Default attributes for every node or edge ("node" or "edge") of the graph. */
int gr_default(gr_graph *g, const char *what, const char *key, const char *value);
/* The value of an attribute, or NULL. */
const char *gr_get(const gr_graph *g, int item, const char *key);

/* The number of nodes and edges so far. */
size_t gr_nodes(const gr_graph *g);
size_t gr_edges(const gr_graph *g);

/* text with &, <, >, " and ' as HTML entities, malloc'd (NULL out of memory).  Graphviz's
 * HTML labels take only these entities. */
char *gr_html_escape(const char *text);

/* The graph as DOT text, malloc'd with its length in *len; NULL when out of memory. */
char *gr_dot(const gr_graph *g, size_t *len);

/* The output format named by a file's extension: "svg", "png", "pdf" or "dot"; NULL for
 * any other extension. */
const char *gr_format_of(const char *file);
/* True for a format gr_render can write. */
bool gr_format_known(const char *format);

/* Lays g out with Graphviz's dot and renders it as `format` ("svg", "png", "pdf"; "dot" is
 * gr_dot's text, not laid out) into `path`, atomically: a temporary file beside it, renamed
 * over it once complete, so a failed or killed run never leaves half a picture.  0, or -1
 * with a one-line reason in err (a Graphviz error, a full disk, a directory that is not
 * there). */
int gr_render(const gr_graph *g, const char *format, const char *file, char *err,
              size_t errlen);
/* The same into memory: *out malloc'd (the caller frees), *len its length, and a NUL after
 * it (so an SVG can be used as a string).  0 or -1. */
int gr_render_data(const gr_graph *g, const char *format, char **out, size_t *len, char *err,
                   size_t errlen);

#endif
