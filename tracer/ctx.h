/* ctx.h — saving and resuming an execution context: the one machine-dependent piece of the
 * scheduler.  x86-64 uses ctx_x86_64.S (six pushes, a stack swap, six pops: no syscall),
 * AArch64 ctx_aarch64.S (ten register pairs stored and loaded, a stack swap); every other
 * machine, or a build with -DBATON_CTX_UCONTEXT, uses ucontext(3) in ctx.c.  The Makefile
 * builds the ctx_ARCH.S of the compiler's target machine: this test must agree with it.
 * A context owns nothing: its stack belongs to the process (stack.h). */
#ifndef BATON_TRACER_CTX_H
#define BATON_TRACER_CTX_H

#include <stddef.h>

#if (defined(__x86_64__) || defined(__aarch64__)) && !defined(BATON_CTX_UCONTEXT)
#define TRC_CTX_ASM 1
struct trc_ctx {
    void *sp; /* the saved stack pointer; callee-saved registers sit on that stack */
};
#else
#include <ucontext.h>
struct trc_ctx {
    ucontext_t uc;
};
#endif

/* Prepares c so that the first trc_ctx_swap into it calls entry() on the stack
 * [lo, lo + size).  entry must never return. */
void trc_ctx_init(struct trc_ctx *c, void *lo, size_t size, void (*entry)(void));

/* Saves the running context into from and resumes to; returns when someone swaps back. */
void trc_ctx_swap(struct trc_ctx *from, struct trc_ctx *to);

#endif
