/* overflow.h — stack-overflow reports (overflow.c): a SIGSEGV handler, installed for the
 * length of a run, that names the process whose stack ran out.  Owns its signal stack. */
#ifndef BATON_TRACER_OVERFLOW_H
#define BATON_TRACER_OVERFLOW_H

#include "tracer/sched.h"

/* Prints the stack-overflow report for p (how: what gave it away), records it in the trace
 * and aborts.  Async-signal-safe. */
_Noreturn void trc_overflow_die(struct trc_proc *p, const char *how);

/* Installs / removes the handler and its signal stack, restoring what was there before. */
void trc_overflow_install(void);
void trc_overflow_uninstall(void);

#endif
