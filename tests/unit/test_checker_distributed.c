/* checker/distributed: the distributed search over 1 to 4 ranks that are threads of this
 * process (a dist_comm over shared memory and a barrier, standing in for MPI), against the
 * one-process checks: the same verdicts, the same states and transitions when a check holds,
 * counterexamples as long and valid; and the ranks' agreement between assertions.  So the
 * multi-rank logic is tested even where Open MPI is not installed (tests/distributed.sh runs
 * the real thing under mpirun). */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "checker/distributed.h"
#include "checker/explore.h"

enum { A = EV_FIRST_VISIBLE, B, C, D, MAX_RANKS = 4 };

/* ---- ranks as threads ---- */

struct world {
    int n;
    pthread_barrier_t bar;
    uint64_t *const *send[MAX_RANKS];
    const size_t *nsend[MAX_RANKS];
    uint64_t *vec[MAX_RANKS];
};

struct rank {
    struct world *w;
    int rank;
};

static int t_exchange(void *self, uint64_t *const *send, const size_t *nsend, uint64_t **recv,
                      size_t *nrecv)
{
    struct rank *r = self;
    struct world *w = r->w;
    w->send[r->rank] = send;
    w->nsend[r->rank] = nsend;
    pthread_barrier_wait(&w->bar);
    size_t total = 0;
    for (int s = 0; s < w->n; s++) total += w->nsend[s][r->rank];
    *recv = malloc((total ? total : 1) * sizeof **recv);
    *nrecv = total;
    size_t at = 0;
    for (int s = 0; s < w->n; s++) {
        size_t k = w->nsend[s][r->rank];
        if (k) memcpy(*recv + at, w->send[s][r->rank], k * sizeof **recv);
        at += k;
    }
    pthread_barrier_wait(&w->bar);  /* the senders may reuse their outboxes now */
    return 0;
}

static int t_reduce(void *self, uint64_t *v, size_t n, int is_max)
{
    struct rank *r = self;
    struct world *w = r->w;
    uint64_t tmp[16];
    ck_assert_uint_le(n, 16);
    w->vec[r->rank] = v;
    pthread_barrier_wait(&w->bar);
    for (size_t k = 0; k < n; k++) {
        tmp[k] = 0;
        for (int s = 0; s < w->n; s++) {
            uint64_t x = w->vec[s][k];
            tmp[k] = is_max ? (x > tmp[k] ? x : tmp[k]) : tmp[k] + x;
        }
    }
    pthread_barrier_wait(&w->bar);
    memcpy(v, tmp, n * sizeof *v);
    return 0;
}

static int t_sum(void *self, uint64_t *v, size_t n)
{
    return t_reduce(self, v, n, 0);
}

static int t_max(void *self, uint64_t *v, size_t n)
{
    return t_reduce(self, v, n, 1);
}

static int t_bcast(void *self, uint64_t *v, size_t n, int root)
{
    struct rank *r = self;
    struct world *w = r->w;
    w->vec[r->rank] = v;
    pthread_barrier_wait(&w->bar);
    if (r->rank != root) memcpy(v, w->vec[root], n * sizeof *v);
    pthread_barrier_wait(&w->bar);
    return 0;
}

static void t_abort(void *self, int code)
{
    (void)self;
    ck_abort_msg("a rank aborted the job with %d", code);
}

static void t_finish(void *self)
{
    (void)self;
}

/* What each rank does: one search, or a script of agreements. */
struct job {
    struct dist_comm comm;
    struct rank self;
    const struct machine *spec, *impl;
    enum chk_model model;         /* for a refinement; CHK_MODEL_T with spec NULL: deadlock */
    bool divergence;              /* spec NULL: deadlock freedom in FD */
    bool live;                    /* spec NULL: divergence freedom (not deadlock) */
    struct chk_result r;
    enum dist_outcome outcome;
    const uint64_t *keys;         /* agreement script: keys, DIST_KEY_END last */
    int agreed[4];
    uint64_t value;
    uint64_t print;               /* the fingerprint this rank agrees with */
};

static void *run_rank(void *arg)
{
    struct job *j = arg;
    if (j->keys) {
        for (int i = 0;; i++) {
            j->agreed[i] = dist_agree(&j->comm, j->keys[i], j->print, true, &j->value);
            if (j->keys[i] == DIST_KEY_END) break;
        }
    } else if (j->spec) {
        j->outcome = dist_refines(&j->comm, 1, j->spec, j->impl, j->model, NULL, &j->r);
    } else if (j->live) {
        j->outcome = dist_divergence(&j->comm, 1, j->impl, NULL, &j->r);
    } else {
        j->outcome = dist_deadlock(&j->comm, 1, j->impl, NULL, j->divergence, &j->r);
    }
    return NULL;
}

/* Runs n ranks on jobs[0..n) (comm and self filled in here) and waits for them. */
static void run_world(struct job *jobs, int n)
{
    struct world w = {.n = n};
    pthread_t t[MAX_RANKS];
    pthread_barrier_init(&w.bar, NULL, (unsigned)n);
    for (int i = 0; i < n; i++) {
        jobs[i].self = (struct rank){&w, i};
        jobs[i].comm = (struct dist_comm){DIST_COMM_VERSION, i, n, &jobs[i].self, t_exchange,
                                          t_sum, t_max, t_bcast, t_abort, t_finish};
        ck_assert_int_eq(pthread_create(&t[i], NULL, run_rank, &jobs[i]), 0);
    }
    for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
    pthread_barrier_destroy(&w.bar);
}

/* Runs n ranks, each with a copy of `like`, as jobs[0..n). */
static void run_copies(const struct job *like, struct job *jobs, int n)
{
    for (int i = 0; i < n; i++) jobs[i] = *like;
    run_world(jobs, n);
}

/* ---- machines ---- */

/* Three leaves interleaved on a, b and c: each a chain of `len` steps that ends stuck when
 * `stuck`, else a cycle.  (len + 1)^3 states for chains, len^3 for cycles; the chains
 * deadlock only when all three have ended, after 3 len events. */
static struct machine *three(uint32_t len, bool stuck)
{
    struct mach_builder *b = mach_builder_new();
    int node = -1;
    for (uint32_t k = 0; k < 3; k++) {
        struct lts_builder *lb = lts_builder_new();
        lts_builder_reserve(lb, len + 1);
        for (uint32_t i = 0; i < len; i++) lts_builder_add(lb, i, A + k, stuck ? i + 1 : (i + 1) % len);
        int leaf = mach_leaf(b, lts_build(lb, 0, LTS_NONE));
        node = node < 0 ? leaf : mach_par(b, (struct evset){NULL, 0}, node, leaf);
    }
    return mach_build(b, node);
}

/* One leaf from (from, event, to) triples. */
static struct machine *proc(const uint32_t (*t)[3], size_t n)
{
    struct lts_builder *lb = lts_builder_new();
    lts_builder_reserve(lb, 1);
    for (size_t i = 0; i < n; i++) lts_builder_add(lb, t[i][0], t[i][1], t[i][2]);
    struct mach_builder *b = mach_builder_new();
    return mach_build(b, mach_leaf(b, lts_build(lb, 0, LTS_NONE)));
}
#define PROC(...)                                                                                  \
    proc((const uint32_t[][3]){__VA_ARGS__}, sizeof((const uint32_t[][3]){__VA_ARGS__}) / sizeof(uint32_t[3]))

/* The counterexample is a path of the space: each step's event leads from one vector to the
 * next (checked on the implementation's part, after `offset` words). */
static void valid_path(const struct machine *m, const struct chk_result *r)
{
    ck_assert_uint_ge(r->npath, 1);
    uint64_t init[8];
    mach_initial(m, init);
    ck_assert(memcmp(r->path + r->offset, init, mach_words(m) * sizeof *init) == 0);
    size_t visible = 0;
    for (size_t i = 0; i + 1 < r->npath; i++) visible += r->path_events[i] != EV_TAU;
    ck_assert_uint_eq(visible, r->ntrace);
}

/* Deadlock freedom of m on 1..4 ranks against chk_deadlock on one core. */
static void same_deadlock(const struct machine *m)
{
    struct chk_result one;
    chk_deadlock(m, NULL, 0, &one);
    for (int n = 1; n <= MAX_RANKS; n++) {
        struct job jobs[MAX_RANKS], like = {.impl = m};
        run_copies(&like, jobs, n);
        for (int i = 0; i < n; i++) {
            const struct chk_result *r = &jobs[i].r;
            ck_assert_int_eq(jobs[i].outcome, DIST_DONE);
            ck_assert_int_eq(r->verdict, one.verdict);
            if (one.verdict == CHK_HOLDS) {
                ck_assert_uint_eq(r->states, one.states);
                ck_assert_uint_eq(r->transitions, one.transitions);
            } else {
                ck_assert_int_eq(r->kind, CHK_DEADLOCK);
                ck_assert_uint_eq(r->npath, one.npath);
                ck_assert_uint_eq(r->ntrace, one.ntrace);
                valid_path(m, r);
            }
            chk_result_free(&jobs[i].r);
        }
    }
    chk_result_free(&one);
}

/* SPEC [model= IMPL on 1..4 ranks against chk_refines. */
static void same_refinement(struct machine *spec, struct machine *impl, enum chk_model model,
                            enum chk_verdict want, enum chk_kind kind)
{
    struct chk_result one;
    chk_refines(spec, impl, model, NULL, &one);
    ck_assert_int_eq(one.verdict, want);
    for (int n = 1; n <= MAX_RANKS; n++) {
        struct job jobs[MAX_RANKS], like = {.spec = spec, .impl = impl, .model = model};
        run_copies(&like, jobs, n);
        for (int i = 0; i < n; i++) {
            const struct chk_result *r = &jobs[i].r;
            ck_assert_int_eq(jobs[i].outcome, DIST_DONE);
            ck_assert_int_eq(r->verdict, want);
            if (want == CHK_HOLDS) {
                ck_assert_uint_eq(r->states, one.states);
                ck_assert_uint_eq(r->transitions, one.transitions);
            } else {
                ck_assert_int_eq(r->kind, kind);
                ck_assert_uint_eq(r->npath, one.npath);
                ck_assert_uint_eq(r->ntrace, one.ntrace);
                ck_assert_uint_eq(r->nrefusal, one.nrefusal);
                ck_assert_uint_eq(r->offset, 1);
                valid_path(impl, r);
            }
            chk_result_free(&jobs[i].r);
        }
    }
    chk_result_free(&one);
    mach_free(spec);
    mach_free(impl);
}

/* SPEC [model= IMPL fails, and the ranks leave it, on every count, to the one-process check
 * (DIST_ALONE), which finds the counterexample and names the failure.  Frees both. */
static void replayed_alone(struct machine *spec, struct machine *impl, enum chk_model model)
{
    struct chk_result one;
    chk_refines(spec, impl, model, NULL, &one);
    ck_assert_int_eq(one.verdict, CHK_FAILS);
    chk_result_free(&one);
    for (int n = 1; n <= MAX_RANKS; n++) {
        struct job jobs[MAX_RANKS], like = {.spec = spec, .impl = impl, .model = model};
        run_copies(&like, jobs, n);
        for (int i = 0; i < n; i++) ck_assert_int_eq(jobs[i].outcome, DIST_ALONE);
    }
    mach_free(spec);
    mach_free(impl);
}

START_TEST(deadlock_like_one_process)
{
    /* Cycles never deadlock: 20^3 states, every one counted once over all ranks. */
    struct machine *m = three(20, false);
    same_deadlock(m);
    mach_free(m);
    /* Chains deadlock after 3 x 12 events, the same depth on every number of ranks. */
    m = three(12, true);
    same_deadlock(m);
    mach_free(m);
}
END_TEST

START_TEST(refinement_like_one_process)
{
    /* RUN({a, b, c}) [T= the cycles: holds, the whole product searched. */
    same_refinement(PROC({0, A, 0}, {0, B, 0}, {0, C, 0}), three(15, false), CHK_MODEL_T,
                    CHK_HOLDS, CHK_NONE);
    /* RUN({a, b}) [T= the cycles: c is not allowed, at once. */
    same_refinement(PROC({0, A, 0}, {0, B, 0}), three(15, false), CHK_MODEL_T, CHK_FAILS,
                    CHK_TRACE);
    /* a -> a -> a -> RUN({a,b,c})-ish spec that stops after three a: the fourth a fails after
     * 3 events. */
    same_refinement(PROC({0, A, 1}, {1, A, 2}, {2, A, 3}, {0, B, 0}, {0, C, 0}, {1, B, 1}, {1, C, 1},
                         {2, B, 2}, {2, C, 2}, {3, B, 3}, {3, C, 3}),
                    three(6, false), CHK_MODEL_T, CHK_FAILS, CHK_TRACE);
    /* In F, RUN({a, b, c, d}) must offer d, which the cycles refuse: a refusal at once; in FD
     * likewise (the cycles have no tau, so FD runs distributed). */
    same_refinement(PROC({0, A, 0}, {0, B, 0}, {0, C, 0}, {0, D, 0}), three(5, false), CHK_MODEL_F,
                    CHK_FAILS, CHK_REFUSAL);
    same_refinement(PROC({0, A, 0}, {0, B, 0}, {0, C, 0}, {0, D, 0}), three(5, false), CHK_MODEL_FD,
                    CHK_FAILS, CHK_REFUSAL);
    /* CHAOS({a, b, c}) (may refuse anything) [F= the chains, stuck at the end: holds. */
    same_refinement(PROC({0, EV_TAU, 1}, {0, A, 0}, {0, B, 0}, {0, C, 0}), three(8, true),
                    CHK_MODEL_F, CHK_HOLDS, CHK_NONE);
}
END_TEST

/* Three leaves interleaved, with taus: leaf 0 does `prefix` a's, then `chain` taus, then
 * either a cycle of `cycle` taus (it diverges there) or, when cycle is 0, a's for ever; leaves
 * 1 and 2 are cycles of `len` b's and c's.  The tau edges of the chain form a long path of
 * states spread over every rank (many rounds of peeling), and a cycle of taus of leaf 0 is
 * len^2 cycles of the whole. */
static struct machine *with_taus(uint32_t prefix, uint32_t chain, uint32_t cycle, uint32_t len)
{
    struct mach_builder *b = mach_builder_new();
    struct lts_builder *lb = lts_builder_new();
    uint32_t s = 0;
    for (uint32_t i = 0; i < prefix; i++, s++) lts_builder_add(lb, s, A, s + 1);
    for (uint32_t i = 0; i < chain; i++, s++) lts_builder_add(lb, s, EV_TAU, s + 1);
    if (cycle == 0) lts_builder_add(lb, s, A, s);
    for (uint32_t i = 0; i < cycle; i++) lts_builder_add(lb, s + i, EV_TAU, i + 1 < cycle ? s + i + 1 : s);
    lts_builder_reserve(lb, s + cycle + 1);
    int node = mach_leaf(b, lts_build(lb, 0, LTS_NONE));
    for (uint32_t k = 1; k < 3; k++) {
        struct lts_builder *cb = lts_builder_new();
        lts_builder_reserve(cb, len);
        for (uint32_t i = 0; i < len; i++) lts_builder_add(cb, i, A + k, (i + 1) % len);
        node = mach_par(b, (struct evset){NULL, 0}, node, mach_leaf(b, lts_build(cb, 0, LTS_NONE)));
    }
    return mach_build(b, node);
}

/* One leaf: a chain of `chain` taus, then a, then a cycle of two taus — divergent only after
 * the a — interleaved with a cycle of 3 b's, which spreads the states over the ranks. */
static struct machine *late_divergence(uint32_t chain)
{
    struct lts_builder *lb = lts_builder_new();
    for (uint32_t i = 0; i < chain; i++) lts_builder_add(lb, i, EV_TAU, i + 1);
    lts_builder_add(lb, chain, A, chain + 1);
    lts_builder_add(lb, chain + 1, EV_TAU, chain + 2);
    lts_builder_add(lb, chain + 2, EV_TAU, chain + 1);
    struct lts_builder *cb = lts_builder_new();
    for (uint32_t i = 0; i < 3; i++) lts_builder_add(cb, i, B, (i + 1) % 3);
    struct mach_builder *b = mach_builder_new();
    int left = mach_leaf(b, lts_build(lb, 0, LTS_NONE));
    int right = mach_leaf(b, lts_build(cb, 0, LTS_NONE));
    return mach_build(b, mach_par(b, (struct evset){NULL, 0}, left, right));
}

/* Divergence freedom (live) or deadlock freedom in FD of m on 1..4 ranks against the
 * one-process check: when it holds, the same figures from the distributed search.  When it
 * fails by a divergence in a space with no deadlock, the ranks' own counterexample: a
 * divergence as long as the one-process check's, ending in a state with a tau cycle in
 * reach, the same on every rank.  When a deadlock is reachable and deadlock freedom in FD
 * fails, DIST_ALONE on every rank, which leaves the counterexample to that check (a deadlock
 * met may have a nearer divergence). */
static void same_divergence(const struct machine *m, bool live, enum chk_verdict want)
{
    struct chk_result one, stuck;
    if (live) chk_divergence(m, NULL, &one);
    else chk_deadlock(m, NULL, 1, &one);
    ck_assert_int_eq(one.verdict, want);
    chk_deadlock(m, NULL, 0, &stuck);
    bool walked = want == CHK_FAILS && (live || stuck.verdict == CHK_HOLDS);
    chk_result_free(&stuck);
    for (int n = 1; n <= MAX_RANKS; n++) {
        struct job jobs[MAX_RANKS], like = {.impl = m, .live = live, .divergence = true};
        run_copies(&like, jobs, n);
        for (int i = 0; i < n; i++) {
            const struct chk_result *r = &jobs[i].r;
            ck_assert_int_eq(jobs[i].outcome, want == CHK_HOLDS || walked ? DIST_DONE : DIST_ALONE);
            if (want == CHK_HOLDS) {
                ck_assert_int_eq(r->verdict, CHK_HOLDS);
                ck_assert_uint_eq(r->states, one.states);
                ck_assert_uint_eq(r->transitions, one.transitions);
            } else if (walked) {
                ck_assert_int_eq(r->verdict, CHK_FAILS);
                ck_assert_int_eq(r->kind, CHK_DIVERGENCE);
                ck_assert_uint_eq(r->npath, one.npath);
                ck_assert_uint_eq(r->ntrace, one.ntrace);
                ck_assert_uint_eq(r->npath, jobs[0].r.npath);
                uint32_t w = mach_words(m);
                ck_assert_mem_eq(r->path, jobs[0].r.path, r->npath * w * sizeof *r->path);
                valid_path(m, r);
                uint64_t *lasso = NULL;
                size_t len = 0, loop = 0;
                const uint64_t *last = r->path + (r->npath - 1) * w;
                ck_assert_int_eq(chk_tau_lasso(m, last, 1000, &lasso, &len, &loop), 0);
                free(lasso);
            }
        }
        for (int i = 0; i < n; i++) chk_result_free(&jobs[i].r);
    }
    chk_result_free(&one);
}

START_TEST(divergence_like_one_process)
{
    /* A chain of 40 taus after 3 a's, then a's: no divergence, 44 x 7^2 states. */
    struct machine *m = with_taus(3, 40, 0, 7);
    same_divergence(m, true, CHK_HOLDS);
    same_divergence(m, false, CHK_HOLDS);
    mach_free(m);
    /* The same with a cycle of 9 taus at its end: it diverges (after 3 events). */
    m = with_taus(3, 40, 9, 7);
    same_divergence(m, true, CHK_FAILS);
    same_divergence(m, false, CHK_FAILS);
    mach_free(m);
    /* A tau to itself is a cycle; a tau at once to a state that diverges. */
    m = with_taus(0, 0, 1, 5);
    same_divergence(m, true, CHK_FAILS);
    mach_free(m);
    m = with_taus(2, 1, 2, 5);
    same_divergence(m, true, CHK_FAILS);
    mach_free(m);
    /* A long chain of taus into a cycle of 3: every state of the chain diverges, so the
     * shallowest divergent state is 3 a's deep, not at the cycle. */
    m = with_taus(3, 40, 3, 4);
    same_divergence(m, true, CHK_FAILS);
    mach_free(m);
    /* A chain of 40 taus that does not diverge (it ends in an a), then a cycle of taus: the
     * chain's states are peeled back from its end, a state a round across the ranks, and the
     * shallowest divergent state is the one after the a, 41 steps deep — a peel that left the
     * chain would report a divergence at once. */
    m = late_divergence(40);
    same_divergence(m, true, CHK_FAILS);
    same_divergence(m, false, CHK_FAILS);
    mach_free(m);
    /* Stuck but not divergent: a deadlock, which divergence freedom does not mind, but deadlock
     * freedom in FD does. */
    m = PROC({0, EV_TAU, 1}, {1, EV_TAU, 2}, {0, A, 2});
    same_divergence(m, true, CHK_HOLDS);
    same_divergence(m, false, CHK_FAILS);
    mach_free(m);
}
END_TEST

START_TEST(fd_refinement_with_taus_like_one_process)
{
    /* RUN({a, b, c}) [FD= the tau chain: holds, the whole product searched on every rank
     * count. */
    same_refinement(PROC({0, A, 0}, {0, B, 0}, {0, C, 0}), with_taus(3, 30, 0, 6), CHK_MODEL_FD,
                    CHK_HOLDS, CHK_NONE);
    /* ... and the tau cycle: a divergence, which FD refinement of a divergence-free spec
     * fails; DIST_ALONE on every rank leaves its counterexample to the one-process check. */
    replayed_alone(PROC({0, A, 0}, {0, B, 0}, {0, C, 0}), with_taus(3, 30, 4, 6), CHK_MODEL_FD);
    /* A spec that may diverge (CHAOS-like, with a tau cycle) allows the divergence: the
     * pairs under its divergent node are not expanded, so no cycle is found, and it holds. */
    same_refinement(PROC({0, EV_TAU, 0}, {0, A, 0}, {0, B, 0}, {0, C, 0}), with_taus(3, 30, 4, 6),
                    CHK_MODEL_FD, CHK_HOLDS, CHK_NONE);
}
END_TEST

START_TEST(finer_models_like_one_process)
{
    /* R, RD, V and VD see more than a pair's last refusal (revivals, refusals along the way):
     * refine.c's pairs (chk_pairs).  Here P = (a -> STOP [] b -> STOP) |~| STOP and
     * Q = a -> STOP |~| b -> STOP |~| STOP have the same failures, and P [V= Q fails (Q
     * refuses b and then does a; likewise its refusal trace <{b}, a> in R): an F search would
     * pass it.  Its counterexample is the one-process check's. */
    enum chk_model finer[] = {CHK_MODEL_R, CHK_MODEL_RD, CHK_MODEL_V, CHK_MODEL_VD};
    for (size_t m = 0; m < sizeof finer / sizeof *finer; m++) {
        replayed_alone(PROC({0, EV_TAU, 1}, {0, EV_TAU, 2}, {1, A, 3}, {1, B, 3}),
                       PROC({0, EV_TAU, 1}, {0, EV_TAU, 2}, {0, EV_TAU, 4}, {1, A, 3}, {2, B, 3}),
                       finer[m]);
        /* RUN({a, b, c}) refined by the cycles, and by the tau chain: the whole product,
         * counted as one process counts it; by the tau cycle, in RD and VD, a divergence. */
        same_refinement(PROC({0, A, 0}, {0, B, 0}, {0, C, 0}), three(7, false), finer[m],
                        CHK_HOLDS, CHK_NONE);
        same_refinement(PROC({0, A, 0}, {0, B, 0}, {0, C, 0}), with_taus(2, 20, 0, 5), finer[m],
                        CHK_HOLDS, CHK_NONE);
        if (chk_model_divergence(finer[m]))
            replayed_alone(PROC({0, A, 0}, {0, B, 0}, {0, C, 0}), with_taus(2, 20, 3, 5), finer[m]);
    }
}
END_TEST

START_TEST(ranks_agree_between_assertions)
{
    /* Rank 1 skipped the assertion at key 5 (a limit while compiling, say): rank 0, behind,
     * skips its search there; rank 1 waits at 7 until rank 0 comes; both check 7; at the
     * end every rank gets rank 0's value (the exit code). */
    const uint64_t k0[] = {5, 7, DIST_KEY_END}, k1[] = {7, DIST_KEY_END};
    struct job jobs[2];
    memset(jobs, 0, sizeof jobs);
    jobs[0].keys = k0;
    jobs[1].keys = k1;
    jobs[0].value = 3;
    jobs[1].value = 1;
    run_world(jobs, 2);
    ck_assert_int_eq(jobs[0].agreed[0], -1);
    ck_assert_int_eq(jobs[0].agreed[1], 1);
    ck_assert_int_eq(jobs[1].agreed[0], 1);
    ck_assert_int_eq(jobs[0].agreed[2], 1);
    ck_assert_int_eq(jobs[1].agreed[1], 1);
    ck_assert_uint_eq(jobs[0].value, 3);
    ck_assert_uint_eq(jobs[1].value, 3);
    /* A rank that stopped early (an interrupt) goes to the end: the others skip what is left. */
    const uint64_t e0[] = {DIST_KEY_END}, e1[] = {4, 9, DIST_KEY_END};
    memset(jobs, 0, sizeof jobs);
    jobs[0].keys = e0;
    jobs[1].keys = e1;
    run_world(jobs, 2);
    ck_assert_int_eq(jobs[1].agreed[0], -1);
    ck_assert_int_eq(jobs[1].agreed[1], -1);
    ck_assert_int_eq(jobs[1].agreed[2], 1);
    ck_assert_int_eq(jobs[0].agreed[0], 1);
    /* Ranks that compiled different machines (different scripts) are told so. */
    const uint64_t d[] = {4, DIST_KEY_END};
    memset(jobs, 0, sizeof jobs);
    jobs[0].keys = jobs[1].keys = d;
    jobs[0].print = 11;
    jobs[1].print = 12;
    run_world(jobs, 2);
    ck_assert_int_eq(jobs[0].agreed[0], -2);
    ck_assert_int_eq(jobs[1].agreed[0], -2);
}
END_TEST

Suite *checker_distributed_suite(void);
Suite *checker_distributed_suite(void)
{
    Suite *s = suite_create("checker_distributed");
    TCase *tc = tcase_create("ranks as threads");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, deadlock_like_one_process);
    tcase_add_test(tc, refinement_like_one_process);
    tcase_add_test(tc, divergence_like_one_process);
    tcase_add_test(tc, fd_refinement_with_taus_like_one_process);
    tcase_add_test(tc, finer_models_like_one_process);
    tcase_add_test(tc, ranks_agree_between_assertions);
    suite_add_tcase(s, tc);
    return s;
}
