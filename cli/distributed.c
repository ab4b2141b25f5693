/* distributed.c — `baton check --distributed`: finding the MPI transport (the plugin
 * baton-mpi.so, dlopen()ed only here, so that baton itself never loads libmpi), quieting
 * every rank but 0, choosing per assertion between the distributed search
 * (checker/distributed.h) and the one-process one, and agreeing on the exit code.  See
 * docs/distributed.md. */
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker/distributed.h"
#include "cli/check.h"
#include "cli/cli.h"

/* The job's transport, for the whole process (MPI is initialised once). */
static struct dist_comm comm;

/* Set by mpirun (Open MPI), or by another launcher's process manager (PMIx, PMI). */
static bool under_mpirun(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

/* The plugin: $BATON_MPI_PLUGIN, else beside the executable (a build folder), else in the
 * lib/baton folder of the prefix it is installed under (`make install`).  NULL, after
 * saying what was tried. */
static void *open_plugin(void)
{
    char exe[PATH_MAX], tried[3][PATH_MAX + 64];
    int ntried = 0;
    const char *env = getenv("BATON_MPI_PLUGIN");
    if (env && *env) {
        snprintf(tried[ntried++], sizeof tried[0], "%s", env);
    } else {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n > 0) {
            exe[n] = '\0';
            char *dir = dirname(exe);
            snprintf(tried[ntried++], sizeof tried[0], "%s/baton-mpi.so", dir);
            snprintf(tried[ntried++], sizeof tried[0], "%s/../lib/baton/baton-mpi.so", dir);
        }
    }
    for (int i = 0; i < ntried; i++) {
        if (access(tried[i], F_OK) != 0) continue;
        /* RTLD_GLOBAL: Open MPI's own components, loaded later, look for libmpi's symbols. */
        void *h = dlopen(tried[i], RTLD_NOW | RTLD_GLOBAL);
        if (h) return h;
        fprintf(stderr, "baton: --distributed: cannot load %s: %s\n", tried[i], dlerror());
        return NULL;
    }
    if (env && *env)
        fprintf(stderr, "baton: --distributed: $BATON_MPI_PLUGIN names %s, which is not there\n",
                env);
    else
        fprintf(stderr, "baton: --distributed under mpirun needs the MPI plugin baton-mpi.so, "
                        "which is not there (%s%s%s): this baton was built without Open MPI "
                        "(make deps installs it; see docs/distributed.md)\n",
                ntried ? tried[0] : "no path", ntried > 1 ? ", " : "", ntried > 1 ? tried[1] : "");
    return NULL;
}

int check_distributed_start(struct check_options *o)
{
    if (o->ntraces)
        return cli_usage_error("check", "--distributed checks assertions, not --trace runs");
    if (!under_mpirun()) {
        comm = dist_loopback;
        fprintf(stderr, "baton: --distributed outside mpirun: checking as one rank (run "
                        "`mpirun -np N baton check --distributed ...`; docs/distributed.md)\n");
        return EXIT_HOLDS;
    }
    void *h = open_plugin();
    if (!h) return EXIT_INPUT;
    const int *version = dlsym(h, "baton_mpi_version");
    int (*open)(struct dist_comm *) = (int (*)(struct dist_comm *))dlsym(h, "baton_mpi_open");
    if (!version || !open || *version != DIST_COMM_VERSION) {
        fprintf(stderr, "baton: --distributed: the MPI plugin is not this baton's (version %d, "
                        "not %d): rebuild it\n", version ? *version : -1, DIST_COMM_VERSION);
        return EXIT_INPUT;
    }
    if (open(&comm) < 0 || comm.version != DIST_COMM_VERSION) {
        fprintf(stderr, "baton: --distributed: MPI did not start\n");
        return EXIT_INPUT;
    }
    /* The default memory budget is a share of the machine: split it among the ranks on it. */
    const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    long nlocal = local ? strtol(local, NULL, 10) : 1;
    if (o->default_memory && nlocal > 1) o->lim.memory /= (size_t)nlocal;
    /* One core a rank: the searches that could use threads run on rank 0 alone anyway. */
    o->lim.threads = 1;
    if (comm.rank != 0) {
        /* Every rank meets the same diagnostics and verdicts: rank 0 alone says them. */
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            comm.abort(comm.self, EXIT_INPUT);
        o->progress = -1;
        o->out.nfiles = 0;            /* still freed: report_outputs_free frees `files` */
        o->out.format = RPT_TEXT;
        o->graphs = NULL;
    }
    return EXIT_HOLDS;
}

int check_distributed_end(const struct check_options *o, int status)
{
    (void)o;
    uint64_t v = (uint64_t)status;
    if (dist_agree(&comm, DIST_KEY_END, 0, true, &v) == 1) status = (int)v;
    comm.finish(comm.self);
    /* mpirun exits with the first non-zero exit code it sees, and aborts the job (slowly,
     * noisily) when one rank's is not 0 while others run: rank 0 alone says the verdict. */
    return comm.rank == 0 ? status : EXIT_HOLDS;
}

bool check_here(const struct check_options *o)
{
    return !o->distributed || comm.rank == 0;
}

void check_deadlock_free(const struct check_options *o, uint64_t key, const struct machine *m,
                         const struct chk_limits *lim, bool divergence, struct chk_result *r)
{
    if (!o->distributed) {
        chk_deadlock(m, lim, divergence, r);
        return;
    }
    if (dist_deadlock(&comm, key, m, lim, divergence, r) == DIST_ALONE && comm.rank == 0)
        chk_deadlock(m, lim, divergence, r);
}

void check_divergence_free(const struct check_options *o, uint64_t key, const struct machine *m,
                           const struct chk_limits *lim, struct chk_result *r)
{
    if (!o->distributed) {
        chk_divergence(m, lim, r);
        return;
    }
    if (dist_divergence(&comm, key, m, lim, r) == DIST_ALONE && comm.rank == 0)
        chk_divergence(m, lim, r);
}

void check_refines(const struct check_options *o, uint64_t key, const struct machine *spec,
                   const struct machine *impl, enum chk_model model, const struct chk_limits *lim,
                   struct chk_result *r)
{
    if (!o->distributed) {
        chk_refines(spec, impl, model, lim, r);
        return;
    }
    if (dist_refines(&comm, key, spec, impl, model, lim, r) == DIST_ALONE && comm.rank == 0)
        chk_refines(spec, impl, model, lim, r);
}
