/* value.c — interned CSPm values: a bump allocator for the values themselves and an
 * open-addressing table that finds the one copy of each.  See value.h for the contract. */
#include "model/value.h"

#include <stdlib.h>
#include <string.h>

enum { CHUNK = 64 * 1024 };

struct chunk {
    struct chunk *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char mem[];
};

struct val_store {
    struct chunk *chunks;     /* newest first */
    size_t bytes;             /* allocated for values and names */
    const value **table;      /* open addressing, linear probing; NULL = empty */
    size_t cap, count;        /* cap is a power of two; count < cap * 3/4 */
    uint32_t nnames;
    const value *t, *f;       /* true and false, made once */
};

static val_printer *proc_printer;

void val_set_printer(val_printer *p)
{
    proc_printer = p;
}

const char *val_kind_name(int kind)
{
    static const char *const names[] = {
#define X(k, desc) desc,
        VALUE_KINDS(X)
#undef X
    };
    return kind >= 0 && kind < (int)(sizeof names / sizeof names[0]) ? names[kind] : "value";
}

static void *alloc(val_store *vs, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct chunk *c = vs->chunks;
    if (!c || c->size - c->used < size) {
        size_t want = size > CHUNK ? size : CHUNK;
        c = malloc(sizeof *c + want);
        if (!c) return NULL;
        c->next = vs->chunks;
        c->used = 0;
        c->size = want;
        vs->chunks = c;
    }
    void *p = c->mem + c->used;
    c->used += size;
    vs->bytes += size;
    return p;
}

val_store *val_store_new(void)
{
    val_store *vs = calloc(1, sizeof *vs);
    if (!vs) return NULL;
    vs->cap = 1024;
    vs->table = calloc(vs->cap, sizeof *vs->table);
    if (!vs->table) {
        free(vs);
        return NULL;
    }
    vs->f = val_bool(vs, false);
    vs->t = val_bool(vs, true);
    if (!vs->f || !vs->t) {
        val_store_free(vs);
        return NULL;
    }
    return vs;
}

void val_store_free(val_store *vs)
{
    if (!vs) return;
    for (struct chunk *c = vs->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(vs->table);
    free(vs);
}

size_t val_store_count(const val_store *vs)
{
    return vs->count;
}

size_t val_store_bytes(const val_store *vs)
{
    return vs->bytes + vs->cap * sizeof *vs->table;
}

/* ---- hashing and interning ---- */

static uint32_t mix(uint32_t h, uint64_t x)
{
    /* A 64-bit multiply-xorshift step folded to 32 bits: cheap and well spread. */
    uint64_t k = (x ^ h) * 0x9E3779B97F4A7C15ull;
    k ^= k >> 29;
    k *= 0xBF58476D1CE4E5B9ull;
    return (uint32_t)(k ^ (k >> 32));
}

/* The structural hash of a value not yet interned (items are, so their hashes are known). */
static uint32_t hash_of(const value *v)
{
    uint32_t h = mix(0x811C9DC5u, (uint64_t)v->kind << 32 | v->all);
    h = mix(h, (uint64_t)v->num);
    if (v->kind == VAL_NAME) h = mix(h, ((const struct val_name *)v->code)->id);
    h = mix(h, v->n);
    for (uint32_t i = 0; i < v->n; i++) h = mix(h, v->items[i]->hash);
    return h;
}

/* Same value, structurally, one level deep: items are interned, so compare their addresses. */
static bool same(const value *a, const value *b)
{
    if (a->hash != b->hash || a->kind != b->kind || a->n != b->n || a->num != b->num ||
        a->all != b->all || a->code != b->code)
        return false;
    for (uint32_t i = 0; i < a->n; i++)
        if (a->items[i] != b->items[i]) return false;
    return true;
}

static bool grow(val_store *vs)
{
    size_t cap = vs->cap * 2;
    const value **t = calloc(cap, sizeof *t);
    if (!t) return false;
    for (size_t i = 0; i < vs->cap; i++) {
        const value *v = vs->table[i];
        if (!v) continue;
        size_t j = v->hash & (cap - 1);
        while (t[j]) j = (j + 1) & (cap - 1);
        t[j] = v;
    }
    free(vs->table);
    vs->table = t;
    vs->cap = cap;
    return true;
}

/* Finds or adds the value described by the template `probe` (whose items array holds n
 * interned items).  The template lives on the caller's stack or heap and is copied. */
static const value *intern(val_store *vs, value *probe)
{
    probe->hash = hash_of(probe);
    size_t mask = vs->cap - 1, i = probe->hash & mask;
    for (const value *v; (v = vs->table[i]); i = (i + 1) & mask)
        if (same(v, probe)) return v;
    if ((vs->count + 1) * 4 > vs->cap * 3) {
        if (!grow(vs)) return NULL;
        mask = vs->cap - 1;
        i = probe->hash & mask;
        while (vs->table[i]) i = (i + 1) & mask;
    }
    size_t size = sizeof(value) + probe->n * sizeof(value *);
    value *v = alloc(vs, size);
    if (!v) return NULL;
    memcpy(v, probe, size);
    vs->table[i] = v;
    vs->count++;
    return v;
}

/* A template with room for n items: on the stack when small, else on the heap. */
enum { SMALL = 16 };
struct tmpl {
    _Alignas(max_align_t) unsigned char bytes[sizeof(value) + SMALL * sizeof(const value *)];
};

static value *tmpl_init(struct tmpl *t, int kind, size_t n)
{
    value *v = (value *)t->bytes;
    if (n > SMALL) {
        if (n > UINT32_MAX) return NULL;
        v = malloc(sizeof(value) + n * sizeof(value *));
        if (!v) return NULL;
    }
    memset(v, 0, sizeof *v);
    v->kind = (uint8_t)kind;
    v->n = (uint32_t)n;
    return v;
}

static const value *tmpl_intern(val_store *vs, struct tmpl *t, value *v)
{
    const value *r = intern(vs, v);
    if (v != (value *)t->bytes) free(v);
    return r;
}

static const value *make(val_store *vs, int kind, int64_t num, const void *code,
                         const value *const *items, size_t n)
{
    struct tmpl t;
    value *v = tmpl_init(&t, kind, n);
    if (!v) return NULL;
    v->num = num;
    v->code = code;
    if (n) memcpy(v->items, items, n * sizeof *items);
    return tmpl_intern(vs, &t, v);
}

/* ---- constructors ---- */

const value *val_int(val_store *vs, int64_t i)
{
    return make(vs, VAL_INT, i, NULL, NULL, 0);
}

const value *val_bool(val_store *vs, bool b)
{
    if (b && vs->t) return vs->t;
    if (!b && vs->f) return vs->f;
    return make(vs, VAL_BOOL, b, NULL, NULL, 0);
}

const value *val_char(val_store *vs, int64_t code_point)
{
    return make(vs, VAL_CHAR, code_point, NULL, NULL, 0);
}

const value *val_tuple(val_store *vs, const value *const *items, size_t n)
{
    return make(vs, VAL_TUPLE, 0, NULL, items, n);
}

const value *val_seq(val_store *vs, const value *const *items, size_t n)
{
    return make(vs, VAL_SEQ, 0, NULL, items, n);
}

/* Decodes one UTF-8 sequence; malformed bytes stand for themselves (Latin-1). */
static int64_t utf8_next(const unsigned char *s, size_t len, size_t *i)
{
    unsigned c = s[*i];
    size_t extra = c >= 0xF0 && c < 0xF8 ? 3 : c >= 0xE0 && c < 0xF0 ? 2 : c >= 0xC0 && c < 0xE0 ? 1 : 0;
    if (extra == 0 || *i + extra >= len) {
        (*i)++;
        return c;
    }
    int64_t cp = c & (0x3F >> extra);
    for (size_t k = 1; k <= extra; k++) {
        unsigned cc = s[*i + k];
        if ((cc & 0xC0) != 0x80) {
            (*i)++;
            return c;
        }
        cp = cp << 6 | (cc & 0x3F);
    }
    *i += extra + 1;
    return cp;
}

const value *val_string(val_store *vs, const char *utf8, size_t len)
{
    struct tmpl t;
    value *v = tmpl_init(&t, VAL_SEQ, len);  /* at most len characters */
    if (!v) return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        const value *c = val_char(vs, utf8_next((const unsigned char *)utf8, len, &i));
        if (!c) {
            if (v != (value *)t.bytes) free(v);
            return NULL;
        }
        v->items[n++] = c;
    }
    v->n = (uint32_t)n;
    return tmpl_intern(vs, &t, v);
}

static int cmp_ptr(const void *a, const void *b)
{
    return val_cmp(*(const value *const *)a, *(const value *const *)b);
}

/* Sorts v->items and removes duplicates (equal values are the same pointer). */
static void sort_unique(value *v)
{
    if (v->n > 1) qsort(v->items, v->n, sizeof v->items[0], cmp_ptr);
    uint32_t k = 0;
    for (uint32_t i = 0; i < v->n; i++)
        if (k == 0 || v->items[k - 1] != v->items[i]) v->items[k++] = v->items[i];
    v->n = k;
}

const value *val_set(val_store *vs, const value *const *items, size_t n)
{
    struct tmpl t;
    value *v = tmpl_init(&t, VAL_SET, n);
    if (!v) return NULL;
    if (n) memcpy(v->items, items, n * sizeof *items);
    /* Already sorted and distinct (the common case for results of set operations)? */
    bool sorted = true;
    for (size_t i = 1; i < n && sorted; i++) sorted = val_cmp(items[i - 1], items[i]) < 0;
    if (!sorted) sort_unique(v);
    return tmpl_intern(vs, &t, v);
}

const value *val_ints_from(val_store *vs, int64_t lo)
{
    return make(vs, VAL_INTS_FROM, lo, NULL, NULL, 0);
}

const value *val_all_ints(val_store *vs)
{
    struct tmpl t;
    value *v = tmpl_init(&t, VAL_INTS_FROM, 0);
    v->all = true;
    return tmpl_intern(vs, &t, v);
}

struct pair {
    const value *k, *v;
    size_t order;
};

static int cmp_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    int c = val_cmp(x->k, y->k);
    if (c) return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

const value *val_map(val_store *vs, const value *const *keys, const value *const *vals, size_t n)
{
    if (n > UINT32_MAX / 2) return NULL;
    struct pair *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) return NULL;
    for (size_t i = 0; i < n; i++) p[i] = (struct pair){keys[i], vals[i], i};
    if (n > 1) qsort(p, n, sizeof *p, cmp_pair);
    struct tmpl t;
    value *v = tmpl_init(&t, VAL_MAP, 2 * n);
    if (!v) {
        free(p);
        return NULL;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && p[i + 1].k == p[i].k) continue;  /* the last binding of a key wins */
        v->items[2 * m] = p[i].k;
        v->items[2 * m + 1] = p[i].v;
        m++;
    }
    v->n = (uint32_t)(2 * m);
    free(p);
    return tmpl_intern(vs, &t, v);
}

const value *val_dot(val_store *vs, const value *head, const value *const *fields, size_t n)
{
    if (n == 0) return head;
    struct tmpl t;
    value *v = tmpl_init(&t, VAL_DOT, n + 1);
    if (!v) return NULL;
    v->items[0] = head;
    memcpy(v->items + 1, fields, n * sizeof *fields);
    return tmpl_intern(vs, &t, v);
}

const value *val_closure(val_store *vs, int64_t code_id, const void *code,
                         const value *const *env, size_t n)
{
    return make(vs, VAL_CLOSURE, code_id, code, env, n);
}

const value *val_proc(val_store *vs, int64_t op, const void *data,
                      const value *const *operands, size_t n)
{
    return make(vs, VAL_PROC, op, data, operands, n);
}

const struct val_name *val_name_new(val_store *vs, const char *text, int kind, const void *decl)
{
    size_t len = strlen(text);
    struct val_name *name = alloc(vs, sizeof *name + len + 1);
    if (!name) return NULL;
    char *copy = (char *)(name + 1);
    memcpy(copy, text, len + 1);
    name->text = copy;
    name->id = vs->nnames++;
    name->kind = kind;
    name->decl = decl;
    return name;
}

const value *val_named(val_store *vs, const struct val_name *name)
{
    return make(vs, VAL_NAME, 0, name, NULL, 0);
}

/* ---- order ---- */

static int cmp_i64(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

int val_cmp(const value *a, const value *b)
{
    if (a == b) return 0;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    switch (a->kind) {
    case VAL_INT:
    case VAL_BOOL:
    case VAL_CHAR:
        return cmp_i64(a->num, b->num);
    case VAL_NAME:
        return cmp_i64(((const struct val_name *)a->code)->id,
                       ((const struct val_name *)b->code)->id);
    case VAL_INTS_FROM:
        if (a->all != b->all) return a->all ? 1 : -1;
        return cmp_i64(a->num, b->num);
    case VAL_SET:
        /* Smaller sets first, then element by element. */
        if (a->n != b->n) return a->n < b->n ? -1 : 1;
        break;
    case VAL_CLOSURE:
    case VAL_PROC:
        if (a->num != b->num) return cmp_i64(a->num, b->num);
        break;
    default:
        break;
    }
    /* Lexicographic over items; a proper prefix comes first. */
    uint32_t n = a->n < b->n ? a->n : b->n;
    for (uint32_t i = 0; i < n; i++) {
        int c = val_cmp(a->items[i], b->items[i]);
        if (c) return c;
    }
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    /* Same structure and items: only an opaque pointer differs (two closures or processes
     * with the same stable id but different code) — should not happen with stable ids. */
    return a->code < b->code ? -1 : a->code > b->code;
}

/* ---- sets and maps ---- */

static const value *const *find(const value *const *items, size_t n, size_t stride,
                                const value *x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = val_cmp(items[mid * stride], x);
        if (c == 0) return &items[mid * stride];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

bool val_set_member(const value *set, const value *x)
{
    if (set->kind == VAL_INTS_FROM) return x->kind == VAL_INT && (set->all || x->num >= set->num);
    return set->kind == VAL_SET && find(set->items, set->n, 1, x) != NULL;
}

const value *val_map_lookup(const value *map, const value *key)
{
    const value *const *p = find(map->items, map->n / 2, 2, key);
    return p ? p[1] : NULL;
}

enum { UNION, INTER, DIFF };

static const value *merge(val_store *vs, const value *a, const value *b, int op)
{
    struct tmpl t;
    value *v = tmpl_init(&t, VAL_SET, (size_t)a->n + b->n);
    if (!v) return NULL;
    uint32_t i = 0, j = 0, k = 0;
    while (i < a->n || j < b->n) {
        int c = i == a->n ? 1 : j == b->n ? -1 : val_cmp(a->items[i], b->items[j]);
        if (c < 0) {
            if (op != INTER) v->items[k++] = a->items[i];
            i++;
        } else if (c > 0) {
            if (op == UNION) v->items[k++] = b->items[j];
            j++;
        } else {
            if (op != DIFF) v->items[k++] = a->items[i];
            i++, j++;
        }
    }
    v->n = k;
    return tmpl_intern(vs, &t, v);
}

const value *val_set_union(val_store *vs, const value *a, const value *b)
{
    return merge(vs, a, b, UNION);
}

const value *val_set_inter(val_store *vs, const value *a, const value *b)
{
    return merge(vs, a, b, INTER);
}

const value *val_set_diff(val_store *vs, const value *a, const value *b)
{
    return merge(vs, a, b, DIFF);
}

bool val_set_subset(const value *a, const value *b)
{
    if (b->kind == VAL_INTS_FROM) {
        for (uint32_t i = 0; i < a->n; i++)
            if (!val_set_member(b, a->items[i])) return false;
        return true;
    }
    uint32_t j = 0;
    for (uint32_t i = 0; i < a->n; i++) {
        while (j < b->n && val_cmp(b->items[j], a->items[i]) < 0) j++;
        if (j == b->n || b->items[j] != a->items[i]) return false;
    }
    return true;
}

bool val_is_string(const value *v)
{
    if (v->kind != VAL_SEQ || v->n == 0) return false;
    for (uint32_t i = 0; i < v->n; i++)
        if (v->items[i]->kind != VAL_CHAR) return false;
    return true;
}

/* ---- printing ---- */

/* Appends to buf[*at…] snprintf-style: *at always advances by the full length. */
struct out {
    char *buf;
    size_t len, at;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->at < o->len) {
        size_t room = o->len - o->at - 1;
        memcpy(o->buf + o->at, s, n < room ? n : room);
    }
    o->at += n;
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_utf8(struct out *o, int64_t cp)
{
    char b[4];
    if (cp < 0x80) {
        b[0] = (char)cp;
        put(o, b, 1);
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3F));
        put(o, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12);
        b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        put(o, b, 3);
    } else {
        b[0] = (char)(0xF0 | (cp >> 18 & 0x07));
        b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        put(o, b, 4);
    }
}

static void put_char(struct out *o, int64_t cp, char quote)
{
    switch (cp) {
    case '\n': puts_(o, "\\n"); return;
    case '\t': puts_(o, "\\t"); return;
    case '\r': puts_(o, "\\r"); return;
    case '\\': puts_(o, "\\\\"); return;
    default: break;
    }
    if (cp == quote) {
        char b[2] = {'\\', quote};
        put(o, b, 2);
        return;
    }
    put_utf8(o, cp);
}

static void format(struct out *o, const value *v);

static void items(struct out *o, const value *v, const char *open, const char *close)
{
    puts_(o, open);
    for (uint32_t i = 0; i < v->n; i++) {
        if (i) puts_(o, ", ");
        format(o, v->items[i]);
    }
    puts_(o, close);
}

static void format(struct out *o, const value *v)
{
    char num[32];
    switch (v->kind) {
    case VAL_INT:
        snprintf(num, sizeof num, "%lld", (long long)v->num);
        puts_(o, num);
        return;
    case VAL_BOOL:
        puts_(o, v->num ? "true" : "false");
        return;
    case VAL_CHAR:
        puts_(o, "'");
        put_char(o, v->num, '\'');
        puts_(o, "'");
        return;
    case VAL_NAME:
        puts_(o, ((const struct val_name *)v->code)->text);
        return;
    case VAL_DOT:
        for (uint32_t i = 0; i < v->n; i++) {
            if (i) puts_(o, ".");
            /* A compound field keeps its brackets; a nested dot is printed flat. */
            format(o, v->items[i]);
        }
        return;
    case VAL_TUPLE:
        items(o, v, "(", ")");
        return;
    case VAL_SEQ:
        if (val_is_string(v)) {
            puts_(o, "\"");
            for (uint32_t i = 0; i < v->n; i++) put_char(o, v->items[i]->num, '"');
            puts_(o, "\"");
            return;
        }
        items(o, v, "<", ">");
        return;
    case VAL_SET:
        items(o, v, "{", "}");
        return;
    case VAL_INTS_FROM:
        if (v->all) {
            puts_(o, "Int");
            return;
        }
        snprintf(num, sizeof num, "{%lld..}", (long long)v->num);
        puts_(o, num);
        return;
    case VAL_MAP:
        puts_(o, "(|");
        for (uint32_t i = 0; i < v->n; i += 2) {
            puts_(o, i ? ", " : " ");
            format(o, v->items[i]);
            puts_(o, " => ");
            format(o, v->items[i + 1]);
        }
        puts_(o, v->n ? " |)" : "|)");
        return;
    case VAL_CLOSURE:
    case VAL_PROC:
        if (proc_printer) {
            size_t room = o->at < o->len ? o->len - o->at : 0;
            size_t n = proc_printer(v, room ? o->buf + o->at : NULL, room);
            o->at += n;
            if (o->at >= o->len && o->len) o->buf[o->len - 1] = '\0';
            return;
        }
        puts_(o, v->kind == VAL_PROC ? "<process>" : "<function>");
        return;
    default:
        puts_(o, "<?>");
        return;
    }
}

size_t val_format(const value *v, char *buf, size_t len)
{
    struct out o = {buf, len, 0};
    format(&o, v);
    if (len) buf[o.at < len ? o.at : len - 1] = '\0';
    return o.at;
}

void val_print(FILE *f, const value *v)
{
    char small[256];
    size_t n = val_format(v, small, sizeof small);
    if (n < sizeof small) {
        fputs(small, f);
        return;
    }
    char *big = malloc(n + 1);
    if (!big) {
        fputs(small, f);
        return;
    }
    val_format(v, big, n + 1);
    fputs(big, f);
    free(big);
}
