/* libbaton's deadlock detection: baton_run returns BATON_DEADLOCK when processes are blocked
 * forever, after a report on stderr naming each blocked process, what it waits on and the
 * wait-for cycle.  Each case runs in a child whose stderr is captured. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baton.h"
#include "tests/unit/tracer_harness.h"

Suite *tracer_deadlock_suite(void);

static baton_chan *a, *b;

#define ck_assert_has(hay, needle)                                                                 \
    ck_assert_msg(hay && strstr(hay, needle), "expected \"%s\" in:\n%s", needle, hay ? hay : "(null)")

/* ---- the classic crossed pair ---------------------------------------------------------------- */

static void p(void *x)
{
    (void)x;
    int64_t v;
    baton_recv_int(a, &v);
    baton_send_int(b, 1);
    baton_send_int(a, 2); /* q is not receiving on a any more */
}

static void q(void *x)
{
    (void)x;
    int64_t v;
    baton_send_int(a, 1);
    baton_recv_int(b, &v);
    baton_send_int(b, 5); /* p is not receiving on b */
}

static void crossed_main(void *x)
{
    (void)x;
    baton_proc ps[] = {{"p", p, NULL}, {"q", q, NULL}};
    baton_par(ps, 2);
}

static int crossed(void)
{
    a = baton_chan_int("a", 0);
    b = baton_chan_int("b", 0);
    return baton_run(crossed_main, NULL);
}

START_TEST(crossed_sends_are_reported_with_their_cycle)
{
    char *err = NULL;
    ck_assert_int_eq(in_child(crossed, &err), BATON_DEADLOCK);
    ck_assert_has(err, "baton: deadlock: 3 processes blocked forever (seed ");
    ck_assert_has(err, "'main' (#1) waits in par for 2 processes to end");
    ck_assert_has(err, "'p' (#2) waits to send on 'a': offers a.2");
    ck_assert_has(err, "'q' (#3) waits to send on 'b': offers b.5");
    ck_assert_has(err, "wait-for cycle: 'p' (#2) -> 'q' (#3) -> 'p' (#2)");
    free(err);
}
END_TEST

/* ---- alts: offers and STOP ------------------------------------------------------------------- */

static void stopper(void *x)
{
    (void)x;
    baton_alt(NULL, 0, -1);
}

static void alter(void *x)
{
    (void)x;
    int64_t out = 3, in;
    baton_case cs[3] = {{a, BATON_SEND, &out, true, 0}, {b, BATON_RECV, &in, true, 0},
                        {b, BATON_SEND, &out, false, 0}};
    baton_alt(cs, 3, -1);
}

static void alt_main(void *x)
{
    (void)x;
    baton_go("stop", stopper, NULL);
    baton_go("chooser", alter, NULL);
    int64_t v;
    baton_chan *e = baton_chan_new("picks.0.1", 0, 2);
    baton_send(e, NULL);
    baton_send(e, NULL);
    baton_send(e, NULL); /* its buffer is full */
    (void)v;
}

static int alts(void)
{
    a = baton_chan_int("a", 0);
    b = baton_chan_int("b", 0);
    return baton_run(alt_main, NULL);
}

START_TEST(alts_report_their_offers)
{
    char *err = NULL;
    ck_assert_int_eq(in_child(alts, &err), BATON_DEADLOCK);
    ck_assert_has(err, "3 processes blocked forever");
    ck_assert_has(err, "'stop' (#2) waits in an alt with no enabled case (STOP)");
    ck_assert_has(err, "'chooser' (#3) waits in an alt: offers a.3 (send on 'a') | b (receive from 'b'), at tests/unit/test_tracer_deadlock.c:");
    ck_assert_has(err, "'main' (#1) waits to send on 'picks.0.1': offers picks.0.1_in");
    ck_assert_has(err, "no wait-for cycle found");
    free(err);
}
END_TEST

/* ---- not deadlocks: sleepers, and runs after a deadlock -------------------------------------- */

static void slow_sender(void *x)
{
    (void)x;
    baton_sleep(2000000);
    baton_send_int(a, 9);
}

static void sleeper_main(void *x)
{
    (void)x;
    int64_t v = 0;
    baton_go("slow", slow_sender, NULL);
    ck_assert_int_eq(baton_recv_int(a, &v), 0); /* nothing runnable, but a timer is pending */
    ck_assert_int_eq(v, 9);
}

static int sleeping_then_again(void)
{
    int rc = crossed();
    if (rc != BATON_DEADLOCK) return 10 + rc;
    /* the blocked processes are gone and the channels are free of them */
    rc = baton_run(sleeper_main, NULL);
    return rc;
}

START_TEST(a_pending_timer_is_no_deadlock_and_runs_go_on)
{
    char *err = NULL;
    ck_assert_int_eq(in_child(sleeping_then_again, &err), 0);
    ck_assert_has(err, "3 processes blocked forever");
    ck_assert(strstr(err, "deadlock") == strstr(err, "deadlock: 3")); /* reported once */
    free(err);
}
END_TEST

/* ---- a wait whose only partner has ended: the report says who ended and where ------------- */

enum { worker1_line = __LINE__ + 5, consumer_line = __LINE__ + 14 };  /* the calls below */

static void worker1(void *x)
{
    (void)x;
    baton_send_int(a, 1); enum { here = __LINE__ };  /* its last call */
    _Static_assert((int)here == (int)worker1_line, "worker1_line names this line");
}

static void consumer(void *x)
{
    (void)x;
    int64_t v;
    baton_recv_int(a, &v);
    baton_recv_int(a, &v); enum { here = __LINE__ };  /* nobody sends again */
    _Static_assert((int)here == (int)consumer_line, "consumer_line names this line");
}

static void ended_main(void *x)
{
    (void)x;
    baton_proc ps[] = {{"worker1", worker1, NULL}, {"consumer", consumer, NULL}};
    baton_par(ps, 2);
}

static int ended_partner(void)
{
    a = baton_chan_int("a", 0);
    return baton_run(ended_main, NULL);
}

static void quick(void *x)
{
    (void)x;
}

static void old_main(void *x)
{
    (void)x;
    baton_proc ps[] = {{"old", quick, NULL}};
    baton_par(ps, 1);
}

/* Process ids start again in each run: the ended process a report names is this run's. */
static int second_run(void)
{
    if (baton_run(old_main, NULL) != 0) return 99;
    return ended_partner();
}

START_TEST(a_partner_that_ended_is_named_with_its_place)
{
    char *err = NULL;
    ck_assert_int_eq(in_child(ended_partner, &err), BATON_DEADLOCK);
    char want[200];
    snprintf(want, sizeof want, "'consumer' (#3) waits to receive from 'a': offers a, at %s:%d",
             __FILE__, consumer_line);
    ck_assert_has(err, want);
    snprintf(want, sizeof want, "its last sender 'worker1' (#2) has ended (its last call: %s:%d)",
             __FILE__, worker1_line);
    ck_assert_has(err, want);
    ck_assert_has(err, "'main' (#1) waits in par for 1 process to end, at ");
    free(err);
}
END_TEST

START_TEST(an_earlier_runs_process_is_not_named)
{
    char *err = NULL;
    ck_assert_int_eq(in_child(second_run, &err), BATON_DEADLOCK);
    ck_assert_has(err, "its last sender 'worker1' (#2) has ended");
    ck_assert_msg(!strstr(err, "'old'"), "a process of the earlier run is named:\n%s", err);
    free(err);
}
END_TEST

/* ---- main may end first; big reports are capped on stderr ------------------------------------ */

static void waiter(void *x)
{
    (void)x;
    int64_t v;
    baton_recv_int(a, &v);
}

static void many_main(void *x)
{
    (void)x;
    for (int i = 0; i < 1500; i++) baton_go("waiter", waiter, NULL);
}

static int many(void)
{
    a = baton_chan_int("a", 0);
    return baton_run(many_main, NULL);
}

START_TEST(main_ending_first_and_a_capped_report)
{
    char *err = NULL;
    ck_assert_int_eq(in_child(many, &err), BATON_DEADLOCK);
    ck_assert_has(err, "1500 processes blocked forever");
    ck_assert_has(err, "'waiter' (#2) waits to receive from 'a': offers a, at tests/unit/test_tracer_deadlock.c:");
    ck_assert_has(err, "... and 500 more (the trace has them all)");
    ck_assert(!strstr(err, "'main'"));
    free(err);
}
END_TEST

/* ---- dining philosophers: forks are processes, every philosopher picks left first ---------- */

enum { PHILS = 5, ROUNDS = 3 };
static baton_chan *picks[PHILS][PHILS], *putsdown[PHILS][PHILS]; /* [fork][phil] */

static void fork_proc(void *arg)
{
    int j = (int)(intptr_t)arg, left = j, right = (j + PHILS - 1) % PHILS;
    baton_case cs[2] = {{picks[j][left], BATON_RECV, NULL, true, 0},
                        {picks[j][right], BATON_RECV, NULL, true, 0}};
    for (;;) {
        int k = baton_alt(cs, 2, -1);
        baton_recv(putsdown[j][k == 0 ? left : right], NULL);
    }
}

static void phil_proc(void *arg)
{
    int i = (int)(intptr_t)arg, left = i, right = (i + 1) % PHILS;
    for (int round = 0;; round++) {
        baton_send(picks[left][i], NULL);
        if (round == ROUNDS) baton_yield(); /* now everyone holds a left fork */
        baton_send(picks[right][i], NULL);
        baton_send(putsdown[left][i], NULL);
        baton_send(putsdown[right][i], NULL);
    }
}

static char names[2][PHILS][32];

static void table(void *x)
{
    (void)x;
    for (int j = 0; j < PHILS; j++) {
        snprintf(names[0][j], sizeof names[0][j], "fork.%d", j);
        baton_go(names[0][j], fork_proc, (void *)(intptr_t)j);
    }
    for (int i = 0; i < PHILS; i++) {
        snprintf(names[1][i], sizeof names[1][i], "phil.%d", i);
        baton_go(names[1][i], phil_proc, (void *)(intptr_t)i);
    }
}

static int philosophers(void)
{
    char name[48];
    for (int j = 0; j < PHILS; j++)
        for (int i = 0; i < PHILS; i++) {
            snprintf(name, sizeof name, "picks.%d.%d", j, i);
            picks[j][i] = baton_chan_new(name, 0, 0);
            snprintf(name, sizeof name, "putsdown.%d.%d", j, i);
            putsdown[j][i] = baton_chan_new(name, 0, 0);
        }
    return baton_run(table, NULL);
}

START_TEST(philosophers_deadlock_in_a_ring)
{
    char *err = NULL;
    ck_assert_int_eq(in_child(philosophers, &err), BATON_DEADLOCK);
    ck_assert_has(err, "10 processes blocked forever");
    ck_assert_has(err, "'phil.0' (#7) waits to send on 'picks.1.0': offers picks.1.0, at tests/unit/test_tracer_deadlock.c:");
    ck_assert_has(err, "'fork.1' (#3) waits to receive from 'putsdown.1.1': offers putsdown.1.1, at tests/unit/test_tracer_deadlock.c:");
    /* the ring: each philosopher waits for the next fork, which waits for its holder */
    ck_assert_has(err, "wait-for cycle: ");
    for (int i = 0; i < PHILS; i++) {
        char edge[128];
        snprintf(edge, sizeof edge, "'phil.%d' (#%d) -> 'fork.%d' (#%d)", i, 7 + i, (i + 1) % PHILS,
                 2 + (i + 1) % PHILS);
        ck_assert_has(err, edge);
    }
    free(err);
}
END_TEST

Suite *tracer_deadlock_suite(void)
{
    Suite *s = suite_create("tracer_deadlock");
    TCase *tc = tcase_create("deadlock");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, crossed_sends_are_reported_with_their_cycle);
    tcase_add_test(tc, a_partner_that_ended_is_named_with_its_place);
    tcase_add_test(tc, an_earlier_runs_process_is_not_named);
    tcase_add_test(tc, alts_report_their_offers);
    tcase_add_test(tc, a_pending_timer_is_no_deadlock_and_runs_go_on);
    tcase_add_test(tc, main_ending_first_and_a_capped_report);
    tcase_add_test(tc, philosophers_deadlock_in_a_ring);
    suite_add_tcase(s, tc);
    return s;
}
