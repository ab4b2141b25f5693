/* junit.c — the report for CI servers: JUnit XML written with libxml2's xmlTextWriter, one
 * <testsuite> per specification file and one <testcase> per assertion or trace check.  A
 * failed check is a <failure> carrying the counterexample as the text report gives it; bad
 * input, an evaluation error and a resource limit are an <error> (never a pass), typed so a
 * CI page tells them apart.  Valid against Jenkins xUnit's junit-10.xsd. */
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

/* The text report of one assertion, malloc'd, for a failure's body. */
static char *assertion_text(const struct rpt_file *f, const struct rpt_assertion *a)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    if (!m) return NULL;
    rpt_text_assertion(m, f, a);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static char *traces_text(const struct rpt_traces *t, const struct rpt_trace_check *c)
{
    struct rpt_traces one = *t;
    one.c = (struct rpt_trace_check *)c;
    one.n = one.cap = 1;
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    if (!m) return NULL;
    rpt_traces_text(m, &one);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

#define W(call)                                                                                    \
    do {                                                                                           \
        if ((call) < 0) goto fail;                                                                 \
    } while (0)

static int attr(xmlTextWriterPtr w, const char *name, const char *value)
{
    return xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST(value ? value : ""));
}

static int attr_num(xmlTextWriterPtr w, const char *name, size_t n)
{
    return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%zu", n);
}

/* XML 1.0 cannot carry most control characters, even escaped: they become U+FFFD (an event
 * or message from a hostile trace may hold any byte). */
static char *xml_safe(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s);
    char *out = malloc(3 * n + 1), *o = out;
    if (!out) return NULL;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
        } else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    return out;
}

/* <failure|error type=… message=…>body</…> */
static int outcome(xmlTextWriterPtr w, const char *element, const char *type,
                   const char *message, const char *body)
{
    char *m = xml_safe(message), *b = xml_safe(body);
    int r = -1;
    if ((message && !m) || (body && !b)) goto done;
    if (xmlTextWriterStartElement(w, BAD_CAST element) < 0) goto done;
    if (attr(w, "type", type) < 0 || attr(w, "message", m) < 0) goto done;
    if (b && xmlTextWriterWriteString(w, BAD_CAST b) < 0) goto done;
    r = xmlTextWriterEndElement(w);
done:
    free(m);
    free(b);
    return r;
}

static const char *error_type(enum rpt_result r)
{
    return r == RPT_LIMIT ? "limit" : "error";
}

/* The one-line summary of a failure: "deadlock after 9 events". */
static void failure_line(char *buf, size_t len, const char *kind, size_t events)
{
    snprintf(buf, len, "%s after %zu event%s", kind ? kind : "failure", events,
             events == 1 ? "" : "s");
}

static xmlTextWriterPtr start(xmlBufferPtr *buf)
{
    *buf = xmlBufferCreate();
    if (!*buf) return NULL;
    xmlTextWriterPtr w = xmlNewTextWriterMemory(*buf, 0);
    if (!w) {
        xmlBufferFree(*buf);
        return NULL;
    }
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    return w;
}

static int finish(FILE *out, xmlTextWriterPtr w, xmlBufferPtr buf, int ok)
{
    if (ok == 0 && xmlTextWriterEndDocument(w) < 0) ok = -1;
    xmlFreeTextWriter(w);
    if (ok == 0 && fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), out) !=
                       (size_t)xmlBufferLength(buf))
        ok = -1;
    xmlBufferFree(buf);
    return ok;
}

int rpt_junit(FILE *out, const struct rpt_file *f)
{
    xmlBufferPtr buf;
    xmlTextWriterPtr w = start(&buf);
    if (!w) return -1;
    size_t pass, fail, error, limit;
    rpt_counts(f, &pass, &fail, &error, &limit);
    double total = 0;
    for (size_t i = 0; i < f->n; i++) total += f->a[i].seconds;
    const char *file = f->file ? f->file : "";
    W(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
    W(xmlTextWriterStartElement(w, BAD_CAST "testsuites"));
    W(xmlTextWriterStartElement(w, BAD_CAST "testsuite"));
    W(attr(w, "name", file));
    W(attr_num(w, "tests", f->n));
    W(attr_num(w, "failures", fail));
    W(attr_num(w, "errors", error + limit));
    W(attr_num(w, "skipped", 0));
    W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "time", "%.3f", total));
    W(attr(w, "file", file));
    for (size_t i = 0; i < f->n; i++) {
        const struct rpt_assertion *a = &f->a[i];
        char *name = xml_safe(a->text ? a->text : "");
        if (!name) goto fail;
        int r = xmlTextWriterStartElement(w, BAD_CAST "testcase");
        if (r >= 0) r = attr(w, "name", name);
        free(name);
        W(r);
        W(attr(w, "classname", file));
        W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "time", "%.3f", a->seconds));
        if (a->result != RPT_PASS) {
            char line[160], *body = assertion_text(f, a);
            if (!body) goto fail;
            if (a->result == RPT_FAIL) failure_line(line, sizeof line, a->kind, a->trace.n);
            int s = a->result == RPT_FAIL
                        ? outcome(w, "failure", a->kind ? a->kind : "failure", line, body)
                        : outcome(w, "error", error_type(a->result), a->message, body);
            free(body);
            W(s);
        }
        W(xmlTextWriterEndElement(w));
    }
    if (f->not_checked) {
        char note[160];
        snprintf(note, sizeof note, "interrupted: %zu assertion%s not checked", f->not_checked,
                 f->not_checked == 1 ? "" : "s");
        W(xmlTextWriterWriteElement(w, BAD_CAST "system-err", BAD_CAST note));
    }
    return finish(out, w, buf, 0);
fail:
    return finish(out, w, buf, -1);
}

int rpt_junit_traces(FILE *out, const struct rpt_traces *t)
{
    xmlBufferPtr buf;
    xmlTextWriterPtr w = start(&buf);
    if (!w) return -1;
    size_t fail = 0, error = 0;
    double total = 0;
    for (size_t i = 0; i < t->n; i++) {
        fail += t->c[i].result == RPT_FAIL;
        error += t->c[i].result == RPT_ERROR || t->c[i].result == RPT_LIMIT;
        total += t->c[i].seconds;
    }
    const char *file = t->file ? t->file : "";
    W(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
    W(xmlTextWriterStartElement(w, BAD_CAST "testsuites"));
    W(xmlTextWriterStartElement(w, BAD_CAST "testsuite"));
    W(attr(w, "name", file));
    W(attr_num(w, "tests", t->n));
    W(attr_num(w, "failures", fail));
    W(attr_num(w, "errors", error));
    W(attr_num(w, "skipped", 0));
    W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "time", "%.3f", total));
    W(attr(w, "file", file));
    for (size_t i = 0; i < t->n; i++) {
        const struct rpt_trace_check *c = &t->c[i];
        char *name = rpt_trace_name(c);
        char *safe = xml_safe(name);
        free(name);
        if (!safe) goto fail;
        int r = xmlTextWriterStartElement(w, BAD_CAST "testcase");
        if (r >= 0) r = attr(w, "name", safe);
        free(safe);
        W(r);
        W(attr(w, "classname", file));
        W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "time", "%.3f", c->seconds));
        if (c->result != RPT_PASS) {
            char line[160], *body = traces_text(t, c);
            if (!body) goto fail;
            if (c->result == RPT_FAIL && c->index)
                snprintf(line, sizeof line, "%s at event %llu", c->kind ? c->kind : "failure",
                         (unsigned long long)c->index);
            else if (c->result == RPT_FAIL) /* a run judged on its own: no offending event */
                snprintf(line, sizeof line, "%s after %llu events", c->kind ? c->kind : "failure",
                         (unsigned long long)c->events);
            int s = c->result == RPT_FAIL
                        ? outcome(w, "failure", c->kind ? c->kind : "failure", line, body)
                        : outcome(w, "error", error_type(c->result), c->message, body);
            free(body);
            W(s);
        }
        W(xmlTextWriterEndElement(w));
    }
    return finish(out, w, buf, 0);
fail:
    return finish(out, w, buf, -1);
}
