/* Shared by the data-driven suites: run a command, read a file, list a folder. */
#ifndef BATON_TEST_HARNESS_H
#define BATON_TEST_HARNESS_H

#include <stddef.h>

struct outcome {
    int status;   /* exit code, or 128 + signal number when the command was killed */
    char *out;    /* everything it wrote to stdout (NUL-terminated, owned) */
    char *err;    /* everything it wrote to stderr */
};

/* Runs CMD with /bin/sh from the project's root, with the directory of $BATON first on PATH
 * so that "baton" is the command under test.  Returns 0, or -1 if it could not be run. */
int run_command(const char *cmd, struct outcome *o);
void outcome_free(struct outcome *o);

/* The whole file as a NUL-terminated string (owned), or NULL. */
char *read_whole_file(const char *path, size_t *len);

/* The sorted names "DIR/NAME" of the files in DIR ending in SUFFIX; *n is their count.
 * The array and its strings are owned by the caller (free_paths). */
char **list_files(const char *dir, const char *suffix, size_t *n);
void free_paths(char **paths, size_t n);

/* $NAME, or FALLBACK when unset. */
const char *env_or(const char *name, const char *fallback);

#endif
