#!/bin/sh
# The pictures of a recorded run of 10^7 events (BENCH_GRAPH_EVENTS to change): bench/graph_run.c
# (a token ring of six stages and a monitor, ending in a deadlock) is traced, then `baton graph
# network --trace` and `baton graph deadlock` draw it to SVG.  Prints each one's time and peak
# memory (/usr/bin/time).  Goal: the network built while streaming the trace (peak memory
# independent of the trace's length) and drawn in under 2 s.
set -eu
. bench/lib.sh
bench_init "$1" "$2"
events=${BENCH_GRAPH_EVENTS:-10000000}
bench_cc graph_run
tmp=${TMPDIR:-/tmp}/baton-bench-graph-$$
BATON_TRACE=$tmp.btr "$out/graph_run" "$events" 2>/dev/null
size=$(wc -c <"$tmp.btr")
for kind in network deadlock; do
	if [ $kind = network ]; then set -- network --trace "$tmp.btr"; else set -- deadlock "$tmp.btr"; fi
	/usr/bin/time -f "%e %M" -o "$tmp.time" "$build/baton" graph "$@" -o "$tmp.$kind.svg"
	read -r s kb <"$tmp.time"
	printf "  graph %-8s %10s events (%s bytes of trace)  %5.2f s  peak %5.1f MB  (goal: < 2 s)\n" \
		"$kind" "$events" "$size" "$s" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
done
rm -f "$tmp.btr" "$tmp.time" "$tmp.network.svg" "$tmp.deadlock.svg"
