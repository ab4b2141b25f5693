/* baton_mpi.c — the MPI transport of `baton check --distributed`, built alone into
 * baton-mpi.so with mpicc's flags and loaded by cli/distributed.c only when --distributed is
 * given, so that baton itself never loads libmpi (see docs/distributed.md).  It turns the
 * collective operations of checker/distributed.h into MPI calls over MPI_COMM_WORLD; the
 * search itself stays in baton.
 *
 * Errors: MPI's default handler (MPI_ERRORS_ARE_FATAL) ends the whole job on any failure, so
 * no rank waits for ever on another that is gone. */
#include <limits.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checker/distributed.h"

/* The entry points baton looks up: the version of struct dist_comm this was built with
 * (checked before anything else), and the one that fills *c for this process after
 * MPI_Init.  0, or -1. */
extern const int baton_mpi_version;
const int baton_mpi_version = DIST_COMM_VERSION;
int baton_mpi_open(struct dist_comm *c);

/* MPI counts are ints: a batch past INT_MAX words is refused (a round sends far less). */
static int to_int(size_t n, int *out)
{
    if (n > INT_MAX) return -1;
    *out = (int)n;
    return 0;
}

/* The counts first (MPI_Alltoall), then each outbox straight from where it is, by
 * nonblocking point-to-point messages into one receive buffer (no copy into a send buffer, as
 * MPI_Alltoallv would need).  Messages of a round are told apart from the next round's by
 * MPI's ordering between two ranks on one tag. */
/* Waits for n requests: polling at first (a round's partners are usually close behind),
 * then sleeping between polls, so that a rank that waits long for a slower one leaves its
 * core to it — which matters when ranks share cores (a laptop, a test machine).  0, or -1. */
static int wait_all(int n, MPI_Request *req)
{
    int done = 0;
    for (int spin = 0; spin < 2000; spin++) {
        if (MPI_Testall(n, req, &done, MPI_STATUSES_IGNORE) != MPI_SUCCESS) return -1;
        if (done) return 0;
    }
    const struct timespec nap = {0, 50000};
    for (;;) {
        nanosleep(&nap, NULL);
        if (MPI_Testall(n, req, &done, MPI_STATUSES_IGNORE) != MPI_SUCCESS) return -1;
        if (done) return 0;
    }
}

static int exchange(void *self, uint64_t *const *send, const size_t *nsend, uint64_t **recv,
                    size_t *nrecv)
{
    (void)self;
    int size, rank;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int *counts = malloc(2 * (size_t)size * sizeof *counts);
    MPI_Request *req = malloc(2 * (size_t)size * sizeof *req);
    if (!counts || !req) MPI_Abort(MPI_COMM_WORLD, 2);
    int *rcounts = counts + size;
    for (int r = 0; r < size; r++)
        if (to_int(nsend[r], &counts[r]) < 0) MPI_Abort(MPI_COMM_WORLD, 2);
    MPI_Request a2a;
    MPI_Ialltoall(counts, 1, MPI_INT, rcounts, 1, MPI_INT, MPI_COMM_WORLD, &a2a);
    if (wait_all(1, &a2a) < 0) MPI_Abort(MPI_COMM_WORLD, 2);
    size_t in = 0;
    for (int r = 0; r < size; r++) in += (size_t)rcounts[r];
    uint64_t *got = malloc((in ? in : 1) * sizeof *got);
    if (!got) MPI_Abort(MPI_COMM_WORLD, 2);
    int nreq = 0;
    size_t at = 0;
    for (int r = 0; r < size; r++) {
        if (r == rank) {
            if (rcounts[r]) memcpy(got + at, send[r], nsend[r] * sizeof *got);
        } else if (rcounts[r]) {
            MPI_Irecv(got + at, rcounts[r], MPI_UINT64_T, r, 0, MPI_COMM_WORLD, &req[nreq++]);
        }
        at += (size_t)rcounts[r];
    }
    for (int r = 0; r < size; r++)
        if (r != rank && counts[r])
            MPI_Isend(send[r], counts[r], MPI_UINT64_T, r, 0, MPI_COMM_WORLD, &req[nreq++]);
    int ok = wait_all(nreq, req) == 0;
    free(req);
    free(counts);
    if (!ok) {
        free(got);
        return -1;
    }
    *recv = got;
    *nrecv = in;
    return 0;
}

static int reduce(uint64_t *v, size_t n, MPI_Op op)
{
    int k;
    if (to_int(n, &k) < 0) return -1;
    MPI_Request req;
    if (MPI_Iallreduce(MPI_IN_PLACE, v, k, MPI_UINT64_T, op, MPI_COMM_WORLD, &req) != MPI_SUCCESS)
        return -1;
    return wait_all(1, &req);
}

static int sum(void *self, uint64_t *v, size_t n)
{
    (void)self;
    return reduce(v, n, MPI_SUM);
}

static int max(void *self, uint64_t *v, size_t n)
{
    (void)self;
    return reduce(v, n, MPI_MAX);
}

static int bcast(void *self, uint64_t *v, size_t n, int root)
{
    (void)self;
    int k;
    if (to_int(n, &k) < 0) return -1;
    MPI_Request req;
    if (MPI_Ibcast(v, k, MPI_UINT64_T, root, MPI_COMM_WORLD, &req) != MPI_SUCCESS) return -1;
    return wait_all(1, &req);
}

static void abort_job(void *self, int code)
{
    (void)self;
    MPI_Abort(MPI_COMM_WORLD, code);
}

static void finish(void *self)
{
    (void)self;
    MPI_Finalize();
}

int baton_mpi_open(struct dist_comm *c)
{
    int provided;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_SINGLE, &provided) != MPI_SUCCESS) return -1;
    memset(c, 0, sizeof *c);
    c->version = DIST_COMM_VERSION;
    MPI_Comm_rank(MPI_COMM_WORLD, &c->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c->size);
    c->exchange = exchange;
    c->sum = sum;
    c->max = max;
    c->bcast = bcast;
    c->abort = abort_job;
    c->finish = finish;
    return 0;
}
