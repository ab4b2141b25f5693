/* ctx_x86_64.S — trc_ctx_swap for x86-64 (System V): saves the callee-saved registers on the
 * current stack, stores the stack pointer in *from, loads to's and pops its registers.  The
 * caller-saved registers are already saved by the C call; MXCSR and the x87 control word are
 * shared by all processes (documented in docs/runtime.md).  See ctx.h. */
#if defined(__x86_64__) && !defined(BATON_CTX_UCONTEXT)
	.text
	.p2align 4
	.globl	trc_ctx_swap
	.hidden	trc_ctx_swap
	.type	trc_ctx_swap, @function
/* void trc_ctx_swap(struct trc_ctx *from: %rdi, struct trc_ctx *to: %rsi) */
trc_ctx_swap:
	.cfi_startproc
#ifdef __CET__
	endbr64
#endif
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.cfi_endproc
	.size	trc_ctx_swap, .-trc_ctx_swap
#endif
	.section .note.GNU-stack,"",@progbits
