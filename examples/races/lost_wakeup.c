/* lost_wakeup.c — a wake-up sent while nobody waits is lost.  A publisher installs config
 * versions 1..3 and after each kicks the reloader with a non-blocking send (alt, timeout 0:
 * `select { case kick <- x: default: }`) on an unbuffered channel; the reloader waits for a
 * kick, then loads the latest version.  Breaks when the last kick comes while the reloader is
 * busy or not yet waiting: it is dropped and the reloader waits for ever (BATON_DEADLOCK).
 * Under fifo it waits at the first kick and loads after all three.  Fixed: lost_wakeup_fixed.c. */
#include <baton.h>
#include <stdio.h>
#include <stdlib.h>

enum { VERSIONS = 3 };

static int64_t latest;      /* the newest version: the publisher writes, the reloader reads */
static baton_chan *kick;    /* publisher -> reloader: "it changed"; unbuffered, the bug */
static baton_chan *apply;   /* reloader -> server: each version it loaded */
static baton_chan *serving; /* server -> main: the version it ended with */

static void publisher(void *arg)
{
    (void)arg;
    for (int64_t v = 1; v <= VERSIONS; v++) {
        latest = v;
        baton_case notify[1] = {{kick, BATON_SEND, NULL, true, 0}};
        baton_alt(notify, 1, 0); /* nobody waiting: drop it, the reloader is busy anyway */
    }
}

/* Loads each new version until it has the last (a real one would run until shutdown). */
static void reloader(void *arg)
{
    (void)arg;
    int64_t seen = 0;
    while (seen < VERSIONS) {
        if (baton_recv(kick, NULL) < 0) break;
        seen = latest;
        if (baton_send_int(apply, seen) < 0) break;
    }
    baton_close(apply);
}

static void server(void *arg)
{
    (void)arg;
    int64_t v, current = 0;
    while (baton_recv_int(apply, &v) == 0) current = v;
    baton_send_int(serving, current);
}

static int64_t served = -1;

static void service(void *arg)
{
    (void)arg;
    if (baton_go("server", server, NULL) < 0 || baton_go("reloader", reloader, NULL) < 0 ||
        baton_go("publisher", publisher, NULL) < 0)
        exit(1);
    baton_recv_int(serving, &served);
}

int main(void)
{
    kick = baton_chan_new("kick", 0, 0);
    apply = baton_chan_int("apply", 0);
    serving = baton_chan_int("serving", 0);
    int rc = baton_run(service, NULL);
    baton_chan_free(kick);
    baton_chan_free(apply);
    baton_chan_free(serving);
    if (rc == BATON_DEADLOCK) return 1; /* baton_run has said who waits for whom */
    if (rc != 0) {
        perror("lost_wakeup: baton_run");
        return 1;
    }
    printf("lost_wakeup: serving version %lld of %d\n", (long long)served, VERSIONS);
    return served != VERSIONS;
}
