"""_trace.py -- the trace writer: baton's binary trace format, version 4
(docs/trace-format.md, tracer/trace_format.h), the same files libbaton writes, so that
`baton trace show`, `baton check --trace`, `baton run` and `baton graph` read them unchanged.

Every record is appended to one bytearray under the library's lock (_core._lock) and the
bytes reach the file when 64 KiB have gathered, every 100 ms (a flusher thread), at the end
of the run and at exit.  Records are packed with precompiled struct.Struct objects: a
communication costs one COMM16 (16 bytes) with its time stamp; the BLOCK of the process that
waited for it is folded into its flags, as libbaton does.
"""
import atexit
import os
import struct
import sys
import threading
import time

from . import _naming

VERSION = 4
MAGIC = b"\x89BTRACE\n"

# Record kinds (tracer/trace_format.h, TRC_RECORDS; codes are on disk).
STR, CHAN, PROC, END, COMM, BLOCK, OFFER, UNBLOCK, CLOSE, TIME = range(1, 11)
DEADLOCK, WAIT, CYCLE, OVERFLOW, RUN_END, COMM16, BLOCK16 = range(11, 18)
LIVELOCK, CAPPED, SITE = 19, 21, 22

# COMM flags, operations, wake reasons, run-end statuses, offer flags.
F_PUT, F_TAKE, F_VSTR, F_SBLOCKED, F_RBLOCKED = 1, 2, 4, 8, 16
OP_SEND, OP_RECV, OP_ALT, OP_SLEEP, OP_PAR = 1, 2, 3, 4, 5
WAKE_TIMEOUT, WAKE_CLOSED, WAKE_TIMER, WAKE_PAR = 1, 2, 3, 4
END_DONE, END_DEADLOCK = 0, 1
OFFER_VSTR, OFFER_HASVAL = 0x10, 0x20
V_FMT = 3            # every Python channel: values are ints or strings (docs/python.md)
STR_MAX = 4096
STAMP_ALL = 4096      # a file's first records are all stamped with their time,
STAMP_EVERY = 16      # then communications every 16th (the others carry dt = 0)
BUF_SIZE = 1 << 16
FLUSH_S = 0.1

_header = struct.Struct("<8sHHIQQ")
_str = struct.Struct("<BBHII")
_chan = struct.Struct("<BBHIIII")
_proc = struct.Struct("<BBHIII")
_u32rec = struct.Struct("<BBHI")         # END, UNBLOCK, DEADLOCK, CYCLE head, RUN_END, LIVELOCK
_comm16 = struct.Struct("<BBHIHHi")
_comm16_pack = _comm16.pack
_comm = struct.Struct("<BBHIIIq")
_block16 = struct.Struct("<BBHHH")
_block = struct.Struct("<BBHII")         # BLOCK, CLOSE, WAIT
_offer = struct.Struct("<BBHIq")
_time = struct.Struct("<BBHIQ")
_site = struct.Struct("<BBHIII")
_capped = struct.Struct("<BBHI")
_u32 = struct.Struct("<I")

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


class Writer:
    """One open trace file.  The caller holds _core._lock around every method but open();
    ids (strings, channels, processes) are numbered per file, as the format wants."""

    def __init__(self, path, seed, lock):
        self.path = path
        self.lock = lock
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        self.pid = os.getpid()
        self.gen = object()          # channels and processes remember the file they were defined in
        self.buf = bytearray()
        self.strs = {}
        self.nstr = self.nchan = self.nproc = 0
        self.t0 = time.monotonic_ns()
        self.last = 0
        self.nstamps = 0
        self.countdown = 1           # communications until the next time stamp
        self.on = True
        self.cap = trace_cap()       # BATON_TRACE_MAX: the file stops short of this; 0 none
        self.written = 32
        self.capped = False
        self.owner = None            # the run that ends this file; None: the program (at exit)
        self.failed = False
        start = time.time_ns()
        # The header reaches the file at once: a program killed from here on leaves a valid trace.
        os.write(self.fd, _header.pack(MAGIC, VERSION, 32, 0, seed & 0xFFFFFFFFFFFFFFFF, start))
        self._stop = threading.Event()
        self._flusher = threading.Thread(target=self._flush_loop, name="baton-trace-flusher",
                                         daemon=True)
        self._flusher.start()

    # ---- the buffer --------------------------------------------------------------------------

    def _flush_loop(self):
        while not self._stop.wait(FLUSH_S):
            with self.lock:
                if self.on:
                    self.flush()

    def flush(self):
        if not self.buf or self.fd < 0:
            return
        data, self.buf = self.buf, bytearray()
        if self.failed or self.capped:
            return
        if self.cap and self.written + len(data) + _capped.size > self.cap:
            # whole writes are whole records: the file stays a valid trace, a prefix of the run
            self.capped = True
            data = _capped.pack(CAPPED, 0, 0, self.cap >> 10)
        self.written += len(data)
        try:
            view = memoryview(data)
            while view:
                n = os.write(self.fd, view)
                view = view[n:]
        except OSError as e:
            self.failed = True
            print("baton: writing the trace failed (%s); tracing stops here" % e.strerror,
                  file=sys.stderr)

    def stamp(self):
        """dt of the next record: ns since the previous stamped one; a TIME record first when
        it does not fit 16 bits."""
        self.nstamps += 1
        now = time.monotonic_ns() - self.t0
        dt = now - self.last
        if dt < 0:
            return 0
        self.last = now
        if dt > 0xFFFF:
            self.buf += _time.pack(TIME, 0, 0, 0, now)
            return 0
        return dt

    def close(self, status=None, livelock=0):
        """Ends the file: RUN_END with status (END_DONE, END_DEADLOCK), or a LIVELOCK mark for a
        run stopped by signal `livelock` while busy, or nothing (the run failed: the trace
        just ends, as a crash's does)."""
        if not self.on:
            return
        if status is not None:
            self.buf += _u32rec.pack(RUN_END, status, self.stamp(), 0)
        elif livelock:
            self.buf += _u32rec.pack(LIVELOCK, livelock, self.stamp(), 0)
        self.flush()
        self.on = False
        self._stop.set()
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def join(self, timeout=1.0):
        """Waits for the flusher of a closed file to end (without the library's lock)."""
        if not self.on and self._flusher is not threading.current_thread():
            self._flusher.join(timeout)

    # ---- definitions -------------------------------------------------------------------------

    def intern(self, s):
        sid = self.strs.get(s)
        if sid is None:
            b = s.encode("utf-8", "replace")[:STR_MAX]
            self.nstr += 1
            sid = self.strs[s] = self.nstr
            self.buf += _str.pack(STR, 0, 0, sid, len(b))
            self.buf += b
        return sid

    def chan_id(self, ch):
        if ch._tgen is self.gen:
            return ch._tid
        name = self.intern(ch.name)
        self.nchan += 1
        ch._tid, ch._tgen = self.nchan, self.gen
        cap = ch.capacity if ch.capacity <= 0xFFFFFFFF else 0xFFFFFFFF
        self.buf += _chan.pack(CHAN, V_FMT, 0, self.nchan, name, cap, 0)
        return self.nchan

    def proc_id(self, p):
        """The process's id in this file, defining it (PROC) the first time."""
        if p is None:
            return 0
        if p.tgen is self.gen:
            return p.tid
        parent = p.parent.tid if p.parent is not None and p.parent.tgen is self.gen else 0
        name = self.intern(p.name)
        self.nproc += 1
        p.tid, p.tgen = self.nproc, self.gen
        self.buf += _proc.pack(PROC, 0, self.stamp(), self.nproc, parent, name)
        return self.nproc

    def value(self, ch, v):
        """(value field, is a string id) for message v on ch."""
        if type(v) is int and INT64_MIN <= v <= INT64_MAX:
            return v, False
        return self.intern(_naming.safe_text(v, ch)), True

    # ---- records -----------------------------------------------------------------------------

    def comm(self, ch, flags, sender, receiver, v):
        """A completed communication; sender and receiver are processes (or None).  The hot
        path of a traced run: a COMM16 of 16 bytes, time-stamped on each of the file's first
        STAMP_ALL records and then on every STAMP_EVERY-th (libbaton stamps the same way)."""
        gen = self.gen
        cid = ch._tid if ch._tgen is gen else self.chan_id(ch)
        s = 0 if sender is None else sender.tid if sender.tgen is gen else self.proc_id(sender)
        r = 0 if receiver is None else receiver.tid if receiver.tgen is gen else self.proc_id(receiver)
        if type(v) is not int or not INT64_MIN <= v <= INT64_MAX:
            v = self.intern(_naming.safe_text(v, ch))
            flags |= F_VSTR
        self.countdown -= 1
        if self.countdown:
            dt = 0
        else:
            dt = self.stamp()
            self.countdown = STAMP_EVERY if self.nstamps >= STAMP_ALL else 1
        buf = self.buf
        if (s | r) <= 0xFFFF and -0x80000000 <= v <= 0x7FFFFFFF:
            buf += _comm16_pack(COMM16, flags, dt, cid, s, r, v)
        else:
            buf += _comm.pack(COMM, flags, dt, cid, s, r, v)
        if len(buf) >= BUF_SIZE:
            self.flush()

    def end(self, p):
        self.buf += _u32rec.pack(END, 0, self.stamp(), self.proc_id(p))

    def block(self, p, op, ch=None, n=0):
        pid = self.proc_id(p)
        if ch is not None:
            cid = self.chan_id(ch)
            if (pid | cid) <= 0xFFFF:
                self.buf += _block16.pack(BLOCK16, op, self.stamp(), pid, cid)
                return
            n = cid
        self.buf += _block.pack(BLOCK, op, self.stamp(), pid, n)

    def offer(self, ch, op, v, has_value):
        aux = op
        cid = self.chan_id(ch)
        val = 0
        if has_value:
            val, vstr = self.value(ch, v)
            aux |= OFFER_HASVAL | (OFFER_VSTR if vstr else 0)
        self.buf += _offer.pack(OFFER, aux, 0, cid, val)

    def unblock(self, p, reason):
        self.buf += _u32rec.pack(UNBLOCK, reason, self.stamp(), self.proc_id(p))

    def close_chan(self, ch, p):
        cid = self.chan_id(ch)
        self.buf += _block.pack(CLOSE, 0, self.stamp(), cid, self.proc_id(p))

    def deadlock(self, n):
        self.buf += _u32rec.pack(DEADLOCK, 0, self.stamp(), n)

    def wait(self, p, op, offers):
        self.buf += _block.pack(WAIT, op, 0, self.proc_id(p), offers)

    def site(self, p, file, line):
        self.buf += _site.pack(SITE, 0, 0, self.proc_id(p), self.intern(file), max(line, 0))

    def cycle(self, procs):
        self.buf += _u32rec.pack(CYCLE, 0, 0, len(procs))
        for p in procs:
            self.buf += _u32.pack(self.proc_id(p))


def trace_cap():
    """BATON_TRACE_MAX as libbaton reads it: bytes with an optional K, M or G; 0 for no cap;
    unset, 1 GiB; at least one 64 KiB buffer."""
    e = os.environ.get("BATON_TRACE_MAX")
    if not e:
        return 1 << 30
    shift = {"k": 10, "m": 20, "g": 30}.get(e[-1].lower(), 0)
    digits = e[:-1] if shift else e
    if not digits.isdigit():
        sys.stderr.write("baton: BATON_TRACE_MAX='%s' is not a size such as 512M or 0; using 1G\n" % e)
        return 1 << 30
    v = int(digits) << shift
    return 0 if v == 0 else max(v, BUF_SIZE)


# ---- the file a run traces to --------------------------------------------------------------

_runs_traced = 0


def path_for_run(explicit):
    """The file this run traces to: `explicit` (run's trace= argument), else BATON_TRACE for a
    program's first traced run and BATON_TRACE.2, .3 ... for later ones (as libbaton names
    them), else None.  A child of multiprocessing never traces to BATON_TRACE: its parent's
    file is not its own."""
    global _runs_traced
    if explicit:
        return os.fspath(explicit)
    path = os.environ.get("BATON_TRACE")
    if not path or _in_child():
        return None
    _runs_traced += 1
    return path if _runs_traced == 1 else "%s.%d" % (path, _runs_traced)


def _in_child():
    mp = sys.modules.get("multiprocessing")
    try:
        return mp is not None and mp.parent_process() is not None
    except Exception:
        return False


def _at_exit():
    from . import _core
    # a daemon thread left behind may hold the lock at exit: do not wait for it long
    if not _core._lock.acquire(timeout=1.0):
        return
    try:
        w = _core._writer
        if w is not None and w.on:
            # a program that ends with a trace still open (adapters outside a run) ends it here
            if w.owner is None:
                w.close(END_DONE)
            else:
                w.flush()
    finally:
        _core._lock.release()


atexit.register(_at_exit)
