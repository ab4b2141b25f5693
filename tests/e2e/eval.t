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
