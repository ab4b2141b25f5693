/* checker/refine + checker/normal in the refusal-testing (R, RD) and revivals (V, VD) models:
 * the textbook distinctions (Roscoe, "Understanding Concurrent Systems" ch. 11-12) between
 * processes that F cannot tell apart and V can, that V cannot and R can, and the cases where
 * only stability (tau, ✓) makes the difference.  Each case says why. */
#include <check.h>
#include <stdlib.h>

#include "checker/refine.h"

enum { A = EV_FIRST_VISIBLE, B, C, D };

static struct machine *proc(const uint32_t (*t)[3], size_t n, uint32_t omega)
{
    struct lts_builder *lb = lts_builder_new();
    lts_builder_reserve(lb, 1);
    for (size_t i = 0; i < n; i++) lts_builder_add(lb, t[i][0], t[i][1], t[i][2]);
    struct mach_builder *b = mach_builder_new();
    return mach_build(b, mach_leaf(b, lts_build(lb, 0, omega)));
}
#define PROC(omega, ...)                                                                           \
    proc((const uint32_t[][3]){__VA_ARGS__},                                                       \
         sizeof((const uint32_t[][3]){__VA_ARGS__}) / sizeof(uint32_t[3]), omega)
#define NONE LTS_NONE
#define STOPPED 9     /* a state with no transitions: STOP */

/* SPEC [model= IMPL, on one core and on two (the parallel search answers, as max_states at
 * the one-core warm-up's own bound skips that — for R and RD over the refusal steps made
 * beforehand, norm_complete_refusals): the same answer either way; the result stays in *r
 * for the caller to look at. */
static void check(const struct machine *spec, const struct machine *impl, enum chk_model model,
                  enum chk_verdict want, enum chk_kind kind, int len, struct chk_result *r)
{
    for (int threads = 0; threads <= 2; threads += 2) {
        struct chk_limits lim = {0};
        lim.threads = threads;
        lim.max_states = threads ? 10000 : 0;
        if (threads) chk_result_free(r);
        chk_refines(spec, impl, model, threads ? &lim : NULL, r);
        ck_assert_int_eq(r->verdict, want);
        if (want == CHK_FAILS) {
            ck_assert_int_eq(r->kind, kind);
            ck_assert_int_eq((int)r->ntrace, len);
        }
    }
}

static void refines(const struct machine *spec, const struct machine *impl, enum chk_model model,
                    enum chk_verdict want, enum chk_kind kind, int len)
{
    struct chk_result r;
    check(spec, impl, model, want, kind, len, &r);
    chk_result_free(&r);
}

/* P1 = (a -> STOP [] b -> STOP) |~| STOP */
#define P1 PROC(NONE, {0, EV_TAU, 1}, {0, EV_TAU, 2}, {1, A, STOPPED}, {1, B, STOPPED})
/* Q1 = a -> STOP |~| b -> STOP |~| STOP */
#define Q1 PROC(NONE, {0, EV_TAU, 1}, {0, EV_TAU, 2}, {0, EV_TAU, 4}, {1, A, STOPPED},         \
                {2, B, STOPPED})

START_TEST(equal_in_f_different_in_v)
{
    /* Both can refuse anything at the start (STOP), so their failures are the same: every
     * (<>, X).  But Q1 can refuse b and then perform a (its a -> STOP state), a revival
     * (<>, {b}, a) that P1 lacks: P1's only stable state offering a offers b too. */
    struct machine *p = P1, *q = Q1;
    refines(p, q, CHK_MODEL_F, CHK_HOLDS, CHK_NONE, 0);
    refines(q, p, CHK_MODEL_F, CHK_HOLDS, CHK_NONE, 0);
    struct chk_result r;
    check(p, q, CHK_MODEL_V, CHK_FAILS, CHK_REVIVAL, 0, &r);
    ck_assert_uint_eq(r.event, A);
    ck_assert_uint_eq(r.nrefusal, 1);
    ck_assert_uint_eq(r.refusal[0], B);
    ck_assert_ptr_null(r.rtrace);   /* only R reports the refusals along the way */
    chk_result_free(&r);
    /* P1's revivals (<>, {}, a) and (<>, {}, b) are Q1's too (refusing less). */
    refines(q, p, CHK_MODEL_V, CHK_HOLDS, CHK_NONE, 0);
    /* R sees the same one-step difference, as a refusal then an event. */
    refines(p, q, CHK_MODEL_R, CHK_FAILS, CHK_REVIVAL, 0);
    refines(q, p, CHK_MODEL_R, CHK_HOLDS, CHK_NONE, 0);
    mach_free(p);
    mach_free(q);
}
END_TEST

/* P2 = (a -> b -> STOP) |~| (a -> c -> STOP [] d -> STOP) */
#define P2 PROC(NONE, {0, EV_TAU, 1}, {0, EV_TAU, 2}, {1, A, 3}, {3, B, STOPPED}, {2, A, 4},     \
                {4, C, STOPPED}, {2, D, STOPPED})
/* Q2 = (a -> c -> STOP) |~| (a -> b -> STOP [] d -> STOP): the continuations swapped */
#define Q2 PROC(NONE, {0, EV_TAU, 1}, {0, EV_TAU, 2}, {1, A, 3}, {3, C, STOPPED}, {2, A, 4},     \
                {4, B, STOPPED}, {2, D, STOPPED})

START_TEST(equal_in_v_different_in_r)
{
    /* Same traces; at the start the same stable acceptances {a} and {a, d}, so the same
     * failures and revivals; after <a> both can be in b -> STOP or c -> STOP.  But only R
     * remembers across steps that d was refused before a: P2 then must do b, Q2 must do c.
     * The refusal trace <{d}, a, •, c> of Q2 is not P2's, and <{d}, a, •, b> of P2 is not
     * Q2's. */
    struct machine *p = P2, *q = Q2;
    for (enum chk_model m = CHK_MODEL_T; m <= CHK_MODEL_VD; m++) {
        if (m == CHK_MODEL_R || m == CHK_MODEL_RD) continue;
        refines(p, q, m, CHK_HOLDS, CHK_NONE, 0);
        refines(q, p, m, CHK_HOLDS, CHK_NONE, 0);
    }
    struct chk_result r;
    check(p, q, CHK_MODEL_R, CHK_FAILS, CHK_TRACE, 1, &r);
    ck_assert_uint_eq(r.trace[0], A);
    ck_assert_uint_eq(r.event, C);
    /* The refusal before a: {d} (what the spec's stable states offer beyond Q2's {a}). */
    ck_assert_uint_eq(r.nrtrace, 2);
    ck_assert_uint_eq(r.rtrace[0], 1);
    ck_assert_uint_eq(r.rtrace[1], D);
    chk_result_free(&r);
    refines(q, p, CHK_MODEL_RD, CHK_FAILS, CHK_TRACE, 1);
    mach_free(p);
    mach_free(q);
}
END_TEST

START_TEST(a_refusal_is_seen_only_in_a_stable_state)
{
    struct machine *p = P2;
    /* K = a -> c -> STOP: stable offering {a}, it refuses d, then a, then c: not P2's (above).
     * V cannot see it: (<>, {d}, a) is P2's (its left branch) and c after <a> is too. */
    struct machine *k = PROC(NONE, {0, A, 1}, {1, C, STOPPED});
    refines(p, k, CHK_MODEL_V, CHK_HOLDS, CHK_NONE, 0);
    refines(p, k, CHK_MODEL_R, CHK_FAILS, CHK_TRACE, 1);
    /* J = (a -> c -> STOP) [> (a -> c -> STOP [] d -> STOP): the same a -> c first offered
     * from an unstable state, where no refusal is seen (•): after • a, P2 may be in either
     * branch, so c is allowed.  J's stable state offers {a, d} and refuses only b, c. */
    struct machine *j = PROC(NONE, {0, A, 1}, {0, EV_TAU, 2}, {1, C, STOPPED}, {2, A, 1},
                             {2, D, STOPPED});
    refines(p, j, CHK_MODEL_R, CHK_HOLDS, CHK_NONE, 0);
    refines(p, j, CHK_MODEL_RD, CHK_HOLDS, CHK_NONE, 0);
    mach_free(p);
    mach_free(k);
    mach_free(j);
}
END_TEST

START_TEST(offered_only_before_it_settles)
{
    /* S3 = (b -> STOP) [> (a -> STOP) offers b only from its unstable first state; its one
     * stable state offers {a}.  I3 = a -> STOP [] b -> STOP is stable offering {a, b}: its
     * failures (refusing neither a nor b) are S3's, so F holds, but the revival (<>, {}, b)
     * is not S3's: V and R fail with nothing refused — b only before S3 settles. */
    struct machine *s = PROC(NONE, {0, B, STOPPED}, {0, EV_TAU, 1}, {1, A, STOPPED});
    struct machine *i = PROC(NONE, {0, A, STOPPED}, {0, B, STOPPED});
    refines(s, i, CHK_MODEL_F, CHK_HOLDS, CHK_NONE, 0);
    struct chk_result r;
    for (enum chk_model m = CHK_MODEL_R; m <= CHK_MODEL_VD; m++) {
        check(s, i, m, CHK_FAILS, CHK_REVIVAL, 0, &r);
        ck_assert_uint_eq(r.event, B);
        ck_assert_uint_eq(r.nrefusal, 0);
        chk_result_free(&r);
    }
    /* The other way round F already fails: S3 can refuse b, I3 cannot. */
    refines(i, s, CHK_MODEL_V, CHK_FAILS, CHK_REFUSAL, 0);
    refines(i, s, CHK_MODEL_R, CHK_FAILS, CHK_REFUSAL, 0);
    mach_free(s);
    mach_free(i);
}
END_TEST

START_TEST(termination)
{
    /* ✓ is never refused: a -> STOP [] SKIP behaves as if it might silently terminate, so it
     * has no revival and refuses everything but ✓ (as in F).  SKIP refines it in V and R;
     * it refines itself; STOP does not refine SKIP (STOP refuses ✓). */
    struct machine *as = PROC(5, {0, A, STOPPED}, {0, EV_TICK, 5});
    struct machine *skip = PROC(1, {0, EV_TICK, 1});
    struct machine *stop = PROC(NONE, {1, A, 1});
    for (enum chk_model m = CHK_MODEL_R; m <= CHK_MODEL_VD; m++) {
        refines(as, skip, m, CHK_HOLDS, CHK_NONE, 0);
        refines(as, as, m, CHK_HOLDS, CHK_NONE, 0);
        refines(skip, stop, m, CHK_FAILS, CHK_REFUSAL, 0);
        /* a is not a trace of SKIP. */
        refines(skip, as, m, CHK_FAILS, CHK_TRACE, 0);
    }
    mach_free(as);
    mach_free(skip);
    mach_free(stop);
}
END_TEST

START_TEST(divergence)
{
    /* a -> STOP against a -> DIV: a divergence after <a> in RD and VD; R and V, like F, see
     * no stable state after <a> and nothing wrong.  A spec that diverges after <a> allows
     * anything from there in RD and VD. */
    struct machine *as = PROC(NONE, {0, A, STOPPED});
    struct machine *adiv = PROC(NONE, {0, A, 1}, {1, EV_TAU, 1});
    struct machine *abc = PROC(NONE, {0, A, 1}, {1, B, 2}, {2, C, 1});
    refines(as, adiv, CHK_MODEL_RD, CHK_FAILS, CHK_DIVERGENCE, 1);
    refines(as, adiv, CHK_MODEL_VD, CHK_FAILS, CHK_DIVERGENCE, 1);
    refines(as, adiv, CHK_MODEL_R, CHK_HOLDS, CHK_NONE, 0);
    refines(as, adiv, CHK_MODEL_V, CHK_HOLDS, CHK_NONE, 0);
    refines(adiv, abc, CHK_MODEL_RD, CHK_HOLDS, CHK_NONE, 0);
    refines(adiv, abc, CHK_MODEL_VD, CHK_HOLDS, CHK_NONE, 0);
    mach_free(as);
    mach_free(adiv);
    mach_free(abc);
}
END_TEST

START_TEST(determinism_as_in_f)
{
    /* Determinism does not depend on the model beyond divergence: a |~| b is not
     * deterministic in R or V (after <> it can both accept and refuse a), and a -> DIV is
     * deterministic in V (as in F) but not in VD (as in FD). */
    struct machine *ab = PROC(NONE, {0, EV_TAU, 1}, {0, EV_TAU, 2}, {1, A, STOPPED},
                              {2, B, STOPPED});
    struct machine *adiv = PROC(NONE, {0, A, 1}, {1, EV_TAU, 1});
    struct chk_result r;
    chk_deterministic(ab, CHK_MODEL_R, NULL, &r);
    ck_assert_int_eq(r.verdict, CHK_FAILS);
    ck_assert_int_eq(r.kind, CHK_NONDET);
    chk_result_free(&r);
    chk_deterministic(adiv, CHK_MODEL_V, NULL, &r);
    ck_assert_int_eq(r.verdict, CHK_HOLDS);
    chk_result_free(&r);
    chk_deterministic(adiv, CHK_MODEL_VD, NULL, &r);
    ck_assert_int_eq(r.verdict, CHK_FAILS);
    ck_assert_int_eq(r.kind, CHK_DIVERGENCE);
    chk_result_free(&r);
    mach_free(ab);
    mach_free(adiv);
}
END_TEST

Suite *checker_models_suite(void);
Suite *checker_models_suite(void)
{
    Suite *s = suite_create("checker_models");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, equal_in_f_different_in_v);
    tcase_add_test(tc, equal_in_v_different_in_r);
    tcase_add_test(tc, a_refusal_is_seen_only_in_a_stable_state);
    tcase_add_test(tc, offered_only_before_it_settles);
    tcase_add_test(tc, termination);
    tcase_add_test(tc, divergence);
    tcase_add_test(tc, determinism_as_in_f);
    suite_add_tcase(s, tc);
    return s;
}
