/* html.c — the report people open from a failed CI job: one self-contained HTML page (inline
 * CSS and SVG pictures, no scripts, nothing fetched from the network) with a summary, each
 * check and its verdict, the counterexample as a table and a chart, and the lines of the
 * specification involved, highlighted.  Verdicts are words and borders as well as colours,
 * so the page reads the same printed in black and white. */
#include <stdlib.h>
#include <string.h>

#include "reports/format.h"

#ifndef BATON_VERSION
#define BATON_VERSION "0"
#endif

static void esc(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default:
            /* Control characters (from a hostile trace) are not text: show them as U+FFFD. */
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                fputs("\xEF\xBF\xBD", out);
            else
                fputc(*s, out);
        }
    }
}

static const char style[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1f24;"
    "max-width:1100px;margin:0 auto;padding:24px}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0}h3{font-size:14px;"
    "margin:18px 0 6px;text-transform:uppercase;letter-spacing:.04em;color:#57606a}"
    "code,pre,.mono{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,monospace;font-size:13px}"
    ".file{color:#57606a;margin:0 0 16px}"
    ".banner{border:2px solid;border-radius:6px;padding:10px 14px;margin:12px 0 20px;"
    "font-weight:600}"
    ".banner.fail{border-color:#cf222e;background:#ffebe9}"
    ".banner.pass{border-color:#1a7f37;background:#dafbe1}"
    ".banner.error{border-color:#9a6700;background:#fff8c5;border-style:dashed}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #d0d7de;vertical-align:top}"
    "th{font-size:12px;text-transform:uppercase;color:#57606a;letter-spacing:.04em}"
    ".v{display:inline-block;min-width:48px;text-align:center;font-weight:700;font-size:12px;"
    "padding:1px 6px;border-radius:4px;border:1.5px solid}"
    ".v.pass{color:#1a7f37;border-color:#1a7f37}"
    ".v.fail{color:#fff;background:#cf222e;border-color:#cf222e}"
    ".v.error{color:#9a6700;border-color:#9a6700;border-style:dashed}"
    ".v.limit{color:#57606a;border-color:#57606a;border-style:dotted}"
    "section.check{border:1px solid #d0d7de;border-radius:6px;padding:14px 16px;margin:18px 0;"
    "break-inside:avoid-page}"
    "section.check.fail{border-left:6px solid #cf222e}"
    "section.check.error,section.check.limit{border-left:6px dashed #9a6700}"
    ".loc{color:#57606a;font-weight:400;font-size:13px;margin-left:8px}"
    ".headline{margin:8px 0 0;font-size:15px}"
    "td.n{color:#57606a;width:3em;text-align:right}"
    "tr.end td{font-weight:700;border-top:2px solid #cf222e}"
    "tr.loop td{border-top:2px dashed #9a6700}"
    "tr.cycle td{font-weight:700}"
    ".hidden{color:#6e7781;font-style:italic}"
    "pre.src{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px 0;"
    "overflow-x:auto;margin:0}"
    "pre.src span{display:block;padding:0 12px}"
    "pre.src .ln{display:inline;color:#8c959f;padding:0 12px 0 0;user-select:none}"
    "pre.src mark{display:block;background:#fff8c5;border-left:4px solid #9a6700;padding:0 8px}"
    "pre.src .gap{color:#8c959f}"
    "figure{margin:12px 0;overflow-x:auto}figure svg{max-width:100%;height:auto}"
    "figcaption{font-size:12px;color:#57606a}"
    "footer{margin-top:28px;color:#57606a;font-size:12px}"
    "a{color:#0969da}"
    "@media print{body{padding:0;font-size:12px}a{color:inherit;text-decoration:none}"
    ".banner,.v.fail{background:none!important;color:#000!important}}";

static const char *verdict_class(enum rpt_result r)
{
    switch (r) {
    case RPT_PASS: return "pass";
    case RPT_FAIL: return "fail";
    case RPT_LIMIT: return "limit";
    default: return "error";
    }
}

static const char *verdict_word(enum rpt_result r)
{
    switch (r) {
    case RPT_PASS: return "PASS";
    case RPT_FAIL: return "FAIL";
    case RPT_LIMIT: return "LIMIT";
    default: return "ERROR";
    }
}

static void head(FILE *out, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
          "<title>",
          out);
    esc(out, title);
    fprintf(out, "</title><style>%s</style></head>\n<body>\n", style);
}

static void foot(FILE *out)
{
    fprintf(out, "<footer>Written by baton %s. This page is self-contained: it loads nothing "
                 "from the network.</footer>\n</body></html>\n",
            BATON_VERSION);
}

/* An SVG picture (as Graphviz writes it) inline: from its <svg> element on, without the XML
 * declaration, DOCTYPE and comments before it, which HTML does not take. */
static void figure(FILE *out, const char *svg, const char *caption)
{
    const char *start = svg ? strstr(svg, "<svg") : NULL;
    if (!start) return;
    fputs("<figure>", out);
    fputs(start, out);
    fputs("<figcaption>", out);
    esc(out, caption);
    fputs("</figcaption></figure>\n", out);
}

/* The line of a "file:line" in `file`, or 0. */
static size_t line_in(const char *where, const char *file)
{
    if (!where || !file) return 0;
    const char *colon = strrchr(where, ':');
    if (!colon || (size_t)(colon - where) != strlen(file) || strncmp(where, file, strlen(file)))
        return 0;
    return (size_t)strtoul(colon + 1, NULL, 10);
}

/* ---- the specification's lines ---- */

struct lines {
    const char **at;              /* start of each line (1-based: at[1] is line 1) */
    size_t n;
};

static int lines_of(const char *src, struct lines *l)
{
    l->n = 0;
    l->at = NULL;
    if (!src) return 0;
    size_t count = 1;
    for (const char *p = src; *p; p++) count += *p == '\n';
    l->at = malloc((count + 1) * sizeof *l->at);
    if (!l->at) return -1;
    l->at[++l->n] = src;
    for (const char *p = src; *p; p++)
        if (*p == '\n' && p[1]) l->at[++l->n] = p + 1;
    return 0;
}

static void source_line(FILE *out, const struct lines *l, size_t k, bool marked)
{
    const char *s = l->at[k], *e = strchr(s, '\n');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    char *copy = strndup(s, len > 300 ? 300 : len);
    fprintf(out, "<%s><span class=\"ln\">%5zu</span>", marked ? "mark" : "span", k);
    esc(out, copy ? copy : "");
    if (len > 300) fputs("…", out);
    fprintf(out, "</%s>", marked ? "mark" : "span");
    free(copy);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The marked lines with one line of context each, in order, "⋮" between distant ones. */
static void excerpt(FILE *out, const struct lines *l, size_t *marks, size_t nmarks)
{
    if (!l->n || !nmarks) return;
    qsort(marks, nmarks, sizeof *marks, cmp_size);
    fputs("<pre class=\"src\">", out);
    size_t shown = 0;
    for (size_t i = 0; i < nmarks; i++) {
        size_t m = marks[i];
        if (m < 1 || m > l->n || (i && m == marks[i - 1])) continue;
        size_t from = m > 1 ? m - 1 : 1, to = m < l->n ? m + 1 : m;
        if (from <= shown) from = shown + 1;
        if (shown && from > shown + 1) fputs("<span class=\"gap\">      ⋮</span>", out);
        for (size_t k = from; k <= to; k++) {
            bool marked = false;
            for (size_t j = 0; j < nmarks; j++) marked |= marks[j] == k;
            source_line(out, l, k, marked);
        }
        shown = to;
    }
    fputs("</pre>\n", out);
}

/* A check's one-line verdict (taken and freed) and a note beside a failure, if any. */
static void verdict_lines(FILE *out, char *headline, const char *note)
{
    fputs("<p class=\"headline\">", out);
    esc(out, headline ? headline : "");
    fputs("</p>\n", out);
    free(headline);
    if (!note) return;
    fputs("<p>", out);
    esc(out, note);
    fputs("</p>\n", out);
}

/* ---- one assertion ---- */

static void event_list(FILE *out, const struct rpt_strings *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (i) fputs(", ", out);
        fputs("<code>", out);
        esc(out, l->v[i]);
        fputs("</code>", out);
    }
}

static void counterexample(FILE *out, const char *file, const struct rpt_assertion *a)
{
    fputs("<h3>Counterexample</h3>\n<table class=\"trace\"><tr><th>#</th><th>event</th>", out);
    if (a->nsteps) fputs("<th>taken by</th>", out);
    fputs("</tr>\n", out);
    /* The steps, hidden ones included, with who took part; else the visible trace. */
    size_t rows = a->nsteps ? a->nsteps - (a->offending_step ? 1 : 0) : a->trace.n;
    for (size_t i = 0; i < rows; i++) {
        const char *ev = a->nsteps ? a->steps[i].event : a->trace.v[i];
        bool hidden = a->nsteps && a->steps[i].hidden;
        fprintf(out, "<tr%s><td class=\"n\">%zu</td><td class=\"mono%s\">",
                a->has_loop && i == a->loop ? " class=\"loop\"" : "", i + 1,
                hidden ? " hidden" : "");
        esc(out, ev);
        if (hidden) fputs(" (hidden)", out);
        if (a->has_loop && i == a->loop) fputs(" ⟲ from here, forever", out);
        fputs("</td>", out);
        if (a->nsteps) {
            fputs("<td class=\"mono\">", out);
            for (size_t w = 0; w < a->steps[i].nwho && a->steps[i].who[w] < a->ncomponents; w++) {
                if (w) fputs(", ", out);
                esc(out, a->components[a->steps[i].who[w]].name);
            }
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    const char *kind = a->kind ? a->kind : "failure";
    fprintf(out, "<tr class=\"end\"><td class=\"n\">end</td><td%s>",
            a->nsteps ? " colspan=\"2\"" : "");
    if (a->event && strcmp(kind, "revival") == 0) {
        fputs("stable and refusing {", out);
        event_list(out, &a->refusal);
        fputs("}, then <code>", out);
        esc(out, a->event);
        fputs("</code>, which the specification cannot do after that refusal", out);
    } else if (a->event && strcmp(kind, "nondeterminism") == 0) {
        fputs("then <code>", out);
        esc(out, a->event);
        fputs("</code> can both happen and be refused", out);
    } else if (a->event) {
        fputs("then <code>", out);
        esc(out, a->event);
        fputs(a->event_missing ? "</code>, which the process cannot perform"
                               : "</code>, which the specification does not allow",
              out);
    } else if (a->refusal.n) {
        fputs("refuses {", out);
        event_list(out, &a->refusal);
        fputs("}, which the specification must offer", out);
    } else if (strcmp(kind, "deadlock") == 0) {
        fputs("deadlock: nothing more can happen", out);
    } else if (strcmp(kind, "divergence") == 0) {
        fputs("divergence: internal events forever", out);
    } else {
        esc(out, kind);
    }
    fputs("</td></tr></table>\n", out);
    if (a->nrefusals) {
        fputs("<p>as a refusal trace (the refusal seen before each event; • none): ", out);
        for (size_t i = 0; i < a->nrefusals && i < a->trace.n; i++) {
            if (i) fputs(", ", out);
            char *x = rpt_refusal_text(&a->refusals[i]);
            esc(out, x ? x : "?");
            free(x);
            fputs(", <code>", out);
            esc(out, a->trace.v[i]);
            fputs("</code>", out);
        }
        fputs("</p>\n", out);
    }
    if (a->event && a->refusal.n && strcmp(kind, "revival") != 0) {
        fputs("<p>refusing {", out);
        event_list(out, &a->refusal);
        fputs("}</p>\n", out);
    }
    if (!a->ncomponents) return;
    bool offers = false;
    for (size_t i = 0; i < a->ncomponents; i++) offers |= a->components[i].offers.n > 0;
    fputs("<h3>Components at the end</h3>\n<table class=\"components\"><tr><th>component</th>"
          "<th>defined at</th><th>state</th><th>last events</th>",
          out);
    if (offers) fputs("<th>waits for</th>", out);
    fputs("</tr>\n", out);
    for (size_t i = 0; i < a->ncomponents; i++) {
        const struct rpt_component *c = &a->components[i];
        fputs("<tr><td class=\"mono\">", out);
        esc(out, c->name);
        fputs("</td><td class=\"mono\">", out);
        size_t own = line_in(c->where, file);
        if (own) fprintf(out, "line %zu", own);   /* the report's own file: the line says it */
        else esc(out, c->where ? c->where : "");
        fputs("</td><td class=\"mono\">", out);
        esc(out, c->state);
        fputs("</td><td>", out);
        size_t from = c->last.n > 6 ? c->last.n - 6 : 0;
        if (from) fputs("…, ", out);
        for (size_t k = from; k < c->last.n; k++) {
            if (k > from) fputs(", ", out);
            fputs("<code>", out);
            esc(out, c->last.v[k]);
            fputs("</code>", out);
        }
        fputs("</td>", out);
        if (offers) {
            fputs("<td>", out);
            event_list(out, &c->offers);
            for (size_t b = 0; b < c->nblocked_by; b++) {
                if (c->blocked_by[b] >= a->ncomponents) continue;
                fputs(b ? ", " : " — blocked by ", out);
                esc(out, a->components[c->blocked_by[b]].name);
            }
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void assertion(FILE *out, const struct rpt_file *f, const struct rpt_assertion *a,
                      size_t k, const struct lines *l, const char *chart)
{
    fprintf(out, "<section class=\"check %s\" id=\"a%zu\"><h2><span class=\"v %s\">%s</span> ",
            verdict_class(a->result), k + 1, verdict_class(a->result), verdict_word(a->result));
    fputs("<code>", out);
    esc(out, a->text);
    fputs("</code><span class=\"loc\">", out);
    if (a->line) {
        esc(out, f->file);
        fprintf(out, ":%d", a->line);
    } else {
        fputs("given on the command line", out);
    }
    fputs("</span></h2>\n", out);
    verdict_lines(out, rpt_headline(a), a->result == RPT_FAIL ? a->message : NULL);
    fprintf(out, "<p class=\"loc\">%llu states, %llu transitions, %.2f s</p>\n",
            (unsigned long long)a->states, (unsigned long long)a->transitions, a->seconds);
    if (a->result == RPT_FAIL) {
        if (chart) figure(out, chart, "The counterexample: a lifeline per component, a bar per "
                                      "event joining the components that share it, and how it "
                                      "ends.");
        counterexample(out, f->file, a);
    }
    if (l->n && a->result != RPT_PASS) {
        size_t marks[65], n = 0;
        if (a->line) marks[n++] = (size_t)a->line;
        for (size_t i = 0; i < a->ncomponents && n < 65; i++) {
            size_t m = line_in(a->components[i].where, f->file);
            if (m) marks[n++] = m;
        }
        if (n) {
            fputs("<h3>Source involved</h3>\n", out);
            excerpt(out, l, marks, n);
        }
    }
    fputs("</section>\n", out);
}

static void banner(FILE *out, size_t pass, size_t fail, size_t error, size_t limit,
                   size_t not_checked, const char *what)
{
    const char *cls = fail ? "fail" : error || limit || not_checked ? "error" : "pass";
    fprintf(out, "<div class=\"banner %s\">", cls);
    if (fail)
        fprintf(out, "FAILED: %zu of %zu %s%s failed", fail, pass + fail + error + limit, what,
                pass + fail + error + limit == 1 ? "" : "s");
    else if (error || limit || not_checked)
        fprintf(out, "NO VERDICT for every %s: see the errors and limits below", what);
    else
        fprintf(out, "PASSED: all %zu %s%s hold", pass, what, pass == 1 ? "" : "s");
    fprintf(out, " — %zu passed, %zu failed", pass, fail);
    if (error) fprintf(out, ", %zu error%s", error, error == 1 ? "" : "s");
    if (limit) fprintf(out, ", %zu stopped at a limit", limit);
    if (not_checked) fprintf(out, ", %zu not checked (interrupted)", not_checked);
    fputs("</div>\n", out);
}

int rpt_html(FILE *out, const struct rpt_file *f, const struct rpt_context *x)
{
    struct lines l;
    if (lines_of(x ? x->source : NULL, &l) < 0) return -1;
    const char *title = x && x->title ? x->title : f->file;
    char *t = NULL;
    if (asprintf(&t, "baton: %s", title) < 0) t = NULL;
    head(out, t ? t : "baton");
    free(t);
    fputs("<h1>Assertions checked</h1>\n<p class=\"file mono\">", out);
    esc(out, f->file);
    fputs("</p>\n", out);
    size_t pass, fail, error, limit;
    rpt_counts(f, &pass, &fail, &error, &limit);
    banner(out, pass, fail, error, limit, f->not_checked, "assertion");
    fputs("<table class=\"overview\"><tr><th>verdict</th><th>line</th><th>assertion</th>"
          "<th>states</th><th>time</th></tr>\n",
          out);
    for (size_t i = 0; i < f->n; i++) {
        const struct rpt_assertion *a = &f->a[i];
        fprintf(out, "<tr><td><span class=\"v %s\">%s</span></td><td>", verdict_class(a->result),
                verdict_word(a->result));
        if (a->line) fprintf(out, "%d", a->line);
        fprintf(out, "</td><td class=\"mono\"><a href=\"#a%zu\">", i + 1);
        esc(out, a->text);
        fprintf(out, "</a></td><td>%llu</td><td>%.2f s</td></tr>\n",
                (unsigned long long)a->states, a->seconds);
    }
    fputs("</table>\n", out);
    for (size_t i = 0; i < f->n; i++)
        assertion(out, f, &f->a[i], i, &l, x && x->charts ? x->charts[i] : NULL);
    foot(out);
    free(l.at);
    return ferror(out) ? -1 : 0;
}

/* The processes blocked forever: what each waits for, where, and its last communication. */
static void blocked_table(FILE *out, const struct rpt_trace_check *c)
{
    if (!c->nblocked) return;
    fputs("<h3>Blocked forever</h3>\n<table class=\"components\"><tr><th>process</th>"
          "<th>waits for</th><th>where</th><th>last communication</th></tr>\n",
          out);
    for (size_t i = 0; i < c->nblocked; i++) {
        const struct rpt_blocked *b = &c->blocked[i];
        fprintf(out, "<tr%s><td class=\"mono\">", b->in_cycle ? " class=\"cycle\"" : "");
        esc(out, b->process);
        if (b->in_cycle) fputs(" ⟲", out);
        fputs("</td><td class=\"mono\">", out);
        esc(out, b->waits);
        fputs("</td><td class=\"mono\">", out);
        if (b->file) {
            esc(out, b->file);
            fprintf(out, ":%u", b->line);
        }
        fputs("</td><td class=\"mono\">", out);
        esc(out, b->last);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n<p class=\"loc\">⟲ on the wait-for cycle: each waits for the next, so "
          "none can move.</p>\n",
          out);
}

int rpt_html_traces(FILE *out, const struct rpt_traces *t, const struct rpt_context *x)
{
    char *title = NULL;
    bool runs = t->n && !t->c[0].process;
    int made = x && x->title ? asprintf(&title, "baton: %s", x->title)
                             : asprintf(&title, runs ? "baton: run of %s" : "baton: runs checked against %s", t->file);
    if (made < 0) title = NULL;
    head(out, title ? title : "baton");
    free(title);
    if (x && x->title) { /* the caller's heading: baton explore says what it explored */
        fputs("<h1>", out);
        esc(out, x->title);
        fputs("</h1>\n<p class=\"file mono\">", out);
    } else {
        fputs(runs ? "<h1>A program's run</h1>\n<p class=\"file mono\">"
                   : "<h1>Recorded runs checked against a specification</h1>\n<p class=\"file mono\">",
              out);
    }
    esc(out, t->file);
    fputs("</p>\n", out);
    size_t pass = 0, fail = 0, error = 0, limit = 0;
    for (size_t i = 0; i < t->n; i++) {
        pass += t->c[i].result == RPT_PASS;
        fail += t->c[i].result == RPT_FAIL;
        error += t->c[i].result == RPT_ERROR;
        limit += t->c[i].result == RPT_LIMIT;
    }
    banner(out, pass, fail, error, limit, 0, runs ? "run" : "trace");
    for (size_t i = 0; i < t->n; i++) {
        const struct rpt_trace_check *c = &t->c[i];
        fprintf(out, "<section class=\"check %s\"><h2><span class=\"v %s\">%s</span> <code>",
                verdict_class(c->result), verdict_class(c->result), verdict_word(c->result));
        esc(out, c->trace_file);
        if (c->process) {
            fputs("</code> against <code>", out);
            esc(out, c->process);
        } else {
            fputs("</code>, a run of <code>", out);
            esc(out, c->program ? c->program : "?");
        }
        fputs("</code></h2>\n", out);
        verdict_lines(out, rpt_trace_headline(c), c->result == RPT_FAIL ? c->message : NULL);
        fprintf(out, "<p class=\"loc\">%llu events, %.2f s</p>\n",
                (unsigned long long)c->events, c->seconds);
        if (c->result == RPT_FAIL && !c->trace.n && !c->elided) {
            if (x && x->charts && x->charts[i])
                figure(out, x->charts[i], "Who waits for whom at the end of the run: the wait-for "
                                          "cycle in red.");
            blocked_table(out, c);
        } else if (c->result == RPT_FAIL) {
            fputs("<h3>The run</h3>\n<table class=\"trace\"><tr><th>#</th><th>event</th></tr>\n",
                  out);
            if (c->elided)
                fprintf(out, "<tr><td class=\"n\"></td><td class=\"hidden\">… %llu earlier "
                             "events</td></tr>\n",
                        (unsigned long long)c->elided);
            for (size_t k = 0; k < c->trace.n; k++) {
                fprintf(out, "<tr><td class=\"n\">%llu</td><td class=\"mono\">",
                        (unsigned long long)(c->elided + k + 1));
                esc(out, c->trace.v[k]);
                fputs("</td></tr>\n", out);
            }
            fputs("<tr class=\"end\"><td class=\"n\">", out);
            if (c->event) {
                fprintf(out, "%llu</td><td><code>", (unsigned long long)c->index);
                esc(out, c->event);
                fputs("</code>, which the specification does not allow", out);
            } else {
                fputs("end</td><td>", out);
                esc(out, c->kind ? c->kind : "failure");
            }
            fputs("</td></tr></table>\n", out);
            if (c->allowed.n) {
                fputs("<p>The specification allowed: ", out);
                event_list(out, &c->allowed);
                fputs("</p>\n", out);
            }
            if (c->detail) {
                fputs("<p>", out);
                esc(out, c->detail);
                fputs("</p>\n", out);
            }
            if (x && x->charts && x->charts[i])
                figure(out, x->charts[i], "Who waits for whom at the end of the run: the wait-for "
                                          "cycle in red.");
            blocked_table(out, c);
        }
        fputs("</section>\n", out);
    }
    foot(out);
    return ferror(out) ? -1 : 0;
}
