# baton check --distributed (docs/distributed.md): the state space spread over MPI ranks gives
# the same verdicts, the same states and transitions for checks that pass, and
# counterexamples as long as one process's, for deadlock freedom and refinement in every
# model and divergence freedom, on the dining philosophers with and without the butler
# (tests/distributed.sh).
# Without mpirun or the MPI plugin the cases with ranks say SKIPPED (and `make check` prints
# a banner); the one-rank cases run everywhere.

# Outside mpirun, --distributed runs as one rank, and says so.
$ baton check --distributed --assert 'SEATED :[deadlock free]' tests/e2e/data/distributed.csp
stdout PASS  assert SEATED :[deadlock free]  (2032 states, 7072 transitions
stderr --distributed outside mpirun: checking as one rank

$ sh tests/distributed.sh same 1 4 5
stdout N=5, 1 ranks: the same as one process: 27 assertions, exit 1
!stdout DIFFER

$ sh tests/distributed.sh limits 1
stdout --timeout, 1 ranks: every rank stopped, exit 3
!stdout DIFFER

$ sh tests/distributed.sh same 2 4 5 6
!stdout DIFFER

$ sh tests/distributed.sh same 4 4 6
!stdout DIFFER

$ sh tests/distributed.sh formats 2
!stdout DIFFER

$ sh tests/distributed.sh limits 2
!stdout DIFFER

$ sh tests/distributed.sh different 2
!stdout DIFFER

# --distributed checks assertions; recorded runs are replayed by one process.
$ baton check --distributed tests/e2e/data/distributed.csp --trace tests/e2e/data/buffer_ok.trace --process SEATED
exit 2
stderr --distributed checks assertions, not --trace runs
