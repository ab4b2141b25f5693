/* checker/taucycle + the divergence checks on several cores: the cycle finder on hand-made
 * records, then random hidden networks whose verdicts on one core (Tarjan over the complete
 * store, checker/explore.c) and on one, two and three threads (tau records, peeled on as
 * many threads, checker/taucycle.c) must agree — for divergence freedom, FD deadlock
 * freedom, FD refinement and FD determinism, and V and VD refinement (whose parallel search
 * checks revivals against the completed normal form). */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>

#include "checker/explore.h"
#include "checker/limits.h"
#include "checker/machine.h"
#include "checker/refine.h"
#include "checker/taucycle.h"

enum { A = EV_FIRST_VISIBLE, B, C };

/* tau_cycle over the records r (one part), a copy: it uses them up. */
static int cycle_in(const uint64_t *r, size_t n)
{
    uint64_t *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = r[i];
    struct tau_part p = {v, n};
    const char *limit;
    int c = tau_cycle(&p, 1, NULL, chk_now(), &limit);
    free(v);
    return c;
}

START_TEST(records_with_and_without_a_cycle)
{
    /* 1 -> 2 -> 3, and 3 has no record (no tau of its own): no cycle. */
    const uint64_t chain[] = {1, 1, 2, 2, 1, 3};
    ck_assert_int_eq(cycle_in(chain, 6), 0);
    /* A tau to itself is a cycle. */
    const uint64_t self[] = {7, 2, 9, 7};
    ck_assert_int_eq(cycle_in(self, 4), 1);
    /* 1 -> {2, 3}, 2 -> 4, 3 -> 4, and 4 has no record: a diamond, no cycle (2 and 3 are
     * black when met again). */
    const uint64_t diamond[] = {1, 2, 2, 3, 2, 1, 4, 3, 1, 4};
    ck_assert_int_eq(cycle_in(diamond, 10), 0);
    /* 1 -> 2 -> 3 -> 1, found from any start. */
    const uint64_t ring[] = {3, 1, 1, 2, 1, 3, 1, 1, 2};
    ck_assert_int_eq(cycle_in(ring, 9), 1);
    /* Nothing recorded: nothing diverges. */
    ck_assert_int_eq(cycle_in(NULL, 0), 0);
}
END_TEST

START_TEST(a_cycle_across_threads_records)
{
    /* Thread 0 recorded 10 -> 20, thread 1 recorded 20 -> 30 and 30 -> 10. */
    uint64_t a[] = {10, 1, 20}, b[] = {20, 1, 30, 30, 1, 10};
    struct tau_part p[2] = {{a, 3}, {b, 6}};
    const char *limit;
    ck_assert_int_eq(tau_cycle(p, 2, NULL, chk_now(), &limit), 1);
    /* Without the edge back, a long chain across them is no cycle. */
    uint64_t c[] = {10, 1, 20}, d[] = {20, 1, 30, 30, 1, 40};
    struct tau_part q[2] = {{c, 3}, {d, 6}};
    ck_assert_int_eq(tau_cycle(q, 2, NULL, chk_now(), &limit), 0);
}
END_TEST

START_TEST(a_long_chain_ending_in_a_cycle)
{
    /* 0 -> 1 -> ... -> 99999 -> 99990: long, so the peeling's stack must grow. */
    enum { N = 100000 };
    uint64_t *v = malloc(3 * N * sizeof *v);
    for (uint64_t i = 0; i < N; i++) {
        v[3 * i] = i + 1;  /* hashes from 1 */
        v[3 * i + 1] = 1;
        v[3 * i + 2] = i + 1 == N ? N - 9 : i + 2;
    }
    struct tau_part p = {v, 3 * N};
    const char *limit;
    ck_assert_int_eq(tau_cycle(&p, 1, NULL, chk_now(), &limit), 1);
    /* The search used the records up (taucycle.h): make them again. */
    for (uint64_t i = 0; i < N; i++) {
        v[3 * i] = i + 1;
        v[3 * i + 1] = 1;
        v[3 * i + 2] = i + 2;
    }
    v[3 * (N - 1) + 2] = N + 1;  /* the last goes to a state without taus */
    ck_assert_int_eq(tau_cycle(&p, 1, NULL, chk_now(), &limit), 0);
    free(v);
}
END_TEST

/* ---- random networks ---- */

static uint32_t rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(*s >> 33);
}

/* A leaf of 2-6 states with 1-3 transitions each on a, b, c or tau. */
static int random_leaf(struct mach_builder *mb, uint64_t *seed)
{
    struct lts_builder *b = lts_builder_new();
    uint32_t n = 2 + rnd(seed) % 5;
    lts_builder_reserve(b, n);
    const uint32_t events[] = {A, B, C, EV_TAU, A, B};
    for (uint32_t s = 0; s < n; s++)
        for (uint32_t k = 1 + rnd(seed) % 3; k > 0; k--)
            lts_builder_add(b, s, events[rnd(seed) % 6], rnd(seed) % n);
    return mach_leaf(mb, lts_build(b, 0, LTS_NONE));
}

/* (L1 [| S |] L2) \ H over three leaves from `leaves`, with S and H from `shape`. */
static struct machine *random_shaped(uint64_t leaves, uint64_t shape)
{
    struct mach_builder *b = mach_builder_new();
    uint64_t seed = shape;
    const uint32_t all[] = {A, B, C};
    uint32_t sync[3], hide[3], ns = 0, nh = 0;
    for (int i = 0; i < 3; i++) {
        if (rnd(&seed) % 2) sync[ns++] = all[i];
        if (rnd(&seed) % 3 == 0) hide[nh++] = all[i];
    }
    int l = random_leaf(b, &leaves), r = random_leaf(b, &leaves), t = random_leaf(b, &leaves);
    int p = mach_par(b, (struct evset){sync, ns}, l, r);
    p = mach_par(b, (struct evset){sync, ns > 0 ? 1 : 0}, p, t);
    return mach_build(b, mach_hide(b, (struct evset){hide, nh}, p));
}

static struct machine *random_net(uint64_t seed)
{
    return random_shaped(seed, seed);
}

enum check_kind { DIVERGENCE, FD_DEADLOCK, FD_REFINES, FD_DETERMINISTIC, V_REFINES, VD_REFINES };

static void run(enum check_kind k, uint64_t seed, int threads, struct chk_result *r)
{
    /* max_states bounds the one-core warm-up of refinement at its own value, so the parallel
     * search is what answers (networks have < 300 states; a rare determinism product passes
     * the bound and is left out). */
    struct chk_limits lim = {.threads = threads, .max_states = 10000};
    struct machine *m = random_net(seed), *spec = NULL;
    switch (k) {
    case DIVERGENCE: chk_divergence(m, &lim, r); break;
    case FD_DEADLOCK: chk_deadlock(m, &lim, 1, r); break;
    case FD_REFINES:
        spec = random_net(seed * 31 + 7);
        chk_refines(spec, m, CHK_MODEL_FD, &lim, r);
        break;
    case FD_DETERMINISTIC: chk_deterministic(m, CHK_MODEL_FD, &lim, r); break;
    case V_REFINES:
    case VD_REFINES:
        /* against another random network, or (every third seed) one with the same leaves
         * but another hiding and synchronisation, where refinements that hold happen and
         * failures are of every kind */
        spec = seed % 3 ? random_net(seed * 31 + 7) : random_shaped(seed, seed * 31 + 7);
        chk_refines(spec, m, k == V_REFINES ? CHK_MODEL_V : CHK_MODEL_VD, &lim, r);
        break;
    }
    mach_free(m);
    if (spec) mach_free(spec);
}

START_TEST(one_core_and_several_agree_on_random_networks)
{
    enum check_kind k = (enum check_kind)_i;
    int failed = 0, held = 0, limited = 0;
    for (uint64_t seed = 1; seed <= 400; seed++) {
        struct chk_result one, many;
        run(k, seed, 0, &one);
        if (one.verdict == CHK_LIMIT) {  /* a product past the bound: not compared */
            limited++;
            chk_result_free(&one);
            continue;
        }
        for (int threads = 1; threads <= 3; threads++) {
            run(k, seed, threads, &many);
            ck_assert_msg(one.verdict == many.verdict && one.kind == many.kind,
                          "check %d seed %llu threads %d: one core %d/%d, several %d/%d", (int)k,
                          (unsigned long long)seed, threads, one.verdict, one.kind, many.verdict,
                          many.kind);
            /* The counterexample is the one-core search's: the same length. */
            ck_assert_uint_eq(one.ntrace, many.ntrace);
            if (k != FD_REFINES && one.verdict == CHK_HOLDS)
                ck_assert_uint_eq(one.states, many.states);
            chk_result_free(&many);
        }
        /* a divergence found, except in V, which has none to find */
        failed += one.verdict == CHK_FAILS && (one.kind == CHK_DIVERGENCE || k == V_REFINES);
        held += one.verdict == CHK_HOLDS;
        chk_result_free(&one);
    }
    /* The random networks exercise both answers (divergences in every check that has them). */
    ck_assert_int_gt(failed, 10);
    ck_assert_int_gt(held, 10);
    ck_assert_int_lt(limited, 20);
}
END_TEST

/* Three counters of 30 states on a, b and c, synchronising on d once all three are at 29;
 * after d the first goes round a tau loop.  With `hide_a` the first counter's a is hidden, so
 * it diverges at once.  27 000 states and more: past the quick one-core search's bound. */
static struct machine *counters_to_a_loop(bool hide_a)
{
    struct mach_builder *b = mach_builder_new();
    const uint32_t d = C + 1;
    int node = -1;
    for (uint32_t k = 0; k < 3; k++) {
        struct lts_builder *lb = lts_builder_new();
        lts_builder_reserve(lb, 31);
        for (uint32_t i = 0; i < 29; i++) lts_builder_add(lb, i, A + k, i + 1);
        if (k == 0) {
            if (hide_a) lts_builder_add(lb, 29, A, 0);
            lts_builder_add(lb, 29, d, 30);
            lts_builder_add(lb, 30, EV_TAU, 30);
        } else {
            lts_builder_add(lb, 29, d, 29);
        }
        int leaf = mach_leaf(b, lts_build(lb, 0, LTS_NONE));
        node = node < 0 ? leaf : mach_par(b, (struct evset){&d, 1}, node, leaf);
    }
    if (hide_a) node = mach_hide(b, (struct evset){(const uint32_t[]){A}, 1}, node);
    return mach_build(b, node);
}

/* The quick one-core search (the divergence at once) and the parallel one followed by the
 * one-core search for the nearest failure (the divergence after 88 events: 29 of each
 * counter, then d) give the counterexample the one-core search alone gives. */
START_TEST(near_and_far_divergences)
{
    for (int hide = 0; hide <= 1; hide++) {
        for (int threads = 0; threads <= 2; threads++) {
            struct machine *m = counters_to_a_loop(hide);
            struct chk_limits lim = {.threads = threads};
            struct chk_result r;
            chk_divergence(m, threads ? &lim : NULL, &r);
            ck_assert_int_eq(r.verdict, CHK_FAILS);
            ck_assert_int_eq(r.kind, CHK_DIVERGENCE);
            ck_assert_int_eq((int)r.ntrace, hide ? 0 : 88);
            chk_result_free(&r);
            chk_deadlock(m, threads ? &lim : NULL, 1, &r);
            ck_assert_int_eq(r.verdict, CHK_FAILS);
            ck_assert_int_eq(r.kind, CHK_DIVERGENCE);
            ck_assert_int_eq((int)r.ntrace, hide ? 0 : 88);
            chk_result_free(&r);
            mach_free(m);
        }
    }
}
END_TEST

Suite *checker_divergence_suite(void);
Suite *checker_divergence_suite(void)
{
    Suite *s = suite_create("checker_divergence");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, records_with_and_without_a_cycle);
    tcase_add_test(tc, a_cycle_across_threads_records);
    tcase_add_test(tc, a_long_chain_ending_in_a_cycle);
    tcase_add_test(tc, near_and_far_divergences);
    tcase_add_loop_test(tc, one_core_and_several_agree_on_random_networks, DIVERGENCE,
                        VD_REFINES + 1);
    suite_add_tcase(s, tc);
    return s;
}
