#!/usr/bin/env python3
"""Differential test of baton's refinement verdicts against an independent oracle.

Random small labelled transition systems (events a, b, tau and termination) are written as
CSPm processes — every other implementation two of them under a parallel operator, perhaps
with hiding, which the oracle composes by the operational semantics; every pair is checked by `baton check` in T, F and FD, and every
implementation for deadlock freedom, divergence freedom and determinism (F and FD).  The oracle here
does not normalise or search pairs as baton does: it follows the definitions of the three
models (Roscoe, "Understanding Concurrent Systems"), enumerating every trace up to a depth
and comparing the sets of states reachable after it:

  traces      every trace of the implementation is one of the specification's;
  failures    after each trace, every maximal refusal of a stable implementation state is
              contained in one of a stable specification state (a stable state that can
              terminate can refuse every other event: Roscoe's failures of P [] SKIP);
  FD          once the specification may diverge anything goes; before that the
              implementation must not diverge, and traces and failures are compared.

A verdict is compared only when the oracle's depth can see it: baton's counterexample must be
shorter than the depth, and a failure the oracle finds must be within it.  A counterexample
may be longer than the oracle's shortest (baton's breadth-first search counts taus as steps)
but never shorter.  The run is
deterministic (a fixed seed), so a mismatch reproduces.

Usage: differential.py BATON [CASES]   (exit 0 when every verdict agrees)
"""
import json
import os
import random
import subprocess
import sys
import tempfile

EVENTS = ["a", "b"]
TICK = "tick"
TAU = "tau"
DEPTH = 7
OMEGA = -1  # the terminated state


def random_lts(rng):
    """States 0..n-1, each with a list of (event, target); target OMEGA after tick."""
    n = rng.randint(1, 4)
    lts = []
    for _ in range(n):
        moves = []
        for _ in range(rng.randint(0, 3)):
            r = rng.random()
            if r < 0.2:
                moves.append((TAU, rng.randrange(n)))
            elif r < 0.3:
                moves.append((TICK, OMEGA))
            else:
                moves.append((rng.choice(EVENTS), rng.randrange(n)))
        lts.append(sorted(set(moves), key=str))
    return lts


def cspm(name, lts):
    """The LTS as CSPm: visible moves as external choice, taus as a sliding choice into an
    internal choice of the targets (an extra tau, which no model can tell)."""
    lines = []
    for i, moves in enumerate(lts):
        vis = [f"{e} -> {name}_{t}" for e, t in moves if e in EVENTS]
        if any(e == TICK for e, _ in moves):
            vis.append("SKIP")
        body = " [] ".join(vis) if vis else "STOP"
        taus = [f"{name}_{t}" for e, t in moves if e == TAU]
        if taus:
            body = f"({body}) [> ({' |~| '.join(taus)})"
        lines.append(f"{name}_{i} = {body}")
    return "\n".join(lines)


def tau_closure(lts, states):
    seen, todo = set(states), list(states)
    while todo:
        s = todo.pop()
        if s == OMEGA:
            continue
        for e, t in lts[s]:
            if e == TAU and t not in seen:
                seen.add(t)
                todo.append(t)
    return frozenset(seen)


def divergent_states(lts):
    """States from which an infinite sequence of taus is possible."""
    n = len(lts)
    div = set()
    for s in range(n):
        # s diverges when a tau cycle is reachable from it by taus
        reach = tau_closure(lts, [s])
        for q in reach:
            if q == OMEGA:
                continue
            succ = tau_closure(lts, [t for e, t in lts[q] if e == TAU])
            if q in succ:
                div.add(s)
                break
    return div


def after(lts, states, event):
    out = set()
    for s in states:
        if s == OMEGA:
            continue
        for e, t in lts[s]:
            if e == event:
                out.add(t)
    return tau_closure(lts, out)


def stable(lts, s):
    return s == OMEGA or all(e != TAU for e, _ in lts[s])


def max_refusal(lts, s):
    """The largest set a stable state refuses, over EVENTS + [TICK]."""
    if s == OMEGA:
        return frozenset(EVENTS + [TICK])
    initials = {e for e, _ in lts[s]}
    if TICK in initials:
        return frozenset(EVENTS)
    return frozenset(e for e in EVENTS + [TICK] if e not in initials)


def oracle(spec, impl, model):
    """(holds, length of the shortest violating trace or None) up to DEPTH."""
    sdiv, idiv = divergent_states(spec), divergent_states(impl)
    start = (tau_closure(spec, [0]), tau_closure(impl, [0]), 0)
    level = [start]
    for depth in range(DEPTH + 1):
        # An event the specification could not perform has the shorter trace (depth - 1)
        # than a refusal or divergence found at this depth.
        if any(I and not S for S, I, _ in level):
            return False, depth - 1
        nxt = []
        for S, I, _ in level:
            spec_div = any(s in sdiv for s in S if s != OMEGA)
            if model == "FD" and spec_div:
                continue  # anything goes from here on
            if not I:
                continue
            if model == "FD" and any(s in idiv for s in I if s != OMEGA):
                return False, depth
            if model in ("F", "FD"):
                srefs = [max_refusal(spec, s) for s in S if stable(spec, s)]
                for q in I:
                    if stable(impl, q):
                        r = max_refusal(impl, q)
                        if not any(r <= x for x in srefs):
                            return False, depth
            if depth < DEPTH:
                for e in EVENTS + [TICK]:
                    I2 = after(impl, I, e)
                    if I2:
                        nxt.append((after(spec, S, e), I2, depth + 1))
        level = nxt
    return True, None


def compose(left, right, sync, hidden):
    """(left [| sync |] right) \\ hidden as one LTS, by Roscoe's operational semantics: a side's
    ✓ becomes a tau into Ω, and the whole terminates (✓) once both sides are Ω; hidden
    events become taus."""
    index, order, lts = {}, [], []

    def state(p):
        if p not in index:
            index[p] = len(order)
            order.append(p)
            lts.append(None)
        return index[p]

    state((0, 0))
    k = 0
    while k < len(order):
        p, q = order[k]
        moves = []
        if p == OMEGA and q == OMEGA:
            moves.append((TICK, OMEGA))
        for side, here, other in ((0, p, q), (1, q, p)):
            if here == OMEGA:
                continue
            lts_here = left if side == 0 else right
            for e, t in lts_here[here]:
                if e == TICK:
                    nxt = (OMEGA, other) if side == 0 else (other, OMEGA)
                    moves.append((TAU, state(nxt)))
                elif e == TAU or e not in sync:
                    nxt = (t, other) if side == 0 else (other, t)
                    moves.append((TAU if e in hidden else e, state(nxt)))
                elif side == 0 and q != OMEGA:
                    for e2, t2 in right[q]:
                        if e2 == e:
                            moves.append((TAU if e in hidden else e, state((t, t2))))
        lts[k] = sorted(set(moves), key=str)
        k += 1
    return lts


# The operators a composed implementation may use: (sync set, hidden set, CSPm).
OPERATORS = [
    (set(), set(), "({l} ||| {r})"),
    ({"a"}, set(), "({l} [| {{a}} |] {r})"),
    ({"a", "b"}, set(), "({l} [| {{a, b}} |] {r})"),
    ({"a"}, {"b"}, "({l} [| {{a}} |] {r}) \\ {{b}}"),
    (set(), {"a"}, "({l} ||| {r}) \\ {{a}}"),
]


PROPERTIES = {
    "deadlock free [F]": "DF",
    "deadlock free [FD]": "DFD",
    "divergence free": "DIV",
    "deterministic [F]": "DETF",
    "deterministic [FD]": "DETFD",
}


def oracle_property(lts, prop):
    """(holds, length of the shortest trace to a violation or None) up to DEPTH:
    a deadlock is a reachable stable state with no transition (✓ included); divergence a
    reachable state that can perform taus for ever; nondeterminism a trace after which an
    event can both happen and be refused."""
    div = divergent_states(lts)
    level = [tau_closure(lts, [0])]
    for depth in range(DEPTH + 1):
        nxt = []
        for I in level:
            live = [q for q in I if q != OMEGA]
            if prop in ("DFD", "DIV", "DETFD") and any(q in div for q in live):
                return False, depth
            if prop in ("DF", "DFD") and any(stable(lts, q) and not lts[q] for q in live):
                return False, depth
            if prop in ("DETF", "DETFD"):
                possible = {e for e in EVENTS + [TICK] if after(lts, I, e)}
                if any(stable(lts, q) and max_refusal(lts, q) & possible for q in live):
                    return False, depth
            if depth < DEPTH:
                for e in EVENTS:
                    I2 = after(lts, I, e)
                    if I2:
                        nxt.append(I2)
        level = nxt
    return True, None


def main():
    baton = sys.argv[1]
    cases = int(sys.argv[2]) if len(sys.argv) > 2 else 150
    rng = random.Random(20261122)
    pairs = [(random_lts(rng), random_lts(rng)) for _ in range(cases)]
    text = ["channel " + ", ".join(EVENTS)]
    asserts = []
    for k, (spec, impl) in enumerate(pairs):
        text.append(cspm(f"S{k}", spec))
        if k % 2:
            # every other implementation is two processes under a parallel operator (and
            # perhaps hiding): the oracle composes them itself
            other = random_lts(rng)
            sync, hidden, form = OPERATORS[rng.randrange(len(OPERATORS))]
            text.append(cspm(f"L{k}", impl))
            text.append(cspm(f"R{k}", other))
            text.append(f"I{k}_0 = " + form.format(l=f"L{k}_0", r=f"R{k}_0"))
            impl = compose(impl, other, sync, hidden)
            pairs[k] = (spec, impl)
        else:
            text.append(cspm(f"I{k}", impl))
        for model in ("T", "F", "FD"):
            text.append(f"assert S{k}_0 [{model}= I{k}_0")
            asserts.append((k, model))
        for prop in PROPERTIES:
            text.append(f"assert I{k}_0 :[{prop}]")
            asserts.append((k, prop))
    with tempfile.NamedTemporaryFile("w", suffix=".csp", delete=False) as f:
        f.write("\n".join(text) + "\n")
        path = f.name
    try:
        out = subprocess.run([baton, "check", "--format", "json", path], capture_output=True,
                             text=True)
        if out.returncode not in (0, 1):
            print(out.stderr)
            print(f"differential: baton exited {out.returncode} on {path}")
            return 1
        results = json.loads(out.stdout)["assertions"]
    finally:
        os.unlink(path)
    bad = 0
    compared = 0
    for (k, model), res in zip(asserts, results):
        if model in PROPERTIES:
            holds, length = oracle_property(pairs[k][1], PROPERTIES[model])
        else:
            holds, length = oracle(pairs[k][0], pairs[k][1], model)
        baton_holds = res["result"] == "pass"
        if res["result"] not in ("pass", "fail"):
            print(f"case {k} {model}: baton says {res['result']}: {res.get('message')}")
            bad += 1
            continue
        blen = None if baton_holds else len(res["counterexample"]["trace"])
        if holds and not baton_holds and blen is not None and blen >= DEPTH:
            continue  # beyond what the oracle sees
        compared += 1
        # baton's search is breadth first over transitions, taus included, so its trace can
        # have more visible events than the shortest one; never fewer.
        if holds != baton_holds or (not holds and blen < length):
            bad += 1
            print(f"case {k} {model}: oracle {'holds' if holds else f'fails at {length}'}, "
                  f"baton {'holds' if baton_holds else f'fails at {blen}'}")
            print(cspm(f"S{k}", pairs[k][0]))
            print(f"implementation LTS: {pairs[k][1]}")
    print(f"differential: {compared} verdicts (refinement in T, F, FD; deadlock, divergence, "
          f"determinism) compared with the oracle, "
          f"{bad} disagree")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
