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

# A zero-byte trace is not an empty run (issue 11): libbaton writes the header as it opens a
# trace, so the program wrote nothing at all.  Exit 2, whatever the file is called.
$ d=$(mktemp -d) && : > $d/run.btr && : > $d/run.trace && baton check tests/corpus/pipelines.csp --trace $d/run.btr --trace $d/run.trace --process 'BUFF(2)'; s=$?; rm -rf $d; exit $s
exit 2
stdout ERROR trace
stdout /run.btr: the trace file is empty (0 bytes): the program wrote nothing; was it killed before it opened the trace?
stdout /run.trace: the trace file is empty (0 bytes)
!stdout PASS

# A header cut short is bad input too, also inside the magic.
$ d=$(mktemp -d) && printf '\211BTRACE\n\003\000' > $d/a.btr && printf '\211B' > $d/b.btr && baton check tests/corpus/pipelines.csp --trace $d/a.btr --trace $d/b.btr --process 'BUFF(2)'; s=$?; rm -rf $d; exit $s
exit 2
stdout /a.btr: byte 10: truncated trace header (10 of 32 bytes): the file was cut short
stdout /b.btr: byte 2: truncated trace header (2 of 32 bytes)
!stdout PASS

# A header and nothing else is a valid trace of no events: the empty trace is a trace of
# every process, so it passes, and the report says that nothing was recorded.
$ d=$(mktemp -d) && printf '\211BTRACE\n\003\000\040\000\000\000\000\000\155\136\000\000\000\000\000\000\000\000\000\000\000\000\000\000' > $d/run.btr && baton check --format json tests/corpus/pipelines.csp --trace $d/run.btr --process 'BUFF(2)'; s=$?; rm -rf $d; exit $s
exit 0
stdout "events": 0
stdout "message": "0 events recorded: the file holds only its header; the program opened the trace and was killed or stopped before its first record reached the file"

# A text trace of comments and blank lines is the empty trace written down (what `baton
# trace show` prints for a header-only file): it passes, with the same note.
$ d=$(mktemp -d) && printf '# baton trace x.btr\n\n  \n' > $d/run.trace && baton check tests/corpus/pipelines.csp --trace $d/run.trace --process 'BUFF(2)'; s=$?; rm -rf $d; exit $s
exit 0
stdout PASS  trace
stdout (0 events
stdout     0 events recorded: the file has no event lines, only comments and blank lines

# A program SIGKILLed half a second after its last communication: nothing can flush then, yet
# the trace holds every event (the runtime writes the buffer out every 100 ms).  Killed as it
# starts, it leaves the header: 0 events, said so.
$ d=$(mktemp -d) && cc -Iinclude tests/data/killed.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/killed && { baton run --trace $d/run.btr --spec tests/corpus/pipelines.csp --process 'BUFF(1)' -- $d/killed; echo "status $?"; baton run --trace $d/now.btr --spec tests/corpus/pipelines.csp --process 'BUFF(1)' -- $d/killed now; echo "status $?"; }; rm -rf $d
exit 0
stdout against BUFF(1)  (12 events
stdout the trace stops before the end of the run
stdout status 137
stdout against BUFF(1)  (0 events
stdout 0 events recorded: the file holds only its header
!stdout status 2

# A program that never traces leaves no file: bad input, said so.
$ baton run --spec tests/corpus/pipelines.csp --process 'BUFF(1)' -- true
exit 2
stderr wrote no trace to
stderr it never started a run (baton_run)

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

# Livelock: a run that ends in hidden events after the runtime's mark (@livelock: the program
# was stopped while busy) is a livelock where the specification cannot diverge.
$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_livelock.trace --process 'BUFF(2)' --hide '{|mid|}'
exit 1
stdout livelock after 3 events: left.0, right.0, left.1
stdout @livelock) after 2 hidden events in a row, a suspected livelock, where the specification cannot diverge

$ baton check --format json tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_livelock.trace --process 'BUFF(2)' --hide '{|mid|}'
exit 1
stdout "kind": "livelock"
stdout "index": 5

# … not where the specification may diverge there,
$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_livelock.trace --process '(BUFF(2) ||| COPY(mid, mid)) \ {|mid|}' --hide '{|mid|}'
exit 0
stdout the specification may diverge there

# … nor when the run's last event is visible, nor without the mark (2 hidden events are no
# long run).
$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_stopped.trace --process 'BUFF(1)' --hide '{|mid|}'
exit 0
stdout its last event was visible, so no livelock is suspected

$ sed '/@livelock/d' tests/e2e/data/buffer_livelock.trace > /tmp/baton-e2e-nomark.trace && baton check tests/corpus/pipelines.csp --trace /tmp/baton-e2e-nomark.trace --process 'BUFF(2)' --hide '{|mid|}'; s=$?; rm -f /tmp/baton-e2e-nomark.trace; exit $s
exit 0

$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_after_livelock.trace --process 'BUFF(2)'
exit 2
stdout buffer_after_livelock.trace:3: nothing may follow @livelock

# A real program stopped by `baton run --timeout` while its processes pass a token forever:
# libbaton marks the trace on SIGTERM, the check reports the livelock, and the program's
# status is the signal's when there is no spec.
$ d=$(mktemp -d) && cc -Iinclude tests/data/spin.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/spin && { baton run --timeout 0.2 --trace $d/run.btr --spec tests/e2e/data/spin.csp --process OUT --hide '{|mid|}' -- $d/spin; s=$?; baton trace show $d/run.btr | tail -1; baton check tests/e2e/data/spin.csp --trace $d/run.btr --process 'SPIN \ {|mid|}' --hide '{|mid|}' >/dev/null || s=98; baton run --timeout 0.1 --trace $d/run2.btr -- $d/spin; echo "status $?"; }; rm -rf $d; exit $s
exit 1
stdout livelock after 3 events: out.0, out.1, out.2
stdout the program was stopped by signal 15 while busy after
stdout @livelock
stdout status 143

$ baton run --timeout soon -- true
exit 2
stderr --timeout wants a number of seconds

# JSON lists every event before the failure, not only the last few (the failing trace is read
# a second time for them); text shows the last 8.
$ baton check --format json tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_long_wrong.trace --process 'BUFF(2)'
exit 1
stdout "index": 14

# all six right.1 before the failure are listed (the last 8 alone hold four)
$ baton check --format json tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_long_wrong.trace --process 'BUFF(2)' | grep -c '^ *"right.1",$' | sed 's/.*/right.1 listed & times/'
exit 0
stdout right.1 listed 6 times

$ baton check tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_long_wrong.trace --process 'BUFF(2)'
exit 1
stdout event 14

# An evaluation error met while compiling the specification process is an error with its
# place (exit 2), not a replay against the part that evaluated.
$ t=$(mktemp) && printf 'a\n' >$t && baton check tests/corpus/evaluation_errors.csp --trace $t --process P5; s=$?; rm -f $t; exit $s
exit 2
stderr evaluation_errors.csp:11:25: error: head of the empty sequence
!stdout PASS

# SIGTERM sent to `baton run` (a CI job's timeout) goes on to the program, and the trace it
# recorded is still checked.
$ d=$(mktemp -d) && cc -Iinclude tests/data/spin.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/spin && { baton run --trace $d/run.btr --spec tests/e2e/data/spin.csp --process OUT --hide '{|mid|}' -- $d/spin & p=$!; sleep 1; kill -TERM $p; wait $p; s=$?; }; rm -rf $d; exit $s
exit 1
stderr baton: passed SIGTERM on to
stdout livelock after 3 events: out.0, out.1, out.2

# --timeout says it stopped the program.
$ d=$(mktemp -d) && cc -Iinclude tests/data/spin.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/spin && baton run --timeout 0.2 --trace $d/run.btr -- $d/spin; s=$?; rm -rf $d; exit $s
exit 143
stderr (--timeout): SIGTERM

# A spec or process that does not load is exit 2 before anything runs.
$ d=$(mktemp -d) && baton run --trace $d/run.btr --spec tests/e2e/data/spin.csp --process NOPE -- sh -c "touch $d/ran"; s=$?; ls $d; rm -rf $d; exit $s
exit 2
stderr --process 'NOPE' is not a process of tests/e2e/data/spin.csp: nothing was run
!stdout ran

# With --format json, the program's standard output goes to standard error: standard output
# is one JSON document.
$ d=$(mktemp -d) && cc -Iinclude tests/data/spin.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/spin && baton run --format json --timeout 0.3 --trace $d/run.btr --spec tests/e2e/data/spin.csp --process OUT --hide '{|mid|}' -- sh -c "echo chatter; exec $d/spin" >$d/out.json; s=$?; /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('parsed', len(d['checks']))" $d/out.json; rm -rf $d; exit $s
exit 1
stdout parsed 1
stderr chatter

# A NUL byte in a text trace is named as such (binary data or a damaged file), with its place.
$ t=$(mktemp) && printf 'a\nb\0c\n' >$t && baton check tests/e2e/data/check_small.csp --trace $t --process P; s=$?; rm -f $t; exit $s
exit 2
stdout :2: a NUL byte at column 2: a text trace has one CSPm event a line, and no binary data

$ baton trace show tests
exit 2
stderr Is a directory

# `baton run -o FILE`: the report goes to FILE, the program's own output stays on standard
# output.
$ d=$(mktemp -d) && cc -Iinclude tests/data/spin.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/spin && baton run -o $d/report.json --format json --timeout 0.3 --trace $d/run.btr --spec tests/e2e/data/spin.csp --process OUT --hide '{|mid|}' -- sh -c "echo chatter; exec $d/spin"; s=$?; /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('report has', len(d['checks']), 'check')" $d/report.json; rm -rf $d; exit $s
exit 1
stdout chatter
stdout report has 1 check

# BATON_TRACE_MAX caps a trace file: past it the runtime stops writing and ends the file with
# a CAPPED record; `trace show` and the check say so, and the check covers what was recorded.
$ d=$(mktemp -d) && cc -Iinclude tests/data/spin.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/spin && BATON_TRACE_MAX=1M baton run --timeout 0.5 --trace $d/run.btr --spec tests/e2e/data/spin.csp --process OUT --hide '{|mid|}' -- $d/spin; s=$?; [ $(stat -c %s $d/run.btr) -le 1048576 ] && echo "within the cap"; baton trace show $d/run.btr | tail -1; rm -rf $d; exit $s
exit 1
stdout the trace reached its size cap (BATON_TRACE_MAX, 1024 KiB) and recording stopped there
stdout livelock after 3 events: out.0, out.1, out.2
stdout within the cap
stdout # the trace reached its size cap (BATON_TRACE_MAX, 1024 KiB): recording stopped here
