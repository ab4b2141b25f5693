/* cset.c — the compact concurrent state set (see cset.h).
 *
 * A state s of b bits is kept as h = perm(s), a bijection on b bits.  h's top SEG bits name
 * its segment, the next k bits (k the segment's size) its home bucket, and the remaining
 * r = b - SEG - k bits — the quotient q — are all a slot stores, beside a 3-bit code: how many
 * buckets past its home the state went, plus one (so a used slot is never 0).  Recovering h
 * from a slot is (segment, bucket - code + 1, q): growth needs nothing else. */
#include "checker/cset.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "checker/bigmem.h"
#include "checker/limits.h"
#include "checker/prefetch.h"

enum {
    SEG_BITS = 6,                 /* 64 segments */
    LINE = 64,                    /* bytes in a bucket: a cache line */
    MAX_DISP = 6,                 /* buckets past home a state may go (the code is 3 bits) */
    NARROW_MAX = 29,              /* quotient bits a 32-bit slot holds beside the code */
    FIRST_K = 2,                  /* a new segment has 4 buckets */
};

/* Segments smaller than a huge page share one mapping (so a set of a few MB is still backed
 * by huge pages, and its probes do not miss the TLB); from a huge page up each is a mapping
 * of its own, grown and freed on its own. */
#define ALONE ((size_t)2 << 20)

struct segment {
    void *slots;                  /* 2^k buckets of LINE bytes */
    uint32_t k;                   /* bucket-index bits */
    uint32_t r;                   /* quotient bits */
    bool wide;                    /* 64-bit slots (the quotient does not fit 29 bits) */
    bool alone;                   /* a mapping of its own, not part of `packed` */
};

struct cset {
    uint32_t bits, seg_bits;
    struct segment seg[1 << SEG_BITS];
    atomic_size_t bytes;
    void *packed, *packed_next;   /* the shared mapping of the small segments, and the one a
                                     growth is moving them to */
    size_t packed_bytes, packed_next_bytes;
    /* The overflow table: permuted forms, open addressing, 0 for an empty slot (h + 1 is
     * stored, as h may be 0). */
    pthread_mutex_t lock;
    uint64_t *over;
    size_t over_cap, over_n;      /* over_n counts over_max too */
    bool over_max;                /* 2^64 - 1, which h + 1 cannot name, is in the overflow */
};

/* ---- the permutation ---- */

static uint64_t mask_of(uint32_t bits)
{
    return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

/* A bijection on b-bit numbers: xor-shifts and odd multiplications modulo 2^b, each
 * invertible; the multiplications carry low bits up into the top bits that choose the
 * bucket, the shifts carry high bits down. */
uint64_t cset_hash(const struct cset *s, uint64_t x)
{
    uint32_t b = s->bits, sh = (b + 1) / 2;
    uint64_t m = mask_of(b);
    x ^= x >> sh;
    x = x * 0xBF58476D1CE4E5B9ull & m;
    x ^= x >> sh;
    x = x * 0x94D049BB133111EBull & m;
    x ^= x >> sh;
    return x;
}

/* ---- segments ---- */

static size_t slots_per_bucket(const struct segment *g)
{
    return g->wide ? LINE / 8 : LINE / 4;
}

static size_t segment_bytes(const struct segment *g)
{
    return ((size_t)1 << g->k) * LINE;
}

/* Makes segment i's slots for 2^k buckets: in packed_next when small, else alone. */
static bool segment_make(struct cset *s, struct segment *g, uint32_t i, uint32_t k)
{
    g->k = k;
    g->r = s->bits - s->seg_bits - k;
    g->wide = g->r > NARROW_MAX;
    g->alone = segment_bytes(g) >= ALONE;
    if (!g->alone) {
        g->slots = (char *)s->packed_next + i * segment_bytes(g);
        return true;
    }
    g->slots = big_calloc_now(segment_bytes(g));
    if (!g->slots) return false;
    atomic_fetch_add(&s->bytes, segment_bytes(g));
    return true;
}

static void segment_release(struct cset *s, struct segment *g)
{
    if (!g->slots || !g->alone) return;
    big_free(g->slots, segment_bytes(g));
    atomic_fetch_sub(&s->bytes, segment_bytes(g));
    g->slots = NULL;
}

/* The packed mapping for segments of 2^k buckets, unless they are big enough to be alone. */
static bool packed_make(struct cset *s, uint32_t k, const struct chk_limits *lim)
{
    size_t one = ((size_t)1 << k) * LINE;
    s->packed_next = NULL;
    s->packed_next_bytes = 0;
    if (one >= ALONE) return true;
    size_t n = one * cset_segments(s);
    if (!chk_memory_fits(lim, n) || !(s->packed_next = big_calloc_now(n))) return false;
    s->packed_next_bytes = n;
    atomic_fetch_add(&s->bytes, n);
    return true;
}

struct cset *cset_new(uint32_t bits)
{
    if (bits < 1 || bits > 64) return NULL;
    struct cset *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->bits = bits;
    s->seg_bits = bits < SEG_BITS ? bits : SEG_BITS;
    uint32_t k = bits - s->seg_bits < FIRST_K ? bits - s->seg_bits : FIRST_K;
    pthread_mutex_init(&s->lock, NULL);
    atomic_init(&s->bytes, sizeof *s);
    bool ok = packed_make(s, k, NULL);
    s->packed = s->packed_next;
    s->packed_bytes = s->packed_next_bytes;
    for (uint32_t i = 0; ok && i < cset_segments(s); i++) ok = segment_make(s, &s->seg[i], i, k);
    if (!ok) {
        cset_free(s);
        return NULL;
    }
    return s;
}

void cset_free(struct cset *s)
{
    if (!s) return;
    for (uint32_t i = 0; i < cset_segments(s); i++) segment_release(s, &s->seg[i]);
    if (s->packed_next != s->packed) big_free(s->packed_next, s->packed_next_bytes);
    big_free(s->packed, s->packed_bytes);
    free(s->over);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

uint32_t cset_segments(const struct cset *s)
{
    return 1u << s->seg_bits;
}

/* Where h lives: its segment, home bucket and quotient. */
static inline struct segment *locate(const struct cset *s, uint64_t h, size_t *home, uint64_t *q)
{
    const struct segment *g = &s->seg[h >> (s->bits - s->seg_bits)];
    *home = (size_t)(h >> g->r) & (((size_t)1 << g->k) - 1);
    *q = h & mask_of(g->r);
    return (struct segment *)g;
}

/* The home bucket is fetched for writing: a new state is written there by a compare-and-swap
 * (see prefetch_for_write).  The next bucket is only read (fetched for writing it measured no
 * better): near the set's growth point a home is full one time in three, and the probe goes
 * on there. */
void cset_prefetch(const struct cset *s, uint64_t h)
{
    size_t home;
    uint64_t q;
    const struct segment *g = locate(s, h, &home, &q);
    prefetch_for_write((const char *)g->slots + home * LINE);
    __builtin_prefetch((const char *)g->slots + ((home + 1) & (((size_t)1 << g->k) - 1)) * LINE);
}

/* ---- the overflow table ---- */

static uint64_t mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x9E3779B97F4A7C15ull;
    return x ^ x >> 29;
}

/* Adds h (with the lock held): 1 new, 0 there, -1 out of memory. */
static int over_add(struct cset *s, uint64_t h)
{
    if (h == UINT64_MAX) {
        if (s->over_max) return 0;
        s->over_max = true;
        s->over_n++;
        return 1;
    }
    if ((s->over_n + 1) * 2 > s->over_cap) {
        size_t cap = s->over_cap ? 2 * s->over_cap : 64;
        uint64_t *t = calloc(cap, sizeof *t);
        if (!t) return -1;
        for (size_t i = 0; i < s->over_cap; i++) {
            if (!s->over[i]) continue;
            size_t j = mix(s->over[i]) & (cap - 1);
            while (t[j]) j = (j + 1) & (cap - 1);
            t[j] = s->over[i];
        }
        free(s->over);
        atomic_fetch_add(&s->bytes, (cap - s->over_cap) * sizeof *t);
        s->over = t;
        s->over_cap = cap;
    }
    size_t j = mix(h + 1) & (s->over_cap - 1);
    for (; s->over[j]; j = (j + 1) & (s->over_cap - 1))
        if (s->over[j] == h + 1) return 0;
    s->over[j] = h + 1;
    s->over_n++;
    return 1;
}

static int overflow(struct cset *s, uint64_t h)
{
    pthread_mutex_lock(&s->lock);
    int r = over_add(s, h);
    pthread_mutex_unlock(&s->lock);
    return r;
}

/* ---- insertion ---- */

/* The probe, for either slot width: 1 new, 0 there, 2 past MAX_DISP buckets.  A slot goes
 * from 0 to its value once; a compare-and-swap that loses shows the winner's value, which is
 * then compared like any other. */
#define PROBE(T, g, home, q)                                                                   \
    do {                                                                                       \
        size_t mask_ = ((size_t)1 << (g)->k) - 1, per_ = LINE / sizeof(T);                     \
        for (uint32_t d_ = 0; d_ <= MAX_DISP; d_++) {                                          \
            _Atomic(T) *line_ = (_Atomic(T) *)(g)->slots + (((home) + d_) & mask_) * per_;     \
            T want_ = (T)((q) << 3 | (d_ + 1));                                                \
            for (size_t j_ = 0; j_ < per_; j_++) {                                             \
                T cur_ = atomic_load_explicit(&line_[j_], memory_order_relaxed);               \
                if (cur_ == 0 &&                                                               \
                    atomic_compare_exchange_strong_explicit(&line_[j_], &cur_, want_,          \
                                                            memory_order_relaxed,              \
                                                            memory_order_relaxed))             \
                    return 1;                                                                  \
                if (cur_ == want_) return 0;                                                   \
            }                                                                                  \
        }                                                                                      \
        return 2;                                                                              \
    } while (0)

#ifdef __SSE2__
/* The narrow probe with SSE2: a bucket's 16 slots compared with the wanted value and with 0 in
 * four instructions, instead of a loop of up to 16 unpredictable branches.  The vector read is
 * only a hint — a slot it sees full is full for good, and one it sees empty is taken by a
 * compare-and-swap that settles any race, as in PROBE. */
static int probe32(const struct segment *g, size_t home, uint64_t q)
{
    size_t mask = ((size_t)1 << g->k) - 1;
    for (uint32_t d = 0; d <= MAX_DISP; d++) {
        _Atomic(uint32_t) *line = (_Atomic(uint32_t) *)g->slots + ((home + d) & mask) * 16;
        uint32_t want = (uint32_t)(q << 3 | (d + 1));
        const __m128i *v = (const __m128i *)(const void *)line;
        __m128i w = _mm_set1_epi32((int)want), z = _mm_setzero_si128();
        __m128i a = _mm_load_si128(v), b = _mm_load_si128(v + 1), c = _mm_load_si128(v + 2),
                e = _mm_load_si128(v + 3);
        /* one bit per byte: 4 bits a slot */
        unsigned eq = (unsigned)_mm_movemask_epi8(_mm_packs_epi16(
                          _mm_packs_epi32(_mm_cmpeq_epi32(a, w), _mm_cmpeq_epi32(b, w)),
                          _mm_packs_epi32(_mm_cmpeq_epi32(c, w), _mm_cmpeq_epi32(e, w))));
        if (eq) return 0;
        unsigned empty = (unsigned)_mm_movemask_epi8(_mm_packs_epi16(
                             _mm_packs_epi32(_mm_cmpeq_epi32(a, z), _mm_cmpeq_epi32(b, z)),
                             _mm_packs_epi32(_mm_cmpeq_epi32(c, z), _mm_cmpeq_epi32(e, z))));
        for (unsigned j = empty ? (unsigned)__builtin_ctz(empty) : 16; j < 16; j++) {
            uint32_t cur = atomic_load_explicit(&line[j], memory_order_relaxed);
            if (cur == 0 && atomic_compare_exchange_strong_explicit(&line[j], &cur, want,
                                                                    memory_order_relaxed,
                                                                    memory_order_relaxed))
                return 1;
            if (cur == want) return 0;
        }
    }
    return 2;
}
#else
static int probe32(const struct segment *g, size_t home, uint64_t q)
{
    PROBE(uint32_t, g, home, q);
}
#endif

static int probe64(const struct segment *g, size_t home, uint64_t q)
{
    PROBE(uint64_t, g, home, q);
}

int cset_insert(struct cset *s, uint64_t h)
{
    size_t home;
    uint64_t q;
    const struct segment *g = locate(s, h, &home, &q);
    int r = g->wide ? probe64(g, home, q) : probe32(g, home, q);
    return r == 2 ? overflow(s, h) : r;
}

/* ---- growth ---- */

size_t cset_room(const struct cset *s)
{
    /* A bucket of 16 slots takes 7/8 full before its overflow into the next costs much (a
     * state then finds its home full about one time in four, and the next bucket rarely);
     * one of 8 wide slots, 3/4. */
    size_t room = 0;
    bool can_grow = false;
    for (uint32_t i = 0; i < cset_segments(s); i++) {
        const struct segment *g = &s->seg[i];
        size_t slots = ((size_t)1 << g->k) * slots_per_bucket(g);
        room += g->wide ? slots / 4 * 3 : slots / 8 * 7;
        can_grow |= g->r > 0;
    }
    return can_grow ? room : SIZE_MAX;
}

/* Puts (home, q) into a segment only this thread touches (no atomics needed, but the slots
 * are atomic objects, so relaxed accesses it is). */
static bool place_private(struct segment *g, size_t home, uint64_t q)
{
    return (g->wide ? probe64(g, home, q) : probe32(g, home, q)) == 1;
}

/* After segment k grew into g: its states in the overflow table move into g where they now
 * fit.  The overflow table must only hold states whose probe is full in their segment —
 * else a later insert would find a free slot first and add a state twice.  False when out
 * of memory (g is then not to be used). */
static bool rehome_overflow(struct cset *s, uint32_t k, struct segment *g)
{
    pthread_mutex_lock(&s->lock);
    if (s->over_max && UINT64_MAX >> (s->bits - s->seg_bits) == k) {
        size_t home = (size_t)(UINT64_MAX >> g->r) & (((size_t)1 << g->k) - 1);
        if (place_private(g, home, UINT64_MAX & mask_of(g->r))) {
            s->over_max = false;
            s->over_n--;
        }
    }
    size_t in_table = s->over_n - s->over_max;
    uint64_t *t = in_table ? calloc(s->over_cap, sizeof *t) : NULL;
    bool ok = !in_table || t;
    if (t) {
        /* Into a fresh table: what stays is put back without holes in its probe chains. */
        size_t kept = 0;
        for (size_t i = 0; i < s->over_cap; i++) {
            uint64_t v = s->over[i], h = v - 1;
            if (!v) continue;
            if (h >> (s->bits - s->seg_bits) == k) {
                size_t home = (size_t)(h >> g->r) & (((size_t)1 << g->k) - 1);
                if (place_private(g, home, h & mask_of(g->r))) continue;
            }
            size_t j = mix(v) & (s->over_cap - 1);
            while (t[j]) j = (j + 1) & (s->over_cap - 1);
            t[j] = v;
            kept++;
        }
        free(s->over);
        s->over = t;
        s->over_n = kept + s->over_max;
    }
    pthread_mutex_unlock(&s->lock);
    return ok;
}

bool cset_grow_begin(struct cset *s, const struct chk_limits *lim)
{
    uint32_t k = s->seg[0].k + 1;
    if (s->seg[0].r == 0) return true;
    if (((size_t)1 << k) > SIZE_MAX / LINE / cset_segments(s)) return false;
    return packed_make(s, k, lim);
}

void cset_grow_end(struct cset *s)
{
    /* The old packed mapping goes once no segment is left in it (one that failed to grow
     * still is: the search stops, and cset_free frees both). */
    for (uint32_t i = 0; i < cset_segments(s); i++) {
        const char *p = s->seg[i].slots;
        if (s->packed && p >= (char *)s->packed && p < (char *)s->packed + s->packed_bytes) return;
    }
    if (s->packed != s->packed_next) {
        big_free(s->packed, s->packed_bytes);
        atomic_fetch_sub(&s->bytes, s->packed_bytes);
    }
    s->packed = s->packed_next;
    s->packed_bytes = s->packed_next_bytes;
}

bool cset_grow_segment(struct cset *s, uint32_t k, const struct chk_limits *lim)
{
    struct segment *old = &s->seg[k];
    if (old->r == 0) return true;  /* every quotient is 0 bits: a home holds one state */
    struct segment g;
    size_t want = (size_t)2 << old->k;
    if (want * LINE >= ALONE && !chk_memory_fits(lim, want * LINE)) return false;
    if (want * LINE < ALONE && !s->packed_next) return false;  /* cset_grow_begin failed */
    if (!segment_make(s, &g, k, old->k + 1)) return false;
    size_t nb = (size_t)1 << old->k, per = slots_per_bucket(old);
    uint64_t top = (uint64_t)k << (s->bits - s->seg_bits);
    for (size_t b = 0; b < nb; b++)
        for (size_t j = 0; j < per; j++) {
            uint64_t e = old->wide ? atomic_load_explicit((_Atomic(uint64_t) *)old->slots + b * per + j, memory_order_relaxed)
                                   : atomic_load_explicit((_Atomic(uint32_t) *)old->slots + b * per + j, memory_order_relaxed);
            if (!e) break;  /* slots fill in order: the rest of the bucket is empty */
            size_t home = (b - ((e & 7) - 1)) & (nb - 1);
            uint64_t q = e >> 3;
            /* One more bit of h chooses the bucket: the quotient's top bit. */
            size_t home2 = home << 1 | (size_t)(q >> (g.r));
            uint64_t q2 = q & mask_of(g.r);
            if (!place_private(&g, home2, q2)) {
                uint64_t h = top | (uint64_t)home2 << g.r | q2;
                if (overflow(s, h) < 0) {
                    segment_release(s, &g);
                    return false;
                }
            }
        }
    if (!rehome_overflow(s, k, &g)) {
        segment_release(s, &g);
        return false;
    }
    segment_release(s, old);
    *old = g;
    return true;
}

uint32_t cset_bits(const struct cset *s)
{
    return s->bits;
}

size_t cset_bytes(const struct cset *s)
{
    return atomic_load(&s->bytes);
}

size_t cset_overflowed(const struct cset *s)
{
    pthread_mutex_t *m = (pthread_mutex_t *)&s->lock;
    pthread_mutex_lock(m);
    size_t n = s->over_n;
    pthread_mutex_unlock(m);
    return n;
}
