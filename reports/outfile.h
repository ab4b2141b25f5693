/* outfile.h — writing a report or picture file atomically: the bytes go to a temporary file
 * in the same folder, which is flushed and renamed over the target only once complete, so a
 * failed, killed or out-of-space run never leaves half a file (and never clobbers a good one).
 *
 * Ownership: the caller keeps its buffer. */
#ifndef BATON_REPORTS_OUTFILE_H
#define BATON_REPORTS_OUTFILE_H

#include <stddef.h>

/* Writes len bytes of data to path atomically.  0, or -1 with a one-line reason naming the
 * file in err ("cannot write 'x.svg': No space left on device"). */
int rpt_write_file(const char *path, const void *data, size_t len, char *err, size_t errlen);

#endif
