/* close_send_fixed.c — close_send.c with the ownership rule: a channel is closed by the one
 * who knows that every send on it is over.  Each worker's report is now the last thing it
 * does, after its last log line, so main, which closes the log only after every report,
 * closes it after every send on it in any schedule.  Nothing blocks for ever: the log's
 * sends wait only for the logger, which reads until the close; main's receives are matched
 * by one report per worker and the logger's count. */
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
    log_line(w, 0);                                  /* the last line ... */
    baton_send(finished, NULL);                      /* ... then wg.Done(), the last act */
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
        perror("close_send_fixed: baton_run");
        return 1;
    }
    printf("close_send_fixed: %lld of %d log lines written\n", (long long)lines, LINES);
    return lines != LINES;
}
