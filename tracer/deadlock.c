/* deadlock.c — the deadlock report: when nothing can run, no timer is pending and processes
 * are blocked, say who waits on what and find a wait-for cycle.  A process waiting on a
 * channel is taken to wait for the processes that last received and last sent on it, or last
 * waited at either end (the runtime cannot know who would have come next) — or, on a channel
 * no other process has touched yet, for its own last rendezvous partner; a par waits for its
 * children.  These are guesses from the run's history; the report says "wait-for cycle"
 * only for a cycle along them.
 * The report goes to stderr and, as DEADLOCK/WAIT/OFFER/SITE/CYCLE records, into the trace. */
#include <stdio.h>
#include <stdlib.h>

#include "tracer/chan.h"
#include "tracer/deadlock.h"
#include "tracer/event.h"
#include "tracer/sched.h"
#include "tracer/trace.h"
#include "tracer/trace_format.h"

/* stderr gets at most this many processes; the trace gets them all. */
#define REPORT_MAX 1000

struct graph {
    struct trc_proc **procs; /* the blocked processes, by id */
    size_t n;
    size_t *first;           /* CSR: edges of node v are to[first[v] .. first[v+1]) */
    size_t *to;
};

static long find(const struct graph *g, uint32_t id)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->procs[mid]->id < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < g->n && g->procs[lo]->id == id ? (long)lo : -1;
}

/* Calls add(g, v, w, ctx) for every wait-for edge v -> w. */
static void each_edge(const struct graph *g, void (*add)(size_t, size_t, void *), void *ctx)
{
    for (size_t v = 0; v < g->n; v++) {
        struct trc_proc *p = g->procs[v];
        if (p->wait == TRC_W_CHAN || p->wait == TRC_W_ALT) {
            for (uint32_t i = 0; i < p->nclauses; i++) {
                const baton_chan *c = p->clauses[i].chan;
                uint32_t other[2] = {c->last_recv, c->last_send};
                if (p->clauses[i].op == BATON_RECV) other[0] = c->last_send, other[1] = c->last_recv;
                bool known = false;
                for (int k = 0; k < 2; k++) {
                    if (!other[k] || other[k] == p->id) continue;
                    known = true;
                    long w = find(g, other[k]);
                    if (w >= 0) add(v, (size_t)w, ctx);
                }
                /* a channel nobody else has used yet: guess the last partner */
                long w = !known && p->partner ? find(g, p->partner) : -1;
                if (w >= 0) add(v, (size_t)w, ctx);
            }
        }
        if (p->par && p->par->parent->wait == TRC_W_PAR && p->par->parent->waitpar == p->par) {
            long w = find(g, p->par->parent->id);
            if (w >= 0) add((size_t)w, v, ctx);
        }
    }
}

struct fill { const struct graph *g; size_t *cursor; bool counting; };

static void add_edge(size_t v, size_t w, void *ctx)
{
    struct fill *f = ctx;
    if (f->counting) f->g->first[v + 1]++;
    else f->g->to[f->cursor[v]++] = w;
}

static int build(struct graph *g)
{
    g->first = calloc(g->n + 1, sizeof *g->first);
    size_t *cursor = calloc(g->n + 1, sizeof *cursor);
    if (!g->first || !cursor) goto error;
    struct fill f = {g, cursor, true};
    each_edge(g, add_edge, &f);
    for (size_t v = 0; v < g->n; v++) g->first[v + 1] += g->first[v];
    g->to = malloc((g->first[g->n] + 1) * sizeof *g->to);
    if (!g->to) goto error;
    for (size_t v = 0; v < g->n; v++) cursor[v] = g->first[v];
    f.counting = false;
    each_edge(g, add_edge, &f);
    free(cursor);
    return 0;
error:
    free(cursor);
    return -1;
}

/* Depth-first search for a cycle; fills cycle[] with node indices and returns its length. */
static size_t find_cycle(const struct graph *g, size_t *cycle)
{
    unsigned char *color = calloc(g->n, 1); /* 0 new, 1 on the path, 2 done */
    size_t *path = malloc(g->n * sizeof *path), *edge = malloc(g->n * sizeof *edge);
    size_t len = 0;
    if (!color || !path || !edge) goto done;
    for (size_t s = 0; s < g->n && !len; s++) {
        if (color[s]) continue;
        size_t depth = 0;
        path[depth] = s;
        edge[depth] = g->first[s];
        color[s] = 1;
        while (depth != (size_t)-1 && !len) {
            size_t v = path[depth];
            if (edge[depth] == g->first[v + 1]) {
                color[v] = 2;
                depth--;
                continue;
            }
            size_t w = g->to[edge[depth]++];
            if (color[w] == 1) {
                size_t at = depth;
                while (path[at] != w) at--;
                for (size_t i = at; i <= depth; i++) cycle[len++] = path[i];
            } else if (color[w] == 0) {
                color[w] = 1;
                path[++depth] = w;
                edge[depth] = g->first[w];
            }
        }
    }
done:
    free(color);
    free(path);
    free(edge);
    return len;
}

/* Is the process with this id one of the (blocked) live ones? */
static bool alive(const struct graph *g, uint32_t id)
{
    return g->procs ? find(g, id) >= 0 : true;
}

/* For a wait on c: who was last at c's other end, and what became of them — the runtime cannot
 * know who would have come next, but a partner that has ended will certainly not. */
static void other_end(FILE *out, const struct graph *g, const struct trc_proc *p,
                      const struct trc_clause *cl)
{
    const baton_chan *c = cl->chan;
    uint32_t peer = cl->op == BATON_RECV ? c->last_send : c->last_recv;
    const char *role = cl->op == BATON_RECV ? "sender" : "receiver";
    if (!peer) {
        fprintf(out, "      no process has %s '%s' yet\n",
                cl->op == BATON_RECV ? "sent on" : "received from", c->name);
        return;
    }
    if (peer == p->id || alive(g, peer)) return;
    const struct trc_ended *e = trc_ended_find(peer);
    if (!e) {
        fprintf(out, "      its last %s (#%u) has ended\n", role, peer);
    } else if (e->file) {
        fprintf(out, "      its last %s '%s' (#%u) has ended (its last call: %s:%d)\n", role, e->name,
                e->id, e->file, e->line);
    } else {
        fprintf(out, "      its last %s '%s' (#%u) has ended\n", role, e->name, e->id);
    }
}

/* ", at FILE:LINE" where p blocked (baton.h's call sites), then the end of the line. */
static void where(FILE *out, const struct trc_proc *p)
{
    if (p->at_file) fprintf(out, ", at %s:%d", p->at_file, p->at_line);
    fputc('\n', out);
}

static void describe(FILE *out, const struct graph *g, struct trc_proc *p)
{
    char ev[320];
    fprintf(out, "  '%s' (#%u) ", p->name, p->id);
    switch (p->wait) {
    case TRC_W_CHAN: {
        const struct trc_clause *cl = &p->clauses[0];
        trc_event_text(cl->chan, cl->op, cl->msg, ev, sizeof ev);
        fprintf(out, "waits to %s '%s': offers %s", cl->op == BATON_SEND ? "send on" : "receive from",
                cl->chan->name, ev);
        where(out, p);
        other_end(out, g, p, cl);
        break;
    }
    case TRC_W_ALT:
        if (p->nclauses == 0) {
            fprintf(out, "waits in an alt with no enabled case (STOP)");
            where(out, p);
            break;
        }
        fprintf(out, "waits in an alt: offers");
        for (uint32_t i = 0; i < p->nclauses; i++) {
            const struct trc_clause *cl = &p->clauses[i];
            trc_event_text(cl->chan, cl->op, cl->msg, ev, sizeof ev);
            fprintf(out, "%s %s (%s '%s')", i ? " |" : "", ev,
                    cl->op == BATON_SEND ? "send on" : "receive from", cl->chan->name);
        }
        where(out, p);
        for (uint32_t i = 0; i < p->nclauses; i++) other_end(out, g, p, &p->clauses[i]);
        break;
    case TRC_W_PAR:
        fprintf(out, "waits in par for %zu process%s to end", p->waitpar->left,
                p->waitpar->left == 1 ? "" : "es");
        where(out, p);
        break;
    default:
        fprintf(out, "is blocked");
        where(out, p);
        break;
    }
}

static void trace_state(const struct graph *g, const size_t *cycle, size_t clen)
{
    trc_rec_deadlock((uint32_t)g->n);
    for (size_t v = 0; v < g->n; v++) {
        struct trc_proc *p = g->procs[v];
        bool chans = p->wait == TRC_W_CHAN || p->wait == TRC_W_ALT;
        int op = p->wait == TRC_W_PAR ? TRC_OP_PAR
                 : p->wait == TRC_W_ALT ? TRC_OP_ALT
                 : chans && p->clauses[0].op == BATON_SEND ? TRC_OP_SEND : TRC_OP_RECV;
        trc_rec_wait(p, op, chans ? p->nclauses : 0);
        for (uint32_t i = 0; chans && i < p->nclauses; i++) trc_rec_offer(&p->clauses[i]);
        trc_rec_site(p);
    }
    if (clen) {
        struct trc_proc **ps = malloc(clen * sizeof *ps);
        if (!ps) return;
        for (size_t i = 0; i < clen; i++) ps[i] = g->procs[cycle[i]];
        trc_rec_cycle(ps, (uint32_t)(clen > TRC_CYCLE_MAX ? TRC_CYCLE_MAX : clen));
        free(ps);
    }
}

void trc_deadlock_report(void)
{
    struct graph g = {0};
    size_t *cycle = NULL, clen = 0;
    for (struct trc_proc *p = trc_sched.all_head; p; p = p->next_all) g.n++;
    g.procs = malloc(g.n * sizeof *g.procs);
    cycle = malloc(g.n * sizeof *cycle);
    if (g.procs && cycle) {
        size_t i = 0;
        for (struct trc_proc *p = trc_sched.all_head; p; p = p->next_all) g.procs[i++] = p;
        if (build(&g) == 0) clen = find_cycle(&g, cycle);
    }
    FILE *out = stderr;
    fprintf(out, "baton: deadlock: %zu process%s blocked forever (seed %llu)\n", g.n,
            g.n == 1 ? "" : "es", (unsigned long long)trc_sched.seed);
    size_t shown = 0;
    for (struct trc_proc *p = trc_sched.all_head; p && shown < REPORT_MAX; p = p->next_all, shown++)
        describe(out, &g, p);
    if (shown < g.n) fprintf(out, "  ... and %zu more (the trace has them all)\n", g.n - shown);
    if (clen) {
        fprintf(out, "  wait-for cycle:");
        for (size_t i = 0; i < clen && i < REPORT_MAX; i++)
            fprintf(out, " '%s' (#%u) ->", g.procs[cycle[i]]->name, g.procs[cycle[i]]->id);
        fprintf(out, " '%s' (#%u)\n", g.procs[cycle[0]]->name, g.procs[cycle[0]]->id);
    } else {
        fprintf(out, "  no wait-for cycle found among them (a process is taken to wait for the last "
                     "users of its channels)\n");
    }
    fflush(out);
    if (TRC_ON() && g.procs) trace_state(&g, cycle, clen);
    free(g.procs);
    free(g.first);
    free(g.to);
    free(cycle);
}
