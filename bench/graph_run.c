/* A long traced run for bench/graph_run.sh: a token ring of six stages passes an int N times
 * (one event a pass), each stage reporting to a monitor every 65 536 passes; then the last
 * stage drops the token and the run deadlocks with every stage waiting for the one before
 * (a wait-for cycle of six) and the monitor waiting for news.  N is argv[1] (default 10^7). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "baton.h"

enum { K = 6 };

static baton_chan *ring[K], *status;
static int64_t total;
static char names[K][16];

static void stage(void *arg)
{
    int i = (int)(intptr_t)arg;
    int64_t v;
    for (;;) {
        baton_recv_int(ring[(i + K - 1) % K], &v);
        if (v % 65536 == 0) baton_send_int(status, v);
        if (v + 1 < total) baton_send_int(ring[i], v + 1); /* else the token is dropped */
    }
}

static void monitor(void *arg)
{
    (void)arg;
    int64_t v;
    for (;;) baton_recv_int(status, &v);
}

static void start(void *arg)
{
    (void)arg;
    baton_go("monitor", monitor, NULL);
    for (int i = 0; i < K; i++) {
        snprintf(names[i], sizeof names[i], "stage%d", i);
        baton_go(names[i], stage, (void *)(intptr_t)i);
    }
    baton_send_int(ring[K - 1], 0);
}

int main(int argc, char **argv)
{
    total = argc > 1 ? atoll(argv[1]) : 10000000;
    char name[16];
    for (int i = 0; i < K; i++) {
        snprintf(name, sizeof name, "ring%d", i);
        ring[i] = baton_chan_int(name, 0);
    }
    status = baton_chan_int("status", 0);
    int rc = baton_run(start, NULL);
    return rc == BATON_DEADLOCK ? 0 : 1;
}
