# baton graph counterexample and baton check --graphs: message sequence charts of failing
# assertions (the charts' structure is tested in tests/unit/test_pictures_chart.c).

$ baton graph counterexample tests/e2e/data/graph_chart/deadlock.csp
exit 0
stdout digraph
stdout waits for
!stderr error

# A passing assertion has nothing to draw: said so, exit 0.
$ baton graph counterexample tests/e2e/data/graph_chart/refusal.csp --assert 'SPEC [T= IMPL'
exit 0
stderr assert SPEC [T= IMPL holds: no counterexample to draw
!stdout digraph

# Bad input: exit 2 with a clear message.
$ baton graph counterexample tests/e2e/data/graph_chart/nope.csp
exit 2
stderr cannot read 'tests/e2e/data/graph_chart/nope.csp'

$ baton graph counterexample tests/e2e/data/graph_chart/deadlock.csp --assert 'NOPE :[deadlock free]'
exit 2
stderr error: unknown name 'NOPE'

$ baton graph counterexample tests/e2e/data/graph_chart/deadlock.csp --assert 'RING :[deadlock'
exit 2
stderr error: unterminated ':['

$ baton graph counterexample
exit 2
stderr which specification?

$ baton graph counterexample tests/e2e/data/graph_chart/deadlock.csp --max-steps many
exit 2
stderr --max-steps needs a positive number

$ baton graph counterexample tests/e2e/data/graph_chart/deadlock.csp -o /tmp/baton-e2e-chart.gif
exit 2
stderr cannot tell the picture format

# Several failing assertions: the k-th chart in FILE-k.ext, each path on stdout.
$ d=/tmp/baton-e2e-chart.$$; mkdir -p $d; baton graph counterexample tests/e2e/data/graph_chart/refusal.csp --assert 'SPEC [F= IMPL' --assert 'STOP [T= IMPL' -o $d/x.svg; s=$?; ls $d | sed 's/^/listed /'; rm -rf $d; exit $s
exit 0
stdout /x-1.svg
stdout /x-2.svg
stdout listed x-1.svg
stdout listed x-2.svg

# … and not as two SVG documents one after another on stdout.
$ baton graph counterexample tests/e2e/data/graph_chart/refusal.csp --assert 'SPEC [F= IMPL' --assert 'STOP [T= IMPL' --format svg
exit 2
stderr 2 assertions fail: give -o FILE

# check --graphs DIR: a chart per failing assertion, named on stderr; the verdicts as usual.
$ d=/tmp/baton-e2e-graphs.$$; baton check tests/e2e/data/graph_chart/refusal.csp --graphs $d; s=$?; ls $d | sed 's/^/listed /'; rm -rf $d; exit $s
exit 1
stdout FAIL  assert SPEC [F= IMPL
stdout listed l11-SPEC_F_IMPL.svg
stderr l11-SPEC_F_IMPL.svg
!stdout l10-

$ d=/tmp/baton-e2e-graphs.$$; baton check tests/e2e/data/graph_chart/deadlock.csp --assert 'RING :[deadlock free]' --graphs $d; s=$?; ls $d | sed 's/^/listed /'; rm -rf $d; exit $s
exit 1
stdout listed a1-RING_deadlock_free.svg

$ baton check tests/e2e/data/graph_chart/deadlock.csp --graphs /proc/baton-no-such-folder
exit 2
stderr cannot make the folder '/proc/baton-no-such-folder'

$ baton check tests/e2e/data/graph_chart/deadlock.csp --trace x.trace --process RING --graphs /tmp/x
exit 2
stderr --graphs draws failing assertions

# The JSON report has each step with who took part, and a divergence's loop.
$ baton check --format json tests/e2e/data/graph_chart/divergence.csp
exit 1
stdout "steps": [
stdout "event": "mid",
stdout "hidden": true,
stdout "loop": 1

$ baton check --format json tests/e2e/data/graph_chart/deadlock.csp
exit 1
stdout "offers": [
stdout "blocked_by": [

$ baton check --format json tests/e2e/data/graph_chart/trace.csp
exit 1
stdout "offending": true
