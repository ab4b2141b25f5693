"""Deadlock detection: when every live process is blocked on baton the run stops with
libbaton's report -- each blocked process, what it offers, the file:line of the user's call,
what became of the other end, the wait-for cycle -- and run raises Deadlock.  Processes that
sleep, wait with a timeout or block elsewhere make no deadlock."""
import os
import re
import textwrap
import threading
import time
import unittest

import helpers
import baton
from baton import Recv, Send

HERE = os.path.relpath(__file__) if os.path.abspath(__file__).startswith(os.getcwd() + os.sep) else __file__


def line_of(fn, marker):
    """The line of `marker` (a comment) in the source file of this module."""
    with open(__file__) as f:
        for n, text in enumerate(f, 1):
            if "# " + marker in text:
                return n
    raise AssertionError(marker)


def deadlock_of(main, *args, **kw):
    with unittest.TestCase().assertRaises(baton.Deadlock) as cm:
        baton.run(main, *args, report=False, **kw)
    return cm.exception.report


def p_crossed(a, b):
    a.recv()
    b.send(1)
    a.send(2)  # P-SEND


def q_crossed(a, b):
    a.send(1)
    b.recv()
    b.send(5)  # Q-SEND


def crossed():
    a, b = baton.Channel("a"), baton.Channel("b")
    baton.par(baton.Process(p_crossed, a, b, name="p"), baton.Process(q_crossed, a, b, name="q"))  # MAIN-PAR


class Reports(unittest.TestCase):
    def test_crossed_sends_are_reported_with_their_cycle_and_places(self):
        r = deadlock_of(crossed, seed=77)
        self.assertIn("baton: deadlock: 3 processes blocked forever (seed 77)\n", r)
        self.assertIn("  'main' (#1) waits in par for 2 processes to end, at %s:%d\n"
                      % (HERE, line_of(crossed, "MAIN-PAR")), r)
        self.assertIn("  'p' (#2) waits to send on 'a': offers a.2, at %s:%d\n" % (HERE, line_of(p_crossed, "P-SEND")), r)
        self.assertIn("  'q' (#3) waits to send on 'b': offers b.5, at %s:%d\n" % (HERE, line_of(q_crossed, "Q-SEND")), r)
        self.assertIn("  wait-for cycle: 'p' (#2) -> 'q' (#3) -> 'p' (#2)\n", r)
        self.assertTrue(r.startswith("baton: deadlock:"), r)

    def test_alts_report_their_offers_and_stop(self):
        def stopper():
            baton.alt()  # STOP

        def chooser(a, b):
            baton.alt(Send(a, 3), Recv(b), Send(b, 4, guard=False))  # CHOOSER

        def main():
            a, b = baton.Channel("a"), baton.Channel("b")
            baton.Process(stopper, name="stop").start()
            baton.Process(chooser, a, b, name="chooser").start()
            e = baton.Channel("picks.0.1", 2)
            e.send()
            e.send()
            e.send()  # FULL

        r = deadlock_of(main)
        self.assertIn("3 processes blocked forever", r)
        self.assertIn("'stop' (#2) waits in an alt with no enabled case (STOP), at %s:%d\n"
                      % (HERE, line_of(None, "STOP")), r)
        self.assertIn("'chooser' (#3) waits in an alt: offers a.3 (send on 'a') | b (receive from 'b'), "
                      "at %s:%d\n" % (HERE, line_of(None, "CHOOSER")), r)
        self.assertIn("'main' (#1) waits to send on 'picks.0.1': offers picks.0.1_in, at %s:%d\n"
                      % (HERE, line_of(None, "FULL")), r)
        self.assertIn("no process has received from 'a' yet", r)
        self.assertIn("no wait-for cycle found among them (a process is taken to wait for the last "
                      "users of its channels)", r)

    def test_a_partner_that_ended_is_named_with_its_last_call(self):
        def worker1(a):
            a.send(1)  # WORKER1-LAST

        def consumer(a):
            a.recv()
            a.recv()  # CONSUMER-WAITS

        def main():
            a = baton.Channel("a")
            baton.par(baton.Process(worker1, a), baton.Process(consumer, a))

        r = deadlock_of(main)
        self.assertIn("'consumer' (#3) waits to receive from 'a': offers a, at %s:%d\n"
                      % (HERE, line_of(None, "CONSUMER-WAITS")), r)
        self.assertIn("      its last sender 'worker1' (#2) has ended (its last call: %s:%d)\n"
                      % (HERE, line_of(None, "WORKER1-LAST")), r)
        self.assertIn("'main' (#1) waits in par for 1 process to end, at ", r)

    def test_dining_philosophers_deadlock_in_a_ring(self):
        n = 5

        def fork(j, picks, puts):
            left, right = j, (j + n - 1) % n
            while True:
                i, _ = baton.alt(Recv(picks[j][left]), Recv(picks[j][right]))
                puts[j][left if i == 0 else right].recv()

        def phil(i, picks, puts, all_hold):
            left, right = i, (i + 1) % n
            picks[left][i].send()
            all_hold.wait()          # now everyone holds a left fork
            picks[right][i].send()

        def table():
            picks = [[baton.Channel("picks.%d.%d" % (j, i)) for i in range(n)] for j in range(n)]
            puts = [[baton.Channel("putsdown.%d.%d" % (j, i)) for i in range(n)] for j in range(n)]
            all_hold = threading.Barrier(n)
            for j in range(n):
                baton.Process(fork, j, picks, puts, name="fork.%d" % j).start()
            for i in range(n):
                baton.Process(phil, i, picks, puts, all_hold, name="phil.%d" % i).start()

        r = deadlock_of(table)
        self.assertIn("10 processes blocked forever", r)
        self.assertRegex(r, r"'phil\.0' \(#7\) waits to send on 'picks\.1\.0': offers picks\.1\.0, at ")
        self.assertRegex(r, r"'fork\.1' \(#3\) waits to receive from 'putsdown\.1\.1': offers putsdown\.1\.1, at ")
        self.assertIn("wait-for cycle: ", r)
        for i in range(n):
            self.assertIn("'phil.%d' (#%d) -> 'fork.%d' (#%d)" % (i, 7 + i, (i + 1) % n, 2 + (i + 1) % n), r)

    def test_a_big_report_is_capped(self):
        def waiter(a):
            a.recv()

        def main():
            a = baton.Channel("a")
            for _ in range(1100):
                baton.Process(waiter, a).start()

        r = deadlock_of(main)
        self.assertIn("1100 processes blocked forever", r)
        self.assertIn("... and 100 more (the trace has them all)", r)
        self.assertNotIn("'main'", r)


class NotDeadlocks(unittest.TestCase):
    def test_a_sleeping_or_timed_waiter_is_no_deadlock(self):
        got = []

        def slow(a):
            time.sleep(0.2)          # blocked elsewhere: not on baton
            a.send(9)

        def timed(b):
            got.append(baton.alt(Recv(b), timeout=0.3))

        def main():
            a, b = baton.Channel("a"), baton.Channel("b")
            baton.Process(slow, a).start()
            baton.Process(timed, b).start()
            got.append(a.recv())

        baton.run(main)
        self.assertEqual(sorted(got, key=str), [(None, None), 9])

    def test_a_run_after_a_deadlock_starts_afresh(self):
        deadlock_of(crossed)
        out = []

        def main():
            c = baton.Channel("c", 1)
            c.send(1)
            out.append(c.recv())

        baton.run(main)
        self.assertEqual(out, [1])
        self.assertEqual(threading.active_count(), 1, threading.enumerate())


@helpers.need_baton
class InAProgram(helpers.TempDir, unittest.TestCase):
    PROGRAM = textwrap.dedent("""\
        import sys, baton
        def p(a, b):
            a.recv()
            b.send(1)
            a.send(2)
        def q(a, b):
            a.send(1)
            b.recv()
            b.send(5)
        def main():
            a, b = baton.Channel("a"), baton.Channel("b")
            baton.par(baton.Process(p, a, b), baton.Process(q, a, b))
        try:
            baton.run(main)
        except baton.Deadlock as e:
            print("caught:", e.report.splitlines()[0])
            sys.exit(1)
        """)

    def test_the_report_goes_to_stderr_and_into_the_trace(self):
        trace = self.path("dl.btr")
        r = helpers.run_py(self.PROGRAM, extra_env={"BATON_TRACE": trace}, cwd=self.tmp)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("caught: baton: deadlock: 3 processes blocked forever (seed 24301)", r.stdout)
        self.assertIn("  'p' (#2) waits to send on 'a': offers a.2, at prog.py:5\n", r.stderr)
        self.assertIn("  wait-for cycle: 'p' (#2) -> 'q' (#3) -> 'p' (#2)\n", r.stderr)
        events, text = helpers.show(trace)
        self.assertEqual(events, ["a.1", "b.1", "@deadlock"])
        self.assertIn("#   'p' (#2) waits to send: a.2, at prog.py:5", text)
        self.assertIn("#   'q' (#3) waits to send: b.5, at prog.py:9", text)
        self.assertIn("#   'main' (#1) waits in a par, at prog.py:12", text)
        self.assertIn("#   wait-for cycle: 'p' (#2) -> 'q' (#3) -> 'p' (#2)", text)

    def test_baton_graph_deadlock_draws_the_cycle(self):
        trace = self.path("dl.btr")
        helpers.run_py(self.PROGRAM, extra_env={"BATON_TRACE": trace}, cwd=self.tmp)
        svg = self.path("dl.svg")
        r = helpers.baton("graph", "deadlock", trace, "-o", svg)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(svg) as f:
            text = f.read()
        self.assertIn("<svg", text)
        self.assertIn("prog.py:5", text)


if __name__ == "__main__":
    unittest.main()
