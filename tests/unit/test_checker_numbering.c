/* checker/numbering: a recorded state space numbered — dense numbers with the initial state
 * first, each state's pairs sorted without repeats — from hand-made records over several parts
 * (the parallel search's threads), and a memory budget that is too small. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/limits.h"
#include "checker/lts.h"
#include "checker/numbering.h"
#include "checker/taucycle.h"

enum { A = EV_FIRST_VISIBLE, B };

/* The pairs of state s as "event:target ..." for comparison. */
static void pairs_of(const struct numbered *x, uint32_t s, char *out, size_t size)
{
    out[0] = 0;
    for (uint32_t i = 0; i < x->count[s]; i++) {
        size_t at = strlen(out);
        snprintf(out + at, size - at, "%s%u:%u", i ? " " : "", x->pairs[x->first[s] + 2 * i],
                 x->pairs[x->first[s] + 2 * i + 1]);
    }
}

START_TEST(records_numbered_with_the_initial_state_first)
{
    /* Thread 0 recorded 50 -a-> 70, 50 -tau-> 60, and 60 -a-> 50; thread 1 recorded the
     * initial state 70 (its b twice: a repeat to drop) and 80, which has no transition. */
    uint64_t p0[] = {50, 2, A, 70, EV_TAU, 60, 60, 1, A, 50};
    uint64_t p1[] = {70, 3, B, 50, A, 50, B, 50, 80, 0};
    struct tau_part parts[2] = {{p0, 10}, {p1, 10}};
    struct numbered x;
    ck_assert(numbering_make(parts, 2, 70, 0, NULL, &x));
    ck_assert_uint_eq(x.states, 4);
    ck_assert_uint_eq(x.npairs, 5);
    /* As recorded 50, 60, 70, 80 are 0, 1, 2, 3; the initial state 70 and 50 trade places. */
    char got[128];
    pairs_of(&x, 0, got, sizeof got);
    ck_assert_str_eq(got, "2:2 3:2");  /* 70: a and b to 50, sorted, b once */
    pairs_of(&x, 1, got, sizeof got);
    ck_assert_str_eq(got, "2:2");      /* 60: a to 50 */
    pairs_of(&x, 2, got, sizeof got);
    ck_assert_str_eq(got, "0:1 2:0");  /* 50: tau to 60 first, then a to 70 */
    ck_assert_uint_eq(x.count[3], 0);  /* 80 */
    free(x.first);
    free(x.count);
    free(x.pairs);
}
END_TEST

START_TEST(a_budget_too_small_is_refused)
{
    uint64_t p0[] = {5, 1, A, 5};
    struct tau_part part = {p0, 4};
    struct chk_limits lim = {.memory = 1};
    struct numbered x;
    ck_assert(!numbering_make(&part, 1, 5, 0, &lim, &x));
    ck_assert_ptr_null(x.first);
    ck_assert_uint_eq(x.states, 0);
}
END_TEST

START_TEST(many_states_on_several_parts)
{
    /* A ring of 100 000 states over 3 parts, dealt round-robin: state i -a-> i + 1 (mod n);
     * the initial state 1000 numbered 0, and every state's one pair leads to the number of
     * the next.  Recorded as (event, hash) word pairs, and packed as event << 40 | hash. */
    enum { N = 100000, PARTS = 3 };
    for (uint32_t pack = 0; pack <= 40; pack += 40) {
        uint64_t *v[PARTS];
        struct tau_part parts[PARTS];
        for (int p = 0; p < PARTS; p++) {
            v[p] = malloc(4 * (N / PARTS + 1) * sizeof *v[p]);
            parts[p] = (struct tau_part){v[p], 0};
        }
        for (uint64_t i = 0; i < N; i++) {
            struct tau_part *p = &parts[i % PARTS];
            uint64_t next = ((i + 1) % N) * 7919 + 3;
            uint64_t rec[] = {i * 7919 + 3, 1, A, next};
            uint64_t packed[] = {i * 7919 + 3, 1, (uint64_t)A << pack | next};
            memcpy(p->v + p->n, pack ? packed : rec, pack ? sizeof packed : sizeof rec);
            p->n += pack ? 3 : 4;
        }
        struct numbered x;
        ck_assert(numbering_make(parts, PARTS, 1000 * 7919 + 3, pack, NULL, &x));
        ck_assert_uint_eq(x.states, N);
        /* Walk the ring from 0: every state once, on a, back to 0 after N steps. */
        char *met = calloc(N, 1);
        uint32_t s = 0;
        for (int i = 0; i < N; i++) {
            ck_assert_uint_eq(x.count[s], 1);
            ck_assert_uint_eq(x.pairs[x.first[s]], A);
            ck_assert(!met[s]);
            met[s] = 1;
            s = x.pairs[x.first[s] + 1];
        }
        ck_assert_uint_eq(s, 0);
        free(met);
        free(x.first);
        free(x.count);
        free(x.pairs);
        for (int p = 0; p < PARTS; p++) free(v[p]);
    }
}
END_TEST

Suite *checker_numbering_suite(void);
Suite *checker_numbering_suite(void)
{
    Suite *s = suite_create("checker_numbering");
    TCase *tc = tcase_create("core");
    /* 100 000 states twice: a second under the sanitizers, more on a loaded machine — the
     * limit only guards against a hang. */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, records_numbered_with_the_initial_state_first);
    tcase_add_test(tc, a_budget_too_small_is_refused);
    tcase_add_test(tc, many_states_on_several_parts);
    suite_add_tcase(s, tc);
    return s;
}
