# Compressions (docs/checking.md, "Compression"): every compressed assertion has the verdict
# of the uncompressed one, on fewer states.

$ baton check tests/e2e/data/compress.csp
exit 1
stdout compress.csp:17: PASS  assert BUFF(<>) [FD= PIPE  (81 states
stdout compress.csp:18: PASS  assert BUFF(<>) [FD= sbisim(diamond(PIPE))  (31 states
stdout compress.csp:19: PASS  assert BUFF(<>) [FD= normal(PIPE)  (31 states
stdout compress.csp:20: PASS  assert BUFF(<>) [FD= wbisim(PIPE)  (31 states
stdout compress.csp:21: PASS  assert BUFF(<>) [FD= explicate(PIPE)  (81 states
stdout compress.csp:22: PASS  assert BUFF(<>) [FD= tau_loop_factor(PIPE)  (81 states
stdout compress.csp:23: PASS  assert normal(PIPE) [FD= BUFF(<>)
stdout compress.csp:24: FAIL  assert BUFF1(<>) [FD= PIPE
stdout compress.csp:25: FAIL  assert BUFF1(<>) [FD= sbisim(diamond(PIPE))  (3 states
stdout compress.csp:26: PASS  assert chase(PIPE) :[deadlock free]
stdout compress.csp:29: PASS  assert (sbisim(diamond(PIPE)) [| {|chain.N|} |] SINK) :[deadlock free]  (31 states
stdout compress.csp:30: PASS  assert (PIPE [| {|chain.N|} |] SINK) :[deadlock free]  (81 states
stdout compress.csp:50: FAIL  assert SYSTEM :[deadlock free [F]]  (1301 states
stdout compress.csp:51: FAIL  assert CSYSTEM :[deadlock free [F]]  (405 states
stdout deadlock after 8 events: sits.0, picks.0.0, sits.1, picks.1.1, sits.2, picks.2.2, sits.3, picks.3.3
stdout compress.csp:52: PASS  assert SYSTEM [| {|sits, getsup|} |] BUTLER(0) :[deadlock free [F]]  (2032 states
stdout compress.csp:53: PASS  assert CSYSTEM [| {|sits, getsup|} |] BUTLER(0) :[deadlock free [F]]  (551 states
stdout compress.csp:54: PASS  assert sbisim(CSYSTEM \ {|picks, putsdown|}) [| {|sits, getsup|} |] BUTLER(0) :[deadlock free [F]]
stdout 17 assertions: 13 passed, 4 failed

# A compression that comes back to itself is unguarded recursion: DIV, as without it.
$ baton check tests/e2e/data/compress_loop.csp
exit 1
stdout FAIL  assert P :[deadlock free]
stdout FAIL  assert P :[divergence free]

# A compressed subsystem past --max-states stops cleanly (exit 3).
$ baton check --max-states 20 tests/e2e/data/compress.csp --assert 'BUFF(<>) [FD= normal(PIPE)'
exit 3
stdout LIMIT

# dbisim (delay bisimulation) sits between sbisim and wbisim.
$ baton check tests/e2e/data/compress.csp --assert 'BUFF(<>) [FD= dbisim(PIPE)' --assert 'BUFF1(<>) [FD= dbisim(PIPE)'
exit 1
stdout PASS  assert BUFF(<>) [FD= dbisim(PIPE)  (31 states
stdout FAIL  assert BUFF1(<>) [FD= dbisim(PIPE)

# In R, RD, V and VD the compressions made for T, F and FD compress by sbisim: normal(P)
# would lose P's stable state offering {a, b}, passing T [V= normal(P) and failing
# normal(P) [V= R where the uncompressed P gives the other verdict.
$ baton check tests/e2e/data/compress_models.csp
exit 1
stdout compress_models.csp:15: PASS  assert normal(P) [V= R
stdout compress_models.csp:16: PASS  assert diamond(P) [V= R
stdout compress_models.csp:17: PASS  assert wbisim(P) [R= R
stdout compress_models.csp:18: PASS  assert T [F= normal(P)
stdout compress_models.csp:19: FAIL  assert T [V= P
stdout compress_models.csp:20: FAIL  assert T [V= normal(P)
stdout compress_models.csp:21: FAIL  assert T [VD= diamond(P)
stdout compress_models.csp:23: FAIL  assert T [R= normal(P)
stdout compress_models.csp:24: FAIL  assert T [RD= dbisim(P)
stdout compress_models.csp:25: FAIL  assert T [V= tau_loop_factor(P)
stdout 12 assertions: 5 passed, 7 failed

# Under :[tau priority over]: the compressions made for T, F and FD compress by sbisim too:
# diamond(P) would drop the timeout's tau that priority lets win over tock, and offer the
# tock -> b that P never does.
$ baton check tests/e2e/data/compress_priority.csp
exit 1
stdout compress_priority.csp:9: PASS  assert tock -> STOP [T= P :[tau
stdout compress_priority.csp:10: PASS  assert tock -> STOP [T= diamond(P) :[tau
stdout compress_priority.csp:11: PASS  assert tock -> STOP [T= normal(P) :[tau
stdout compress_priority.csp:12: PASS  assert tock -> STOP [F= sbisim(diamond(P)) :[tau
stdout compress_priority.csp:13: PASS  assert tock -> STOP [FD= wbisim(P) :[tau
stdout compress_priority.csp:14: PASS  assert tock -> STOP [FD= dbisim(P) :[tau
stdout compress_priority.csp:15: PASS  assert tock -> STOP [T= tau_loop_factor(P) :[tau
stdout compress_priority.csp:17: FAIL  assert tock -> STOP [T= diamond(P)  (
stdout compress_priority.csp:22: PASS  assert Q :[deadlock free [F]] :[tau
stdout compress_priority.csp:23: PASS  assert diamond(Q) :[deadlock free [F]] :[tau
stdout compress_priority.csp:24: PASS  assert normal(Q) :[deadlock free [FD]] :[tau
stdout 11 assertions: 10 passed, 1 failed
