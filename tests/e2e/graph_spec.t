# `baton graph network` and `baton graph lts` on bad input and past their size limits
# (issue 13): a clear one-line reason, exit 2 for bad input, 3 for a picture too large to
# read; never a half-written picture.

# An unknown process is the spec's own located error.
$ baton graph network examples/philosophers/philosophers.csp PHILOSOPHERS
exit 2
stderr <expression>:1:1: error: unknown name 'PHILOSOPHERS'
!stdout digraph

$ baton graph lts examples/philosophers/philosophers.csp 'PHIL(9'
exit 2
stderr error

# A value that is not a process.
$ baton graph lts examples/philosophers/philosophers.csp N
exit 2
stderr 'N' is not a process

# A missing spec.
$ baton graph network tests/e2e/data/graph/none.csp P
exit 2
stderr cannot read 'tests/e2e/data/graph/none.csp'

# Missing arguments, unknown options, an unknown format.
$ baton graph network examples/pipeline/pipeline.csp
exit 2
stderr graph network needs a SPEC.csp and a PROCESS

$ baton graph lts examples/pipeline/pipeline.csp PARSER --frobnicate
exit 2
stderr graph lts: unknown option '--frobnicate'

$ baton graph network examples/pipeline/pipeline.csp PIPELINE --format gif
exit 2
stderr unknown format 'gif'

$ baton graph lts examples/pipeline/pipeline.csp PARSER -o /tmp/baton-graph-spec.gif
exit 2
stderr cannot tell the picture format of '/tmp/baton-graph-spec.gif'

$ baton graph lts examples/pipeline/pipeline.csp PARSER -o /nonexistent/dir/x.svg
exit 2
stderr cannot write '/nonexistent/dir/x.svg'

$ baton graph lts examples/pipeline/pipeline.csp PARSER --max-states 0
exit 2
stderr --max-states needs a positive number

# Too large to read: refused, with a hint.
$ baton graph lts examples/philosophers/philosophers.csp SYSTEM
exit 3
stderr baton: SYSTEM has more than 100 states, too many to draw; draw one of its components, or raise --max-states (at most 1000)
!stdout digraph

$ baton graph lts examples/philosophers/philosophers.csp SYSTEM --max-states 5000
exit 2
stderr --max-states is at most 1000

$ baton graph network tests/e2e/data/graph/network_small.csp BIG
exit 3
stderr BIG has more than 60 parallel components, too many to draw readably

# A component is explored only to learn its events; an unbounded one is a limit.
$ baton graph network tests/e2e/data/graph/lts_small.csp 'INF(0) ||| COUNT(0)'
exit 3
stderr more states than the limit allows
stderr a component is explored to learn its events, up to 20000 states

# What works: DOT on standard output by default.
$ baton graph network examples/pipeline/pipeline.csp PIPELINE
exit 0
stdout digraph "network"
stdout "PARSER" -> "TRANSFORMER"

$ baton graph lts examples/pipeline/pipeline.csp PARSER --no-legend
exit 0
stdout digraph "lts"
stdout "start" -> "s0"
