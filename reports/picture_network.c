/* picture_network.c — a specification's process network as a gr_graph (see
 * picture_network.h): the events each set of components performs together are gathered per
 * channel into links, then drawn as a ring or as layers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/picture_network.h"

/* Every event of one channel that the same components perform together. */
struct link {
    const char *channel;
    const uint32_t *members;
    uint32_t nmembers;
    bool hidden, blocked;
    size_t count;                 /* events */
    const char *first, *second;   /* the first two events, to name them when they are few */
};

static const struct pnet *sorting;  /* qsort's context: the network whose syncs are sorted */

static int cmp_sync(const void *a, const void *b)
{
    const struct pnet_sync *x = &sorting->syncs[*(const size_t *)a];
    const struct pnet_sync *y = &sorting->syncs[*(const size_t *)b];
    if (x->nmembers != y->nmembers) return x->nmembers < y->nmembers ? -1 : 1;
    for (uint32_t i = 0; i < x->nmembers; i++)
        if (x->members[i] != y->members[i]) return x->members[i] < y->members[i] ? -1 : 1;
    if (x->hidden != y->hidden) return x->hidden ? 1 : -1;
    if (x->blocked != y->blocked) return x->blocked ? 1 : -1;
    int c = strcmp(x->channel, y->channel);
    if (c) return c;
    c = strcmp(x->event, y->event);
    if (c) return c;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static bool same_link(const struct pnet_sync *x, const struct pnet_sync *y)
{
    return x->nmembers == y->nmembers && x->hidden == y->hidden && x->blocked == y->blocked &&
           strcmp(x->channel, y->channel) == 0 &&
           memcmp(x->members, y->members, x->nmembers * sizeof *x->members) == 0;
}

/* The links of n, in a stable order (by members, then channel); *nlinks set.  An event of
 * one component that is hidden is its own business and is left out. */
static struct link *links_of(const struct pnet *n, size_t *nlinks)
{
    size_t *order = malloc((n->nsyncs + 1) * sizeof *order);
    struct link *links = malloc((n->nsyncs + 1) * sizeof *links);
    if (!order || !links) {
        free(order);
        free(links);
        return NULL;
    }
    for (size_t i = 0; i < n->nsyncs; i++) order[i] = i;
    sorting = n;
    qsort(order, n->nsyncs, sizeof *order, cmp_sync);
    size_t k = 0;
    const struct pnet_sync *prev = NULL;
    for (size_t i = 0; i < n->nsyncs; i++) {
        const struct pnet_sync *s = &n->syncs[order[i]];
        if (s->nmembers == 0 || (s->nmembers == 1 && s->hidden && !s->blocked)) continue;
        if (prev && same_link(prev, s)) {
            struct link *l = &links[k - 1];
            if (l->count == 1 || strcmp(l->second, s->event) != 0) {
                if (l->count == 1 && strcmp(l->first, s->event) == 0) continue;
                if (l->count == 1) l->second = s->event;
                l->count++;
            }
            continue;
        }
        links[k++] = (struct link){s->channel, s->members, s->nmembers, s->hidden, s->blocked, 1,
                                   s->event, NULL};
        prev = s;
    }
    free(order);
    *nlinks = k;
    return links;
}

/* "picks.0.1", "picks.0.1, putsdown.0.1" or "raw (4 events)". */
static void link_text(const struct link *l, char *buf, size_t len)
{
    if (l->count == 1) snprintf(buf, len, "%s", l->first);
    else if (l->count == 2) snprintf(buf, len, "%s, %s", l->first, l->second);
    else snprintf(buf, len, "%s (%zu events)", l->channel, l->count);
}

/* Node ids: the component's name, made unique with " #k" (P ||| P has two P). */
static char **component_ids(const struct pnet *n)
{
    char **ids = calloc(n->ncomponents + 1, sizeof *ids);
    if (!ids) return NULL;
    for (size_t i = 0; i < n->ncomponents; i++) {
        size_t same = 0;
        for (size_t j = 0; j < i; j++)
            if (strcmp(n->components[j].name, n->components[i].name) == 0) same++;
        if (same) {
            if (asprintf(&ids[i], "%s #%zu", n->components[i].name, same + 1) < 0) ids[i] = NULL;
        } else {
            ids[i] = strdup(n->components[i].name);
        }
        if (!ids[i]) {
            for (size_t j = 0; j < i; j++) free(ids[j]);
            free(ids);
            return NULL;
        }
    }
    return ids;
}

static void free_ids(char **ids, size_t n)
{
    if (!ids) return;
    for (size_t i = 0; i < n; i++) free(ids[i]);
    free(ids);
}

/* Is the network one ring, apart from the component `centre` (none when nc)?  Then order[]
 * gets the ring's components in ring order. */
static bool ring_order(const struct pnet *n, const struct link *links, size_t nlinks,
                       uint32_t centre, uint32_t *order)
{
    size_t nc = n->ncomponents, inring = nc - (centre < nc);
    if (inring < 3) return false;
    uint32_t (*nb)[2] = malloc(nc * sizeof *nb);
    uint32_t *deg = calloc(nc, sizeof *deg);
    bool ok = nb && deg;
    for (size_t i = 0; ok && i < nlinks; i++) {
        if (links[i].nmembers == 1 || links[i].blocked) continue;
        if (links[i].nmembers != 2) ok = false;
        if (!ok || links[i].members[0] == centre || links[i].members[1] == centre) continue;
        for (uint32_t m = 0; ok && m < 2; m++) {
            uint32_t a = links[i].members[m], b = links[i].members[1 - m];
            if (deg[a] > 0 && nb[a][0] == b) continue;
            if (deg[a] > 1 && nb[a][1] == b) continue;
            if (deg[a] == 2) ok = false;
            else nb[a][deg[a]++] = b;
        }
    }
    for (size_t i = 0; ok && i < nc; i++) ok = i == centre || deg[i] == 2;
    if (ok) {
        /* Walk from the first component towards its later-numbered neighbour: PHIL(0),
         * FORK(1), … */
        uint32_t start = centre == 0 ? 1 : 0;
        uint32_t prev = start, at = nb[start][0] > nb[start][1] ? nb[start][0] : nb[start][1];
        order[0] = start;
        size_t k = 1;
        while (at != start && k < inring) {
            order[k++] = at;
            uint32_t next = nb[at][0] == prev ? nb[at][1] : nb[at][0];
            prev = at;
            at = next;
        }
        ok = at == start && k == inring;
    }
    free(nb);
    free(deg);
    return ok;
}

/* A ring, or a ring around one component linked to three or more of it (a butler among the
 * philosophers)?  *centre gets that component, or nc. */
static bool ring_layout(const struct pnet *n, const struct link *links, size_t nlinks,
                        uint32_t *order, uint32_t *centre)
{
    uint32_t nc = (uint32_t)n->ncomponents;
    *centre = nc;
    if (ring_order(n, links, nlinks, nc, order)) return true;
    for (uint32_t c = 0; c < nc; c++) {
        size_t partners = 0;
        for (size_t i = 0; i < nlinks; i++)
            if (links[i].nmembers == 2 && !links[i].blocked &&
                (links[i].members[0] == c || links[i].members[1] == c))
                partners++;
        if (partners >= 3 && ring_order(n, links, nlinks, c, order)) {
            *centre = c;
            return true;
        }
    }
    return false;
}

static const char *const ring_shapes[] = { "ellipse", "box", "hexagon", "octagon", "diamond",
                                           "house", "trapezium" };
static const char *const ring_shapes_text[] = { "ellipses", "boxes", "hexagons", "octagons",
                                                "diamonds", "houses", "trapezia" };  /* ORDER */
static const char *const fills[] = { "#dce8f7", "#f7ead3", "#e3f2dc", "#f2dcec", "#eeeeee" };

/* A group's label: its name, or its operator and how many components it holds. */
static void group_text(const struct pnet *n, size_t g, char *buf, size_t len)
{
    if (n->groups[g].name) {
        snprintf(buf, len, "%s", n->groups[g].name);
        return;
    }
    size_t count = 0;
    for (size_t c = 0; c < n->ncomponents; c++)
        for (int k = n->components[c].group; k >= 0; k = n->groups[k].parent)
            if (k == (int)g) {
                count++;
                break;
            }
    snprintf(buf, len, "%s of %zu", n->groups[g].op, count);
}

static int set_pos(gr_graph *g, int item, double x, double y)
{
    char pos[64];
    snprintf(pos, sizeof pos, "%.3f,%.3f!", x, y);
    return gr_set(g, item, "pos", pos);
}

gr_graph *picture_network(const struct pnet *n)
{
    size_t nlinks = 0;
    struct link *links = links_of(n, &nlinks);
    char **ids = component_ids(n);
    uint32_t *order = malloc((n->ncomponents + 1) * sizeof *order);
    int *cl = malloc((n->ngroups + 1) * sizeof *cl);
    int *ranks = malloc((n->ngroups + 1) * sizeof *ranks);
    gr_graph *g = gr_new("network");
    bool ok = links && ids && order && cl && ranks && g;
    if (!ok) goto done;
    uint32_t centre;
    bool ring = ring_layout(n, links, nlinks, order, &centre);
    /* The outermost composition is the picture itself, not a box in it. */
    bool top = n->ngroups > 0 && n->groups[0].parent < 0;
    int nranked = 0;
    for (size_t i = 0; i < n->ngroups; i++) {
        bool holds = false;
        for (size_t c = 0; c < n->ncomponents && !holds; c++)
            holds = n->components[c].group == (int)i;
        ranks[i] = holds && !(top && i == 0 && n->ngroups > 1) ? nranked++ : -1;
    }
    bool hidden = false, hubs = false, blocked = false;
    for (size_t i = 0; i < nlinks; i++) {
        hidden |= links[i].hidden && !links[i].blocked;
        hubs |= links[i].nmembers > 2 && !links[i].blocked;
        blocked |= links[i].blocked;
    }

    /* The caption: what is drawn, and the conventions a newcomer needs. */
    char caption[1024];
    size_t at = (size_t)snprintf(caption, sizeof caption, "process network of %s%s%s\n", n->title,
                                 n->source ? " in " : "", n->source ? n->source : "");
    at += (size_t)snprintf(caption + at, sizeof caption - at,
                           "%zu components; a line joins components that synchronise on "
                           "the events it names", n->ncomponents);
    if (hidden && at < sizeof caption)
        at += (size_t)snprintf(caption + at, sizeof caption - at, "; dashed: hidden (\\)");
    if (blocked && at < sizeof caption)
        at += (size_t)snprintf(caption + at, sizeof caption - at,
                               "\ndotted: blocked for good (offered, but a synchronisation "
                               "partner never performs it)");
    if (hubs && at < sizeof caption)
        at += (size_t)snprintf(caption + at, sizeof caption - at,
                               "; a diamond: events three or more share");
    if (ring && nranked > 1 && at < sizeof caption) {
        at += (size_t)snprintf(caption + at, sizeof caption - at, "\n");
        for (size_t i = 0; i < n->ngroups && at < sizeof caption; i++) {
            if (ranks[i] < 0) continue;
            char name[256];
            group_text(n, i, name, sizeof name);
            at += (size_t)snprintf(caption + at, sizeof caption - at, "%s%s: %s", ranks[i] ? ", " : "",
                                   name, ring_shapes_text[ranks[i] % 7]);
        }
    }
    if (n->cut && at < sizeof caption)
        snprintf(caption + at, sizeof caption - at, "\n(some ways of synchronising left out: too many)");
    ok &= gr_set(g, GR_ROOT, "label", caption) == 0;
    ok &= gr_set(g, GR_ROOT, "labelloc", "t") == 0;
    ok &= gr_set(g, GR_ROOT, "fontname", "Helvetica") == 0;
    ok &= gr_default(g, "node", "fontname", "Helvetica") == 0;
    ok &= gr_default(g, "node", "style", "filled") == 0;
    ok &= gr_default(g, "node", "fillcolor", fills[0]) == 0;
    ok &= gr_default(g, "edge", "fontname", "Helvetica") == 0;
    ok &= gr_default(g, "edge", "fontsize", "10") == 0;
    ok &= gr_default(g, "edge", "dir", "none") == 0;

    /* Clusters, in layers only (a ring has no room for boxes: groups are shapes there). */
    for (size_t i = 0; i < n->ngroups; i++) {
        int parent = n->groups[i].parent;
        if (ring || (top && i == 0)) {
            cl[i] = GR_ROOT;
            continue;
        }
        cl[i] = gr_cluster(g, parent < 0 ? GR_ROOT : cl[parent], false);
        char label[256];
        group_text(n, i, label, sizeof label);
        ok &= cl[i] >= 0 && gr_set(g, cl[i], "label", label) == 0 &&
              gr_set(g, cl[i], "style", "rounded") == 0 && gr_set(g, cl[i], "color", "gray40") == 0;
    }
    if (!ok) goto done;

    size_t nc = n->ncomponents;
    double radius = 0;
    if (ring) {
        ok &= gr_set(g, GR_ROOT, "layout", "neato") == 0;
        radius = (double)(nc - (centre < nc)) * 2.1 / (2 * M_PI);
        if (radius < 1.8) radius = 1.8;
    } else {
        ok &= gr_set(g, GR_ROOT, "rankdir", "LR") == 0;
        ok &= gr_set(g, GR_ROOT, "nodesep", "0.4") == 0;
        ok &= gr_set(g, GR_ROOT, "ranksep", "0.9") == 0;
    }
    double *angle = malloc((nc + 1) * sizeof *angle);
    if (!angle) {
        ok = false;
        goto done;
    }
    size_t inring = nc - (centre < nc);
    for (size_t k = 0; k < nc; k++) {
        uint32_t c = !ring ? (uint32_t)k : k < inring ? order[k] : centre;
        const struct pnet_component *pc = &n->components[c];
        int cluster = pc->group >= 0 ? cl[pc->group] : GR_ROOT;
        int item = gr_node(g, cluster, ids[c]);
        int r = pc->group < 0 ? -1 : ranks[pc->group];  /* its group's shape and fill */
        ok &= item >= 0 && gr_set(g, item, "label", pc->name) == 0;
        if (!ok) break;
        if (pc->tooltip) ok &= gr_set(g, item, "tooltip", pc->tooltip) == 0;
        if (r > 0) ok &= gr_set(g, item, "fillcolor", fills[r % 5]) == 0;
        if (ring) {
            double dist = c == centre ? 0 : radius;  /* the centre exactly: never -0.000 */
            angle[c] = c == centre ? 0 : M_PI / 2 - 2 * M_PI * (double)k / (double)inring;
            ok &= gr_set(g, item, "shape", c == centre ? "octagon" : ring_shapes[(r < 0 ? 0 : r) % 7]) == 0;
            ok &= set_pos(g, item, dist * cos(angle[c]), dist * sin(angle[c])) == 0;
        } else {
            ok &= gr_set(g, item, "shape", "box") == 0;
            ok &= gr_set(g, item, "style", "rounded,filled") == 0;
        }
    }

    /* The links.  In a ring, a pair's links are one line with a label line per link (two
     * straight lines would lie on each other). */
    size_t nifaces = 0, nhubs = 0, nblocked = 0;
    uint32_t *ifaces_of = calloc(nc + 1, sizeof *ifaces_of);
    char text[512];
    ok &= ifaces_of != NULL;
    for (size_t i = 0; ok && i < nlinks; i++) {
        const struct link *l = &links[i];
        link_text(l, text, sizeof text);
        if (l->blocked) {
            /* A dotted label beside whoever offers it in vain. */
            char id[64], label[600];
            snprintf(id, sizeof id, "blocked %zu", nblocked++);
            snprintf(label, sizeof label, "%s\nblocked", text);
            int item = gr_node(g, GR_ROOT, id);
            ok &= item >= 0 && gr_set(g, item, "label", label) == 0 &&
                  gr_set(g, item, "shape", "box") == 0 &&
                  gr_set(g, item, "style", "dotted") == 0 && gr_set(g, item, "fontsize", "10") == 0 &&
                  gr_set(g, item, "tooltip", "never happens: a synchronisation partner never "
                                             "performs it") == 0;
            for (uint32_t m = 0; ok && m < l->nmembers; m++) {
                int e = gr_edge(g, GR_ROOT, ids[l->members[m]], id);
                ok &= e >= 0 && gr_set(g, e, "style", "dotted") == 0;
            }
            if (ring && ok) {
                uint32_t c = l->members[0];
                double a = angle[c] + 0.25 * (double)ifaces_of[c]++;
                double r = c == centre ? 1.0 : radius + 1.1;
                ok &= set_pos(g, item, r * cos(a), r * sin(a)) == 0;
            }
            continue;
        }
        if (l->nmembers == 1) {
            /* The interface: a small label at the boundary, outside the ring, or before the
             * first half of the components and after the rest. */
            uint32_t c = l->members[0];
            char id[64];
            snprintf(id, sizeof id, "interface %zu", nifaces++);
            int item = gr_node(g, GR_ROOT, id);
            ok &= item >= 0 && gr_set(g, item, "label", text) == 0 &&
                  gr_set(g, item, "shape", "plaintext") == 0 &&
                  gr_set(g, item, "style", "") == 0 && gr_set(g, item, "fontsize", "11") == 0 &&
                  gr_set(g, item, "tooltip", "interface: events no other component shares") == 0;
            bool before = !ring && 2 * c < nc;
            int e = before ? gr_edge(g, GR_ROOT, id, ids[c]) : gr_edge(g, GR_ROOT, ids[c], id);
            ok &= e >= 0 && gr_set(g, e, "color", "gray30") == 0;
            if (ring && ok) {
                double a = angle[c] + 0.25 * (double)ifaces_of[c]++;
                double r = c == centre ? 1.0 : radius + 1.1;
                ok &= set_pos(g, item, r * cos(a), r * sin(a)) == 0;
            }
            continue;
        }
        if (l->nmembers == 2) {
            /* One line per pair of components, with a label line per link: the first link
             * of the pair draws it (parallel lines would lie on each other in a ring and
             * tangle in layers).  Dashed when every link of the pair is hidden. */
            bool first = true;
            for (size_t j = 0; j < i && first; j++)
                first = !(links[j].nmembers == 2 && !links[j].blocked &&
                          links[j].members[0] == l->members[0] &&
                          links[j].members[1] == l->members[1]);
            if (!first) continue;
            char all[2048];
            size_t len = 0, n_hidden = 0, n_links = 0;
            for (int pass = 0; pass < 2; pass++)
                for (size_t j = i; j < nlinks && len < sizeof all; j++) {
                    if (links[j].nmembers != 2 || links[j].blocked ||
                        links[j].members[0] != l->members[0] ||
                        links[j].members[1] != l->members[1])
                        continue;
                    if (pass == 0) {
                        n_links++;
                        n_hidden += links[j].hidden;
                        continue;
                    }
                    /* a pair with hidden and visible links says which are hidden */
                    bool mixed = links[j].hidden && n_hidden < n_links;
                    char one[512];
                    link_text(&links[j], one, sizeof one);
                    len += (size_t)snprintf(all + len, sizeof all - len, "%s%s%s", len ? "\n" : "",
                                            one, mixed ? " (hidden)" : "");
                }
            int e = gr_edge(g, GR_ROOT, ids[l->members[0]], ids[l->members[1]]);
            ok &= e >= 0 && gr_set(g, e, "label", all) == 0;
            if (!ring) ok &= gr_set(g, e, "penwidth", "1.5") == 0;
            if (n_hidden == n_links) ok &= gr_set(g, e, "style", "dashed") == 0;
            continue;
        }
        /* Three or more together: a small hub with a line to each. */
        char hub[64];
        snprintf(hub, sizeof hub, "sync %zu", nhubs++);
        int h = gr_node(g, GR_ROOT, hub);
        ok &= h >= 0 && gr_set(g, h, "label", text) == 0 && gr_set(g, h, "shape", "diamond") == 0 &&
              gr_set(g, h, "fontsize", "10") == 0 && gr_set(g, h, "fillcolor", "white") == 0;
        if (l->hidden) ok &= gr_set(g, h, "style", "dashed,filled") == 0;
        /* (never in a ring: a ring has pairs only) */
        for (uint32_t m = 0; ok && m < l->nmembers; m++) {
            int e = gr_edge(g, GR_ROOT, ids[l->members[m]], hub);
            ok &= e >= 0;
            if (ok && l->hidden) ok &= gr_set(g, e, "style", "dashed") == 0;
        }
    }
    free(ifaces_of);
    free(angle);
done:
    free(links);
    free_ids(ids, n->ncomponents);
    free(order);
    free(cl);
    free(ranks);
    if (!ok) {
        gr_free(g);
        return NULL;
    }
    return g;
}
