/* libbaton's alt: a fair random choice among ready cases, reproducible from the seed; polls,
 * deadlines, closed channels, send cases, disabled cases. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baton.h"

Suite *tracer_alt_suite(void);

enum { NCASES = 4, PER_CASE = 20000, PICKS = 40000 };

static baton_chan *cs[NCASES];
static int counts[NCASES];
static unsigned char picks[PICKS];

static void fairness_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < NCASES; i++)
        for (int64_t k = 0; k < PER_CASE; k++) ck_assert_int_eq(baton_send_int(cs[i], k), 0);
    int64_t v[NCASES];
    baton_case cases[NCASES];
    for (int i = 0; i < NCASES; i++) cases[i] = (baton_case){cs[i], BATON_RECV, &v[i], true, 0};
    for (int n = 0; n < PICKS; n++) {
        int k = baton_alt(cases, NCASES, -1);
        ck_assert(k >= 0 && k < NCASES);
        ck_assert_int_eq(cases[k].err, 0);
        ck_assert_int_eq(v[k], counts[k]); /* each channel still delivers in order */
        counts[k]++;
        picks[n] = (unsigned char)k;
    }
}

static void run_fairness(uint64_t seed)
{
    memset(counts, 0, sizeof counts);
    for (int i = 0; i < NCASES; i++) cs[i] = baton_chan_int("c", PER_CASE);
    baton_set_seed(seed);
    ck_assert_int_eq(baton_run(fairness_main, NULL), 0);
    for (int i = 0; i < NCASES; i++) baton_chan_free(cs[i]);
}

START_TEST(choice_among_ready_cases_is_fair)
{
    run_fairness(1);
    /* Binomial(40000, 1/4): mean 10000, sd 87; 9000..11000 is more than 11 sd wide. */
    for (int i = 0; i < NCASES; i++) {
        ck_assert_int_gt(counts[i], 9000);
        ck_assert_int_lt(counts[i], 11000);
    }
    /* and not a fixed rotation: some case is picked twice in a row */
    int repeats = 0;
    for (int n = 1; n < PICKS; n++) repeats += picks[n] == picks[n - 1];
    ck_assert_int_gt(repeats, PICKS / 8);
}
END_TEST

START_TEST(choices_repeat_with_the_seed)
{
    static unsigned char first[PICKS];
    run_fairness(42);
    memcpy(first, picks, sizeof first);
    run_fairness(42);
    ck_assert_int_eq(memcmp(first, picks, sizeof first), 0);
    run_fairness(43);
    ck_assert_int_ne(memcmp(first, picks, sizeof first), 0);
}
END_TEST

/* ---- polls and deadlines ------------------------------------------------------------------- */

static baton_chan *a, *b;

static void late_sender(void *arg)
{
    baton_sleep((int64_t)(intptr_t)arg);
    baton_send_int(a, 7);
}

static void deadline_main(void *arg)
{
    (void)arg;
    int64_t v = 0;
    baton_case cases[2] = {{a, BATON_RECV, &v, true, 0}, {b, BATON_RECV, &v, true, 0}};
    /* a poll with nothing ready */
    int64_t t0 = baton_now();
    ck_assert_int_eq(baton_alt(cases, 2, 0), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    /* a deadline that passes */
    ck_assert_int_eq(baton_alt(cases, 2, 2000000), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert_int_ge(baton_now() - t0, 2000000);
    /* a deadline that does not: the message comes first, and the timer is cancelled */
    baton_go("late", late_sender, (void *)(intptr_t)1000000);
    ck_assert_int_eq(baton_alt(cases, 2, 500000000), 0);
    ck_assert_int_eq(v, 7);
    baton_go("later", late_sender, (void *)(intptr_t)20000000);
    ck_assert_int_eq(baton_recv_int(a, &v), 0); /* a stale timer would break this wait */
    /* a poll with something ready */
    baton_go("now", late_sender, (void *)(intptr_t)0);
    baton_yield();
    baton_yield();
    ck_assert_int_eq(baton_alt(cases, 2, 0), 0);
    /* no enabled case: a poll, a deadline */
    cases[0].enabled = cases[1].enabled = false;
    ck_assert_int_eq(baton_alt(cases, 2, 0), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert_int_eq(baton_alt(cases, 2, 1000000), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert_int_eq(baton_alt(NULL, 0, 1000), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    /* a bad op */
    cases[0] = (baton_case){a, 3, &v, true, 0};
    ck_assert_int_eq(baton_alt(cases, 1, 0), -1);
    ck_assert_int_eq(errno, EINVAL);
}

START_TEST(polls_and_deadlines)
{
    a = baton_chan_int("a", 0);
    b = baton_chan_int("b", 0);
    ck_assert_int_eq(baton_run(deadline_main, NULL), 0);
    baton_chan_free(a);
    baton_chan_free(b);
}
END_TEST

/* ---- closed channels, send cases, disabled cases ------------------------------------------- */

static void closer(void *arg)
{
    (void)arg;
    baton_close(b);
}

static void taker(void *arg)
{
    int64_t v;
    ck_assert_int_eq(baton_recv_int(a, &v), 0);
    *(int64_t *)arg = v;
}

static void close_main(void *arg)
{
    (void)arg;
    int64_t v = 0, out = 99, got = 0;
    baton_case cases[3] = {{a, BATON_RECV, &v, true, 0}, {b, BATON_RECV, &v, true, 0},
                           {a, BATON_SEND, &out, false, 0}};
    /* blocked, then b closes: that case fires with EPIPE */
    baton_go("closer", closer, NULL);
    ck_assert_int_eq(baton_alt(cases, 3, -1), 1);
    ck_assert_int_eq(cases[1].err, EPIPE);
    /* already closed: ready at once, every time */
    ck_assert_int_eq(baton_alt(cases, 3, 0), 1);
    ck_assert_int_eq(cases[1].err, EPIPE);
    /* disable it; a send case completes with a receiver */
    cases[1].enabled = false;
    cases[0].enabled = false;
    cases[2].enabled = true;
    baton_go("taker", taker, &got);
    ck_assert_int_eq(baton_alt(cases, 3, -1), 2);
    ck_assert_int_eq(cases[2].err, 0);
    baton_yield();
    ck_assert_int_eq(got, 99);
}

START_TEST(closed_channels_send_and_disabled_cases)
{
    a = baton_chan_int("a", 0);
    b = baton_chan_int("b", 0);
    ck_assert_int_eq(baton_run(close_main, NULL), 0);
    baton_chan_free(a);
    baton_chan_free(b);
}
END_TEST

/* ---- many cases (clauses beyond the on-stack array) ---------------------------------------- */

enum { MANY = 40 };
static baton_chan *many[MANY];

static void many_sender(void *arg)
{
    intptr_t i = (intptr_t)arg;
    baton_send_int(many[i], i);
}

static void many_main(void *arg)
{
    (void)arg;
    int64_t v[MANY];
    baton_case cases[MANY];
    for (int i = 0; i < MANY; i++) cases[i] = (baton_case){many[i], BATON_RECV, &v[i], true, 0};
    for (intptr_t i = MANY - 1; i >= 0; i -= 7) {
        ck_assert_int_eq(baton_go("s", many_sender, (void *)i), 0);
        int k = baton_alt(cases, MANY, -1);
        ck_assert_int_eq(k, i);
        ck_assert_int_eq(v[k], i);
    }
}

START_TEST(alt_over_many_channels)
{
    for (int i = 0; i < MANY; i++) many[i] = baton_chan_int("m", 0);
    ck_assert_int_eq(baton_run(many_main, NULL), 0);
    for (int i = 0; i < MANY; i++) baton_chan_free(many[i]);
}
END_TEST

/* ---- virtual time: sleeps and deadlines in order, at once ----------------------------------- */

static baton_chan *tick;
static char log_buf[256];
static size_t log_len;

static void ticker(void *arg)
{
    (void)arg;
    for (int64_t i = 1; i <= 3; i++) {
        baton_sleep(10 * 1000000000LL); /* ten (virtual) seconds */
        baton_send_int(tick, i);
    }
}

static void virtual_main(void *arg)
{
    (void)arg;
    int64_t v;
    ck_assert_int_eq(baton_now(), 0);
    baton_go("ticker", ticker, NULL);
    baton_case c[1] = {{tick, BATON_RECV, &v, true, 0}};
    for (;;) {
        int k = baton_alt(c, 1, 4 * 1000000000LL);
        log_len += (size_t)snprintf(log_buf + log_len, sizeof log_buf - log_len, "%s@%lld ",
                                    k < 0 ? "timeout" : "tick", (long long)(baton_now() / 1000000000));
        if (k == 0 && v == 3) break;
    }
}

START_TEST(virtual_time_is_exact_and_instant)
{
    setenv("BATON_CLOCK", "virtual", 1);
    tick = baton_chan_int("tick", 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(baton_run(virtual_main, NULL), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 5); /* 30 virtual seconds took no real ones */
    ck_assert_str_eq(log_buf, "timeout@4 timeout@8 tick@10 timeout@14 timeout@18 tick@20 "
                              "timeout@24 timeout@28 tick@30 ");
    unsetenv("BATON_CLOCK");
    baton_chan_free(tick);
}
END_TEST

Suite *tracer_alt_suite(void)
{
    Suite *s = suite_create("tracer_alt");
    TCase *tc = tcase_create("alt");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, choice_among_ready_cases_is_fair);
    tcase_add_test(tc, choices_repeat_with_the_seed);
    tcase_add_test(tc, polls_and_deadlines);
    tcase_add_test(tc, closed_channels_send_and_disabled_cases);
    tcase_add_test(tc, alt_over_many_channels);
    tcase_add_test(tc, virtual_time_is_exact_and_instant);
    suite_add_tcase(s, tc);
    return s;
}
