# baton check in the revivals (V, VD) and refusal-testing (R, RD) models: the textbook
# distinctions of tests/e2e/data/models.csp and how each report shows them.

# F cannot tell P from Q, V can: Q refuses b and then does a.  Equal in V, P2 and Q2 differ
# in R: after refusing d, then a, P2 must do b and Q2 c.  S offers b only before it settles.
$ baton check tests/e2e/data/models.csp
exit 1
stdout models.csp:8: PASS  assert P [F= Q
stdout models.csp:9: FAIL  assert P [V= Q
stdout     revival after 0 events
stdout     stable and refusing {b}, then a, which the specification cannot do after that refusal
stdout models.csp:14: PASS  assert P2 [V= Q2
stdout models.csp:15: FAIL  assert P2 [R= Q2
stdout     trace after 1 event: a
stdout     as a refusal trace: {d}, a
stdout     then c, which the specification does not allow after those refusals
stdout models.csp:20: PASS  assert S [F= I
stdout models.csp:21: FAIL  assert S [VD= I
stdout     stable, then b, which the specification only does before it settles
stdout 6 assertions: 3 passed, 3 failed
!stdout not supported

# JSON: a revival has its event and refusal; R adds the refusal before each event of the
# trace (null where none was seen).
$ baton check --format json tests/e2e/data/models.csp --assert 'P [V= Q'
exit 1
stdout "kind": "revival"
stdout "event": "a"
stdout "refusal": [
!stdout "refusals"

$ baton check --format json tests/e2e/data/models.csp --assert 'P2 [R= Q2'
exit 1
stdout "kind": "trace"
stdout "event": "c"
stdout "refusals": [
stdout "d"

$ baton check --format json tests/e2e/data/models.csp --assert 'P2 [R= (a -> c -> STOP) [> (a -> c -> STOP [] d -> STOP)' --assert 'P2 [R= Q2 ||| (a -> STOP [> STOP)'
exit 1
stdout "result": "pass"
stdout null

# One line per check for CI, with the model's own SARIF rule.
$ baton check --format github tests/e2e/data/models.csp --assert 'P2 [R= Q2' --assert 'P [V= Q'
exit 1
stdout as a refusal trace: {d}, a; then c
stdout revival after 0 events; stable and refusing {b}, then a

$ baton check --format sarif tests/e2e/data/models.csp --assert 'P2 [RD= Q2' --assert 'P [VD= Q'
exit 1
stdout "ruleId": "refusal-testing-refinement"
stdout "ruleId": "revivals-refinement"

# Properties: deadlock freedom and determinism in R and V are F's, in RD and VD FD's.
$ baton check tests/e2e/data/models.csp --assert 'P :[deadlock free [V]]' --assert 'I :[deterministic [R]]' --assert 'a -> DIV :[deterministic [V]]' --assert 'a -> DIV :[deterministic [VD]]'
exit 1
stdout FAIL  assert P :[deadlock free [V]]
stdout PASS  assert I :[deterministic [R]]
stdout PASS  assert a -> DIV :[deterministic [V]]
stdout FAIL  assert a -> DIV :[deterministic [VD]]
stdout divergence after 1 event: a

# The chart of a counterexample says what was refused, and before which event.
$ baton graph counterexample tests/e2e/data/models.csp --assert 'P [V= Q' --assert 'P2 [R= Q2' --format dot
exit 0
stdout <B>then refuses</B><BR/>{b}<BR/><B>and then a</B>
stdout 2  a\n(stable, refusing {d})
stdout after those refusals
