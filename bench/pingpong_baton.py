"""Ping-pong over two rendezvous baton.Channel's, as $SHARED/peers/pingpong_queue.py does
over queue.Queue: the main process sends i, a worker answers i + 1.  Prints ns per round trip.
    python3 bench/pingpong_baton.py N [--aio]      (BATON_TRACE=FILE to trace it)"""
import sys
import time

import baton
import baton.aio as aio

n = int(sys.argv[1])


def worker(a, b):
    for _ in range(n):
        b.send(a.recv() + 1)


def main():
    a, b = baton.Channel("a"), baton.Channel("b")
    baton.Process(worker, a, b).start()
    t = time.perf_counter()
    for i in range(n):
        a.send(i)
        b.recv()
    d = time.perf_counter() - t
    print("baton pingpong: %.1f ns/round trip" % (d / n * 1e9))


async def aworker(a, b):
    for _ in range(n):
        await b.send(await a.recv() + 1)


async def amain():
    a, b = aio.Channel("a"), aio.Channel("b")
    aio.Process(aworker, a, b).start()
    t = time.perf_counter()
    for i in range(n):
        await a.send(i)
        await b.recv()
    d = time.perf_counter() - t
    print("baton.aio pingpong: %.1f ns/round trip" % (d / n * 1e9))


if "--aio" in sys.argv[2:]:
    aio.run(amain)
else:
    baton.run(main)
