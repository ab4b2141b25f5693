/* tracefile.h — a streaming reader of baton trace files (docs/trace-format.md), for
 * `baton trace show` and for the checker's trace replay.  Open a file, take its records one
 * at a time, close it.  Memory grows with the number of distinct strings, channels and
 * processes the file defines, never with the number of communications.  Every length, id
 * and kind read from the file is checked before use: a damaged file gives an error naming
 * the byte offset, never a crash.  Shares only tracer/trace_format.h with libbaton.
 *
 * Ownership: the reader owns every string and table it hands out; they stay valid until
 * trf_close. */
#ifndef BATON_CHECKER_TRACEFILE_H
#define BATON_CHECKER_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracer/trace_format.h"

typedef struct trf trf;

/* One record, decoded.  COMM16 and COMM8 come out as COMM, BLOCK16 as BLOCK; a COMM that
 * folds a BLOCK comes out as that BLOCK, then the COMM.  Which fields mean something depends on kind (see trace_format.h). */
struct trf_record {
    enum trc_kind kind;
    uint64_t offset;    /* where the record starts in the file */
    uint64_t seq;       /* COMM: 1, 2, 3... in commit order; else the last COMM's */
    uint64_t time_ns;   /* since the trace was opened */
    unsigned aux;       /* the raw aux byte: vkind, flags, op, reason or status */
    uint32_t id;        /* STR, CHAN, PROC: the id defined */
    uint32_t proc;      /* PROC (= id), END, BLOCK, UNBLOCK, WAIT, SITE, OVERFLOW, CLOSE (closer) */
    uint32_t chan;      /* COMM, OFFER, CLOSE, BLOCK of a send or receive */
    uint32_t sender, receiver; /* COMM */
    int64_t value;      /* COMM, OFFER: the raw value field */
    uint32_t count;     /* BLOCK of an alt, WAIT: offers following; DEADLOCK: WAITs; CYCLE: ids */
    uint32_t parent;    /* PROC */
    uint32_t file, line; /* SITE: the file's string id (trf_string) and the line */
    const uint32_t *ids; /* CYCLE: count process ids, valid until the next trf_next */
};

struct trf_chan {
    const char *name;
    enum trc_vkind vkind;
    uint32_t capacity, fields;
};

/* Opens path and checks its header.  NULL on failure, with a one-line reason (naming the
 * file) in err: an empty file (libbaton writes the header as it opens a trace, so it is not
 * a trace), a foreign one, a header cut short, an unknown version. */
trf *trf_open(const char *path, char *err, size_t errlen);

/* The next record: 1 and *rec filled, 0 at the end of the data, -1 on a damaged record
 * (trf_error says what and where).  After 0, trf_truncated tells whether the file ended in
 * the middle of a record, and trf_complete whether it holds the run's end. */
int trf_next(trf *r, struct trf_record *rec);

const char *trf_error(const trf *r);
bool trf_truncated(const trf *r);      /* the last record was cut short: dropped */
bool trf_complete(const trf *r);       /* a RUN_END record was read */
bool trf_header_only(const trf *r);    /* after trf_next returned 0: the file holds its header
                                          and nothing else (no record was made, or reached it) */
uint32_t trf_capped_kib(const trf *r); /* a CAPPED record ended the file: the cap in KiB, else 0 */
int trf_livelock(const trf *r);        /* a LIVELOCK record was read: its signal, else 0 */
uint64_t trf_offset(const trf *r);     /* bytes consumed so far */
uint64_t trf_seed(const trf *r);
uint64_t trf_start_ns(const trf *r);   /* wall clock at the start, ns since the epoch */
unsigned trf_version(const trf *r);

/* Lookups by id: "?" (trf_chan: false) for an id the file has not defined. */
const char *trf_string(const trf *r, uint32_t id);
const char *trf_proc_name(const trf *r, uint32_t id);
bool trf_chan(const trf *r, uint32_t id, struct trf_chan *out);

/* The CSPm event of a COMM record ("left.3", "c_in.3", "picks.0.1") or of a send OFFER; for a
 * receive OFFER, the channel it offers to take any value from ("c", or "c_out" buffered).
 * Written into buf like snprintf; returns the length, or -1 for another kind. */
int trf_event(const trf *r, const struct trf_record *rec, char *buf, size_t len);

/* The name of a record kind ("COMM"), or "?". */
const char *trf_kind_name(unsigned kind);

void trf_close(trf *r);

#endif
