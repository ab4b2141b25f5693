/* Helpers for the runtime's suites (test_tracer_*.c): run code in a forked child with its
 * stderr captured, and make temporary file names. */
#ifndef BATON_TEST_TRACER_HARNESS_H
#define BATON_TEST_TRACER_HARNESS_H

#include <stddef.h>

/* Runs body() in a forked child whose stderr goes to a file; the child exits with body's
 * return value.  Returns the exit code, or 128 + signal number when the child was killed.
 * *err (if err) gets what the child wrote to stderr (owned by the caller). */
int in_child(int (*body)(void), char **err);

/* A fresh, empty temporary file's name, "/tmp/baton-NAME-XXXXXX", written into buf. */
void temp_name(char *buf, size_t len, const char *name);

#endif
