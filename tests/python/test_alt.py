"""baton.alt: one enabled case completes; fair among ready ones from the run's seed (the same
choices as libbaton's alt for the same seed); guards, timeouts, polls (SKIP), closed cases."""
import collections
import os
import subprocess
import tempfile
import textwrap
import time
import unittest

import helpers
import baton
from baton import Recv, Send, Skip


def picks(seed, rounds, n=3):
    """The cases a process picks when all n are always ready (buffers kept full)."""
    out = []

    def main():
        cs = [baton.Channel("c%d" % i, 1) for i in range(n)]
        for c in cs:
            c.send(0)
        for _ in range(rounds):
            i, v = baton.alt(*[Recv(c) for c in cs])
            out.append(i)
            cs[i].send(0)

    baton.run(main, seed=seed)
    return out


class Fairness(unittest.TestCase):
    def test_the_same_seed_gives_the_same_choices_and_another_seed_others(self):
        a, b, c = picks(7, 300), picks(7, 300), picks(8, 300)
        self.assertEqual(a, b)
        self.assertNotEqual(a, c)

    def test_ready_cases_are_chosen_uniformly(self):
        n, rounds = 4, 8000
        counts = collections.Counter(picks(24301, rounds, n))
        expected = rounds / n
        chi2 = sum((counts[i] - expected) ** 2 / expected for i in range(n))
        # 3 degrees of freedom: P(chi2 > 16.27) = 0.001; with a fixed seed the test is
        # deterministic, and a biased pick (say, always the first ready case) fails by far.
        self.assertLess(chi2, 16.27, counts)
        self.assertEqual(set(counts), set(range(n)))

    def test_the_seed_comes_from_set_seed_then_baton_seed(self):
        baton.set_seed(99)
        try:
            first = picks(None, 50)
        finally:
            baton._core._next_seed = None
        self.assertEqual(first, picks(99, 50))
        old = os.environ.get("BATON_SEED")
        os.environ["BATON_SEED"] = "0x63"
        try:
            self.assertEqual(picks(None, 50), first)
        finally:
            if old is None:
                del os.environ["BATON_SEED"]
            else:
                os.environ["BATON_SEED"] = old

    @unittest.skipUnless(os.path.exists(os.path.join(helpers.BUILD, "libbaton.a")), "no libbaton.a")
    def test_the_choices_are_libbatons_for_the_same_seed(self):
        # The same program in C: three buffered channels kept full, 200 alts.
        src = textwrap.dedent(r"""
            #include <baton.h>
            #include <stdio.h>
            static void run(void *arg) {
                (void)arg;
                baton_chan *c[3];
                baton_case cs[3];
                int64_t v = 0, in;
                for (int i = 0; i < 3; i++) {
                    char name[8];
                    snprintf(name, sizeof name, "c%d", i);
                    c[i] = baton_chan_int(name, 1);
                    baton_send_int(c[i], 0);
                    cs[i] = (baton_case){c[i], BATON_RECV, &in, true, 0};
                }
                for (int k = 0; k < 200; k++) {
                    int i = baton_alt(cs, 3, -1);
                    printf("%d\n", i);
                    baton_send(c[i], &v);
                }
                for (int i = 0; i < 3; i++) baton_chan_free(c[i]);
            }
            int main(void) { baton_set_seed(4242); return baton_run(run, NULL); }
            """)
        with tempfile.TemporaryDirectory() as d:
            c_file, exe = os.path.join(d, "alt.c"), os.path.join(d, "alt")
            with open(c_file, "w") as f:
                f.write(src)
            cc = os.environ.get("CC", "cc")
            subprocess.run([cc, "-std=c11", "-D_GNU_SOURCE", "-I", os.path.join(helpers.ROOT, "include"),
                            c_file, os.path.join(helpers.BUILD, "libbaton.a"), "-lpthread", "-o", exe]
                           # a sanitizer build's library needs its runtime (make check-sanitize)
                           + os.environ.get("BATON_LDFLAGS", "").split(),
                           check=True, capture_output=True)
            out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
        self.assertEqual([int(x) for x in out.split()], picks(4242, 200))


class Cases(unittest.TestCase):
    def test_send_and_receive_cases_with_guards(self):
        got = []

        def peer(a, b):
            b.send("from b")
            got.append(("a got", a.recv()))

        def main():
            a, b, never = baton.Channel("a"), baton.Channel("b"), baton.Channel("never")
            baton.Process(peer, a, b).start()
            # the receive on b is the only enabled case that can complete
            i, v = baton.alt(Recv(never, guard=False), Recv(b), Send(never, 1, guard=False))
            got.append((i, v))
            i, v = baton.alt(Send(a, 42), Recv(never))
            got.append((i, v))

        baton.run(main)
        self.assertEqual(got[0], (1, "from b"))
        self.assertIn((0, None), got)
        self.assertIn(("a got", 42), got)

    def test_poll_and_skip_choose_nothing_when_nothing_is_ready(self):
        def main():
            a = baton.Channel("a")
            self.assertEqual(baton.alt(Recv(a), timeout=0), (None, None))
            self.assertEqual(baton.alt(Recv(a), Skip()), (1, None))
            b = baton.Channel("b", 1)
            b.send(5)
            self.assertEqual(baton.alt(Recv(a), Recv(b), Skip()), (1, 5))
            self.assertEqual(baton.alt(Recv(a), Skip(guard=False), timeout=0), (None, None))

        baton.run(main)

    def test_a_timeout_passes_and_a_late_peer_is_still_served(self):
        got = []

        def late(a):
            time.sleep(0.3)
            a.send("late")

        def main():
            a = baton.Channel("a")
            baton.Process(late, a).start()
            t0 = time.monotonic()
            got.append(baton.alt(Recv(a), timeout=0.1))
            got.append(round(time.monotonic() - t0, 1))
            got.append(baton.alt(Recv(a), timeout=5))

        baton.run(main)
        self.assertEqual(got[0], (None, None))
        self.assertGreaterEqual(got[1], 0.1)
        self.assertEqual(got[2], (0, "late"))

    def test_a_closed_channel_makes_its_case_ready_with_closed(self):
        def main():
            a, b = baton.Channel("a"), baton.Channel("b")
            a.close()
            i, v = baton.alt(Recv(a), Recv(b))
            self.assertEqual((i, v), (0, baton.CLOSED))
            self.assertFalse(baton.CLOSED)
            i, v = baton.alt(Send(a, 1), Recv(b), timeout=0)
            self.assertEqual((i, v), (0, baton.CLOSED))

        baton.run(main)

    def test_a_waiting_alt_woken_by_close(self):
        got = []

        def closer(a):
            time.sleep(0.1)
            a.close()

        def main():
            a, b = baton.Channel("a"), baton.Channel("b")
            baton.Process(closer, a).start()
            got.append(baton.alt(Recv(b), Recv(a)))

        baton.run(main)
        self.assertEqual(got, [(1, baton.CLOSED)])

    def test_exactly_one_case_completes(self):
        # Two peers are ready to receive; the alt sends to one only, the other stays blocked
        # until the second alt.
        got = []

        def recv_one(c):
            got.append((c.name, c.recv()))

        def main():
            a, b = baton.Channel("a"), baton.Channel("b")
            baton.Process(recv_one, a).start()
            baton.Process(recv_one, b).start()
            time.sleep(0.1)
            i, _ = baton.alt(Send(a, 1), Send(b, 2))
            time.sleep(0.1)
            self.assertEqual(len(got), 1)
            j, _ = baton.alt(Send(a, 1, guard=i != 0), Send(b, 2, guard=i != 1))
            self.assertNotEqual(i, j)

        baton.run(main)
        self.assertEqual(sorted(got), [("a", 1), ("b", 2)])

    def test_bad_cases(self):
        def main():
            with self.assertRaises(TypeError):
                baton.alt(Recv("not a channel"))

        baton.run(main)


if __name__ == "__main__":
    unittest.main()
