/* libbaton's schedules (BATON_SCHED; tracer_chan checks that they keep every channel's
 * meaning): one seed gives one run, different seeds give different interleavings, a pending timer may fire before runnable processes finish
 * (on the virtual clock, at its exact deadline), and pct reaches a deadlock that the
 * default order never shows. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton.h"
#include "tracer_harness.h"

Suite *tracer_sched_suite(void);

static void use(const char *sched, uint64_t seed)
{
    if (sched) setenv("BATON_SCHED", sched, 1);
    else unsetenv("BATON_SCHED");
    baton_set_seed(seed);
}

/* ---- one seed, one run ---- */

static char order[256];
static size_t norder;
static baton_chan *sink;

static void writer(void *arg)
{
    for (int i = 0; i < 4; i++) ck_assert_int_eq(baton_send_int(sink, (int64_t)(intptr_t)arg), 0);
}

static void collect(void *arg)
{
    (void)arg;
    for (intptr_t w = 0; w < 4; w++) ck_assert_int_eq(baton_go("writer", writer, (void *)w), 0);
    int64_t v;
    for (int i = 0; i < 16; i++) {
        ck_assert_int_eq(baton_recv_int(sink, &v), 0);
        order[norder++] = (char)('a' + v);
    }
}

static void one_run(const char *sched, uint64_t seed, char *out)
{
    norder = 0;
    sink = baton_chan_int("sink", 0);
    use(sched, seed);
    ck_assert_int_eq(baton_run(collect, NULL), 0);
    baton_chan_free(sink);
    order[norder] = '\0';
    strcpy(out, order);
}

START_TEST(a_seed_gives_one_run_and_seeds_differ)
{
    static const char *const scheds[] = {"random", "pct,depth=3,steps=40"};
    for (size_t k = 0; k < 2; k++) {
        char first[32][32];
        size_t distinct = 0;
        for (uint64_t seed = 1; seed <= 32; seed++) {
            char a[32], b[32];
            one_run(scheds[k], seed, a);
            one_run(scheds[k], seed, b);
            ck_assert_str_eq(a, b); /* the same seed: the same interleaving */
            bool known = false;
            for (size_t i = 0; i < distinct; i++) known |= strcmp(first[i], a) == 0;
            if (!known) strcpy(first[distinct++], a);
        }
        ck_assert_msg(distinct >= 8, "%s gave only %zu interleavings in 32 seeds", scheds[k], distinct);
    }
    /* fifo: the ready queue's order, whatever the seed */
    char a[32], b[32];
    one_run("fifo", 1, a);
    one_run(NULL, 99, b);
    ck_assert_str_eq(a, b);
    use(NULL, 0x5eed);
}
END_TEST

/* A run's departures from the default order (BATON_SCHED_LOG), replayed, give the same run;
 * replaying none is the default order itself, which is fifo's. */
START_TEST(departures_replayed_give_the_same_run)
{
    char log[256], a[32], b[32], at[4096], sched[4200];
    temp_name(log, sizeof log, "departures");
    static const char *const scheds[] = {"random", "pct,depth=3,steps=40", "random,timers=idle"};
    for (size_t k = 0; k < 3; k++)
        for (uint64_t seed = 1; seed <= 20; seed++) {
            unlink(log);
            setenv("BATON_SCHED_LOG", log, 1);
            one_run(scheds[k], seed, a);
            unsetenv("BATON_SCHED_LOG");
            FILE *f = fopen(log, "r");
            ck_assert_ptr_nonnull(f);
            if (!fgets(at, sizeof at, f)) at[0] = '\0';
            fclose(f);
            at[strcspn(at, "\n")] = '\0';
            snprintf(sched, sizeof sched, "replay%s%s%s", k == 2 ? ",timers=idle" : "", *at ? ",at=" : "", at);
            one_run(sched, seed, b);
            ck_assert_msg(strcmp(a, b) == 0, "%s seed %llu: %s, replayed (%s) %s", scheds[k],
                          (unsigned long long)seed, a, sched, b);
        }
    unlink(log);
    one_run("replay", 7, a);
    one_run("fifo", 7, b);
    ck_assert_str_eq(a, b);
    use(NULL, 0x5eed);
}
END_TEST

/* ---- timers on the virtual clock ---- */

static baton_chan *result;
static int timed_out, received;
static int64_t woke_at;

static void slow_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) baton_yield();
    /* the receiver may have given up: a poll, so the worker never blocks for ever */
    baton_case c = {result, BATON_SEND, &(int64_t){1}, true, 0};
    baton_alt(&c, 1, 0);
}

/* Sends with a blocking send: under timers=idle the waiter's timeout can only fire when the
 * worker is blocked too, and then the two would have met. */
static void patient_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) baton_yield();
    ck_assert_int_eq(baton_send_int(result, 1), 0);
}

static void waiter(void *arg)
{
    ck_assert_int_eq(baton_go("worker", arg ? patient_worker : slow_worker, NULL), 0);
    int64_t v;
    baton_case c = {result, BATON_RECV, &v, true, 0};
    int got = baton_alt(&c, 1, 1000000000); /* 1 s */
    woke_at = baton_now();
    if (got == 0) received++;
    else {
        ck_assert_int_eq(errno, ETIMEDOUT);
        timed_out++;
        ck_assert_int_eq(woke_at, 1000000000); /* exactly its deadline: virtual time */
    }
}

START_TEST(timers_may_fire_before_runnable_processes_finish)
{
    timed_out = received = 0;
    for (uint64_t seed = 1; seed <= 100; seed++) {
        result = baton_chan_int("result", 0);
        use("random", seed);
        ck_assert_int_eq(baton_run(waiter, NULL), 0);
        baton_chan_free(result);
    }
    ck_assert_int_gt(timed_out, 0);
    ck_assert_int_gt(received, 0);
    /* timers=idle: the clock moves only when nothing can run, as under BATON_CLOCK=virtual */
    timed_out = received = 0;
    for (uint64_t seed = 1; seed <= 50; seed++) {
        result = baton_chan_int("result", 0);
        use(seed % 2 ? "random,timers=idle" : "pct,steps=20,timers=idle", seed);
        ck_assert_int_eq(baton_run(waiter, (void *)1), 0);
        baton_chan_free(result);
    }
    ck_assert_int_eq(timed_out, 0);
    ck_assert_int_eq(received, 50);
    /* the default order on the virtual clock: time moves only when nothing can run */
    timed_out = received = 0;
    setenv("BATON_CLOCK", "virtual", 1);
    for (uint64_t seed = 1; seed <= 10; seed++) {
        result = baton_chan_int("result", 0);
        use(NULL, seed);
        ck_assert_int_eq(baton_run(waiter, NULL), 0);
        baton_chan_free(result);
    }
    unsetenv("BATON_CLOCK");
    ck_assert_int_eq(timed_out, 0);
    ck_assert_int_eq(received, 10);
    use(NULL, 0x5eed);
}
END_TEST

/* ---- pct reaches what fifo never shows ---- */

static baton_chan *lock_a, *lock_b; /* a lock: a buffered channel holding one token */

static void take(baton_chan *l) { ck_assert_int_eq(baton_recv(l, NULL), 0); }
static void give(baton_chan *l) { ck_assert_int_eq(baton_send(l, NULL), 0); }

static void ab(void *arg) { (void)arg; take(lock_a); take(lock_b); give(lock_b); give(lock_a); }
static void ba(void *arg) { (void)arg; take(lock_b); take(lock_a); give(lock_a); give(lock_b); }

static void inversion(void *arg)
{
    (void)arg;
    give(lock_a);
    give(lock_b);
    baton_proc ps[2] = {{"ab", ab, NULL}, {"ba", ba, NULL}};
    baton_par(ps, 2);
}

static int deadlocks(const char *sched, uint64_t seeds)
{
    int n = 0;
    for (uint64_t seed = 1; seed <= seeds; seed++) {
        lock_a = baton_chan_new("a", 0, 1);
        lock_b = baton_chan_new("b", 0, 1);
        use(sched, seed);
        int rc = baton_run(inversion, NULL);
        ck_assert(rc == 0 || rc == BATON_DEADLOCK);
        n += rc == BATON_DEADLOCK;
        baton_chan_free(lock_a);
        baton_chan_free(lock_b);
    }
    return n;
}

static int pct_body(void)
{
    /* fifo: ab takes both locks before ba runs */
    if (deadlocks(NULL, 20) != 0) return 1;
    /* pct with k near the run's length: a depth-2 bug, found with probability >= 1/(3k) */
    if (deadlocks("pct,depth=2,steps=16", 200) == 0) return 2;
    /* depth 1: no priority drop, one process runs until it blocks: never */
    if (deadlocks("pct,depth=1,steps=16", 50) != 0) return 3;
    return 0;
}

START_TEST(pct_reaches_a_deadlock_that_fifo_never_shows)
{
    char *err = NULL;
    /* in a child: the deadlock reports go to its stderr */
    ck_assert_int_eq(in_child(pct_body, &err), 0);
    free(err);
}
END_TEST

static int bad_sched_body(void)
{
    norder = 0;
    sink = baton_chan_int("sink", 0);
    setenv("BATON_SCHED", "sometimes", 1);
    return baton_run(collect, NULL);
}

static const char *bad_sched;

static int bad_sched_run(void)
{
    norder = 0;
    sink = baton_chan_int("sink", 0);
    setenv("BATON_SCHED", bad_sched, 1);
    return baton_run(collect, NULL);
}

START_TEST(an_unknown_schedule_runs_fifo_and_says_so)
{
    char *err = NULL;
    ck_assert_int_eq(in_child(bad_sched_body, &err), 0);
    ck_assert_ptr_nonnull(strstr(err, "BATON_SCHED='sometimes' is not fifo, random"));
    free(err);
    /* malformed options: out of order, not numbers, a trailing '+', a zero step, an option
     * of another strategy, text after the departures */
    static const char *const bad[] = {"replay,at=5:1+3:2", "replay,at=x", "replay,at=1:2+",
                                      "replay,at=0:1", "replay,depth=2", "pct,at=1:1",
                                      "replay,at=1:1,timers=idle", "pct,depth=0", "pct,steps=",
                                      "random,timers=", "pct,depth=99"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        bad_sched = bad[i];
        err = NULL;
        ck_assert_int_eq(in_child(bad_sched_run, &err), 0);
        ck_assert_msg(err && strstr(err, "running fifo"), "%s: %s", bad[i], err ? err : "");
        free(err);
    }
}
END_TEST

Suite *tracer_sched_suite(void)
{
    Suite *s = suite_create("tracer_sched");
    TCase *tc = tcase_create("sched");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_seed_gives_one_run_and_seeds_differ);
    tcase_add_test(tc, departures_replayed_give_the_same_run);
    tcase_add_test(tc, timers_may_fire_before_runnable_processes_finish);
    tcase_add_test(tc, pct_reaches_a_deadlock_that_fifo_never_shows);
    tcase_add_test(tc, an_unknown_schedule_runs_fifo_and_says_so);
    suite_add_tcase(s, tc);
    return s;
}
