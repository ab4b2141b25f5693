/* model/eval: the CSPm evaluator on small specifications — arithmetic, sets, sequences,
 * comprehensions, pattern matching, dot semantics, laziness of process terms, and the
 * located errors (unguarded recursion, division by zero, evaluation too deep). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/eval.h"
#include "model/parser.h"

static struct cspm_module *m;
static val_store *vs;
static struct evaluator *ev;

static void load(const char *text)
{
    m = cspm_load_string("t.csp", text, strlen(text));
    ck_assert_msg(diag_count(&m->diags) == 0, "the test spec does not parse");
    vs = val_store_new();
    ev = eval_new(m, vs);
    ck_assert_ptr_nonnull(ev);
}

static void unload(void)
{
    eval_free(ev);
    val_store_free(vs);
    cspm_module_free(m);
    ev = NULL;
    vs = NULL;
    m = NULL;
}

/* The value of EXPR in the loaded spec, printed; "ERROR: <first diagnostic>" on an error. */
static char out[4096];
static const char *show(const char *expr)
{
    size_t before = diag_count(&m->diags);
    struct ast_node *e = cspm_parse_expression(m, expr, strlen(expr));
    ck_assert_ptr_nonnull(e);
    const value *v = eval_expr(ev, e);
    if (!v) {
        ck_assert_uint_gt(diag_count(&m->diags), before);
        const struct diag *d = m->diags.last;
        ck_assert_ptr_nonnull(d);
        snprintf(out, sizeof out, "ERROR %u:%u: %s", d->loc.line, d->loc.col, d->msg);
        return out;
    }
    val_format(v, out, sizeof out);
    return out;
}

#define EXPECT(expr, text) ck_assert_str_eq(show(expr), text)

START_TEST(arithmetic)
{
    load("x = 7\n");
    EXPECT("1 + 2 * 3", "7");
    EXPECT("7 / 2", "3");
    EXPECT("(0 - 7) / 2", "-4");   /* floored, as libcspm's Haskell div and mod */
    EXPECT("(0 - 7) % 2", "1");
    EXPECT("7 % -2", "-1");
    EXPECT("(0 - 1) % 5", "4");
    EXPECT("x - 10", "-3");
    EXPECT("2147483647 + 1", "ERROR 1:1: integer overflow: 2147483648 is outside FDR's 32-bit integers");
    EXPECT("1 / 0", "ERROR 1:1: division by zero");
    EXPECT("1 < 2 and not (2 < 1)", "true");
    EXPECT("if x == 7 then 'a' else 'b'", "'a'");
    unload();
}
END_TEST

START_TEST(sets_and_sequences)
{
    load("S = {3, 1, 2, 1}\n");
    EXPECT("S", "{1, 2, 3}");
    EXPECT("union(S, {5})", "{1, 2, 3, 5}");
    EXPECT("diff(S, {1})", "{2, 3}");
    EXPECT("card(inter(S, {2, 3, 4}))", "2");
    EXPECT("member(4, {0..})", "true");
    EXPECT("diff({1..}, {1})", "{2..}");
    EXPECT("{1} <= S", "true");
    EXPECT("<1, 2> ^ <3>", "<1, 2, 3>");
    EXPECT("#<1, 2, 3>", "3");
    EXPECT("head(tail(<1..3>))", "2");
    EXPECT("head(<>)", "ERROR 1:1: head of the empty sequence");
    EXPECT("head(tail(<5..>))", "6");
    /* comprehensions over an infinite generator are lazy too */
    EXPECT("head(tail(<x | x <- <0..>, x % 2 == 1>))", "3");
    EXPECT("head(tail(tail(<(x, y) | x <- <0..>, y <- <1, 2>>)))", "(1, 1)");
    EXPECT("\"ab\" ^ \"c\"", "\"abc\"");
    EXPECT("Set({0, 1})", "{{}, {0}, {1}, {0, 1}}");
    EXPECT("mapLookup((| 1 => 2 |), 1)", "2");
    EXPECT("seq({2, 1})", "<1, 2>");
    unload();
}
END_TEST

START_TEST(comprehensions)
{
    load("sq(x) = x * x\n");
    EXPECT("{sq(x) | x <- {0..3}, x != 2}", "{0, 1, 9}");
    EXPECT("<(x, y) | x <- <1, 2>, y <- <x..2>>", "<(1, 1), (1, 2), (2, 2)>");
    EXPECT("{x..y | (x, y) <- {(1, 2), (5, 5)}}", "{1, 2, 5}");
    EXPECT("let f(y) = y + 1 within <f(x) | x <- <1, 2>>", "<2, 3>");
    EXPECT("(\\ x, y @ x - y)(5, 2)", "3");
    unload();
}
END_TEST

START_TEST(pattern_matching)
{
    load("len(<>) = 0\n"
         "len(<x>^xs) = 1 + len(xs)\n"
         "last(xs^<x>) = x\n"
         "one({x}) = x\n"
         "one(_) = -1\n"
         "fst((a, _)) = a\n"
         "add(x)(y) = x + y\n"
         "(p, q) = (1, loop)\n"
         "loop = loop\n"
         "f(0) = 1\n");
    EXPECT("len(<4, 5, 6>)", "3");
    EXPECT("last(<4, 5, 6>)", "6");
    EXPECT("one({7})", "7");
    EXPECT("one({7, 8})", "-1");
    EXPECT("fst((3, true))", "3");
    EXPECT("add(1)(2)", "3");
    EXPECT("p", "1");
    EXPECT("f(2)", "ERROR 1:1: no clause of 'f' matches the arguments (2)");
    unload();
}
END_TEST

START_TEST(dot_semantics)
{
    load("datatype A = B.A.{0,1}.A | C | D.{0,1,2}\n"
         "channel c : {0,1}.Bool\n"
         "channel d : A\n"
         "f3(B.x.y) = (x, y)\n"
         "f1(B.D.x) = x\n"
         "g(c.x) = x\n");
    EXPECT("B.(D.0).1.(D.2)", "B.D.0.1.D.2");
    EXPECT("f3(B.C.0.C)", "(C, 0.C)");
    EXPECT("f1(B.(D.0).1.(D.2))", "0.1.D.2");
    EXPECT("g(c.1.true)", "1.true");
    EXPECT("{| c.0 |}", "{c.0.false, c.0.true}");
    EXPECT("extensions(c)", "{0.false, 0.true, 1.false, 1.true}");
    EXPECT("c.2", "ERROR 1:1: value 2 is outside the type of channel c (field 1: {0, 1})");
    EXPECT("card(Events)", "ERROR 1:6: 'd' has infinitely many values (field 1 of 'd', A, is infinite)");
    EXPECT("D.3", "ERROR 1:1: value 3 is outside the type of constructor D (field 1: {0, 1, 2})");
    unload();
}
END_TEST

/* The number of states reachable from the process EXPR, or -1 on an error. */
static long states(const char *expr)
{
    struct ast_node *e = cspm_parse_expression(m, expr, strlen(expr));
    ck_assert_ptr_nonnull(e);
    const value *v = eval_expr(ev, e);
    if (!v) return -1;
    ck_assert_int_eq(v->kind, VAL_PROC);
    return eval_explore(ev, v, 10000, NULL);
}

START_TEST(laziness)
{
    load("channel a, b\n"
         "channel c : {0..2}\n"
         "P = a -> P\n"
         "Q = a -> SKIP\n"
         "R = Q ; R\n"
         "Count(n) = c!n -> Count((n + 1) % 3)\n"
         "Inf(n) = a -> Inf(n + 1)\n"
         "In = c?x:{0,1} -> b -> In\n");
    ck_assert_int_eq(states("P"), 1);
    ck_assert_int_eq(states("R"), 2);
    ck_assert_int_eq(states("Count(0)"), 3);
    /* b -> In does not use x: one continuation for both inputs */
    ck_assert_int_eq(states("In"), 2);
    ck_assert_int_eq(states("P [| {a} |] P"), 1);
    ck_assert_int_eq(states("(a -> STOP) \\ {a}"), 2);
    /* infinitely many states: exploring stops at the bound without an error */
    ck_assert_int_eq(states("Inf(0)"), 10001);
    /* Equal thunks are one term: P's continuation is P itself. */
    ck_assert_ptr_eq(eval_global(ev, "P"), eval_global(ev, "P"));
    unload();
}
END_TEST

START_TEST(infinite_channels_used_finitely)
{
    /* FDR enumerates a prefix's events from the fields it gives: only the fields an input
     * leaves open must be finite, so a channel with an Int field is usable wherever that
     * field is given (an output, a computed value, a dotted event); enumerating all of it
     * ({| dd |}, Events, dd?x over Int) stays a located error. */
    load("datatype T = X | Y\n"
         "channel dd : Int.T\n"
         "channel c : Int\n"
         "channel e : T.Int.T\n"
         "f(n) = n * 2\n"
         "P = dd.0?x -> P\n"
         "Q = dd!f(3)?x -> c!3 -> c.f(1) -> Q\n"
         "R = dd.0.X -> e.X.5?y -> R\n");
    ck_assert_int_eq(states("P"), 1);
    ck_assert_int_eq(states("Q"), 3);
    ck_assert_int_eq(states("R"), 2);
    EXPECT("{| dd.0 |}", "{dd.0.X, dd.0.Y}");
    EXPECT("extensions(dd.1)", "{X, Y}");
    EXPECT("productions(e.Y.7)", "{e.Y.7.X, e.Y.7.Y}");
    EXPECT("{| dd |}", "ERROR 1:4: 'dd' has infinitely many values (field 1 of 'dd', Int, is infinite)");
    EXPECT("card(Events)", "ERROR 1:6: 'dd' has infinitely many values (field 1 of 'dd', Int, is infinite)");
    EXPECT("dd?x -> STOP", "ERROR 1:3: 'dd' has infinitely many values (field 1 of 'dd', Int, is infinite)");
    EXPECT("e.X?y -> STOP", "ERROR 1:4: 'e.X' has infinitely many values (field 2 of 'e', Int, is infinite)");
    /* a restricted input draws from its set (libcspm's evalInputField), so the infinite
     * field is never enumerated; a value outside the field's type is an error, as for !v
     * (states: the prefix, one continuation per value input, STOP) */
    ck_assert_int_eq(states("dd?n:{0, 1}?x -> c!n -> STOP"), 4);
    ck_assert_int_eq(states("e?t?n:{1}?u -> dd.n.u -> STOP"), 4);
    EXPECT("e.X?n:{true}?u -> STOP", "ERROR 1:4: value true is outside the type of channel e (field 2: Int)");
    unload();
    load("channel c : {0..3}\n");
    ck_assert_int_eq(states("c?x:{1, 2} -> c!x -> STOP"), 4);
    EXPECT("c?x:{5} -> STOP", "ERROR 1:2: value 5 is outside the type of channel c (field 1: {0, 1, 2, 3})");
    /* an infinite restriction is a membership test on the field's values */
    ck_assert_int_eq(states("c?x:Int -> c!x -> STOP"), 6);
    ck_assert_int_eq(states("c?x:{2..} -> c!x -> STOP"), 4);
    unload();
    /* with every channel finite, Events and {| |} are exact */
    load("datatype T = X | Y\nchannel dd : {0..1}.T\nchannel c : T\n");
    EXPECT("Events", "{dd.0.X, dd.0.Y, dd.1.X, dd.1.Y, c.X, c.Y}");
    EXPECT("{| dd |}", "{dd.0.X, dd.0.Y, dd.1.X, dd.1.Y}");
    EXPECT("{| dd.1, c |}", "{dd.1.X, dd.1.Y, c.X, c.Y}");
    unload();
}
END_TEST

START_TEST(unguarded_recursion_is_located)
{
    load("channel a\n"
         "P = P [] a -> STOP\n"
         "X = Y + 1\n"
         "Y = X\n");
    EXPECT("P", "ERROR 2:5: 'P' is defined in terms of itself (unguarded recursion)");
    EXPECT("X", "ERROR 4:5: 'X' is defined in terms of itself (unguarded recursion)");
    /* the error leaves nothing marked: the same question gives the same answer */
    EXPECT("X", "ERROR 4:5: 'X' is defined in terms of itself (unguarded recursion)");
    unload();
}
END_TEST

START_TEST(errors_while_exploring_are_located)
{
    load("channel c : {0..3}\n"
         "P(n) = c!n -> P(n + 1)\n");
    struct ast_node *e = cspm_parse_expression(m, "P(0)", 4);
    const value *v = eval_expr(ev, e);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(eval_explore(ev, v, 100, NULL), -1);
    const struct diag *d = &m->diags.items[m->diags.count - 1];
    ck_assert_uint_eq(d->loc.line, 2);
    ck_assert_ptr_nonnull(strstr(d->msg, "outside the type of channel c"));
    unload();
}
END_TEST

START_TEST(deep_recursion_does_not_crash)
{
    load("sum(0) = 0\n"
         "sum(n) = n + sum(n - 1)\n"
         "count(<>) = 0\n"
         "count(<_>^xs) = 1 + count(xs)\n");
    EXPECT("sum(100)", "5050");
    ck_assert_ptr_nonnull(strstr(show("sum(1000000)"), "evaluation too deep"));
    ck_assert_ptr_nonnull(strstr(show("count(<0..100000>)"), "evaluation too deep"));
    EXPECT("sum(10)", "55");
    unload();
}
END_TEST

START_TEST(unchecked_names_fail_where_evaluated)
{
    /* The static name check is the renamer's (model/resolve.c, tests/unit/test_model_resolve.c);
     * eval_new does not repeat it.  Given a spec that skipped it, an unknown name or a wrong
     * number of arguments is a located error where it is evaluated. */
    const char *text = "f = g + 1\nh(a, b) = a\ny = h(1)\nz = let h(q) = q within h(1)\n";
    m = cspm_load_string("t.csp", text, strlen(text));
    vs = val_store_new();
    ev = eval_new(m, vs);
    ck_assert_uint_eq(diag_count(&m->diags), 0);
    EXPECT("f", "ERROR 1:5: unknown name 'g'");
    EXPECT("y", "ERROR 3:5: 'h' takes 2 arguments, given 1");
    EXPECT("z", "1");
    unload();
}
END_TEST

START_TEST(modules_and_instances)
{
    load("module M(k)\n"
         "exports\n"
         "  f(x) = x + k\n"
         "  channel c : {k}\n"
         "endmodule\n"
         "instance N = M(10)\n"
         "module Plain\n"
         "  hidden = 3\n"
         "exports\n"
         "  shown = hidden * 2\n"
         "endmodule\n");
    EXPECT("N::f(1)", "11");
    EXPECT("{| N::c |}", "{N::c.10}");
    EXPECT("Plain::shown", "6");
    unload();
}
END_TEST

Suite *model_eval_suite(void);
Suite *model_eval_suite(void)
{
    Suite *s = suite_create("model_eval");
    TCase *tc = tcase_create("eval");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, arithmetic);
    tcase_add_test(tc, sets_and_sequences);
    tcase_add_test(tc, comprehensions);
    tcase_add_test(tc, pattern_matching);
    tcase_add_test(tc, dot_semantics);
    tcase_add_test(tc, laziness);
    tcase_add_test(tc, infinite_channels_used_finitely);
    tcase_add_test(tc, unguarded_recursion_is_located);
    tcase_add_test(tc, errors_while_exploring_are_located);
    tcase_add_test(tc, deep_recursion_does_not_crash);
    tcase_add_test(tc, unchecked_names_fail_where_evaluated);
    tcase_add_test(tc, modules_and_instances);
    suite_add_tcase(s, tc);
    return s;
}
