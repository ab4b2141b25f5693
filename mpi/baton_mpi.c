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

static int exchange(void *self, uint64_t *const *send, const size_t *nsend, uint64_t **recv,
                    size_t *nrecv)
{
    (void)self;
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int *counts = malloc(4 * (size_t)size * sizeof *counts);
    uint64_t *flat = NULL;
    int ret = -1;
    *recv = NULL;
    *nrecv = 0;
    if (!counts) MPI_Abort(MPI_COMM_WORLD, 2);
    int *sdispl = counts + size, *rcounts = counts + 2 * size, *rdispl = counts + 3 * size;
    size_t total = 0;
    for (int r = 0; r < size; r++) {
        if (to_int(nsend[r], &counts[r]) < 0 || to_int(total, &sdispl[r]) < 0)
            MPI_Abort(MPI_COMM_WORLD, 2);
        total += nsend[r];
    }
    /* Alltoallv takes one buffer: the outboxes one after another. */
    flat = malloc((total ? total : 1) * sizeof *flat);
    if (!flat) MPI_Abort(MPI_COMM_WORLD, 2);
    for (int r = 0; r < size; r++)
        if (nsend[r]) memcpy(flat + sdispl[r], send[r], nsend[r] * sizeof *flat);
    MPI_Alltoall(counts, 1, MPI_INT, rcounts, 1, MPI_INT, MPI_COMM_WORLD);
    size_t in = 0;
    for (int r = 0; r < size; r++) {
        if (to_int(in, &rdispl[r]) < 0) MPI_Abort(MPI_COMM_WORLD, 2);
        in += (size_t)rcounts[r];
    }
    uint64_t *got = malloc((in ? in : 1) * sizeof *got);
    if (!got) MPI_Abort(MPI_COMM_WORLD, 2);
    if (MPI_Alltoallv(flat, counts, sdispl, MPI_UINT64_T, got, rcounts, rdispl, MPI_UINT64_T,
                      MPI_COMM_WORLD) == MPI_SUCCESS) {
        ret = 0;
        *recv = got;
        *nrecv = in;
    } else {
        free(got);
    }
    free(flat);
    free(counts);
    return ret;
}

static int reduce(uint64_t *v, size_t n, MPI_Op op)
{
    int k;
    if (to_int(n, &k) < 0) return -1;
    return MPI_Allreduce(MPI_IN_PLACE, v, k, MPI_UINT64_T, op, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
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
    return MPI_Bcast(v, k, MPI_UINT64_T, root, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
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
