# baton eval FILE: name resolution and typechecking after parsing (model/resolve, model/types).

$ baton eval tests/e2e/data/types/good.csp
exit 0
!stderr error

# Several errors in one run, each located, with the source line and a caret; names and
# types are both checked.
$ baton eval tests/e2e/data/types/bad.csp
exit 2
stderr tests/e2e/data/types/bad.csp:3:9: error: type mismatch: expected Int, found Bool
stderr tests/e2e/data/types/bad.csp:4:7: error: field 1 of channel 'c': type mismatch: expected Int, found Bool
stderr tests/e2e/data/types/bad.csp:5:5: error: unknown name 'Undefined'
stderr tests/e2e/data/types/bad.csp:6:6: error: T is not in class Eq (because Proc is not in class Eq)
stderr     3 | x = 1 + true
stderr       |         ^

$ baton eval tests/e2e/data/types/modules.csp
exit 2
stderr tests/e2e/data/types/modules.csp:9:5: error: 'limit' is not exported by module 'Counter'

# --parse-only skips the static checks.
$ baton eval --parse-only tests/e2e/data/types/bad.csp
exit 0

# Deep trees are recursed over without overflowing the stack: 9 000 levels of `+`.
$ awk 'BEGIN { printf "x = 1"; for (i = 0; i < 9000; i++) printf " + 1"; print "" }' > "$BUILD/deep_plus.csp" && baton eval "$BUILD/deep_plus.csp"
exit 0
!stderr error

# A long chain of definitions, each used before it is defined.
$ awk 'BEGIN { print "channel a"; for (i = 0; i < 3000; i++) printf "P%d = a -> P%d\n", i, i + 1; print "P3000 = STOP" }' > "$BUILD/chain.csp" && baton eval "$BUILD/chain.csp"
exit 0
!stderr error

# Types that double at each definition: the checker stops at its work budget, never hangs.
$ printf 'pair(x) = (x, x)\nf1(x) = pair(pair(x))\nf2(x) = f1(f1(x))\nf3(x) = f2(f2(x))\nf4(x) = f3(f3(x))\nf5(x) = f4(f4(x))\ny = f5(1)\n' > "$BUILD/expo.csp" && baton eval "$BUILD/expo.csp"
exit 0
