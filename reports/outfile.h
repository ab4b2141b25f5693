/* outfile.h — writing a report or picture file atomically: the bytes go to a temporary file
 * in the same folder, which is flushed and renamed over the target only once complete, so a
 * failed, killed or out-of-space run never leaves half a file (and never clobbers a good one).
 *
 * Ownership: the caller keeps its buffer. */
#ifndef BATON_REPORTS_OUTFILE_H
#define BATON_REPORTS_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

/* Writes len bytes of data to path atomically.  0, or -1 with a one-line reason naming the
 * file in err ("cannot write 'x.svg': No space left on device"). */
int rpt_write_file(const char *path, const void *data, size_t len, char *err, size_t errlen);

/* The same for a report written as a stream (constant memory): rpt_out_open gives a FILE to
 * write to; rpt_out_commit makes it the target (0, or -1 with the reason in err: a full disk
 * found at the end still leaves the old target untouched); rpt_out_abort drops it.  Either
 * frees the rpt_out.  NULL from rpt_out_open with the reason in err. */
typedef struct rpt_out rpt_out;
rpt_out *rpt_out_open(const char *path, char *err, size_t errlen);
FILE *rpt_out_stream(rpt_out *o);
int rpt_out_commit(rpt_out *o, char *err, size_t errlen);
void rpt_out_abort(rpt_out *o);

#endif
