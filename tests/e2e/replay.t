# baton check SPEC --trace RUN --process NAME: recorded runs against a specification.

$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_ok.trace --process 'BUFF(2)'
stdout PASS  trace tests/e2e/data/buffer_ok.trace against BUFF(2)  (5 events
stdout 1 trace: 1 passed, 0 failed

# The first event the specification does not allow, its index, what came before, what was allowed.
$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_wrong.trace --process 'BUFF(2)'
exit 1
stdout event 2, right.1, is not allowed after 1 event: left.0
stdout the specification allowed left.0, left.1, right.0

$ baton check --format json tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_wrong.trace --process 'BUFF(2)'
exit 1
stdout "checks": [
stdout "kind": "trace"
stdout "index": 2
stdout "event": "right.1"
stdout "allowed": [

# A run that ended deadlocked refuses everything: the spec must be able to refuse too.
$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_deadlock.trace --process 'BUFF(2)'
exit 1
stdout the program deadlocked after 2 events: left.0, left.1
stdout where the specification must still offer right.0

# A one-place buffer can refuse everything after <left.0, …>? No: it must offer right.
$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_deadlock.trace --process 'BUFF(3)'
exit 1
stdout must still offer left.0, left.1, right.0

# Hidden events are skipped on the program's side; without --hide they count.
$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_hidden.trace --process 'BUFF(1)' --hide '{|mid|}'
exit 0
stdout (4 events

$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_hidden.trace --process 'BUFF(1)'
exit 1
stdout event 2, mid.0, is not allowed after 1 event: left.0

# Bad input: an event the specification does not have, named with its line; exit 2.
$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_typo.trace --process 'BUFF(2)'
exit 2
stdout tests/e2e/data/buffer_typo.trace:2: 'lfet.1' is not an event of the specification

$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_ok.trace --process 'NOSUCH'
exit 2
stderr --process 'NOSUCH' is not a process

$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_ok.trace
exit 2
stderr --trace needs --process

$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/no-such.trace --process 'BUFF(2)'
exit 2
stdout cannot read 'tests/e2e/data/no-such.trace'

# A folder means every file in it.
$ d=$(mktemp -d) && cp tests/e2e/data/buffer_ok.trace tests/e2e/data/buffer_wrong.trace $d && baton check tests/corpus/pipelines.csp --trace $d --process 'BUFF(2)'; s=$?; rm -rf $d; exit $s
exit 1
stdout 2 traces: 1 passed, 1 failed

# A real program's binary trace: it conforms to a one-place buffer, not to a copy into mid;
# cut short, it is read up to its last complete record and the result says so.
$ d=$(mktemp -d) && cc -Iinclude tests/data/pipe.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/pipe && BATON_TRACE=$d/run.btr $d/pipe && baton check tests/corpus/pipelines.csp --trace $d/run.btr --process 'BUFF(1)' && baton check tests/corpus/pipelines.csp --trace $d/run.btr --process 'COPY(left, mid)'; s=$?; head -c 100 $d/run.btr > $d/cut.btr; baton check tests/corpus/pipelines.csp --trace $d/cut.btr --process 'BUFF(1)'; rm -rf $d; exit $s
exit 1
stdout PASS  trace
stdout against BUFF(1)  (12 events
stdout event 2, right.0, is not allowed after 1 event: left.0
stdout consumer
stdout trace stops before the end of the run

# A deadlocked program: its trace ends in the deadlock the end check judges; against PHILS
# (no forks) the specification must still offer the right forks, and the blocked processes
# are named with what each offered.
$ d=$(mktemp -d) && cc -Iinclude examples/philosophers/philosophers.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/ph && { BATON_TRACE=$d/run.btr $d/ph 2>/dev/null; baton check examples/philosophers/philosophers.csp --trace $d/run.btr --process PHILS; s=$?; baton check examples/philosophers/philosophers.csp --trace $d/run.btr --process SYSTEM >/dev/null || s=99; }; rm -rf $d; exit $s
exit 1
stdout philosophers: baton_run returned 1 (deadlock)
stdout the program deadlocked after 5 events
stdout where the specification must still offer picks.0.1, picks.1.2, picks.2.3, picks.3.4, picks.4.0
stdout blocked: fork0 offers putsdown.0.0;
stdout philosopher4 offers picks.4.0
