/* idle_worker.c — a worker that got no job never reports.  A dispatcher hands JOBS jobs to
 * two workers over one unbuffered channel, then closes it; each worker, at the close, reports
 * how many it did — but only when it did any (`if (done == 0) return;`, a shortcut for "idle
 * workers have nothing to say"), and main waits for both reports.  Breaks when one worker runs
 * far enough ahead to take every job: the other never reports (BATON_DEADLOCK).  Under fifo
 * they alternate; a random schedule rarely lets one win JOBS times in a row; PCT's priorities
 * do it in a third of the runs.  Fixed: idle_worker_fixed.c. */
#include <baton.h>
#include <stdio.h>
#include <stdlib.h>

enum { WORKERS = 2, JOBS = 10 };

static baton_chan *jobs;    /* dispatcher -> workers: job numbers; closed after the last */
static baton_chan *reports; /* workers -> main: how many jobs each did */

static void dispatcher(void *arg)
{
    (void)arg;
    for (int64_t j = 1; j <= JOBS; j++)
        if (baton_send_int(jobs, j) < 0) exit(1);
    baton_close(jobs);
}

static void worker(void *arg)
{
    (void)arg;
    int64_t job, done = 0;
    while (baton_recv_int(jobs, &job) == 0) done++;
    if (done == 0) return; /* the bug: an idle worker says nothing, and main counts on it */
    baton_send_int(reports, done);
}

static int64_t total;

static void run(void *arg)
{
    (void)arg;
    if (baton_go("worker0", worker, NULL) < 0 || baton_go("worker1", worker, NULL) < 0 ||
        baton_go("dispatcher", dispatcher, NULL) < 0)
        exit(1);
    for (int w = 0; w < WORKERS; w++) {
        int64_t n;
        if (baton_recv_int(reports, &n) < 0) exit(1);
        total += n;
    }
}

int main(void)
{
    jobs = baton_chan_int("jobs", 0);
    reports = baton_chan_int("reports", 0);
    int rc = baton_run(run, NULL);
    baton_chan_free(jobs);
    baton_chan_free(reports);
    if (rc == BATON_DEADLOCK) return 1; /* baton_run has said who waits for whom */
    if (rc != 0) {
        perror("idle_worker: baton_run");
        return 1;
    }
    printf("idle_worker: %lld jobs done\n", (long long)total);
    return total != JOBS;
}
