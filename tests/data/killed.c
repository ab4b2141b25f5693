/* A producer, a copier and a consumer, as tests/data/pipe.c, that SIGKILL themselves: with no
 * argument after six messages and half a second's sleep (the records older than 100 ms must
 * be in the trace), with `now` as the run starts (the trace must still have its header).
 * Nothing can flush at a SIGKILL: tests/e2e/replay.t checks what the file holds. */
#include <baton.h>
#include <signal.h>
#include <string.h>
static baton_chan *left, *right;
static int now;
static void producer(void *a)
{
    (void)a;
    for (int i = 0; i < 6; i++) baton_send_int(left, i % 2);
    baton_sleep(500 * 1000000LL);
    raise(SIGKILL);
}
static void copier(void *a) { (void)a; int64_t v; while (baton_recv_int(left, &v) == 0) baton_send_int(right, v); }
static void consumer(void *a) { (void)a; int64_t v; while (baton_recv_int(right, &v) == 0) {} }
static void top(void *a)
{
    (void)a;
    if (now) raise(SIGKILL);
    left = baton_chan_int("left", 0);
    right = baton_chan_int("right", 0);
    baton_proc ps[] = {{"producer", producer, NULL}, {"copier", copier, NULL}, {"consumer", consumer, NULL}};
    baton_par(ps, 3);
}
int main(int argc, char **argv)
{
    now = argc > 1 && strcmp(argv[1], "now") == 0;
    return baton_run(top, NULL);
}
