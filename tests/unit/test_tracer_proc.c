/* libbaton at scale and at its limits: 100 000 live processes in one daisy chain, and stack
 * overflows reported with the process's name (guard page — on every stack where the kernel has
 * guard markers, on the first 8 192 elsewhere — and canary past the guarded stacks and on
 * compact one-page stacks), after which the program aborts; the helper thread that prepares
 * stacks ahead ends with its run and survives fork(2). */
#include <check.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "baton.h"
#include "tests/unit/tracer_harness.h"

Suite *tracer_proc_suite(void);

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN_OR(a, b) (a)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN_OR(a, b) (a)
#endif
#endif
#ifndef UNDER_ASAN_OR
#define UNDER_ASAN_OR(a, b) (b)
#endif

#define ck_assert_has(hay, needle)                                                                 \
    ck_assert_msg(hay && strstr(hay, needle), "expected \"%s\" in:\n%s", needle, hay ? hay : "(null)")

/* ---- 100 000 live processes (Pike's daisy chain) ------------------------------------------- */

enum { CHAIN = 100000 };

struct link { baton_chan *left, *right; };
static struct link links[CHAIN];
static int64_t result;
static size_t chain_stack; /* 0: the default */

static void whisper(void *arg)
{
    struct link *l = arg;
    int64_t v;
    ck_assert_int_eq(baton_recv_int(l->right, &v), 0);
    ck_assert_int_eq(baton_send_int(l->left, v + 1), 0);
}

static void first(void *arg)
{
    baton_send_int(arg, 1);
}

static void chain_main(void *arg)
{
    (void)arg;
    baton_chan *leftmost = baton_chan_int("chain", 0), *left = leftmost, *right = leftmost;
    for (int i = 0; i < CHAIN; i++) {
        right = baton_chan_int("chain", 0);
        ck_assert_ptr_nonnull(right);
        links[i] = (struct link){left, right};
        if (chain_stack)
            ck_assert_int_eq(baton_go_stack("whisper", whisper, &links[i], chain_stack), 0);
        else
            ck_assert_int_eq(baton_go("whisper", whisper, &links[i]), 0);
        left = right;
    }
    ck_assert_int_eq(baton_go("first", first, right), 0);
    ck_assert_int_eq(baton_recv_int(leftmost, &result), 0);
    baton_chan_free(leftmost);
    for (int i = 0; i < CHAIN; i++) baton_chan_free(links[i].right);
}

START_TEST(hundred_thousand_live_processes)
{
    result = 0;
    ck_assert_int_eq(baton_run(chain_main, NULL), 0);
    ck_assert_int_eq(result, CHAIN + 1);
    /* and again, reusing the pooled stacks */
    result = 0;
    ck_assert_int_eq(baton_run(chain_main, NULL), 0);
    ck_assert_int_eq(result, CHAIN + 1);
    /* and with compact one-page stacks */
    result = 0;
    chain_stack = 4096;
    ck_assert_int_eq(baton_run(chain_main, NULL), 0);
    ck_assert_int_eq(result, CHAIN + 1);
    chain_stack = 0;
}
END_TEST

/* ---- the stack helper thread ---------------------------------------------------------------- */

/* Threads of this process, from /proc/self/task. */
static int threads_now(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1) break;
    if (f) fclose(f);
    return n;
}

static bool two_cores(void)
{
    cpu_set_t cpus;
    return sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) >= 2;
}

static int threads_during, holders;
static baton_chan *hold;

static void holder(void *arg)
{
    (void)arg;
    int64_t v;
    while (baton_recv_int(hold, &v) == 0) {}
}

/* `holders` stacks alive at once: past the point where a helper thread starts preparing them. */
static void many_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < holders; i++) ck_assert_int_eq(baton_go("holder", holder, NULL), 0);
    baton_yield();
    threads_during = threads_now();
    baton_close(hold);
}

/* The helper that prepares stacks ahead (tracer/stack.c) works during a run that makes many
 * processes, where there is a second core, and is gone when baton_run returns.  Each round
 * needs more stacks than the pool kept from the last, so the helper starts again. */
START_TEST(stack_helper_ends_with_the_run)
{
    int before = threads_now();
    for (int round = 1; round <= 3; round++) {
        hold = baton_chan_int("hold", 0);
        holders = 5000 * round;
        ck_assert_int_eq(baton_run(many_main, NULL), 0);
        baton_chan_free(hold);
        if (two_cores()) ck_assert_int_eq(threads_during, before + 1);
        ck_assert_int_eq(threads_now(), before);
    }
}
END_TEST

/* A process on a compact one-page stack that spawns past the point where the helper starts,
 * with most of its stack in use: starting a thread there (the dynamic linker alone saves the
 * whole vector state on the stack at a first call) would overflow it, so the start happens
 * on baton_run's stack. */
static void compact_spawner(void *arg)
{
    (void)arg;
    volatile char used[UNDER_ASAN_OR(512, 1536)];
    used[0] = 1;
    for (int i = 0; i < 3000; i++)
        if (baton_go_stack("holder", holder, NULL, 4096) != 0) abort();
    baton_close(hold);
    (void)used[0];
}

static int compact_spawn_run(void)
{
    hold = baton_chan_int("hold", 0);
    baton_set_stack_size(4096);
    return baton_run(compact_spawner, NULL);
}

START_TEST(the_helper_starts_off_a_small_stack)
{
    for (int round = 0; round < 8; round++) {
        char *err = NULL;
        int status = in_child(compact_spawn_run, &err);
        ck_assert_msg(status == 0, "round %d: status %d, stderr:\n%s", round, status, err ? err : "");
        free(err);
    }
}
END_TEST

static bool forked_child;

static void forking_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3000; i++) baton_go("holder", holder, NULL);
    baton_yield();
    pid_t pid = fork();
    if (pid == 0) {
        /* the child has no helper (fork copies one thread): it cuts its own stacks, may
         * start a helper of its own, and ends its run as usual */
        forked_child = true;
        for (int i = 0; i < 3000; i++)
            if (baton_go("child.holder", holder, NULL) != 0) _exit(3);
        baton_yield();
        baton_close(hold);
        return;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    baton_close(hold);
}

/* fork(2) in the middle of a run with a helper at work: the child neither hangs on the
 * helper's lock nor has a thread left when its run ends, and the parent's run goes on. */
START_TEST(fork_while_the_stack_helper_works)
{
    int before = threads_now();
    hold = baton_chan_int("hold", 0);
    int rc = baton_run(forking_main, NULL);
    if (forked_child) _exit(rc == 0 && threads_now() == before ? 0 : 4);
    ck_assert_int_eq(rc, 0);
    baton_chan_free(hold);
}
END_TEST

/* ---- stack overflow ------------------------------------------------------------------------ */

static volatile int limit = 1 << 30; /* never reached: keeps the compiler from calling it infinite */

static int depth(int n)
{
    volatile char frame[512];
    frame[0] = (char)n;
    if (n % 8 == 0) baton_yield(); /* a switch, where canaries are checked */
    if (n >= limit) return n;
    return depth(n + 1) + frame[0];
}

static void recurse(void *arg)
{
    (void)arg;
    depth(1);
}

static void overflow_main(void *arg)
{
    (void)arg;
    baton_go("deep.recursion", recurse, NULL);
}

static int overflow_guarded(void)
{
    return baton_run(overflow_main, NULL);
}

START_TEST(guard_page_overflow_names_the_process)
{
    char *err = NULL;
    ck_assert_int_eq(in_child(overflow_guarded, &err), 128 + SIGABRT);
    ck_assert_has(err, "baton: stack overflow in process 'deep.recursion' (#2)");
    ck_assert_has(err, "baton_go_stack()");
    free(err);
}
END_TEST

static void blocked(void *arg)
{
    (void)arg;
    int64_t v;
    baton_recv_int(hold, &v);
}

/* True when this kernel installs guard markers (MADV_GUARD_INSTALL, Linux 6.13): then every
 * stack has a guard page, however many there are. */
static bool kernel_has_guard_markers(void)
{
    long page = sysconf(_SC_PAGESIZE);
    void *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    bool ok = madvise(p, (size_t)page, 102 /* MADV_GUARD_INSTALL */) == 0;
    munmap(p, (size_t)page);
    return ok;
}

static void unguarded_main(void *arg)
{
    (void)arg;
    /* past the 8 192 stacks that get a PROT_NONE page where there are no guard markers */
    for (int i = 0; i < 8300; i++) baton_go("holder", blocked, NULL);
    baton_yield();
    baton_go("canary.victim", recurse, NULL);
}

static int overflow_unguarded(void)
{
    hold = baton_chan_int("hold", 0);
    return baton_run(unguarded_main, NULL);
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* Runs `run` in a child and expects the overflow report naming `victim` (and `also`, when
 * given); under AddressSanitizer its own report may come first, which is as good. */
static void expect_overflow(int (*run)(void), const char *victim, const char *also)
{
    char *err = NULL;
    int status = in_child(run, &err);
#ifdef UNDER_ASAN
    /* AddressSanitizer sees the frames run into the poisoned stack below first */
    if (status == 1) {
        ck_assert_has(err, "AddressSanitizer");
        free(err);
        return;
    }
#endif
    char want[200];
    snprintf(want, sizeof want, "baton: stack overflow in process '%s'", victim);
    ck_assert_int_eq(status, 128 + SIGABRT);
    ck_assert_has(err, want);
    if (also) ck_assert_has(err, also);
    free(err);
}

START_TEST(overflow_past_the_guarded_stacks_is_caught)
{
    expect_overflow(overflow_unguarded, "canary.victim",
                    kernel_has_guard_markers() ? "it touched its guard page" : NULL);
}
END_TEST

static void compact_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < 4; i++) baton_go_stack("holder", blocked, NULL, 4096);
    baton_yield();
    baton_go_stack("small.victim", recurse, NULL, 4096);
}

static int overflow_compact(void)
{
    hold = baton_chan_int("hold", 0);
    return baton_run(compact_main, NULL);
}

/* A compact one-page stack has no guard page: its overflow runs into the slot below and is
 * caught by the canary there, or by the stack pointer at the fault. */
START_TEST(overflow_of_a_compact_stack_is_caught)
{
    expect_overflow(overflow_compact, "small.victim", NULL);
}
END_TEST

Suite *tracer_proc_suite(void)
{
    Suite *s = suite_create("tracer_proc");
    TCase *tc = tcase_create("proc");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, hundred_thousand_live_processes);
    tcase_add_test(tc, stack_helper_ends_with_the_run);
    tcase_add_test(tc, fork_while_the_stack_helper_works);
    tcase_add_test(tc, the_helper_starts_off_a_small_stack);
    tcase_add_test(tc, guard_page_overflow_names_the_process);
    tcase_add_test(tc, overflow_past_the_guarded_stacks_is_caught);
    tcase_add_test(tc, overflow_of_a_compact_stack_is_caught);
    suite_add_tcase(s, tc);
    return s;
}
