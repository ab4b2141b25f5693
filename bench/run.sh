#!/bin/sh
# make bench: every benchmark in bench/, each printing baton's figures beside its peer's and
# the ratio from one run.  Benchmarks are bench/*.sh other than this file and lib.sh (helpers).
set -eu
build=${1:-build}
shared=${2:-../shared}
found=0
for b in bench/*.sh; do
	[ "$b" = bench/run.sh ] && continue
	[ "$b" = bench/lib.sh ] && continue
	[ -e "$b" ] || continue
	found=1
	echo "== $b"
	sh "$b" "$build" "$shared"
done
[ $found -eq 1 ] || echo "bench: no benchmarks yet"
