"""baton.Channel on threads: rendezvous, buffers, close and iteration, many senders and
receivers, par and start, and the errors a program can make."""
import threading
import time
import unittest

import helpers  # noqa: F401
import baton


class Log:
    def __init__(self):
        self.items = []
        self.lock = threading.Lock()

    def __call__(self, what):
        with self.lock:
            self.items.append(what)


class Rendezvous(unittest.TestCase):
    def test_a_send_completes_only_together_with_a_receive(self):
        log = Log()

        def sender(c):
            log("send")
            c.send(7)
            log("sent")

        def receiver(c):
            time.sleep(0.2)          # the sender is waiting all this time
            log("receiving")
            log(("got", c.recv()))

        def main():
            c = baton.Channel("c")
            baton.par(baton.Process(sender, c), baton.Process(receiver, c))

        baton.run(main)
        self.assertEqual(log.items.index("send"), 0)
        self.assertLess(log.items.index("receiving"), log.items.index("sent"))
        self.assertIn(("got", 7), log.items)

    def test_a_receive_waits_for_a_sender(self):
        log = Log()

        def sender(c):
            time.sleep(0.15)
            log("sending")
            c.send("x")

        def receiver(c):
            log(("got", c.recv()))

        def main():
            c = baton.Channel("c")
            baton.par(baton.Process(receiver, c), baton.Process(sender, c))

        baton.run(main)
        self.assertEqual(log.items, ["sending", ("got", "x")])

    def test_messages_keep_their_order_and_pure_events_carry_none(self):
        got = []

        def sender(c):
            for i in range(100):
                c.send(i)
            c.send()
            c.close()

        def main():
            c = baton.Channel("c")
            baton.Process(sender, c).start()
            got.extend(c)

        baton.run(main)
        self.assertEqual(got, list(range(100)) + [None])

    def test_many_senders_and_receivers(self):
        total = []
        lock = threading.Lock()

        def sender(c, k):
            for i in range(200):
                c.send(k * 1000 + i)

        def receiver(c, out):
            for v in c:
                with lock:
                    out.append(v)

        def senders(c):
            baton.par(*[baton.Process(sender, c, k, name="sender%d" % k) for k in range(4)])
            c.close()

        def main():
            c = baton.Channel("c")
            baton.par(baton.Process(senders, c),
                      *[baton.Process(receiver, c, total, name="receiver%d" % k) for k in range(3)])

        baton.run(main)
        self.assertEqual(sorted(total), sorted(k * 1000 + i for k in range(4) for i in range(200)))


class Buffered(unittest.TestCase):
    def test_a_send_into_room_does_not_wait_and_a_full_buffer_does(self):
        log = Log()

        def sender(c):
            c.send(1)
            c.send(2)
            log("two in")
            c.send(3)            # full: waits for the receiver to take one
            log("three in")

        def receiver(c):
            time.sleep(0.2)
            log("taking")
            log(("got", c.recv(), c.recv(), c.recv()))

        def main():
            c = baton.Channel("buf", capacity=2)
            baton.par(baton.Process(sender, c), baton.Process(receiver, c))

        baton.run(main)
        self.assertEqual(log.items[0], "two in")
        self.assertLess(log.items.index("taking"), log.items.index("three in"))
        self.assertIn(("got", 1, 2, 3), log.items)

    def test_close_drains_the_buffer_first(self):
        got = []

        def main():
            c = baton.Channel("buf", 3)
            c.send("a")
            c.send("b")
            c.close()
            got.extend(c)
            with self.assertRaises(baton.ChannelClosed):
                c.recv()

        baton.run(main)
        self.assertEqual(got, ["a", "b"])

    def test_bad_capacities_and_names(self):
        for bad in (-1, 1.5, "2"):
            with self.assertRaises(ValueError):
                baton.Channel("c", bad)
        for bad in ("", None, 3):
            with self.assertRaises(ValueError):
                baton.Channel(bad)


class Close(unittest.TestCase):
    def test_close_wakes_blocked_senders_and_receivers(self):
        outcome = {}

        def blocked_sender(c):
            try:
                c.send(1)
                outcome["send"] = "sent"
            except baton.ChannelClosed:
                outcome["send"] = "closed"

        def blocked_receiver(d):
            try:
                d.recv()
                outcome["recv"] = "got"
            except baton.ChannelClosed:
                outcome["recv"] = "closed"

        def closer(c, d):
            time.sleep(0.1)
            c.close()
            d.close()

        def main():
            c, d = baton.Channel("c"), baton.Channel("d")
            baton.par(baton.Process(blocked_sender, c), baton.Process(blocked_receiver, d),
                      baton.Process(closer, c, d))

        baton.run(main)
        self.assertEqual(outcome, {"send": "closed", "recv": "closed"})

    def test_closing_twice_does_nothing_and_sending_on_closed_raises(self):
        def main():
            c = baton.Channel("c", 1)
            c.close()
            c.close()
            with self.assertRaisesRegex(baton.ChannelClosed, "send on closed channel 'c'"):
                c.send(1)
            self.assertEqual(list(c), [])

        baton.run(main)
        c = baton.Channel("outside")
        c.close()        # close needs no run
        c.close()
        self.assertIn("closed", repr(c))


class Misuse(unittest.TestCase):
    def test_channel_operations_outside_a_run_say_so(self):
        c = baton.Channel("c")
        with self.assertRaisesRegex(RuntimeError, "outside a baton process"):
            c.send(1)
        with self.assertRaisesRegex(RuntimeError, "outside a baton process"):
            c.recv()
        with self.assertRaisesRegex(RuntimeError, "outside a baton process"):
            baton.alt(baton.Recv(c), timeout=0)

    def test_a_plain_thread_inside_a_run_is_no_process(self):
        errors = []

        def main():
            c = baton.Channel("c", 1)

            def plain():
                try:
                    c.send(1)
                except RuntimeError as e:
                    errors.append(str(e))

            t = threading.Thread(target=plain)
            t.start()
            t.join()

        baton.run(main)
        self.assertEqual(len(errors), 1)
        self.assertIn("outside a baton process", errors[0])

    def test_runs_do_not_nest_and_processes_start_once(self):
        def main():
            with self.assertRaisesRegex(RuntimeError, "do not nest"):
                baton.run(lambda: None)
            p = baton.Process(lambda: None, name="once")
            p.start()
            with self.assertRaisesRegex(RuntimeError, "started already"):
                p.start()

        baton.run(main)
        with self.assertRaises(TypeError):
            baton.Process(42)

    def test_run_returns_only_when_every_process_has_ended(self):
        ended = []

        def late():
            time.sleep(0.2)
            ended.append("late")

        def main():
            baton.Process(late).start()

        baton.run(main)
        self.assertEqual(ended, ["late"])

    def test_current_names_the_process(self):
        names = []

        def main():
            names.append(baton.current())
            baton.par(baton.Process(lambda: names.append(baton.current()), name="worker"))

        baton.run(main)
        self.assertEqual(names, ["main", "worker"])
        self.assertIsNone(baton.current())


if __name__ == "__main__":
    unittest.main()
