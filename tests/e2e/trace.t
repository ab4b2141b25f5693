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

# An empty file is no trace at all: libbaton writes the header as it opens a trace, so the
# program wrote nothing (issue 11).
$ baton trace show /dev/null
exit 2
stderr baton: /dev/null: the trace file is empty (0 bytes): the program wrote nothing; was it killed before it opened the trace?
!stdout # baton trace

$ d=$(mktemp -d) && : > $d/run.btr && baton trace show $d/run.btr; s=$?; rm -rf $d; exit $s
exit 2
stderr /run.btr: the trace file is empty (0 bytes)

# A header cut inside the magic is a truncated header too, not a foreign file.
$ d=$(mktemp -d) && printf '\211BTR' > $d/run.btr && baton trace show $d/run.btr; s=$?; rm -rf $d; exit $s
exit 2
stderr /run.btr: byte 4: truncated trace header (4 of 32 bytes): the file was cut short

# A header and nothing else: a valid trace of no events, printed as such with a note.
$ d=$(mktemp -d) && printf '\211BTRACE\n\003\000\040\000\000\000\000\000\155\136\000\000\000\000\000\000\000\000\000\000\000\000\000\000' > $d/run.btr && baton trace show $d/run.btr; s=$?; rm -rf $d; exit $s
exit 0
stdout (format 3, seed 24173)
stdout # 0 events recorded: the file holds only its header; the program opened the trace and was killed or stopped before its first record reached the file
stderr /run.btr: note: 0 events recorded, the file holds only its header

$ printf '\211BTRACE\n\001\000' > /tmp/baton-e2e-short.btr && baton trace show /tmp/baton-e2e-short.btr
exit 2
stderr /tmp/baton-e2e-short.btr: byte 10: truncated trace header (10 of 32 bytes)

# trace export: the Chrome trace-event format only; bad input is exit 2 with no file left.
$ baton trace export
exit 2
stderr baton: trace export needs a trace file

$ baton trace export --format svg x.btr
exit 2
stderr trace export's format is chrome, not 'svg'

$ baton trace export --format chrome /nonexistent/run.btr -o /tmp/baton-e2e-export.json
exit 2
stderr baton: /nonexistent/run.btr: cannot open

$ baton trace export --format chrome Makefile -o /tmp/baton-e2e-export.json || { s=$?; test -e /tmp/baton-e2e-export.json && echo LEFT; exit $s; }
exit 2
stderr not a baton trace file
!stdout LEFT
