/* Helpers for the data-driven suites (see harness.h). */
#include "tests/unit/harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

char *read_whole_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) { free(buf); buf = NULL; break; }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) return NULL;
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

static char *slurp_fd(int fd)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    char *s = read_whole_file(path, NULL);
    close(fd);
    return s ? s : strdup("");
}

static int temp_fd(void)
{
    char name[] = "/tmp/baton-test-XXXXXX";
    int fd = mkstemp(name);
    if (fd >= 0) unlink(name);
    return fd;
}

int run_command(const char *cmd, struct outcome *o)
{
    memset(o, 0, sizeof *o);
    int out = temp_fd(), err = temp_fd();
    if (out < 0 || err < 0) return -1;

    char bindir[4096];
    snprintf(bindir, sizeof bindir, "%s", env_or("BATON", "build/baton"));
    char *dir = dirname(bindir);
    char abs[4096];
    if (!realpath(dir, abs)) snprintf(abs, sizeof abs, "%s", dir);

    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        char path[8192];
        snprintf(path, sizeof path, "%s:%s", abs, env_or("PATH", "/usr/bin:/bin"));
        setenv("PATH", path, 1);
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        dup2(out, 1);
        dup2(err, 2);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {}
    o->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    lseek(out, 0, SEEK_SET);
    lseek(err, 0, SEEK_SET);
    o->out = slurp_fd(out);
    o->err = slurp_fd(err);
    return 0;
}

void outcome_free(struct outcome *o)
{
    free(o->out);
    free(o->err);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **list_files(const char *dir, const char *suffix, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return NULL;
    size_t cap = 16;
    char **v = malloc(cap * sizeof *v);
    struct dirent *e;
    size_t sl = strlen(suffix);
    while (v && (e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l <= sl || strcmp(e->d_name + l - sl, suffix) != 0) continue;
        if (*n == cap) {
            char **bigger = realloc(v, 2 * cap * sizeof *v);
            if (!bigger) break;
            v = bigger;
            cap *= 2;
        }
        size_t need = strlen(dir) + l + 2;
        v[*n] = malloc(need);
        snprintf(v[*n], need, "%s/%s", dir, e->d_name);
        (*n)++;
    }
    closedir(d);
    if (v) qsort(v, *n, sizeof *v, by_name);
    return v;
}

void free_paths(char **paths, size_t n)
{
    for (size_t i = 0; i < n; i++) free(paths[i]);
    free(paths);
}
