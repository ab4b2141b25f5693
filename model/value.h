/* value.h — CSPm's runtime values, interned (hash-consed).
 *
 * Every value is built through a val_store, which keeps exactly one copy of each distinct
 * value: two values are equal if and only if their pointers are equal, and a value (a process
 * term included) can key a hash table by its address.  Values are immutable.
 *
 * Ownership: the store owns every value made through it; val_store_free() frees them all at
 * once.  Values from different stores must never be mixed.
 *
 * Canonical order: val_cmp() is a structural total order that does not depend on addresses,
 * so sets (kept as sorted arrays without duplicates) enumerate in the same order on every
 * run — which is what makes counterexamples deterministic. */
#ifndef BATON_MODEL_VALUE_H
#define BATON_MODEL_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The kinds of value.  ORDER VALUE_KINDS: val_cmp orders values of different kinds by this. */
#define VALUE_KINDS(X)                                                                             \
    X(INT, "integer")           /* num */                                                        \
    X(BOOL, "boolean")          /* num: 0 or 1 */                                                \
    X(CHAR, "character")        /* num: the code point */                                        \
    X(NAME, "name")             /* name: a channel, datatype constructor, … with no fields */    \
    X(DOT, "dotted value")      /* items: head, fields…  (c.1.2, Cons.x.y) */                    \
    X(TUPLE, "tuple")           /* items */                                                      \
    X(SEQ, "sequence")          /* items in order; a string is a sequence of chars */            \
    X(SET, "set")               /* items sorted by val_cmp, no duplicates */                     \
    X(INTS_FROM, "set")         /* the infinite set {num..}; Int is INTS_FROM with all=true */   \
    X(MAP, "map")               /* items: key0, value0, key1, value1, … keys sorted, distinct */ \
    X(CLOSURE, "function")      /* num: a stable id of its code; code: its code; items: env */   \
    X(PROC, "process")          /* num: the operator; code: operator data; items: operands */

enum val_kind {
#define X(k, desc) VAL_##k,
    VALUE_KINDS(X)
#undef X
};

/* A declared name a value can carry: a channel, a datatype constructor, a datatype or
 * nametype, a built-in.  Created once per declaration through val_name_new; `id` orders
 * them (declaration order), so comparisons never depend on addresses. */
struct val_name {
    const char *text;   /* the name as written (owned by the store) */
    uint32_t id;        /* dense, in order of creation */
    int kind;           /* the caller's classification (channel, constructor, …) */
    const void *decl;   /* the caller's data: the declaration, field types, … */
};

typedef struct value value;
struct value {
    uint8_t kind;                 /* enum val_kind */
    bool all;                     /* INTS_FROM: the whole of Int (num is then ignored) */
    uint32_t hash;                /* structural: equal values, equal hashes, on every run */
    uint32_t n;                   /* number of items */
    int64_t num;                  /* INT, BOOL, CHAR, INTS_FROM, CLOSURE, PROC: see above */
    const void *code;             /* NAME: its struct val_name; CLOSURE and PROC: see above */
    const value *items[];         /* n items */
};

typedef struct val_store val_store;

/* A new empty store, or NULL when out of memory. */
val_store *val_store_new(void);
void val_store_free(val_store *vs);
/* How many distinct values and bytes the store holds. */
size_t val_store_count(const val_store *vs);
size_t val_store_bytes(const val_store *vs);

/* Constructors.  Each returns the one interned copy; NULL only when out of memory.
 * Array arguments are copied, never kept. */
const value *val_int(val_store *vs, int64_t i);
const value *val_bool(val_store *vs, bool b);
const value *val_char(val_store *vs, int64_t code_point);
const value *val_tuple(val_store *vs, const value *const *items, size_t n);
const value *val_seq(val_store *vs, const value *const *items, size_t n);
const value *val_string(val_store *vs, const char *utf8, size_t len);
/* A set of the given items, in any order and with any duplicates: sorts and deduplicates. */
const value *val_set(val_store *vs, const value *const *items, size_t n);
const value *val_ints_from(val_store *vs, int64_t lo);  /* {lo..} */
const value *val_all_ints(val_store *vs);               /* Int */
/* A map from keys[i] to vals[i]; a key given twice keeps its last value. */
const value *val_map(val_store *vs, const value *const *keys, const value *const *vals, size_t n);
/* head.fields[0].fields[1]…  (with no fields, the NAME itself is the value). */
const value *val_dot(val_store *vs, const value *head, const value *const *fields, size_t n);
const value *val_closure(val_store *vs, int64_t code_id, const void *code,
                         const value *const *env, size_t n);
const value *val_proc(val_store *vs, int64_t op, const void *data,
                      const value *const *operands, size_t n);

/* Names: val_name_new declares one (its text copied); val_named gives its NAME value. */
const struct val_name *val_name_new(val_store *vs, const char *text, int kind, const void *decl);
const value *val_named(val_store *vs, const struct val_name *name);
static inline const struct val_name *val_name_of(const value *v)
{
    return v->kind == VAL_NAME ? (const struct val_name *)v->code : NULL;
}

/* Sets.  Arguments must be finite sets (kind VAL_SET) unless said otherwise. */
bool val_set_member(const value *set, const value *x);     /* also for INTS_FROM */
const value *val_set_union(val_store *vs, const value *a, const value *b);
const value *val_set_inter(val_store *vs, const value *a, const value *b);
const value *val_set_diff(val_store *vs, const value *a, const value *b);
bool val_set_subset(const value *a, const value *b);       /* a ⊆ b */

/* Maps: the value at key, or NULL. */
const value *val_map_lookup(const value *map, const value *key);

/* The structural total order: < 0, 0 (only when a == b), > 0. */
int val_cmp(const value *a, const value *b);

/* True when v is a sequence of characters (printed as a string). */
bool val_is_string(const value *v);

/* Writes v in CSPm syntax (true, 3, 'a', "abc", <1, 2>, {0, 1}, (1, 2), c.1.2,
 * (| 1 => 2 |)), snprintf-style: returns the length the whole text needs and writes at most
 * len - 1 bytes and a NUL.  Processes and closures are written as <process> / <function>
 * unless a printer for them is set with val_set_printer. */
size_t val_format(const value *v, char *buf, size_t len);
void val_print(FILE *f, const value *v);
/* A printer for VAL_PROC and VAL_CLOSURE, for the module that knows their meaning. */
typedef size_t val_printer(const value *v, char *buf, size_t len);
void val_set_printer(val_printer *p);  /* process-wide; NULL restores the default */

/* "integer", "set", … for messages. */
const char *val_kind_name(int kind);

#endif
