/* builtins.c — FDR's built-in library: set, sequence and map functions, the constant
 * processes and sets (STOP, SKIP, DIV, Int, Bool, Char, Events, Proc, emptyMap), RUN,
 * CHAOS, WAIT, prioritise, error/show, the relation externals (transpose, mtransclose,
 * relational_image, …) and the compression functions (a COMPRESS term the checker acts on,
 * model/proc.h; model_compress, deter and lazyenumerate are identities).
 * Each built-in function is a CLOSURE whose code names its row of the table below. */
#include <stdlib.h>
#include <string.h>

#include "model/eval_int.h"

/* X(name, arity) — arity -1: any.  ORDER BUILTINS: the enum follows this list. */
#define BUILTINS(X)                                                                                \
    X(union, 2) X(inter, 2) X(diff, 2) X(Union, 1) X(Inter, 1) X(member, 2) X(card, 1)             \
    X(empty, 1) X(set, 1) X(seq, 1) X(Set, 1) X(Seq, 1) X(head, 1) X(tail, 1) X(length, 1)          \
    X(null, 1) X(elem, 2) X(concat, 1) X(productions, 1) X(extensions, 1) X(mapFromList, 1)         \
    X(mapLookup, 2) X(mapMember, 2) X(mapToList, 1) X(mapUpdate, 3) X(mapUpdateMultiple, 2)         \
    X(mapDelete, 2) X(Map, 2) X(mapKeys, 1) X(error, 1) X(show, 1) X(RUN, 1) X(CHAOS, 1)            \
    X(WAIT, 1) X(prioritise, 2) X(prioritisepo, 4) X(transpose, 1) X(mtransclose, 2)               \
    X(relational_image, 1) X(relational_inverse_image, 1) X(normal, 1) X(sbisim, 1)              \
    X(wbisim, 1) X(dbisim, 1) X(diamond, 1) X(explicate, 1) X(chase, 1) X(chase_nocache, 1)       \
    X(model_compress, 1) X(tau_loop_factor, 1) X(lazyenumerate, 1) X(normalise, 1)                 \
    X(normalize, 1) X(deter, 1) X(failure_watchdog, 3) X(trace_watchdog, 3) X(timed_priority, 1)   \
    X(BUFFER, 2) X(WEAK_BUFFER, 3) X(loop, 1) X(seqtoset, 1) X(image_fn, 2)              \
    X(lazynorm, 1) X(prioritise_nocache, 2)

enum builtin {
#define X(name, arity) B_##name,
    BUILTINS(X)
#undef X
    B_COUNT
};

static const struct {
    const char *name;
    int arity;
} table[] = {
#define X(name, arity) {#name, arity},
    BUILTINS(X)
#undef X
};

/* Constants: names that are values, not functions. */
static const char *const constants[] = {"STOP", "SKIP", "DIV", "Int", "Bool", "Char", "Events",
                                        "Proc", "emptyMap", "true", "false", NULL};

bool ev_is_builtin_name(const char *s)
{
    for (int i = 0; i < B_COUNT; i++)
        if (strcmp(table[i].name, s) == 0) return true;
    for (int i = 0; constants[i]; i++)
        if (strcmp(constants[i], s) == 0) return true;
    return false;
}

/* The compression functions: name, and the enum proc_compression they make (-1: identity). */
static const struct {
    const char *name;
    int kind;
} compressions[] = {
    {"normal", COMP_NORMAL}, {"normalise", COMP_NORMAL}, {"normalize", COMP_NORMAL},
    {"lazynorm", COMP_NORMAL}, {"sbisim", COMP_SBISIM}, {"wbisim", COMP_WBISIM},
    {"diamond", COMP_DIAMOND}, {"explicate", COMP_EXPLICATE}, {"chase", COMP_CHASE},
    {"chase_nocache", COMP_CHASE}, {"tau_loop_factor", COMP_TAU_LOOP_FACTOR},
    {"dbisim", COMP_DBISIM}, {"model_compress", -1}, {"lazyenumerate", -1}, {"deter", -1},
};

static const value *ok(struct evaluator *ev, const value *v);

bool ev_is_compression(const char *s, int *kind)
{
    const char *q = strrchr(s, ':');
    if (q) s = q + 1;
    for (size_t i = 0; i < sizeof compressions / sizeof compressions[0]; i++)
        if (strcmp(compressions[i].name, s) == 0) {
            if (kind) *kind = compressions[i].kind;
            return true;
        }
    return false;
}

const value *ev_compress(struct evaluator *ev, const value *p, int kind)
{
    if (kind < 0) return p;
    const value *items[2] = {p, ok(ev, val_int(ev->vs, kind))};
    return ev_proc(ev, PROC_COMPRESS, items, 2);
}

void ev_builtins_init(struct evaluator *ev)
{
    for (int i = 0; i < B_COUNT; i++) {
        ev->builtin_codes[i].kind = C_BUILTIN;
        ev->builtin_codes[i].builtin = i;
        ev->builtin_codes[i].arity = table[i].arity;
    }
    for (int i = 0; i < SYM_COUNT; i++) {
        ev->symset_codes[i].kind = C_SYMSET;
        ev->symset_codes[i].builtin = i;
    }
    ev->lazyseq_code.kind = C_LAZYSEQ;
}

static const value *ok(struct evaluator *ev, const value *v)
{
    if (!v) ev_fail(ev, (struct cspm_loc){0}, "out of memory");
    return v;
}

const value *ev_builtin(struct evaluator *ev, const char *s, struct cspm_loc loc)
{
    val_store *vs = ev->vs;
    (void)loc;
    for (int i = 0; i < B_COUNT; i++)
        if (strcmp(table[i].name, s) == 0)
            return ok(ev, val_closure(vs, -1000 - i, &ev->builtin_codes[i], NULL, 0));
    if (!strcmp(s, "STOP")) return ev->stop;
    if (!strcmp(s, "SKIP")) return ev->skip;
    if (!strcmp(s, "DIV")) return ev_proc(ev, PROC_DIV, NULL, 0);
    if (!strcmp(s, "Int")) return ok(ev, val_all_ints(vs));
    if (!strcmp(s, "Bool")) {
        const value *b[2] = {val_bool(vs, false), val_bool(vs, true)};
        return ok(ev, val_set(vs, b, 2));
    }
    if (!strcmp(s, "Char")) return ev_symset(ev, SYM_CHAR, NULL, 0);
    if (!strcmp(s, "Proc")) return ev_symset(ev, SYM_PROC, NULL, 0);
    if (!strcmp(s, "Events")) return ev_events(ev, loc);
    if (!strcmp(s, "emptyMap")) return ok(ev, val_map(vs, NULL, NULL, 0));
    if (!strcmp(s, "true")) return val_bool(vs, true);
    if (!strcmp(s, "false")) return val_bool(vs, false);
    return NULL;
}

/* ---- helpers ---- */

int64_t ev_int(struct evaluator *ev, const value *v, struct cspm_loc loc)
{
    if (v->kind != VAL_INT) {
        char buf[100];
        val_format(v, buf, sizeof buf);
        ev_fail(ev, loc, "expected an integer, found %s %s", val_kind_name(v->kind), buf);
    }
    return v->num;
}

bool ev_bool(struct evaluator *ev, const value *v, struct cspm_loc loc)
{
    if (v->kind != VAL_BOOL) {
        char buf[100];
        val_format(v, buf, sizeof buf);
        ev_fail(ev, loc, "expected a boolean, found %s %s", val_kind_name(v->kind), buf);
    }
    return v->num != 0;
}

static const value *need(struct evaluator *ev, const value *v, int kind, const char *what,
                         struct cspm_loc loc)
{
    if (v->kind != kind) {
        char buf[100];
        val_format(v, buf, sizeof buf);
        ev_fail(ev, loc, "expected %s, found %s %s", what, val_kind_name(v->kind), buf);
    }
    return v;
}

static bool is_lazy(const value *v)
{
    return ev_is_lazy(v);
}

/* Finite ints of s that are >= lo are all in s and s has no larger gap: {lo..} ⊆ s? */
static const value *ints_filter(struct evaluator *ev, const value *fin, const value *inf,
                                bool keep_in)
{
    struct vec out = {0};
    for (uint32_t i = 0; i < fin->n; i++)
        if (val_set_member(inf, fin->items[i]) == keep_in) vec_push(ev, &out, fin->items[i]);
    return ev_set_of(ev, &out);
}

const value *ev_set_op(struct evaluator *ev, int op, const value *a, const value *b,
                       struct cspm_loc loc)
{
    val_store *vs = ev->vs;
    bool ia = a->kind == VAL_INTS_FROM, ib = b->kind == VAL_INTS_FROM;
    if (!ia && !ib) {
        need(ev, a, VAL_SET, "a set", loc);
        need(ev, b, VAL_SET, "a set", loc);
        switch (op) {
        case SETOP_UNION: return ok(ev, val_set_union(vs, a, b));
        case SETOP_INTER: return ok(ev, val_set_inter(vs, a, b));
        default: return ok(ev, val_set_diff(vs, a, b));
        }
    }
    if (ia && ib) {
        int64_t la = a->all ? INT64_MIN : a->num, lb = b->all ? INT64_MIN : b->num;
        switch (op) {
        case SETOP_UNION: return la <= lb ? a : b;
        case SETOP_INTER: return la >= lb ? a : b;
        default:
            if (la >= lb) return ok(ev, val_set(vs, NULL, 0));
            if (b->all) return ok(ev, val_set(vs, NULL, 0));
            {
                struct vec out = {0};
                if (lb - la > 5000000) ev_fail(ev, loc, "this set is too large");
                for (int64_t k = la; k < lb; k++) vec_push(ev, &out, ok(ev, val_int(vs, k)));
                return ev_set_of(ev, &out);
            }
        }
    }
    const value *fin = ia ? b : a, *inf = ia ? a : b;
    need(ev, fin, VAL_SET, "a set", loc);
    switch (op) {
    case SETOP_INTER:
        return ints_filter(ev, fin, inf, true);
    case SETOP_UNION: {
        /* Exact only when the finite part adds nothing or extends the range downwards. */
        const value *out = ints_filter(ev, fin, inf, false);
        if (out->n == 0) return inf;
        int64_t lo = inf->num;
        for (uint32_t i = out->n; i-- > 0;) {
            if (out->items[i]->kind != VAL_INT || out->items[i]->num != lo - 1) break;
            lo--;
        }
        if (lo - inf->num == -(int64_t)out->n) return ok(ev, val_ints_from(vs, lo));
        ev_fail(ev, loc, "the union of an infinite and a finite set is not supported here");
    }
    default:
        if (ia) {
            if (b->kind == VAL_SET) {
                /* {lo..} minus a finite set: exact when it removes a prefix */
                int64_t lo = a->num;
                if (a->all) ev_fail(ev, loc, "the difference of Int and a finite set is infinite");
                while (val_set_member(b, val_int(vs, lo))) lo++;
                for (uint32_t i = 0; i < b->n; i++)
                    if (b->items[i]->kind == VAL_INT && b->items[i]->num > lo)
                        ev_fail(ev, loc, "this set difference is not supported (a hole in an infinite set)");
                return ok(ev, val_ints_from(vs, lo));
            }
        }
        return ints_filter(ev, fin, inf, false);
    }
}

bool ev_subset(struct evaluator *ev, const value *a, const value *b, struct cspm_loc loc)
{
    if (a->kind == VAL_INTS_FROM) {
        if (b->kind != VAL_INTS_FROM) return false;
        if (b->all) return true;
        return !a->all && a->num >= b->num;
    }
    need(ev, a, VAL_SET, "a set", loc);
    if (b->kind == VAL_SET || b->kind == VAL_INTS_FROM) return val_set_subset(a, b);
    for (uint32_t i = 0; i < a->n; i++)
        if (!ev_member(ev, b, a->items[i], loc)) return false;
    return true;
}

static const value *seq_head(struct evaluator *ev, const value *s, struct cspm_loc loc)
{
    const value *h, *t;
    if (is_lazy(s)) {
        if (!ev_lazy_uncons(ev, s, &h, &t, loc)) ev_fail(ev, loc, "head of the empty sequence");
        return h;
    }
    need(ev, s, VAL_SEQ, "a sequence", loc);
    if (s->n == 0) ev_fail(ev, loc, "head of the empty sequence");
    return s->items[0];
}

static void powerset(struct evaluator *ev, const value *s, struct vec *out, struct cspm_loc loc)
{
    if (s->n > 20) ev_fail(ev, loc, "the powerset of a set of %u elements is too large", s->n);
    for (uint64_t m = 0; m < (1ull << s->n); m++) {
        struct vec sub = {0};
        for (uint32_t i = 0; i < s->n; i++)
            if (m >> i & 1) vec_push(ev, &sub, s->items[i]);
        vec_push(ev, out, ev_set_of(ev, &sub));
    }
}

/* All maps from subsets of K to V. */
static void maps(struct evaluator *ev, const value *K, const value *V, uint32_t i,
                 const value **keys, const value **vals, uint32_t n, struct vec *out)
{
    if (i == K->n) {
        vec_push(ev, out, ok(ev, val_map(ev->vs, keys, vals, n)));
        return;
    }
    maps(ev, K, V, i + 1, keys, vals, n, out);
    for (uint32_t k = 0; k < V->n; k++) {
        keys[n] = K->items[i];
        vals[n] = V->items[k];
        maps(ev, K, V, i + 1, keys, vals, n + 1, out);
    }
}

static const value *pair_of(struct evaluator *ev, const value *t, struct cspm_loc loc)
{
    need(ev, t, VAL_TUPLE, "a pair", loc);
    if (t->n != 2) ev_fail(ev, loc, "expected a pair");
    return t;
}

static const value *map_of_list(struct evaluator *ev, const value *base, const value *list,
                                struct cspm_loc loc)
{
    need(ev, list, VAL_SEQ, "a sequence of pairs", loc);
    size_t nb = base ? base->n / 2 : 0, n = nb + list->n;
    const value **keys = scratch(ev, (n + 1) * sizeof *keys), **vals = scratch(ev, (n + 1) * sizeof *vals);
    for (size_t i = 0; i < nb; i++) {
        keys[i] = base->items[2 * i];
        vals[i] = base->items[2 * i + 1];
    }
    for (uint32_t i = 0; i < list->n; i++) {
        const value *p = pair_of(ev, list->items[i], loc);
        keys[nb + i] = p->items[0];
        vals[nb + i] = p->items[1];
    }
    return ok(ev, val_map(ev->vs, keys, vals, n));
}


/* Is R (a set of pairs) acyclic? Depth-first search with colours, quadratic but small. */
static bool reaches(const value *R, const value *from, const value *to, int depth)
{
    if (depth > (int)R->n + 1) return false;
    for (uint32_t i = 0; i < R->n; i++) {
        if (R->items[i]->items[0] != from) continue;
        if (R->items[i]->items[1] == to || reaches(R, R->items[i]->items[1], to, depth + 1))
            return true;
    }
    return false;
}

const value *ev_call_builtin(struct evaluator *ev, int b, const value *const *a, size_t n,
                             struct cspm_loc loc)
{
    val_store *vs = ev->vs;
    (void)n;
    switch ((enum builtin)b) {
    case B_union: return ev_set_op(ev, SETOP_UNION, a[0], a[1], loc);
    case B_inter: return ev_set_op(ev, SETOP_INTER, a[0], a[1], loc);
    case B_diff: return ev_set_op(ev, SETOP_DIFF, a[0], a[1], loc);
    case B_Union:
    case B_Inter: {
        const value *s = ev_finite(ev, a[0], loc);
        if (s->n == 0) {
            if (b == B_Inter) ev_fail(ev, loc, "Inter of the empty set");
            return ok(ev, val_set(vs, NULL, 0));
        }
        const value *acc = s->items[0];
        for (uint32_t i = 1; i < s->n; i++)
            acc = ev_set_op(ev, b == B_Union ? SETOP_UNION : SETOP_INTER, acc, s->items[i], loc);
        return acc;
    }
    case B_member: return val_bool(vs, ev_member(ev, a[1], a[0], loc));
    case B_card: return ok(ev, val_int(vs, need(ev, a[0], VAL_SET, "a finite set", loc)->n));
    case B_empty:
        if (a[0]->kind == VAL_INTS_FROM) return val_bool(vs, false);
        return val_bool(vs, need(ev, a[0], VAL_SET, "a set", loc)->n == 0);
    case B_set:
        if (is_lazy(a[0]) && ((const struct code *)a[0]->code)->node == NULL)
            return ok(ev, val_ints_from(vs, a[0]->items[0]->num));
        if (is_lazy(a[0])) ev_fail(ev, loc, "set of an infinite comprehension");
        need(ev, a[0], VAL_SEQ, "a sequence", loc);
        return ok(ev, val_set(vs, a[0]->items, a[0]->n));
    case B_seq:
    case B_seqtoset:
        need(ev, a[0], VAL_SET, "a finite set", loc);
        return ok(ev, val_seq(vs, a[0]->items, a[0]->n));
    case B_Set: {
        if (a[0]->kind != VAL_SET) return ev_symset(ev, SYM_SET, a, 1);
        struct vec out = {0};
        powerset(ev, a[0], &out, loc);
        return ev_set_of(ev, &out);
    }
    case B_Seq: return ev_symset(ev, SYM_SEQ, a, 1);
    case B_Map: {
        if (a[0]->kind != VAL_SET || a[1]->kind != VAL_SET) return ev_symset(ev, SYM_MAP, a, 2);
        const value **keys = scratch(ev, (a[0]->n + 1) * sizeof *keys);
        const value **vals = scratch(ev, (a[0]->n + 1) * sizeof *vals);
        struct vec out = {0};
        maps(ev, a[0], a[1], 0, keys, vals, 0, &out);
        return ev_set_of(ev, &out);
    }
    case B_head: return seq_head(ev, a[0], loc);
    case B_tail:
        if (is_lazy(a[0])) {
            const value *h, *t;
            if (!ev_lazy_uncons(ev, a[0], &h, &t, loc)) ev_fail(ev, loc, "tail of the empty sequence");
            return t;
        }
        need(ev, a[0], VAL_SEQ, "a sequence", loc);
        if (a[0]->n == 0) ev_fail(ev, loc, "tail of the empty sequence");
        return ok(ev, val_seq(vs, a[0]->items + 1, a[0]->n - 1));
    case B_length:
        if (is_lazy(a[0])) ev_fail(ev, loc, "length of an infinite sequence");
        return ok(ev, val_int(vs, need(ev, a[0], VAL_SEQ, "a sequence", loc)->n));
    case B_null:
        if (is_lazy(a[0])) return val_bool(vs, false);
        return val_bool(vs, need(ev, a[0], VAL_SEQ, "a sequence", loc)->n == 0);
    case B_elem:
        need(ev, a[1], VAL_SEQ, "a sequence", loc);
        for (uint32_t i = 0; i < a[1]->n; i++)
            if (a[1]->items[i] == a[0]) return val_bool(vs, true);
        return val_bool(vs, false);
    case B_concat: {
        need(ev, a[0], VAL_SEQ, "a sequence of sequences", loc);
        struct vec out = {0};
        for (uint32_t i = 0; i < a[0]->n; i++) {
            const value *s = need(ev, a[0]->items[i], VAL_SEQ, "a sequence", loc);
            for (uint32_t k = 0; k < s->n; k++) vec_push(ev, &out, s->items[k]);
        }
        return ev_seq_of(ev, &out);
    }
    case B_productions: return ev_productions(ev, a[0], loc);
    case B_extensions: return ev_extensions(ev, a[0], false, loc);
    case B_mapFromList: return map_of_list(ev, NULL, a[0], loc);
    case B_mapUpdateMultiple:
        return map_of_list(ev, need(ev, a[0], VAL_MAP, "a map", loc), a[1], loc);
    case B_mapLookup: {
        const value *v = val_map_lookup(need(ev, a[0], VAL_MAP, "a map", loc), a[1]);
        if (!v) {
            char buf[100];
            val_format(a[1], buf, sizeof buf);
            ev_fail(ev, loc, "mapLookup: the key %s is not in the map", buf);
        }
        return v;
    }
    case B_mapMember:
        return val_bool(vs, val_map_lookup(need(ev, a[0], VAL_MAP, "a map", loc), a[1]) != NULL);
    case B_mapToList: {
        const value *m = need(ev, a[0], VAL_MAP, "a map", loc);
        struct vec out = {0};
        for (uint32_t i = 0; i < m->n; i += 2) {
            const value *p[2] = {m->items[i], m->items[i + 1]};
            vec_push(ev, &out, ok(ev, val_tuple(vs, p, 2)));
        }
        return ev_seq_of(ev, &out);
    }
    case B_mapKeys: {
        const value *m = need(ev, a[0], VAL_MAP, "a map", loc);
        struct vec out = {0};
        for (uint32_t i = 0; i < m->n; i += 2) vec_push(ev, &out, m->items[i]);
        return ev_set_of(ev, &out);
    }
    case B_mapUpdate: {
        const value *m = need(ev, a[0], VAL_MAP, "a map", loc);
        size_t k = m->n / 2;
        const value **keys = scratch(ev, (k + 1) * sizeof *keys), **vals = scratch(ev, (k + 1) * sizeof *vals);
        for (size_t i = 0; i < k; i++) {
            keys[i] = m->items[2 * i];
            vals[i] = m->items[2 * i + 1];
        }
        keys[k] = a[1];
        vals[k] = a[2];
        return ok(ev, val_map(vs, keys, vals, k + 1));
    }
    case B_mapDelete: {
        const value *m = need(ev, a[0], VAL_MAP, "a map", loc);
        size_t k = 0;
        const value **keys = scratch(ev, (m->n / 2 + 1) * sizeof *keys);
        const value **vals = scratch(ev, (m->n / 2 + 1) * sizeof *vals);
        for (uint32_t i = 0; i < m->n; i += 2)
            if (m->items[i] != a[1]) {
                keys[k] = m->items[i];
                vals[k++] = m->items[i + 1];
            }
        return ok(ev, val_map(vs, keys, vals, k));
    }
    case B_error: {
        char buf[512];
        if (val_is_string(a[0])) {
            size_t at = 0;
            for (uint32_t i = 0; i < a[0]->n && at + 5 < sizeof buf; i++) {
                int64_t c = a[0]->items[i]->num;
                if (c < 0x80) buf[at++] = (char)c;
                else buf[at++] = '?';
            }
            buf[at] = '\0';
        } else {
            val_format(a[0], buf, sizeof buf);
        }
        ev_fail(ev, loc, "error(): %s", buf);
    }
    case B_show: {
        char small[256];
        size_t len = val_format(a[0], small, sizeof small);
        if (len < sizeof small) return ok(ev, val_string(vs, small, len));
        char *big = scratch(ev, len + 1);
        val_format(a[0], big, len + 1);
        return ok(ev, val_string(vs, big, len));
    }
    case B_RUN:
    case B_CHAOS: {
        const value *A = ev_event_set(ev, a[0], loc);
        return ev_proc(ev, b == B_RUN ? PROC_RUN : PROC_CHAOS, &A, 1);
    }
    case B_WAIT: {
        int64_t k = ev_int(ev, a[0], loc);
        /* WAIT exists only inside Timed sections: n tocks, then SKIP(tock). */
        if (k < 0) ev_fail(ev, loc, "WAIT of a negative time");
        const value *tock = ev_tock(ev, loc), *p = ev_timed_skip(ev, loc);
        if (k > 100000) ev_fail(ev, loc, "WAIT(%lld) is too long", (long long)k);
        for (int64_t i = 0; i < k; i++) {
            const value *items[2] = {tock, p};
            p = ev_proc(ev, PROC_PREFIX, items, 2);
        }
        return p;
    }
    case B_prioritise:
    case B_prioritise_nocache: {
        const value *P = ev_expect_proc(ev, a[0], loc);
        const value *S = need(ev, a[1], VAL_SEQ, "a sequence of event sets", loc);
        if (S->n == 0) ev_fail(ev, loc, "prioritise needs at least one set of events");
        for (uint32_t i = 0; i < S->n; i++) ev_event_set(ev, S->items[i], loc);
        const value *items[2] = {P, S};
        return ev_proc(ev, PROC_PRIORITISE, items, 2);
    }
    case B_prioritisepo: {
        /* Checked as FDR checks it; the partial order itself is not applied yet (the
         * process is returned unchanged). */
        const value *P = ev_expect_proc(ev, a[0], loc);
        const value *A = ev_event_set(ev, a[1], loc);
        const value *R = need(ev, a[2], VAL_SET, "a set of pairs", loc);
        const value *M = ev_event_set(ev, a[3], loc);
        for (uint32_t i = 0; i < R->n; i++) {
            const value *p = pair_of(ev, R->items[i], loc);
            if (!val_set_member(A, p->items[0]) || !val_set_member(A, p->items[1]))
                ev_fail(ev, loc, "prioritisepo: the order relates events outside the alphabet");
            if (reaches(R, p->items[1], p->items[0], 0) || p->items[0] == p->items[1])
                ev_fail(ev, loc, "prioritisepo: the relation is not a partial order (it has a cycle)");
            if (val_set_member(M, p->items[1]))
                ev_fail(ev, loc, "prioritisepo: a maximal event is below another event");
        }
        return P;
    }
    case B_transpose: {
        const value *R = need(ev, a[0], VAL_SET, "a set of pairs", loc);
        struct vec out = {0};
        for (uint32_t i = 0; i < R->n; i++) {
            const value *p = pair_of(ev, R->items[i], loc);
            const value *q[2] = {p->items[1], p->items[0]};
            vec_push(ev, &out, ok(ev, val_tuple(vs, q, 2)));
        }
        return ev_set_of(ev, &out);
    }
    case B_relational_image:
    case B_relational_inverse_image: {
        /* Returns a function x -> {y | (x, y) <- R}: a closure over the image_fn built-in. */
        const value *R = need(ev, a[0], VAL_SET, "a set of pairs", loc);
        if (b == B_relational_inverse_image) R = ev_call_builtin(ev, B_transpose, &R, 1, loc);
        return ok(ev, val_closure(vs, -1000 - B_image_fn, &ev->builtin_codes[B_image_fn], &R, 1));
    }
    case B_image_fn: {
        const value *R = a[0];
        struct vec out = {0};
        for (uint32_t i = 0; i < R->n; i++)
            if (R->items[i]->items[0] == a[1]) vec_push(ev, &out, R->items[i]->items[1]);
        return ev_set_of(ev, &out);
    }
    case B_mtransclose: {
        /* mtransclose(R, D): for the equivalence classes of the reflexive, symmetric and
         * transitive closure of R on D, the pairs (rep, x) for every other member x of
         * a class, paired with the class's representative (the least member): (rep, x). */
        const value *R = need(ev, a[0], VAL_SET, "a set of pairs", loc);
        const value *D = need(ev, a[1], VAL_SET, "a set", loc);
        uint32_t m = D->n;
        uint32_t *parent = scratch(ev, (m + 1) * sizeof *parent);
        for (uint32_t i = 0; i < m; i++) parent[i] = i;
        for (uint32_t i = 0; i < R->n; i++) {
            const value *p = pair_of(ev, R->items[i], loc);
            int x = -1, y = -1;
            for (uint32_t k = 0; k < m; k++) {
                if (D->items[k] == p->items[0]) x = (int)k;
                if (D->items[k] == p->items[1]) y = (int)k;
            }
            if (x < 0 || y < 0) continue;
            while (parent[x] != (uint32_t)x) x = (int)parent[x];
            while (parent[y] != (uint32_t)y) y = (int)parent[y];
            if (x < y) parent[y] = (uint32_t)x;
            else parent[x] = (uint32_t)y;
        }
        struct vec out = {0};
        for (uint32_t i = 0; i < m; i++) {
            uint32_t r = i;
            while (parent[r] != r) r = parent[r];
            if (r == i) continue;
            const value *q[2] = {D->items[r], D->items[i]};
            vec_push(ev, &out, ok(ev, val_tuple(vs, q, 2)));
        }
        return ev_set_of(ev, &out);
    }
    case B_normal:
    case B_sbisim:
    case B_wbisim:
    case B_dbisim:
    case B_diamond:
    case B_explicate:
    case B_chase:
    case B_chase_nocache:
    case B_model_compress:
    case B_tau_loop_factor:
    case B_lazyenumerate:
    case B_normalise:
    case B_lazynorm:
    case B_normalize:
    case B_deter: {
        int kind = -1;
        ev_is_compression(table[b].name, &kind);
        return ev_compress(ev, ev_expect_proc(ev, a[0], loc), kind);
    }
    case B_timed_priority: {
        /* prioritise(P, <{}, {tock}>): tau and ✓ before tock (maximal progress). */
        const value *tock = ev_tock(ev, loc);
        const value *sets[2] = {ok(ev, val_set(vs, NULL, 0)), ok(ev, val_set(vs, &tock, 1))};
        const value *items[2] = {ev_expect_proc(ev, a[0], loc), ok(ev, val_seq(vs, sets, 2))};
        return ev_proc(ev, PROC_PRIORITISE, items, 2);
    }
    case B_failure_watchdog:
    case B_trace_watchdog:
        ev_event_set(ev, a[1], loc);
        return ev_expect_proc(ev, a[0], loc);
    case B_BUFFER:
    case B_WEAK_BUFFER: {
        int64_t k = ev_int(ev, a[0], loc);
        if (k <= 0) ev_fail(ev, loc, "a buffer needs a positive size");
        const value *R = need(ev, a[b == B_BUFFER ? 1 : 2], VAL_SET, "a set of pairs", loc);
        for (uint32_t i = 0; i < R->n; i++)
            for (uint32_t j = i + 1; j < R->n; j++)
                if (pair_of(ev, R->items[i], loc)->items[0] == R->items[j]->items[0] ||
                    R->items[i]->items[1] == R->items[j]->items[1])
                    ev_fail(ev, loc, "the buffer's relation is ambiguous");
        return ev_buffer_state(ev, a[0], R, ok(ev, val_seq(vs, NULL, 0)),
                               b == B_BUFFER ? ok(ev, val_int(vs, 0)) : a[1]);
    }
    case B_loop:
        return ev_expect_proc(ev, a[0], loc);
    case B_COUNT:
        break;
    }
    ev_fail(ev, loc, "internal error: unknown built-in");
}
