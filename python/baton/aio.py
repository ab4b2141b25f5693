"""baton.aio -- baton for asyncio: the same channels, alt, processes, par, run, deadlock
report and trace as baton's threads, for `async` code.  A process is an asyncio task; a
blocked one awaits a future that the process completing its wait resolves.

    import baton.aio as aio

    async def producer(out):
        for i in range(3):
            await out.send(i)
        out.close()

    async def consumer(inp):
        async for v in inp:
            print(v)

    async def main():
        c = aio.Channel("c")
        await aio.par(aio.Process(producer, c), aio.Process(consumer, c))

    aio.run(main)

A run is deadlocked when every live task of the run awaits a baton operation (a task
awaiting anything else -- asyncio.sleep, I/O, a timeout -- is not blocked).  When the run
stops (a deadlock, a task that raised, Ctrl-C), tasks waiting on baton wake with Stopped and
the others are cancelled.
"""
import asyncio
import signal
import sys

from . import _core as C
from . import _trace
from ._core import (CLOSED, ChannelClosed, Deadlock, Recv, Send, Skip, Stopped, W_ALT, W_CHAN,
                    W_NONE, W_PAR, SEND, RECV, E_STOPPED, _Clause, _current)
from ._threads import _begin, _finish

__all__ = ["Channel", "ChannelClosed", "CLOSED", "Deadlock", "Process", "Recv", "Send", "Skip",
           "Stopped", "alt", "par", "run", "select"]

_getframe = sys._getframe


def _cur(what):
    p = _current.get()
    if p is None or p.run is not C._run or p.lock is not None:
        if p is not None and p.lock is not None and p.run is C._run:
            raise RuntimeError("baton.aio: %s from a thread process: baton.aio channels are "
                               "for baton.aio.run's tasks" % what)
        C._cur(what)
        raise RuntimeError("baton.aio: %s outside a baton.aio process" % what)
    return p


async def _await(p, timeout=None):
    """Awaits p's registered wait (p.fut, made before it registered).  False when it timed
    out.  A cancellation meanwhile takes p off its wait before it propagates."""
    fut = p.fut
    handle = None
    if timeout is not None:
        handle = asyncio.get_running_loop().call_later(timeout, _on_timeout, p, fut)
    try:
        await fut
    except BaseException:
        with C._lock:
            C._note_interrupt(p)
            if p.wait != W_NONE:
                C._unlink_all(p)
                p.wait = W_NONE
                if not p.timed:
                    p.run.blocked -= 1
        raise
    finally:
        if handle is not None:
            handle.cancel()
        p.fut = None
    return not (p.wake_idx < 0 and p.wake_err == 0)


def _on_timeout(p, fut):
    with C._lock:
        if p.fut is fut and C._timed_out(p) and not fut.done():
            fut.set_result(None)


def _stopped_cleanup(wake):
    """Wakes the waiting processes of a stopped run and cancels the tasks of the others."""
    C._wake_all(wake)
    run = C._run
    if run is None:
        return
    me = asyncio.current_task()
    woken = set(map(id, wake))
    for p in list(run.procs.values()):
        t = p.task
        if t is not None and t is not me and id(p) not in woken and not t.done():
            t.cancel()


def _wake(wake):
    if not wake:
        return
    if any(p.run.stopped is not None for p in wake):
        _stopped_cleanup(wake)
    else:
        C._wake_all(wake)


class Channel(C.BaseChannel):
    """Channel(name, capacity=0, format=None) for baton.aio processes: `await send(v)`,
    `await recv()`, close(), `async for v in channel`.  Semantics as baton.Channel's."""
    __slots__ = ()

    async def send(self, value=None):
        p = _current.get()
        if p is None or p.run is not C._run or p.lock is not None:
            p = _cur("send on '%s'" % self.name)
        f = _getframe(1)
        p.at_code = f.f_code
        p.at_lasti = f.f_lasti
        with C._lock:
            if p.run.stopped is not None:
                raise Stopped()
            done, woken = self._try_send(p, value)
            if not done:
                p.fut = asyncio.get_running_loop().create_future()
                wake = C._register(p, [_Clause(p, self, SEND, value, 0)], W_CHAN, False)
        if done:
            if woken is not None:
                woken.wake()
            return
        _wake(wake)
        await _await(p)
        C._raise_wake_err(p, "send on", self)

    async def recv(self):
        p = _current.get()
        if p is None or p.run is not C._run or p.lock is not None:
            p = _cur("receive from '%s'" % self.name)
        f = _getframe(1)
        p.at_code = f.f_code
        p.at_lasti = f.f_lasti
        return await self._recv(p)

    async def _recv(self, p):
        with C._lock:
            if p.run.stopped is not None:
                raise Stopped()
            done, v, woken = self._try_recv(p)
            if not done:
                p.fut = asyncio.get_running_loop().create_future()
                wake = C._register(p, [_Clause(p, self, RECV, None, 0)], W_CHAN, False)
        if done:
            if woken is not None:
                woken.wake()
            return v
        _wake(wake)
        await _await(p)
        C._raise_wake_err(p, "receive from", self)
        return p.value

    def close(self):
        p = _current.get()
        with C._lock:
            if p is not None and p.run is not C._run:
                p = None
            wake = self._close(p)
        C._wake_all(wake)

    def __aiter__(self):
        return self

    async def __anext__(self):
        p = _current.get()
        if p is None or p.run is not C._run or p.lock is not None:
            p = _cur("receive from '%s'" % self.name)
        f = _getframe(1)
        p.at_code = f.f_code
        p.at_lasti = f.f_lasti
        try:
            return await self._recv(p)
        except ChannelClosed:
            raise StopAsyncIteration from None


async def alt(*cases, timeout=None):
    """baton.alt for baton.aio: `i, v = await alt(Recv(a), Send(b, 3), timeout=1.0)`."""
    p = _current.get()
    if p is None or p.run is not C._run or p.lock is not None:
        p = _cur("alt")
    C._where(p, _getframe(1))
    t = C._check_timeout(timeout)
    with C._lock:
        if p.run.stopped is not None:
            raise Stopped()
        i, v, w = C._alt_now(p, cases)
        if i is None:
            enabled, skip = v, w
            if skip is None and t != 0:
                p.fut = asyncio.get_running_loop().create_future()
                wake = C._alt_block(p, cases, enabled, t is not None)
    if i is not None:
        if w is not None:
            w.wake()
        return i, v
    if skip is not None or t == 0:
        await asyncio.sleep(0)   # a polling loop must not starve the other tasks
        return (skip, None) if skip is not None else (None, None)
    _wake(wake)
    if not await _await(p, t):
        return None, None
    return C._alt_result(p, cases)


select = alt


class Process(C.BaseProcess):
    """Process(target, *args, name=None): the coroutine function target(*args) as a process,
    started by `await par(...)` or start()."""
    _flavour = "baton.aio"
    _wants = "a coroutine function"

    def start(self):
        """Starts the process as a task; it outlives its starter, and run() returns only
        once it has ended.  From inside a baton.aio process."""
        parent = _cur("Process.start")
        with C._lock:
            if parent.run.stopped is not None:
                raise Stopped()
            p = _spawn(parent.run, self, parent, None)
        _launch(p, self)
        return self


def _spawn(run, proc, parent, par):
    if proc._proc is not None:
        raise RuntimeError("baton: process '%s' was started already" % proc.name)
    p = C._new_proc(run, proc.name, parent)
    p.par = par
    proc._proc = p
    return p


def _launch(p, proc):
    p.task = asyncio.get_running_loop().create_task(_body(p, proc.target, proc.args), name=proc.name)


async def _body(p, target, args):
    _current.set(p)
    try:
        await target(*args)
    except Stopped:
        pass
    except asyncio.CancelledError:
        if p.run.stopped is None:
            with C._lock:
                wake = C._failed(p, RuntimeError("baton.aio: process '%s' was cancelled" % p.name))
            _wake(wake)
    except BaseException as e:
        with C._lock:
            wake = C._failed(p, e)
        _wake(wake)
    finally:
        with C._lock:
            wake = C._end_proc(p)
        _wake(wake)


async def par(*processes):
    """Runs the processes (Process objects, or coroutine functions) in parallel and returns
    once all of them have ended."""
    me = _current.get()
    if me is None or me.run is not C._run or me.lock is not None:
        me = _cur("par")
    C._where(me, _getframe(1))
    procs = [q if isinstance(q, Process) else Process(q) for q in processes]
    with C._lock:
        if me.run.stopped is not None:
            raise Stopped()
        group = C._Par(me)
        started = [_spawn(me.run, q, me, group) for q in procs]
        group.left = len(started)
        if started:
            me.fut = asyncio.get_running_loop().create_future()
            me.wait = W_PAR
            me.waitpar = group
            me.timed = False
            me.wake_err = 0
            me.run.blocked += 1
            if C._writer is not None:
                C._writer.block(me, _trace.OP_PAR, None, len(started))
    for p, q in zip(started, procs):
        _launch(p, q)
    if not started:
        return
    await _await(me)
    if me.wake_err == E_STOPPED:
        raise Stopped()


def run(main, *args, trace=None, seed=None, report=True):
    """baton.run for asyncio: runs the coroutine function main(*args) as process "main" in a
    new event loop (asyncio.run) until every process has ended.  Raises Deadlock, or what a
    process raised, as baton.run does; Ctrl-C stops the run and raises KeyboardInterrupt."""
    run_ = _begin(seed, "aio", trace, report)
    interrupted = None
    try:
        try:
            asyncio.run(_amain(run_, main, args))
        except KeyboardInterrupt as e:
            interrupted = e
            with C._lock:
                wake = C._interrupted(run_, signal.SIGINT, C._busy(run_))
            C._wake_all(wake)
    finally:
        _finish(run_)
    if interrupted is not None:
        raise interrupted
    if run_.stopped == "deadlock":
        raise Deadlock(run_.report)
    if run_.failure is not None:
        raise run_.failure[1]


async def _amain(run_, main, args):
    loop = asyncio.get_running_loop()
    all_done = loop.create_future()

    def done():
        if not all_done.done():
            all_done.set_result(None)

    run_.on_done = done
    with C._lock:
        me = C._new_proc(run_, "main", None)
        me.task = asyncio.current_task()
    token = _current.set(me)
    try:
        await main(*args)
    except Stopped:
        pass
    except asyncio.CancelledError:
        # asyncio.run cancels its main task on Ctrl-C; the KeyboardInterrupt comes after
        with C._lock:
            wake = C._interrupted(run_, signal.SIGINT, C._busy(run_))
        _wake(wake)
        raise
    except BaseException as e:
        with C._lock:
            wake = C._failed(me, e)
        _wake(wake)
    finally:
        _current.reset(token)
        with C._lock:
            wake = C._end_proc(me)
        _wake(wake)
    if run_.live:
        await all_done
