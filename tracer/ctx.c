/* ctx.c — making a fresh context on a new stack; on machines without ctx_*.S also switching,
 * through ucontext(3) (portable, but swapcontext makes a sigprocmask syscall per switch). */
#include "tracer/ctx.h"

#include <stdint.h>
#include <string.h>

#if defined(TRC_CTX_ASM) && defined(__x86_64__)

/* The first swap into c pops six zeroed registers and returns into entry, with a zero
 * return address above it so that entry starts with the stack aligned as after a call
 * (rsp + 8 a multiple of 16) and backtraces stop there. */
void trc_ctx_init(struct trc_ctx *c, void *lo, size_t size, void (*entry)(void))
{
    uintptr_t top = ((uintptr_t)lo + size) & ~(uintptr_t)15;
    void **sp = (void **)top - 8;
    memset(sp, 0, 8 * sizeof *sp);
    sp[6] = (void *)entry; /* popped by ret */
    sp[7] = NULL;          /* entry's return address: none */
    c->sp = sp;
}

#elif defined(TRC_CTX_ASM) && defined(__aarch64__)

/* The first swap into c loads a zeroed 160-byte frame (ctx_aarch64.S's layout: x19-x28,
 * x29, x30, d8-d15) except for x30, so its `ret` goes to entry with sp at the 16-aligned top
 * and a zero frame pointer, where backtraces stop. */
void trc_ctx_init(struct trc_ctx *c, void *lo, size_t size, void (*entry)(void))
{
    uintptr_t top = ((uintptr_t)lo + size) & ~(uintptr_t)15;
    void **sp = (void **)top - 20;
    memset(sp, 0, 20 * sizeof *sp);
    sp[11] = (void *)entry; /* x30, the link register: where ret goes */
    c->sp = sp;
}

#else

void trc_ctx_init(struct trc_ctx *c, void *lo, size_t size, void (*entry)(void))
{
    memset(c, 0, sizeof *c);
    getcontext(&c->uc);
    c->uc.uc_stack.ss_sp = lo;
    c->uc.uc_stack.ss_size = size;
    c->uc.uc_link = NULL;
    makecontext(&c->uc, entry, 0);
}

void trc_ctx_swap(struct trc_ctx *from, struct trc_ctx *to)
{
    swapcontext(&from->uc, &to->uc);
}

#endif
