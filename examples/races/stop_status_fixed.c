/* stop_status_fixed.c — stop_status.c with Go's done channel: the server closes `done` as it
 * leaves, and a caller waits for the mailbox or for a reply in an alt that also offers done,
 * so a request the server will never read ends with "server gone" (EPIPE) instead of a hang.
 * No schedule blocks for ever: the server blocks only in its alt, which offers stop, or
 * replying to a caller that is waiting for the reply; so the client's calls and its stop
 * complete, the server closes done, and every other wait of the monitor offers done. */
#include <baton.h>
#include <stdio.h>
#include <stdlib.h>

enum { JOBS = 3, POLLS = 2, MAILBOX = 4 };
enum kind { JOB, STATUS };

struct request { enum kind kind; int64_t arg; baton_chan *reply; };

static baton_chan *mailbox;      /* requests to the server */
static baton_chan *stop;         /* the client -> server: leave */
static baton_chan *done;         /* closed by the server as it leaves */
static baton_chan *acks, *statuses; /* server -> client, server -> monitor */

static int request_format(const void *msg, char *buf, size_t len)
{
    const struct request *r = msg;
    return r->kind == JOB ? snprintf(buf, len, "job.%lld", (long long)r->arg)
                          : snprintf(buf, len, "status");
}

static void serve(void)
{
    int64_t jobs = 0;
    for (;;) {
        struct request r;
        baton_case cases[2] = {{mailbox, BATON_RECV, &r, true, 0},
                               {stop, BATON_RECV, NULL, true, 0}};
        int k = baton_alt(cases, 2, -1);
        if (k != 0 || cases[0].err) return; /* stop: leave at once */
        if (r.kind == JOB) jobs++;
        if (baton_send_int(r.reply, r.kind == JOB ? r.arg : jobs) < 0) return;
    }
}

static void server(void *arg)
{
    (void)arg;
    serve();
    baton_close(done); /* Go's `defer close(done)`: whoever still waits on it learns */
}

/* Sends a request and waits for its reply; -1 when the server is gone for good. */
static int call(enum kind kind, int64_t arg, baton_chan *reply, int64_t *out)
{
    struct request r = {kind, arg, reply};
    baton_case put[2] = {{mailbox, BATON_SEND, &r, true, 0}, {done, BATON_RECV, NULL, true, 0}};
    if (baton_alt(put, 2, -1) != 0 || put[0].err) return -1;
    baton_case get[2] = {{reply, BATON_RECV, out, true, 0}, {done, BATON_RECV, NULL, true, 0}};
    if (baton_alt(get, 2, -1) != 0 || get[0].err) return -1;
    return 0;
}

static void client(void *arg)
{
    (void)arg;
    int64_t ack;
    for (int i = 1; i <= JOBS; i++)
        if (call(JOB, i, acks, &ack) < 0) return;
    baton_send(stop, NULL);
}

static int polls; /* status replies the monitor got */

static void monitor(void *arg)
{
    (void)arg;
    int64_t jobs;
    for (int i = 0; i < POLLS; i++)
        if (call(STATUS, 0, statuses, &jobs) == 0) polls++;
}

static void system_(void *arg)
{
    (void)arg;
    baton_proc procs[] = {{"server", server, NULL}, {"monitor", monitor, NULL},
                          {"client", client, NULL}};
    if (baton_par(procs, 3) < 0) exit(1);
}

int main(void)
{
    mailbox = baton_chan_new("mailbox", sizeof(struct request), MAILBOX);
    baton_chan_set_format(mailbox, request_format);
    stop = baton_chan_new("stop", 0, 0);
    done = baton_chan_new("done", 0, 0);
    acks = baton_chan_int("ack", 0);
    statuses = baton_chan_int("status", 0);
    int rc = baton_run(system_, NULL);
    baton_chan_free(mailbox);
    baton_chan_free(stop);
    baton_chan_free(done);
    baton_chan_free(acks);
    baton_chan_free(statuses);
    if (rc == BATON_DEADLOCK) return 1; /* baton_run has said who waits for whom */
    if (rc != 0) {
        perror("stop_status_fixed: baton_run");
        return 1;
    }
    printf("stop_status_fixed: %d jobs, %d status replies\n", JOBS, polls);
    return 0;
}
