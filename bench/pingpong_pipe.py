"""Ping-pong over a multiprocessing.Pipe between two OS processes: the parent sends i, the
child answers i + 1.  Prints ns per round trip.    python3 bench/pingpong_pipe.py N"""
import multiprocessing as mp
import sys
import time


def child(conn, n):
    for _ in range(n):
        conn.send(conn.recv() + 1)


if __name__ == "__main__":
    n = int(sys.argv[1])
    here, there = mp.Pipe()
    p = mp.Process(target=child, args=(there, n))
    p.start()
    t = time.perf_counter()
    for i in range(n):
        here.send(i)
        here.recv()
    d = time.perf_counter() - t
    p.join()
    print("multiprocessing.Pipe pingpong: %.1f ns/round trip" % (d / n * 1e9))
