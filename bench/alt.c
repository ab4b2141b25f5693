/* alt over 4 rendezvous int channels, each fed by its own producer: ns per completed alt.
 * The Go peer is bench/alt_select.go.  Run by bench/alt.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "baton.h"

enum { K = 4 };
static baton_chan *cs[K];
static long n;

static void producer(void *arg)
{
    baton_chan *c = arg;
    for (int64_t i = 0;; i++)
        if (baton_send_int(c, i) != 0) return;
}

static void run(void *arg)
{
    (void)arg;
    int64_t v;
    baton_case cases[K];
    for (int i = 0; i < K; i++) {
        baton_go("producer", producer, cs[i]);
        cases[i] = (baton_case){cs[i], BATON_RECV, &v, true, 0};
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long sum = 0;
    for (long i = 0; i < n; i++) sum += baton_alt(cases, K, -1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    for (int i = 0; i < K; i++) baton_close(cs[i]);
    double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    printf("%.1f\n", ns / (double)n);
    if (sum < 0) abort();
}

int main(int argc, char **argv)
{
    n = argc > 1 ? atol(argv[1]) : 2000000;
    for (int i = 0; i < K; i++) cs[i] = baton_chan_int("c", 0);
    return baton_run(run, NULL) == 0 ? 0 : 1;
}
