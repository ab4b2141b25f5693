/* compress.c — FDR's compressions of explicit LTSs: strong and weak bisimulation quotients by
 * partition refinement, tau-loop factoring, diamond elimination, normalisation and chase
 * (see compress.h for what each preserves and how acceptances are written as transitions). */
#include "checker/compress.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "checker/sorted.h"
#include "checker/vec32.h"

#define NONE UINT32_MAX
#define ACC 0x80000000u          /* an acceptance state's number, before it gets its place */

/* ---- small helpers ---- */

static bool push3(struct vec32 *a, uint32_t x, uint32_t y, uint32_t z)
{
    if (!vec32_room(a, 3)) return false;
    a->v[a->n++] = x;
    a->v[a->n++] = y;
    a->v[a->n++] = z;
    return true;
}

/* One compression's limits and failure. */
struct job {
    const struct chk_limits *lim;
    double start;
    const char *limit;            /* the limit that stopped it */
    bool failed;
    uint32_t polls;
};

/* Building an LTS from n triples takes about 3 times their size again: does it fit the
 * memory budget?  (The polls see what is allocated, not what is about to be.) */
static bool room_for(struct job *j, size_t triples)
{
    if (chk_memory_fits(j->lim, 3 * triples * 3 * sizeof(uint32_t))) return true;
    j->limit = "memory";
    j->failed = true;
    return false;
}

/* Every 1024th call asks whether a limit has passed; false once one has. */
static bool poll(struct job *j)
{
    if (j->failed) return false;
    if ((++j->polls & 1023) != 0) return true;
    if ((j->limit = chk_over_limit(j->lim, 0, j->start))) j->failed = true;
    return !j->failed;
}

static uint32_t hash_ids(const uint32_t *v, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ v[i]) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    return (uint32_t)(h ^ h >> 32);
}

static int cmp_pair(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Sorts n (x, y) pairs and drops duplicates; the number kept. */
static size_t sort_pairs(uint32_t *v, size_t n)
{
    if (n > 1) qsort(v, n, 2 * sizeof *v, cmp_pair);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || cmp_pair(v + 2 * i, v + 2 * (k - 1)) != 0) {
            v[2 * k] = v[2 * i];
            v[2 * k + 1] = v[2 * i + 1];
            k++;
        }
    return k;
}

/* The LTS of the (source, event, target) triples in e over states 0..n-1, its states
 * renumbered breadth first from `initial` (so state 0 is the initial one, and states no
 * longer reachable go); (*rep)[new] = rep_in[old] (old itself when rep_in is NULL). */
static struct lts *build(uint32_t n, const struct vec32 *e, uint32_t initial, uint32_t omega,
                         const uint32_t *rep_in, uint32_t **rep)
{
    size_t m = e->n / 3;
    uint32_t *first = calloc((size_t)n + 1, sizeof *first), *at = malloc(((size_t)n + 1) * sizeof *at);
    uint32_t *order = malloc((m ? m : 1) * sizeof *order), *id = malloc(((size_t)n + 1) * sizeof *id);
    uint32_t *queue = malloc(((size_t)n + 1) * sizeof *queue);
    struct lts_builder *b = lts_builder_new();
    struct lts *l = NULL;
    *rep = NULL;
    if (!first || !at || !order || !id || !queue || !b) goto out;
    for (size_t k = 0; k < m; k++) first[e->v[3 * k] + 1]++;
    for (uint32_t s = 0; s < n; s++) first[s + 1] += first[s];
    memcpy(at, first, ((size_t)n + 1) * sizeof *at);
    for (size_t k = 0; k < m; k++) order[at[e->v[3 * k]]++] = (uint32_t)k;
    for (uint32_t s = 0; s < n; s++) id[s] = NONE;
    uint32_t count = 0;
    id[initial] = count;
    queue[count++] = initial;
    for (uint32_t q = 0; q < count; q++) {
        uint32_t s = queue[q];
        for (uint32_t k = first[s]; k < first[s + 1]; k++) {
            uint32_t t = e->v[3 * order[k] + 2];
            if (id[t] == NONE) {
                id[t] = count;
                queue[count++] = t;
            }
            if (lts_builder_add(b, id[s], e->v[3 * order[k] + 1], id[t]) < 0) goto out;
        }
    }
    lts_builder_reserve(b, count);
    *rep = malloc(count * sizeof **rep);
    if (!*rep) goto out;
    for (uint32_t i = 0; i < count; i++) (*rep)[i] = rep_in ? rep_in[queue[i]] : queue[i];
    l = lts_build(b, 0, omega != NONE && omega < n && id[omega] != NONE ? id[omega] : LTS_NONE);
    b = NULL;
    if (!l) {
        free(*rep);
        *rep = NULL;
    }
out:
    lts_builder_free(b);
    free(first);
    free(at);
    free(order);
    free(id);
    free(queue);
    return l;
}

/* rep[i] = under[rep[i]]: representatives through two compressions. */
static void compose(uint32_t *rep, uint32_t n, const uint32_t *under)
{
    for (uint32_t i = 0; i < n; i++) rep[i] = under[rep[i]];
}

/* ---- strongly connected sets of taus (Tarjan, without recursion) ---- */

/* comp[s]: the strongly connected set of tau transitions s is in, numbered in the order the
 * search completes them — so a tau between two sets leads to the lower number; div[c]: set c
 * has a cycle of taus (more than one state, or a tau to itself).  The number of sets, or -1
 * when out of memory. */
static int64_t tau_sccs(const struct lts *l, uint32_t *comp, bool *div)
{
    uint32_t n = l->nstates;
    uint32_t *idx = malloc(((size_t)n + 1) * sizeof *idx), *low = malloc(((size_t)n + 1) * sizeof *low);
    uint32_t *stk = malloc(((size_t)n + 1) * sizeof *stk), *cs = malloc(((size_t)n + 1) * sizeof *cs);
    uint32_t *ce = malloc(((size_t)n + 1) * sizeof *ce);
    bool *on = calloc((size_t)n + 1, sizeof *on);
    int64_t result = -1;
    if (!idx || !low || !stk || !cs || !ce || !on) goto out;
    for (uint32_t s = 0; s < n; s++) idx[s] = NONE;
    uint32_t counter = 0, ncomp = 0, sp = 0;
    for (uint32_t r = 0; r < n; r++) {
        if (idx[r] != NONE) continue;
        uint32_t depth = 0;
        idx[r] = low[r] = counter++;
        stk[sp++] = r;
        on[r] = true;
        cs[depth] = r;
        ce[depth++] = l->first[r];
        while (depth) {
            uint32_t v = cs[depth - 1], e = ce[depth - 1];
            if (e < l->first[v + 1] && l->trans[e].event == EV_TAU) {
                uint32_t w = l->trans[e].target;
                ce[depth - 1] = e + 1;
                if (idx[w] == NONE) {
                    idx[w] = low[w] = counter++;
                    stk[sp++] = w;
                    on[w] = true;
                    cs[depth] = w;
                    ce[depth++] = l->first[w];
                } else if (on[w] && idx[w] < low[v]) {
                    low[v] = idx[w];
                }
                continue;
            }
            depth--;
            if (low[v] == idx[v]) {
                uint32_t size = 0, x;
                do {
                    x = stk[--sp];
                    on[x] = false;
                    comp[x] = ncomp;
                    size++;
                } while (x != v);
                div[ncomp++] = size > 1;
            }
            if (depth && low[v] < low[cs[depth - 1]]) low[cs[depth - 1]] = low[v];
        }
    }
    for (uint32_t s = 0; s < n; s++)
        for (uint32_t k = l->first[s]; k < l->first[s + 1] && l->trans[k].event == EV_TAU; k++)
            if (l->trans[k].target == s) div[comp[s]] = true;
    result = ncomp;
out:
    free(idx);
    free(low);
    free(stk);
    free(cs);
    free(ce);
    free(on);
    return result;
}

/* l with each strongly connected set of taus made one state (numbered as tau_sccs numbers
 * them: a tau leads to a lower number or to itself), with a tau to itself when the set has a
 * cycle; *div (per state of the result) says which; *rep maps back to l. */
static struct lts *collapse(const struct lts *l, bool **div, uint32_t **rep)
{
    uint32_t n = l->nstates;
    uint32_t *comp = malloc(((size_t)n + 1) * sizeof *comp);
    bool *d = calloc((size_t)n + 1, sizeof *d);
    struct lts_builder *b = lts_builder_new();
    struct lts *c = NULL;
    *rep = NULL;
    *div = NULL;
    if (!comp || !d || !b) goto out;
    int64_t nc = tau_sccs(l, comp, d);
    if (nc < 0) goto out;
    *rep = malloc(((size_t)nc + 1) * sizeof **rep);
    if (!*rep) goto out;
    for (int64_t i = 0; i < nc; i++) (*rep)[i] = NONE;
    for (uint32_t s = 0; s < n; s++) {
        if ((*rep)[comp[s]] == NONE) (*rep)[comp[s]] = s;
        for (uint32_t k = l->first[s]; k < l->first[s + 1]; k++)
            if (lts_builder_add(b, comp[s], l->trans[k].event, comp[l->trans[k].target]) < 0) goto out;
    }
    lts_builder_reserve(b, (uint32_t)nc);
    c = lts_build(b, comp[l->initial], l->omega == LTS_NONE ? LTS_NONE : comp[l->omega]);
    b = NULL;
    if (c) {
        *div = d;
        d = NULL;
    }
out:
    if (!c) {
        free(*rep);
        *rep = NULL;
    }
    lts_builder_free(b);
    free(comp);
    free(d);
    return c;
}

/* ---- partition refinement ---- */

struct item {
    uint32_t blk, hash, len, state;
    size_t off;                   /* where sig is in the pool, while the pool may move */
    const uint32_t *sig;          /* len (event, block of target) pairs */
};

static int cmp_item(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    if (x->blk != y->blk) return x->blk < y->blk ? -1 : 1;
    if (x->hash != y->hash) return x->hash < y->hash ? -1 : 1;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return memcmp(x->sig, y->sig, 2 * x->len * sizeof *x->sig);
}

static bool same_sig(const struct item *x, const struct item *y)
{
    return x->hash == y->hash && x->len == y->len &&
           memcmp(x->sig, y->sig, 2 * x->len * sizeof *x->sig) == 0;
}

/* The coarsest strong bisimulation of graph g that refines colour[] (small dense numbers):
 * block[s] for every state; the number of blocks, or -1 (out of memory, or j's limit).
 *
 * Signature refinement, incremental: a state's signature is the set of (event, block of
 * target) of its transitions.  Each round recomputes the signatures of the marked states
 * only — those with a transition into a state that changed block in the round before — and
 * splits each block by them; the unmarked members of a block all still share one signature
 * (none of their targets moved), and it differs from every marked member's (which reaches a
 * block made in the round before).  The largest part of a split keeps the block's number and
 * only the others move (Hopcroft's "all but the largest"), so a state moves at most log2 n
 * times and marks its predecessors each time. */
static int64_t refine(struct job *j, const struct lts *g, const uint32_t *colour, uint32_t *block)
{
    uint32_t n = g->nstates, m = g->ntrans;
    int64_t result = -1;
    uint32_t ncol = 0;
    for (uint32_t s = 0; s < n; s++)
        if (colour[s] + 1 > ncol) ncol = colour[s] + 1;
    uint32_t *pfirst = calloc((size_t)n + 1, sizeof *pfirst), *psrc = malloc(((size_t)m + 1) * sizeof *psrc);
    uint32_t *elem = malloc(((size_t)n + 1) * sizeof *elem), *loc = malloc(((size_t)n + 1) * sizeof *loc);
    uint32_t *bfirst = malloc(((size_t)n + ncol + 1) * sizeof *bfirst);
    uint32_t *bend = malloc(((size_t)n + ncol + 1) * sizeof *bend);
    uint32_t *stamp = calloc((size_t)n + 1, sizeof *stamp);
    struct item *it = malloc(((size_t)n + 1) * sizeof *it);
    struct vec32 marked = {0}, next = {0}, pool = {0};
    if (!pfirst || !psrc || !elem || !loc || !bfirst || !bend || !stamp || !it) goto out;
    /* predecessors */
    for (uint32_t k = 0; k < m; k++) pfirst[g->trans[k].target + 1]++;
    for (uint32_t s = 0; s < n; s++) pfirst[s + 1] += pfirst[s];
    for (uint32_t s = 0; s < n; s++)
        for (uint32_t k = g->first[s]; k < g->first[s + 1]; k++) psrc[pfirst[g->trans[k].target]++] = s;
    for (uint32_t s = n; s > 0; s--) pfirst[s] = pfirst[s - 1];
    pfirst[0] = 0;
    /* the first partition: one block per colour, every state marked */
    uint32_t nb = 0;
    for (uint32_t c = 0; c <= ncol; c++) bfirst[c] = 0;
    for (uint32_t s = 0; s < n; s++) bfirst[colour[s] + 1]++;
    for (uint32_t c = 0; c < ncol; c++) bfirst[c + 1] += bfirst[c];
    for (uint32_t c = 0; c < ncol; c++) bend[c] = bfirst[c];
    for (uint32_t s = 0; s < n; s++) {
        loc[s] = bend[colour[s]]++;
        elem[loc[s]] = s;
    }
    /* blocks are the colours (an empty colour is an empty block, harmless) */
    nb = ncol;
    uint32_t round = 1;
    for (uint32_t s = 0; s < n; s++) {
        block[s] = colour[s];
        stamp[s] = round;
        if (!vec32_push(&marked, s)) goto out;
    }
    while (marked.n) {
        /* signatures of the marked states, against the blocks as they are now */
        pool.n = 0;
        for (size_t i = 0; i < marked.n; i++) {
            uint32_t s = marked.v[i];
            size_t off = pool.n;
            if (!vec32_room(&pool, 2 * (size_t)(g->first[s + 1] - g->first[s]))) goto out;
            for (uint32_t k = g->first[s]; k < g->first[s + 1]; k++) {
                pool.v[pool.n++] = g->trans[k].event;
                pool.v[pool.n++] = block[g->trans[k].target];
            }
            uint32_t len = (uint32_t)sort_pairs(pool.v + off, (pool.n - off) / 2);
            pool.n = off + 2 * (size_t)len;
            it[i] = (struct item){block[s], hash_ids(pool.v + off, 2 * (size_t)len), len, s, off, NULL};
            if ((i & 4095) == 4095 && !poll(j)) goto out;
        }
        for (size_t i = 0; i < marked.n; i++) it[i].sig = pool.v + it[i].off;
        qsort(it, marked.n, sizeof *it, cmp_item);
        next.n = 0;
        round++;
        for (size_t r = 0; r < marked.n;) {
            uint32_t B = it[r].blk;
            size_t z = r;
            while (z < marked.n && it[z].blk == B) z++;
            uint32_t mB = (uint32_t)(z - r), lo = bfirst[B], u = bend[B] - lo - mB;
            /* the marked members to the front of the block, in signature order */
            for (uint32_t k = 0; k < mB; k++) {
                uint32_t s = it[r + k].state, at = lo + k, x = elem[at], ps = loc[s];
                elem[ps] = x;
                loc[x] = ps;
                elem[at] = s;
                loc[s] = at;
            }
            /* the largest group keeps the number (U, the unmarked ones, when no smaller) */
            size_t best = r, bestlen = 0, ngroups = 0;
            for (size_t g0 = r; g0 < z;) {
                size_t g1 = g0 + 1;
                while (g1 < z && same_sig(&it[g0], &it[g1])) g1++;
                if (g1 - g0 > bestlen) {
                    best = g0;
                    bestlen = g1 - g0;
                }
                ngroups++;
                g0 = g1;
            }
            if (ngroups == 1 && u == 0) {
                r = z;
                continue;
            }
            bool keep_u = u >= bestlen;
            uint32_t keep_lo = keep_u ? lo + mB : lo + (uint32_t)(best - r);
            uint32_t keep_hi = keep_u ? bend[B] : keep_lo + (uint32_t)bestlen;
            for (uint32_t pos = lo; pos < bend[B];) {
                uint32_t hi;
                if (pos >= lo + mB) {
                    hi = bend[B];
                } else {
                    size_t g0 = r + (pos - lo), g1 = g0 + 1;
                    while (g1 < z && same_sig(&it[g0], &it[g1])) g1++;
                    hi = lo + (uint32_t)(g1 - r);
                }
                if (pos != keep_lo) {
                    uint32_t nbk = nb++;
                    bfirst[nbk] = pos;
                    bend[nbk] = hi;
                    for (uint32_t q = pos; q < hi; q++) {
                        uint32_t x = elem[q];
                        block[x] = nbk;
                        for (uint32_t p = pfirst[x]; p < pfirst[x + 1]; p++)
                            if (stamp[psrc[p]] != round) {
                                stamp[psrc[p]] = round;
                                if (!vec32_push(&next, psrc[p])) goto out;
                            }
                    }
                }
                pos = hi;
            }
            bfirst[B] = keep_lo;
            bend[B] = keep_hi;
            r = z;
        }
        struct vec32 t = marked;
        marked = next;
        next = t;
        if (!poll(j)) goto out;
    }
    /* dense block numbers, in the order of first appearance */
    uint32_t *dense = bfirst;     /* reused: nb entries */
    for (uint32_t b = 0; b < nb; b++) dense[b] = NONE;
    uint32_t count = 0;
    for (uint32_t s = 0; s < n; s++) {
        if (dense[block[s]] == NONE) dense[block[s]] = count++;
        block[s] = dense[block[s]];
    }
    result = count;
out:
    free(pfirst);
    free(psrc);
    free(elem);
    free(loc);
    free(bfirst);
    free(bend);
    free(stamp);
    free(it);
    free(marked.v);
    free(next.v);
    free(pool.v);
    return result;
}

/* ---- strong bisimulation ---- */

/* omega alone in a colour of its own: a terminated state is never a deadlocked one. */
static uint32_t *omega_colours(const struct lts *l, const bool *div)
{
    uint32_t *c = malloc(((size_t)l->nstates + 1) * sizeof *c);
    if (!c) return NULL;
    for (uint32_t s = 0; s < l->nstates; s++) c[s] = s == l->omega ? 2 : div && div[s] ? 1 : 0;
    return c;
}

/* The quotient of l by block[] (nb blocks): every transition between blocks; with `weak`,
 * taus inside a block go, and a block of divergent states (div) gets a tau to itself. */
static struct lts *quotient(const struct lts *l, const uint32_t *block, uint32_t nb, bool weak,
                            const bool *div, uint32_t **rep)
{
    struct vec32 e = {0};
    uint32_t *member = malloc(((size_t)nb + 1) * sizeof *member);
    struct lts *q = NULL;
    *rep = NULL;
    if (!member) goto out;
    for (uint32_t b = 0; b < nb; b++) member[b] = NONE;
    for (uint32_t s = 0; s < l->nstates; s++) {
        uint32_t b = block[s];
        if (member[b] == NONE) {
            member[b] = s;
            if (weak && div && div[s] && !push3(&e, b, EV_TAU, b)) goto out;
        }
        for (uint32_t k = l->first[s]; k < l->first[s + 1]; k++) {
            uint32_t t = block[l->trans[k].target];
            if (weak && l->trans[k].event == EV_TAU && t == b) continue;
            if (!push3(&e, b, l->trans[k].event, t)) goto out;
        }
    }
    q = build(nb, &e, block[l->initial], l->omega == LTS_NONE ? NONE : block[l->omega], member, rep);
out:
    free(e.v);
    free(member);
    return q;
}

static struct lts *sbisim(struct job *j, const struct lts *l, const bool *div, uint32_t **rep)
{
    uint32_t *colour = omega_colours(l, div), *block = malloc(((size_t)l->nstates + 1) * sizeof *block);
    struct lts *q = NULL;
    *rep = NULL;
    int64_t nb = colour && block ? refine(j, l, colour, block) : -1;
    if (nb >= 0) q = quotient(l, block, (uint32_t)nb, false, NULL, rep);
    free(colour);
    free(block);
    return q;
}

/* ---- weak bisimulation ---- */

/* The weak transitions of c (whose taus lead to lower-numbered states or to themselves, as
 * collapse leaves them): s -τ-> u for every u in s's tau-closure (s itself included), and
 * s -a-> v for s =τ*=> t -a-> w =τ*=> v.  NULL when out of memory or when there would be more
 * than cap of them (*too_big then says so). */
static struct lts *saturate(struct job *j, const struct lts *c, bool delay, size_t cap, bool *too_big)
{
    uint32_t n = c->nstates;
    uint32_t *coff = malloc(((size_t)n + 1) * sizeof *coff), *clen = malloc(((size_t)n + 1) * sizeof *clen);
    struct vec32 pool = {0}, scratch = {0}, trans = {0};
    struct lts *s = NULL;
    uint32_t *first = calloc((size_t)n + 1, sizeof *first);
    *too_big = false;
    if (!coff || !clen || !first) goto out;
    for (uint32_t x = 0; x < n; x++) {
        scratch.n = 0;
        if (!vec32_push(&scratch, x)) goto out;
        for (uint32_t k = c->first[x]; k < c->first[x + 1] && c->trans[k].event == EV_TAU; k++) {
            uint32_t t = c->trans[k].target;
            if (t == x) continue;
            if (!vec32_room(&scratch, clen[t])) goto out;
            memcpy(scratch.v + scratch.n, pool.v + coff[t], clen[t] * sizeof *scratch.v);
            scratch.n += clen[t];
        }
        qsort(scratch.v, scratch.n, sizeof *scratch.v, sorted_cmp);
        size_t k = 0;
        for (size_t i = 0; i < scratch.n; i++)
            if (!k || scratch.v[i] != scratch.v[k - 1]) scratch.v[k++] = scratch.v[i];
        if (pool.n + k > cap) {
            *too_big = true;
            goto out;
        }
        if (!vec32_room(&pool, k)) goto out;
        coff[x] = (uint32_t)pool.n;
        clen[x] = (uint32_t)k;
        memcpy(pool.v + pool.n, scratch.v, k * sizeof *scratch.v);
        pool.n += k;
        if (!poll(j)) goto out;
    }
    for (uint32_t x = 0; x < n; x++) {
        scratch.n = 0;
        const uint32_t *cx = pool.v + coff[x];
        for (uint32_t i = 0; i < clen[x]; i++) {
            if (!vec32_push(&scratch, EV_TAU) || !vec32_push(&scratch, cx[i])) goto out;
            uint32_t t = cx[i];
            for (uint32_t k = c->first[t]; k < c->first[t + 1]; k++) {
                if (c->trans[k].event == EV_TAU) continue;
                uint32_t w = c->trans[k].target, nw = delay ? 1 : clen[w];
                if (!vec32_room(&scratch, 2 * (size_t)nw)) goto out;
                for (uint32_t q = 0; q < nw; q++) {
                    scratch.v[scratch.n++] = c->trans[k].event;
                    scratch.v[scratch.n++] = delay ? w : pool.v[coff[w] + q];
                }
            }
        }
        size_t kept = sort_pairs(scratch.v, scratch.n / 2);
        if (trans.n / 2 + kept > cap) {
            *too_big = true;
            goto out;
        }
        if (!vec32_room(&trans, 2 * kept)) goto out;
        memcpy(trans.v + trans.n, scratch.v, 2 * kept * sizeof *scratch.v);
        trans.n += 2 * kept;
        first[x + 1] = (uint32_t)(trans.n / 2);
        if (!poll(j)) goto out;
    }
    s = calloc(1, sizeof *s);
    if (!s) goto out;
    s->nstates = n;
    s->initial = c->initial;
    s->omega = c->omega;
    s->ntrans = (uint32_t)(trans.n / 2);
    s->first = first;
    s->trans = malloc((s->ntrans + 1) * sizeof *s->trans);
    first = NULL;
    if (!s->trans) {
        lts_free(s);
        s = NULL;
        goto out;
    }
    for (uint32_t k = 0; k < s->ntrans; k++) s->trans[k] = (struct lts_trans){trans.v[2 * k], trans.v[2 * k + 1]};
out:
    free(coff);
    free(clen);
    free(first);
    free(pool.v);
    free(scratch.v);
    free(trans.v);
    return s;
}

/* The same refinement without materialising the weak transitions, for when they are too
 * many: rounds over the blocks instead of the states.  In each round a state's signature is
 * the set of (τ, B) for the blocks B its tau-closure meets (its own included) and (a, B) for
 * the blocks its weak a-moves reach, computed from its tau-successors' signatures (which come
 * first: taus lead to lower numbers in c) — sets over blocks, small when the blocks are few,
 * where the weak transitions over states are not.  The partition by signature refines the
 * one before (a state's own block is in its signature); rounds go on until no block splits.
 * -1 when out of memory, past j's limit, or when a round's signatures pass cap pairs or
 * there are more than max_rounds rounds (*too_big then). */
static int64_t weak_rounds(struct job *j, const struct lts *c, bool delay, const uint32_t *colour,
                           uint32_t *block, size_t cap, uint32_t max_rounds, bool *too_big)
{
    uint32_t n = c->nstates;
    size_t *off = malloc(((size_t)n + 1) * sizeof *off), *toff = malloc(((size_t)n + 1) * sizeof *toff);
    uint32_t *len = malloc(((size_t)n + 1) * sizeof *len), *tlen = malloc(((size_t)n + 1) * sizeof *tlen);
    uint32_t *fresh = malloc(((size_t)n + 1) * sizeof *fresh);
    struct item *it = malloc(((size_t)n + 1) * sizeof *it);
    struct vec32 pool = {0}, tb = {0}, scratch = {0};
    int64_t result = -1, before = -1;
    *too_big = false;
    if (!off || !toff || !len || !tlen || !fresh || !it) goto out;
    for (uint32_t s = 0; s < n; s++) block[s] = colour[s];
    for (uint32_t round = 0;; round++) {
        if (round > max_rounds) {
            *too_big = true;
            goto out;
        }
        /* the blocks each tau-closure meets (tau-successors have lower numbers: done) */
        tb.n = 0;
        for (uint32_t s = 0; s < n; s++) {
            scratch.n = 0;
            if (!vec32_push(&scratch, block[s])) goto out;
            for (uint32_t k = c->first[s]; k < c->first[s + 1] && c->trans[k].event == EV_TAU; k++) {
                uint32_t t = c->trans[k].target;
                if (t == s) continue;
                if (!vec32_room(&scratch, tlen[t])) goto out;
                memcpy(scratch.v + scratch.n, tb.v + toff[t], tlen[t] * sizeof *scratch.v);
                scratch.n += tlen[t];
            }
            sorted_sort(scratch.v, scratch.n);
            size_t kept = 0;
            for (size_t i = 0; i < scratch.n; i++)
                if (!kept || scratch.v[i] != scratch.v[kept - 1]) scratch.v[kept++] = scratch.v[i];
            if (tb.n + kept > cap) {
                *too_big = true;
                goto out;
            }
            if (!vec32_room(&tb, kept)) goto out;
            toff[s] = tb.n;
            tlen[s] = (uint32_t)kept;
            memcpy(tb.v + tb.n, scratch.v, kept * sizeof *scratch.v);
            tb.n += kept;
            if (!poll(j)) goto out;
        }
        /* signatures: (τ, B) for those blocks, and (a, B) for the weak a-moves: a tau-
         * successor's (a, B)s, and a × the blocks of the closure after each own a */
        pool.n = 0;
        for (uint32_t s = 0; s < n; s++) {
            scratch.n = 0;
            if (!vec32_room(&scratch, 2 * (size_t)tlen[s])) goto out;
            for (uint32_t q = 0; q < tlen[s]; q++) {
                scratch.v[scratch.n++] = EV_TAU;
                scratch.v[scratch.n++] = tb.v[toff[s] + q];
            }
            for (uint32_t k = c->first[s]; k < c->first[s + 1]; k++) {
                uint32_t t = c->trans[k].target, e = c->trans[k].event;
                if (e == EV_TAU) {
                    if (t == s) continue;
                    if (!vec32_room(&scratch, 2 * (size_t)len[t])) goto out;
                    for (uint32_t q = 0; q < len[t]; q++)
                        if (pool.v[off[t] + 2 * q] != EV_TAU) {
                            scratch.v[scratch.n++] = pool.v[off[t] + 2 * q];
                            scratch.v[scratch.n++] = pool.v[off[t] + 2 * q + 1];
                        }
                } else if (delay) {
                    if (!vec32_push(&scratch, e) || !vec32_push(&scratch, block[t])) goto out;
                } else {
                    if (!vec32_room(&scratch, 2 * (size_t)tlen[t])) goto out;
                    for (uint32_t q = 0; q < tlen[t]; q++) {
                        scratch.v[scratch.n++] = e;
                        scratch.v[scratch.n++] = tb.v[toff[t] + q];
                    }
                }
            }
            size_t kept = sort_pairs(scratch.v, scratch.n / 2);
            if (pool.n / 2 + kept > cap) {
                *too_big = true;
                goto out;
            }
            if (!vec32_room(&pool, 2 * kept)) goto out;
            off[s] = pool.n;
            len[s] = (uint32_t)kept;
            memcpy(pool.v + pool.n, scratch.v, 2 * kept * sizeof *scratch.v);
            pool.n += 2 * kept;
            if (!poll(j)) goto out;
        }
        for (uint32_t s = 0; s < n; s++)
            it[s] = (struct item){block[s], hash_ids(pool.v + off[s], 2 * (size_t)len[s]), len[s], s,
                                  off[s], pool.v + off[s]};
        qsort(it, n, sizeof *it, cmp_item);
        uint32_t count = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (i && (it[i].blk != it[i - 1].blk || !same_sig(&it[i], &it[i - 1]))) count++;
            fresh[it[i].state] = count;
        }
        count = n ? count + 1 : 0;
        memcpy(block, fresh, n * sizeof *block);
        if ((int64_t)count == before) {
            result = count;
            break;
        }
        before = count;
    }
out:
    free(off);
    free(toff);
    free(len);
    free(tlen);
    free(fresh);
    free(it);
    free(pool.v);
    free(tb.v);
    free(scratch.v);
    return result;
}

/* Weak bisimulation that keeps divergence: the strong quotient first (weak bisimilarity is
 * coarser, and it shrinks what follows), tau loops made single divergent states, then the
 * coarsest strong bisimulation of the weak transitions (s =a=> t, and s =τ=> t with s itself
 * among them) in which divergent states are only ever with divergent ones — by rounds over
 * blocks (weak_rounds) or over the materialised weak transitions (saturate + refine); in the
 * quotient a tau inside a class goes (it changes nothing), and a divergent class gets a tau
 * to itself.  When both would be too big, the tau-loop-factored strong quotient is the
 * answer: smaller than the input, still equivalent, just not the smallest.  With `delay`,
 * delay bisimulation (dbisim): the same, but a visible move is matched by taus then the
 * event, with no taus after it (s =τ*a=> t ends at the a). */
enum { WEAK_AUTO, WEAK_SATURATE, WEAK_ROUNDS };

static struct lts *wbisim(struct job *j, const struct lts *l, bool delay, int how, uint32_t **rep)
{
    uint32_t *r1 = NULL, *r2 = NULL, *block = NULL, *colour = NULL;
    bool *div = NULL, too_big = false;
    struct lts *s1 = NULL, *c = NULL, *sat = NULL, *q = NULL;
    *rep = NULL;
    if (!(s1 = sbisim(j, l, NULL, &r1))) goto out;
    if (!(c = collapse(s1, &div, &r2))) goto out;
    compose(r2, c->nstates, r1);
    size_t cap = 8 * (size_t)c->ntrans + 8 * (size_t)c->nstates + ((size_t)1 << 20);
    colour = omega_colours(c, div);
    block = malloc(((size_t)c->nstates + 1) * sizeof *block);
    if (!colour || !block) goto out;
    /* Rounds over blocks first (fast when the quotient has few blocks, as hidden
     * concurrency gives), for at most 32 rounds; then the weak transitions over states
     * (incremental: fast on long chains); then the fallback. */
    int64_t nb = -1;
    if (how != WEAK_SATURATE) {
        size_t round_cap = how == WEAK_ROUNDS ? SIZE_MAX / 8 : 4 * cap;
        nb = weak_rounds(j, c, delay, colour, block, round_cap, how == WEAK_ROUNDS ? UINT32_MAX - 1 : 32,
                         &too_big);
        if (nb < 0 && !too_big) goto out;
    }
    if (nb < 0) {
        if (how == WEAK_SATURATE) cap = SIZE_MAX / 8;
        if ((sat = saturate(j, c, delay, cap, &too_big))) {
            nb = refine(j, sat, colour, block);
        } else if (too_big) {
            q = sbisim(j, c, div, rep);
            if (q) compose(*rep, q->nstates, r2);
            goto out;
        }
    }
    if (nb < 0) goto out;
    q = quotient(c, block, (uint32_t)nb, true, div, rep);
    if (q) compose(*rep, q->nstates, r2);
out:
    lts_free(s1);
    lts_free(c);
    lts_free(sat);
    free(r1);
    free(r2);
    free(div);
    free(block);
    free(colour);
    return q;
}

/* ---- acceptances, and marks written as transitions ---- */

/* The acceptance of a stable state x of c, appended to accs as a count then the events: its
 * initial events, or {✓} alone when it can terminate. */
static bool acceptance(const struct lts *c, uint32_t x, struct vec32 *accs)
{
    size_t at = accs->n;
    if (!vec32_push(accs, 0)) return false;
    for (uint32_t k = c->first[x]; k < c->first[x + 1]; k++) {
        uint32_t e = c->trans[k].event;
        if (accs->n > at + 1 && accs->v[accs->n - 1] == e) continue;
        if (!vec32_push(accs, e)) return false;
        accs->v[at]++;
        if (e == EV_TICK) break;   /* ✓ sorts first among the visible: {✓} alone */
    }
    return true;
}

/* Is sorted a[0..na) a subset of sorted b[0..nb)? */
static bool subset(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb)
{
    uint32_t i = 0, k = 0;
    while (i < na && k < nb) {
        if (a[i] == b[k]) i++, k++;
        else if (a[i] > b[k]) k++;
        else return false;
    }
    return i == na;
}

/* The minimal sets among accs (count, events… one after another), into out (same form). */
static bool minimal(const struct vec32 *accs, struct vec32 *out)
{
    out->n = 0;
    for (size_t a = 0; a < accs->n; a += 1 + accs->v[a]) {
        bool keep = true;
        for (size_t b = 0; b < accs->n && keep; b += 1 + accs->v[b]) {
            if (a == b) continue;
            bool sub = subset(accs->v + b + 1, accs->v[b], accs->v + a + 1, accs->v[a]);
            /* a strict superset of another goes; of equal sets the first stays */
            if (sub && (accs->v[b] < accs->v[a] || b < a)) keep = false;
        }
        if (keep) {
            if (!vec32_room(out, 1 + accs->v[a])) return false;
            memcpy(out->v + out->n, accs->v + a, (1 + accs->v[a]) * sizeof *out->v);
            out->n += 1 + accs->v[a];
        }
    }
    return true;
}

/* Writes node `me` (compress.h, "Markings"): its visible transitions `pairs` ((event,
 * target) sorted, no duplicates), and unless it is a plain stable state, a tau to itself
 * when divergent and a tau to one new stable state per minimal acceptance in mins, which
 * offers that acceptance to the same targets.  New states are numbered ACC | *nacc++, with
 * representative `rep` pushed to accrep. */
static bool encode(struct vec32 *e, uint32_t me, const uint32_t *pairs, size_t npairs,
                   const struct vec32 *mins, bool div, uint32_t rep, uint32_t *nacc,
                   struct vec32 *accrep)
{
    for (size_t i = 0; i < npairs; i++)
        if (!push3(e, me, pairs[2 * i], pairs[2 * i + 1])) return false;
    bool plain = false;
    if (!div && mins->n && 1 + mins->v[0] == mins->n) {
        /* one acceptance: plain when it is every initial event */
        uint32_t ninit = 0;
        for (size_t i = 0; i < npairs; i++) ninit += !i || pairs[2 * i] != pairs[2 * i - 2];
        plain = ninit == mins->v[0];
    }
    if (plain) return true;
    if (div && !push3(e, me, EV_TAU, me)) return false;
    for (size_t a = 0; a < mins->n; a += 1 + mins->v[a]) {
        uint32_t x = ACC | (*nacc)++;
        if (!vec32_push(accrep, rep) || !push3(e, me, EV_TAU, x)) return false;
        for (size_t i = 0; i < npairs; i++)
            if (sorted_has(mins->v + a + 1, mins->v[a], pairs[2 * i]) &&
                !push3(e, x, pairs[2 * i], pairs[2 * i + 1]))
                return false;
    }
    return true;
}

/* Numbers acceptance states after the n nodes, and their representatives after the nodes'. */
static bool place_acceptances(struct vec32 *e, uint32_t n, struct vec32 *rep,
                              const struct vec32 *accrep)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->v[i] & ACC && (i % 3) != 1) e->v[i] = n + (e->v[i] & ~ACC);
    rep->n = n;
    for (size_t i = 0; i < accrep->n; i++)
        if (!vec32_push(rep, accrep->v[i])) return false;
    return true;
}

/* The tau-closure of the states in seeds (of c: taus lead down or to themselves), into out,
 * sorted; mark/gen are scratch. */
static bool closure(const struct lts *c, const uint32_t *seeds, size_t nseeds, struct vec32 *out,
                    uint32_t *mark, uint32_t gen)
{
    out->n = 0;
    for (size_t i = 0; i < nseeds; i++)
        if (mark[seeds[i]] != gen) {
            mark[seeds[i]] = gen;
            if (!vec32_push(out, seeds[i])) return false;
        }
    for (size_t i = 0; i < out->n; i++) {
        uint32_t x = out->v[i];
        for (uint32_t k = c->first[x]; k < c->first[x + 1] && c->trans[k].event == EV_TAU; k++) {
            uint32_t t = c->trans[k].target;
            if (mark[t] != gen) {
                mark[t] = gen;
                if (!vec32_push(out, t)) return false;
            }
        }
    }
    sorted_sort(out->v, out->n);
    return true;
}

/* The visible transitions of the members (as (event, target) pairs, sorted), their minimal
 * acceptances and whether one can diverge. */
static bool gather(const struct lts *c, const bool *div, const struct vec32 *members,
                   struct vec32 *pairs, struct vec32 *accs, struct vec32 *mins, bool *divergent)
{
    pairs->n = accs->n = 0;
    *divergent = false;
    for (size_t i = 0; i < members->n; i++) {
        uint32_t x = members->v[i];
        if (div[x]) *divergent = true;
        bool stable = c->first[x] == c->first[x + 1] || c->trans[c->first[x]].event != EV_TAU;
        if (stable && !acceptance(c, x, accs)) return false;
        for (uint32_t k = c->first[x]; k < c->first[x + 1]; k++)
            if (c->trans[k].event != EV_TAU &&
                (!vec32_push(pairs, c->trans[k].event) || !vec32_push(pairs, c->trans[k].target)))
                return false;
    }
    pairs->n = 2 * sort_pairs(pairs->v, pairs->n / 2);
    return minimal(accs, mins);
}

/* ---- diamond elimination ---- */

/* Roscoe's diamond elimination (TPC 7.4, UCS 16.2): tau loops factored first; the states
 * kept are the initial one and every target of a visible transition; a kept state gets the
 * visible transitions of its whole tau-closure (to kept states), with the closure's minimal
 * acceptances and divergence as marks, written as transitions by encode. */
static struct lts *diamond(struct job *j, const struct lts *l, uint32_t **rep)
{
    bool *div = NULL, d;
    uint32_t *r1 = NULL, *kept = NULL, *mark = NULL, nacc = 0;
    struct vec32 queue = {0}, members = {0}, pairs = {0}, accs = {0}, mins = {0}, e = {0},
                 reps = {0}, accrep = {0};
    struct lts *c = NULL, *q = NULL;
    *rep = NULL;
    if (!(c = collapse(l, &div, &r1))) goto out;
    kept = malloc(((size_t)c->nstates + 1) * sizeof *kept);
    mark = calloc((size_t)c->nstates + 1, sizeof *mark);
    if (!kept || !mark) goto out;
    for (uint32_t s = 0; s < c->nstates; s++) kept[s] = NONE;
    kept[c->initial] = 0;
    if (!vec32_push(&queue, c->initial)) goto out;
    for (uint32_t i = 0; i < queue.n; i++) {
        uint32_t x = queue.v[i];
        if (!closure(c, &x, 1, &members, mark, i + 1)) goto out;
        if (!gather(c, div, &members, &pairs, &accs, &mins, &d)) goto out;
        for (size_t k = 0; k < pairs.n; k += 2) {
            uint32_t t = pairs.v[k + 1];
            if (kept[t] == NONE) {
                kept[t] = (uint32_t)queue.n;
                if (!vec32_push(&queue, t)) goto out;
            }
            pairs.v[k + 1] = kept[t];
        }
        /* the targets renamed: sort again (two targets never become one) */
        pairs.n = 2 * sort_pairs(pairs.v, pairs.n / 2);
        if (!encode(&e, i, pairs.v, pairs.n / 2, &mins, d, r1[x], &nacc, &accrep)) goto out;
        if (!poll(j)) goto out;
    }
    uint32_t nk = (uint32_t)queue.n;
    if (!vec32_room(&reps, nk)) goto out;
    for (uint32_t i = 0; i < nk; i++) reps.v[i] = r1[queue.v[i]];
    if (!place_acceptances(&e, nk, &reps, &accrep) || !room_for(j, e.n / 3)) goto out;
    q = build(nk + nacc, &e, 0, c->omega != LTS_NONE && kept[c->omega] != NONE ? kept[c->omega] : NONE,
              reps.v, rep);
out:
    lts_free(c);
    free(div);
    free(r1);
    free(kept);
    free(mark);
    free(queue.v);
    free(members.v);
    free(pairs.v);
    free(accs.v);
    free(mins.v);
    free(e.v);
    free(reps.v);
    free(accrep.v);
    return q;
}

/* ---- normalisation ---- */

struct nodes {
    struct vec32 pool;            /* members of every node */
    struct vec32 off, len, hash;  /* per node */
    uint32_t *index;              /* open addressing: node + 1, 0 empty */
    size_t cap;
};

static bool nodes_grow(struct nodes *t)
{
    size_t cap = t->cap ? 2 * t->cap : 1024;
    uint32_t *ix = calloc(cap, sizeof *ix);
    if (!ix) return false;
    for (size_t k = 0; k < t->off.n; k++) {
        size_t i = t->hash.v[k] & (cap - 1);
        while (ix[i]) i = (i + 1) & (cap - 1);
        ix[i] = (uint32_t)k + 1;
    }
    free(t->index);
    t->index = ix;
    t->cap = cap;
    return true;
}

/* The node with these members (sorted), made when new (*fresh); NONE when out of memory. */
static uint32_t node_of(struct nodes *t, const struct vec32 *m, bool *fresh)
{
    *fresh = false;
    if ((t->off.n + 1) * 2 > t->cap && !nodes_grow(t)) return NONE;
    uint32_t h = hash_ids(m->v, m->n);
    size_t i = h & (t->cap - 1);
    for (uint32_t k; (k = t->index[i]); i = (i + 1) & (t->cap - 1)) {
        k--;
        if (t->hash.v[k] == h && t->len.v[k] == m->n &&
            memcmp(t->pool.v + t->off.v[k], m->v, m->n * sizeof *m->v) == 0)
            return k;
    }
    uint32_t k = (uint32_t)t->off.n;
    if (!vec32_push(&t->off, (uint32_t)t->pool.n) || !vec32_push(&t->len, (uint32_t)m->n) ||
        !vec32_push(&t->hash, h) || !vec32_room(&t->pool, m->n))
        return NONE;
    memcpy(t->pool.v + t->pool.n, m->v, m->n * sizeof *m->v);
    t->pool.n += m->n;
    t->index[i] = k + 1;
    *fresh = true;
    return k;
}

/* The normal form (Roscoe, UCS 16.1; FDR's `normal`): the subset construction over
 * tau-closures, deterministic on visible events, each node marked with the minimal
 * acceptances and the divergence of its members (written as transitions by encode), then
 * minimised by strong bisimulation, which merges nodes with the same future. */
static struct lts *normal(struct job *j, const struct lts *l, uint32_t **rep)
{
    bool *div = NULL, d, fresh;
    uint32_t *r1 = NULL, *mark = NULL, *r3 = NULL, nacc = 0, gen = 0;
    struct nodes t = {0};
    struct vec32 members = {0}, pairs = {0}, accs = {0}, mins = {0}, e = {0}, reps = {0},
                 accrep = {0}, targets = {0}, succ = {0};
    struct lts *c = NULL, *pre = NULL, *q = NULL;
    uint32_t omega = NONE;
    *rep = NULL;
    if (!(c = collapse(l, &div, &r1))) goto out;
    mark = calloc((size_t)c->nstates + 1, sizeof *mark);
    if (!mark) goto out;
    if (!closure(c, &c->initial, 1, &members, mark, ++gen)) goto out;
    if (node_of(&t, &members, &fresh) == NONE) goto out;
    for (uint32_t n = 0; n < t.off.n; n++) {
        if (j->lim && j->lim->max_states && t.off.n > j->lim->max_states) {
            j->limit = "states";
            j->failed = true;
            goto out;
        }
        members.n = 0;
        if (!vec32_room(&members, t.len.v[n])) goto out;
        memcpy(members.v, t.pool.v + t.off.v[n], t.len.v[n] * sizeof *members.v);
        members.n = t.len.v[n];
        if (members.n == 1 && members.v[0] == c->omega) omega = n;
        if (!gather(c, div, &members, &pairs, &accs, &mins, &d)) goto out;
        /* one successor node per event: the closure of all its targets */
        succ.n = 0;
        for (size_t i = 0; i < pairs.n;) {
            uint32_t ev = pairs.v[i];
            targets.n = 0;
            for (; i < pairs.n && pairs.v[i] == ev; i += 2)
                if (!vec32_push(&targets, pairs.v[i + 1])) goto out;
            struct vec32 cl = {0};
            if (!closure(c, targets.v, targets.n, &cl, mark, ++gen)) {
                free(cl.v);
                goto out;
            }
            uint32_t to = node_of(&t, &cl, &fresh);
            free(cl.v);
            if (to == NONE || !vec32_push(&succ, ev) || !vec32_push(&succ, to)) goto out;
        }
        if (!encode(&e, n, succ.v, succ.n / 2, &mins, d, r1[members.v[0]], &nacc, &accrep)) goto out;
        if (!poll(j)) goto out;
    }
    uint32_t nn = (uint32_t)t.off.n;
    if (!vec32_room(&reps, nn)) goto out;
    for (uint32_t n = 0; n < nn; n++) reps.v[n] = r1[t.pool.v[t.off.v[n]]];
    reps.n = nn;
    if (!place_acceptances(&e, nn, &reps, &accrep) || !room_for(j, e.n / 3)) goto out;
    uint32_t *r2 = NULL;
    if (!(pre = build(nn + nacc, &e, 0, omega, reps.v, &r2))) goto out;
    q = sbisim(j, pre, NULL, &r3);
    if (q) {
        compose(r3, q->nstates, r2);
        *rep = r3;
        r3 = NULL;
    }
    free(r2);
out:
    lts_free(c);
    lts_free(pre);
    free(div);
    free(r1);
    free(r3);
    free(mark);
    free(t.pool.v);
    free(t.off.v);
    free(t.len.v);
    free(t.hash.v);
    free(t.index);
    free(members.v);
    free(pairs.v);
    free(accs.v);
    free(mins.v);
    free(e.v);
    free(reps.v);
    free(accrep.v);
    free(targets.v);
    free(succ.v);
    return q;
}

/* ---- chase ---- */

/* FDR's chase: a state with a tau is replaced by where its first tau leads, followed until a
 * stable state, its other transitions ignored; a tau loop met on the way is divergence (one
 * DIV state).  Only sound for tau-confluent processes: otherwise it may lose behaviour. */
static struct lts *chase(struct job *j, const struct lts *l, uint32_t **rep)
{
    uint32_t n = l->nstates, divstate = n, divrep = NONE;
    uint32_t *ch = malloc(((size_t)n + 1) * sizeof *ch), *onpath = calloc((size_t)n + 1, sizeof *onpath);
    struct vec32 path = {0}, e = {0};
    struct lts *q = NULL;
    uint32_t *reps = malloc(((size_t)n + 2) * sizeof *reps);
    *rep = NULL;
    if (!ch || !onpath || !reps) goto out;
    for (uint32_t s = 0; s < n; s++) ch[s] = NONE;
    for (uint32_t s = 0; s < n; s++) {
        if (ch[s] != NONE) continue;
        path.n = 0;
        uint32_t x = s, r;
        while (ch[x] == NONE && lts_unstable(l, x) && onpath[x] != s + 1) {
            onpath[x] = s + 1;
            if (!vec32_push(&path, x)) goto out;
            x = l->trans[l->first[x]].target;
        }
        if (ch[x] != NONE) r = ch[x];
        else if (!lts_unstable(l, x)) r = x;
        else {
            r = divstate;
            if (divrep == NONE) divrep = x;
        }
        ch[x] = r;
        for (size_t i = 0; i < path.n; i++) ch[path.v[i]] = r;
        if (!poll(j)) goto out;
    }
    for (uint32_t s = 0; s < n; s++) {
        reps[s] = s;
        if (ch[s] != s) continue;   /* only stable states stand for themselves */
        for (uint32_t k = l->first[s]; k < l->first[s + 1]; k++)
            if (!push3(&e, s, l->trans[k].event, ch[l->trans[k].target])) goto out;
    }
    reps[divstate] = divrep;
    if (divrep != NONE && !push3(&e, divstate, EV_TAU, divstate)) goto out;
    q = build(n + 1, &e, ch[l->initial], l->omega == LTS_NONE ? NONE : l->omega, reps, rep);
out:
    free(ch);
    free(onpath);
    free(path.v);
    free(e.v);
    free(reps);
    return q;
}

/* ---- the entry ---- */

struct lts *compress_lts(const struct lts *l, int kind, const struct chk_limits *lim,
                         double start, uint32_t **rep, const char **limit)
{
    struct job j = {lim, start, NULL, false, 0};
    uint32_t *r = NULL, *r0 = NULL;
    bool *div = NULL;
    struct lts *q = NULL, *c = NULL;
    if (limit) *limit = NULL;
    bool fd_only = kind == COMP_WBISIM || kind == COMP_DBISIM || kind == COMP_DIAMOND ||
                   kind == COMP_NORMAL || kind == COMP_TAU_LOOP_FACTOR;
    if (lim && lim->strong_only && fd_only) kind = COMP_SBISIM;
    switch ((enum proc_compression)kind) {
    case COMP_EXPLICATE: {
        struct vec32 e = {0};
        bool ok = true;
        for (uint32_t s = 0; s < l->nstates && ok; s++)
            for (uint32_t k = l->first[s]; k < l->first[s + 1] && ok; k++)
                ok = push3(&e, s, l->trans[k].event, l->trans[k].target);
        if (ok) q = build(l->nstates, &e, l->initial, l->omega == LTS_NONE ? NONE : l->omega, NULL, &r);
        free(e.v);
        break;
    }
    case COMP_SBISIM: q = sbisim(&j, l, NULL, &r); break;
    case COMP_WBISIM: q = wbisim(&j, l, false, WEAK_AUTO, &r); break;
    case COMP_DBISIM: q = wbisim(&j, l, true, WEAK_AUTO, &r); break;
    case COMP_DIAMOND: q = diamond(&j, l, &r); break;
    case COMP_NORMAL: q = normal(&j, l, &r); break;
    case COMP_CHASE: q = chase(&j, l, &r); break;
    case COMP_TAU_LOOP_FACTOR:
        if ((c = collapse(l, &div, &r0))) {
            struct vec32 e = {0};
            bool ok = true;
            for (uint32_t s = 0; s < c->nstates && ok; s++)
                for (uint32_t k = c->first[s]; k < c->first[s + 1] && ok; k++)
                    ok = push3(&e, s, c->trans[k].event, c->trans[k].target);
            if (ok) q = build(c->nstates, &e, c->initial, c->omega == LTS_NONE ? NONE : c->omega, r0, &r);
            free(e.v);
        }
        break;
    default: break;
    }
    lts_free(c);
    free(div);
    free(r0);
    if (!q) {
        free(r);
        r = NULL;
        if (limit) *limit = j.limit;
    }
    if (rep) *rep = r;
    else free(r);
    return q;
}

struct lts *compress_wbisim_by(const struct lts *l, bool delay, bool saturating, uint32_t **rep)
{
    struct job j = {NULL, chk_now(), NULL, false, 0};
    return wbisim(&j, l, delay, saturating ? WEAK_SATURATE : WEAK_ROUNDS, rep);
}
