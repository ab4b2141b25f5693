/* overflow.c — stack overflow reports.  A process that runs off the bottom of its stack
 * faults on the guard page; the SIGSEGV handler, running on its own signal stack, sees that
 * the faulting address lies just below the running process's stack and reports the
 * process by name instead of a bare "Segmentation fault".  Stacks without a guard page are
 * caught later, by their canary, at the next switch.  Either way the report goes to stderr,
 * an OVERFLOW record is flushed to the trace and the program aborts (SIGABRT): its stack is
 * gone, so nothing sensible can continue.  Other faults go to the previous handler. */
#include <signal.h>
#include <ucontext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer/overflow.h"
#include "tracer/sched.h"
#include "tracer/stack.h"
#include "tracer/trace.h"

#define ALTSTACK_SIZE ((size_t)64 << 10)

static struct sigaction old_segv, old_bus;
static stack_t old_altstack;
static void *altstack;
static bool installed;

/* write(2) of a NUL-terminated string: the only output a signal handler may make. */
static void say(const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t w = write(2, s, n);
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

static void say_num(unsigned long long v)
{
    char buf[24];
    int i = (int)sizeof buf - 1;
    buf[i] = '\0';
    do buf[--i] = (char)('0' + v % 10);
    while ((v /= 10) && i > 0);
    say(buf + i);
}

_Noreturn void trc_overflow_die(struct trc_proc *p, const char *how)
{
    say("baton: stack overflow in process '");
    say(p->name);
    say("' (#");
    say_num(p->id);
    say("): ");
    say(how);
    say("; its stack holds ");
    say_num((unsigned long long)((char *)p - p->stack.lo));
    say(" bytes; give it more with baton_go_stack() or baton_set_stack_size()\n");
    trc_trace_overflow(p);
    signal(SIGABRT, SIG_DFL);
    abort();
}

/* The faulting context's stack pointer, or NULL where we cannot tell. */
static const char *fault_sp(void *uc)
{
#if defined(__x86_64__) && defined(REG_RSP)
    return (const char *)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
    return (const char *)((ucontext_t *)uc)->uc_mcontext.sp;
#else
    (void)uc;
    return NULL;
#endif
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    struct trc_proc *p = trc_sched.cur;
    if (p && trc_stack_fault_is_overflow(&p->stack, si->si_addr))
        trc_overflow_die(p, p->stack.guarded && (char *)si->si_addr >= p->stack.slot
                                ? "it touched its guard page"
                                : "it touched the memory below its stack");
    /* A stack without a guard page can run on through its neighbours before anything faults:
     * its stack pointer, or its canary, gives it away. */
    const char *sp = fault_sp(uc);
    if (p && ((sp && sp < p->stack.lo) || !trc_stack_canary_ok(&p->stack)))
        trc_overflow_die(p, "its stack pointer left its stack");
    /* Not ours: keep the trace up to here, put the previous handler back and let the fault
     * happen again under it. */
    trc_trace_crash();
    sigaction(sig, sig == SIGSEGV ? &old_segv : &old_bus, NULL);
    if (si->si_code <= 0) raise(sig); /* sent by kill(), so returning would not re-fault */
}

void trc_overflow_install(void)
{
    if (installed) return; /* a fork server's child: inherited, already in place */
    if (!altstack) altstack = malloc(ALTSTACK_SIZE);
    if (!altstack) return; /* overflows then die as plain SIGSEGVs */
    stack_t ss = {.ss_sp = altstack, .ss_size = ALTSTACK_SIZE, .ss_flags = 0};
    if (sigaltstack(&ss, &old_altstack) != 0) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    installed = true;
}

void trc_overflow_uninstall(void)
{
    if (!installed) return;
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    sigaltstack(&old_altstack, NULL);
    installed = false;
}
