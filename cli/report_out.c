/* report_out.c — `--format`, `--report FORMAT:FILE` and `--notices`, shared by the commands
 * that report results.  A file report is written in memory first, then to its file
 * atomically (reports/outfile.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/report_out.h"
#include "reports/outfile.h"

int report_option(const char *cmd, int argc, char **argv, int *i, struct report_outputs *o)
{
    const char *a = argv[*i];
    if (strcmp(a, "--notices") == 0) {
        o->notices = true;
        return 1;
    }
    bool format = strcmp(a, "--format") == 0, report = strcmp(a, "--report") == 0;
    if (!format && !report) return 0;
    if (*i + 1 >= argc) {
        cli_usage_error(cmd, "%s needs a value", a);
        return -1;
    }
    const char *v = argv[++*i];
    if (format) {
        if (rpt_format_parse(v, &o->format) < 0) {
            cli_usage_error(cmd, "--format is one of " RPT_FORMAT_NAMES ", not '%s'", v);
            return -1;
        }
        return 1;
    }
    const char *colon = strchr(v, ':');
    char name[16];
    size_t n = colon ? (size_t)(colon - v) : 0;
    if (!colon || n >= sizeof name || !colon[1]) {
        cli_usage_error(cmd, "--report takes FORMAT:FILE (e.g. junit:results.xml), not '%s'", v);
        return -1;
    }
    memcpy(name, v, n);
    name[n] = 0;
    enum rpt_format f;
    if (rpt_format_parse(name, &f) < 0) {
        cli_usage_error(cmd, "--report's format is one of " RPT_FORMAT_NAMES ", not '%s'", name);
        return -1;
    }
    for (size_t k = 0; k < o->nfiles; k++) {
        if (strcmp(o->files[k].path, colon + 1) == 0) {
            cli_usage_error(cmd, "two reports would both be written to '%s'", colon + 1);
            return -1;
        }
    }
    struct report_file *grown = realloc(o->files, (o->nfiles + 1) * sizeof *grown);
    if (!grown) {
        cli_usage_error(cmd, "out of memory");
        return -1;
    }
    o->files = grown;
    o->files[o->nfiles++] = (struct report_file){f, colon + 1};
    return 1;
}

bool report_wants(const struct report_outputs *o, enum rpt_format f)
{
    if (o->format == f) return true;
    for (size_t k = 0; k < o->nfiles; k++)
        if (o->files[k].format == f) return true;
    return false;
}

/* Renders one report into memory with `emit`, then writes it to path atomically. */
static int write_one(const struct report_file *rf, const void *report, const struct rpt_context *x,
                     int (*emit)(FILE *, enum rpt_format, const void *, const struct rpt_context *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int rc = m ? emit(m, rf->format, report, x) : -1;
    if (m && fclose(m) != 0) rc = -1;
    char err[512];
    if (rc < 0) {
        fprintf(stderr, "baton: cannot write the %s report '%s': out of memory\n",
                rpt_format_name(rf->format), rf->path);
    } else if (rpt_write_file(rf->path, buf, len, err, sizeof err) < 0) {
        fprintf(stderr, "baton: %s\n", err);
        rc = -1;
    }
    free(buf);
    return rc;
}

static int emit_file(FILE *out, enum rpt_format f, const void *r, const struct rpt_context *x)
{
    return rpt_emit(out, f, r, x);
}

static int emit_traces(FILE *out, enum rpt_format f, const void *r, const struct rpt_context *x)
{
    return rpt_emit_traces(out, f, r, x);
}

static struct rpt_context with_notices(const struct report_outputs *o, const struct rpt_context *x)
{
    struct rpt_context c = {0};
    if (x) c = *x;
    c.notices = o->notices;
    return c;
}

int report_write_files(const struct report_outputs *o, const struct rpt_file *f,
                       const struct rpt_context *x)
{
    struct rpt_context c = with_notices(o, x);
    int rc = 0;
    for (size_t k = 0; k < o->nfiles; k++)
        if (write_one(&o->files[k], f, &c, emit_file) < 0) rc = -1;
    return rc;
}

int report_write_files_traces(const struct report_outputs *o, const struct rpt_traces *t,
                              const struct rpt_context *x)
{
    struct rpt_context c = with_notices(o, x);
    int rc = 0;
    for (size_t k = 0; k < o->nfiles; k++)
        if (write_one(&o->files[k], t, &c, emit_traces) < 0) rc = -1;
    return rc;
}

/* A text file whole (NUL-terminated, malloc'd), for the HTML report's source lines; NULL
 * when it cannot be read or passes 16 MiB (the report then shows no source). */
char *report_read_source(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n;
    bool ok = true;
    *len = 0;
    do {
        if (*len + 4096 + 1 > cap) {
            char *g = cap <= ((size_t)16 << 20) ? realloc(buf, cap = cap ? 2 * cap : 8192) : NULL;
            if (!g) {
                ok = false;
                break;
            }
            buf = g;
        }
        n = fread(buf + *len, 1, cap - *len - 1, f);
        *len += n;
    } while (n > 0);
    if (ferror(f)) ok = false;
    fclose(f);
    if (!ok) {
        free(buf);
        return NULL;
    }
    buf[*len] = 0;
    return buf;
}

void report_outputs_free(struct report_outputs *o)
{
    free(o->files);
    o->files = NULL;
    o->nfiles = 0;
}
