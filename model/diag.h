/* Diagnostics of the CSPm front end: each one knows file:line:col and prints as
 *
 *     spec.csp:12:7: error: unknown name 'FORKS'
 *        12 | P = FORKS ||| PHILS
 *           |     ^
 *
 * (jq's locfile_locate).  A parse collects them in a diag_list so that one run reports
 * several errors; library code never prints or exits by itself.
 * Ownership: a diag_list owns its messages (diag_list_free); locations point at source files
 * owned by whoever loaded them (the cspm_module). */
#ifndef BATON_MODEL_DIAG_H
#define BATON_MODEL_DIAG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One loaded source file: its name as given (or as resolved for an include) and its bytes. */
struct cspm_file {
    const char *path;
    const char *text;   /* NUL-terminated; may also contain NUL bytes before len */
    size_t len;
};

/* A place in a source file; line and col count from 1, col in bytes. */
struct cspm_loc {
    const struct cspm_file *file;   /* NULL for "no place" (command-line errors) */
    uint32_t line, col;
};

struct diag {
    struct cspm_loc loc;
    char *msg;
};

enum { DIAG_MAX = 100 };   /* further errors are counted, not kept */

struct diag_list {
    struct diag *items;
    size_t count, cap;
    size_t dropped;         /* errors past DIAG_MAX */
    size_t repeated;        /* errors at the place of a kept one: not kept again */
    const struct diag *last;  /* the kept diagnostic the latest error is, or NULL */
};

/* Records an error at LOC, once a place: an error where one is already kept is only counted
 * (errors with no place are all kept).  Never fails: without memory the message is dropped. */
void diag_error(struct diag_list *d, struct cspm_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Total number of errors recorded, kept, repeated or dropped: it grows with every error. */
size_t diag_count(const struct diag_list *d);

/* Prints every diagnostic as shown above, in the order they were found. */
void diag_print(const struct diag_list *d, FILE *out);

/* Prints one diagnostic (used by diag_print). */
void diag_print_one(const struct diag *g, FILE *out);

void diag_list_free(struct diag_list *d);

#endif
