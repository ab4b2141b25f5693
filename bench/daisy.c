/* Pike's daisy chain: N processes in a line, each receiving from its right neighbour and
 * passing the value plus one to its left; the last channel is fed 1, main reads N + 1 from
 * the first.  Every process is alive at once.  Prints the elapsed seconds for building and
 * running the chain.  Usage: daisy N [STACK_BYTES].  Run by bench/daisy.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "baton.h"

struct link { baton_chan *left, *right; };
static long n;

static void whisper(void *arg)
{
    struct link *l = arg;
    int64_t v;
    baton_recv_int(l->right, &v);
    baton_send_int(l->left, v + 1);
}

static void feed(void *arg)
{
    baton_send_int(arg, 1);
}

static void run(void *arg)
{
    (void)arg;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct link *links = malloc((size_t)n * sizeof *links);
    baton_chan *leftmost = baton_chan_int("chain", 0), *left = leftmost, *right = leftmost;
    for (long i = 0; i < n; i++) {
        right = baton_chan_int("chain", 0);
        links[i] = (struct link){left, right};
        if (!right || baton_go("whisper", whisper, &links[i]) != 0) {
            perror("daisy");
            exit(1);
        }
        left = right;
    }
    baton_go("feed", feed, right);
    int64_t v;
    baton_recv_int(leftmost, &v);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%lld %.3f\n", (long long)v,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
}

int main(int argc, char **argv)
{
    n = argc > 1 ? atol(argv[1]) : 100000;
    if (argc > 2) baton_set_stack_size((size_t)atol(argv[2])); /* bytes */
    return baton_run(run, NULL) == 0 ? 0 : 1;
}
