/* The CSPm typechecker: inference, let-polymorphism, classes, channel and constructor
 * fields, annotations, and the exact message and place of each type error. */
#include <check.h>

#include "tests/unit/typecheck_util.h"

START_TEST(basic_types)
{
    CHECK_OK("x = 1 + 2 * 3\nb = not (x < 2) or x == 3\ns = <1, 2> ^ <3>\nt = {(1, 'c', \"s\")}");
    CHECK_ERRORS("x = 1 + true", "1:9: type mismatch: expected Int, found Bool\n");
    CHECK_ERRORS("x = <1> ^ {1}", "1:11: type mismatch: expected <Int>, found {Int}\n");
    CHECK_ERRORS("P = STOP [] 1", "1:13: type mismatch: expected Proc, found Int\n");
    CHECK_ERRORS("x = mapFromList(<(1, true)>)\ny = mapLookup(x, 1) + 1",
                 "2:5: type mismatch: expected Int, found Bool\n");
    CHECK_ERRORS("x = if 1 then 2 else 3",
                 "1:8: the condition of 'if': type mismatch: expected Bool, found Int\n");
}
END_TEST

START_TEST(polymorphism)
{
    /* top-level definitions are generalised; lets are monomorphic unless annotated */
    CHECK_OK("id(x) = x\ny = (id(1), id(true))");
    CHECK_ERRORS("f = let g(x) = x within (g(1), g(true))",
                 "1:34: argument 1 of 'g': type mismatch: expected Int, found Bool\n");
    CHECK_OK("f = let\n  g :: (a) -> a\n  g(x) = x\nwithin (g(1), g(true))");
    CHECK_ERRORS("f(x) = f", "1:1: in the definition of 'f': this would need an infinite type\n");
    /* mutual recursion and use before definition */
    CHECK_OK("even(0) = true\neven(n) = odd(n - 1)\nodd(0) = false\nodd(n) = even(n - 1)\nx = even(4)");
}
END_TEST

START_TEST(classes)
{
    CHECK_ERRORS("x = STOP == STOP", "1:5: Proc is not in class Eq\n");
    CHECK_OK("X = {STOP, STOP}");
    /* card, member, empty, seq and elem test membership: they need Eq (libcspm's Prelude) */
    CHECK_ERRORS("b = card({STOP})", "1:10: argument 1 of 'card': Proc is not in class Eq\n");
    CHECK_ERRORS("datatype T = A.Proc | B\nx = (A.STOP) == B",
                 "2:6: T is not in class Eq (because Proc is not in class Eq)\n");
    CHECK_ERRORS("x = (\\ y @ y) == (\\ y @ y)", "1:6: (a) -> a is not in class Eq\n");
    CHECK_OK("x = {1} <= {1, 2} and <1> < <1, 2> and 'a' < 'b'");
    CHECK_ERRORS("channel c : Proc",
                 "1:9: a channel's fields must be comparable: Proc is not in class Eq\n");
    CHECK_ERRORS("f(x) = {| x |}\nS = f(0)",
                 "2:7: argument 1 of 'f': Int is not in class Yieldable\n");
}
END_TEST

START_TEST(set_is_not_eq)
{
    /* libcspm's classes: Set (forming sets: Proc, every datatype, compounds of them) is
     * implied by Eq but does not imply it.  Seq, Set, union, inter, diff, Union, Inter and set
     * need Set only; card, member, empty, seq, elem, ==, set patterns and channel fields
     * need Eq (its Prelude and unifyConstraint).  A datatype's field types need nothing. */
    CHECK_OK("datatype T = L.Proc | N.Seq(T)");
    CHECK_OK("datatype U = L.Proc | N.Set(U)");
    CHECK_OK("datatype T = L.Proc | N.Seq(T)\ndatatype V = W.Set(Seq(T))\n"
             "f(x) = N.<x>\ng(P) = {L.P, L.STOP}\nh = union({STOP}, {SKIP})\nk = Set({STOP})");
    /* tuples and dotted values carrying processes, and functions returning them */
    CHECK_OK("datatype T = L.Proc | N.Seq(T)\nS = Seq({(STOP, 1)})\n"
             "datatype D = C.Proc.Int\nf(n) = {C.STOP.n}\ng = Set(f(1))\nh = Seq(f(2))");
    /* real Eq demands are still errors */
    CHECK_ERRORS("datatype T = L.Proc | N.Seq(T)\nb = member(L.STOP, {L.SKIP})",
                 "2:12: argument 1 of 'member': T is not in class Eq (because Proc is not in class Eq)\n");
    CHECK_ERRORS("datatype T = L.Proc | N.Seq(T)\nb = (N.<>) == (N.<>)",
                 "2:6: T is not in class Eq (because Proc is not in class Eq)\n");
    CHECK_ERRORS("b = member(STOP, {SKIP})", "1:12: argument 1 of 'member': Proc is not in class Eq\n");
    CHECK_ERRORS("b = empty({STOP})", "1:11: argument 1 of 'empty': Proc is not in class Eq\n");
    CHECK_ERRORS("b = seq({(STOP, 1)})", "1:9: argument 1 of 'seq': Proc is not in class Eq\n");
    CHECK_ERRORS("datatype T = L.Proc\nchannel c : T",
                 "2:9: a channel's fields must be comparable: T is not in class Eq (because Proc is not in class Eq)\n");
    /* Ord (<, <=, >, >=) as libcspm's unifyConstraint has it: Int, Char, tuples and maps of
     * ordered values, sets and sequences of comparable ones (subset and prefix); not Bool,
     * events, datatype values or dotted values */
    CHECK_OK("x = (1, 'a') < (2, 'b') and \"ab\" <= \"abc\" and {true} < {true, false} and <true> <= <true>");
    CHECK_ERRORS("x = true < false", "1:5: Bool is not in class Ord\n");
    CHECK_ERRORS("datatype D = A | B\nx = A < B", "2:5: D is not in class Ord\n");
    CHECK_ERRORS("channel c\nx = c < c", "2:5: Event is not in class Ord\n");
    CHECK_ERRORS("x = (1, true) < (2, false)", "1:5: Bool is not in class Ord\n");
    CHECK_ERRORS("x = (| 1 => true |) < (| 1 => false |)", "1:5: Bool is not in class Ord\n");
    /* an annotation's Ord grants Ord alone (libcspm's constraintImpliedBy) */
    CHECK_ERRORS("f :: Ord a => (a, a) -> Bool\nf(x, y) = x == y",
                 "2:1: in the definition of 'f': the type variable a needs class Eq (add 'Eq a =>' to the annotation)\n");
    CHECK_OK("f :: Ord a => (a, a) -> Bool\nf(x, y) = x < y\ng = f(1, 2)");
    /* functions form no sets at all: not in a set literal or comprehension (libcspm's
     * ensureAreEqualAndHaveConstraint CSet), not through a polymorphic function */
    CHECK_ERRORS("f(y) = y\nz = {f}", "2:5: (a) -> a is not in class Set\n");
    CHECK_ERRORS("f(y) = y\nz = {f | _ <- {1}}", "2:5: (a) -> a is not in class Set\n");
    CHECK_ERRORS("f(y) = y\nz = set(<f>)", "2:9: argument 1 of 'set': (a) -> a is not in class Set\n");
    CHECK_ERRORS("f(y) = y\ng(x) = {x}\nz = g(f)", "3:7: argument 1 of 'g': (a) -> a is not in class Set\n");
    CHECK_OK("f(y) = y\nz = <f>\nw = (f, {STOP})");
    /* Seq({f}): the set literal is the mistake, reported once (not again as Seq's argument) */
    CHECK_ERRORS("S = Seq({\\ x @ x})", "1:9: (a) -> a is not in class Set\n");
    /* an annotation's Set grants Set, not Eq; Eq grants both */
    CHECK_OK("f :: Set a => ({a}) -> {<a>}\nf(s) = Seq(s)\ng :: Eq a => ({a}) -> {{a}}\ng(s) = Set(s)");
    CHECK_ERRORS("f :: Set a => ({a}) -> Int\nf(s) = card(s)",
                 "2:1: in the definition of 'f': the type variable a needs class Eq (add 'Eq a =>' to the annotation)\n");
}
END_TEST

START_TEST(fields)
{
    CHECK_OK("channel c : {0..1}.Bool\nP = c?x!true -> c.x.false -> P\nQ = c.0?b -> STOP");
    CHECK_ERRORS("channel c : Int\nP = c?x?y -> STOP", "2:8: too many fields: channel 'c' has 1 field\n");
    CHECK_ERRORS("channel b : Int.Int\nR = b!1 -> STOP",
                 "2:5: this prefix is incomplete: channel 'b' has 2 fields but is given 1\n");
    CHECK_ERRORS("channel c : Bool\nP = c -> STOP",
                 "2:5: a prefix needs an event: type mismatch: expected Event, found Bool => Event\n");
    CHECK_ERRORS("datatype T = A.{0..1} | B\nx = A.true",
                 "2:7: field 1 of constructor 'A': type mismatch: expected Int, found Bool\n");
    CHECK_ERRORS("X = {}\nchannel c : X", "2:13: the type of this field of 'c' is ambiguous\n");
    CHECK_ERRORS("channel a : Bool\nchannel c : Int.Bool\nP = STOP [[ a <- c ]]",
                 "3:18: a renaming maps an event to one of the same type: type mismatch: "
                 "expected Bool => Event, found Int.Bool => Event\n");
    /* a constructor takes its own fields first */
    CHECK_ERRORS("datatype A = B.Bool.{0..1}\nchannel c : A\nX = {| c.B.0 |}",
                 "3:12: field 1 of 'B': type mismatch: expected Bool, found Int\n");
    /* what the checker cannot split is accepted */
    CHECK_OK("channel c : {0..1}.{0..1}\nf(x) = c.x -> STOP");
}
END_TEST

START_TEST(nametype_type_expressions)
{
    /* A nametype's right side is a type expression, as a channel's fields are (libcspm's
     * evalTypeExpr): a tuple of sets is the set of tuples, a dotted one the set of dotted
     * values; whatever a channel field accepts inline it accepts through a nametype. */
    const char *decls = "datatype Node = A | B\nT = {0..1}\nnametype packet = (Node, Node, T)\n";
    char text[1024];
    snprintf(text, sizeof text, "%schannel ring : Node.packet\nP = ring?n?p -> P", decls);
    CHECK_OK(text);
    /* ... and the nametype is that set wherever it is used */
    snprintf(text, sizeof text, "%sx = card(packet)\ny = {a | (a, _, _) : packet}\n"
             "z = member((A, B, 1), packet)", decls);
    CHECK_OK(text);
    /* nested nametypes, a dotted nametype, and each as a field */
    snprintf(text, sizeof text, "%snametype M = Node.T\nnametype N = (packet, M)\n"
             "channel c : N\nchannel d : M.Bool\nx = card(M) + card(N)\ny = member(A.1, M)\n"
             "P = c?(p, m) -> d.m.true -> d!B.0!false -> P", decls);
    CHECK_OK(text);
    /* a dotted type expression inside a tuple, inline and through a nametype */
    snprintf(text, sizeof text, "%snametype N = (Node.T, Bool)\nchannel c : (Node.T, Bool)\n"
             "channel d : N\nx = card(N)\nP = c?(a.b, t) -> d!(a.b, t) -> P", decls);
    CHECK_OK(text);
    /* its values are typed: a tuple of a Node, a Node and an Int */
    snprintf(text, sizeof text, "%sx = member((A, 1, 1), packet)", decls);
    CHECK_ERRORS(text, "4:23: argument 2 of 'member': type mismatch: expected {(Node, Int, Int)}, "
                       "found {(Node, Node, Int)}\n");
    snprintf(text, sizeof text, "%snametype M = Node.T\nx = member(0, M)", decls);
    CHECK_ERRORS(text, "5:15: argument 2 of 'member': type mismatch: expected {Int}, found {Node.Int}\n");
    /* a nametype's annotation is the set's type */
    snprintf(text, sizeof text, "%spacket :: {(Node, Node, Int)}", decls);
    CHECK_OK(text);
}
END_TEST

START_TEST(dotted_types)
{
    /* A dotted value no channel or constructor heads has a dotted type: two integers dotted
     * are never one integer. */
    CHECK_ERRORS("x = (0.1) == 0", "1:14: type mismatch: expected Int.Int, found Int\n");
    /* A channel without fields dotted with a value is no event. */
    CHECK_ERRORS("channel c\nP = c.1 -> STOP",
                 "2:5: a prefix needs an event: type mismatch: expected Event, found Event.Int\n");
    /* A dot pattern's parts are whole values and its last part takes what is left: x.y
     * against 1.2.3 binds y to 2.3. */
    CHECK_OK("f(x.y) = y\nz = f(1.2.3) == (2.3)");
    /* A.1.A is the value A.1 dotted with the constructor A still short of its field: two
     * parts, which x.y.z cannot split into three (libcspm's empty_dot_sequence)… */
    CHECK_ERRORS("datatype T = A.Int\nf(x.y.z) = (x, y, z)\nx = f(A.1.A)",
                 "3:7: argument 1 of 'f': type mismatch: expected T.a.b, found T.(Int => T)\n");
    /* …but x.y can. */
    CHECK_OK("datatype T = A.Int\ng(x.y) = y\nw = g(A.1.A)");
    /* An input restricted to dotted values takes as many fields as they have parts (x is
     * Bool.A, y the last Bool); in an event, a variable before the last item takes one
     * field and the last all that remain (R's x is Bool, y is A.Bool), so R(x, y) mixes
     * the two splits (libcspm's dot_operator_longest_match). */
    CHECK_OK("datatype A = B.{0..1} | X.{0..1}.{0..1}\nchannel e : Bool.A.Bool\n"
             "P = e?x:{true.B.0}?y -> e.x.y -> STOP");
    CHECK_ERRORS("datatype A = B.{0..1} | X.{0..1}.{0..1}\nchannel e : Bool.A.Bool\n"
                 "Q = e?x:{true.B.0}?y -> R(x, y)\nR(x, y) = e.x.y -> STOP",
                 "3:27: argument 1 of 'R': type mismatch: expected Bool, found Bool.A\n"
                 "3:30: argument 2 of 'R': type mismatch: expected A.Bool, found Bool\n");
    /* What might still be a constructor taking the parts after it is not judged: FF.y with
     * y unknown (libcspm accepts it as an A), c!x with x a dotted value for two fields. */
    CHECK_OK("datatype A = EE.{0..1} | FF\ng(x, y) = if true then EE.x else FF.y");
    CHECK_OK("channel c : Int.Int\nf(x) = c!x -> STOP\nP = f(0.1)");
}
END_TEST

START_TEST(partial_values)
{
    /* A constructor among the items takes its own fields first, and a value whose items
     * run out at a field boundary is still short of the fields after it: D_A.B_A.d fills
     * D_A's first field with B_A.d and still needs an A. */
    const char *decls = "datatype A = A_A\ndatatype B = B_A.A\ndatatype D = D_A.B.A\n";
    char text[512];
    snprintf(text, sizeof text, "%sx = (D_A.B_A.A_A) == (D_A.B_A.A_A.A_A)", decls);
    CHECK_ERRORS(text, "4:23: type mismatch: expected A => D, found D\n");
    /* ... so a field of the inner constructor is checked as well */
    snprintf(text, sizeof text, "%sx = {| D_A.B_A.0 |}", decls);
    CHECK_ERRORS(text, "4:16: field 1 of 'B_A': type mismatch: expected A, found Int\n");
    /* libcspm's class Complete: a nametype names a set of whole values, never of values
     * still short of fields (nametypes1.csp). */
    snprintf(text, sizeof text, "%snametype E = {D_A.B_A.d | d <- A}\ntest1 = not empty(E)", decls);
    CHECK_ERRORS(text, "4:14: the values of nametype 'E' are incomplete: they still need fields (A => D)\n");
    /* Complete values are fine, and so are sets of partial values outside nametypes
     * (libcspm's class Set allows them: {| |} and productions build such sets). */
    snprintf(text, sizeof text, "%snametype E = {D_A.B_A.d.a | d <- A, a <- A}\n"
             "S = {D_A.B_A.d | d <- A}\nT = {| D_A.B_A.A_A |}", decls);
    CHECK_OK(text);
    /* a partial value as an item keeps the split uncertain: accepted as before */
    snprintf(text, sizeof text, "%sf(y) = D_A.y.A_A", decls);
    CHECK_OK(text);
}
END_TEST

START_TEST(unknown_channels)
{
    /* A dot whose head is a parameter, in a renaming, makes the parameter a channel taking
     * the items given and yielding what may still need fields (libcspm's ensureIsChannel):
     * x.0 <- y.1 gives x and y the types Int => r for one r, so x and y must take the same
     * fields (rename_5.csp). */
    CHECK_ERRORS("channel c : Int.Int\nchannel d : Int.Bool\ntest(x, y) = STOP[[x.0 <- y.1]]\n"
                 "test2 = test(c, d)",
                 "4:17: argument 2 of 'test': type mismatch: expected Int.Int => Event, found Int.Bool => Event\n");
    /* The first fields may differ; what is left must agree.  A channel of one field makes
     * the remainder an event; links follow the same rule. */
    CHECK_OK("channel c : Int.Int\nchannel d : Bool.Int\nchannel e : Int.Bool\nchannel g : Int\n"
             "f1(x, y) = STOP[[x.0 <- y.true]]\nT1 = f1(c, d)\n"
             "f2(x) = STOP[[x.0 <- x.1]]\nT2 = f2(e)\nT3 = f2(g)\n"
             "f3(x, y) = STOP [x.0 <-> y.0] STOP\nT4 = f3(c, c)\n"
             "K(x) = STOP[[x.0 <- x.1]][[x.2 <- x.3]]\nT5 = K(c)");
    /* one channel cannot take an Int and a Bool as its first field */
    CHECK_ERRORS("channel c : Int.Int\nf(x) = STOP [x.0 <-> x.true] STOP\nT = f(c)",
                 "2:24: field 1 of 'x': type mismatch: expected Int, found Bool\n");
    /* Named in {| |}, x is a channel or constructor whose fields are the items of its dots:
     * (x.y, x.z) makes y and z one type (divergent_extendable.csp). */
    CHECK_ERRORS("channel c : Int.Int\nF(x, y, z) = let a = {|x|} within (x.y, x.z)\nG = F(c, 1, true)",
                 "3:13: argument 3 of 'F': type mismatch: expected Int, found Bool\n");
    /* Whether y is one field or all that are left is not known before a call: both are
     * accepted (F2(c, 1.2) and F2(g, 1)), and x.1 leaves the rest to the channel. */
    CHECK_OK("channel c : Int.Int\nchannel g : Int\ndatatype DT = Ctor.Int.Bool\n"
             "F2(x, y) = let a = {|x|} within x.y\nT1 = F2(c, 1.2)\nT2 = F2(g, 1)\n"
             "G(x, y, z) = let a = {|x|} within (x.y, x.z)\nT3 = G(c, 1.2, 3.4)\nT4 = G(g, 1, 2)\n"
             "L(x) = {| x |}\nL2(x) = (L(x), x.1)\nT5 = L2(Ctor)");
    /* A value short of fields (here let-bound) takes its items as fields. */
    CHECK_OK("channel c : Int.Int\npp = c.1\nP1 = pp.2 -> STOP");
    CHECK_ERRORS("channel c : Int.Int\npp = c.1\nP1 = pp.true -> STOP",
                 "3:9: field 1 of 'pp': type mismatch: expected Int, found Bool\n");
    /* A field typed by a module parameter is shared by every instance: a use inside the
     * module does not fix it (J's {true} is as good as I's {0..1}). */
    CHECK_OK("module M(S)\n  channel c : S\n  p = c\n  P(v) = p.v -> STOP\nexports\n  Q = P(1)\n"
             "  Q2(x) = p.x -> STOP\nendmodule\ninstance I = M({0..1})\ninstance J = M({true})\n"
             "X = I::Q\nY = J::Q2(true)");
    /* A yield of a yield is one yield (libcspm's normal form): Int.Int => Event is what an
     * annotation's x.1.2 needs; Int => Event cannot take c's two fields. */
    CHECK_OK("channel c : Int.Int\nh :: (Int.Int => Event) -> Proc\nh(x) = x.1.2 -> STOP\nT = h(c)");
    CHECK_ERRORS("channel c : Int.Int\nq :: (Int => Event) -> Proc\nq(x) = x.1 -> STOP\nT = q(c)",
                 "4:7: argument 1 of 'q': type mismatch: expected Int => Event, found Int.Int => Event\n");
    /* A channel passed around and dotted with another channel's partial value, as in
     * generic_rename.csp, is accepted when called. */
    CHECK_OK("channel a, b : Int\nchannel p : {| a, b |}\ngeneric(in, out, pass) =\n  let\n"
             "    R = in?x -> in.x -> out.x -> let z = out.x within pass.z -> R\n"
             "    P = pass.in?x -> pass.out.x -> R\n    Z = P[[pass.out <- out]]\n  within Z\n"
             "Q = generic(a, b, p)");
    /* An item known to be a channel (named in {| |}) may be one still short of fields:
     * pass.out is p.b, short of an Int, not a field of its own, so nothing is fixed. */
    CHECK_OK("channel a, b : Int\nchannel p : {| a, b |}\n"
             "generic(in, out, pass) = ({| pass, in, out |}, pass.out, pass.in.1, STOP[[pass.out <- pass.in]])\n"
             "Q = generic(a, b, p)");
}
END_TEST

START_TEST(annotations)
{
    CHECK_OK("f :: (Int) -> Int\nf(x) = x + 1\ng :: Eq a => (a, a) -> Bool\ng(x, y) = x == y");
    CHECK_ERRORS("f :: (a) -> a\nf(x) = 1",
                 "2:1: in the definition of 'f': type mismatch: expected (a) -> a, found (a) -> Int\n");
    CHECK_ERRORS("f :: (a, a) -> Bool\nf(x, y) = x == y",
                 "2:1: in the definition of 'f': the type variable a needs class Eq "
                 "(add 'Eq a =>' to the annotation)\n");
    CHECK_ERRORS("f :: Set b => (a) -> a\nf(x) = x",
                 "1:10: the type variable 'b' of this constraint does not appear in the type\n");
    CHECK_ERRORS("c :: Bool => Event\nchannel c : Int",
                 "2:9: the annotation of 'c': type mismatch: expected Bool => Event, found Int => Event\n");
    /* `a =>* t` stands for the fields still to come, which only a type variable can */
    CHECK_OK("f :: (b => Event, a =>* b) -> a =>* Event\nf(x, y) = x");
    CHECK_ERRORS("f :: (Event =>* b) -> Int\nf(x) = 0",
                 "1:7: the left of '=>*' must be a type variable (the fields still to come)\n");
    CHECK_ERRORS("g :: Eq a => (a, a) -> Bool\ng(x, y) = x == y\nh = g(STOP, STOP)",
                 "3:7: argument 1 of 'g': Proc is not in class Eq\n");
}
END_TEST

START_TEST(module_instances)
{
    /* arguments against the parameters' types, with the classes the body needs */
    CHECK_ERRORS("module M(X)\nexports\n  Y(x) = X == x\nendmodule\ninstance I = M(\\ _ @ 0)",
                 "5:16: argument 1 of module 'M': (a) -> Int is not in class Eq\n");
    /* each instance has its own datatypes */
    CHECK_ERRORS("module M(X)\nexports\n  datatype T = A | B.X\nendmodule\n"
                 "instance I1 = M({0})\ninstance I2 = M({1})\nx = I1::A == I2::A",
                 "7:14: type mismatch: expected I1::T, found I2::T\n");
    /* a value built through an instance is of that instance's datatype, even when the
     * constructor's field is typed by the parameter: I1::Z.0 is an I1::T, never an I2::T */
    CHECK_ERRORS("module M(X)\nexports\n  datatype T = Z.X\nendmodule\n"
                 "instance I1 = M({0})\ninstance I2 = M({1})\nx = (I1::Z.0) == (I2::Z.1)",
                 "7:19: type mismatch: expected I1::T, found I2::T\n");
    /* …and the parameter is not tied to one instance's argument: {0} and {true} both fit */
    CHECK_OK("module M(X)\nexports\n  datatype T = Z.X\nendmodule\n"
             "instance I1 = M({0})\ninstance I2 = M({true})\nx = (I1::Z.0) == (I1::Z.1)\n"
             "y = (I2::Z.true) == (I2::Z.false)");
    /* a function reached through an instance works on that instance's datatypes — also
     * those of an enclosing module's instance (X2 = X1::N reaches M's T through X1) */
    CHECK_ERRORS("module M(x)\nexports\n  datatype T = A\n  module N(y)\n  exports\n    f(z) = z == A\n"
                 "  endmodule\nendmodule\ninstance X1 = M(0)\ninstance X2 = X1::N(0)\n"
                 "instance Y1 = M(0)\nb = X2::f(Y1::A)",
                 "12:11: argument 1 of 'X2::f': type mismatch: expected X1::T, found Y1::T\n");
    CHECK_OK("module M(x)\nexports\n  datatype T = A\n  module N(y)\n  exports\n    f(z) = z == A\n"
             "  endmodule\nendmodule\ninstance X1 = M(0)\ninstance X2 = X1::N(0)\nb = X2::f(X1::A)");
    CHECK_ERRORS("module M(X)\nexports\n  channel c : X\nendmodule\ninstance N = M({})",
                 "5:16: the type of this argument is ambiguous: module 'M' uses it as a field type\n");
}
END_TEST

START_TEST(processes)
{
    CHECK_OK("channel a, b : {0..2}\n"
             "P = a?x -> b!x -> P [] (|~| y : {0, 1} @ a.y -> STOP)\n"
             "Q = P [| {| a |} |] (P \\ {| b |}) ||| [] z : {0, 1} @ STOP\n"
             "R = P [a <-> b] P\n"
             "assert P [FD= Q\nassert R :[deadlock free]\nassert STOP :[has trace]: <a.0>");
    CHECK_ERRORS("channel a : {0..2}\nP = ; x : {0, 1} @ a.x -> SKIP",
                 "2:11: a generator here draws from a sequence: type mismatch: expected <a>, found {Int}\n");
    CHECK_ERRORS("channel a : {0..2}\nP = STOP [| {1} |] STOP",
                 "2:13: type mismatch: expected {Event}, found {Int}\n");
}
END_TEST

START_TEST(returns_the_error_count)
{
    int n = 0;
    char *s = static_errors("x = 1 + true\ny = not 1", &n);
    ck_assert_int_eq(n, 2);
    free(s);
    s = static_errors("x = 1", &n);
    ck_assert_int_eq(n, 0);
    free(s);
}
END_TEST

START_TEST(deep_trees)
{
    /* 9 000 levels of a left-associative chain: recursion, not a stack overflow */
    size_t n = 9000;
    char *text = malloc(8 + 4 * n);
    strcpy(text, "x = 1");
    char *p = text + strlen(text);
    for (size_t i = 1; i < n; i++) p += sprintf(p, " + 1");
    CHECK_OK(text);
    free(text);
}
END_TEST

Suite *model_types_suite(void);
Suite *model_types_suite(void)
{
    Suite *s = suite_create("model_types");
    TCase *tc = tcase_create("types");
    tcase_add_test(tc, basic_types);
    tcase_add_test(tc, polymorphism);
    tcase_add_test(tc, classes);
    tcase_add_test(tc, set_is_not_eq);
    tcase_add_test(tc, fields);
    tcase_add_test(tc, nametype_type_expressions);
    tcase_add_test(tc, dotted_types);
    tcase_add_test(tc, partial_values);
    tcase_add_test(tc, unknown_channels);
    tcase_add_test(tc, annotations);
    tcase_add_test(tc, module_instances);
    tcase_add_test(tc, processes);
    tcase_add_test(tc, returns_the_error_count);
    tcase_add_test(tc, deep_trees);
    suite_add_tcase(s, tc);
    return s;
}
