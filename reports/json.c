/* json.c — the report for programs: one JSON document per file, written with jansson. */
#include <jansson.h>

#include <string.h>

#include "reports/report.h"

static json_t *strings(const struct rpt_strings *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < l->n; i++) json_array_append_new(a, json_string(l->v[i]));
    return a;
}

static json_t *indices(const size_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) json_array_append_new(a, json_integer((json_int_t)v[i]));
    return a;
}

static const char *result_name(enum rpt_result r)
{
    switch (r) {
    case RPT_PASS: return "pass";
    case RPT_FAIL: return "fail";
    case RPT_LIMIT: return "limit";
    default: return "error";
    }
}

static json_t *assertion(const struct rpt_assertion *a)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "assertion", json_string(a->text ? a->text : ""));
    /* An assertion from --assert has no line in the file: "line": null, and its source says
     * where it came from. */
    json_object_set_new(o, "line", a->line ? json_integer(a->line) : json_null());
    json_object_set_new(o, "source", json_string(a->line ? "file" : "command-line"));
    json_object_set_new(o, "result", json_string(result_name(a->result)));
    if (a->result == RPT_FAIL) {
        json_t *c = json_object();
        json_object_set_new(c, "kind", json_string(a->kind ? a->kind : "failure"));
        json_object_set_new(c, "trace", strings(&a->trace));
        if (a->event) json_object_set_new(c, "event", json_string(a->event));
        if (a->refusal.n || (a->kind && strcmp(a->kind, "revival") == 0))
            json_object_set_new(c, "refusal", strings(&a->refusal));
        if (a->nrefusals) {
            /* R: per event of the trace, the refusal seen before it, null for none (•). */
            json_t *rs = json_array();
            for (size_t i = 0; i < a->nrefusals; i++)
                json_array_append_new(rs, a->refusals[i].seen ? strings(&a->refusals[i].events)
                                                              : json_null());
            json_object_set_new(c, "refusals", rs);
        }
        if (a->ncomponents) {
            json_t *comps = json_array();
            for (size_t i = 0; i < a->ncomponents; i++) {
                json_t *k = json_object();
                json_object_set_new(k, "component", json_string(a->components[i].name));
                if (a->components[i].where)
                    json_object_set_new(k, "where", json_string(a->components[i].where));
                json_object_set_new(k, "state", json_string(a->components[i].state));
                json_object_set_new(k, "last_events", strings(&a->components[i].last));
                if (a->components[i].offers.n)
                    json_object_set_new(k, "offers", strings(&a->components[i].offers));
                if (a->components[i].nblocked_by)
                    json_object_set_new(k, "blocked_by", indices(a->components[i].blocked_by,
                                                                 a->components[i].nblocked_by));
                json_array_append_new(comps, k);
            }
            json_object_set_new(c, "components", comps);
        }
        /* Who took part in each step (indices into "components"), hidden steps included;
         * "loop": the step from which a divergence repeats for ever. */
        if (a->nsteps) {
            json_t *steps = json_array();
            for (size_t i = 0; i < a->nsteps; i++) {
                const struct rpt_step *st = &a->steps[i];
                json_t *k = json_object();
                json_object_set_new(k, "event", json_string(st->event ? st->event : ""));
                json_object_set_new(k, "hidden", json_boolean(st->hidden));
                json_object_set_new(k, "components", indices(st->who, st->nwho));
                if (a->offending_step && i + 1 == a->nsteps)
                    json_object_set_new(k, "offending", json_true());
                json_array_append_new(steps, k);
            }
            json_object_set_new(c, "steps", steps);
            if (a->has_loop) json_object_set_new(c, "loop", json_integer((json_int_t)a->loop));
        }
        json_object_set_new(o, "counterexample", c);
    }
    json_object_set_new(o, "states", json_integer((json_int_t)a->states));
    json_object_set_new(o, "transitions", json_integer((json_int_t)a->transitions));
    json_object_set_new(o, "seconds", json_real(a->seconds));
    if (a->message) json_object_set_new(o, "message", json_string(a->message));
    return o;
}

int rpt_json(FILE *out, const struct rpt_file *f)
{
    json_t *doc = json_object(), *list = json_array();
    if (!doc || !list) {
        json_decref(doc);
        json_decref(list);
        return -1;
    }
    json_object_set_new(doc, "file", json_string(f->file ? f->file : ""));
    for (size_t i = 0; i < f->n; i++) json_array_append_new(list, assertion(&f->a[i]));
    json_object_set_new(doc, "assertions", list);
    if (f->not_checked) {   /* an interrupted run: what was left out */
        json_object_set_new(doc, "interrupted", json_true());
        json_object_set_new(doc, "not_checked", json_integer((json_int_t)f->not_checked));
    }
    int r = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? 0 : -1;
    fputc('\n', out);
    json_decref(doc);
    return r;
}
