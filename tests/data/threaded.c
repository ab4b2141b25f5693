/* A libbaton program with a thread of its own (a logger) started before its run and joined
 * after: a fork server's child would not have that thread and would wait for ever in
 * pthread_join, so baton explore runs it afresh for every schedule.  tests/e2e/explore.t. */
#include <baton.h>
#include <pthread.h>
#include <unistd.h>

static volatile int stop;
static baton_chan *c;

static void *logger(void *arg)
{
    (void)arg;
    while (!stop) usleep(1000);
    return NULL;
}

static void worker(void *arg)
{
    (void)arg;
    baton_send_int(c, 1);
}

static void run(void *arg)
{
    (void)arg;
    int64_t v;
    baton_go("worker", worker, NULL);
    baton_recv_int(c, &v);
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, logger, NULL) != 0) return 2;
    c = baton_chan_int("c", 0);
    int rc = baton_run(run, NULL);
    stop = 1;
    pthread_join(t, NULL);
    baton_chan_free(c);
    return rc;
}
