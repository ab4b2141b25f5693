/* eval_explore.c — breadth-first exploration of a process's reachable terms through the
 * evaluator's semantics, for `baton eval --tests` and `baton lts` (the checker has its own
 * search) and `baton graph lts`.  States are numbered in the order found. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/eval_int.h"
#include "model/termmap.h"

static void oom(void)
{
    fputs("baton: out of memory\n", stderr);
    abort();
}

/* The number of state p in the order found (breadth-first), adding it when new (*fresh
 * tells which). */
static size_t seen_add(struct termmap *seen, const value *p, bool *fresh)
{
    size_t n = seen->count;
    uint32_t k = termmap_get(seen, p, true, (uint32_t)n);
    if (k == TERMMAP_NOMEM) oom();
    *fresh = k == n && seen->count > n;
    return k;
}

static void print_term(FILE *out, const value *p)
{
    char small[512];
    size_t n = proc_format(p, small, sizeof small);
    if (n < sizeof small) {
        fputs(small, out);
        return;
    }
    char *big = malloc(n + 1);
    if (!big) oom();
    proc_format(p, big, n + 1);
    fputs(big, out);
    free(big);
}

/* eval_explore's printer, as a visitor. */
static void print_state(void *ctx, size_t id, const value *term, const struct proc_trans *tr,
                        const size_t *targets, size_t n)
{
    FILE *out = ctx;
    fprintf(out, "state %zu: ", id);
    print_term(out, term);
    fputc('\n', out);
    for (size_t i = 0; i < n; i++) {
        fputs("  ", out);
        val_print(out, tr[i].event);
        fprintf(out, " -> %zu\n", targets[i]);
    }
}

long eval_explore(struct evaluator *ev, const value *p, long max_states, FILE *out)
{
    return eval_explore_visit(ev, p, max_states, out ? print_state : NULL, out);
}

long eval_explore_visit(struct evaluator *ev, const value *p, long max_states,
                        eval_state_visitor *visit, void *ctx)
{
    struct proc_sem *sem = &ev->sem;
    size_t errors = diag_count(&ev->m->diags);
    const value *root = proc_canon(sem, p);
    if (!root) return -1;
    struct termmap seen = {0};
    const value **queue = malloc(1024 * sizeof *queue);
    size_t qn = 0, qcap = 1024, head = 0;
    bool fresh;
    if (!queue) oom();
    seen_add(&seen, root, &fresh);
    queue[qn++] = root;
    struct proc_trans *tr = NULL;
    size_t ntr = 0, cap = 0, *targets = NULL, tcap = 0;
    long result = 0;
    while (head < qn) {
        const value *s = queue[head++];
        ntr = 0;
        if (proc_transitions(sem, s, &tr, &ntr, &cap) < 0) {
            if (diag_count(&ev->m->diags) == errors)
                diag_error(&ev->m->diags, (struct cspm_loc){0}, "could not compute the transitions of a process");
            result = -1;
            break;
        }
        if (ntr > tcap) {
            tcap = ntr;
            free(targets);
            if (!(targets = malloc(tcap * sizeof *targets))) oom();
        }
        for (size_t i = 0; i < ntr; i++) {
            size_t k = seen_add(&seen, tr[i].target, &fresh);
            targets[i] = k;
            if (fresh) {
                if (qn == qcap) {
                    qcap *= 2;
                    const value **q = realloc(queue, qcap * sizeof *q);
                    if (!q) oom();
                    queue = q;
                }
                queue[qn++] = tr[i].target;
            }
        }
        if (visit) visit(ctx, head - 1, s, tr, targets, ntr);
        if ((long)seen.count > max_states) {
            result = max_states + 1;
            break;
        }
    }
    if (result == 0) result = (long)seen.count;
    free(tr);
    free(targets);
    free(queue);
    termmap_free(&seen);
    return result;
}

