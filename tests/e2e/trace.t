# baton trace show: usage errors and files that are not traces (real traces are made and
# shown by the tracer_trace suite, which runs programs linked with libbaton).

$ baton trace show --help
stdout usage: baton trace show [--verbose] FILE

$ baton help trace
stdout usage: baton trace show
stdout @deadlock

$ baton trace
exit 2
stderr baton: trace needs a subcommand: show

$ baton trace list x
exit 2
stderr baton: unknown trace subcommand 'list'

$ baton trace show
exit 2
stderr baton: trace show needs a trace file

$ baton trace show --frobnicate x
exit 2
stderr baton: unknown option '--frobnicate'

$ baton trace show a b
exit 2
stderr baton: trace show takes one file

$ baton trace show /nonexistent/run.btr
exit 2
stderr baton: /nonexistent/run.btr: cannot open: No such file or directory

$ baton trace show Makefile
exit 2
stderr baton: Makefile: not a baton trace file (no trace magic at byte 0)
!stdout Makefile

$ baton trace show /dev/null
exit 2
stderr not a baton trace file

$ printf '\211BTRACE\n\001\000' > /tmp/baton-e2e-short.btr && baton trace show /tmp/baton-e2e-short.btr
exit 2
stderr /tmp/baton-e2e-short.btr: byte 10: truncated trace header (10 of 32 bytes)
