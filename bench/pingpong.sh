#!/bin/sh
# Ping-pong over two rendezvous int channels, ns per round trip, from one run: baton untraced,
# baton traced (to a file on disk, and on tmpfs when /dev/shm exists), Go unbuffered channels,
# the pthread condvar hand-off and Python's queue.Queue (peers in $SHARED/peers).
# Goals: baton untraced <= 100 ns and <= 0.5 x Go; traced <= 1.2 x untraced.
set -eu
. bench/lib.sh
bench_init "$1" "$2"
n=${BENCH_PINGPONG_N:-2000000}
bench_cc pingpong
tmp=${TMPDIR:-/tmp}/baton-bench-$$.btr

# Each baton figure is the best of $reps interleaved runs: on a shared machine the noise of
# one run (+-30 %) is larger than the tracing cost being measured.
reps=${BENCH_REPS:-5}
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
untraced="" traced="" shm=""
i=0
while [ $i -lt "$reps" ]; do
	untraced=$(min "$untraced" "$("$out/pingpong" "$n")")
	traced=$(min "$traced" "$(BATON_TRACE=$tmp "$out/pingpong" "$n")")
	size=$(wc -c <"$tmp")
	rm -f "$tmp"
	if [ -d /dev/shm ]; then
		shm=$(min "$shm" "$(BATON_TRACE=/dev/shm/baton-bench-$$.btr "$out/pingpong" "$n")")
		rm -f /dev/shm/baton-bench-$$.btr
	fi
	i=$((i + 1))
done
go=""
if bench_go pingpong_go "$shared/peers/pingpong.go"; then
	go=$("$out/pingpong_go" "$n" | sed 's/.*, \([0-9.]*\) ns.*/\1/')
	go1=$(GOMAXPROCS=1 "$out/pingpong_go" "$n" | sed 's/.*, \([0-9.]*\) ns.*/\1/')
fi
condvar=""
if bench_peer "$shared/peers/pingpong_condvar.c"; then
	${CC:-cc} -O2 -pthread "$shared/peers/pingpong_condvar.c" -o "$out/pingpong_condvar"
	condvar=$("$out/pingpong_condvar" 200000 | sed 's/.*: \([0-9.]*\) ns.*/\1/')
fi
queue=""
if command -v python3 >/dev/null 2>&1 && bench_peer "$shared/peers/pingpong_queue.py"; then
	queue=$(python3 "$shared/peers/pingpong_queue.py" 50000 | sed 's/.*: \([0-9.]*\) ns.*/\1/')
fi

printf "  %-34s %10s ns/round trip  (best of %s runs, as the two below)\n" "baton, untraced" "$untraced" "$reps"
printf "  %-34s %10s ns/round trip  (%s x untraced; %s bytes, %s per round trip)\n" \
	"baton, traced to $(dirname "$tmp")" "$traced" "$(ratio "$traced" "$untraced")" "$size" \
	"$(ratio "$size" "$n")"
[ -n "$shm" ] && printf "  %-34s %10s ns/round trip  (%s x untraced)\n" "baton, traced to /dev/shm" "$shm" \
	"$(ratio "$shm" "$untraced")"
if [ -n "$go" ]; then
	printf "  %-34s %10s ns/round trip  (baton untraced = %s x Go)\n" "Go unbuffered channels" "$go" \
		"$(ratio "$untraced" "$go")"
	printf "  %-34s %10s ns/round trip  (baton untraced = %s x Go)\n" "Go, GOMAXPROCS=1" "$go1" \
		"$(ratio "$untraced" "$go1")"
fi
[ -n "$condvar" ] && printf "  %-34s %10s ns/round trip  (baton untraced = %s x condvar)\n" \
	"pthread condvar" "$condvar" "$(ratio "$untraced" "$condvar")"
[ -n "$queue" ] && printf "  %-34s %10s ns/round trip  (baton untraced = %s x queue)\n" \
	"Python queue.Queue" "$queue" "$(ratio "$untraced" "$queue")"
exit 0
