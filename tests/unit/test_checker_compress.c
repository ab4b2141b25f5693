/* checker/compress: FDR's compressions on hand-built LTSs whose quotients follow from the
 * definitions (each case says why), divergence kept by wbisim, diamond and normal, chase on
 * a tau-confluent process, and random LTSs whose compressions must be equivalent to them in
 * T, F and FD (refinement both ways, checker/refine.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "checker/compress.h"
#include "checker/refine.h"

enum { T = EV_TAU, TICK = EV_TICK, A = EV_FIRST_VISIBLE, B, C };
#define NONE LTS_NONE

static struct lts *mk(const uint32_t (*t)[3], size_t n, uint32_t omega)
{
    struct lts_builder *lb = lts_builder_new();
    lts_builder_reserve(lb, 1);
    for (size_t i = 0; i < n; i++) lts_builder_add(lb, t[i][0], t[i][1], t[i][2]);
    return lts_build(lb, 0, omega);
}
#define LTS(omega, ...)                                                                            \
    mk((const uint32_t[][3]){__VA_ARGS__}, sizeof((const uint32_t[][3]){__VA_ARGS__}) / sizeof(uint32_t[3]), omega)

/* l compressed by kind (never NULL here), with its representatives checked in range. */
static struct lts *squeeze(const struct lts *l, int kind)
{
    uint32_t *rep = NULL;
    const char *why = "?";
    struct lts *q = compress_lts(l, kind, NULL, chk_now(), &rep, &why);
    ck_assert_ptr_nonnull(q);
    ck_assert_uint_eq(q->initial, 0);
    bool in_range = true;  /* one assertion, not one per state: Check writes each to a pipe */
    for (uint32_t s = 0; s < q->nstates; s++) in_range &= rep[s] < l->nstates;
    ck_assert(in_range);
    free(rep);
    return q;
}

static uint32_t states_after(const struct lts *l, int kind)
{
    struct lts *q = squeeze(l, kind);
    uint32_t n = q->nstates;
    lts_free(q);
    return n;
}

/* Does some state of l have a tau to itself? */
static bool has_tau_loop(const struct lts *l)
{
    for (uint32_t s = 0; s < l->nstates; s++)
        for (const struct lts_trans *t = lts_begin(l, s); t != lts_end(l, s); t++)
            if (t->event == T && t->target == s) return true;
    return false;
}

static struct lts *copy(const struct lts *l)
{
    struct lts_builder *b = lts_builder_new();
    lts_builder_reserve(b, l->nstates);
    for (uint32_t s = 0; s < l->nstates; s++)
        for (const struct lts_trans *t = lts_begin(l, s); t != lts_end(l, s); t++)
            lts_builder_add(b, s, t->event, t->target);
    return lts_build(b, l->initial, l->omega);
}

static struct machine *machine_of(const struct lts *l)
{
    struct mach_builder *b = mach_builder_new();
    return mach_build(b, mach_leaf(b, copy(l)));
}

/* SPEC [model= IMPL holds? */
static bool refines(const struct lts *spec, const struct lts *impl, enum chk_model model)
{
    struct machine *s = machine_of(spec), *i = machine_of(impl);
    struct chk_result r;
    chk_refines(s, i, model, NULL, &r);
    bool ok = r.verdict == CHK_HOLDS;
    ck_assert_int_ne(r.verdict, CHK_LIMIT);
    chk_result_free(&r);
    mach_free(s);
    mach_free(i);
    return ok;
}

START_TEST(strong_bisimulation)
{
    /* a -> (b -> P) [] a -> (b -> P): the two a-successors do the same: 2 states. */
    struct lts *l = LTS(NONE, {0, A, 1}, {0, A, 2}, {1, B, 0}, {2, B, 0});
    ck_assert_uint_eq(states_after(l, COMP_SBISIM), 2);
    lts_free(l);
    /* a ring of six a's: every state is the same process, RUN-like: 1 state. */
    l = LTS(NONE, {0, A, 1}, {1, A, 2}, {2, A, 3}, {3, A, 4}, {4, A, 5}, {5, A, 0});
    ck_assert_uint_eq(states_after(l, COMP_SBISIM), 1);
    lts_free(l);
    /* a chain to STOP: each state is a different distance from the deadlock: nothing merges. */
    l = LTS(NONE, {0, A, 1}, {1, A, 2}, {2, A, 3});
    ck_assert_uint_eq(states_after(l, COMP_SBISIM), 4);
    lts_free(l);
    /* STOP and Ω both do nothing, but Ω is terminated, not deadlocked: they stay apart. */
    l = LTS(3, {0, A, 1}, {0, B, 2}, {2, TICK, 3});
    struct lts *q = squeeze(l, COMP_SBISIM);
    ck_assert_uint_eq(q->nstates, 4);
    ck_assert_uint_ne(q->omega, NONE);
    ck_assert_ptr_eq(lts_begin(q, q->omega), lts_end(q, q->omega));
    lts_free(q);
    lts_free(l);
    /* taus are transitions like any other to strong bisimulation: tau -> a -> STOP stays 3. */
    l = LTS(NONE, {0, T, 1}, {1, A, 2});
    ck_assert_uint_eq(states_after(l, COMP_SBISIM), 3);
    lts_free(l);
}
END_TEST

START_TEST(strong_bisimulation_is_fast)
{
    /* 200 000 states in a chain to STOP, each also b-> back to the start: 400 000
     * transitions and 200 000 classes, which a refinement round by round (each round
     * separating one more state from the end) would need 200 000 rounds for. */
    enum { N = 200000 };
    struct lts_builder *b = lts_builder_new();
    for (uint32_t i = 0; i < N; i++) {
        if (i + 1 < N) lts_builder_add(b, i, A, i + 1);
        lts_builder_add(b, i, B, 0);
    }
    struct lts *l = lts_build(b, 0, NONE);
    double t0 = chk_now();
    ck_assert_uint_eq(states_after(l, COMP_SBISIM), N);
    double t = chk_now() - t0;
    fprintf(stderr, "sbisim: %u states, %u transitions in %.3f s\n", l->nstates, l->ntrans, t);
    ck_assert(t < 10.0);  /* well under a second optimised; generous for sanitizers */
    lts_free(l);
    /* The same chain with a tau before every a: weakly, 100 000 classes (each tau is
     * inert); rounds over blocks would need 100 000 rounds, so the weak transitions over
     * states are refined instead. */
    b = lts_builder_new();
    for (uint32_t i = 0; i < N; i++) {
        if (i + 1 < N) lts_builder_add(b, i, i % 2 ? A : T, i + 1);
        lts_builder_add(b, i, B, 0);
    }
    l = lts_build(b, 0, NONE);
    t0 = chk_now();
    ck_assert_uint_eq(states_after(l, COMP_WBISIM), N / 2);
    t = chk_now() - t0;
    fprintf(stderr, "wbisim: %u states, %u transitions in %.3f s\n", l->nstates, l->ntrans, t);
    ck_assert(t < 20.0);
    lts_free(l);
}
END_TEST

START_TEST(weak_bisimulation)
{
    /* tau -> a -> STOP is weakly a -> STOP: 2 states (and delay-bisimilar too). */
    struct lts *l = LTS(NONE, {0, T, 1}, {1, A, 2});
    ck_assert_uint_eq(states_after(l, COMP_WBISIM), 2);
    ck_assert_uint_eq(states_after(l, COMP_DBISIM), 2);
    lts_free(l);
    /* a -> tau -> b -> STOP [] a -> b -> STOP: the two a-successors are weakly and delay
     * bisimilar (tau -> b -> STOP and b -> STOP): 3 states.  a -> (tau -> STOP [] b -> STOP)
     * against a -> b -> STOP: after a, one may silently refuse b. */
    l = LTS(NONE, {0, A, 1}, {1, T, 2}, {2, B, 3}, {0, A, 2});
    ck_assert_uint_eq(states_after(l, COMP_WBISIM), 3);
    ck_assert_uint_eq(states_after(l, COMP_DBISIM), 3);
    lts_free(l);
    /* (a -> mid -> b -> P) \ {mid}: the hidden step is inert: a -> b -> P, 2 states. */
    l = LTS(NONE, {0, A, 1}, {1, T, 2}, {2, B, 0});
    ck_assert_uint_eq(states_after(l, COMP_WBISIM), 2);
    lts_free(l);
    /* a -> (tau loop): without divergence it would be a -> STOP; here the loop stays, one
     * state with a tau to itself. */
    l = LTS(NONE, {0, A, 1}, {1, T, 2}, {2, T, 1});
    struct lts *q = squeeze(l, COMP_WBISIM);
    ck_assert_uint_eq(q->nstates, 2);
    ck_assert(has_tau_loop(q));
    lts_free(q);
    lts_free(l);
    /* a -> STOP [] tau -> b -> STOP keeps its tau (it is not inert: a is lost by it). */
    l = LTS(NONE, {0, A, 2}, {0, T, 1}, {1, B, 2});
    ck_assert_uint_eq(states_after(l, COMP_WBISIM), 3);
    lts_free(l);
}
END_TEST

START_TEST(tau_loops)
{
    /* tau -> tau -> back, with an a out of the loop: one divergent state, then STOP. */
    struct lts *l = LTS(NONE, {0, T, 1}, {1, T, 0}, {1, A, 2});
    struct lts *q = squeeze(l, COMP_TAU_LOOP_FACTOR);
    ck_assert_uint_eq(q->nstates, 2);
    ck_assert(has_tau_loop(q));
    lts_free(q);
    ck_assert_uint_eq(states_after(l, COMP_EXPLICATE), 3);
    lts_free(l);
}
END_TEST

START_TEST(diamond_elimination)
{
    /* (a -> mid -> b -> P) \ {mid}: kept are the start and what a and b reach; the state
     * after the hidden mid is only reached by tau and goes: 2 states, both plain. */
    struct lts *l = LTS(NONE, {0, A, 1}, {1, T, 2}, {2, B, 0});
    struct lts *q = squeeze(l, COMP_DIAMOND);
    ck_assert_uint_eq(q->nstates, 2);
    ck_assert(!has_tau_loop(q));
    lts_free(q);
    lts_free(l);
    /* a -> STOP |~| b -> STOP: the start offers a and b but accepts only {a} or {b}: it
     * keeps both events and gets a tau to an {a} state and to a {b} state; STOP: 4 states. */
    l = LTS(NONE, {0, T, 1}, {0, T, 2}, {1, A, 3}, {2, B, 3});
    ck_assert_uint_eq(states_after(l, COMP_DIAMOND), 4);
    ck_assert_uint_eq(states_after(l, COMP_NORMAL), 4);
    lts_free(l);
    /* a -> DIV: the divergence is a mark, kept as a tau to itself. */
    l = LTS(NONE, {0, A, 1}, {1, T, 1});
    q = squeeze(l, COMP_DIAMOND);
    ck_assert_uint_eq(q->nstates, 2);
    ck_assert(has_tau_loop(q));
    lts_free(q);
    lts_free(l);
}
END_TEST

START_TEST(normal_form)
{
    /* a -> b -> STOP [] a -> c -> STOP: after a one node {1, 2} with acceptances {b} and
     * {c} (two stable states), then STOP: start, the node, its two acceptance states,
     * STOP = 5. */
    struct lts *l = LTS(NONE, {0, A, 1}, {0, A, 2}, {1, B, 3}, {2, C, 3});
    ck_assert_uint_eq(states_after(l, COMP_NORMAL), 5);
    lts_free(l);
    /* tau -> a -> P, P the start: the node {0, 1} accepts {a}, all it offers: 1 state. */
    l = LTS(NONE, {0, T, 1}, {1, A, 0});
    ck_assert_uint_eq(states_after(l, COMP_NORMAL), 1);
    lts_free(l);
    /* DIV [] a -> STOP (a tau to itself and an a): divergent, no stable member, so no
     * acceptance; the mark is a tau to itself: 2 states. */
    l = LTS(NONE, {0, T, 0}, {0, A, 1});
    struct lts *q = squeeze(l, COMP_NORMAL);
    ck_assert_uint_eq(q->nstates, 2);
    ck_assert(has_tau_loop(q));
    lts_free(q);
    lts_free(l);
    /* SKIP [] a -> STOP: a stable state that can terminate accepts {✓} alone: the start
     * offers ✓ and a, with a tau to its {✓} state; Ω; STOP = 4. */
    l = LTS(2, {0, TICK, 2}, {0, A, 1});
    q = squeeze(l, COMP_NORMAL);
    ck_assert_uint_eq(q->nstates, 4);
    ck_assert_uint_ne(q->omega, NONE);
    lts_free(q);
    lts_free(l);
}
END_TEST

START_TEST(chase_follows_one_tau)
{
    /* Two hidden steps in either order (tau-confluent), then a, round again: chase goes
     * 0 -> 1 -> 3 and keeps 3 -a-> (chase of 0 = 3): 1 state, and the same traces. */
    struct lts *l = LTS(NONE, {0, T, 1}, {0, T, 2}, {1, T, 3}, {2, T, 3}, {3, A, 0});
    struct lts *q = squeeze(l, COMP_CHASE);
    ck_assert_uint_eq(q->nstates, 1);
    ck_assert(refines(l, q, CHK_MODEL_FD) && refines(q, l, CHK_MODEL_FD));
    lts_free(q);
    lts_free(l);
    /* a tau loop is chased for ever: DIV. */
    l = LTS(NONE, {0, T, 1}, {1, T, 0}, {1, A, 0});
    q = squeeze(l, COMP_CHASE);
    ck_assert_uint_eq(q->nstates, 1);
    ck_assert(has_tau_loop(q));
    lts_free(q);
    lts_free(l);
}
END_TEST

/* A random LTS over tau, a, b and ✓ (to an Ω state): n states, each with up to 3
 * transitions; every state reachable from 0 through a spanning chain of a's or taus. */
static struct lts *random_lts(unsigned *seed, uint32_t n)
{
    struct lts_builder *b = lts_builder_new();
    uint32_t omega = n;
    lts_builder_reserve(b, n + 1);
    for (uint32_t s = 1; s < n; s++) lts_builder_add(b, (uint32_t)rand_r(seed) % s, rand_r(seed) % 2 ? A : T, s);
    for (uint32_t s = 0; s < n; s++) {
        uint32_t k = (uint32_t)rand_r(seed) % 3;
        for (uint32_t i = 0; i < k; i++) {
            uint32_t e = (uint32_t)rand_r(seed) % 7;
            uint32_t ev = e < 3 ? T : e < 5 ? A : e < 6 ? B : TICK;
            lts_builder_add(b, s, ev, ev == TICK ? omega : (uint32_t)rand_r(seed) % n);
        }
    }
    return lts_build(b, 0, omega);
}

START_TEST(random_equivalences)
{
    /* Every compression but chase keeps T, F and FD: refinement both ways. */
    static const int kinds[] = {COMP_EXPLICATE, COMP_SBISIM, COMP_WBISIM, COMP_DIAMOND,
                                COMP_NORMAL, COMP_TAU_LOOP_FACTOR, COMP_DBISIM};
    static const enum chk_model models[] = {CHK_MODEL_T, CHK_MODEL_F, CHK_MODEL_FD};
    unsigned seed = 12345;
    for (int round = 0; round < 150; round++) {
        struct lts *l = random_lts(&seed, 2 + (uint32_t)round % 9);
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            struct lts *q = squeeze(l, kinds[k]);
            if (kinds[k] != COMP_EXPLICATE && kinds[k] != COMP_DIAMOND && kinds[k] != COMP_NORMAL)
                ck_assert_uint_le(q->nstates, l->nstates);
            for (size_t m = 0; m < 3; m++) {
                bool ab = refines(l, q, models[m]), ba = refines(q, l, models[m]);
                if (!ab || !ba)
                    ck_abort_msg("round %d: %s changes the process in model %zu (%d %d)", round,
                                 proc_compression_name(kinds[k]), m, ab, ba);
            }
            lts_free(q);
        }
        /* wbisim's and dbisim's two ways make the same quotient; delay bisimilarity is
         * finer than weak and coarser than strong */
        uint32_t sizes[2];
        for (int delay = 0; delay < 2; delay++) {
            uint32_t *r1 = NULL, *r2 = NULL;
            struct lts *w1 = compress_wbisim_by(l, delay, true, &r1);
            struct lts *w2 = compress_wbisim_by(l, delay, false, &r2);
            ck_assert_ptr_nonnull(w1);
            ck_assert_ptr_nonnull(w2);
            if (w1->nstates != w2->nstates || w1->ntrans != w2->ntrans)
                ck_abort_msg("round %d: %s by saturation %u states, by rounds %u", round,
                             delay ? "dbisim" : "wbisim", w1->nstates, w2->nstates);
            ck_assert(refines(l, w2, CHK_MODEL_FD) && refines(w2, l, CHK_MODEL_FD));
            sizes[delay] = w1->nstates;
            lts_free(w1);
            lts_free(w2);
            free(r1);
            free(r2);
        }
        ck_assert_uint_le(sizes[0], sizes[1]);
        ck_assert_uint_le(sizes[1], states_after(l, COMP_SBISIM));
        lts_free(l);
    }
}
END_TEST

Suite *checker_compress_suite(void);
Suite *checker_compress_suite(void)
{
    Suite *s = suite_create("checker_compress");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, strong_bisimulation);
    tcase_add_test(tc, strong_bisimulation_is_fast);
    tcase_add_test(tc, weak_bisimulation);
    tcase_add_test(tc, tau_loops);
    tcase_add_test(tc, diamond_elimination);
    tcase_add_test(tc, normal_form);
    tcase_add_test(tc, chase_follows_one_tau);
    tcase_add_test(tc, random_equivalences);
    suite_add_tcase(s, tc);
    return s;
}
