/* A lost update: two processes add to a shared counter with a read, a log message (a send on
 * a buffered channel: a scheduling point that never blocks) and a write.  Under fifo no
 * switch happens at the send, so the count is always right; a schedule that switches there
 * loses an update and the check at the end aborts.  For tests/e2e/explore.t. */
#include <assert.h>
#include <baton.h>
#include <stdio.h>
#include <stdlib.h>

static int counter;
static baton_chan *log_;

static void adder(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        int seen = counter;
        baton_send_int(log_, seen);
        counter = seen + 1;
    }
}

static void drain(void *arg)
{
    (void)arg;
    int64_t v;
    while (baton_recv_int(log_, &v) == 0) {}
}

static void run(void *arg)
{
    (void)arg;
    baton_go("drain", drain, NULL);
    baton_proc ps[2] = {{"adder", adder, NULL}, {"adder", adder, NULL}};
    baton_par(ps, 2);
    baton_close(log_);
    if (counter != 6) {
        fprintf(stderr, "lost update: counter is %d, not 6\n", counter);
        abort();
    }
}

int main(void)
{
    log_ = baton_chan_int("log", 16);
    int rc = baton_run(run, NULL);
    baton_chan_free(log_);
    return rc;
}
