/* model/proc and checker/compile: the firing rules on hand-built terms, and the dining
 * philosophers built as terms — compiled through the supercombinator and, wrapped so that
 * the whole system is one leaf, through the term semantics alone — against the independent
 * brute force of tests/data/phil_states.py (N = 3: 248 states, 624 transitions). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "checker/compile.h"
#include "checker/explore.h"
#include "model/proc.h"

static val_store *vs;
static struct proc_sem sem;
static const value *thunks[64];  /* what each test THUNK stands for, by its id */

static const value *force(void *ev, const value *thunk)
{
    (void)ev;
    return thunks[thunk->items[0]->num];
}

static void setup(void)
{
    vs = val_store_new();
    ck_assert_int_eq(proc_sem_init(&sem, vs, force, NULL), 0);
    memset(thunks, 0, sizeof thunks);
}

static void teardown(void)
{
    proc_sem_free(&sem);
    val_store_free(vs);
}

static const value *P(int op, const value *a, const value *b, const value *c)
{
    const value *items[3] = {a, b, c};
    size_t n = c ? 3 : b ? 2 : a ? 1 : 0;
    return val_proc(vs, op, NULL, items, n);
}

static const value *thunk(int k)
{
    const value *id = val_int(vs, k);
    return val_proc(vs, PROC_THUNK, NULL, &id, 1);
}

static const value *ev(const char *name)
{
    return val_named(vs, val_name_new(vs, name, 1, NULL));
}

static const value *set2(const value *a, const value *b)
{
    const value *v[2] = {a, b};
    return val_set(vs, v, b ? 2 : a ? 1 : 0);
}

static const value *STOP(void)
{
    return P(PROC_STOP, NULL, NULL, NULL);
}

static const char *show(const value *p)
{
    static char buf[512];
    proc_format(p, buf, sizeof buf);
    return buf;
}

/* The transitions of p as "event>target; …". */
static const char *steps(const value *p)
{
    static char buf[2048];
    struct proc_trans *t = NULL;
    size_t n = 0, cap = 0;
    ck_assert_int_eq(proc_transitions(&sem, p, &t, &n, &cap), 0);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char e[64], s[256];
        val_format(t[i].event, e, sizeof e);
        proc_format(t[i].target, s, sizeof s);
        size_t at = strlen(buf);
        snprintf(buf + at, sizeof buf - at, "%s%s>%s", i ? "; " : "", e, s);
    }
    free(t);
    return buf;
}

START_TEST(prefix_choice_and_termination)
{
    const value *a = ev("a"), *b = ev("b");
    ck_assert_str_eq(steps(P(PROC_PREFIX, a, STOP(), NULL)), "a>STOP");
    ck_assert_str_eq(steps(STOP()), "");
    ck_assert_str_eq(steps(P(PROC_SKIP, NULL, NULL, NULL)), "✓>Ω");
    /* a -> STOP [] b -> STOP: both events, no tau. */
    ck_assert_str_eq(steps(P(PROC_EXT, P(PROC_PREFIX, a, STOP(), NULL), P(PROC_PREFIX, b, STOP(), NULL), NULL)),
                     "a>STOP; b>STOP");
    /* a -> STOP |~| b -> STOP: two taus. */
    ck_assert_str_eq(steps(P(PROC_INT, P(PROC_PREFIX, a, STOP(), NULL), P(PROC_PREFIX, b, STOP(), NULL), NULL)),
                     "τ>a -> STOP; τ>b -> STOP");
    /* SKIP ; a -> STOP: the ✓ becomes a tau into the second process. */
    ck_assert_str_eq(steps(P(PROC_SEQ, P(PROC_SKIP, NULL, NULL, NULL), P(PROC_PREFIX, a, STOP(), NULL), NULL)),
                     "τ>a -> STOP");
    /* (a -> SKIP) \ {a}: a hidden. */
    ck_assert_str_eq(steps(P(PROC_HIDE, P(PROC_PREFIX, a, P(PROC_SKIP, NULL, NULL, NULL), NULL), set2(a, NULL), NULL)),
                     "τ>(SKIP \\ {a})");
}
END_TEST

START_TEST(parallel_terminates_together)
{
    const value *a = ev("a");
    const value *skip = P(PROC_SKIP, NULL, NULL, NULL);
    /* SKIP ||| SKIP: each side silently becomes Ω, then ✓.  (tau sorts before every other
     * event: its name was made first.) */
    ck_assert_str_eq(steps(P(PROC_INTERLEAVE, skip, skip, NULL)), "τ>(SKIP ||| Ω); τ>(Ω ||| SKIP)");
    const value *omega = P(PROC_OMEGA, NULL, NULL, NULL);
    ck_assert_str_eq(steps(P(PROC_INTERLEAVE, omega, omega, NULL)), "✓>Ω");
    /* (a -> STOP) [| {a} |] STOP: a is blocked. */
    ck_assert_str_eq(steps(P(PROC_PAR, P(PROC_PREFIX, a, STOP(), NULL), set2(a, NULL), STOP())), "");
}
END_TEST

START_TEST(interrupt_timeout_exception_rename)
{
    const value *a = ev("a"), *b = ev("b"), *c = ev("c");
    const value *pa = P(PROC_PREFIX, a, STOP(), NULL), *pb = P(PROC_PREFIX, b, STOP(), NULL);
    ck_assert_str_eq(steps(P(PROC_INTERRUPT, pa, pb, NULL)), "a>(STOP /\\ b -> STOP); b>STOP");
    ck_assert_str_eq(steps(P(PROC_SLIDING, pa, pb, NULL)), "τ>b -> STOP; a>STOP");
    /* (a -> c -> STOP) [| {a} |> b -> STOP: a hands over to the handler. */
    ck_assert_str_eq(steps(P(PROC_EXCEPTION, P(PROC_PREFIX, a, P(PROC_PREFIX, c, STOP(), NULL), NULL),
                             set2(a, NULL), pb)),
                     "a>b -> STOP");
    /* (a -> STOP)[[a <- b, a <- c]]: one event becomes two. */
    const value *ab[2] = {a, b}, *ac[2] = {a, c};
    const value *pairs[2] = {val_tuple(vs, ab, 2), val_tuple(vs, ac, 2)};
    ck_assert_str_eq(steps(P(PROC_RENAME, pa, val_set(vs, pairs, 2), NULL)),
                     "b>(STOP[[ a <- b, a <- c ]]); c>(STOP[[ a <- b, a <- c ]])");
}
END_TEST

/* ---- the philosophers as terms ---- */

static const value *dotted(const struct val_name *c, int i, int j)
{
    const value *f[2] = {val_int(vs, i), val_int(vs, j)};
    return val_dot(vs, val_named(vs, c), f, j < 0 ? 1 : 2);
}

static const value *seated(int n)
{
    const struct val_name *thinks = val_name_new(vs, "thinks", 1, NULL),
                          *sits = val_name_new(vs, "sits", 1, NULL),
                          *eats = val_name_new(vs, "eats", 1, NULL),
                          *getsup = val_name_new(vs, "getsup", 1, NULL),
                          *picks = val_name_new(vs, "picks", 1, NULL),
                          *puts = val_name_new(vs, "putsdown", 1, NULL);
    const value *phils = NULL, *forks = NULL, *alpha_rest = NULL;
    for (int i = n - 1; i >= 0; i--) {
        int j = (i + 1) % n;
        const value *ev8[8] = {dotted(thinks, i, -1), dotted(sits, i, -1), dotted(picks, i, i),
                               dotted(picks, i, j), dotted(eats, i, -1), dotted(puts, i, j),
                               dotted(puts, i, i), dotted(getsup, i, -1)};
        const value *body = thunk(i);  /* PHIL(i) */
        for (int k = 7; k >= 0; k--) body = P(PROC_PREFIX, ev8[k], body, NULL);
        thunks[i] = body;
        const value *alpha = val_set(vs, ev8, 8);
        if (!phils) {
            phils = body;
            alpha_rest = alpha;
        } else {
            const value *items[4] = {body, alpha, alpha_rest, phils};
            phils = val_proc(vs, PROC_APAR, NULL, items, 4);
            alpha_rest = val_set_union(vs, alpha_rest, alpha);
        }
    }
    alpha_rest = NULL;
    for (int i = n - 1; i >= 0; i--) {
        int p = (i + n - 1) % n;
        const value *ev4[4] = {dotted(picks, i, i), dotted(puts, i, i), dotted(picks, p, i),
                               dotted(puts, p, i)};
        const value *back = thunk(n + i);
        const value *fork = P(PROC_EXT, P(PROC_PREFIX, ev4[0], P(PROC_PREFIX, ev4[1], back, NULL), NULL),
                              P(PROC_PREFIX, ev4[2], P(PROC_PREFIX, ev4[3], back, NULL), NULL), NULL);
        thunks[n + i] = fork;
        const value *alpha = val_set(vs, ev4, 4);
        if (!forks) {
            forks = fork;
            alpha_rest = alpha;
        } else {
            const value *items[4] = {fork, alpha, alpha_rest, forks};
            forks = val_proc(vs, PROC_APAR, NULL, items, 4);
            alpha_rest = val_set_union(vs, alpha_rest, alpha);
        }
    }
    const value *system = P(PROC_PAR, phils, alpha_rest, forks);
    /* BUTLER(k) = k < n-1 & sits?i -> BUTLER(k+1) [] k > 0 & getsup?i -> BUTLER(k-1) */
    const value *sg[64];
    size_t nsg = 0;
    for (int k = 0; k < n; k++) {
        const value *opts[32];
        size_t no = 0;
        for (int i = 0; i < n; i++) {
            if (k < n - 1) opts[no++] = P(PROC_PREFIX, dotted(sits, i, -1), thunk(2 * n + k + 1), NULL);
            if (k > 0) opts[no++] = P(PROC_PREFIX, dotted(getsup, i, -1), thunk(2 * n + k - 1), NULL);
        }
        thunks[2 * n + k] = val_proc(vs, PROC_EXT, NULL, opts, no);
    }
    for (int i = 0; i < n; i++) {
        sg[nsg++] = dotted(sits, i, -1);
        sg[nsg++] = dotted(getsup, i, -1);
    }
    return P(PROC_PAR, system, val_set(vs, sg, nsg), thunk(2 * n));
}

/* P /+ A +\ Q: events of A together (no interrupt), Q's others interrupt, P's ✓ ends it. */
START_TEST(synchronising_interrupt)
{
    const value *a = ev("a"), *b = ev("b"), *t = ev("t");
    const value *A = set2(t, NULL), *skip = P(PROC_SKIP, NULL, NULL, NULL);
    const value *pt = P(PROC_PREFIX, t, STOP(), NULL);
    /* (t -> STOP [] a -> STOP) /+ {t} +\ (t -> STOP [] b -> STOP) */
    const value *lhs = P(PROC_EXT, pt, P(PROC_PREFIX, a, STOP(), NULL), NULL);
    const value *rhs = P(PROC_EXT, pt, P(PROC_PREFIX, b, STOP(), NULL), NULL);
    ck_assert_str_eq(steps(P(PROC_SYNC_INTERRUPT, lhs, A, rhs)),
                     "a>(STOP /+ {t} +\\ (t -> STOP [] b -> STOP)); b>STOP; t>(STOP /+ {t} +\\ STOP)");
    /* t alone on one side is blocked; SKIP's ✓ ends the whole. */
    ck_assert_str_eq(steps(P(PROC_SYNC_INTERRUPT, pt, A, STOP())), "");
    ck_assert_str_eq(steps(P(PROC_SYNC_INTERRUPT, skip, A, pt)), "✓>Ω");
}
END_TEST

START_TEST(philosophers_through_both_paths)
{
    const value *sys = seated(3);
    struct events *evs = events_new(&sem);
    struct compile_error err;
    struct machine *m = compile_process(&sem, evs, sys, NULL, &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    ck_assert_uint_eq(mach_nleaves(m), 7);  /* 3 philosophers, 3 forks, the butler */
    struct chk_result r;
    chk_deadlock(m, NULL, 1, &r);
    ck_assert_int_eq(r.verdict, CHK_HOLDS);
    ck_assert_uint_eq(r.states, 248);
    ck_assert_uint_eq(r.transitions, 624);
    chk_result_free(&r);
    mach_free(m);
    /* SYSTEM ; STOP is one leaf explored by the firing rules alone: the same 248 states. */
    m = compile_process(&sem, evs, P(PROC_SEQ, sys, STOP(), NULL), NULL, &err);
    ck_assert_msg(m != NULL, "%s", err.message);
    ck_assert_uint_eq(mach_nleaves(m), 1);
    chk_deadlock(m, NULL, 1, &r);
    ck_assert_int_eq(r.verdict, CHK_HOLDS);
    ck_assert_uint_eq(r.states, 248);
    ck_assert_uint_eq(r.transitions, 624);
    chk_result_free(&r);
    mach_free(m);
    /* A leaf limit below 248 refuses politely. */
    m = compile_process(&sem, evs, P(PROC_SEQ, sys, STOP(), NULL), &(struct chk_limits){.max_states = 100}, &err);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(err.limit, 1);
    ck_assert_msg(strstr(err.message, "more states than the limit") != NULL, "%s", err.message);
    events_free(evs);
}
END_TEST

START_TEST(events_are_numbered_in_order_seen)
{
    struct events *evs = events_new(&sem);
    const value *a = ev("a"), *b = ev("b");
    ck_assert_uint_eq(events_id(evs, sem.tau), EV_TAU);
    ck_assert_uint_eq(events_id(evs, sem.tick), EV_TICK);
    ck_assert_uint_eq(events_id(evs, b), EV_FIRST_VISIBLE);
    ck_assert_uint_eq(events_id(evs, a), EV_FIRST_VISIBLE + 1);
    ck_assert_uint_eq(events_id(evs, b), EV_FIRST_VISIBLE);
    ck_assert_ptr_eq(events_value(evs, EV_FIRST_VISIBLE + 1), a);
    ck_assert_str_eq(show(P(PROC_PREFIX, a, STOP(), NULL)), "a -> STOP");
    events_free(evs);
}
END_TEST

Suite *model_proc_suite(void);
Suite *model_proc_suite(void)
{
    Suite *s = suite_create("model_proc");
    TCase *tc = tcase_create("proc");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, prefix_choice_and_termination);
    tcase_add_test(tc, parallel_terminates_together);
    tcase_add_test(tc, interrupt_timeout_exception_rename);
    tcase_add_test(tc, synchronising_interrupt);
    tcase_add_test(tc, philosophers_through_both_paths);
    tcase_add_test(tc, events_are_numbered_in_order_seen);
    suite_add_tcase(s, tc);
    return s;
}
