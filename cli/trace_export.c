/* `baton trace export --format chrome RUN -o FILE`: a recorded run as the Chrome trace-event
 * format (JSON), which Perfetto (ui.perfetto.dev) and chrome://tracing open.  One track
 * (thread) per process, a slice for its life, a slice for each interval it spent blocked
 * (named by what it waited on), a short slice per communication named by its CSPm event on
 * both the sender's and the receiver's track, joined by a flow arrow (the format's
 * bind_id / flow_out / flow_in), and an instant marking a deadlock.  Streamed: memory grows
 * with the number of processes, never with the number of events. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/tracefile.h"
#include "cli/cli.h"
#include "cli/trace_export.h"
#include "reports/outfile.h"

/* Per process: whether it has a slice open for its life and for a block. */
struct track {
    bool alive, blocked;
};

struct exporter {
    trf *r;
    FILE *out;
    struct track *t;
    size_t nt;
    uint64_t last_ns;
    bool first;
};

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(out, "\\%c", *p);
        else if (*p < 0x20) fprintf(out, "\\u%04x", *p);
        else fputc(*p, out);
    }
    fputc('"', out);
}

static struct track *track(struct exporter *x, uint32_t id)
{
    if (id >= x->nt) {
        size_t n = id + 64;
        struct track *g = realloc(x->t, n * sizeof *g);
        if (!g) return NULL;
        memset(g + x->nt, 0, (n - x->nt) * sizeof *g);
        x->t = g;
        x->nt = n;
    }
    return &x->t[id];
}

/* Starts one event object: {"ph":…,"pid":1,"tid":…,"ts":… (µs, ns precision) */
static void begin(struct exporter *x, char ph, uint32_t tid, uint64_t ns)
{
    fprintf(x->out, "%s\n{\"ph\":\"%c\",\"pid\":1,\"tid\":%" PRIu32 ",\"ts\":%" PRIu64 ".%03u",
            x->first ? "" : ",", ph, tid, ns / 1000, (unsigned)(ns % 1000));
    x->first = false;
}

static void name_track(struct exporter *x, uint32_t id)
{
    fprintf(x->out, "%s\n{\"ph\":\"M\",\"pid\":1,\"tid\":%" PRIu32 ",\"name\":\"thread_name\","
                    "\"args\":{\"name\":",
            x->first ? "" : ",", id);
    json_str(x->out, trf_proc_name(x->r, id));
    fprintf(x->out, "}},\n{\"ph\":\"M\",\"pid\":1,\"tid\":%" PRIu32 ",\"name\":"
                    "\"thread_sort_index\",\"args\":{\"sort_index\":%" PRIu32 "}}",
            id, id);
    x->first = false;
}

static void end_slice(struct exporter *x, uint32_t id, uint64_t ns)
{
    begin(x, 'E', id, ns);
    fputc('}', x->out);
}

static void unblock(struct exporter *x, uint32_t id, uint64_t ns)
{
    struct track *t = track(x, id);
    if (t && t->blocked) {
        t->blocked = false;
        end_slice(x, id, ns);
    }
}

static const char *op_words(unsigned op)
{
    switch (op) {
    case TRC_OP_SEND: return "blocked: send";
    case TRC_OP_RECV: return "blocked: receive";
    case TRC_OP_ALT: return "blocked: alt";
    case TRC_OP_SLEEP: return "sleeping";
    default: return "blocked: par";
    }
}

/* The slice of one side of a communication, flowing out of the sender into the receiver. */
static void comm_slice(struct exporter *x, uint32_t tid, uint64_t ns, const char *event,
                       const char *chan, uint64_t seq, bool out)
{
    begin(x, 'X', tid, ns);
    fputs(",\"dur\":0.001,\"cat\":\"comm\",\"name\":", x->out);
    json_str(x->out, event);
    fprintf(x->out, ",\"bind_id\":\"0x%" PRIx64 "\",\"%s\":true,\"args\":{\"seq\":%" PRIu64
                    ",\"channel\":",
            seq, out ? "flow_out" : "flow_in", seq);
    json_str(x->out, chan);
    fputs("}}", x->out);
}

static int record(struct exporter *x, const struct trf_record *rec)
{
    char ev[4200];
    struct trf_chan c = {.name = "?"};
    struct track *t;
    if (rec->time_ns > x->last_ns) x->last_ns = rec->time_ns;
    switch (rec->kind) {
    case TRC_PROC:
        if (!(t = track(x, rec->id))) return -1;
        name_track(x, rec->id);
        t->alive = true;
        begin(x, 'B', rec->id, rec->time_ns);
        fputs(",\"cat\":\"process\",\"name\":", x->out);
        json_str(x->out, trf_proc_name(x->r, rec->id));
        fputc('}', x->out);
        break;
    case TRC_END:
        unblock(x, rec->proc, rec->time_ns);
        if ((t = track(x, rec->proc)) && t->alive) {
            t->alive = false;
            end_slice(x, rec->proc, rec->time_ns);
        }
        break;
    case TRC_BLOCK:
        if (!(t = track(x, rec->proc))) return -1;
        unblock(x, rec->proc, rec->time_ns);
        t->blocked = true;
        begin(x, 'B', rec->proc, rec->time_ns);
        fputs(",\"cat\":\"blocked\",\"name\":", x->out);
        if (rec->aux == TRC_OP_SEND || rec->aux == TRC_OP_RECV) {
            trf_chan(x->r, rec->chan, &c);
            char name[600];
            snprintf(name, sizeof name, "%s on %s", op_words(rec->aux), c.name);
            json_str(x->out, name);
        } else {
            json_str(x->out, op_words(rec->aux));
        }
        fputc('}', x->out);
        break;
    case TRC_UNBLOCK:
        unblock(x, rec->proc, rec->time_ns);
        break;
    case TRC_COMM:
        unblock(x, rec->sender, rec->time_ns);
        unblock(x, rec->receiver, rec->time_ns);
        trf_event(x->r, rec, ev, sizeof ev);
        trf_chan(x->r, rec->chan, &c);
        comm_slice(x, rec->sender, rec->time_ns, ev, c.name, rec->seq, true);
        comm_slice(x, rec->receiver, rec->time_ns, ev, c.name, rec->seq, false);
        break;
    case TRC_CLOSE:
        trf_chan(x->r, rec->chan, &c);
        begin(x, 'i', rec->proc, rec->time_ns);
        fputs(",\"s\":\"t\",\"cat\":\"close\",\"name\":", x->out);
        snprintf(ev, sizeof ev, "close %s", c.name);
        json_str(x->out, ev);
        fputc('}', x->out);
        break;
    case TRC_DEADLOCK:
        begin(x, 'i', 0, rec->time_ns);
        fprintf(x->out, ",\"s\":\"g\",\"cat\":\"deadlock\",\"name\":\"deadlock: %" PRIu32
                        " process%s blocked forever\"}",
                rec->count, rec->count == 1 ? "" : "es");
        break;
    case TRC_LIVELOCK:
        begin(x, 'i', 0, rec->time_ns);
        fputs(",\"s\":\"g\",\"cat\":\"livelock\",\"name\":\"stopped while busy: suspected "
              "livelock\"}",
              x->out);
        break;
    default:
        break;
    }
    return ferror(x->out) ? -1 : 0;
}

/* Slices still open at the end of the file (a deadlock, a crash) end with it. */
static void close_open(struct exporter *x)
{
    for (uint32_t id = 0; id < x->nt; id++) {
        if (x->t[id].blocked) end_slice(x, id, x->last_ns);
        if (x->t[id].alive) end_slice(x, id, x->last_ns);
    }
}

static int export_chrome(const char *path, const char *out_path)
{
    char err[600];
    trf *r = trf_open(path, err, sizeof err);
    if (!r) {
        fprintf(stderr, "baton: %s\n", err);
        return EXIT_INPUT;
    }
    rpt_out *o = NULL;
    FILE *out = stdout;
    if (out_path) {
        if (!(o = rpt_out_open(out_path, err, sizeof err))) {
            fprintf(stderr, "baton: %s\n", err);
            trf_close(r);
            return EXIT_INPUT;
        }
        out = rpt_out_stream(o);
    }
    struct exporter x = {.r = r, .out = out, .first = true};
    fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"baton trace export\",\"trace\":",
          out);
    json_str(out, path);
    fprintf(out, ",\"seed\":%" PRIu64 "},\n\"traceEvents\":[", trf_seed(r));
    fputs("\n{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":", out);
    json_str(out, path);
    fputs("}}", out);
    x.first = false;
    struct trf_record rec;
    int rc, status = EXIT_HOLDS;
    while ((rc = trf_next(r, &rec)) == 1) {
        if (record(&x, &rec) < 0) {
            rc = -2;
            break;
        }
    }
    close_open(&x);
    fputs("\n]}\n", out);
    if (rc == -1) {
        fprintf(stderr, "baton: %s\n", trf_error(r));
        status = EXIT_INPUT;
    } else if (rc == -2) {
        fprintf(stderr, "baton: cannot export '%s': out of memory or a write failed\n", path);
        status = EXIT_INPUT;
    } else if (trf_truncated(r)) {
        fprintf(stderr, "baton: %s: byte %" PRIu64 ": truncated record; exported the complete "
                        "records before it\n",
                path, trf_offset(r));
    }
    if (o) {
        /* A damaged trace leaves no export behind, rather than a partial one that looks whole. */
        if (status != EXIT_HOLDS) {
            rpt_out_abort(o);
        } else if (rpt_out_commit(o, err, sizeof err) < 0) {
            fprintf(stderr, "baton: %s\n", err);
            status = EXIT_INPUT;
        }
    } else if (fflush(stdout) != 0) {
        status = EXIT_INPUT;
    }
    free(x.t);
    trf_close(r);
    return status;
}

int trace_export(int argc, char **argv)
{
    const char *format = NULL, *file = NULL, *out = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        bool is_format = strcmp(a, "--format") == 0;
        if (is_format || strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (i + 1 >= argc) return cli_usage_error("trace", "%s needs a value", a);
            *(is_format ? &format : &out) = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("trace", "unknown option '%s'", a);
        } else if (file) {
            return cli_usage_error("trace", "trace export takes one trace file");
        } else {
            file = a;
        }
    }
    if (!file) return cli_usage_error("trace", "trace export needs a trace file");
    if (format && strcmp(format, "chrome") != 0)
        return cli_usage_error("trace", "trace export's format is chrome, not '%s'", format);
    return export_chrome(file, out);
}
