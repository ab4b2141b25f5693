/* forkserver.c — libbaton's side of `baton explore` (explore_proto.h).  Starting a program
 * costs an exec, the loader and the program's own start-up; forking it at its first baton_run
 * costs a copy of its page tables, so short programs can be run thousands of times a second
 * under different schedules.  The server is the process explore started: it never returns
 * from baton_run; each child returns into it with the command's seed and strategy set, runs
 * the program to its end, and exits as the program does. */
#include "tracer/forkserver.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/explore_proto.h"
#include "tracer/overflow.h"
#include "tracer/sched.h"
#include "tracer/trace.h"

static int status_fd = -1;

static void say(uint32_t type, uint32_t a, uint64_t b, uint64_t c)
{
    struct trc_explore_rec r = {type, a, b, c};
    ssize_t n;
    do n = write(status_fd, &r, sizeof r);
    while (n < 0 && errno == EINTR);
}

static bool read_cmd(int fd, struct trc_explore_cmd *c)
{
    size_t got = 0;
    while (got < sizeof *c) {
        ssize_t n = read(fd, (char *)c + got, sizeof *c - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        got += (size_t)n;
    }
    return c->magic == TRC_EXPLORE_MAGIC;
}

/* The child's run: the command's schedule, and its trace. */
static void child_setup(const struct trc_explore_cmd *c)
{
    struct trc_strategy_cfg cfg = {.kind = (enum trc_strategy)c->strategy, .depth = c->depth,
                                   .steps = c->steps, .timers_idle = c->timers_idle != 0};
    trc_set_strategy(&cfg);
    baton_set_seed(c->seed);
    char path[sizeof c->trace + 1];
    memcpy(path, c->trace, sizeof c->trace);
    path[sizeof c->trace] = '\0';
    if (path[0] && baton_trace_open(path) < 0)
        fprintf(stderr, "baton: cannot open trace file '%s': %s; running untraced\n", path,
                strerror(errno));
}

static void serve(int ctl)
{
    /* what every child's run would set up again is set up once here and inherited */
    trc_overflow_install();
    say(TRC_XR_HELLO, TRC_EXPLORE_VERSION, 0, 0);
    fflush(NULL); /* what the program printed before its run is printed once, not per child */
    struct trc_explore_cmd c;
    while (read_cmd(ctl, &c)) {
        pid_t pid = fork();
        if (pid < 0) {
            say(TRC_XR_FAILED, (uint32_t)errno, 0, 0);
            continue;
        }
        if (pid == 0) {
            close(ctl);
            child_setup(&c);
            return;
        }
        say(TRC_XR_STARTED, (uint32_t)pid, 0, 0);
        int st;
        while (waitpid(pid, &st, 0) < 0)
            if (errno != EINTR) {
                st = 0x7f00; /* "exited 127": lost */
                break;
            }
        say(TRC_XR_EXITED, (uint32_t)st, 0, 0);
    }
    _exit(0); /* explore closed the commands: the server's work is done */
}

/* A program that exits from inside a run (exit(1) in a process) still tells explore how far
 * it got: scheduling decisions and preemptions are what shrinking compares. */
static void at_exit(void)
{
    if (trc_sched.running) say(TRC_XR_RUN, 2u, trc_sched.steps, trc_sched.preemptions);
}

/* The threads of this process (/proc/self/task), or 1 when that cannot be read. */
static int threads(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d) return 1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) n += e->d_name[0] != '.';
    closedir(d);
    return n ? n : 1;
}

void trc_forkserver_enter(void)
{
    static bool entered;
    if (entered) return;
    entered = true;
    const char *e = getenv(TRC_EXPLORE_ENV);
    int ctl, st;
    if (!e || sscanf(e, "%d,%d", &ctl, &st) != 2 || st < 0) return;
    unsetenv(TRC_EXPLORE_ENV); /* not for programs this one starts */
    status_fd = st;
    atexit(at_exit);
    if (ctl < 0) return;
    /* Forked children would lack the program's other threads (fork copies one) and share its
     * open trace: such a program is run afresh for every schedule instead. */
    if (trc_w.on || threads() > 1) {
        say(TRC_XR_NOSERVER, 0, 0, 0);
        close(ctl);
        return;
    }
    serve(ctl);
}

void trc_forkserver_run_end(int deadlocked)
{
    if (status_fd >= 0) say(TRC_XR_RUN, deadlocked ? 1u : 0u, trc_sched.steps, trc_sched.preemptions);
}
