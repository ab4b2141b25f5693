/* `baton trace show [--verbose] FILE`: prints a libbaton trace as the text form the checker
 * reads — one CSPm event per line, `#` lines for comments, a last line `@deadlock` when the run
 * ended deadlocked (`@livelock` when it was stopped while busy) (its details as comments just before).  --verbose adds, as comments before
 * each event, its sequence number, time, processes and channel, plus process starts and ends,
 * blocks, wake-ups and closes, so the output stays a valid text trace. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "checker/tracefile.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/trace_export.h"

const char cmd_trace_usage[] =
    "usage: baton trace show [--verbose] FILE\n"
    "       baton trace export --format chrome FILE [-o OUT.json]\n"
    "\n"
    "Prints FILE, a trace recorded by a program linked with libbaton (BATON_TRACE=FILE or\n"
    "baton_trace_open), as CSPm events, one per line: `left.3`, `picks.0.1`; a buffered\n"
    "channel c shows its puts as c_in.V and its takes as c_out.V.  Lines starting with `#`\n"
    "are comments; a run that ended deadlocked ends with the line `@deadlock`, after\n"
    "comments naming each blocked process and what it waits on; a run stopped by SIGTERM,\n"
    "SIGINT or SIGHUP while its processes were busy ends with `@livelock`.\n"
    "\n"
    "  -v, --verbose   before each event, a comment with its sequence number, time,\n"
    "                  sending and receiving process and channel; also process starts and\n"
    "                  ends, blocks, wake-ups and closes (the output is still a text trace)\n"
    "\n"
    "A trace with no communication says so (`# 0 events recorded`), and one that holds only\n"
    "its header (the program was killed right after it opened the trace) gets a note on\n"
    "stderr as well.\n"
    "\n"
    "Exit: 0 printed (a truncated file is printed up to its last complete record, with a\n"
    "warning), 2 FILE is not a trace (an empty file is none: libbaton writes the header as it\n"
    "opens the trace), is corrupt, or bad usage.\n"
    "\n"
    "trace export --format chrome writes FILE in the Chrome trace-event format, which\n"
    "Perfetto (ui.perfetto.dev) and chrome://tracing open: a track per process, a slice for\n"
    "each time it was blocked, a slice per communication named by its CSPm event with an\n"
    "arrow from sender to receiver, and a marker at a deadlock.  Streamed in constant\n"
    "memory; -o OUT is written whole or not at all (standard output without -o).\n";

struct show {
    trf *r;
    bool verbose;
    FILE *out;
    char line[8192]; /* a BLOCK or WAIT line waiting for its OFFERs */
    size_t len;
    uint32_t offers_due;
    const char *cycle_sep;
};

static void appendf(struct show *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void appendf(struct show *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (s->len < sizeof s->line) {
        int n = vsnprintf(s->line + s->len, sizeof s->line - s->len, fmt, ap);
        if (n > 0) s->len += (size_t)n;
        if (s->len >= sizeof s->line) s->len = sizeof s->line - 1;
    }
    va_end(ap);
}

static void pending_flush(struct show *s)
{
    if (!s->len) return;
    fprintf(s->out, "%s\n", s->line);
    s->len = 0;
    s->line[0] = '\0';
}

static const char *pname(struct show *s, uint32_t id, char *buf, size_t len)
{
    if (!id) return "-";
    snprintf(buf, len, "'%s' (#%u)", trf_proc_name(s->r, id), id);
    return buf;
}

static void stamp(struct show *s, const struct trf_record *rec)
{
    fprintf(s->out, "# t=%" PRIu64 ".%03" PRIu64 "us ", rec->time_ns / 1000, rec->time_ns % 1000);
}

static const char *op_words(unsigned op)
{
    switch (op) {
    case TRC_OP_SEND: return "to send";
    case TRC_OP_RECV: return "to receive";
    case TRC_OP_ALT: return "in an alt";
    case TRC_OP_SLEEP: return "in a sleep";
    case TRC_OP_PAR: return "in a par";
    default: return "?";
    }
}

static void record(struct show *s, const struct trf_record *rec)
{
    char a[300], b[300], ev[4200];
    struct trf_chan c;
    if (rec->kind != TRC_OFFER && rec->kind != TRC_STR && rec->kind != TRC_CHAN && rec->kind != TRC_TIME &&
        rec->kind != TRC_SITE)
        pending_flush(s);
    switch (rec->kind) {
    case TRC_COMM:
        trf_event(s->r, rec, ev, sizeof ev);
        if (s->verbose) {
            trf_chan(s->r, rec->chan, &c);
            stamp(s, rec);
            fprintf(s->out, "seq %" PRIu64 ": %s -> %s on '%s' (%s)\n", rec->seq,
                    pname(s, rec->sender, a, sizeof a), pname(s, rec->receiver, b, sizeof b), c.name,
                    rec->aux & TRC_F_PUT ? "put into its buffer"
                    : rec->aux & TRC_F_TAKE ? "taken from its buffer" : "rendezvous");
        }
        fprintf(s->out, "%s\n", ev);
        break;
    case TRC_PROC:
        if (s->verbose) {
            stamp(s, rec);
            fprintf(s->out, "start %s", pname(s, rec->id, a, sizeof a));
            if (rec->parent) fprintf(s->out, ", by %s", pname(s, rec->parent, b, sizeof b));
            fputc('\n', s->out);
        }
        break;
    case TRC_END:
        if (s->verbose) {
            stamp(s, rec);
            fprintf(s->out, "end %s\n", pname(s, rec->proc, a, sizeof a));
        }
        break;
    case TRC_BLOCK:
        if (!s->verbose) break;
        if (rec->aux == TRC_OP_ALT) {
            /* the line is written once its offers have been read */
            appendf(s, "# t=%" PRIu64 ".%03" PRIu64 "us %s blocks in an alt offering", rec->time_ns / 1000,
                    rec->time_ns % 1000, pname(s, rec->proc, a, sizeof a));
            if (!rec->count) appendf(s, " nothing (STOP)");
            s->offers_due = rec->count;
            break;
        }
        stamp(s, rec);
        if (rec->aux == TRC_OP_SEND || rec->aux == TRC_OP_RECV) {
            trf_chan(s->r, rec->chan, &c);
            fprintf(s->out, "%s blocks %s on '%s'\n", pname(s, rec->proc, a, sizeof a),
                    rec->aux == TRC_OP_SEND ? "to send" : "to receive", c.name);
        } else if (rec->aux == TRC_OP_SLEEP) {
            fprintf(s->out, "%s sleeps\n", pname(s, rec->proc, a, sizeof a));
        } else {
            fprintf(s->out, "%s waits for %u processes in a par\n", pname(s, rec->proc, a, sizeof a), rec->count);
        }
        break;
    case TRC_OFFER:
        trf_event(s->r, rec, ev, sizeof ev);
        if (s->offers_due) s->offers_due--;
        if (s->len) appendf(s, " %s%s", ev, s->offers_due ? " |" : "");
        break;
    case TRC_UNBLOCK:
        if (s->verbose) {
            static const char *why[] = {"?", "its alt timed out", "its channel was closed",
                                        "its sleep ended", "its par ended"};
            stamp(s, rec);
            fprintf(s->out, "%s wakes: %s\n", pname(s, rec->proc, a, sizeof a), why[rec->aux]);
        }
        break;
    case TRC_CLOSE:
        if (s->verbose) {
            trf_chan(s->r, rec->chan, &c);
            stamp(s, rec);
            fprintf(s->out, "'%s' closed by %s\n", c.name, pname(s, rec->proc, a, sizeof a));
        }
        break;
    case TRC_DEADLOCK:
        fprintf(s->out, "# deadlock: %u process%s blocked forever\n", rec->count, rec->count == 1 ? "" : "es");
        break;
    case TRC_WAIT:
        appendf(s, "#   %s waits %s", pname(s, rec->proc, a, sizeof a), op_words(rec->aux));
        if (rec->aux == TRC_OP_ALT && !rec->count) appendf(s, " with no enabled case (STOP)");
        else if (rec->count) appendf(s, ":");
        s->offers_due = rec->count;
        break;
    case TRC_SITE: /* ends its WAIT's line, held until now */
        if (s->len) appendf(s, ", at %s:%u", trf_string(s->r, rec->file), rec->line);
        else fprintf(s->out, "#   %s blocked at %s:%u\n", pname(s, rec->proc, a, sizeof a),
                     trf_string(s->r, rec->file), rec->line);
        break;
    case TRC_CYCLE:
        fprintf(s->out, "#   wait-for cycle:");
        for (uint32_t i = 0; i < rec->count; i++) fprintf(s->out, " %s ->", pname(s, rec->ids[i], a, sizeof a));
        if (rec->count) fprintf(s->out, " %s", pname(s, rec->ids[0], a, sizeof a));
        fputc('\n', s->out);
        break;
    case TRC_OVERFLOW:
        fprintf(s->out, "# stack overflow in process %s: the program aborted\n", pname(s, rec->proc, a, sizeof a));
        break;
    case TRC_LIVELOCK:
        fprintf(s->out, "# the program was stopped by signal %u (%s) while processes were busy: "
                        "a suspected livelock\n@livelock\n",
                rec->aux, rec->aux == 15 ? "SIGTERM" : rec->aux == 2 ? "SIGINT" : rec->aux == 1 ? "SIGHUP" : "?");
        break;
    case TRC_CAPPED:
        fprintf(s->out, "# the trace reached its size cap (BATON_TRACE_MAX, %u KiB): recording "
                        "stopped here while the run went on\n", rec->count);
        break;
    case TRC_RUN_END:
        if (rec->aux == TRC_END_DEADLOCK) fprintf(s->out, "@deadlock\n");
        else fprintf(s->out, "# the run ended: every process finished\n");
        break;
    default:
        break;
    }
}

static int show(const char *path, bool verbose)
{
    char err[600];
    trf *r = trf_open(path, err, sizeof err);
    if (!r) {
        fprintf(stderr, "baton: %s\n", err);
        return EXIT_INPUT;
    }
    struct show s = {.r = r, .verbose = verbose, .out = stdout};
    fprintf(s.out, "# baton trace %s (format %u, seed %" PRIu64 ")\n", path, trf_version(r), trf_seed(r));
    struct trf_record rec;
    int rc;
    uint64_t events = 0;
    while ((rc = trf_next(r, &rec)) == 1) {
        events += rec.kind == TRC_COMM;
        record(&s, &rec);
    }
    pending_flush(&s);
    int status = EXIT_HOLDS;
    if (rc == 0 && trf_header_only(r)) {
        /* a valid trace of no events, so nobody mistakes it for a run that did nothing wrong */
        fprintf(s.out, "# 0 events recorded: the file holds only its header; the program opened the "
                       "trace and was killed or stopped before its first record reached the file\n");
        fflush(s.out);
        fprintf(stderr, "baton: %s: note: 0 events recorded, the file holds only its header\n", path);
        trf_close(r);
        return status;
    }
    if (rc == 0 && events == 0) fprintf(s.out, "# 0 events recorded\n");
    if (rc < 0) {
        fflush(s.out);
        fprintf(stderr, "baton: %s\n", trf_error(r));
        status = EXIT_INPUT;
    } else if (trf_truncated(r)) {
        fprintf(s.out, "# the file is truncated: its last record is incomplete and was dropped\n");
        fflush(s.out);
        fprintf(stderr, "baton: %s: byte %" PRIu64 ": truncated record; printed the complete records before it\n",
                path, trf_offset(r));
    } else if (!trf_complete(r) && !trf_livelock(r) && !trf_capped_kib(r)) {
        fprintf(s.out, "# the trace ends before the run did: the program crashed, was killed or is still running\n");
    }
    trf_close(r);
    return status;
}

int cmd_trace(int argc, char **argv)
{
    if (argc < 2) return cli_usage_error("trace", "trace needs a subcommand: show or export");
    if (strcmp(argv[1], "export") == 0) {
        for (int i = 2; i < argc; i++) {
            if (cli_is_help(argv[i])) {
                fputs(cmd_trace_usage, stdout);
                return EXIT_HOLDS;
            }
        }
        return trace_export(argc, argv);
    }
    if (strcmp(argv[1], "show") != 0) return cli_usage_error("trace", "unknown trace subcommand '%s'", argv[1]);
    bool verbose = false;
    const char *file = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) verbose = true;
        else if (cli_is_help(argv[i])) {
            fputs(cmd_trace_usage, stdout);
            return EXIT_HOLDS;
        } else if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error("trace", "unknown option '%s'", argv[i]);
        else if (file) return cli_usage_error("trace", "trace show takes one file");
        else file = argv[i];
    }
    if (!file) return cli_usage_error("trace", "trace show needs a trace file");
    return show(file, verbose);
}
