/* model/value: interning makes equality a pointer compare; sets are canonical; values print
 * in CSPm syntax. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/value.h"

static val_store *vs;

static void setup(void)
{
    vs = val_store_new();
    ck_assert_ptr_nonnull(vs);
}

static void teardown(void)
{
    val_store_free(vs);
}

static const char *show(const value *v)
{
    static char buf[512];
    val_format(v, buf, sizeof buf);
    return buf;
}

static const value *ints(const int *xs, size_t n, int kind)
{
    const value *v[64];
    for (size_t i = 0; i < n; i++) v[i] = val_int(vs, xs[i]);
    return kind == VAL_SET ? val_set(vs, v, n) : kind == VAL_SEQ ? val_seq(vs, v, n) : val_tuple(vs, v, n);
}

START_TEST(equal_values_are_one_pointer)
{
    ck_assert_ptr_eq(val_int(vs, 42), val_int(vs, 42));
    ck_assert_ptr_ne(val_int(vs, 42), val_int(vs, 43));
    ck_assert_ptr_eq(val_bool(vs, true), val_bool(vs, true));
    ck_assert_ptr_ne(val_int(vs, 1), val_bool(vs, true));
    ck_assert_ptr_ne(val_int(vs, 65), val_char(vs, 65));
    int a[] = {1, 2, 3};
    ck_assert_ptr_eq(ints(a, 3, VAL_SEQ), ints(a, 3, VAL_SEQ));
    ck_assert_ptr_ne(ints(a, 3, VAL_SEQ), ints(a, 3, VAL_TUPLE));
    ck_assert_ptr_eq(val_string(vs, "abc", 3), val_string(vs, "abc", 3));
    /* The empty sequence and the empty string are the same value. */
    ck_assert_ptr_eq(val_string(vs, "", 0), val_seq(vs, NULL, 0));
}
END_TEST

START_TEST(sets_are_canonical)
{
    int a[] = {3, 1, 2, 3, 1}, b[] = {1, 2, 3};
    ck_assert_ptr_eq(ints(a, 5, VAL_SET), ints(b, 3, VAL_SET));
    ck_assert_str_eq(show(ints(a, 5, VAL_SET)), "{1, 2, 3}");
    ck_assert_uint_eq(ints(a, 5, VAL_SET)->n, 3);
    /* Sets of sets: order is structural, so the outer set is canonical too. */
    const value *s1 = ints(b, 1, VAL_SET), *s2 = ints(b, 2, VAL_SET);
    const value *x[] = {s2, s1}, *y[] = {s1, s2, s1};
    ck_assert_ptr_eq(val_set(vs, x, 2), val_set(vs, y, 3));
    ck_assert_str_eq(show(val_set(vs, x, 2)), "{{1}, {1, 2}}");
}
END_TEST

START_TEST(set_operations)
{
    int a[] = {1, 2, 3, 4}, b[] = {3, 4, 5}, u[] = {1, 2, 3, 4, 5}, i[] = {3, 4}, d[] = {1, 2};
    const value *A = ints(a, 4, VAL_SET), *B = ints(b, 3, VAL_SET);
    ck_assert_ptr_eq(val_set_union(vs, A, B), ints(u, 5, VAL_SET));
    ck_assert_ptr_eq(val_set_inter(vs, A, B), ints(i, 2, VAL_SET));
    ck_assert_ptr_eq(val_set_diff(vs, A, B), ints(d, 2, VAL_SET));
    ck_assert(val_set_member(A, val_int(vs, 4)));
    ck_assert(!val_set_member(A, val_int(vs, 5)));
    ck_assert(val_set_subset(ints(i, 2, VAL_SET), A));
    ck_assert(!val_set_subset(B, A));
    ck_assert(val_set_subset(val_set(vs, NULL, 0), A));
    const value *from3 = val_ints_from(vs, 3);
    ck_assert(val_set_member(from3, val_int(vs, 3)));
    ck_assert(!val_set_member(from3, val_int(vs, 2)));
    ck_assert(val_set_member(val_all_ints(vs), val_int(vs, -7)));
    ck_assert(!val_set_member(val_all_ints(vs), val_bool(vs, true)));
    ck_assert(val_set_subset(B, from3));
    ck_assert_str_eq(show(from3), "{3..}");
    ck_assert_str_eq(show(val_all_ints(vs)), "Int");
}
END_TEST

START_TEST(maps_keep_the_last_binding)
{
    const value *k[] = {val_int(vs, 2), val_int(vs, 1), val_int(vs, 2)};
    const value *v[] = {val_bool(vs, false), val_int(vs, 10), val_int(vs, 20)};
    const value *m = val_map(vs, k, v, 3);
    ck_assert_ptr_eq(val_map_lookup(m, val_int(vs, 2)), val_int(vs, 20));
    ck_assert_ptr_eq(val_map_lookup(m, val_int(vs, 1)), val_int(vs, 10));
    ck_assert_ptr_null(val_map_lookup(m, val_int(vs, 3)));
    ck_assert_str_eq(show(m), "(| 1 => 10, 2 => 20 |)");
    ck_assert_str_eq(show(val_map(vs, NULL, NULL, 0)), "(||)");
}
END_TEST

START_TEST(dots_names_and_printing)
{
    const struct val_name *c = val_name_new(vs, "left", 1, NULL);
    const struct val_name *d = val_name_new(vs, "left", 1, NULL);
    ck_assert_uint_lt(c->id, d->id);
    /* Two declarations with one spelling are different names. */
    ck_assert_ptr_ne(val_named(vs, c), val_named(vs, d));
    const value *f[] = {val_int(vs, 0), val_int(vs, 1)};
    const value *e = val_dot(vs, val_named(vs, c), f, 2);
    ck_assert_ptr_eq(e, val_dot(vs, val_named(vs, c), f, 2));
    ck_assert_str_eq(show(e), "left.0.1");
    ck_assert_ptr_eq(val_dot(vs, val_named(vs, c), NULL, 0), val_named(vs, c));
    ck_assert_ptr_eq(val_name_of(val_named(vs, c)), c);
    ck_assert_str_eq(show(val_bool(vs, true)), "true");
    ck_assert_str_eq(show(val_int(vs, -12)), "-12");
    ck_assert_str_eq(show(val_char(vs, 'a')), "'a'");
    ck_assert_str_eq(show(val_char(vs, '\'')), "'\\''");
    ck_assert_str_eq(show(val_string(vs, "a\"b\n", 4)), "\"a\\\"b\\n\"");
    ck_assert_str_eq(show(val_string(vs, "\xc3\xa9t\xc3\xa9", 5)), "\"\xc3\xa9t\xc3\xa9\"");
    ck_assert_uint_eq(val_string(vs, "\xc3\xa9t\xc3\xa9", 5)->n, 3);
    /* A malformed UTF-8 byte stands for itself. */
    ck_assert_uint_eq(val_string(vs, "\xc3", 1)->items[0]->num, 0xC3);
    int a[] = {1, 2};
    ck_assert_str_eq(show(ints(a, 2, VAL_TUPLE)), "(1, 2)");
    ck_assert_str_eq(show(ints(a, 2, VAL_SEQ)), "<1, 2>");
    ck_assert_str_eq(show(val_seq(vs, NULL, 0)), "<>");
    ck_assert_str_eq(show(val_set(vs, NULL, 0)), "{}");
}
END_TEST

START_TEST(format_is_snprintf_like)
{
    int a[] = {100, 200, 300};
    char small[6];
    size_t need = val_format(ints(a, 3, VAL_SEQ), small, sizeof small);
    ck_assert_uint_eq(need, strlen("<100, 200, 300>"));
    ck_assert_str_eq(small, "<100,");
    ck_assert_uint_eq(val_format(val_int(vs, 7), NULL, 0), 1);
}
END_TEST

START_TEST(order_is_structural)
{
    /* Kinds first, then contents: ints numerically, sequences lexicographically, sets by size. */
    ck_assert_int_lt(val_cmp(val_int(vs, -5), val_int(vs, 3)), 0);
    ck_assert_int_lt(val_cmp(val_int(vs, 99), val_bool(vs, false)), 0);
    int a[] = {1, 2}, b[] = {1, 3}, c[] = {5};
    ck_assert_int_lt(val_cmp(ints(a, 1, VAL_SEQ), ints(a, 2, VAL_SEQ)), 0);
    ck_assert_int_lt(val_cmp(ints(a, 2, VAL_SEQ), ints(b, 2, VAL_SEQ)), 0);
    ck_assert_int_lt(val_cmp(ints(c, 1, VAL_SET), ints(a, 2, VAL_SET)), 0);
    ck_assert_int_eq(val_cmp(ints(a, 2, VAL_SET), ints(a, 2, VAL_SET)), 0);
}
END_TEST

START_TEST(many_values_survive_growth)
{
    enum { N = 200000 };
    const value **v = malloc(N * sizeof *v);
    for (int i = 0; i < N; i++) v[i] = val_int(vs, i * 7919LL);
    for (int i = 0; i < N; i++) ck_assert_ptr_eq(v[i], val_int(vs, i * 7919LL));
    ck_assert_uint_ge(val_store_count(vs), N);
    /* A big set built from them in reverse is still sorted and complete. */
    const value **r = malloc(N * sizeof *r);
    for (int i = 0; i < N; i++) r[i] = v[N - 1 - i];
    const value *s = val_set(vs, r, N);
    ck_assert_uint_eq(s->n, N);
    for (int i = 0; i < N; i++) ck_assert_ptr_eq(s->items[i], v[i]);
    ck_assert(val_set_member(s, val_int(vs, 7919LL * 1234)));
    free(r);
    free(v);
}
END_TEST

START_TEST(hashes_do_not_depend_on_the_store)
{
    /* Two stores built in different orders give equal hashes: nothing hashes an address. */
    val_store *other = val_store_new();
    const value *x[] = {val_int(vs, 1), val_string(vs, "ab", 2)};
    val_int(other, 77);
    val_string(other, "zz", 2);
    const value *y[] = {val_int(other, 1), val_string(other, "ab", 2)};
    ck_assert_uint_eq(val_tuple(vs, x, 2)->hash, val_tuple(other, y, 2)->hash);
    val_store_free(other);
}
END_TEST

Suite *model_value_suite(void);
Suite *model_value_suite(void)
{
    Suite *s = suite_create("model_value");
    TCase *tc = tcase_create("values");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, equal_values_are_one_pointer);
    tcase_add_test(tc, sets_are_canonical);
    tcase_add_test(tc, set_operations);
    tcase_add_test(tc, maps_keep_the_last_binding);
    tcase_add_test(tc, dots_names_and_printing);
    tcase_add_test(tc, format_is_snprintf_like);
    tcase_add_test(tc, order_is_structural);
    tcase_add_test(tc, many_values_survive_growth);
    tcase_add_test(tc, hashes_do_not_depend_on_the_store);
    suite_add_tcase(s, tc);
    return s;
}
