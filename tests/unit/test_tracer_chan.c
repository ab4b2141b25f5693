/* libbaton's processes and channels: rendezvous and buffered channels with many senders and
 * receivers deliver every message exactly once and in each sender's order; close; par,
 * yield, sleep; calls made outside a run. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "baton.h"

Suite *tracer_chan_suite(void);

enum { SENDERS = 8, RECEIVERS = 4, PER_SENDER = 2000 };

static baton_chan *ch;
static unsigned char seen[SENDERS][PER_SENDER];
static int64_t last_from[RECEIVERS][SENDERS];
static int order_errors, ended;

static void sender(void *arg)
{
    intptr_t s = (intptr_t)arg;
    for (int64_t i = 0; i < PER_SENDER; i++) ck_assert_int_eq(baton_send_int(ch, s * 1000000 + i), 0);
}

static void receiver(void *arg)
{
    intptr_t r = (intptr_t)arg;
    int64_t v;
    while (baton_recv_int(ch, &v) == 0) {
        int64_t s = v / 1000000, i = v % 1000000;
        ck_assert(s >= 0 && s < SENDERS && i < PER_SENDER);
        seen[s][i]++;
        if (i <= last_from[r][s]) order_errors++;
        last_from[r][s] = i;
    }
    ck_assert_int_eq(errno, EPIPE);
    ended++;
}

static void senders_then_close(void *arg)
{
    (void)arg;
    baton_proc ps[SENDERS];
    for (intptr_t s = 0; s < SENDERS; s++) ps[s] = (baton_proc){"sender", sender, (void *)s};
    ck_assert_int_eq(baton_par(ps, SENDERS), 0);
    baton_close(ch);
}

static void many_to_many(void *arg)
{
    (void)arg;
    baton_proc ps[RECEIVERS + 1];
    ps[0] = (baton_proc){"senders", senders_then_close, NULL};
    for (intptr_t r = 0; r < RECEIVERS; r++) ps[r + 1] = (baton_proc){"receiver", receiver, (void *)r};
    ck_assert_int_eq(baton_par(ps, RECEIVERS + 1), 0);
}

static void check_many(size_t capacity)
{
    memset(seen, 0, sizeof seen);
    for (int r = 0; r < RECEIVERS; r++)
        for (int s = 0; s < SENDERS; s++) last_from[r][s] = -1;
    order_errors = ended = 0;
    ch = baton_chan_int("c", capacity);
    ck_assert_ptr_nonnull(ch);
    ck_assert_int_eq(baton_run(many_to_many, NULL), 0);
    for (int s = 0; s < SENDERS; s++)
        for (int i = 0; i < PER_SENDER; i++) ck_assert_int_eq(seen[s][i], 1);
    ck_assert_int_eq(order_errors, 0);
    ck_assert_int_eq(ended, RECEIVERS);
    baton_chan_free(ch);
}

START_TEST(rendezvous_many_senders_many_receivers) { check_many(0); }
END_TEST

START_TEST(buffered_many_senders_many_receivers) { check_many(1); check_many(7); check_many(100000); }
END_TEST

/* The same under the schedules that explore (BATON_SCHED): every interleaving they choose
 * must keep the channels' meaning. */
START_TEST(every_schedule_keeps_channel_semantics)
{
    static const char *const scheds[] = {"random", "pct", "pct,depth=1,steps=500", "pct,depth=10,steps=5000"};
    for (size_t k = 0; k < sizeof scheds / sizeof *scheds; k++)
        for (uint64_t seed = 1; seed <= 3; seed++) {
            setenv("BATON_SCHED", scheds[k], 1);
            baton_set_seed(seed);
            check_many(0);
            check_many(3);
        }
    unsetenv("BATON_SCHED");
    baton_set_seed(0x5eed);
}
END_TEST

/* ---- buffered channels hold exactly `capacity` messages, first in first out ---------------- */

static int put_count;

static void filler(void *arg)
{
    (void)arg;
    for (int64_t i = 0; i < 10; i++) {
        ck_assert_int_eq(baton_send_int(ch, i), 0);
        put_count++;
    }
}

static void capacity_main(void *arg)
{
    (void)arg;
    ck_assert_int_eq(baton_go("filler", filler, NULL), 0);
    baton_yield();
    baton_yield();
    ck_assert_int_eq(put_count, 3); /* the fourth send blocks */
    for (int64_t i = 0; i < 10; i++) {
        int64_t v;
        ck_assert_int_eq(baton_recv_int(ch, &v), 0);
        ck_assert_int_eq(v, i);
    }
    ck_assert_int_eq(put_count, 10);
}

START_TEST(buffered_capacity_and_order)
{
    ch = baton_chan_int("c", 3);
    ck_assert_int_eq(baton_run(capacity_main, NULL), 0);
    baton_chan_free(ch);
}
END_TEST

/* ---- a rendezvous completes only with its partner ------------------------------------------ */

static int stage;

static void late_receiver(void *arg)
{
    (void)arg;
    stage = 1;
    int64_t v;
    ck_assert_int_eq(baton_recv_int(ch, &v), 0);
    ck_assert_int_eq(v, 42);
    stage = 2;
}

static void rendezvous_main(void *arg)
{
    (void)arg;
    ck_assert_int_eq(baton_go("late", late_receiver, NULL), 0);
    ck_assert_int_eq(stage, 0);
    ck_assert_int_eq(baton_send_int(ch, 42), 0); /* blocks until late receives */
    ck_assert_int_ge(stage, 1);
}

START_TEST(rendezvous_waits_for_receiver)
{
    ch = baton_chan_int("c", 0);
    stage = 0;
    ck_assert_int_eq(baton_run(rendezvous_main, NULL), 0);
    ck_assert_int_eq(stage, 2);
    baton_chan_free(ch);
}
END_TEST

/* ---- close --------------------------------------------------------------------------------- */

static int woken_send, woken_recv;

static void blocked_sender(void *arg)
{
    baton_chan *c = arg;
    ck_assert_int_eq(baton_send_int(c, 1), -1);
    ck_assert_int_eq(errno, EPIPE);
    woken_send++;
}

static void blocked_receiver(void *arg)
{
    baton_chan *c = arg;
    int64_t v;
    ck_assert_int_eq(baton_recv_int(c, &v), -1);
    ck_assert_int_eq(errno, EPIPE);
    woken_recv++;
}

static void close_main(void *arg)
{
    (void)arg;
    baton_chan *s = baton_chan_int("s", 0), *r = baton_chan_int("r", 0), *b = baton_chan_int("b", 4);
    for (int i = 0; i < 3; i++) {
        baton_go("bs", blocked_sender, s);
        baton_go("br", blocked_receiver, r);
    }
    baton_yield();
    baton_close(s);
    baton_close(r);
    baton_close(r); /* twice: nothing */
    baton_yield();
    ck_assert_int_eq(woken_send, 3);
    ck_assert_int_eq(woken_recv, 3);
    /* sends fail at once; a buffered channel drains, then fails */
    ck_assert_int_eq(baton_send_int(s, 5), -1);
    ck_assert_int_eq(errno, EPIPE);
    ck_assert_int_eq(baton_send_int(b, 7), 0);
    ck_assert_int_eq(baton_send_int(b, 8), 0);
    baton_close(b);
    ck_assert_int_eq(baton_send_int(b, 9), -1);
    ck_assert_int_eq(errno, EPIPE);
    int64_t v;
    ck_assert_int_eq(baton_recv_int(b, &v), 0);
    ck_assert_int_eq(v, 7);
    ck_assert_int_eq(baton_recv_int(b, &v), 0);
    ck_assert_int_eq(v, 8);
    ck_assert_int_eq(baton_recv_int(b, &v), -1);
    ck_assert_int_eq(errno, EPIPE);
    baton_chan_free(s);
    baton_chan_free(r);
    baton_chan_free(b);
}

START_TEST(close_wakes_waiters_and_drains)
{
    woken_send = woken_recv = 0;
    ck_assert_int_eq(baton_run(close_main, NULL), 0);
}
END_TEST

/* ---- message kinds ------------------------------------------------------------------------- */

struct point { int x, y; char tag[6]; };

static void kinds_peer(void *arg)
{
    baton_chan **cs = arg;
    int64_t f[3] = {1, -2, 3};
    struct point p = {4, 5, "hello"};
    ck_assert_int_eq(baton_send(cs[0], NULL), 0);
    ck_assert_int_eq(baton_send(cs[1], f), 0);
    ck_assert_int_eq(baton_send(cs[2], &p), 0);
}

static void kinds_main(void *arg)
{
    baton_chan **cs = arg;
    baton_go("peer", kinds_peer, cs);
    int64_t f[3];
    struct point p;
    ck_assert_int_eq(baton_recv(cs[0], NULL), 0);
    ck_assert_int_eq(baton_recv(cs[1], f), 0);
    ck_assert(f[0] == 1 && f[1] == -2 && f[2] == 3);
    ck_assert_int_eq(baton_recv(cs[2], &p), 0);
    ck_assert(p.x == 4 && p.y == 5 && strcmp(p.tag, "hello") == 0);
    ck_assert_int_eq(baton_send_int(cs[1], 1), -1); /* not an int channel */
    ck_assert_int_eq(errno, EINVAL);
}

START_TEST(events_ints_and_structs)
{
    baton_chan *cs[3] = {baton_chan_new("picks.0.1", 0, 0), baton_chan_ints("c", 3, 0),
                         baton_chan_new("pt", sizeof(struct point), 0)};
    ck_assert_int_eq(baton_run(kinds_main, cs), 0);
    for (int i = 0; i < 3; i++) baton_chan_free(cs[i]);
    ck_assert_ptr_null(baton_chan_new(NULL, 0, 0));
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_ptr_null(baton_chan_ints("z", 0, 0));
}
END_TEST

/* ---- processes ----------------------------------------------------------------------------- */

static char order[64];
static size_t norder;

static void yielder(void *arg)
{
    for (int i = 0; i < 3; i++) {
        order[norder++] = *(const char *)arg;
        baton_yield();
    }
}

static void yield_main(void *arg)
{
    (void)arg;
    baton_proc ps[] = {{"a", yielder, "a"}, {"b", yielder, "b"}, {"c", yielder, "c"}};
    ck_assert_int_eq(baton_par(ps, 3), 0);
    ck_assert_str_eq(baton_self(), "main");
}

START_TEST(par_and_yield_take_turns)
{
    norder = 0;
    ck_assert_int_eq(baton_run(yield_main, NULL), 0);
    order[norder] = '\0';
    ck_assert_str_eq(order, "abcabcabc");
}
END_TEST

static void sleeper(void *arg)
{
    int64_t ns = (int64_t)(intptr_t)arg;
    int64_t t0 = baton_now();
    ck_assert_int_eq(baton_sleep(ns), 0);
    ck_assert_int_ge(baton_now() - t0, ns);
    order[norder++] = (char)('0' + ns / 1000000);
}

static void sleep_main(void *arg)
{
    (void)arg;
    baton_proc ps[] = {{"s3", sleeper, (void *)(intptr_t)3000000},
                       {"s1", sleeper, (void *)(intptr_t)1000000},
                       {"s2", sleeper, (void *)(intptr_t)2000000}};
    ck_assert_int_eq(baton_par(ps, 3), 0);
}

START_TEST(sleepers_wake_in_deadline_order)
{
    norder = 0;
    ck_assert_int_eq(baton_run(sleep_main, NULL), 0);
    order[norder] = '\0';
    ck_assert_str_eq(order, "123");
}
END_TEST

static void names(void *arg)
{
    ck_assert_str_eq(baton_self(), (const char *)arg);
}

static void big_frame(void *arg)
{
    (void)arg;
    volatile char buf[256 << 10];
    for (size_t i = 0; i < sizeof buf; i += 512) buf[i] = (char)i;
    ck_assert_int_eq(buf[512], (char)512);
}

static void go_main(void *arg)
{
    (void)arg;
    ck_assert_int_eq(baton_go("worker.1", names, "worker.1"), 0);
    ck_assert_int_eq(baton_go_stack("big", big_frame, NULL, 1 << 20), 0);
    ck_assert_int_eq(baton_run(go_main, NULL), -1); /* runs do not nest */
    ck_assert_int_eq(errno, EINVAL);
}

START_TEST(go_names_stacks_and_nesting)
{
    ck_assert_int_eq(baton_run(go_main, NULL), 0);
}
END_TEST

START_TEST(calls_outside_a_run_fail)
{
    baton_chan *c = baton_chan_int("c", 1);
    ck_assert_ptr_null(baton_self());
    ck_assert_int_eq(baton_send_int(c, 1), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(baton_go("x", names, "x"), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(baton_sleep(1), -1);
    ck_assert_int_eq(baton_par(NULL, 0), -1);
    ck_assert_int_eq(baton_run(NULL, NULL), -1);
    baton_chan_free(c);
}
END_TEST

static void null_arguments_main(void *arg)
{
    (void)arg;
    baton_chan *c = baton_chan_int("c", 1), *e = baton_chan_new("e", 0, 1);
    errno = 0;
    ck_assert_int_eq(baton_par(NULL, 2), -1);          /* was a crash */
    ck_assert_int_eq(errno, EINVAL);
    baton_proc unnamed[] = {{"ok", names, "ok"}, {NULL, names, NULL}};
    ck_assert_int_eq(baton_par(unnamed, 2), -1);       /* nothing starts */
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(baton_go(NULL, names, NULL), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(baton_send(c, NULL), -1);          /* a channel with data needs it */
    ck_assert_int_eq(errno, EINVAL);
    baton_case sc[] = {{c, BATON_SEND, NULL, true, 0}};
    ck_assert_int_eq(baton_alt(sc, 1, 0), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(baton_send(e, NULL), 0);           /* a pure event has none */
    ck_assert_int_eq(baton_recv(e, NULL), 0);
    ck_assert_int_eq(baton_send_int(c, 7), 0);
    ck_assert_int_eq(baton_recv(c, NULL), 0);           /* drops the message */
    baton_chan_free(c);
    baton_chan_free(e);
}

START_TEST(null_arguments_are_einval)
{
    ck_assert_int_eq(baton_run(null_arguments_main, NULL), 0);
}
END_TEST

Suite *tracer_chan_suite(void)
{
    Suite *s = suite_create("tracer_chan");
    TCase *tc = tcase_create("chan");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, rendezvous_many_senders_many_receivers);
    tcase_add_test(tc, buffered_many_senders_many_receivers);
    tcase_add_test(tc, every_schedule_keeps_channel_semantics);
    tcase_add_test(tc, buffered_capacity_and_order);
    tcase_add_test(tc, rendezvous_waits_for_receiver);
    tcase_add_test(tc, close_wakes_waiters_and_drains);
    tcase_add_test(tc, events_ints_and_structs);
    tcase_add_test(tc, par_and_yield_take_turns);
    tcase_add_test(tc, sleepers_wake_in_deadline_order);
    tcase_add_test(tc, go_names_stacks_and_nesting);
    tcase_add_test(tc, calls_outside_a_run_fail);
    tcase_add_test(tc, null_arguments_are_einval);
    suite_add_tcase(s, tc);
    return s;
}
