/* A producer, a copier and a consumer on two rendezvous int channels: tests/e2e/replay.t
 * records its trace and checks it against the buffers of tests/corpus/pipelines.csp. */
#include <baton.h>
#include <stdio.h>
static baton_chan *left, *right;
static void producer(void *a) { (void)a; for (int i = 0; i < 6; i++) baton_send_int(left, i % 2); baton_close(left); }
static void copier(void *a) { (void)a; int64_t v; while (baton_recv_int(left, &v) == 0) baton_send_int(right, v); baton_close(right); }
static void consumer(void *a) { (void)a; int64_t v; while (baton_recv_int(right, &v) == 0) {} }
static void top(void *a) { (void)a; left = baton_chan_int("left", 0); right = baton_chan_int("right", 0);
  baton_proc ps[] = {{"producer", producer, NULL}, {"copier", copier, NULL}, {"consumer", consumer, NULL}}; baton_par(ps, 3); }
int main(void) { return baton_run(top, NULL); }
