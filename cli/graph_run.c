/* `baton graph network --trace RUN` and `baton graph deadlock RUN`: pictures of a recorded run
 * of a libbaton program (reports/picture_run.h draws them).  The facts are gathered in one
 * pass over the binary trace, streaming: memory grows with the processes, channels and
 * distinct (channel, sender, receiver) links of the run, never with its events.  `baton run
 * --graphs DIR` writes both pictures through graph_run_pictures. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker/tracefile.h"
#include "cli/cli.h"
#include "cli/graph.h"
#include "reports/picture_run.h"

/* Past this many processes a picture is a hairball that takes Graphviz minutes: refused. */
#define MAX_PROCS_DEFAULT 300

struct proc {
    enum rpt_run_state state;
    uint8_t op;             /* while BLOCKED: its last BLOCK's operation (enum trc_op) */
    uint32_t chan;          /* while BLOCKED on a send or receive: the channel */
    uint32_t parent;
    uint32_t partner;       /* its last rendezvous partner (the runtime's guess, deadlock.c) */
    uint32_t last_chan;     /* its last communication: channel (0 none), flags, value, peer */
    uint8_t last_aux;
    int64_t last_value;
    uint32_t last_peer;
    bool defined;
};

struct chan {
    uint32_t snd, rcv;      /* the last process seen at each end: sent, blocked or offered */
    uint32_t link;          /* the link its last communication counted on, + 1 (0 none) */
};

struct link {
    uint32_t chan, sender, receiver, waiter;
    uint64_t count;
};

struct offer {
    uint8_t op;             /* TRC_OP_SEND or TRC_OP_RECV */
    uint32_t chan;
    char *event;
};

struct waiter {             /* a WAIT group of the deadlock */
    uint32_t proc;
    uint8_t op;
    struct offer *offers;
    size_t noffers, capoffers;
    uint32_t file, line;    /* its SITE: string id (0 none), line */
};

struct run {
    trf *r;
    const char *path;
    struct proc *procs;     /* by id - 1 */
    size_t nprocs, capprocs;
    struct chan *chans;     /* by id - 1 */
    size_t nchans, capchans;
    struct link *links;
    size_t nlinks, caplinks;
    uint32_t *hash;         /* open addressing: link index + 1 */
    size_t caphash;
    struct waiter *waiters;
    size_t nwaiters, capwaiters;
    uint32_t *cycle;
    size_t ncycle;
    uint32_t offer_owner;   /* the process whose OFFERs are being read (an alt's BLOCK) */
    bool in_deadlock;
    uint64_t events;
};

static bool grow(void **a, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return true;
    size_t c = *cap ? *cap : 16;
    while (c < need) c *= 2;
    void *p = realloc(*a, c * elem);
    if (!p) return false;
    memset((char *)p + *cap * elem, 0, (c - *cap) * elem);
    *a = p;
    *cap = c;
    return true;
}

static struct proc *proc_at(struct run *u, uint32_t id)
{
    if (!id) return NULL;
    if (id > u->nprocs) {
        if (!grow((void **)&u->procs, &u->capprocs, id, sizeof *u->procs)) return NULL;
        u->nprocs = id;
    }
    return &u->procs[id - 1];
}

static struct chan *chan_at(struct run *u, uint32_t id)
{
    if (!id) return NULL;
    if (id > u->nchans) {
        if (!grow((void **)&u->chans, &u->capchans, id, sizeof *u->chans)) return NULL;
        u->nchans = id;
    }
    return &u->chans[id - 1];
}

static size_t hash3(uint32_t c, uint32_t s, uint32_t r)
{
    uint64_t h = (uint64_t)c * 0x9e3779b97f4a7c15ULL ^ (uint64_t)s * 0xc2b2ae3d27d4eb4fULL ^
                 (uint64_t)r * 0x165667b19e3779f9ULL;
    return (size_t)(h ^ h >> 29);
}

static bool rehash(struct run *u)
{
    size_t cap = u->caphash ? 2 * u->caphash : 256;
    uint32_t *h = calloc(cap, sizeof *h);
    if (!h) return false;
    for (size_t i = 0; i < u->nlinks; i++) {
        const struct link *l = &u->links[i];
        size_t j = hash3(l->chan, l->sender, l->receiver) & (cap - 1);
        while (h[j]) j = (j + 1) & (cap - 1);
        h[j] = (uint32_t)i + 1;
    }
    free(u->hash);
    u->hash = h;
    u->caphash = cap;
    return true;
}

/* The link (chan, sender, receiver), made with count 0 when new; NULL out of memory. */
static struct link *link_of(struct run *u, uint32_t c, uint32_t s, uint32_t r)
{
    if (2 * (u->nlinks + 1) > u->caphash && !rehash(u)) return NULL;
    size_t j = hash3(c, s, r) & (u->caphash - 1);
    for (; u->hash[j]; j = (j + 1) & (u->caphash - 1)) {
        struct link *l = &u->links[u->hash[j] - 1];
        if (l->chan == c && l->sender == s && l->receiver == r) return l;
    }
    if (!grow((void **)&u->links, &u->caplinks, u->nlinks + 1, sizeof *u->links)) return NULL;
    u->links[u->nlinks] = (struct link){c, s, r, 0, 0};
    u->hash[j] = (uint32_t)++u->nlinks;
    return &u->links[u->nlinks - 1];
}

static void woke(struct proc *p)
{
    if (p && p->state == RPT_RUN_BLOCKED) p->state = RPT_RUN_LIVE;
}

/* One communication: counts its link (a rendezvous, or a take from a buffer: the message went
 * sender -> receiver; a put is counted by its take) and wakes whoever it woke. */
static int comm(struct run *u, const struct trf_record *rec)
{
    u->events++;
    struct chan *c = chan_at(u, rec->chan);
    struct proc *s = proc_at(u, rec->sender), *r = proc_at(u, rec->receiver);
    if (!c || (rec->sender && !s) || (rec->receiver && !r)) return -1;
    if (rec->aux & TRC_F_PUT) {
        c->snd = rec->sender;
        woke(s);
        return 0;
    }
    struct link *l = c->link ? &u->links[c->link - 1] : NULL;
    if (!l || l->sender != rec->sender || l->receiver != rec->receiver) {
        l = link_of(u, rec->chan, rec->sender, rec->receiver);
        if (!l) return -1;
        c->link = (uint32_t)(l - u->links) + 1;
    }
    l->count++;
    c->rcv = rec->receiver;
    if (!(rec->aux & TRC_F_TAKE)) {
        c->snd = rec->sender;
        woke(s);
        if (s) {
            s->partner = rec->receiver;
            s->last_chan = rec->chan, s->last_aux = (uint8_t)rec->aux, s->last_value = rec->value;
            s->last_peer = rec->receiver;
        }
    }
    woke(r);
    if (r) {
        if (!(rec->aux & TRC_F_TAKE)) r->partner = rec->sender;
        r->last_chan = rec->chan, r->last_aux = (uint8_t)rec->aux, r->last_value = rec->value;
        r->last_peer = rec->sender;
    }
    return 0;
}

/* Takes in the whole trace.  EXIT_HOLDS, or EXIT_INPUT after saying why (damage). */
static int gather(struct run *u)
{
    struct trf_record rec;
    int rc;
    while ((rc = trf_next(u->r, &rec)) == 1) {
        struct proc *p;
        struct chan *c;
        switch (rec.kind) {
        case TRC_COMM:
            if (comm(u, &rec) != 0) goto oom;
            break;
        case TRC_PROC:
            if (!(p = proc_at(u, rec.id))) goto oom;
            p->defined = true;
            p->parent = rec.parent;
            break;
        case TRC_CHAN:
            if (!chan_at(u, rec.id)) goto oom;
            break;
        case TRC_BLOCK:
            if (!(p = proc_at(u, rec.proc))) goto oom;
            p->op = (uint8_t)rec.aux;
            p->chan = 0;
            /* a sleeping process is not stuck: it wakes by itself */
            p->state = rec.aux == TRC_OP_SLEEP ? RPT_RUN_LIVE : RPT_RUN_BLOCKED;
            if (rec.aux == TRC_OP_SEND || rec.aux == TRC_OP_RECV) {
                if (!(c = chan_at(u, rec.chan))) goto oom;
                p->chan = rec.chan;
                if (rec.aux == TRC_OP_SEND) c->snd = rec.proc;
                else c->rcv = rec.proc;
            }
            u->offer_owner = rec.aux == TRC_OP_ALT ? rec.proc : 0;
            break;
        case TRC_OFFER: {
            if (!(c = chan_at(u, rec.chan))) goto oom;
            unsigned op = rec.aux & 0xf;
            if (u->offer_owner) {
                if (op == TRC_OP_SEND) c->snd = u->offer_owner;
                else c->rcv = u->offer_owner;
            }
            if (u->in_deadlock && u->nwaiters) {
                struct waiter *w = &u->waiters[u->nwaiters - 1];
                char ev[4200];
                trf_event(u->r, &rec, ev, sizeof ev);
                if (!grow((void **)&w->offers, &w->capoffers, w->noffers + 1, sizeof *w->offers))
                    goto oom;
                char *e = strdup(ev);
                if (!e) goto oom;
                w->offers[w->noffers++] = (struct offer){(uint8_t)op, rec.chan, e};
            }
            break;
        }
        case TRC_UNBLOCK:
            woke(proc_at(u, rec.proc));
            break;
        case TRC_END:
        case TRC_OVERFLOW:
            if (!(p = proc_at(u, rec.proc))) goto oom;
            p->state = RPT_RUN_ENDED;
            break;
        case TRC_DEADLOCK:
            u->in_deadlock = true;
            u->offer_owner = 0;
            break;
        case TRC_WAIT:
            if (!(p = proc_at(u, rec.proc))) goto oom;
            p->state = RPT_RUN_BLOCKED;
            p->op = (uint8_t)rec.aux;
            if (!grow((void **)&u->waiters, &u->capwaiters, u->nwaiters + 1, sizeof *u->waiters)) goto oom;
            u->waiters[u->nwaiters++] = (struct waiter){rec.proc, (uint8_t)rec.aux, NULL, 0, 0, 0, 0};
            u->offer_owner = rec.proc;
            break;
        case TRC_SITE:
            if (u->nwaiters && u->waiters[u->nwaiters - 1].proc == rec.proc) {
                u->waiters[u->nwaiters - 1].file = rec.file;
                u->waiters[u->nwaiters - 1].line = rec.line;
            }
            break;
        case TRC_CYCLE:
            free(u->cycle);
            u->cycle = malloc((rec.count + 1) * sizeof *u->cycle);
            if (!u->cycle) goto oom;
            memcpy(u->cycle, rec.ids, rec.count * sizeof *u->cycle);
            u->ncycle = rec.count;
            break;
        default:
            break;
        }
    }
    if (rc < 0) {
        fprintf(stderr, "baton: %s\n", trf_error(u->r));
        return EXIT_INPUT;
    }
    if (trf_truncated(u->r)) {
        fprintf(stderr, "baton: %s: byte %" PRIu64 ": the trace ends inside a record: the file was "
                        "cut short (a copy or a disk went wrong; libbaton writes whole records)\n",
                u->path, trf_offset(u->r));
        return EXIT_INPUT;
    }
    return EXIT_HOLDS;
oom:
    fprintf(stderr, "baton: %s: out of memory\n", u->path);
    return EXIT_LIMIT;
}

static void run_free(struct run *u)
{
    for (size_t i = 0; i < u->nwaiters; i++) {
        for (size_t k = 0; k < u->waiters[i].noffers; k++) free(u->waiters[i].offers[k].event);
        free(u->waiters[i].offers);
    }
    free(u->waiters);
    free(u->procs);
    free(u->chans);
    free(u->links);
    free(u->hash);
    free(u->cycle);
    trf_close(u->r);
}

/* A text trace (`baton trace show`'s form) starts with text, not the binary magic. */
static bool looks_like_text(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    unsigned char b[512];
    ssize_t n = read(fd, b, sizeof b);
    close(fd);
    if (n <= 0) return false;
    for (ssize_t i = 0; i < n; i++)
        if (b[i] == 0 || (b[i] < 0x20 && b[i] != '\n' && b[i] != '\t' && b[i] != '\r')) return false;
    return true;
}

/* Opens and reads RUN.  EXIT_HOLDS, or an exit code after saying why. */
static int run_open(struct run *u, const char *path, const char *kind)
{
    memset(u, 0, sizeof *u);
    u->path = path;
    char err[600];
    u->r = trf_open(path, err, sizeof err);
    if (!u->r) {
        if (access(path, R_OK) == 0 && looks_like_text(path))
            fprintf(stderr, "baton: %s: a text trace names events, not the processes that performed them: "
                            "graph %s needs the binary trace the program recorded (BATON_TRACE=FILE or "
                            "baton run --trace FILE)\n", path, kind);
        else fprintf(stderr, "baton: %s\n", err);
        return EXIT_INPUT;
    }
    return gather(u);
}

/* Who was last at the other end of channel ch, for process p waiting to `op` on it (the
 * runtime's own guess, tracer/deadlock.c): the last process seen at that end, else p's last
 * rendezvous partner.  0: nobody. */
static uint32_t other_end(const struct run *u, uint32_t p, unsigned op, uint32_t ch)
{
    const struct chan *c = &u->chans[ch - 1];
    uint32_t o = op == TRC_OP_SEND ? c->rcv : c->snd;
    if (o && o != p) return o;
    uint32_t q = op == TRC_OP_SEND ? c->snd : c->rcv;
    if (q && q != p) return q; /* someone else used our end: the other end is unknown */
    return u->procs[p - 1].partner;
}

static int too_many(const struct run *u, size_t n, size_t max, const char *what)
{
    fprintf(stderr, "baton: %s: %s %zu processes, more than a picture can show readably (at most %zu; "
                    "raise --max-procs to try)\n", u->path, what, n, max);
    return EXIT_LIMIT;
}

static const char *ending(const struct run *u)
{
    if (u->in_deadlock) return "DEADLOCK";
    if (trf_livelock(u->r)) return "stopped by a signal while busy (a suspected livelock)";
    if (trf_capped_kib(u->r)) return "the trace reached its size cap (the run went on)";
    if (trf_complete(u->r)) return "every process ended";
    return "the trace ends before the run did";
}

/* "waits to send picks.0.1", malloc'd, for a blocked process. */
static char *waits_text(const struct run *u, uint32_t id)
{
    const struct proc *p = &u->procs[id - 1];
    char buf[600];
    const struct waiter *w = NULL;
    for (size_t i = 0; i < u->nwaiters && !w; i++)
        if (u->waiters[i].proc == id) w = &u->waiters[i];
    if (w && w->noffers == 1 && (w->op == TRC_OP_SEND || w->op == TRC_OP_RECV)) {
        snprintf(buf, sizeof buf, "waits to %s %s", w->op == TRC_OP_SEND ? "send" : "receive",
                 w->offers[0].event);
    } else if (w && w->op == TRC_OP_ALT) {
        snprintf(buf, sizeof buf, "waits in an alt (%zu case%s)", w->noffers, w->noffers == 1 ? "" : "s");
    } else if (p->op == TRC_OP_SEND || p->op == TRC_OP_RECV) {
        struct trf_chan c;
        snprintf(buf, sizeof buf, "waits to %s '%s'", p->op == TRC_OP_SEND ? "send on" : "receive from",
                 p->chan && trf_chan(u->r, p->chan, &c) ? c.name : "?");
    } else if (p->op == TRC_OP_PAR) {
        snprintf(buf, sizeof buf, "waits in a par");
    } else if (p->op == TRC_OP_ALT) {
        snprintf(buf, sizeof buf, "waits in an alt");
    } else {
        snprintf(buf, sizeof buf, "waits");
    }
    return strdup(buf);
}

/* Marks, or adds, the link a blocked process waits on. */
static int wait_link(struct run *u, uint32_t p, unsigned op, uint32_t ch)
{
    uint32_t o = other_end(u, p, op, ch);
    struct link *l = op == TRC_OP_SEND ? link_of(u, ch, p, o) : link_of(u, ch, o, p);
    if (!l) return -1;
    l->waiter = p;
    return 0;
}


/* ---- many processes: one node per family ---- */

/* A name's family: the name without its trailing index ("worker42", "phil.3", "fork[2]"
 * -> "worker", "phil", "fork"); a name that is all index is its own family. */
static size_t family_len(const char *name)
{
    size_t n = strlen(name);
    while (n && strchr("0123456789._-#[]() ", name[n - 1])) n--;
    return n ? n : strlen(name);
}

struct fam_table {
    char **names;           /* family i's name (malloc'd) */
    size_t n, cap;
    uint32_t *slots;        /* open addressing: index + 1 */
    size_t nslots;
};

/* The family index of name's family, made when new; -1 out of memory. */
static long fam_of(struct fam_table *t, const char *name)
{
    size_t len = family_len(name);
    if (2 * (t->n + 1) > t->nslots) {
        size_t ns = t->nslots ? 2 * t->nslots : 64;
        uint32_t *sl = calloc(ns, sizeof *sl);
        if (!sl) return -1;
        for (size_t i = 0; i < t->n; i++) {
            uint64_t h = 1469598103934665603ULL;
            for (const char *c = t->names[i]; *c; c++) h = (h ^ (unsigned char)*c) * 1099511628211ULL;
            size_t j = h & (ns - 1);
            while (sl[j]) j = (j + 1) & (ns - 1);
            sl[j] = (uint32_t)i + 1;
        }
        free(t->slots);
        t->slots = sl;
        t->nslots = ns;
    }
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)name[i]) * 1099511628211ULL;
    size_t j = h & (t->nslots - 1);
    for (; t->slots[j]; j = (j + 1) & (t->nslots - 1)) {
        const char *f = t->names[t->slots[j] - 1];
        if (strlen(f) == len && memcmp(f, name, len) == 0) return (long)t->slots[j] - 1;
    }
    if (!grow((void **)&t->names, &t->cap, t->n + 1, sizeof *t->names)) return -1;
    char *copy = strndup(name, len);
    if (!copy) return -1;
    t->names[t->n] = copy;
    t->slots[j] = (uint32_t)++t->n;
    return (long)t->n - 1;
}

static void fam_free(struct fam_table *t)
{
    for (size_t i = 0; i < t->n; i++) free(t->names[i]);
    free(t->names);
    free(t->slots);
}

/* The network summarised: processes of one family ("worker0" … "worker999") are one node
 * "worker ×1000", channels of one family between two process families one edge with their
 * counts summed.  Refused (exit 3) when even the families are too many. */
static gr_graph *family_picture(struct run *u, size_t n, size_t max_procs, int *status)
{
    struct fam_table pf = {0}, cf = {0};
    uint32_t *pfam = calloc(u->nprocs + 1, sizeof *pfam); /* process id -> family + 1 */
    uint32_t *cfam = calloc(u->nchans + 1, sizeof *cfam); /* channel id -> family + 1 */
    struct famcount { size_t count, blocked, ended; } *fc = NULL;
    struct rpt_run_proc *ps = NULL;
    struct rpt_run_link *ls = NULL;
    char **texts = NULL;  /* 2 per family: its name, its waits */
    char **cnames = NULL; /* per channel family: "ring…" */
    uint32_t *cycle = NULL, *cfirst = NULL; /* channel family -> its first channel's id */
    size_t ncycle = 0, *ccount = NULL;      /* channel family -> how many channels */
    gr_graph *g = NULL;
    *status = EXIT_LIMIT;
    if (!pfam || !cfam) goto oom;
    for (uint32_t id = 1; id <= u->nprocs; id++) {
        if (!u->procs[id - 1].defined) continue;
        long f = fam_of(&pf, trf_proc_name(u->r, id));
        if (f < 0) goto oom;
        pfam[id] = (uint32_t)f + 1;
    }
    if (pf.n > max_procs) {
        fprintf(stderr, "baton: %s: the run has %zu processes of %zu different names, more than a "
                        "picture can show readably (at most %zu; raise --max-procs to try)\n",
                u->path, n, pf.n, max_procs);
        goto done;
    }
    for (uint32_t id = 1; id <= u->nchans; id++) {
        struct trf_chan c;
        long f = trf_chan(u->r, id, &c) ? fam_of(&cf, c.name) : -1;
        if (f < 0) goto oom;
        cfam[id] = (uint32_t)f + 1;
    }
    fc = calloc(pf.n + 1, sizeof *fc);
    ps = calloc(pf.n + 1, sizeof *ps);
    texts = calloc(2 * pf.n + 1, sizeof *texts);
    cnames = calloc(cf.n + 1, sizeof *cnames);
    if (!fc || !ps || !texts || !cnames) goto oom;
    for (uint32_t id = 1; id <= u->nprocs; id++) {
        if (!pfam[id]) continue;
        struct famcount *f = &fc[pfam[id] - 1];
        f->count++;
        f->blocked += u->procs[id - 1].state == RPT_RUN_BLOCKED;
        f->ended += u->procs[id - 1].state == RPT_RUN_ENDED;
    }
    for (size_t i = 0; i < pf.n; i++) {
        char buf[300];
        snprintf(buf, sizeof buf, "%s ×%zu", pf.names[i], fc[i].count);
        if (!(texts[2 * i] = strdup(buf))) goto oom;
        enum rpt_run_state st = fc[i].blocked                ? RPT_RUN_BLOCKED
                                : fc[i].ended == fc[i].count ? RPT_RUN_ENDED
                                                             : RPT_RUN_LIVE;
        ps[i] = (struct rpt_run_proc){(uint32_t)i + 1, texts[2 * i], st, NULL};
        if (st == RPT_RUN_BLOCKED) {
            snprintf(buf, sizeof buf, "%zu of %zu blocked", fc[i].blocked, fc[i].count);
            if (!(texts[2 * i + 1] = strdup(buf))) goto oom;
            ps[i].waits = texts[2 * i + 1];
        }
    }
    cfirst = calloc(cf.n + 1, sizeof *cfirst);
    ccount = calloc(cf.n + 1, sizeof *ccount);
    if (!cfirst || !ccount) goto oom;
    for (uint32_t id = u->nchans; id >= 1; id--) { /* one pass: how many, and the first */
        ccount[cfam[id] - 1]++;
        cfirst[cfam[id] - 1] = id;
    }
    for (size_t i = 0; i < cf.n; i++) {
        size_t k = ccount[i];
        char buf[300];
        if (k > 1) snprintf(buf, sizeof buf, "%s… (%zu channels)", cf.names[i], k);
        else snprintf(buf, sizeof buf, "%s", cf.names[i]);
        if (!(cnames[i] = strdup(buf))) goto oom;
    }
    /* the links, summed per (channel family, sender family, receiver family): reuse the run's
     * link table for them, after the per-process links */
    size_t first = u->nlinks;
    for (size_t i = 0; i < first; i++) {
        struct link l = u->links[i];
        uint32_t c = cfam[l.chan], s2 = l.sender ? pfam[l.sender] : 0, r2 = l.receiver ? pfam[l.receiver] : 0;
        struct link *f = link_of(u, UINT32_MAX - c, s2, r2); /* keys no real channel has */
        if (!f) goto oom;
        f->count += l.count;
        if (l.waiter) f->waiter = pfam[l.waiter];
    }
    ls = calloc(u->nlinks - first + 1, sizeof *ls);
    if (!ls) goto oom;
    size_t nl = 0;
    for (size_t i = first; i < u->nlinks; i++) {
        const struct link *l = &u->links[i];
        struct trf_chan c0 = {0};
        uint32_t c = UINT32_MAX - l->chan;
        trf_chan(u->r, cfirst[c - 1], &c0);
        ls[nl++] = (struct rpt_run_link){cnames[c - 1], l->sender, l->receiver, l->count, c0.capacity, l->waiter};
    }
    cycle = calloc(u->ncycle + 1, sizeof *cycle);
    if (!cycle) goto oom;
    for (size_t i = 0; i < u->ncycle; i++) { /* the cycle through families, repeats folded */
        uint32_t f = pfam[u->cycle[i]];
        if (!ncycle || cycle[ncycle - 1] != f) cycle[ncycle++] = f;
    }
    while (ncycle > 1 && cycle[ncycle - 1] == cycle[0]) ncycle--;
    char ending_text[300];
    snprintf(ending_text, sizeof ending_text, "%s\n%zu processes shown as %zu families of names "
             "(more than --max-procs %zu)", ending(u), n, pf.n, max_procs);
    struct rpt_run_network net = {u->path, ps, pf.n, ls, nl, cycle, ncycle, n, u->events, ending_text,
                                  u->in_deadlock};
    g = rpt_run_network(&net);
    if (!g) goto oom;
    *status = EXIT_HOLDS;
    goto done;
oom:
    fprintf(stderr, "baton: %s: out of memory\n", u->path);
done:
    for (size_t i = 0; texts && i < 2 * pf.n; i++) free(texts[i]);
    for (size_t i = 0; cnames && i < cf.n; i++) free(cnames[i]);
    free(texts);
    free(cnames);
    fam_free(&pf);
    fam_free(&cf);
    free(pfam);
    free(cfam);
    free(fc);
    free(ps);
    free(ls);
    free(cycle);
    free(cfirst);
    free(ccount);
    return g;
}

/* The network picture of the run. */
static gr_graph *network_picture(struct run *u, size_t max_procs, int *status)
{
    size_t n = 0;
    for (size_t i = 0; i < u->nprocs; i++) n += u->procs[i].defined;
    /* the channels blocked processes wait on, as links (count 0 when never used) */
    for (uint32_t id = 1; id <= u->nprocs; id++) {
        const struct proc *p = &u->procs[id - 1];
        if (p->state != RPT_RUN_BLOCKED) continue;
        const struct waiter *w = NULL;
        for (size_t i = 0; i < u->nwaiters && !w; i++)
            if (u->waiters[i].proc == id) w = &u->waiters[i];
        if (w) {
            for (size_t k = 0; k < w->noffers; k++)
                if (wait_link(u, id, w->offers[k].op, w->offers[k].chan) != 0) goto oom;
        } else if ((p->op == TRC_OP_SEND || p->op == TRC_OP_RECV) && p->chan) {
            if (wait_link(u, id, p->op, p->chan) != 0) goto oom;
        }
    }
    if (n > max_procs) return family_picture(u, n, max_procs, status);
    struct rpt_run_proc *ps = calloc(n + 1, sizeof *ps);
    struct rpt_run_link *ls = calloc(u->nlinks + 1, sizeof *ls);
    char **texts = calloc(n + 1, sizeof *texts);
    gr_graph *g = NULL;
    if (!ps || !ls || !texts) goto done;
    size_t k = 0;
    for (uint32_t id = 1; id <= u->nprocs; id++) {
        const struct proc *p = &u->procs[id - 1];
        if (!p->defined) continue;
        ps[k] = (struct rpt_run_proc){id, trf_proc_name(u->r, id), p->state, NULL};
        if (p->state == RPT_RUN_BLOCKED && !(texts[k] = waits_text(u, id))) goto done;
        ps[k].waits = texts[k];
        k++;
    }
    for (size_t i = 0; i < u->nlinks; i++) {
        const struct link *l = &u->links[i];
        struct trf_chan c;
        if (!trf_chan(u->r, l->chan, &c)) c = (struct trf_chan){"?", 0, 0, 0};
        ls[i] = (struct rpt_run_link){c.name, l->sender, l->receiver, l->count, c.capacity, l->waiter};
    }
    struct rpt_run_network net = {u->path, ps, k, ls, u->nlinks, u->cycle, u->ncycle, 0, u->events,
                                  ending(u), u->in_deadlock};
    g = rpt_run_network(&net);
done:
    for (size_t i = 0; texts && i < n; i++) free(texts[i]);
    free(texts);
    free(ps);
    free(ls);
    if (!g) {
        fprintf(stderr, "baton: %s: out of memory\n", u->path);
        *status = EXIT_LIMIT;
    }
    return g;
oom:
    fprintf(stderr, "baton: %s: out of memory\n", u->path);
    *status = EXIT_LIMIT;
    return NULL;
}

struct dl_build {
    struct rpt_run_waiter *ps;
    size_t n, cap;
    struct rpt_run_wait *ws;
    size_t nw, capw;
    char **texts;           /* strings to free */
    size_t nt, capt;
};

static const char *keep(struct dl_build *b, char *s)
{
    if (!s || !grow((void **)&b->texts, &b->capt, b->nt + 1, sizeof *b->texts)) {
        free(s);
        return NULL;
    }
    return b->texts[b->nt++] = s;
}

static bool has_proc(const struct dl_build *b, uint32_t id)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->ps[i].id == id) return true;
    return false;
}

static int add_wait(struct dl_build *b, uint32_t from, uint32_t to, const char *chan)
{
    for (size_t i = 0; i < b->nw; i++)
        if (b->ws[i].from == from && b->ws[i].to == to && strcmp(b->ws[i].chan, chan) == 0) return 0;
    if (!grow((void **)&b->ws, &b->capw, b->nw + 1, sizeof *b->ws)) return -1;
    b->ws[b->nw++] = (struct rpt_run_wait){from, to, chan};
    return 0;
}

/* The wait-for picture of a deadlocked run. */
static gr_graph *deadlock_picture(struct run *u, size_t max_procs, int *status)
{
    if (u->nwaiters > max_procs) {
        *status = too_many(u, u->nwaiters, max_procs, "the deadlock blocks");
        return NULL;
    }
    struct dl_build b = {0};
    gr_graph *g = NULL;
    /* the blocked processes */
    for (size_t i = 0; i < u->nwaiters; i++) {
        const struct waiter *w = &u->waiters[i];
        const struct proc *p = &u->procs[w->proc - 1];
        if (!grow((void **)&b.ps, &b.cap, b.n + 1, sizeof *b.ps)) goto oom;
        struct rpt_run_waiter *o = &b.ps[b.n++];
        memset(o, 0, sizeof *o);
        o->id = w->proc;
        o->name = trf_proc_name(u->r, w->proc);
        o->blocked = true;
        o->state = RPT_RUN_BLOCKED;
        o->waits = w->op == TRC_OP_SEND   ? "waits to send"
                   : w->op == TRC_OP_RECV ? "waits to receive"
                   : w->op == TRC_OP_ALT  ? (w->noffers ? "waits in an alt for one of" : "waits in an alt with no case (STOP)")
                   : w->op == TRC_OP_PAR  ? "waits in a par for its processes to end"
                                          : "waits";
        const char **offers = calloc(w->noffers + 1, sizeof *offers);
        if (!offers || !keep(&b, (char *)offers)) goto oom;
        for (size_t k = 0; k < w->noffers; k++) offers[k] = w->offers[k].event;
        o->offers = offers;
        o->noffers = w->noffers;
        if (w->file) {
            o->file = trf_string(u->r, w->file);
            o->line = w->line;
        }
        if (p->last_chan) {
            struct trf_record rec = {.kind = TRC_COMM, .chan = p->last_chan, .aux = p->last_aux,
                                     .value = p->last_value};
            char ev[4200], text[4400];
            trf_event(u->r, &rec, ev, sizeof ev);
            if (p->last_peer) snprintf(text, sizeof text, "%s with %s", ev, trf_proc_name(u->r, p->last_peer));
            else snprintf(text, sizeof text, "%s", ev);
            if (!(o->last = keep(&b, strdup(text)))) goto oom;
        }
    }
    /* who waits for whom */
    for (size_t i = 0; i < u->nwaiters; i++) {
        const struct waiter *w = &u->waiters[i];
        for (size_t k = 0; k < w->noffers; k++) {
            uint32_t o = other_end(u, w->proc, w->offers[k].op, w->offers[k].chan);
            struct trf_chan c;
            if (o && trf_chan(u->r, w->offers[k].chan, &c) && add_wait(&b, w->proc, o, c.name) != 0) goto oom;
        }
        if (w->op == TRC_OP_PAR) /* a par waits for its children that are still there */
            for (size_t j = 0; j < u->nwaiters; j++)
                if (u->procs[u->waiters[j].proc - 1].parent == w->proc &&
                    add_wait(&b, w->proc, u->waiters[j].proc, "par") != 0)
                    goto oom;
    }
    for (size_t i = 0; i < u->ncycle; i++) { /* the runtime's cycle is drawn whatever we guessed */
        uint32_t from = u->cycle[i], to = u->cycle[(i + 1) % u->ncycle];
        bool found = false;
        for (size_t k = 0; k < b.nw; k++) found |= b.ws[k].from == from && b.ws[k].to == to;
        if (!found && add_wait(&b, from, to, "?") != 0) goto oom;
    }
    /* processes waited for that are not blocked: ended (they will never come), or live */
    for (size_t i = 0; i < b.nw; i++) {
        uint32_t to = b.ws[i].to;
        if (has_proc(&b, to)) continue;
        if (!grow((void **)&b.ps, &b.cap, b.n + 1, sizeof *b.ps)) goto oom;
        struct rpt_run_waiter *o = &b.ps[b.n++];
        memset(o, 0, sizeof *o);
        o->id = to;
        o->name = trf_proc_name(u->r, to);
        o->state = to <= u->nprocs ? u->procs[to - 1].state : RPT_RUN_LIVE;
    }
    struct rpt_run_deadlock d = {u->path, b.ps, b.n, b.ws, b.nw, u->cycle, u->ncycle};
    g = rpt_run_deadlock(&d);
    if (!g) goto oom;
    goto done;
oom:
    fprintf(stderr, "baton: %s: out of memory\n", u->path);
    *status = EXIT_LIMIT;
done:
    for (size_t i = 0; i < b.nt; i++) free(b.texts[i]);
    free(b.texts);
    free(b.ps);
    free(b.ws);
    return g;
}

/* Reads --max-procs N at argv[*i]: 1 taken, 0 not it, -1 usage error (printed). */
static int max_procs_option(const char *kind, int argc, char **argv, int *i, size_t *max)
{
    if (strcmp(argv[*i], "--max-procs") != 0) return 0;
    char *end;
    unsigned long long v = *i + 1 < argc ? strtoull(argv[*i + 1], &end, 10) : 0;
    if (*i + 1 >= argc || end == argv[*i + 1] || *end || v == 0) {
        cli_usage_error("graph", "graph %s: --max-procs wants a positive number", kind);
        return -1;
    }
    *max = (size_t)v;
    ++*i;
    return 1;
}

static const char *did_not_deadlock(const struct run *u)
{
    if (trf_livelock(u->r)) return "it was stopped by a signal while busy: a suspected livelock";
    if (trf_capped_kib(u->r)) return "its trace reached the size cap before the run ended";
    if (trf_complete(u->r)) return "it ended normally: every process finished";
    return "its trace ends before the run did: the program crashed, was killed or is still running";
}

/* Parses RUN and the options of `graph KIND`; `trace_flag`: RUN comes after --trace. */
static int parse(const char *kind, bool trace_flag, int argc, char **argv, const char **run,
                 struct graph_output *o, size_t *max)
{
    for (int i = 1; i < argc; i++) {
        int t = graph_output_option(kind, argc, argv, &i, o);
        if (t == 0) t = max_procs_option(kind, argc, argv, &i, max);
        if (t < 0) return EXIT_INPUT;
        if (t > 0) continue;
        if (cli_is_help(argv[i])) return cli_usage_error("graph", "see `baton help graph`");
        if (trace_flag && strcmp(argv[i], "--trace") == 0) {
            if (i + 1 >= argc) return cli_usage_error("graph", "graph %s: --trace needs a file", kind);
            *run = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("graph", "graph %s: unknown option '%s'", kind, argv[i]);
        } else if (*run || trace_flag) {
            return cli_usage_error("graph", "graph %s: unexpected argument '%s'", kind, argv[i]);
        } else {
            *run = argv[i];
        }
    }
    if (!*run)
        return cli_usage_error("graph", trace_flag ? "graph network --trace needs a trace file (RUN)"
                                                   : "graph %s needs a trace file (RUN)", kind);
    return EXIT_HOLDS;
}

int graph_network_trace(int argc, char **argv)
{
    const char *path = NULL;
    struct graph_output o = {0};
    size_t max = MAX_PROCS_DEFAULT;
    int status = parse("network", true, argc, argv, &path, &o, &max);
    if (status != EXIT_HOLDS) return status;
    struct run u;
    status = run_open(&u, path, "network");
    if (status == EXIT_HOLDS) {
        gr_graph *g = network_picture(&u, max, &status);
        if (g) status = graph_emit(g, &o);
        gr_free(g);
    }
    run_free(&u);
    return status;
}

int graph_deadlock(int argc, char **argv)
{
    const char *path = NULL;
    struct graph_output o = {0};
    size_t max = MAX_PROCS_DEFAULT;
    int status = parse("deadlock", false, argc, argv, &path, &o, &max);
    if (status != EXIT_HOLDS) return status;
    struct run u;
    status = run_open(&u, path, "deadlock");
    if (status == EXIT_HOLDS && !u.in_deadlock) {
        fprintf(stderr, "baton: %s: the run did not deadlock (%s): there is no wait-for graph to "
                        "draw; try `baton graph network --trace %s`\n", path, did_not_deadlock(&u), path);
        status = EXIT_INPUT;
    } else if (status == EXIT_HOLDS) {
        gr_graph *g = deadlock_picture(&u, max, &status);
        if (g) status = graph_emit(g, &o);
        gr_free(g);
    }
    run_free(&u);
    return status;
}

int graph_run_pictures(const char *trace, const char *dir)
{
    struct run u;
    int status = run_open(&u, trace, "network");
    const char *stems[2] = {"network", "deadlock"};
    for (int k = 0; k < 2 && status == EXIT_HOLDS; k++) {
        if (k == 1 && !u.in_deadlock) break;
        gr_graph *g = k == 0 ? network_picture(&u, MAX_PROCS_DEFAULT, &status)
                             : deadlock_picture(&u, MAX_PROCS_DEFAULT, &status);
        if (!g) break;
        char *file = graph_file_in(dir, stems[k]);
        struct graph_output o = {file, "svg"};
        status = file ? graph_emit(g, &o) : EXIT_INPUT;
        if (status == EXIT_HOLDS)
            fprintf(stderr, "baton: %s: %s\n", k == 0 ? "the run's process network" : "the deadlock's wait-for graph", file);
        free(file);
        gr_free(g);
    }
    run_free(&u);
    return status;
}
