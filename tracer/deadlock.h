/* deadlock.h — the deadlock report (deadlock.c): who waits on what, and the wait-for cycle,
 * on stderr and into the trace.  Allocates only while it runs. */
#ifndef BATON_TRACER_DEADLOCK_H
#define BATON_TRACER_DEADLOCK_H

/* Called by the scheduler when no process can run, no timer is pending and processes remain:
 * every live process is blocked.  Reads them; changes nothing. */
void trc_deadlock_report(void);

#endif
