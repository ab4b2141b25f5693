/* forkserver.h — libbaton's side of `baton explore` (forkserver.c, explore_proto.h). */
#ifndef BATON_TRACER_FORKSERVER_H
#define BATON_TRACER_FORKSERVER_H

/* At the start of baton_run: under BATON_EXPLORE with a command pipe, the first run turns
 * the process into a fork server and returns only in each child, set up for one schedule.
 * Otherwise it does nothing. */
void trc_forkserver_enter(void);

/* At the end of every run: tells explore how it ended (deadlocked or not), its scheduling
 * decisions and preemptions. */
void trc_forkserver_run_end(int deadlocked);

#endif
