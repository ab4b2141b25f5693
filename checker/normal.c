/* normal.c — lazy normalisation: tau-closed sets of specification states, interned as
 * nodes, with their deterministic successors, acceptances and divergence (see normal.h). */
#include "checker/normal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "checker/bigmem.h"
#include "checker/numbering.h"
#include "checker/parallel.h"
#include "checker/prefetch.h"
#include "checker/sorted.h"
#include "checker/store.h"
#include "checker/threads.h"
#include "checker/vec32.h"
#include "checker/vec64.h"

struct node {
    uint32_t members, nmembers;   /* in normal.pool: sorted spec state ids */
    uint32_t hash;
    bool expanded, divergent;
    uint32_t succ, nsucc;         /* in normal.pool: (event, node) pairs, by event */
    uint32_t acc, nacc;           /* in normal.pool: nacc sets, each a count then events */
};

/* What expanding a node works in — one per thread that makes nodes: marks of the spec states
 * in the closure being made (the generation it was last marked in); the closure itself; the
 * node's visible transitions as event << 32 | target (and room to sort them); its candidate
 * acceptances, successors and one event's targets.  `oom` when something could not grow. */
struct work {
    uint32_t *mark;
    size_t mark_cap;
    uint32_t generation;
    struct vec32 closure;
    uint64_t *keys, *keys_tmp;
    size_t nkeys, keys_cap, keys_tmp_cap;
    struct vec32 accs, succ, minimal, targets;
    struct vec32 offered;         /* refusal_entries: what a stable implementation offers … */
    uint64_t *sets, *sets_seen;   /* … the sets of groups it can leave, and a hash set of them */
    size_t nsets;
    struct vec32 path;            /* the divergence search's: (state, next transition) pairs */
    uint64_t *grey;               /* … and its states, a bit each */
    size_t grey_cap;              /* (bits) */
    bool oom;
};

static void work_free(struct work *wk)
{
    free(wk->mark);
    free(wk->closure.v);
    free(wk->keys);
    free(wk->keys_tmp);
    free(wk->accs.v);
    free(wk->succ.v);
    free(wk->minimal.v);
    free(wk->targets.v);
    free(wk->offered.v);
    free(wk->sets);
    free(wk->sets_seen);
    free(wk->path.v);
    free(wk->grey);
    *wk = (struct work){0};
}

struct normal {
    struct norm_spec spec;
    bool spec_failed;             /* spec.successors failed */
    struct chk_limits lim;
    double start;
    const char *limit;            /* the limit that stopped it */
    uint32_t polls;               /* steps towards the next poll */
    struct store *states;         /* the specification states seen, numbered */
    struct vec32 tfirst;          /* per spec state: offset of its transitions in trans, or ~0 */
    struct vec32 tcount;
    struct vec32 trans;           /* (event, target) pairs */
    struct node *nodes;
    uint32_t nnodes, nodes_cap;
    uint64_t *index;              /* open addressing over nodes: hash << 32 | node + 1, 0
                                     empty (the hash beside the node, so a probe that meets
                                     another node's hash reads no node) */
    size_t index_cap;
    struct vec32 pool;            /* members, successors and acceptances of all nodes */
    struct vec32 scratch, scratch2;
    struct vec64 succ_vecs;       /* spec_trans: a state's successors, before numbering */
    struct vec32 succ_ids;        /* … and their numbers */
    struct work w;                /* expand's, on one thread */
    uint8_t *div;                 /* per spec state: DIV_*, its divergence as far as found */
    size_t div_cap;
    uint32_t shed_states;         /* after norm_shed: how many spec states there were */
    /* After norm_number_spec: every spec state was numbered, and its transitions made, by a
     * parallel search; `states` is then unused and the initial vector (number 0) is the only
     * one spec_state knows. */
    uint32_t numbered;
    uint32_t pack;                /* how the records were packed (par_space.pack) */
    uint64_t *initial;
    uint64_t *vec;                /* one spec vector */
    bool failed;
    /* Once complete (norm_complete): the successor of every node on every event below
     * `width`, dense[node * width + event], when that fits in DENSE_MAX entries. */
    uint32_t *dense;
    uint32_t width;
    /* Refusal testing and revivals (made only when those models ask): per node, its stable
     * members grouped by their initial events, in rpool; and the nodes reached after a
     * refusal, cached by (node, offered set). */
    uint32_t *groups;             /* per node: offset in rpool + 1, 0 not yet made */
    uint32_t groups_cap;
    struct vec32 rpool;
    struct refusal_step *steps;   /* open addressing: the cache of norm_after_refusal */
    size_t nsteps, steps_cap;
    /* After norm_complete_refusals: every node's steps after a refusal, worked out for every
     * set of its stable groups an implementation could leave (norm_refusal_after).  Node k's
     * are the entries at rtab + roff[rfirst[k] .. rfirst[k + 1]), by event; an entry is the
     * event a, the number c of groups offering it, their offsets in rpool, the number of sets
     * of those groups an implementation can leave, then per set, by increasing c-bit mask,
     * the mask's low and high words and the node after a from the set's members. */
    struct vec32 rfirst, roff, rtab;
};

struct refusal_step {
    uint32_t node, offered, noffered;  /* offered: in rpool */
    uint32_t hash;                /* 0: an empty slot */
    uint32_t to;                  /* in rpool: per offered event the node after, or NORM_NONE */
};

#define DENSE_MAX ((size_t)1 << 22)

static void machine_initial(void *data, uint64_t *vec)
{
    mach_initial(data, vec);
}

static int machine_successors(void *data, const uint64_t *vec, mach_emit *emit, void *ctx)
{
    mach_successors(data, vec, emit, ctx);
    return 0;
}

struct normal *norm_new(const struct machine *spec, const struct chk_limits *lim)
{
    struct norm_spec sp = {mach_words(spec), machine_initial, machine_successors, (void *)spec};
    return norm_new_spec(&sp, lim);
}

struct normal *norm_new_spec(const struct norm_spec *sp, const struct chk_limits *lim)
{
    struct normal *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->spec = *sp;
    if (lim) n->lim = *lim;
    n->start = chk_now();
    n->states = store_new(sp->words, 0, true);
    n->vec = malloc(sp->words * sizeof *n->vec);
    n->index_cap = 256;
    n->index = calloc(n->index_cap, sizeof *n->index);
    if (!n->states || !n->vec || !n->index) {
        norm_free(n);
        return NULL;
    }
    return n;
}

void norm_free(struct normal *n)
{
    if (!n) return;
    norm_shed(n);  /* what only building needed; then what the complete form keeps */
    free(n->nodes);
    free(n->pool.v);
    free(n->scratch.v);
    free(n->vec);
    free(n->initial);
    free(n->dense);
    free(n->groups);
    free(n->rpool.v);
    free(n->steps);
    free(n->rfirst.v);
    free(n->roff.v);
    free(n->rtab.v);
    free(n);
}

bool norm_error(const struct normal *n)
{
    return n->spec_failed;
}

const char *norm_limit(const struct normal *n)
{
    return n->limit;
}

/* A step of normalisation: every 1024th asks whether a limit has passed.  False (and the
 * normal form fails) when one has. */
static bool poll(struct normal *n)
{
    if ((++n->polls & 1023) != 0) return true;
    n->limit = chk_over_limit(&n->lim, 0, n->start);
    if (n->limit) n->failed = true;
    return !n->limit;
}

/* Work shared out among threads in chunks (par_each): each thread takes the next chunk as it
 * finishes one, and thread 0 polls the deadline and the memory budget after each of its
 * own.  For the phases that read what is built so far and write only parts of their own. */
struct chunks {
    struct normal *n;
    size_t threads;
    uint32_t count;               /* chunks */
    bool (*fn)(void *ctx, size_t t, uint32_t chunk);  /* false: out of memory */
    void *ctx;
    atomic_uint next;
    atomic_bool stop;             /* a failure or a limit */
    _Atomic(const char *) limit;
};

static void run_chunks(void *arg, size_t t)
{
    struct chunks *c = arg;
    while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
        const char *why = t == 0 ? chk_over_limit(&c->n->lim, 0, c->n->start) : NULL;
        if (why) {
            atomic_store(&c->limit, why);
            atomic_store(&c->stop, true);
            return;
        }
        uint32_t chunk = atomic_fetch_add(&c->next, 1);
        if (chunk >= c->count) return;
        if (!c->fn(c->ctx, t, chunk)) {
            atomic_store(&c->stop, true);
            return;
        }
    }
}

/* fn(ctx, thread, chunk) for every chunk below count, on c->threads threads; false (and the
 * normal form fails) when one ran out of memory or a limit passed. */
static bool each_chunk(struct chunks *c, uint32_t count,
                       bool (*fn)(void *ctx, size_t t, uint32_t chunk), void *ctx)
{
    c->count = count;
    c->fn = fn;
    c->ctx = ctx;
    atomic_store(&c->next, 0);
    atomic_store(&c->stop, false);
    atomic_store(&c->limit, NULL);
    par_each(c->threads, run_chunks, c);
    if (!atomic_load(&c->stop)) return true;
    if (atomic_load(&c->limit)) c->n->limit = atomic_load(&c->limit);
    c->n->failed = true;
    return false;
}

/* The threads a normal form's phases may use: every one asked for once the specification's
 * states are numbered (spec_trans only reads then), else one. */
static size_t phase_threads(const struct normal *n)
{
    return n->numbered && n->lim.threads > 1 ? (size_t)n->lim.threads : 1;
}

uint32_t norm_nodes(const struct normal *n)
{
    return n->nnodes;
}

uint32_t norm_spec_states(const struct normal *n)
{
    return n->numbered ? n->numbered : n->states ? store_count(n->states) : n->shed_states;
}

void norm_shed(struct normal *n)
{
    if (n->states) n->shed_states = store_count(n->states);
    store_free(n->states);
    n->states = NULL;
    struct vec32 *v[] = {&n->tfirst, &n->tcount, &n->trans, &n->scratch2, &n->succ_ids};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        free(v[i]->v);
        *v[i] = (struct vec32){0};
    }
    free(n->succ_vecs.v);
    n->succ_vecs = (struct vec64){0};
    work_free(&n->w);
    free(n->div);
    n->div = NULL;
    n->div_cap = 0;
    free(n->index);
    n->index = NULL;
    n->index_cap = 0;
}

/* ---- specification states and their transitions ---- */

/* The number of spec vector vec, adding it if new; NORM_ERROR past the limit. */
static uint32_t spec_state(struct normal *n, const uint64_t *vec)
{
    if (n->numbered) {
        if (memcmp(vec, n->initial, n->spec.words * sizeof *vec) == 0) return 0;
        n->failed = true;  /* (only the one-core search asks of other vectors, not of this) */
        return NORM_ERROR;
    }
    if (!n->states) {
        n->failed = true;
        return NORM_ERROR;
    }
    bool added;
    uint32_t id = store_intern(n->states, vec, STORE_ROOT, &added);
    if (id == STORE_NONE || (n->lim.max_states && store_count(n->states) > n->lim.max_states)) {
        if (id != STORE_NONE) n->limit = "states";
        n->failed = true;
        return NORM_ERROR;
    }
    if (added && !poll(n)) return NORM_ERROR;
    if (added && (!vec32_push(&n->tfirst, UINT32_MAX) || !vec32_push(&n->tcount, 0))) {
        n->failed = true;
        return NORM_ERROR;
    }
    return id;
}

/* Gathers a successor: its event in scratch2, its vector in succ_vecs. */
static void collect(void *ctx, uint32_t event, const uint64_t *target)
{
    struct normal *n = ctx;
    if (!vec32_push(&n->scratch2, event) || !vec64_push(&n->succ_vecs, target, n->spec.words))
        n->failed = true;
}

/* Numbers the successors gathered (a batch, so that their lookups' cache misses overlap) and
 * makes scratch2 their (event, target) pairs.  False when the store is full or past a limit. */
static bool number_successors(struct normal *n)
{
    size_t k = n->scratch2.n;
    n->succ_ids.n = 0;
    if (!vec32_room(&n->succ_ids, k)) return false;
    int added = store_intern_batch(n->states, n->succ_vecs.v, k, STORE_ROOT, n->succ_ids.v);
    if (added < 0) return false;
    if (n->lim.max_states && store_count(n->states) > n->lim.max_states) {
        n->limit = "states";
        return false;
    }
    for (int i = 0; i < added; i++)
        if (!poll(n) || !vec32_push(&n->tfirst, UINT32_MAX) || !vec32_push(&n->tcount, 0))
            return false;
    if (!vec32_room(&n->scratch2, k)) return false;
    /* In place, from the end: event i moves to 2i, its target beside it. */
    for (size_t i = k; i-- > 0;) {
        n->scratch2.v[2 * i] = n->scratch2.v[i];
        n->scratch2.v[2 * i + 1] = n->succ_ids.v[i];
    }
    n->scratch2.n = 2 * k;
    return true;
}

/* ---- every spec state at once, on several threads ---- */

static bool spec_expand(void *data, const uint64_t *vec, mach_emit *emit, void *ctx)
{
    const struct normal *n = data;
    mach_successors(n->spec.data, vec, emit, ctx);
    return false;
}

/* The parallel search's records become the spec's numbered states and transitions. */
static bool take_records(void *data, struct tau_part *parts, size_t nparts, uint64_t root)
{
    struct normal *n = data;
    struct numbered num;
    if (!numbering_make(parts, nparts, root, n->pack, &n->lim, &num)) return false;
    n->tfirst = (struct vec32){num.first, num.states, num.states};
    n->tcount = (struct vec32){num.count, num.states, num.states};
    n->trans = (struct vec32){num.pairs, 2 * num.npairs, num.npairs ? 2 * num.npairs : 1};
    n->numbered = (uint32_t)num.states;
    return true;
}

bool norm_number_spec(struct normal *n, int threads)
{
    /* A compiled machine's successors are safe on several threads; an evaluator's are not. */
    if (threads < 1 || n->spec.successors != machine_successors || store_count(n->states) ||
        n->numbered || n->failed)
        return false;
    const struct machine *m = n->spec.data;
    uint32_t words = n->spec.words;
    if (!(n->initial = malloc(words * sizeof *n->initial))) return false;
    mach_initial(m, n->initial);
    uint32_t bits = words == 1 && mach_bits(m) ? mach_bits(m) : 0;
    /* An event beside each target's hash when both fit a word: 8 bytes a transition, not 16. */
    if (bits && bits < 64 && (uint64_t)mach_max_event(m) >> (64 - bits) == 0) n->pack = bits;
    struct par_space ps = {words, n->initial, spec_expand, n, false, bits, false, take_records,
                           n->pack};
    struct chk_result r;
    if (!chk_parallel_search(&ps, &n->lim, threads, &r)) return false;
    if (r.verdict == CHK_LIMIT) {  /* (a failure of take_records is a memory limit too) */
        n->limit = r.limit;
        n->failed = true;
    }
    chk_result_free(&r);
    return true;
}

/* The transitions of spec state s as (event, target) pairs: *count pairs at the result. */
static const uint32_t *spec_trans(struct normal *n, uint32_t s, uint32_t *count)
{
    if (!n->states) {  /* shed: the specification's transitions are gone */
        n->failed = true;
        *count = 0;
        return NULL;
    }
    if (n->tfirst.v[s] == UINT32_MAX) {
        n->scratch2.n = 0;
        n->succ_vecs.n = 0;
        store_copy(n->states, s, n->vec);
        if (n->spec.successors(n->spec.data, n->vec, collect, n) < 0) {
            n->spec_failed = n->failed = true;
            return NULL;
        }
        if (n->failed || !number_successors(n)) {
            n->failed = true;
            return NULL;
        }
        /* Sorted by (event, target), duplicates dropped: tau (0) first, so a state is stable
         * exactly when its first transition is not tau. */
        sorted_pairs_sort(n->scratch2.v, n->scratch2.n / 2);
        uint32_t first = (uint32_t)n->trans.n, kept = 0;
        for (size_t i = 0; i < n->scratch2.n; i += 2) {
            if (i && sorted_pairs_cmp(n->scratch2.v + i, n->scratch2.v + i - 2) == 0) continue;
            if (!vec32_push(&n->trans, n->scratch2.v[i]) ||
                !vec32_push(&n->trans, n->scratch2.v[i + 1])) {
                n->failed = true;
                return NULL;
            }
            kept++;
        }
        n->tfirst.v[s] = first;
        n->tcount.v[s] = kept;
    }
    *count = n->tcount.v[s];
    /* NULL (no offset from a null pointer) while no state has any transition. */
    return n->trans.v ? n->trans.v + n->tfirst.v[s] : NULL;
}

/* ---- nodes ---- */

/* Is s marked in wk's current generation?  Marks it if not.  (Out of memory: wk->oom, and
 * "marked", so that nothing more is added.) */
static bool marked(struct work *wk, uint32_t s)
{
    if (s >= wk->mark_cap) {
        size_t cap = wk->mark_cap ? wk->mark_cap : 256;
        while (cap <= s) cap *= 2;
        uint32_t *m = realloc(wk->mark, cap * sizeof *m);
        if (!m) {
            wk->oom = true;
            return true;
        }
        big_advise(m, cap * sizeof *m);
        memset(m + wk->mark_cap, 0, (cap - wk->mark_cap) * sizeof *m);
        wk->mark = m;
        wk->mark_cap = cap;
    }
    if (wk->mark[s] == wk->generation) return true;
    wk->mark[s] = wk->generation;
    return false;
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

/* The index rebuilt with cap slots. */
static bool grow_index(struct normal *n, size_t cap)
{
    uint64_t *ix = calloc(cap, sizeof *ix);
    if (!ix) return false;
    big_advise(ix, cap * sizeof *ix);
    for (uint32_t k = 0; k < n->nnodes; k++) {
        size_t i = n->nodes[k].hash & (cap - 1);
        while (ix[i]) i = (i + 1) & (cap - 1);
        ix[i] = (uint64_t)n->nodes[k].hash << 32 | (k + 1);
    }
    free(n->index);
    n->index = ix;
    n->index_cap = cap;
    return true;
}

/* A spec state's share of a node's hash: the hash of a set is the sum of its members'
 * shares, so it needs no sorting. */
static uint64_t share(uint32_t s)
{
    uint64_t z = s + 0x9E3779B97F4A7C15ull;
    z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ z >> 27) * 0x94D049BB133111EBull;
    return z ^ z >> 31;
}

/* Are the node's members exactly the states wk marked last?  (The marked states are distinct
 * and as many as the node's members.)  Another thread's work may have made the node, of
 * states past the end of wk's marks: those wk never marked. */
static bool members_marked(const struct normal *n, const struct work *wk, const struct node *nd)
{
    const uint32_t *v = n->pool.v + nd->members;
    for (uint32_t k = 0; k < nd->nmembers; k++)
        if (v[k] >= wk->mark_cap || wk->mark[v[k]] != wk->generation) return false;
    return true;
}

/* The tau-closure of seeds[0..count), depth first, into wk->closure (unsorted, each state
 * marked); *hash gets the node hash of that set.  False when out of memory or the
 * specification failed. */
static bool closure(struct normal *n, struct work *wk, const uint32_t *seeds, size_t count,
                    uint32_t *hash)
{
    if (++wk->generation == 0 && wk->mark) {  /* wrapped: forget every mark */
        memset(wk->mark, 0, wk->mark_cap * sizeof *wk->mark);
        wk->generation = 1;
    }
    wk->closure.n = 0;
    uint64_t sum = 0;
    for (size_t i = 0; i < count; i++)
        if (!marked(wk, seeds[i])) {
            sum += share(seeds[i]);
            if (!vec32_push(&wk->closure, seeds[i])) wk->oom = true;
        }
    for (size_t i = 0; i < wk->closure.n && !wk->oom; i++) {
        uint32_t nt;
        const uint32_t *t = spec_trans(n, wk->closure.v[i], &nt);
        if (n->failed) return false;
        for (uint32_t k = 0; t && k < nt && t[2 * k] == EV_TAU; k++)
            if (!marked(wk, t[2 * k + 1])) {
                sum += share(t[2 * k + 1]);
                if (!vec32_push(&wk->closure, t[2 * k + 1])) wk->oom = true;
            }
    }
    *hash = (uint32_t)(sum ^ sum >> 32) ^ (uint32_t)wk->closure.n * 0x9E3779B9u;
    return !wk->oom;
}

/* The node whose members are the closure wk made last (hash h), or NORM_NONE: compared
 * through the marks it left, so a closure met again — most are — is never sorted. */
static uint32_t find_closure(const struct normal *n, const struct work *wk, uint32_t h)
{
    size_t m = wk->closure.n;
    for (size_t i = h & (n->index_cap - 1); n->index[i]; i = (i + 1) & (n->index_cap - 1)) {
        uint64_t e = n->index[i];
        if (e >> 32 != h) continue;
        const struct node *nd = &n->nodes[(uint32_t)e - 1];
        if (nd->nmembers == m && members_marked(n, wk, nd)) return (uint32_t)e - 1;
    }
    return NORM_NONE;
}

/* Room for nodes below `count`, and an index that stays at most half full with them.  False
 * when out of memory. */
static bool nodes_room(struct normal *n, size_t count)
{
    if (count > UINT32_MAX - 1) return false;
    if (count > n->nodes_cap) {
        size_t cap = n->nodes_cap ? n->nodes_cap : 64;
        while (cap < count) cap *= 2;
        if (cap > UINT32_MAX) cap = UINT32_MAX;
        struct node *v = realloc(n->nodes, cap * sizeof *v);
        if (!v) return false;
        big_advise(v, cap * sizeof *v);
        n->nodes = v;
        n->nodes_cap = (uint32_t)cap;
    }
    size_t cap = n->index_cap;
    while (count * 2 > cap) cap *= 2;
    return cap == n->index_cap || grow_index(n, cap);
}

/* Node `id` of the sorted members[0..m) (hash h), its members written to the pool at `at`,
 * and entered in the index — by compare-and-swap, as threads add a level's new nodes at once
 * (nodes_room made room for them beforehand). */
static void place_node(struct normal *n, uint32_t id, size_t at, const uint32_t *members,
                       size_t m, uint32_t h)
{
    n->nodes[id] = (struct node){.members = (uint32_t)at, .nmembers = (uint32_t)m, .hash = h};
    if (m) memcpy(n->pool.v + at, members, m * sizeof *members);
    _Atomic(uint64_t) *index = (_Atomic(uint64_t) *)n->index;
    uint64_t entry = (uint64_t)h << 32 | (id + 1);
    for (size_t i = h & (n->index_cap - 1);; i = (i + 1) & (n->index_cap - 1)) {
        uint64_t empty = 0;
        if (atomic_load_explicit(&index[i], memory_order_relaxed) == 0 &&
            atomic_compare_exchange_strong_explicit(&index[i], &empty, entry,
                                                    memory_order_relaxed, memory_order_relaxed))
            return;
    }
}

/* A new node of the sorted members[0..m) (hash h); NORM_ERROR when out of memory. */
static uint32_t add_node(struct normal *n, const uint32_t *members, size_t m, uint32_t h)
{
    if (!nodes_room(n, (size_t)n->nnodes + 1) || !vec32_room(&n->pool, m)) return NORM_ERROR;
    place_node(n, n->nnodes, n->pool.n, members, m, h);
    n->pool.n += m;
    return n->nnodes++;
}

/* The node whose members are the tau-closure of seeds[0..count), made if new. */
static uint32_t node_of(struct normal *n, const uint32_t *seeds, size_t count)
{
    if (!n->index) n->failed = true;  /* shed: no new nodes */
    if (n->failed || !poll(n)) return NORM_ERROR;
    uint32_t h;
    if (!closure(n, &n->w, seeds, count, &h)) {
        n->failed = true;
        return NORM_ERROR;
    }
    uint32_t found = find_closure(n, &n->w, h);
    if (found != NORM_NONE) return found;
    sorted_sort(n->w.closure.v, n->w.closure.n);
    uint32_t made = add_node(n, n->w.closure.v, n->w.closure.n, h);
    if (made == NORM_ERROR) n->failed = true;
    return made;
}

uint32_t norm_root(struct normal *n)
{
    uint64_t *init = malloc(n->spec.words * sizeof *init);
    if (!init) return NORM_ERROR;
    n->spec.initial(n->spec.data, init);
    uint32_t s = spec_state(n, init);
    free(init);
    if (s == NORM_ERROR) return NORM_ERROR;
    return node_of(n, &s, 1);
}

/* ---- divergence ----
 *
 * A spec state diverges when it can reach a tau cycle by taus.  Nodes are tau-closed, so a
 * node can diverge exactly when one of its members does.  Each state's answer is found once,
 * lazily, by a depth-first search over the taus from it, with the usual colours: a tau to a
 * state on the search's path closes a cycle, and a tau to a state known to diverge reaches
 * one — either way every state on the path diverges and the search stops there, so a state
 * whose closure is a whole large system with a cycle in it is answered at the first cycle.  A
 * state all of whose taus lead to states that do not diverge does not. */

enum { DIV_DONE = 2, DIV_YES = 4 };

/* Spec state s's answer so far, and setting it: threads searching at once may find the same
 * answer for a state (a byte each, relaxed: the answer is a fact, whoever writes it). */
static uint8_t div_of(const struct normal *n, uint32_t s)
{
    return atomic_load_explicit((_Atomic(uint8_t) *)&n->div[s], memory_order_relaxed);
}

static void div_set(struct normal *n, uint32_t s, uint8_t d)
{
    atomic_store_explicit((_Atomic(uint8_t) *)&n->div[s], d, memory_order_relaxed);
}

/* Room for the divergence flags of spec states below s + 1. */
static bool div_room(struct normal *n, uint32_t s)
{
    if (s < n->div_cap) return true;
    size_t cap = n->div_cap ? n->div_cap : 256;
    while (cap <= s) cap *= 2;
    uint8_t *d = realloc(n->div, cap);
    if (!d) return false;
    big_advise(d, cap);
    memset(d + n->div_cap, 0, cap - n->div_cap);
    n->div = d;
    n->div_cap = cap;
    return true;
}

/* Room in wk's grey bits for state s. */
static bool grey_room(struct work *wk, uint32_t s)
{
    if (s < wk->grey_cap) return true;
    size_t cap = wk->grey_cap ? wk->grey_cap : 4096;
    while (cap <= s) cap *= 2;
    uint64_t *g = realloc(wk->grey, cap / 8);
    if (!g) return false;
    memset(g + wk->grey_cap / 64, 0, (cap - wk->grey_cap) / 8);
    wk->grey = g;
    wk->grey_cap = cap;
    return true;
}

static bool is_grey(const struct work *wk, uint32_t s)
{
    return wk->grey[s / 64] >> (s % 64) & 1;
}

static void paint(struct work *wk, uint32_t s, bool grey)
{
    if (grey) wk->grey[s / 64] |= 1ull << (s % 64);
    else wk->grey[s / 64] &= ~(1ull << (s % 64));
}

/* Does spec state s diverge?  -1 when out of memory, past a limit, or the specification
 * failed.  The search's path is wk's own (grey), the answers shared; with the spec's states
 * numbered, threads may search at once. */
static int diverges(struct normal *n, struct work *wk, uint32_t s)
{
    if (!div_room(n, s) || !grey_room(wk, s)) return -1;
    if (div_of(n, s) & DIV_DONE) return (div_of(n, s) & DIV_YES) != 0;
    struct vec32 *path = &wk->path;
    path->n = 0;
    if (!vec32_push(path, s) || !vec32_push(path, 0)) return -1;
    paint(wk, s, true);
    while (path->n) {
        uint32_t v = path->v[path->n - 2], k = path->v[path->n - 1], nt;
        const uint32_t *t = spec_trans(n, v, &nt);
        if (n->failed) return -1;
        if (k < nt && t[2 * k] == EV_TAU) {
            path->v[path->n - 1]++;
            uint32_t w = t[2 * k + 1];
            if (!div_room(n, w) || !grey_room(wk, w)) return -1;
            if (is_grey(wk, w) || div_of(n, w) & DIV_YES) {
                for (size_t i = 0; i < path->n; i += 2) {
                    div_set(n, path->v[i], DIV_DONE | DIV_YES);
                    paint(wk, path->v[i], false);
                }
                path->n = 0;
                return 1;
            }
            if (!(div_of(n, w) & DIV_DONE)) {
                paint(wk, w, true);
                if (!vec32_push(path, w) || !vec32_push(path, 0)) return -1;
            }
            continue;
        }
        div_set(n, v, DIV_DONE);
        paint(wk, v, false);
        path->n -= 2;
    }
    return 0;
}

int norm_state_diverges(struct normal *n, const uint64_t *vec)
{
    uint32_t s = spec_state(n, vec);
    int d = s == NORM_ERROR ? -1 : diverges(n, &n->w, s);
    if (d < 0) n->failed = true;
    return d;
}

/* Can some of the node's members diverge?  False with n->failed set when that could not be
 * found. */
static bool node_diverges(struct normal *n, const struct node *nd)
{
    for (uint32_t i = 0; i < nd->nmembers; i++) {
        int d = diverges(n, &n->w, n->pool.v[nd->members + i]);
        if (d < 0) {
            n->failed = true;
            return false;
        }
        if (d) return true;
    }
    return false;
}

static bool push64(struct work *wk, uint64_t x)
{
    if (wk->nkeys == wk->keys_cap) {
        size_t cap = wk->keys_cap ? 2 * wk->keys_cap : 256;
        uint64_t *k = realloc(wk->keys, cap * sizeof *k);
        if (!k) return false;
        wk->keys = k;
        wk->keys_cap = cap;
    }
    wk->keys[wk->nkeys++] = x;
    return true;
}

/* Orders keys[0..nkeys) by their event (the top 32 bits), by radix, 8 bits a pass, skipping
 * the digits that are the same everywhere; insertion when there are few.  Within an event the
 * order does not matter (a node is made of the targets as a set). */
static bool sort_keys(struct work *wk)
{
    uint64_t *v = wk->keys;
    size_t cnt = wk->nkeys;
    if (cnt <= 32) {
        for (size_t i = 1; i < cnt; i++) {
            uint64_t x = v[i];
            size_t j = i;
            for (; j > 0 && v[j - 1] >> 32 > x >> 32; j--) v[j] = v[j - 1];
            v[j] = x;
        }
        return true;
    }
    if (wk->keys_tmp_cap < cnt) {
        free(wk->keys_tmp);
        wk->keys_tmp = malloc(wk->keys_cap * sizeof *wk->keys_tmp);
        wk->keys_tmp_cap = wk->keys_tmp ? wk->keys_cap : 0;
        if (!wk->keys_tmp) return false;
    }
    uint64_t *from = v, *to = wk->keys_tmp;
    for (unsigned shift = 32; shift < 64; shift += 8) {
        size_t count[256] = {0};
        for (size_t i = 0; i < cnt; i++) count[from[i] >> shift & 255]++;
        if (count[from[0] >> shift & 255] == cnt) continue;
        for (size_t d = 0, sum = 0; d < 256; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < cnt; i++) to[count[from[i] >> shift & 255]++] = from[i];
        uint64_t *t = from;
        from = to;
        to = t;
    }
    if (from != v) {  /* the sorted keys become keys, the other buffer the spare */
        size_t cap = wk->keys_cap;
        wk->keys_tmp = v;
        wk->keys = from;
        wk->keys_cap = wk->keys_tmp_cap;
        wk->keys_tmp_cap = cap;
    }
    return true;
}

/* The visible transitions of every member of the node, sorted by event, into wk->keys, and
 * the stable members' initial events (count, events…) into wk->accs.  False when out of
 * memory or the specification failed. */
static bool gather(struct normal *n, struct work *wk, const struct node *nd)
{
    struct vec32 *accs = &wk->accs;
    accs->n = 0;
    wk->nkeys = 0;
    for (uint32_t i = 0; i < nd->nmembers && !wk->oom; i++) {
        uint32_t s = n->pool.v[nd->members + i], nt;
        const uint32_t *t = spec_trans(n, s, &nt);
        if (n->failed) return false;  /* (t is NULL also for no transitions at all) */
        bool stable = nt == 0 || t[0] != EV_TAU;
        /* A stable state that can terminate can refuse every other event (termination is
         * not the environment's to refuse: Roscoe, TPC's failures of P [] SKIP), so its only
         * acceptance is {✓}.  Events sort tau, ✓, visible: ✓ would be first. */
        bool ticks = stable && nt > 0 && t[0] == EV_TICK;
        size_t at = accs->n;
        if (stable && !vec32_push(accs, 0)) wk->oom = true;
        for (uint32_t k = 0; k < nt; k++) {
            if (t[2 * k] == EV_TAU) continue;
            if (!push64(wk, (uint64_t)t[2 * k] << 32 | t[2 * k + 1])) wk->oom = true;
            if (stable && (!ticks || k == 0) && (k == 0 || t[2 * k - 2] != t[2 * k])) {
                if (!vec32_push(accs, t[2 * k])) wk->oom = true;
                else accs->v[at]++;
            }
        }
    }
    return !wk->oom && sort_keys(wk);
}

/* The next event's targets in wk->keys from *i on, into wk->targets; the event. */
static uint32_t next_targets(struct work *wk, size_t *i)
{
    uint32_t e = (uint32_t)(wk->keys[*i] >> 32);
    wk->targets.n = 0;
    for (; *i < wk->nkeys && (uint32_t)(wk->keys[*i] >> 32) == e; ++*i)
        if (!vec32_push(&wk->targets, (uint32_t)wk->keys[*i])) wk->oom = true;
    return e;
}

/* The minimal acceptances among wk->accs (a superset of another adds no failure), as
 * count, events… into wk->minimal; how many. */
static uint32_t minimal_acceptances(struct work *wk)
{
    struct vec32 *accs = &wk->accs, *minimal = &wk->minimal;
    minimal->n = 0;
    uint32_t nmin = 0;
    for (size_t a = 0; a < accs->n; a += 1 + accs->v[a]) {
        const uint32_t *A = accs->v + a + 1;
        uint32_t na = accs->v[a];
        bool dominated = false;
        for (size_t b = 0; b < accs->n && !dominated; b += 1 + accs->v[b]) {
            if (b == a) continue;
            const uint32_t *B = accs->v + b + 1;
            uint32_t nb = accs->v[b];
            /* B ⊆ A, and B ≠ A or B comes first (so equal sets keep one copy). */
            if (nb > na || (nb == na && b > a)) continue;
            uint32_t i = 0, j = 0;
            while (i < nb && j < na) {
                if (B[i] == A[j]) i++, j++;
                else if (B[i] > A[j]) j++;
                else break;
            }
            dominated = i == nb;
        }
        if (dominated) continue;
        if (!vec32_push(minimal, na)) wk->oom = true;
        for (uint32_t k = 0; k < na; k++)
            if (!vec32_push(minimal, A[k])) wk->oom = true;
        nmin++;
    }
    return nmin;
}

/* Writes a node's successors ((event, node) pairs) and acceptances to the pool at `at`; the
 * words written. */
static size_t write_node(struct normal *n, uint32_t node, size_t at, const uint32_t *succ,
                         size_t nsucc, const uint32_t *minimal, size_t nwords, uint32_t nmin,
                         bool divergent)
{
    struct node *nd = &n->nodes[node];
    nd->succ = (uint32_t)at;
    nd->nsucc = (uint32_t)nsucc;
    if (nsucc) memcpy(n->pool.v + at, succ, 2 * nsucc * sizeof *succ);
    nd->acc = (uint32_t)(at + 2 * nsucc);
    nd->nacc = nmin;
    if (nwords) memcpy(n->pool.v + nd->acc, minimal, nwords * sizeof *minimal);
    nd->divergent = divergent;
    nd->expanded = true;
    return 2 * nsucc + nwords;
}

/* The same at the pool's end. */
static bool settle_node(struct normal *n, uint32_t node, const uint32_t *succ, size_t nsucc,
                        const uint32_t *minimal, size_t nwords, uint32_t nmin, bool divergent)
{
    if (!vec32_room(&n->pool, 2 * nsucc + nwords)) return false;
    n->pool.n += write_node(n, node, n->pool.n, succ, nsucc, minimal, nwords, nmin, divergent);
    return true;
}

/* Computes a node's successors, acceptances and divergence, once. */
static bool expand(struct normal *n, uint32_t node)
{
    if (n->nodes[node].expanded) return true;
    struct work *wk = &n->w;
    if (!gather(n, wk, &n->nodes[node])) goto fail;
    /* One successor node per event: the closure of all its targets. */
    wk->succ.n = 0;
    for (size_t i = 0; i < wk->nkeys;) {
        uint32_t e = next_targets(wk, &i);
        uint32_t to = wk->oom ? NORM_ERROR : node_of(n, wk->targets.v, wk->targets.n);
        if (to == NORM_ERROR || !vec32_push(&wk->succ, e) || !vec32_push(&wk->succ, to)) goto fail;
    }
    uint32_t nmin = minimal_acceptances(wk);
    bool divergent = node_diverges(n, &n->nodes[node]);
    if (n->failed || wk->oom ||
        !settle_node(n, node, wk->succ.v, wk->succ.n / 2, wk->minimal.v, wk->minimal.n, nmin,
                     divergent))
        goto fail;
    return true;
fail:
    n->failed = true;
    return false;
}

/* ---- nodes on several threads ----
 *
 * Once every spec state is numbered with its transitions (norm_number_spec), those are
 * read-only, and the nodes are made a level at a time, each phase on every thread, the
 * level's nodes shared out in chunks:
 * 1. expand: closures with marks of the thread's own, looked up in the index of the nodes
 *    made so far, which nobody changes meanwhile; acceptances; divergence, read from every
 *    spec state's answer found beforehand — each written to buffers of the thread's own, a
 *    closure that is no node yet ("fresh") kept there, sorted;
 * 2. the fresh closures into one table (a compare-and-swap a slot), equal ones into one slot,
 *    which keeps the first place — node, then successor — the closure was met at;
 * 3. per chunk: how many of its fresh closures were met first there, and the pool words its
 *    new nodes, successors and acceptances take; then, on one thread, where each chunk's new
 *    numbers and words start (sums over the chunks);
 * 4. the new nodes, each numbered and written by the chunk that met it first, and entered in
 *    the index;
 * 5. every node's successors and acceptances into the pool.
 * The new nodes are so numbered in the order the one-core expansion makes them, on any number
 * of threads.  The closures, which walk the specification's transitions, are nearly all of
 * the work. */

enum { NODE_CHUNK = 64 };
#define LATER 0x80000000u         /* a fresh successor: its offset in `later`, then its slot */
#define FIRST 0x40000000u         /* … the first place its slot's closure was met at */
#define SLOT (FIRST - 1)

/* A thread's part of a level: its work, and per node it expanded (in `out`): the count of its
 * successors, their (event, node or LATER | …) pairs, the words and count of its minimal
 * acceptances, those, and whether it can diverge; fresh closures, in `later`: hash, count,
 * sorted members. */
struct maker {
    _Alignas(128) struct work wk; /* (makers on cache lines of their own: written all the time) */
    struct vec32 out, later;
    size_t nlater;                /* closures in `later` */
};

/* Makers for `threads` threads, zeroed, each on cache lines of its own; NULL when out of
 * memory. */
static struct maker *makers_new(size_t threads)
{
    struct maker *m = aligned_alloc(_Alignof(struct maker), threads * sizeof *m);
    if (m) memset(m, 0, threads * sizeof *m);
    return m;
}

static void makers_free(struct maker *m, size_t threads)
{
    for (size_t t = 0; m && t < threads; t++) {
        work_free(&m[t].wk);
        free(m[t].out.v);
        free(m[t].later.v);
    }
    free(m);
}

struct level {
    struct normal *n;
    struct maker *m;
    uint32_t lo, hi;              /* the level's nodes */
    uint32_t nchunks;
    uint64_t *at;                 /* per node of the level: its maker << 32 | offset in out */
    /* Per fresh slot two words: its closure, (maker + 1) << 32 | offset in `later`, 0 empty;
     * the first place it was met at, ~(node << 32 | successor) (so that 0 is none and the
     * largest wins); once numbered, its node. */
    _Atomic(uint64_t) *fresh;
    size_t fresh_cap, fresh_size;
    size_t *news, *words;         /* per chunk: new nodes and pool words, then where they start */
    struct chunks run;
};

/* The node of the tau-closure of seeds[0..count), made on work wk while the index only
 * grows between phases: an existing node, else LATER | the closure's offset in `later`,
 * where it is kept (hash, count, sorted members) to be made a node afterwards; NORM_ERROR
 * when out of memory or the specification failed. */
static uint32_t node_or_later(struct normal *n, struct work *wk, const uint32_t *seeds,
                              size_t count, struct vec32 *later)
{
    uint32_t h;
    if (!closure(n, wk, seeds, count, &h)) return NORM_ERROR;
    uint32_t to = find_closure(n, wk, h);
    if (to != NORM_NONE) return to;
    size_t m = wk->closure.n;
    if (later->n >= LATER || !vec32_room(later, 2 + m)) return NORM_ERROR;
    to = LATER | (uint32_t)later->n;
    sorted_sort(wk->closure.v, m);
    later->v[later->n++] = h;
    later->v[later->n++] = (uint32_t)m;
    if (m) memcpy(later->v + later->n, wk->closure.v, m * sizeof *wk->closure.v);
    later->n += m;
    return to;
}

/* Expands node k of the level on maker t; false when out of memory. */
static bool expand_apart(struct level *lv, size_t t, uint32_t k)
{
    struct normal *n = lv->n;
    struct maker *mk = &lv->m[t];
    struct work *wk = &mk->wk;
    const struct node *nd = &n->nodes[k];
    if (!gather(n, wk, nd)) return false;
    lv->at[k - lv->lo] = (uint64_t)t << 32 | mk->out.n;
    size_t head = mk->out.n;
    if (!vec32_push(&mk->out, 0)) return false;
    for (size_t i = 0; i < wk->nkeys;) {
        uint32_t e = next_targets(wk, &i);
        uint32_t to = wk->oom ? NORM_ERROR
                              : node_or_later(n, wk, wk->targets.v, wk->targets.n, &mk->later);
        if (to == NORM_ERROR) return false;
        mk->nlater += (to & LATER) != 0;
        if (!vec32_push(&mk->out, e) || !vec32_push(&mk->out, to)) return false;
        mk->out.v[head]++;
    }
    uint32_t nmin = minimal_acceptances(wk);
    bool divergent = false;
    for (uint32_t i = 0; i < nd->nmembers && !divergent; i++)
        divergent = div_of(n, n->pool.v[nd->members + i]) & DIV_YES;
    if (wk->oom || !vec32_room(&mk->out, 3 + wk->minimal.n)) return false;
    mk->out.v[mk->out.n++] = (uint32_t)wk->minimal.n;
    mk->out.v[mk->out.n++] = nmin;
    if (wk->minimal.n)
        memcpy(mk->out.v + mk->out.n, wk->minimal.v, wk->minimal.n * sizeof *wk->minimal.v);
    mk->out.n += wk->minimal.n;
    mk->out.v[mk->out.n++] = divergent;
    return true;
}

/* The chunk's nodes: [*k, *end). */
static void chunk_nodes(const struct level *lv, uint32_t chunk, uint32_t *k, uint32_t *end)
{
    *k = lv->lo + chunk * NODE_CHUNK;
    *end = lv->hi - *k < NODE_CHUNK ? lv->hi : *k + NODE_CHUNK;
}

/* Node k's record in its maker's `out`. */
static uint32_t *record_of(const struct level *lv, uint32_t k)
{
    uint64_t at = lv->at[k - lv->lo];
    return lv->m[at >> 32].out.v + (uint32_t)at;
}

/* A fresh slot's closure: hash, count, sorted members. */
static const uint32_t *fresh_closure(const struct level *lv, uint64_t ref)
{
    return lv->m[(ref >> 32) - 1].later.v + (uint32_t)ref;
}

static bool expand_chunk(void *ctx, size_t t, uint32_t chunk)
{
    struct level *lv = ctx;
    uint32_t k, end;
    for (chunk_nodes(lv, chunk, &k, &end); k < end; k++)
        if (!expand_apart(lv, t, k)) return false;
    return true;
}

/* The slot of closure c (whose own `ref` it is), entered if new; `place` the node and
 * successor it was met at, kept if the first. */
static uint32_t fresh_slot(struct level *lv, uint64_t ref, const uint32_t *c, uint64_t place)
{
    size_t mask = lv->fresh_size - 1, i = c[0] & mask;
    for (;; i = (i + 1) & mask) {
        uint64_t cur = atomic_load_explicit(&lv->fresh[2 * i], memory_order_relaxed);
        if (cur == 0 && atomic_compare_exchange_strong_explicit(&lv->fresh[2 * i], &cur, ref,
                                                                memory_order_relaxed,
                                                                memory_order_relaxed))
            break;
        const uint32_t *d = fresh_closure(lv, cur);
        if (d[0] == c[0] && d[1] == c[1] && memcmp(d + 2, c + 2, c[1] * sizeof *c) == 0) break;
    }
    _Atomic(uint64_t) *first = &lv->fresh[2 * i + 1];
    uint64_t was = atomic_load_explicit(first, memory_order_relaxed);
    while (~place > was && !atomic_compare_exchange_weak_explicit(first, &was, ~place,
                                                                  memory_order_relaxed,
                                                                  memory_order_relaxed)) {
    }
    return (uint32_t)i;
}

enum { ENTER_BATCH = 64 };

/* Enters a batch of fresh closures (refs in `later`, met at `place`), each successor's word
 * `to` becoming LATER | its slot. */
static void enter_batch(struct level *lv, uint32_t **to, const uint64_t *ref,
                        const uint64_t *place, size_t nb)
{
    for (size_t b = 0; b < nb; b++)
        *to[b] = LATER | fresh_slot(lv, ref[b], fresh_closure(lv, ref[b]), place[b]);
}

/* Enters a chunk's fresh closures, a batch at a time with their home slots prefetched. */
static bool enter_chunk(void *ctx, size_t t, uint32_t chunk)
{
    struct level *lv = ctx;
    (void)t;
    uint32_t *to[ENTER_BATCH];
    uint64_t ref[ENTER_BATCH], place[ENTER_BATCH];
    size_t nb = 0, mask = lv->fresh_size - 1;
    uint32_t k, end;
    for (chunk_nodes(lv, chunk, &k, &end); k < end; k++) {
        uint64_t at = lv->at[k - lv->lo];
        uint32_t *o = lv->m[at >> 32].out.v + (uint32_t)at;
        for (uint32_t i = 0; i < o[0]; i++) {
            if (!(o[2 + 2 * i] & LATER)) continue;
            if (nb == ENTER_BATCH) {
                enter_batch(lv, to, ref, place, nb);
                nb = 0;
            }
            to[nb] = &o[2 + 2 * i];
            ref[nb] = ((at >> 32) + 1) << 32 | (o[2 + 2 * i] & ~LATER);
            place[nb] = (uint64_t)k << 32 | i;
            prefetch_for_write(&lv->fresh[2 * (fresh_closure(lv, ref[nb])[0] & mask)]);
            nb++;
        }
    }
    enter_batch(lv, to, ref, place, nb);
    return true;
}

static bool count_chunk(void *ctx, size_t t, uint32_t chunk)
{
    struct level *lv = ctx;
    (void)t;
    size_t news = 0, words = 0;
    uint32_t k, end;
    for (chunk_nodes(lv, chunk, &k, &end); k < end; k++) {
        uint32_t *o = record_of(lv, k);
        for (uint32_t i = 0; i < o[0]; i++) {
            uint32_t to = o[2 + 2 * i], slot = to & SLOT;
            if (!(to & LATER) ||
                atomic_load_explicit(&lv->fresh[2 * slot + 1], memory_order_relaxed) !=
                    ~((uint64_t)k << 32 | i))
                continue;
            o[2 + 2 * i] |= FIRST;
            news++;
            words += fresh_closure(lv, atomic_load_explicit(&lv->fresh[2 * slot],
                                                            memory_order_relaxed))[1];
        }
        words += 2 * (size_t)o[0] + o[1 + 2 * o[0]];
    }
    lv->news[chunk] = news;
    lv->words[chunk] = words;
    return true;
}

static bool place_chunk(void *ctx, size_t t, uint32_t chunk)
{
    struct level *lv = ctx;
    (void)t;
    uint32_t id = (uint32_t)lv->news[chunk];
    size_t at = lv->words[chunk];
    uint32_t k, end;
    for (chunk_nodes(lv, chunk, &k, &end); k < end; k++) {
        const uint32_t *o = record_of(lv, k);
        for (uint32_t i = 0; i < o[0]; i++) {
            uint32_t to = o[2 + 2 * i], slot = to & SLOT;
            if (!(to & FIRST)) continue;
            const uint32_t *c =
                fresh_closure(lv, atomic_load_explicit(&lv->fresh[2 * slot], memory_order_relaxed));
            place_node(lv->n, id, at, c + 2, c[1], c[0]);
            at += c[1];
            atomic_store_explicit(&lv->fresh[2 * slot + 1], id++, memory_order_relaxed);
        }
    }
    lv->words[chunk] = at;  /* where the chunk's successors go */
    return true;
}

static bool write_chunk(void *ctx, size_t t, uint32_t chunk)
{
    struct level *lv = ctx;
    (void)t;
    size_t at = lv->words[chunk];
    uint32_t k, end;
    for (chunk_nodes(lv, chunk, &k, &end); k < end; k++) {
        uint32_t *o = record_of(lv, k), nsucc = o[0];
        for (uint32_t i = 0; i < nsucc; i++)
            if (o[2 + 2 * i] & LATER)
                o[2 + 2 * i] = (uint32_t)atomic_load_explicit(
                    &lv->fresh[2 * (o[2 + 2 * i] & SLOT) + 1], memory_order_relaxed);
        const uint32_t *acc = o + 1 + 2 * nsucc;
        at += write_node(lv->n, k, at, o + 1, nsucc, acc + 2, acc[0], acc[1], acc[2 + acc[0]]);
    }
    return true;
}

/* A phase of the level on every thread. */
static bool each_level_chunk(struct level *lv, bool (*phase)(void *, size_t, uint32_t))
{
    return each_chunk(&lv->run, lv->nchunks, phase, lv);
}

/* Room for the level's fresh table and per-chunk sums; false when out of memory or there are
 * too many fresh closures to name in a successor's slot bits. */
static bool level_room(struct level *lv)
{
    size_t fresh = 0;
    for (size_t t = 0; t < lv->run.threads; t++) fresh += lv->m[t].nlater;
    size_t size = 64;
    while (size < 2 * fresh) size *= 2;
    if (size > (size_t)SLOT + 1) return false;
    if (size > lv->fresh_cap) {
        free(lv->fresh);
        lv->fresh_cap = 0;
        if (!(lv->fresh = calloc(2 * size, sizeof *lv->fresh))) return false;
        big_advise(lv->fresh, 2 * size * sizeof *lv->fresh);
        lv->fresh_cap = size;
    } else {
        memset(lv->fresh, 0, 2 * size * sizeof *lv->fresh);
    }
    lv->fresh_size = size;
    size_t *v = realloc(lv->news, 2 * (size_t)lv->nchunks * sizeof *v);
    if (!v) return false;
    lv->news = v;
    lv->words = v + lv->nchunks;
    return true;
}

/* After a level's expansion: its fresh closures made nodes, and every node's successors and
 * acceptances written to the pool.  False when out of memory, past a limit or past
 * max_nodes. */
static bool settle_level(struct level *lv, uint32_t max_nodes)
{
    struct normal *n = lv->n;
    if (!level_room(lv) || !each_level_chunk(lv, enter_chunk) || !each_level_chunk(lv, count_chunk))
        return false;
    size_t nodes = n->nnodes, words = n->pool.n;
    for (uint32_t c = 0; c < lv->nchunks; c++) {
        size_t news = lv->news[c], w = lv->words[c];
        lv->news[c] = nodes;
        lv->words[c] = words;
        nodes += news;
        words += w;
    }
    if (nodes > max_nodes || words > UINT32_MAX || !nodes_room(n, nodes) ||
        !vec32_room(&n->pool, words - n->pool.n) || !each_level_chunk(lv, place_chunk))
        return false;
    n->nnodes = (uint32_t)nodes;
    n->pool.n = words;
    return each_level_chunk(lv, write_chunk);
}

enum { DIV_CHUNK = 4096 };

/* The divergence of a chunk of spec states, on thread t's work. */
static bool divergence_chunk(void *ctx, size_t t, uint32_t chunk)
{
    struct level *lv = ctx;
    struct work *wk = &lv->m[t].wk;
    if (!grey_room(wk, lv->n->numbered - 1)) return false;
    uint32_t s = chunk * DIV_CHUNK, end = lv->n->numbered - s < DIV_CHUNK ? lv->n->numbered
                                                                          : s + DIV_CHUNK;
    for (; s < end; s++)
        if (diverges(lv->n, wk, s) < 0) return false;
    return true;
}

/* Expands nodes `from` on (every one made since is reachable from them, and none of them is
 * expanded), and the nodes they reach, a level at a time on every thread; with `divergence`,
 * every spec state's divergence first.  False when out of memory, past a limit or past
 * max_nodes. */
static bool complete_levels(struct normal *n, uint32_t from, bool divergence, uint32_t max_nodes)
{
    size_t threads = phase_threads(n);
    struct level lv = {.n = n, .run = {.n = n, .threads = threads},
                       .m = makers_new(threads)};
    bool ok = lv.m != NULL;
    /* Every spec state's divergence first: then expanding reads it only. */
    ok = ok && (!divergence || (div_room(n, n->numbered - 1) &&
                                each_chunk(&lv.run, (n->numbered + DIV_CHUNK - 1) / DIV_CHUNK,
                                           divergence_chunk, &lv)));
    for (uint32_t lo = from; ok && lo < n->nnodes;) {
        lv.lo = lo;
        lv.hi = n->nnodes;
        lv.nchunks = (lv.hi - lv.lo + NODE_CHUNK - 1) / NODE_CHUNK;
        free(lv.at);
        ok = (lv.at = malloc((size_t)(lv.hi - lv.lo) * sizeof *lv.at)) != NULL;
        ok = ok && each_level_chunk(&lv, expand_chunk) && settle_level(&lv, max_nodes);
        for (size_t t = 0; t < threads; t++) lv.m[t].out.n = lv.m[t].later.n = lv.m[t].nlater = 0;
        lo = lv.hi;
    }
    makers_free(lv.m, threads);
    free(lv.at);
    free(lv.fresh);
    free(lv.news);
    return ok;
}

static bool refusal_steps(struct normal *n, uint32_t node);
static bool refusal_steps_apart(struct normal *n, uint32_t lo, uint32_t hi);

/* Makes every node reachable from the root (and, with `refusals`, every node's steps after a
 * refusal, whose nodes are made too), unless there are more than max_nodes.  With every spec
 * state numbered beforehand, the nodes are made on every thread, a level at a time; the
 * refusal steps then on one, node by node in order, and the nodes they make in turn, until
 * no new one is left.  (The nodes are so numbered otherwise than when each node's refusal
 * steps follow its expansion, as they do lazily — the same on any number of threads.) */
static bool complete(struct normal *n, uint32_t max_nodes, bool refusals)
{
    if (norm_root(n) == NORM_ERROR) return false;
    n->rfirst.n = 0;
    if (n->numbered) {
        uint32_t expanded = 0, stepped = 0;
        while (expanded < n->nnodes) {
            if (!complete_levels(n, expanded, expanded == 0, max_nodes)) {
                n->failed = true;
                return false;
            }
            expanded = n->nnodes;
            if (refusals && stepped < expanded) {
                if (!refusal_steps_apart(n, stepped, expanded)) return false;
                stepped = expanded;
            }
            if (n->nnodes > max_nodes) return false;
        }
    } else {
        /* Nodes are numbered as made, so expanding them in order reaches them all. */
        for (uint32_t k = 0; k < n->nnodes; k++)
            if (n->nnodes > max_nodes || !expand(n, k) || (refusals && !refusal_steps(n, k)))
                return false;
    }
    if (n->nnodes > max_nodes) return false;
    if (refusals && !vec32_push(&n->rfirst, (uint32_t)n->roff.n)) return false;
    /* A dense successor table, when small enough: one load instead of a binary search. */
    uint32_t width = 0;
    for (uint32_t k = 0; k < n->nnodes && (size_t)n->nnodes * width <= DENSE_MAX; k++) {
        const struct node *nd = &n->nodes[k];
        for (uint32_t i = 0; i < nd->nsucc; i++)
            if (n->pool.v[nd->succ + 2 * i] + 1 > width) width = n->pool.v[nd->succ + 2 * i] + 1;
    }
    if (width && (size_t)n->nnodes * width <= DENSE_MAX) {
        uint32_t *d = malloc((size_t)n->nnodes * width * sizeof *d);
        if (d) {
            for (size_t i = 0; i < (size_t)n->nnodes * width; i++) d[i] = NORM_NONE;
            for (uint32_t k = 0; k < n->nnodes; k++) {
                const struct node *nd = &n->nodes[k];
                for (uint32_t i = 0; i < nd->nsucc; i++)
                    d[(size_t)k * width + n->pool.v[nd->succ + 2 * i]] = n->pool.v[nd->succ + 2 * i + 1];
            }
            n->dense = d;
            n->width = width;
        }
    }
    return true;
}

bool norm_complete(struct normal *n, uint32_t max_nodes)
{
    return complete(n, max_nodes, false);
}

bool norm_complete_refusals(struct normal *n, uint32_t max_nodes)
{
    return complete(n, max_nodes, true);
}

uint32_t norm_after(struct normal *n, uint32_t node, uint32_t event)
{
    if (n->dense) return event < n->width ? n->dense[(size_t)node * n->width + event] : NORM_NONE;
    if (!expand(n, node)) return NORM_ERROR;
    const struct node *nd = &n->nodes[node];
    const uint32_t *s = n->pool.v + nd->succ;
    uint32_t lo = 0, hi = nd->nsucc;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s[2 * mid] == event) return s[2 * mid + 1];
        if (s[2 * mid] < event)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NORM_NONE;
}

const uint32_t *norm_initials(struct normal *n, uint32_t node, size_t *count)
{
    *count = 0;
    if (!expand(n, node)) return NULL;
    const struct node *nd = &n->nodes[node];
    n->scratch.n = 0;
    if (!vec32_room(&n->scratch, 1)) return NULL;  /* (never NULL for an empty answer) */
    for (uint32_t i = 0; i < nd->nsucc; i++)
        if (!vec32_push(&n->scratch, n->pool.v[nd->succ + 2 * i])) return NULL;
    *count = n->scratch.n;
    return n->scratch.v;
}

/* norm_refuses_own_initials, a chunk of nodes at a time on every thread. */
struct refusal_check {
    struct normal *n;
    atomic_bool found;            /* a stable member refusing one of its node's events */
    _Atomic(uint64_t) pairs, transitions;
};

static bool refusal_chunk(void *ctx, size_t t, uint32_t chunk)
{
    (void)t;
    struct refusal_check *rc = ctx;
    struct normal *n = rc->n;
    uint64_t pairs = 0, transitions = 0;
    uint32_t k = chunk * NODE_CHUNK, end = n->nnodes - k < NODE_CHUNK ? n->nnodes : k + NODE_CHUNK;
    for (; k < end && !atomic_load_explicit(&rc->found, memory_order_relaxed); k++) {
        const struct node *nd = &n->nodes[k];
        pairs += nd->nmembers;
        for (uint32_t i = 0; i < nd->nmembers; i++) {
            uint32_t nt;
            const uint32_t *tr = spec_trans(n, n->pool.v[nd->members + i], &nt);
            if (n->failed) return false;
            transitions += nt;
            if (nt > 0 && tr[0] == EV_TAU) continue;  /* not stable */
            /* Events sort tau, ✓, visible; a state's pairs are sorted, without repeats. */
            uint32_t offered = 0;
            if (nt > 0 && tr[0] == EV_TICK) offered = 1;
            else
                for (uint32_t j = 0; j < nt; j++) offered += j == 0 || tr[2 * j] != tr[2 * j - 2];
            if (offered < nd->nsucc) {
                atomic_store(&rc->found, true);
                break;
            }
        }
    }
    atomic_fetch_add(&rc->pairs, pairs);
    atomic_fetch_add(&rc->transitions, transitions);
    return true;
}

int norm_refuses_own_initials(struct normal *n, uint64_t *pairs, uint64_t *transitions)
{
    *pairs = *transitions = 0;
    /* Every node made first (nothing to do once the form is complete); then the check only
     * reads, on every thread when the specification's states were numbered. */
    for (uint32_t k = 0; k < n->nnodes; k++)
        if (!poll(n) || !expand(n, k)) return -1;
    struct refusal_check rc = {.n = n};
    struct chunks run = {.n = n, .threads = phase_threads(n)};
    if (!each_chunk(&run, (n->nnodes + NODE_CHUNK - 1) / NODE_CHUNK, refusal_chunk, &rc))
        return -1;
    *pairs = atomic_load(&rc.pairs);
    *transitions = atomic_load(&rc.transitions);
    return atomic_load(&rc.found);
}

bool norm_divergent(struct normal *n, uint32_t node)
{
    return expand(n, node) && n->nodes[node].divergent;
}

static bool subset(const uint32_t *a, uint32_t na, const uint32_t *b, size_t nb)
{
    size_t j = 0;
    for (uint32_t i = 0; i < na; i++) {
        while (j < nb && b[j] < a[i]) j++;
        if (j == nb || b[j] != a[i]) return false;
    }
    return true;
}

bool norm_accepts(struct normal *n, uint32_t node, const uint32_t *offered, size_t count)
{
    if (!expand(n, node)) return false;
    const struct node *nd = &n->nodes[node];
    const uint32_t *a = n->pool.v + nd->acc;
    for (uint32_t k = 0; k < nd->nacc; k++, a += 1 + a[0])
        if (subset(a + 1, a[0], offered, count)) return true;
    return false;
}

const uint32_t *norm_missing(struct normal *n, uint32_t node, const uint32_t *offered,
                             size_t count, size_t *missing)
{
    *missing = 0;
    if (!expand(n, node)) return NULL;
    const struct node *nd = &n->nodes[node];
    const uint32_t *a = n->pool.v + nd->acc;
    n->scratch.n = 0;
    if (!vec32_room(&n->scratch, 1)) return NULL;  /* (never NULL for an empty answer) */
    for (uint32_t k = 0; k < nd->nacc; k++, a += 1 + a[0])
        for (uint32_t i = 0; i < a[0]; i++)
            if (!subset(a + 1 + i, 1, offered, count) && !vec32_push(&n->scratch, a[1 + i]))
                return NULL;
    *missing = sorted_unique(n->scratch.v, n->scratch.n);
    return n->scratch.v;
}

/* ---- refusal testing and revivals ----
 *
 * Both models see a refusal only in a stable state, and (as in the failures models above) a
 * state that can terminate is not stable for this purpose: ✓ is the environment's to see,
 * not to refuse, so Roscoe treats a state offering ✓ as one that can silently become the
 * terminated state Ω.  A member that matters here is therefore one with neither tau nor ✓;
 * its initials A are its acceptance, and it can refuse X and then perform a exactly when
 * A ∩ X = ∅ and a ∈ A.  For an implementation state offering exactly I (so refusing Σ \ I,
 * the most it can refuse) that is a ∈ A ⊆ I. */

/* The node's stable groups in rpool: a count, then per group na, its na initials (sorted),
 * nm, its nm members.  NULL when out of memory. */
static const uint32_t *stable_groups(struct normal *n, uint32_t node)
{
    if (node >= n->groups_cap) {
        uint32_t cap = n->groups_cap ? n->groups_cap : 64;
        while (cap <= node) cap *= 2;
        uint32_t *g = realloc(n->groups, cap * sizeof *g);
        if (!g) return NULL;
        memset(g + n->groups_cap, 0, (cap - n->groups_cap) * sizeof *g);
        n->groups = g;
        n->groups_cap = cap;
    }
    if (n->groups[node]) return n->rpool.v + n->groups[node] - 1;
    /* The stable members and their initials (a state's transitions are sorted by event, so
     * its initials come sorted; duplicates are skipped). */
    uint32_t nm = n->nodes[node].nmembers, nstable = 0;
    uint32_t *who = malloc((nm ? nm : 1) * sizeof *who);    /* stable members */
    uint32_t *from = malloc((nm ? nm : 1) * sizeof *from);  /* their initials in `inits` */
    uint32_t *len = malloc((nm ? nm : 1) * sizeof *len);
    struct vec32 inits = {0};
    if (!who || !from || !len) n->failed = true;
    for (uint32_t i = 0; i < nm && !n->failed; i++) {
        uint32_t s = n->pool.v[n->nodes[node].members + i], nt;
        const uint32_t *t = spec_trans(n, s, &nt);
        if (n->failed) break;
        if (nt && (t[0] == EV_TAU || t[0] == EV_TICK)) continue;
        who[nstable] = s;
        from[nstable] = (uint32_t)inits.n;
        for (uint32_t k = 0; k < nt; k++)
            if ((k == 0 || t[2 * k - 2] != t[2 * k]) && !vec32_push(&inits, t[2 * k]))
                n->failed = true;
        len[nstable] = (uint32_t)inits.n - from[nstable];
        nstable++;
    }
    /* Grouped by equal initials, quadratically: a node rarely has many stable members.  A
     * member taken into an earlier group has its length set to UINT32_MAX. */
    size_t start = n->rpool.n;
    uint32_t ngroups = 0;
    if (!n->failed && !vec32_push(&n->rpool, 0)) n->failed = true;
    for (uint32_t i = 0; i < nstable && !n->failed; i++) {
        if (len[i] == UINT32_MAX) continue;
        uint32_t na = len[i];
        const uint32_t *A = na ? inits.v + from[i] : NULL;  /* (inits.v is NULL for STOPs) */
        if (!vec32_push(&n->rpool, na)) n->failed = true;
        for (uint32_t k = 0; k < na; k++)
            if (!vec32_push(&n->rpool, A[k])) n->failed = true;
        size_t count_at = n->rpool.n;
        if (!vec32_push(&n->rpool, 0)) n->failed = true;
        for (uint32_t j = i; j < nstable && !n->failed; j++) {
            if (len[j] != na || (na && memcmp(inits.v + from[j], A, na * sizeof *A) != 0)) continue;
            if (!vec32_push(&n->rpool, who[j])) n->failed = true;
            else n->rpool.v[count_at]++;
            len[j] = UINT32_MAX;
        }
        ngroups++;
    }
    free(who);
    free(from);
    free(len);
    free(inits.v);
    if (n->failed) return NULL;
    n->rpool.v[start] = ngroups;
    n->groups[node] = (uint32_t)start + 1;
    return n->rpool.v + start;
}

/* Does group g (at its na) have event ∈ A ⊆ offered? */
static bool group_fits(const uint32_t *g, uint32_t event, const uint32_t *offered, size_t count)
{
    return sorted_has(g + 1, g[0], event) && (!offered || subset(g + 1, g[0], offered, count));
}

bool norm_revives(struct normal *n, uint32_t node, const uint32_t *offered, size_t count,
                  uint32_t event)
{
    const uint32_t *gs = stable_groups(n, node);
    if (!gs) return false;
    const uint32_t *g = gs + 1;
    for (uint32_t k = 0; k < gs[0]; k++, g += 2 + g[0] + g[1 + g[0]])
        if (group_fits(g, event, offered, count)) return true;
    return false;
}

bool norm_prepare_revivals(struct normal *n)
{
    for (uint32_t node = 0; node < n->nnodes; node++)
        if (!stable_groups(n, node) || n->failed) return false;
    return true;
}

const uint32_t *norm_revival_missing(struct normal *n, uint32_t node, const uint32_t *offered,
                                     size_t count, uint32_t event, size_t *missing)
{
    *missing = 0;
    const uint32_t *gs = stable_groups(n, node);
    if (!gs) return NULL;
    n->scratch.n = 0;
    if (!vec32_room(&n->scratch, 1)) return NULL;  /* (never NULL for an empty answer) */
    const uint32_t *g = gs + 1;
    for (uint32_t k = 0; k < gs[0]; k++, g += 2 + g[0] + g[1 + g[0]]) {
        if (!sorted_has(g + 1, g[0], event)) continue;
        for (uint32_t i = 0; i < g[0]; i++)
            if (!sorted_has(offered, count, g[1 + i]) && !vec32_push(&n->scratch, g[1 + i]))
                return NULL;
    }
    *missing = sorted_unique(n->scratch.v, n->scratch.n);
    return n->scratch.v;
}

const uint32_t *norm_refused(struct normal *n, uint32_t node, const uint32_t *offered,
                             size_t count, size_t *refused)
{
    *refused = 0;
    const uint32_t *gs = stable_groups(n, node);
    if (!gs) return NULL;
    n->scratch.n = 0;
    if (!vec32_room(&n->scratch, 1)) return NULL;  /* (never NULL for an empty answer) */
    const uint32_t *g = gs + 1;
    for (uint32_t k = 0; k < gs[0]; k++, g += 2 + g[0] + g[1 + g[0]])
        for (uint32_t i = 0; i < g[0]; i++)
            if (!sorted_has(offered, count, g[1 + i]) && !vec32_push(&n->scratch, g[1 + i]))
                return NULL;
    *refused = sorted_unique(n->scratch.v, n->scratch.n);
    return n->scratch.v;
}

static bool grow_steps(struct normal *n)
{
    size_t cap = n->steps_cap ? 2 * n->steps_cap : 256;
    struct refusal_step *v = calloc(cap, sizeof *v);
    if (!v) return false;
    for (size_t i = 0; i < n->steps_cap; i++) {
        if (!n->steps[i].hash) continue;
        size_t j = n->steps[i].hash & (cap - 1);
        while (v[j].hash) j = (j + 1) & (cap - 1);
        v[j] = n->steps[i];
    }
    free(n->steps);
    n->steps = v;
    n->steps_cap = cap;
    return true;
}

int norm_after_refusal(struct normal *n, uint32_t node, const uint32_t *offered, size_t count,
                       uint32_t *to)
{
    if (n->failed) return -1;
    uint32_t h = hash_ids(offered, count) ^ (node * 0x9E3779B9u);
    if (!h) h = 1;
    if ((n->nsteps + 1) * 2 > n->steps_cap && !grow_steps(n)) {
        n->failed = true;
        return -1;
    }
    size_t i = h & (n->steps_cap - 1);
    for (; n->steps[i].hash; i = (i + 1) & (n->steps_cap - 1)) {
        const struct refusal_step *x = &n->steps[i];
        if (x->hash == h && x->node == node && x->noffered == count &&
            memcmp(n->rpool.v + x->offered, offered, count * sizeof *offered) == 0) {
            memcpy(to, n->rpool.v + x->to, count * sizeof *to);
            return 0;
        }
    }
    /* Not seen: per event, its targets from every stable member that could refuse what the
     * implementation refuses and still perform it. */
    if (!stable_groups(n, node)) {
        n->failed = true;
        return -1;
    }
    size_t at = n->groups[node] - 1;
    struct vec32 targets = {0};
    for (size_t e = 0; e < count && !n->failed; e++) {
        targets.n = 0;
        for (uint32_t k = 0, g = (uint32_t)at + 1; k < n->rpool.v[at]; k++) {
            const uint32_t *gp = n->rpool.v + g;
            uint32_t na = gp[0], nm = gp[1 + na];
            bool fits = group_fits(gp, offered[e], offered, count);
            for (uint32_t j = 0; fits && j < nm; j++) {
                uint32_t nt;
                const uint32_t *t = spec_trans(n, n->rpool.v[g + 2 + na + j], &nt);
                for (uint32_t q = 0; t && q < nt; q++)
                    if (t[2 * q] == offered[e] && !vec32_push(&targets, t[2 * q + 1]))
                        n->failed = true;
            }
            g += 2 + na + nm;
        }
        to[e] = NORM_NONE;
        if (!n->failed && targets.n) to[e] = node_of(n, targets.v, targets.n);
        if (to[e] == NORM_ERROR) n->failed = true;
    }
    free(targets.v);
    if (n->failed) return -1;
    /* Remember the answer: the offered set and the nodes, in rpool. */
    uint32_t off = (uint32_t)n->rpool.n;
    for (size_t k = 0; k < count; k++)
        if (!vec32_push(&n->rpool, offered[k])) n->failed = true;
    for (size_t k = 0; k < count; k++)
        if (!vec32_push(&n->rpool, to[k])) n->failed = true;
    if (n->failed) return -1;
    n->steps[i] = (struct refusal_step){node, off, (uint32_t)count, h, off + (uint32_t)count};
    n->nsteps++;
    return 0;
}

/* ---- refusal testing on several cores ----
 *
 * norm_after_refusal works out a (node, offered) step when a search first meets it, which
 * changes the normal form — one thread's work.  For a search on several cores every step is
 * worked out beforehand: after refusing everything outside I and performing a, the members
 * that could have done so are those of the stable groups with a ∈ A ⊆ I, so the node after
 * depends on I only through the set of groups offering a that fit in I.  Of the 2^c sets of c
 * such groups only the *closed* ones can be that set: the groups whose initials lie in the
 * union of the set's own (a set S fits in I, so the union U does; every group within U fits in
 * I too, so it is in S).  When the groups' initials nest or overlap, as they do on real
 * scripts, there are far fewer closed sets than 2^c; each gives one node, made (and completed
 * in its turn).  Past REFUSAL_GROUPS groups on one event, or REFUSAL_SETS closed sets on one
 * node (all its events' together, 12 bytes a set: a node's steps stay near 12 KiB), that is
 * too many, and the check stays on one core. */

enum { REFUSAL_GROUPS = 64, REFUSAL_SETS = 1024, SETS_SEEN = 2 * REFUSAL_SETS };

/* The closed set of groups (see above) a stable implementation offering the union of the
 * initials of the groups in `set` leaves: the groups of `offering` (rpool offsets) whose
 * initials lie in that union.  Sets are masks over `offering`. */
static uint64_t closure_of(const struct normal *n, struct work *wk, const struct vec32 *offering,
                           uint64_t set)
{
    struct vec32 *u = &wk->offered;
    u->n = 0;
    for (uint32_t j = 0; j < offering->n; j++) {
        if (!(set >> j & 1)) continue;
        const uint32_t *g = n->rpool.v + offering->v[j];
        for (uint32_t i = 0; i < g[0]; i++)
            if (!vec32_push(u, g[1 + i])) wk->oom = true;
    }
    u->n = sorted_unique(u->v, u->n);
    uint64_t closed = 0;
    for (uint32_t j = 0; j < offering->n; j++) {
        const uint32_t *g = n->rpool.v + offering->v[j];
        if (subset(g + 1, g[0], u->v, u->n)) closed |= 1ull << j;
    }
    return closed | set;  /* (set is in it already, unless out of memory) */
}

static size_t set_home(uint64_t set)
{
    return (size_t)(set * 0x9e3779b97f4a7c15ull >> 53) & (SETS_SEEN - 1);
}

/* Keeps closed set `set` in wk->sets unless it is there; false when there would be more
 * than `most`. */
static bool keep_set(struct work *wk, uint64_t set, size_t most)
{
    size_t i = set_home(set);
    for (; wk->sets_seen[i]; i = (i + 1) & (SETS_SEEN - 1))
        if (wk->sets_seen[i] == set) return true;
    if (wk->nsets == most) return false;
    wk->sets_seen[i] = set;
    wk->sets[wk->nsets++] = set;
    return true;
}

static int by_mask(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Every closed set of the groups `offering` (nonempty, as masks) into wk->sets, by increasing
 * mask.  A closed set S is the closure of its groups added one at a time, each closure along
 * the way within S, so closing every set found with each group it lacks, from the single
 * groups' closures on, finds them all.  False when out of memory or past `most` sets. */
static bool closed_sets(const struct normal *n, struct work *wk, const struct vec32 *offering,
                        size_t most)
{
    if (!wk->sets || !wk->sets_seen) {
        free(wk->sets);
        free(wk->sets_seen);
        wk->nsets = 0;
        wk->sets = malloc(REFUSAL_SETS * sizeof *wk->sets);
        wk->sets_seen = calloc(SETS_SEEN, sizeof *wk->sets_seen);
        if (!wk->sets || !wk->sets_seen) return !(wk->oom = true);
    }
    /* Empty the hash set of the last call's sets — most entries have one or two, so this is
     * far cheaper than clearing it all.  Each is on its probe path from its home, the slots
     * before it maybe emptied already: look for the set itself, not for a gap. */
    for (size_t k = 0; k < wk->nsets; k++) {
        size_t i = set_home(wk->sets[k]);
        while (wk->sets_seen[i] != wk->sets[k]) i = (i + 1) & (SETS_SEEN - 1);
        wk->sets_seen[i] = 0;
    }
    wk->nsets = 0;
    uint32_t c = (uint32_t)offering->n;
    for (uint32_t j = 0; j < c; j++)
        if (!keep_set(wk, closure_of(n, wk, offering, 1ull << j), most)) return false;
    for (size_t i = 0; i < wk->nsets; i++)
        for (uint32_t j = 0; j < c; j++)
            if (!(wk->sets[i] >> j & 1) &&
                !keep_set(wk, closure_of(n, wk, offering, wk->sets[i] | 1ull << j), most))
                return false;
    qsort(wk->sets, wk->nsets, sizeof *wk->sets, by_mask);
    return !wk->oom;
}

/* Node `node`'s refusal steps, worked out on work wk (its stable groups made beforehand) into
 * `out`: the count of its entries, then each entry as rtab holds it (see struct normal) — but
 * with a node not made yet given as LATER | its offset in `later` (hash, count, sorted
 * members).  False when out of memory, past a limit, or with too many groups or sets of them.
 * Reads the normal form only: threads may work out different nodes' steps at once. */
static bool refusal_entries(struct normal *n, struct work *wk, uint32_t node, struct vec32 *out,
                            struct vec32 *later)
{
    size_t at = n->groups[node] - 1;
    uint32_t ngroups = n->rpool.v[at];
    struct vec32 *events = &wk->accs, *offering = &wk->minimal, *targets = &wk->targets;
    events->n = 0;
    bool ok = true;
    for (uint32_t k = 0, g = (uint32_t)at + 1; k < ngroups && ok; k++) {
        uint32_t na = n->rpool.v[g], nm = n->rpool.v[g + 1 + na];
        for (uint32_t i = 0; i < na && ok; i++) ok = vec32_push(events, n->rpool.v[g + 1 + i]);
        g += 2 + na + nm;
    }
    size_t nevents = ok ? sorted_unique(events->v, events->n) : 0, room = REFUSAL_SETS;
    ok = ok && vec32_push(out, (uint32_t)nevents);
    for (size_t e = 0; e < nevents && ok; e++) {
        uint32_t a = events->v[e];
        offering->n = 0;
        for (uint32_t k = 0, g = (uint32_t)at + 1; k < ngroups && ok; k++) {
            uint32_t na = n->rpool.v[g], nm = n->rpool.v[g + 1 + na];
            if (sorted_has(n->rpool.v + g + 1, na, a)) ok = vec32_push(offering, g);
            g += 2 + na + nm;
        }
        uint32_t c = (uint32_t)offering->n;
        if (!ok || c > REFUSAL_GROUPS || !closed_sets(n, wk, offering, room)) return false;
        room -= wk->nsets;
        ok = vec32_push(out, a) && vec32_push(out, c);
        for (uint32_t j = 0; j < c && ok; j++) ok = vec32_push(out, offering->v[j]);
        ok = ok && vec32_push(out, (uint32_t)wk->nsets);
        for (size_t i = 0; i < wk->nsets && ok; i++) {
            uint64_t set = wk->sets[i];
            targets->n = 0;
            for (uint32_t j = 0; j < c && ok; j++) {
                if (!(set >> j & 1)) continue;
                uint32_t g = offering->v[j], na = n->rpool.v[g], nm = n->rpool.v[g + 1 + na];
                for (uint32_t m = 0; m < nm && ok; m++) {
                    uint32_t nt;
                    const uint32_t *t = spec_trans(n, n->rpool.v[g + 2 + na + m], &nt);
                    if (n->failed) return false;
                    for (uint32_t q = 0; ok && q < nt; q++)
                        if (t[2 * q] == a) ok = vec32_push(targets, t[2 * q + 1]);
                }
            }
            uint32_t to = ok ? node_or_later(n, wk, targets->v, targets->n, later) : NORM_ERROR;
            ok = to != NORM_ERROR && vec32_push(out, (uint32_t)set) &&
                 vec32_push(out, (uint32_t)(set >> 32)) && vec32_push(out, to);
        }
    }
    return ok && !wk->oom;
}

/* The node of a closure kept in `later` (hash, count, sorted members), made if new;
 * NORM_ERROR when out of memory. */
static uint32_t intern(struct normal *n, const uint32_t *c)
{
    uint32_t h = c[0], m = c[1];
    for (size_t i = h & (n->index_cap - 1); n->index[i]; i = (i + 1) & (n->index_cap - 1)) {
        uint64_t e = n->index[i];
        const struct node *nd = &n->nodes[(uint32_t)e - 1];
        if (e >> 32 == h && nd->nmembers == m &&
            memcmp(n->pool.v + nd->members, c + 2, m * sizeof *c) == 0)
            return (uint32_t)e - 1;
    }
    return add_node(n, c + 2, m, h);
}

/* Appends node `node`'s refusal steps, as refusal_entries left them at rec, to rtab (nodes
 * are done in order, so rfirst[node] is the next entry), making the nodes not made yet in
 * the order they are met.  False when out of memory. */
static bool settle_refusal_steps(struct normal *n, const uint32_t *rec, const uint32_t *later)
{
    if (!vec32_push(&n->rfirst, (uint32_t)n->roff.n)) return false;
    const uint32_t *p = rec + 1;
    for (uint32_t e = 0; e < rec[0]; e++) {
        uint32_t c = p[1], nsets = p[2 + c], words = 3 + c + 3 * nsets;
        if (!vec32_push(&n->roff, (uint32_t)n->rtab.n) || !vec32_room(&n->rtab, words))
            return false;
        memcpy(n->rtab.v + n->rtab.n, p, words * sizeof *p);
        for (uint32_t i = 3 + c + 2; i < words; i += 3) {  /* each set's node */
            uint32_t to = p[i];
            if (to & LATER && (to = intern(n, later + (to & ~LATER))) == NORM_ERROR) return false;
            n->rtab.v[n->rtab.n + i] = to;  /* (rtab did not move: room was made above) */
        }
        n->rtab.n += words;
        p += words;
    }
    return true;
}

/* Node `node`'s refusal steps, into rtab, on one thread (after every node before it).  False
 * when out of memory, past a limit, or with too many groups. */
static bool refusal_steps(struct normal *n, uint32_t node)
{
    struct vec32 out = {0}, later = {0};
    bool ok = stable_groups(n, node) && !n->failed &&
              refusal_entries(n, &n->w, node, &out, &later) &&
              settle_refusal_steps(n, out.v, later.v);
    free(out.v);
    free(later.v);
    if (!ok) n->failed = true;
    return ok;
}

/* Every thread's part of the refusal steps of nodes [lo, hi): per node its maker and the
 * offset of its record in the maker's `out`. */
struct steps {
    struct normal *n;
    struct maker *m;
    uint32_t lo, hi;
    uint64_t *at;
};

static bool steps_chunk(void *ctx, size_t t, uint32_t chunk)
{
    struct steps *st = ctx;
    struct maker *mk = &st->m[t];
    uint32_t k = st->lo + chunk * NODE_CHUNK;
    uint32_t end = st->hi - k < NODE_CHUNK ? st->hi : k + NODE_CHUNK;
    for (; k < end; k++) {
        st->at[k - st->lo] = (uint64_t)t << 32 | mk->out.n;
        if (!refusal_entries(st->n, &mk->wk, k, &mk->out, &mk->later)) return false;
    }
    return true;
}

/* The refusal steps of nodes [lo, hi), every one before them done: worked out on every
 * thread (the specification's states numbered), then appended in node order on one, the
 * nodes not made yet made as met — so numbered as refusal_steps, node by node, numbers them.
 * A slice of STEPS_SLICE nodes at a time, so that what the threads work out waits in memory
 * for a slice only.  False when out of memory, past a limit, or with too many groups. */
enum { STEPS_SLICE = 1 << 16 };

static bool refusal_steps_apart(struct normal *n, uint32_t lo, uint32_t hi)
{
    for (uint32_t k = lo; k < hi; k++)  /* (stable groups grow rpool: one thread) */
        if (!stable_groups(n, k) || n->failed) return false;
    size_t threads = phase_threads(n);
    struct steps st = {n, makers_new(threads), lo, lo, malloc((size_t)STEPS_SLICE * sizeof *st.at)};
    bool ok = st.m && st.at;
    struct chunks run = {.n = n, .threads = threads};
    for (; ok && st.lo < hi; st.lo = st.hi) {
        st.hi = hi - st.lo < STEPS_SLICE ? hi : st.lo + STEPS_SLICE;
        for (size_t t = 0; t < threads; t++) st.m[t].out.n = st.m[t].later.n = 0;
        ok = each_chunk(&run, (st.hi - st.lo + NODE_CHUNK - 1) / NODE_CHUNK, steps_chunk, &st);
        for (uint32_t k = st.lo; ok && k < st.hi; k++) {
            const struct maker *mk = &st.m[st.at[k - st.lo] >> 32];
            ok = poll(n) &&
                 settle_refusal_steps(n, mk->out.v + (uint32_t)st.at[k - st.lo], mk->later.v);
        }
    }
    makers_free(st.m, threads);
    free(st.at);
    if (!ok) n->failed = true;
    return ok;
}

uint32_t norm_refusal_after(const struct normal *n, uint32_t node, uint32_t event,
                            const uint32_t *offered, size_t count)
{
    const uint32_t *off = n->roff.v, *tab = n->rtab.v;
    uint32_t lo = n->rfirst.v[node], hi = n->rfirst.v[node + 1];
    while (lo < hi) {  /* the node's entries are by event */
        uint32_t mid = lo + (hi - lo) / 2;
        if (tab[off[mid]] < event)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == n->rfirst.v[node + 1] || tab[off[lo]] != event) return NORM_NONE;
    const uint32_t *e = tab + off[lo];
    uint32_t c = e[1];
    uint64_t set = 0;
    for (uint32_t j = 0; j < c; j++) {
        const uint32_t *g = n->rpool.v + e[2 + j];
        if (subset(g + 1, g[0], offered, count)) set |= 1ull << j;
    }
    if (!set) return NORM_NONE;
    /* The set is closed (see above), so it is among the entry's sets. */
    const uint32_t *sets = e + 3 + c;
    uint32_t a = 0, z = e[2 + c];
    while (a < z) {
        uint32_t mid = a + (z - a) / 2;
        uint64_t m = (uint64_t)sets[3 * mid + 1] << 32 | sets[3 * mid];
        if (m == set) return sets[3 * mid + 2];
        if (m < set)
            a = mid + 1;
        else
            z = mid;
    }
    return NORM_ERROR;
}
