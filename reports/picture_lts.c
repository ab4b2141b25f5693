/* picture_lts.c — a process's state machine as a gr_graph (see picture_lts.h).  Pictures
 * are small (the command refuses past 1000 states), so the marks are found simply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/picture_lts.h"

enum {
    LEGEND_ROWS = 200,            /* past this the legend stops: the tooltips have the rest */
    LEGEND_TERM = 110,            /* bytes of a term in the legend */
    EDGE_EVENTS = 4,              /* events named on one edge before "… (n events)" */
};

int plts_divergent(const struct plts *l, bool *divergent)
{
    size_t n = l->nstates;
    uint32_t *stack = malloc((n + 1) * sizeof *stack);
    size_t *seen = calloc(n + 1, sizeof *seen);  /* the search that last reached a state, +1 */
    if (!stack || !seen) {
        free(stack);
        free(seen);
        return -1;
    }
    /* s is on a tau cycle when a search along tau edges from s comes back to s. */
    for (size_t s = 0; s < n; s++) {
        divergent[s] = false;
        size_t top = 0;
        stack[top++] = (uint32_t)s;
        while (top && !divergent[s]) {
            const struct plts_state *x = &l->states[stack[--top]];
            for (size_t k = 0; k < x->ntrans; k++) {
                uint32_t t = x->trans[k].target;
                if (!x->trans[k].tau || t >= n) continue;
                if (t == s) {
                    divergent[s] = true;
                    break;
                }
                if (seen[t] == s + 1) continue;
                seen[t] = s + 1;
                stack[top++] = t;
            }
        }
    }
    free(stack);
    free(seen);
    return 0;
}

/* text cut to at most max bytes (on a UTF-8 boundary), with "…" when cut; malloc'd. */
static char *cut(const char *text, size_t max)
{
    size_t n = strlen(text);
    if (n <= max) return strdup(text);
    while (max && ((unsigned char)text[max] & 0xC0) == 0x80) max--;
    char *s = malloc(max + 4);
    if (s) {
        memcpy(s, text, max);
        memcpy(s + max, "…", 4);
    }
    return s;
}

static bool set_state(gr_graph *g, const struct plts *l, size_t i, bool divergent)
{
    const struct plts_state *s = &l->states[i];
    char id[32], label[64];
    snprintf(id, sizeof id, "s%zu", i);
    int item = gr_node(g, GR_ROOT, id);
    if (item < 0) return false;
    bool deadlock = s->ntrans == 0 && !s->terminated;
    snprintf(label, sizeof label, "%s%s%s", id,
             deadlock ? "\ndeadlock" : s->terminated ? "\nended" : "",
             divergent ? "\ndiverges" : "");
    bool ok = gr_set(g, item, "label", label) == 0 && gr_set(g, item, "tooltip", s->term) == 0;
    if (i == 0) ok &= gr_set(g, item, "penwidth", "2.5") == 0;
    if (deadlock) {
        ok &= gr_set(g, item, "shape", "octagon") == 0;
        ok &= gr_set(g, item, "fillcolor", "#f4c7c3") == 0;
        ok &= gr_set(g, item, "class", "deadlock") == 0;
    } else if (s->terminated) {
        ok &= gr_set(g, item, "shape", "doublecircle") == 0;
        ok &= gr_set(g, item, "class", "terminated") == 0;
    }
    if (divergent) {
        ok &= gr_set(g, item, "fillcolor", "#fde9a9") == 0;
        ok &= gr_set(g, item, "shape", deadlock ? "octagon" : "doubleoctagon") == 0;
        ok &= gr_set(g, item, "class", "divergent") == 0;
    }
    if (i == 0 && !deadlock && !divergent) ok &= gr_set(g, item, "class", "initial") == 0;
    return ok;
}

/* The transitions from state i, one edge per target with its events as lines. */
static bool set_edges(gr_graph *g, const struct plts *l, size_t i)
{
    const struct plts_state *s = &l->states[i];
    bool ok = true;
    for (size_t k = 0; k < s->ntrans && ok; k++) {
        const struct plts_trans *t = &s->trans[k];
        if (t->target >= l->nstates) continue;
        bool first = true;
        for (size_t j = 0; j < k && first; j++)
            first = !(s->trans[j].target == t->target && s->trans[j].tau == t->tau);
        if (!first) continue;
        char label[512];
        size_t at = 0, count = 0;
        for (size_t j = k; j < s->ntrans; j++) {
            if (s->trans[j].target != t->target || s->trans[j].tau != t->tau) continue;
            if (count++ < EDGE_EVENTS && at < sizeof label)
                at += (size_t)snprintf(label + at, sizeof label - at, "%s%s", at ? "\n" : "",
                                       s->trans[j].event);
        }
        if (count > EDGE_EVENTS && at < sizeof label)
            snprintf(label + at, sizeof label - at, "\n… (%zu events)", count);
        char from[32], to[32];
        snprintf(from, sizeof from, "s%zu", i);
        snprintf(to, sizeof to, "s%u", t->target);
        int e = gr_edge(g, GR_ROOT, from, to);
        ok = e >= 0 && gr_set(g, e, "label", label) == 0;
        if (ok && t->tau) ok = gr_set(g, e, "style", "dashed") == 0 && gr_set(g, e, "class", "tau") == 0;
    }
    return ok;
}

/* The caption with the legend under it, as the graph's HTML-like label (so it sits above
 * the machine, not in its first column): a table of ids and terms, every text escaped. */
static bool set_legend(gr_graph *g, const struct plts *l, const char *caption)
{
    char *html = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&html, &len);
    if (!f) return false;
    bool ok = true;
    fputs("<table border=\"0\" cellspacing=\"0\"><tr><td>", f);
    for (const char *p = caption; *p && ok;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *line = strndup(p, n), *esc = line ? gr_html_escape(line) : NULL;
        ok = esc != NULL;
        if (ok) fprintf(f, "%s%s", p == caption ? "" : "<br/>", esc);
        free(line);
        free(esc);
        p += n + (e != NULL);
    }
    fputs("</td></tr><tr><td><table border=\"0\" cellborder=\"1\" cellspacing=\"0\" "
          "cellpadding=\"3\"><tr><td><b>state</b></td><td align=\"left\"><b>process term</b>"
          "</td></tr>", f);
    size_t rows = l->nstates < LEGEND_ROWS ? l->nstates : LEGEND_ROWS;
    for (size_t i = 0; i < rows && ok; i++) {
        char *c = cut(l->states[i].term, LEGEND_TERM);
        char *e = c ? gr_html_escape(c) : NULL;
        ok = e != NULL;
        if (ok) fprintf(f, "<tr><td>s%zu</td><td align=\"left\">%s</td></tr>", i, e);
        free(c);
        free(e);
    }
    if (rows < l->nstates)
        fprintf(f, "<tr><td>…</td><td align=\"left\">%zu more: hover over a state for its "
                   "term</td></tr>", l->nstates - rows);
    fputs("</table></td></tr></table>", f);
    if (ferror(f) | fclose(f)) ok = false;
    ok = ok && gr_set_html(g, GR_ROOT, "label", html) == 0;
    free(html);
    return ok;
}

gr_graph *picture_lts(const struct plts *l)
{
    gr_graph *g = gr_new("lts");
    bool *div = malloc((l->nstates + 1) * sizeof *div);
    bool ok = g && div && plts_divergent(l, div) == 0;
    size_t ntrans = 0, ndead = 0, ndiv = 0;
    for (size_t i = 0; ok && i < l->nstates; i++) {
        ntrans += l->states[i].ntrans;
        ndead += l->states[i].ntrans == 0 && !l->states[i].terminated;
        ndiv += div[i];
    }
    char caption[1024];
    if (ok) {
        size_t at = (size_t)snprintf(caption, sizeof caption,
                                     "state machine of %s%s%s\n%zu states, %zu transitions; "
                                     "s0 (bold) is the start; dashed: τ (internal)",
                                     l->title, l->source ? " in " : "", l->source ? l->source : "",
                                     l->nstates, ntrans);
        if (ndead && at < sizeof caption)
            at += (size_t)snprintf(caption + at, sizeof caption - at, "\n%zu deadlocked (octagon)",
                                   ndead);
        if (ndiv && at < sizeof caption)
            snprintf(caption + at, sizeof caption - at, "%s%zu divergent: on a τ cycle",
                     ndead ? "; " : "\n", ndiv);
        ok = (l->legend && l->nstates ? set_legend(g, l, caption)
                                       : gr_set(g, GR_ROOT, "label", caption) == 0) &&
             gr_set(g, GR_ROOT, "labelloc", "t") == 0 &&
             gr_set(g, GR_ROOT, "fontname", "Helvetica") == 0 &&
             gr_set(g, GR_ROOT, "rankdir", "LR") == 0 &&
             gr_default(g, "node", "fontname", "Helvetica") == 0 &&
             gr_default(g, "node", "shape", "circle") == 0 &&
             gr_default(g, "node", "style", "filled") == 0 &&
             gr_default(g, "node", "fillcolor", "#dce8f7") == 0 &&
             gr_default(g, "edge", "fontname", "Helvetica") == 0 &&
             gr_default(g, "edge", "fontsize", "10") == 0;
    }
    /* The start: an arrow from a point into s0. */
    if (ok && l->nstates) {
        int start = gr_node(g, GR_ROOT, "start");
        ok = start >= 0 && gr_set(g, start, "shape", "point") == 0 &&
             gr_set(g, start, "width", "0.12") == 0 && gr_set(g, start, "fillcolor", "black") == 0 &&
             gr_set(g, start, "label", "") == 0;
        int e = ok ? gr_edge(g, GR_ROOT, "start", "s0") : -1;
        ok = ok && e >= 0 && gr_set(g, e, "penwidth", "2") == 0;
    }
    for (size_t i = 0; ok && i < l->nstates; i++) ok = set_state(g, l, i, div[i]);
    for (size_t i = 0; ok && i < l->nstates; i++) ok = set_edges(g, l, i);
    free(div);
    if (!ok) {
        gr_free(g);
        return NULL;
    }
    return g;
}
