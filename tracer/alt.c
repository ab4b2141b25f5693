/* alt.c — baton_alt, CSP's external choice (Go's select).  If some enabled cases can complete
 * now, one of them is picked at random with the run's seeded generator and done; otherwise
 * the process registers a clause on every enabled case and sleeps until exactly one peer
 * fires one of them (trc_clause_fire unlinks the others), its deadline passes, or a channel
 * closes. */
#include <errno.h>
#include <stdlib.h>

#include "tracer/chan.h"
#include "tracer/sched.h"
#include "tracer/trace.h"
#include "tracer/trace_format.h"

/* Alts with up to this many enabled cases keep their clauses on the stack. */
#define ALT_STACK_CLAUSES 16

int baton_alt(baton_case cases[], size_t n, int64_t timeout_ns)
{
    struct trc_proc *self = trc_sched.cur;
    if (!self || (n && !cases) || n > INT32_MAX) goto einval;
    trc_point();
    size_t nready = 0, nenabled = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cases[i].enabled) continue;
        if (!cases[i].chan || (cases[i].op != BATON_SEND && cases[i].op != BATON_RECV) ||
            (cases[i].op == BATON_SEND && !cases[i].msg && cases[i].chan->msg_size))
            goto einval;
        cases[i].err = 0;
        nenabled++;
        if (trc_chan_ready(cases[i].chan, cases[i].op)) nready++;
    }
    if (nready) {
        uint64_t k = nready == 1 ? 0 : trc_rand_below(nready);
        for (size_t i = 0; i < n; i++) {
            if (!cases[i].enabled || !trc_chan_ready(cases[i].chan, cases[i].op)) continue;
            if (k-- == 0) {
                cases[i].err = trc_chan_do(cases[i].chan, cases[i].op, cases[i].msg);
                return (int)i;
            }
        }
    }
    if (timeout_ns == 0) {
        errno = ETIMEDOUT;
        return -1;
    }

    struct trc_clause local[ALT_STACK_CLAUSES];
    struct trc_clause *cl = local;
    if (nenabled > ALT_STACK_CLAUSES) {
        cl = malloc(nenabled * sizeof *cl);
        if (!cl) {
            errno = ENOMEM;
            return -1;
        }
    }
    uint32_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cases[i].enabled) continue;
        cl[m] = (struct trc_clause){.proc = self, .chan = cases[i].chan, .msg = cases[i].msg,
                                    .op = cases[i].op, .idx = (int)i};
        trc_clause_link(&cl[m++]);
    }
    self->clauses = cl;
    self->nclauses = m;
    self->wait = TRC_W_ALT;
    self->wake_idx = -1;
    self->wake_err = 0;
    if (timeout_ns > 0 && trc_timer_add(self, baton_now() + timeout_ns) < 0) {
        for (uint32_t i = 0; i < m; i++) trc_clause_unlink(&cl[i]);
        self->wait = TRC_W_NONE;
        if (cl != local) free(cl);
        errno = ENOMEM;
        return -1;
    }
    if (TRC_ON()) {
        trc_rec_block(self, TRC_OP_ALT, NULL, m);
        for (uint32_t i = 0; i < m; i++) trc_rec_offer(&cl[i]);
    }
    trc_suspend();
    self->clauses = NULL;
    self->nclauses = 0;
    if (cl != local) free(cl);
    if (self->wake_idx < 0) {
        errno = self->wake_err ? self->wake_err : ETIMEDOUT;
        return -1;
    }
    cases[self->wake_idx].err = self->wake_err;
    return self->wake_idx;
einval:
    errno = EINVAL;
    return -1;
}
