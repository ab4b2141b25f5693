/* picture_run.c — the network and the wait-for graph of a recorded run (see picture_run.h).
 * Everything a colour says is also said by a line style or by text, so the pictures survive
 * greyscale printing: blocked processes are red, bold and say BLOCKED; ended ones grey, dashed
 * and say ended; the wait-for cycle is red, bold and three times as thick. */
#include "reports/picture_run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RED "#cc0000"
#define RED_FILL "#ffe0e0"
#define GREY "#808080"
#define GREY_FILL "#eeeeee"
#define INK "#333333"
#define FONT "Helvetica"

/* Does the cycle have `to` right after `from` (cyclically)? */
static bool cycle_step(const uint32_t *cycle, size_t n, uint32_t from, uint32_t to)
{
    for (size_t i = 0; i < n; i++)
        if (cycle[i] == from && cycle[(i + 1) % n] == to) return true;
    return false;
}

static bool in_cycle(const uint32_t *cycle, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (cycle[i] == id) return true;
    return false;
}

/* "×7", "×12 345", "×1.2M": exact while it is short, else three figures. */
static void count_text(char *buf, size_t len, uint64_t n)
{
    if (n < 1000) snprintf(buf, len, "×%" PRIu64, n);
    else if (n < 100000) snprintf(buf, len, "×%" PRIu64 " %03" PRIu64, n / 1000, n % 1000);
    else if (n < 999950) snprintf(buf, len, "×%.1fk", (double)n / 1e3);
    else if (n < 999950000) snprintf(buf, len, "×%.1fM", (double)n / 1e6);
    else snprintf(buf, len, "×%.1fG", (double)n / 1e9);
}

static void node_id(char *buf, size_t len, uint32_t id) { snprintf(buf, len, "p%" PRIu32, id); }

/* Two processes of the same name get their ids in their labels too. */
static bool name_repeats(const struct rpt_run_proc *ps, size_t n, size_t at)
{
    for (size_t i = 0; i < n; i++)
        if (i != at && strcmp(ps[i].name, ps[at].name) == 0) return true;
    return false;
}

static int style_state(gr_graph *g, int node, enum rpt_run_state st, bool cycle)
{
    int rc = 0;
    switch (st) {
    case RPT_RUN_ENDED:
        rc |= gr_set(g, node, "style", "rounded,dashed,filled");
        rc |= gr_set(g, node, "fillcolor", GREY_FILL);
        rc |= gr_set(g, node, "color", GREY);
        rc |= gr_set(g, node, "fontcolor", "#505050");
        break;
    case RPT_RUN_BLOCKED:
        rc |= gr_set(g, node, "style", "rounded,bold,filled");
        rc |= gr_set(g, node, "fillcolor", RED_FILL);
        rc |= gr_set(g, node, "color", RED);
        rc |= gr_set(g, node, "penwidth", cycle ? "3" : "2");
        break;
    case RPT_RUN_LIVE:
        break;
    }
    return rc;
}

static const char *state_words(enum rpt_run_state st)
{
    return st == RPT_RUN_ENDED ? "ended" : st == RPT_RUN_BLOCKED ? "BLOCKED" : "running at the end";
}

/* The node for an end of a link nobody used: a plain note. */
static int nobody(gr_graph *g, const char *chan, bool sending, char *id, size_t idlen)
{
    snprintf(id, idlen, "nobody %s %s", sending ? "sends" : "receives", chan);
    int n = gr_node(g, GR_ROOT, id);
    if (n < 0) return -1;
    char label[300];
    snprintf(label, sizeof label, "(no process has\n%s '%s')", sending ? "sent on" : "received from", chan);
    return gr_set(g, n, "label", label) | gr_set(g, n, "shape", "plaintext") |
           gr_set(g, n, "fontcolor", GREY);
}

/* What both run pictures share: rounded boxes, one font, edges in ink. */
static int run_style(gr_graph *g)
{
    int rc = gr_set(g, GR_ROOT, "labelloc", "t");
    rc |= gr_set(g, GR_ROOT, "fontname", FONT);
    rc |= gr_default(g, "node", "shape", "box");
    rc |= gr_default(g, "node", "style", "rounded");
    rc |= gr_default(g, "node", "fontname", FONT);
    rc |= gr_default(g, "edge", "fontname", FONT);
    rc |= gr_default(g, "edge", "fontsize", "11");
    rc |= gr_default(g, "edge", "color", INK);
    return rc;
}

gr_graph *rpt_run_network(const struct rpt_run_network *n)
{
    gr_graph *g = gr_new("run");
    if (!g) return NULL;
    int rc = 0;
    char title[1200], buf[600], id[400], id2[400], cnt[40];
    size_t blocked = 0, ran = n->ran ? n->ran : n->nprocs;
    for (size_t i = 0; i < n->nprocs; i++) blocked += n->procs[i].state == RPT_RUN_BLOCKED;
    int len = snprintf(title, sizeof title, "%s: %zu process%s, %" PRIu64 " communication%s; %s",
                       n->title, ran, ran == 1 ? "" : "es", n->events,
                       n->events == 1 ? "" : "s", n->ending);
    if (blocked && len > 0 && (size_t)len < sizeof title)
        len += snprintf(title + len, sizeof title - (size_t)len,
                        "\nred, bold boxes: blocked at the end; grey, dashed: ended\n"
                        "arrows go from sender to receiver; dashed red: a channel a blocked process "
                        "waits on%s",
                        n->ncycle ? "\nthick red: the wait-for cycle (each waits for the next)" : "");
    else if (len > 0 && (size_t)len < sizeof title)
        snprintf(title + len, sizeof title - (size_t)len, "\ngrey, dashed: ended");
    rc |= gr_set(g, GR_ROOT, "label", title);
    rc |= gr_set(g, GR_ROOT, "nodesep", "0.4");
    rc |= gr_set(g, GR_ROOT, "ranksep", "1.3");
    rc |= run_style(g);

    for (size_t i = 0; i < n->nprocs; i++) {
        const struct rpt_run_proc *p = &n->procs[i];
        node_id(id, sizeof id, p->id);
        int node = gr_node(g, GR_ROOT, id);
        if (node < 0) goto oom;
        char name[200];
        if (name_repeats(n->procs, n->nprocs, i)) snprintf(name, sizeof name, "%s #%" PRIu32, p->name, p->id);
        else snprintf(name, sizeof name, "%s", p->name);
        if (p->state == RPT_RUN_BLOCKED && p->waits) snprintf(buf, sizeof buf, "%s\nBLOCKED\n%s", name, p->waits);
        else snprintf(buf, sizeof buf, "%s\n(%s)", name, state_words(p->state));
        rc |= gr_set(g, node, "label", buf);
        rc |= style_state(g, node, p->state, in_cycle(n->cycle, n->ncycle, p->id));
    }

    for (size_t i = 0; i < n->nlinks; i++) {
        const struct rpt_run_link *l = &n->links[i];
        if (l->sender) node_id(id, sizeof id, l->sender);
        else rc |= nobody(g, l->chan, true, id, sizeof id);
        if (l->receiver) node_id(id2, sizeof id2, l->receiver);
        else rc |= nobody(g, l->chan, false, id2, sizeof id2);
        int e = gr_edge(g, GR_ROOT, id, id2);
        if (e < 0) goto oom;
        count_text(cnt, sizeof cnt, l->count);
        len = snprintf(buf, sizeof buf, "%s", l->chan);
        if (l->capacity) len += snprintf(buf + len, sizeof buf - (size_t)len, " [buffer %" PRIu32 "]", l->capacity);
        if (l->count || !l->waiter) len += snprintf(buf + len, sizeof buf - (size_t)len, " %s", cnt);
        uint32_t other = l->waiter == l->sender ? l->receiver : l->sender;
        bool cyc = l->waiter && cycle_step(n->cycle, n->ncycle, l->waiter, other);
        if (l->waiter && (size_t)len < sizeof buf)
            snprintf(buf + len, sizeof buf - (size_t)len, "\n%s%s",
                     l->sender == l->receiver ? "waits" : l->waiter == l->sender ? "sender waits" : "receiver waits",
                     cyc ? ": cycle" : "");
        rc |= gr_set(g, e, "label", buf);
        if (cyc) {
            rc |= gr_set(g, e, "color", RED);
            rc |= gr_set(g, e, "fontcolor", RED);
            rc |= gr_set(g, e, "penwidth", "3");
            rc |= gr_set(g, e, "style", l->count ? "bold" : "bold,dashed");
        } else if (l->waiter) {
            rc |= gr_set(g, e, "color", RED);
            rc |= gr_set(g, e, "fontcolor", RED);
            rc |= gr_set(g, e, "style", "dashed");
        }
    }
    if (rc) goto oom;
    return g;
oom:
    gr_free(g);
    return NULL;
}

/* "text" HTML-escaped appended to buf at *len (stops quietly at the end of buf). */
static int add_html(char *buf, size_t size, size_t *len, const char *fmt, const char *text)
{
    char *esc = text ? gr_html_escape(text) : NULL;
    if (text && !esc) return -1;
    if (*len < size) {
        int k = snprintf(buf + *len, size - *len, fmt, esc ? esc : "");
        if (k > 0) *len += (size_t)k;
        if (*len >= size) *len = size - 1;
    }
    free(esc);
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

gr_graph *rpt_run_deadlock(const struct rpt_run_deadlock *d)
{
    gr_graph *g = gr_new("deadlock");
    if (!g) return NULL;
    int rc = 0;
    char id[64], id2[64], buf[600];
    size_t blocked = 0;
    for (size_t i = 0; i < d->nprocs; i++) blocked += d->procs[i].blocked;
    snprintf(buf, sizeof buf,
             "%s: deadlock, %zu process%s blocked forever\n"
             "an arrow A -> B: A waits for B (B was last at the other end of the channel A waits on)%s",
             d->title, blocked, blocked == 1 ? "" : "es",
             d->ncycle ? "\nthick red arrows: the wait-for cycle, where no process can move until "
                         "the next one does"
                       : "\nno wait-for cycle was found among them");
    rc |= gr_set(g, GR_ROOT, "label", buf);
    /* A deadlock that is one wait-for cycle through every process reads best as the ring it
     * is (circo); dot would draw a tall chain with one long edge back to the top. */
    if (d->ncycle >= 3 && d->ncycle == d->nprocs) {
        rc |= gr_set(g, GR_ROOT, "layout", "circo");
        rc |= gr_set(g, GR_ROOT, "mindist", "1.2");
    }
    rc |= run_style(g);

    for (size_t i = 0; i < d->nprocs; i++) {
        const struct rpt_run_waiter *p = &d->procs[i];
        node_id(id, sizeof id, p->id);
        int node = gr_node(g, GR_ROOT, id);
        if (node < 0) goto oom;
        char html[4096];
        size_t len = 0;
        rc |= add_html(html, sizeof html, &len, "<b>%s</b>", p->name);
        if (p->blocked) {
            rc |= add_html(html, sizeof html, &len, "<br/>BLOCKED: %s", p->waits ? p->waits : "waits");
            for (size_t k = 0; k < p->noffers && k < 8; k++)
                rc |= add_html(html, sizeof html, &len, k ? " | %s" : " <i>%s</i>", p->offers[k]);
            if (p->noffers > 8) rc |= add_html(html, sizeof html, &len, " | …%s", "");
            if (p->file) {
                char at[600];
                snprintf(at, sizeof at, "%s:%u", base_name(p->file), p->line);
                rc |= add_html(html, sizeof html, &len, "<br/>at %s", at);
                snprintf(at, sizeof at, "%s blocked at %s:%u", p->name, p->file, p->line);
                rc |= gr_set(g, node, "tooltip", at);
            }
            if (p->last) rc |= add_html(html, sizeof html, &len, "<br/><font point-size=\"11\">last: %s</font>", p->last);
        } else {
            rc |= add_html(html, sizeof html, &len, "<br/>(%s)", state_words(p->state));
        }
        rc |= gr_set_html(g, node, "label", html);
        rc |= style_state(g, node, p->blocked ? RPT_RUN_BLOCKED : p->state,
                          in_cycle(d->cycle, d->ncycle, p->id));
    }
    for (size_t i = 0; i < d->nwaits; i++) {
        const struct rpt_run_wait *w = &d->waits[i];
        node_id(id, sizeof id, w->from);
        node_id(id2, sizeof id2, w->to);
        int e = gr_edge(g, GR_ROOT, id, id2);
        if (e < 0) goto oom;
        bool cyc = cycle_step(d->cycle, d->ncycle, w->from, w->to);
        snprintf(buf, sizeof buf, "waits for\n%s", w->chan);
        rc |= gr_set(g, e, "label", buf);
        if (cyc) {
            rc |= gr_set(g, e, "color", RED);
            rc |= gr_set(g, e, "fontcolor", RED);
            rc |= gr_set(g, e, "penwidth", "3");
            rc |= gr_set(g, e, "style", "bold");
        }
    }
    if (rc) goto oom;
    return g;
oom:
    gr_free(g);
    return NULL;
}
