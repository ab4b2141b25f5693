/* tracefile.c — the streaming trace reader (see tracefile.h).  Reads the file in 1 MiB
 * blocks with read(2) and decodes records straight from the block (communications, nearly
 * every record of a long trace, on a fast path first); keeps only the tables of strings,
 * channels and processes. */
#include "checker/tracefile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STR_BLOCK ((size_t)64 << 10)

struct chan_def {
    uint32_t name, capacity, fields;
    uint8_t vkind;
    uint32_t snd, rcv, put; /* the last COMM's sender and receiver, the last PUT's sender (COMM8) */
    int64_t last;           /* the last COMM's value (COMM4) */
};

/* Strings live in blocks that never move, so pointers handed out stay valid. */
struct str_block {
    struct str_block *next;
    size_t used;
    char data[STR_BLOCK];
};

enum { INBUF = 1 << 20, MAXFIXED = 32 /* no fixed part is longer */ };

struct trf {
    int fd;
    bool eof, rerr;        /* read(2) returned 0 / failed */
    int rerrno;
    unsigned char *in;     /* the block being decoded: records are read in place */
    size_t in_pos, in_len;
    char *path;
    uint64_t off;
    char err[512];
    bool truncated, complete, failed;
    bool livelock;         /* a LIVELOCK record was read (it ends the file, like RUN_END) */
    uint32_t capped_kib;   /* a CAPPED record was read (it ends the file): the cap, or 0 */
    unsigned livelock_sig;
    struct trc_header hdr;
    uint64_t clock, seq;
    uint32_t expect_offers, expect_waits;
    uint32_t site_proc;    /* a SITE for this process may come next (its WAIT group ended) */
    uint32_t wait_proc;    /* the process of the last WAIT, 0 outside a deadlock's groups */
    const char **strs;     /* strs[id - 1] */
    uint32_t nstr;
    size_t capstr;
    struct str_block *blocks;
    struct chan_def *chans;
    uint32_t nchan;
    size_t capchan;
    uint32_t *procs;       /* name string id of process id - 1 */
    uint32_t nproc;
    size_t capproc;
    bool stashed;          /* `stash` is the next record to hand out (a folded COMM) */
    struct trf_record stash;
    uint32_t *ids;         /* CYCLE tail */
    size_t capids;
    unsigned char tail[TRC_STR_MAX];
};

static const struct {
    const char *name;
    unsigned size;
} kinds[TRC_KIND_MAX] = {
#define X(name, code, size, desc) [code] = {#name, size},
    TRC_RECORDS(X)
#undef X
};

const char *trf_kind_name(unsigned kind)
{
    return kind < TRC_KIND_MAX && kinds[kind].name ? kinds[kind].name : "?";
}

static uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const unsigned char *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static int fail(trf *r, uint64_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(trf *r, uint64_t at, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(r->err, sizeof r->err, "%s: byte %" PRIu64 ": %s", r->path, at, msg);
    r->failed = true;
    return -1;
}

/* Makes at least n bytes (n <= INBUF) available at r->in + r->in_pos unless the file ends
 * first: how many are. */
static size_t fill(trf *r, size_t n)
{
    size_t have = r->in_len - r->in_pos;
    if (have >= n || r->eof || r->rerr) return have;
    memmove(r->in, r->in + r->in_pos, have);
    r->in_pos = 0;
    r->in_len = have;
    while (r->in_len < n) {
        ssize_t got = read(r->fd, r->in + r->in_len, INBUF - r->in_len);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            r->rerr = true;
            r->rerrno = errno;
            break;
        }
        if (got == 0) {
            r->eof = true;
            break;
        }
        r->in_len += (size_t)got;
    }
    return r->in_len;
}

/* Up to n bytes from the file: how many there were. */
static size_t take(trf *r, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        size_t want = n - done < INBUF ? n - done : INBUF;
        size_t have = fill(r, want);
        if (have == 0) break;
        size_t k = want < have ? want : have;
        memcpy((unsigned char *)buf + done, r->in + r->in_pos, k);
        r->in_pos += k;
        done += k;
        if (k < want) break;
    }
    return done;
}

/* Reads exactly n bytes: 1, or 0 when the file ends first (the partial bytes are consumed). */
static int read_n(trf *r, void *buf, size_t n)
{
    size_t got = take(r, buf, n);
    r->off += got;
    return got == n;
}

static bool grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return true;
    size_t cap2 = *cap ? *cap : 64;
    while (cap2 < need) cap2 *= 2;
    void *a = realloc(*arr, cap2 * elem);
    if (!a) return false;
    *arr = a;
    *cap = cap2;
    return true;
}

static const char *keep_string(trf *r, const unsigned char *s, size_t n)
{
    if (!r->blocks || r->blocks->used + n + 1 > STR_BLOCK) {
        struct str_block *b = malloc(sizeof *b);
        if (!b) return NULL;
        b->next = r->blocks;
        b->used = 0;
        r->blocks = b;
    }
    char *d = r->blocks->data + r->blocks->used;
    memcpy(d, s, n);
    d[n] = '\0';
    r->blocks->used += n + 1;
    return d;
}

trf *trf_open(const char *path, char *err, size_t errlen)
{
    trf *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    r->fd = -1;
    r->path = strdup(path);
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    r->in = malloc(INBUF);
    if (!r->path || r->fd < 0 || !r->in) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        goto error;
    }
    unsigned char h[sizeof(struct trc_header)];
    size_t got = take(r, h, sizeof h);
    if (r->rerr) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(r->rerrno));
        goto error;
    }
    /* libbaton writes the header as it opens a trace: an empty file is not a trace at all,
     * whatever its name, and never an empty run */
    if (got == 0) {
        snprintf(err, errlen, "%s: the trace file is empty (0 bytes): the program wrote nothing; "
                 "was it killed before it opened the trace?", path);
        goto error;
    }
    if (memcmp(h, TRC_MAGIC, got < TRC_MAGIC_LEN ? got : TRC_MAGIC_LEN) != 0) {
        snprintf(err, errlen, "%s: not a baton trace file (no trace magic at byte 0)", path);
        goto error;
    }
    if (got < sizeof h) {
        snprintf(err, errlen, "%s: byte %zu: truncated trace header (%zu of %zu bytes): the file was cut short",
                 path, got, got, sizeof h);
        goto error;
    }
    memcpy(r->hdr.magic, h, TRC_MAGIC_LEN);
    r->hdr.version = rd16(h + 8);
    r->hdr.header_size = rd16(h + 10);
    r->hdr.flags = rd32(h + 12);
    r->hdr.seed = rd64(h + 16);
    r->hdr.start_ns = rd64(h + 24);
    if (r->hdr.version < TRC_VERSION_MIN || r->hdr.version > TRC_VERSION) {
        snprintf(err, errlen,
                 "%s: byte 8: trace format version %u is not supported (this baton reads versions %d to %d)",
                 path, r->hdr.version, TRC_VERSION_MIN, TRC_VERSION);
        goto error;
    }
    if (r->hdr.header_size < sizeof h || r->hdr.header_size > 4096) {
        snprintf(err, errlen, "%s: byte 10: corrupt header (header size %u)", path, r->hdr.header_size);
        goto error;
    }
    r->off = sizeof h;
    unsigned skip = r->hdr.header_size - (unsigned)sizeof h;
    if (skip) {
        unsigned char extra[4096];
        size_t n = take(r, extra, skip);
        r->off += n;
        if (n < skip) {
            snprintf(err, errlen, "%s: byte %" PRIu64 ": truncated trace header", path, r->off);
            goto error;
        }
    }
    return r;
error:
    trf_close(r);
    return NULL;
}

static bool valid_proc(const trf *r, uint32_t id) { return id >= 1 && id <= r->nproc; }
static bool valid_chan(const trf *r, uint32_t id) { return id >= 1 && id <= r->nchan; }
static bool valid_str(const trf *r, uint32_t id) { return id >= 1 && id <= r->nstr; }

/* Bit f of flags_ok[buffered]: COMM flags f are consistent on a rendezvous (0) or a buffered
 * (1) channel: a put or a take exactly on buffered ones, never both, at most one folded
 * BLOCK, and not the sender's on a take nor the receiver's on a put. */
#define FLAG_OK(f, buf)                                                                            \
    (!((f) & TRC_F_PUT && (f) & TRC_F_TAKE) && (buf) == !!((f) & (TRC_F_PUT | TRC_F_TAKE)) &&      \
     ((f) & (TRC_F_SBLOCKED | TRC_F_RBLOCKED)) != (TRC_F_SBLOCKED | TRC_F_RBLOCKED) &&             \
     !((f) & TRC_F_SBLOCKED && (f) & TRC_F_TAKE) && !((f) & TRC_F_RBLOCKED && (f) & TRC_F_PUT))
#define FLAG_BIT(f, buf) ((uint32_t)FLAG_OK(f, buf) << (f))
#define FLAG_MASK(buf)                                                                             \
    (FLAG_BIT(0, buf) | FLAG_BIT(1, buf) | FLAG_BIT(2, buf) | FLAG_BIT(3, buf) | FLAG_BIT(4, buf) | \
     FLAG_BIT(5, buf) | FLAG_BIT(6, buf) | FLAG_BIT(7, buf) | FLAG_BIT(8, buf) | FLAG_BIT(9, buf) | \
     FLAG_BIT(10, buf) | FLAG_BIT(11, buf) | FLAG_BIT(12, buf) | FLAG_BIT(13, buf) |               \
     FLAG_BIT(14, buf) | FLAG_BIT(15, buf) | FLAG_BIT(16, buf) | FLAG_BIT(17, buf) |               \
     FLAG_BIT(18, buf) | FLAG_BIT(19, buf) | FLAG_BIT(20, buf) | FLAG_BIT(21, buf) |               \
     FLAG_BIT(22, buf) | FLAG_BIT(23, buf) | FLAG_BIT(24, buf) | FLAG_BIT(25, buf) |               \
     FLAG_BIT(26, buf) | FLAG_BIT(27, buf) | FLAG_BIT(28, buf) | FLAG_BIT(29, buf) |               \
     FLAG_BIT(30, buf) | FLAG_BIT(31, buf))
static const uint32_t flags_ok[2] = {FLAG_MASK(0), FLAG_MASK(1)};

static inline uint16_t ld16(const unsigned char *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t ld32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* A communication decoded into rec (chan, sender, receiver, value, aux): checks it against
 * the file's definitions, remembers its processes for COMM8, and when it folds a BLOCK
 * hands that out first (the communication waits in the stash).  1, or -1 when damaged. */
__attribute__((always_inline)) static inline int comm_done(trf *r, struct trf_record *rec, uint64_t at)
{
    rec->kind = TRC_COMM;
    rec->offset = at;
    rec->seq = ++r->seq;
    rec->time_ns = r->clock;
    if (__builtin_expect(rec->chan - 1 >= r->nchan, 0))
        return fail(r, at, "communication on undefined channel %u", rec->chan);
    if (__builtin_expect(rec->sender > r->nproc || rec->receiver > r->nproc, 0))
        return fail(r, at, "communication names an undefined process");
    unsigned f = rec->aux;
    struct chan_def *d = &r->chans[rec->chan - 1];
    if (__builtin_expect(f > 31 || !(flags_ok[d->capacity > 0] >> f & 1) ||
                             (f & TRC_F_SBLOCKED && !rec->sender) || (f & TRC_F_RBLOCKED && !rec->receiver),
                         0))
        return fail(r, at, "communication has inconsistent flags 0x%x", f);
    if (f & TRC_F_VSTR && (rec->value < 1 || rec->value > r->nstr))
        return fail(r, at, "communication value names undefined string %" PRId64, rec->value);
    unsigned blocked = f & (TRC_F_SBLOCKED | TRC_F_RBLOCKED);
    d->last = rec->value;
    if (f & TRC_F_PUT) {
        d->put = rec->sender;
    } else {
        d->snd = rec->sender;
        d->rcv = rec->receiver;
    }
    if (blocked) { /* hand out the folded BLOCK first, then this record */
        rec->aux = f & ~blocked;
        r->stash = *rec;
        r->stashed = true;
        memset(rec, 0, sizeof *rec);
        rec->kind = TRC_BLOCK;
        rec->offset = at;
        rec->aux = blocked == TRC_F_SBLOCKED ? TRC_OP_SEND : TRC_OP_RECV;
        rec->proc = blocked == TRC_F_SBLOCKED ? r->stash.sender : r->stash.receiver;
        rec->chan = r->stash.chan;
        rec->seq = r->seq - 1;
        rec->time_ns = r->clock;
    }
    return 1;
}

/* A COMM8 or COMM4 whose bytes are at p (p[0] its kind): the channel's remembered processes
 * (its last put's sender, or its last pair), and for a COMM4 the value as a step from the
 * channel's last one, added modulo 2^64 so that a damaged file cannot overflow. */
static int short_comm(trf *r, struct trf_record *rec, const unsigned char *p, uint64_t at)
{
    memset(rec, 0, sizeof *rec);
    rec->aux = p[1];
    rec->chan = p[0] == TRC_COMM8 ? ld16(p + 2) : p[2];
    if (rec->chan - 1 >= r->nchan) return fail(r, at, "communication on undefined channel %u", rec->chan);
    const struct chan_def *d = &r->chans[rec->chan - 1];
    rec->value = p[0] == TRC_COMM8 ? (int32_t)ld32(p + 4)
                                   : (int64_t)((uint64_t)d->last + (uint64_t)(int64_t)(int8_t)p[3]);
    if (rec->aux & TRC_F_PUT) {
        rec->sender = d->put;
    } else {
        rec->sender = d->snd;
        rec->receiver = d->rcv;
    }
    return comm_done(r, rec, at);
}

int trf_next(trf *r, struct trf_record *rec)
{
    if (r->failed) return -1;
    if (r->stashed) {
        *rec = r->stash;
        r->stashed = false;
        return 1;
    }
    uint64_t at = r->off;
    /* The fast path: a communication in short form, whole in the block, after the run. */
    if (r->in_len - r->in_pos >= MAXFIXED || fill(r, MAXFIXED) >= 8) {
        const unsigned char *p = r->in + r->in_pos;
        if ((p[0] == TRC_COMM8 || p[0] == TRC_COMM4) && !r->complete && !r->expect_offers &&
            !r->expect_waits) {
            size_t n = p[0] == TRC_COMM8 ? 8 : 4;
            r->in_pos += n;
            r->off += n;
            return short_comm(r, rec, p, at);
        }
        if (p[0] == TRC_BLOCK16 && !r->complete && !r->expect_offers && !r->expect_waits &&
            (p[1] == TRC_OP_SEND || p[1] == TRC_OP_RECV)) {
            memset(rec, 0, sizeof *rec);
            rec->kind = TRC_BLOCK;
            rec->offset = at;
            rec->aux = p[1];
            r->clock += ld16(p + 2);
            rec->proc = ld16(p + 4);
            rec->chan = ld16(p + 6);
            if (!valid_proc(r, rec->proc)) return fail(r, at, "BLOCK names undefined process %u", rec->proc);
            if (!valid_chan(r, rec->chan)) return fail(r, at, "BLOCK on undefined channel %u", rec->chan);
            r->in_pos += 8;
            r->off += 8;
            rec->time_ns = r->clock;
            rec->seq = r->seq;
            return 1;
        }
        if (p[0] == TRC_COMM16 && r->in_len - r->in_pos >= 16 && !r->complete && !r->expect_offers &&
            !r->expect_waits) {
            r->in_pos += 16;
            r->off += 16;
            memset(rec, 0, sizeof *rec);
            rec->aux = p[1];
            r->clock += ld16(p + 2);
            rec->chan = ld32(p + 4);
            rec->sender = ld16(p + 8);
            rec->receiver = ld16(p + 10);
            rec->value = (int32_t)ld32(p + 12);
            return comm_done(r, rec, at);
        }
    }
    unsigned char b[32];
    memset(rec, 0, sizeof *rec);
    size_t got = take(r, b, 2);
    r->off += got;
    if (got == 0) {
        if (r->rerr) return fail(r, at, "read error: %s", strerror(r->rerrno));
        if (r->expect_offers || r->expect_waits) r->truncated = true;
        return 0;
    }
    if (got < 2) {
        r->truncated = true;
        return 0;
    }
    unsigned kind = b[0];
    if (kind == 0 || kind >= TRC_KIND_MAX || !kinds[kind].name)
        return fail(r, at, "unknown record kind %u (the file is corrupt)", kind);
    if (r->complete) return fail(r, at, "%s record after the end of the run", kinds[kind].name);
    if (!read_n(r, b + 2, kinds[kind].size - 2)) {
        r->truncated = true;
        return 0;
    }
    rec->kind = (enum trc_kind)kind;
    rec->offset = at;
    rec->aux = b[1];
    if (kind != TRC_COMM8 && kind != TRC_COMM4) r->clock += rd16(b + 2); /* they have no dt */
    bool definition = kind == TRC_STR || kind == TRC_CHAN || kind == TRC_PROC || kind == TRC_TIME;
    if (!definition) {
        uint32_t site_proc = r->site_proc;
        r->site_proc = 0;
        if (kind == TRC_SITE) {
            rec->proc = rd32(b + 4);
            rec->file = rd32(b + 8);
            rec->line = rd32(b + 12);
            if (r->hdr.version < 4) return fail(r, at, "SITE record in a version %u trace", r->hdr.version);
            if (!site_proc || rec->proc != site_proc)
                return fail(r, at, "SITE record not right after its process's WAIT group");
            if (!valid_str(r, rec->file)) return fail(r, at, "SITE names undefined string %u", rec->file);
            rec->time_ns = r->clock;
            rec->seq = r->seq;
            return 1;
        }
        if (r->expect_offers && kind != TRC_OFFER)
            return fail(r, at, "%s record where %u more OFFER records were due", kinds[kind].name,
                        r->expect_offers);
        if (!r->expect_offers && r->expect_waits && kind != TRC_WAIT)
            return fail(r, at, "%s record where %u more WAIT records were due", kinds[kind].name,
                        r->expect_waits);
    }
    switch (kind) {
    case TRC_STR: {
        rec->id = rd32(b + 4);
        uint32_t len = rd32(b + 8);
        if (rec->id != r->nstr + 1) return fail(r, at, "string id %u out of order (expected %u)", rec->id, r->nstr + 1);
        if (len > TRC_STR_MAX) return fail(r, at, "string length %u exceeds %d", len, TRC_STR_MAX);
        if (!read_n(r, r->tail, len)) {
            r->truncated = true;
            return 0;
        }
        if (!grow((void **)&r->strs, &r->capstr, (size_t)r->nstr + 1, sizeof *r->strs))
            return fail(r, at, "out of memory");
        const char *s = keep_string(r, r->tail, len);
        if (!s) return fail(r, at, "out of memory");
        r->strs[r->nstr++] = s;
        rec->count = len;
        break;
    }
    case TRC_CHAN: {
        rec->id = rd32(b + 4);
        struct chan_def d = {rd32(b + 8), rd32(b + 12), rd32(b + 16), b[1], 0, 0, 0, 0};
        if (rec->id != r->nchan + 1) return fail(r, at, "channel id %u out of order (expected %u)", rec->id, r->nchan + 1);
        if (!valid_str(r, d.name)) return fail(r, at, "channel %u names undefined string %u", rec->id, d.name);
        if (d.vkind > TRC_V_OPAQUE) return fail(r, at, "channel %u has unknown value kind %u", rec->id, d.vkind);
        if (!grow((void **)&r->chans, &r->capchan, (size_t)r->nchan + 1, sizeof *r->chans))
            return fail(r, at, "out of memory");
        r->chans[r->nchan++] = d;
        rec->chan = rec->id;
        break;
    }
    case TRC_PROC:
        rec->id = rec->proc = rd32(b + 4);
        rec->parent = rd32(b + 8);
        if (rec->id != r->nproc + 1) return fail(r, at, "process id %u out of order (expected %u)", rec->id, r->nproc + 1);
        if (rec->parent && !valid_proc(r, rec->parent)) return fail(r, at, "process %u has undefined parent %u", rec->id, rec->parent);
        if (!valid_str(r, rd32(b + 12))) return fail(r, at, "process %u names undefined string %u", rec->id, rd32(b + 12));
        if (!grow((void **)&r->procs, &r->capproc, (size_t)r->nproc + 1, sizeof *r->procs))
            return fail(r, at, "out of memory");
        r->procs[r->nproc++] = rd32(b + 12);
        break;
    case TRC_END:
    case TRC_OVERFLOW:
    case TRC_UNBLOCK:
        rec->proc = rd32(b + 4);
        if (!valid_proc(r, rec->proc)) return fail(r, at, "%s names undefined process %u", kinds[kind].name, rec->proc);
        if (kind == TRC_UNBLOCK && (rec->aux < TRC_WAKE_TIMEOUT || rec->aux > TRC_WAKE_PAR))
            return fail(r, at, "UNBLOCK has unknown reason %u", rec->aux);
        break;
    case TRC_COMM4:
    case TRC_COMM8:
    case TRC_COMM16:
    case TRC_COMM:
        if (kind == TRC_COMM4 || kind == TRC_COMM8) return short_comm(r, rec, b, at);
        if (kind == TRC_COMM16) {
            rec->chan = rd32(b + 4);
            rec->sender = rd16(b + 8);
            rec->receiver = rd16(b + 10);
            rec->value = (int32_t)rd32(b + 12);
        } else {
            rec->chan = rd32(b + 4);
            rec->sender = rd32(b + 8);
            rec->receiver = rd32(b + 12);
            rec->value = (int64_t)rd64(b + 16);
        }
        return comm_done(r, rec, at);
    case TRC_BLOCK16:
    case TRC_BLOCK:
        rec->kind = TRC_BLOCK;
        rec->proc = kind == TRC_BLOCK16 ? rd16(b + 4) : rd32(b + 4);
        if (!valid_proc(r, rec->proc)) return fail(r, at, "BLOCK names undefined process %u", rec->proc);
        if (kind == TRC_BLOCK16 && rec->aux != TRC_OP_SEND && rec->aux != TRC_OP_RECV)
            return fail(r, at, "BLOCK16 has operation %u, not a send or a receive", rec->aux);
        switch (rec->aux) {
        case TRC_OP_SEND:
        case TRC_OP_RECV:
            rec->chan = kind == TRC_BLOCK16 ? rd16(b + 6) : rd32(b + 8);
            if (!valid_chan(r, rec->chan)) return fail(r, at, "BLOCK on undefined channel %u", rec->chan);
            break;
        case TRC_OP_ALT:
            rec->count = r->expect_offers = rd32(b + 8);
            break;
        case TRC_OP_SLEEP:
        case TRC_OP_PAR:
            rec->count = rd32(b + 8);
            break;
        default:
            return fail(r, at, "BLOCK has unknown operation %u", rec->aux);
        }
        break;
    case TRC_OFFER:
        if (!r->expect_offers) return fail(r, at, "OFFER record outside an alt or a deadlock");
        r->expect_offers--;
        rec->chan = rd32(b + 4);
        rec->value = (int64_t)rd64(b + 8);
        if (!valid_chan(r, rec->chan)) return fail(r, at, "OFFER on undefined channel %u", rec->chan);
        if (!r->expect_offers) r->site_proc = r->wait_proc; /* a WAIT group ends (or an alt's) */
        if ((rec->aux & 0xf) != TRC_OP_SEND && (rec->aux & 0xf) != TRC_OP_RECV)
            return fail(r, at, "OFFER has unknown operation %u", rec->aux & 0xf);
        if (rec->aux & ~0x3fu) return fail(r, at, "OFFER has unknown flags 0x%x", rec->aux);
        if (rec->aux & TRC_OFFER_VSTR && (rec->value < 1 || rec->value > r->nstr))
            return fail(r, at, "OFFER value names undefined string %" PRId64, rec->value);
        break;
    case TRC_CLOSE:
        rec->chan = rd32(b + 4);
        rec->proc = rd32(b + 8);
        if (!valid_chan(r, rec->chan)) return fail(r, at, "CLOSE of undefined channel %u", rec->chan);
        if (rec->proc && !valid_proc(r, rec->proc)) return fail(r, at, "CLOSE by undefined process %u", rec->proc);
        break;
    case TRC_TIME:
        r->clock = rd64(b + 8);
        break;
    case TRC_DEADLOCK:
        rec->count = r->expect_waits = rd32(b + 4);
        break;
    case TRC_WAIT:
        if (!r->expect_waits) return fail(r, at, "WAIT record outside a deadlock");
        r->expect_waits--;
        rec->proc = rd32(b + 4);
        rec->count = r->expect_offers = rd32(b + 8);
        if (!valid_proc(r, rec->proc)) return fail(r, at, "WAIT names undefined process %u", rec->proc);
        r->wait_proc = rec->proc;
        if (!rec->count) r->site_proc = rec->proc;
        if (rec->aux < TRC_OP_SEND || rec->aux > TRC_OP_PAR) return fail(r, at, "WAIT has unknown operation %u", rec->aux);
        break;
    case TRC_CYCLE: {
        r->wait_proc = 0;
        rec->count = rd32(b + 4);
        if (rec->count > TRC_CYCLE_MAX) return fail(r, at, "wait-for cycle of %u processes is too long", rec->count);
        if (!grow((void **)&r->ids, &r->capids, (size_t)rec->count + 1, sizeof *r->ids))
            return fail(r, at, "out of memory");
        for (uint32_t i = 0; i < rec->count; i++) {
            unsigned char idb[4];
            if (!read_n(r, idb, 4)) {
                r->truncated = true;
                return 0;
            }
            r->ids[i] = rd32(idb);
            if (!valid_proc(r, r->ids[i])) return fail(r, at, "wait-for cycle names undefined process %u", r->ids[i]);
        }
        rec->ids = r->ids;
        break;
    }
    case TRC_RUN_END:
        if (rec->aux > TRC_END_DEADLOCK) return fail(r, at, "RUN_END has unknown status %u", rec->aux);
        r->complete = true;
        break;
    case TRC_LIVELOCK:
        if (rec->aux == 0 || rec->aux >= 65) return fail(r, at, "LIVELOCK names no signal (%u)", rec->aux);
        r->complete = r->livelock = true;
        r->livelock_sig = rec->aux;
        break;
    case TRC_CAPPED:
        /* the writer stopped at the file's size cap: a prefix of the run, and nothing after */
        rec->count = rd32(b + 4);
        r->capped_kib = rec->count ? rec->count : 1;
        r->complete = true;
        break;
    }
    rec->time_ns = r->clock;
    rec->seq = r->seq;
    return 1;
}

const char *trf_error(const trf *r) { return r->err; }
bool trf_truncated(const trf *r) { return r->truncated; }
bool trf_complete(const trf *r) { return r->complete && !r->livelock && !r->capped_kib; }
uint32_t trf_capped_kib(const trf *r) { return r->capped_kib; }
bool trf_header_only(const trf *r) { return !r->failed && r->eof && r->off == r->hdr.header_size; }
int trf_livelock(const trf *r) { return r->livelock ? (int)r->livelock_sig : 0; }
uint64_t trf_offset(const trf *r) { return r->off; }
uint64_t trf_seed(const trf *r) { return r->hdr.seed; }
uint64_t trf_start_ns(const trf *r) { return r->hdr.start_ns; }
unsigned trf_version(const trf *r) { return r->hdr.version; }

const char *trf_string(const trf *r, uint32_t id)
{
    return valid_str(r, id) ? r->strs[id - 1] : "?";
}

const char *trf_proc_name(const trf *r, uint32_t id)
{
    return valid_proc(r, id) ? trf_string(r, r->procs[id - 1]) : "?";
}

bool trf_chan(const trf *r, uint32_t id, struct trf_chan *out)
{
    if (!valid_chan(r, id)) return false;
    const struct chan_def *d = &r->chans[id - 1];
    out->name = trf_string(r, d->name);
    out->vkind = (enum trc_vkind)d->vkind;
    out->capacity = d->capacity;
    out->fields = d->fields;
    return true;
}

int trf_event(const trf *r, const struct trf_record *rec, char *buf, size_t len)
{
    struct trf_chan c;
    if ((rec->kind != TRC_COMM && rec->kind != TRC_OFFER) || !trf_chan(r, rec->chan, &c)) return -1;
    const char *suffix = "";
    bool has_value = true, vstr;
    if (rec->kind == TRC_COMM) {
        suffix = rec->aux & TRC_F_PUT ? "_in" : rec->aux & TRC_F_TAKE ? "_out" : "";
        vstr = rec->aux & TRC_F_VSTR;
    } else {
        bool send = (rec->aux & 0xf) == TRC_OP_SEND;
        if (c.capacity) suffix = send ? "_in" : "_out";
        has_value = rec->aux & TRC_OFFER_HASVAL;
        vstr = rec->aux & TRC_OFFER_VSTR;
    }
    if (!has_value || c.vkind == TRC_V_EVENT || c.vkind == TRC_V_OPAQUE)
        return snprintf(buf, len, "%s%s", c.name, suffix);
    if (vstr) {
        const char *v = trf_string(r, (uint32_t)rec->value);
        return snprintf(buf, len, "%s%s%s%s", c.name, suffix, *v ? "." : "", v);
    }
    return snprintf(buf, len, "%s%s.%" PRId64, c.name, suffix, rec->value);
}

void trf_close(trf *r)
{
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    free(r->in);
    while (r->blocks) {
        struct str_block *b = r->blocks;
        r->blocks = b->next;
        free(b);
    }
    free(r->strs);
    free(r->chans);
    free(r->procs);
    free(r->ids);
    free(r->path);
    free(r);
}
