#!/usr/bin/env python3
"""Independent reference for tests/unit/test_checker_machine.c: the state space of the dining
philosophers with a butler (../shared/peers/phil_butler.csp) by brute force — every leaf an
explicit LTS, the system an n-ary alphabetised product (an event happens when every component
whose alphabet holds it can do it).  Prints N, states, transitions, deadlocks."""
import sys
from collections import deque

def system(n, butler=True):
    comps = []  # (initial, transitions {state: [(event, target)]}, alphabet)
    for i in range(n):
        j = (i + 1) % n
        ev = [("thinks", i), ("sits", i), ("picks", i, i), ("picks", i, j), ("eats", i),
              ("putsdown", i, j), ("putsdown", i, i), ("getsup", i)]
        comps.append((0, {k: [(ev[k], (k + 1) % 8)] for k in range(8)}, set(ev)))
    for i in range(n):
        p = (i + n - 1) % n
        t = {0: [(("picks", i, i), 1), (("picks", p, i), 2)],
             1: [(("putsdown", i, i), 0)], 2: [(("putsdown", p, i), 0)]}
        comps.append((0, t, {("picks", i, i), ("picks", p, i), ("putsdown", i, i), ("putsdown", p, i)}))
    if butler:
        t = {}
        for s in range(n):
            t[s] = ([(("sits", i), s + 1) for i in range(n)] if s < n - 1 else []) + \
                   ([(("getsup", i), s - 1) for i in range(n)] if s > 0 else [])
        comps.append((0, t, {("sits", i) for i in range(n)} | {("getsup", i) for i in range(n)}))
    return comps

def explore(comps):
    events = sorted(set().union(*(c[2] for c in comps)))
    init = tuple(c[0] for c in comps)
    seen, queue, trans, dead = {init}, deque([init]), 0, 0
    while queue:
        s = queue.popleft()
        succ = 0
        for e in events:
            options = [[]]
            for k, c in enumerate(comps):
                if e in c[2]:
                    targets = [t for (ev, t) in c[1].get(s[k], []) if ev == e]
                    options = [o + [(k, t)] for o in options for t in targets]
            for o in options:
                if not o:
                    continue
                v = list(s)
                for k, t in o:
                    v[k] = t
                v = tuple(v)
                succ += 1
                trans += 1
                if v not in seen:
                    seen.add(v)
                    queue.append(v)
        dead += succ == 0
    return len(seen), trans, dead

for n in map(int, sys.argv[1:] or ["3", "4"]):
    print(n, *explore(system(n)), "without butler:", *explore(system(n, False)))
