/* Every Check suite of the project, listed once; check_main.c runs them all.
 * To add a suite: define `Suite *NAME_suite(void)` in tests/unit/test_NAME.c, add X(NAME). */
#define BATON_SUITES(X)                                                                            \
    X(tracer_chan)                                                                                 \
    X(tracer_alt)                                                                                  \
    X(tracer_deadlock)                                                                             \
    X(tracer_proc)                                                                                 \
    X(tracer_trace)                                                                                \
    X(e2e)                                                                                         \
    X(corpus)
