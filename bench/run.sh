#!/bin/sh
# make bench: every benchmark in bench/, each printing baton's figures beside its peer's and
# the ratio from one run.  Benchmarks are bench/*.sh other than this file and lib.sh (helpers).
set -eu
build=${1:-build}
shared=${2:-../shared}
found=0
[ -d "$shared/peers" ] || echo "bench: $shared/peers not found: the peers (Go, SPIN, Python, pthread condvar) and the benchmarks built on their specifications are skipped; baton's own figures still run"
for b in bench/*.sh; do
	[ "$b" = bench/run.sh ] && continue
	[ "$b" = bench/lib.sh ] && continue
	[ -e "$b" ] || continue
	found=1
	echo "== $b"
	sh "$b" "$build" "$shared"
done
[ $found -eq 1 ] || echo "bench: no benchmarks yet"
