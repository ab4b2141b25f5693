/* idle_worker_fixed.c — idle_worker.c with every worker reporting at the close, idle or not:
 * main waits for exactly WORKERS reports and every worker sends exactly one, whoever took the
 * jobs, so no schedule can leave main waiting.  (The dispatcher and the workers end once the
 * channel is closed and drained: a rendezvous channel holds nothing.) */
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
    baton_send_int(reports, done); /* the fix: zero is a report too */
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
        perror("idle_worker_fixed: baton_run");
        return 1;
    }
    printf("idle_worker_fixed: %lld jobs done\n", (long long)total);
    return total != JOBS;
}
