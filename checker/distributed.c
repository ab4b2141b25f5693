/* distributed.c — the level-synchronous breadth-first search of distributed.h, over a
 * dist_comm: each rank owns the vectors that hash to it, expands its frontier in rounds,
 * sends each successor (with its parent's local number) to the owner, which keeps the new
 * ones in its own store; a sum over the ranks after every round says when the level, and
 * the search, is over.  Counterexamples are walked back by broadcasts, owner to owner. */
#include "checker/distributed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/normal.h"
#include "checker/sorted.h"
#include "checker/store.h"
#include "checker/vec64.h"

/* ---- one rank alone ---- */

static int lo_exchange(void *self, uint64_t *const *send, const size_t *nsend, uint64_t **recv,
                       size_t *nrecv)
{
    (void)self;
    *recv = NULL;
    *nrecv = nsend[0];
    if (!nsend[0]) return 0;
    if (!(*recv = malloc(nsend[0] * sizeof **recv))) return -1;
    memcpy(*recv, send[0], nsend[0] * sizeof **recv);
    return 0;
}

static int lo_reduce(void *self, uint64_t *v, size_t n)
{
    (void)self, (void)v, (void)n;
    return 0;
}

static int lo_bcast(void *self, uint64_t *v, size_t n, int root)
{
    (void)self, (void)v, (void)n, (void)root;
    return 0;
}

static void lo_abort(void *self, int code)
{
    (void)self;
    exit(code);
}

static void lo_finish(void *self)
{
    (void)self;
}

const struct dist_comm dist_loopback = {
    DIST_COMM_VERSION, 0, 1, NULL, lo_exchange, lo_reduce, lo_reduce, lo_bcast, lo_abort, lo_finish,
};

/* ---- agreeing ---- */

int dist_agree(const struct dist_comm *c, uint64_t key, uint64_t print, bool ok, uint64_t *value)
{
    for (;;) {
        uint64_t v[6] = {key, UINT64_MAX - key, !ok, c->rank == 0 && value ? *value : 0,
                         print, UINT64_MAX - print};
        if (c->max(c->self, v, 6) < 0) return -1;
        uint64_t kmax = v[0], kmin = UINT64_MAX - v[1];
        if (kmin == kmax) {
            if (key == DIST_KEY_END) {
                if (value) *value = v[3];
                return 1;
            }
            if (v[4] != UINT64_MAX - v[5]) return -2;
            return v[2] ? 0 : 1;
        }
        /* Behind the others: skip this search; ahead: wait for them. */
        if (key == kmin) return -1;
    }
}

/* What the ranks compare before a search: a hash of everything that makes the machine, and
 * of the global event numbers on its transitions, so that ranks that read different scripts
 * (a file that is not the same on every node) are caught rather than mixed. */
static uint64_t mix(uint64_t h, uint64_t x)
{
    h = (h ^ x) * 0x100000001B3ull;
    return h ^ h >> 29;
}

static uint64_t fingerprint(const struct machine *m, uint64_t h)
{
    h = mix(h, mach_words(m));
    h = mix(h, mach_nleaves(m));
    h = mix(h, mach_nrules(m));
    for (uint32_t i = 0; i < mach_nleaves(m); i++) {
        const struct lts *l = mach_leaf_lts(m, i);
        h = mix(mix(mix(h, l->nstates), l->ntrans), l->initial);
        for (uint32_t t = 0; t < l->ntrans; t++)
            h = mix(h, (uint64_t)l->trans[t].event << 32 | l->trans[t].target);
    }
    return h;
}

/* A search's agreement (dist_agree), ending the job when the ranks compiled different
 * machines: that is bad input, and no verdict could be trusted. */
static int agree(const struct dist_comm *c, uint64_t key, uint64_t print, bool ok)
{
    int go = dist_agree(c, key, print, ok, NULL);
    if (go == -2) {
        if (c->rank == 0)
            fprintf(stderr, "baton: --distributed: the ranks compiled different processes for the "
                            "assertion at line %llu: is the script (and what it includes) the same "
                            "file on every node?\n", (unsigned long long)(key >> 32));
        c->abort(c->self, 2);
    }
    return go;
}

/* ---- the space a search walks ---- */

/* A state space as the distributed search sees it: `expand` emits a vector's successors to
 * explore (counting every transition into *transitions) and says whether the vector itself
 * is bad, remembering why (kind, event, refusal) for the first bad one; `successors` emits
 * every transition, for rebuilding a counterexample's events. */
struct dspace {
    uint32_t words;
    bool (*expand)(void *data, const uint64_t *vec, mach_emit *emit, void *ctx,
                   uint64_t *transitions);
    void (*successors)(void *data, const uint64_t *vec, mach_emit *emit, void *ctx);
    void *data;
    enum chk_kind kind;           /* why the first bad vector is bad */
    uint32_t event;
    uint32_t *refusal;
    size_t nrefusal;
    bool error;                   /* out of memory while expanding */
    /* A failure is left to the one-process check, for its counterexample and its reason
     * (search sets CHK_FAILS and nothing else), as the threads' search does. */
    bool replay;
    /* Divergence asked for (with replay): the search records its tau edges and, when
     * nothing else is bad, looks for a tau cycle among them (tau_cycle_across). */
    bool taus;
    /* A divergence found so (nothing else bad anywhere) gets its counterexample here, walked
     * across the ranks (divergence_counterexample), not from the one-process check. */
    bool walk_divergence;
};

/* A vector's hash for choosing its owner: unlike the store's own (so that a rank's states
 * spread over its whole table, not only the slots their owner's residue would pick). */
static uint64_t vec_hash(const uint64_t *v, uint32_t words)
{
    uint64_t h = 0xD6E8FEB86659FD93ull;
    for (uint32_t i = 0; i < words; i++) {
        h = (h ^ v[i]) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 33;
    }
    h *= 0xC4CEB9FE1A85EC53ull;
    return h ^ h >> 33;
}

static uint32_t owner_of(uint64_t h, int size)
{
    return (uint32_t)(h % (uint64_t)size);
}

/* Each rank remembers the vectors it sent lately (direct-mapped by the top bits of their
 * hash): a successor sent again — the diamonds of interleaving meet within a few states — is
 * its owner's already, or will be when the round's records arrive, and its first copy came
 * from a state no deeper, so leaving it out changes neither the states nor the shortest
 * counterexamples.  A vector is kept and compared whole, so nothing is left out by a
 * collision; vectors of more than SENT_WORDS words are not remembered (the cache would
 * outgrow the core's cache), and a tau edge recorded for divergence is always sent (its
 * owner counts it). */
enum { SENT_BITS = 15, SENT_WORDS = 4 };

struct dsearch {
    const struct dist_comm *c;
    struct dspace *sp;
    const struct chk_limits *lim;
    double start;
    struct store *st;
    uint32_t *prank;              /* per local state: the rank of its parent */
    size_t prank_cap;
    uint64_t *batch;              /* 256 vectors, for keep */
    struct vec64 *out;            /* per destination rank, c->size of them: the records to
                                     send, each a vector then its parent's word */
    size_t outwords;              /* words waiting in all of them */
    uint32_t current;             /* the state being expanded */
    bool nomem;
    /* sp->taus: per local state, how many tau edges lead to it; the tau edges received, a
     * pair of words each: the source (its rank << 32 | its number there), the target's number
     * here; and keep's ids of a run of targets. */
    uint32_t *indeg;
    struct vec64 edges;
    uint32_t *ids;
    struct vec64 levels;          /* each breadth-first level's first local number */
    uint64_t *sent;               /* 2^SENT_BITS vectors sent lately, or NULL */
    uint64_t *sent_used;          /* a bit a slot of `sent`: it holds a vector */
};

/* A tau successor's parent word carries this flag (ranks stay below 2^31). */
#define TAU_EDGE ((uint64_t)1 << 63)

static void emit_out(void *ctx, uint32_t event, const uint64_t *target)
{
    struct dsearch *d = ctx;
    if (event == EV_TICK) return;  /* ✓ ends the run: the target is never explored */
    uint32_t words = d->sp->words;
    uint64_t h = vec_hash(target, words);
    bool tau_edge = event == EV_TAU && d->sp->taus;
    if (d->sent) {
        size_t i = (size_t)(h >> (64 - SENT_BITS));
        uint64_t *slot = d->sent + i * words, *used = &d->sent_used[i / 64], bit = 1ull << i % 64;
        bool same = *used & bit;
        for (uint32_t w = 0; w < words && same; w++) same = slot[w] == target[w];
        if (same) {
            if (!tau_edge) return;
        } else {
            memcpy(slot, target, words * sizeof *target);
            *used |= bit;
        }
    }
    struct vec64 *o = &d->out[owner_of(h, d->c->size)];
    uint64_t parent = (uint64_t)d->c->rank << 32 | d->current;
    if (tau_edge) parent |= TAU_EDGE;
    if (!vec64_push(o, target, words) || !vec64_push(o, &parent, 1)) {
        d->nomem = true;
        return;
    }
    d->outwords += words + 1;
}

/* Gives the states numbered from `first` on the parent rank `from` (and, recording taus, no
 * tau edges yet): 0, or -1 when out of memory. */
static int parent_ranks(struct dsearch *d, uint32_t first, uint32_t from)
{
    uint32_t count = store_count(d->st);
    if (count > d->prank_cap) {
        size_t cap = d->prank_cap ? 2 * d->prank_cap : 1024;
        while (cap < count) cap *= 2;
        uint32_t *p = realloc(d->prank, cap * sizeof *p);
        if (!p) return -1;
        d->prank = p;
        if (d->sp->taus) {
            uint32_t *in = realloc(d->indeg, cap * sizeof *in);
            if (!in) return -1;
            d->indeg = in;
        }
        d->prank_cap = cap;
    }
    for (uint32_t id = first; id < count; id++) d->prank[id] = from;
    if (d->sp->taus) memset(d->indeg + first, 0, (count - first) * sizeof *d->indeg);
    return 0;
}

/* Keeps the new vectors among n received records (a vector, then its parent word: the
 * parent's rank above its number there).  The successors of one state arrive together, so
 * each run of one parent goes to the store as one batch, which overlaps its memory accesses.
 * 0, or -1 when the store is full or out of memory. */
static int keep(struct dsearch *d, const uint64_t *rec, size_t n)
{
    uint32_t words = d->sp->words;
    for (size_t i = 0; i < n;) {
        uint64_t parent = rec[i * (words + 1) + words];
        size_t run = 0;
        while (i + run < n && run < 256 && rec[(i + run) * (words + 1) + words] == parent) {
            memcpy(d->batch + run * words, rec + (i + run) * (words + 1), words * sizeof *rec);
            run++;
        }
        uint32_t first = store_count(d->st), from = (uint32_t)(parent >> 32 & 0x7FFFFFFF);
        if (!(parent & TAU_EDGE)) {
            if (store_insert_batch(d->st, d->batch, run, (uint32_t)parent) < 0 ||
                parent_ranks(d, first, from) < 0)
                return -1;
            i += run;
            continue;
        }
        /* Tau edges: each target's number here, to count the edge and keep it. */
        if (store_intern_batch(d->st, d->batch, run, (uint32_t)parent, d->ids) < 0 ||
            parent_ranks(d, first, from) < 0)
            return -1;
        for (size_t k = 0; k < run; k++) {
            uint64_t edge[2] = {parent & ~TAU_EDGE, d->ids[k]};
            if (!vec64_push(&d->edges, edge, 2)) return -1;
            d->indeg[d->ids[k]]++;
        }
        i += run;
    }
    return 0;
}

/* The limit codes carried in a reduction (the larger wins), and their names. */
static const char *const limit_names[] = {NULL, "states", "time", "memory", "interrupt"};

static uint64_t limit_code(const char *which)
{
    for (uint64_t i = 1; i < sizeof limit_names / sizeof *limit_names; i++)
        if (which && strcmp(which, limit_names[i]) == 0) return i;
    return which ? 3 : 0;
}

/* How much one round expands at most: small enough to bound the outboxes' memory and the
 * overshoot past a limit, big enough that a round's two reductions cost little. */
enum { ROUND_STATES = 1 << 14, ROUND_WORDS = 1 << 20 };

/* In a counterexample's walk: the state asked for is not there. */
#define BROKEN (UINT64_MAX - 1)

struct edge {
    const uint64_t *to;
    uint32_t words, event;
    bool found;
};

static void match(void *ctx, uint32_t event, const uint64_t *target)
{
    struct edge *e = ctx;
    if (!e->found && event != EV_TICK && memcmp(target, e->to, e->words * sizeof *target) == 0) {
        e->event = event;
        e->found = true;
    }
}

/* The way from the initial vector to the bad one (rank `bad_rank`'s state `bad`, at
 * breadth-first `depth`), walked back one broadcast a step from owner to owner, into r on
 * every rank.  0, or -1 (out of memory, or a parent chain that does not lead back to the
 * initial state within depth steps: a bug, reported rather than walked for ever). */
static int counterexample(struct dsearch *d, int bad_rank, uint32_t bad, uint32_t depth,
                          struct chk_result *r)
{
    const struct dist_comm *c = d->c;
    uint32_t words = d->sp->words;
    size_t n = 0, cap = 16;
    uint64_t *path = malloc(cap * words * sizeof *path);
    uint64_t *buf = malloc((words + 2) * sizeof *buf);
    if (!buf) c->abort(c->self, 2);  /* every rank takes part in every broadcast below */
    int ok = path ? 0 : -1;
    int who = bad_rank;
    uint32_t id = bad;
    size_t steps = 0;
    for (;;) {
        if (c->rank == who && id < store_count(d->st)) {
            store_copy(d->st, id, buf);
            uint32_t parent = store_parent(d->st, id);
            buf[words] = parent;
            buf[words + 1] = parent == STORE_ROOT ? UINT64_MAX : d->prank[id];
        } else if (c->rank == who) {
            buf[words + 1] = BROKEN;
        }
        /* Every rank takes part in every broadcast, even after running out of memory. */
        if (c->bcast(c->self, buf, words + 2, who) < 0) return -1;
        if (buf[words + 1] == BROKEN || steps++ > depth) {
            free(path);
            free(buf);
            return -1;
        }
        if (ok == 0 && n == cap) {
            uint64_t *p = realloc(path, 2 * cap * words * sizeof *p);
            if (p) {
                path = p;
                cap *= 2;
            } else {
                ok = -1;
            }
        }
        if (ok == 0) memcpy(path + n++ * words, buf, words * sizeof *buf);
        if (buf[words + 1] == UINT64_MAX) break;
        who = (int)buf[words + 1];
        id = (uint32_t)buf[words];
    }
    free(buf);
    if (ok < 0) {
        free(path);
        return -1;
    }
    /* path holds bad .. initial: turn it round, then find the events between. */
    for (size_t i = 0; i < n / 2; i++)
        for (uint32_t w = 0; w < words; w++) {
            uint64_t t = path[i * words + w];
            path[i * words + w] = path[(n - 1 - i) * words + w];
            path[(n - 1 - i) * words + w] = t;
        }
    r->path = path;
    r->npath = n;
    r->words = words;
    r->path_events = malloc((n > 1 ? n - 1 : 1) * sizeof *r->path_events);
    r->trace = malloc((n > 1 ? n - 1 : 1) * sizeof *r->trace);
    r->state = malloc(words * sizeof *r->state);
    if (!r->path_events || !r->trace || !r->state) return -1;
    memcpy(r->state, path + (n - 1) * words, words * sizeof *r->state);
    for (size_t i = 0; i + 1 < n; i++) {
        struct edge e = {path + (i + 1) * words, words, EV_TAU, false};
        d->sp->successors(d->sp->data, path + i * words, match, &e);
        r->path_events[i] = e.event;
        if (e.event != EV_TAU) r->trace[r->ntrace++] = e.event;
    }
    return 0;
}

/* Why the bad state is bad, from the rank that found it to every rank. */
static int share_reason(struct dsearch *d, int bad_rank, struct chk_result *r)
{
    const struct dist_comm *c = d->c;
    struct dspace *sp = d->sp;
    uint64_t head[3] = {sp->kind, sp->event, sp->nrefusal};
    if (c->bcast(c->self, head, 3, bad_rank) < 0) return -1;
    r->kind = (enum chk_kind)head[0];
    r->event = (uint32_t)head[1];
    r->nrefusal = head[2];
    uint64_t *w = malloc((r->nrefusal ? r->nrefusal : 1) * sizeof *w);
    r->refusal = malloc((r->nrefusal ? r->nrefusal : 1) * sizeof *r->refusal);
    /* The others wait in the next broadcast: out of memory here ends the job. */
    if (!w || !r->refusal) c->abort(c->self, 2);
    for (size_t i = 0; c->rank == bad_rank && i < r->nrefusal; i++) w[i] = sp->refusal[i];
    int ok = r->nrefusal ? c->bcast(c->self, w, r->nrefusal, bad_rank) : 0;
    for (size_t i = 0; i < r->nrefusal; i++) r->refusal[i] = (uint32_t)w[i];
    free(w);
    return ok;
}

/* ---- tau cycles across ranks ----
 *
 * Each rank holds the tau edges that lead to its states (keep recorded them) and counts
 * them per state.  Each source learns how many tau edges leave each of its states (one
 * exchange); then the ranks peel from the sinks, as Kahn's topological sort does backwards:
 * a state with no tau successor left is removed, and each of its tau predecessors loses one,
 * locally or told by a message to its owner, round after round, until no rank has anything
 * to tell.  A state left with tau successors can reach a tau cycle by taus — it diverges —
 * and every state that diverges is left; since every stored state is reachable, the process
 * diverges exactly when one is left anywhere (as checker/taucycle.h argues for the threads).
 * Memory: 16 bytes a tau edge on the target's rank during the search, 8 more while the
 * edges are turned into each target's list of predecessors, and 16 a state. */

/* Counts, on each source's rank, the tau edges that leave its states (*out, per state), and
 * turns this rank's edges into each state's list of tau predecessors (rank << 32 | number
 * there): CSR form, (*first)[id] .. (*first)[id + 1] in *preds.  0, or -1 when out of memory
 * or the transport failed. */
static int tau_degrees(struct dsearch *d, uint64_t **send, size_t *nsend, uint32_t **out,
                       size_t **first, uint64_t **preds)
{
    const struct dist_comm *c = d->c;
    int failed = 0;
    uint32_t count = store_count(d->st);
    *first = calloc((size_t)count + 1, sizeof **first);
    *preds = malloc((d->edges.n / 2 ? d->edges.n / 2 : 1) * sizeof **preds);
    *out = calloc(count ? count : 1, sizeof **out);
    if (!*first || !*preds || !*out) failed = -1;
    for (uint32_t id = 0; !failed && id < count; id++)
        (*first)[id + 1] = (*first)[id] + d->indeg[id];
    for (size_t i = 0; i + 1 < d->edges.n; i += 2) {
        uint64_t src = d->edges.v[i];
        uint64_t w = (uint32_t)src;
        if (!vec64_push(&d->out[src >> 32], &w, 1)) failed = -1;
        if (!failed) (*preds)[(*first)[d->edges.v[i + 1]]++] = src;
    }
    free(d->edges.v);
    d->edges = (struct vec64){0};
    /* Each first[id] now points past its run: shift back. */
    for (uint32_t id = count; !failed && id > 0; id--) (*first)[id] = (*first)[id - 1];
    if (!failed) (*first)[0] = 0;
    for (int k = 0; k < c->size; k++) {
        send[k] = d->out[k].v;
        nsend[k] = d->out[k].n;
    }
    uint64_t *recv = NULL;
    size_t nrecv = 0;
    if (c->exchange(c->self, send, nsend, &recv, &nrecv) < 0) failed = -1;
    for (int k = 0; k < c->size; k++) d->out[k].n = 0;
    for (size_t i = 0; !failed && i < nrecv; i++) (*out)[recv[i]]++;
    free(recv);
    return failed;
}

/* CHK_FAILS when some state diverges (*divergent: the first of this rank's, by number — so
 * of its shallowest level — or STORE_NONE), CHK_HOLDS when none does, CHK_LIMIT (with
 * *limit) when a limit or the memory stops it — on every rank alike. */
static enum chk_verdict tau_cycle_across(struct dsearch *d, uint64_t **send, size_t *nsend,
                                         const char **limit, uint32_t *divergent)
{
    const struct dist_comm *c = d->c;
    size_t *first = NULL;
    uint64_t *preds = NULL;
    uint32_t count = store_count(d->st), *out = NULL, *stack = NULL;
    bool full = tau_degrees(d, send, nsend, &out, &first, &preds) < 0;
    size_t left = 0, top = 0;
    *divergent = STORE_NONE;
    if (!full) {
        stack = malloc(((size_t)count ? count : 1) * sizeof *stack);
        full = !stack;
    }
    for (uint32_t id = 0; !full && id < count; id++) {
        left += out[id] > 0;
        if (out[id] == 0 && first[id + 1] > first[id]) stack[top++] = id;
    }
    enum chk_verdict v = CHK_HOLDS;
    for (;;) {
        /* Peel what can be peeled here, telling the other ranks of their sources. */
        size_t peeled = 0;
        while (!full && top > 0) {
            uint32_t x = stack[--top];
            for (size_t e = first[x]; e < first[x + 1]; e++) {
                uint32_t rank = (uint32_t)(preds[e] >> 32), id = (uint32_t)preds[e];
                if (rank != (uint32_t)c->rank) {
                    uint64_t w = id;
                    full |= !vec64_push(&d->out[rank], &w, 1);
                } else if (--out[id] == 0) {
                    left--;
                    if (first[id + 1] > first[id]) stack[top++] = id;
                }
            }
            if ((++peeled & 4095) == 0 && !*limit) *limit = chk_over_limit(d->lim, 0, d->start);
            if (*limit) break;
        }
        uint64_t words = 0;
        for (int k = 0; k < c->size; k++) {
            send[k] = d->out[k].v;
            nsend[k] = d->out[k].n;
            words += d->out[k].n;
        }
        uint64_t *recv = NULL;
        size_t nrecv = 0;
        if (c->exchange(c->self, send, nsend, &recv, &nrecv) < 0) full = true;
        for (int k = 0; k < c->size; k++) d->out[k].n = 0;
        for (size_t i = 0; !full && i < nrecv; i++) {
            uint32_t id = (uint32_t)recv[i];
            if (--out[id] == 0) {
                left--;
                if (first[id + 1] > first[id]) stack[top++] = id;
            }
        }
        free(recv);
        if (!*limit) *limit = chk_over_limit(d->lim, 0, d->start);
        if (full && !*limit) *limit = "memory";
        uint64_t sums[2] = {words + top, left}, maxs[1] = {limit_code(*limit)};
        if (c->sum(c->self, sums, 2) < 0 || c->max(c->self, maxs, 1) < 0) {
            v = CHK_ERROR;
            break;
        }
        if (maxs[0]) {
            v = CHK_LIMIT;
            *limit = limit_names[maxs[0] < 5 ? maxs[0] : 3];
            break;
        }
        if (sums[0] == 0) {
            v = sums[1] ? CHK_FAILS : CHK_HOLDS;
            break;
        }
    }
    for (uint32_t id = 0; v == CHK_FAILS && id < count; id++)
        if (out[id] > 0) {
            *divergent = id;
            break;
        }
    free(first);
    free(preds);
    free(out);
    free(stack);
    return v;
}

/* The breadth-first level of local state id (d->levels holds each level's first number). */
static uint32_t level_of(const struct dsearch *d, uint32_t id)
{
    size_t lo = 0, hi = d->levels.n;  /* the last level whose first number is <= id */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->levels.v[mid] <= id) lo = mid;
        else hi = mid;
    }
    return (uint32_t)lo;
}

/* A divergence found by tau_cycle_across: the shallowest divergent state of all ranks (the
 * lowest rank's among equals) and the way to it, into r on every rank.  Its trace is as short
 * as the one-process check's, which reports the first divergent state of its breadth-first
 * order.  0, or -1 (the transport failed, or the walk back did). */
static int divergence_counterexample(struct dsearch *d, uint32_t divergent, struct chk_result *r)
{
    const struct dist_comm *c = d->c;
    uint64_t key[1] = {0};
    if (divergent != STORE_NONE)
        key[0] = (uint64_t)(UINT32_MAX - level_of(d, divergent)) << 32 |
                 (uint32_t)(c->size - c->rank);
    /* (0 everywhere — no rank left a divergent state — cannot follow a failing peel) */
    if (c->max(c->self, key, 1) < 0 || key[0] == 0) return -1;
    int bad_rank = c->size - (int)(uint32_t)key[0];
    uint32_t level = UINT32_MAX - (uint32_t)(key[0] >> 32);
    r->kind = CHK_DIVERGENCE;
    return counterexample(d, bad_rank, divergent, level, r);
}

/* The search itself, from `initial`, into r. */
static void search(const struct dist_comm *c, struct dspace *sp, const uint64_t *initial,
                   const struct chk_limits *lim, struct chk_result *r)
{
    struct dsearch d = {.c = c, .sp = sp, .lim = lim, .start = chk_now()};
    memset(r, 0, sizeof *r);
    d.st = store_new(sp->words, lim ? lim->memory : 0, sp->taus);
    d.out = calloc((size_t)c->size, sizeof *d.out);
    size_t *nsend = calloc((size_t)c->size, sizeof *nsend);
    uint64_t **send = calloc((size_t)c->size, sizeof *send);
    uint64_t *vec = malloc(sp->words * sizeof *vec);
    d.batch = malloc(256 * sp->words * sizeof *d.batch);
    if (sp->words <= SENT_WORDS) {  /* without it (out of memory) every successor is sent */
        d.sent = malloc(((size_t)sp->words << SENT_BITS) * sizeof *d.sent);
        d.sent_used = calloc((size_t)1 << SENT_BITS >> 6, sizeof *d.sent_used);
        if (!d.sent || !d.sent_used) {
            free(d.sent);
            d.sent = NULL;
        }
    }
    if (sp->taus) d.ids = malloc(256 * sizeof *d.ids);
    bool full = !d.st || !d.out || !nsend || !send || !vec || !d.batch || (sp->taus && !d.ids);
    if (!full && owner_of(vec_hash(initial, sp->words), c->size) == (uint32_t)c->rank &&
        (store_insert(d.st, initial, STORE_ROOT) < 0 || parent_ranks(&d, 0, 0) < 0))
        full = true;
    uint64_t zero = 0;
    if (!vec64_push(&d.levels, &zero, 1)) full = true;
    uint64_t transitions = 0, level_end = d.st ? store_count(d.st) : 0;
    /* The global count as the last round summed it, and this rank's part of it then: a
     * limit on states compares the sum plus what this rank has added since. */
    uint64_t states = 1, mine = level_end;
    uint32_t depth = 0, bad = STORE_NONE;
    const char *limit = NULL;
    for (;;) {
        /* Expand up to a round's worth of this level's frontier. */
        uint32_t expanded = 0;
        while (!full && !limit && bad == STORE_NONE && d.current < level_end &&
               expanded < ROUND_STATES && d.outwords < ROUND_WORDS) {
            if ((expanded & 1023) == 0 &&
                (limit = chk_over_limit(lim, states + store_count(d.st) - mine, d.start)))
                break;
            if (d.current + 8 < level_end) store_prefetch(d.st, d.current + 8);
            store_copy(d.st, d.current, vec);
            bool is_bad = sp->expand(sp->data, vec, emit_out, &d, &transitions);
            if (d.nomem || sp->error) full = true;
            if (is_bad && bad == STORE_NONE) bad = d.current;
            d.current++;
            expanded++;
        }
        /* Send each successor to its owner, who keeps the new ones. */
        for (int i = 0; i < c->size; i++) {
            send[i] = d.out[i].v;
            nsend[i] = d.out[i].n;
        }
        uint64_t *recv = NULL;
        size_t nrecv = 0;
        if (c->exchange(c->self, send, nsend, &recv, &nrecv) < 0) full = true;
        for (int i = 0; i < c->size; i++) d.out[i].n = 0;
        d.outwords = 0;
        if (!full && keep(&d, recv, nrecv / (sp->words + 1)) < 0) full = true;
        free(recv);
        if (!limit && !full)
            limit = chk_over_limit(lim, states + store_count(d.st) - mine, d.start);
        if (full && !limit) limit = "memory";
        uint64_t sums[4] = {level_end - d.current, d.st ? store_count(d.st) - level_end : 0,
                            d.st ? store_count(d.st) : 0, transitions};
        uint64_t maxs[2] = {bad != STORE_NONE ? (uint64_t)(c->size - c->rank) : 0,
                            limit_code(limit)};
        if (c->sum(c->self, sums, 4) < 0 || c->max(c->self, maxs, 2) < 0) {
            r->verdict = CHK_ERROR;
            break;
        }
        states = sums[2];
        mine = d.st ? store_count(d.st) : 0;
        r->states = states;
        r->transitions = sums[3];
        if (c->rank == 0) chk_progress(states, sums[3], depth, d.start);
        if (maxs[1]) {
            r->verdict = CHK_LIMIT;
            r->limit = limit_names[maxs[1] < 5 ? maxs[1] : 3];
            break;
        }
        if (maxs[0] && sp->replay) {
            r->verdict = CHK_FAILS;  /* the one-process check finds the counterexample */
            break;
        }
        if (maxs[0]) {
            int bad_rank = c->size - (int)maxs[0];
            bool ok = counterexample(&d, bad_rank, bad, depth, r) == 0;
            ok = share_reason(&d, bad_rank, r) == 0 && ok;
            r->verdict = ok ? CHK_FAILS : CHK_ERROR;
            break;
        }
        if (sums[0]) continue;  /* the level goes on */
        if (!sums[1]) {
            uint32_t divergent = STORE_NONE;
            r->verdict = sp->taus ? tau_cycle_across(&d, send, nsend, &limit, &divergent)
                                  : CHK_HOLDS;
            if (r->verdict == CHK_LIMIT) r->limit = limit;
            if (r->verdict == CHK_FAILS && sp->walk_divergence &&
                divergence_counterexample(&d, divergent, r) < 0)
                r->verdict = CHK_ERROR;
            break;
        }
        uint64_t next_level = level_end;  /* the next level's first number */
        if (!vec64_push(&d.levels, &next_level, 1)) full = true;
        level_end = store_count(d.st);
        depth++;
    }
    r->seconds = chk_now() - d.start;
    for (int i = 0; d.out && i < c->size; i++) free(d.out[i].v);
    free(d.out);
    free(send);
    free(nsend);
    free(vec);
    free(d.prank);
    free(d.batch);
    free(d.sent);
    free(d.sent_used);
    free(d.indeg);
    free(d.ids);
    free(d.edges.v);
    free(d.levels.v);
    store_free(d.st);
}

/* The limit to report when another rank skipped this assertion: it stopped while compiling,
 * at a limit it cannot tell us; the likeliest is the one the ranks do not share — an
 * interrupt, else the deadline when there is one, else each rank's memory. */
static void skipped(const struct chk_limits *lim, struct chk_result *r)
{
    r->verdict = CHK_LIMIT;
    r->limit = chk_interrupted() ? "interrupt" : lim && lim->seconds > 0 ? "time" : "memory";
}

/* Every search's start: the ranks agree (agree); then r is cleared, or made a skipped
 * assertion's limit.  DIST_DONE when the search may go on. */
static enum dist_outcome begin(const struct dist_comm *c, uint64_t key, uint64_t print, bool ok,
                               const struct chk_limits *lim, struct chk_result *r)
{
    int go = agree(c, key, print, ok);
    if (go == 0) return DIST_ALONE;
    memset(r, 0, sizeof *r);
    if (go < 0) {
        skipped(lim, r);
        return DIST_SKIPPED;
    }
    return DIST_DONE;
}

/* ---- deadlock freedom ---- */

struct count_emit {
    mach_emit *emit;
    void *ctx;
    uint64_t n;
};

static void counted(void *ctx, uint32_t event, const uint64_t *target)
{
    struct count_emit *ce = ctx;
    ce->n++;
    ce->emit(ce->ctx, event, target);
}

static bool machine_expand(void *data, const uint64_t *vec, mach_emit *emit, void *ctx,
                           uint64_t *transitions)
{
    struct count_emit ce = {emit, ctx, 0};
    mach_successors(data, vec, counted, &ce);
    *transitions += ce.n;
    return ce.n == 0;
}

/* The same, for a check where being stuck is no failure (divergence freedom). */
static bool machine_expand_live(void *data, const uint64_t *vec, mach_emit *emit, void *ctx,
                                uint64_t *transitions)
{
    machine_expand(data, vec, emit, ctx, transitions);
    return false;
}

static void machine_successors(void *data, const uint64_t *vec, mach_emit *emit, void *ctx)
{
    mach_successors(data, vec, emit, ctx);
}

/* A failure found with divergence asked for: the one-process check gives the counterexample
 * (r as an ALONE outcome leaves it). */
static enum dist_outcome replay_alone(struct chk_result *r)
{
    memset(r, 0, sizeof *r);
    return DIST_ALONE;
}

/* Deadlock freedom (stuck_is_bad), divergence freedom (divergence), or both. */
static enum dist_outcome machine_check(const struct dist_comm *c, uint64_t key,
                                       const struct machine *m, const struct chk_limits *lim,
                                       bool stuck_is_bad, bool divergence, struct chk_result *r)
{
    enum dist_outcome o = begin(c, key, fingerprint(m, 0xCBF29CE484222325ull), true, lim, r);
    if (o != DIST_DONE) return o;
    uint32_t words = mach_words(m);
    uint64_t *init = malloc(words * sizeof *init);
    if (!init) c->abort(c->self, 2);
    mach_initial(m, init);
    bool taus = divergence && mach_has_tau(m);
    /* A tau cycle in a space with no deadlock: its counterexample is walked across the ranks
     * (search).  A deadlock met with divergence asked for may have a nearer divergence, which
     * the search, stopping at the deadlock's level, has not looked for: the one-process check
     * finds both. */
    struct dspace sp = {words, stuck_is_bad ? machine_expand : machine_expand_live,
                        machine_successors, (void *)m, CHK_DEADLOCK, 0, NULL, 0, false, taus,
                        taus, true};
    search(c, &sp, init, lim, r);
    free(init);
    if (sp.replay && r->verdict == CHK_FAILS && r->kind != CHK_DIVERGENCE) return replay_alone(r);
    return DIST_DONE;
}

enum dist_outcome dist_deadlock(const struct dist_comm *c, uint64_t key, const struct machine *m,
                                const struct chk_limits *lim, bool divergence,
                                struct chk_result *r)
{
    return machine_check(c, key, m, lim, true, divergence, r);
}

enum dist_outcome dist_divergence(const struct dist_comm *c, uint64_t key,
                                  const struct machine *m, const struct chk_limits *lim,
                                  struct chk_result *r)
{
    return machine_check(c, key, m, lim, false, true, r);
}

/* ---- refinement over (normal node, implementation state) pairs ---- */

struct product {
    struct normal *norm;
    const struct machine *impl;
    enum chk_model model;
    uint32_t words;               /* of a pair: 1 + the implementation's */
    struct dspace *sp;            /* where the first bad pair's reason goes */
};

struct pair_expansion {
    struct product *p;
    uint32_t node;
    mach_emit *emit;
    void *ctx;
    uint64_t *buf;                /* one pair */
    uint64_t transitions;
    bool stable;
    uint32_t bad_event;           /* an event the specification cannot do here, or NORM_NONE */
    uint32_t *offered;            /* visible events and ✓ offered */
    size_t noffered, cap;
    bool all;                     /* emit every transition (for counterexamples) */
};

static void pair_visit(void *ctx, uint32_t event, const uint64_t *target)
{
    struct pair_expansion *x = ctx;
    struct product *p = x->p;
    x->transitions++;
    uint32_t node = x->node;
    if (event == EV_TAU) {
        x->stable = false;
    } else {
        if (x->noffered == x->cap) {
            size_t cap = x->cap ? 2 * x->cap : 16;
            uint32_t *v = realloc(x->offered, cap * sizeof *v);
            if (!v) {
                p->sp->error = true;
                return;
            }
            x->offered = v;
            x->cap = cap;
        }
        x->offered[x->noffered++] = event;
        node = norm_after(p->norm, x->node, event);
        if (node == NORM_ERROR) {
            p->sp->error = true;
            return;
        }
        if (node == NORM_NONE) {
            if (x->bad_event == NORM_NONE) x->bad_event = event;
            return;
        }
        if (event == EV_TICK && !x->all) return;  /* ✓ ends the run */
    }
    x->buf[0] = node;
    memcpy(x->buf + 1, target, (p->words - 1) * sizeof *target);
    x->emit(x->ctx, event, x->buf);
}

static bool pair_expand(void *data, const uint64_t *vec, mach_emit *emit, void *ctx,
                        uint64_t *transitions)
{
    struct product *p = data;
    struct dspace *sp = p->sp;
    uint32_t node = (uint32_t)vec[0];
    /* FD: after the specification diverges, anything goes. */
    if (p->model == CHK_MODEL_FD && norm_divergent(p->norm, node)) return false;
    uint64_t buf[64], *b = p->words <= 64 ? buf : malloc(p->words * sizeof *b);
    if (!b) {
        sp->error = true;
        return false;
    }
    struct pair_expansion x = {p, node, emit, ctx, b, 0, true, NORM_NONE, NULL, 0, 0, false};
    mach_successors(p->impl, vec + 1, pair_visit, &x);
    *transitions += x.transitions;
    bool bad = false, first = sp->kind == CHK_NONE;
    if (x.bad_event != NORM_NONE) {
        bad = true;
        if (first) {
            sp->kind = CHK_TRACE;
            sp->event = x.bad_event;
        }
    } else if (x.stable && p->model != CHK_MODEL_T) {
        size_t k = sorted_unique(x.offered, x.noffered);
        if (k && x.offered[0] == EV_TICK) k = 1;  /* offering ✓: may refuse the rest */
        if (!norm_accepts(p->norm, node, x.offered, k)) {
            bad = true;
            size_t nm;
            const uint32_t *m = norm_missing(p->norm, node, x.offered, k, &nm);
            if (first && m) {
                sp->kind = CHK_REFUSAL;
                sp->refusal = malloc((nm ? nm : 1) * sizeof *sp->refusal);
                if (sp->refusal) memcpy(sp->refusal, m, nm * sizeof *m);
                else sp->error = true;
                sp->nrefusal = nm;
            } else if (!m) {
                sp->error = true;
            }
        }
    }
    free(x.offered);
    if (b != buf) free(b);
    return bad;
}

static void pair_successors(void *data, const uint64_t *vec, mach_emit *emit, void *ctx)
{
    struct product *p = data;
    uint64_t buf[64], *b = p->words <= 64 ? buf : malloc(p->words * sizeof *b);
    if (!b) return;
    struct pair_expansion x = {p, (uint32_t)vec[0], emit, ctx, b, 0, true, NORM_NONE, NULL, 0,
                               0, true};
    mach_successors(p->impl, vec + 1, pair_visit, &x);
    free(x.offered);
    if (b != buf) free(b);
}

enum { DIST_MAX_NODES = 1 << 20 };

/* R, RD, V and VD: the pairs of refine.c (chk_pairs), whose failures — a refusal trace, a
 * revival — the one-process check finds and names. */
static bool finer_expand(void *data, const uint64_t *vec, mach_emit *emit, void *ctx,
                         uint64_t *transitions)
{
    struct count_emit ce = {emit, ctx, 0};
    bool bad = chk_pairs_expand(data, vec, counted, &ce);
    *transitions += ce.n;
    return bad;
}

static void finer_successors(void *data, const uint64_t *vec, mach_emit *emit, void *ctx)
{
    chk_pairs_expand(data, vec, emit, ctx);
}

static enum dist_outcome finer_refines(const struct dist_comm *c, uint64_t key,
                                       const struct machine *spec, const struct machine *impl,
                                       enum chk_model model, const struct chk_limits *lim,
                                       struct chk_result *r)
{
    struct chk_pairs *pairs = chk_pairs_new(spec, impl, model, lim, DIST_MAX_NODES);
    uint64_t print = fingerprint(impl, fingerprint(spec, 0xCBF29CE484222325ull));
    enum dist_outcome o = begin(c, key, print, pairs != NULL, lim, r);
    if (o != DIST_DONE) {
        chk_pairs_free(pairs);
        return o;
    }
    bool taus = chk_model_divergence(model) && mach_has_tau(impl);
    struct dspace sp = {1 + mach_words(impl), finer_expand, finer_successors, pairs, CHK_NONE, 0,
                        NULL, 0, false, true, taus, false};
    uint64_t *init = malloc(sp.words * sizeof *init);
    if (!init) c->abort(c->self, 2);
    init[0] = chk_pairs_root(pairs);
    mach_initial(impl, init + 1);
    search(c, &sp, init, lim, r);
    free(init);
    chk_pairs_free(pairs);
    if (r->verdict == CHK_FAILS) return replay_alone(r);
    return DIST_DONE;
}

enum dist_outcome dist_refines(const struct dist_comm *c, uint64_t key, const struct machine *spec,
                               const struct machine *impl, enum chk_model model,
                               const struct chk_limits *lim, struct chk_result *r)
{
    /* T, F and FD here, with a failure's reason found where it is met; R and V see more than
     * a pair's last refusal: refine.c's pairs.  Built the same way on every rank, the normal
     * form numbers its nodes the same way.  In FD a tau cycle among the pairs is a
     * divergence: taus leave the node as it is, and a pair under a divergent node is not
     * expanded, so such a cycle is the implementation's under a node that cannot diverge. */
    if (model != CHK_MODEL_T && model != CHK_MODEL_F && model != CHK_MODEL_FD)
        return finer_refines(c, key, spec, impl, model, lim, r);
    struct normal *norm = norm_new(spec, lim);
    bool ok = norm && norm_root(norm) != NORM_ERROR && norm_complete(norm, DIST_MAX_NODES);
    uint64_t print = fingerprint(impl, fingerprint(spec, 0xCBF29CE484222325ull));
    enum dist_outcome o = begin(c, key, print, ok, lim, r);
    if (o != DIST_DONE) {
        norm_free(norm);
        return o;
    }
    bool taus = model == CHK_MODEL_FD && mach_has_tau(impl);
    struct dspace sp = {1 + mach_words(impl), pair_expand, pair_successors, NULL, CHK_NONE, 0,
                        NULL, 0, false, taus, taus, false};
    struct product p = {norm, impl, model, sp.words, &sp};
    sp.data = &p;
    uint64_t *init = malloc(sp.words * sizeof *init);
    if (!init) c->abort(c->self, 2);
    init[0] = norm_root(norm);
    mach_initial(impl, init + 1);
    search(c, &sp, init, lim, r);
    if (r->verdict == CHK_FAILS) r->offset = 1;
    if (r->verdict != CHK_FAILS) r->kind = CHK_NONE;
    free(init);
    free(sp.refusal);
    norm_free(norm);
    if (sp.replay && r->verdict == CHK_FAILS) return replay_alone(r);
    return DIST_DONE;
}
