/* graph.c — the graph description, its DOT text, and rendering through libgvc.
 * Rendering reads our own DOT text back with agmemread: one path for every format, and the
 * DOT a user saves with `-o x.dot` is exactly what was laid out. */
#include <gvc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reports/graph.h"
#include "reports/outfile.h"

enum kind { K_GRAPH, K_CLUSTER, K_RANK, K_NODE, K_EDGE };

struct attr {
    char *key, *value;
    bool html;
};

struct attrs {
    struct attr *v;
    size_t n, cap;
};

struct item {
    enum kind kind;
    int parent;                /* the cluster it is drawn in (-1 for the graph) */
    int first, last, next;     /* children in creation order, and the next sibling; -1 none */
    char *id;                  /* node: its id */
    int from, to;              /* edge: node items */
    struct attrs a;
};

struct gr_graph {
    char *name;
    struct item *items;
    size_t n, cap;
    size_t nodes, edges;
    struct attrs node_defaults, edge_defaults;
    int *index;                /* open addressing: node id -> item, -1 empty */
    size_t index_cap;          /* a power of two, at least twice the nodes */
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static int new_item(gr_graph *g, enum kind kind, int parent)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        struct item *v = realloc(g->items, cap * sizeof *v);
        if (!v) return -1;
        g->items = v;
        g->cap = cap;
    }
    int i = (int)g->n++;
    g->items[i] = (struct item){ .kind = kind, .parent = parent, .first = -1, .last = -1,
                                 .next = -1, .from = -1, .to = -1 };
    if (parent >= 0) {
        struct item *p = &g->items[parent];
        if (p->last >= 0) g->items[p->last].next = i;
        else p->first = i;
        p->last = i;
    }
    return i;
}

gr_graph *gr_new(const char *name)
{
    gr_graph *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->name = strdup(name ? name : "G");
    if (!g->name || new_item(g, K_GRAPH, -1) != GR_ROOT) {
        gr_free(g);
        return NULL;
    }
    return g;
}

static void attrs_free(struct attrs *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].key);
        free(a->v[i].value);
    }
    free(a->v);
}

void gr_free(gr_graph *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->n; i++) {
        free(g->items[i].id);
        attrs_free(&g->items[i].a);
    }
    attrs_free(&g->node_defaults);
    attrs_free(&g->edge_defaults);
    free(g->items);
    free(g->index);
    free(g->name);
    free(g);
}

static bool is_cluster(const gr_graph *g, int c)
{
    return c >= 0 && (size_t)c < g->n &&
           (g->items[c].kind == K_GRAPH || g->items[c].kind == K_CLUSTER ||
            g->items[c].kind == K_RANK);
}

int gr_cluster(gr_graph *g, int parent, bool same_rank)
{
    if (!is_cluster(g, parent)) return -1;
    return new_item(g, same_rank ? K_RANK : K_CLUSTER, parent);
}

/* The slot of id in the index: its item's slot, or the empty slot where it would go. */
static size_t slot(const gr_graph *g, const char *id)
{
    size_t mask = g->index_cap - 1, s = (size_t)hash(id) & mask;
    while (g->index[s] >= 0 && strcmp(g->items[g->index[s]].id, id) != 0) s = (s + 1) & mask;
    return s;
}

static int find(const gr_graph *g, const char *id)
{
    return g->index_cap ? g->index[slot(g, id)] : -1;
}

static int grow_index(gr_graph *g)
{
    size_t cap = g->index_cap ? g->index_cap * 2 : 256;
    int *index = malloc(cap * sizeof *index);
    if (!index) return -1;
    for (size_t i = 0; i < cap; i++) index[i] = -1;
    free(g->index);
    g->index = index;
    g->index_cap = cap;
    for (size_t i = 0; i < g->n; i++)
        if (g->items[i].kind == K_NODE) g->index[slot(g, g->items[i].id)] = (int)i;
    return 0;
}

int gr_node(gr_graph *g, int cluster, const char *id)
{
    if (!is_cluster(g, cluster)) return -1;
    int found = find(g, id);
    if (found >= 0) return found;
    if ((g->nodes + 1) * 2 > g->index_cap && grow_index(g) != 0) return -1;
    char *copy = strdup(id);
    if (!copy) return -1;
    int i = new_item(g, K_NODE, cluster);
    if (i < 0) {
        free(copy);
        return -1;
    }
    g->items[i].id = copy;
    g->index[slot(g, id)] = i;
    g->nodes++;
    return i;
}

int gr_edge(gr_graph *g, int cluster, const char *from, const char *to)
{
    if (!is_cluster(g, cluster)) return -1;
    int f = gr_node(g, cluster, from);
    int t = f < 0 ? -1 : gr_node(g, cluster, to);
    if (t < 0) return -1;
    int i = new_item(g, K_EDGE, cluster);
    if (i < 0) return -1;
    g->items[i].from = f;
    g->items[i].to = t;
    g->edges++;
    return i;
}

static int attrs_set(struct attrs *a, const char *key, const char *value, bool html)
{
    char *v = strdup(value ? value : "");
    if (!v) return -1;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].key, key) == 0) {
            free(a->v[i].value);
            a->v[i].value = v;
            a->v[i].html = html;
            return 0;
        }
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 4;
        struct attr *nv = realloc(a->v, cap * sizeof *nv);
        if (!nv) {
            free(v);
            return -1;
        }
        a->v = nv;
        a->cap = cap;
    }
    char *k = strdup(key);
    if (!k) {
        free(v);
        return -1;
    }
    a->v[a->n++] = (struct attr){ k, v, html };
    return 0;
}

int gr_set(gr_graph *g, int item, const char *key, const char *value)
{
    if (item < 0 || (size_t)item >= g->n) return -1;
    return attrs_set(&g->items[item].a, key, value, false);
}

int gr_set_html(gr_graph *g, int item, const char *key, const char *html)
{
    if (item < 0 || (size_t)item >= g->n) return -1;
    return attrs_set(&g->items[item].a, key, html, true);
}

int gr_default(gr_graph *g, const char *what, const char *key, const char *value)
{
    struct attrs *a = strcmp(what, "node") == 0   ? &g->node_defaults
                      : strcmp(what, "edge") == 0 ? &g->edge_defaults
                                                  : NULL;
    return a ? attrs_set(a, key, value, false) : -1;
}

const char *gr_get(const gr_graph *g, int item, const char *key)
{
    if (item < 0 || (size_t)item >= g->n) return NULL;
    const struct attrs *a = &g->items[item].a;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].key, key) == 0) return a->v[i].value;
    return NULL;
}

size_t gr_nodes(const gr_graph *g) { return g->nodes; }
size_t gr_edges(const gr_graph *g) { return g->edges; }

char *gr_html_escape(const char *text)
{
    size_t n = 1;
    for (const char *p = text; *p; p++) n += strchr("&<>\"'", *p) ? 6 : 1;
    char *out = malloc(n), *o = out;
    if (!out) return NULL;
    for (const char *p = text; *p; p++) {
        const char *e = *p == '&'    ? "&amp;"
                        : *p == '<'  ? "&lt;"
                        : *p == '>'  ? "&gt;"
                        : *p == '"'  ? "&quot;"
                        : *p == '\'' ? "&#39;"
                                     : NULL;
        if (e) o += sprintf(o, "%s", e);
        else *o++ = *p;
    }
    *o = '\0';
    return out;
}

/* ---- DOT text ---- */

/* A quoted DOT string: " and \ escaped, a newline as DOT's centred line break \n, other
 * control characters dropped (Graphviz rejects some). */
static void quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            fputc('\\', f);
            fputc(*s, f);
        } else if (*s == '\n') {
            fputs("\\n", f);
        } else if ((unsigned char)*s >= 0x20) {
            fputc(*s, f);
        }
    }
    fputc('"', f);
}

static void attr_list(FILE *f, const struct attrs *a)
{
    for (size_t i = 0; i < a->n; i++) {
        fprintf(f, "%s%s=", i ? ", " : "", a->v[i].key);
        if (a->v[i].html) fprintf(f, "<%s>", a->v[i].value);
        else quoted(f, a->v[i].value);
    }
}

static void indent(FILE *f, int depth)
{
    for (int i = 0; i < depth; i++) fputs("  ", f);
}

static void write_cluster(FILE *f, const gr_graph *g, int c, int depth)
{
    const struct item *it = &g->items[c];
    for (size_t i = 0; i < it->a.n; i++) {
        indent(f, depth);
        fprintf(f, "%s=", it->a.v[i].key);
        if (it->a.v[i].html) fprintf(f, "<%s>", it->a.v[i].value);
        else quoted(f, it->a.v[i].value);
        fputs(";\n", f);
    }
    if (it->kind == K_RANK) {
        indent(f, depth);
        fputs("rank=same;\n", f);
    }
    for (int k = it->first; k >= 0; k = g->items[k].next) {
        const struct item *x = &g->items[k];
        indent(f, depth);
        if (x->kind == K_CLUSTER || x->kind == K_RANK) {
            fprintf(f, "subgraph %s%d {\n", x->kind == K_CLUSTER ? "cluster_" : "rank_", k);
            write_cluster(f, g, k, depth + 1);
            indent(f, depth);
            fputs("}\n", f);
            continue;
        }
        if (x->kind == K_NODE) {
            quoted(f, x->id);
        } else {
            quoted(f, g->items[x->from].id);
            fputs(" -> ", f);
            quoted(f, g->items[x->to].id);
        }
        if (x->a.n) {
            fputs(" [", f);
            attr_list(f, &x->a);
            fputc(']', f);
        }
        fputs(";\n", f);
    }
}

char *gr_dot(const gr_graph *g, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f) return NULL;
    fputs("digraph ", f);
    quoted(f, g->name);
    fputs(" {\n", f);
    if (g->node_defaults.n) {
        fputs("  node [", f);
        attr_list(f, &g->node_defaults);
        fputs("];\n", f);
    }
    if (g->edge_defaults.n) {
        fputs("  edge [", f);
        attr_list(f, &g->edge_defaults);
        fputs("];\n", f);
    }
    write_cluster(f, g, GR_ROOT, 1);
    fputs("}\n", f);
    if (ferror(f) | fclose(f)) {
        free(buf);
        return NULL;
    }
    if (len) *len = n;
    return buf;
}

/* ---- rendering ---- */

static const char *const formats[] = { "svg", "png", "pdf", "dot" };

bool gr_format_known(const char *format)
{
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (strcmp(format, formats[i]) == 0) return true;
    return false;
}

const char *gr_format_of(const char *file)
{
    const char *dot = strrchr(file, '.');
    if (!dot || strchr(dot, '/')) return NULL;
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (strcasecmp(dot + 1, formats[i]) == 0) return formats[i];
    return NULL;
}

/* One Graphviz context for the whole process, made on first use and kept: Graphviz 2.43's
 * pango text layout remembers the last font name by pointer into the context's font table,
 * so a second context would read the first one's freed name (found by ASan). */
static GVC_t *context(void)
{
    static GVC_t *gvc;
    if (!gvc) gvc = gvContext();
    return gvc;
}

/* Graphviz reports errors through one global hook; rendering is single-threaded. */
static char gv_error[512];

static int gv_collect(char *msg)
{
    if (!gv_error[0]) {
        snprintf(gv_error, sizeof gv_error, "%s", msg);
        size_t n = strlen(gv_error);
        while (n && (gv_error[n - 1] == '\n' || gv_error[n - 1] == ' ')) gv_error[--n] = '\0';
    }
    return 0;
}

int gr_render_data(const gr_graph *g, const char *format, char **out, size_t *len, char *err,
                   size_t errlen)
{
    *out = NULL;
    *len = 0;
    if (!gr_format_known(format)) {
        snprintf(err, errlen, "unknown picture format '%s' (svg, png, pdf or dot)", format);
        return -1;
    }
    size_t n;
    char *dot = gr_dot(g, &n);
    if (!dot) {
        snprintf(err, errlen, "out of memory while drawing");
        return -1;
    }
    if (strcmp(format, "dot") == 0) {
        *out = dot;
        *len = n;
        return 0;
    }
    gv_error[0] = '\0';
    agseterr(AGERR);
    agusererrf old = agseterrf(gv_collect);
    int status = -1;
    GVC_t *gvc = context();
    graph_t *gg = gvc ? agmemread(dot) : NULL;
    if (gg && gvLayout(gvc, gg, "dot") == 0) {
        char *data = NULL;
        unsigned int dlen = 0;
        if (gvRenderData(gvc, gg, format, &data, &dlen) == 0 && data) {
            /* One byte more, a NUL: an SVG is text that callers embed as a string. */
            *out = malloc((size_t)dlen + 1);
            if (*out) {
                memcpy(*out, data, dlen);
                (*out)[dlen] = '\0';
                *len = dlen;
                status = 0;
            }
            gvFreeRenderData(data);
        }
        gvFreeLayout(gvc, gg);
    }
    if (status != 0)
        snprintf(err, errlen, "Graphviz could not draw the picture as %s%s%s", format,
                 gv_error[0] ? ": " : "", gv_error);
    if (gg) agclose(gg);
    agseterrf(old);
    free(dot);
    return status;
}

int gr_render(const gr_graph *g, const char *format, const char *file, char *err,
              size_t errlen)
{
    char *data;
    size_t len;
    if (gr_render_data(g, format, &data, &len, err, errlen) != 0) return -1;
    int status = rpt_write_file(file, data, len, err, errlen);
    free(data);
    return status;
}
