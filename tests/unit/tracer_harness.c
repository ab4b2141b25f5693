/* Helpers for the runtime's suites (see tracer_harness.h). */
#include "tests/unit/tracer_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/harness.h"

void temp_name(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "/tmp/baton-%s-XXXXXX", name);
    int fd = mkstemp(buf);
    if (fd >= 0) close(fd);
}

int in_child(int (*body)(void), char **err)
{
    char path[64];
    temp_name(path, sizeof path, "stderr");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        if (!freopen(path, "w", stderr)) _exit(99);
        setvbuf(stderr, NULL, _IONBF, 0);
        int rc = body();
        fflush(NULL);
        _exit(rc);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0) return -1;
    if (err) *err = read_whole_file(path, NULL);
    unlink(path);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
