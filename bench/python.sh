#!/bin/sh
# Python ping-pong, ns per round trip, from one run: baton.Channel (rendezvous, on threads)
# untraced and traced, baton.aio (asyncio), beside queue.Queue(1) between two threads and
# trio's memory channels ($SHARED/peers) and a multiprocessing.Pipe between two processes
# (bench/pingpong_pipe.py).  Goals (docs/python.md): baton untraced <= 1.5 x queue.Queue's
# round trip; traced <= 1.2 x untraced.
set -eu
. bench/lib.sh
bench_init "$1" "$2"
n=${BENCH_PYTHON_N:-40000}
reps=${BENCH_REPS:-5}
py=${PYTHON:-python3}
if ! command -v "$py" >/dev/null 2>&1; then
	echo "  (no $py here: the Python benchmark is skipped)"
	exit 0
fi
export PYTHONPATH="$PWD/python${PYTHONPATH:+:$PYTHONPATH}"
tmp=${TMPDIR:-/tmp}/baton-bench-py-$$.btr
fig() { sed 's/.*: \([0-9.]*\) ns.*/\1/'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }

# Each figure is the best of $reps interleaved runs (a shared machine's noise is larger than
# the differences measured).
untraced="" traced="" queue="" aio="" aio_traced=""
have_queue=0
[ -e "$shared/peers/pingpong_queue.py" ] && have_queue=1
i=0
while [ $i -lt "$reps" ]; do
	untraced=$(min "$untraced" "$("$py" bench/pingpong_baton.py "$n" | fig)")
	traced=$(min "$traced" "$(BATON_TRACE=$tmp "$py" bench/pingpong_baton.py "$n" | fig)")
	size=$(wc -c <"$tmp")
	rm -f "$tmp"
	[ $have_queue -eq 1 ] && queue=$(min "$queue" "$("$py" "$shared/peers/pingpong_queue.py" "$n" | fig)")
	aio=$(min "$aio" "$("$py" bench/pingpong_baton.py "$n" --aio | fig)")
	aio_traced=$(min "$aio_traced" "$(BATON_TRACE=$tmp "$py" bench/pingpong_baton.py "$n" --aio | fig)")
	rm -f "$tmp"
	i=$((i + 1))
done
pipe=$("$py" bench/pingpong_pipe.py "$n" | fig)
trio=""
if bench_peer "$shared/peers/pingpong_trio.py"; then
	if /usr/bin/python3 -c "import trio" 2>/dev/null; then
		trio=$(/usr/bin/python3 "$shared/peers/pingpong_trio.py" "$n" | fig)
	else
		echo "  (python3-trio is not installed: no trio figure; tools/deps.sh bench installs it)"
	fi
fi

printf "  %-40s %10s ns/round trip  (best of %s runs, as the next four)\n" "baton.Channel on threads, untraced" "$untraced" "$reps"
printf "  %-40s %10s ns/round trip  (%s x untraced; %s bytes, %s per round trip)\n" \
	"baton.Channel on threads, traced" "$traced" "$(ratio "$traced" "$untraced")" "$size" "$(ratio "$size" "$n")"
[ -n "$queue" ] && printf "  %-40s %10s ns/round trip  (baton untraced: %s x this)\n" \
	"queue.Queue(1) between two threads" "$queue" "$(ratio "$untraced" "$queue")"
printf "  %-40s %10s ns/round trip\n" "baton.aio (asyncio), untraced" "$aio"
printf "  %-40s %10s ns/round trip  (%s x untraced)\n" "baton.aio (asyncio), traced" "$aio_traced" \
	"$(ratio "$aio_traced" "$aio")"
printf "  %-40s %10s ns/round trip  (one run)\n" "multiprocessing.Pipe between processes" "$pipe"
[ -n "$trio" ] && printf "  %-40s %10s ns/round trip  (one run, /usr/bin/python3; baton.aio: %s x this)\n" \
	"trio memory channels" "$trio" "$(ratio "$aio" "$trio")"
if [ -n "$queue" ]; then
	awk -v u="$untraced" -v t="$traced" -v q="$queue" 'BEGIN {
		printf "  goals: untraced <= 1.5 x queue.Queue: %s (%.2f); traced <= 1.2 x untraced: %s (%.2f)\n",
			(u <= 1.5 * q ? "met" : "NOT met"), u / q, (t <= 1.2 * u ? "met" : "NOT met"), t / u }'
fi
