/* Every Check suite of the project, listed once; check_main.c runs them all.
 * To add a suite: define `Suite *NAME_suite(void)` in tests/unit/test_NAME.c, add X(NAME).
 * One suite a line, each ending in a backslash, so that additions merge cleanly. */
#define BATON_SUITES(X) \
    X(tracer_chan) \
    X(tracer_alt) \
    X(tracer_deadlock) \
    X(tracer_proc) \
    X(tracer_trace) \
    X(model_lexer) \
    X(model_parser) \
    X(model_resolve) \
    X(model_types) \
    X(model_value) \
    X(model_proc) \
    X(model_eval) \
    X(checker_explore) \
    X(checker_refine) \
    X(reports_graph) \
    X(reports_ci) \
    X(trace_export) \
    X(tracer_sched) \
    X(pictures_spec) \
    X(pictures_run) \
    X(pictures_chart) \
    X(checker_distributed) \
    X(checker_models) \
    X(checker_compress) \
    X(checker_divergence) \
    X(checker_numbering) \
    X(e2e) \
    X(corpus)
