"""Traces of Python runs: baton's binary format, read back by `baton trace show`, checked by
`baton check --trace`, made by `baton run -- python3 prog.py`, drawn by `baton graph
network --trace`.  Events are named as libbaton names them."""
import contextlib
import enum
import io
import os
import textwrap
import unittest

import helpers
import baton


class Colour(enum.Enum):
    RED = 1
    GREEN = 2


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


class Naming(unittest.TestCase):
    def test_values_are_named_as_libbaton_names_them(self):
        cases = [(3, "c.3"), (-3, "c.-3"), (True, "c.true"), (None, "c"), ((2, 5), "c.2.5"),
                 ("Ok", "c.Ok"), (Colour.GREEN, "c.GREEN"), ((1, (2, 3)), "c.1.(2,3)"),
                 ([1, 2], "c.<1,2>"), ({2, 1}, "c.{1,2}"), ((True, "a", 4), "c.true.a.4"),
                 (Point(1, 2), "c")]
        for v, want in cases:
            self.assertEqual(baton.event("c", v), want, v)
        self.assertEqual(baton.event("c", Point(1, 2), fmt=lambda p: "%d.%d" % (p.x, p.y)), "c.1.2")
        self.assertEqual(baton.event("c", 7, suffix="_in"), "c_in.7")


@helpers.need_baton
class Files(helpers.TempDir, unittest.TestCase):
    def run_traced(self, main, *args, **kw):
        path = self.path("run.btr")
        baton.run(main, *args, trace=path, **kw)
        return path

    def test_every_rendezvous_once_in_commit_order(self):
        def producer(c, d):
            for i in range(50):
                c.send(i)
            d.send((1, 2))
            d.send("Ok")
            c.close()
            d.close()

        def consumer(c, d):
            for _ in range(50):
                c.recv()
            d.recv()
            d.recv()

        def main():
            c, d = baton.Channel("left"), baton.Channel("c")
            baton.par(baton.Process(producer, c, d), baton.Process(consumer, c, d))

        events, text = helpers.show(self.run_traced(main, seed=1234))
        self.assertEqual(events, ["left.%d" % i for i in range(50)] + ["c.1.2", "c.Ok"])
        self.assertIn("(format 4, seed 1234)", text)
        self.assertIn("# the run ended: every process finished", text)

    def test_buffered_channels_record_in_and_out(self):
        def main():
            b = baton.Channel("buf", 2)
            b.send(7)
            b.send(8)
            b.recv()
            b.send(Point(0, 0))
            b.recv()
            b.recv()
            f = baton.Channel("pt", format=lambda p: "%d.%d" % (p.x, p.y))
            baton.Process(lambda: f.send(Point(3, 4))).start()
            f.recv()

        events, _ = helpers.show(self.run_traced(main))
        self.assertEqual(events, ["buf_in.7", "buf_in.8", "buf_out.7", "buf_in", "buf_out.8",
                                  "buf_out", "pt.3.4"])

    def test_verbose_show_names_senders_and_receivers(self):
        def main():
            c = baton.Channel("c")
            baton.Process(lambda: c.send(5), name="sender").start()
            c.recv()

        path = self.run_traced(main)
        r = helpers.baton("trace", "show", "--verbose", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("'sender' (#2) -> 'main' (#1) on 'c' (rendezvous)\nc.5\n", r.stdout)

    def test_baton_check_accepts_a_conforming_run_and_rejects_another(self):
        spec = self.path("spec.csp")
        with open(spec, "w") as f:
            f.write(textwrap.dedent("""\
                channel left, right : {0..9}
                COPY = left?x -> right!x -> COPY
                DOUBLE = left?x -> right!((2 * x) % 10) -> DOUBLE
                """))

        def copier(l, r, k):
            for v in l:
                r.send((k * v) % 10)

        def main(k):
            l, r = baton.Channel("left"), baton.Channel("right")

            def feed():
                for i in range(10):
                    l.send(i)
                l.close()

            def drain():
                for _ in range(10):
                    r.recv()

            baton.par(baton.Process(feed), baton.Process(copier, l, r, k), baton.Process(drain))

        good = self.path("good.btr")
        baton.run(main, 1, trace=good)
        r = helpers.baton("check", spec, "--trace", good, "--process", "COPY")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("PASS", r.stdout)
        r = helpers.baton("check", spec, "--trace", good, "--process", "DOUBLE")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("right.1", r.stdout)

    def test_baton_run_traces_a_python_program(self):
        spec = os.path.join(helpers.ROOT, "examples/python/pipeline.csp")
        prog = os.path.join(helpers.ROOT, "examples/python/pipeline.py")
        trace = self.path("pl.btr")
        r = helpers.baton("run", "--trace", trace, "--graphs", self.tmp, "--spec", spec, "--process",
                          "PIPELINE", "--", "python3", prog, "9")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("pipeline: wrote 9 records", r.stdout)
        self.assertIn("PASS  trace %s against PIPELINE  (36 events" % trace, r.stdout)
        events, _ = helpers.show(trace)
        self.assertEqual(events.count("raw_in.0"), 3)
        self.assertIn("cooked.2", events)
        self.assertTrue(os.path.getsize(os.path.join(self.tmp, "network.svg")) > 0)

    def test_baton_graph_network_draws_the_run(self):
        def main():
            a, b = baton.Channel("a"), baton.Channel("b")

            def first():
                a.send(1)

            def second():
                b.send(a.recv())

            baton.Process(first, name="first").start()
            baton.Process(second, name="second").start()
            b.recv()

        path = self.run_traced(main)
        svg = self.path("net.svg")
        r = helpers.baton("graph", "network", "--trace", path, "-o", svg)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(svg) as f:
            text = f.read()
        for name in ("first", "second", "main", ">a ×1<", ">b ×1<"):
            self.assertIn(name, text)

    def test_baton_trace_names_later_runs_file_2_and_3(self):
        prog = textwrap.dedent("""\
            import baton
            def main(k):
                c = baton.Channel("c", 1)
                c.send(k)
                c.recv()
            for k in range(3):
                baton.run(main, k)
            """)
        trace = self.path("many.btr")
        r = helpers.run_py(prog, extra_env={"BATON_TRACE": trace}, cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        for k, name in enumerate([trace, trace + ".2", trace + ".3"]):
            self.assertEqual(helpers.show(name)[0], ["c_in.%d" % k, "c_out.%d" % k])

    def test_a_busy_run_from_many_processes_is_a_valid_trace(self):
        def worker(c, k):
            for i in range(300):
                c.send((k, i))

        def main():
            c = baton.Channel("c", 3)
            baton.par(*[baton.Process(worker, c, k, name="w%d" % k) for k in range(5)],
                      baton.Process(lambda: [c.recv() for _ in range(1500)], name="sink"))

        events, _ = helpers.show(self.run_traced(main))
        self.assertEqual(len(events), 3000)
        for k in range(5):
            mine = [e for e in events if e.startswith("c_out.%d." % k)]
            self.assertEqual(mine, ["c_out.%d.%d" % (k, i) for i in range(300)])

    def test_baton_trace_max_caps_the_file_as_libbaton_does(self):
        prog = textwrap.dedent("""\
            import baton
            def main():
                c = baton.Channel("c", 1)
                for i in range(20000):
                    c.send(i)
                    c.recv()
            baton.run(main)
            print("ran on")
            """)
        trace = self.path("cap.btr")
        r = helpers.run_py(prog, extra_env={"BATON_TRACE": trace, "BATON_TRACE_MAX": "256K"}, cwd=self.tmp)
        self.assertEqual((r.returncode, r.stdout), (0, "ran on\n"), r.stderr)
        self.assertLessEqual(os.path.getsize(trace), 256 * 1024)
        events, text = helpers.show(trace)
        self.assertGreater(len(events), 1000)
        self.assertLess(len(events), 40000)
        self.assertIn("size cap", text)
        self.assertEqual(events[:2], ["c_in.0", "c_out.0"])

    def test_a_trace_that_cannot_be_opened_runs_untraced(self):
        out = []

        def main():
            out.append(1)

        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            baton.run(main, trace=os.path.join(self.tmp, "no", "such", "dir.btr"))
        self.assertEqual(out, [1])
        self.assertIn("dir.btr': No such file or directory; running untraced", err.getvalue())


if __name__ == "__main__":
    unittest.main()
