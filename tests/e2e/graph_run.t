# baton graph network --trace RUN and baton graph deadlock RUN on bad input: files that are
# missing, not traces, text traces, cut short or corrupt, and runs that did not deadlock.
# Pictures of real runs are checked by the pictures_run suite, which runs libbaton programs.
# The traces here are written with printf: a 32-byte header of format 4 (H below), then records.

$ baton graph deadlock
exit 2
stderr baton: graph deadlock needs a trace file (RUN)

$ baton graph network --trace
exit 2
stderr baton: graph network: --trace needs a file

$ baton graph deadlock a.btr b.btr
exit 2
stderr baton: graph deadlock: unexpected argument 'b.btr'

$ baton graph deadlock --frobnicate a.btr
exit 2
stderr baton: graph deadlock: unknown option '--frobnicate'

$ baton graph deadlock a.btr --max-procs 0
exit 2
stderr baton: graph deadlock: --max-procs wants a positive number

$ baton graph deadlock /nonexistent/run.btr
exit 2
stderr baton: /nonexistent/run.btr: cannot open: No such file or directory

$ baton graph network --trace /nonexistent/run.btr -o /tmp/x.svg
exit 2
stderr baton: /nonexistent/run.btr: cannot open: No such file or directory

$ baton graph network --trace /dev/null
exit 2
stderr baton: /dev/null: the trace file is empty (0 bytes)

# A text trace (baton trace show's form) names events, not the processes that made them.
$ d=$(mktemp -d) && printf 'a.1\nb.2\n@deadlock\n' > $d/run.trace && baton graph network --trace $d/run.trace; s=$?; rm -rf $d; exit $s
exit 2
stderr /run.trace: a text trace names events, not the processes that performed them: graph network needs the binary trace

$ d=$(mktemp -d) && printf '# baton trace\na.1\n' > $d/run.trace && baton graph deadlock $d/run.trace; s=$?; rm -rf $d; exit $s
exit 2
stderr graph deadlock needs the binary trace the program recorded

$ baton graph deadlock examples/philosophers/philosophers.c
exit 2
stderr a text trace names events

# Cut short inside a record (a CHAN record of which only 2 of 20 bytes are there).
$ d=$(mktemp -d) && printf '\211BTRACE\n\004\000 \000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\002\000' > $d/cut.btr && baton graph network --trace $d/cut.btr; s=$?; rm -rf $d; exit $s
exit 2
stderr /cut.btr: byte 34: the trace ends inside a record: the file was cut short
!stdout digraph

$ d=$(mktemp -d) && printf '\211BTRACE\n\004\000 \000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\002\000' > $d/cut.btr && baton graph deadlock $d/cut.btr; s=$?; rm -rf $d; exit $s
exit 2
stderr the trace ends inside a record

# A header cut short.
$ d=$(mktemp -d) && printf '\211BTRACE\n\004' > $d/cut.btr && baton graph deadlock $d/cut.btr; s=$?; rm -rf $d; exit $s
exit 2
stderr /cut.btr: byte 9: truncated trace header (9 of 32 bytes)

# Corrupt: a record kind that does not exist.
$ d=$(mktemp -d) && printf '\211BTRACE\n\004\000 \000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\143\000\000\000' > $d/bad.btr && baton graph network --trace $d/bad.btr; s=$?; rm -rf $d; exit $s
exit 2
stderr /bad.btr: byte 32: unknown record kind 99 (the file is corrupt)

# Corrupt: a SITE record outside a deadlock's WAIT group.
$ d=$(mktemp -d) && printf '\211BTRACE\n\004\000 \000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\026\000\000\000\001\000\000\000\001\000\000\000\007\000\000\000' > $d/bad.btr && baton graph deadlock $d/bad.btr; s=$?; rm -rf $d; exit $s
exit 2
stderr /bad.btr: byte 32: SITE record not right after its process's WAIT group

# A run that ended normally (RUN_END, status 0) has a network but no wait-for graph.
$ d=$(mktemp -d) && printf '\211BTRACE\n\004\000 \000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\017\000\000\000\000\000\000\000' > $d/ok.btr && baton graph deadlock $d/ok.btr; s=$?; rm -rf $d; exit $s
exit 2
stderr /ok.btr: the run did not deadlock (it ended normally: every process finished): there is no wait-for graph to draw; try `baton graph network --trace
!stdout digraph

$ d=$(mktemp -d) && printf '\211BTRACE\n\004\000 \000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\017\000\000\000\000\000\000\000' > $d/ok.btr && baton graph network --trace $d/ok.btr; s=$?; rm -rf $d; exit $s
stdout digraph
stdout 0 processes, 0 communications; every process ended

# A trace that holds only its header: the program was killed at once.
$ d=$(mktemp -d) && printf '\211BTRACE\n\004\000 \000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000' > $d/h.btr && baton graph deadlock $d/h.btr; s=$?; rm -rf $d; exit $s
exit 2
stderr the run did not deadlock (its trace ends before the run did

# A picture that cannot be written.
$ d=$(mktemp -d) && printf '\211BTRACE\n\004\000 \000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\017\000\000\000\000\000\000\000' > $d/ok.btr && baton graph network --trace $d/ok.btr -o /nonexistent/dir/x.svg; s=$?; rm -rf $d; exit $s
exit 2
stderr baton:
