# baton check: verdicts, exit codes (0 holds, 1 fails, 2 bad input, 3 limit), formats.

$ baton check tests/e2e/data/check_small.csp
exit 1
stdout check_small.csp:4: PASS  assert P :[deadlock free]
stdout check_small.csp:5: FAIL  assert Q :[deadlock free]
stdout deadlock after 1 event: a
stdout 2 assertions: 1 passed, 1 failed

# --assert replaces the file's own assertions.
$ baton check tests/e2e/data/check_small.csp --assert 'P :[divergence free]' --assert 'P [T= Q'
exit 0
stdout PASS  assert P :[divergence free]
stdout PASS  assert P [T= Q
stdout 2 assertions: 2 passed, 0 failed
!stdout deadlock free

$ baton check tests/e2e/data/check_small.csp --assert 'Q [T= P'
exit 1
stdout trace after 1 event: a
stdout then b, which the specification does not allow

$ baton check --format json tests/e2e/data/check_small.csp
exit 1
stdout "file": "tests/e2e/data/check_small.csp"
stdout "result": "pass"
stdout "result": "fail"
stdout "kind": "deadlock"
stdout "trace": [
stdout "line": 5

# Resource limits stop cleanly with exit 3 and the figures reached.
$ baton check --max-states 1000 tests/e2e/data/check_big.csp
exit 3
stdout LIMIT assert BIG :[deadlock free [F]]
stdout stopped at the states limit

$ baton check --threads 1 --max-states 1000 tests/e2e/data/check_big.csp
exit 3
stdout stopped at the states limit

$ baton check --memory 1M --threads 1 tests/e2e/data/check_big.csp
exit 3
stdout stopped at the memory limit

$ baton check --timeout 0.001 --threads 1 tests/e2e/data/check_big.csp
exit 3
stdout stopped at the time limit

# An infinite-state process is refused politely.
$ baton check --max-states 500 tests/e2e/data/check_infinite.csp
exit 3
stdout more states than the limit allows

# Bad input: located diagnostics, exit 2.
$ baton check tests/e2e/data/check_typo.csp
exit 2
stderr check_typo.csp:2:10: error:
stderr Q

# A channel with an infinite field: what is used finitely is checked (dd.0?x ranges over T);
# an input over the infinite field is a located error naming the field, and exit 2.
$ baton check tests/e2e/data/check_int_channel.csp
exit 2
stdout check_int_channel.csp:6: PASS  assert P :[deadlock free]
stdout check_int_channel.csp:7: ERROR assert Q :[deadlock free]
stderr check_int_channel.csp:5:7: error: 'dd' has infinitely many values (field 1 of 'dd', Int, is infinite)

$ baton check tests/e2e/data/no-such.csp
exit 2
stderr no-such.csp

$ baton check
exit 2
stderr baton: which file?

$ baton check --format xml tests/e2e/data/check_small.csp
exit 2
stderr --format is one of text|json|junit|sarif|github|html

$ baton check --max-states -5 tests/e2e/data/check_small.csp
exit 2
stderr --max-states needs a positive number

$ baton check --frobnicate tests/e2e/data/check_small.csp
exit 2
stderr unknown option '--frobnicate'

$ baton check tests/e2e/data/check_small.csp --assert 'P :[deadlock free'
exit 2
stderr error:

# The debugger table names each component by the definition that made it, with its place in
# the spec, and shows a state by name when it is one (FORK(4) is back where it started).
$ baton check examples/philosophers/philosophers.csp --assert 'SYSTEM :[deadlock free]'
exit 1
stdout component  defined at
stdout PHIL(0)    examples/philosophers/philosophers.csp:10  picks.0.1 -> putsdown.0.1 -> putsdown.0.0 -> PHIL(0)
stdout FORK(4)    examples/philosophers/philosophers.csp:11  putsdown.4.4 -> FORK(4)

$ baton check --format json examples/philosophers/philosophers.csp --assert 'SYSTEM :[deadlock free]'
exit 1
stdout "component": "PHIL(3)"
stdout "where": "examples/philosophers/philosophers.csp:10"

# has trace: the event the process cannot perform (there is no specification here).
$ baton check tests/corpus/priority.csp --assert 'BOTH :[has trace]: <done> :[tau priority over]: {done}'
exit 1
stdout then done, which the process cannot perform

# An evaluation error met while exploring is an ERROR (exit 2) with its place, never a changed
# verdict, and each error prints once on stderr however often the search meets it (five
# assertions meet the division by zero, one expression fails for eight values; the file has
# five places that fail).
$ baton check tests/corpus/evaluation_errors.csp 2>&1 >/dev/null | grep -c ': error: '
exit 0
stdout 5

$ baton check tests/corpus/evaluation_errors.csp --assert 'a -> STOP [T= P5'
exit 2
stdout ERROR assert a -> STOP [T= P5
stdout evaluation_errors.csp:11:25: evaluation error: head of the empty sequence
stdout 1 assertion: 0 passed, 0 failed, 1 error
stderr evaluation_errors.csp:11:25: error: head of the empty sequence

# Recursion through |~|, a prefix, or the right of ; [> [| |> is well founded (DIV = DIV |~|
# DIV diverges, tests/corpus/unguarded_recursion.csp); recursion a term needs for its own
# first moves is an error at its place.
$ baton check tests/e2e/data/ill_founded.csp
exit 2
stdout 8 assertions: 1 passed, 0 failed, 7 errors
stdout PASS  assert OK :[deadlock free [F]]
stderr ill_founded.csp:4:6: error: 'P1' is defined in terms of itself (unguarded recursion)
stderr ill_founded.csp:5:20: error: 'P2' is defined in terms of itself (unguarded recursion)
stderr ill_founded.csp:6:6: error: 'P3' is defined in terms of itself (unguarded recursion)
stderr ill_founded.csp:7:6: error: 'P4' is defined in terms of itself (unguarded recursion)
stderr ill_founded.csp:8:13: error: 'P5' is defined in terms of itself (unguarded recursion)
stderr ill_founded.csp:9:21: error: 'P6' is defined in terms of itself (unguarded recursion)
stderr ill_founded.csp:10:6: error: 'P7' is defined in terms of itself (unguarded recursion)

# The debugger table shows each component's state with its values worked out (not the
# expression `putsdown.(0.((0 + 1) % N))`), a named process by its name, and a long state cut
# on a character boundary with "…".
$ baton check tests/corpus/philosophers.csp --assert 'SYSTEM :[deadlock free [F]]'
exit 1
stdout PHIL(0)    tests/corpus/philosophers.csp:8   picks.0.1 -> eats.0 -> putsdown.0.1 -> putsdown.0.0 -> gets…  thinks.0, sits.0, picks.0.0
stdout FORK(0)    tests/corpus/philosophers.csp:12  putsdown.0.0 -> FORK(0)
!stdout % N

# An assertion given with --assert is reported as from the command line, not at a line past
# the end of the file.
$ baton check tests/e2e/data/check_small.csp --assert 'P :[divergence free]'
exit 0
stdout command line: PASS  assert P :[divergence free]

$ baton check --format json tests/e2e/data/check_small.csp --assert 'P :[divergence free]'
exit 0
stdout "line": null,
stdout "source": "command-line",

# SIGTERM (a CI job's timeout) or SIGINT during a check: what finished is reported, the
# assertion in progress is a LIMIT with the figures reached, the rest are counted as not
# checked, JSON stays one whole document, exit 3.
$ baton check tests/e2e/data/interrupted.csp & p=$!; sleep 1.5; kill -TERM $p; wait $p
exit 3
stdout interrupted.csp:6: FAIL  assert a -> STOP :[deadlock free [F]]
stdout interrupted.csp:7: LIMIT assert P(0) :[deadlock free]
stdout stopped at SIGTERM while compiling the process:
stdout 2 assertions: 0 passed, 1 failed, 1 stopped at a limit, 1 not checked (interrupted)

$ baton check --format json tests/e2e/data/interrupted.csp >$BUILD/interrupted.json & p=$!; sleep 1.5; kill -INT $p; wait $p; s=$?; /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['interrupted'], d['not_checked'], [a['result'] for a in d['assertions']])" $BUILD/interrupted.json; exit $s
exit 3
stdout True 1 ['fail', 'limit']

# A check past a second shows progress on stderr with --progress (by default only when stderr
# is a terminal), never on stdout.
$ baton check --progress --timeout 2 tests/e2e/data/interrupted.csp 2>&1 >/dev/null | tr '\r' '\n' | grep -q 'states/s, .* MB, compiling a process'
exit 0

$ baton check --progress --timeout 2 tests/e2e/data/interrupted.csp 2>/dev/null
exit 1
stdout 3 assertions: 0 passed, 2 failed, 1 stopped at a limit
!stdout states/s

$ baton check --timeout 2 tests/e2e/data/interrupted.csp 2>&1 | grep -c 'states/s'
exit 1
stdout 0

# A tau cycle reached only deep in a space of 600 000 states: the parallel search's records
# (peeled on as many threads as it had, checker/taucycle.c) show it on 1, 2 and 3 threads, and
# the same space with the cycle cut passes.
$ baton check --threads 1 tests/e2e/data/deep_divergence.csp
exit 1
stdout FAIL  assert DEEP :[divergence free]
stdout divergence after 317 events
stdout PASS  assert SHALLOW :[divergence free]

$ baton check --threads 2 tests/e2e/data/deep_divergence.csp
exit 1
stdout FAIL  assert DEEP :[divergence free]
stdout divergence after 317 events
stdout PASS  assert SHALLOW :[divergence free]

$ baton check --threads 3 tests/e2e/data/deep_divergence.csp
exit 1
stdout FAIL  assert DEEP :[divergence free]
stdout divergence after 317 events
stdout PASS  assert SHALLOW :[divergence free]

# Nondeterminism only deep in a space of 600 000 states: decided on the complete normal form
# of the process itself (every stable member of a node must offer all the node's events), on
# 1, 2 and 3 threads alike, with the one-core search's shortest counterexample.  The normal
# forms' states are numbered by a parallel search first (checker/numbering.h), for the
# refinements against a specification of 650 000 states too.
$ baton check --threads 1 tests/e2e/data/deep_nondeterminism.csp
exit 1
stdout PASS  assert FIRM [T= DEEP  (686320 states
stdout PASS  assert DEEP [F= FIRM  (654896 states
stdout FAIL  assert FIRM [F= DEEP
stdout refusal after 317 events
stdout FAIL  assert DEEP :[deterministic [FD]]
stdout FAIL  assert DEEP :[deterministic [F]]
stdout nondeterminism after 317 events
stdout then b can both happen and be refused
stdout PASS  assert FIRM :[deterministic [FD]]  (654896 states, 2930264 transitions

$ baton check --threads 2 tests/e2e/data/deep_nondeterminism.csp
exit 1
stdout PASS  assert FIRM [T= DEEP  (686320 states
stdout PASS  assert DEEP [F= FIRM  (654896 states
stdout FAIL  assert FIRM [F= DEEP
stdout refusal after 317 events
stdout FAIL  assert DEEP :[deterministic [FD]]
stdout FAIL  assert DEEP :[deterministic [F]]
stdout nondeterminism after 317 events
stdout PASS  assert FIRM :[deterministic [FD]]  (654896 states, 2930264 transitions

$ baton check --threads 3 tests/e2e/data/deep_nondeterminism.csp
exit 1
stdout PASS  assert FIRM [T= DEEP  (686320 states
stdout PASS  assert DEEP [F= FIRM  (654896 states
stdout FAIL  assert FIRM [F= DEEP
stdout refusal after 317 events
stdout FAIL  assert DEEP :[deterministic [FD]]
stdout FAIL  assert DEEP :[deterministic [F]]
stdout nondeterminism after 317 events
stdout PASS  assert FIRM :[deterministic [FD]]  (654896 states, 2930264 transitions
