/* Diagnostics: collected in a list, printed with the source line and a caret. */
#include "model/diag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool same_place(struct cspm_loc a, struct cspm_loc b)
{
    return a.file == b.file && a.line == b.line && a.col == b.col;
}

void diag_error(struct diag_list *d, struct cspm_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0) msg = NULL;
    va_end(ap);
    d->last = NULL;
    if (!msg) {
        d->dropped++;
        return;
    }
    /* An error at a place that already has one (a search meets one bad term from many
     * states, or one expression fails for many values: res!(x*x) for x = 3, 4, …) is
     * counted, not kept again: the first one tells where, and it prints once. */
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].loc.file && same_place(d->items[i].loc, loc)) {
            free(msg);
            d->repeated++;
            d->last = &d->items[i];
            return;
        }
    if (d->count >= DIAG_MAX) {
        free(msg);
        d->dropped++;
        return;
    }
    if (d->count == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 8;
        struct diag *items = realloc(d->items, cap * sizeof *items);
        if (!items) {
            free(msg);
            d->dropped++;
            return;
        }
        d->items = items;
        d->cap = cap;
    }
    d->items[d->count].loc = loc;
    d->items[d->count].msg = msg;
    d->last = &d->items[d->count++];
}

size_t diag_count(const struct diag_list *d)
{
    return d->count + d->dropped + d->repeated;
}

/* The bytes of line LINE of F (without its newline) in *start / *len; 0 if there is none. */
static int find_line(const struct cspm_file *f, uint32_t line, const char **start, size_t *len)
{
    const char *p = f->text, *end = f->text + f->len;
    for (uint32_t l = 1; l < line; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) return 0;
        p = nl + 1;
    }
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e) e = end;
    if (e > p && e[-1] == '\r') e--;
    *start = p;
    *len = (size_t)(e - p);
    return 1;
}

void diag_print_one(const struct diag *g, FILE *out)
{
    const struct cspm_loc *l = &g->loc;
    if (!l->file) {
        fprintf(out, "baton: error: %s\n", g->msg);
        return;
    }
    fprintf(out, "%s:%u:%u: error: %s\n", l->file->path, l->line, l->col, g->msg);
    const char *s;
    size_t n;
    if (!find_line(l->file, l->line, &s, &n)) return;
    /* Long lines (generated or minified specs) show a window around the column. */
    size_t from = l->col > 120 ? l->col - 80 : 0, to = from + 160;
    if (to > n) to = n;
    fprintf(out, "%5u | %s", l->line, from ? "…" : "");
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)s[i];
        fputc(c == '\t' || c >= 0x20 ? c : ' ', out);
    }
    fprintf(out, "\n      | %s", from ? " " : "");
    for (size_t i = from; i + 1 < l->col && i < to; i++) fputc(s[i] == '\t' ? '\t' : ' ', out);
    fputs("^\n", out);
}

/* Diagnostics come from the lexer and the parser in two passes over each file: print them in
 * the order of the source (files in order of first appearance, then line and column). */
static size_t file_rank(const struct diag_list *d, const struct cspm_file *f)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].loc.file == f) return i;
    return 0;
}

static int before(const struct diag_list *d, const struct diag *a, const struct diag *b)
{
    size_t fa = file_rank(d, a->loc.file), fb = file_rank(d, b->loc.file);
    if (fa != fb) return fa < fb;
    if (a->loc.line != b->loc.line) return a->loc.line < b->loc.line;
    return a->loc.col < b->loc.col;
}

void diag_print(const struct diag_list *d, FILE *out)
{
    const struct diag **order = malloc(d->count * sizeof *order + 1);
    if (!order) {
        for (size_t i = 0; i < d->count; i++) diag_print_one(&d->items[i], out);
    } else {
        for (size_t i = 0; i < d->count; i++) {     /* insertion sort: stable, n <= DIAG_MAX */
            size_t j = i;
            while (j > 0 && before(d, &d->items[i], order[j - 1])) { order[j] = order[j - 1]; j--; }
            order[j] = &d->items[i];
        }
        for (size_t i = 0; i < d->count; i++) diag_print_one(order[i], out);
        free(order);
    }
    if (d->dropped)
        fprintf(out, "baton: %zu more error%s not shown\n", d->dropped, d->dropped == 1 ? "" : "s");
}

void diag_list_free(struct diag_list *d)
{
    for (size_t i = 0; i < d->count; i++) free(d->items[i].msg);
    free(d->items);
    memset(d, 0, sizeof *d);
}
