"""_deadlock.py -- the deadlock report, word for word libbaton's (tracer/deadlock.c): every
blocked process, what it waits on and where in the source, what became of the other end of
its channel, and the wait-for cycle; and the same DEADLOCK/WAIT/OFFER/SITE/CYCLE records in
the trace, which `baton trace show`, `baton check --trace` and `baton graph deadlock` read.

A process waiting on a channel is taken to wait for the processes that last received and
last sent on it, or last waited at either end -- or, on a channel no other process has
touched yet, for its own last rendezvous partner; a par waits for its children.  These are
guesses from the run's history; the report says "wait-for cycle" only for a cycle along them.
"""
import os

from . import _core, _naming, _trace

REPORT_MAX = 1000   # stderr gets at most this many processes; the trace gets them all


def _edges(procs, index):
    """Adjacency lists of the wait-for graph, in libbaton's order (each_edge)."""
    adj = [[] for _ in procs]
    for v, p in enumerate(procs):
        if p.wait in (_core.W_CHAN, _core.W_ALT):
            for cl in p.clauses:
                c = cl.chan
                other = (c.last_send, c.last_recv) if cl.op == _core.RECV else (c.last_recv, c.last_send)
                known = False
                for o in other:
                    if not o or o == p.id:
                        continue
                    known = True
                    w = index.get(o)
                    if w is not None:
                        adj[v].append(w)
                # a channel nobody else has used yet: guess the last partner
                if not known and p.partner:
                    w = index.get(p.partner)
                    if w is not None:
                        adj[v].append(w)
        par = p.par
        if par is not None and par.parent.wait == _core.W_PAR and par.parent.waitpar is par:
            w = index.get(par.parent.id)
            if w is not None:
                adj[w].append(v)
    return adj


def _cycle(adj):
    """Depth-first search for a cycle (libbaton's find_cycle): node indices, or []."""
    n = len(adj)
    color = [0] * n   # 0 new, 1 on the path, 2 done
    for s in range(n):
        if color[s]:
            continue
        path, edge = [s], [0]
        color[s] = 1
        while path:
            v = path[-1]
            if edge[-1] == len(adj[v]):
                color[v] = 2
                path.pop()
                edge.pop()
                continue
            w = adj[v][edge[-1]]
            edge[-1] += 1
            if color[w] == 1:
                return path[path.index(w):]
            if color[w] == 0:
                color[w] = 1
                path.append(w)
                edge.append(0)
    return []


def shown_path(path):
    """A source file as the report names it: relative to the working directory when inside
    it (as a C compiler's __FILE__ usually is), else as Python has it."""
    if not path or path.startswith("<"):
        return path
    try:
        cwd = os.getcwd()
        full = os.path.abspath(path)
        if full.startswith(cwd + os.sep):
            return os.path.relpath(full, cwd)
    except OSError:
        pass
    return path


def _event(cl):
    ch = cl.chan
    if cl.op == _core.SEND:
        t = _naming.safe_text(cl.value, ch)
        return ch.name + ("_in" if ch.capacity else "") + ("." + t if t else "")
    return ch.name + ("_out" if ch.capacity else "")


def _where(p):
    return ", at %s:%d\n" % (shown_path(p.at_file), p.at_line) if p.at_file else "\n"


def _other_end(out, run, index, p, cl):
    c = cl.chan
    recv = cl.op == _core.RECV
    peer = c.last_send if recv else c.last_recv
    role = "sender" if recv else "receiver"
    if not peer:
        out.append("      no process has %s '%s' yet\n" % ("sent on" if recv else "received from", c.name))
        return
    if peer == p.id or peer in index:
        return
    e = run.ended.get(peer)
    if e is None:
        out.append("      its last %s (#%d) has ended\n" % (role, peer))
    elif e[1] is not None:
        out.append("      its last %s '%s' (#%d) has ended (its last call: %s:%d)\n"
                   % (role, e[0], peer, shown_path(e[1].co_filename), _core._line_of(e[1], e[2])))
    else:
        out.append("      its last %s '%s' (#%d) has ended\n" % (role, e[0], peer))


def _describe(out, run, index, p):
    head = "  '%s' (#%d) " % (p.name, p.id)
    if p.wait == _core.W_CHAN:
        cl = p.clauses[0]
        out.append(head + "waits to %s '%s': offers %s" % (
            "send on" if cl.op == _core.SEND else "receive from", cl.chan.name, _event(cl)) + _where(p))
        _other_end(out, run, index, p, cl)
    elif p.wait == _core.W_ALT:
        if not p.clauses:
            out.append(head + "waits in an alt with no enabled case (STOP)" + _where(p))
            return
        offers = " |".join(" %s (%s '%s')" % (_event(cl), "send on" if cl.op == _core.SEND
                                               else "receive from", cl.chan.name) for cl in p.clauses)
        out.append(head + "waits in an alt: offers" + offers + _where(p))
        for cl in p.clauses:
            _other_end(out, run, index, p, cl)
    elif p.wait == _core.W_PAR:
        left = p.waitpar.left
        out.append(head + "waits in par for %d process%s to end" % (left, "" if left == 1 else "es")
                   + _where(p))
    else:
        out.append(head + "is blocked" + _where(p))


def _record(w, procs, cycle):
    """The trace's DEADLOCK group (after the report: the processes are defined first, so no
    definition interrupts the group)."""
    for p in procs:
        w.proc_id(p)
        for cl in p.clauses or ():
            w.chan_id(cl.chan)
            if cl.op == _core.SEND and cl.value is not None:
                w.value(cl.chan, cl.value)
        if p.at_file:
            w.intern(shown_path(p.at_file))
    w.deadlock(len(procs))
    for p in procs:
        chans = p.wait in (_core.W_CHAN, _core.W_ALT)
        if p.wait == _core.W_PAR:
            op = _trace.OP_PAR
        elif p.wait == _core.W_ALT:
            op = _trace.OP_ALT
        else:
            op = _trace.OP_SEND if chans and p.clauses[0].op == _core.SEND else _trace.OP_RECV
        cls = p.clauses if chans else ()
        w.wait(p, op, len(cls))
        for cl in cls:
            send = cl.op == _core.SEND
            w.offer(cl.chan, _trace.OP_SEND if send else _trace.OP_RECV, cl.value,
                    send and cl.value is not None)
        if p.at_file:
            w.site(p, shown_path(p.at_file), p.at_line)
    if cycle:
        w.cycle([procs[i] for i in cycle[:65536]])


def report(run, writer):
    """The report's text (for stderr and Deadlock.report), after recording the deadlock in
    the trace when writer is open.  Called under _core._lock with every live process blocked."""
    procs = sorted(run.procs.values(), key=lambda p: p.id)
    index = {p.id: i for i, p in enumerate(procs)}
    cycle = _cycle(_edges(procs, index))
    n = len(procs)
    out = ["baton: deadlock: %d process%s blocked forever (seed %d)\n" % (n, "" if n == 1 else "es", run.seed)]
    for p in procs[:REPORT_MAX]:
        _describe(out, run, index, p)
    if n > REPORT_MAX:
        out.append("  ... and %d more (the trace has them all)\n" % (n - REPORT_MAX))
    if cycle:
        names = ["'%s' (#%d)" % (procs[i].name, procs[i].id) for i in cycle[:REPORT_MAX]]
        out.append("  wait-for cycle: " + " -> ".join(names) + " -> '%s' (#%d)\n"
                   % (procs[cycle[0]].name, procs[cycle[0]].id))
    else:
        out.append("  no wait-for cycle found among them (a process is taken to wait for the last "
                   "users of its channels)\n")
    if writer is not None and writer.on:
        _record(writer, procs, cycle)
    return "".join(out)
