/* Every Check suite of the project, listed once; check_main.c runs them all.
 * To add a suite: define `Suite *NAME_suite(void)` in tests/unit/test_NAME.c, add X(NAME). */
#define BATON_SUITES(X)                                                                            \
    X(model_lexer)                                                                                 \
    X(model_parser)                                                                                \
    X(e2e)                                                                                         \
    X(corpus)
