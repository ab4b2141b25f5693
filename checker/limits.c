/* limits.c — polling the deadline, the memory budget and the state cap (see limits.h). */
#include "checker/limits.h"

#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

double chk_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static atomic_size_t peak;

size_t chk_resident(void)
{
    /* statm: size resident shared text lib data dt, in pages. */
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char buf[128];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    unsigned long long size, resident;
    if (sscanf(buf, "%llu %llu", &size, &resident) != 2) return 0;
    size_t bytes = (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
    size_t p = atomic_load_explicit(&peak, memory_order_relaxed);
    while (bytes > p && !atomic_compare_exchange_weak(&peak, &p, bytes)) {
    }
    return bytes;
}

size_t chk_peak_resident(void)
{
    chk_resident();
    return atomic_load(&peak);
}

void chk_peak_reset(void)
{
    atomic_store(&peak, 0);
}

/* The last reading, per thread, so a poll reads memory at most once a millisecond. */
static _Thread_local double last_read;
static _Thread_local size_t last_resident;

static bool progress_on, progress_shown;
static double progress_last;

void chk_progress_enable(bool on)
{
    progress_on = on;
}

void chk_progress(uint64_t states, uint64_t transitions, uint32_t depth, double start)
{
    if (!progress_on) return;
    double now = chk_now();
    if (now - start < 1.0 || now - progress_last < 0.25) return;
    progress_last = now;
    progress_shown = true;
    char where[32] = "compiling a process";     /* UINT32_MAX: not a search, no depth */
    if (depth != UINT32_MAX) snprintf(where, sizeof where, "depth %u", depth);
    fprintf(stderr, "\r  %llu states, %llu transitions, %.0f states/s, %zu MB, %s, %.1f s\033[K",
            (unsigned long long)states, (unsigned long long)transitions, states / (now - start),
            chk_resident() >> 20, where, now - start);
    fflush(stderr);
}

void chk_progress_done(void)
{
    if (!progress_shown) return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    progress_shown = false;
}

static volatile sig_atomic_t interrupted_by;

void chk_interrupt(int sig)
{
    interrupted_by = sig;
}

int chk_interrupted(void)
{
    return interrupted_by;
}

const char *chk_over_limit(const struct chk_limits *lim, uint64_t states, double start)
{
    if (interrupted_by) return "interrupt";
    if (!lim) return NULL;
    if (lim->max_states && states > lim->max_states) return "states";
    if (!lim->seconds && !lim->memory) return NULL;
    double now = chk_now();
    if (lim->deadline > 0 ? now > lim->deadline : lim->seconds > 0 && now - start > lim->seconds)
        return "time";
    if (lim->memory) {
        if (now - last_read >= 0.001 || now < last_read) {
            last_read = now;
            last_resident = chk_resident();
        }
        if (last_resident > lim->memory) return "memory";
    }
    return NULL;
}

bool chk_memory_fits(const struct chk_limits *lim, size_t more)
{
    if (!lim || !lim->memory) return true;
    size_t now = chk_resident();
    return more <= lim->memory && now <= lim->memory - more;
}

/* A number in a file (a cgroup limit), or 0 when absent or "max". */
static size_t read_limit(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    unsigned long long v = 0;
    if (fscanf(f, "%llu", &v) != 1) v = 0;
    fclose(f);
    /* cgroup v1 says "no limit" with a huge number. */
    return v >= (1ull << 60) ? 0 : (size_t)v;
}

static size_t smaller(size_t a, size_t b)
{
    return a == 0 ? b : b == 0 ? a : a < b ? a : b;
}

size_t chk_default_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    size_t total = pages > 0 && page > 0 ? (size_t)pages * (size_t)page : 0;
    total = smaller(total, read_limit("/sys/fs/cgroup/memory.max"));
    total = smaller(total, read_limit("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        total = smaller(total, (size_t)rl.rlim_cur);
    double share = 50;
    const char *e = getenv("BATON_MEMORY_SHARE");
    if (e && *e) {
        char *end;
        double s = strtod(e, &end);
        if (!*end && s > 0 && s <= 100) share = s;
    }
    return (size_t)((double)total * share / 100);
}
