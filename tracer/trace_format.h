/* trace_format.h — the on-disk layout of a baton trace file (docs/trace-format.md), the one
 * thing the runtime (tracer/trace.c writes) and the checker (checker/tracefile.c reads) share.
 * Definitions only: no code, no allocation.
 *
 * A file is a 32-byte header followed by records.  Every record starts with the same 2 bytes
 * (kind, aux), all but COMM8 and COMM4 with a third field dt, and has a size fixed by its kind
 * (STR and CYCLE add a counted tail).
 * All integers are little-endian; records are packed back to back with no alignment. */
#ifndef BATON_TRACE_FORMAT_H
#define BATON_TRACE_FORMAT_H

#include <stdint.h>

#define TRC_MAGIC "\x89" "BTRACE\n" /* 8 bytes; the 0x89 catches 7-bit and text-mode damage */
#define TRC_MAGIC_LEN 8
#define TRC_VERSION 4 /* 2: COMM8 and LIVELOCK; 3: COMM4; 4: SITE (docs/trace-format.md) */
#define TRC_VERSION_MIN 2 /* the oldest version a reader of TRC_VERSION still reads */

struct trc_header {
    char magic[TRC_MAGIC_LEN];
    uint16_t version;     /* TRC_VERSION */
    uint16_t header_size; /* sizeof(struct trc_header): records start here */
    uint32_t flags;       /* 0; reserved */
    uint64_t seed;        /* the run's seed (BATON_SEED), to reproduce it */
    uint64_t start_ns;    /* CLOCK_REALTIME when the trace was opened, ns since the epoch */
};

/* Record kinds: NAME, code, fixed size in bytes (the tail of STR and CYCLE comes on top),
 * description.  Expanded into enum trc_kind, the reader's size table and `trace show`'s
 * names.  ORDER: codes are on disk, never renumber. */
#define TRC_RECORDS(X)                                                                             \
    X(STR, 1, 12, "string table entry: id, length, bytes")                                         \
    X(CHAN, 2, 20, "channel definition: id, name, capacity, value kind")                           \
    X(PROC, 3, 16, "process start: id, parent, name")                                              \
    X(END, 4, 8, "process end")                                                                    \
    X(COMM, 5, 24, "completed communication: channel, sender, receiver, value")                    \
    X(BLOCK, 6, 12, "process blocks: on a send, a receive, an alt, a sleep or a par")              \
    X(OFFER, 7, 16, "one case a blocked alt or a deadlocked process offers")                      \
    X(UNBLOCK, 8, 8, "process wakes other than by a communication: timeout, close, timer, par")    \
    X(CLOSE, 9, 12, "channel closed")                                                              \
    X(TIME, 10, 16, "absolute time stamp")                                                         \
    X(DEADLOCK, 11, 8, "the run deadlocked: WAIT groups follow")                                   \
    X(WAIT, 12, 12, "one deadlocked process and what it waits on: OFFERs follow")                  \
    X(CYCLE, 13, 8, "the wait-for cycle: process ids follow")                                      \
    X(OVERFLOW, 14, 8, "a process overflowed its stack; the program dies")                        \
    X(RUN_END, 15, 8, "the run ended: all processes done, or deadlock")                            \
    X(COMM16, 16, 16, "COMM in short form: 16-bit process ids, 32-bit value")                      \
    X(BLOCK16, 17, 8, "BLOCK on a send or a receive in short form: 16-bit ids")                   \
    X(COMM8, 18, 8, "COMM in shortest form: the channel's last processes, 32-bit value, no dt")    \
    X(LIVELOCK, 19, 8, "the run was stopped by a signal while its processes were busy")           \
    X(COMM4, 20, 4, "COMM8 whose value is a small step from the channel's last: 8-bit channel id") \
    X(CAPPED, 21, 8, "the file reached BATON_TRACE_MAX: recording stopped here")                \
    X(SITE, 22, 16, "where a deadlocked process blocked: its call's file and line (after a WAIT)")

enum trc_kind {
#define X(name, code, size, desc) TRC_##name = code,
    TRC_RECORDS(X)
#undef X
    TRC_KIND_MAX = 23 /* one past the largest code */
};

/* The 4 bytes every record starts with.  dt: nanoseconds since the previous record's time
 * (0 when the record was not stamped); a TIME record resets the clock absolutely. */
struct trc_head {
    uint8_t kind; /* enum trc_kind */
    uint8_t aux;  /* per kind: value kind, flags, op or reason */
    uint16_t dt;
};

/* Value kinds of a channel (CHAN.aux): how its messages are named as events. */
enum trc_vkind {
    TRC_V_EVENT = 0, /* no message: the event is the channel's name */
    TRC_V_INT = 1,   /* int64: NAME.VALUE */
    TRC_V_INTS = 2,  /* int64[fields]: NAME.V1.V2..., carried as a string */
    TRC_V_FMT = 3,   /* bytes with a format function: NAME.FIELDS, carried as a string */
    TRC_V_OPAQUE = 4 /* bytes without a format function: NAME */
};

/* COMM.aux flags: a rendezvous has neither PUT nor TAKE.  SBLOCKED / RBLOCKED stand for a
 * BLOCK record of the sender / receiver on this channel immediately before this one, which
 * the writer folded in (a blocked process woken by the very next record is the common case:
 * it halves the records of a ping-pong).  Readers hand out that BLOCK first. */
enum {
    TRC_F_PUT = 1,      /* a message entered a buffered channel: event NAME_in.VALUE */
    TRC_F_TAKE = 2,     /* a message left a buffered channel: event NAME_out.VALUE */
    TRC_F_VSTR = 4,     /* value is a string id (INTS and FMT channels) */
    TRC_F_SBLOCKED = 8, /* BLOCK(SEND, sender, chan) comes just before */
    TRC_F_RBLOCKED = 16 /* BLOCK(RECV, receiver, chan) comes just before */
};

/* The 8-byte form, for a communication between the same processes as the channel's
 * previous one of its sort (the reader and the writer both remember, per channel, the sender
 * of the last PUT and the sender and receiver of the last rendezvous or TAKE, from every
 * COMM, COMM16, COMM8 or COMM4): one 64-bit store per communication.  It has no dt: its
 * time is the previous record's.  Readers treat it as COMM. */
struct trc_comm8_rec {    /* 8 bytes; aux = TRC_F_* */
    uint8_t kind, aux;
    uint16_t chan;
    int32_t value;
};

/* Shorter still, for a COMM8 on a channel whose id fits a byte and whose value differs from
 * the channel's previous communication's (any COMM kind; 0 before the first) by -128..127:
 * a counter, an echo, a flag.  Both sides remember each channel's last value.  4 bytes, no
 * dt; 8 bytes a ping-pong round trip. */
struct trc_comm4_rec {    /* 4 bytes; aux = TRC_F_* */
    uint8_t kind, aux;
    uint8_t chan;
    int8_t step;
};

/* BLOCK.aux, WAIT.aux and the low nibble of OFFER.aux: what a process waits on. */
enum trc_op { TRC_OP_SEND = 1, TRC_OP_RECV = 2, TRC_OP_ALT = 3, TRC_OP_SLEEP = 4, TRC_OP_PAR = 5 };
enum { TRC_OFFER_VSTR = 0x10, TRC_OFFER_HASVAL = 0x20 };

/* UNBLOCK.aux. */
enum { TRC_WAKE_TIMEOUT = 1, TRC_WAKE_CLOSED = 2, TRC_WAKE_TIMER = 3, TRC_WAKE_PAR = 4 };

/* RUN_END.aux. */
enum { TRC_END_DONE = 0, TRC_END_DEADLOCK = 1 };

/* Ids: strings, channels and processes are numbered 1, 2, 3... in the order their defining
 * record appears; 0 means "none".  A record may only refer to ids already defined. */

struct trc_str_rec {      /* 12 + len bytes */
    struct trc_head h;
    uint32_t id;
    uint32_t len;     /* at most TRC_STR_MAX; the bytes follow, no NUL */
};
#define TRC_STR_MAX 4096

struct trc_chan_rec {     /* 20 bytes; h.aux = enum trc_vkind */
    struct trc_head h;
    uint32_t id;
    uint32_t name;    /* string id */
    uint32_t capacity;
    uint32_t fields;  /* INTS: number of fields; FMT/OPAQUE: message size */
};

struct trc_proc_rec {     /* 16 bytes */
    struct trc_head h;
    uint32_t id;
    uint32_t parent;  /* the process that started it; 0 for main */
    uint32_t name;    /* string id */
};

struct trc_end_rec {      /* 8 bytes: also OVERFLOW */
    struct trc_head h;
    uint32_t proc;
};

struct trc_comm_rec {     /* 24 bytes; h.aux = TRC_F_* */
    struct trc_head h;
    uint32_t chan;
    uint32_t sender;   /* 0 when unknown */
    uint32_t receiver; /* 0 for a PUT */
    int64_t value;     /* INT: the value; VSTR: a string id; EVENT/OPAQUE: 0 */
};

/* The short form the writer uses when the ids fit in 16 bits and the value in 32: a
 * ping-pong round trip then takes 48 bytes instead of 72.  Readers treat it as COMM. */
struct trc_comm16_rec {   /* 16 bytes; h.aux = TRC_F_* */
    struct trc_head h;
    uint32_t chan;
    uint16_t sender, receiver;
    int32_t value;
};

struct trc_block_rec {    /* 12 bytes; h.aux = enum trc_op */
    struct trc_head h;
    uint32_t proc;
    uint32_t arg;     /* SEND/RECV: channel; ALT: number of OFFERs that follow; else 0 */
};

/* BLOCK's short form for a send or a receive when both ids fit in 16 bits. */
struct trc_block16_rec {  /* 8 bytes; h.aux = TRC_OP_SEND or TRC_OP_RECV */
    struct trc_head h;
    uint16_t proc;
    uint16_t chan;
};

struct trc_offer_rec {    /* 16 bytes; h.aux = op | TRC_OFFER_* */
    struct trc_head h;
    uint32_t chan;
    int64_t value;    /* the value a send offers (HASVAL), a string id if VSTR */
};

struct trc_unblock_rec {  /* 8 bytes; h.aux = TRC_WAKE_* */
    struct trc_head h;
    uint32_t proc;
};

struct trc_close_rec {    /* 12 bytes */
    struct trc_head h;
    uint32_t chan;
    uint32_t proc;    /* who closed it */
};

struct trc_time_rec {     /* 16 bytes */
    struct trc_head h;
    uint32_t pad;
    uint64_t ns;      /* ns since the trace was opened */
};

struct trc_deadlock_rec { /* 8 bytes, then `blocked` WAIT groups */
    struct trc_head h;
    uint32_t blocked;
};

struct trc_wait_rec {     /* 12 bytes, then `offers` OFFER records; h.aux = enum trc_op */
    struct trc_head h;
    uint32_t proc;
    uint32_t offers;
};

struct trc_cycle_rec {    /* 8 + 4 * n bytes: n process ids, each waiting for the next */
    struct trc_head h;
    uint32_t n;
};
#define TRC_CYCLE_MAX 65536

/* The program was stopped by signal `aux` (SIGTERM, SIGINT or SIGHUP) while some process
 * was running or ready: it had neither ended, deadlocked nor gone idle waiting for a timer.
 * A suspicion of livelock; nothing follows it (docs/replay.md says how it is judged). */
struct trc_livelock_rec { /* 8 bytes; h.aux = the signal number */
    struct trc_head h;
    uint32_t pad;
};

/* CAPPED: the file reached its size cap (BATON_TRACE_MAX) and the writer stopped recording;
 * the run went on.  The last record of the file; what came before it is a prefix of the run. */
struct trc_capped_rec {   /* 8 bytes */
    struct trc_head h;
    uint32_t cap_kib;     /* the cap, in KiB */
};

/* SITE (version 4): where the process of the WAIT group just before it made the call it is
 * blocked in forever (baton.h's call-site macros), so a deadlock can be shown in the source.
 * Optional: a process blocked by a call made without the macros has none. */
struct trc_site_rec {     /* 16 bytes */
    struct trc_head h;
    uint32_t proc;        /* the WAIT's process */
    uint32_t file;        /* string id: __FILE__ as the program was compiled */
    uint32_t line;        /* __LINE__ */
};

struct trc_run_end_rec {  /* 8 bytes; h.aux = TRC_END_* */
    struct trc_head h;
    uint32_t pad;
};

#endif
