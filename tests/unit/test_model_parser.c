/* The CSPm parser: precedence (checked through the parenthesised printer), declarations,
 * error messages with their locations, recovery and limits. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/parser.h"
#include "tests/unit/harness.h"

/* The parenthesised form of expression TEXT, or "error: L:C: message" for the first error. */
static char *show(const char *text)
{
    struct cspm_module *m = cspm_load_string("t.csp", "", 0);
    struct ast_node *e = cspm_parse_expression(m, text, strlen(text));
    char *out = NULL;
    if (e) out = ast_to_string(e);
    else if (asprintf(&out, "error: %u:%u: %s", m->diags.items[0].loc.line,
                      m->diags.items[0].loc.col, m->diags.items[0].msg) < 0)
        out = NULL;
    cspm_module_free(m);
    return out;
}

/* The declarations of file TEXT, one per line, or its errors "L:C: message", one per line. */
static char *load(const char *text)
{
    struct cspm_module *m = cspm_load_string("t.csp", text, strlen(text));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (diag_count(&m->diags)) {
        for (size_t i = 0; i < m->diags.count; i++)
            fprintf(f, "%u:%u: %s\n", m->diags.items[i].loc.line, m->diags.items[i].loc.col,
                    m->diags.items[i].msg);
    } else {
        for (uint32_t i = 0; i < m->decls->nkids; i++) {
            ast_print(f, m->decls->kids[i]);
            fputc('\n', f);
        }
    }
    fclose(f);
    cspm_module_free(m);
    return buf;
}

#define CHECK_EXPR(text, expected)                                                                 \
    do {                                                                                           \
        char *got_ = show(text);                                                                   \
        ck_assert_str_eq(got_, expected);                                                          \
        free(got_);                                                                                \
    } while (0)

#define CHECK_FILE(text, expected)                                                                 \
    do {                                                                                           \
        char *got_ = load(text);                                                                   \
        ck_assert_str_eq(got_, expected);                                                          \
        free(got_);                                                                                \
    } while (0)

START_TEST(arithmetic_precedence)
{
    CHECK_EXPR("x + y * z", "(x + (y * z))");
    CHECK_EXPR("x - y - z", "((x - y) - z)");
    CHECK_EXPR("-x * y + 1", "((-(x * y)) + 1)");
    CHECK_EXPR("#s ^ t + 1", "((#(s ^ t)) + 1)");
    CHECK_EXPR("a == b + 1 and not c or d", "(((a == (b + 1)) and (not c)) or d)");
    CHECK_EXPR("c.x + 1", "(c.(x + 1))");
    CHECK_EXPR("c.x.y", "(c.(x.y))");
    CHECK_EXPR("f(x)(y) + g()", "(f(x)(y) + g())");
}
END_TEST

START_TEST(process_precedence)
{
    CHECK_EXPR("a -> P [] b -> Q ||| R", "(((a -> P) [] (b -> Q)) ||| R)");
    CHECK_EXPR("P |~| Q [] R", "(P |~| (Q [] R))");
    CHECK_EXPR("P ; Q [> R /\\ S", "(((P ; Q) [> R) /\\ S)");
    CHECK_EXPR("b & a -> P [] Q", "((b & (a -> P)) [] Q)");
    CHECK_EXPR("STOP \\ {c} [] STOP", "((STOP \\ {c}) [] STOP)");
    CHECK_EXPR("STOP \\ {c} ; STOP", "((STOP \\ {c}) ; STOP)");
    CHECK_EXPR("STOP |\\ {c} ||| STOP", "((STOP |\\ {c}) ||| STOP)");
    CHECK_EXPR("c?x:S!y.z -> P", "(c?x:S!(y.z) -> P)");
    CHECK_EXPR("c.1?x$y -> STOP", "((c.1)?x$y -> STOP)");
    CHECK_EXPR("P [| A |] Q ||| R", "((P [| A |] Q) ||| R)");
    CHECK_EXPR("P [A || B] Q [] R", "(P [A || B] (Q [] R))");
    CHECK_EXPR("P [c <-> d, e <-> f | x <- X] Q", "(P [c <-> d, e <-> f | x <- X] Q)");
    CHECK_EXPR("P [| A |> Q", "(P [| A |> Q)");
    CHECK_EXPR("P [+ A +] Q /+ B +\\ R", "(P [+ A +] (Q /+ B +\\ R))");
    CHECK_EXPR("P[[a <- b, c <- d | x <- X]] [] Q", "((P[[a <- b, c <- d | x <- X]]) [] Q)");
    CHECK_EXPR("if b then P else Q [] R", "(if b then P else (Q [] R))");
    CHECK_EXPR("\\ x, y @ x + y", "(\\ x, y @ (x + y))");
    CHECK_EXPR("let f(0) = 1\n    f(n) = n\nwithin f(2)", "(let\n    f(0) = 1\n    f(n) = n\nwithin f(2))");
}
END_TEST

/* Every pair of binary process operators, printed without parentheses, parses as its
 * parenthesised form.  Levels are libcspm's (Parser.ppy, loosest first): `|||`; the parallel
 * operators; `|~|`; `[]` `[+ +]`; `/\` `/+ +\`; `[>`; `;`; then `->` and `&` (right).  All
 * are left-associative (libcspm makes the parallels non-associative; baton reads them left).
 * Hiding is loosest of all on its left and ends at the next process operator on its right:
 * `P [| A |] Q \ H` is `(P [| A |] Q) \ H` and `P \ H ||| Q` is `(P \ H) ||| Q` (libcspm's
 * hide_parsing.csp pins the second; FDR's protocols, written `SND [|…|] RCV \ {|…|}`, rely
 * on the first). */
static const struct {
    const char *fmt;   /* the operator between two processes */
    int level;
} proc_ops[] = {
    {"%s ||| %s", 1},      {"%s [| A |] %s", 2}, {"%s [A || B] %s", 2}, {"%s [c <-> d] %s", 2},
    {"%s [| A |> %s", 2},  {"%s |~| %s", 3},     {"%s [] %s", 4},       {"%s [+ A +] %s", 4},
    {"%s /\\ %s", 5},      {"%s /+ A +\\ %s", 5}, {"%s [> %s", 6},       {"%s ; %s", 7},
};
enum { NPROC_OPS = sizeof proc_ops / sizeof proc_ops[0] };

static char *apply(int op, const char *l, const char *r, int paren)
{
    char *body = NULL, *out = NULL;
    ck_assert_int_ge(asprintf(&body, proc_ops[op].fmt, l, r), 0);
    if (!paren) return body;
    ck_assert_int_ge(asprintf(&out, "(%s)", body), 0);
    free(body);
    return out;
}

START_TEST(operator_pairs)
{
    int x = _i / NPROC_OPS, y = _i % NPROC_OPS;
    /* P x Q y R */
    char *plain_l = apply(x, "P", "Q", 0), *plain = apply(y, plain_l, "R", 0);
    char *want;
    if (proc_ops[x].level >= proc_ops[y].level) {
        char *in = apply(x, "P", "Q", 1);
        want = apply(y, in, "R", 1);
        free(in);
    } else {
        char *in = apply(y, "Q", "R", 1);
        want = apply(x, "P", in, 1);
        free(in);
    }
    CHECK_EXPR(plain, want);
    free(plain_l), free(plain), free(want);

    /* hiding after the pair's first operator, and before it */
    char *pq = apply(x, "P", "Q", 0), *text = NULL, *w = NULL, *pqp = apply(x, "P", "Q", 1);
    ck_assert_int_ge(asprintf(&text, "%s \\ H", pq), 0);
    ck_assert_int_ge(asprintf(&w, "(%s \\ H)", pqp), 0);
    CHECK_EXPR(text, w);
    free(text), free(w);
    char *hq = apply(x, "P \\ H", "Q", 0), *hqp = apply(x, "(P \\ H)", "Q", 1);
    CHECK_EXPR(hq, hqp);
    free(pq), free(pqp), free(hq), free(hqp);

    /* a prefix and a guard bind tighter than every binary operator, on either side */
    char *l1 = apply(x, "a -> P", "Q", 0), *l1p = apply(x, "(a -> P)", "Q", 1);
    CHECK_EXPR(l1, l1p);
    char *r1 = apply(x, "P", "a -> Q", 0), *r1p = apply(x, "P", "(a -> Q)", 1);
    CHECK_EXPR(r1, r1p);
    char *g1 = apply(x, "g & P", "Q", 0), *g1p = apply(x, "(g & P)", "Q", 1);
    CHECK_EXPR(g1, g1p);
    char *g2 = apply(x, "P", "g & Q", 0), *g2p = apply(x, "P", "(g & Q)", 1);
    CHECK_EXPR(g2, g2p);
    free(l1), free(l1p), free(r1), free(r1p), free(g1), free(g1p), free(g2), free(g2p);
}
END_TEST

START_TEST(hiding_precedence)
{
    CHECK_EXPR("a -> P \\ {a}", "((a -> P) \\ {a})");
    CHECK_EXPR("c?x -> d!x -> P \\ {|c|}", "((c?x -> (d!x -> P)) \\ {|c|})");
    CHECK_EXPR("g & P \\ H", "((g & P) \\ H)");
    CHECK_EXPR("P \\ H \\ K", "((P \\ H) \\ K)");
    CHECK_EXPR("P \\ H ||| Q \\ K", "(((P \\ H) ||| Q) \\ K)");
    CHECK_EXPR("SND [| {|a, d|} |] (C1 ||| C2) [| {|b, c|} |] RCV \\ {|a, b, c, d|}",
               "(((SND [| {|a, d|} |] (C1 ||| C2)) [| {|b, c|} |] RCV) \\ {|a, b, c, d|})");
    CHECK_EXPR("P \\ diff(Events, {a}) [] Q", "((P \\ diff(Events, {a})) [] Q)");
    CHECK_EXPR("P \\ A[[a <- b]]", "(P \\ (A[[a <- b]]))");
    CHECK_EXPR("if b then P else Q \\ H", "(if b then P else (Q \\ H))");
    CHECK_EXPR("[] x : S @ P(x) \\ H", "([] x <- S @ (P(x) \\ H))");
    CHECK_EXPR("let Q = P within Q \\ H", "(let\n    Q = P\nwithin (Q \\ H))");
}
END_TEST

START_TEST(replicated_operators)
{
    CHECK_EXPR("[] x : S @ a -> P [] Q", "([] x <- S @ ((a -> P) [] Q))");
    CHECK_EXPR("|~| x : S, x > 1 @ P", "(|~| x <- S, (x > 1) @ P)");
    CHECK_EXPR("||| x : S @ P", "(||| x <- S @ P)");
    CHECK_EXPR("; x : <1, 2> @ P", "(; x <- <1, 2> @ P)");
    CHECK_EXPR("[| A |] x : S @ P", "([| A |] x <- S @ P)");
    CHECK_EXPR("|| x : S @ [A(x)] P(x) ||| Q", "((|| x <- S @ [A(x)] P(x)) ||| Q)");
    CHECK_EXPR("[c <-> d] x : <1, 2> @ P", "([c <-> d] x <- <1, 2> @ P)");
    CHECK_EXPR("[+ A +] x : S @ P", "([+ A +] x <- S @ P)");
}
END_TEST

START_TEST(values)
{
    CHECK_EXPR("<x | x <- <0..>, 100 < x>", "<x | x <- <0..>, (100 < x)>");
    CHECK_EXPR("<2,1> > <1,2>", "(<2, 1> > <1, 2>)");
    CHECK_EXPR("< > < <>", "(<> < <>)");
    CHECK_EXPR("<x | x <- <0..1>, x<2>", "<x | x <- <0..1>, (x < 2)>");
    CHECK_EXPR("{a..b} ^ {a..}", "({a..b} ^ {a..})");
    CHECK_EXPR("{| c, d.1 |}", "{|c, (d.1)|}");
    CHECK_EXPR("{ (x, y) | x <- A, y <- B }", "{(x, y) | x <- A, y <- B}");
    CHECK_EXPR("(| 0 => 1, 1 => 2 |)", "(| 0 => 1, 1 => 2 |)");
    CHECK_EXPR("<1.. | false>", "<1.. | false>");
    CHECK_EXPR("'a' == \"s\"", "('a' == \"s\")");
    CHECK_EXPR("M::N::x(1)", "M::N::x(1)");
}
END_TEST

START_TEST(declarations)
{
    CHECK_FILE("channel a, b : {0..1}.Bool\nchannel c\n"
               "datatype T = X | Y.{0..3} | Z.Bool.Int\nnametype N = {0..9}\n"
               "subtype S = X\nexternal chase\ntransparent normal, sbisim\n",
               "channel a, b : ({0..1}.Bool)\nchannel c\n"
               "datatype T = X | Y.{0..3} | Z.(Bool.Int)\nnametype N = {0..9}\n"
               "subtype S = X\nexternal chase\ntransparent normal, sbisim\n");
    CHECK_FILE("f(0) = 1\nf(n) = n * f(n - 1)\ng(<>) = 0\ng(<x>^xs) = x\nh(x)(y) = x\n"
               "(a, b) = (1, 2)\nk(x@@<y>, _, -1, {z}, c.w) = 0\n",
               "f(0) = 1\nf(n) = (n * f((n - 1)))\ng(<>) = 0\ng((<x> ^ xs)) = x\n"
               "h(x)(y) = x\n(a, b) = (1, 2)\nk((x @@ <y>), _, -1, {z}, (c.w)) = 0\n");
    CHECK_FILE("assert P [T= Q\nassert not P [FD= Q :[tau priority over]: {a}\n"
               "assert P :[deadlock free [F]]\nassert P :[divergence-free]\n"
               "assert P :[deterministic [FD]] :[partial order reduce [fast]]\n"
               "assert P :[has trace]: <a, b>\n",
               "assert P [T= Q\nassert not P [FD= Q :[tau priority over]: {a}\n"
               "assert P :[deadlock free [F]]\nassert P :[divergence free]\n"
               "assert P :[deterministic [FD]] :[partial order reduce [fast]]\n"
               "assert P :[has trace]: <a, b>\n");
    CHECK_FILE("module M(X)\n  x = X\nexports\n  y = x\nendmodule\ninstance I = M(1)\n"
               "print I::y\nTimed(f) {\n  P = a -> P\n}\nf :: (Int) -> Int\nf(x) = x\n",
               "module M(X)\n    x = X\nexports\n    y = x\nendmodule\ninstance I = M(1)\n"
               "print I::y\nTimed(f) {\n    P = (a -> P)\n}\nf :: ((Int) -> Int)\nf(x) = x\n");
}
END_TEST

START_TEST(syntax_errors)
{
    CHECK_EXPR("x +", "error: 1:4: expected an expression, found the end of the file");
    CHECK_EXPR("(1, 2", "error: 1:6: expected ',' or ')' in the tuple, found the end of the file");
    CHECK_EXPR("a == b == c", "error: 1:8: '==' cannot follow another comparison without parentheses");
    CHECK_EXPR("{0 | 0 <- _}", "error: 1:11: '_' can only be used in a pattern");
    CHECK_FILE("P = card(inter({0,2,3}, {1,2,4})))\n",
               "1:34: expected the end of the line after the declaration, found ')'\n");
    CHECK_FILE("P(-true) = 1\n", "1:3: invalid pattern: only integer literals can be negated in a pattern\n");
    CHECK_FILE("f(x + 1) = 1\n", "1:3: invalid pattern: '+' cannot appear in a pattern\n");
    CHECK_FILE("P = let channel c within 2\n", "1:9: 'channel' is not allowed in a let expression\n");
    CHECK_FILE("module M\nexports\n  print 1\nendmodule\n", "3:3: 'print' is not allowed inside a module\n");
    CHECK_FILE("instance I = M()\n",
               "1:15: a module instance's argument list cannot be empty: leave out the parentheses\n");
    CHECK_FILE("f :: a -> b\nf(x) = x\n",
               "1:8: the arguments of a function type are written in parentheses, as in (a) -> b\n");
    CHECK_FILE("f :: Int\n", "1:1: the type annotation of 'f' has no definition beside it\n");
    CHECK_FILE("f :: Eqs a => a\nf = 0\n",
               "1:6: unknown type class 'Eqs' (expected Eq, Ord, Set, Inputable, Complete or Yieldable)\n");
    CHECK_FILE("assert P :[deadlock free [X]]\n",
               "1:10: unknown semantic model '[X]' (expected [T], [F], [FD], [R], [RD], [V] or [VD])\n");
    CHECK_FILE("assert STOP [T= STOP :[tau priority over]: {} :[tau priority over]: {}\n",
               "1:47: an assertion takes at most one ':[tau priority over]:'\n");
    CHECK_FILE("P = a ->\n\ninclude \"x.csp\"\n",
               "3:1: 'include' must start a line of its own, between definitions\n");
    CHECK_FILE("include \"no-such-file.csp\"\n",
               "1:9: cannot open included file 'no-such-file.csp': No such file or directory\n");
}
END_TEST

START_TEST(recovery_reports_several_errors)
{
    /* A newline after '->' or ',' does not end the definition, so Q and S are swallowed. */
    CHECK_FILE("P = a ->\nQ = STOP\nR = (1, \nS = 1 +* 2\nT = STOP\n",
               "2:3: expected the end of the line after the declaration, found '=' (line 1 "
               "ends with '->', so line 2 continues the same definition)\n"
               "4:3: expected ',' or ')' in the tuple, found '=' (line 3 ends with ',', so "
               "line 4 continues the same definition)\n");
    CHECK_FILE("A = 1 2\nB = )\nC = 3\n",
               "1:7: expected the end of the line after the declaration, found '2'\n"
               "2:5: expected an expression, found ')'\n");
}
END_TEST

START_TEST(limits)
{
    /* 100 000 nested parentheses: a clear error, not a stack overflow. */
    size_t n = 100000;
    char *deep = malloc(2 * n + 8);
    memset(deep, '(', n);
    deep[n] = '1';
    memset(deep + n + 1, ')', n);
    deep[2 * n + 1] = '\0';
    char *got = show(deep);
    ck_assert_str_eq(got, "error: 1:1001: expression nested too deeply (more than 1000 levels)");
    free(got);
    /* A long left-associative chain is bounded too (walkers of the tree may recurse). */
    char *wide = malloc(4 * n + 8);
    strcpy(wide, "1");
    for (size_t i = 1, len = 1; i < 20000; i++, len += 4) memcpy(wide + len, " + 1", 5);
    got = show(wide);
    ck_assert_str_eq(got, "error: 1:1: expression too deep (more than 10000 nested operators)");
    free(got);
    free(wide);
    /* Within the limits it parses. */
    memset(deep, '(', 900);
    deep[900] = '1';
    memset(deep + 901, ')', 900);
    deep[1801] = '\0';
    got = show(deep);
    ck_assert_str_eq(got, "1");
    free(got);
    free(deep);
}
END_TEST

/* The shapes an evaluator relies on (node_list.h), checked on the tree itself. */
START_TEST(tree_shapes)
{
    const char *text = "f(0)(y) = 1\nf(n)(y) = c?x:S!n -> P [c <-> d | z <- Z] Q\n"
                       "x = 2147483647\n";
    struct cspm_module *m = cspm_load_string("t.csp", text, strlen(text));
    ck_assert_uint_eq(diag_count(&m->diags), 0);
    ck_assert_uint_eq(m->decls->nkids, 2);
    const struct ast_node *f = m->decls->kids[0];
    ck_assert_int_eq(f->kind, AST_D_FUN);
    ck_assert_str_eq(f->name, "f");
    ck_assert_uint_eq(f->nkids, 2);                         /* two clauses */
    const struct ast_node *c = f->kids[1];
    ck_assert_int_eq(c->kind, AST_CLAUSE);
    ck_assert_uint_eq(c->nkids, 3);                         /* (n), (y), right-hand side */
    ck_assert_int_eq(c->kids[0]->kids[0]->kind, AST_P_VAR);
    ck_assert_uint_eq(c->loc.line, 2);
    const struct ast_node *rhs = c->kids[2];
    ck_assert_int_eq(rhs->kind, AST_LINK_PAR);
    ck_assert_int_eq(rhs->kids[1]->kind, AST_ITEMS);
    ck_assert_int_eq(rhs->kids[1]->kids[0]->kind, AST_TIE);
    ck_assert_int_eq(rhs->kids[2]->kids[0]->kind, AST_GEN);
    const struct ast_node *pre = rhs->kids[0];
    ck_assert_int_eq(pre->kind, AST_PREFIX);
    ck_assert_uint_eq(pre->loc.col, 11);
    ck_assert_int_eq(pre->kids[1]->kids[0]->kind, AST_FIELD_IN);
    ck_assert_uint_eq(pre->kids[1]->kids[0]->nkids, 2);     /* pattern and restriction */
    ck_assert_int_eq(pre->kids[1]->kids[1]->kind, AST_FIELD_OUT);
    const struct ast_node *x = m->decls->kids[1];
    ck_assert_int_eq(x->kind, AST_D_PAT);
    ck_assert_int_eq(x->kids[1]->kind, AST_INT);
    ck_assert_int_eq(x->kids[1]->num, 2147483647);
    cspm_module_free(m);
}
END_TEST

/* Every conformance file that loads prints to text that loads to the same tree. */
static char **conformance;
static size_t nconformance;

static char *print_all(const struct cspm_module *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    for (uint32_t i = 0; i < m->decls->nkids; i++) {
        ast_print(f, m->decls->kids[i]);
        fputc('\n', f);
    }
    fclose(f);
    return buf;
}

START_TEST(printed_form_reparses)
{
    struct cspm_module *m = cspm_load_file(conformance[_i]);
    if (diag_count(&m->diags) == 0) {
        char *a = print_all(m);
        struct cspm_module *m2 = cspm_load_string("printed.csp", a, strlen(a));
        ck_assert_msg(diag_count(&m2->diags) == 0, "%s: the printed form does not parse: %s",
                      conformance[_i], m2->diags.count ? m2->diags.items[0].msg : "");
        char *b = print_all(m2);
        ck_assert_msg(strcmp(a, b) == 0, "%s: the printed form changes when re-parsed",
                      conformance[_i]);
        free(a);
        free(b);
        cspm_module_free(m2);
    }
    cspm_module_free(m);
}
END_TEST

Suite *model_parser_suite(void);
Suite *model_parser_suite(void)
{
    Suite *s = suite_create("model_parser");
    TCase *tc = tcase_create("parser");
    tcase_add_test(tc, arithmetic_precedence);
    tcase_add_test(tc, process_precedence);
    tcase_add_loop_test(tc, operator_pairs, 0, NPROC_OPS * NPROC_OPS);
    tcase_add_test(tc, hiding_precedence);
    tcase_add_test(tc, replicated_operators);
    tcase_add_test(tc, values);
    tcase_add_test(tc, declarations);
    tcase_add_test(tc, syntax_errors);
    tcase_add_test(tc, recovery_reports_several_errors);
    tcase_add_test(tc, limits);
    tcase_add_test(tc, tree_shapes);
    suite_add_tcase(s, tc);

    /* With ../shared present: the printer round trip over FDR's conformance files. */
    char path[4096];
    const char *folders[] = {"parser/should_pass", "typechecker/should_pass", "evaluator/should_pass"};
    for (size_t k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s/conformance/libcspm/%s", env_or("SHARED", "../shared"),
                 folders[k]);
        size_t n;
        char **files = list_files(path, ".csp", &n);
        if (!files) continue;
        char **all = realloc(conformance, (nconformance + n) * sizeof *all);
        if (!all) break;
        conformance = all;
        memcpy(conformance + nconformance, files, n * sizeof *files);
        nconformance += n;
        free(files);
    }
    if (nconformance) {
        TCase *rt = tcase_create("round trip");
        tcase_add_loop_test(rt, printed_form_reparses, 0, (int)nconformance);
        suite_add_tcase(s, rt);
    } else {
        fprintf(stderr, "model_parser: SKIPPED the printer round trip over FDR's libcspm suite: "
                        "no .csp files under %s/conformance/libcspm\n", env_or("SHARED", "../shared"));
    }
    return s;
}
