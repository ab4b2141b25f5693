/* ctx_aarch64.S — trc_ctx_swap for AArch64 (AAPCS64): saves the callee-saved registers
 * (x19-x28, the frame pointer x29, the link register x30, and d8-d15, the low halves of
 * v8-v15) in a 160-byte frame on the current stack, stores the stack pointer in *from, loads
 * to's and restores its registers from its frame; `ret` then goes to to's saved x30.  The
 * caller-saved registers are already saved by the C call; FPCR is shared by all processes
 * (documented in docs/runtime.md).  Frame layout, from the saved sp up: x19..x28, x29, x30,
 * d8..d15 — ctx.c's trc_ctx_init builds the first one.  See ctx.h. */
#if defined(__aarch64__) && !defined(BATON_CTX_UCONTEXT)
	.text
	.p2align 4
	.globl	trc_ctx_swap
	.hidden	trc_ctx_swap
	.type	trc_ctx_swap, %function
/* void trc_ctx_swap(struct trc_ctx *from: x0, struct trc_ctx *to: x1) */
trc_ctx_swap:
	.cfi_startproc
	sub	sp, sp, #160
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	mov	x9, sp
	str	x9, [x0]
	ldr	x9, [x1]
	mov	sp, x9
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	add	sp, sp, #160
	ret
	.cfi_endproc
	.size	trc_ctx_swap, .-trc_ctx_swap
#endif
	.section .note.GNU-stack,"",%progbits
