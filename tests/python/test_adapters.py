"""baton.wrap and baton.wrap_pipe: existing queue.Queue and multiprocessing.Pipe traffic,
recorded as NAME_in.V / NAME_out.V without changing what the program does, and checked
against a buffer specification."""
import asyncio
import os
import queue
import textwrap
import unittest

import helpers
import baton

BUFFER_SPEC = textwrap.dedent("""\
    -- a queue.Queue(maxsize=N) is a FIFO buffer of N places between jobs_in and jobs_out
    channel jobs_in, jobs_out : {0..9}
    BUFF(n) = let B(s) = (#s < n & jobs_in?x -> B(s ^ <x>))
                         [] (#s > 0 & jobs_out!head(s) -> B(tail(s)))
              within B(<>)
    """)

PRODUCER_CONSUMER = textwrap.dedent("""\
    import queue, sys, threading, baton
    q = baton.wrap(queue.Queue(maxsize=3), "jobs")
    for i in range(3):          # fills the queue before anyone takes
        q.put(i)
    def consumer():
        while True:
            v = q.get()
            if v == 9:
                break
    t = threading.Thread(target=consumer, name="consumer")
    t.start()
    for i in range(3, 9):
        q.put(i)
    q.put(9)
    t.join()
    print("done")
    """)


@helpers.need_baton
class Queues(helpers.TempDir, unittest.TestCase):
    def test_a_threaded_program_is_recorded_without_baton_run_and_checked_as_a_buffer(self):
        trace = self.path("q.btr")
        r = helpers.run_py(PRODUCER_CONSUMER, extra_env={"BATON_TRACE": trace}, cwd=self.tmp)
        self.assertEqual((r.returncode, r.stdout), (0, "done\n"), r.stderr)
        events, text = helpers.show(trace)
        self.assertEqual(sorted(e for e in events if e.startswith("jobs_in")), ["jobs_in.%d" % i for i in range(10)])
        self.assertEqual([e for e in events if e.startswith("jobs_out")], ["jobs_out.%d" % i for i in range(10)])
        self.assertEqual(events[:3], ["jobs_in.0", "jobs_in.1", "jobs_in.2"])
        self.assertIn("# the run ended: every process finished", text)
        spec = self.path("buf.csp")
        with open(spec, "w") as f:
            f.write(BUFFER_SPEC)
        ok = helpers.baton("check", spec, "--trace", trace, "--process", "BUFF(3)")
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        small = helpers.baton("check", spec, "--trace", trace, "--process", "BUFF(2)")
        self.assertEqual(small.returncode, 1, small.stdout + small.stderr)
        self.assertIn("jobs_in.2", small.stdout)
        shown = helpers.baton("trace", "show", "--verbose", trace).stdout
        self.assertIn("'MainThread'", shown)
        self.assertIn("'consumer'", shown)

    def test_queues_in_a_baton_run_name_the_processes(self):
        def producer(q):
            for i in range(5):
                q.put(i)

        def consumer(q):
            for _ in range(5):
                q.get()

        def main():
            q = baton.wrap(queue.Queue(2), "jobs")
            baton.par(baton.Process(producer, q, name="producer"), baton.Process(consumer, q, name="consumer"))

        trace = self.path("run.btr")
        baton.run(main, trace=trace)
        events, _ = helpers.show(trace)
        self.assertEqual([e for e in events if "_out" in e], ["jobs_out.%d" % i for i in range(5)])
        shown = helpers.baton("trace", "show", "--verbose", trace).stdout
        self.assertIn("'producer' (#2) -> 'consumer' (#3) on 'jobs' (taken from its buffer)", shown)

    def test_asyncio_queues_and_lifo_queues(self):
        async def amain():
            q = baton.wrap(asyncio.Queue(), "aq")
            await q.put((1, 2))
            self.assertEqual(await q.get(), (1, 2))

        def main():
            asyncio.run(amain())
            lq = baton.wrap(queue.LifoQueue(), "lifo")
            lq.put(1)
            lq.put(2)
            self.assertEqual(lq.get(), 2)

        trace = self.path("a.btr")
        baton.run(main, trace=trace)
        self.assertEqual(helpers.show(trace)[0], ["aq_in.1.2", "aq_out.1.2", "lifo_in.1", "lifo_in.2", "lifo_out.2"])

    def test_what_cannot_be_wrapped(self):
        with self.assertRaisesRegex(TypeError, "SimpleQueue has no hooks"):
            baton.wrap(queue.SimpleQueue(), "s")
        q = baton.wrap(queue.Queue(), "once")
        with self.assertRaisesRegex(ValueError, "recorded already, as 'once'"):
            baton.wrap(q, "twice")
        with self.assertRaises(ValueError):
            baton.wrap(queue.Queue(), "")
        with self.assertRaises(TypeError):
            baton.wrap_pipe((1, 2), "p")
        with self.assertRaises(TypeError):
            baton.wrap_pipe(None, "p")

    def test_untraced_programs_are_unchanged(self):
        q = baton.wrap(queue.Queue(1), "quiet")       # no run, no BATON_TRACE: nothing recorded
        q.put("x")
        self.assertTrue(q.full())
        self.assertEqual(q.get(), "x")
        with self.assertRaises(queue.Empty):
            q.get(timeout=0.01)


@helpers.need_baton
class Pipes(helpers.TempDir, unittest.TestCase):
    def test_both_directions_of_a_duplex_pipe(self):
        prog = textwrap.dedent("""\
            import multiprocessing as mp, threading, baton
            a, b = baton.wrap_pipe(mp.Pipe(), "req", back="rep")
            def server():
                while True:
                    v = b.recv()
                    if v is None:
                        break
                    b.send(v * 2)
            t = threading.Thread(target=server, name="server")
            t.start()
            for i in range(4):
                a.send(i)
                assert a.recv() == 2 * i
            a.send(None)
            t.join()
            """)
        trace = self.path("p.btr")
        r = helpers.run_py(prog, extra_env={"BATON_TRACE": trace}, cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        want = []
        for i in range(4):
            want += ["req_in.%d" % i, "req_out.%d" % i, "rep_in.%d" % (2 * i), "rep_out.%d" % (2 * i)]
        self.assertEqual(helpers.show(trace)[0], want + ["req_in", "req_out"])

    def test_a_one_way_pipe_and_a_child_process_that_does_not_trace(self):
        prog = textwrap.dedent("""\
            import multiprocessing as mp, baton
            def child(w):
                for i in range(3):
                    w.send(i)        # in the child: not recorded, and the parent's file is safe
                w.close()
            if __name__ == "__main__":
                r, w = baton.wrap_pipe(mp.Pipe(duplex=False), "data")
                p = mp.Process(target=child, args=(w,))
                p.start()
                print([r.recv() for _ in range(3)])
                p.join()
                w.send(7)
                print(r.recv())
            """)
        trace = self.path("one.btr")
        r = helpers.run_py(prog, extra_env={"BATON_TRACE": trace}, cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "[0, 1, 2]\n7\n")
        self.assertEqual(helpers.show(trace)[0], ["data_out.0", "data_out.1", "data_out.2", "data_in.7", "data_out.7"])
        self.assertFalse(os.path.exists(trace + ".2"))


if __name__ == "__main__":
    unittest.main()
