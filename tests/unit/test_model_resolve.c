/* The CSPm renamer: every name bound to its definition, and the name errors FDR reports
 * before anything runs (unknown names, duplicates, clause and call arity, patterns binding
 * twice, modules).  It is the front end's only name check (model/namecheck.c was merged in). */
#include <check.h>

#include "tests/unit/typecheck_util.h"

START_TEST(unknown_names)
{
    CHECK_ERRORS("P = Q", "1:5: unknown name 'Q'\n");
    CHECK_ERRORS("P = {x | x <- {1}, y <- {x}}\nQ = y", "2:5: unknown name 'y'\n");
    /* the statements of a renaming scope over the renamings only */
    CHECK_ERRORS("channel a : Bool\nP = STOP [[ a.x <- a.x | x <- Bool ]]\nQ = a.x -> STOP",
                 "3:7: unknown name 'x'\n");
    CHECK_ERRORS("timed(_) = 1\nP = True", "2:5: unknown name 'True'\n");
}
END_TEST

START_TEST(arity)
{
    /* One name check (the renamer) reports what the evaluator's static check reported, at the
     * same places: clauses of one function take the same argument groups (FDR: "the
     * equations do not have the same number of arguments"), and a call of a function
     * defined by clauses gives its first group's number of arguments. */
    CHECK_ERRORS("f = g + 1\nx = 1\nx = 2\nh(a, b) = a\ny = h(1)\nz = let h(q) = q within h(1)\n",
                 "3:1: 'x' is defined more than once (first at line 2)\n"
                 "1:5: unknown name 'g'\n"
                 "5:5: 'h' takes 2 arguments, given 1\n");
    CHECK_ERRORS("k(0) = 1\nk(a, b) = 2\nx = k(1)",
                 "2:1: this clause of 'k' takes other arguments than its first clause\n");
    CHECK_ERRORS("k(x)(y) = x + y\nk(x) = x", "2:1: this clause of 'k' takes other arguments than its first clause\n");
    CHECK_ERRORS("k(x)(y) = x + y\nv = k(1, 2)(3)", "2:5: 'k' takes 1 argument, given 2\n");
    /* let-bound functions too; a parameter shadowing the name is not the function */
    CHECK_ERRORS("z = let h(q) = q within h(1, 2)", "1:25: 'h' takes 1 argument, given 2\n");
    CHECK_OK("h(a, b) = a\nf(h) = h(1)\ny = f(\\ x @ x)");
    CHECK_OK("k(x)(y) = x + y\nv = k(1)(2)\nw = k(1)");
    /* an instance of a module that does not exist (the evaluator's check reported it) */
    CHECK_ERRORS("instance I = N(1)\nx = 1", "1:14: unknown module 'N'\n");
    CHECK_ERRORS("instance I = A::N(1)", "1:14: unknown module 'A'\n");
    /* a function value's arity is the typechecker's, in the same words */
    CHECK_ERRORS("f = \\ x, y @ x\nv = f(1)", "2:5: 'f' takes 2 arguments, given 1\n");
}
END_TEST

START_TEST(builtins)
{
    CHECK_OK("P = STOP [] SKIP\nx = union({1}, {2})\nb = member(1, Int) and true");
    /* a definition shadows a built-in */
    CHECK_OK("union = 2\nx = union + 1");
    CHECK_OK("P = {union | union <- {1, 2}}");
    /* WAIT and timed_priority belong to Timed sections; external functions must be declared */
    CHECK_ERRORS("P = WAIT(1)", "1:5: unknown name 'WAIT'\n");
    CHECK_OK("channel a\nTimed(\\ _ @ 1) {\n  P = WAIT(1) ; a -> P\n}");
    CHECK_ERRORS("P = prioritise(STOP, <>)", "1:5: unknown name 'prioritise'\n");
    CHECK_OK("external prioritise\nP = prioritise(STOP, <>)");
    CHECK_ERRORS("external foo", "1:10: 'foo' is not a known external function\n");
    CHECK_ERRORS("transparent loop", "1:13: 'loop' is not a known transparent function\n");
}
END_TEST

START_TEST(duplicates)
{
    CHECK_ERRORS("P = 1\nP = 2", "2:1: 'P' is defined more than once (first at line 1)\n");
    CHECK_ERRORS("channel c\nchannel c", "2:9: 'c' is defined more than once (first at line 1)\n");
    CHECK_ERRORS("datatype A = B | B", "1:18: 'B' is defined more than once (first at line 1)\n");
    CHECK_ERRORS("P = let Q = 1\n        Q = 2 within Q",
                 "2:9: 'Q' is defined more than once (first at line 1)\n");
    CHECK_ERRORS("f(x, x) = 0", "1:6: the variable 'x' is bound more than once in this pattern\n");
    CHECK_ERRORS("channel a : Int.Int\nP = a?x?x -> STOP",
                 "2:9: the variable 'x' is bound more than once in this pattern\n");
    CHECK_ERRORS("S = {x | x <- {0}, x <- {1}}",
                 "1:20: the variable 'x' is bound more than once in this pattern\n");
    /* assertions may repeat */
    CHECK_OK("assert STOP [T= STOP\nassert STOP [T= STOP");
}
END_TEST

START_TEST(patterns)
{
    /* constructors and channels in patterns are constants, not binders */
    CHECK_OK("datatype T = A | B\nf(A) = 0\nf(B) = 1");
    CHECK_OK("channel c : Bool\nh(c.true) = true\nh(_) = false");
    CHECK_ERRORS("channel c\nP = c$x?y -> STOP", "2:6: channel 'c' has no fields\n");
    CHECK_ERRORS("P(x) = x?y$z -> STOP", "1:11: a nondeterministic input '$' cannot follow an input '?'\n");
}
END_TEST

START_TEST(modules)
{
    CHECK_OK("module M\n  a = 1\nexports\n  b = a\nendmodule\nx = M::b");
    CHECK_ERRORS("module M\n  a = 1\nexports\n  b = a\nendmodule\nx = M::a",
                 "6:5: 'a' is not exported by module 'M'\n");
    CHECK_ERRORS("module M\nexports\nendmodule\nx = M", "4:5: 'M' is a module, not a value\n");
    CHECK_ERRORS("module M(p)\nexports\n  b = p\nendmodule\ninstance I = M(1, 2)",
                 "5:14: module 'M' takes 1 argument but is given 2\n");
    CHECK_OK("module M(p)\nexports\n  b = p + 1\nendmodule\ninstance I = M(1)\nx = I::b");
    CHECK_ERRORS("module M(p)\nexports\n  b = p\nendmodule\nx = M::b",
                 "5:5: module 'M' has parameters: use its members through an instance\n");
    CHECK_ERRORS("module M\nexports\n  y = I::y\nendmodule\ninstance I = M",
                 "3:7: 'I::y' depends on itself through an instance of its own module\n");
}
END_TEST

START_TEST(timed_sections)
{
    CHECK_OK("channel a\nf(_) = 1\nTimed(f) {\n  P = a -> P\n}\nQ = tock -> STOP");
    CHECK_ERRORS("channel tock : {0}\nTimed(\\ _ @ 0) { }",
                 "1:9: 'tock' must be a channel without fields when there is a Timed section\n");
}
END_TEST

Suite *model_resolve_suite(void);
Suite *model_resolve_suite(void)
{
    Suite *s = suite_create("model_resolve");
    TCase *tc = tcase_create("resolve");
    tcase_add_test(tc, unknown_names);
    tcase_add_test(tc, arity);
    tcase_add_test(tc, builtins);
    tcase_add_test(tc, duplicates);
    tcase_add_test(tc, patterns);
    tcase_add_test(tc, modules);
    tcase_add_test(tc, timed_sections);
    suite_add_tcase(s, tc);
    return s;
}
