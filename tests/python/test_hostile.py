"""What goes wrong in real programs: a process that raises (reported, the run stops, nothing
hangs), a process that swallows exceptions, Ctrl-C and SIGTERM during a run (threads do not
hang, the trace ends with libbaton's livelock mark)."""
import contextlib
import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import unittest

import helpers
import baton


class Failures(helpers.TempDir, unittest.TestCase):
    def test_a_process_that_raises_is_reported_and_stops_the_run(self):
        def bad(c):
            c.recv()
            raise ValueError("bad input")

        def blocked(d):
            d.recv()                      # would wait forever: the stop wakes it

        def main():
            c, d = baton.Channel("c"), baton.Channel("d")
            baton.Process(bad, c, name="bad").start()
            baton.Process(blocked, d, name="blocked").start()
            c.send(1)
            d.recv()                      # main waits too

        err = io.StringIO()
        t0 = time.monotonic()
        with contextlib.redirect_stderr(err), self.assertRaisesRegex(ValueError, "bad input") as cm:
            baton.run(main, trace=self.path("f.btr"))
        self.assertLess(time.monotonic() - t0, 5)
        self.assertIn("raised in baton process 'bad' (#2)", cm.exception.__notes__)
        self.assertIn("baton: process 'bad' (#2) raised ValueError; stopping the run", err.getvalue())
        self.assertIn("Traceback", err.getvalue())
        self.assertEqual(threading.active_count(), 1, threading.enumerate())
        if os.access(helpers.BATON, os.X_OK):
            events, text = helpers.show(self.path("f.btr"))
            self.assertEqual(events, ["c.1"])
            self.assertNotIn("# the run ended", text)

    def test_main_raising_stops_the_others(self):
        def waiter(c):
            c.recv()

        def main():
            baton.Process(waiter, baton.Channel("c")).start()
            raise KeyError("in main")

        with contextlib.redirect_stderr(io.StringIO()), self.assertRaises(KeyError):
            baton.run(main)
        self.assertEqual(threading.active_count(), 1)

    def test_a_process_that_swallows_exceptions_still_stops(self):
        rounds = []

        def stubborn(c):
            while True:
                try:
                    c.recv()
                except Exception:          # Stopped is no Exception: it gets through
                    rounds.append("swallowed")

        def main():
            baton.Process(stubborn, baton.Channel("c")).start()
            time.sleep(0.05)
            raise RuntimeError("stop")

        with contextlib.redirect_stderr(io.StringIO()), self.assertRaises(RuntimeError):
            baton.run(main)
        self.assertEqual(rounds, [])

    def test_system_exit_in_a_process_ends_the_run_quietly(self):
        def leaver():
            sys.exit(3)

        def main():
            baton.par(baton.Process(leaver))

        err = io.StringIO()
        with contextlib.redirect_stderr(err), self.assertRaises(SystemExit) as cm:
            baton.run(main)
        self.assertEqual(cm.exception.code, 3)
        self.assertEqual(err.getvalue(), "")


    def test_a_format_function_that_raises_does_not_break_the_run(self):
        def bad_format(v):
            raise ZeroDivisionError("no name")

        got = []

        def main():
            c = baton.Channel("c", format=bad_format)
            baton.Process(lambda: c.send(object()), name="sender").start()
            got.append(c.recv())
            c2 = baton.Channel("d", format=bad_format)
            baton.Process(lambda: c2.send(object())).start()
            got.append(c2.recv())

        err = io.StringIO()
        trace = self.path("fmt.btr")
        with contextlib.redirect_stderr(err):
            baton.run(main, trace=trace)
        self.assertEqual(len(got), 2)
        self.assertIn("baton: the format function of channel 'c' raised ZeroDivisionError: no name; "
                      "its messages are traced as 'c' alone", err.getvalue())
        if os.access(helpers.BATON, os.X_OK):
            self.assertEqual(helpers.show(trace)[0], ["c", "d"])


BUSY = textwrap.dedent("""\
    import sys, baton
    def pinger(c):
        i = 0
        while True:
            c.send(i % 100)
            i += 1
    def main():
        c = baton.Channel("c")
        baton.Process(pinger, c).start()
        print("ready", flush=True)
        while True:
            c.recv()
    baton.run(main)
    """)


@helpers.need_baton
class Signals(helpers.TempDir, unittest.TestCase):
    def start(self, source, trace):
        with open(self.path("prog.py"), "w") as f:
            f.write(source)
        p = subprocess.Popen([sys.executable, "prog.py"], cwd=self.tmp, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=helpers.env(BATON_TRACE=trace))
        self.assertEqual(p.stdout.readline(), "ready\n")
        time.sleep(0.2)
        return p

    def test_ctrl_c_stops_a_busy_run_and_marks_the_trace(self):
        trace = self.path("int.btr")
        p = self.start(BUSY, trace)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        self.assertIn("KeyboardInterrupt", err)
        self.assertNotEqual(p.returncode, 0)
        events, text = helpers.show(trace)
        self.assertEqual(events[-1], "@livelock")
        self.assertGreater(len(events), 10)
        self.assertIn("SIGINT", text)

    def test_sigterm_ends_the_program_by_that_signal_with_the_trace_flushed(self):
        trace = self.path("term.btr")
        p = self.start(BUSY, trace)
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=20)
        self.assertEqual(p.returncode, -signal.SIGTERM)
        events, text = helpers.show(trace)
        self.assertEqual(events[-1], "@livelock")
        self.assertIn("SIGTERM", text)

    def test_baton_run_timeout_stops_a_python_livelock(self):
        with open(self.path("prog.py"), "w") as f:
            f.write(BUSY)
        trace = self.path("run.btr")
        r = helpers.baton("run", "--timeout", "1", "--trace", trace, "--", sys.executable,
                          self.path("prog.py"), timeout=60)
        self.assertEqual(r.returncode, 128 + signal.SIGTERM, r.stderr)
        self.assertIn("stopped", r.stderr)
        self.assertEqual(helpers.show(trace)[0][-1], "@livelock")

    def test_an_idle_run_interrupted_gets_no_livelock_mark(self):
        idle = textwrap.dedent("""\
            import time, baton
            def main():
                c = baton.Channel("c", 1)
                c.send(1)
                c.recv()
                print("ready", flush=True)
                baton.alt(baton.Recv(c), timeout=60)   # waiting with a timeout: idle
            baton.run(main)
            """)
        trace = self.path("idle.btr")
        p = self.start(idle, trace)
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=20)
        self.assertNotEqual(p.returncode, 0)
        events, _ = helpers.show(trace)
        self.assertEqual(events, ["c_in.1", "c_out.1"])


if __name__ == "__main__":
    unittest.main()
