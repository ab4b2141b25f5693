/* picture_chart.c — the message sequence chart of a counterexample (see picture_chart.h).
 *
 * Laid out by dot as a grid: a column per lifeline, a rank per row (rank=same subgraphs).
 * Every row has a node per column, joined down each column by the lifeline (heavy edges,
 * so columns stay straight) and across the row by edges that keep the columns in order —
 * visible as the step's bar between the components that took part, invisible elsewhere.
 * The leftmost column holds the row's text: the step number and its event. */
#include "reports/picture_chart.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DEFAULT_STEPS = 200, DEFAULT_COMPONENTS = 40, LABEL_MAX = 48, MAX_CELLS = 2400 };

#define NONE SIZE_MAX

/* A row of the chart: a step, or the marker standing for elided steps. */
struct row {
    size_t step;                  /* NONE for the elision marker */
};

struct chart {
    gr_graph *g;
    const struct rpt_assertion *a;
    const struct rpt_step *steps; /* a's, or made from its trace when it has none */
    size_t nsteps;
    struct rpt_step *made;        /* those made, owned */
    size_t process;               /* 0: who performed those made */
    size_t ncomp;                 /* components, or 1 for a counterexample without them */
    size_t *col;                  /* per component: its column (from 0), NONE when left out */
    size_t *comp;                 /* per column: its component */
    size_t ncols;
    struct row *rows;
    size_t nrows;
    size_t elided;                /* steps the marker stands for */
    int *ranks;                   /* per grid row: its rank=same subgraph */
    size_t *cycle;                /* a deadlock's wait-for cycle, components in order */
    size_t ncycle;
    bool oom;
};

/* ---- small helpers that remember running out of memory ---- */

static char *fmt(struct chart *c, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *s = NULL;
    if (vasprintf(&s, f, ap) < 0) {
        s = NULL;
        c->oom = true;
    }
    va_end(ap);
    return s;
}

static void set(struct chart *c, int item, const char *key, const char *value)
{
    if (item < 0 || !value || gr_set(c->g, item, key, value) < 0) c->oom = true;
}

static void set_html(struct chart *c, int item, const char *key, const char *html)
{
    if (item < 0 || !html || gr_set_html(c->g, item, key, html) < 0) c->oom = true;
}

static int node(struct chart *c, int cluster, const char *id)
{
    int n = id ? gr_node(c->g, cluster, id) : -1;
    if (n < 0) c->oom = true;
    return n;
}

static int edge(struct chart *c, const char *from, const char *to)
{
    int e = from && to ? gr_edge(c->g, GR_ROOT, from, to) : -1;
    if (e < 0) c->oom = true;
    return e;
}

/* text cut to LABEL_MAX bytes with "…" (never inside a UTF-8 sequence), malloc'd. */
static char *shorten(struct chart *c, const char *text)
{
    size_t n = strlen(text);
    if (n <= LABEL_MAX) return fmt(c, "%s", text);
    size_t cut = LABEL_MAX - 3;
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80) cut--;
    return fmt(c, "%.*s…", (int)cut, text);
}

/* shorten, then escaped for an HTML-like label. */
static char *html_text(struct chart *c, const char *text)
{
    char *s = shorten(c, text ? text : "");
    char *h = s ? gr_html_escape(s) : NULL;
    free(s);
    if (!h) c->oom = true;
    return h;
}

static const char *comp_name(const struct chart *c, size_t k)
{
    return c->a->ncomponents ? c->a->components[k].name : "the process";
}

/* The steps to draw: the assertion's, or when it has none (`has trace`, which knows no
 * components) its trace, each event performed by the one lifeline, "the process". */
static void steps_of(struct chart *c)
{
    const struct rpt_assertion *a = c->a;
    c->steps = a->steps;
    c->nsteps = a->nsteps;
    if (a->nsteps || !a->trace.n) return;
    c->made = calloc(a->trace.n, sizeof *c->made);
    if (!c->made) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < a->trace.n; i++) {
        c->made[i].event = a->trace.v[i];
        c->made[i].who = a->ncomponents ? NULL : &c->process;
        c->made[i].nwho = a->ncomponents ? 0 : 1;
    }
    c->steps = c->made;
    c->nsteps = a->trace.n;
}

/* ---- which lifelines, in which order ---- */

static bool takes_part(const struct rpt_step *s, size_t k)
{
    for (size_t i = 0; i < s->nwho; i++)
        if (s->who[i] == k) return true;
    return false;
}

/* At a deadlock: walking "blocked by" from the first blocked component must come back to a
 * component already seen — the cycle of waiting. */
static void find_cycle(struct chart *c)
{
    const struct rpt_assertion *a = c->a;
    if (!a->kind || strcmp(a->kind, "deadlock") != 0 || !a->ncomponents) return;
    size_t start = NONE;
    for (size_t k = 0; k < a->ncomponents && start == NONE; k++)
        if (a->components[k].nblocked_by) start = k;
    if (start == NONE) return;
    size_t *seen = malloc(a->ncomponents * sizeof *seen);  /* place in the walk, or NONE */
    size_t *walk = malloc((a->ncomponents + 1) * sizeof *walk);
    if (!seen || !walk) {
        c->oom = true;
        free(seen);
        free(walk);
        return;
    }
    for (size_t k = 0; k < a->ncomponents; k++) seen[k] = NONE;
    size_t n = 0, k = start;
    while (seen[k] == NONE && a->components[k].nblocked_by) {
        seen[k] = n;
        walk[n++] = k;
        k = a->components[k].blocked_by[0];
        if (k >= a->ncomponents) break;
    }
    if (k < a->ncomponents && seen[k] != NONE) {
        c->ncycle = n - seen[k];
        memmove(walk, walk + seen[k], c->ncycle * sizeof *walk);
        c->cycle = walk;
    } else {
        free(walk);
    }
    free(seen);
}

static bool in_cycle(const struct chart *c, size_t k)
{
    for (size_t i = 0; i < c->ncycle; i++)
        if (c->cycle[i] == k) return true;
    return false;
}

/* The rows: every step, or the first and last ones around an elision marker.  A divergence
 * keeps its loop whole when it fits. */
static void choose_rows(struct chart *c, size_t max)
{
    const struct rpt_assertion *a = c->a;
    size_t n = c->nsteps, head = n, tail = 0;
    if (n > max) {
        head = max / 4;
        tail = max - head;
        if (a->has_loop && a->loop < n && n - a->loop > tail && n - a->loop <= max - 10) {
            tail = n - a->loop;
            head = max - tail;
        }
    }
    c->rows = malloc((head + tail + 1) * sizeof *c->rows);
    if (!c->rows) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < head; i++) c->rows[c->nrows++].step = i;
    if (tail) {
        c->elided = n - head - tail;
        c->rows[c->nrows++].step = NONE;
        for (size_t i = n - tail; i < n; i++) c->rows[c->nrows++].step = i;
    }
}

/* The lifelines: components ordered by their first part in the rows drawn (so partners sit
 * side by side), those never taking part after them in the specification's order.  Past
 * `max`, the components of the deadlock cycle and the most recently active are kept. */
static void choose_columns(struct chart *c, size_t max)
{
    size_t n = c->ncomp;
    c->col = malloc(n * sizeof *c->col);
    c->comp = malloc(n * sizeof *c->comp);
    size_t *first = malloc(n * sizeof *first), *recent = malloc(n * sizeof *recent);
    if (!c->col || !c->comp || !first || !recent) {
        c->oom = true;
        free(first);
        free(recent);
        return;
    }
    for (size_t k = 0; k < n; k++) first[k] = recent[k] = NONE;
    for (size_t r = 0; r < c->nrows; r++) {
        if (c->rows[r].step == NONE) continue;
        const struct rpt_step *s = &c->steps[c->rows[r].step];
        for (size_t i = 0; i < s->nwho; i++) {
            if (s->who[i] >= n) continue;
            if (first[s->who[i]] == NONE) first[s->who[i]] = r;
            recent[s->who[i]] = r;
        }
    }
    bool *keep = calloc(n, sizeof *keep);
    if (!keep) {
        c->oom = true;
        free(first);
        free(recent);
        return;
    }
    if (n <= max) {
        for (size_t k = 0; k < n; k++) keep[k] = true;
    } else {
        size_t kept = 0;
        for (size_t i = 0; i < c->ncycle && kept < max; i++)
            if (!keep[c->cycle[i]]) keep[c->cycle[i]] = true, kept++;
        /* then by their last part, latest first */
        for (size_t r = c->nrows; r-- > 0 && kept < max;)
            for (size_t k = 0; k < n && kept < max; k++)
                if (recent[k] == r && !keep[k]) keep[k] = true, kept++;
        for (size_t k = 0; k < n && kept < max; k++)
            if (!keep[k]) keep[k] = true, kept++;
    }
    /* Order: first part ascending (ties in the specification's order), then the idle. */
    c->ncols = 0;
    for (size_t r = 0; r < c->nrows; r++)
        for (size_t k = 0; k < n; k++)
            if (keep[k] && first[k] == r) c->comp[c->ncols++] = k;
    for (size_t k = 0; k < n; k++)
        if (keep[k] && first[k] == NONE) c->comp[c->ncols++] = k;
    for (size_t k = 0; k < n; k++) c->col[k] = NONE;
    for (size_t i = 0; i < c->ncols; i++) c->col[c->comp[i]] = i;
    free(keep);
    free(first);
    free(recent);
}

/* ---- drawing ---- */

/* The node ids of the grid: row r (0 the header, 1.. the rows, nrows + 1 the end), column
 * i; column NONE is the text column. */
static char *cell(struct chart *c, size_t r, size_t i)
{
    return i == NONE ? fmt(c, "t%zu", r) : fmt(c, "r%zu_c%zu", r, i);
}

/* A rank=same row of nodes, text column first, each column's node made by `make`.  The
 * columns are chained left to right by invisible edges (only bars are drawn). */
static int grid_row(struct chart *c, size_t r)
{
    int rank = gr_cluster(c->g, GR_ROOT, true);
    if (rank < 0) c->oom = true;
    c->ranks[r] = rank;
    char *id = cell(c, r, NONE);
    node(c, rank, id);
    free(id);
    for (size_t i = 0; i < c->ncols; i++) {
        char *x = cell(c, r, i);
        node(c, rank, x);
        free(x);
    }
    return rank;
}

static void chain_row(struct chart *c, size_t r, size_t lo, size_t hi, const struct rpt_step *s,
                      bool offending)
{
    /* text -> column 0 -> column 1 …: the bar's segments are drawn, the rest invisible. */
    for (size_t i = 0; i < c->ncols; i++) {
        char *from = cell(c, r, i == 0 ? NONE : i - 1), *to = cell(c, r, i);
        int e = edge(c, from, to);
        free(from);
        free(to);
        bool bar = s && i > lo && i <= hi && lo != NONE;
        if (!bar) {
            set(c, e, "style", "invis");
            continue;
        }
        set(c, e, "dir", "none");
        set(c, e, "penwidth", offending ? "3" : "2");
        set(c, e, "color", offending ? "red" : s->hidden ? "gray55" : "black");
        if (s->hidden) set(c, e, "style", "dashed");
    }
}

static void header(struct chart *c)
{
    grid_row(c, 0);
    char *t = cell(c, 0, NONE);
    int n = node(c, GR_ROOT, t);
    free(t);
    set(c, n, "shape", "plaintext");
    set(c, n, "label", "step");
    set(c, n, "fontcolor", "gray30");
    for (size_t i = 0; i < c->ncols; i++) {
        char *id = cell(c, 0, i);
        int h = node(c, GR_ROOT, id);
        free(id);
        size_t k = c->comp[i];
        char *name = html_text(c, comp_name(c, k));
        char *label = fmt(c, "<B>%s</B>", name ? name : "");
        set_html(c, h, "label", label);
        free(name);
        free(label);
        set(c, h, "shape", "box");
        set(c, h, "style", "rounded,filled");
        set(c, h, "fillcolor", "gray92");
        if (c->a->ncomponents) {
            const struct rpt_component *p = &c->a->components[k];
            char *tip = p->where ? fmt(c, "%s, defined at %s", p->name, p->where)
                                 : fmt(c, "%s", p->name ? p->name : "");
            set(c, h, "tooltip", tip);
            free(tip);
        }
    }
    chain_row(c, 0, NONE, NONE, NULL, false);
}

/* A lifeline passing a row it takes no part in: a dot as thin as the line, so the line
 * looks unbroken (an invisible node would leave a gap). */
static void lifeline_point(struct chart *c, int p, bool elided)
{
    set(c, p, "shape", "circle");
    set(c, p, "label", "");
    set(c, p, "fixedsize", "true");
    set(c, p, "width", "0.02");
    set(c, p, "color", "gray50");
    if (elided) set(c, p, "style", "invis");
}

/* Row r (1-based) of the chart. */
static char *visible_label(struct chart *c, size_t step, const char *ev);

static void step_row(struct chart *c, size_t r, const struct row *row)
{
    const struct rpt_assertion *a = c->a;
    grid_row(c, r);
    char *t = cell(c, r, NONE);
    int text = node(c, GR_ROOT, t);
    free(t);
    set(c, text, "shape", "plaintext");
    if (row->step == NONE) {
        char *l = fmt(c, "… %zu steps …", c->elided);
        set(c, text, "label", l);
        free(l);
        set(c, text, "fontcolor", "gray30");
        for (size_t i = 0; i < c->ncols; i++) {
            char *id = cell(c, r, i);
            int p = node(c, GR_ROOT, id);
            free(id);
            lifeline_point(c, p, true);
        }
        chain_row(c, r, NONE, NONE, NULL, false);
        return;
    }
    const struct rpt_step *s = &c->steps[row->step];
    bool offending = a->offending_step && row->step + 1 == c->nsteps;
    char *ev = shorten(c, s->event ? s->event : "?");
    char *l = offending ? fmt(c, "then %s:\nthe specification\ndoes not allow it%s", ev,
                              a->nrefusals ? "\nafter those refusals" : "")
              : s->hidden ? fmt(c, "%zu  %s (%s)", row->step + 1, ev,
                                strcmp(s->event ? s->event : "", "τ") == 0 ? "internal" : "hidden")
                          : visible_label(c, row->step, ev);
    free(ev);
    set(c, text, "label", l);
    free(l);
    set(c, text, "labeljust", "r");
    if (offending) {
        set(c, text, "fontcolor", "red");
        set(c, text, "fontname", "Helvetica-Bold");
    } else if (s->hidden) {
        set(c, text, "fontcolor", "gray45");
    }
    size_t lo = NONE, hi = NONE;
    for (size_t i = 0; i < c->ncols; i++) {
        char *id = cell(c, r, i);
        int p = node(c, GR_ROOT, id);
        free(id);
        if (!takes_part(s, c->comp[i])) {
            lifeline_point(c, p, false);
            continue;
        }
        if (lo == NONE) lo = i;
        hi = i;
        set(c, p, "shape", "circle");
        set(c, p, "label", "");
        set(c, p, "width", offending ? "0.2" : "0.14");
        set(c, p, "fixedsize", "true");
        set(c, p, "style", s->hidden ? "dashed,filled" : "filled");
        set(c, p, "fillcolor", offending ? "red" : s->hidden ? "gray75" : "black");
        set(c, p, "color", offending ? "red" : s->hidden ? "gray45" : "black");
        char *tip = fmt(c, "%s: %s", comp_name(c, c->comp[i]), s->event ? s->event : "");
        set(c, p, "tooltip", tip);
        free(tip);
    }
    chain_row(c, r, lo, hi, s, offending);
}

/* "a, b, c" from a list of strings, at most LABEL_MAX bytes. */
static char *joined(struct chart *c, const struct rpt_strings *l)
{
    size_t len = 0;
    for (size_t i = 0; i < l->n; i++) len += strlen(l->v[i]) + 2;
    char *s = malloc(len + 1);
    if (!s) {
        c->oom = true;
        return NULL;
    }
    s[0] = '\0';
    for (size_t i = 0; i < l->n; i++) {
        if (i) strcat(s, ", ");
        strcat(s, l->v[i]);
    }
    char *h = html_text(c, s);
    free(s);
    return h;
}

/* A component's box at the end: where it stopped, what it offers, who blocks it. */
static char *end_label(struct chart *c, size_t k, bool deadlock)
{
    const struct rpt_component *p = &c->a->components[k];
    char *name = html_text(c, p->name ? p->name : "");
    char *offers = p->offers.n ? joined(c, &p->offers) : NULL;
    char *what;
    if (!p->offers.n)
        what = fmt(c, "<I>has stopped: offers nothing</I>");
    else if (deadlock)
        what = fmt(c, "waits for <B>%s</B>", offers ? offers : "");
    else
        what = fmt(c, "offers %s", offers ? offers : "");
    char *blockers = NULL;
    if (deadlock && p->nblocked_by) {
        size_t len = 0;
        for (size_t i = 0; i < p->nblocked_by; i++)
            if (p->blocked_by[i] < c->a->ncomponents)
                len += strlen(c->a->components[p->blocked_by[i]].name) + 2;
        char *list = malloc(len + 1);
        if (list) {
            list[0] = '\0';
            for (size_t i = 0; i < p->nblocked_by; i++) {
                if (p->blocked_by[i] >= c->a->ncomponents) continue;
                if (list[0]) strcat(list, ", ");
                strcat(list, c->a->components[p->blocked_by[i]].name);
            }
            char *h = html_text(c, list);
            const char *colour = in_cycle(c, k) ? "red" : "black";
            blockers = fmt(c, "<TR><TD><FONT COLOR=\"%s\">held up by <B>%s</B></FONT></TD></TR>",
                           colour, h ? h : "");
            free(h);
            free(list);
        } else {
            c->oom = true;
        }
    }
    char *label = fmt(c, "<TABLE BORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">"
                         "<TR><TD><B>%s</B></TD></TR><TR><TD>%s</TD></TR>%s</TABLE>",
                      name ? name : "", what ? what : "", blockers ? blockers : "");
    free(name);
    free(offers);
    free(what);
    free(blockers);
    return label;
}

/* A visible step's label; in a refusal-testing counterexample with the refusal seen before
 * the event, as that is what the specification's answer depends on. */
static char *visible_label(struct chart *c, size_t step, const char *ev)
{
    const struct rpt_assertion *a = c->a;
    size_t k = 0;
    for (size_t i = 0; i < step; i++) k += !c->steps[i].hidden;
    if (k >= a->nrefusals || !a->refusals[k].seen) return fmt(c, "%zu  %s", step + 1, ev);
    char *x = rpt_refusal_text(&a->refusals[k]);
    char *l = fmt(c, "%zu  %s\n(stable, refusing %s)", step + 1, ev, x ? x : "?");
    free(x);
    return l;
}

/* The last row: each component's end (a box at a deadlock or a refusal), and in the text
 * column what the end is. */
static void end_row(struct chart *c, size_t r)
{
    const struct rpt_assertion *a = c->a;
    const char *kind = a->kind ? a->kind : "";
    bool deadlock = strcmp(kind, "deadlock") == 0, refusal = strcmp(kind, "refusal") == 0;
    bool revival = strcmp(kind, "revival") == 0 && a->event;
    bool boxes = (deadlock || refusal || revival) && a->ncomponents;
    grid_row(c, r);
    char *t = cell(c, r, NONE);
    int text = node(c, GR_ROOT, t);
    free(t);
    set(c, text, "shape", "plaintext");
    char *l = NULL;
    if (deadlock) {
        l = fmt(c, "<B>deadlock</B><BR/>nobody can move");
    } else if (refusal) {
        char *ref = joined(c, &a->refusal);
        l = fmt(c, "<B>then refuses</B><BR/>{%s}<BR/>the specification<BR/>must accept one",
                ref ? ref : "");
        free(ref);
    } else if (revival) {
        char *ref = joined(c, &a->refusal);
        char *ev = html_text(c, a->event);
        l = fmt(c, "<B>then refuses</B><BR/>{%s}<BR/><B>and then %s</B>,<BR/>which the "
                   "specification<BR/>cannot do", ref ? ref : "", ev ? ev : "");
        free(ref);
        free(ev);
    } else if (strcmp(kind, "nondeterminism") == 0 && a->event) {
        char *ev = html_text(c, a->event);
        l = fmt(c, "<B>then may accept</B><BR/><B>or refuse %s</B>", ev ? ev : "");
        free(ev);
    } else if (strcmp(kind, "trace") == 0 && a->event && !a->offending_step) {
        char *ev = html_text(c, a->event);
        l = fmt(c, "<B>then %s</B>,<BR/>which the %s", ev ? ev : "",
                a->event_missing ? "process<BR/>cannot perform" : "specification<BR/>does not allow");
        free(ev);
    } else if (strcmp(kind, "divergence") == 0 && a->has_loop) {
        l = fmt(c, "<B>diverges:</B><BR/>the hidden steps<BR/>repeat for ever");
    } else if (strcmp(kind, "divergence") == 0) {
        l = fmt(c, "<B>then diverges</B><BR/>(τ for ever)");
    } else if (!a->kind && a->message) {   /* `not A` where A holds: nothing happened */
        char *m = html_text(c, a->message);
        l = fmt(c, "%s", m ? m : "");
        free(m);
    } else {
        l = fmt(c, " ");
    }
    set_html(c, text, "label", l);
    free(l);
    set(c, text, "fontcolor", strcmp(kind, "trace") != 0 ? "red" : "black");
    for (size_t i = 0; i < c->ncols; i++) {
        char *id = cell(c, r, i);
        int p = node(c, GR_ROOT, id);
        free(id);
        size_t k = c->comp[i];
        if (!boxes) {
            set(c, p, "shape", "box");
            set(c, p, "label", "");
            set(c, p, "width", "0.3");
            set(c, p, "height", "0.04");
            set(c, p, "style", "filled");
            set(c, p, "fillcolor", "gray40");
            set(c, p, "color", "gray40");
            continue;
        }
        char *label = end_label(c, k, deadlock);
        set_html(c, p, "label", label);
        free(label);
        set(c, p, "shape", "box");
        /* At a deadlock, the components of the cycle, or one that stopped, are the cause. */
        bool cyc = in_cycle(c, k) || (deadlock && !a->components[k].offers.n);
        set(c, p, "color", cyc ? "red" : "gray40");
        set(c, p, "penwidth", cyc ? "2" : "1");
        set(c, p, "style", cyc ? "bold" : "solid");
        set(c, p, "tooltip", a->components[k].state ? a->components[k].state : "");
    }
    chain_row(c, r, NONE, NONE, NULL, false);
}

/* The lifelines: row to row down every column, heavy so that they stay straight. */
static void lifelines(struct chart *c, size_t last)
{
    for (size_t i = 0; i <= c->ncols; i++) {
        size_t col = i == c->ncols ? NONE : i;
        for (size_t r = 0; r < last; r++) {
            char *from = cell(c, r, col), *to = cell(c, r + 1, col);
            int e = edge(c, from, to);
            free(from);
            free(to);
            set(c, e, "weight", "100");
            set(c, e, "dir", "none");
            if (col == NONE) {
                set(c, e, "style", "invis");
                continue;
            }
            bool elided = (r >= 1 && r <= c->nrows && c->rows[r - 1].step == NONE) ||
                          (r + 1 <= c->nrows && c->rows[r].step == NONE);
            set(c, e, "color", "gray50");
            if (elided) set(c, e, "style", "dotted");
        }
    }
}

/* A divergence: in a margin right of the lifelines, an arrow from the end back up to the
 * row where the loop starts (or to the elision marker when that row is not drawn). */
static void loop_back(struct chart *c)
{
    const struct rpt_assertion *a = c->a;
    if (!a->has_loop || !c->nrows || !c->ncols) return;
    size_t start = NONE;
    for (size_t r = 0; r < c->nrows && start == NONE; r++)
        if (c->rows[r].step != NONE && c->rows[r].step == a->loop) start = r;
    for (size_t r = 0; r < c->nrows && start == NONE; r++)
        if (c->rows[r].step == NONE) start = r;
    if (start == NONE) return;
    size_t top = start + 1, bottom = c->nrows + 1;
    const char *ids[2] = {"loop_top", "loop_bottom"};
    size_t rows[2] = {top, bottom};
    for (int k = 0; k < 2; k++) {
        int p = node(c, c->ranks[rows[k]], ids[k]);
        set(c, p, "shape", "point");
        set(c, p, "width", "0.02");
        set(c, p, "style", "invis");
        char *last = cell(c, rows[k], c->ncols - 1);
        int e = edge(c, last, ids[k]);  /* right of the last lifeline */
        set(c, e, "style", "invis");
        set(c, e, "minlen", "2");
        free(last);
    }
    int straight = edge(c, ids[0], ids[1]);
    set(c, straight, "style", "invis");
    set(c, straight, "weight", "100");
    int e = edge(c, ids[1], ids[0]);
    set(c, e, "constraint", "false");
    set(c, e, "color", "red");
    set(c, e, "penwidth", "2.5");
    size_t len = c->nsteps - a->loop;
    char *l = fmt(c, " again, for ever:\n %zu hidden step%s\n (divergence)", len,
                  len == 1 ? "" : "s");
    set(c, e, "label", l);
    set(c, e, "fontcolor", "red");
    free(l);
}

/* The caption under a deadlock: the cycle of waiting in words. */
static void caption(struct chart *c, size_t r, size_t left_out)
{
    size_t len = 64;
    for (size_t i = 0; i < c->ncycle; i++) len += strlen(comp_name(c, c->cycle[i])) + 8;
    char *text = malloc(len + 64);
    if (!text) {
        c->oom = true;
        return;
    }
    text[0] = '\0';
    if (c->ncycle) {
        strcat(text, "each waits for the next, in a circle:\n");
        for (size_t i = 0; i <= c->ncycle; i++) {
            if (i) strcat(text, i % 6 == 0 ? " →\n" : " → ");
            strcat(text, comp_name(c, c->cycle[i % c->ncycle]));
        }
    }
    if (left_out) {
        char more[64];
        snprintf(more, sizeof more, "%s%zu more component%s not drawn", text[0] ? "\n" : "",
                 left_out, left_out == 1 ? "" : "s");
        strcat(text, more);
    }
    if (text[0]) {
        char *id = cell(c, r, NONE), *above = cell(c, r - 1, NONE);
        int n = node(c, GR_ROOT, id);
        set(c, n, "shape", "plaintext");
        set(c, n, "label", text);
        set(c, n, "fontcolor", c->ncycle ? "red" : "gray30");
        set(c, n, "fontsize", "14");
        int e = edge(c, above, id);
        set(c, e, "style", "invis");
        free(id);
        free(above);
    }
    free(text);
}

static void title(struct chart *c)
{
    const struct rpt_assertion *a = c->a;
    char *text = html_text(c, a->text ? a->text : "assert");
    const char *kind = a->kind ? a->kind : "failure";
    size_t visible = a->trace.n, hidden = 0;
    for (size_t i = 0; i < c->nsteps; i++) hidden += c->steps[i].hidden;
    char *more = hidden ? fmt(c, " and %zu hidden step%s", hidden, hidden == 1 ? "" : "s")
                        : fmt(c, "%s", "");
    char *what = fmt(c, "%s after %zu event%s%s", kind, visible, visible == 1 ? "" : "s",
                     more ? more : "");
    free(more);
    char *label = fmt(c, "<B>%s</B><BR/>%s<BR/> ", text ? text : "", what ? what : "");
    set_html(c, GR_ROOT, "label", label);
    free(text);
    free(what);
    free(label);
}

gr_graph *rpt_chart(const struct rpt_assertion *a, const struct rpt_chart_options *o)
{
    if (!a || a->result != RPT_FAIL) return NULL;
    size_t max_steps = o && o->max_steps ? o->max_steps : DEFAULT_STEPS;
    size_t max_comp = o && o->max_components ? o->max_components : DEFAULT_COMPONENTS;
    /* Graphviz's layout grows faster than the grid: past a few thousand cells it takes
     * tens of seconds, so many lifelines get fewer rows. */
    size_t cols = a->ncomponents < max_comp ? a->ncomponents : max_comp;
    if (cols && max_steps > MAX_CELLS / cols) max_steps = MAX_CELLS / cols;
    if (max_steps < 20) max_steps = 20;
    struct chart c = {.a = a, .ncomp = a->ncomponents ? a->ncomponents : 1};
    c.g = gr_new("counterexample");
    if (!c.g) return NULL;
    set(&c, GR_ROOT, "newrank", "true");
    set(&c, GR_ROOT, "rankdir", "TB");
    set(&c, GR_ROOT, "nodesep", "0.3");
    set(&c, GR_ROOT, "ranksep", "0.18");
    set(&c, GR_ROOT, "labelloc", "t");
    set(&c, GR_ROOT, "splines", "line");
    set(&c, GR_ROOT, "fontname", "Helvetica");
    if (gr_default(c.g, "node", "fontname", "Helvetica") < 0 ||
        gr_default(c.g, "node", "fontsize", "12") < 0 ||
        gr_default(c.g, "edge", "fontname", "Helvetica") < 0 ||
        gr_default(c.g, "edge", "fontsize", "11") < 0)
        c.oom = true;
    steps_of(&c);
    find_cycle(&c);
    choose_rows(&c, max_steps);
    c.ranks = malloc((c.nrows + 3) * sizeof *c.ranks);
    if (!c.ranks) c.oom = true;
    if (!c.oom) choose_columns(&c, max_comp);
    if (!c.oom) {
        title(&c);
        header(&c);
        for (size_t r = 0; r < c.nrows; r++) step_row(&c, r + 1, &c.rows[r]);
        end_row(&c, c.nrows + 1);
        lifelines(&c, c.nrows + 1);
        loop_back(&c);
        caption(&c, c.nrows + 2, c.ncomp - c.ncols);
    }
    free(c.col);
    free(c.comp);
    free(c.rows);
    free(c.ranks);
    free(c.made);
    free(c.cycle);
    if (c.oom) {
        gr_free(c.g);
        return NULL;
    }
    return c.g;
}
