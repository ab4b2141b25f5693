/* close_send.c — a close racing a send.  Workers write lines to a buffered log that a logger
 * drains; main waits for every worker's report (Go's WaitGroup), then closes the log.  But a
 * worker reports before its last line (a `defer wg.Done()` written after `defer log(...)` runs
 * first): if main closes the log between a report and that line, the send fails with EPIPE,
 * Go's "send on closed channel" panic, and the program exits 1.  Under fifo a worker goes from
 * its report to its end without a switch.  Fixed: close_send_fixed.c. */
#include <baton.h>
#include <stdio.h>
#include <stdlib.h>

enum { WORKERS = 2, JOBS = 2, LOG_SLOTS = 2, LINES = WORKERS * (JOBS + 1) };

static baton_chan *log_;     /* log lines, worker * 100 + line number */
static baton_chan *finished; /* worker -> main: done (the WaitGroup) */
static baton_chan *written;  /* logger -> main: how many lines it wrote */

static void log_line(int worker, int n)
{
    if (baton_send_int(log_, worker * 100 + n) < 0) {
        fprintf(stderr, "panic: %s: send on closed channel 'log'\n", baton_self());
        exit(1);
    }
}

static void worker(void *arg)
{
    int w = (int)(intptr_t)arg;
    for (int j = 1; j <= JOBS; j++) log_line(w, j); /* a job done, and said so */
    baton_send(finished, NULL);                      /* wg.Done() ... */
    log_line(w, 0);                                  /* ... before the last line: the bug */
}

static void logger(void *arg)
{
    (void)arg;
    int64_t line, n = 0;
    while (baton_recv_int(log_, &line) == 0) n++;
    baton_send_int(written, n);
}

static int64_t lines = -1;

static void service(void *arg)
{
    (void)arg;
    static const char *names[WORKERS] = {"worker1", "worker2"};
    if (baton_go("logger", logger, NULL) < 0) exit(1);
    for (int w = 0; w < WORKERS; w++)
        if (baton_go(names[w], worker, (void *)(intptr_t)(w + 1)) < 0) exit(1);
    for (int w = 0; w < WORKERS; w++) baton_recv(finished, NULL); /* wg.Wait() */
    baton_close(log_);
    baton_recv_int(written, &lines);
}

int main(void)
{
    log_ = baton_chan_int("log", LOG_SLOTS);
    finished = baton_chan_new("finished", 0, 0);
    written = baton_chan_int("written", 0);
    int rc = baton_run(service, NULL);
    baton_chan_free(log_);
    baton_chan_free(finished);
    baton_chan_free(written);
    if (rc == BATON_DEADLOCK) return 1; /* baton_run has said who waits for whom */
    if (rc != 0) {
        perror("close_send: baton_run");
        return 1;
    }
    printf("close_send: %lld of %d log lines written\n", (long long)lines, LINES);
    return lines != LINES;
}
