/* picture.c — DOT through cgraph, SVG through libxml2's XPath. */
#include <cgraph.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/picture.h"

struct pic_dot {
    Agraph_t *g;
};

pic_dot *pic_dot_parse(const char *text)
{
    agseterr(AGMAX);
    Agraph_t *g = agmemread(text);
    if (!g) return NULL;
    pic_dot *d = malloc(sizeof *d);
    if (!d) abort();
    d->g = g;
    return d;
}

void pic_dot_free(pic_dot *d)
{
    if (!d) return;
    agclose(d->g);
    free(d);
}

size_t pic_dot_nodes(const pic_dot *d) { return (size_t)agnnodes(d->g); }
size_t pic_dot_edges(const pic_dot *d) { return (size_t)agnedges(d->g); }

static size_t clusters(Agraph_t *g)
{
    size_t n = 0;
    for (Agraph_t *s = agfstsubg(g); s; s = agnxtsubg(s)) {
        if (strncmp(agnameof(s), "cluster", 7) == 0) n++;
        n += clusters(s);
    }
    return n;
}

size_t pic_dot_clusters(const pic_dot *d) { return clusters(d->g); }

static Agnode_t *node(const pic_dot *d, const char *id)
{
    return agnode(d->g, (char *)id, 0);
}

bool pic_dot_has_node(const pic_dot *d, const char *id) { return node(d, id) != NULL; }

const char *pic_dot_node_attr(const pic_dot *d, const char *id, const char *key)
{
    Agnode_t *n = node(d, id);
    if (!n) return NULL;
    char *v = agget(n, (char *)key);
    return v ? v : "";
}

size_t pic_dot_edges_between(const pic_dot *d, const char *from, const char *to, bool either)
{
    Agnode_t *f = node(d, from), *t = node(d, to);
    if (!f || !t) return 0;
    size_t n = 0;
    for (Agedge_t *e = agfstout(d->g, f); e; e = agnxtout(d->g, e))
        if (aghead(e) == t) n++;
    if (either && f != t)
        for (Agedge_t *e = agfstout(d->g, t); e; e = agnxtout(d->g, e))
            if (aghead(e) == f) n++;
    return n;
}

const char *pic_dot_edge_attr(const pic_dot *d, const char *from, const char *to,
                              const char *key)
{
    Agnode_t *f = node(d, from), *t = node(d, to);
    if (!f || !t) return NULL;
    for (Agedge_t *e = agfstout(d->g, f); e; e = agnxtout(d->g, e))
        if (aghead(e) == t) {
            char *v = agget(e, (char *)key);
            return v ? v : "";
        }
    return NULL;
}

size_t pic_dot_nodes_with(const pic_dot *d, const char *key, const char *part)
{
    size_t n = 0;
    for (Agnode_t *v = agfstnode(d->g); v; v = agnxtnode(d->g, v)) {
        char *a = agget(v, (char *)key);
        if (a && strstr(a, part)) n++;
    }
    return n;
}

size_t pic_dot_edges_with(const pic_dot *d, const char *key, const char *part)
{
    size_t n = 0;
    for (Agnode_t *v = agfstnode(d->g); v; v = agnxtnode(d->g, v))
        for (Agedge_t *e = agfstout(d->g, v); e; e = agnxtout(d->g, e)) {
            char *a = agget(e, (char *)key);
            if (a && strstr(a, part)) n++;
        }
    return n;
}

struct pic_svg {
    xmlDocPtr doc;
};

pic_svg *pic_svg_parse(const char *text, size_t len)
{
    /* Graphviz's SVG names its DTD; never fetch it (no network in tests). */
    xmlDocPtr doc = xmlReadMemory(text, (int)len, "picture.svg", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) return NULL;
    pic_svg *s = malloc(sizeof *s);
    if (!s) abort();
    s->doc = doc;
    return s;
}

void pic_svg_free(pic_svg *s)
{
    if (!s) return;
    xmlFreeDoc(s->doc);
    free(s);
}

static xmlXPathObjectPtr eval(const pic_svg *s, const char *xpath)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(s->doc);
    if (!ctx) abort();
    xmlXPathRegisterNs(ctx, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
    xmlXPathRegisterNs(ctx, BAD_CAST "xlink", BAD_CAST "http://www.w3.org/1999/xlink");
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST xpath, ctx);
    xmlXPathFreeContext(ctx);
    return r;
}

int pic_svg_count(const pic_svg *s, const char *xpath)
{
    xmlXPathObjectPtr r = eval(s, xpath);
    if (!r) return -1;
    int n = r->type == XPATH_NODESET ? xmlXPathNodeSetGetLength(r->nodesetval)
                                     : (int)xmlXPathCastToNumber(r);
    xmlXPathFreeObject(r);
    return n;
}

char *pic_svg_string(const pic_svg *s, const char *xpath)
{
    xmlXPathObjectPtr r = eval(s, xpath);
    if (!r) return strdup("");
    xmlChar *v = xmlXPathCastToString(r);
    xmlXPathFreeObject(r);
    char *out = strdup(v ? (const char *)v : "");
    xmlFree(v);
    return out;
}

static bool starts_with(const char *path, const char *magic, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char buf[16] = {0};
    size_t got = fread(buf, 1, sizeof buf, f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    return got >= n && memcmp(buf, magic, n) == 0 && size > 100;
}

bool pic_is_png(const char *path) { return starts_with(path, "\x89PNG\r\n\x1a\n", 8); }
bool pic_is_pdf(const char *path) { return starts_with(path, "%PDF-", 5); }
