/* outfile.c — atomic report files: a temporary file beside the target, written whole,
 * fsync'd, then renamed over the target.  A killed run leaves at most the temporary
 * (NAME.tmp.XXXXXX), never half a NAME. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/outfile.h"

struct rpt_out {
    FILE *f;
    char *path, *tmp;             /* tmp NULL: written in place (not a regular file) */
};

static void say(char *err, size_t errlen, const char *path, int e)
{
    snprintf(err, errlen, "cannot write '%s': %s", path, strerror(e));
}

rpt_out *rpt_out_open(const char *path, char *err, size_t errlen)
{
    struct stat st;
    rpt_out *o = calloc(1, sizeof *o);
    if (!o || !(o->path = strdup(path))) goto oom;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "cannot write '%s': it is a directory", path);
            goto fail;
        }
        /* /dev/stdout, a pipe: there is nothing to rename over, so it is written in place. */
        if (!(o->f = fopen(path, "w"))) {
            say(err, errlen, path, errno);
            goto fail;
        }
        return o;
    }
    size_t n = strlen(path);
    if (!(o->tmp = malloc(n + 16))) goto oom;
    memcpy(o->tmp, path, n);
    memcpy(o->tmp + n, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        say(err, errlen, path, errno);
        free(o->tmp);
        o->tmp = NULL;
        goto fail;
    }
    /* mkstemp makes the file 0600; a report is for reading by others, as any new file. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    if (!(o->f = fdopen(fd, "w"))) {
        say(err, errlen, path, errno);
        close(fd);
        goto fail;
    }
    return o;
oom:
    snprintf(err, errlen, "cannot write '%s': out of memory", path);
fail:
    if (o && o->tmp) unlink(o->tmp);
    if (o) {
        free(o->tmp);
        free(o->path);
    }
    free(o);
    return NULL;
}

FILE *rpt_out_stream(rpt_out *o)
{
    return o->f;
}

static void out_free(rpt_out *o)
{
    free(o->tmp);
    free(o->path);
    free(o);
}

int rpt_out_commit(rpt_out *o, char *err, size_t errlen)
{
    int saved = 0;
    if (fflush(o->f) != 0 || ferror(o->f)) saved = errno ? errno : EIO;
    if (!saved && o->tmp && fsync(fileno(o->f)) != 0 && errno != EINVAL && errno != EROFS)
        saved = errno;
    if (fclose(o->f) != 0 && !saved) saved = errno;
    if (!saved && o->tmp && rename(o->tmp, o->path) != 0) saved = errno;
    if (saved) {
        if (o->tmp) unlink(o->tmp);
        say(err, errlen, o->path, saved);
    }
    out_free(o);
    return saved ? -1 : 0;
}

void rpt_out_abort(rpt_out *o)
{
    if (!o) return;
    fclose(o->f);
    if (o->tmp) unlink(o->tmp);
    out_free(o);
}

int rpt_write_file(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    rpt_out *o = rpt_out_open(path, err, errlen);
    if (!o) return -1;
    /* A short write sets the stream's error, which rpt_out_commit reports. */
    if (len) fwrite(data, 1, len, o->f);
    return rpt_out_commit(o, err, errlen);
}
