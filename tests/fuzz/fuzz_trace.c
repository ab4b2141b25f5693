/* libFuzzer target for the two trace readers: the input is read as a binary libbaton trace
 * (checker/tracefile.c: every record decoded and named) and replayed, as a trace of either
 * form, against a small specification through `baton check --trace` (cli/check_trace.c).
 * Nothing may crash, hang or leak, whatever the bytes. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checker/tracefile.h"
#include "cli/check.h"
#include "cli/cli.h"
#include "model/types.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* cli/main.c's, which the fuzzer does not link: it never parses options (report_out.c's
 * option parsing is linked only because check_trace.c writes reports through it). */
int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    (void)cmd;
    (void)fmt;
    return 2;
}

static const char spec[] = "channel left, right : {0..3}\n"
                           "channel mid\n"
                           "COPY = left?x -> mid -> right!x -> COPY\n";
static struct cspm_module *m;
static val_store *vs;
static struct evaluator *ev;
static struct events *events;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    m = cspm_load_string("fuzz.csp", spec, sizeof spec - 1);
    vs = val_store_new();
    if (!m || !vs || diag_count(&m->diags) || types_check(m) || !(ev = eval_new(m, vs))) abort();
    events = events_new(eval_sem(ev));
    /* The reports go to stdout: keep the fuzzer's output readable. */
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("trace", 0);
    if (fd < 0) return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64], err[512], name[4096];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    trf *t = trf_open(path, err, sizeof err);
    if (t) {
        struct trf_record rec;
        for (int n = 0; n < 100000 && trf_next(t, &rec) == 1; n++) {
            trf_event(t, &rec, name, sizeof name);
            (void)trf_proc_name(t, rec.proc);
        }
        (void)trf_header_only(t);
        trf_close(t);
    }

    const char *traces[1] = {path};
    struct check_options o = {.file = "fuzz.csp", .traces = traces, .ntraces = 1,
                              .process = "COPY", .hide = "{mid}", .lim = {.max_states = 10000}};
    check_traces(m, ev, events, &o);
    o.hide = NULL;
    o.out.format = RPT_JSON;
    check_traces(m, ev, events, &o);
    close(fd);
    return 0;
}
