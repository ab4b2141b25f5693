/* checker/refine + checker/normal: refinement in T, F and FD, determinism and has-trace on
 * small processes whose verdicts follow from the definitions (Roscoe, "Understanding
 * Concurrent Systems", ch. 6 and 16): each case says why. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "checker/normal.h"
#include "checker/refine.h"

enum { A = EV_FIRST_VISIBLE, B, C };

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

/* Checks SPEC [model= IMPL and frees both. */
/* Checks SPEC [model= IMPL on one core (no limits) and through the parallel search (one and
 * two threads, which hands a failure to the one-core search for its counterexample): the
 * same verdict, counterexample and state count every way.  Frees both machines. */
static void refines(struct machine *spec, struct machine *impl, enum chk_model model,
                    enum chk_verdict want, enum chk_kind kind, int len)
{
    uint64_t states = 0;
    for (int threads = 0; threads <= 2; threads++) {
        struct chk_limits lim = {0};
        lim.threads = threads;
        struct chk_result r;
        chk_refines(spec, impl, model, threads ? &lim : NULL, &r);
        ck_assert_int_eq(r.verdict, want);
        if (want == CHK_FAILS) {
            ck_assert_int_eq(r.kind, kind);
            ck_assert_int_eq((int)r.ntrace, len);
        }
        if (threads == 0) states = r.states;
        ck_assert_uint_eq(r.states, states);
        chk_result_free(&r);
    }
    mach_free(spec);
    mach_free(impl);
}

/* RUN({a, b}) = a -> RUN [] b -> RUN */
#define RUN_AB PROC(NONE, {0, A, 0}, {0, B, 0})
/* P = a -> b -> P */
#define A_THEN_B PROC(NONE, {0, A, 1}, {1, B, 0})

START_TEST(traces_refinement)
{
    /* Every trace of a -> b -> P is a trace of RUN({a, b}). */
    refines(RUN_AB, A_THEN_B, CHK_MODEL_T, CHK_HOLDS, CHK_NONE, 0);
    /* a -> STOP [T= a -> b -> STOP fails: after <a>, b is not allowed (1 event before it). */
    refines(PROC(NONE, {0, A, 1}), PROC(NONE, {0, A, 1}, {1, B, 2}), CHK_MODEL_T, CHK_FAILS,
            CHK_TRACE, 1);
    /* A process whose first event c the specification never offers fails at once. */
    refines(A_THEN_B, PROC(NONE, {0, C, 0}), CHK_MODEL_T, CHK_FAILS, CHK_TRACE, 0);
    /* STOP refines everything in T. */
    refines(A_THEN_B, PROC(NONE, {1, A, 1}), CHK_MODEL_T, CHK_HOLDS, CHK_NONE, 0);
}
END_TEST

START_TEST(failures_refinement)
{
    /* RUN({a, b}) must always accept both; a -> b -> P refuses b at the start: in F it fails
     * with a refusal at the empty trace, though its traces are fine. */
    refines(RUN_AB, A_THEN_B, CHK_MODEL_F, CHK_FAILS, CHK_REFUSAL, 0);
    /* STOP |~| a -> STOP (internal choice: tau to either) may refuse a, so STOP refines it
     * (STOP is state 0 of a machine whose only transition is elsewhere). */
    refines(PROC(NONE, {0, EV_TAU, 1}, {0, EV_TAU, 2}, {2, A, 1}), PROC(NONE, {1, A, 1}),
            CHK_MODEL_F, CHK_HOLDS, CHK_NONE, 0);
    /* … but a -> (a -> … |~| STOP) does not: <a, a> is not a trace of it (1 event before). */
    refines(PROC(NONE, {0, EV_TAU, 1}, {0, EV_TAU, 2}, {2, A, 1}), PROC(NONE, {0, A, 0}, {0, A, 1}),
            CHK_MODEL_F, CHK_FAILS, CHK_TRACE, 1);
    /* … nor SKIP: <✓> is not a trace of it. */
    refines(PROC(NONE, {0, EV_TAU, 1}, {0, EV_TAU, 2}, {2, A, 1}), PROC(2, {0, EV_TICK, 2}),
            CHK_MODEL_F, CHK_FAILS, CHK_TRACE, 0);
    /* a -> STOP [] b -> STOP is refined in T but not in F by (a -> STOP) |~| (b -> STOP): the
     * latter can refuse b initially. */
    refines(PROC(NONE, {0, A, 1}, {0, B, 1}),
            PROC(NONE, {0, EV_TAU, 1}, {0, EV_TAU, 2}, {1, A, 3}, {2, B, 3}), CHK_MODEL_T, CHK_HOLDS,
            CHK_NONE, 0);
    refines(PROC(NONE, {0, A, 1}, {0, B, 1}),
            PROC(NONE, {0, EV_TAU, 1}, {0, EV_TAU, 2}, {1, A, 3}, {2, B, 3}), CHK_MODEL_F, CHK_FAILS,
            CHK_REFUSAL, 0);
    /* The other way round it holds: internal choice is refined by external choice. */
    refines(PROC(NONE, {0, EV_TAU, 1}, {0, EV_TAU, 2}, {1, A, 3}, {2, B, 3}),
            PROC(NONE, {0, A, 1}, {0, B, 1}), CHK_MODEL_F, CHK_HOLDS, CHK_NONE, 0);
}
END_TEST

START_TEST(termination)
{
    /* SKIP [F= SKIP holds; SKIP [F= STOP fails: STOP refuses ✓, which SKIP must accept;
     * SKIP [T= STOP holds (STOP's only trace is <>). */
    refines(PROC(1, {0, EV_TICK, 1}), PROC(1, {0, EV_TICK, 1}), CHK_MODEL_F, CHK_HOLDS, CHK_NONE, 0);
    refines(PROC(1, {0, EV_TICK, 1}), PROC(NONE, {1, A, 1}), CHK_MODEL_F, CHK_FAILS, CHK_REFUSAL, 0);
    refines(PROC(1, {0, EV_TICK, 1}), PROC(NONE, {1, A, 1}), CHK_MODEL_T, CHK_HOLDS, CHK_NONE, 0);
    /* STOP [T= SKIP fails: <✓> is not a trace of STOP. */
    refines(PROC(NONE, {1, A, 1}), PROC(1, {0, EV_TICK, 1}), CHK_MODEL_T, CHK_FAILS, CHK_TRACE, 0);
}
END_TEST

START_TEST(divergence_in_fd)
{
    /* a -> STOP [FD= a -> DIV fails with a divergence after <a>; in F it holds (a divergent
     * state has no stable failures) and in T too. */
    refines(PROC(NONE, {0, A, 1}), PROC(NONE, {0, A, 1}, {1, EV_TAU, 1}), CHK_MODEL_FD, CHK_FAILS,
            CHK_DIVERGENCE, 1);
    refines(PROC(NONE, {0, A, 1}), PROC(NONE, {0, A, 1}, {1, EV_TAU, 1}), CHK_MODEL_F, CHK_HOLDS,
            CHK_NONE, 0);
    refines(PROC(NONE, {0, A, 1}), PROC(NONE, {0, A, 1}, {1, EV_TAU, 1}), CHK_MODEL_T, CHK_HOLDS,
            CHK_NONE, 0);
    /* After the specification diverges anything goes: (a -> DIV) [FD= a -> b -> DIV. */
    refines(PROC(NONE, {0, A, 1}, {1, EV_TAU, 1}), PROC(NONE, {0, A, 1}, {1, B, 2}, {2, EV_TAU, 2}),
            CHK_MODEL_FD, CHK_HOLDS, CHK_NONE, 0);
    /* A tau cycle of two states in the implementation: a -> (P = tau -> Q, Q = tau -> P),
     * against a -> b -> STOP, which cannot diverge after <a>. */
    refines(PROC(NONE, {0, A, 1}, {1, B, 2}), PROC(NONE, {0, A, 1}, {1, EV_TAU, 2}, {2, EV_TAU, 1}),
            CHK_MODEL_FD, CHK_FAILS, CHK_DIVERGENCE, 1);
    /* Whether the specification can diverge after <a> is whether some state of its closure
     * reaches a tau cycle: through a chain of taus into a two-state cycle, or into a tau to
     * itself, it can, so a -> DIV refines it; a diamond of taus (two ways to one state) and a
     * chain have no cycle, so a -> DIV does not. */
    refines(PROC(NONE, {0, A, 1}, {1, EV_TAU, 2}, {2, EV_TAU, 3}, {3, EV_TAU, 4}, {4, EV_TAU, 3}),
            PROC(NONE, {0, A, 1}, {1, EV_TAU, 1}), CHK_MODEL_FD, CHK_HOLDS, CHK_NONE, 0);
    refines(PROC(NONE, {0, A, 1}, {1, EV_TAU, 2}, {2, EV_TAU, 3}, {3, EV_TAU, 3}),
            PROC(NONE, {0, A, 1}, {1, EV_TAU, 1}), CHK_MODEL_FD, CHK_HOLDS, CHK_NONE, 0);
    refines(PROC(NONE, {0, A, 1}, {1, EV_TAU, 2}, {1, EV_TAU, 3}, {2, EV_TAU, 4}, {3, EV_TAU, 4},
                 {4, B, 0}),
            PROC(NONE, {0, A, 1}, {1, EV_TAU, 1}), CHK_MODEL_FD, CHK_FAILS, CHK_DIVERGENCE, 1);
    refines(PROC(NONE, {0, A, 1}, {1, EV_TAU, 2}, {2, EV_TAU, 3}),
            PROC(NONE, {0, A, 1}, {1, EV_TAU, 1}), CHK_MODEL_FD, CHK_FAILS, CHK_DIVERGENCE, 1);
    /* A state that both diverges and performs an event the specification forbids: the trace
     * failure is reported (the same length; a trace is the plainer witness). */
    refines(PROC(NONE, {0, A, 1}), PROC(NONE, {0, B, 1}, {0, EV_TAU, 0}), CHK_MODEL_FD, CHK_FAILS,
            CHK_TRACE, 0);
    /* Against RUN({a, b}) the refusal of b at the start comes first (a shorter trace). */
    refines(RUN_AB, PROC(NONE, {0, A, 1}, {1, EV_TAU, 2}, {2, EV_TAU, 1}), CHK_MODEL_FD, CHK_FAILS,
            CHK_REFUSAL, 0);
}
END_TEST

static void deterministic(struct machine *m, enum chk_model model, enum chk_verdict want,
                          enum chk_kind kind, int len, uint32_t event)
{
    struct chk_result r;
    chk_deterministic(m, model, NULL, &r);
    ck_assert_int_eq(r.verdict, want);
    if (want == CHK_FAILS) {
        ck_assert_int_eq(r.kind, kind);
        ck_assert_int_eq((int)r.ntrace, len);
        if (kind == CHK_NONDET) ck_assert_uint_eq(r.event, event);
    }
    chk_result_free(&r);
    mach_free(m);
}

START_TEST(determinism)
{
    deterministic(A_THEN_B, CHK_MODEL_F, CHK_HOLDS, CHK_NONE, 0, 0);
    deterministic(RUN_AB, CHK_MODEL_FD, CHK_HOLDS, CHK_NONE, 0, 0);
    /* a -> STOP [] a -> b -> STOP: after <a> it can both refuse and perform b. */
    deterministic(PROC(NONE, {0, A, 1}, {0, A, 2}, {2, B, 1}), CHK_MODEL_F, CHK_FAILS, CHK_NONDET,
                  1, B);
    /* (a -> STOP) |~| (b -> STOP): after choosing a it refuses b, yet <b> is a trace.  (The
     * first stable state in breadth-first order is the a side, so b is the witness.) */
    deterministic(PROC(NONE, {0, EV_TAU, 1}, {0, EV_TAU, 2}, {1, A, 3}, {2, B, 3}), CHK_MODEL_F,
                  CHK_FAILS, CHK_NONDET, 0, B);
    /* Hidden choice that leads to the same offers stays deterministic: tau -> a -> STOP. */
    deterministic(PROC(NONE, {0, EV_TAU, 1}, {1, A, 2}), CHK_MODEL_F, CHK_HOLDS, CHK_NONE, 0, 0);
    /* DIV has no stable failures: deterministic in F, not in FD (it diverges). */
    deterministic(PROC(NONE, {0, EV_TAU, 0}), CHK_MODEL_F, CHK_HOLDS, CHK_NONE, 0, 0);
    deterministic(PROC(NONE, {0, EV_TAU, 0}), CHK_MODEL_FD, CHK_FAILS, CHK_DIVERGENCE, 0, 0);
}
END_TEST

/* Three counters of 30 states each, interleaved on a, b and c, synchronising on d, which
 * each offers only in its last state: 27 000 states, more than the one-core search does
 * before the parallel search takes over. */
static struct machine *counters(void)
{
    struct mach_builder *b = mach_builder_new();
    int node = -1;
    for (uint32_t k = 0; k < 3; k++) {
        struct lts_builder *lb = lts_builder_new();
        lts_builder_reserve(lb, 30);
        for (uint32_t i = 0; i < 30; i++) lts_builder_add(lb, i, A + k, (i + 1) % 30);
        lts_builder_add(lb, 29, C + 1, 29);
        int leaf = mach_leaf(b, lts_build(lb, 0, LTS_NONE));
        node = node < 0 ? leaf : mach_par(b, (struct evset){(const uint32_t[]){C + 1}, 1}, node, leaf);
    }
    return mach_build(b, node);
}

START_TEST(big_checks_on_several_cores)
{
    /* RUN({a, b, c, d}) [T= the counters: every trace is allowed (the whole space is
     * searched, 27 000 states, on one core and on two alike). */
    refines(PROC(NONE, {0, A, 0}, {0, B, 0}, {0, C, 0}, {0, C + 1, 0}), counters(), CHK_MODEL_T,
            CHK_HOLDS, CHK_NONE, 0);
    /* RUN({a, b, c}) [T= the counters fails at d, which needs all three counters at 29:
     * 87 events first (29 of each). */
    refines(PROC(NONE, {0, A, 0}, {0, B, 0}, {0, C, 0}), counters(), CHK_MODEL_T, CHK_FAILS,
            CHK_TRACE, 87);
    /* In F, RUN({a, b, c, d}) cannot refuse anything while the counters refuse d: a refusal at
     * once (0 events). */
    refines(PROC(NONE, {0, A, 0}, {0, B, 0}, {0, C, 0}, {0, C + 1, 0}), counters(), CHK_MODEL_F,
            CHK_FAILS, CHK_REFUSAL, 0);
}
END_TEST

/* Checks determinism on one core and through the parallel search (one and two threads): the
 * same verdict, kind and counterexample length every way.  Frees the machine. */
static void deterministic_everywhere(struct machine *m, enum chk_model model, enum chk_verdict want,
                                     enum chk_kind kind, int len)
{
    for (int threads = 0; threads <= 2; threads++) {
        struct chk_limits lim = {0};
        lim.threads = threads;
        struct chk_result r;
        chk_deterministic(m, model, threads ? &lim : NULL, &r);
        ck_assert_int_eq(r.verdict, want);
        if (want == CHK_FAILS) {
            ck_assert_int_eq(r.kind, kind);
            ck_assert_int_eq((int)r.ntrace, len);
        }
        chk_result_free(&r);
    }
    mach_free(m);
}

/* Counters 1 and 2 of counters() (b and c, 30 states each) beside a first component that
 * moves by taus alone from 0 to 29, where it offers d with the others; with `fork`, it may
 * also go by a tau from 0 to a state 30 that offers nothing.  With `loop` its taus go round
 * (29 back to 0) and it never offers d.  27 000 states or more: past the one-core search's
 * first part, so the parallel search decides. */
static struct machine *tau_counters(bool fork, bool loop)
{
    struct mach_builder *b = mach_builder_new();
    struct lts_builder *lb = lts_builder_new();
    lts_builder_reserve(lb, 31);
    for (uint32_t i = 0; i < 29; i++) lts_builder_add(lb, i, EV_TAU, i + 1);
    if (loop) lts_builder_add(lb, 29, EV_TAU, 0);
    else lts_builder_add(lb, 29, C + 1, 29);
    if (fork) lts_builder_add(lb, 0, EV_TAU, 30);
    int node = mach_leaf(b, lts_build(lb, 0, LTS_NONE));
    for (uint32_t k = 1; k < 3; k++) {
        lb = lts_builder_new();
        lts_builder_reserve(lb, 30);
        for (uint32_t i = 0; i < 30; i++) lts_builder_add(lb, i, A + k, (i + 1) % 30);
        lts_builder_add(lb, 29, C + 1, 29);
        int leaf = mach_leaf(b, lts_build(lb, 0, LTS_NONE));
        node = mach_par(b, (struct evset){(const uint32_t[]){C + 1}, 1}, node, leaf);
    }
    return mach_build(b, node);
}

START_TEST(big_determinism)
{
    /* Divergence-free (the taus end at 29), and every trace leads to one stable state whose
     * offers are the trace's every continuation: deterministic in F and FD. */
    deterministic_everywhere(tau_counters(false, false), CHK_MODEL_F, CHK_HOLDS, CHK_NONE, 0);
    deterministic_everywhere(tau_counters(false, false), CHK_MODEL_FD, CHK_HOLDS, CHK_NONE, 0);
    /* With the silent way to a dead state 30: once b and c have each been done 29 times, d is
     * a trace, yet the state with the first component at 30 refuses it — nondeterminism after
     * 58 events, in F and FD alike (there is no divergence to come first). */
    deterministic_everywhere(tau_counters(true, false), CHK_MODEL_F, CHK_FAILS, CHK_NONDET, 58);
    deterministic_everywhere(tau_counters(true, false), CHK_MODEL_FD, CHK_FAILS, CHK_NONDET, 58);
    /* Taus round a cycle: no state is ever stable, so there are no failures (deterministic in
     * F), but the process diverges at once (not deterministic in FD, a divergence at <>). */
    deterministic_everywhere(tau_counters(false, true), CHK_MODEL_F, CHK_HOLDS, CHK_NONE, 0);
    deterministic_everywhere(tau_counters(false, true), CHK_MODEL_FD, CHK_FAILS, CHK_DIVERGENCE, 0);
}
END_TEST

/* Node k's initial events in `one` (at most 8) into first, checked to be par's as well, with
 * the same node after each in both; how many. */
static size_t same_initials(struct normal *one, struct normal *par, uint32_t k, uint32_t *first)
{
    size_t n1, n2;
    const uint32_t *i1 = norm_initials(one, k, &n1);
    ck_assert_uint_le(n1, 8);
    for (size_t i = 0; i < n1; i++) first[i] = i1[i];
    const uint32_t *i2 = norm_initials(par, k, &n2);
    ck_assert_uint_eq(n2, n1);
    for (size_t i = 0; i < n1; i++) {
        ck_assert_uint_eq(i2[i], first[i]);
        ck_assert_uint_eq(norm_after(par, k, first[i]), norm_after(one, k, first[i]));
    }
    return n1;
}

/* The normal form of m made lazily on one core, and made a level at a time after its states
 * are numbered on `threads` threads (normal.c, complete_levels): the same nodes, numbered
 * alike, with the same initials, successors, divergence and acceptances. */
static void same_normal_forms(const struct machine *m, int threads, uint32_t nodes)
{
    struct chk_limits lim = {.threads = threads};
    struct normal *one = norm_new(m, NULL), *par = norm_new(m, &lim);
    ck_assert(norm_complete(one, 1u << 20));
    ck_assert(norm_number_spec(par, threads));
    ck_assert(norm_complete(par, 1u << 20));
    ck_assert_uint_eq(norm_nodes(par), norm_nodes(one));
    ck_assert_uint_ge(norm_nodes(one), nodes);
    for (uint32_t k = 0; k < norm_nodes(one); k++) {
        uint32_t first[8];
        size_t n1 = same_initials(one, par, k, first);
        ck_assert_int_eq(norm_divergent(par, k), norm_divergent(one, k));
        ck_assert_int_eq(norm_accepts(par, k, first, n1), norm_accepts(one, k, first, n1));
        ck_assert_int_eq(norm_accepts(par, k, first, n1 ? n1 - 1 : 0),
                         norm_accepts(one, k, first, n1 ? n1 - 1 : 0));
    }
    norm_free(one);
    norm_free(par);
}

/* R's normal form of m (every node's steps after a refusal made beforehand), its states
 * numbered first, on one thread and on `threads` (normal.c, complete): the same nodes,
 * numbered alike, with the same successors and the same node after each initial event from
 * the offered sets tried; and as many nodes as the one-core form made lazily, which numbers
 * them otherwise. */
static void same_refusal_forms(const struct machine *m, int threads)
{
    struct chk_limits l1 = {.threads = 1}, lt = {.threads = threads};
    struct normal *lazy = norm_new(m, NULL), *one = norm_new(m, &l1), *par = norm_new(m, &lt);
    ck_assert(norm_complete_refusals(lazy, 1u << 20));
    ck_assert(norm_number_spec(one, 1));
    ck_assert(norm_number_spec(par, threads));
    ck_assert(norm_complete_refusals(one, 1u << 20));
    ck_assert(norm_complete_refusals(par, 1u << 20));
    ck_assert_uint_eq(norm_nodes(one), norm_nodes(lazy));
    ck_assert_uint_eq(norm_nodes(par), norm_nodes(one));
    for (uint32_t k = 0; k < norm_nodes(one); k++) {
        uint32_t first[8];
        size_t n1 = same_initials(one, par, k, first);
        for (size_t i = 0; i < n1; i++) {
            uint32_t e = first[i];
            ck_assert_uint_eq(norm_refusal_after(par, k, e, first, n1),
                              norm_refusal_after(one, k, e, first, n1));
            ck_assert_uint_eq(norm_refusal_after(par, k, e, &e, 1),
                              norm_refusal_after(one, k, e, &e, 1));
        }
    }
    norm_free(lazy);
    norm_free(one);
    norm_free(par);
}

START_TEST(refusal_forms_are_the_same_on_any_number_of_threads)
{
    for (int threads = 2; threads <= 3; threads++)
        for (int kind = 0; kind < 2; kind++) {
            struct machine *m = tau_counters(kind == 1, false);
            same_refusal_forms(m, threads);
            mach_free(m);
        }
    /* Two stable states after a, one offering b, the other b and c: the steps after refusing
     * {c} and after refusing nothing differ. */
    struct machine *m = PROC(NONE, {0, A, 1}, {0, A, 2}, {1, B, 0}, {2, B, 0}, {2, C, 0});
    same_refusal_forms(m, 2);
    mach_free(m);
}
END_TEST

/* A choice of stable groups, all offering A: `free` groups with initials {A, D+i} (no one
 * within another's, so every set of them is closed: 2^free - 1 sets) and `nested` with
 * initials {A}, {A, D}, {A, D, D+1}, … (each within the next).  After A each group goes on
 * its own way (E+i, or F+j), so every set of groups gives its own node. */
enum { D = C + 1, E = D + 16, F = E + 16 };

static struct machine *stable_groups(uint32_t free, uint32_t nested, uint32_t swap)
{
    uint32_t t[64][3], n = 0, s = 1;
    for (uint32_t i = 0; i < free; i++, s += 2) {
        uint32_t after = i == swap ? 1 : i;  /* group `swap` goes on as group 0's */
        uint32_t tr[][3] = {{0, EV_TAU, s}, {s, A, s + 1}, {s, D + i, 0}, {s + 1, E + after, 0}};
        memcpy(t[n], tr, sizeof tr);
        n += 4;
    }
    for (uint32_t j = 0; j < nested; j++, s += 2) {
        uint32_t tr[][3] = {{0, EV_TAU, s}, {s, A, s + 1}, {s + 1, F + j, 0}};
        memcpy(t[n], tr, sizeof tr);
        n += 3;
        for (uint32_t k = 0; k < j; k++) {
            uint32_t more[3] = {s, D + k, 0};
            memcpy(t[n++], more, sizeof more);
        }
    }
    return proc((const uint32_t(*)[3])t, n, NONE);
}

/* R's steps after a refusal made beforehand (norm_refusal_after, for the search on several
 * cores) are the ones norm_after_refusal works out when asked (the one-core search's), for
 * every node, every set the implementation could offer and every event of it: the same
 * nodes, none made anew when asked.  With 7 free groups and 3 nested (the nested {A, D} is
 * free group 0's): every closed set holds {A}'s group, and {A, D, D+1}'s exactly when free
 * groups 0 and 1 are in, so 2^7 sets and a node after A for each. */
START_TEST(refusal_steps_beforehand_for_many_groups)
{
    struct machine *m = stable_groups(7, 3, ~0u);
    struct chk_limits lim = {.threads = 2};
    struct normal *n = norm_new(m, &lim);
    ck_assert(norm_number_spec(n, 2));
    ck_assert(norm_complete_refusals(n, 1u << 20));
    uint32_t nodes = norm_nodes(n);
    ck_assert_uint_ge(nodes, 128 + 1);
    uint32_t events[] = {A, D, D + 1, D + 2, D + 3, D + 4, D + 5, D + 6}, offered[8], to[8];
    for (uint32_t k = 0; k < nodes; k++)
        for (uint32_t subset = 1; subset < 1u << 8; subset++) {
            size_t count = 0;
            for (uint32_t i = 0; i < 8; i++)
                if (subset >> i & 1) offered[count++] = events[i];
            ck_assert_int_eq(norm_after_refusal(n, k, offered, count, to), 0);
            for (size_t i = 0; i < count; i++)
                ck_assert_uint_eq(norm_refusal_after(n, k, offered[i], offered, count), to[i]);
        }
    ck_assert_uint_eq(norm_nodes(n), nodes);
    norm_free(n);
    mach_free(m);

    /* 11 free groups have 2047 closed sets: too many to make beforehand, so R stays on one
     * core (norm_complete_refusals says no), with the same verdicts. */
    m = stable_groups(11, 0, ~0u);
    n = norm_new(m, &lim);
    ck_assert(norm_number_spec(n, 2));
    ck_assert(!norm_complete_refusals(n, 1u << 20));
    norm_free(n);
    mach_free(m);

    /* A group that goes on as another: after refusing all but {A, D+3} and performing A the
     * specification can only go on with E+3, so E+0 there is a trace R sees and T and F do
     * not (after A alone, E+0 is allowed: group 0 may have performed it). */
    for (uint32_t free = 7; free <= 11; free += 4)
        for (int model = CHK_MODEL_T; model <= CHK_MODEL_R; model++)
            refines(stable_groups(free, 3, ~0u), stable_groups(free, 3, 3), (enum chk_model)model,
                    model == CHK_MODEL_R ? CHK_FAILS : CHK_HOLDS, CHK_TRACE, 1);
}
END_TEST

START_TEST(normal_forms_are_the_same_on_any_number_of_threads)
{
    for (int threads = 1; threads <= 3; threads++) {
        for (int kind = 0; kind < 3; kind++) {
            struct machine *m = tau_counters(kind == 1, kind == 2);
            same_normal_forms(m, threads, 100);
            mach_free(m);
        }
        /* A node of one member, which diverges: {1} after a. */
        struct machine *m = PROC(NONE, {0, A, 1}, {1, EV_TAU, 1}, {1, B, 0}, {0, B, 2}, {2, A, 0});
        same_normal_forms(m, threads, 3);
        mach_free(m);
    }
}
END_TEST

START_TEST(has_trace)
{
    struct machine *m = PROC(NONE, {0, A, 1}, {1, B, 2}, {0, EV_TAU, 3}, {3, C, 3});
    struct chk_result r;
    uint32_t ab[] = {A, B}, cc[] = {C, C, C}, ba[] = {A, A};
    chk_has_trace(m, ab, 2, NULL, &r);
    ck_assert_int_eq(r.verdict, CHK_HOLDS);
    chk_result_free(&r);
    chk_has_trace(m, cc, 3, NULL, &r);  /* through the tau */
    ck_assert_int_eq(r.verdict, CHK_HOLDS);
    chk_result_free(&r);
    chk_has_trace(m, ba, 2, NULL, &r);
    ck_assert_int_eq(r.verdict, CHK_FAILS);
    ck_assert_int_eq((int)r.ntrace, 1);
    ck_assert_uint_eq(r.event, A);
    chk_result_free(&r);
    mach_free(m);
}
END_TEST

Suite *checker_refine_suite(void);
Suite *checker_refine_suite(void)
{
    Suite *s = suite_create("checker_refine");
    TCase *tc = tcase_create("refine");
    tcase_add_test(tc, traces_refinement);
    tcase_add_test(tc, failures_refinement);
    tcase_add_test(tc, termination);
    tcase_add_test(tc, divergence_in_fd);
    tcase_add_test(tc, determinism);
    tcase_add_test(tc, has_trace);
    suite_add_tcase(s, tc);
    /* Searches of tens of thousands of pairs on one to three threads: a second under the
     * sanitizers, more on a loaded machine — the limit only guards against a hang. */
    TCase *big = tcase_create("big");
    tcase_set_timeout(big, 120);
    tcase_add_test(big, big_determinism);
    tcase_add_test(big, big_checks_on_several_cores);
    tcase_add_test(big, normal_forms_are_the_same_on_any_number_of_threads);
    tcase_add_test(big, refusal_forms_are_the_same_on_any_number_of_threads);
    tcase_add_test(big, refusal_steps_beforehand_for_many_groups);
    suite_add_tcase(s, big);
    return s;
}
