#!/bin/sh
# Replay of a conforming trace of 10^7 events (BENCH_REPLAY_EVENTS to change) of the pipeline
# of examples/pipeline against its spec PIPELINE, binary and text: events/s and peak memory
# from the best of $BENCH_REPS runs.  Goals: >= 20 M events/s binary, >= 5 M text, peak
# memory independent of the trace's length.
set -eu
. bench/lib.sh
bench_init "$1" "$2"
events=${BENCH_REPLAY_EVENTS:-10000000}
reps=${BENCH_REPS:-3}
${CC:-cc} -std=c11 -O2 -Iinclude examples/pipeline/pipeline.c "$build/libbaton.a" -lpthread -o "$out/pipeline"
tmp=${TMPDIR:-/tmp}/baton-bench-replay-$$
# three events (raw, parsed, cooked) per record
BATON_TRACE=$tmp.btr "$out/pipeline" $(((events + 2) / 3)) >/dev/null
"$build/baton" trace show "$tmp.btr" >"$tmp.trace"
for form in btr trace; do
	best="" kb=""
	i=0
	while [ $i -lt "$reps" ]; do
		# timed as the whole command (spec loading included): the report's seconds have two digits
		t0=$(date +%s%N)
		/usr/bin/time -f "%M" -o "$tmp.time" "$build/baton" check \
			examples/pipeline/pipeline.csp --trace "$tmp.$form" --process PIPELINE >"$tmp.out"
		t1=$(date +%s%N)
		s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')
		n=$(sed -n 's/.*(\([0-9]*\) events, \([0-9.]*\) s).*/\1/p' "$tmp.out" | head -1)
		best=$(awk -v a="$best" -v b="$s" 'BEGIN { print (a == "" || b < a) ? b : a }')
		kb=$(peak_kb "$tmp.time")
		i=$((i + 1))
	done
	size=$(wc -c <"$tmp.$form")
	name=binary
	[ $form = trace ] && name=text
	printf "  %-8s %10s events  %6.1f M events/s  peak %5.1f MB  (%s bytes, %.1f a event; best of %s)\n" \
		"$name" "$n" "$(awk -v n="$n" -v s="$best" 'BEGIN { print n / s / 1e6 }')" \
		"$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" "$size" \
		"$(awk -v z="$size" -v n="$n" 'BEGIN { print z / n }')" "$reps"
done
rm -f "$tmp.btr" "$tmp.trace" "$tmp.out" "$tmp.time"
