#!/usr/bin/env python3
"""Differential test of baton's refinement verdicts against an independent oracle.

Random small labelled transition systems (events a, b, tau and termination) are written as
CSPm processes — every other implementation two of them under a parallel operator, perhaps
with hiding, which the oracle composes by the operational semantics; every pair is checked by `baton check` in T, F, FD, R, RD, V and VD, and
every implementation for deadlock freedom, divergence freedom and determinism (F and FD, and
in R and V, which ask the same).  The oracle here
does not normalise or search pairs as baton does: it follows the definitions of the three
models (Roscoe, "Understanding Concurrent Systems"), enumerating every trace up to a depth
and comparing the sets of states reachable after it:

  traces      every trace of the implementation is one of the specification's;
  failures    after each trace, every maximal refusal of a stable implementation state is
              contained in one of a stable specification state (a stable state that can
              terminate can refuse every other event: Roscoe's failures of P [] SKIP);
  FD          once the specification may diverge anything goes; before that the
              implementation must not diverge, and traces and failures are compared.

  revivals    (V, VD) also, after each trace, every revival (X, a) of a stable implementation
              state — it refuses X ⊆ its maximal refusal and then performs a — is one of a
              stable specification state's (X within its maximal refusal, a among its
              initials); a state that can terminate is not stable for this (✓ may happen
              silently, so it is never seen refusing before another event);
  refusal testing (R, RD) enumerates the refusal traces <X0, a1, X1, …, an, Xn> of both
              processes up to RDEPTH events (Xi the maximal refusal of the stable state ai+1
              is performed from, or • — always allowed), and requires each of the
              implementation's to be below one of the specification's, refusal by refusal
              (• below everything); RD also compares the refusal traces after which each can
              diverge, anything being allowed after one of the specification's.

A verdict is compared only when the oracle's depth can see it: baton's counterexample must be
shorter than the depth, and a failure the oracle finds must be within it.  Half of the random
terms are printed with the fewest parentheses the precedence rules allow (term_bare), hiding
mixed with every other operator, so a parser that groups differently changes verdicts.  A counterexample
may be longer than the oracle's shortest (baton's breadth-first search counts taus as steps)
but never shorter.  The run is
deterministic (a fixed seed), so a mismatch reproduces.

Every implementation is also checked wrapped in each compression that keeps the semantics
(explicate, sbisim, wbisim, dbisim, diamond, sbisim(diamond(…)), normal, tau_loop_factor; not chase,
which may change it), and every specification once under normal: the oracle's verdict for the
uncompressed pair must still be baton's.

Usage: differential.py BATON [CASES]   (exit 0 when every verdict agrees)
DIFF_LAUNCH (say "mpirun -np 2 --oversubscribe") starts the --distributed run over MPI ranks.
"""
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile

EVENTS = ["a", "b"]
TICK = "tick"
TAU = "tau"
DEPTH = 7
RDEPTH = 4  # refusal traces grow fast with their length
DOT = "•"   # no refusal seen
OMEGA = -1  # the terminated state
# the compressions that keep T, F and FD (docs/checking.md, "Compression"): (before, after)
COMPRESSIONS = [("explicate(", ")"), ("sbisim(", ")"), ("wbisim(", ")"), ("dbisim(", ")"), ("diamond(", ")"),
                ("sbisim(diamond(", "))"), ("normal(", ")"), ("tau_loop_factor(", ")")]


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


def initials(lts, s):
    return set() if s == OMEGA else {e for e, _ in lts[s] if e != TAU}


def refusal_stable(lts, s):
    """Stable and not able to terminate: where a refusal can be seen before an event."""
    return s != OMEGA and stable(lts, s) and TICK not in initials(lts, s)


def revivals(lts, states):
    """The revivals (X, a) of the states, X maximal: a refusal-stable state refusing X then
    performing a."""
    out = set()
    for q in states:
        if refusal_stable(lts, q):
            x = max_refusal(lts, q)
            out.update((x, a) for a in initials(lts, q))
    return out


def refusal_traces(lts, depth):
    """Every refusal trace of the process with at most `depth` events, as (kind, tuple):
    kind "obs", or "div" when the process can diverge at its end; the tuple alternates
    refusals and events, X0, a1, X1, …, an, Xn, each refusal a frozenset or DOT.  Maximal
    refusals and DOT only: smaller refusals are implied."""
    div = divergent_states(lts)
    memo = {}

    def rt(q, d):
        if (q, d) in memo:
            return memo[(q, d)]
        out = {("obs", (DOT,))}
        for p in tau_closure(lts, [q]):
            if p == OMEGA:
                continue
            if p in div:
                out.add(("div", (DOT,)))
            if stable(lts, p):
                out.add(("obs", (max_refusal(lts, p),)))
            if d == 0:
                continue
            pres = [DOT] + ([max_refusal(lts, p)] if refusal_stable(lts, p) else [])
            for e, t in lts[p]:
                if e == TAU:
                    continue
                tails = {("obs", (DOT,))} if e == TICK else rt(t, d - 1)
                for pre in pres:
                    for k, tail in tails:
                        out.add((k, (pre, e) + tail))
        memo[(q, d)] = frozenset(out)
        return memo[(q, d)]

    return rt(0, depth)


def below(xs, ys):
    """Refusal by refusal, xs within ys (DOT is below everything, nothing else below DOT)."""
    return all(x == DOT or (y != DOT and x <= y) for x, y in zip(xs, ys))


def oracle_rt(spec, impl, model):
    """Refinement in R or RD from the refusal traces: (holds, length of the shortest
    violation or None).  A violation ending in a refusal is reported after its n events, one
    ending in DOT (an event, or a revival, the specification lacks) after n - 1."""
    index = {}
    for k, t in refusal_traces(spec, RDEPTH):
        index.setdefault((k, t[1::2]), []).append(t[0::2])
    worst = None
    for k, t in refusal_traces(impl, RDEPTH):
        if k == "div" and model != "RD":
            continue
        evs, refs = t[1::2], t[0::2]
        covered = False
        if model == "RD":  # after a divergence of the specification anything goes
            covered = any(below(refs[:n], ys[:n]) for n in range(len(evs) + 1)
                          for ys in index.get(("div", evs[:n]), ()))
        if not covered and k == "obs":
            covered = any(below(refs, ys) for ys in index.get(("obs", evs), ()))
        if not covered:
            n = len(evs) if k == "div" or refs[-1] != DOT else len(evs) - 1
            worst = n if worst is None else min(worst, n)
    return (worst is None), worst


def oracle(spec, impl, model):
    """(holds, length of the shortest violating trace or None) up to DEPTH."""
    if model in ("R", "RD"):
        return oracle_rt(spec, impl, model)
    strict = model in ("FD", "VD")  # divergence matters
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
            if strict and spec_div:
                continue  # anything goes from here on
            if not I:
                continue
            if strict and any(s in idiv for s in I if s != OMEGA):
                return False, depth
            if model in ("F", "FD", "V", "VD"):
                srefs = [max_refusal(spec, s) for s in S if stable(spec, s)]
                for q in I:
                    if stable(impl, q):
                        r = max_refusal(impl, q)
                        if not any(r <= x for x in srefs):
                            return False, depth
            if model in ("V", "VD"):
                srev = revivals(spec, S)
                for x, a in revivals(impl, I):
                    if not any(a == b and x <= y for y, b in srev):
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


# ---- random process terms, with the operators' firing rules (Roscoe, UCS ch. 9) ----
#
# A term is a tuple: ("stop",), ("skip",), ("omega",) (terminated), ("prefix", e, P),
# ("ext", P, Q), ("int", P, Q), ("seq", P, Q), ("intr", P, Q) (P /\ Q), ("slide", P, Q)
# (P [> Q), ("hide", P, e), ("par", P, A, Q) with A a tuple of events, ("call", n).  Calls
# appear only after a prefix, so every recursion is guarded.

BINARY = ["ext", "int", "seq", "intr", "slide", "par", "sintr"]


def random_term(rng, names, depth):
    r = rng.random()
    if depth == 0 or r < 0.25:
        return ("stop",) if rng.random() < 0.5 else ("skip",)
    if r < 0.55:
        e = rng.choice(EVENTS)
        if rng.random() < 0.4:
            return ("prefix", e, ("call", rng.randrange(names)))
        return ("prefix", e, random_term(rng, names, depth - 1))
    if r < 0.72:  # often, so that hiding meets every other operator unparenthesised
        return ("hide", random_term(rng, names, depth - 1), rng.choice(EVENTS))
    op = rng.choice(BINARY)
    left, right = random_term(rng, names, depth - 1), random_term(rng, names, depth - 1)
    if op in ("par", "sintr"):
        return (op, left, tuple(sorted(rng.sample(EVENTS, rng.randint(0, 2)))), right)
    return (op, left, right)


def fire(t, defs):
    """The transitions of term t: a list of (event, term)."""
    k = t[0]
    if k in ("stop", "omega"):
        return []
    if k == "skip":
        return [(TICK, ("omega",))]
    if k == "prefix":
        return [(t[1], t[2])]
    if k == "call":
        return fire(defs[t[1]], defs)
    if k == "int":
        return [(TAU, t[1]), (TAU, t[2])]
    if k == "ext":
        out = []
        for side in (0, 1):
            for e, u in fire(t[1 + side], defs):
                if e == TAU:  # a tau on one side does not resolve the choice
                    out.append((TAU, ("ext", u, t[2]) if side == 0 else ("ext", t[1], u)))
                else:
                    out.append((e, u))
        return out
    if k == "seq":
        out = []
        for e, u in fire(t[1], defs):
            out.append((TAU, t[2]) if e == TICK else (e, ("seq", u, t[2])))
        return out
    if k == "intr":
        out = []
        for e, u in fire(t[1], defs):
            out.append((e, u) if e == TICK else (e, ("intr", u, t[2])))
        for e, u in fire(t[2], defs):
            out.append((TAU, ("intr", t[1], u)) if e == TAU else (e, u))
        return out
    if k == "sintr":  # P /+ A +\\ Q: A is both sides' together and interrupts nothing
        p, sync, q = t[1], t[2], t[3]
        out = []
        lp, lq = fire(p, defs), fire(q, defs)
        for e, u in lp:
            if e == TICK:
                out.append((TICK, u))
            elif e == TAU or e not in sync:
                out.append((e, ("sintr", u, sync, q)))
            else:
                out.extend((e, ("sintr", u, sync, v)) for e2, v in lq if e2 == e)
        for e, v in lq:
            if e == TAU:
                out.append((TAU, ("sintr", p, sync, v)))
            elif e not in sync:
                out.append((e, v))
        return out
    if k == "slide":
        out = [(TAU, t[2])]
        for e, u in fire(t[1], defs):
            out.append((TAU, ("slide", u, t[2])) if e == TAU else (e, u))
        return out
    if k == "hide":
        out = []
        for e, u in fire(t[1], defs):
            if e == TICK:
                out.append((TICK, ("omega",)))
            else:
                out.append((TAU if e == t[2] else e, ("hide", u, t[2])))
        return out
    if k == "par":
        p, sync, q = t[1], t[2], t[3]
        if p == ("omega",) and q == ("omega",):
            return [(TICK, ("omega",))]
        out = []
        lp, lq = fire(p, defs), fire(q, defs)
        for e, u in lp:
            if e == TICK:
                out.append((TAU, ("par", ("omega",), sync, q)))
            elif e == TAU or e not in sync:
                out.append((e, ("par", u, sync, q)))
            else:
                out.extend((e, ("par", u, sync, v)) for e2, v in lq if e2 == e)
        for e, v in lq:
            if e == TICK:
                out.append((TAU, ("par", p, sync, ("omega",))))
            elif e == TAU or e not in sync:
                out.append((e, ("par", p, sync, v)))
        return out
    raise ValueError(k)


def term_lts(root, defs, limit=300):
    """The LTS of a term (OMEGA for the terminated state), or None past `limit` states."""
    index, order = {root: 0}, [root]
    lts = []
    while len(lts) < len(order):
        t = order[len(lts)]
        moves = []
        for e, u in fire(t, defs):
            if u == ("omega",) and e == TICK:
                moves.append((TICK, OMEGA))
                continue
            if u not in index:
                # a bound on states and on a term's size: recursion under a parallel
                # operator can double a term at every step
                if len(order) >= limit or len(repr(u)) > 4000:
                    return None
                index[u] = len(order)
                order.append(u)
            moves.append((e, index[u]))
        lts.append(sorted(set(moves), key=str))
    return lts


def term_cspm(t, prefix):
    k = t[0]
    if k == "stop":
        return "STOP"
    if k == "skip":
        return "SKIP"
    if k == "prefix":
        return f"({t[1]} -> {term_cspm(t[2], prefix)})"
    if k == "call":
        return f"{prefix}_{t[1]}"
    if k == "hide":
        return f"({term_cspm(t[1], prefix)} \\ {{{t[2]}}})"
    if k == "par":
        return f"({term_cspm(t[1], prefix)} [| {{{', '.join(t[2])}}} |] {term_cspm(t[3], prefix)})"
    if k == "sintr":
        return f"({term_cspm(t[1], prefix)} /+ {{{', '.join(t[2])}}} +\\ {term_cspm(t[3], prefix)})"
    op = {"ext": "[]", "int": "|~|", "seq": ";", "intr": "/\\", "slide": "[>"}[k]
    return f"({term_cspm(t[1], prefix)} {op} {term_cspm(t[2], prefix)})"


# Binding levels of the printed operators, as baton's parser and libcspm's grammar have them
# (loosest first): hiding 0 on its left, then [| |], |~|, [] , /\ and /+ +\, [>, ;, ->.
LEVEL = {"hide": 0, "par": 2, "int": 3, "ext": 4, "intr": 5, "sintr": 5, "slide": 6, "seq": 7,
         "prefix": 8}


def term_bare(t, prefix, lo=0):
    """t in CSPm with the fewest parentheses the precedence rules allow, so that the verdicts
    also test the parser: lo is the loosest operator that may stand bare here.  Hiding may
    stand bare only where nothing looser is being parsed (lo 0): a `\\` ends the right
    operand of every other operator and the body of a prefix, and then hides everything
    before it."""
    k = t[0]
    if k in ("stop", "skip", "call"):
        return term_cspm(t, prefix)
    level = LEVEL[k]
    if level < lo:
        return "(" + term_bare(t, prefix, 0) + ")"
    if k == "hide":
        return f"{term_bare(t[1], prefix, 0)} \\ {{{t[2]}}}"
    if k == "prefix":
        return f"{t[1]} -> {term_bare(t[2], prefix, level)}"
    left = t[1]
    # a hidden left operand stays bare at the top: `P \\ {a} [] Q` is `(P \\ {a}) [] Q`
    lside = term_bare(left, prefix, 0 if left[0] == "hide" and lo == 0 else level)
    right = term_bare(t[-1], prefix, level + 1)
    if k in ("par", "sintr"):
        sync = ", ".join(t[2])
        op = f"[| {{{sync}}} |]" if k == "par" else f"/+ {{{sync}}} +\\"
    else:
        op = {"ext": "[]", "int": "|~|", "seq": ";", "intr": "/\\", "slide": "[>"}[k]
    return f"{lside} {op} {right}"


def random_system(rng, prefix, bare=False):
    """A few mutually recursive definitions: (CSPm text, LTS of the first), or None when the
    process has too many states to enumerate."""
    names = rng.randint(1, 3)
    defs = [random_term(rng, names, 3) for _ in range(names)]
    lts = term_lts(("call", 0), defs)
    if lts is None:
        return None
    show = term_bare if bare else term_cspm
    text = "\n".join(f"{prefix}_{i} = {show(d, prefix)}" for i, d in enumerate(defs))
    return text, lts


def menus(rng):
    """Roots that choose internally among stable menus, each menu's events leading to a root
    or to STOP (the last state): the shape where F, V and R part ways — a menu {a} beside
    {a, b} and STOP is a revival F cannot see; which root follows a menu, a refusal trace V
    cannot see."""
    roots = rng.randint(1, 3)
    counts = [rng.randint(1, 3) for _ in range(roots)]
    stop = roots + sum(counts)
    lts, first = [], roots
    for n in counts:
        lts.append([(TAU, first + j) for j in range(n)])
        first += n
    for _ in range(sum(counts)):
        lts.append([(e, rng.choice(list(range(roots)) + [stop]))
                    for e in EVENTS if rng.random() < 0.6])
    lts.append([])
    return [sorted(set(m), key=str) for m in lts]


def widen(rng, lts):
    """lts whose first root may also choose the menus of another such process: more
    behaviour, so coarser models hold more often than finer ones."""
    other, off = menus(rng), len(lts)
    shifted = [[(e, t + off) for e, t in m] for m in other]
    return [sorted(set(lts[0] + shifted[0]), key=str)] + lts[1:] + shifted


PROPERTIES = {
    "deadlock free [F]": "DF",
    "deadlock free [FD]": "DFD",
    "divergence free": "DIV",
    "deterministic [F]": "DETF",
    "deterministic [FD]": "DETFD",
    "deadlock free [V]": "DF",
    "deadlock free [RD]": "DFD",
    "deterministic [R]": "DETF",
    "deterministic [VD]": "DETFD",
}


def prioritise(lts, over):
    """The LTS under `:[tau priority over]: over`: a state with a tau does not offer the
    events of `over` (FDR's maximal progress, in the implementation only)."""
    return [[(e, t) for e, t in moves if not (e in over and any(x == TAU for x, _ in moves))]
            for moves in lts]


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
    text = ["channel " + ", ".join(EVENTS),
            "transparent normal, sbisim, wbisim, dbisim, diamond, explicate, tau_loop_factor"]
    asserts = []
    for k, (spec, impl) in enumerate(pairs):
        text.append(cspm(f"S{k}", spec))
        if k % 3 == 2:
            # every third implementation is a random term over the process operators, whose
            # firing rules the oracle applies itself
            made = None
            while made is None:
                made = random_system(rng, f"I{k}", bare=k % 6 == 5)
            text.append(made[0])
            pairs[k] = (spec, made[1])
        elif k % 3 == 1:
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
        for model in ("T", "F", "FD", "R", "RD", "V", "VD"):
            text.append(f"assert S{k}_0 [{model}= I{k}_0")
            asserts.append((k, model, ""))
            # normal, diamond, wbisim and the rest are made for T, F and FD: in R, RD, V and VD
            # baton compresses by sbisim instead, so the verdict must still be the oracle's.
            for before, after in COMPRESSIONS:
                text.append(f"assert S{k}_0 [{model}= {before}I{k}_0{after}")
                asserts.append((k, model, before))
            text.append(f"assert normal(S{k}_0) [{model}= I{k}_0")
            asserts.append((k, model, "spec normal("))
        for prop in PROPERTIES:
            text.append(f"assert I{k}_0 :[{prop}]")
            asserts.append((k, prop, ""))
            for before, after in COMPRESSIONS:
                text.append(f"assert {before}I{k}_0{after} :[{prop}]")
                asserts.append((k, prop, before))
    # Then every implementation under tau priority over {a} or {a, b}: it sees taus that the
    # compressions for T, F and FD remove, so under it baton compresses by sbisim; the
    # oracle prioritises the implementation's LTS itself.
    for k in range(cases):
        spec, impl = pairs[k]
        over = ["a"] if k % 2 else EVENTS
        kp = len(pairs)
        pairs.append((spec, prioritise(impl, set(over))))
        option = ":[tau priority over]: {" + ", ".join(over) + "}"
        for model in ("T", "F", "FD"):
            for before, after in [("", "")] + COMPRESSIONS:
                text.append(f"assert S{k}_0 [{model}= {before}I{k}_0{after} {option}")
                asserts.append((kp, model, "priority " + before))
        for prop in ("deadlock free [F]", "deadlock free [FD]"):
            for before, after in [("", "")] + COMPRESSIONS:
                text.append(f"assert {before}I{k}_0{after} :[{prop}] {option}")
                asserts.append((kp, prop, "priority " + before))
    # Then pairs of menus, for the distinctions between F, V and R that random LTSs over two
    # events rarely show.
    first_menu = len(pairs)
    for k in range(first_menu, first_menu + cases // 2):
        impl = menus(rng)
        spec = widen(rng, menus(rng)) if k % 2 else menus(rng)
        pairs.append((spec, impl))
        text.append(cspm(f"S{k}", spec))
        text.append(cspm(f"I{k}", impl))
        for model in ("T", "F", "R", "RD", "V", "VD"):
            text.append(f"assert S{k}_0 [{model}= I{k}_0")
            asserts.append((k, model, ""))
            # A menu's normal form keeps only its minimal acceptances, which is all F needs
            # and too little for R and V: compressed, the verdict must not change.
            for before, after in COMPRESSIONS:
                text.append(f"assert {before}S{k}_0{after} [{model}= {before}I{k}_0{after}")
                asserts.append((k, model, "both " + before))
    with tempfile.NamedTemporaryFile("w", suffix=".csp", delete=False) as f:
        f.write("\n".join(text) + "\n")
        path = f.name
    try:
        # Three times: as a user runs it; with every check sent to the parallel searches (a
        # state limit within the one-core warm-up's own bound skips the warm-up; refine.c),
        # which small processes otherwise never reach; and with --distributed, as one rank
        # outside mpirun (docs/distributed.md: the distributed searches, their tau-edge
        # peeling and refine.c's pairs in R and V, with rank 0's one-process check for every
        # failure with taus).
        bad = 0
        parallel = ["--threads", "2", "--max-states", "10000"]
        oracles = {}
        for how, extra in (("", []), (" (parallel searches)", parallel),
                           (f" (--distributed, {os.environ.get('DIFF_LAUNCH') or 'one rank'})",
                            ["--distributed"])):
            verdicts = {}
            result = compare(baton, path, extra, asserts, pairs, verdicts, oracles)
            if result is None:
                return 1
            compared, wrong, skipped = result
            bad += wrong
            if not extra:
                distinct = sum(1 for k in range(len(pairs))
                               if (verdicts.get((k, "F")) and verdicts.get((k, "V")) is False)
                               or (verdicts.get((k, "V")) and verdicts.get((k, "R")) is False))
                print(f"differential: {distinct} pairs told apart by V but not F, or by R but not V")
            print(f"differential{how}: {compared} verdicts (refinement in T, F, FD, R, RD, V, VD; "
                  f"deadlock, divergence, determinism; every model and property also under the "
                  f"compressions; T, F, FD and deadlock under tau priority) compared with the "
                  f"oracle, {wrong} disagree"
                  + (f" ({skipped} skipped: an infinite component)" if skipped else ""))
    finally:
        os.unlink(path)
    return 1 if bad else 0


def compare(baton, path, extra, asserts, pairs, verdicts, oracles):
    """Runs baton on the script and compares each verdict with the oracle's (kept in
    `oracles` for the next run): (compared, disagreeing, skipped), or None when baton itself
    failed."""
    launch = shlex.split(os.environ.get("DIFF_LAUNCH", "")) if "--distributed" in extra else []
    out = subprocess.run(launch + [baton, "check", "--format", "json"] + extra + [path],
                         capture_output=True, text=True)
    # 2 with a report: some assertion was an error (judged one by one below)
    if out.returncode not in (0, 1, 2) or not out.stdout.startswith("{"):
        print(out.stderr[-4000:])
        keep = path + ".kept"
        os.link(path, keep)
        print(f"differential: baton {' '.join(extra)} exited {out.returncode} on {keep} (kept)")
        return None
    results = json.loads(out.stdout)["assertions"]
    bad = 0
    compared = 0
    skipped = 0
    # verdicts: (case, model) -> baton's verdict, to count the finer models' distinctions
    for (k, model, comp), res in zip(asserts, results):
        if (k, model) not in oracles:
            oracles[(k, model)] = (oracle_property(pairs[k][1], PROPERTIES[model])
                                   if model in PROPERTIES else oracle(pairs[k][0], pairs[k][1], model))
        holds, length = oracles[(k, model)]
        baton_holds = res["result"] == "pass"
        if res["result"] == "error" and "cannot compute the transitions" in (res.get("message") or ""):
            # A component baton compiles on its own (as FDR does) is infinite — recursion
            # through an operator it cannot fold — though the composition never reaches
            # that far; FDR refuses such a process too.
            skipped += 1
            continue
        if res["result"] not in ("pass", "fail"):
            print(f"case {k} {model} {comp}: baton says {res['result']}: {res.get('message')}")
            bad += 1
            continue
        if not comp:
            verdicts[(k, model)] = baton_holds
        blen = None if baton_holds else len(res["counterexample"]["trace"])
        depth = RDEPTH if model in ("R", "RD") else DEPTH
        if holds and not baton_holds and blen is not None and blen >= depth:
            continue  # beyond what the oracle sees
        compared += 1
        # baton's search is breadth first over transitions, taus included, so its trace can
        # have more visible events than the shortest one; never fewer.
        if holds != baton_holds or (not holds and blen < length):
            bad += 1
            print(f"case {k} {model} {comp}: oracle {'holds' if holds else f'fails at {length}'}, "
                  f"baton {'holds' if baton_holds else f'fails at {blen}'}")
            print(cspm(f"S{k}", pairs[k][0]))
            print(f"implementation LTS: {pairs[k][1]}")
    return compared, bad, skipped


if __name__ == "__main__":
    sys.exit(main())
