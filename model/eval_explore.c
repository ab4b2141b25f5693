/* eval_explore.c — breadth-first exploration of a process's reachable terms through the
 * evaluator's semantics, for `baton eval --tests` and `baton lts` (the checker has its own
 * search).  States are numbered in the order found. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/eval_int.h"

static void oom(void)
{
    fputs("baton: out of memory\n", stderr);
    abort();
}

/* States found so far: an open-addressing table from term to its number (order of
 * discovery, which is breadth-first). */
struct seen {
    const value **key;
    size_t *num;
    size_t cap, n;
};

/* The number of state p, adding it when new (*fresh tells which). */
static size_t seen_add(struct seen *s, const value *p, bool *fresh)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        const value **k = calloc(cap, sizeof *k);
        size_t *v = calloc(cap, sizeof *v);
        if (!k || !v) oom();
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->key[i]) continue;
            size_t j = s->key[i]->hash & (cap - 1);
            while (k[j]) j = (j + 1) & (cap - 1);
            k[j] = s->key[i];
            v[j] = s->num[i];
        }
        free(s->key);
        free(s->num);
        s->key = k;
        s->num = v;
        s->cap = cap;
    }
    size_t j = p->hash & (s->cap - 1);
    while (s->key[j]) {
        if (s->key[j] == p) {
            *fresh = false;
            return s->num[j];
        }
        j = (j + 1) & (s->cap - 1);
    }
    s->key[j] = p;
    s->num[j] = s->n;
    *fresh = true;
    return s->n++;
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

long eval_explore(struct evaluator *ev, const value *p, long max_states, FILE *out)
{
    struct proc_sem *sem = &ev->sem;
    size_t errors = diag_count(&ev->m->diags);
    const value *root = proc_canon(sem, p);
    if (!root) return -1;
    struct seen seen = {0};
    const value **queue = malloc(1024 * sizeof *queue);
    size_t qn = 0, qcap = 1024, head = 0;
    bool fresh;
    if (!queue) oom();
    seen_add(&seen, root, &fresh);
    queue[qn++] = root;
    struct proc_trans *tr = NULL;
    size_t ntr = 0, cap = 0;
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
        if (out) {
            fprintf(out, "state %zu: ", head - 1);
            print_term(out, s);
            fputc('\n', out);
        }
        for (size_t i = 0; i < ntr; i++) {
            size_t k = seen_add(&seen, tr[i].target, &fresh);
            if (out) {
                fputs("  ", out);
                val_print(out, tr[i].event);
                fprintf(out, " -> %zu\n", k);
            }
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
        if ((long)seen.n > max_states) {
            result = max_states + 1;
            break;
        }
    }
    if (result == 0) result = (long)seen.n;
    free(tr);
    free(queue);
    free(seen.key);
    free(seen.num);
    return result;
}

