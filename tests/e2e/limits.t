# Limits hold everywhere (issue 11, defect 4): evaluation, leaf compilation, normalisation,
# every search and replay poll the deadline, the memory budget and the state cap; a LIMIT
# (exit 3) names the limit and the real figures reached; later assertions still run.

# An infinite-state leaf stops at the deadline while it is compiled (it used to run forever).
$ baton check --timeout 1 tests/e2e/data/limits_infinite.csp
exit 3
stdout LIMIT assert P(0) :[deadlock free]
stdout stopped at the time limit (1 s) while compiling the process:
stdout MB resident at the peak
!stdout P(0) :[deadlock free]  (0 states
stdout PASS  assert Q :[deadlock free]
stdout 2 assertions: 1 passed, 0 failed, 1 stopped at a limit

# ... and at the memory budget.
$ baton check --memory 100M tests/e2e/data/limits_infinite.csp
exit 3
stdout LIMIT assert P(0) :[deadlock free]
stdout stopped at the memory limit (100 MB) while compiling the process:
!stdout P(0) :[deadlock free]  (0 states

# --max-states reports the states and transitions reached, not "0 states, 0.00 s".
$ baton check --max-states 1000 tests/e2e/data/limits_infinite.csp
exit 3
stdout (1001 states, 1000 transitions,
stdout has more states than the limit allows
stdout PASS  assert Q :[deadlock free]

# Without --memory the default budget (a share of the machine's memory, here scaled down
# with $BATON_MEMORY_SHARE so the test is cheap) stops it cleanly.
$ BATON_MEMORY_SHARE=0.1 baton check --timeout 60 tests/e2e/data/limits_infinite.csp
exit 3
stdout stopped at the memory limit
stdout the default budget
!stdout time limit

# A long evaluation (a huge set comprehension) stops at the deadline too: a limit, not an error.
$ baton check --timeout 1 tests/e2e/data/limits_eval.csp
exit 3
stdout LIMIT assert P :[deadlock free]
stdout stopped at the time limit (1 s) while evaluating the process
!stderr error

# The limits of searches name themselves as well.
$ baton check --timeout 0.001 --threads 2 tests/e2e/data/check_big.csp
exit 3
stdout stopped at the time limit

# Replay against a channel of 300 001 values, on a short and on an empty trace.
$ baton check --timeout 60 tests/e2e/data/limits_channel.csp --trace tests/e2e/data/limits_channel.txt --trace tests/e2e/data/limits_empty.txt --process P
exit 0
stdout PASS  trace tests/e2e/data/limits_channel.txt against P  (3 events
stdout PASS  trace tests/e2e/data/limits_empty.txt against P  (0 events

# Replay explores the specification only as far as the trace goes: an infinite-state
# process (an unbounded counter over `channel c : Int`) replays like a small one.
$ baton check --timeout 60 tests/e2e/data/limits_infinite.csp --trace tests/e2e/data/limits_counter.txt --process 'P(0)'
exit 0
stdout PASS  trace tests/e2e/data/limits_counter.txt against P(0)  (3 events

$ baton check --timeout 60 tests/e2e/data/limits_infinite.csp --trace tests/e2e/data/limits_counter_wrong.txt --process 'P(0)'
exit 1
stdout event 2, c.2, is not allowed after 1 event: c.0
stdout the specification allowed c.1
