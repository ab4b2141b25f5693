/* checker/machine + checker/explore: small systems whose answers are worked out by hand in the
 * comments, and the dining philosophers against an independent brute force
 * (tests/data/phil_states.py, which gives the state and transition counts used here). */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "checker/cset.h"
#include "checker/explore.h"
#include "checker/limits.h"
#include "checker/machine.h"
#include "checker/parallel.h"
#include "checker/refine.h"
#include "checker/tree.h"

enum { A = EV_FIRST_VISIBLE, B, C, D };

/* An LTS from a list of (source, event, target) triples; state 0 initial. */
static struct lts *lts_of(const uint32_t (*t)[3], size_t n, uint32_t omega)
{
    struct lts_builder *b = lts_builder_new();
    lts_builder_reserve(b, 1);
    for (size_t i = 0; i < n; i++) lts_builder_add(b, t[i][0], t[i][1], t[i][2]);
    return lts_build(b, 0, omega);
}
#define LTS(omega, ...)                                                                            \
    lts_of((const uint32_t[][3]){__VA_ARGS__},                                                     \
           sizeof((const uint32_t[][3]){__VA_ARGS__}) / sizeof(uint32_t[3]), omega)

static struct evset set_of(const uint32_t *v, size_t n)
{
    return (struct evset){v, n};
}
#define SET(...) set_of((const uint32_t[]){__VA_ARGS__}, sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t))
#define EMPTY ((struct evset){NULL, 0})

static void check(struct machine *m, int fd, enum chk_verdict v, enum chk_kind k, int len,
                  uint64_t states)
{
    ck_assert_ptr_nonnull(m);
    struct chk_result r;
    chk_deadlock(m, NULL, fd, &r);
    ck_assert_int_eq(r.verdict, v);
    if (v == CHK_FAILS) {
        ck_assert_int_eq(r.kind, k);
        ck_assert_int_eq((int)r.ntrace, len);
    }
    if (states) ck_assert_uint_eq(r.states, states);
    chk_result_free(&r);
    mach_free(m);
}

static struct machine *one(struct lts *l)
{
    struct mach_builder *b = mach_builder_new();
    return mach_build(b, mach_leaf(b, l));
}

START_TEST(a_cycle_never_deadlocks)
{
    /* P = a -> b -> P: two states, always something to do. */
    check(one(LTS(LTS_NONE, {0, A, 1}, {1, B, 0})), 0, CHK_HOLDS, CHK_NONE, 0, 2);
}
END_TEST

START_TEST(stop_after_a_deadlocks_after_one_event)
{
    /* a -> STOP: the stable state after <a> has no transitions. */
    check(one(LTS(LTS_NONE, {0, A, 1})), 0, CHK_FAILS, CHK_DEADLOCK, 1, 0);
}
END_TEST

START_TEST(skip_is_not_deadlocked)
{
    /* a -> SKIP: after <a> it can terminate, and ✓ ends the run: no deadlock. */
    check(one(LTS(2, {0, A, 1}, {1, EV_TICK, 2})), 0, CHK_HOLDS, CHK_NONE, 0, 2);
}
END_TEST

START_TEST(interleaved_skips_terminate_together)
{
    /* (a -> SKIP) ||| (b -> SKIP): each side 3 states (before, SKIP, Ω): 9 pairs, all
     * reachable; (Ω, Ω) terminates, so nothing deadlocks. */
    struct mach_builder *b = mach_builder_new();
    int p = mach_leaf(b, LTS(2, {0, A, 1}, {1, EV_TICK, 2}));
    int q = mach_leaf(b, LTS(2, {0, B, 1}, {1, EV_TICK, 2}));
    check(mach_build(b, mach_par(b, EMPTY, p, q)), 0, CHK_HOLDS, CHK_NONE, 0, 9);
}
END_TEST

START_TEST(one_side_terminated_other_stuck_deadlocks)
{
    /* (a -> SKIP) ||| STOP: after <a> and the left's silent move to Ω, nothing can happen and
     * the whole cannot terminate (STOP never does): a deadlock after 1 event. */
    struct mach_builder *b = mach_builder_new();
    int p = mach_leaf(b, LTS(2, {0, A, 1}, {1, EV_TICK, 2}));
    int q = mach_leaf(b, LTS(LTS_NONE, {0, C, 0}));
    /* q = c -> q, but c is in the sync set and p never does c: q is blocked, STOP-like. */
    check(mach_build(b, mach_par(b, SET(C), p, q)), 0, CHK_FAILS, CHK_DEADLOCK, 1, 0);
}
END_TEST

START_TEST(synchronisation_blocks)
{
    /* (a -> STOP) [| {a} |] (b -> a -> STOP): the left's a waits for the right; b is free.
     * <b, a> then both are STOP: deadlock after 2 events. */
    struct mach_builder *b = mach_builder_new();
    int p = mach_leaf(b, LTS(LTS_NONE, {0, A, 1}));
    int q = mach_leaf(b, LTS(LTS_NONE, {0, B, 1}, {1, A, 2}));
    check(mach_build(b, mach_par(b, SET(A), p, q)), 0, CHK_FAILS, CHK_DEADLOCK, 2, 0);
}
END_TEST

START_TEST(hiding_makes_taus_and_divergence)
{
    /* (a -> b -> P) \ {b}: trace a, tau, a, tau, …: no deadlock, no divergence. */
    struct mach_builder *b = mach_builder_new();
    int p = mach_leaf(b, LTS(LTS_NONE, {0, A, 1}, {1, B, 0}));
    check(mach_build(b, mach_hide(b, SET(B), p)), 1, CHK_HOLDS, CHK_NONE, 0, 2);
    /* c -> (Q \ {a}) with Q = a -> Q: diverges after <c>: FD finds it at length 1. */
    b = mach_builder_new();
    p = mach_leaf(b, LTS(LTS_NONE, {0, C, 1}, {1, A, 1}));
    check(mach_build(b, mach_hide(b, SET(A), p)), 1, CHK_FAILS, CHK_DIVERGENCE, 1, 0);
    /* The F form ignores divergence: the same process is deadlock free. */
    b = mach_builder_new();
    p = mach_leaf(b, LTS(LTS_NONE, {0, C, 1}, {1, A, 1}));
    check(mach_build(b, mach_hide(b, SET(A), p)), 0, CHK_HOLDS, CHK_NONE, 0, 2);
    /* A longer tau cycle through a parallel: (a -> b -> P) [| {b} |] (b -> Q) hidden {a, b}
     * cycles silently: divergent at the start (length 0). */
    b = mach_builder_new();
    p = mach_leaf(b, LTS(LTS_NONE, {0, A, 1}, {1, B, 0}));
    int q = mach_leaf(b, LTS(LTS_NONE, {0, B, 0}));
    check(mach_build(b, mach_hide(b, SET(A, B), mach_par(b, SET(B), p, q))), 1, CHK_FAILS,
          CHK_DIVERGENCE, 0, 0);
}
END_TEST

/* State 0 has 200 000 successors (a to each i), each going back with b: far more new states
 * at once than the parallel search's first table holds.  It must grow the table in the middle
 * of one state's successors, not fill it (a full table would never end a probe): 200 001
 * states, 400 000 transitions, no deadlock. */
static void a_wide_state(const struct chk_limits *lim)
{
    enum { WIDE = 200000 };
    struct lts_builder *lb = lts_builder_new();
    lts_builder_reserve(lb, WIDE + 1);
    for (uint32_t i = 1; i <= WIDE; i++) {
        lts_builder_add(lb, 0, A, i);
        lts_builder_add(lb, i, B, 0);
    }
    struct machine *m = one(lts_build(lb, 0, LTS_NONE));
    struct chk_result r;
    chk_deadlock(m, lim, 0, &r);
    ck_assert_int_eq(r.verdict, CHK_HOLDS);
    ck_assert_uint_eq(r.states, WIDE + 1);
    ck_assert_uint_eq(r.transitions, 2 * WIDE);
    chk_result_free(&r);
    mach_free(m);
}

START_TEST(a_state_wider_than_the_table)
{
    for (int threads = 1; threads <= 3; threads++) {
        struct chk_limits lim = {.threads = threads};
        a_wide_state(&lim);
    }
}
END_TEST

START_TEST(tau_rules_are_known_statically)
{
    /* a -> b -> P has no tau anywhere: it cannot diverge, whatever the search. */
    struct machine *m = one(LTS(LTS_NONE, {0, A, 1}, {1, B, 0}));
    ck_assert(!mach_has_tau(m));
    mach_free(m);
    /* Hiding b turns its rule into a tau. */
    struct mach_builder *b = mach_builder_new();
    m = mach_build(b, mach_hide(b, SET(B), mach_leaf(b, LTS(LTS_NONE, {0, A, 1}, {1, B, 0}))));
    ck_assert(mach_has_tau(m));
    mach_free(m);
    /* A leaf's own tau (an internal choice inside it) is a tau rule too. */
    m = one(LTS(LTS_NONE, {0, EV_TAU, 1}, {1, A, 1}));
    ck_assert(mach_has_tau(m));
    mach_free(m);
}
END_TEST

START_TEST(tau_priority_drops_events_beside_a_tau)
{
    /* State 0 offers tau (to 1) and a (to 2); state 1 offers a (to 1).  With tau priority over
     * {a}, state 0 loses its a: states 0 and 1 are reachable, 2 is not. */
    struct machine *m = one(LTS(LTS_NONE, {0, EV_TAU, 1}, {0, A, 2}, {1, A, 1}, {2, B, 2}));
    ck_assert_int_eq(mach_tau_priority(m, SET(A)), 0);
    check(m, 1, CHK_HOLDS, CHK_NONE, 0, 2);
    /* Without the priority all three are. */
    check(one(LTS(LTS_NONE, {0, EV_TAU, 1}, {0, A, 2}, {1, A, 1}, {2, B, 2})), 1, CHK_HOLDS,
          CHK_NONE, 0, 3);
}
END_TEST

START_TEST(divergence_that_is_only_reachable)
{
    /* P = a -> P [] b -> R, R = c -> R' , R' = d -> R'  hidden {d}: a loops visibly, b leads
     * to c then to a tau loop.  Divergent after <b, c>: FD says so with length 2. */
    struct mach_builder *b = mach_builder_new();
    int p = mach_leaf(b, LTS(LTS_NONE, {0, A, 0}, {0, B, 1}, {1, C, 2}, {2, D, 2}));
    check(mach_build(b, mach_hide(b, SET(D), p)), 1, CHK_FAILS, CHK_DIVERGENCE, 2, 3);
}
END_TEST

START_TEST(renaming_and_linking)
{
    /* (a -> STOP)[[a <- b]] [| {b} |] (b -> c -> STOP): the renamed b synchronises, then c,
     * then deadlock after 2 events. */
    struct mach_builder *b = mach_builder_new();
    int p = mach_leaf(b, LTS(LTS_NONE, {0, A, 1}));
    int q = mach_leaf(b, LTS(LTS_NONE, {0, B, 1}, {1, C, 2}));
    uint32_t from[] = {A}, to[] = {B};
    check(mach_build(b, mach_par(b, SET(B), mach_rename(b, from, to, 1, p), q)), 0, CHK_FAILS,
          CHK_DEADLOCK, 2, 0);
    /* (a -> d -> STOP) [a <-> b] (b -> c -> STOP): the link is hidden: <d, c> or <c, d>, then
     * deadlock after 2 visible events. */
    b = mach_builder_new();
    p = mach_leaf(b, LTS(LTS_NONE, {0, A, 1}, {1, D, 2}));
    q = mach_leaf(b, LTS(LTS_NONE, {0, B, 1}, {1, C, 2}));
    check(mach_build(b, mach_link(b, from, to, 1, p, q)), 0, CHK_FAILS, CHK_DEADLOCK, 2, 0);
    /* (a -> STOP) [a <-> c] (b -> STOP): a is linked, so it never happens alone, and the
     * right never offers c: only b, then deadlock after 1 event. */
    b = mach_builder_new();
    p = mach_leaf(b, LTS(LTS_NONE, {0, A, 1}));
    q = mach_leaf(b, LTS(LTS_NONE, {0, B, 1}));
    uint32_t linked[] = {C};
    check(mach_build(b, mach_link(b, from, linked, 1, p, q)), 0, CHK_FAILS, CHK_DEADLOCK, 1, 0);
}
END_TEST

START_TEST(alphabetised_parallel_confines_each_side)
{
    /* (a -> b -> STOP) [{a} || {a, c}] (a -> c -> STOP): a together; the left's b is outside
     * its alphabet, so it is blocked; the right does c: <a, c> then deadlock. */
    struct mach_builder *b = mach_builder_new();
    int p = mach_leaf(b, LTS(LTS_NONE, {0, A, 1}, {1, B, 2}));
    int q = mach_leaf(b, LTS(LTS_NONE, {0, A, 1}, {1, C, 2}));
    check(mach_build(b, mach_apar(b, SET(A), SET(A, C), p, q)), 0, CHK_FAILS, CHK_DEADLOCK, 2, 0);
}
END_TEST

/* ---- the dining philosophers (../shared/peers/phil_butler.csp) ---- */

static uint32_t ev_thinks(int i) { return EV_FIRST_VISIBLE + (uint32_t)i; }
static uint32_t ev_sits(int n, int i) { return EV_FIRST_VISIBLE + (uint32_t)(n + i); }
static uint32_t ev_eats(int n, int i) { return EV_FIRST_VISIBLE + (uint32_t)(2 * n + i); }
static uint32_t ev_getsup(int n, int i) { return EV_FIRST_VISIBLE + (uint32_t)(3 * n + i); }
static uint32_t ev_picks(int n, int i, int j) { return EV_FIRST_VISIBLE + (uint32_t)(4 * n + i * n + j); }
static uint32_t ev_puts(int n, int i, int j) { return EV_FIRST_VISIBLE + (uint32_t)(4 * n + n * n + i * n + j); }

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* SEATED = (PHILS [| {|picks, putsdown|} |] FORKS) [| {|sits, getsup|} |] BUTLER(0), with
 * PHILS and FORKS as nested alphabetised parallels, as the CSPm file writes them. */
/* With `pads`, beside leaves of 2^13 states each that never move (their only event needs the
 * philosophers, who never perform it): the same reachable states in a longer vector. */
static int padded(struct mach_builder *b, int system, int pads)
{
    uint32_t pad_ev = EV_FIRST_VISIBLE + 100000;
    for (int k = 0; k < pads; k++) {
        struct lts_builder *lb = lts_builder_new();
        for (uint32_t st = 0; st + 1 < (1u << 13); st++) lts_builder_add(lb, st, pad_ev, st + 1);
        system = mach_par(b, SET(pad_ev), system, mach_leaf(b, lts_build(lb, 0, LTS_NONE)));
    }
    return system;
}

static struct machine *philosophers_padded(int n, int butler, int pads)
{
    struct mach_builder *b = mach_builder_new();
    uint32_t alpha[64][8];
    int phils = -1, forks = -1;
    uint32_t acc[2][512];
    size_t nacc[2] = {0, 0};
    for (int k = n - 1; k >= 0; k--) {  /* right-nested: P0 [A0 || A1 ∪ …] (P1 [A1 || …] …) */
        int j = (k + 1) % n;
        uint32_t ev[8] = {ev_thinks(k), ev_sits(n, k), ev_picks(n, k, k), ev_picks(n, k, j),
                          ev_eats(n, k), ev_puts(n, k, j), ev_puts(n, k, k), ev_getsup(n, k)};
        struct lts_builder *lb = lts_builder_new();
        for (uint32_t s = 0; s < 8; s++) lts_builder_add(lb, s, ev[s], (s + 1) % 8);
        int leaf = mach_leaf(b, lts_build(lb, 0, LTS_NONE));
        for (int s = 0; s < 8; s++) alpha[k][s] = ev[s];
        qsort(alpha[k], 8, sizeof(uint32_t), cmp_u32);
        if (phils < 0) {
            phils = leaf;
        } else {
            phils = mach_apar(b, set_of(alpha[k], 8), set_of(acc[0], nacc[0]), leaf, phils);
        }
        for (int s = 0; s < 8; s++) acc[0][nacc[0]++] = ev[s];
        qsort(acc[0], nacc[0], sizeof(uint32_t), cmp_u32);
    }
    for (int k = n - 1; k >= 0; k--) {
        int p = (k + n - 1) % n;
        uint32_t ev[4] = {ev_picks(n, k, k), ev_picks(n, p, k), ev_puts(n, k, k), ev_puts(n, p, k)};
        struct lts_builder *lb = lts_builder_new();
        lts_builder_add(lb, 0, ev[0], 1);
        lts_builder_add(lb, 1, ev[2], 0);
        lts_builder_add(lb, 0, ev[1], 2);
        lts_builder_add(lb, 2, ev[3], 0);
        int leaf = mach_leaf(b, lts_build(lb, 0, LTS_NONE));
        qsort(ev, 4, sizeof(uint32_t), cmp_u32);
        if (forks < 0)
            forks = leaf;
        else
            forks = mach_apar(b, set_of(ev, 4), set_of(acc[1], nacc[1]), leaf, forks);
        for (int s = 0; s < 4; s++) acc[1][nacc[1]++] = ev[s];
        qsort(acc[1], nacc[1], sizeof(uint32_t), cmp_u32);
    }
    uint32_t pp[2 * 64 * 64];
    size_t npp = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) pp[npp++] = ev_picks(n, i, j);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) pp[npp++] = ev_puts(n, i, j);
    int system = mach_par(b, set_of(pp, npp), phils, forks);
    if (!butler) return mach_build(b, padded(b, system, pads));
    struct lts_builder *lb = lts_builder_new();
    for (int s = 0; s < n; s++)
        for (int i = 0; i < n; i++) {
            if (s < n - 1) lts_builder_add(lb, (uint32_t)s, ev_sits(n, i), (uint32_t)s + 1);
            if (s > 0) lts_builder_add(lb, (uint32_t)s, ev_getsup(n, i), (uint32_t)s - 1);
        }
    int bl = mach_leaf(b, lts_build(lb, 0, LTS_NONE));
    uint32_t sg[128];
    size_t nsg = 0;
    for (int i = 0; i < n; i++) sg[nsg++] = ev_sits(n, i);
    for (int i = 0; i < n; i++) sg[nsg++] = ev_getsup(n, i);
    return mach_build(b, padded(b, mach_par(b, set_of(sg, nsg), system, bl), pads));
}

static struct machine *philosophers(int n, int butler)
{
    return philosophers_padded(n, butler, 0);
}

START_TEST(philosophers_match_brute_force)
{
    /* From tests/data/phil_states.py: N, states, transitions with the butler; without it,
     * states and one deadlock. */
    static const struct { int n; uint64_t states, trans, states_nb; } want[] = {
        {2, 28, 44, 51}, {3, 248, 624, 359}, {4, 2032, 7072, 2575}, {5, 15712, 69600, 18335},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        struct machine *m = philosophers(want[i].n, 1);
        struct chk_result r;
        chk_deadlock(m, NULL, 1, &r);
        ck_assert_int_eq(r.verdict, CHK_HOLDS);
        ck_assert_uint_eq(r.states, want[i].states);
        ck_assert_uint_eq(r.transitions, want[i].trans);
        chk_result_free(&r);
        mach_free(m);
        /* Without the butler every philosopher can pick up the left fork: the shortest
         * deadlock is thinks.i, sits.i, picks.i.i for every i — 3N events. */
        m = philosophers(want[i].n, 0);
        chk_deadlock(m, NULL, 0, &r);
        ck_assert_int_eq(r.verdict, CHK_FAILS);
        ck_assert_int_eq(r.kind, CHK_DEADLOCK);
        ck_assert_int_eq((int)r.ntrace, 3 * want[i].n);
        chk_result_free(&r);
        mach_free(m);
    }
}
END_TEST

START_TEST(limits_stop_cleanly)
{
    struct machine *m = philosophers(5, 1);
    struct chk_limits lim = {.max_states = 1000};
    struct chk_result r;
    chk_deadlock(m, &lim, 0, &r);
    ck_assert_int_eq(r.verdict, CHK_LIMIT);
    ck_assert_str_eq(r.limit, "states");
    chk_result_free(&r);
    struct chk_limits mem = {.memory = 200 * 1024};
    chk_deadlock(m, &mem, 0, &r);
    ck_assert_int_eq(r.verdict, CHK_LIMIT);
    ck_assert_str_eq(r.limit, "memory");
    chk_result_free(&r);
    mach_free(m);
}
END_TEST

START_TEST(a_passed_deadline_stops_every_search)
{
    /* One limits structure for every phase: a deadline already passed stops each search
     * (one core and several, refinement with its normalisation, has trace) with "time",
     * and the figures say how far it got. */
    struct machine *m = philosophers(5, 1);
    for (int threads = 0; threads <= 2; threads += 2) {
        struct chk_limits lim = {.threads = threads, .seconds = 1, .deadline = chk_now() - 1};
        struct chk_result r;
        chk_deadlock(m, &lim, 0, &r);
        ck_assert_int_eq(r.verdict, CHK_LIMIT);
        ck_assert_str_eq(r.limit, "time");
        ck_assert_uint_ge(r.states, 1);
        chk_result_free(&r);
        chk_divergence(m, &lim, &r);
        ck_assert_int_eq(r.verdict, CHK_LIMIT);
        ck_assert_str_eq(r.limit, "time");
        chk_result_free(&r);
        chk_refines(m, m, CHK_MODEL_F, &lim, &r);
        ck_assert_int_eq(r.verdict, CHK_LIMIT);
        ck_assert_str_eq(r.limit, "time");
        chk_result_free(&r);
    }
    /* Memory is the process's resident memory: a budget below it stops at once. */
    struct chk_limits tiny = {.memory = 4096};
    ck_assert_ptr_nonnull(chk_over_limit(&tiny, 0, chk_now()));
    ck_assert(!chk_memory_fits(&tiny, 1));
    ck_assert_uint_gt(chk_resident(), 4096);
    mach_free(m);
}
END_TEST

START_TEST(the_default_memory_budget_is_a_share)
{
    setenv("BATON_MEMORY_SHARE", "50", 1);
    size_t half = chk_default_memory();
    setenv("BATON_MEMORY_SHARE", "25", 1);
    size_t quarter = chk_default_memory();
    setenv("BATON_MEMORY_SHARE", "nonsense", 1);
    size_t dflt = chk_default_memory();
    unsetenv("BATON_MEMORY_SHARE");
    ck_assert_uint_gt(half, 0);
    ck_assert_uint_eq(dflt, half);
    ck_assert(quarter <= half / 2 + 1 && quarter + 1 >= half / 2);
}
END_TEST

/* The philosophers (n of them, states padded with `pads` words) on lim's threads: with a
 * butler, the states and transitions the one-core search counts and no deadlock; without, a
 * deadlock with the one-core search's shortest counterexample (3n events). */
static void philosophers_agree(int n, int pads, const struct chk_limits *lim)
{
    struct machine *m = philosophers_padded(n, 1, pads);
    if (pads) ck_assert_uint_gt(mach_words(m), 1);
    struct chk_result one, par;
    chk_deadlock(m, NULL, 0, &one);
    chk_deadlock(m, lim, 0, &par);
    ck_assert_int_eq(par.verdict, CHK_HOLDS);
    ck_assert_uint_eq(par.states, one.states);
    ck_assert_uint_eq(par.transitions, one.transitions);
    chk_result_free(&one);
    chk_result_free(&par);
    mach_free(m);
    m = philosophers_padded(n, 0, pads);
    chk_deadlock(m, lim, 0, &par);
    ck_assert_int_eq(par.verdict, CHK_FAILS);
    ck_assert_int_eq((int)par.ntrace, 3 * n);
    chk_result_free(&par);
    mach_free(m);
}

START_TEST(two_cores_agree_with_one)
{
    /* The parallel search counts the same states and transitions, and a deadlock it finds
     * is reported with the one-core search's shortest counterexample. */
    struct chk_limits two = {.threads = 2};
    for (int n = 2; n <= 5; n++) philosophers_agree(n, 0, &two);
    /* States longer than a word (tree-compressed): the same again. */
    for (int n = 3; n <= 5; n++) philosophers_agree(n, 4, &two);
    /* Limits hold between levels. */
    struct chk_limits small = {.threads = 2, .max_states = 1000};
    struct machine *m = philosophers(5, 1);
    struct chk_result r;
    chk_deadlock(m, &small, 0, &r);
    ck_assert_int_eq(r.verdict, CHK_LIMIT);
    chk_result_free(&r);
    mach_free(m);
}
END_TEST

/* ---- the compact state set ---- */

/* The i-th of 2^bits distinct states: i times an odd number, modulo 2^bits. */
static uint64_t nth_state(uint64_t i, uint32_t bits)
{
    return i * 0x9E3779B97F4A7C15ull & (bits >= 64 ? ~0ull : (1ull << bits) - 1);
}

static void grow_all(struct cset *s)
{
    ck_assert(cset_grow_begin(s, NULL));
    for (uint32_t k = 0; k < cset_segments(s); k++) ck_assert(cset_grow_segment(s, k, NULL));
    cset_grow_end(s);
}

START_TEST(the_compact_set_keeps_every_state_once)
{
    /* From 1-bit states (quotient 0 bits at once) through narrow 32-bit slots to wide ones
     * (63 and 64 bits): each state is new once and there ever after, across growths. */
    static const uint32_t widths[] = {1, 3, 7, 20, 38, 49, 54, 63, 64};
    for (size_t w = 0; w < sizeof widths / sizeof *widths; w++) {
        uint32_t bits = widths[w];
        uint64_t n = bits < 17 ? 1ull << bits : 150000;
        struct cset *s = cset_new(bits);
        ck_assert_ptr_nonnull(s);
        for (uint64_t i = 0; i < n; i++) {
            if (i + 1 >= cset_room(s)) grow_all(s);
            ck_assert_int_eq(cset_insert(s, cset_hash(s, nth_state(i, bits))), 1);
        }
        for (uint64_t i = 0; i < n; i++)
            ck_assert_int_eq(cset_insert(s, cset_hash(s, nth_state(i, bits))), 0);
        cset_free(s);
    }
}
END_TEST

START_TEST(the_overflow_table_takes_what_buckets_cannot)
{
    /* Filled far past its room without growing, the set sends states to its overflow table —
     * still each exactly once — and a growth takes them back into the buckets where they now
     * fit, without counting any twice. */
    uint32_t bits = 30;
    struct cset *s = cset_new(bits);
    uint64_t n = cset_room(s) * 2;  /* more than the set has slots */
    for (uint64_t i = 0; i < n; i++) ck_assert_int_eq(cset_insert(s, cset_hash(s, nth_state(i, bits))), 1);
    ck_assert_uint_gt(cset_overflowed(s), 0);
    for (uint64_t i = 0; i < n; i++) ck_assert_int_eq(cset_insert(s, cset_hash(s, nth_state(i, bits))), 0);
    size_t before = cset_overflowed(s);
    grow_all(s);
    grow_all(s);
    ck_assert_uint_lt(cset_overflowed(s), before);
    for (uint64_t i = 0; i < n; i++) ck_assert_int_eq(cset_insert(s, cset_hash(s, nth_state(i, bits))), 0);
    for (uint64_t i = n; i < n + 1000; i++)
        ck_assert_int_eq(cset_insert(s, cset_hash(s, nth_state(i, bits))), 1);
    cset_free(s);
}
END_TEST

START_TEST(sixty_four_bit_states_keep_the_last_one)
{
    /* With 64 bits every word is a state, 2^64 - 1 and 0 too: the refinement search packs a
     * normal node above a 43-bit state into 64.  With 8 buckets a segment, 56 states whose
     * top 9 bits are all 1 fill 2^64 - 1's home bucket and the 6 probed after it (8 wide
     * slots each), so 2^64 - 1 goes to the overflow table, and is there once.  Half of the
     * 56 have bit 54 clear, the bit a growth adds to the bucket's number: after it they move
     * to the bucket before, and 2^64 - 1 comes back from the overflow table. */
    struct cset *s = cset_new(64);
    ck_assert_ptr_nonnull(s);
    grow_all(s);  /* 8 buckets a segment: the 7 probed are distinct */
    uint64_t crowd[56];
    for (uint64_t j = 0; j < 28; j++) {
        crowd[j] = UINT64_MAX - 1 - j;
        crowd[28 + j] = (UINT64_MAX ^ 1ull << 54) - j;
    }
    ck_assert_int_eq(cset_insert(s, 0), 1);
    for (int j = 0; j < 56; j++) ck_assert_int_eq(cset_insert(s, crowd[j]), 1);
    ck_assert_uint_eq(cset_overflowed(s), 0);
    ck_assert_int_eq(cset_insert(s, UINT64_MAX), 1);
    ck_assert_uint_eq(cset_overflowed(s), 1);
    ck_assert_int_eq(cset_insert(s, UINT64_MAX), 0);
    grow_all(s);
    ck_assert_uint_eq(cset_overflowed(s), 0);
    ck_assert_int_eq(cset_insert(s, UINT64_MAX), 0);
    ck_assert_int_eq(cset_insert(s, 0), 0);
    for (int j = 0; j < 56; j++) ck_assert_int_eq(cset_insert(s, crowd[j]), 0);
    ck_assert_int_eq(cset_insert(s, UINT64_MAX - 57), 1);
    cset_free(s);
}
END_TEST

struct racer {
    struct cset *s;
    uint64_t n, added;
    int reverse;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    for (uint64_t i = 0; i < r->n; i++) {
        uint64_t k = nth_state(r->reverse ? r->n - 1 - i : i, 40);
        r->added += cset_insert(r->s, cset_hash(r->s, k)) == 1;
    }
    return NULL;
}

START_TEST(rounds_sorted_into_windows_find_the_same_states)
{
    /* A large set is probed in rounds sorted by window of the set (parallel.c, plan_rounds).
     * Lowered to windows of 4 KiB from the first byte, the sorted rounds run on small spaces,
     * with growths in the middle of rounds: the same states, transitions and verdicts as the
     * one-core search, on 1 to 3 threads, for states of one word and of several, a deadlock,
     * a divergence and a state with 200 000 successors. */
    size_t from = chk_windows_from, bytes = chk_window_bytes;
    chk_windows_from = 0;
    chk_window_bytes = 4096;
    for (int threads = 1; threads <= 3; threads++) {
        struct chk_limits lim = {.threads = threads};
        for (int n = 4; n <= 6; n++)
            for (int pads = 0; pads <= 4; pads += 4) philosophers_agree(n, pads, &lim);
        /* (a -> b -> P) [| {b} |] (b -> Q) hidden {a, b}: a tau cycle. */
        struct mach_builder *b = mach_builder_new();
        int p = mach_leaf(b, LTS(LTS_NONE, {0, A, 1}, {1, B, 0}));
        int q = mach_leaf(b, LTS(LTS_NONE, {0, B, 0}));
        struct machine *m = mach_build(b, mach_hide(b, SET(A, B), mach_par(b, SET(B), p, q)));
        struct chk_result r;
        chk_divergence(m, &lim, &r);
        ck_assert_int_eq(r.verdict, CHK_FAILS);
        ck_assert_int_eq(r.kind, CHK_DIVERGENCE);
        chk_result_free(&r);
        mach_free(m);
        a_wide_state(&lim);
    }
    chk_windows_from = from;
    chk_window_bytes = bytes;
}
END_TEST

START_TEST(threads_adding_the_same_states_add_each_once)
{
    /* Two threads insert the same states, one forwards and one backwards, into a set too
     * small for them (so overflow races too): together they add each exactly once. */
    struct cset *s = cset_new(40);
    uint64_t n = cset_room(s) + 3000;
    struct racer a = {s, n, 0, 0}, b = {s, n, 0, 1};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, race, &a), 0);
    race(&b);
    pthread_join(t, NULL);
    ck_assert_uint_eq(a.added + b.added, n);
    cset_free(s);
}
END_TEST

START_TEST(tree_keys_name_vectors_exactly)
{
    /* Vectors of 3 and 5 words whose words repeat a lot: equal keys for equal vectors only,
     * the same key before and after the tables grow, and keys below 2^62. */
    for (uint32_t words = 3; words <= 5; words += 2) {
        struct tree *t = tree_new(words);
        enum { N = 20000 };
        uint64_t *keys = malloc(N * sizeof *keys), v[5];
        for (uint32_t i = 0; i < N; i++) {
            for (uint32_t w = 0; w < words; w++) v[w] = (i >> (3 * w)) & 7;  /* i's octal digits */
            if (tree_wants_growth(t)) ck_assert(tree_grow(t, NULL));
            keys[i] = tree_key(t, v);
            ck_assert_uint_ne(keys[i], TREE_FULL);
            ck_assert_uint_lt(keys[i], 1ull << 62);
        }
        while (tree_wants_growth(t)) ck_assert(tree_grow(t, NULL));
        for (uint32_t i = 0; i < N; i++) {
            for (uint32_t w = 0; w < words; w++) v[w] = (i >> (3 * w)) & 7;
            ck_assert_uint_eq(tree_key(t, v), keys[i]);
            /* Vectors that agree in their first `words` octal digits are the same vector. */
            uint32_t twin = i ^ (1u << (3 * words));
            if (twin < N) ck_assert_uint_eq(keys[twin], keys[i]);
            if (i > 0 && (i & ((1u << (3 * words)) - 1)) != 0) ck_assert_uint_ne(keys[i - 1], keys[i]);
        }
        free(keys);
        tree_free(t);
    }
}
END_TEST

/* Word w of vector i in two families of 1000 distinct vectors (vector i + 1000 is vector i
 * again).  Wide: each word takes ~1000 values, so the words' own tables fill first.  Narrow:
 * each word is a base-32 digit of i, so the words' tables stay small and the first table of
 * pairs fills. */
static uint64_t test_word(bool wide, uint32_t i, uint32_t w)
{
    i %= 1000;
    return wide ? (i * 2654435761u >> (4 * w)) & 0x3ff : (i >> (5 * (w % 2))) & 31;
}

START_TEST(batched_tree_keys_are_the_single_keys)
{
    /* tree_keys makes a batch's keys table by table: for 2 to 7 words (every shape of the
     * pair levels, odd and even), batches longer than its inner batch, and tables that fill up
     * mid-batch — the words' own or the pairs' (a prefix gets keys, the rest waits for a
     * growth) — each key is the one tree_key gives the same vector, and equal keys mean equal
     * vectors. */
    enum { N = 3000, W = 7 };
    uint64_t *vecs = malloc((size_t)N * W * sizeof *vecs), *keys = malloc(N * sizeof *keys);
    for (int wide = 0; wide < 2; wide++)
        for (uint32_t words = 2; words <= W; words++) {
            struct tree *t = tree_new(words);
            for (uint32_t i = 0; i < N; i++)
                for (uint32_t w = 0; w < words; w++) vecs[(size_t)i * words + w] = test_word(wide, i, w);
            size_t done = 0, rounds = 0;
            while (done < N) {
                done += tree_keys(t, vecs + done * words, N - done, keys + done);
                if (done < N) ck_assert(tree_grow(t, NULL));
                ck_assert_uint_lt(++rounds, 64);
            }
            if (wide || words > 2) ck_assert_uint_gt(rounds, 1);  /* a table filled mid-batch */
            for (uint32_t i = 0; i < N; i++) {
                ck_assert_uint_eq(tree_key(t, vecs + (size_t)i * words), keys[i]);
                ck_assert_uint_lt(keys[i], 1ull << 62);
                if (i >= 1000) ck_assert_uint_eq(keys[i], keys[i - 1000]);
                else if (i > 0)
                    ck_assert_int_eq(keys[i] == keys[i - 1],
                                     memcmp(vecs + (size_t)i * words, vecs + (size_t)(i - 1) * words,
                                            words * sizeof *vecs) == 0);
            }
            tree_free(t);
        }
    free(vecs);
    free(keys);
}
END_TEST

Suite *checker_explore_suite(void);
Suite *checker_explore_suite(void)
{
    Suite *s = suite_create("checker_explore");
    TCase *tc = tcase_create("explore");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_cycle_never_deadlocks);
    tcase_add_test(tc, stop_after_a_deadlocks_after_one_event);
    tcase_add_test(tc, skip_is_not_deadlocked);
    tcase_add_test(tc, interleaved_skips_terminate_together);
    tcase_add_test(tc, one_side_terminated_other_stuck_deadlocks);
    tcase_add_test(tc, synchronisation_blocks);
    tcase_add_test(tc, hiding_makes_taus_and_divergence);
    tcase_add_test(tc, divergence_that_is_only_reachable);
    tcase_add_test(tc, renaming_and_linking);
    tcase_add_test(tc, alphabetised_parallel_confines_each_side);
    tcase_add_test(tc, philosophers_match_brute_force);
    tcase_add_test(tc, limits_stop_cleanly);
    tcase_add_test(tc, two_cores_agree_with_one);
    tcase_add_test(tc, the_compact_set_keeps_every_state_once);
    tcase_add_test(tc, the_overflow_table_takes_what_buckets_cannot);
    tcase_add_test(tc, sixty_four_bit_states_keep_the_last_one);
    tcase_add_test(tc, rounds_sorted_into_windows_find_the_same_states);
    tcase_add_test(tc, threads_adding_the_same_states_add_each_once);
    tcase_add_test(tc, tree_keys_name_vectors_exactly);
    tcase_add_test(tc, batched_tree_keys_are_the_single_keys);
    tcase_add_test(tc, a_passed_deadline_stops_every_search);
    tcase_add_test(tc, the_default_memory_budget_is_a_share);
    tcase_add_test(tc, a_state_wider_than_the_table);
    tcase_add_test(tc, tau_rules_are_known_statically);
    tcase_add_test(tc, tau_priority_drops_events_beside_a_tau);
    suite_add_tcase(s, tc);
    return s;
}
