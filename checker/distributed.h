/* distributed.h — breadth-first search with the state space hash-partitioned across the
 * ranks of an MPI job (FDR's cluster mode, LTSmin's distributed backend): every rank compiles
 * the same machine, owns the states that hash to it, expands its own frontier level by level
 * and sends each successor to its owner.  Deadlock and divergence freedom and refinement in
 * every model run distributed (determinism and has-trace do not); see docs/distributed.md.
 *
 * The search knows nothing of MPI: it talks through a dist_comm, which the MPI plugin
 * (mpi/baton_mpi.c, built as baton-mpi.so and loaded only for --distributed) or the loopback
 * one here (one rank, no MPI) provides, so a baton without libmpi still runs it.
 *
 * Ownership: the comm is the caller's; results own their arrays as explore.h says. */
#ifndef BATON_CHECKER_DISTRIBUTED_H
#define BATON_CHECKER_DISTRIBUTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checker/explore.h"
#include "checker/refine.h"

/* The collective operations a distributed search needs, all over 64-bit words and called by
 * every rank in the same order.  Each returns 0, or -1 when the transport failed (the search
 * then stops as out of memory; the MPI plugin normally aborts the whole job itself).
 * DIST_COMM_VERSION changes whenever this struct does: a plugin of another version is
 * refused. */
#define DIST_COMM_VERSION 1
struct dist_comm {
    int version;
    int rank, size;
    void *self;
    /* Every rank sends send[r] (nsend[r] words) to rank r; *recv gets what every rank sent to
     * this one, rank by rank (malloc'd, the caller frees; NULL when nothing came), *nrecv its
     * length in words. */
    int (*exchange)(void *self, uint64_t *const *send, const size_t *nsend, uint64_t **recv,
                    size_t *nrecv);
    /* v[0..n) becomes its element-wise sum, or maximum, over all ranks. */
    int (*sum)(void *self, uint64_t *v, size_t n);
    int (*max)(void *self, uint64_t *v, size_t n);
    /* v[0..n) becomes rank root's v. */
    int (*bcast)(void *self, uint64_t *v, size_t n, int root);
    /* Ends the job, every rank, with this exit code (an unrecoverable error). */
    void (*abort)(void *self, int code);
    /* Leaves the job (MPI_Finalize); called once, last. */
    void (*finish)(void *self);
};

/* The one-rank comm: a search through it is a plain breadth-first search. */
extern const struct dist_comm dist_loopback;

/* ---- agreeing between assertions ----
 *
 * Every rank checks every assertion of the same script, but a rank can skip one that another
 * reaches (a limit hit while compiling, an interrupt): before each distributed search the
 * ranks agree on where each is, by a key that grows along the script (the assertion's
 * place).  DIST_KEY_END is the key of a rank that has finished the script. */
#define DIST_KEY_END UINT64_MAX

/* 1 when every rank is at `key` with `ok` set (the search may start), 0 when all are at key
 * but some cannot run it distributed (ok false somewhere), -1 when some rank is elsewhere —
 * this rank then skips its search — or the comm failed, -2 when all are at key but with
 * different `print`s (fingerprints of what each compiled: the ranks read different
 * scripts).  At DIST_KEY_END it returns once every rank is there, and *value (may be NULL)
 * becomes rank 0's *value. */
int dist_agree(const struct dist_comm *c, uint64_t key, uint64_t print, bool ok, uint64_t *value);

/* ---- the searches ----
 *
 * Each is called by every rank with the same machines and the assertion's key; it agrees
 * with the others first (dist_agree).  DIST_DONE: r has the verdict, the global figures
 * (states and transitions summed over the ranks) and, for a failure, the counterexample, on
 * every rank: a shortest one, as long as the one-process search's, though not always the
 * same one.  Limits (time and memory per rank, states over all ranks) are polled by every
 * rank and stop them all at the same round.  DIST_ALONE: the check cannot run distributed
 * (r untouched): rank 0 should run the one-process check.  DIST_SKIPPED: the ranks are not
 * at the same assertion (r is a limit).  Ranks that compiled different machines (different
 * scripts) end the job with exit 2, rank 0 saying why on stderr. */
enum dist_outcome { DIST_DONE, DIST_ALONE, DIST_SKIPPED };

/* Deadlock freedom, with `divergence` (FD) divergence freedom too; divergence (and livelock)
 * freedom alone.  Divergence: the ranks record the tau edges that reach their states and
 * peel them together (Kahn's sort) after the search; a failure — a tau cycle, or a deadlock
 * with divergence asked for — is DIST_ALONE, so that the one-process check gives the same
 * counterexample as without --distributed (r is then cleared). */
enum dist_outcome dist_deadlock(const struct dist_comm *c, uint64_t key, const struct machine *m,
                                const struct chk_limits *lim, bool divergence,
                                struct chk_result *r);
enum dist_outcome dist_divergence(const struct dist_comm *c, uint64_t key,
                                  const struct machine *m, const struct chk_limits *lim,
                                  struct chk_result *r);

/* Refinement of spec by impl in every model; the specification's normal form is built whole
 * on every rank (DIST_ALONE when it has more than 2^20 nodes, or in R and RD when its steps
 * after refusals cannot be made beforehand).  A failure in R, RD, V or VD, or in FD of an
 * implementation with taus, is DIST_ALONE as above. */
enum dist_outcome dist_refines(const struct dist_comm *c, uint64_t key, const struct machine *spec,
                               const struct machine *impl, enum chk_model model,
                               const struct chk_limits *lim, struct chk_result *r);

#endif
