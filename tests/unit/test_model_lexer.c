/* The CSPm lexer: token kinds, positions, the newline rule and lexical errors. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/lexer.h"

/* Lexes TEXT and writes the kinds of its tokens as "kind kind …" (names from the X-macro). */
static char *kinds(const char *text, size_t *nerrors)
{
    struct arena a;
    arena_init(&a);
    struct diag_list d = {0};
    struct cspm_file f = {"t.csp", text, strlen(text)};
    struct lex_result r;
    size_t e = lex_file(&f, &a, &d, &r);
    if (nerrors) *nerrors = e;
    char *out = calloc(1, 4096);
    for (size_t i = 0; i < r.n; i++) {
        if (i) strcat(out, " ");
        strncat(out, lex_token_spelling((enum tok_kind)r.toks[i].kind), 64);
    }
    arena_free(&a);
    diag_list_free(&d);
    return out;
}

static char *first_error(const char *text)
{
    struct arena a;
    arena_init(&a);
    struct diag_list d = {0};
    struct cspm_file f = {"t.csp", text, strlen(text)};
    struct lex_result r;
    lex_file(&f, &a, &d, &r);
    char *msg = NULL;
    if (d.count && asprintf(&msg, "%u:%u: %s", d.items[0].loc.line, d.items[0].loc.col,
                            d.items[0].msg) < 0)
        msg = NULL;
    arena_free(&a);
    diag_list_free(&d);
    return msg ? msg : strdup("(no error)");
}

#define CHECK_KINDS(text, expected)                                                                \
    do {                                                                                           \
        char *got_ = kinds(text, NULL);                                                            \
        ck_assert_str_eq(got_, expected);                                                          \
        free(got_);                                                                                \
    } while (0)

#define CHECK_ERROR(text, expected)                                                                \
    do {                                                                                           \
        char *got_ = first_error(text);                                                            \
        ck_assert_str_eq(got_, expected);                                                          \
        free(got_);                                                                                \
    } while (0)

START_TEST(operators_longest_match)
{
    CHECK_KINDS("[] |~| ||| || | [| |] [| |> [> /\\ |\\ [+ +] /+ +\\",
                "[] |~| ||| || | [| |] [| |> [> /\\ |\\ [+ +] /+ +\\ end of file");
    CHECK_KINDS("<-> <- <= < >= > -> == = => =>* :: : .. .",
                "<-> <- <= < >= > -> == = => =>* :: : .. . end of file");
    CHECK_KINDS("[[a <- b]]", "[[ identifier <- identifier ]] end of file");
    CHECK_KINDS("(| 1 => 2 |)", "(| integer => integer |) end of file");
    /* "(|||" is a parenthesised replicated interleaving, not a map. */
    CHECK_KINDS("(||| x : S @ P)", "( ||| identifier : identifier @ identifier ) end of file");
    CHECK_KINDS("<> < > <\n>", "<> <> <> end of file");
    CHECK_KINDS("<x>==s", "< identifier > == identifier end of file");
}
END_TEST

START_TEST(assertion_tokens)
{
    CHECK_KINDS("P [T= Q [FD= R [F= S", "identifier refinement ('[T=', '[F=', '[FD=' …) identifier "
                                        "refinement ('[T=', '[F=', '[FD=' …) identifier "
                                        "refinement ('[T=', '[F=', '[FD=' …) identifier end of file");
    CHECK_KINDS("P :[ deadlock free [F] ]", "identifier ':[…]' property end of file");
}
END_TEST

START_TEST(keywords_and_names)
{
    CHECK_KINDS("channel c' x_1 within Timed timed",
                "channel identifier identifier within Timed identifier end of file");
    CHECK_KINDS("_ 'a' \"s\" 42", "_ character literal string literal integer end of file");
}
END_TEST

START_TEST(newline_rule)
{
    /* A newline ends a definition… */
    CHECK_KINDS("a\nb", "identifier newline identifier end of file");
    /* …but not after a binary operator, nor before one that cannot start a definition. */
    CHECK_KINDS("a +\nb", "identifier + identifier end of file");
    CHECK_KINDS("a\n[] b", "identifier [] identifier end of file");
    CHECK_KINDS("x = 1-\n2", "identifier = integer - integer end of file");
    /* '-' and '<' may start a definition, so a newline before them counts. */
    CHECK_KINDS("a\n-b", "identifier newline - identifier end of file");
    CHECK_KINDS("a\n<b> = c", "identifier newline < identifier > = identifier end of file");
    /* Comments and blank lines collapse into one newline; leading ones vanish. */
    CHECK_KINDS("\n-- c\n\na {- x\n -}\n\n-- d\nb", "identifier newline identifier end of file");
}
END_TEST

START_TEST(positions)
{
    struct arena a;
    arena_init(&a);
    struct diag_list d = {0};
    const char *text = "P =\n  a -> {- c\n -} STOP";
    struct cspm_file f = {"t.csp", text, strlen(text)};
    struct lex_result r;
    lex_file(&f, &a, &d, &r);
    ck_assert_uint_eq(r.n, 6);
    ck_assert_uint_eq(r.toks[2].line, 2); /* a */
    ck_assert_uint_eq(r.toks[2].col, 3);
    ck_assert_uint_eq(r.toks[4].line, 3); /* STOP */
    ck_assert_uint_eq(r.toks[4].col, 5);
    arena_free(&a);
    diag_list_free(&d);
}
END_TEST

START_TEST(literal_values)
{
    struct arena a;
    arena_init(&a);
    struct diag_list d = {0};
    const char *text = "2147483647 '\\'' '☑' \"a\\\"b\\n\" '\\q'";
    struct cspm_file f = {"t.csp", text, strlen(text)};
    struct lex_result r;
    ck_assert_uint_eq(lex_file(&f, &a, &d, &r), 0);
    ck_assert_int_eq(r.toks[0].num, 2147483647);
    ck_assert_int_eq(r.toks[1].num, '\'');
    ck_assert_int_eq(r.toks[2].num, 0x2611);
    ck_assert_uint_eq(r.toks[3].len, 4);
    ck_assert_int_eq(memcmp(r.toks[3].text, "a\"b\n", 5), 0);   /* NUL-terminated too */
    ck_assert_int_eq(r.toks[4].num, 'q');   /* an unknown escape stands for the character */
    arena_free(&a);
    diag_list_free(&d);
}
END_TEST

START_TEST(lexical_errors)
{
    CHECK_ERROR("x = 2147483648",
                "1:5: integer literal 2147483648 is too large: CSPm integers are 32-bit "
                "(at most 2147483647)");
    CHECK_ERROR("x = 123456789012345678901234567890",
                "1:5: integer literal 123456789012345678901234… is too large: CSPm integers "
                "are 32-bit (at most 2147483647)");
    CHECK_ERROR("x = \"abc\ny = 1", "1:5: unterminated string literal");
    CHECK_ERROR("x = 1\n  {- {- -} never", "2:3: unterminated comment: '{-' has no matching '-}'");
    CHECK_ERROR("x = 'ab'", "1:5: invalid character literal: a character literal is one "
                            "character between single quotes, as in 'a' or '\\''");
    CHECK_ERROR("x = 1 ~ 2", "1:7: invalid character '~'");
    CHECK_ERROR("x = \x01", "1:5: invalid character byte 0x01");
    /* one error for a whole UTF-8 character, not one per byte */
    CHECK_ERROR("x\xc3\xa9 = 1", "1:2: invalid character '\xc3\xa9' (U+00E9): names are ASCII letters, digits, _ and '");
    CHECK_ERROR("x = 12ab", "1:5: invalid number '12ab': a name cannot start with a digit");
    CHECK_ERROR("assert P :[deadlock free", "1:10: unterminated ':[': expected ']'");
    size_t n;
    free(kinds("x = 1 ~ ~ 2", &n));
    ck_assert_uint_eq(n, 2);
}
END_TEST

Suite *model_lexer_suite(void);
Suite *model_lexer_suite(void)
{
    Suite *s = suite_create("model_lexer");
    TCase *tc = tcase_create("lexer");
    tcase_add_test(tc, operators_longest_match);
    tcase_add_test(tc, assertion_tokens);
    tcase_add_test(tc, keywords_and_names);
    tcase_add_test(tc, newline_rule);
    tcase_add_test(tc, positions);
    tcase_add_test(tc, literal_values);
    tcase_add_test(tc, lexical_errors);
    suite_add_tcase(s, tc);
    return s;
}
