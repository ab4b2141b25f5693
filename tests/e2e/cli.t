# baton's command line: help, version, and one-line errors with exit 2 for bad usage.

$ baton --version
stdout baton 0.1.0

$ baton version
stdout baton 0.1.0

$ baton --help
stdout usage: baton COMMAND
stdout help
stdout exit codes: 0 holds, 1 a check failed, 2 bad input or usage, 3 resource limit

$ baton help
stdout usage: baton COMMAND

$ baton help help
stdout usage: baton help [COMMAND]

$ baton version --help
stdout usage: baton version

$ baton
exit 2
stderr usage: baton COMMAND

$ baton frobnicate
exit 2
stderr baton: unknown command 'frobnicate'

$ baton --frobnicate
exit 2
stderr baton: unknown option '--frobnicate'

$ baton help frobnicate
exit 2
stderr baton: unknown command 'frobnicate'

$ baton version extra
exit 2
stderr baton: version takes no arguments

# A specification is read by streaming: a pipe, /dev/stdin, /dev/null (no assertions) work;
# an endless stream stops at 64 MiB; a directory is named as one.
$ cat tests/e2e/data/check_small.csp | baton check /dev/stdin
exit 1
stdout 2 assertions: 1 passed, 1 failed

$ d=$(mktemp -d) && mkfifo $d/spec && { cat tests/e2e/data/check_small.csp >$d/spec & } && baton check $d/spec; s=$?; rm -rf $d; exit $s
exit 1
stdout 2 assertions: 1 passed, 1 failed

$ baton check /dev/null
exit 0
stdout 0 assertions

$ baton check /dev/zero
exit 2
stderr cannot read '/dev/zero': File too large

$ baton check tests
exit 2
stderr cannot read 'tests': Is a directory

# Options every command shares: --name=value, -o FILE for the report, -- ends the options.
$ d=$(mktemp -d) && baton check --format=json -o $d/report.json tests/e2e/data/check_small.csp; s=$?; /usr/bin/python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['assertions']), 'assertions in the file')" $d/report.json; rm -rf $d; exit $s
exit 1
stdout 2 assertions in the file
!stdout "file"

$ baton check --output=/nonexistent/dir/r.json tests/e2e/data/check_small.csp
exit 2
stderr cannot write the report to '/nonexistent/dir/r.json'

$ baton check -- tests/e2e/data/check_small.csp
exit 1
stdout 2 assertions: 1 passed, 1 failed

$ baton check tests/e2e/data/check_small.csp -o /dev/full
exit 2
stderr cannot write the report: No space left on device
