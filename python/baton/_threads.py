"""_threads.py -- baton's processes as threads: Channel, alt, Process, par, run.

A process is a thread; a blocked process sleeps on its own lock (held while it is not being
woken), which the process that completes its wait releases.  Everything else -- matching,
tracing, the deadlock check -- is _core's, shared with baton.aio.
"""
import os
import signal
import sys
import threading
import time

from . import _core as C
from . import _trace
from ._core import (CLOSED, ChannelClosed, Deadlock, Recv, Send, Skip, Stopped, W_ALT, W_CHAN,
                    W_NONE, W_PAR, SEND, RECV, E_STOPPED, _Clause, _current)

_getframe = sys._getframe
STOP_GRACE = 5.0   # seconds a stopped run waits for its processes to unwind


def _wait(p, timeout=None):
    """Sleeps until p's registered wait completes (or times out: returns False).  An
    exception while asleep (KeyboardInterrupt in the main thread) takes p off its wait
    before it propagates."""
    lock = p.lock
    try:
        if timeout is None:
            lock.acquire()
            return True
        if lock.acquire(True, timeout):
            return True
        with C._lock:
            if C._timed_out(p):
                return False
        lock.acquire()   # a peer fired it just as the time ran out: its release is on the way
        return True
    except BaseException:
        with C._lock:
            C._note_interrupt(p)
            if p.wait != W_NONE:
                C._unlink_all(p)
                p.wait = W_NONE
                if not p.timed:
                    p.run.blocked -= 1
            else:
                lock.acquire(True, 1.0)
        raise


class Channel(C.BaseChannel):
    """A channel between processes: Channel(name, capacity=0, format=None).

    capacity 0 (the default) makes a rendezvous: a send completes only together with a
    receive.  capacity > 0 makes a FIFO buffer of that many messages.  Any number of
    processes may send and receive.  format(v) -> str names a message in the trace when the
    built-in naming (docs/python.md) does not fit: the event is NAME.format(v)."""
    __slots__ = ()

    def send(self, value=None):
        """Sends value; returns once a receiver has it (or once it is buffered).  Raises
        ChannelClosed if the channel is or gets closed (nothing was sent)."""
        p = _current.get()
        if p is None or p.run is not C._run or p.lock is None:
            p = C._cur("send on '%s'" % self.name)
        f = _getframe(1)
        p.at_code = f.f_code
        p.at_lasti = f.f_lasti
        with C._lock:
            if p.run.stopped is not None:
                raise Stopped()
            done, woken = self._try_send(p, value)
            if not done:
                wake = C._register(p, [_Clause(p, self, SEND, value, 0)], W_CHAN, False)
        if done:
            if woken is not None:
                woken.wake()
            return
        if wake:
            C._wake_all(wake)
        _wait(p)
        C._raise_wake_err(p, "send on", self)

    def recv(self):
        """Receives a message and returns it.  Raises ChannelClosed once the channel is
        closed and its buffer drained."""
        p = _current.get()
        if p is None or p.run is not C._run or p.lock is None:
            p = C._cur("receive from '%s'" % self.name)
        f = _getframe(1)
        p.at_code = f.f_code
        p.at_lasti = f.f_lasti
        return self._recv(p)

    def _recv(self, p):
        with C._lock:
            if p.run.stopped is not None:
                raise Stopped()
            done, v, woken = self._try_recv(p)
            if not done:
                wake = C._register(p, [_Clause(p, self, RECV, None, 0)], W_CHAN, False)
        if done:
            if woken is not None:
                woken.wake()
            return v
        if wake:
            C._wake_all(wake)
        _wait(p)
        C._raise_wake_err(p, "receive from", self)
        return p.value

    def close(self):
        """Closes the channel: blocked senders and receivers wake with ChannelClosed, later
        sends raise it, later receives drain the buffer and then raise it.  Closing twice
        does nothing.  May be called outside a run."""
        p = _current.get()
        with C._lock:
            if p is not None and p.run is not C._run:
                p = None
            wake = self._close(p)
        C._wake_all(wake)

    def __iter__(self):
        return self

    def __next__(self):
        """Iteration receives until the channel is closed and drained."""
        p = _current.get()
        if p is None or p.run is not C._run or p.lock is None:
            p = C._cur("receive from '%s'" % self.name)
        f = _getframe(1)
        p.at_code = f.f_code
        p.at_lasti = f.f_lasti
        try:
            return self._recv(p)
        except ChannelClosed:
            raise StopIteration from None


def alt(*cases, timeout=None):
    """CSP's external choice (Go's select): waits until one enabled case can complete,
    completes exactly that one, and returns (index, value): value is what a Recv case got,
    None for a Send, CLOSED when that case's channel is closed (nothing was sent or
    received).  Cases are Recv(chan, guard=True), Send(chan, value, guard=True) and Skip().
    Among ready cases the choice is fair: random, from the run's seed.  timeout None waits
    forever, 0 polls, t > 0 waits at most t seconds; when the time passes (or a poll finds
    nothing ready) it returns (None, None) -- or (i, None) for a Skip() case at i.  An alt
    with no enabled case and no timeout is STOP: it blocks forever (and shows up in a
    deadlock report).  A process waiting with a timeout is never part of a deadlock."""
    p = _current.get()
    if p is None or p.run is not C._run or p.lock is None:
        p = C._cur("alt")
    C._where(p, _getframe(1))
    t = C._check_timeout(timeout)
    with C._lock:
        if p.run.stopped is not None:
            raise Stopped()
        i, v, w = C._alt_now(p, cases)
        if i is None:
            enabled, skip = v, w
            if skip is not None:
                return skip, None
            if t == 0:
                return None, None
            wake = C._alt_block(p, cases, enabled, t is not None)
    if i is not None:
        if w is not None:
            w.wake()
        return i, v
    if wake:
        C._wake_all(wake)
    if not _wait(p, t):
        return None, None
    return C._alt_result(p, cases)


select = alt


class Process(C.BaseProcess):
    """A process to start: Process(target, *args, name=None) runs target(*args) as a process
    named name (default: target's __name__) when started by par() or start()."""

    def start(self):
        """Starts the process; it outlives its starter (libbaton's baton_go), and run()
        returns only once it has ended.  Must be called from inside a baton process."""
        parent = C._cur("Process.start")
        with C._lock:
            if parent.run.stopped is not None:
                raise Stopped()
            p = _spawn(parent.run, self, parent, None)
        p.thread.start()
        return self


def _spawn(run, proc, parent, par):
    """Under _lock: a process of run for the Process proc, its thread made but not started."""
    if proc._proc is not None:
        raise RuntimeError("baton: process '%s' was started already" % proc.name)
    p = C._new_proc(run, proc.name, parent)
    p.lock = threading.Lock()
    p.lock.acquire()
    p.par = par
    p.thread = threading.Thread(target=_body, args=(p, proc.target, proc.args), name=proc.name,
                                daemon=True)
    proc._proc = p
    return p


def _body(p, target, args):
    _current.set(p)
    try:
        target(*args)
    except Stopped:
        pass
    except BaseException as e:
        with C._lock:
            wake = C._failed(p, e)
        C._wake_all(wake)
    finally:
        with C._lock:
            wake = C._end_proc(p)
        C._wake_all(wake)


def par(*processes):
    """CSP's parallel composition: runs the processes (Process objects, or callables taken
    as Process(callable)) in parallel and returns once all of them have ended; the caller
    is blocked meanwhile."""
    me = _current.get()
    if me is None or me.run is not C._run or me.lock is None:
        me = C._cur("par")
    C._where(me, _getframe(1))
    procs = [q if isinstance(q, Process) else Process(q) for q in processes]
    with C._lock:
        if me.run.stopped is not None:
            raise Stopped()
        group = C._Par(me)
        started = [_spawn(me.run, q, me, group) for q in procs]
        group.left = len(started)
        wake = None
        if started:
            me.wait = W_PAR
            me.waitpar = group
            me.timed = False
            me.wake_err = 0
            me.run.blocked += 1
            if C._writer is not None:
                C._writer.block(me, _trace.OP_PAR, None, len(started))
    for q in started:
        q.thread.start()
    if not started:
        return
    _wait(me)
    if me.wake_err == E_STOPPED:
        raise Stopped()


def run(main, *args, trace=None, seed=None, report=True):
    """Runs main(*args) as the process "main" on the calling thread and returns once every
    process has ended.  When every live process is blocked on baton the run is deadlocked:
    the report (libbaton's) goes to stderr (unless report=False) and run raises Deadlock.
    When a process raises, the run stops and run raises that exception.  Traces to trace=
    FILE, else to BATON_TRACE's file (FILE, then FILE.2, ... for a program's later runs).
    seed= (else baton.set_seed's, else BATON_SEED, else 24301) seeds alt's choices."""
    run = _begin(seed, "threads", trace, report)
    handlers = _take_signals()
    me = None
    interrupted = None
    try:
        with C._lock:
            me = C._new_proc(run, "main", None)
            me.lock = threading.Lock()
            me.lock.acquire()
            me.thread = threading.current_thread()
        token = _current.set(me)
        try:
            main(*args)
        except Stopped:
            pass
        except (KeyboardInterrupt, C._Signalled) as e:
            interrupted = e
            with C._lock:
                wake = C._interrupted(run, _signum(e), C._busy(run))
            C._wake_all(wake)
        except BaseException as e:
            with C._lock:
                wake = C._failed(me, e)
            C._wake_all(wake)
        finally:
            _current.reset(token)
            with C._lock:
                wake = C._end_proc(me)
            C._wake_all(wake)
        interrupted = _wait_all(run, interrupted)
    finally:
        _give_back_signals(handlers)
        _finish(run)
    _raise_outcome(run, interrupted)


def _begin(seed, flavour, trace, report):
    with C._lock:
        if C._run is not None:
            raise RuntimeError("baton: runs do not nest (a run is in progress)")
        run = C._Run(C._seed_of(seed), flavour)
        run.print_report = report
        C._open_trace(run, _trace.path_for_run(trace))
        C._run = run
    return run


def _finish(run):
    with C._lock:
        C._end_trace(run, _trace.END_DONE if run.stopped is None else None)
        C._run = None
    if run.writer is not None and run.own_writer:
        run.writer.join()


def _raise_outcome(run, interrupted):
    if interrupted is not None:
        if isinstance(interrupted, C._Signalled):
            # die of the signal, as the program would have untraced (libbaton does the same)
            signal.signal(interrupted.signum, signal.SIG_DFL)
            os.kill(os.getpid(), interrupted.signum)
        raise interrupted
    if run.stopped == "deadlock":
        raise Deadlock(run.report)
    if run.failure is not None:
        raise run.failure[1]


def _signum(e):
    return e.signum if isinstance(e, C._Signalled) else signal.SIGINT


def _wait_all(run, interrupted):
    """Waits for every process to end.  An interrupt meanwhile stops the run; a stopped run
    waits STOP_GRACE seconds at most for processes that do not reach a baton call."""
    stopped_at = None
    while True:
        try:
            while not run.done.wait(0.1):
                if run.stopped is not None:
                    now = time.monotonic()
                    stopped_at = stopped_at or now
                    if now - stopped_at > (1.0 if interrupted else STOP_GRACE):
                        with C._lock:
                            left = ", ".join("'%s' (#%d)" % (p.name, p.id) for p in run.procs.values())
                        sys.stderr.write("baton: the run stopped but these processes did not: %s\n" % left)
                        return interrupted
            return interrupted
        except (KeyboardInterrupt, C._Signalled) as e:
            with C._lock:
                wake = C._interrupted(run, _signum(e), C._busy(run))
            C._wake_all(wake)
            if interrupted is None:
                interrupted = e


_STOP_SIGNALS = ("SIGTERM", "SIGHUP")


def _take_signals():
    """During a run on the main thread, SIGTERM and SIGHUP (when the program left them at
    their default) stop the run, end its trace (with a livelock mark if processes were busy)
    and then end the program by the same signal, as libbaton does."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    taken = {}
    for name in _STOP_SIGNALS:
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            if signal.getsignal(sig) == signal.SIG_DFL:
                taken[sig] = signal.signal(sig, _on_signal)
        except (ValueError, OSError):
            pass
    return taken


def _on_signal(signum, frame):
    raise C._Signalled(signum)


def _give_back_signals(taken):
    for sig, old in taken.items():
        try:
            signal.signal(sig, old)
        except (ValueError, OSError):
            pass
