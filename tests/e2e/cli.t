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
