# baton eval --parse-only: loading CSPm (lex, parse, includes) with located diagnostics.

$ baton eval --parse-only tests/e2e/data/ok.csp
exit 0
!stderr error

$ baton eval --parse-only --dump tests/e2e/data/ok.csp
stdout P = ((a -> P) [] (b -> STOP))
stdout Q = ((P \ {a}) ||| STOP)

# Several errors in one run, each with file:line:col, the source line and a caret.
$ baton eval --parse-only tests/e2e/data/errors.csp
exit 2
stderr tests/e2e/data/errors.csp:1:15: error: expected an expression, found ']'
stderr tests/e2e/data/errors.csp:2:10: error: expected ',' or ')' in the tuple, found the end of the line
stderr tests/e2e/data/errors.csp:3:13: error: integer literal 2147483648 is too large
stderr     1 | P = a -> b -> ]
stderr       |               ^

# Includes resolve relative to the including file, even from another folder.
$ baton eval --parse-only --dump tests/e2e/data/main_inc.csp
stdout L2 = 1
stdout LIB = L2
stdout Q = LIB

$ baton eval --parse-only tests/e2e/data/inc_a.csp
exit 2
stderr inc_b.csp:1:9: error: include cycle: 'tests/e2e/data/inc_a.csp' includes itself

$ baton eval --parse-only tests/e2e/data/no-such-file.csp
exit 2
stderr baton: error: cannot read 'tests/e2e/data/no-such-file.csp': No such file or directory

# Without --parse-only the file is also resolved and typechecked (tests/e2e/types.t).
$ baton eval tests/e2e/data/ok.csp
exit 0
!stderr error

$ baton eval --parse-only
exit 2
stderr baton: eval needs a FILE.csp

$ baton eval --frob x.csp
exit 2
stderr baton: unknown option '--frob'

$ baton eval --help
stdout usage: baton eval

$ baton help
stdout eval

# Lexical errors: each located, the rest of the file still read.
$ baton eval --parse-only tests/e2e/data/lexical.csp
exit 2
stderr lexical.csp:1:5: error: integer literal 99999999999 is too large: CSPm integers are 32-bit (at most 2147483647)
stderr lexical.csp:2:5: error: unterminated string literal
stderr lexical.csp:3:7: error: invalid character '~'
stderr lexical.csp:4:5: error: unterminated comment: '{-' has no matching '-}'

# Evaluating an expression in the file's scope prints it in CSPm syntax.
$ baton eval tests/e2e/data/eval.csp 'fact(5)'
stdout 120

$ baton eval tests/e2e/data/eval.csp '{x * x | x <- {0..3}}'
stdout {0, 1, 4, 9}

$ baton eval tests/e2e/data/eval.csp '<1..3> ^ <7>'
stdout <1, 2, 3, 7>

$ baton eval tests/e2e/data/eval.csp 'member(c.1, {| c |})'
stdout true

$ baton eval tests/e2e/data/eval.csp 'P'
stdout a -> P

$ baton eval tests/e2e/data/eval.csp '(1, "ab", {})'
stdout (1, "ab", {})

# Evaluation errors are located in the expression or in the file.
$ baton eval tests/e2e/data/eval.csp '1 / 0'
exit 2
stderr <expression>:1:1: error: division by zero

$ baton eval tests/e2e/data/eval.csp 'Bad'
exit 2
stderr eval.csp:8:7: error: value 5 is outside the type of channel c (field 1: {0, 1})

$ baton eval tests/e2e/data/eval.csp 'Loop'
exit 2
stderr eval.csp:9:8: error: 'Loop' is defined in terms of itself (unguarded recursion)

$ baton eval tests/e2e/data/eval.csp 'deep(1000000)'
exit 2
stderr error: evaluation too deep

# Static errors: unknown names and duplicates, all of them, located.
$ baton eval tests/e2e/data/eval_static.csp
exit 2
stderr eval_static.csp:1:5: error: unknown name 'Q'
stderr eval_static.csp:3:1: error: 'f' is defined more than once

# --tests: every test… is true, every procTest… explores.
$ baton eval --tests tests/e2e/data/eval_tests.csp
exit 0

# A false test… is a located error, as libcspm's test harness reports it ("testWrong was
# false"); the true ones are silent.
$ baton eval --tests tests/e2e/data/eval_false.csp
exit 2
stderr eval_false.csp:2:1: error: testWrong is false
!stderr testRight
!stdout is false

$ baton eval --tests tests/e2e/data/eval_fail.csp
exit 2
stderr eval_fail.csp:2:12: error: head of the empty sequence

# baton lts: states and transitions, and a polite refusal past the limit.
$ baton lts tests/e2e/data/eval.csp 'Q'
stdout state 0: (a -> SKIP ; Q)
stdout state 1: (SKIP ; Q)
stdout   a -> 1
stdout   τ -> 0
stdout 2 states

$ baton lts --max-states 5 tests/e2e/data/eval.csp 'Count(0)'
exit 3
stderr more than 5 states are reachable

$ baton lts tests/e2e/data/eval.csp '1 + 1'
exit 2
stderr is not a process

$ baton lts tests/e2e/data/eval.csp
exit 2
stderr baton: lts needs a FILE.csp and a PROC
