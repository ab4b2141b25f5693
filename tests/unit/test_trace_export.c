/* `baton trace export --format chrome`: the export of a real run (two philosophers who each
 * pick up their left fork and deadlock) has a track per process, a slice per communication
 * on the sender's and the receiver's tracks joined by a flow, balanced blocked slices, and a
 * deadlock marker; a damaged trace is exit 2 with no file left behind. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton.h"
#include "tests/unit/harness.h"
#include "tests/unit/tracer_harness.h"

Suite *trace_export_suite(void);

static baton_chan *fork_up[2], *fork_down[2];
static char trace_path[64];

static void fork_proc(void *arg)
{
    int i = (int)(intptr_t)arg;
    for (;;) {
        int64_t who;
        if (baton_recv_int(fork_up[i], &who) != 0) return;
        if (baton_recv_int(fork_down[i], &who) != 0) return;
    }
}

/* Each philosopher takes its left fork, then its right: with both seated, each holds one. */
static void phil(void *arg)
{
    int i = (int)(intptr_t)arg;
    baton_send_int(fork_up[i], i);
    baton_sleep(1000);
    baton_send_int(fork_up[(i + 1) % 2], i);
}

static void table(void *arg)
{
    (void)arg;
    baton_go("fork0", fork_proc, (void *)0);
    baton_go("fork1", fork_proc, (void *)1);
    baton_go("phil0", phil, (void *)0);
    baton_go("phil1", phil, (void *)1);
}

static int deadlocking_run(void)
{
    fork_up[0] = baton_chan_int("up0", 0);
    fork_up[1] = baton_chan_int("up1", 0);
    fork_down[0] = baton_chan_int("down0", 0);
    fork_down[1] = baton_chan_int("down1", 0);
    if (baton_trace_open(trace_path) != 0) return 50;
    return baton_run(table, NULL);
}

static json_t *export_of(const char *trace, const char *out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' trace export --format chrome '%s' -o '%s'",
             env_or("BATON", "build/baton"), trace, out);
    struct outcome o;
    ck_assert_int_eq(run_command(cmd, &o), 0);
    ck_assert_msg(o.status == 0, "%s: exit %d\n%s", cmd, o.status, o.err);
    outcome_free(&o);
    json_error_t e;
    json_t *j = json_load_file(out, 0, &e);
    ck_assert_msg(j != NULL, "%s: not JSON: %s at %d:%d", out, e.text, e.line, e.column);
    return j;
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

START_TEST(chrome_export_has_tracks_slices_and_flows)
{
    temp_name(trace_path, sizeof trace_path, "export");
    char *err = NULL;
    ck_assert_int_eq(in_child(deadlocking_run, &err), BATON_DEADLOCK);
    free(err);
    char out[80];
    snprintf(out, sizeof out, "%s.json", trace_path);
    json_t *j = export_of(trace_path, out);
    json_t *events = json_object_get(j, "traceEvents");
    ck_assert(json_is_array(events));
    int tracks = 0, phil_tracks = 0, deadlock = 0, depth[64] = {0};
    int flow_out = 0, flow_in = 0, up0 = 0;
    char out_ids[64][32], in_ids[64][32];
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e) {
        const char *ph = str(e, "ph"), *name = str(e, "name");
        int tid = (int)json_integer_value(json_object_get(e, "tid"));
        ck_assert_int_lt(tid, 64);
        if (strcmp(ph, "M") == 0 && strcmp(name, "thread_name") == 0) {
            tracks++;
            phil_tracks += strncmp(str(json_object_get(e, "args"), "name"), "phil", 4) == 0;
        } else if (strcmp(ph, "B") == 0) {
            depth[tid]++;
        } else if (strcmp(ph, "E") == 0) {
            ck_assert_msg(depth[tid] > 0, "an E without its B on track %d", tid);
            depth[tid]--;
        } else if (strcmp(ph, "X") == 0) {
            /* Every communication is a slice named by its CSPm event, with a flow end. */
            ck_assert_str_eq(str(e, "cat"), "comm");
            up0 += strcmp(name, "up0.0") == 0;
            const char *id = str(e, "bind_id");
            if (json_is_true(json_object_get(e, "flow_out")) && flow_out < 64)
                snprintf(out_ids[flow_out++], 32, "%s", id);
            else if (json_is_true(json_object_get(e, "flow_in")) && flow_in < 64)
                snprintf(in_ids[flow_in++], 32, "%s", id);
            else
                ck_abort_msg("a communication slice without a flow");
        } else if (strcmp(ph, "i") == 0 && strncmp(name, "deadlock", 8) == 0) {
            deadlock++;
        }
    }
    /* main, two forks, two philosophers. */
    ck_assert_int_eq(tracks, 5);
    ck_assert_int_eq(phil_tracks, 2);
    ck_assert_int_eq(deadlock, 1);
    for (int t = 0; t < 64; t++) ck_assert_msg(depth[t] == 0, "track %d has open slices", t);
    /* Two pick-ups happened (each philosopher took its left fork), sender to receiver. */
    ck_assert_int_eq(flow_out, 2);
    ck_assert_int_eq(flow_in, 2);
    ck_assert_int_eq(up0, 2);
    for (int k = 0; k < flow_out; k++) ck_assert_str_eq(out_ids[k], in_ids[k]);
    ck_assert_str_ne(out_ids[0], out_ids[1]);
    json_decref(j);
    unlink(out);

    /* A damaged trace: exit 2, and no export file left behind. */
    FILE *f = fopen(trace_path, "r+b");
    ck_assert_ptr_nonnull(f);
    fseek(f, 40, SEEK_SET);
    fputc(0xEE, f);
    fclose(f);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' trace export --format chrome '%s' -o '%s'",
             env_or("BATON", "build/baton"), trace_path, out);
    struct outcome o;
    ck_assert_int_eq(run_command(cmd, &o), 0);
    ck_assert_int_eq(o.status, 2);
    ck_assert_ptr_nonnull(strstr(o.err, "baton: "));
    ck_assert_int_ne(access(out, F_OK), 0);
    outcome_free(&o);
    unlink(trace_path);
}
END_TEST

Suite *trace_export_suite(void)
{
    Suite *s = suite_create("trace_export");
    TCase *tc = tcase_create("chrome");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, chrome_export_has_tracks_slices_and_flows);
    suite_add_tcase(s, tc);
    return s;
}
