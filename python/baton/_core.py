"""_core.py -- the runtime shared by both flavours: runs, processes, channels, alt, the
deadlock check.  baton's threads (this module) and baton.aio's tasks use the same channel
state and the same matching code; they differ only in how a process sleeps and is woken.

One lock (_lock) guards every channel, every process record and the trace buffer.  Python's
GIL already runs one thread at a time, so one lock costs no parallelism, and it makes each
communication's commit point -- where its trace record is written -- a single moment, as the
scheduler thread does in libbaton.

A rendezvous follows libbaton (tracer/chan.c): whichever side arrives second finds the
other's waiting clause in the channel's queue, hands the message over, and wakes it.  A
waiting thread sleeps on a lock of its own, held while it is not being woken: acquire()
blocks, the waker's release() is the wake-up.  No Condition objects, no polling.

Deadlock: a run counts its live processes and those blocked on baton (a send, a receive, an
alt without timeout, a par).  When the two are equal, no process can ever go on: the run
stops with libbaton's report (_deadlock.py).  A process sleeping, doing I/O or waiting with
a timeout is not blocked, so it never makes a deadlock.
"""
import collections
import contextvars
import os
import sys
import threading
import traceback

from . import _deadlock, _naming, _trace

_lock = threading.Lock()
_current = contextvars.ContextVar("baton_process", default=None)
_run = None        # the run in progress: one at a time, as libbaton's baton_run
_writer = None     # the open trace (_trace.Writer), or None
_getframe = sys._getframe
_PKG = os.path.dirname(os.path.abspath(__file__)) + os.sep

SEED_DEFAULT = 0x5EED       # libbaton's default seed (24301)
_next_seed = None           # set_seed's, for the next run
ENDED_MAX = 4096

W_NONE, W_CHAN, W_ALT, W_PAR = 0, 1, 2, 3
SEND, RECV = 1, 2
E_CLOSED, E_STOPPED, E_TIMEOUT = 1, 2, 3


class ChannelClosed(Exception):
    """A send on a closed channel, or a receive from a closed and drained one."""


class Deadlock(Exception):
    """The run stopped because every live process was blocked on baton.  `report` is
    libbaton's report: who waits on what, where, and the wait-for cycle."""

    def __init__(self, report):
        super().__init__(report)
        self.report = report


class Stopped(BaseException):
    """Raised inside the processes of a run that has stopped (a deadlock, a process that
    raised, an interrupt) so that they unwind; run() never raises it.  A BaseException, so
    that `except Exception` in a process does not keep it running."""


class _Signalled(BaseException):
    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


CLOSED = type("ClosedType", (), {"__repr__": lambda self: "baton.CLOSED", "__bool__": lambda self: False})()
CLOSED.__doc__ = "What alt() gives as the value of a case whose channel is closed."


# ---- the seeded generator: libbaton's xorshift128+ and Lemire's bounded draw ------------------

_M64 = (1 << 64) - 1


class _Rng:
    __slots__ = ("a", "b")

    def __init__(self, seed):
        x = seed & _M64
        out = []
        for _ in range(2):
            x = (x + 0x9E3779B97F4A7C15) & _M64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
            out.append(z ^ (z >> 31))
        self.a, self.b = out

    def next(self):
        s1, s0 = self.a, self.b
        self.a = s0
        s1 ^= (s1 << 23) & _M64
        self.b = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26)
        return (self.b + s0) & _M64

    def below(self, n):
        """A number in [0, n), unbiased (the same sequence as libbaton's trc_rng_below)."""
        threshold = ((1 << 64) - n) % n
        while True:
            m = self.next() * n
            lo = m & _M64
            if lo >= n or lo >= threshold:
                return m >> 64


def set_seed(seed):
    """Seeds the next run's choices (alt's pick among ready cases), over BATON_SEED."""
    global _next_seed
    _next_seed = int(seed)


def _seed_of(seed):
    if seed is not None:
        return int(seed) & _M64
    if _next_seed is not None:
        return _next_seed & _M64
    s = os.environ.get("BATON_SEED")
    if s:
        try:
            return int(s, 0) & _M64
        except ValueError:
            pass
    return SEED_DEFAULT


# ---- processes --------------------------------------------------------------------------------

class _Par:
    __slots__ = ("parent", "left")

    def __init__(self, parent):
        self.parent = parent
        self.left = 0


class _Proc:
    """A process of a run: a thread (lock set) or an asyncio task (fut set at each wait)."""
    __slots__ = ("id", "name", "parent", "run", "wait", "clauses", "timed", "wake_idx", "wake_err",
                 "value", "partner", "at_code", "at_lasti", "par", "waitpar", "tid", "tgen", "lock",
                 "fut", "task", "thread", "intr")

    def __init__(self, run, name, parent):
        run.next_id += 1
        self.id = run.next_id
        self.name = name
        self.parent = parent
        self.run = run
        self.wait = W_NONE
        self.clauses = None
        self.timed = False
        self.wake_idx = -1
        self.wake_err = 0
        self.value = None
        self.partner = 0
        self.at_code = None     # where the process last called baton: the caller's code
        self.at_lasti = 0       # and its instruction (its line is found when needed)
        self.par = None
        self.waitpar = None
        self.tid = 0
        self.tgen = None
        self.lock = None
        self.fut = None
        self.task = None
        self.thread = None
        self.intr = False   # interrupted while waiting on baton (not busy)

    @property
    def at_file(self):
        return self.at_code.co_filename if self.at_code is not None else None

    @property
    def at_line(self):
        return _line_of(self.at_code, self.at_lasti)

    def wake(self):
        """Called after _lock is released, once per firing."""
        if self.lock is not None:
            self.lock.release()
        else:
            fut = self.fut
            if fut is not None and not fut.done():
                fut.set_result(None)


class _Run:
    def __init__(self, seed, flavour):
        self.seed = seed
        self.rng = _Rng(seed)
        self.flavour = flavour          # "threads" or "aio"
        self.procs = {}                 # live processes by id, in creation order
        self.next_id = 0
        self.live = 0
        self.blocked = 0                # live processes blocked on baton with no timeout
        self.stopped = None             # None, or why: "deadlock", "failure", "interrupt"
        self.report = None
        self.failure = None             # (process, exception) of the first process that raised
        self.ended = collections.OrderedDict()   # id -> (name, code, lasti), the last ENDED_MAX
        self.done = threading.Event()
        self.intr_busy = None           # busy when an interrupt hit a waiting process
        self.on_done = None             # baton.aio: resolves the run's "all ended" future
        self.writer = None
        self.own_writer = False
        self.print_report = True


def _cur(what):
    """The running thread process, or a RuntimeError saying why there is none."""
    p = _current.get()
    if p is not None and p.run is _run and p.lock is None:
        raise RuntimeError("baton: %s from a baton.aio process: use baton.aio.Channel, "
                           "baton.aio.alt and baton.aio.par in async code" % what)
    if p is None or p.run is not _run:
        raise RuntimeError("baton: %s outside a baton process: start the code that uses "
                           "channels with baton.run, baton.par or Process.start" % what)
    return p


def _where(p, f):
    """Notes where the user's call was made (for the deadlock report): the frame f, or the
    first caller outside the baton package.  The channel operations store f_code and f_lasti
    themselves (two loads: f_lineno would cost more than the rest of a send)."""
    code = f.f_code
    while code.co_filename.startswith(_PKG):
        f = f.f_back
        if f is None:
            return
        code = f.f_code
    p.at_code = code
    p.at_lasti = f.f_lasti


def _line_of(code, lasti):
    """The source line of the instruction at byte offset lasti of code (0 if unknown)."""
    if code is None:
        return 0
    for start, end, line in code.co_lines():
        if start <= lasti < end:
            return line or 0
    return code.co_firstlineno


def _new_proc(run, name, parent):
    """Under _lock: a new live process of run, defined in the trace (as libbaton's spawn)."""
    p = _Proc(run, name, parent)
    run.procs[p.id] = p
    run.live += 1
    if _writer is not None:
        _writer.proc_id(p)
    return p


def _end_proc(p):
    """Under _lock: p has ended.  Returns the processes to wake."""
    run = p.run
    wake = []
    if run.procs.pop(p.id, None) is None:
        return wake
    run.live -= 1
    run.ended[p.id] = (p.name, p.at_code, p.at_lasti)
    if len(run.ended) > ENDED_MAX:
        run.ended.popitem(last=False)
    if _writer is not None:
        _writer.end(p)
    par = p.par
    if par is not None:
        par.left -= 1
        parent = par.parent
        if par.left == 0 and parent.wait == W_PAR and parent.waitpar is par:
            if _writer is not None:
                _writer.unblock(parent, _trace.WAKE_PAR)
            _fire_par(parent)
            wake.append(parent)
    if run.live == 0:
        run.done.set()
        if run.on_done is not None:
            run.on_done()
    elif run.stopped is None and run.blocked == run.live:
        wake += _deadlocked(run)
    return wake


def _fire_par(parent):
    parent.wait = W_NONE
    parent.waitpar = None
    parent.wake_err = 0
    if not parent.timed:
        parent.run.blocked -= 1


def _stop(run, why):
    """Under _lock: stops run; every waiting process wakes with Stopped.  The processes to
    wake; in the aio flavour, running tasks are cancelled too (after the lock)."""
    if run.stopped is None:
        run.stopped = why
    wake = []
    for p in run.procs.values():
        if p.wait != W_NONE:
            _unlink_all(p)
            p.wait = W_NONE
            p.waitpar = None
            p.wake_err = E_STOPPED
            if not p.timed:
                run.blocked -= 1
            wake.append(p)
    return wake


def _deadlocked(run):
    """Under _lock: every live process is blocked.  Reports, records and stops the run."""
    run.report = _deadlock.report(run, _writer)
    if run.print_report:
        sys.stderr.write(run.report)
        sys.stderr.flush()
    _end_trace(run, _trace.END_DEADLOCK)
    return _stop(run, "deadlock")


def _wake_all(ps):
    for p in ps:
        p.wake()


# ---- channels ---------------------------------------------------------------------------------

class _Clause:
    __slots__ = ("proc", "chan", "op", "value", "idx")

    def __init__(self, proc, chan, op, value, idx):
        self.proc = proc
        self.chan = chan
        self.op = op
        self.value = value
        self.idx = idx


def _link(cl):
    ch = cl.chan
    # a process waiting at an end of a channel is the best evidence of who uses that end
    if cl.op == SEND:
        ch.sendq.append(cl)
        ch.last_send = cl.proc.id
    else:
        ch.recvq.append(cl)
        ch.last_recv = cl.proc.id


def _unlink_all(p):
    cls = p.clauses
    if cls:
        for cl in cls:
            q = cl.chan.sendq if cl.op == SEND else cl.chan.recvq
            try:
                q.remove(cl)
            except ValueError:
                pass
    p.clauses = None


def _fire(cl, err, value=None):
    """Under _lock: completes the wait of cl's process through cl (already off its queue).
    The caller wakes the process after releasing the lock."""
    p = cl.proc
    if len(p.clauses) > 1:
        for other in p.clauses:
            if other is not cl:
                q = other.chan.sendq if other.op == SEND else other.chan.recvq
                q.remove(other)
    p.clauses = None
    p.wait = W_NONE
    p.wake_idx = cl.idx
    p.wake_err = err
    p.value = value
    if not p.timed:
        p.run.blocked -= 1
    return p


class BaseChannel:
    """A channel's state and matching code, common to both flavours (Channel, aio.Channel)."""
    __slots__ = ("name", "capacity", "format", "buf", "sendq", "recvq", "closed", "last_send",
                 "last_recv", "_tid", "_tgen", "__weakref__")

    def __init__(self, name, capacity=0, format=None):
        if not isinstance(name, str) or not name:
            raise ValueError("baton: a channel needs a name (a non-empty str), got %r" % (name,))
        if not isinstance(capacity, int) or capacity < 0:
            raise ValueError("baton: capacity must be an int >= 0, got %r" % (capacity,))
        self.name = name
        self.capacity = capacity
        self.format = format        # how the trace names a message: fmt(v) -> "3.true"
        self.buf = collections.deque()   # (value, sender process) of buffered messages
        self.sendq = collections.deque() # clauses of waiting senders
        self.recvq = collections.deque() # clauses of waiting receivers
        self.closed = False
        self.last_send = 0          # ids of the last processes at each end (deadlock report)
        self.last_recv = 0
        self._tid = 0               # trace id, valid for the file _tgen
        self._tgen = None

    def __repr__(self):
        kind = "rendezvous" if self.capacity == 0 else "capacity %d" % self.capacity
        return "<baton channel %r, %s%s>" % (self.name, kind, ", closed" if self.closed else "")

    def ready(self, op):
        if self.closed:
            return True
        if op == SEND:
            return bool(self.recvq) or len(self.buf) < self.capacity
        return bool(self.buf) or bool(self.sendq)

    def _try_send(self, p, v):
        """Under _lock: sends v now if that completes: (True, process to wake or None); or
        (False, None) when the sender must wait.  Raises ChannelClosed."""
        if self.closed:
            raise ChannelClosed("baton: send on closed channel '%s'" % self.name)
        q = self.recvq
        if q:
            cl = q.popleft()
            r = cl.proc
            self.last_send = p.id
            self.last_recv = r.id
            p.partner = r.id
            r.partner = p.id
            w = _writer
            if w is not None:
                if self.capacity == 0:
                    w.comm(self, _trace.F_RBLOCKED if r.wait == W_CHAN else 0, p, r, v)
                else:   # straight through an empty buffer: in, then out
                    w.comm(self, _trace.F_PUT, p, None, v)
                    w.comm(self, _trace.F_TAKE | (_trace.F_RBLOCKED if r.wait == W_CHAN else 0), p, r, v)
            return True, _fire(cl, 0, v)
        if len(self.buf) < self.capacity:
            self.buf.append((v, p))
            self.last_send = p.id
            if _writer is not None:
                _writer.comm(self, _trace.F_PUT, p, None, v)
            return True, None
        return False, None

    def _try_recv(self, p):
        """Under _lock: (True, value, process to wake or None) when a message is there, or
        (False, None, None).  Raises ChannelClosed once closed and drained."""
        buf = self.buf
        if buf:
            v, sender = buf.popleft()
            self.last_recv = p.id
            if _writer is not None:
                _writer.comm(self, _trace.F_TAKE, sender, p, v)
            q = self.sendq
            woken = None
            if q:   # a slot came free: the oldest blocked sender's message moves in
                cl = q.popleft()
                s = cl.proc
                buf.append((cl.value, s))
                self.last_send = s.id
                if _writer is not None:
                    _writer.comm(self, _trace.F_PUT | (_trace.F_SBLOCKED if s.wait == W_CHAN else 0),
                                 s, None, cl.value)
                woken = _fire(cl, 0)
            return True, v, woken
        q = self.sendq
        if q:
            cl = q.popleft()
            s = cl.proc
            v = cl.value
            self.last_send = s.id
            self.last_recv = p.id
            p.partner = s.id
            s.partner = p.id
            if _writer is not None:
                _writer.comm(self, _trace.F_SBLOCKED if s.wait == W_CHAN else 0, s, p, v)
            return True, v, _fire(cl, 0)
        if self.closed:
            raise ChannelClosed("baton: receive from closed channel '%s'" % self.name)
        return False, None, None

    def _close(self, p):
        """Under _lock: closes; the processes to wake (each with ChannelClosed)."""
        if self.closed:
            return []
        self.closed = True
        w = _writer
        if w is not None:
            w.close_chan(self, p)
        wake = []
        for q in (self.sendq, self.recvq):
            while q:
                cl = q.popleft()
                r = cl.proc
                if w is not None:
                    if r.wait == W_CHAN:  # its BLOCK was held back for a communication
                        w.block(r, _trace.OP_SEND if cl.op == SEND else _trace.OP_RECV, self)
                    w.unblock(r, _trace.WAKE_CLOSED)
                wake.append(_fire(cl, E_CLOSED))
        return wake


def _register(p, clauses, kind, timed):
    """Under _lock: p waits on clauses (kind W_CHAN or W_ALT), counted as blocked unless
    timed.  Returns the processes to wake when this wait completes a deadlock (p among them)."""
    for cl in clauses:
        _link(cl)
    p.clauses = clauses
    p.wait = kind
    p.timed = timed
    p.wake_idx = -1
    p.wake_err = 0
    p.value = None
    run = p.run
    if not timed:
        run.blocked += 1
        if run.blocked == run.live and run.stopped is None:
            return _deadlocked(run)
    return None


def _check(p):
    if p.run.stopped is not None:
        raise Stopped()


def _raise_wake_err(p, what, chan):
    """After p's wait to `what` ("send on", "receive from") chan: raises what woke it with an
    error, if anything did."""
    if p.wake_err == E_CLOSED:
        raise ChannelClosed("baton: %s closed channel '%s'" % (what, chan.name))
    if p.wake_err:
        raise Stopped()


class BaseProcess:
    """What baton.Process and baton.aio.Process share: the target, its arguments and the
    name; `_flavour` names the module in messages, `_wants` what target must be."""
    _flavour = "baton"
    _wants = "a callable"

    def __init__(self, target, *args, name=None):
        if not callable(target):
            raise TypeError("%s: Process needs %s, got %r" % (self._flavour, self._wants, target))
        self.target = target
        self.args = args
        self.name = name if name is not None else getattr(target, "__name__", "process")
        self._proc = None

    def __repr__(self):
        return "<%s process %r>" % (self._flavour, self.name)


# ---- alt --------------------------------------------------------------------------------------

class Recv:
    """An alt case: receive from chan when guard is true."""
    __slots__ = ("chan", "guard")
    op = RECV
    value = None

    def __init__(self, chan, guard=True):
        self.chan = chan
        self.guard = bool(guard)


class Send:
    """An alt case: send value on chan when guard is true."""
    __slots__ = ("chan", "value", "guard")
    op = SEND

    def __init__(self, chan, value=None, guard=True):
        self.chan = chan
        self.value = value
        self.guard = bool(guard)


class Skip:
    """CSP's SKIP guard as an alt case: chosen when no other enabled case is ready now (the
    same as timeout=0, with this case's index as the answer)."""
    __slots__ = ("guard",)
    chan = None
    op = 0

    def __init__(self, guard=True):
        self.guard = bool(guard)


def _alt_now(p, cases):
    """Under _lock: the alt's immediate part.  Returns (index, value, to_wake) when a case
    completes now, else (None, enabled case indices, skip index or None)."""
    ready = []
    enabled = []
    skip = None
    for i, c in enumerate(cases):
        if not c.guard:
            continue
        if c.op == 0:
            if skip is None:
                skip = i
            continue
        if not isinstance(c.chan, BaseChannel):
            raise TypeError("baton: alt case %d has no channel: %r" % (i, c))
        enabled.append(i)
        if c.chan.ready(c.op):
            ready.append(i)
    if ready:
        i = ready[0] if len(ready) == 1 else ready[p.run.rng.below(len(ready))]
        c = cases[i]
        try:
            if c.op == SEND:
                _, woken = c.chan._try_send(p, c.value)
                return i, None, woken
            _, v, woken = c.chan._try_recv(p)
            return i, v, woken
        except ChannelClosed:
            return i, CLOSED, None
    return None, enabled, skip


def _alt_block(p, cases, enabled, timed):
    """Under _lock: registers the alt's clauses and records BLOCK and OFFERs."""
    clauses = [_Clause(p, cases[i].chan, cases[i].op, cases[i].value, i) for i in enabled]
    w = _writer
    if w is not None:
        w.block(p, _trace.OP_ALT, None, len(clauses))
        for cl in clauses:
            send = cl.op == SEND
            w.offer(cl.chan, _trace.OP_SEND if send else _trace.OP_RECV, cl.value,
                    send and cl.value is not None)
    return _register(p, clauses, W_ALT, timed)


def _alt_result(p, cases):
    """After a completed alt wait: (index, value), or (None, None) when it timed out."""
    err = p.wake_err
    if err == E_STOPPED:
        raise Stopped()
    if p.wake_idx < 0:
        return None, None
    if err == E_CLOSED:
        return p.wake_idx, CLOSED
    return p.wake_idx, (p.value if cases[p.wake_idx].op == RECV else None)


def _check_timeout(timeout):
    if timeout is None:
        return None
    t = float(timeout)
    if t < 0:
        return None
    return t


def _timed_out(p):
    """Under _lock: p's timed wait ran out; unlinks it unless a peer fired it meanwhile.
    True when it did time out."""
    if p.wait == W_NONE:
        return False
    _unlink_all(p)
    p.wait = W_NONE
    p.wake_idx = -1
    p.wake_err = 0
    if _writer is not None:
        _writer.unblock(p, _trace.WAKE_TIMEOUT)
    return True


# ---- failures and interrupts ------------------------------------------------------------------

def _failed(p, exc):
    """Under _lock: process p raised exc.  The first failure is reported and stops the run
    (every waiting process wakes with Stopped).  The processes to wake."""
    run = p.run
    if run.stopped is not None:
        return []
    run.failure = (p, exc)
    if not isinstance(exc, SystemExit):
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        sys.stderr.write("baton: process '%s' (#%d) raised %s; stopping the run\n%s"
                         % (p.name, p.id, type(exc).__name__, tb))
        sys.stderr.flush()
    try:
        exc.add_note("raised in baton process '%s' (#%d)" % (p.name, p.id))
    except AttributeError:
        pass
    return _stop(run, "failure")


def _interrupted(run, signum, busy):
    """Under _lock: the run was interrupted (KeyboardInterrupt, SIGTERM, SIGHUP).  The trace
    ends with a LIVELOCK mark if processes were busy, as libbaton's does."""
    if run.stopped is not None:
        return []
    _end_trace(run, None, signum if busy else 0)
    return _stop(run, "interrupt")


def _busy(run):
    """Was some process running or ready (not waiting on baton) at the interrupt?  When it
    hit a waiting process, what that process saw then (_note_interrupt); else any process
    not waiting, less one interrupted while it waited."""
    if run.intr_busy is not None:
        return run.intr_busy
    return any(p.wait == W_NONE and not p.intr for p in run.procs.values())


def _note_interrupt(p):
    """Under _lock: an interrupt reached p while it waited on baton.  The run was busy if p
    had been woken already (it was ready) or another process was not waiting."""
    p.intr = True
    run = p.run
    if run.intr_busy is None:
        run.intr_busy = p.wait == W_NONE or any(q.wait == W_NONE for q in run.procs.values() if q is not p)


# ---- trace files for runs ---------------------------------------------------------------------

def _open_trace(run, path):
    """Under _lock: opens path for run, or joins the trace the adapters opened."""
    global _writer
    if _writer is not None:
        # the adapters opened the program's trace before this run: the run takes it over
        _writer.owner = run
        run.writer = _writer
        run.own_writer = True
        return
    if path is None:
        return
    try:
        _writer = _trace.Writer(path, run.seed, _lock)
    except OSError as e:
        sys.stderr.write("baton: cannot open trace file '%s': %s; running untraced\n" % (path, e.strerror))
        return
    _writer.owner = run
    run.writer = _writer
    run.own_writer = True


def _end_trace(run, status, livelock=0):
    """Under _lock: ends run's trace file: RUN_END with status, or a LIVELOCK mark for
    signal `livelock`, or nothing (both None/0: the run failed; the trace just ends)."""
    global _writer
    w = run.writer
    if w is not None and run.own_writer:
        if w.on:
            w.close(status, livelock)
        if _writer is w:
            _writer = None


def _writer_for_adapters():
    """Under _lock: the trace the adapters record to: the run's, else one opened from
    BATON_TRACE for the program (closed at exit), else None."""
    global _writer, _adapters_tried
    if _writer is not None or _run is not None or _adapters_tried:
        return _writer
    _adapters_tried = True
    path = _trace.path_for_run(None)
    if path:
        try:
            _writer = _trace.Writer(path, _seed_of(None), _lock)
            _writer.owner = None
        except OSError as e:
            sys.stderr.write("baton: cannot open trace file '%s': %s; running untraced\n"
                             % (path, e.strerror))
    return _writer


_adapters_tried = False


def _after_fork_in_child():
    # A child of fork(2) shares the parent's file: it stops tracing (libbaton does the same).
    global _writer, _lock, _run
    _lock = threading.Lock()
    _run = None
    w = _writer
    if w:
        w.on = False
        w.buf = bytearray()
        try:
            os.close(w.fd)
        except OSError:
            pass
        w.fd = -1
    _writer = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
