"""baton.aio: the same semantics for asyncio tasks -- rendezvous, buffers, close, alt with
guards, timeouts and fairness, par, deadlock reports, failures, traces."""
import asyncio
import collections
import unittest

import helpers
import baton
import baton.aio as aio
from baton import Recv, Send, Skip


class Semantics(unittest.TestCase):
    def test_a_send_completes_only_together_with_a_receive(self):
        log = []

        async def sender(c):
            await c.send(1)
            log.append("sent")

        async def receiver(c):
            await asyncio.sleep(0.1)
            log.append("receiving")
            log.append(await c.recv())

        async def main():
            c = aio.Channel("c")
            await aio.par(aio.Process(sender, c), aio.Process(receiver, c))

        aio.run(main)
        self.assertLess(log.index("receiving"), log.index("sent"))
        self.assertIn(1, log)

    def test_buffers_close_and_async_iteration(self):
        got = []

        async def producer(c):
            for i in range(10):
                await c.send(i)
            c.close()
            c.close()
            with self.assertRaises(baton.ChannelClosed):
                await c.send(99)

        async def consumer(c):
            async for v in c:
                got.append(v)

        async def main():
            c = aio.Channel("c", 3)
            await aio.par(aio.Process(producer, c), aio.Process(consumer, c))

        aio.run(main)
        self.assertEqual(got, list(range(10)))

    def test_alt_guards_timeout_poll_and_closed(self):
        async def main():
            a, b = aio.Channel("a"), aio.Channel("b", 1)
            self.assertEqual(await aio.alt(Recv(a), timeout=0), (None, None))
            self.assertEqual(await aio.alt(Recv(a), Skip()), (1, None))
            self.assertEqual(await aio.alt(Recv(a), timeout=0.05), (None, None))
            await b.send(4)
            self.assertEqual(await aio.alt(Recv(a), Recv(b, guard=False), Recv(b)), (2, 4))

            async def late():
                await asyncio.sleep(0.05)
                await a.send("x")

            aio.Process(late).start()
            self.assertEqual(await aio.alt(Recv(a), Send(b, 1, guard=False), timeout=5), (0, "x"))
            a.close()
            self.assertEqual(await aio.alt(Recv(a)), (0, baton.CLOSED))

        aio.run(main)

    def test_alt_is_fair_and_seeded_like_the_threads(self):
        def picks_aio(seed):
            out = []

            async def main():
                cs = [aio.Channel("c%d" % i, 1) for i in range(3)]
                for c in cs:
                    await c.send(0)
                for _ in range(300):
                    i, _ = await aio.alt(*[Recv(c) for c in cs])
                    out.append(i)
                    await cs[i].send(0)

            aio.run(main, seed=seed)
            return out

        def picks_threads(seed):
            out = []

            def main():
                cs = [baton.Channel("c%d" % i, 1) for i in range(3)]
                for c in cs:
                    c.send(0)
                for _ in range(300):
                    i, _ = baton.alt(*[Recv(c) for c in cs])
                    out.append(i)
                    cs[i].send(0)

            baton.run(main, seed=seed)
            return out

        a = picks_aio(5)
        self.assertEqual(a, picks_threads(5))
        self.assertNotEqual(a, picks_aio(6))
        counts = collections.Counter(a)
        self.assertTrue(all(70 < counts[i] < 130 for i in range(3)), counts)

    def test_deadlock_is_reported_and_raised(self):
        async def p(a, b):
            await a.recv()
            await b.send(1)
            await a.send(2)

        async def q(a, b):
            await a.send(1)
            await b.recv()
            await b.send(5)

        async def sleeper():
            await asyncio.sleep(0.1)     # not blocked on baton: no deadlock until it ends

        async def main():
            a, b = aio.Channel("a"), aio.Channel("b")
            await aio.par(aio.Process(p, a, b), aio.Process(q, a, b), aio.Process(sleeper))

        with self.assertRaises(baton.Deadlock) as cm:
            aio.run(main, report=False)
        r = cm.exception.report
        self.assertIn("3 processes blocked forever", r)
        self.assertIn("'main' (#1) waits in par for 2 processes to end, at ", r)
        self.assertRegex(r, r"'p' \(#2\) waits to send on 'a': offers a\.2, at .*test_aio\.py:\d+\n")
        self.assertIn("wait-for cycle: 'p' (#2) -> 'q' (#3) -> 'p' (#2)", r)

    def test_a_task_that_raises_stops_the_run_and_cancels_the_rest(self):
        cancelled = []

        async def bad():
            await asyncio.sleep(0.05)
            raise ValueError("boom")

        async def sleeper():
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                cancelled.append("sleeper")
                raise

        async def waiter(c):
            await c.recv()

        async def main():
            c = aio.Channel("c")
            await aio.par(aio.Process(bad), aio.Process(sleeper), aio.Process(waiter, c))

        import contextlib, io
        err = io.StringIO()
        with contextlib.redirect_stderr(err), self.assertRaisesRegex(ValueError, "boom"):
            aio.run(main)
        self.assertEqual(cancelled, ["sleeper"])
        self.assertIn("baton: process 'bad' (#2) raised ValueError; stopping the run", err.getvalue())

    def test_thread_channels_are_refused_in_async_code_and_back(self):
        async def main():
            with self.assertRaisesRegex(RuntimeError, "baton.aio"):
                baton.Channel("c").send(1)

        aio.run(main)

        def tmain():
            with self.assertRaisesRegex(RuntimeError, "from a thread process"):
                asyncio.run(aio.Channel("c").send(1))

        baton.run(tmain)


@helpers.need_baton
class Traces(helpers.TempDir, unittest.TestCase):
    def test_an_async_pipeline_traces_and_conforms(self):
        async def reader(raw):
            for i in range(8):
                await raw.send(str(i % 4))
            raw.close()

        async def parser(raw, parsed):
            async for t in raw:
                await parsed.send(int(t))
            parsed.close()

        async def transformer(parsed, cooked):
            async for v in parsed:
                await cooked.send((2 * v) % 4)
            cooked.close()

        async def writer(cooked):
            async for _ in cooked:
                pass

        async def main():
            raw, parsed, cooked = aio.Channel("raw", 2), aio.Channel("parsed"), aio.Channel("cooked")
            await aio.par(aio.Process(reader, raw), aio.Process(parser, raw, parsed),
                          aio.Process(transformer, parsed, cooked), aio.Process(writer, cooked))

        trace = self.path("aio.btr")
        aio.run(main, trace=trace)
        events, _ = helpers.show(trace)
        self.assertEqual(len(events), 32)
        self.assertEqual(events[0], "raw_in.0")
        r = helpers.baton("check", "examples/python/pipeline.csp", "--trace", trace, "--process", "PIPELINE")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
