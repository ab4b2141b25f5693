"""adapters.py -- recording code that already exists: baton.wrap(queue.Queue(...), name) and
baton.wrap_pipe(multiprocessing.Pipe(), name) record every message put into the queue (pipe)
and every message taken out, without changing what the program does.

A queue is a buffer, so each message makes two events, exactly as a buffered baton channel's
(docs/trace-format.md, docs/runtime.md): NAME_in.V when it goes in, NAME_out.V when it comes
out.  A specification checks such a run with a buffer process between NAME_in and NAME_out
(docs/python.md, Adapters).  The events are recorded at the queue's own commit points --
queue.Queue's _put and _get, which run under the queue's mutex -- so their order in the
trace is the order the queue saw.

Recording needs an open trace: a run's, or -- for a program that does not use baton.run --
one opened from BATON_TRACE at the first recorded message and ended at exit.  Threads that
are not baton processes appear under their thread names.
"""
import asyncio
import collections
import queue as _queue
import threading

from . import _core as C
from . import _trace

__all__ = ["wrap", "wrap_pipe"]

UNBOUNDED = 0xFFFFFFFF   # the capacity a trace gives an unbounded queue or a pipe


class _Recorded:
    """What the trace writer needs of a channel: a name, a capacity, a format function."""
    __slots__ = ("name", "capacity", "format", "_tid", "_tgen", "senders")

    def __init__(self, name, capacity, format):
        if not isinstance(name, str) or not name:
            raise ValueError("baton: a recorded queue needs a name (a non-empty str), got %r" % (name,))
        self.name = name
        self.capacity = capacity
        self.format = format
        self._tid = 0
        self._tgen = None
        self.senders = collections.deque()   # who put each message still inside (FIFO only)


class _Thread:
    """A thread that is not a baton process, as the trace names it."""
    __slots__ = ("name", "parent", "tid", "tgen")

    def __init__(self, name):
        self.name = name
        self.parent = None
        self.tid = 0
        self.tgen = None


_threads = threading.local()


def _who():
    p = C._current.get()
    if p is not None and p.run is C._run:
        return p
    t = getattr(_threads, "proc", None)
    if t is None:
        t = _threads.proc = _Thread(threading.current_thread().name)
    return t


def _quiet():
    """Nothing will be recorded: no trace is open nor can be (checked without the lock)."""
    return C._writer is None and (C._run is not None or C._adapters_tried)


def _put(ch, item, fifo):
    if _quiet():
        return
    with C._lock:
        w = C._writer_for_adapters()
        if w is None:
            return
        who = _who()
        w.comm(ch, _trace.F_PUT, who, None, item)
        if fifo:
            ch.senders.append(who)


def _take(ch, item, fifo):
    if _quiet():
        return
    with C._lock:
        w = C._writer_for_adapters()
        if w is None:
            return
        sender = ch.senders.popleft() if fifo and ch.senders else None
        w.comm(ch, _trace.F_TAKE, sender, _who(), item)


def wrap(q, name, format=None):
    """Records the puts and gets of q (a queue.Queue, LifoQueue, PriorityQueue or an
    asyncio.Queue) as the events NAME_in.V and NAME_out.V, and returns q itself.  Wrap a queue
    before it is used: a message put before shows up only as it is taken.  format(v) -> str
    names messages as a channel's format function does."""
    if not isinstance(q, (_queue.Queue, asyncio.Queue)):
        raise TypeError("baton.wrap: wants a queue.Queue (or LifoQueue, PriorityQueue) or an "
                        "asyncio.Queue, not %s (queue.SimpleQueue has no hooks to record at)"
                        % type(q).__name__)
    if getattr(q, "_baton_recorded", None) is not None:
        raise ValueError("baton.wrap: this queue is recorded already, as '%s'" % q._baton_recorded.name)
    ch = _Recorded(name, q.maxsize if 0 < q.maxsize < UNBOUNDED else UNBOUNDED, format)
    # the sender of each message is known for first-in first-out queues only
    fifo = type(q) in (_queue.Queue, asyncio.Queue)
    put, get = q._put, q._get

    def _put_recorded(item):
        put(item)              # under q.mutex (queue.Queue) or on the loop (asyncio.Queue)
        _put(ch, item, fifo)

    def _get_recorded():
        item = get()
        _take(ch, item, fifo)
        return item

    q._put = _put_recorded
    q._get = _get_recorded
    q._baton_recorded = ch
    return q


def wrap_pipe(pair, name, back=None, format=None):
    """Records the messages through the two ends of a multiprocessing.Pipe() and returns the
    pair itself.  Messages the first end sends are NAME_in.V as they are sent and NAME_out.V as
    the second end receives them; messages the second end sends use `back` (default
    NAME + "_back").  For a one-way pipe, Pipe(duplex=False) = (reader, writer), the writer's
    messages are NAME.  Only send() and recv() are recorded, and only in the OS process that
    records the trace: an end passed to another process is not recorded there."""
    try:
        first, second = pair
    except (TypeError, ValueError):
        raise TypeError("baton.wrap_pipe: wants the pair of ends multiprocessing.Pipe() returns") from None
    for end in (first, second):
        if not all(hasattr(end, a) for a in ("send", "recv", "send_bytes", "writable")):
            raise TypeError("baton.wrap_pipe: %r is not a multiprocessing connection" % (end,))
    from multiprocessing.reduction import ForkingPickler
    directions = []
    if first.writable:
        directions.append((first, second, name))
        if second.writable:
            directions.append((second, first, back or name + "_back"))
    elif second.writable:
        directions.append((second, first, name))
    for sender, receiver, chan_name in directions:
        ch = _Recorded(chan_name, UNBOUNDED, format)
        _patch_send(sender, ch, ForkingPickler)
        _patch_recv(receiver, ch)
    return pair


def _patch_send(end, ch, pickler):
    send_bytes = end.send_bytes

    def send(obj):
        buf = pickler.dumps(obj)    # what Connection.send sends: a failure here sends nothing
        # recorded before it goes: the receiver cannot take it out before it is in
        _put(ch, obj, True)
        send_bytes(buf)

    end.send = send


def _patch_recv(end, ch):
    recv = end.recv

    def recv_recorded():
        obj = recv()
        _take(ch, obj, True)
        return obj

    end.recv = recv_recorded
