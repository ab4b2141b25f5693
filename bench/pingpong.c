/* Ping-pong over two rendezvous int channels: main sends i on `ping`, echo answers i + 1 on
 * `pong`.  Prints ns per round trip.  Run by bench/pingpong.sh (traced with BATON_TRACE). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "baton.h"

static baton_chan *ping, *pong;
static long n;

static void echo(void *arg)
{
    (void)arg;
    int64_t v;
    while (baton_recv_int(ping, &v) == 0) baton_send_int(pong, v + 1);
}

static void run(void *arg)
{
    (void)arg;
    baton_go("echo", echo, NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++) {
        int64_t v;
        baton_send_int(ping, i);
        baton_recv_int(pong, &v);
        if (v != i + 1) abort();
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    baton_close(ping);
    double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    printf("%.1f\n", ns / (double)n);
}

int main(int argc, char **argv)
{
    n = argc > 1 ? atol(argv[1]) : 2000000;
    ping = baton_chan_int("ping", 0);
    pong = baton_chan_int("pong", 0);
    return baton_run(run, NULL) == 0 ? 0 : 1;
}
