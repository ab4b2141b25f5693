#!/bin/sh
# make demo: baton's main job end to end.  For now: the command is built and answers.
# (The trace-replay issue turns this into the real demo: programs on libbaton, their traces
# and their specifications checked.)
set -eu
baton=${1:-build/baton}
"$baton" --version
