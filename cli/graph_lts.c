/* `baton graph lts SPEC.csp PROCESS`: a process's state machine, explored by the evaluator
 * (eval_explore_visit, as `baton lts` does) and drawn by reports/picture_lts.  Past
 * --max-states it refuses: a machine that large is not a picture anyone can read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/graph.h"
#include "cli/spec.h"
#include "reports/picture_lts.h"

enum {
    DEFAULT_STATES = 100,
    HARD_CAP = 1000,              /* --max-states at most: past it, no layout is readable */
    TERM_TEXT = 2000,             /* bytes of a term kept for its tooltip */
};

/* The states as the visitor hands them over, copied into plain data. */
struct collect {
    struct evaluator *ev;
    struct proc_sem *sem;
    struct plts_state *states;
    size_t n, cap;
    bool oom;
};

static char *text_of(const value *v, bool proc)
{
    size_t n = proc ? proc_format(v, NULL, 0) : val_format(v, NULL, 0);
    if (n > TERM_TEXT) n = TERM_TEXT;
    char *s = malloc(n + 1);
    if (s) {
        if (proc) proc_format(v, s, n + 1);
        else val_format(v, s, n + 1);
    }
    return s;
}

static void visit(void *ctx, size_t id, const value *term, const struct proc_trans *tr,
                  const size_t *targets, size_t n)
{
    struct collect *c = ctx;
    if (c->oom) return;
    if (id >= c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        while (cap <= id) cap *= 2;
        struct plts_state *v = realloc(c->states, cap * sizeof *v);
        if (!v) {
            c->oom = true;
            return;
        }
        memset(v + c->cap, 0, (cap - c->cap) * sizeof *v);
        c->states = v;
        c->cap = cap;
    }
    struct plts_state *s = &c->states[id];
    struct plts_trans *t = calloc(n + 1, sizeof *t);
    /* A state a definition made reads by its name first: "PARSER = (raw.0 -> …)". */
    const char *name = eval_proc_name(c->ev, term, NULL);
    char *text = text_of(term, true), *named = NULL;
    if (name && text && asprintf(&named, "%s = %s", name, text) < 0) named = NULL;
    s->term = name ? named : text;
    if (name) free(text);
    s->terminated = term->kind == VAL_PROC && term->num == PROC_OMEGA;
    s->trans = t;
    s->ntrans = n;
    if (id + 1 > c->n) c->n = id + 1;
    if (!t || !s->term) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        bool tau = tr[i].event == c->sem->tau, tick = tr[i].event == c->sem->tick;
        t[i].event = tau ? strdup("τ") : tick ? strdup("✓") : text_of(tr[i].event, false);
        t[i].target = (uint32_t)targets[i];
        t[i].tau = tau;
        if (!t[i].event) c->oom = true;
    }
}

static void collect_free(struct collect *c)
{
    for (size_t i = 0; i < c->n; i++) {
        for (size_t k = 0; c->states[i].trans && k < c->states[i].ntrans; k++)
            free((char *)c->states[i].trans[k].event);
        free((struct plts_trans *)c->states[i].trans);
        free((char *)c->states[i].term);
    }
    free(c->states);
}

int graph_lts(int argc, char **argv)
{
    struct graph_output o = {0};
    const char *file = NULL, *proc = NULL;
    long max_states = DEFAULT_STATES;
    bool legend = true;
    for (int i = 1; i < argc; i++) {
        int got = graph_output_option("lts", argc, argv, &i, &o);
        if (got < 0) return EXIT_INPUT;
        if (got) continue;
        if (strcmp(argv[i], "--no-legend") == 0) {
            legend = false;
        } else if (strcmp(argv[i], "--max-states") == 0) {
            char *end;
            if (i + 1 >= argc) return cli_usage_error("graph", "graph lts: --max-states needs a number");
            max_states = strtol(argv[++i], &end, 10);
            if (*end || max_states <= 0 || end == argv[i])
                return cli_usage_error("graph", "graph lts: --max-states needs a positive number");
            if (max_states > HARD_CAP)
                return cli_usage_error("graph", "graph lts: --max-states is at most %d (a larger "
                                       "machine is not a readable picture; use `baton lts` "
                                       "for its text)", HARD_CAP);
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("graph", "graph lts: unknown option '%s'", argv[i]);
        } else if (!file) {
            file = argv[i];
        } else if (!proc) {
            proc = argv[i];
        } else {
            return cli_usage_error("graph", "graph lts takes a SPEC.csp and a PROCESS");
        }
    }
    if (!file || !proc) return cli_usage_error("graph", "graph lts needs a SPEC.csp and a PROCESS");

    struct cli_spec spec;
    const value *p = NULL;
    int status = cli_spec_open_process(file, proc, &spec, &p);
    if (status != EXIT_HOLDS) {
        cli_spec_close(&spec);
        return status;
    }
    struct collect c = {.ev = spec.ev, .sem = eval_sem(spec.ev)};
    long n = eval_explore_visit(spec.ev, p, max_states, visit, &c);
    if (n < 0) {
        diag_print(&spec.m->diags, stderr);
        status = EXIT_INPUT;
    } else if (n > max_states) {
        fprintf(stderr, "baton: %s has more than %ld states, too many to draw; draw one of its "
                        "components, or raise --max-states (at most %d)\n", proc, max_states,
                HARD_CAP);
        status = EXIT_LIMIT;
    } else if (c.oom) {
        fputs("baton: out of memory while drawing\n", stderr);
        status = EXIT_LIMIT;
    } else {
        struct plts l = {proc, file, c.states, c.n, legend};
        gr_graph *g = picture_lts(&l);
        if (g) {
            status = graph_emit(g, &o);
        } else {
            fputs("baton: out of memory while drawing\n", stderr);
            status = EXIT_LIMIT;
        }
        gr_free(g);
    }
    collect_free(&c);
    cli_spec_close(&spec);
    return status;
}
