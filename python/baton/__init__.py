"""baton -- CSP processes and channels for Python, traced and checked by baton.

    import baton

    def producer(out):
        for i in range(3):
            out.send(i)
        out.close()

    def consumer(inp):
        for v in inp:
            print(v)

    def main():
        c = baton.Channel("c")              # rendezvous: c.0, c.1, c.2 in the trace
        baton.par(baton.Process(producer, c), baton.Process(consumer, c))

    baton.run(main)                         # BATON_TRACE=run.btr python3 prog.py

Channels, alt, processes (threads), par and run mirror libbaton (include/baton.h) and write
its trace format, so `baton check SPEC --trace run.btr --process P`, `baton run -- python3
prog.py` and `baton graph network --trace run.btr` work on Python programs.  baton.aio is
the same for asyncio.  baton.wrap and baton.wrap_pipe record existing queue.Queue and
multiprocessing.Pipe traffic.  docs/python.md is the manual.
"""
from ._core import CLOSED, ChannelClosed, Deadlock, Recv, Send, Skip, Stopped, set_seed
from ._naming import event, text as value_text
from ._threads import Channel, Process, alt, par, run, select
from .adapters import wrap, wrap_pipe

__version__ = "0.1.0"

__all__ = ["Channel", "ChannelClosed", "CLOSED", "Deadlock", "Process", "Recv", "Send", "Skip",
           "Stopped", "alt", "event", "par", "run", "select", "set_seed", "value_text", "wrap",
           "wrap_pipe", "current"]


def current():
    """The name of the baton process running this code, or None outside one."""
    from ._core import _current
    p = _current.get()
    return p.name if p is not None else None
