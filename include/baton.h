/* baton.h — libbaton, the CSP channel runtime: lightweight processes that talk only over
 * channels, with alt, close, timeouts and a trace of every completed rendezvous.
 * This header is the whole public API; nothing outside it is promised.
 *
 * Ownership: the caller owns every channel it makes (baton_chan_free frees it) and every
 * message buffer it passes; the runtime owns processes and their stacks, which it frees when
 * a process ends (or when baton_run returns after a deadlock).  Names passed as `const char *`
 * for processes are not copied: keep them alive while the process lives (string literals are
 * the usual case); channel names are copied.
 *
 * Errors follow POSIX: 0 on success, -1 with errno set (EPIPE closed, ETIMEDOUT, ENOMEM,
 * EINVAL).  Every call except the channel constructors, baton_chan_free, baton_chan_set_format,
 * baton_set_seed, baton_trace_open and baton_version must be made from inside a process,
 * that is, from code running under baton_run.  A program runs one baton_run at a time, and
 * only the thread that called it may use the library meanwhile.  A child of fork(2) stops
 * tracing. */
#ifndef BATON_H
#define BATON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BATON_VERSION_MAJOR 0
#define BATON_VERSION_MINOR 1
#define BATON_VERSION_PATCH 0

/* The library's version as "MAJOR.MINOR.PATCH"; a static string. */
const char *baton_version(void);

/* ---- processes ---------------------------------------------------------------------------- */

typedef void baton_fn(void *arg);
typedef struct { const char *name; baton_fn *fn; void *arg; } baton_proc;

/* What baton_run returns when the run ended with processes blocked forever. */
#define BATON_DEADLOCK 1

/* Runs fn(arg) as the process "main" on a fresh scheduler and returns when every process has
 * ended: 0.  When no process can run, no timer is pending and some are blocked, prints a
 * deadlock report on stderr (every blocked process, what it waits on, the wait-for cycle),
 * records it in the trace, frees the blocked processes' stacks without running them further
 * and returns BATON_DEADLOCK.  -1 and EINVAL when called from inside a run (runs do not nest),
 * -1 and ENOMEM when the first stack cannot be made.  Reads BATON_SEED, BATON_TRACE,
 * BATON_CLOCK (=virtual: baton_now starts at 0 and moves only when every process waits,
 * straight to the next deadline, so runs with sleeps and timeouts are reproducible too) and
 * BATON_SCHED, the schedule: fifo (the default: the ready queue in order), random (a
 * uniformly random choice at every scheduling point) or pct[,depth=D][,steps=K] (random
 * priorities with D-1 priority drops among the first K points, Burckhardt et al. 2010).
 * Scheduling points are the channel operations, baton_go, baton_yield and a process's end.
 * Under random and pct the clock is virtual and a pending timer may fire at any point (as if
 * the runnable processes were slow), or with ",timers=idle" only when nothing else can run;
 * the same program, seed and BATON_SCHED give the same run.  replay,at=STEP:ID+… (what
 * `baton explore` prints for a minimised failure) makes the listed departures from the default
 * order — the running process goes on, else the longest-waiting ready one — and BATON_SCHED_LOG=
 * FILE makes any exploring run write its own departures there.
 * `baton explore` runs a program under many such schedules (docs/exploring.md). */
int baton_run(baton_fn *fn, void *arg);

/* Starts fn(arg) as a new process called name, runnable after the caller's next block or
 * yield.  0, or -1 and ENOMEM (no memory for its stack) or EINVAL (outside a run, or fn or
 * name NULL).  The process gets the default stack size (baton_set_stack_size). */
int baton_go(const char *name, baton_fn *fn, void *arg);

/* baton_go with a stack of at least stack_size bytes (rounded up to whole pages). */
int baton_go_stack(const char *name, baton_fn *fn, void *arg, size_t stack_size);

/* CSP's parallel composition: runs the n processes of procs and returns 0 once all of them
 * have ended; the caller is blocked meanwhile.  -1 and ENOMEM when a stack cannot be made
 * (the processes already started are still waited for); -1 and EINVAL, with nothing started,
 * outside a run, or when procs is NULL (n > 0) or one of them has no fn or no name. */
int baton_par(const baton_proc procs[], size_t n);

/* Lets every other runnable process run once before the caller continues. */
void baton_yield(void);

/* Blocks the caller for at least ns nanoseconds (ns <= 0 only yields).  0, or -1 and EINVAL
 * outside a run. */
int baton_sleep(int64_t ns);

/* The running process's name (owned by whoever started it), or NULL outside a run. */
const char *baton_self(void);

/* Monotonic time in nanoseconds, the clock that sleeps and alt deadlines use (virtual under
 * BATON_CLOCK=virtual, see baton_run). */
int64_t baton_now(void);

/* The stack size, in bytes, that baton_go and baton_par give new processes (default 16 KiB;
 * 8 times that under AddressSanitizer); 0 keeps it.  Only pages a process touches cost
 * memory, but a process that needs more than its stack overflows: the first 8192 stacks have
 * guard pages, the rest a canary checked at every switch.  Sizes up to one page (4096) get
 * compact one-page stacks without a guard page, the fastest to start by the million (their
 * usable size is a page less the process record, about 200 bytes).  Returns the previous
 * size. */
size_t baton_set_stack_size(size_t stack_size);

/* Seeds the next baton_run's choices (alt's random pick among ready cases, and the schedule
 * under BATON_SCHED=random or pct), overriding BATON_SEED.  The same seed, schedule and
 * inputs give the same run. */
void baton_set_seed(uint64_t seed);

/* ---- channels ----------------------------------------------------------------------------- */

typedef struct baton_chan baton_chan;

/* A new channel called name (copied) carrying messages of msg_size bytes: capacity 0 makes a
 * rendezvous channel, capacity > 0 a FIFO buffer of that many messages; msg_size 0 makes a
 * pure event.  The caller owns it.  NULL and ENOMEM, or EINVAL for a NULL name. */
baton_chan *baton_chan_new(const char *name, size_t msg_size, size_t capacity);

/* A channel of int64_t messages (traced as name.VALUE). */
baton_chan *baton_chan_int(const char *name, size_t capacity);

/* A channel of int64_t[fields] messages (traced as name.V1.V2...). */
baton_chan *baton_chan_ints(const char *name, size_t fields, size_t capacity);

/* Closes c (waking its waiters with EPIPE) and frees it.  Freeing a channel that another
 * process will still use is a bug in the caller. */
void baton_chan_free(baton_chan *c);

/* How the trace names this channel's messages: fmt writes the dotted fields of *msg ("3",
 * "2.true") into buf like snprintf and returns their length; the event is NAME.FIELDS.
 * Without one, a channel made by baton_chan_new with msg_size > 0 is traced as NAME alone.
 * Pure-event, int and ints channels keep their built-in names: for them this does nothing. */
void baton_chan_set_format(baton_chan *c, int (*fmt)(const void *msg, char *buf, size_t len));

/* Sends *msg (msg_size bytes; NULL for a pure event).  Returns 0 once a receiver has it (or
 * once it is buffered); -1 and EPIPE if c is or gets closed, in which case nothing was sent;
 * -1 and EINVAL outside a run, or with msg NULL on a channel that carries data. */
int baton_send(baton_chan *c, const void *msg);

/* Receives into *msg (NULL for a pure event, or to drop the message).  0; -1 and EPIPE once c
 * is closed and its buffer drained; -1 and EINVAL outside a run. */
int baton_recv(baton_chan *c, void *msg);

int baton_send_int(baton_chan *c, int64_t v);
int baton_recv_int(baton_chan *c, int64_t *v);

/* Closes c: every blocked sender and receiver wakes with EPIPE, later sends fail with EPIPE,
 * later receives drain the buffer and then fail with EPIPE.  Closing twice does nothing. */
void baton_close(baton_chan *c);

/* ---- alt ---------------------------------------------------------------------------------- */

enum { BATON_SEND = 1, BATON_RECV = 2 };
typedef struct { baton_chan *chan; int op; void *msg; bool enabled; int err; } baton_case;

/* Waits until one enabled case can complete, completes exactly that one and returns its
 * index i.  cases[i].err is 0, or EPIPE when that case found its channel closed (nothing was
 * sent or received, so the caller can disable it).  timeout_ns < 0: wait forever; 0: poll
 * (CSP's SKIP guard); > 0: a deadline.  -1 and ETIMEDOUT when the time passes, or for a poll
 * when nothing is ready; -1 and EINVAL for a bad op or outside a run.  Among ready cases the
 * choice is fair: random, from the run's seed.  An alt with no enabled case and no timeout
 * is CSP's STOP: it blocks forever (and shows up in a deadlock report). */
int baton_alt(baton_case cases[], size_t n, int64_t timeout_ns);

/* ---- trace -------------------------------------------------------------------------------- */

/* Records the run (the current one, or the next baton_run) to the binary trace file path
 * (created or truncated), the same as BATON_TRACE=path; `baton trace show path` prints it.
 * The file's header is written before this returns, and a thread of the library writes new
 * records to it every 100 ms, so a program killed at any moment leaves a valid trace with
 * all but its last 100 ms.  0, or -1 and errno from open(2) or write(2), or EBUSY when a
 * trace is already open.  The trace is flushed and closed when baton_run returns, at
 * exit(3) and on a stack-overflow report.
 * Under BATON_TRACE=path a program's first run writes path, its second path.2, and so on. */
int baton_trace_open(const char *path);

#ifdef __cplusplus
}
#endif
/* ---- where each process blocks, for the deadlock report ----
 * Every call below is also a macro that notes the caller's __FILE__ and __LINE__ (two
 * stores) before calling the function of the same name, so a deadlock report can say where
 * each blocked process waits ("worker.c:41") and where a process that ended last waited.  The
 * functions, the library's ABI, are unchanged: `(baton_send)(c, m)` calls one directly.
 * Define BATON_NO_CALL_SITES before including this header to leave the macros out. */
extern const char *baton_call_file_;
extern int baton_call_line_;
#ifndef BATON_NO_CALL_SITES
#define BATON_CALL_SITE_(call) (baton_call_file_ = __FILE__, baton_call_line_ = __LINE__, call)
#define baton_send(c, msg) BATON_CALL_SITE_(baton_send(c, msg))
#define baton_recv(c, msg) BATON_CALL_SITE_(baton_recv(c, msg))
#define baton_send_int(c, v) BATON_CALL_SITE_(baton_send_int(c, v))
#define baton_recv_int(c, v) BATON_CALL_SITE_(baton_recv_int(c, v))
#define baton_alt(cases, n, timeout_ns) BATON_CALL_SITE_(baton_alt(cases, n, timeout_ns))
#define baton_par(procs, n) BATON_CALL_SITE_(baton_par(procs, n))
#define baton_sleep(ns) BATON_CALL_SITE_(baton_sleep(ns))
#endif

#endif
