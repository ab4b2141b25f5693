/* late_result.c — a result sent after the receiver's timeout fired.  Per query the front end
 * starts a fetcher (it queues the query for the database, then sends the answer on an
 * unbuffered channel) and waits for the answer with a 100 ms timeout, else answers from a
 * cache.  Breaks when the timeout fires while the database holds the query (random/pct: a timer
 * may fire at any point): nobody takes that answer, the fetcher blocks on its send for ever
 * (Go's goroutine leak): BATON_DEADLOCK.  Under fifo a query takes microseconds, not 100 ms. */
#include <baton.h>
#include <stdio.h>
#include <stdlib.h>

enum { QUERIES = 3 };
#define DEADLINE_NS (100 * 1000 * 1000) /* 100 ms, thousands of times what a query takes */

struct query { int64_t key; baton_chan *reply; };

static baton_chan *queries;          /* the database's request queue */
static baton_chan *replies[QUERIES]; /* database -> fetcher i */
static baton_chan *pong;             /* database -> front end, at start-up */
static baton_chan *results[QUERIES]; /* fetcher i -> front end: unbuffered, the bug */
static int fresh, cached;            /* how the front end answered */

static int query_format(const void *msg, char *buf, size_t len)
{
    return snprintf(buf, len, "%lld", (long long)((const struct query *)msg)->key);
}

/* Answers queries until the front end closes the channel. */
static void database(void *arg)
{
    (void)arg;
    struct query q;
    while (baton_recv(queries, &q) == 0)
        if (baton_send_int(q.reply, q.key * q.key) < 0) return;
}

/* Fetches one key and hands the value to the front end. */
static void fetcher(void *arg)
{
    int i = (int)(intptr_t)arg;
    struct query q = {i, replies[i]};
    int64_t value;
    if (baton_send(queries, &q) < 0 || baton_recv_int(replies[i], &value) < 0)
        return; /* the database has shut down */
    baton_send_int(results[i], value); /* waits for the front end, which may be gone */
}

static void front_end(void *arg)
{
    (void)arg;
    static const char *names[QUERIES] = {"fetcher0", "fetcher1", "fetcher2"};
    if (baton_go("database", database, NULL) < 0) exit(1);
    struct query ping = {-1, pong}; /* serve nothing before the database is up */
    int64_t up;
    if (baton_send(queries, &ping) < 0 || baton_recv_int(pong, &up) < 0) exit(1);
    for (int i = 0; i < QUERIES; i++) {
        if (baton_go(names[i], fetcher, (void *)(intptr_t)i) < 0) exit(1);
        int64_t value;
        baton_case wait[1] = {{results[i], BATON_RECV, &value, true, 0}};
        if (baton_alt(wait, 1, DEADLINE_NS) == 0)
            fresh++;
        else
            cached++; /* ETIMEDOUT, too slow: answer from the cache and move on */
    }
    baton_close(queries); /* shuts the database down */
}

int main(void)
{
    queries = baton_chan_new("query", sizeof(struct query), QUERIES); /* a queue */
    baton_chan_set_format(queries, query_format);
    pong = baton_chan_int("pong", 0);
    char name[32];
    for (int i = 0; i < QUERIES; i++) {
        snprintf(name, sizeof name, "reply.%d", i);
        replies[i] = baton_chan_int(name, 0);
        snprintf(name, sizeof name, "result.%d", i);
        results[i] = baton_chan_int(name, 0);
    }
    int rc = baton_run(front_end, NULL);
    baton_chan_free(queries);
    baton_chan_free(pong);
    for (int i = 0; i < QUERIES; i++) {
        baton_chan_free(replies[i]);
        baton_chan_free(results[i]);
    }
    if (rc == BATON_DEADLOCK) return 1; /* baton_run has said who waits for whom */
    if (rc != 0) {
        perror("late_result: baton_run");
        return 1;
    }
    printf("late_result: %d fresh answers, %d from the cache\n", fresh, cached);
    return 0;
}
