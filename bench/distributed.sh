#!/bin/sh
# `baton check --distributed` (docs/distributed.md) on the dining philosophers with a butler
# ($SHARED/peers/phil_butler.csp) at N = 7 and 8 (BENCH_PHIL_N to change): the deadlock check,
# and divergence freedom with the forks hidden (its tau edges peeled across the ranks), by one
# process, by the distributed search as one rank (no mpirun), and by `mpirun -np 2`
# (BENCH_MPI_NP to change).  From one run each: states, transitions, seconds, states/s and the
# peak resident memory of every rank.  On one machine the ranks share its cores and memory:
# the figure to watch is memory per rank, which is what a cluster divides.
set -eu
. bench/lib.sh
bench_init "$1" "$2"
bench_peer "$shared/peers/phil_butler.csp" || exit 0
baton=$(cd "$(dirname "$build/baton")" && pwd)/baton
np=${BENCH_MPI_NP:-2}
have_mpi=1
if ! command -v mpirun >/dev/null 2>&1 || [ ! -e "$build/baton-mpi.so" ]; then
	echo "  (no mpirun or no $build/baton-mpi.so: no figures over MPI ranks; make deps installs Open MPI)"
	have_mpi=0
fi
root=$([ "$(id -u)" -eq 0 ] && echo --allow-run-as-root || true)

# field JSON KEY: the first number after "KEY": in a baton JSON report
field() { sed -n "s/.*\"$2\": \([0-9.e+-]*\).*/\1/p" "$1" | head -1; }
rate() { awk -v s="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", s / t; else print "n/a" }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# line LABEL JSON KB...: one result line; the peak of each rank, in rank order
line() {
	label=$1 json=$2
	shift 2
	states=$(field "$json" states)
	trans=$(field "$json" transitions)
	secs=$(field "$json" seconds)
	peaks=""
	for kb in "$@"; do peaks="$peaks${peaks:+, }$(mb "$kb") MB"; done
	printf "  N=%s %s, %s: %s states, %s transitions, %.2f s, %s states/s, peak per rank %s\n" \
		"$n" "$check" "$label" "$states" "$trans" "$secs" "$(rate "$states" "$secs")" "$peaks"
}

for n in ${BENCH_PHIL_N:-7 8}; do
for check in deadlock divergence; do
	spec=$out/dist_phil_$n.csp
	sed "s/^N = .*/N = $n/" "$shared/peers/phil_butler.csp" >"$spec"
	[ $check = deadlock ] ||
		sed -i 's/^assert .*/assert SEATED \\ {|picks, putsdown|} :[divergence free]/' "$spec"
	/usr/bin/time -f "%M" -o "$out/dist_time.txt" "$baton" check --threads 1 --format json "$spec" \
		>"$out/dist_one.json" || true
	line "one process (baton check --threads 1)" "$out/dist_one.json" "$(peak_kb "$out/dist_time.txt")"
	/usr/bin/time -f "%M" -o "$out/dist_time.txt" "$baton" check --distributed --format json "$spec" \
		>"$out/dist_loop.json" 2>/dev/null || true
	line "--distributed, one rank without mpirun" "$out/dist_loop.json" "$(peak_kb "$out/dist_time.txt")"
	[ $have_mpi -eq 1 ] || continue
	rm -f "$out"/dist_rank.*
	# Each rank under /usr/bin/time, writing its own peak.
	mpirun $root --oversubscribe -np "$np" sh -c \
		'exec /usr/bin/time -f "%M" -o "$0.$OMPI_COMM_WORLD_RANK" "$1" check --distributed --format json "$2"' \
		"$out/dist_rank" "$baton" "$spec" >"$out/dist_mpi.json" || true
	peaks=""
	for r in $(seq 0 $((np - 1))); do peaks="$peaks $(peak_kb "$out/dist_rank.$r")"; done
	# shellcheck disable=SC2086
	line "mpirun -np $np baton check --distributed" "$out/dist_mpi.json" $peaks
done
done
