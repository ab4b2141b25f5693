/* machine.c — compiling an operator tree over leaf LTSs into synchronisation rules, and the
 * successor function over packed state vectors (see machine.h). */
#include "checker/machine.h"

#include <stdlib.h>
#include <string.h>

#include "checker/sorted.h"

/* ---- the operator tree, as built ---- */

enum node_kind { N_LEAF, N_PAR, N_APAR, N_HIDE, N_RENAME, N_LINK };

struct node {
    enum node_kind kind;
    int left, right;              /* operands (right unused for HIDE, RENAME; both for LEAF) */
    uint32_t leaf;                /* N_LEAF: its index */
    uint32_t *a, *b;              /* sets (sorted) or relation (from, to), owned */
    size_t na, nb;
};

struct mach_builder {
    struct node *nodes;
    size_t n, cap;
    struct lts **leaves;
    uint32_t nleaves;
    size_t leaves_cap;
    int failed;                   /* out of memory somewhere: mach_build fails */
};

struct mach_builder *mach_builder_new(void)
{
    return calloc(1, sizeof(struct mach_builder));
}

void mach_builder_free(struct mach_builder *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->n; i++) {
        free(b->nodes[i].a);
        free(b->nodes[i].b);
    }
    for (uint32_t i = 0; i < b->nleaves; i++) lts_free(b->leaves[i]);
    free(b->leaves);
    free(b->nodes);
    free(b);
}

static int add_node(struct mach_builder *b, struct node nd)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        struct node *v = realloc(b->nodes, cap * sizeof *v);
        if (!v) goto fail;
        b->nodes = v;
        b->cap = cap;
    }
    b->nodes[b->n] = nd;
    return (int)b->n++;
fail:
    free(nd.a);
    free(nd.b);
    b->failed = 1;
    return -1;
}

static uint32_t *copy_ids(const uint32_t *v, size_t n)
{
    uint32_t *c = malloc((n ? n : 1) * sizeof *c);
    if (c && n) memcpy(c, v, n * sizeof *c);
    return c;
}

int mach_leaf(struct mach_builder *b, struct lts *l)
{
    if (b->nleaves == b->leaves_cap) {
        size_t cap = b->leaves_cap ? 2 * b->leaves_cap : 16;
        struct lts **v = realloc(b->leaves, cap * sizeof *v);
        if (!v) {
            lts_free(l);
            b->failed = 1;
            return -1;
        }
        b->leaves = v;
        b->leaves_cap = cap;
    }
    b->leaves[b->nleaves] = l;
    return add_node(b, (struct node){.kind = N_LEAF, .left = -1, .right = -1, .leaf = b->nleaves++});
}

static int binary(struct mach_builder *b, enum node_kind k, const uint32_t *a, size_t na,
                  const uint32_t *bs, size_t nb, int left, int right)
{
    if (left < 0 || (right < 0 && (k == N_PAR || k == N_APAR || k == N_LINK))) {
        b->failed = 1;
        return -1;
    }
    struct node nd = {.kind = k, .left = left, .right = right, .na = na, .nb = nb};
    nd.a = copy_ids(a, na);
    nd.b = copy_ids(bs, nb);
    if (!nd.a || !nd.b) {
        free(nd.a);
        free(nd.b);
        b->failed = 1;
        return -1;
    }
    return add_node(b, nd);
}

int mach_par(struct mach_builder *b, struct evset sync, int left, int right)
{
    return binary(b, N_PAR, sync.ev, sync.n, NULL, 0, left, right);
}

int mach_apar(struct mach_builder *b, struct evset a, struct evset bset, int left, int right)
{
    return binary(b, N_APAR, a.ev, a.n, bset.ev, bset.n, left, right);
}

int mach_hide(struct mach_builder *b, struct evset hidden, int child)
{
    return binary(b, N_HIDE, hidden.ev, hidden.n, NULL, 0, child, -1);
}

int mach_rename(struct mach_builder *b, const uint32_t *from, const uint32_t *to, size_t n,
                int child)
{
    return binary(b, N_RENAME, from, n, to, n, child, -1);
}

int mach_link(struct mach_builder *b, const uint32_t *from, const uint32_t *to, size_t n,
              int left, int right)
{
    return binary(b, N_LINK, from, n, to, n, left, right);
}

/* ---- rules while compiling ---- */

struct part {
    uint32_t leaf, event;
};

struct brule {
    uint32_t result;
    bool done;                    /* ✓ once every leaf in parts is Ω (parts' events unused) */
    uint32_t n;
    struct part *parts;           /* sorted by leaf, owned */
};

struct rlist {
    struct brule *r;
    size_t n, cap;
    bool oom;
};

static void rl_push(struct rlist *l, uint32_t result, bool done, const struct part *p, uint32_t n)
{
    if (l->oom) return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        struct brule *v = realloc(l->r, cap * sizeof *v);
        if (!v) {
            l->oom = true;
            return;
        }
        l->r = v;
        l->cap = cap;
    }
    struct part *copy = malloc((n ? n : 1) * sizeof *copy);
    if (!copy) {
        l->oom = true;
        return;
    }
    memcpy(copy, p, n * sizeof *p);
    l->r[l->n++] = (struct brule){result, done, n, copy};
}

static void rl_free(struct rlist *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->r[i].parts);
    free(l->r);
    memset(l, 0, sizeof *l);
}

static bool in_set(const uint32_t *v, size_t n, uint32_t x)
{
    return sorted_has(v, n, x);
}

static bool visible(uint32_t e)
{
    return e >= EV_FIRST_VISIBLE;
}

/* Joins two rules' participants (disjoint leaves, each sorted) into one sorted list. */
static void join(struct rlist *out, uint32_t result, const struct brule *x, const struct brule *y)
{
    uint32_t n = x->n + y->n;
    struct part stackp[32], *p = n <= 32 ? stackp : malloc(n * sizeof *p);
    if (!p) {
        out->oom = true;
        return;
    }
    uint32_t i = 0, j = 0, k = 0;
    while (i < x->n || j < y->n)
        p[k++] = j == y->n || (i < x->n && x->parts[i].leaf < y->parts[j].leaf) ? x->parts[i++]
                                                                                 : y->parts[j++];
    rl_push(out, result, false, p, n);
    if (p != stackp) free(p);
}

/* Appends the leaves under a node to p (as ✓ participants); returns how many. */
static uint32_t leaves_under(const struct mach_builder *b, int node, struct part *p)
{
    const struct node *nd = &b->nodes[node];
    if (nd->kind == N_LEAF) {
        if (p) *p = (struct part){nd->leaf, EV_TICK};
        return 1;
    }
    uint32_t n = leaves_under(b, nd->left, p);
    if (nd->right >= 0) n += leaves_under(b, nd->right, p ? p + n : NULL);
    return n;
}

/* A child's rule seen from a parallel operator above it: a leaf's own ✓ becomes a silent
 * move to Ω; a ✓ of a nested parallel is subsumed by this operator's own ✓ rule. */
static bool par_passes(struct rlist *out, const struct brule *r)
{
    if (r->done) return true;
    if (r->result == EV_TICK) {
        rl_push(out, EV_TAU, false, r->parts, r->n);
        return true;
    }
    if (r->result == EV_TAU) {
        rl_push(out, EV_TAU, false, r->parts, r->n);
        return true;
    }
    return false;
}

/* The ✓ of a parallel operator: every leaf under it is Ω. */
static void done_rule(struct rlist *out, const struct mach_builder *b, int node)
{
    uint32_t n = leaves_under(b, node, NULL);
    struct part *p = malloc(n * sizeof *p);
    if (!p) {
        out->oom = true;
        return;
    }
    leaves_under(b, node, p);
    rl_push(out, EV_TICK, true, p, n);
    free(p);
}

static void rules_of(const struct mach_builder *b, int node, struct rlist *out);

static void par_rules(const struct mach_builder *b, const struct node *nd, int node,
                      struct rlist *out)
{
    struct rlist L = {0}, R = {0};
    rules_of(b, nd->left, &L);
    rules_of(b, nd->right, &R);
    /* [| A |]: sync on A.  [A || B]: sync on A ∩ B, left confined to A, right to B.
     * [ a <-> b ]: left's a with right's b, hidden; neither alone. */
    for (int side = 0; side < 2; side++) {
        const struct rlist *X = side ? &R : &L;
        for (size_t i = 0; i < X->n; i++) {
            const struct brule *r = &X->r[i];
            if (par_passes(out, r)) continue;
            uint32_t e = r->result;
            bool alone;
            switch (nd->kind) {
            case N_PAR:
                alone = !in_set(nd->a, nd->na, e);
                break;
            case N_APAR:
                alone = side ? in_set(nd->b, nd->nb, e) && !in_set(nd->a, nd->na, e)
                             : in_set(nd->a, nd->na, e) && !in_set(nd->b, nd->nb, e);
                break;
            default: { /* N_LINK: nd->a are left's events, nd->b right's */
                const uint32_t *mine = side ? nd->b : nd->a;
                alone = true;
                for (size_t k = 0; k < nd->na && alone; k++) alone = mine[k] != e;
                break;
            }
            }
            if (alone) rl_push(out, e, false, r->parts, r->n);
        }
    }
    /* Synchronised pairs. */
    for (size_t i = 0; i < L.n; i++) {
        const struct brule *x = &L.r[i];
        if (x->done || !visible(x->result)) continue;
        for (size_t j = 0; j < R.n; j++) {
            const struct brule *y = &R.r[j];
            if (y->done || !visible(y->result)) continue;
            switch (nd->kind) {
            case N_PAR:
                if (x->result == y->result && in_set(nd->a, nd->na, x->result))
                    join(out, x->result, x, y);
                break;
            case N_APAR:
                if (x->result == y->result && in_set(nd->a, nd->na, x->result) &&
                    in_set(nd->b, nd->nb, x->result))
                    join(out, x->result, x, y);
                break;
            default:
                for (size_t k = 0; k < nd->na; k++)
                    if (nd->a[k] == x->result && nd->b[k] == y->result) join(out, EV_TAU, x, y);
                break;
            }
        }
    }
    done_rule(out, b, node);
    if (L.oom || R.oom) out->oom = true;
    rl_free(&L);
    rl_free(&R);
}

static void rules_of(const struct mach_builder *b, int node, struct rlist *out)
{
    const struct node *nd = &b->nodes[node];
    switch (nd->kind) {
    case N_LEAF: {
        const struct lts *l = b->leaves[nd->leaf];
        /* One rule per event the leaf ever performs, in event order (sorted, so that rules
         * come in a fixed order; a leaf may have millions of distinct events). */
        uint32_t *seen = malloc((l->ntrans ? l->ntrans : 1) * sizeof *seen);
        if (!seen) {
            out->oom = true;
            return;
        }
        for (uint32_t t = 0; t < l->ntrans; t++) seen[t] = l->trans[t].event;
        sorted_sort(seen, l->ntrans);
        size_t nseen = sorted_unique(seen, l->ntrans);
        for (size_t k = 0; k < nseen; k++) {
            struct part p = {nd->leaf, seen[k]};
            rl_push(out, seen[k], false, &p, 1);
        }
        free(seen);
        return;
    }
    case N_HIDE:
        rules_of(b, nd->left, out);
        for (size_t i = 0; i < out->n; i++)
            if (!out->r[i].done && in_set(nd->a, nd->na, out->r[i].result))
                out->r[i].result = EV_TAU;
        return;
    case N_RENAME: {
        struct rlist in = {0};
        rules_of(b, nd->left, &in);
        for (size_t i = 0; i < in.n; i++) {
            const struct brule *r = &in.r[i];
            bool mapped = false;
            for (size_t k = 0; k < nd->na && !r->done; k++)
                if (nd->a[k] == r->result) {
                    rl_push(out, nd->b[k], false, r->parts, r->n);
                    mapped = true;
                }
            if (!mapped) rl_push(out, r->result, r->done, r->parts, r->n);
        }
        if (in.oom) out->oom = true;
        rl_free(&in);
        return;
    }
    default:
        par_rules(b, nd, node, out);
        return;
    }
}

/* ---- the compiled machine ---- */

struct rule {
    uint32_t result;
    uint32_t n;                   /* participants */
    uint32_t first;               /* index of the first in machine.parts */
};

/* A rule this leaf triggers in some state, with the run of the leaf's transitions there on
 * the rule's event: everything mach_successors needs without searching. */
struct firing {
    uint32_t rule, lo, hi;
};

/* The run of a leaf's transitions on one event in one state, [lo, hi). */
struct run {
    uint32_t lo, hi;
};

struct leafinfo {
    const struct lts *lts;
    const struct lts_trans *trans;  /* lts->trans, one load nearer */
    uint32_t word, shift;
    uint64_t mask;                /* of the leaf's field, before shifting */
    uint32_t *first;              /* per state: its firings, firings[first[s] .. first[s+1]) */
    struct firing *firings;
    /* The leaf's events numbered densely (its alphabet: `nlocal` of them), and per state and
     * local event the run of transitions, runs[s * nlocal + local] — so a rule finds whether
     * a participant can take part with one load instead of a search.  NULL for a leaf too big
     * for the table (see RUNS_MAX), which searches instead. */
    uint32_t nlocal;
    struct run *runs;
};

/* At most this many entries in a leaf's run table (8 bytes each). */
#define RUNS_MAX ((size_t)1 << 21)

struct machine {
    uint32_t nleaves, words, maxparts;
    uint32_t bits;                /* of a one-word state, the low bits in use (else 63) */
    struct lts **leaves;
    struct leafinfo *info;
    uint32_t *triggers;           /* the leaves that trigger some rule, in order */
    uint32_t ntriggers;
    struct part *parts;
    uint32_t *local;              /* per part: its event's number in its leaf's alphabet */
    uint32_t *prio;               /* events tau has priority over, sorted (mach_tau_priority) */
    size_t nprio;
    struct rule *rules;
    size_t nrules;
    struct rule *done;            /* the ✓ rules, checked on every state */
    size_t ndone;
    uint64_t *init;
};

static uint32_t bits_for(uint32_t nstates)
{
    uint32_t b = 1;
    while (b < 32 && (1u << b) < nstates) b++;
    return b;
}

static int by_trigger(const struct brule *a, const struct brule *b)
{
    if (a->parts[0].leaf != b->parts[0].leaf) return a->parts[0].leaf < b->parts[0].leaf ? -1 : 1;
    if (a->parts[0].event != b->parts[0].event)
        return a->parts[0].event < b->parts[0].event ? -1 : 1;
    return 0;
}

/* A stable merge sort so that rules with one trigger keep their compile order. */
static void stable_sort(struct brule *v, size_t n, struct brule *tmp)
{
    if (n < 2) return;
    size_t h = n / 2;
    stable_sort(v, h, tmp);
    stable_sort(v + h, n - h, tmp);
    size_t i = 0, j = h, k = 0;
    while (i < h || j < n)
        tmp[k++] = j == n || (i < h && by_trigger(&v[i], &v[j]) <= 0) ? v[i++] : v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

/* The number of event e in a leaf's sorted alphabet, or `n` (an index whose runs are all
 * empty) when the leaf never performs e. */
static uint32_t local_of(const uint32_t *alpha, uint32_t n, uint32_t e)
{
    size_t i = sorted_lower_bound(alpha, n, e);
    return i < n && alpha[i] == e ? (uint32_t)i : n;
}

/* The leaves' run tables and every part's local event number (see struct leafinfo). */
static bool build_runs(struct machine *m, size_t nparts)
{
    m->local = malloc((nparts ? nparts : 1) * sizeof *m->local);
    if (!m->local) return false;
    for (uint32_t leaf = 0; leaf < m->nleaves; leaf++) {
        struct leafinfo *li = &m->info[leaf];
        const struct lts *l = li->lts;
        /* The alphabet: the distinct events of the leaf's transitions, sorted. */
        uint32_t *alpha = malloc(((size_t)l->ntrans + 1) * sizeof *alpha);
        if (!alpha) return false;
        for (uint32_t t = 0; t < l->ntrans; t++) alpha[t] = l->trans[t].event;
        uint32_t n = (uint32_t)sorted_unique(alpha, l->ntrans);
        for (size_t p = 0; p < nparts; p++)
            if (m->parts[p].leaf == leaf) m->local[p] = local_of(alpha, n, m->parts[p].event);
        /* One more column than the alphabet: the "never" event's, always empty. */
        size_t cells = (size_t)l->nstates * (n + 1);
        li->nlocal = n + 1;
        if (cells <= RUNS_MAX) li->runs = calloc(cells ? cells : 1, sizeof *li->runs);
        if (li->runs) {
            for (uint32_t st = 0; st < l->nstates; st++)
                for (uint32_t t = l->first[st], end = l->first[st + 1]; t < end;) {
                    uint32_t e = l->trans[t].event, run = t;
                    while (run < end && l->trans[run].event == e) run++;
                    li->runs[(size_t)st * li->nlocal + local_of(alpha, n, e)] = (struct run){t, run};
                    t = run;
                }
        }
        free(alpha);
    }
    return true;
}

struct machine *mach_build(struct mach_builder *b, int root)
{
    struct machine *m = NULL;
    struct rlist rl = {0};
    if (b->failed || root < 0 || (size_t)root >= b->n) goto out;
    rules_of(b, root, &rl);
    if (rl.oom) goto out;

    m = calloc(1, sizeof *m);
    if (!m) goto out;
    m->nleaves = b->nleaves;
    m->leaves = b->leaves;
    b->leaves = NULL;
    b->nleaves = 0;
    m->info = calloc(m->nleaves ? m->nleaves : 1, sizeof *m->info);
    if (!m->info) goto fail;

    /* Pack leaf states into words, never straddling a word boundary. */
    uint32_t word = 0, used = 0;
    for (uint32_t i = 0; i < m->nleaves; i++) {
        uint32_t bits = bits_for(m->leaves[i]->nstates);
        if (used + bits > 63) {  /* bit 63 of every word stays 0: the store marks slots with it */
            word++;
            used = 0;
        }
        m->info[i].lts = m->leaves[i];
        m->info[i].trans = m->leaves[i]->trans;
        m->info[i].word = word;
        m->info[i].shift = used;
        m->info[i].mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
        used += bits;
    }
    m->words = word + 1;
    m->bits = word == 0 ? used : 63;
    m->init = calloc(m->words, sizeof *m->init);
    if (!m->init) goto fail;
    for (uint32_t i = 0; i < m->nleaves; i++)
        m->init[m->info[i].word] |= (uint64_t)m->leaves[i]->initial << m->info[i].shift;

    /* Put the ✓ rules last; sort the others by trigger, their first participant (stable, so
     * rules with one trigger keep their compile order). */
    size_t nparts = 0, nnormal = 0;
    for (size_t i = 0; i < rl.n; i++) {
        nparts += rl.r[i].n;
        m->ndone += rl.r[i].done;
    }
    {
        struct brule *tmp = malloc((rl.n ? rl.n : 1) * sizeof *tmp);
        if (!tmp) goto fail;
        size_t k = 0;
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < rl.n; i++)
                if (rl.r[i].done == (pass == 1)) tmp[k++] = rl.r[i];
        if (rl.n) memcpy(rl.r, tmp, rl.n * sizeof *tmp);
        nnormal = rl.n - m->ndone;
        stable_sort(rl.r, nnormal, tmp);
        free(tmp);
    }
    m->parts = malloc((nparts ? nparts : 1) * sizeof *m->parts);
    m->rules = malloc((nnormal ? nnormal : 1) * sizeof *m->rules);
    m->done = malloc((m->ndone ? m->ndone : 1) * sizeof *m->done);
    if (!m->parts || !m->rules || !m->done) goto fail;
    uint32_t at = 0;
    for (size_t i = 0; i < rl.n; i++) {
        const struct brule *r = &rl.r[i];
        struct rule cr = {r->result, r->n, at};
        memcpy(m->parts + at, r->parts, r->n * sizeof *r->parts);
        at += r->n;
        if (r->n > m->maxparts) m->maxparts = r->n;
        if (i < nnormal)
            m->rules[i] = cr;
        else
            m->done[i - nnormal] = cr;
    }
    m->nrules = nnormal;

    /* Firing tables: for every leaf state, the rules it triggers there (rules are sorted by
     * trigger, so those of one (leaf, event) are a contiguous run found by binary search). */
    size_t i = 0;
    for (uint32_t leaf = 0; leaf < m->nleaves; leaf++) {
        struct leafinfo *li = &m->info[leaf];
        const struct lts *l = li->lts;
        size_t lo_rule = i;
        while (i < nnormal && m->parts[m->rules[i].first].leaf == leaf) i++;
        size_t hi_rule = i;
        li->first = malloc(((size_t)l->nstates + 1) * sizeof *li->first);
        if (!li->first) goto fail;
        size_t n = 0, cap = 16;
        li->firings = malloc(cap * sizeof *li->firings);
        if (!li->firings) goto fail;
        for (uint32_t st = 0; st < l->nstates; st++) {
            li->first[st] = (uint32_t)n;
            for (uint32_t t = l->first[st], end = l->first[st + 1]; t < end;) {
                uint32_t e = l->trans[t].event, run = t;
                while (run < end && l->trans[run].event == e) run++;
                /* The first rule of this leaf triggered by e. */
                size_t a = lo_rule, z = hi_rule;
                while (a < z) {
                    size_t mid = a + (z - a) / 2;
                    if (m->parts[m->rules[mid].first].event < e)
                        a = mid + 1;
                    else
                        z = mid;
                }
                for (; a < hi_rule && m->parts[m->rules[a].first].event == e; a++) {
                    if (n == cap) {
                        struct firing *f = realloc(li->firings, (cap *= 2) * sizeof *f);
                        if (!f) goto fail;
                        li->firings = f;
                    }
                    li->firings[n++] = (struct firing){(uint32_t)a, t, run};
                }
                t = run;
            }
        }
        li->first[l->nstates] = (uint32_t)n;
    }
    /* A state's successors come from its triggering leaves' firings: often only some leaves
     * (a rule's first participant by leaf order is its trigger), so the rest are not visited. */
    m->triggers = malloc((m->nleaves ? m->nleaves : 1) * sizeof *m->triggers);
    if (!m->triggers) goto fail;
    for (uint32_t leaf = 0; leaf < m->nleaves; leaf++)
        if (m->info[leaf].first[m->leaves[leaf]->nstates] > 0) m->triggers[m->ntriggers++] = leaf;
    if (!build_runs(m, nparts)) goto fail;
    /* A ✓ rule over a leaf that can never terminate never fires. */
    size_t kept = 0;
    for (size_t d = 0; d < m->ndone; d++) {
        bool possible = true;
        for (uint32_t k = 0; k < m->done[d].n; k++)
            possible &= m->leaves[m->parts[m->done[d].first + k].leaf]->omega != LTS_NONE;
        if (possible) m->done[kept++] = m->done[d];
    }
    m->ndone = kept;
    goto out;
fail:
    mach_free(m);
    m = NULL;
out:
    rl_free(&rl);
    mach_builder_free(b);
    return m;
}

void mach_free(struct machine *m)
{
    if (!m) return;
    for (uint32_t i = 0; i < m->nleaves; i++) {
        lts_free(m->leaves[i]);
        if (m->info) {
            free(m->info[i].first);
            free(m->info[i].firings);
            free(m->info[i].runs);
        }
    }
    free(m->leaves);
    free(m->info);
    free(m->triggers);
    free(m->parts);
    free(m->local);
    free(m->prio);
    free(m->rules);
    free(m->done);
    free(m->init);
    free(m);
}

uint32_t mach_words(const struct machine *m)
{
    return m->words;
}

uint32_t mach_bits(const struct machine *m)
{
    return m->bits;
}

uint32_t mach_max_event(const struct machine *m)
{
    uint32_t max = m->ndone ? EV_TICK : EV_TAU;
    for (size_t r = 0; r < m->nrules; r++)
        if (m->rules[r].result > max) max = m->rules[r].result;
    return max;
}

void mach_initial(const struct machine *m, uint64_t *state)
{
    memcpy(state, m->init, m->words * sizeof *state);
}

uint32_t mach_nleaves(const struct machine *m)
{
    return m->nleaves;
}

const struct lts *mach_leaf_lts(const struct machine *m, uint32_t i)
{
    return m->leaves[i];
}

bool mach_has_tau(const struct machine *m)
{
    for (size_t i = 0; i < m->nrules; i++)
        if (m->rules[i].result == EV_TAU) return true;
    return false;
}

size_t mach_nrules(const struct machine *m)
{
    return m->nrules + m->ndone;
}

static inline uint32_t get(const struct leafinfo *li, const uint64_t *state)
{
    return (uint32_t)(state[li->word] >> li->shift & li->mask);
}

static inline void set(const struct leafinfo *li, uint64_t *state, uint32_t s)
{
    state[li->word] = (state[li->word] & ~(li->mask << li->shift)) | (uint64_t)s << li->shift;
}

uint32_t mach_leaf_state(const struct machine *m, const uint64_t *state, uint32_t i)
{
    return get(&m->info[i], state);
}

/* The run of transitions of leaf state s on event e: [*lo, *hi). */
static inline void on_event(const struct lts *l, uint32_t s, uint32_t e, uint32_t *lo, uint32_t *hi)
{
    uint32_t a = l->first[s], z = l->first[s + 1];
    while (a < z && l->trans[a].event < e) a++;
    uint32_t b = a;
    while (b < z && l->trans[b].event == e) b++;
    *lo = a;
    *hi = b;
}

enum { STACK_PARTS = 64, STACK_WORDS = 16 };

/* Fires rule r, whose first participant's run is [lo0, hi0): every combination of the
 * participants' transitions gives one target. */
static void fire(const struct machine *m, const struct rule *r, const uint64_t *state,
                 uint32_t lo0, uint32_t hi0, uint64_t *target, uint32_t *lo, uint32_t *hi,
                 uint32_t *pos, mach_emit *emit, void *ctx)
{
    const struct part *p = m->parts + r->first;
    const uint32_t *local = m->local + r->first;
    lo[0] = lo0;
    hi[0] = hi0;
    bool single = hi0 - lo0 == 1;
    for (uint32_t k = 1; k < r->n; k++) {
        const struct leafinfo *li = &m->info[p[k].leaf];
        uint32_t s = get(li, state);
        if (li->runs) {
            struct run run = li->runs[(size_t)s * li->nlocal + local[k]];
            lo[k] = run.lo;
            hi[k] = run.hi;
        } else {
            on_event(li->lts, s, p[k].event, &lo[k], &hi[k]);
        }
        if (lo[k] == hi[k]) return;
        single &= hi[k] - lo[k] == 1;
    }
    for (uint32_t w = 0; w < m->words; w++) target[w] = state[w];
    if (single) {
        /* The usual case: every participant has one way to do its part. */
        for (uint32_t k = 0; k < r->n; k++) {
            const struct leafinfo *li = &m->info[p[k].leaf];
            set(li, target, li->trans[lo[k]].target);
        }
        emit(ctx, r->result, target);
        return;
    }
    for (uint32_t k = 0; k < r->n; k++) pos[k] = lo[k];
    for (;;) {
        for (uint32_t k = 0; k < r->n; k++) {
            const struct leafinfo *li = &m->info[p[k].leaf];
            set(li, target, li->trans[pos[k]].target);
        }
        emit(ctx, r->result, target);
        /* Next combination, odometer style, last participant fastest. */
        uint32_t k = r->n;
        while (k > 0 && ++pos[k - 1] == hi[k - 1]) {
            pos[k - 1] = lo[k - 1];
            k--;
        }
        if (k == 0) return;
    }
}

int mach_tau_priority(struct machine *m, struct evset over)
{
    uint32_t *v = malloc((over.n ? over.n : 1) * sizeof *v);
    if (!v) return -1;
    if (over.n) memcpy(v, over.ev, over.n * sizeof *v);
    free(m->prio);
    m->prio = v;
    m->nprio = over.n;
    return 0;
}

/* The transitions of a state, held back until it is known whether one of them is a tau. */
struct held {
    uint32_t words;
    size_t n, cap;
    uint32_t *events;
    uint64_t *targets;
    bool tau, oom;
};

static void hold(void *ctx, uint32_t event, const uint64_t *target)
{
    struct held *h = ctx;
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 16;
        uint32_t *e = realloc(h->events, cap * sizeof *e);
        if (e) h->events = e;
        uint64_t *t = realloc(h->targets, cap * h->words * sizeof *t);
        if (t) h->targets = t;
        if (!e || !t) {
            h->oom = true;
            return;
        }
        h->cap = cap;
    }
    h->events[h->n] = event;
    memcpy(h->targets + h->n * h->words, target, h->words * sizeof *target);
    h->n++;
    h->tau |= event == EV_TAU;
}

static void all_successors(const struct machine *m, const uint64_t *state, mach_emit *emit,
                           void *ctx);

void mach_successors(const struct machine *m, const uint64_t *state, mach_emit *emit, void *ctx)
{
    if (!m->nprio) {
        all_successors(m, state, emit, ctx);
        return;
    }
    struct held h = {.words = m->words};
    all_successors(m, state, hold, &h);
    for (size_t i = 0; i < h.n && !h.oom; i++)
        if (!h.tau || !in_set(m->prio, m->nprio, h.events[i]))
            emit(ctx, h.events[i], h.targets + i * m->words);
    free(h.events);
    free(h.targets);
}

static void all_successors(const struct machine *m, const uint64_t *state, mach_emit *emit,
                           void *ctx)
{
    uint64_t tstack[STACK_WORDS];
    uint32_t sl[STACK_PARTS], sh[STACK_PARTS], sp[STACK_PARTS];
    uint64_t *target = m->words <= STACK_WORDS ? tstack : malloc(m->words * sizeof *target);
    uint32_t *lo = sl, *hi = sh, *pos = sp;
    if (m->maxparts > STACK_PARTS) {
        lo = malloc(3 * (size_t)m->maxparts * sizeof *lo);
        hi = lo ? lo + m->maxparts : NULL;
        pos = lo ? hi + m->maxparts : NULL;
    }
    if (!target || !lo) goto out;  /* out of memory: no successors rather than a crash */

    for (uint32_t t = 0; t < m->ntriggers; t++) {
        const struct leafinfo *li = &m->info[m->triggers[t]];
        uint32_t s = get(li, state);
        for (uint32_t f = li->first[s], end = li->first[s + 1]; f < end; f++) {
            const struct firing *fi = &li->firings[f];
            fire(m, &m->rules[fi->rule], state, fi->lo, fi->hi, target, lo, hi, pos, emit, ctx);
        }
    }
    for (size_t d = 0; d < m->ndone; d++) {
        const struct rule *r = &m->done[d];
        bool all = true;
        for (uint32_t k = 0; k < r->n && all; k++) {
            const struct leafinfo *li = &m->info[m->parts[r->first + k].leaf];
            all = get(li, state) == li->lts->omega;
        }
        if (all) emit(ctx, EV_TICK, state);
    }
out:
    if (target != tstack) free(target);
    if (lo != sl) free(lo);
}

/* ---- who took part (counterexample pictures) ---- */

/* True when leaf state `from` has a transition on e to `to`. */
static bool leaf_can(const struct lts *l, uint32_t from, uint32_t e, uint32_t to)
{
    uint32_t lo, hi;
    on_event(l, from, e, &lo, &hi);
    for (uint32_t t = lo; t < hi; t++)
        if (l->trans[t].target == to) return true;
    return false;
}

/* True when rule r takes `state` to `target`: each participant moves by its event, every
 * other leaf stays put.  Participants are sorted by leaf. */
static bool rule_makes(const struct machine *m, const struct rule *r, const uint64_t *state,
                       const uint64_t *target)
{
    const struct part *p = m->parts + r->first;
    uint32_t k = 0;
    for (uint32_t leaf = 0; leaf < m->nleaves; leaf++) {
        const struct leafinfo *li = &m->info[leaf];
        uint32_t a = get(li, state), b = get(li, target);
        if (k < r->n && p[k].leaf == leaf) {
            if (!leaf_can(li->lts, a, p[k].event, b)) return false;
            k++;
        } else if (a != b) {
            return false;
        }
    }
    return k == r->n;
}

uint32_t mach_step_parts(const struct machine *m, const uint64_t *state, uint32_t event,
                         const uint64_t *target, uint32_t *leaves, uint32_t *events)
{
    /* Only the rules some leaf triggers in `state` can fire: its firing table lists them. */
    for (uint32_t leaf = 0; leaf < m->nleaves; leaf++) {
        const struct leafinfo *li = &m->info[leaf];
        uint32_t s = get(li, state);
        for (uint32_t f = li->first[s], end = li->first[s + 1]; f < end; f++) {
            const struct rule *r = &m->rules[li->firings[f].rule];
            if (r->result != event || !rule_makes(m, r, state, target)) continue;
            for (uint32_t k = 0; k < r->n; k++) {
                leaves[k] = m->parts[r->first + k].leaf;
                events[k] = m->parts[r->first + k].event;
            }
            return r->n;
        }
    }
    return 0;
}

uint32_t mach_blockers(const struct machine *m, const uint64_t *state, uint32_t leaf,
                       uint32_t event, uint32_t *out)
{
    uint32_t n = 0;
    for (size_t i = 0; i < m->nrules; i++) {
        const struct rule *r = &m->rules[i];
        const struct part *p = m->parts + r->first;
        bool mine = false;
        for (uint32_t k = 0; k < r->n && !mine; k++) mine = p[k].leaf == leaf && p[k].event == event;
        if (!mine) continue;
        uint32_t before = n;
        for (uint32_t k = 0; k < r->n; k++) {
            if (p[k].leaf == leaf) continue;
            const struct leafinfo *li = &m->info[p[k].leaf];
            uint32_t lo, hi;
            on_event(li->lts, get(li, state), p[k].event, &lo, &hi);
            if (lo != hi) continue;
            bool seen = false;
            for (uint32_t j = 0; j < n && !seen; j++) seen = out[j] == p[k].leaf;
            if (!seen) out[n++] = p[k].leaf;
        }
        if (n == before) return 0;  /* this rule can fire: nothing stops the event */
    }
    return n;
}
