/* `baton graph network SPEC.csp PROCESS`: the process network of a specification.  The
 * checker gives the process's shape (components, compositions, who performs each event with
 * whom, what is hidden) without searching the system; reports/picture_network draws it.
 * `--trace RUN` is the network of a recorded run instead (cli/graph_run.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/compile.h"
#include "cli/cli.h"
#include "cli/graph.h"
#include "cli/spec.h"
#include "reports/picture_network.h"

enum {
    MAX_COMPONENTS = 60,          /* past this a network is a grey blur: refuse */
    LEAF_STATES = 20000,          /* a component is explored only to learn its events */
};

static bool named(void *ev, const value *term)
{
    return eval_proc_name(ev, term, NULL) != NULL;
}

static char *term_text(const value *t, size_t max)
{
    size_t n = proc_format(t, NULL, 0);
    if (n > max) n = max;
    char *s = malloc(n + 1);
    if (s) proc_format(t, s, n + 1);
    return s;
}

static const char *op_text(int op)
{
    switch (op) {
    case PROC_PAR: return "[| |]";
    case PROC_APAR: return "||";
    case PROC_INTERLEAVE: return "|||";
    default: return "[<->]";
    }
}

/* The channel of an event: the name at its head. */
static const char *channel_of(const value *e)
{
    const value *head = e && e->kind == VAL_DOT && e->n ? e->items[0] : e;
    const struct val_name *nm = head ? val_name_of(head) : NULL;
    return nm ? nm->text : "?";
}

/* Draws the shape: names everything as the spec does, then hands it to the picture. */
static int draw(struct cli_spec *spec, struct events *events, const struct shape *sh,
                const char *title, const char *source, const struct graph_output *o)
{
    struct evaluator *ev = spec->ev;
    struct pnet n = {.title = title, .source = source, .ngroups = sh->ngroups,
                     .ncomponents = sh->nleaves, .nsyncs = sh->nuses, .cut = sh->cut};
    struct pnet_group *groups = calloc(sh->ngroups + 1, sizeof *groups);
    struct pnet_component *comps = calloc(sh->nleaves + 1, sizeof *comps);
    struct pnet_sync *syncs = calloc(sh->nuses + 1, sizeof *syncs);
    char **texts = calloc(2 * (size_t)sh->nleaves + sh->nuses + 1, sizeof *texts);
    int status = EXIT_LIMIT;
    if (!groups || !comps || !syncs || !texts) goto done;
    size_t nt = 0;
    for (uint32_t i = 0; i < sh->ngroups; i++)
        groups[i] = (struct pnet_group){eval_proc_name(ev, sh->groups[i].term, NULL),
                                        op_text(sh->groups[i].op), sh->groups[i].parent};
    for (uint32_t i = 0; i < sh->nleaves; i++) {
        struct cspm_loc loc;
        const value *t = sh->leaves[i].term;
        const char *name = eval_proc_name(ev, t, &loc);
        char *full = term_text(t, 400), *tip = NULL;
        if (!full) goto done;
        if (name && loc.file) {
            if (asprintf(&tip, "%s\n= %s\ndefined at %s:%u", name, full, loc.file->path, loc.line) < 0)
                tip = NULL;
            free(full);
        } else {
            tip = full;
        }
        texts[nt++] = tip;
        if (!name) {
            char *s = term_text(t, 60);
            if (!s) goto done;
            texts[nt++] = s;
            name = s;
        }
        comps[i] = (struct pnet_component){name, tip, sh->leaves[i].group};
    }
    for (size_t i = 0; i < sh->nuses; i++) {
        char *e = events_text(events, sh->uses[i].event);
        if (!e) goto done;
        texts[nt++] = e;
        syncs[i] = (struct pnet_sync){e, channel_of(events_value(events, sh->uses[i].event)),
                                      sh->uses[i].leaves, sh->uses[i].nleaves, sh->uses[i].hidden,
                                      sh->uses[i].blocked};
    }
    n.groups = groups;
    n.components = comps;
    n.syncs = syncs;
    gr_graph *g = picture_network(&n);
    if (g) status = graph_emit(g, o);
    gr_free(g);
done:
    if (status == EXIT_LIMIT) fputs("baton: out of memory while drawing\n", stderr);
    if (texts)
        for (size_t i = 0; texts[i]; i++) free(texts[i]);
    free(texts);
    free(groups);
    free(comps);
    free(syncs);
    return status;
}

int graph_network(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--trace") == 0) return graph_network_trace(argc, argv);
    struct graph_output o = {0};
    const char *file = NULL, *proc = NULL;
    for (int i = 1; i < argc; i++) {
        int got = graph_output_option("network", argc, argv, &i, &o);
        if (got < 0) return EXIT_INPUT;
        if (got) continue;
        if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error("graph", "graph network: unknown option '%s'", argv[i]);
        if (!file) file = argv[i];
        else if (!proc) proc = argv[i];
        else return cli_usage_error("graph", "graph network takes a SPEC.csp and a PROCESS");
    }
    if (!file || !proc)
        return cli_usage_error("graph", "graph network needs a SPEC.csp and a PROCESS");

    struct cli_spec spec;
    const value *p = NULL;
    int status = cli_spec_open_process(file, proc, &spec, &p);
    if (status != EXIT_HOLDS) {
        cli_spec_close(&spec);
        return status;
    }
    struct proc_sem *sem = eval_sem(spec.ev);
    struct events *events = events_new(sem);
    struct chk_limits lim = {.max_states = LEAF_STATES, .seconds = 60};
    struct compile_error err;
    struct shape *sh = events ? compile_shape(sem, events, p, &lim, MAX_COMPONENTS, named, spec.ev, &err)
                              : NULL;
    if (!events) {
        fputs("baton: out of memory\n", stderr);
        status = EXIT_LIMIT;
    } else if (!sh && err.limit && err.which && strcmp(err.which, "components") == 0) {
        fprintf(stderr, "baton: %s has more than %d parallel components, too many to draw "
                        "readably; draw one of its parts (a composition it is made of) or a "
                        "smaller instance of it\n", proc, MAX_COMPONENTS);
        status = EXIT_LIMIT;
    } else if (!sh) {
        fprintf(stderr, "baton: %s: %s\n", proc, err.message);
        if (err.limit && err.which && err.which[0] == 's')
            fprintf(stderr, "baton: a component is explored to learn its events, up to %d "
                            "states; draw a network whose components are finite and small\n",
                    LEAF_STATES);
        status = err.limit ? EXIT_LIMIT : EXIT_INPUT;
    } else {
        status = draw(&spec, events, sh, proc, file, &o);
    }
    shape_free(sh);
    events_free(events);
    cli_spec_close(&spec);
    return status;
}
