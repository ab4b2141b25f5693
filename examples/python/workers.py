"""A deadlocking design: a reader hands out work to a worker in batches of two and collects
the two results after each batch.  The worker answers each job before it takes the next, so
the reader waits to send the second job while the worker waits to hand back the first
result: a wait-for cycle, which baton reports (who waits on what, at which line) and the run
stops with.  With --fixed the reader offers the next job and takes a result, whichever comes
first (an alt), and the run ends.  Spec: workers.csp (SYSTEM deadlocks, DESIGN does not).

    python3 examples/python/workers.py            # deadlocks: exit 1, the report on stderr
    python3 examples/python/workers.py --fixed    # ends: exit 0
"""
import sys

import baton

JOBS = 6


def reader(job, done):
    for first in range(0, JOBS, 2):
        job.send(first % 4)
        job.send((first + 1) % 4)       # the worker is still answering the first
        done.recv()
        done.recv()
    job.close()


def reader_fixed(job, done):
    sent = received = 0
    while received < JOBS:
        i, v = baton.alt(baton.Send(job, sent % 4, guard=sent < JOBS and sent - received < 2),
                         baton.Recv(done))
        if i == 0:
            sent += 1
        else:
            received += 1
    job.close()


def worker(job, done):
    for v in job:
        done.send(v)


def main(fixed):
    job, done = baton.Channel("job"), baton.Channel("done")
    baton.par(baton.Process(reader_fixed if fixed else reader, job, done, name="reader"),
              baton.Process(worker, job, done))
    print("workers: %d jobs done" % JOBS)


if __name__ == "__main__":
    try:
        baton.run(main, "--fixed" in sys.argv[1:])
    except baton.Deadlock:
        sys.exit(1)      # the report is on stderr already
