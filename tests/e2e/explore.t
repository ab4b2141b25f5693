# baton explore (docs/exploring.md) on the schedule-dependent bugs of examples/races (built by
# `make races`, a prerequisite of `make check`): pct finds every bug within 1000 runs, the
# command it prints reproduces the failure, every fixed version is clean over 1000 runs (40
# under the sanitizers: a forked AddressSanitizer program runs ~35 times a second, LeakSanitizer
# included), a seed gives the same trace twice; crashes,
# exit statuses, timeouts, traces against a spec, every report format; bad input.

$ baton explore
exit 2
stderr baton: which program? (baton explore -- PROGRAM ARGS…)

$ baton explore --strategy sometimes -- /bin/true
exit 2
stderr --strategy is random or pct, not 'sometimes'

$ baton explore --timers sometimes -- /bin/true
exit 2
stderr --timers is any or idle, not 'sometimes'

$ baton explore --runs 0 -- /bin/true
exit 2
stderr --runs wants a whole number from 1 to 1000000000, not '0'

$ baton explore --depth 65 -- /bin/true
exit 2
stderr --depth wants a whole number from 1 to 64

$ baton explore --timeout -1 -- /bin/true
exit 2
stderr --timeout wants a number of seconds, not '-1'

$ baton explore --spec examples/pipeline/pipeline.csp -- /bin/true
exit 2
stderr --spec and --process go together

$ baton explore --frobnicate -- /bin/true
exit 2
stderr unknown option '--frobnicate'

$ baton explore /bin/true
exit 2
stderr put '--' before the program

# Not a libbaton program, with the fork server and without.
$ baton explore -- /bin/true
exit 2
stderr /bin/true ended (exit status 0) without starting a libbaton run: is it linked with libbaton

$ baton explore --no-fork-server -- /bin/true
exit 2
stderr /bin/true ended without finishing a libbaton run

$ baton explore -- /nonexistent/program
exit 2
stderr cannot run '/nonexistent/program'

$ baton explore --spec /nonexistent.csp --process P -- /bin/true
exit 2
stderr cannot read '/nonexistent.csp'

$ baton explore --spec examples/pipeline/pipeline.csp --process NOSUCH -- /bin/true
exit 2
stderr --process 'NOSUCH' is not a process of examples/pipeline/pipeline.csp

# Every bug: found by pct within 1000 runs, shrunk, confirmed, and its reproduction line fails
# the same way when a person runs it.
$ out=$(baton explore --shrink 30 -- $BUILD/races/lock_order); s=$?; echo "$out"; line=$(echo "$out" | sed -n 's/^  reproduce: //p'); sh -c "$line" 2>&1 >/dev/null | grep -q "deadlock" && echo "the line reproduces the deadlock"; exit $s
exit 1
stdout explore: deadlock in a run of
stdout found by run
stdout minimised: it needs
stdout teller1 ran
stdout reproduce: BATON_SCHED=
stdout confirmed: run again on its own it failed the same way
stdout waits to receive
stdout examples/races/lock_order.c:
stdout the line reproduces the deadlock

$ out=$(baton explore --shrink 30 -- $BUILD/races/late_result); s=$?; echo "$out"; line=$(echo "$out" | sed -n 's/^  reproduce: //p'); sh -c "$line" 2>&1 >/dev/null | grep -q "deadlock" && echo "the line reproduces the deadlock"; exit $s
exit 1
stdout explore: deadlock in a run of
stdout confirmed: run again on its own it failed the same way
stdout waits to send
stdout the line reproduces the deadlock

$ out=$(baton explore --shrink 30 -- $BUILD/races/stop_status); s=$?; echo "$out"; line=$(echo "$out" | sed -n 's/^  reproduce: //p'); sh -c "$line" 2>&1 >/dev/null | grep -q "deadlock" && echo "the line reproduces the deadlock"; exit $s
exit 1
stdout explore: deadlock in a run of
stdout confirmed: run again on its own it failed the same way
stdout the line reproduces the deadlock

$ out=$(baton explore --shrink 30 -- $BUILD/races/lost_wakeup); s=$?; echo "$out"; line=$(echo "$out" | sed -n 's/^  reproduce: //p'); sh -c "$line" 2>&1 >/dev/null | grep -q "deadlock" && echo "the line reproduces the deadlock"; exit $s
exit 1
stdout explore: deadlock in a run of
stdout confirmed: run again on its own it failed the same way
stdout the line reproduces the deadlock

$ out=$(baton explore --shrink 30 -- $BUILD/races/close_send); s=$?; echo "$out"; line=$(echo "$out" | sed -n 's/^  reproduce: //p'); sh -c "$line" >/dev/null 2>&1; echo "the line exits $?"; exit $s
exit 1
stdout explore: exit status in a run of
stdout exited with status 1; its standard error ended:
stdout send on closed channel
stdout the line exits 1

$ out=$(baton explore --shrink 30 -- $BUILD/races/idle_worker); s=$?; echo "$out"; line=$(echo "$out" | sed -n 's/^  reproduce: //p'); sh -c "$line" 2>&1 >/dev/null | grep -q "deadlock" && echo "the line reproduces the deadlock"; exit $s
exit 1
stdout explore: deadlock in a run of
stdout confirmed: run again on its own it failed the same way
stdout the line reproduces the deadlock

# Their fixed versions: no failure in 1000 schedules of either strategy.
$ n=1000; [ -n "$BATON_LDFLAGS" ] && n=40; for b in lock_order late_result stop_status lost_wakeup close_send idle_worker; do baton explore --runs $n -- $BUILD/races/${b}_fixed || exit 1; baton explore --runs $n --strategy random --seed 5000 -- $BUILD/races/${b}_fixed || exit 1; done | grep -c "no failure in"
stdout 12

# One seed, one run: the same trace twice (time stamps aside), another seed another run.
$ d=$(mktemp -d); for s in 7 again 8; do seed=${s#again}; BATON_SCHED=random BATON_SEED=${seed:-7} BATON_TRACE=$d/$s.btr $BUILD/races/stop_status_fixed >/dev/null 2>&1; baton trace show $d/$s.btr | tail -n +2 > $d/$s.txt; done; [ -s $d/7.txt ] && cmp -s $d/7.txt $d/again.txt && echo "seed 7 twice: the same events"; cmp -s $d/7.txt $d/8.txt || echo "seed 8: other events"; rm -rf $d
stdout seed 7 twice: the same events
stdout seed 8: other events

# A crash: the signal and the end of the program's standard error.
$ d=$(mktemp -d) && cc -Iinclude tests/data/race_abort.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/race && $d/race && baton explore --shrink 10 --trace $d/fail.btr -- $d/race; s=$?; ls $d/fail.btr; rm -rf $d; exit $s
exit 1
stdout explore: crash in a run of
stdout killed by SIGABRT; its standard error ended:
stdout lost update: counter is
stdout /fail.btr

# The same without the fork server: an exec per run.
$ d=$(mktemp -d) && cc -Iinclude tests/data/race_abort.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/race && baton explore --no-fork-server --runs 200 --shrink 0 -- $d/race; s=$?; rm -rf $d; exit $s
exit 1
stdout explore: crash in a run of

# A program with a thread of its own: a fork server's children would lack it, so every
# schedule gets a fresh exec (and no run hangs in pthread_join).
$ d=$(mktemp -d) && cc -Iinclude tests/data/threaded.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/threaded && baton explore --runs 30 --timeout 5 -- $d/threaded; s=$?; rm -rf $d; exit $s
stdout no failure in 30 schedules
stdout (no fork server)

# A run past --timeout: a livelock suspicion.
$ d=$(mktemp -d) && cc -Iinclude tests/data/spin.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/spin && baton explore --runs 3 --timeout 0.3 -- $d/spin; s=$?; rm -rf $d; exit $s
exit 1
stdout explore: livelock suspicion in a run of
stdout not shrunk: every run that livelocks costs a whole --timeout
stdout still running after 0.3 s (--timeout)

# With a spec: the pipeline conforms under every schedule; a stricter spec (one record in
# flight at a time) is broken by a schedule that lets the reader run ahead.
$ d=$(mktemp -d) && cc -Iinclude examples/pipeline/pipeline.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/pipe && baton explore --runs 200 --spec examples/pipeline/pipeline.csp --process PIPELINE -- $d/pipe; s=$?; rm -rf $d; exit $s
stdout no failure in 200 schedules

$ d=$(mktemp -d) && cc -Iinclude examples/pipeline/pipeline.c $BUILD/libbaton.a -lpthread $BATON_LDFLAGS -o $d/pipe && baton explore --runs 500 --shrink 20 --spec tests/e2e/data/pipeline_strict.csp --process STRICT -- $d/pipe; s=$?; rm -rf $d; exit $s
exit 1
stdout explore: trace not allowed by the specification in a run of
stdout is not allowed after
stdout confirmed: run again on its own it failed the same way

# Every report format, from one exploration each.
$ baton explore --shrink 5 --format json -- $BUILD/races/lock_order 2>/dev/null | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); c=d['checks'][0]; print(c['result'], c['counterexample']['kind'], 'schedule:' in c['message'])"
exit 0
stdout fail deadlock True

$ d=$(mktemp -d) && baton explore --shrink 5 --format sarif --report junit:$d/j.xml --report html:$d/r.html -- $BUILD/races/lock_order 2>/dev/null > $d/s.sarif; s=$?; /usr/bin/python3 tools/sarif_valid.py "$SHARED/schemas/sarif-schema-2.1.0.json" $d/s.sarif; grep -c "<failure" $d/j.xml; grep -c "lock_order.c" $d/r.html >/dev/null && echo "html names the source"; grep -o "<h1>Schedule exploration of [^<]*: deadlock in run" $d/r.html; rm -rf $d; exit $s
exit 1
stdout valid SARIF 2.1.0
stdout 1
stdout html names the source
stdout <h1>Schedule exploration of

$ n=100; baton explore --runs $n --format junit -- $BUILD/races/lock_order_fixed 2>/dev/null | grep -c "<testcase"
stdout 1

# SIGINT or SIGTERM: no more runs start, the ones under way finish, exit 3 (the program's
# processes are in their own group: none is left behind).
$ baton explore --runs 1000000 -- $BUILD/races/lock_order_fixed & p=$!; sleep 1; kill -INT $p; wait $p; s=$?; sleep 0.2; pgrep -f "$BUILD/races/lock_order_fixed" >/dev/null && echo "left behind"; exit $s
exit 3
stderr baton: explore: stopped by a signal after
!stdout left behind
